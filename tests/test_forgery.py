"""Forged probe data earns nothing: a learner can replace the probe in their own kernel and send any plain data, so
every point must rest on data that only computing the answer on this grading run's inputs can produce."""

import numpy as np
import pytest

from autograder import accuracy, checks
from autograder.checks.runtime import load_expected

EXERCISES = [(lesson, exercise) for lesson in checks.lessons() for exercise in checks.exercises(lesson)]


@pytest.mark.parametrize("lesson, exercise", EXERCISES, ids=[exercise.name for _, exercise in EXERCISES])
def test_replaying_the_shipped_seed_0_outputs_earns_nothing(lesson, exercise):
    # The lessons ship the reference's outputs for seed 0 (autograder/expected/); a forger replays them verbatim as
    # the visible and the hidden result of a grading run with another seed.
    replay = {"status": "ok", "message": "", "data": load_expected(lesson)[exercise.name]}
    reference = accuracy.reference(lesson, accuracy.GRADING_SEED)[exercise.name]
    verdict = exercise.assess(replay, reference["visible"], replay, reference["hidden"])
    assert verdict.fraction == 0, f"replayed seed-0 data earned {verdict.fraction:.0%}: {verdict.parts}"


def _structure_only(data, replay, rng):
    """``data`` with every fact a forger knows in advance kept exactly (shapes, counts, names, flags, strings,
    integers) and every float replaced: by the replayed seed-0 value where it has the same shape, else by noise."""
    if isinstance(data, dict):
        replay = replay if isinstance(replay, dict) else {}
        return {key: _structure_only(value, replay.get(key), rng) for key, value in data.items()}
    if isinstance(data, list):
        replay = replay if isinstance(replay, list) and len(replay) == len(data) else [None] * len(data)
        return [_structure_only(value, other, rng) for value, other in zip(data, replay)]
    if isinstance(data, float) or isinstance(data, np.ndarray) and data.dtype.kind == "f":
        same = replay is not None and np.shape(replay) == np.shape(data) and not isinstance(replay, (dict, list))
        if same and not np.allclose(replay, data):
            return replay
        noise = rng.normal(size=np.shape(data)) * (np.abs(np.asarray(data)).max() + 1)
        return float(noise) if isinstance(data, float) else noise.astype(data.dtype)
    return data


@pytest.mark.parametrize("lesson, exercise", EXERCISES, ids=[exercise.name for _, exercise in EXERCISES])
def test_every_fact_known_in_advance_earns_nothing_without_the_computed_values(lesson, exercise):
    # A forger who knows the probe code and the seed knows every shape, count, name and flag of the grading run's
    # data, exactly; what they cannot know without computing the answer are its float values.
    rng = np.random.default_rng(7)
    reference = accuracy.reference(lesson, accuracy.GRADING_SEED)[exercise.name]
    replay = load_expected(lesson)[exercise.name]
    forged = {kind: None if reference[kind] is None else
              {"status": "ok", "message": "", "data": _structure_only(reference[kind], replay, rng)}
              for kind in ("visible", "hidden")}
    verdict = exercise.assess(forged["visible"], reference["visible"], forged["hidden"], reference["hidden"])
    assert verdict.fraction == 0, f"structure alone earned {verdict.fraction:.0%}: {verdict.parts}"


def _hollow(data, keep_flags):
    """``data`` made to pass comparisons vacuously: every list emptied (a loop over it checks nothing), every float
    array shaped (0, 1) (np.allclose broadcasts it against anything), every float 0; with ``keep_flags``, the
    booleans and strings the reference sent are kept (the flags a check tests), else they are left out."""
    if isinstance(data, dict):
        kept = {key: _hollow(value, keep_flags) for key, value in data.items()}
        return {key: value for key, value in kept.items() if value is not _DROP}
    if isinstance(data, list):
        return []
    if isinstance(data, np.ndarray):
        return np.zeros((0, 1), data.dtype) if data.dtype.kind == "f" else data
    if isinstance(data, float):
        return np.zeros((0, 1))
    if isinstance(data, (bool, str)) or data is None:
        return data if keep_flags else _DROP
    return data


_DROP = object()


@pytest.mark.parametrize("keep_flags", [True, False], ids=["flags kept", "flags left out"])
@pytest.mark.parametrize("lesson, exercise", EXERCISES, ids=[exercise.name for _, exercise in EXERCISES])
def test_hollow_data_earns_nothing(lesson, exercise, keep_flags):
    # The attack a red-team round found: empty lists and (0, 1) arrays made four checks' comparisons vacuous (a loop
    # over nothing, np.allclose broadcasting an empty array), and a left-out key can meet a lenient default.
    reference = accuracy.reference(lesson, accuracy.GRADING_SEED)[exercise.name]
    forged = {kind: None if reference[kind] is None else
              {"status": "ok", "message": "", "data": _hollow(reference[kind], keep_flags)}
              for kind in ("visible", "hidden")}
    verdict = exercise.assess(forged["visible"], reference["visible"], forged["hidden"], reference["hidden"])
    assert verdict.fraction == 0, f"hollow data earned {verdict.fraction:.0%}: {verdict.parts}"
