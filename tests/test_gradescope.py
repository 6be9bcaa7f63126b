"""The Gradescope route: the zip's layout, and run_autograder against a fake /autograder tree.

Each case is a fresh autograder root (``AUTOGRADER_ROOT``) with its own submission/ and results/, graded by the
zip's own run_autograder with the course package bundled in the zip on ``PYTHONPATH``.
"""

import json
import os
import stat
import subprocess
import sys
import zipfile

import pytest

from autograder import __main__ as cli
from autograder import build, checks, gradescope

LESSON = "01_linear_pca"
POINTS = {exercise.name: exercise.points for exercise in checks.exercises(LESSON)}


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    assert cli.main(["gradescope", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def source_dir(autograder_zip):
    source = autograder_zip.parent / "source"
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(source)
    return source


def test_zip_has_the_two_scripts_at_its_root_executable(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        setup = archive.read("setup.sh").decode()
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(infos[script].external_attr >> 16) & 0o111
    assert "python3-venv" in setup and "dataset-fashion-mnist" in setup
    assert 'pip install "$SOURCE/course"' in setup


def test_zip_bundles_the_package_with_its_answers_and_no_generated_notebooks(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = set(archive.namelist())
    for needed in ("course/pyproject.toml", "course/README.md", "course/autograder/grade.py",
                   "course/autograder/gradescope.py", f"course/autograder/expected/{LESSON}.json",
                   f"course/autograder/lessons/{LESSON}.md", "course/solutions/linear.py", "course/helpers/data.py"):
        assert needed in names
    assert not [name for name in names if "__pycache__" in name or name.startswith("course/solutions/notebooks")]


def test_scripts_are_valid_bash(source_dir):
    for script in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(source_dir / script)], check=True)


def _env(root, source_dir):
    return {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable,
            "PYTHONPATH": str(source_dir / "course"), "TF_CPP_MIN_LOG_LEVEL": "2"}


def _run(tmp_path, source_dir, submission):
    """Lay out ``tmp_path/autograder`` with ``submission`` ({file name: text}) and run the zip's run_autograder."""
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    for name, text in submission.items():
        (root / "submission" / name).write_text(text, encoding="utf-8")
    result = subprocess.run(["bash", str(source_dir / "run_autograder")], env=_env(root, source_dir), cwd=root,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((root / "results" / "results.json").read_text())


def _check_format(results):
    assert set(results) >= {"score", "execution_time", "output", "tests"}
    assert isinstance(results["execution_time"], int)
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output", "visibility", "status"}
        assert test["visibility"] == "visible" and test["status"] in ("passed", "failed")
    assert results["score"] == sum(test["score"] for test in results["tests"])


def test_the_grader_runs_from_the_bundled_package(source_dir, tmp_path):
    code = "import autograder.grade, autograder.checks; print(autograder.grade.__file__)"
    printed = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path, source_dir), cwd=tmp_path,
                             capture_output=True, text=True, check=True).stdout
    assert printed.strip() == str(source_dir / "course" / "autograder" / "grade.py")


def test_reference_notebook_gets_full_score(source_dir, tmp_path):
    text = (build.EXAMPLES_DIR / "correct" / f"{LESSON}.ipynb").read_text()
    results = _run(tmp_path, source_dir, {f"{LESSON}.ipynb": text})
    _check_format(results)
    assert results["score"] == sum(POINTS.values())
    assert [(test["score"], test["max_score"]) for test in results["tests"]] == [(p, p) for p in POINTS.values()]
    assert all(test["output"].startswith("[PASS]") for test in results["tests"])


def test_student_version_gets_zero_saying_why(source_dir, tmp_path):
    text = (build.VERSIONS["student"] / f"{LESSON}.ipynb").read_text()
    results = _run(tmp_path, source_dir, {"my upload.ipynb": text})  # the lesson is read from the metadata
    _check_format(results)
    assert results["score"] == 0
    assert [test["max_score"] for test in results["tests"]] == list(POINTS.values())
    assert all("NotImplementedError" in test["output"] for test in results["tests"])


def test_malformed_notebook_gets_zero_and_a_clear_output(source_dir, tmp_path):
    results = _run(tmp_path, source_dir, {f"{LESSON}.ipynb": '{"cells": [ truncated'})
    _check_format(results)
    assert results["score"] == 0
    assert "not a valid notebook" in results["output"]
    assert [test["max_score"] for test in results["tests"]] == list(POINTS.values())


def test_no_notebook_gets_zero_and_says_what_to_upload(source_dir, tmp_path):
    results = _run(tmp_path, source_dir, {"answers.py": "print('hello')"})
    assert results["score"] == 0 and results["tests"] == []
    assert "No .ipynb file in the submission" in results["output"]


def test_a_pinned_lesson_missing_from_the_submission_scores_zero_out_of_its_points():
    results = gradescope.results([], seed=1, submitted=[], lessons=[LESSON])
    _check_format(results)
    assert [(test["score"], test["max_score"]) for test in results["tests"]] == [(0, p) for p in POINTS.values()]
    assert f"upload {LESSON}.ipynb" in results["output"]


def test_pinned_lesson_reaches_run_autograder(tmp_path):
    out = tmp_path / "pinned.zip"
    assert cli.main(["gradescope", "--out", str(out), "--lesson", LESSON, "--cell-timeout", "60"]) == 0
    with zipfile.ZipFile(out) as archive:
        run = archive.read("run_autograder").decode()
    assert f"gradescope-run --root \"$ROOT\" --lesson {LESSON} --cell-timeout 60" in run


def test_missing_root_submission_folder_still_writes_results(tmp_path):
    root = tmp_path / "autograder"
    assert cli.main(["gradescope-run", "--root", str(root)]) == 0
    assert json.loads((root / "results" / "results.json").read_text())["score"] == 0


def test_a_second_copy_of_a_lesson_does_not_count_twice():
    from autograder.grade import Row

    exact = [Row("submission", f"{LESSON}.ipynb", name, 0, points, "failed", "wrong") for name, points in POINTS.items()]
    copy = [Row("submission", "copy.ipynb", name, points, points, "passed", "") for name, points in POINTS.items()]
    results = gradescope.results(copy + exact, seed=1, submitted=["a", "b"])
    assert len(results["tests"]) == len(POINTS) and results["score"] == 0  # the file named after the lesson counts
    assert "copy.ipynb: another copy of 01_linear_pca, not counted" in results["output"]
    results = gradescope.results(copy + [Row("submission", "old.ipynb", name, 0, points, "failed", "")
                                         for name, points in POINTS.items()], seed=1, submitted=["a", "b"])
    assert results["score"] == sum(POINTS.values())  # else the best-scoring copy
