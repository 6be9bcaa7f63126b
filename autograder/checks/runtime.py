"""What runs beside the learner's code: the visible checks in a lesson, and the grader's probes.

Nothing here knows a right answer. ``check`` compares against reference outputs computed at build time
(``autograder/expected/``); ``probe_to_file`` only records the learner's plain data for the grader to judge.
While grading (``COURSE_GRADING=1``, set by the grader's sandbox) ``check`` does nothing: the grader judges.
"""

import importlib.resources
import json
import os
import pathlib

from autograder import checks
from autograder.checks.exercise import dumps, loads

VISIBLE_SEED = 0
GRADING_ENV = "COURSE_GRADING"


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
    if os.environ.get(GRADING_ENV):
        print(f"(the visible check of {name} is skipped while grading: the grader judges)")
        return
    status, message, title = run_check(name, obj)
    if status == "passed":
        print(f"[PASS] {title}")
        return
    print(f"[FAIL] {title}: {message}")
    if os.environ.get("NBGRADER_EXECUTION"):
        raise AssertionError(f"{title}: {message}")


def probe_to_file(name, obj, seed, path, hidden_seed=None):
    """Grader side: probe exercise ``name`` on ``obj`` and write the plain-data result to ``path``.

    Writes ``{"visible": result, "hidden": result or null}``; the hidden probe runs only when ``hidden_seed`` is
    given and the exercise has a hidden check. Data that is not plain becomes an ``error`` result.
    """
    _, exercise = checks.find_exercise(name)
    results = {"visible": exercise.run_probe(obj, seed), "hidden": None}
    if hidden_seed is not None and exercise.hidden_title:
        results["hidden"] = exercise.run_probe(obj, hidden_seed, hidden=True)
    for key, result in results.items():
        if result is not None and result["status"] == "ok":
            try:
                dumps(result["data"])
            except (TypeError, ValueError) as error:
                results[key] = {"status": "error", "message": f"the answer returned something that is not plain "
                                                              f"data ({error})"}
    text = dumps(results)
    path = pathlib.Path(path)
    partial = path.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
