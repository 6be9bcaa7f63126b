"""Checks for lesson 01, the linear autoencoder and PCA. Reference answers: ``solutions/linear.py``.

Every check compares values computed on this run's inputs: the linear autoencoder runs with weights the grader
sets (by shape, in order; a model without keras.Input is built by calling it first), PCA's error and the angles
are computed on data drawn from the seed. Hidden checks (graded only, never run by the lesson's check cells): the
autoencoder with other sizes; principal angles on orthogonal subspaces, with the larger subspace first, and on a
line against itself. ``principal_angles`` earns partial credit per kind of input.
"""

import numpy as np

from autograder.checks.exercise import (Exercise, Fail, expect_autoencoder_models, expect_close,
                                        expect_no_training_only_layers, expect_training_settings, missing_biases,
                                        normal_weights, training_gap, training_settings)

LESSON = "01_linear_pca"


def _nonlinearity(function, x):
    """How far ``function`` is from affine: |f(x1 + x2) + f(0) - f(x1) - f(x2)| relative to |f(x1)|."""
    half = len(x) // 2
    x1, x2 = x[:half], x[half:2 * half]
    f = lambda inputs: np.asarray(function(inputs), dtype=np.float64)  # noqa: E731
    residual = f(x1 + x2) + f(np.zeros_like(x1)) - f(x1) - f(x2)
    return float(np.max(np.abs(residual)) / (np.max(np.abs(f(x1))) + 1e-8))


def _first_line(error):
    return next((line.strip() for line in str(error).splitlines() if line.strip()), "")[:200]



class LinearAutoencoder(Exercise):
    name = "linear_autoencoder"
    title = "linear autoencoder"
    answer = "solutions.linear:build_linear_autoencoder"
    points = 2
    input_size, codings_size = 5, 2

    def probe(self, build, rng):
        return _probe_with_weights(build, rng, self.input_size, self.codings_size)

    def verify(self, got, expected):
        _verify_with_weights(got, expected, hidden=False)

    hidden_title = "other sizes, weights set by the grader"

    def hidden_probe(self, build, rng):
        return _probe_with_weights(build, rng, int(rng.integers(6, 11)), int(rng.integers(3, 5)), hidden=True)

    def hidden_verify(self, got, expected):
        _verify_with_weights(got, expected, hidden=True)


def _probe_with_weights(build, rng, input_size, codings_size, hidden=False):
    """Build the learner's models, give every weight a value drawn from ``rng`` (by shape, in order), and record
    what they compute. A Sequential without keras.Input is built by calling it, as the book's code is."""
    x = rng.normal(size=(8, input_size)).astype("float32")  # drawn before the learner's code runs
    codings_in = rng.normal(size=(8, codings_size)).astype("float32")
    weight_rng = np.random.default_rng(rng.integers(2**32))
    encoder, decoder, autoencoder = expect_autoencoder_models(build(input_size=input_size,
                                                                    codings_size=codings_size))
    try:
        decoder(encoder(x))  # builds models made without keras.Input
        decoder(codings_in)
    except Exception as error:
        shown = (None, None) if hidden else ("codings, then reconstructions",
                                             f"{type(error).__name__}: {_first_line(error)}")
        raise Fail(f"encoder(x) and decoder(codings) for input_size={input_size}, codings_size={codings_size}",
                   *shown, "size both Dense layers from the arguments (no fixed numbers): the encoder's Dense "
                   "layer has `codings_size` units, the decoder's has `input_size` units") from None
    shapes = [list(w.shape) for w in encoder.weights + decoder.weights]
    for variable, value in zip(encoder.weights + decoder.weights, normal_weights(weight_rng, shapes)):
        variable.assign(value)
    codings = np.asarray(encoder(x), dtype=np.float64)
    return {
        "weight_shapes": shapes,
        "codings": codings,
        "reconstructions": np.asarray(decoder(codings_in), dtype=np.float64),
        "outputs": np.asarray(autoencoder(x), dtype=np.float64),
        "encoder_nonlinearity": _nonlinearity(encoder, x),
        "decoder_nonlinearity": _nonlinearity(decoder, codings_in),
        "compose_error": float(np.max(np.abs(np.asarray(autoencoder(x)) - np.asarray(decoder(encoder(x)))))),
        "training_gap": training_gap(autoencoder, x),
        "training_settings": training_settings(autoencoder, x),
    }


def _verify_with_weights(got, expected, hidden):
    """Compare what the learner's models compute with the grader's weights; the hint comes from how they differ.

    In the hidden check the messages name no numbers."""
    shown = (lambda exp, value: (None, None)) if hidden else (lambda exp, value: (exp, value))
    shapes, exp_shapes = got["weight_shapes"], expected["weight_shapes"]
    if shapes != exp_shapes:
        if hidden:
            hint = ("size both Dense layers from the arguments input_size and codings_size (no fixed numbers), "
                    "one layer each, with biases")
        elif missing_biases(shapes, exp_shapes):
            hint = ("keep the biases in both Dense layers (use_bias=True, the default): without them the model "
                    "cannot learn the data's mean, and PCA centres the data")
        elif len(shapes) > len(exp_shapes):
            hint = "one Dense layer in the encoder and one in the decoder, nothing more"
        else:
            hint = "the encoder's Dense layer has `codings_size` units, the decoder's has `input_size` units"
        raise Fail("shapes of the encoder's and decoder's weights", *shown(exp_shapes, shapes), hint)
    for key, what in (("codings", "codings"), ("reconstructions", "decoder outputs"),
                      ("outputs", "autoencoder outputs")):
        try:
            expect_close(f"{what} with the grader's weights", got[key], expected[key], rtol=1e-4, atol=1e-4)
        except Fail as failure:
            if got["encoder_nonlinearity"] > 1e-3 or got["decoder_nonlinearity"] > 1e-3:
                hint = ("leave out `activation=` (or use None) in both Dense layers: a linear autoencoder has no "
                        "activation")
            elif key == "outputs" and got["compose_error"] > 1e-4:
                hint = "build the autoencoder as keras.Sequential([encoder, decoder]) from the same two models"
            else:
                hint = "the encoder is one Dense layer, the decoder one Dense layer, and autoencoder(x) == " \
                       "decoder(encoder(x))"
            raise Fail(failure.what, *shown(failure.expected, failure.got), hint) from None
    expect_no_training_only_layers(got["training_gap"], "the autoencoder's outputs",
                                   hint="a linear autoencoder is one Dense layer each way: no Dropout, GaussianNoise "
                                        "or other layer that acts only while training")
    expect_training_settings(got["training_settings"], expected["training_settings"], "the autoencoder")


def _pca_mistakes(X, n_components):
    """What the typical mistakes give on ``X`` (NumPy, computed by the grader, never by the answer): a list of
    ``(value, hint)``, to name the mistake whose value an answer's error matches."""
    num_samples, num_features = X.shape
    mean = X.mean(axis=0)
    _, singular_values, components = np.linalg.svd(X - mean, full_matrices=False)
    variances = singular_values ** 2 / num_samples  # the covariance's eigenvalues, largest first
    standardized = np.linalg.svd((X - mean) / X.std(axis=0), compute_uv=False) ** 2 / num_samples

    def mse(spectrum, k):
        """PCA's reconstruction MSE with k components: the variance it leaves out, per feature."""
        return float(np.sum(spectrum[k:]) / num_features)

    kept = components[:n_components]
    reconstruction = (X - mean) @ kept.T @ kept + mean
    mistakes = [
        (float(np.mean(np.abs(X - reconstruction))),
         "that is the mean absolute error: square the differences (np.square), then take the mean"),
        (mse(standardized, n_components),
         "you standardized the features first (StandardScaler): PCA on X as it is, the error in X's own units"),
        (float(np.sum(variances[n_components:]) / np.sum(variances)),
         "that is the share of variance left unexplained (1 - sum of explained_variance_ratio_), not an error in "
         "X's units: compare X with its reconstruction (inverse_transform)"),
        (mse(variances, n_components) * num_samples / (num_samples - 1),
         "explained_variance_ divides by n - 1 samples; the reconstruction's MSE averages over the n samples: "
         "compare X with its reconstruction (inverse_transform)"),
    ]
    mistakes.append((float(np.sqrt(mse(variances, n_components) * X.size) / X.size),
                     "square the norm: the MSE is np.linalg.norm(X - reconstruction) ** 2 / X.size, or "
                     "np.mean(np.square(X - reconstruction))"))
    transposed = X.T - X.T.mean(axis=0)  # PCA fitted on X.T: the features taken for samples
    mistakes.append((float(np.sum(np.linalg.svd(transposed, compute_uv=False)[n_components:] ** 2) / X.size),
                     "you fitted PCA on X transposed: PCA takes X as it is, (samples, features), one row per sample"))
    for k, hint in ((n_components + 1, "you kept n_components + 1 components: PCA(n_components=n_components)"),
                    (n_components - 1, "you kept n_components - 1 components: PCA(n_components=n_components)")):
        if 0 <= k <= min(num_samples, num_features):
            mistakes.append((mse(variances, k), hint))
    return mistakes


def _low_rank_data(rng, num_samples=200, num_features=12, rank=4):
    basis = rng.normal(size=(rank, num_features))
    X = rng.normal(size=(num_samples, rank)) @ basis + 0.1 * rng.normal(size=(num_samples, num_features))
    return X + rng.normal(size=num_features)  # an offset, so forgetting to centre shows


class PcaReconstructionMse(Exercise):
    name = "pca_mse"
    title = "PCA reconstruction error"
    answer = "solutions.linear:pca_reconstruction_mse"
    points = 1
    cases = ((200, 12, 3), (150, 9, 5))

    def probe(self, pca_mse, rng):
        values, sizes, mistakes = [], [], []
        for num_samples, num_features, n_components in self.cases:
            X = _low_rank_data(rng, num_samples, num_features)
            mistakes.append(_pca_mistakes(X, n_components))
            value = np.asarray(pca_mse(X, n_components), dtype=np.float64)
            if value.shape != ():
                raise Fail("return value", "one number (a float)", f"an array of shape {value.shape}",
                           "average over both samples and features: np.mean(np.square(X - X_reconstructed))")
            values.append(float(value))
            sizes.append([num_samples, num_features])
        # PCA centres the data, so moving every sample by the same vector leaves the error unchanged
        X = _low_rank_data(rng, *self.cases[0][:2])
        offset = rng.uniform(2, 4, size=X.shape[1])
        shifted = [float(np.asarray(pca_mse(data, self.cases[0][2]), dtype=np.float64).ravel()[0])
                   for data in (X, X + offset)]
        return {"mse": values, "sizes": sizes, "shifted": shifted, "mistakes": mistakes}

    def verify(self, got, expected):
        shifted = got.get("shifted")
        centring_hint = ("PCA centres the data: it subtracts each feature's mean (X - X.mean(axis=0)) before "
                         "projecting and adds the mean back after (inverse_transform does both); without it the "
                         "first component points at the mean")
        if len(got["mse"]) != len(expected["mse"]):
            raise Fail("the probe's results", f"{len(expected['mse'])} results", f"{len(got['mse'])}",
                       "let the grader's probe call your answer as written")
        # the mistakes' values come from the grader's run (expected), so an answer cannot choose its hint
        for mse, exp, (num_samples, num_features), mistakes in zip(got["mse"], expected["mse"], expected["sizes"],
                                                                  expected["mistakes"]):
            if mse < exp * 1e-3:
                raise Fail("reconstruction MSE", f"{exp:.6g}", f"{mse:.6g}",
                           "an error of about 0 means every component was kept (PCA() without n_components, or "
                           "too many): PCA(n_components=n_components) keeps only n_components")
            hints = [
                (exp * num_features, "you summed over features: take the mean over features too"),
                (exp * num_samples * num_features, "you summed the squared errors: take their mean"),
                (np.sqrt(exp), "that is the root of the MSE: do not take the square root"),
                *mistakes,
            ]
            for value, hint in hints:  # a mistake that happens to give the right value names nothing
                if np.isclose(mse, value, rtol=1e-3) and not np.isclose(value, exp, rtol=1e-3):
                    raise Fail("reconstruction MSE", f"{exp:.6g}", f"{mse:.6g}", hint)
            hint = ("your error is larger than PCA's optimum: fit PCA on X itself, keep n_components, and map back "
                    "with inverse_transform (it adds the mean back)" if mse > exp else
                    "your error is below PCA's optimum, which is impossible: compare X with its reconstruction, "
                    "not with the codings")
            if mse > exp and shifted and not np.isclose(shifted[0], shifted[1], rtol=1e-3):
                hint = centring_hint
            expect_close("reconstruction MSE", mse, exp, rtol=1e-4, hint=hint)
        if shifted and not np.isclose(shifted[0], shifted[1], rtol=1e-3, atol=1e-9):
            raise Fail("reconstruction MSE of the same data moved by a constant vector", f"{shifted[0]:.6g}",
                       f"{shifted[1]:.6g}", centring_hint)


class PrincipalAngles(Exercise):
    name = "principal_angles"
    title = "principal angles between subspaces"
    answer = "solutions.linear:principal_angles"
    points = 2
    # Partial credit: a fault may hit only one kind of input. Every part holds distinct angles (their order shows),
    # bases that are not orthonormal, and a pair of nearly identical subspaces whose cosines exceed 1 (so a missing
    # clip shows), so a mistake that is wrong everywhere earns nothing.
    parts = ("equal dimensions", "different dimensions")
    cases = {"equal dimensions": ("same subspace, other basis", "random subspaces"),
             "different dimensions": ("2-D inside a 4-D subspace", "2-D against 4-D")}

    def probe(self, angles, rng):
        A = rng.normal(size=(3, 8))
        partial = np.vstack([A[:1], rng.normal(size=(3, 8))])  # shares one direction: angles 0 and > 0
        cases = {"same subspace, other basis": _cosine_above_one(rng, 3, 3),
                 "random subspaces": (A, rng.normal(size=(3, 8))),
                 "2-D inside a 4-D subspace": _cosine_above_one(rng, 2, 4),
                 "2-D against 4-D": (A[:2], partial)}
        return {label: _angles_or_error(angles, first, second) for label, (first, second) in cases.items()}

    def verify_part(self, part, got, expected):
        for label in self.cases[part]:
            exp, value = expected[label], got[label]
            if isinstance(value, dict):
                raise Fail(f"angles ({label})", hint=f"the call raised {value['error']}")
            value = np.asarray(value)
            if value.shape != exp.shape:
                hint = ("np.linalg.qr(A.T) in its default mode ('reduced'), so Q has one column per row of A"
                        if value.shape == (8,) else
                        "there is one angle per dimension of the smaller subspace: min(k, m) angles")
                raise Fail(f"number of angles ({label})", exp.shape, value.shape, hint)
            if np.any(np.isnan(value)):
                raise Fail(f"angles ({label})", "finite angles", "NaN",
                           "rounding can push a cosine slightly above 1: np.clip the cosines to [-1, 1] before arccos")
            hint = _angle_hint(value, exp)
            if hint:
                raise Fail(f"angles ({label})", _fmt(exp), _fmt(value), hint)
            if label.startswith("same") and np.max(value) > 1e-3:
                raise Fail("angles between two bases of the same subspace", "all 0", _fmt(value),
                           "orthonormalise each set of rows first (np.linalg.qr of A.T), then take the singular "
                           "values of Q_a.T @ Q_b: they are the cosines of the angles")
            expect_close(f"angles in degrees ({label})", value, exp, rtol=1e-4, atol=1e-3,
                         hint="orthonormalise both sets of rows (QR of the transpose), take the singular values of "
                              "Q_a.T @ Q_b, clip them to [-1, 1], arccos, degrees, sort ascending")

    hidden_title = "orthogonal subspaces, the larger one first, a line against itself"

    def hidden_probe(self, angles, rng):
        basis, _ = np.linalg.qr(rng.normal(size=(8, 8)))
        mix = rng.normal(size=(2, 2)) + 3 * np.eye(2)
        larger = rng.normal(size=(3, 8))
        smaller = rng.normal(size=(2, 3)) @ larger + np.array([[1e-2], [0.5]]) * rng.normal(size=(2, 8))
        line_case = _cosine_above_one(rng, 1, 1)
        cases = {"orthogonal": (mix @ basis[:, :2].T, mix.T @ basis[:, 2:4].T),
                 "larger first": (larger, smaller),  # two distinct angles: their order shows
                 "line against itself": line_case}
        return {label: _angles_or_error(angles, first, second) for label, (first, second) in cases.items()}

    def hidden_verify(self, got, expected):
        for label, exp in expected.items():
            value = got[label]
            if isinstance(value, dict):
                raise Fail(f"the case '{label}'", hint="your function raised an exception there")
            value = np.asarray(value)
            if value.shape != exp.shape or not np.allclose(value, exp, rtol=1e-4, atol=1e-3):
                hint = _angle_hint(value, exp) if value.shape == exp.shape else None
                raise Fail(f"the case '{label}'",
                           hint=hint or "min(k, m) angles in either argument order; clip the cosines to [-1, 1]")


def _cosine_above_one(rng, k, m, tries=200):
    """Two bases of nearly the same subspaces (the k-D one inside the m-D one) for which the lesson's recipe
    computes a cosine above 1 in either argument order: without np.clip, arccos gives NaN every time, not by luck.

    Whether a candidate's cosine rounds above 1 rests on the last bits of a float computation, which the learner's
    process and the grader's may not share (another BLAS kernel, another thread count). So the candidates come from
    a generator of their own, seeded by exactly one draw of ``rng``: the inputs drawn after this case are the same
    in both processes, however many candidates each tried. (The pair itself may differ; any pair's angles are 0.)"""
    candidates = np.random.default_rng(rng.integers(2 ** 63))
    for _ in range(tries):
        first = candidates.normal(size=(k, 8))
        second = np.vstack([(candidates.normal(size=(k, k)) + 3 * np.eye(k)) @ first,
                            candidates.normal(size=(m - k, 8))])
        if min(_recipe_cosines(first, second).max(), _recipe_cosines(second, first).max()) > 1:
            return first, second
    return first, second  # about one pair in two qualifies: 200 misses do not happen


def _recipe_cosines(A, B):
    Q_a, _ = np.linalg.qr(A.T)
    Q_b, _ = np.linalg.qr(B.T)
    return np.linalg.svd(Q_a.T @ Q_b, compute_uv=False)


def _angle_hint(value, exp):
    """The hint for angles of the right shape that match a known mistake, or None."""
    if np.allclose(value, np.radians(exp), atol=1e-4) and np.max(exp) > 1:
        return "those are radians: convert with np.degrees"
    if np.allclose(np.sort(value), exp, atol=1e-3) and not np.allclose(value, exp, atol=1e-3):
        return "sort the angles ascending (smallest first)"
    if np.allclose(np.sort(value), np.sort(90 - exp), atol=1e-3) and not np.allclose(exp, 45, atol=1e-3):
        return "the singular values are the cosines of the angles: take np.arccos, not np.arcsin"
    return None


def _angles_or_error(angles, first, second):
    """The learner's angles as a float array, or ``{"error": ...}`` when this one call raised."""
    try:
        return np.asarray(angles(first, second), dtype=np.float64)
    except (NotImplementedError, MemoryError):
        raise
    except Exception as error:  # one failing case costs only its part of the credit
        return {"error": f"{type(error).__name__}: {str(error)[:200]}"}


def _fmt(array):
    return np.array2string(np.asarray(array), precision=3)


EXERCISES = [LinearAutoencoder(), PcaReconstructionMse(), PrincipalAngles()]

# The bundled example submission with a typical mistake (python -m autograder build writes it to examples/).
DEMO_MISTAKE = {
    "exercise": "principal_angles",
    "replace": ("np.degrees(np.arccos(np.clip(cosines, -1.0, 1.0)))", "np.arccos(np.clip(cosines, -1.0, 1.0))"),
}
