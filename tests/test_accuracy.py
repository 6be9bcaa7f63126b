"""The accuracy corpus (tests/corpus): every learner-style mistake loses points with a hint naming it, every correct
answer written another way keeps full points, graded as the grader grades."""

import io

import pytest

from autograder import accuracy, checks

CASES = [(lesson, prelude, case) for lesson in checks.lessons()
         for prelude, cases in [accuracy.load_corpus(lesson)] for case in cases]


@pytest.mark.parametrize("lesson, prelude, case", CASES,
                         ids=[f"{case.exercise}-{case.kind}-{case.label}" for _, _, case in CASES])
def test_corpus_case(lesson, prelude, case):
    verdict = accuracy.grade_case(case, prelude)
    if case.kind == "right":
        assert verdict.fraction == 1, f"a correct answer ({case.label}) lost points: {verdict}"
    else:
        assert verdict.fraction < 1, f"a wrong answer ({case.label}) kept full points"
        assert case.hint.lower() in verdict.message.lower(), f"hint does not name the mistake: {verdict.message}"


def test_every_exercise_has_a_corpus():
    by_exercise = {}
    for _, _, case in CASES:
        by_exercise.setdefault(case.exercise, []).append(case.kind)
    thin = {exercise.name: (by_exercise.get(exercise.name, []).count("wrong"),
                            by_exercise.get(exercise.name, []).count("right"))
            for lesson in checks.lessons() for exercise in checks.exercises(lesson)}
    thin = {name: counts for name, counts in thin.items() if counts[0] < 5 or counts[1] < 3}
    assert not thin, f"exercises with fewer than 5 wrong or 3 right cases (wrong, right): {thin}"


def test_accuracy_command_counts_what_the_checks_get_right(tmp_path):
    (tmp_path / "l01_linear_pca.py").write_text('''
from autograder.accuracy import Case
PRELUDE = "import numpy as np"
CASES = [
    Case("pca_mse", "wrong", "returns zero", "def pca_reconstruction_mse(X, n_components):\\n    return 0.0\\n",
         hint="no such words in any hint"),
    Case("pca_mse", "right", "still the stub", "def pca_reconstruction_mse(X, n_components):\\n    raise NotImplementedError()\\n"),
]
''')
    outcomes = accuracy.run(["01_linear_pca"], folder=tmp_path)
    [row, total] = accuracy.summary_rows(outcomes)
    assert row == total | {"lesson": "01_linear_pca"}
    # the wrong answer is caught but its hint does not contain the words; the "right" stub loses its points
    assert (row["wrong"], row["caught"], row["named"], row["right"], row["kept"]) == (1, 1, 0, 1, 0)


def test_a_case_with_an_unknown_exercise_is_a_clear_error(tmp_path):
    (tmp_path / "l01_linear_pca.py").write_text(
        "from autograder.accuracy import Case\nCASES = [Case('nope', 'right', 'x', 'x = 1')]\n")
    with pytest.raises(ValueError, match="unknown exercise 'nope'"):
        accuracy.load_corpus("01_linear_pca", tmp_path)
