"""Verdicts: each exercise's status, message and points, from what its kernel runs left and the reference outputs.

:data:`RULES` is the precedence, as data: the first rule that applies to an exercise decides it. Each rule reads
one :class:`autograder.notebook_runs.ExerciseRun` (recorded once, after the runs) and the reference outputs; none
of them reads the kernel's word as a verdict (the kernel's statuses go through :func:`untrusted.kernel_outcome`).
"""

import dataclasses
import pathlib

from autograder import checks
from autograder.untrusted import hidden_result, kernel_outcome, learner_text, one_line

COLUMNS = ["student", "notebook", "exercise", "score", "max_score", "status", "message"]


@dataclasses.dataclass
class Row:
    student: str
    notebook: str
    exercise: str
    score: float
    max_score: float
    status: str
    message: str
    notes: tuple = ()  # notes about the whole notebook (restored cells, truncated output, reruns); same per row
    seed: int = None  # the probe seed this notebook was graded with


def rows_for_all(student, notebook, lesson, status, message, notes=()):
    """One row per exercise of ``lesson`` with 0 points and the same ``status`` (one row when there is no lesson)."""
    if lesson is None:
        return [Row(student, notebook, "", 0, 0, status, message, tuple(notes))]
    return [Row(student, notebook, ex.name, 0, ex.points, status, message, tuple(notes))
            for ex in checks.exercises(lesson)]


@dataclasses.dataclass(frozen=True)
class Verdict:
    status: str
    message: str
    fraction: float = 0.0


def _missing(exercise, run, reference):
    if not run.answered:
        return Verdict("missing", f"no answer cell with grade_id {exercise.name!r}: do not delete or retag the answer "
                                  "cell")
    return None


def _forbidden_import(exercise, run, reference):
    if run.forbidden:
        modules = ", ".join(learner_text(module, 100) for module in run.forbidden)
        return Verdict("forbidden-import", f"your code tried to import {modules}, a reference answer module; that is "
                                           "not allowed while grading and this exercise scores 0")
    return None


def _setup_failed(exercise, run, reference):
    return Verdict(*run.setup_problem) if run.setup_problem else None


def _stopped_by_grader(exercise, run, reference):
    outcome = run.outcome
    return Verdict(outcome.status, outcome.message) if outcome is not None and outcome.status else None


def _no_result(exercise, run, reference):
    return Verdict("error", "no result came back from the probe") if run.outcome is None else None


def _answer_cell_raised(exercise, run, reference):
    if run.outcome.result["visible"]["status"] == "ok" or not run.answer_error:
        return None
    ename, evalue = learner_text(run.answer_error[0], 100), learner_text(run.answer_error[1])
    if ename == "NotImplementedError":
        return Verdict("not-implemented", "the answer cell still raises NotImplementedError")
    return Verdict("error", f"the answer cell raised {ename}: {evalue}")


def _kernel_reported(exercise, run, reference):
    visible = run.outcome.result["visible"]
    return Verdict(*kernel_outcome(exercise, visible)) if visible["status"] != "ok" else None


def _assessed(exercise, run, reference):
    result = run.outcome.result
    verdict = exercise.assess(result["visible"], reference["visible"], hidden_result(result.get("hidden")),
                              reference["hidden"])
    message = verdict.message
    if run.answer_error:
        message = (f"{message} " if message else "") + (f"(the answer cell also raised "
                                                        f"{learner_text(run.answer_error[0], 100)}; the definition it "
                                                        "made was graded)")
    return Verdict(verdict.status, message, verdict.fraction)


# The precedence: the first rule that gives a verdict decides the exercise. A missing answer outranks everything;
# a forbidden import outranks a failed setup, and both outrank whatever the runs did; a status the grader gave
# during the runs (timeout, memory-limit, crashed, an unreadable result) outranks the probe's result.
RULES = (
    ("missing", _missing),
    ("forbidden-import", _forbidden_import),
    ("setup-failed", _setup_failed),
    ("stopped-by-grader", _stopped_by_grader),
    ("no-result", _no_result),
    ("answer-cell-raised", _answer_cell_raised),
    ("kernel-reported", _kernel_reported),
    ("assessed", _assessed),
)


def verdict(exercise, run, reference):
    """The :class:`Verdict` of one exercise: that of the first rule in :data:`RULES` that applies."""
    for _, rule in RULES:
        found = rule(exercise, run, reference)
        if found is not None:
            return found
    raise RuntimeError("no rule applied; the last rule always should")


def judge(student, path, submission, expected):
    """The rows of a submission that ran: each exercise's verdict against the reference outputs."""
    if submission.rows is not None:
        return submission.rows
    reference = expected(submission.lesson, submission.seed)  # computed meanwhile when the batch prefetched it
    records = submission.runs.records()
    rows = []
    for exercise in checks.exercises(submission.lesson):
        found = verdict(exercise, records[exercise.name], reference[exercise.name])
        rows.append(Row(student, pathlib.Path(path).name, exercise.name, round(exercise.points * found.fraction, 4),
                        exercise.points, found.status, one_line(found.message), tuple(submission.notes),
                        submission.seed))
    return rows
