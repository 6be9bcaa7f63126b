"""What runs beside the learner's code: the visible checks in a lesson, and the grader's probes.

Nothing here knows a right answer. ``check`` compares against reference outputs computed at build time
(``autograder/expected/``); ``probe_to_file`` only records the learner's plain data for the grader to judge.
"""

import importlib.resources
import json
import os
import pathlib

from autograder import checks
from autograder.exercise import dumps, loads

VISIBLE_SEED = 0


def load_expected(lesson):
    """The build-time reference outputs of ``lesson``'s exercises."""
    text = importlib.resources.files("autograder").joinpath("expected", f"{lesson}.json").read_text("utf-8")
    return loads(json.dumps(json.loads(text)["exercises"]))


def run_check(name, obj):
    """``(status, message, title)`` of the visible check of exercise ``name`` on the learner's ``obj``."""
    lesson, exercise = checks.find_exercise(name)
    result = loads(dumps(exercise.run_probe(obj, VISIBLE_SEED)))  # the same plain data the grader would see
    status, message = exercise.judge(result, load_expected(lesson)[name])
    return status, message, exercise.title


def check(name, obj):
    """Print ``[PASS] <what>`` or ``[FAIL] <what>: …`` for exercise ``name`` (under nbgrader, fail by raising)."""
    status, message, title = run_check(name, obj)
    if status == "passed":
        print(f"[PASS] {title}")
        return
    print(f"[FAIL] {title}: {message}")
    if os.environ.get("NBGRADER_EXECUTION"):
        raise AssertionError(f"{title}: {message}")


def probe_to_file(name, obj, seed, path):
    """Grader side: probe exercise ``name`` on ``obj`` and write the plain-data result to ``path``."""
    _, exercise = checks.find_exercise(name)
    text = dumps(exercise.run_probe(obj, seed))
    path = pathlib.Path(path)
    partial = path.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
