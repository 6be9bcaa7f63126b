"""The verdict rules' precedence, and each exercise's result recorded once by the kernel runs."""

import types

import nbformat
import pytest

from autograder import checks, verdicts
from autograder.checks import statuses
from autograder.checks.exercise import Verdict as Assessed
from autograder.notebook_runs import ExerciseRun, NotebookRuns, Outcome
from autograder.sandbox import Limits

LESSON = "01_linear_pca"


# ---------------------------------------------------------------------------------------------------------------
# the verdict rules, in order


class _Exercise:
    """Stands for an exercise: its assess says what ``assessed`` holds, and records that it was called."""

    name, symbol, points = "linear_autoencoder", "build_linear_autoencoder", 2

    def __init__(self, assessed=Assessed("passed", "", 1.0)):
        self.assessed, self.calls = assessed, 0

    def assess(self, visible, expected, hidden, hidden_expected):
        self.calls += 1
        return self.assessed


REFERENCE = {"visible": {"x": 1}, "hidden": None}
OK = Outcome(result={"visible": {"status": "ok", "message": "", "data": {"x": 1}}, "hidden": None})


def _kernel_says(status, message="boom"):
    return Outcome(result={"visible": {"status": status, "message": message}, "hidden": None})


def _verdict(**fields):
    run = ExerciseRun(**{"answered": True, **fields})
    return verdicts.verdict(_Exercise(), run, REFERENCE)


def test_the_rules_are_declared_in_this_order():
    assert [name for name, _ in verdicts.RULES] == [
        "missing", "forbidden-import", "setup-failed", "stopped-by-grader", "no-result", "answer-cell-raised",
        "kernel-reported", "assessed"]


def test_a_missing_answer_outranks_everything():
    found = _verdict(answered=False, forbidden=("solutions.linear",), setup_problem=("grader-error", "setup"),
                     outcome=Outcome(status="timeout", message="slow"))
    assert found.status == "missing" and "do not delete or retag" in found.message and found.fraction == 0


def test_a_forbidden_import_outranks_a_failed_setup_and_a_crash():
    found = _verdict(forbidden=("solutions.linear", "benchmark"), setup_problem=("grader-error", "setup"),
                     outcome=Outcome(status="crashed", message="died"))
    assert found.status == "forbidden-import"
    assert "solutions.linear, benchmark" in found.message and found.fraction == 0


def test_a_failed_setup_outranks_what_the_runs_gave():
    found = _verdict(setup_problem=("grader-error", "the lesson's setup cells failed"),
                     outcome=Outcome(status="timeout", message="slow"))
    assert (found.status, found.message) == ("grader-error", "the lesson's setup cells failed")


@pytest.mark.parametrize("status", ["timeout", "memory-limit", "crashed", "error", "grader-error"])
def test_a_status_the_grader_gave_during_the_runs_outranks_the_answer_cell_and_the_probe(status):
    found = _verdict(outcome=Outcome(status=status, message="why"), answer_error=("NotImplementedError", ""))
    assert (found.status, found.message, found.fraction) == (status, "why", 0.0)


def test_no_outcome_is_an_error():
    assert (_verdict().status, _verdict().message) == ("error", "no result came back from the probe")


def test_the_answer_cells_error_outranks_what_the_kernel_reported():
    found = _verdict(outcome=_kernel_says("missing"), answer_error=("NotImplementedError", "stub"))
    assert (found.status, found.message) == ("not-implemented", "the answer cell still raises NotImplementedError")
    found = _verdict(outcome=_kernel_says("missing"), answer_error=("ValueError", "bad shape"))
    assert (found.status, found.message) == ("error", "the answer cell raised ValueError: bad shape")


def test_what_the_kernel_reported_is_reworded_by_the_grader():
    found = _verdict(outcome=_kernel_says("memory-limit"))
    assert found.status == "error" and found.message.startswith("calling your answer raised MemoryError")
    found = _verdict(outcome=_kernel_says("not-implemented"))
    assert found.status == "not-implemented" and "still raises NotImplementedError" in found.message


def test_a_probe_result_is_assessed_last_and_keeps_its_fraction():
    exercise = _Exercise(Assessed("partial", "part b failed", 0.5))
    found = verdicts.verdict(exercise, ExerciseRun(answered=True, outcome=OK, answer_error=("KeyError", "k")),
                             REFERENCE)
    assert exercise.calls == 1 and (found.status, found.fraction) == ("partial", 0.5)
    assert found.message == "part b failed (the answer cell also raised KeyError; the definition it made was graded)"
    stopped = _Exercise()
    verdicts.verdict(stopped, ExerciseRun(answered=True, outcome=Outcome(status="timeout", message="slow")),
                     REFERENCE)
    assert stopped.calls == 0  # a rule above decided: the probe's data is never judged


def test_every_status_the_rules_give_is_declared():
    outcomes = [Outcome(status=s.name, message="") for s in statuses.STATUSES] + [
        _kernel_says(s) for s in statuses.KERNEL_STATUSES if s != "ok"]
    found = {_verdict(outcome=outcome).status for outcome in outcomes}
    found |= {_verdict(answered=False).status, _verdict(forbidden=("solutions",)).status, _verdict().status}
    assert found <= set(statuses.BY_NAME)


# ---------------------------------------------------------------------------------------------------------------
# each exercise's result is recorded once


def _exercises():
    return checks.exercises(LESSON)


def test_runs_record_one_outcome_per_exercise_and_the_first_reason_the_grader_gave_stands():
    first, second = _exercises()[:2]
    runs = NotebookRuns(LESSON, {first.name: "x = 1", second.name: "y = 2"}, 1,
                        types.SimpleNamespace(limits=Limits(preload=False)))
    runs.outcomes[first.name] = OK
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"role": "answer", "exercise": first.name}),
        nbformat.v4.new_code_cell("y = 2", metadata={"role": "answer", "exercise": second.name})])
    tampered = types.SimpleNamespace(imports_by_cell={}, tampered_by_cell={0: "the import log is a named pipe"},
                                     truncated=set())
    runs._collect(notebook, tampered, run=None)
    record = runs.records()[first.name]
    assert record.outcome.status == "error" and record.outcome.result is None  # the grader's word replaced the data
    assert record.outcome.message.startswith("the import log is a named pipe")
    runs._collect(notebook, types.SimpleNamespace(imports_by_cell={}, tampered_by_cell={0: "a folder"},
                                                  truncated=set()), run=None)
    assert runs.records()[first.name].outcome.message.startswith("the import log is a named pipe")
    records = runs.records()
    assert list(records) == [ex.name for ex in _exercises()]
    assert records[second.name] == ExerciseRun(answered=True)
    assert all(not record.answered for name, record in records.items() if name not in (first.name, second.name))
    with pytest.raises(AttributeError):
        record.outcome = None  # frozen: the verdict reads the record the runs left
