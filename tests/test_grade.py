"""The grader: full marks for the reference, 0 for stubs, a fault costs only its exercise, bad files get rows."""

import csv
import json
import shutil

import nbformat
import pytest

from autograder import build, checks, grade

LESSON = "01_linear_pca"
POINTS = {exercise.name: exercise.points for exercise in checks.exercises(LESSON)}


def _with_answer(notebook, exercise, new_source=None, delete=False):
    notebook = nbformat.reads(nbformat.writes(notebook), as_version=4)
    for cell in list(notebook.cells):
        if cell.metadata["course"].get("exercise") == exercise and cell.metadata["course"]["role"] == "answer":
            if delete:
                notebook.cells.remove(cell)
            else:
                cell.source = new_source
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("submissions")
    shutil.copytree(build.EXAMPLES_DIR, root, dirs_exist_ok=True)  # correct, mistake, untouched
    reference = build.build_notebook(LESSON, "reference")
    (root / "raises").mkdir()
    nbformat.write(_with_answer(reference, "pca_mse", "raise ValueError('broken on purpose')"),
                   root / "raises" / f"{LESSON}.ipynb")
    (root / "deleted").mkdir()
    nbformat.write(_with_answer(reference, "principal_angles", delete=True), root / "deleted" / f"{LESSON}.ipynb")
    (root / "malformed").mkdir()
    (root / "malformed" / f"{LESSON}.ipynb").write_text('{"cells": [ this is not json')
    (root / "stranger").mkdir()
    nbformat.write(nbformat.v4.new_notebook(), root / "stranger" / "my_notes.ipynb")
    (root / "empty").mkdir()
    rows, seed = grade.grade([root], seed=1234)
    out = root.parent / "out"
    grade.write_outputs(rows, out, seed)
    return {(row.student, row.exercise): row for row in rows}, out


def scores(graded_rows, student):
    return {ex: row.score for (who, ex), row in graded_rows.items() if who == student}


def test_reference_gets_full_marks(graded):
    rows, _ = graded
    assert scores(rows, "correct") == POINTS
    assert all(rows["correct", ex].status == "passed" for ex in POINTS)


def test_untouched_stubs_get_zero_with_not_implemented(graded):
    rows, _ = graded
    assert all(rows["untouched", ex].score == 0 and rows["untouched", ex].status == "not-implemented"
               for ex in POINTS)


def test_bundled_mistake_loses_exactly_its_exercise(graded):
    rows, _ = graded
    mistake = checks.lesson_modules()[LESSON].DEMO_MISTAKE["exercise"]
    assert scores(rows, "mistake") == {**POINTS, mistake: 0}
    assert "radians" in rows["mistake", mistake].message


def test_a_raising_cell_costs_only_its_exercise(graded):
    rows, _ = graded
    assert scores(rows, "raises") == {**POINTS, "pca_mse": 0}
    assert rows["raises", "pca_mse"].status == "error"
    assert "ValueError: broken on purpose" in rows["raises", "pca_mse"].message


def test_deleted_answer_cell_is_missing(graded):
    rows, _ = graded
    assert rows["deleted", "principal_angles"].status == "missing"
    assert scores(rows, "deleted") == {**POINTS, "principal_angles": 0}


def test_malformed_json_gets_rows_with_a_clear_status(graded):
    rows, _ = graded
    for ex in POINTS:
        assert rows["malformed", ex].status == "malformed-notebook"
        assert "not a valid notebook" in rows["malformed", ex].message


def test_unknown_lesson_and_empty_folder_get_a_row(graded):
    rows, _ = graded
    assert rows["stranger", ""].status == "unknown-lesson"
    assert "01_linear_pca" in rows["stranger", ""].message
    assert rows["empty", ""].status == "no-notebook"


def test_outputs(graded):
    rows, out = graded
    with open(out / "grades.csv", newline="") as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == grade.COLUMNS
    assert len(table) == len(rows)
    assert json.loads((out / "grades.json").read_text())["seed"] == 1234
    feedback = (out / "feedback" / "mistake.md").read_text()
    assert "principal_angles" in feedback and "radians" in feedback


def test_missing_path_is_an_error(tmp_path, capsys):
    assert grade.main([str(tmp_path / "nope")], str(tmp_path / "out")) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_prefetched_reference_outputs_equal_those_computed_alone():
    from autograder.checks.exercise import dumps

    lessons = ["03_tied_greedy", "07_vae"]
    alone = {lesson: dumps(grade.reference_outputs(lesson, 5)) for lesson in lessons}
    expected = grade.Expected()
    finish = expected.prefetch(lessons, 5)
    asked_meanwhile = dumps(expected("07_vae", 5))  # while the prefetch thread may be computing 03
    finish()
    assert asked_meanwhile == alone["07_vae"]
    assert dumps(expected("03_tied_greedy", 5)) == alone["03_tied_greedy"]
    stopped = grade.Expected()
    stopped.prefetch(lessons, 6)()  # stopped at once: at most the first lesson was computed
    assert len(stopped._futures) <= 1


@pytest.mark.parametrize("workers", ["0", "two"])
def test_a_bad_worker_count_is_a_clear_error(workers, capsys):
    from autograder.__main__ import main

    with pytest.raises(SystemExit) as stopped:
        main(["grade", "submissions", "--out", "grades", "--workers", workers])
    assert stopped.value.code == 2 and "whole number of at least 1" in capsys.readouterr().err


def test_copies_of_a_lesson_in_sub_folders_count_once(tmp_path):
    """A student who puts the same lesson in several sub-folders gets it graded once (the copy nearest the top of
    the folder): copies would otherwise repeat the student's rows, and points, in the gradebook."""
    reference = build.build_notebook(LESSON, "reference")
    stubs = build.build_notebook(LESSON, "student")
    student = tmp_path / "subs" / "mallory"
    (student / "again" / "deeper").mkdir(parents=True)
    nbformat.write(stubs, student / "again" / f"{LESSON}.ipynb")
    nbformat.write(reference, student / f"{LESSON}.ipynb")
    nbformat.write(reference, student / "again" / "deeper" / f"{LESSON}.ipynb")
    report = {}
    rows, _ = grade.grade([tmp_path / "subs"], seed=1234, report=report)
    assert sorted(row.exercise for row in rows) == sorted(POINTS)
    assert {row.exercise: row.score for row in rows} == POINTS  # the top copy: the reference
    assert len(report["ignored"]) == 2 and all("again" in line for line in report["ignored"])
