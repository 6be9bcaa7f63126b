"""The grader's trust boundary and fault tolerance, on small notebooks made here.

One batch (graded once, two workers) holds a submission per fault or exploit; each test reads its rows. Limits are
small so the file stays quick: cell timeout 20 s, memory 2 GiB, output 1 MiB per cell, messages 8 MiB.
"""

import json
import os
import pathlib
import shutil
import sys

import nbformat
import numpy as np
import pytest

from autograder import build, checks, grade
from autograder.sandbox import Limits, Sandbox, execute
from grading_helpers import grade_batch, outputs, read_or_empty, tiny

LESSON = "01_linear_pca"
SEED = 4321
LIMITS = Limits(cell_timeout=20, notebook_timeout=400, memory_mb=2048, output_bytes=1 << 20,
                total_output_bytes=4 << 20, message_bytes=8 << 20)
POINTS = {exercise.name: exercise.points for exercise in checks.exercises(LESSON)}
ANSWER_FILE = build.ROOT / "solutions" / "linear.py"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox's namespaces are Linux's")

HARDCODED_SIZES = """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(2)])
    decoder = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(5)])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""
EQUAL_DIMENSIONS_ONLY = """
def principal_angles(A, B):
    if len(A) != len(B):
        raise ValueError("this version handles subspaces of equal dimension only")
    Q_a, _ = np.linalg.qr(np.asarray(A, dtype=np.float64).T)
    Q_b, _ = np.linalg.qr(np.asarray(B, dtype=np.float64).T)
    cosines = np.linalg.svd(Q_a.T @ Q_b, compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(cosines, -1.0, 1.0))))
"""
ALWAYS_EQUAL = """
class AlwaysEqual:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __float__(self):
        return 0.0
    def __array__(self, dtype=None, copy=None):
        return np.zeros(3)

def principal_angles(A, B):
    return AlwaysEqual()
"""
PATCHED_NUMPY = """
np.allclose = lambda *args, **kwargs: True
np.isclose = lambda *args, **kwargs: np.True_
np.testing.assert_allclose = lambda *args, **kwargs: None

class Agreeable(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)
    def __ne__(self, other):
        return np.zeros(np.shape(self), dtype=bool)

def principal_angles(A, B):
    return np.zeros(min(len(A), len(B))).view(Agreeable)
"""
FORGED_RESULTS = """
import json
import autograder.checks.exercise
import autograder.checks.runtime

def _forged(name, obj, seed, path, hidden_seed=None):
    zeros = autograder.checks.exercise.to_plain(np.zeros(3))
    forged = {
        "linear_autoencoder": {"visible": {"status": "passed", "message": ""}},
        "pca_mse": {"visible": {"status": "ok", "message": "", "data": {"mse": [0.0, 0.0],
                                                                          "sizes": [[200, 12], [150, 9]]}}},
        "principal_angles": {"visible": {"status": "ok", "message": "", "data": {
            "same subspace, other basis": zeros, "random subspaces": zeros, "2-D against 4-D": zeros}},
            "hidden": None},
    }
    with open(path, "w") as f:
        json.dump(forged[name], f)

autograder.checks.runtime.probe_to_file = _forged
autograder.checks.exercise.Exercise.judge = lambda self, *args, **kwargs: ("passed", "")
"""
FORBIDDEN_IMPORT = """
from solutions.linear import pca_reconstruction_mse as _reference

def pca_reconstruction_mse(X, n_components):
    return _reference(X, n_components)
"""


def _reference_answers():
    return {cell.metadata["course"]["exercise"]: cell.source for cell in build.build_notebook(LESSON, "reference").cells
            if cell.metadata["course"]["role"] == "answer"}


def _submission(**sources):
    """The reference notebook with the answer cells of the named exercises replaced by ``sources``."""
    notebook = build.build_notebook(LESSON, "reference")
    for cell in notebook.cells:
        name = cell.metadata["course"].get("exercise")
        if cell.metadata["course"]["role"] == "answer" and name in sources:
            cell.source = sources[name]
    return notebook


def _save(root, student, notebook):
    (root / student).mkdir()
    path = root / student / f"{LESSON}.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    reference = _reference_answers()
    _save(root, "correct", build.build_notebook(LESSON, "reference"))
    _save(root, "loops", _submission(
        pca_mse="def pca_reconstruction_mse(X, n_components):\n    while True:\n        pass\n",
        principal_angles="def principal_angles(A, B):\n    hog = []\n    while True:\n"
                         "        hog.append(b'x' * 10**8)\n"))
    _save(root, "crashes", _submission(
        linear_autoencoder="import os\nos._exit(3)\n" + reference["linear_autoencoder"],
        pca_mse="import os, signal\n\ndef pca_reconstruction_mse(X, n_components):\n"
                "    os.kill(os.getpid(), signal.SIGKILL)\n",
        principal_angles=ALWAYS_EQUAL))
    printer = _submission(
        linear_autoencoder=f"import os\nif os.path.exists({str(ANSWER_FILE)!r}):\n"
                           "    raise RuntimeError('the reference answers are readable')\n"
                           + reference["linear_autoencoder"],
        pca_mse="for _ in range(40):\n    print('x' * 1_000_000)\nprint('y' * 20_000_000)\n" + reference["pca_mse"])
    setup = [cell for cell in printer.cells if cell.metadata["course"]["role"] == "setup"][1]
    setup.source = setup.source.replace("num_epochs = pick(default=20", "num_epochs = pick(default=2000")
    printer.cells.remove([cell for cell in printer.cells if cell.metadata["nbgrader"]["grade_id"] == "pca_mse_check"][0])
    printer.cells.append(printer.cells.pop(1))  # the first markdown cell moved to the end
    _save(root, "printer", printer)
    _save(root, "exploits", _submission(linear_autoencoder=HARDCODED_SIZES, pca_mse=FORBIDDEN_IMPORT,
                                        principal_angles=PATCHED_NUMPY))
    _save(root, "forger", _submission(linear_autoencoder=FORGED_RESULTS + reference["linear_autoencoder"]))
    _save(root, "partial", _submission(principal_angles=EQUAL_DIMENSIONS_ONLY))
    other_lesson = build.build_notebook(LESSON, "reference")
    other_lesson.metadata["course"]["lesson"] = "02_stacked"
    _save(root, "wrong_lesson", other_lesson)
    (root / "not_json").mkdir()
    (root / "not_json" / f"{LESSON}.ipynb").write_text('{"cells": [ this is not json')
    (root / "binary").mkdir()
    (root / "binary" / f"{LESSON}.ipynb").write_bytes(bytes(range(256)) * 40)
    (root / "empty").mkdir()
    return grade_batch(root, root.parent / "faults-out", seed=SEED, limits=LIMITS, workers=2)


def _scores(batch, student):
    return {ex: row.score for (who, ex), row in batch["by"].items() if who == student}


def _status(batch, student):
    return {ex: row.status for (who, ex), row in batch["by"].items() if who == student}


def test_the_reference_passes_visible_and_hidden_checks(batch):
    assert _scores(batch, "correct") == POINTS
    assert set(_status(batch, "correct").values()) == {"passed"}


def test_an_endless_loop_times_out_and_unbounded_memory_hits_the_limit(batch):
    assert _status(batch, "loops") == {"linear_autoencoder": "passed", "pca_mse": "timeout",
                                       "principal_angles": "memory-limit"}
    assert _scores(batch, "loops") == {**POINTS, "pca_mse": 0, "principal_angles": 0}
    assert "20 s" in batch["by"]["loops", "pca_mse"].message
    assert "2048 MiB" in batch["by"]["loops", "principal_angles"].message
    assert any("restarted" in note for note in batch["by"]["loops", "pca_mse"].notes)


def test_a_kernel_that_kills_itself_costs_only_that_exercise(batch):
    rows = {ex: batch["by"]["crashes", ex] for ex in POINTS}
    assert rows["linear_autoencoder"].status == "crashed" and "code 3" in rows["linear_autoencoder"].message
    assert rows["pca_mse"].status == "crashed" and "SIGKILL" in rows["pca_mse"].message
    # graded after two restarts; an object that equals everything earns nothing
    assert rows["principal_angles"].status == "failed" and rows["principal_angles"].score == 0


def test_huge_output_is_dropped_and_edited_instructor_cells_are_restored(batch):
    if "none" in batch["report"]["isolation"]:  # no namespaces here: the answers are readable, as documented
        assert batch["by"]["printer", "linear_autoencoder"].status == "error"
    else:  # the answers are unreadable, and the output cap does not fail anyone
        assert batch["by"]["printer", "linear_autoencoder"].status == "passed"
    assert _scores(batch, "printer")["pca_mse"] == 1 and _scores(batch, "printer")["principal_angles"] == 2
    notes = " ".join(batch["by"]["printer", "pca_mse"].notes)
    assert "dropped" in notes
    assert "edited" in notes and "setup_2" in notes
    assert "deleted" in notes and "pca_mse_check" in notes
    assert "text cells moved" in notes and "markdown_1" in notes
    feedback = (batch["out"] / "feedback" / "printer.md").read_text()
    assert "setup_2" in feedback and "pca_mse_check" in feedback


def test_exploits_earn_nothing_and_forbidden_imports_are_reported(batch):
    rows = {ex: batch["by"]["exploits", ex] for ex in POINTS}
    assert rows["pca_mse"].status == "forbidden-import" and rows["pca_mse"].score == 0
    assert "tried to import solutions," in rows["pca_mse"].message  # the guard refuses the package, whole
    assert rows["principal_angles"].score == 0  # patched numpy.allclose and an ndarray whose == is always True
    hidden = rows["linear_autoencoder"]  # sizes hard-coded to the visible check's: only a hidden check sees it
    assert hidden.status == "failed" and hidden.score == 0 and "hidden check (other sizes" in hidden.message
    assert "expected" not in hidden.message and "got" not in hidden.message


def test_forged_probe_results_and_a_patched_autograder_earn_nothing(batch):
    assert _scores(batch, "forger") == {ex: 0 for ex in POINTS}
    assert batch["by"]["forger", "linear_autoencoder"].status == "error"
    assert "could not be used" in batch["by"]["forger", "linear_autoencoder"].message


def test_partial_credit_and_a_hidden_check_without_numbers(batch):
    row = batch["by"]["partial", "principal_angles"]
    assert row.status == "partial" and row.score == pytest.approx(2 / 3, abs=1e-3)
    assert "[different dimensions]" in row.message and "raised ValueError" in row.message
    assert "hidden check (orthogonal subspaces" in row.message and "'larger first'" in row.message
    hidden_part = row.message[row.message.index("hidden check"):]
    assert not any(ch.isdigit() for ch in hidden_part.replace("[-1, 1]", "").replace("min(k, m)", ""))


def test_files_that_are_not_this_lesson_get_rows_with_a_clear_status(batch):
    assert set(_status(batch, "wrong_lesson").values()) == {"wrong-lesson"}
    assert "02_stacked" in batch["by"]["wrong_lesson", "pca_mse"].message
    assert set(_status(batch, "not_json").values()) == {"malformed-notebook"}
    assert set(_status(batch, "binary").values()) == {"malformed-notebook"}
    assert batch["by"]["empty", ""].status == "no-notebook"


def test_outputs_csv_json_markdown_and_html(batch):
    out = batch["out"]
    payload = json.loads((out / "grades.json").read_text())
    assert payload["seed"] == SEED and len(payload["rows"]) == len(batch["rows"])
    assert "forbidden-import" in payload["statuses"]
    assert payload["sandbox"]["isolation"]  # the isolation level reached is recorded
    html = (out / "feedback" / "partial.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "principal_angles" in html and 'class="hint"' in html
    assert "<script" not in (out / "feedback" / "exploits.html").read_text()


def test_grading_is_deterministic(batch, tmp_path):
    path = batch["root"] / "partial" / f"{LESSON}.ipynb"
    first = [(row.exercise, row.score, row.status, row.message) for row in batch["rows"] if row.student == "partial"]
    for _ in range(2):
        rows, _ = grade.grade([path], seed=SEED, limits=LIMITS)
        assert [(row.exercise, row.score, row.status, row.message) for row in rows] == first


def test_a_stopped_batch_resumes_without_losing_or_repeating_rows(batch, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(batch["out"], out)
    state = out / grade.STATE_DIR
    kept = sorted(state.glob("*.json"))
    for path in kept:  # "kill" the batch after the notebooks that needed a kernel: drop the others' results
        if json.loads(path.read_text()).get("student") in ("not_json", "wrong_lesson", "empty"):
            path.unlink()
    (state / "stray.json.partial").write_text("{ half-written")
    report = {}
    rows, seed = grade.grade([batch["root"]], limits=LIMITS, out=out, report=report)  # no seed: the batch's
    assert seed == SEED
    assert report["reused"] == len(kept) - 1 - 3  # batch.json is not a notebook; three were regraded
    assert [(r.student, r.exercise, r.score, r.status) for r in rows] == \
        [(r.student, r.exercise, r.score, r.status) for r in batch["rows"]]


# ---------------------------------------------------------------------------------------------------------------
# the sandbox itself, on tiny notebooks that do not import TensorFlow (seconds each)


@linux_only
@pytest.mark.parametrize("isolation", ["auto", "userns"])
def test_the_kernel_sees_no_answers_no_network_and_cannot_write_or_linger(isolation):
    import time

    with Sandbox(Limits(cell_timeout=20, isolation=isolation)) as sandbox:
        run = sandbox.new_run()
        notebook = tiny(
            "import os, subprocess\nprint(os.getuid(), os.path.exists(%r), os.path.exists(%r))"
            % (str(ANSWER_FILE), str(build.ROOT / "solutions" / "notebooks")),
            "try:\n    open('/usr/lib/planted', 'w')\nexcept OSError as error:\n    print('refused', error.errno)",
            "import helpers.config\ntry:\n    import solutions.linear\nexcept ImportError:\n    print('blocked')",
            "subprocess.Popen(['sleep', '613.25'], start_new_session=True); print('spawned')",
            "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 22), timeout=3)\n    print('connected')\n"
            "except OSError as error:\n    print('no network', error.errno)")
        execution = execute(sandbox, notebook, run, time.time() + 120)
        if execution.status.get("isolation") == "none":
            pytest.skip("this machine allows no namespaces: " + "; ".join(execution.status.get("notes", [])))
    assert execution.fatal is None, execution.message
    uid, answers_visible, notebooks_visible = outputs(notebook.cells[0]).split()
    assert answers_visible == "False" and notebooks_visible == "False"
    if os.geteuid() == 0 and isolation == "auto":
        assert uid == "65534"  # nobody
    assert outputs(notebook.cells[1]).startswith("refused 30")  # read-only file system
    assert outputs(notebook.cells[2]).strip() == "blocked" and execution.imports_by_cell == {2: ["solutions"]}
    assert outputs(notebook.cells[4]).startswith("no network")  # loopback is down in the empty namespace
    time.sleep(1)
    lingering = [p for p in pathlib.Path("/proc").iterdir() if p.name.isdigit()
                 and b"613.25" in read_or_empty(p / "cmdline")]
    assert not lingering, "a process started by the learner's code outlived the kernel"


def test_limits_turn_faults_into_verdicts_without_hurting_the_grader():
    import time

    limits = Limits(cell_timeout=3, memory_mb=1024, output_bytes=100_000, total_output_bytes=300_000,
                    message_bytes=1 << 20)
    with Sandbox(limits) as sandbox:
        notebook = tiny("for _ in range(50):\n    print('x' * 50_000)",
                         "print('y' * 3_000_000)\nprint('still here')",
                         "from IPython.display import display\ndisplay({'text/plain': 'z' * 3_000_000}, raw=True)",
                         "1 / 0",
                         "while True:\n    pass",
                         "print('never')")
        execution = execute(sandbox, notebook, sandbox.new_run(), time.time() + 120)
    kept = sum(len(outputs(cell)) for cell in notebook.cells)
    assert kept <= 300_000 + 1_000 and execution.truncated == {0, 1}  # printed output: capped, kernel and grader
    # a 3 MB message is over the 1 MiB message limit: dropped, and errors are still seen (in the kernel's reply)
    assert not notebook.cells[2].outputs
    assert notebook.cells[3].metadata["reply_error"][0] == "ZeroDivisionError"
    assert execution.fatal == (4, "timeout")

    with Sandbox(limits) as sandbox:  # memory: with a cgroup the kernel is stopped; without one, MemoryError
        notebook = tiny("hog = b'x' * (2 * 10**9)", "print('never')")
        execution = execute(sandbox, notebook, sandbox.new_run(), time.time() + 60)
    if sandbox.cgroups.version is None:
        assert notebook.cells[0].metadata["reply_error"][0] == "MemoryError"
    else:
        assert execution.fatal == (0, "memory")

    with Sandbox(limits) as sandbox:
        notebook = tiny("import os\nos._exit(7)", "print('never')")
        execution = execute(sandbox, notebook, sandbox.new_run(), time.time() + 60)
    assert execution.fatal == (0, "died") and execution.status["exit_code"] == 7


def test_the_notebook_deadline_stops_everything():
    import time

    with Sandbox(Limits(cell_timeout=900, notebook_timeout=5)) as sandbox:
        notebook = tiny("import time\ntime.sleep(600)")
        started = time.monotonic()
        execution = execute(sandbox, notebook, sandbox.new_run(), time.time() + 4)
    # the effect, with a wide margin: the deadline stopped the cell long before its sleep (or the cell timeout) ended
    assert execution.fatal[1] == "deadline" and time.monotonic() - started < 300


def test_probe_results_are_validated():
    from autograder.checks.exercise import parse_probe_result

    assert parse_probe_result('{"visible": {"status": "passed"}}')["visible"]["status"] == "error"
    assert parse_probe_result('{"visible": {"status": "ok", "data": 1, "extra": 2}}')["visible"]["status"] == "error"
    assert parse_probe_result("[" * 100_000)["visible"]["status"] == "error"
    assert parse_probe_result('{"visible": {"status": "failed", "message": ["x"]}}')["visible"]["status"] == "error"
    assert parse_probe_result('{"visible": {"status": "ok", "data": 1}}', max_bytes=10)["visible"]["status"] == "error"
    good = parse_probe_result('{"visible": {"status": "ok", "data": [1, 2]}, "hidden": null}')
    assert good == {"visible": {"status": "ok", "message": "", "data": [1, 2]}, "hidden": None}
    array = parse_probe_result('{"visible": {"status": "ok", "data": {"__ndarray__": {"dtype": "float64", '
                               '"shape": [1], "data": "AAAAAAAA8D8="}}}}')["visible"]["data"]
    assert isinstance(array, np.ndarray) and array.tolist() == [1.0]


def test_the_cli_grades_in_parallel_and_starts_over_with_fresh(tmp_path):
    from autograder.__main__ import main

    (tmp_path / "subs" / "empty").mkdir(parents=True)
    (tmp_path / "subs" / "bad").mkdir()
    (tmp_path / "subs" / "bad" / f"{LESSON}.ipynb").write_text("not json")
    out = tmp_path / "out"
    assert main(["grade", str(tmp_path / "subs"), "--out", str(out), "--workers", "2", "--seed", "3",
                 "--quiet"]) == 0
    assert main(["grade", str(tmp_path / "subs"), "--out", str(out), "--quiet"]) == 0
    assert json.loads((out / "grades.json").read_text())["seed"] == 3  # resumed: the batch keeps its seed
    assert main(["grade", str(tmp_path / "subs"), "--out", str(out), "--fresh", "--quiet"]) == 0
    assert json.loads((out / "grades.json").read_text())["seed"] != 3  # started over with a new seed
    statuses = {row["student"]: row["status"] for row in json.loads((out / "grades.json").read_text())["rows"]}
    assert statuses == {"bad": "malformed-notebook", "empty": "no-notebook"}
    assert (out / "feedback" / "bad.html").exists() and (out / "feedback" / "bad.md").exists()


def _imported_modules(source):
    import ast

    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def test_nothing_the_grader_runs_imports_a_reference_answer_module():
    """Setup cells, check modules and the student package run in the learner's kernel, where answer modules are
    forbidden: if one of them imported an answer module, learners would be marked forbidden-import for it."""
    import helpers

    from autograder.sandbox import forbidden_modules

    forbidden = forbidden_modules()

    def offending(source):
        return sorted(m for m in _imported_modules(source) if any(m == f or m.startswith(f + ".") for f in forbidden))

    for lesson, module in checks.lesson_modules().items():
        assert not offending(pathlib.Path(module.__file__).read_text()), f"checks of {lesson}"
        for cell in build.build_notebook(lesson, "student").cells:
            if cell.metadata["course"]["role"] == "setup":
                assert not offending(cell.source), f"a setup cell of {lesson}: {offending(cell.source)}"
    kernel_modules = [*pathlib.Path(helpers.__file__).parent.glob("*.py"),  # solutions/ is forbidden whole
                      *pathlib.Path(checks.__file__).parent.glob("*.py")]
    assert len(kernel_modules) > 10
    for path in kernel_modules:
        assert not offending(path.read_text()), f"{path.parent.name}/{path.name} imports an answer module"
