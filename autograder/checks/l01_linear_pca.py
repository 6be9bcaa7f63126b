"""Checks for lesson 01, the linear autoencoder and PCA. Reference answers: ``solutions/linear.py``.

Hidden checks (graded only, never run by the lesson's check cells): the linear autoencoder is rebuilt with other
sizes and run with weights the grader sets; principal angles are tried on orthogonal subspaces, with the larger
subspace first, and on a subspace against itself. ``principal_angles`` earns partial credit per kind of input.
"""

import numpy as np

from autograder.exercise import Exercise, Fail, expect_close, expect_equal, expect_autoencoder_models

LESSON = "01_linear_pca"


def _nonlinearity(function, x):
    """How far ``function`` is from affine: |f(x1 + x2) + f(0) - f(x1) - f(x2)| relative to |f(x1)|."""
    half = len(x) // 2
    x1, x2 = x[:half], x[half:2 * half]
    f = lambda inputs: np.asarray(function(inputs), dtype=np.float64)  # noqa: E731
    residual = f(x1 + x2) + f(np.zeros_like(x1)) - f(x1) - f(x2)
    return float(np.max(np.abs(residual)) / (np.max(np.abs(f(x1))) + 1e-8))


class LinearAutoencoder(Exercise):
    name = "linear_autoencoder"
    title = "linear autoencoder"
    answer = "solutions.linear:build_linear_autoencoder"
    points = 2
    input_size, codings_size = 5, 2

    def probe(self, build, rng):
        import keras

        models = build(input_size=self.input_size, codings_size=self.codings_size)
        models = expect_autoencoder_models(models)
        encoder, decoder, autoencoder = models
        x = rng.normal(size=(8, self.input_size)).astype("float32")
        codings = np.asarray(encoder(x))
        return {
            "codings_shape": list(codings.shape),
            "output_shape": list(np.asarray(decoder(codings)).shape),
            "compose_error": float(np.max(np.abs(np.asarray(autoencoder(x)) - np.asarray(decoder(encoder(x)))))),
            "encoder_nonlinearity": _nonlinearity(encoder, x),
            "decoder_nonlinearity": _nonlinearity(decoder, codings),
            "num_params": int(autoencoder.count_params()),
        }

    def verify(self, got, expected):
        expect_equal("encoder output shape (batch, codings_size)", got["codings_shape"], expected["codings_shape"],
                     "the encoder's Dense layer needs `codings_size` units")
        expect_equal("decoder output shape (batch, input_size)", got["output_shape"], expected["output_shape"],
                     "the decoder's Dense layer needs `input_size` units so it ends in the input's shape")
        if got["encoder_nonlinearity"] > 1e-3:
            raise Fail("the encoder is linear", "no activation", "a nonlinear encoder",
                       "leave out `activation=` (or use None): a linear autoencoder has no activation")
        if got["decoder_nonlinearity"] > 1e-3:
            raise Fail("the decoder is linear", "no activation", "a nonlinear decoder",
                       "leave out `activation=` in the decoder too")
        if got["compose_error"] > 1e-4:
            raise Fail("autoencoder(x) == decoder(encoder(x))", "0 difference", f"{got['compose_error']:.3g}",
                       "build the autoencoder as keras.Sequential([encoder, decoder]) from the same two models")
        if got["num_params"] < expected["num_params"]:
            raise Fail("number of parameters", expected["num_params"], got["num_params"],
                       "keep the biases (use_bias=True, the default): without them the model cannot learn the "
                       "data's mean, and PCA centres the data")
        expect_equal("number of parameters", got["num_params"], expected["num_params"],
                     "one Dense layer in the encoder and one in the decoder, nothing more")

    hidden_title = "other sizes, weights set by the grader"

    def hidden_probe(self, build, rng):
        import keras

        input_size, codings_size = int(rng.integers(6, 11)), int(rng.integers(3, 5))
        weights = [rng.normal(size=shape).astype("float32") for shape in
                   ((input_size, codings_size), (codings_size,), (codings_size, input_size), (input_size,))]
        x = rng.normal(size=(6, input_size)).astype("float32")  # everything drawn before the learner's code runs
        models = build(input_size=input_size, codings_size=codings_size)
        if not isinstance(models, (tuple, list)) or len(models) != 3 \
                or not all(isinstance(model, keras.Model) for model in models):
            raise Fail("return value", hint="return the tuple (encoder, decoder, autoencoder) of keras models")
        encoder, decoder, autoencoder = models
        shapes = [list(np.shape(w)) for w in encoder.get_weights() + decoder.get_weights()]
        if shapes != [list(w.shape) for w in weights]:
            return {"weight_shapes": shapes}
        encoder.set_weights(weights[:2])
        decoder.set_weights(weights[2:])
        return {"weight_shapes": shapes, "codings": np.asarray(encoder(x), dtype=np.float64),
                "outputs": np.asarray(autoencoder(x), dtype=np.float64)}

    def hidden_verify(self, got, expected):
        if got["weight_shapes"] != expected["weight_shapes"]:
            raise Fail("the encoder's and decoder's weights for other input and codings sizes",
                       hint="size both Dense layers from the arguments input_size and codings_size (no fixed "
                            "numbers), one layer each, with biases")
        expect_close("codings with the grader's weights", got["codings"], expected["codings"], rtol=1e-4, atol=1e-4,
                     hint="the encoder must be exactly one Dense layer, no activation")
        expect_close("reconstructions with the grader's weights", got["outputs"], expected["outputs"], rtol=1e-4,
                     atol=1e-4, hint="the autoencoder must compute decoder(encoder(x)), no activation")


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
        values, sizes = [], []
        for num_samples, num_features, n_components in self.cases:
            X = _low_rank_data(rng, num_samples, num_features)
            value = np.asarray(pca_mse(X, n_components), dtype=np.float64)
            if value.shape != ():
                raise Fail("return value", "one number (a float)", f"an array of shape {value.shape}",
                           "average over both samples and features: np.mean(np.square(X - X_reconstructed))")
            values.append(float(value))
            sizes.append([num_samples, num_features])
        return {"mse": values, "sizes": sizes}

    def verify(self, got, expected):
        for (mse, exp, (num_samples, num_features)) in zip(got["mse"], expected["mse"], expected["sizes"]):
            hints = [
                (exp * num_features, "you summed over features: take the mean over features too"),
                (exp * num_samples * num_features, "you summed the squared errors: take their mean"),
                (np.sqrt(exp), "that is the root of the MSE: do not take the square root"),
            ]
            for value, hint in hints:
                if np.isclose(mse, value, rtol=1e-3):
                    raise Fail("reconstruction MSE", f"{exp:.6g}", f"{mse:.6g}", hint)
            hint = ("your error is larger than PCA's optimum: fit PCA on X itself, keep n_components, and map back "
                    "with inverse_transform (it adds the mean back)" if mse > exp else
                    "your error is below PCA's optimum, which is impossible: compare X with its reconstruction, "
                    "not with the codings")
            expect_close("reconstruction MSE", mse, exp, rtol=1e-4, hint=hint)


class PrincipalAngles(Exercise):
    name = "principal_angles"
    title = "principal angles between subspaces"
    answer = "solutions.linear:principal_angles"
    points = 2
    parts = ("equal dimensions", "different dimensions")  # partial credit: a fault may hit only one kind
    cases = {"equal dimensions": ("same subspace, other basis", "random subspaces"),
             "different dimensions": ("2-D against 4-D",)}

    def probe(self, angles, rng):
        A = rng.normal(size=(3, 8))
        mix = rng.normal(size=(3, 3)) + 3 * np.eye(3)
        partial = np.vstack([A[:1], rng.normal(size=(3, 8))])  # shares one direction: angles 0 and > 0
        cases = {"same subspace, other basis": (A, mix @ A), "random subspaces": (A, rng.normal(size=(3, 8))),
                 "2-D against 4-D": (A[:2], partial)}
        return {label: _angles_or_error(angles, first, second) for label, (first, second) in cases.items()}

    def verify_part(self, part, got, expected):
        for label in self.cases[part]:
            exp, value = expected[label], got[label]
            if isinstance(value, dict):
                raise Fail(f"angles ({label})", hint=f"the call raised {value['error']}")
            value = np.asarray(value)
            if value.shape != exp.shape:
                raise Fail(f"number of angles ({label})", exp.shape, value.shape,
                           "there is one angle per dimension of the smaller subspace: min(k, m) angles")
            if np.any(np.isnan(value)):
                raise Fail(f"angles ({label})", "finite angles", "NaN",
                           "rounding can push a cosine slightly above 1: np.clip the cosines to [-1, 1] before arccos")
            if np.allclose(value, np.radians(exp), atol=1e-4) and np.max(exp) > 1:
                raise Fail(f"angles ({label})", _fmt(exp), _fmt(value), "those are radians: convert with np.degrees")
            if np.allclose(np.sort(value), exp, atol=1e-3) and not np.allclose(value, exp, atol=1e-3):
                raise Fail(f"angle order ({label})", "smallest first", _fmt(value), "sort the angles ascending")
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
        line = rng.normal(size=(1, 8))
        cases = {"orthogonal": (mix @ basis[:, :2].T, mix.T @ basis[:, 2:4].T),
                 "larger first": (larger, rng.normal(size=(1, 3)) @ larger + 1e-3 * rng.normal(size=(1, 8))),
                 "line against itself": (line, -2.5 * line)}
        return {label: _angles_or_error(angles, first, second) for label, (first, second) in cases.items()}

    def hidden_verify(self, got, expected):
        for label, exp in expected.items():
            value = got[label]
            if isinstance(value, dict):
                raise Fail(f"the case '{label}'", hint="your function raised an exception there")
            value = np.asarray(value)
            if value.shape != exp.shape or not np.allclose(value, exp, rtol=1e-4, atol=1e-3):
                raise Fail(f"the case '{label}'",
                           hint="min(k, m) angles in either argument order; clip the cosines to [-1, 1]")


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
