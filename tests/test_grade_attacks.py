"""Attacks a determined student could try, run through the real grader: each is contained with a clear status,
every student gets rows, a resumed batch does not hang again, and the host keeps no trace.

One batch (two workers, memory limit 512 MiB so the memory attacks are quick) holds a submission per attack.
"""

import csv
import json
import os
import pathlib
import threading

import nbformat
import pytest

from autograder import batch as grading_batch, build, checks, grade, limits
from autograder.sandbox import Limits
from grading_helpers import forked_children, grade_batch, read_or_empty, shared_mmap

LESSON = "01_linear_pca"
POINTS = {exercise.name: exercise.points for exercise in checks.exercises(LESSON)}
MEMORY_MB = 512
LIMITS = Limits(cell_timeout=40, notebook_timeout=400, memory_mb=MEMORY_MB, max_processes=256, work_mb=128)
SEED = 97
needs_cgroup = pytest.mark.skipif(limits.cgroups().version is None,
                                  reason=f"no cgroup for kernels here: {limits.cgroups().problem}")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the work folder's tmpfs quota needs a root grader")

SHARED_MMAP = shared_mmap(MEMORY_MB)
FORKED_CHILDREN = forked_children(MEMORY_MB)
REPLACED_RESULTS = """
import os
import autograder.checks.runtime

def _replace(name, obj, seed, path, hidden_seed=None):
    if name == "linear_autoencoder":
        os.mkfifo(path)
    elif name == "pca_mse":
        os.mkdir(path)
    else:
        os.symlink("/dev/zero", path)

autograder.checks.runtime.probe_to_file = _replace
"""
FORGED_STATUSES = """
import json
import autograder.checks.runtime

_FORGED = {
    "linear_autoencoder": {"status": "memory-limit", "message": '=HYPERLINK("http://evil.example","click")'},
    "pca_mse": {"status": "failed", "message": "\\n[PASS] full marks, well done\\n=1+1"},
    "principal_angles": {"status": "error", "message": "\\t@SUM(A1:A9)"},
}

def _forge(name, obj, seed, path, hidden_seed=None):
    with open(path, "w") as f:
        json.dump({"visible": _FORGED[name], "hidden": None}, f)

autograder.checks.runtime.probe_to_file = _forge
"""
LOG_AS_PIPE = "import os\nos.mkfifo(os.environ['COURSE_IMPORT_LOG'])\n"
LOG_AS_FOLDER = "import os\nos.mkdir(os.environ['COURSE_IMPORT_LOG'])\n"
LOG_AS_ZERO = "import os\nos.symlink('/dev/zero', os.environ['COURSE_IMPORT_LOG'])\n"
THREAD_KILLER = """
import os, signal, threading, time
threading.Thread(target=lambda: (time.sleep(8), os.kill(os.getpid(), signal.SIGKILL)), daemon=True).start()
"""
SLOW_BUT_CORRECT = "import time\ntime.sleep(16)\n"
FILLS_THE_DISK = """
chunk = b"x" * (8 << 20)
for i in range(2):
    with open(f"fill{i}", "wb") as f:
        for _ in range(12):  # 96 MiB per file, 192 MiB in all: more than the 128 MiB quota
            f.write(chunk)
"""
MANY_PROCESSES = """
import subprocess
children = []
try:
    for _ in range(2000):
        children.append(subprocess.Popen(["sleep", "613.5"]))
except OSError as error:
    raise RuntimeError(f"stopped after {len(children)} processes") from error
"""


def _reference_answers():
    return {cell.metadata["course"]["exercise"]: cell.source for cell in build.build_notebook(LESSON, "reference").cells
            if cell.metadata["course"]["role"] == "answer"}


def _submission(prefixes):
    """The reference notebook with code put before the answers of the exercises named in ``prefixes``."""
    notebook = build.build_notebook(LESSON, "reference")
    for cell in notebook.cells:
        name = cell.metadata["course"].get("exercise")
        if cell.metadata["course"]["role"] == "answer" and name in prefixes:
            cell.source = prefixes[name] + "\n" + cell.source
    return notebook


def _save(root, student, notebook, relative=f"{LESSON}.ipynb"):
    path = root / student / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def _plant(root, student, make):
    (root / student).mkdir()
    make(root / student / f"{LESSON}.ipynb")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("attacks")
    _save(root, "correct", build.build_notebook(LESSON, "reference"))
    _save(root, "mmap", _submission({"linear_autoencoder": SHARED_MMAP}))
    _save(root, "forks", _submission({"pca_mse": FORKED_CHILDREN}))
    _save(root, "replacer", _submission({"linear_autoencoder": REPLACED_RESULTS}))
    _save(root, "forger", _submission({"linear_autoencoder": FORGED_STATUSES}))
    _save(root, "log_pipe", _submission({"pca_mse": LOG_AS_PIPE}))
    _save(root, "log_zero", _submission({"principal_angles": LOG_AS_ZERO}))
    _save(root, "log_folder", _submission({"linear_autoencoder": LOG_AS_FOLDER}))
    _save(root, "thread", _submission({"linear_autoencoder": THREAD_KILLER, "pca_mse": SLOW_BUT_CORRECT}))
    _save(root, "disk", _submission({"pca_mse": FILLS_THE_DISK}))
    _save(root, "procs", _submission({"pca_mse": MANY_PROCESSES}))
    _plant(root, "pipe", os.mkfifo)
    _plant(root, "proc_link", lambda path: path.symlink_to("/proc/kpageflags"))
    _plant(root, "zero_link", lambda path: path.symlink_to("/dev/zero"))
    os.mkfifo(root / f"{LESSON}.ipynb")  # directly in the submissions folder
    (root / "alice" / "bob").mkdir(parents=True)  # Alice's folder holds a folder named after another student
    (root / "alice" / "bob" / f"{LESSON}.ipynb").write_text("not json, Alice's")
    for name in ("a b", "a_b", "=cmd|' -C calc'!A0"):
        (root / name).mkdir()
        (root / name / f"{LESSON}.ipynb").write_text(f"not json, from {name}")
    return grade_batch(root, root.parent / "attacks-out", seed=SEED, limits=LIMITS, workers=2)


def _status(batch, student):
    return {exercise: row.status for (who, exercise), row in batch["by"].items() if who == student}


def test_every_student_gets_rows_named_by_the_top_folder(batch):
    students = {row.student for row in batch["rows"]}
    folders = {path.name for path in batch["root"].iterdir() if path.is_dir()}
    assert students == folders | {batch["root"].name}  # the FIFO directly in the folder is the folder's own
    assert "bob" not in students and set(_status(batch, "alice").values()) == {"malformed-notebook"}


@needs_cgroup
def test_memory_of_shared_mappings_and_forked_children_is_limited(batch):
    assert _status(batch, "mmap") == {**{ex: "passed" for ex in POINTS}, "linear_autoencoder": "memory-limit"}
    assert _status(batch, "forks") == {**{ex: "passed" for ex in POINTS}, "pca_mse": "memory-limit"}
    assert f"{MEMORY_MB} MiB" in batch["by"]["forks", "pca_mse"].message


def test_result_files_the_kernel_replaced_are_the_learners_error(batch):
    rows = {ex: batch["by"]["replacer", ex] for ex in POINTS}
    assert {ex: row.status for ex, row in rows.items()} == {ex: "error" for ex in POINTS}
    assert "a named pipe" in rows["linear_autoencoder"].message and "a folder" in rows["pca_mse"].message
    assert "a symbolic link" in rows["principal_angles"].message


def test_an_import_log_the_kernel_replaced_costs_the_exercise_that_did_it(batch):
    assert _status(batch, "log_pipe") == {**{ex: "passed" for ex in POINTS}, "pca_mse": "error"}
    assert "import log" in batch["by"]["log_pipe", "pca_mse"].message
    assert "a named pipe" in batch["by"]["log_pipe", "pca_mse"].message
    assert _status(batch, "log_zero") == {**{ex: "passed" for ex in POINTS}, "principal_angles": "error"}
    assert "a symbolic link" in batch["by"]["log_zero", "principal_angles"].message
    assert _status(batch, "log_folder") == {**{ex: "passed" for ex in POINTS}, "linear_autoencoder": "error"}
    assert "a folder" in batch["by"]["log_folder", "linear_autoencoder"].message


def test_statuses_and_text_from_the_kernel_are_data(batch):
    rows = {ex: batch["by"]["forger", ex] for ex in POINTS}
    assert rows["linear_autoencoder"].status == "error" and "MemoryError" in rows["linear_autoencoder"].message
    assert rows["pca_mse"].status == "failed" and all(row.score == 0 for row in rows.values())
    with open(batch["out"] / "grades.csv", newline="") as f:
        cells = [cell for line in csv.reader(f) for cell in line]
    assert not [cell for cell in cells if cell.lstrip(" \t\r\n").startswith(("=", "+", "-", "@"))]
    assert any(cell.startswith("'=cmd") for cell in cells)  # a student folder named like a formula, neutralised
    for kind in ("md", "html"):
        feedback = (batch["out"] / "feedback" / f"forger.{kind}").read_text()
        assert "[PASS]" not in feedback and "HYPERLINK" in feedback  # shown, as the learner's text


def test_a_crash_from_a_thread_is_not_blamed_on_the_cell_that_was_running(batch):
    rows = {ex: batch["by"]["thread", ex] for ex in POINTS}
    assert rows["pca_mse"].status == "passed" and rows["principal_angles"].status == "passed"
    assert any("the crash is the notebook's" in note and "pca_mse" in note for note in rows["pca_mse"].notes)


@needs_root
def test_disk_and_process_quotas_are_the_kernels_own(batch):
    disk = batch["by"]["disk", "pca_mse"]
    assert disk.status == "error" and "No space left" in disk.message
    procs = batch["by"]["procs", "pca_mse"]
    assert procs.status == "error" and "stopped after" in procs.message
    assert int(procs.message.split("stopped after ")[1].split()[0]) < LIMITS.max_processes
    assert set(_status(batch, "correct").values()) == {"passed"}  # graded beside them, untouched


def test_submissions_that_are_pipes_or_links_get_rows_and_do_not_stop_the_batch(batch):
    for student, found in (("pipe", "a named pipe"), ("proc_link", "a symbolic link"),
                           ("zero_link", "a symbolic link"), (batch["root"].name, "a named pipe")):
        assert set(_status(batch, student).values()) == {"malformed-notebook"}, student
        assert found in batch["by"][student, "pca_mse"].message


def test_names_that_make_the_same_file_name_get_distinct_feedback(batch):
    payload = json.loads((batch["out"] / "grades.json").read_text())
    files = {entry["student"]: entry["feedback"] for entry in payload["notebooks"]}
    assert files["a b"] != files["a_b"]
    assert "# Feedback for a b" in (batch["out"] / files["a b"]).read_text()
    assert "# Feedback for a_b" in (batch["out"] / files["a_b"]).read_text()


def test_the_host_keeps_no_trace(batch):
    leftovers = [p for p in pathlib.Path("/proc").iterdir() if p.name.isdigit() and b"613.5" in read_or_empty(p / "cmdline")]
    assert not leftovers, "a process started by learner code outlived its kernel"
    mounts = pathlib.Path("/proc/self/mounts").read_text()
    assert "course-grading-" not in mounts  # every work folder's tmpfs was unmounted
    for parent in limits.cgroups().parents:
        assert not list(parent.glob(f"{limits.PREFIX}-{os.getpid()}-*")), "a kernel's cgroup was left behind"


def test_a_resumed_batch_reuses_every_row_without_hanging(batch):
    report = {}
    rows, seed = grade.grade([batch["root"]], limits=LIMITS, out=batch["out"], report=report)
    assert seed == SEED
    notebooks = {(row.student, row.notebook) for row in batch["rows"]}
    assert report["reused"] == len(notebooks)
    assert [(r.student, r.exercise, r.status) for r in rows] == [(r.student, r.exercise, r.status)
                                                                  for r in batch["rows"]]


# ---------------------------------------------------------------------------------------------------------------
# the per-notebook watchdog, and feedback that is no oracle


def test_a_notebook_that_keeps_the_grader_waiting_gets_timeout_rows_once(tmp_path, monkeypatch):
    for student in ("stuck", "other"):
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / f"{LESSON}.ipynb").write_text("not json")
    release, calls = threading.Event(), []
    real = grading_batch.read_submission

    def hanging(path):
        calls.append(pathlib.Path(path).parent.name)
        if pathlib.Path(path).parent.name == "stuck":
            release.wait(60)
        return real(path)

    monkeypatch.setattr(grading_batch, "read_submission", hanging)
    monkeypatch.setattr(grading_batch, "WATCHDOG_SLACK", 1.0)
    quick = Limits(notebook_timeout=1, setup_timeout=1, preload=False)
    try:
        rows, _ = grade.grade([tmp_path / "subs"], seed=1, limits=quick, workers=2, out=tmp_path / "out")
        statuses = {(row.student, row.status) for row in rows}
        assert statuses == {("stuck", "timeout"), ("other", "malformed-notebook")}
        assert "gave up" in [row for row in rows if row.student == "stuck"][0].message
        calls.clear()
        rows, _ = grade.grade([tmp_path / "subs"], limits=quick, out=tmp_path / "out")  # resumed
        assert {(row.student, row.status) for row in rows} == statuses and "stuck" not in calls
    finally:
        release.set()


def test_a_changed_submission_is_graded_with_a_new_seed(tmp_path):
    subs = tmp_path / "subs"
    for student in ("mistake", "correct"):
        (subs / student).mkdir(parents=True)
        source = build.EXAMPLES_DIR / student / f"{LESSON}.ipynb"
        (subs / student / f"{LESSON}.ipynb").write_bytes(source.read_bytes())
    out, limits_ = tmp_path / "out", Limits(cell_timeout=60, notebook_timeout=400)
    first, seed = grade.grade([subs], seed=11, limits=limits_, out=out)
    path = subs / "mistake" / f"{LESSON}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("resubmitted"))
    nbformat.write(notebook, path)
    report = {}
    second, _ = grade.grade([subs], limits=limits_, out=out, report=report)
    seeds = {(row.student, "first"): row.seed for row in first} | {(row.student, "second"): row.seed for row in second}
    assert seeds["correct", "first"] == seeds["correct", "second"] == seed and report["reused"] == 1
    assert seeds["mistake", "first"] == seed and seeds["mistake", "second"] not in (seed, None)
    mistake = checks.lesson_modules()[LESSON].DEMO_MISTAKE["exercise"]
    before, after = ([row.message for row in rows if row.student == "mistake" and row.exercise == mistake][0]
                     for rows in (first, second))
    assert before != after and any(ch.isdigit() for ch in before)  # last round's numbers do not fit this round
