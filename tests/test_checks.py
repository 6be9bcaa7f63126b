"""The check API: right answers pass; the mistakes learners make fail with a hint naming them."""

import keras
import numpy as np
import pytest

from autograder.checks import exercise as ex
from autograder.checks.runtime import check, run_check
from solutions import linear


def test_reference_answers_pass():
    for name, answer in [("linear_autoencoder", linear.build_linear_autoencoder),
                         ("pca_mse", linear.pca_reconstruction_mse),
                         ("principal_angles", linear.principal_angles)]:
        status, message, _ = run_check(name, answer)
        assert status == "passed", message


def _autoencoder(activation=None, use_bias=True, codings=None, extra_layer=False):
    def build(input_size, codings_size):
        layers = [keras.Input(shape=(input_size,)),
                  keras.layers.Dense(codings or codings_size, activation=activation, use_bias=use_bias)]
        if extra_layer:
            layers.append(keras.layers.Dense(codings or codings_size))
        encoder = keras.Sequential(layers)
        decoder = keras.Sequential([keras.Input(shape=(codings or codings_size,)),
                                    keras.layers.Dense(input_size, use_bias=use_bias)])
        return encoder, decoder, keras.Sequential([encoder, decoder])
    return build


@pytest.mark.parametrize("answer, hint", [
    (_autoencoder(activation="relu"), "leave out `activation=`"),
    (_autoencoder(use_bias=False), "keep the biases"),
    (_autoencoder(codings=3), "Dense layer has `codings_size` units"),
    (_autoencoder(extra_layer=True), "nothing more"),
    (lambda input_size, codings_size: keras.Sequential([keras.layers.Dense(codings_size)]), "return encoder"),
])
def test_linear_autoencoder_mistakes(answer, hint):
    status, message, _ = run_check("linear_autoencoder", answer)
    assert status == "failed" and hint in message


def _pca_variant(transform):
    def pca_mse(X, n_components):
        from sklearn.decomposition import PCA

        pca = PCA(n_components, svd_solver="full")
        return transform(X, pca.inverse_transform(pca.fit_transform(X)))
    return pca_mse


@pytest.mark.parametrize("answer, hint", [
    (_pca_variant(lambda X, R: float(np.sum(np.square(X - R)))), "take their mean"),
    (_pca_variant(lambda X, R: float(np.mean(np.sum(np.square(X - R), axis=1)))), "summed over features"),
    (_pca_variant(lambda X, R: float(np.sqrt(np.mean(np.square(X - R))))), "square root"),
    (_pca_variant(lambda X, R: np.mean(np.square(X - R), axis=0)), "one number"),
    (lambda X, n: float(np.mean(np.square(X - X.mean(0)))), "larger than PCA's optimum"),
    (lambda X, n: _pca_variant(lambda X, R: float(np.mean(np.square(X - R))))(X.T, n), "PCA on X transposed"),
])
def test_pca_mse_mistakes(answer, hint):
    status, message, _ = run_check("pca_mse", answer)
    assert status == "failed" and hint in message


def _angles_without_qr(A, B):
    cosines = np.linalg.svd(np.asarray(A) @ np.asarray(B).T, compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(cosines, -1, 1))))


@pytest.mark.parametrize("answer, hint", [
    (lambda A, B: np.radians(linear.principal_angles(A, B)), "radians"),
    (lambda A, B: linear.principal_angles(A, B)[::-1], "sort the angles ascending"),
    (lambda A, B: np.full(min(len(A), len(B)), np.nan), "np.clip"),
    (lambda A, B: linear.principal_angles(A, B)[:1], "min(k, m)"),
    (_angles_without_qr, "orthonormalise"),
])
def test_principal_angles_mistakes(answer, hint):
    status, message, _ = run_check("principal_angles", answer)
    assert status == "failed" and hint in message


def test_principal_angles_inputs_do_not_depend_on_which_candidates_round_above_one(monkeypatch):
    # The learner's process and the grader's may round a cosine differently (another BLAS kernel): found on a
    # machine where the sandbox's search for a cosine above 1 took more candidates than the grader's, so the
    # reference answer got the next case's inputs wrong and lost a third of its points for some probe seeds.
    from autograder.checks import find_exercise, l01_linear_pca

    _, exercise = find_exercise("principal_angles")

    def inputs_seen(found_above_one_at):
        seen, calls = {}, iter(range(10_000))
        real = l01_linear_pca._recipe_cosines

        def cosines(A, B):  # above 1 at every found_above_one_at-th candidate (two calls a candidate), else 0
            above = next(calls) // 2 % found_above_one_at == found_above_one_at - 1
            return real(A, B) * (1.0 + 1e-6) if above else np.zeros(min(len(A), len(B)))

        monkeypatch.setattr(l01_linear_pca, "_recipe_cosines", cosines)

        def record(A, B):
            seen.setdefault(len(seen), (np.array(A), np.array(B)))
            return linear.principal_angles(A, B)

        exercise.probe(record, np.random.default_rng(7))
        return seen

    early, late = inputs_seen(1), inputs_seen(5)
    assert len(early) == len(late) == 4
    for index in (1, 3):  # "random subspaces" and "2-D against 4-D", drawn after a search
        assert np.array_equal(early[index][0], late[index][0]) and np.array_equal(early[index][1], late[index][1])
    assert not np.array_equal(early[0][0], late[0][0])  # the searches did end at different candidates


def test_stub_and_crash_and_missing_are_reported_not_raised():
    def stub(*args):
        raise NotImplementedError()

    assert run_check("pca_mse", stub)[0] == "not-implemented"
    status, message, _ = run_check("pca_mse", lambda X, n: 1 / 0)
    assert status == "error" and "ZeroDivisionError" in message
    assert run_check("pca_mse", None)[0] == "missing"


def test_check_prints_a_verdict_and_fails_loudly_under_nbgrader(capsys, monkeypatch):
    check("pca_mse", linear.pca_reconstruction_mse)
    assert capsys.readouterr().out.startswith("[PASS] PCA reconstruction error")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    check("pca_mse", lambda X, n: 0.0)
    printed = capsys.readouterr().out
    assert printed.startswith("[FAIL] PCA reconstruction error:") and "expected 0.219" in printed and "Hint:" in printed
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(AssertionError):
        check("pca_mse", lambda X, n: 0.0)


def test_plain_data_round_trip_and_refusals():
    value = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": [1, 2.5, "x", None, True], "c": float("nan")}
    back = ex.loads(ex.dumps(value))
    assert back["a"].dtype == np.float32 and np.array_equal(back["a"], value["a"])
    assert back["b"] == [1, 2.5, "x", None, True] and np.isnan(back["c"])
    with pytest.raises(TypeError):
        ex.dumps({"f": lambda: 1})
    with pytest.raises(TypeError):
        ex.dumps(np.array([object()], dtype=object))
    forged = '{"__ndarray__": {"dtype": "object", "shape": [1], "data": ""}}'
    with pytest.raises(ValueError, match="not allowed"):
        ex.loads(forged)
    short = ex.dumps(np.zeros(4)).replace('"shape": [4]', '"shape": [5]')
    with pytest.raises(ValueError, match="does not match"):
        ex.loads(short)


def test_zero_dimensional_arrays_keep_their_shape():
    back = ex.loads(ex.dumps({"scalar": np.array(3.5), "matrix": np.ones((2, 2)).T}))
    assert back["scalar"].shape == () and back["scalar"] == 3.5
    assert back["matrix"].shape == (2, 2)


# ---------------------------------------------------------------------------------------------------------------
# hidden checks and partial credit (judged by the grader only)


def _graded(name, answer, seed=11):
    """The grader's verdict on ``answer``, hidden check included, computed in this process."""
    from autograder import checks
    from autograder.grade import hidden_seed, reference_outputs

    _, exercise = checks.find_exercise(name)
    reference = reference_outputs("01_linear_pca", seed)[name]
    visible = ex.loads(ex.dumps(exercise.run_probe(answer, seed)))
    hidden = ex.loads(ex.dumps(exercise.run_probe(answer, hidden_seed(seed), hidden=True)))
    return exercise.assess(visible, reference["visible"], hidden, reference["hidden"])


def test_reference_answers_pass_their_hidden_checks():
    for name, answer in [("linear_autoencoder", linear.build_linear_autoencoder),
                         ("principal_angles", linear.principal_angles)]:
        verdict = _graded(name, answer)
        assert (verdict.status, verdict.fraction) == ("passed", 1.0), verdict.message


def _fixed_sizes(input_size, codings_size):
    return _autoencoder()(5, 2)


def _rows_of_first_argument(A, B):
    return linear.principal_angles(A, B)[:len(A)] if len(A) <= len(B) else np.zeros(len(A))


@pytest.mark.parametrize("name, answer, hint", [
    ("linear_autoencoder", _fixed_sizes, "size both Dense layers from the arguments"),
    ("principal_angles", _rows_of_first_argument, "either argument order"),
])
def test_hidden_checks_catch_answers_that_pass_the_visible_check(name, answer, hint):
    assert run_check(name, answer)[0] == "passed"  # the lesson's check cannot see these mistakes
    verdict = _graded(name, answer)
    assert verdict.status in ("failed", "partial") and hint in verdict.message
    hidden = verdict.message[verdict.message.index("hidden check"):]
    assert "expected" not in hidden and "but got" not in hidden


def test_partial_credit_counts_the_parts_that_pass():
    def equal_dimensions_only(A, B):
        if len(A) != len(B):
            raise ValueError("equal dimensions only")
        return linear.principal_angles(A, B)

    verdict = _graded("principal_angles", equal_dimensions_only)
    assert verdict.status == "partial" and verdict.fraction == pytest.approx(1 / 3)
    assert dict(verdict.parts) == {"equal dimensions": True, "different dimensions": False, "hidden": False}
    assert _graded("principal_angles", lambda A, B: np.radians(linear.principal_angles(A, B))).fraction == 0
    assert _graded("pca_mse", lambda X, n: 0.0).fraction == 0  # all-or-nothing exercises stay so


def test_expect_close_allows_rounding_of_near_zero_values_relative_to_the_array():
    expected = np.array([1.6, -0.9, 1e-7, 0.0])
    ex.expect_close("codings", expected + 8 * np.finfo(np.float32).eps * 1.6, expected)  # another CPU's rounding
    with pytest.raises(ex.Fail):
        ex.expect_close("codings", expected + np.array([0, 0, 1e-3, 0]), expected)  # a real difference


def test_a_library_not_implemented_error_is_not_taken_for_the_stub():
    class Tied(keras.layers.Layer):  # __init__ takes a layer, and there is no get_config: Keras raises
        def __init__(self, dense, **kwargs):
            super().__init__(**kwargs)
            self.dense = dense

    class GetConfig(ex.Exercise):
        name, answer = "get_config_probe", "x:Tied"

        def probe(self, layer_class, rng):
            return layer_class(keras.layers.Dense(3)).get_config()

    result = GetConfig().run_probe(Tied, seed=0)
    assert result["status"] == "error" and "must define get_config()" in result["message"], result

    def stub(*args):
        raise NotImplementedError()

    assert GetConfig().run_probe(stub, seed=0)["status"] == "not-implemented"


def test_an_error_in_a_layer_reaches_the_learner_without_terminal_codes_or_graph_node_names():
    class Reshaping(keras.layers.Layer):  # Keras wraps the op's error in colour codes, TensorFlow names its node
        def call(self, inputs):
            return keras.ops.reshape(inputs, (4, -1))

    class Probe(ex.Exercise):
        name, answer = "reshaping_probe", "x:Reshaping"

        def probe(self, layer_class, rng):
            return layer_class()(np.zeros((6, 3), dtype="float32"))

    result = Probe().run_probe(Reshaping, seed=0)
    assert result["status"] == "error" and "Reshaping" in result["message"], result
    assert "reshape" in result["message"].lower() and "18 values" in result["message"], result
    assert "\x1b" not in result["message"] and "function_node" not in result["message"], result
    assert "\n\n" not in result["message"], result


# ---------------------------------------------------------------------------------------------------------------
# deterministic triggers, partial credit only for right parts, and the corpus through the real grader


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_unclipped_cosines_fail_every_part_on_every_seed(seed):
    def unclipped(A, B):
        Q_a, _ = np.linalg.qr(np.asarray(A, dtype=np.float64).T)
        Q_b, _ = np.linalg.qr(np.asarray(B, dtype=np.float64).T)
        with np.errstate(invalid="ignore"):
            return np.sort(np.degrees(np.arccos(np.linalg.svd(Q_a.T @ Q_b, compute_uv=False))))

    verdict = _graded("principal_angles", unclipped, seed=seed)
    assert verdict.fraction == 0 and "np.clip" in verdict.message, verdict


def test_answers_wrong_everywhere_earn_no_partial_credit():
    for answer, hint in [(lambda A, B: linear.principal_angles(A, B)[::-1], "sort the angles ascending"),
                         (lambda A, B: np.radians(linear.principal_angles(A, B)), "radians"),
                         (_angles_without_qr, "orthonormalise")]:
        verdict = _graded("principal_angles", answer)
        assert verdict.fraction == 0 and hint in verdict.message, verdict


def test_the_books_sequential_without_input_passes_the_hidden_check():
    def book(input_size, codings_size):
        encoder = keras.Sequential([keras.layers.Dense(codings_size)])
        decoder = keras.Sequential([keras.layers.Dense(input_size)])
        return encoder, decoder, keras.Sequential([encoder, decoder])

    verdict = _graded("linear_autoencoder", book)
    assert verdict.fraction == 1, verdict.message


def test_corpus_cases_get_the_same_verdicts_from_the_real_grader(tmp_path):
    import nbformat

    from autograder import accuracy, build, grade

    prelude, cases = accuracy.load_corpus("01_linear_pca")
    chosen = {}
    for case in cases:  # the first case of each kind: later ones may lose only part of the points
        chosen.setdefault((case.exercise, case.kind), case)
    sample = [chosen["linear_autoencoder", "right"], chosen["principal_angles", "wrong"]]
    notebook = build.build_notebook("01_linear_pca", "reference")
    for cell in notebook.cells:
        course = cell.metadata.get("course", {})
        for case in sample:
            if course.get("role") == "answer" and course.get("exercise") == case.exercise:
                cell.source = case.code.strip()
    (tmp_path / "learner").mkdir()
    nbformat.write(notebook, tmp_path / "learner" / "01_linear_pca.ipynb")
    seed = 4321
    rows, _ = grade.grade([tmp_path], seed=seed)
    scores = {row.exercise: row.score / row.max_score for row in rows}
    for case in sample:
        in_process = accuracy.grade_case(case, prelude, seed=seed)
        assert scores[case.exercise] == pytest.approx(in_process.fraction), case.label
    assert scores["linear_autoencoder"] == 1 and scores["principal_angles"] == 0
    assert scores["pca_mse"] == 1  # the reference answer left in place


def test_a_probe_that_makes_many_models_prints_no_retracing_warning():
    """Checks build a new model per probe, and Keras a new predict function per model: TensorFlow's "excessive
    retracing" warning must not reach the learner's check cell (nor the build's output)."""
    class ManyModels(ex.Exercise):
        name, title, answer = "many_models", "many models", "solutions.linear:build_linear_autoencoder"

        def probe(self, build, rng):
            x = rng.normal(size=(4, 5)).astype("float32")
            losses = []
            for _ in range(8):  # as lesson 07's model check does: fit a new model, then predict with it
                autoencoder = build(5, 2)[2]
                autoencoder.compile(loss="mse", optimizer="sgd")
                losses.append(autoencoder.fit(x, x, epochs=1, verbose=0).history["loss"][0])
                autoencoder.predict(x, verbose=0)
            return losses

    import logging

    import tensorflow as tf

    class Recorder(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    messages, recorder, logger = [], Recorder(), tf.get_logger()
    level = logger.level
    logger.addHandler(recorder)
    try:
        result = ManyModels().run_probe(linear.build_linear_autoencoder, seed=0)
        assert result["status"] == "ok" and len(result["data"]) == 8
        assert not [message for message in messages if "retracing" in message]
        assert logger.level == level  # restored after the probe
        logger.warning("after the probe")  # and TensorFlow's warnings show again
        assert messages[-1:] == ["after the probe"]
    finally:
        logger.removeHandler(recorder)
