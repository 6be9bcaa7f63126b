"""``python -m autograder grade PATH... --out DIR``: grade notebooks outside the learner's kernel.

For each submitted notebook the grader builds a *grading notebook* from two sources, matched by nbgrader
``grade_id``: **every cell the grader runs except the answers comes from the instructor's version** (the lesson's
setup cells: imports and params), and **only the answer cells come from the learner**. Check cells, locked cells and
anything else the learner edited, deleted, moved or added are never run; each such edit is listed in the
notebook's notes. Then one probe cell per exercise calls the learner's answer on inputs made from this run's seed
(and, for hidden checks, a second seed) and writes plain data (JSON; arrays as base64 bytes) to a file.

The grading notebook runs in a sandboxed kernel (:mod:`autograder.sandbox`): its own process tree with time,
memory, process, disk and output limits, a read-only file system without the reference answers, no network, an
import guard, and ``nobody`` as the user when the grader is root. A cell that times out or kills the kernel costs
only its exercise: the notebook runs again without it. Back in this process the reference answers are probed with the same seeds and
:meth:`Exercise.assess` compares the plain data. Expected values never enter the learner's kernel, and nothing the
kernel sends can award points by itself: only the grader's verify can.

Writes ``DIR/grades.csv``, ``DIR/grades.json`` and ``DIR/feedback/<student>.md`` and ``.html``. Each graded
notebook's rows are also kept in ``DIR/.grading/`` so that a batch stopped midway resumes where it stopped (same
seed, no row lost or repeated); ``fresh=True`` (``--fresh``) starts over. A submission that changed since it was
graded into the same folder is graded with a new seed, so feedback is no oracle for the next copy.

The parts: :mod:`autograder.submissions` (who submitted what, reading it), :mod:`autograder.notebook_runs` (the
kernel runs), :mod:`autograder.untrusted` (the kernel's statuses and text as data), this module (verdicts, the
batch, the outputs).
"""

import argparse
import concurrent.futures
import csv
import dataclasses
import functools
import hashlib
import html
import io
import json
import os
import pathlib
import random
import re
import shutil
import sys
import threading
import time

from autograder import build, checks
from autograder.checks.exercise import dumps, loads
from autograder.notebook_runs import MAX_RESULT_BYTES, NotebookRuns, hidden_seed, instructor_notebook  # noqa: F401
from autograder.sandbox import Limits, Sandbox
from autograder.submissions import (MAX_NOTEBOOK_BYTES, STATE_DIR, discover, feedback_names,  # noqa: F401
                                    parse_notebook, read_submission)
from autograder.untrusted import csv_cell, hidden_result, kernel_outcome, learner_text, one_line

COLUMNS = ["student", "notebook", "exercise", "score", "max_score", "status", "message"]
GRADER_VERSION = "3"  # bump when a change to the grader can change a grade: cached results are then not reused
WATCHDOG_SLACK = 120.0  # seconds a notebook may take beyond its time limits (kernel starts and stops, reading)
STATUSES = {
    "passed": "every check passed: full points",
    "partial": "some of the exercise's sub-checks passed: that fraction of the points",
    "failed": "a check failed; the message names the mistake and a hint",
    "not-implemented": "the stub was left as is",
    "error": "the answer cell or the call raised an exception",
    "timeout": "a cell ran longer than the cell time limit, or the notebook longer than its time limit (or the "
               "grader gave up waiting on it)",
    "memory-limit": "the code (with every process it started) used more memory than the kernel's limit, as the "
                    "kernel's cgroup reports",
    "crashed": "the kernel process died (os._exit, a signal, a crash) while running this exercise, and again when "
               "this exercise ran on its own",
    "forbidden-import": "the code tried to import a reference answer module: 0 points for the exercise",
    "missing": "the answer cell was deleted or its grade_id changed",
    "malformed-notebook": "the file is not a readable notebook",
    "wrong-lesson": "the notebook is a different lesson saved under this lesson's file name",
    "unknown-lesson": "the file name is not one of the course's lessons",
    "no-notebook": "the folder holds no notebook",
    "grader-error": "the lesson's own setup failed in the grader: not the learner's fault; regrade after fixing",
}
_LESSON_ID = re.compile(r"^\d\d_\w+$")


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


# ---------------------------------------------------------------------------------------------------------------
# reference outputs (computed here, in the trusted process)


def reference_outputs(lesson, seed):
    """``{exercise: {"visible": data, "hidden": data or None}}`` of the reference answers for this run's seeds."""
    outputs = {}
    for exercise in checks.exercises(lesson):
        reference = exercise.load_reference()
        probes = {"visible": exercise.run_probe(reference, seed)}
        probes["hidden"] = exercise.run_probe(reference, hidden_seed(seed), hidden=True) \
            if exercise.hidden_title else None
        for kind, result in probes.items():
            if result is not None and result["status"] != "ok":
                raise RuntimeError(f"the reference answer of {exercise.name} does not pass its own {kind} probe: "
                                   f"{result}")
        outputs[exercise.name] = {kind: None if result is None else loads(dumps(result["data"]))
                                  for kind, result in probes.items()}
    return outputs


class _Expected:
    """Reference outputs per (lesson, seed), computed once and shared by the worker threads.

    :meth:`prefetch` computes a batch's lessons in a background thread while the kernels run (each kernel is another
    process, so on two cores the two overlap). One computation runs at a time: the probes seed Keras' global random
    state, and two at once would make the reference outputs depend on timing.
    """

    def __init__(self):
        self._futures = {}
        self._lock = threading.Lock()
        self._computing = threading.Lock()

    def _future(self, lesson, seed):
        with self._lock:
            future = self._futures.get((lesson, seed))
            mine = future is None
            if mine:
                future = self._futures[lesson, seed] = concurrent.futures.Future()
        if mine:
            with self._computing:
                try:
                    future.set_result(reference_outputs(lesson, seed))
                except BaseException as error:  # noqa: BLE001 - raised again to whoever asks for this lesson
                    future.set_exception(error)
        return future

    def __call__(self, lesson, seed):
        return self._future(lesson, seed).result()

    def prefetch(self, lessons, seed):
        """Start computing ``lessons`` (in this order) in a background thread; returns a function that stops it
        after the lesson in progress and waits for it (TensorFlow must not be running when the process exits)."""
        stop = threading.Event()

        def work():
            for lesson in lessons:
                if stop.is_set():
                    return
                self._future(lesson, seed)

        thread = threading.Thread(target=work, name="reference outputs", daemon=True)
        thread.start()

        def finish():
            stop.set()
            thread.join()

        return finish


# ---------------------------------------------------------------------------------------------------------------
# reading a submission


def _rows_for_all(student, notebook, lesson, status, message, notes=()):
    if lesson is None:
        return [Row(student, notebook, "", 0, 0, status, message, tuple(notes))]
    return [Row(student, notebook, ex.name, 0, ex.points, status, message, tuple(notes))
            for ex in checks.exercises(lesson)]


_instructor_notebook = instructor_notebook


def _lesson_of(notebook, path):
    """``(lesson, declared)``: the lesson to grade (by file name first) and the lesson the metadata declares."""
    known = checks.lessons()
    course = notebook.metadata.get("course", {}) if notebook is not None else {}
    declared = course.get("lesson") if isinstance(course, dict) else None
    declared = declared if isinstance(declared, str) else None
    stem = pathlib.Path(path).stem
    if stem in known:
        return stem, declared
    return (declared if declared in known else None), declared


def _grade_id(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("grade_id") if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str) else None


def _answer_cells(notebook, lesson=None):
    """``({exercise: source}, notes)``: the learner's answer cells, by grade_id (the first of duplicates)."""
    answers, notes, seen = {}, [], {}
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = _grade_id(cell)
        if cell.get("cell_type") == "code" and isinstance(meta, dict) and meta.get("solution") and grade_id:
            seen[grade_id] = seen.get(grade_id, 0) + 1
            source = cell.get("source", "")
            if isinstance(source, list) and all(isinstance(line, str) for line in source):
                source = "".join(source)
            if not isinstance(source, str):
                notes.append(f"the answer cell {learner_text(grade_id, 100)!r} holds no text; it was left out")
                continue
            answers.setdefault(grade_id, source)
    for grade_id, count in seen.items():
        if count > 1:
            notes.append(f"{count} cells have the answer id {grade_id!r}; the first one was graded")
    return answers, notes


def _integrity_notes(notebook, lesson):
    """Notes naming the instructor's cells (check, setup, locked) that the learner edited, deleted or moved.

    None of them is run from the learner's copy: the grader restores them from the instructor's version, which is
    what this note tells the learner and the instructor.
    """
    instructor = [cell for cell in _instructor_notebook(lesson).cells if cell.metadata["course"]["role"] != "answer"]
    theirs = {}
    for cell in notebook.cells:
        grade_id = _grade_id(cell)
        if grade_id and grade_id not in theirs:
            theirs[grade_id] = cell
    edited, deleted, kinds = [], [], {}
    for cell in instructor:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        kinds[grade_id] = cell.metadata["course"]["role"]
        if grade_id not in theirs:
            deleted.append(grade_id)
        elif _normalise(theirs[grade_id].get("source", "")) != _normalise(cell.source) \
                or theirs[grade_id].get("cell_type") != cell.cell_type:
            edited.append(grade_id)
    order = [grade_id for grade_id in (_grade_id(cell) for cell in notebook.cells) if grade_id in kinds]
    expected_order = [cell.metadata["nbgrader"]["grade_id"] for cell in instructor]
    moved = _out_of_order([expected_order.index(grade_id) for grade_id in dict.fromkeys(order)],
                          list(dict.fromkeys(order)))
    notes = []
    for verb, ids in (("edited", edited), ("deleted", deleted), ("moved", moved)):
        code = [i for i in ids if kinds[i] != "markdown" and kinds[i] != "header"]
        text = [i for i in ids if i not in code]
        if code:
            notes.append(f"instructor cells {verb} in the submission and restored for grading: {_some(code)}")
        if text:
            notes.append(f"text cells {verb} in the submission (ignored): {_some(text)}")
    return notes


def _some(ids, shown=12):
    return ", ".join(ids[:shown]) + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


def _normalise(source):
    source = "".join(source) if isinstance(source, list) else str(source)
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _out_of_order(positions, ids):
    """The ids not on a longest increasing run of ``positions``: the cells that were moved."""
    if not positions:
        return []
    best = [1] * len(positions)
    previous = [-1] * len(positions)
    for i in range(len(positions)):
        for j in range(i):
            if positions[j] < positions[i] and best[j] + 1 > best[i]:
                best[i], previous[i] = best[j] + 1, j
    keep, index = set(), max(range(len(positions)), key=best.__getitem__)
    while index != -1:
        keep.add(index)
        index = previous[index]
    return [ids[i] for i in range(len(ids)) if i not in keep]


@dataclasses.dataclass
class _Submission:
    """A submission read and checked in the per-notebook watchdog, ready to be judged (or already judged: rows)."""

    rows: list = None
    lesson: str = None
    answers: dict = None
    notes: list = None
    runs: object = None
    seed: int = None


def _run_submission(student, path, data, seed, sandbox):
    """Everything about one submission that may meet learner-made files or kernels: parse, check, run."""
    name = pathlib.Path(path).name
    notebook, problem = (None, data) if isinstance(data, str) else parse_notebook(data)
    lesson, declared = _lesson_of(notebook, path)
    if problem:
        return _Submission(rows=_rows_for_all(student, name, lesson, "malformed-notebook", problem))
    if lesson is None:
        return _Submission(rows=_rows_for_all(
            student, name, None, "unknown-lesson", f"{name} is not one of the course's lessons "
            f"({', '.join(checks.lessons())}); keep the lesson's file name, e.g. 01_linear_pca.ipynb"))
    if declared and _LESSON_ID.match(declared) and declared != lesson:
        return _Submission(rows=_rows_for_all(
            student, name, lesson, "wrong-lesson", f"this file is named {name} but holds lesson {declared}: submit "
            f"lesson {lesson} under this name", [f"the notebook's metadata says it is lesson {declared}"]))
    answers, notes = _answer_cells(notebook, lesson)
    notes += _integrity_notes(notebook, lesson)
    runs = NotebookRuns(lesson, answers, seed, sandbox).run()
    return _Submission(lesson=lesson, answers=answers, notes=notes + runs.notes, runs=runs, seed=seed)


def _judge(student, path, submission, expected):
    """The rows of a submission that ran: each exercise's verdict against the reference outputs."""
    if submission.rows is not None:
        return submission.rows
    reference = expected(submission.lesson, submission.seed)  # computed meanwhile when the batch prefetched it
    rows = []
    for exercise in checks.exercises(submission.lesson):
        status, message, fraction = _verdict(exercise, submission.answers, submission.runs,
                                             reference[exercise.name])
        rows.append(Row(student, pathlib.Path(path).name, exercise.name, round(exercise.points * fraction, 4),
                        exercise.points, status, one_line(message), tuple(submission.notes), submission.seed))
    return rows


def grade_notebook(student, path, seed, cell_timeout=120.0, expected=None, *, limits=None, sandbox=None):
    """The gradebook rows of one submitted notebook (one per exercise, or one explaining why there are none).

    ``limits`` (a :class:`autograder.sandbox.Limits`) overrides ``cell_timeout``; ``sandbox`` shares one batch's
    sandbox (one is made, and removed, for this call otherwise); ``expected`` shares reference outputs.
    """
    if _is_folder(path):
        return [Row(student, pathlib.Path(path).name, "", 0, 0, "no-notebook", "the folder holds no .ipynb file")]
    limits = limits or Limits(cell_timeout=cell_timeout)
    own_sandbox = sandbox is None
    sandbox = sandbox or Sandbox(limits)
    try:
        data, problem = read_submission(path)
        return _judge(student, path, _run_submission(student, path, problem or data, seed, sandbox),
                      expected or _Expected())
    finally:
        if own_sandbox:
            sandbox.close()


def _is_folder(path):
    return os.path.isdir(path) and not os.path.islink(path)


def _verdict(exercise, answers, runs, reference):
    """``(status, message, fraction of the points)`` of one exercise after the runs: decided here, by the grader."""
    name = exercise.name
    if name not in answers:
        return "missing", f"no answer cell with grade_id {name!r}: do not delete or retag the answer cell", 0.0
    if name in runs.forbidden:
        modules = ", ".join(learner_text(module, 100) for module in sorted(runs.forbidden[name]))
        return "forbidden-import", (f"your code tried to import {modules}, a reference answer module; that is not "
                                    "allowed while grading and this exercise scores 0"), 0.0
    if runs.setup_problem:
        return (*runs.setup_problem, 0.0)
    if name in runs.final:
        return (*runs.final[name], 0.0)
    result = runs.results.get(name)
    if result is None:
        return "error", "no result came back from the probe", 0.0
    visible = result["visible"]
    cell_error = runs.answer_errors.get(name)
    if visible["status"] != "ok":
        if cell_error:
            return (*_answer_error_status(cell_error), 0.0)
        return (*kernel_outcome(exercise, visible), 0.0)
    verdict = exercise.assess(visible, reference["visible"], hidden_result(result.get("hidden")),
                              reference["hidden"])
    message = verdict.message
    if cell_error:
        message = (f"{message} " if message else "") + \
            f"(the answer cell also raised {learner_text(cell_error[0], 100)}; the definition it made was graded)"
    return verdict.status, message, verdict.fraction


def _answer_error_status(error):
    ename, evalue = learner_text(error[0], 100), learner_text(error[1])
    if ename == "NotImplementedError":
        return "not-implemented", "the answer cell still raises NotImplementedError"
    return "error", f"the answer cell raised {ename}: {evalue}"


# ---------------------------------------------------------------------------------------------------------------
# a batch: workers, a watchdog per notebook, and per-notebook results kept so that a stopped batch resumes


def version_seed(seed, version):
    """The probe seed of a submission's ``version``-th changed copy in a batch: ``seed`` first, then new ones.

    A regrade of a changed submission into the same ``--out`` draws the next seed, so the numbers its feedback
    showed for the last seed are useless to the next copy; an unchanged submission keeps its seed and its rows.
    """
    if not version:
        return seed
    return int(hashlib.sha256(f"regrade {version} of run {seed}".encode()).hexdigest()[:8], 16) % (2**31 - 1) + 1


class _BatchState:
    """``OUT/.grading/``: the batch's seed and one result file per graded notebook (written atomically).

    A notebook's file holds its rows, the hash of the submitted bytes and its ``version``: how many times a
    changed copy of it was graded into this folder (which picks its seed, :func:`version_seed`).
    """

    def __init__(self, out, fresh):
        self.dir = pathlib.Path(out) / STATE_DIR
        if fresh and self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)

    def stored_seed(self):
        try:
            return int(json.loads((self.dir / "batch.json").read_text())["seed"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def start(self, seed):
        _atomic_write(self.dir / "batch.json", json.dumps({"seed": seed}) + "\n")

    def _path(self, student, path):
        return self.dir / (hashlib.sha256(f"{student}\0{path}".encode()).hexdigest()[:32] + ".json")

    def record(self, student, path):
        try:
            payload = json.loads(self._path(student, path).read_text())
        except (OSError, ValueError):
            return {}
        return payload if isinstance(payload, dict) else {}

    @staticmethod
    def rows_of(payload):
        try:
            return [Row(**{**row, "notes": tuple(row.get("notes", ()))}) for row in payload["rows"]]
        except (KeyError, TypeError):
            return None

    def version_of(self, student, path, content):
        """The version a submission with this content hash is graded as (the stored one when unchanged)."""
        record = self.record(student, path)
        if "version" not in record:
            return 0
        return record["version"] + (record.get("content") != content)

    def load(self, student, path, key):
        record = self.record(student, path)
        return self.rows_of(record) if record.get("key") == key else None

    def save(self, student, path, key, rows, content=None, version=0, watchdog=False):
        payload = {"key": key, "student": student, "path": str(path), "content": content, "version": version,
                   "watchdog": watchdog, "rows": [dataclasses.asdict(row) for row in rows]}
        _atomic_write(self._path(student, path), json.dumps(payload) + "\n")


@functools.lru_cache(maxsize=None)
def _course_fingerprint():
    """A hash of everything that decides a grade: checks, reference answers, lesson templates, the grader."""
    digest = hashlib.sha256(GRADER_VERSION.encode())
    for lesson in checks.lessons():
        for source in build.sources_of(lesson):
            path = build.ROOT / source
            digest.update(path.read_bytes() if path.exists() else source.encode())
    return digest.hexdigest()


def _submission_key(content, seed, limits):
    material = json.dumps([content, seed, limits.fingerprint(), _course_fingerprint()], sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


def _watchdog_seconds(limits):
    """How long one notebook's reading and kernel runs may take before the grader gives up on it."""
    return limits.notebook_timeout + limits.setup_timeout + WATCHDOG_SLACK


def _watched(function, seconds, name):
    """``(True, function())`` or ``(False, None)`` when it has not returned after ``seconds`` (it is left behind
    in a daemon thread); exceptions are raised here."""
    box = {}

    def work():
        try:
            box["value"] = function()
        except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread
            box["error"] = error

    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        return False, None
    if "error" in box:
        raise box["error"]
    return True, box["value"]


def _gave_up_rows(student, path, limits):
    seconds = _watchdog_seconds(limits)
    return _rows_for_all(student, pathlib.Path(path).name, _lesson_of(None, path)[0], "timeout",
                         f"grading this notebook took longer than {seconds:g} s, so the grader gave up on it (the "
                         "submission or a file its code made kept the grader waiting); it scores 0")


def grade(paths, seed=None, cell_timeout=120.0, progress=None, *, limits=None, workers=1, out=None, fresh=False,
          report=None):
    """Grade every notebook under ``paths``; returns ``(rows, seed)``.

    ``workers`` notebooks are graded at once, each under a watchdog (a notebook that keeps the grader waiting
    gets ``timeout`` rows, and the batch goes on). With ``out``, each notebook's rows are kept in ``out/.grading``
    and reused by a later call with the same submission, seed and limits (unless ``fresh``); a call without
    ``seed`` then continues with the stored seed, so a stopped batch resumes; a changed submission is graded with
    a new seed (:func:`version_seed`). ``report``, a dict, receives the isolation levels reached, the limits, the
    limits that fell back to weaker ones, and per-notebook timings.
    """
    limits = limits or Limits(cell_timeout=cell_timeout)
    state = _BatchState(out, fresh) if out is not None else None
    if seed is None and state is not None:
        seed = state.stored_seed()
    seed = random.SystemRandom().randrange(1, 2**31) if seed is None else int(seed)
    if state is not None:
        state.start(seed)
    submissions = discover(paths)
    expected = _Expected()
    report = {} if report is None else report
    report.update(limits=dataclasses.asdict(limits), isolation=set(), reused=0, seconds={}, fallbacks=set())
    lock = threading.Lock()

    def say(index, label, text):
        if progress:
            progress(f"[{index}/{len(submissions)}] {label}{text}")

    def prepare(index, student, path, sandbox):
        """In the watchdog: read the submission, reuse its kept rows or run it in kernels."""
        if _is_folder(path):
            return grade_notebook(student, path, seed), (_submission_key("folder", seed, limits), "folder", 0)
        data, problem = read_submission(path)
        content = hashlib.sha256(data if problem is None else problem.encode()).hexdigest()
        version = state.version_of(student, path, content) if state is not None else 0
        notebook_seed = version_seed(seed, version)
        key = _submission_key(content, notebook_seed, limits)
        cached = state.load(student, path, key) if state is not None else None
        if cached is not None:
            with lock:
                report["reused"] += 1
            say(index, f"{student}/{pathlib.Path(path).name}", ": graded earlier in this batch, reused")
            return cached, None
        say(index, "", f"grading {student}/{pathlib.Path(path).name}")
        submission = _run_submission(student, path, problem or data, notebook_seed, sandbox)
        return submission, (key, content, version)

    def one(index, student, path, sandbox):
        label = f"{student}/{pathlib.Path(path).name}"
        record = state.record(student, path) if state is not None else {}
        if record.get("watchdog") and record.get("key") is None:  # never wait on it twice
            say(index, label, ": the grader gave up on it earlier in this batch, reused")
            return _BatchState.rows_of(record) or _gave_up_rows(student, path, limits)
        started = time.monotonic()
        try:
            finished, value = _watched(lambda: prepare(index, student, path, sandbox), _watchdog_seconds(limits),
                                       f"grading {label}")
            if not finished:
                say(index, label, f": gave up after {_watchdog_seconds(limits):g} s")
                rows = _gave_up_rows(student, path, limits)
                if state is not None:
                    state.save(student, path, None, rows, watchdog=True)
                return rows
            submission, stamp = value
            rows = submission if isinstance(submission, list) else _judge(student, path, submission, expected)
        except Exception as error:  # a fault of the grader itself: this notebook gets rows, the batch goes on
            say(index, label, f": grader error {type(error).__name__}: {error}")
            return _rows_for_all(student, pathlib.Path(path).name, _lesson_of(None, path)[0], "grader-error",
                                 f"the grader failed on this notebook ({type(error).__name__}: {str(error)[:300]})")
        with lock:
            report["seconds"][label] = round(time.monotonic() - started, 1)
        if state is not None and stamp is not None and not any(row.status == "grader-error" for row in rows):
            key, content, version = stamp
            state.save(student, path, key, rows, content, version)  # grader errors are retried when run again
        return rows

    with Sandbox(limits) as sandbox:
        lessons = dict.fromkeys(_lesson_of(None, path)[0] for _, path in submissions)
        finish_prefetch = expected.prefetch([lesson for lesson in lessons if lesson is not None], seed)
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, int(workers)))
        try:
            futures = [pool.submit(one, index, student, path, sandbox)
                       for index, (student, path) in enumerate(submissions, 1)]
            rows = [row for future in futures for row in future.result()]
        except BaseException:  # e.g. Ctrl-C: start nothing new; what was graded is kept in out/.grading
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            finish_prefetch()
        pool.shutdown()
        report["isolation"] = sorted(report["isolation"] | sandbox.isolation_seen)
        report["fallbacks"] = sorted(sandbox.problems)
    return rows, seed


# ---------------------------------------------------------------------------------------------------------------
# output


def write_outputs(rows, out, seed, report=None):
    """Write ``grades.csv``, ``grades.json`` and ``feedback/<student>.md`` and ``.html`` into ``out``."""
    out = pathlib.Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    names = feedback_names(row.student for row in rows)  # two names that make one file name get distinct files
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([csv_cell(getattr(row, column)) for column in COLUMNS] for row in rows)
    _atomic_write(out / "grades.csv", buffer.getvalue())
    notebooks = {}
    for row in rows:
        entry = notebooks.setdefault((row.student, row.notebook), {
            "student": row.student, "notebook": row.notebook, "score": 0, "max_score": 0, "notes": list(row.notes),
            "seed": row.seed, "feedback": f"feedback/{names[row.student]}.md"})
        entry["score"] = round(entry["score"] + row.score, 4)
        entry["max_score"] += row.max_score
    payload = {"seed": seed, "statuses": STATUSES, "rows": [dataclasses.asdict(row) for row in rows],
               "notebooks": list(notebooks.values())}
    if report is not None:
        payload["sandbox"] = {key: sorted(value) if isinstance(value, set) else value for key, value in report.items()}
    _atomic_write(out / "grades.json", json.dumps(payload, indent=1) + "\n")
    by_student = {}
    for row in rows:
        by_student.setdefault(row.student, []).append(row)
    for student, student_rows in by_student.items():
        _atomic_write(out / "feedback" / f"{names[student]}.md", feedback_markdown(student, student_rows))
        _atomic_write(out / "feedback" / f"{names[student]}.html", feedback_html(student, student_rows))


def _by_notebook(rows):
    grouped = {}
    for row in rows:
        grouped.setdefault(row.notebook, []).append(row)
    return grouped


def _title(exercise):
    try:
        return checks.find_exercise(exercise)[1].title
    except ValueError:
        return ""


def feedback_markdown(student, rows):
    lines = [f"# Feedback for {student}", ""]
    for notebook, notebook_rows in _by_notebook(rows).items():
        total = sum(row.score for row in notebook_rows)
        maximum = sum(row.max_score for row in notebook_rows)
        lines += [f"## {notebook}: {total:g} / {maximum:g}", ""]
        if notebook_rows[0].notes:
            lines += ["Notes:", *(f"- {note}" for note in notebook_rows[0].notes), ""]
        lines += ["| exercise | score | status | feedback |", "|---|---|---|---|"]
        for row in notebook_rows:
            message = row.message.replace("|", "\\|").replace("\n", " ") or "correct"
            lines.append(f"| {row.exercise or '-'} | {row.score:g} / {row.max_score:g} | {row.status} | {message} |")
        lines.append("")
    return "\n".join(lines)


def feedback_html(student, rows):
    """The same feedback as :func:`feedback_markdown`, as a standalone HTML page (hints on their own line)."""
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Feedback for {e(student)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse;"
             "width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}"
             ".passed{background:#e8f6e8}.partial{background:#fff6d8}.hint{color:#555;font-style:italic}"
             "</style></head><body>", f"<h1>Feedback for {e(student)}</h1>"]
    for notebook, notebook_rows in _by_notebook(rows).items():
        total = sum(row.score for row in notebook_rows)
        maximum = sum(row.max_score for row in notebook_rows)
        parts.append(f"<h2>{e(notebook)}: {total:g} / {maximum:g}</h2>")
        if notebook_rows[0].notes:
            parts.append("<ul>" + "".join(f"<li>{e(note)}</li>" for note in notebook_rows[0].notes) + "</ul>")
        parts.append("<table><tr><th>exercise</th><th>score</th><th>status</th><th>feedback</th></tr>")
        for row in notebook_rows:
            text, _, hint = (row.message or "correct").partition(" Hint: ")
            feedback = e(text) + (f'<div class="hint">Hint: {e(hint)}</div>' if hint else "")
            title = _title(row.exercise) if row.exercise else ""
            parts.append(f'<tr class="{e(row.status)}"><td>{e(row.exercise or "-")}'
                         f'{"<br><small>" + e(title) + "</small>" if title else ""}</td>'
                         f"<td>{row.score:g} / {row.max_score:g}</td><td>{e(row.status)}</td><td>{feedback}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _atomic_write(path, text):
    path = pathlib.Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def gradebook_table(rows):
    totals = {}
    for row in rows:
        key = (row.student, row.notebook)
        score, maximum, statuses = totals.get(key, (0, 0, []))
        totals[key] = (score + row.score, maximum + row.max_score, statuses + [row.status])
    lines = [f"{'student':<16} {'notebook':<24} {'score':>9}  statuses"]
    for (student, notebook), (score, maximum, statuses) in totals.items():
        counts = ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses))
        lines.append(f"{student:<16} {notebook:<24} {score:>4g} / {maximum:<3g}  {counts}")
    return "\n".join(lines)


def main(paths, out, seed=None, cell_timeout=120.0, quiet=False, *, limits=None, workers=1, fresh=False):
    report = {}
    try:
        rows, seed = grade(paths, seed, cell_timeout, progress=lambda text: print(text, file=sys.stderr, flush=True),
                           limits=limits, workers=workers, out=out, fresh=fresh, report=report)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write_outputs(rows, out, seed, report)
    if not quiet:
        print(gradebook_table(rows))
        print(f"\nWrote {pathlib.Path(out) / 'grades.csv'}, grades.json and feedback/ (probe seed {seed}).")
    for problem in report.get("fallbacks", []):
        print(f"warning: {problem}. See README, 'The trust boundary'.", file=sys.stderr)
    weak = [level for level in report.get("isolation", []) if level not in ("namespaces", "user-namespaces")]
    if weak:
        print(f"warning: some kernels ran without file-system isolation ({', '.join(weak)}): the reference answers "
              "were readable by the learners' code. See README, 'The trust boundary'.", file=sys.stderr)
    return 0


def default_workers():
    """The CLI's default ``--workers``: one notebook per CPU this process may use, at most 4 (each kernel may use
    several GiB of memory)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def parse_workers(text):
    """A ``--workers`` value: a whole number of at least 1 (argparse's error otherwise)."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"--workers takes a whole number of at least 1, not {text!r}")
    return count


def add_arguments(parser):
    """The ``grade`` subcommand's options (used by ``python -m autograder``)."""
    defaults = Limits()
    parser.add_argument("paths", nargs="+", help="notebook files or folders")
    parser.add_argument("--out", required=True, help="folder for grades.csv, grades.json and feedback/")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the probe inputs (default: a fresh one per batch, recorded in grades.json; "
                             "a resumed batch keeps its seed)")
    parser.add_argument("--cell-timeout", type=float, default=defaults.cell_timeout,
                        help=f"seconds one answer or probe cell may run (default {defaults.cell_timeout:g})")
    parser.add_argument("--notebook-timeout", type=float, default=defaults.notebook_timeout,
                        help=f"seconds for a whole notebook, reruns included (default {defaults.notebook_timeout:g})")
    parser.add_argument("--memory-limit", type=int, default=defaults.memory_mb, metavar="MB",
                        help=f"memory limit of a learner's kernel in MiB (default {defaults.memory_mb})")
    parser.add_argument("--process-limit", type=int, default=defaults.max_processes, metavar="N",
                        help=f"processes and threads of one kernel (default {defaults.max_processes})")
    parser.add_argument("--disk-limit", type=int, default=defaults.work_mb, metavar="MB",
                        help=f"size of a kernel's work folder in MiB (default {defaults.work_mb})")
    parser.add_argument("--output-limit", type=int, default=defaults.output_bytes // 1024, metavar="KB",
                        help=f"output kept per cell in KiB (default {defaults.output_bytes // 1024}); "
                             "the notebook keeps at most 4 times that")
    workers = default_workers()
    parser.add_argument("--workers", type=parse_workers, default=workers,
                        help=f"notebooks graded at once (default: the CPUs this process may use, at most 4; here "
                             f"{workers})")
    parser.add_argument("--fresh", action="store_true",
                        help="ignore results kept from an earlier, stopped run of this batch in OUT/.grading")
    parser.add_argument("--isolation", choices=["auto", "require", "off"], default="auto",
                        help="auto: namespaces when available, else a warning; require: refuse to grade without; "
                             "off: rlimits and the import guard only")
    parser.add_argument("--no-preload", action="store_true",
                        help="start every kernel as a fresh Python instead of forking it from the batch's kernel "
                             "server, which imports TensorFlow once (slower; grades are the same)")
    parser.add_argument("--quiet", action="store_true", help="do not print the gradebook")


def run(args):
    """Run the ``grade`` subcommand from parsed ``args``."""
    limits = Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                    memory_mb=args.memory_limit, max_processes=args.process_limit, work_mb=args.disk_limit,
                    output_bytes=args.output_limit * 1024,
                    total_output_bytes=4 * args.output_limit * 1024, isolation=args.isolation,
                    preload=not args.no_preload)
    return main(args.paths, args.out, seed=args.seed, quiet=args.quiet, limits=limits, workers=args.workers,
                fresh=args.fresh)
