"""A batch: workers, a watchdog per notebook, and per-notebook results kept so that a stopped batch resumes.

:func:`grade` grades every notebook under some paths, ``workers`` at once; :func:`grade_notebook` grades one.
Each notebook's rows are kept in ``OUT/.grading/`` (:class:`BatchState`) so that a batch stopped midway resumes
where it stopped, with the same seed; a submission that changed since it was graded there gets a new seed.
"""

import concurrent.futures
import dataclasses
import functools
import hashlib
import json
import os
import pathlib
import random
import shutil
import threading
import time

from autograder import build, checks
from autograder.answers import lesson_of, run_submission
from autograder.checks.statuses import kept_on_resume
from autograder.outputs import atomic_write
from autograder.reference import Expected
from autograder.sandbox import Limits, Sandbox
from autograder.submissions import STATE_DIR, discover, one_per_lesson, read_submission
from autograder.verdicts import Row, judge, rows_for_all

GRADER_VERSION = "3"  # bump when a change to the grader can change a grade: cached results are then not reused
WATCHDOG_SLACK = 120.0  # seconds a notebook may take beyond its time limits (kernel starts and stops, reading)


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
        return judge(student, path, run_submission(student, path, problem or data, seed, sandbox),
                     expected or Expected())
    finally:
        if own_sandbox:
            sandbox.close()


def _is_folder(path):
    return os.path.isdir(path) and not os.path.islink(path)


def version_seed(seed, version):
    """The probe seed of a submission's ``version``-th changed copy in a batch: ``seed`` first, then new ones.

    A regrade of a changed submission into the same ``--out`` draws the next seed, so the numbers its feedback
    showed for the last seed are useless to the next copy; an unchanged submission keeps its seed and its rows.
    """
    if not version:
        return seed
    return int(hashlib.sha256(f"regrade {version} of run {seed}".encode()).hexdigest()[:8], 16) % (2**31 - 1) + 1


class BatchState:
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
        atomic_write(self.dir / "batch.json", json.dumps({"seed": seed}) + "\n")

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
        atomic_write(self._path(student, path), json.dumps(payload) + "\n")


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
    return rows_for_all(student, pathlib.Path(path).name, lesson_of(None, path)[0], "timeout",
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
    state = BatchState(out, fresh) if out is not None else None
    if seed is None and state is not None:
        seed = state.stored_seed()
    seed = random.SystemRandom().randrange(1, 2**31) if seed is None else int(seed)
    if state is not None:
        state.start(seed)
    submissions, ignored = one_per_lesson(discover(paths))
    expected = Expected()
    report = {} if report is None else report
    report.update(limits=dataclasses.asdict(limits), isolation=set(), reused=0, seconds={}, fallbacks=set(),
                  ignored=[f"{student}: {copy} (graded: {kept})" for student, copy, kept in ignored])
    for line in report["ignored"]:
        if progress:
            progress(f"ignored a second copy of a lesson, {line}")
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
        submission = run_submission(student, path, problem or data, notebook_seed, sandbox)
        return submission, (key, content, version)

    def one(index, student, path, sandbox):
        label = f"{student}/{pathlib.Path(path).name}"
        record = state.record(student, path) if state is not None else {}
        if record.get("watchdog") and record.get("key") is None:  # never wait on it twice
            say(index, label, ": the grader gave up on it earlier in this batch, reused")
            return BatchState.rows_of(record) or _gave_up_rows(student, path, limits)
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
            rows = submission if isinstance(submission, list) else judge(student, path, submission, expected)
        except Exception as error:  # a fault of the grader itself: this notebook gets rows, the batch goes on
            say(index, label, f": grader error {type(error).__name__}: {error}")
            return rows_for_all(student, pathlib.Path(path).name, lesson_of(None, path)[0], "grader-error",
                                 f"the grader failed on this notebook ({type(error).__name__}: {str(error)[:300]})")
        with lock:
            report["seconds"][label] = round(time.monotonic() - started, 1)
        if state is not None and stamp is not None and all(kept_on_resume(row.status) for row in rows):
            key, content, version = stamp
            state.save(student, path, key, rows, content, version)  # a grader error is graded again
        return rows

    with Sandbox(limits) as sandbox:
        lessons = dict.fromkeys(lesson_of(None, path)[0] for _, path in submissions)
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
