"""The check API: right answers pass; the mistakes learners make fail with a hint naming them."""

import keras
import numpy as np
import pytest

from autograder import exercise as ex
from autograder.runtime import check, run_check
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
    (_autoencoder(codings=3), "needs `codings_size` units"),
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
