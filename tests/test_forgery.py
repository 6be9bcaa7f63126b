"""Forged probe data earns nothing: a learner can replace the probe in their own kernel and send any plain data, so
every point must rest on data that only computing the answer on this grading run's inputs can produce."""

import pytest

from autograder import accuracy, checks
from autograder.runtime import load_expected

EXERCISES = [(lesson, exercise) for lesson in checks.lessons() for exercise in checks.exercises(lesson)]


@pytest.mark.parametrize("lesson, exercise", EXERCISES, ids=[exercise.name for _, exercise in EXERCISES])
def test_replaying_the_shipped_seed_0_outputs_earns_nothing(lesson, exercise):
    # The lessons ship the reference's outputs for seed 0 (autograder/expected/); a forger replays them verbatim as
    # the visible and the hidden result of a grading run with another seed.
    replay = {"status": "ok", "message": "", "data": load_expected(lesson)[exercise.name]}
    reference = accuracy._reference(lesson, accuracy.GRADING_SEED)[exercise.name]
    verdict = exercise.assess(replay, reference["visible"], replay, reference["hidden"])
    assert verdict.fraction == 0, f"replayed seed-0 data earned {verdict.fraction:.0%}: {verdict.parts}"
