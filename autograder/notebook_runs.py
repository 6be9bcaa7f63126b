"""Running one submission's grading notebook in sandboxed kernels until every exercise has a result or a reason.

A grading notebook is the instructor's setup cells, the learner's answer cells and one probe cell per exercise
(:func:`grading_notebook`). :class:`NotebookRuns` runs it; when a cell times out, runs out of memory or the kernel
dies, the cell's exercise is recorded and the notebook runs again without it. Before a crash or an out-of-memory kill
is blamed on the exercise whose cell was running, that exercise runs *alone* (setup, its answer, its probe): code
left running by an earlier cell (a thread, a timer) can kill the kernel while a later, innocent cell runs. Only if
the exercise fails alone too is it blamed; otherwise its own run's result stands and the notebook's notes say why
the kernel died.

Everything read back from the kernel's work folder goes through :mod:`autograder.safe_io`; a file the kernel
replaced (a folder, a named pipe, a link to ``/dev/zero``) is the learner's doing and gives that exercise an
``error`` with what was found, never a grader error.
"""

import dataclasses
import functools
import hashlib
import pathlib
import time

import nbformat

from autograder import build, checks
from autograder.checks.exercise import parse_probe_result
from autograder.safe_io import UnsafeFile, read_regular
from autograder.sandbox import describe_exit, execute
from autograder.untrusted import learner_text

MAX_RESULT_BYTES = 10_000_000


@dataclasses.dataclass(frozen=True)
class Outcome:
    """How one exercise's runs ended: its probe's parsed ``result``, or the ``status`` and ``message`` the grader
    gave it during the runs (a timeout, a crash, a file it could not read), when there is no result to judge."""

    result: dict = None
    status: str = None
    message: str = ""


@dataclasses.dataclass(frozen=True)
class ExerciseRun:
    """Everything the runs left for one exercise, recorded once when they are over (what its verdict reads).

    ``answered``: the submission has its answer cell; ``forbidden``: reference modules its cells tried to import;
    ``setup_problem``: ``(status, message)`` when the lesson's own setup failed (then shared by every exercise);
    ``outcome``: an :class:`Outcome` or None; ``answer_error``: ``(ename, evalue)`` when its answer cell raised.
    """

    answered: bool
    forbidden: tuple = ()
    setup_problem: tuple = None
    outcome: Outcome = None
    answer_error: tuple = None


def hidden_seed(seed):
    """The second per-run seed, for hidden checks: derived from ``seed``, different from it."""
    return int(hashlib.sha256(f"hidden checks of run {seed}".encode()).hexdigest()[:8], 16) % (2**31 - 1) + 1


@functools.lru_cache(maxsize=None)
def instructor_notebook(lesson):
    """The student version of ``lesson``, as built from the sources: what every cell but the answers comes from."""
    return build.build_notebook(lesson, "student")


def setup_cells(lesson):
    return [cell.source for cell in instructor_notebook(lesson).cells if cell.metadata["course"]["role"] == "setup"]


def grading_notebook(lesson, answers, probes, seed, results_dir):
    """Setup cells from the instructor's version, the learner's ``answers``, then a probe cell per exercise."""
    cells = [nbformat.v4.new_code_cell(source, metadata={"role": "setup"}) for source in setup_cells(lesson)]
    for exercise in checks.exercises(lesson):
        if exercise.name in answers:
            cells.append(nbformat.v4.new_code_cell(answers[exercise.name],
                                                   metadata={"role": "answer", "exercise": exercise.name}))
    for exercise in probes:
        target = pathlib.Path(results_dir) / f"{exercise.name}.json"
        code = ("from autograder.checks.runtime import probe_to_file\n"
                f"probe_to_file({exercise.name!r}, globals().get({exercise.symbol!r}), seed={seed}, "
                f"hidden_seed={hidden_seed(seed)}, path={str(target)!r})")
        cells.append(nbformat.v4.new_code_cell(code, metadata={"role": "probe", "exercise": exercise.name}))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = build.KERNELSPEC
    return notebook


def error_of(cell):
    """``(ename, evalue)`` when the cell raised (from the kernel's reply, else its outputs), else None."""
    reply = cell.get("metadata", {}).get("reply_error")
    if reply:
        return tuple(reply)
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return str(output.get("ename", "Error"))[:200], str(output.get("evalue", ""))[:1000]
    return None


class NotebookRuns:
    """Runs one grading notebook in the sandbox until every exercise has a result or a reason it has none.

    After :meth:`run`: :meth:`records` (exercise: :class:`ExerciseRun`), ``notes`` and ``isolation``. While it
    runs, each exercise has at most one :class:`Outcome` (``outcomes``): its probe's result or a status the grader
    gave it. A status replaces a result (the exercise's cell tampered with the import log in a later run), and the
    first status stands; only the run of an exercise alone starts it afresh.
    """

    def __init__(self, lesson, answers, seed, sandbox):
        self.lesson, self.answers, self.seed, self.sandbox = lesson, answers, seed, sandbox
        self.limits = sandbox.limits
        self.exercises = checks.exercises(lesson)
        self.outcomes, self.answer_errors, self.forbidden = {}, {}, {}
        self.excluded, self.alone = set(), set()
        self.setup_problem = None
        self.notes, self.isolation, self.runs = [], set(), 0

    def records(self):
        """``{exercise: ExerciseRun}`` of every exercise of the lesson, answered or not."""
        return {ex.name: ExerciseRun(answered=ex.name in self.answers,
                                     forbidden=tuple(sorted(self.forbidden.get(ex.name, ()))),
                                     setup_problem=self.setup_problem, outcome=self.outcomes.get(ex.name),
                                     answer_error=self.answer_errors.get(ex.name))
                for ex in self.exercises}

    def _stop(self, name, status, message):
        """Give exercise ``name`` the grader's ``status`` in place of any result (its verdict then reads only it)."""
        self.outcomes[name] = Outcome(status=status, message=message)

    def _stopped(self, name):
        outcome = self.outcomes.get(name)
        return outcome is not None and outcome.status is not None

    def _pending(self):
        return [ex for ex in self.exercises if ex.name in self.answers and ex.name not in self.outcomes]

    def run(self):
        self.deadline = time.time() + self.limits.notebook_timeout
        while True:
            pending = self._pending()
            if not pending or self.setup_problem:
                return self
            answers = {name: source for name, source in self.answers.items() if name not in self.excluded}
            execution, notebook, run = self._execute(answers, pending)
            again = execution.fatal is not None and self._handle_fatal(notebook, execution, run, pending)
            self.sandbox.discard(run)
            if not again:
                for exercise in pending:  # everything ran: an exercise without a result gets a reason
                    if exercise.name not in self.outcomes:
                        self._stop(exercise.name, "error", "no result came back from the probe")
                return self

    def _execute(self, answers, pending):
        self.runs += 1
        run = self.sandbox.new_run()
        notebook = grading_notebook(self.lesson, answers, pending, self.seed, run.results)
        execution = execute(self.sandbox, notebook, run, self.deadline)
        self.isolation.add(execution.status.get("isolation", "unknown"))
        self._collect(notebook, execution, run)
        return execution, notebook, run

    def _collect(self, notebook, execution, run):
        for index, modules in execution.imports_by_cell.items():
            meta = notebook.cells[index].metadata
            if meta.get("role") == "setup":
                self.setup_problem = ("grader-error", f"the lesson's setup cells import {', '.join(modules)}, a "
                                                      "reference answer module: fix the lesson")
            else:
                self.forbidden.setdefault(meta["exercise"], set()).update(modules)
        for index, what in execution.tampered_by_cell.items():
            name = notebook.cells[index].metadata.get("exercise")
            if name is not None and not self._stopped(name):  # the first reason the grader gave stands
                self._stop(name, "error", f"{what}; the grader cannot tell what your code imported, so this exercise "
                                          "scores 0")
        for cell in notebook.cells:
            role, name, error = cell.metadata.get("role"), cell.metadata.get("exercise"), error_of(cell)
            if role == "setup" and error and not self.setup_problem:
                self.setup_problem = ("grader-error", f"the lesson's setup cells failed in the grader ({error[0]}: "
                                                      f"{error[1][:300]})")
            elif role == "answer" and error:
                self.answer_errors[name] = error
            elif role == "probe" and cell.get("execution_count") is not None and not self._stopped(name):
                self._read_result(run, name, error)
        if execution.truncated:
            note = (f"output above {self.limits.output_bytes // 1024} KiB per cell "
                    f"(or {self.limits.total_output_bytes // 1024} KiB per notebook) was dropped")
            if note not in self.notes:
                self.notes.append(note)

    def _read_result(self, run, name, error):
        relative = f"results/{name}.json"
        try:
            text = read_regular(relative, MAX_RESULT_BYTES, base=run.workdir).decode("utf-8", "replace")
        except FileNotFoundError:
            if error:
                self._stop(name, "error", f"the grader's call of your answer raised {learner_text(error[0], 100)}: "
                                          f"{learner_text(error[1])}")
            return
        except UnsafeFile as problem:
            self._stop(name, "error", f"the probe's result file ({relative}) could not be read: it is "
                                      f"{problem.found}; your code must not replace or fill the grader's files")
            return
        except OSError as problem:
            self._stop(name, "error", f"the probe's result file ({relative}) could not be read "
                                      f"({problem.strerror}); your code must not change the grader's files")
            return
        self.outcomes[name] = Outcome(result=parse_probe_result(text, MAX_RESULT_BYTES))

    def _handle_fatal(self, notebook, execution, run, pending):
        """Record why the kernel stopped; True when the notebook should run again without the faulty cell."""
        index, kind = execution.fatal
        unfinished = [ex.name for ex in pending if ex.name not in self.outcomes]
        if kind == "start":
            detail = self.sandbox.kernel_log(run, 500).strip().splitlines()[-1:] or [""]
            for name in unfinished:
                self._stop(name, "grader-error", f"{execution.message or 'the kernel did not start'} "
                                                 f"{detail[0]}".strip()[:500])
            return False
        if kind == "deadline":
            for name in unfinished:
                self._stop(name, "timeout", f"grading this notebook took longer than its time limit "
                                            f"({self.limits.notebook_timeout:g} s); this exercise was not reached")
            return False
        cell = notebook.cells[index] if index is not None else None
        role = cell.metadata.get("role") if cell is not None else None
        if role in (None, "setup"):
            what = {"timeout": "timed out", "memory": f"ran out of memory under the kernel's limit of "
                                                      f"{self.limits.memory_mb} MiB"}.get(kind) \
                or describe_exit(execution.status)
            self.setup_problem = ("grader-error", f"the lesson's setup cells failed in the grader ({what})")
            return False
        name = cell.metadata["exercise"]
        more_runs = self.runs <= 2 * len(self.exercises) + 1
        if name not in unfinished:  # judged in an earlier run: its verdict stands; its cell is left out from now on
            self.excluded.add(name)
            self.notes.append(f"the kernel stopped ({kind}) while {name}'s {role} cell ran again for the exercises "
                              f"after it; {name} was judged in an earlier run and its cell was left out")
            return more_runs
        if kind in ("died", "memory") and name not in self.alone and self._innocent_alone(name, kind, execution):
            return more_runs
        where = "the answer cell" if role == "answer" else "the grader's call of your answer"
        self._stop(name, *self._fault(kind, where, execution))
        if role == "answer":  # the answer cell itself is the fault: leave it out of the next run
            self.excluded.add(name)
        what = {"timeout": "timed out", "memory": "ran out of memory"}.get(kind, "killed it")
        self.notes.append(f"the kernel was restarted after {name}'s {role} cell {what}")
        return more_runs

    def _fault(self, kind, where, execution):
        if kind == "timeout":
            return ("timeout", f"{where} ran longer than {self.limits.cell_timeout:g} s (the cell time limit); it was "
                               "stopped and the rest of the notebook graded without it")
        if kind == "memory":
            return ("memory-limit", f"{where} used more memory than the kernel's limit of {self.limits.memory_mb} "
                                    "MiB (all its processes together); it was stopped and the rest of the notebook "
                                    "graded without it")
        return ("crashed", f"{describe_exit(execution.status)} during {where}; the rest of the notebook was graded "
                           "without it")

    def _innocent_alone(self, name, kind, execution):
        """Run exercise ``name`` alone (setup, its answer, its probe); True when it ran through, so that the crash
        of the full notebook came from code another cell left running. Its own result then stands."""
        self.alone.add(name)
        exercise = next(ex for ex in self.exercises if ex.name == name)
        self.outcomes.pop(name, None)
        alone, _, run = self._execute({name: self.answers[name]}, [exercise])
        self.sandbox.discard(run)
        if alone.fatal is not None:
            self.outcomes.pop(name, None)
            return False
        what = "ran out of memory" if kind == "memory" else describe_exit(execution.status)
        self.notes.append(f"the kernel {what} while {name}'s cell ran, but {name} graded on its own ran without "
                          "trouble: code left running by an earlier cell (a thread, a timer, a signal handler) "
                          f"stopped the kernel, so the crash is the notebook's; {name} was graded on its own")
        return True
