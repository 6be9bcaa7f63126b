"""Every lesson through the sandboxed grader: the reference earns every point, the untouched stubs none.

The checks' own tests run each answer in this process; only this test proves that a lesson's setup cells, answers
and probes also work where students are graded: in a separate kernel that cannot import any reference answer.
"""

import nbformat
import pytest

from autograder import build, checks, grade


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("every_lesson")
    for student, kind in (("reference", "reference"), ("untouched", "student")):
        (root / student).mkdir()
        for lesson in checks.lessons():
            nbformat.write(build.build_notebook(lesson, kind), root / student / f"{lesson}.ipynb")
    rows, _ = grade.grade([root], seed=2024, workers=2)
    return rows


@pytest.mark.parametrize("lesson", checks.lessons())
def test_reference_earns_every_point_and_stubs_none(graded, lesson):
    exercises = {exercise.name: exercise.points for exercise in checks.exercises(lesson)}
    reference = {row.exercise: row for row in graded if row.student == "reference" and row.notebook.startswith(lesson)}
    untouched = {row.exercise: row for row in graded if row.student == "untouched" and row.notebook.startswith(lesson)}
    assert {name: (row.status, row.score) for name, row in reference.items()} == {
        name: ("passed", points) for name, points in exercises.items()}, [row.message for row in reference.values()]
    assert {name: (row.status, row.score) for name, row in untouched.items()} == {
        name: ("not-implemented", 0) for name in exercises}
