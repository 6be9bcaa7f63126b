"""The nbgrader route: the course folder works with the real nbgrader, from generate_assignment to export.

Three submissions of lesson 01 go through ``nbgrader autograde`` (the reference answers, the untouched student
version and the bundled mistake); the gradebook must give full marks, 0, and full marks minus exactly the mistaken
exercise's points. Slow: nbgrader runs whole lessons (in fast mode here).
"""

import csv
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder import __main__ as cli
from autograder import build, checks, nbgrader_course

LESSON = "01_linear_pca"
COURSE_ID = "genlearn-test"
POINTS = {exercise.name: exercise.points for exercise in checks.exercises(LESSON)}
MISTAKE = checks.lesson_modules()[LESSON].DEMO_MISTAKE["exercise"]
NBGRADER = pathlib.Path(sys.executable).parent / "nbgrader"


def _nbgrader(course, *args):
    env = {**os.environ, "PYTHONPATH": str(build.ROOT), "COURSE_FAST": "1", "MPLBACKEND": "Agg",
           "TF_CPP_MIN_LOG_LEVEL": "2", "PATH": f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([str(NBGRADER), *args], cwd=course, env=env, capture_output=True, text=True,
                            timeout=1800)
    assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    assert cli.main(["nbgrader-course", str(course), "--course-id", COURSE_ID]) == 0
    _nbgrader(course, "generate_assignment", LESSON)
    for student in ("correct", "untouched", "mistake"):
        target = course / "submitted" / student / LESSON
        target.mkdir(parents=True)
        shutil.copy(build.EXAMPLES_DIR / student / f"{LESSON}.ipynb", target / f"{LESSON}.ipynb")
    _nbgrader(course, "autograde", LESSON)
    _nbgrader(course, "generate_feedback", LESSON)
    _nbgrader(course, "export")
    return course


def test_course_folder_layout(course):
    config = (course / "nbgrader_config.py").read_text()
    assert f"c.CourseDirectory.course_id = {COURSE_ID!r}" in config
    assert f'"{LESSON}": {{' in config and all(f'"{name}_check": {points}' in config for name, points in POINTS.items())
    assert (course / "source" / LESSON / f"{LESSON}.ipynb").read_text() == \
        (build.VERSIONS["nbgrader"] / f"{LESSON}.ipynb").read_text()


def test_generated_assignment_gives_students_the_lessons_stubs(course):
    released = nbformat.read(course / "release" / LESSON / f"{LESSON}.ipynb", as_version=4)
    student = nbformat.read(build.VERSIONS["student"] / f"{LESSON}.ipynb", as_version=4)
    answers = lambda nb: [cell.source for cell in nb.cells  # noqa: E731
                          if cell.metadata.get("nbgrader", {}).get("solution")]
    assert answers(released) == answers(student)
    assert "### BEGIN SOLUTION" not in nbformat.writes(released)


def _exported(course):
    with open(course / "grades.csv", newline="") as f:
        return {row["student_id"]: row for row in csv.DictReader(f) if row["assignment"] == LESSON}


def test_exported_scores(course):
    grades = _exported(course)
    total = sum(POINTS.values())
    assert {student: float(row["score"]) for student, row in grades.items()} == {
        "correct": total, "untouched": 0.0, "mistake": total - POINTS[MISTAKE]}
    assert all(float(row["max_score"]) == total for row in grades.values())


def test_the_mistake_loses_exactly_its_exercise_in_the_gradebook(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gradebook:
        scores = {name: gradebook.find_grade(f"{name}_check", LESSON, LESSON, "mistake").score for name in POINTS}
    assert scores == {**POINTS, MISTAKE: 0}


def test_feedback_names_the_mistake(course):
    for student in ("correct", "untouched", "mistake"):
        assert (course / "feedback" / student / LESSON / f"{LESSON}.html").exists()
    feedback = (course / "feedback" / "mistake" / LESSON / f"{LESSON}.html").read_text()
    assert "[FAIL]" in feedback and "radians" in feedback


def test_rerun_updates_sources_but_keeps_an_edited_config(tmp_path):
    course = tmp_path / "course"
    nbgrader_course.write(course, "first-id")
    config = course / "nbgrader_config.py"
    config.write_text("c = get_config()\nc.CourseDirectory.course_id = 'mine'\n")
    (course / "source" / LESSON / f"{LESSON}.ipynb").write_text("stale")
    written = nbgrader_course.write(course, "second-id")
    assert config not in written and "'mine'" in config.read_text()
    assert (course / "source" / LESSON / f"{LESSON}.ipynb").read_text() == \
        (build.VERSIONS["nbgrader"] / f"{LESSON}.ipynb").read_text()


def test_unknown_lesson_is_an_error(tmp_path, capsys):
    assert cli.main(["nbgrader-course", str(tmp_path / "c"), "--lesson", "99_nope"]) == 1
    assert "unknown lesson '99_nope'" in capsys.readouterr().err
