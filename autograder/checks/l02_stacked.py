"""Checks for lesson 02, stacked autoencoders. Reference answers: ``solutions/stacked.py``."""

import numpy as np

from autograder.checks.exercise import (Exercise, Fail, expect_autoencoder_models, expect_close, expect_equal,
                                        expect_no_training_only_layers, expect_training_settings, missing_biases,
                                        normal_weights, training_gap, training_settings, weights_in_call_order)

LESSON = "02_stacked"
SELU_MIN = -1.7580993  # selu(x) > -scale * alpha for every x


class RoundedAccuracy(Exercise):
    name = "rounded_accuracy"
    title = "rounded accuracy metric"
    answer = "solutions.stacked:rounded_accuracy"
    points = 1

    def probe(self, metric, rng):
        import tensorflow as tf

        shape = (6, 4, 5)
        cases = {
            # grey targets, like Fashion-MNIST pixels: rounding the targets matters
            "grey images": rng.uniform(size=shape),
            # 0/1 targets: only the predictions' rounding matters
            "black and white images": rng.integers(0, 2, size=shape).astype(np.float64),
            "flat vectors": rng.uniform(size=(7, 9)),
        }
        data = {}
        for label, y_true in cases.items():
            y_true = y_true.astype("float32")
            noise = rng.normal(scale=0.35, size=y_true.shape)
            y_pred = np.clip(y_true + noise, 0.001, 0.999).astype("float32")
            try:
                accuracy = np.asarray(metric(y_true, y_pred), dtype=np.float32)
            except NotImplementedError:
                raise
            except Exception as error:  # e.g. axes written for (batch, 28, 28) images only
                accuracy = {"error": f"{type(error).__name__}: {_first_line(error)}"}
            data[label] = {"y_true": y_true, "y_pred": y_pred, "accuracy": accuracy}
        # fit() calls a metric on graph tensors whose batch size is unknown (None), where numpy cannot run
        unknown_batch = [tf.TensorSpec((None, *shape[1:]), "float32")] * 2
        try:
            graph = tf.function(metric, input_signature=unknown_batch)(
                tf.constant(cases["grey images"], "float32"), tf.constant(data["grey images"]["y_pred"]))
            data["graph_shape"] = list(np.asarray(graph).shape)
        except Exception as error:  # noqa: BLE001 - told in verify, after the values (whose hints are sharper)
            data["graph_error"] = f"{type(error).__name__}: {_first_line(error)[:150]}"
        return data

    def verify(self, got, expected):
        for label, exp in expected.items():
            if label in ("graph_shape", "graph_error"):
                continue
            y_true, y_pred = exp["y_true"], exp["y_pred"]
            value, target = got[label]["accuracy"], exp["accuracy"]
            if isinstance(value, dict):
                raise Fail(f"rounded accuracy ({label}, inputs of shape {y_true.shape})", "one value per sample",
                           value["error"], "average over every axis but the batch axis, whatever their rank: "
                                           "axis=tuple(range(1, len(matches.shape)))")
            value = np.asarray(value)
            if value.shape != target.shape:
                raise Fail(f"shape of the result ({label}, inputs of shape {y_true.shape})", target.shape,
                           value.shape, _shape_hint(value.shape, y_true.shape))
            per_sample = lambda matches: matches.reshape(len(matches), -1).mean(axis=1)  # noqa: E731
            mistakes = [
                (per_sample(y_true == np.round(y_pred)),
                 "round the targets too: the pixels are grey levels in [0, 1], so an unrounded target almost never "
                 "equals a rounded prediction"),
                (per_sample(np.round(y_true) == y_pred), "round the predictions too"),
                (per_sample(np.round(y_true) != np.round(y_pred)),
                 "that is the error rate: count the pixels where the rounded values are equal"),
                (per_sample(np.floor(y_true) == np.floor(y_pred)),
                 "a cast to an integer type truncates (0.9 becomes 0): round with ops.round, then compare"),
            ]
            for wrong, hint in mistakes:
                if not np.allclose(wrong, target, atol=1e-6) and np.allclose(value, wrong, atol=1e-6):
                    raise Fail(f"rounded accuracy ({label})", _fmt(target), _fmt(value), hint)
            expect_close(f"rounded accuracy ({label})", value, target, rtol=1e-5, atol=1e-6,
                         hint="per sample: the mean over every axis but the batch axis of "
                              "equal(round(y_true), round(y_pred)), cast to float")
        if "graph_error" in got:
            raise Fail("calling the metric inside a compiled graph, batch size unknown (as fit does)", "a tensor",
                       got["graph_error"], _graph_hint(got["graph_error"]))
        expect_equal("shape of the result inside a compiled graph", got["graph_shape"], expected["graph_shape"],
                     "average over every axis but the batch axis, with ops.mean(..., axis=...)")


def _shape_hint(shape, input_shape):
    shape, input_shape = tuple(shape), tuple(input_shape)
    if shape in ((), (1,)):  # plain data turns a 0-d array into shape (1,)
        return "you averaged over everything: return one accuracy per sample (average over every axis but axis 0)"
    if shape == input_shape:
        return "you returned one value per pixel: average over every axis but the batch axis (axis 0)"
    if shape == input_shape[1:]:
        return "you averaged over the batch axis (axis 0): keep axis 0 and average over all the others"
    if shape == input_shape[:-1]:
        return ("you averaged over the last axis only: for (batch, 28, 28) images average over both image axes, "
                "e.g. axis=tuple(range(1, len(matches.shape)))")
    return "return one accuracy per sample: shape (batch,)"


def _graph_hint(error):
    if "numpy" in error.lower() or error.startswith("NotImplementedError"):
        return ("use keras.ops (ops.round, ops.equal, ops.cast, ops.mean), not numpy: Keras compiles the metric into "
                "a graph when it trains")
    return ("inside fit the batch size is unknown (None) when Keras compiles the metric: do not read it with "
            ".shape[0], len() or a Python loop over the samples; average over the axes instead, "
            "ops.mean(matches, axis=tuple(range(1, len(matches.shape))))")


def _first_line(error):
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:3])[:300]


def _fmt(array):
    return np.array2string(np.asarray(array), precision=3, max_line_width=200)


class StackedAutoencoder(Exercise):
    """Judged by what the models compute with weights the grader sets (every weight drawn from this run's seed, by
    shape, in order): the codings of the encoder, the decoder's outputs for given codings, and the autoencoder's
    outputs. The layers' kinds and sizes only choose the hint. Every argument is varied: the second case uses other
    sizes and activation='tanh'."""

    name = "stacked_autoencoder"
    title = "stacked autoencoder"
    answer = "solutions.stacked:build_stacked_autoencoder"
    points = 2
    other = {"codings_size": 7, "hidden_size": 13, "activation": "tanh"}

    def probe(self, build, rng):
        data = {}
        for label, kwargs in (("default", {}), ("other", self.other)):
            codings_size = kwargs.get("codings_size", 30)
            # everything the grader chooses is drawn before the learner's code runs
            images = rng.uniform(size=(5, 28, 28)).astype("float32")
            codings_in = rng.normal(size=(5, codings_size)).astype("float32")
            strong = rng.uniform(-20, 20, size=(64, 28, 28)).astype("float32")
            wild = rng.normal(scale=30, size=(64, codings_size)).astype("float32")
            weight_rng = np.random.default_rng(rng.integers(2**32))
            when = "" if label == "default" else f" with {self._kwargs_text()}"
            encoder, decoder, autoencoder = _call(
                lambda: expect_autoencoder_models(build(**kwargs)), "building the models" + when,
                "check the input shapes: the encoder takes (28, 28) images and must Flatten them first; the "
                "decoder takes (codings_size,) codings")
            _call(lambda: encoder(images), "calling the encoder on (batch, 28, 28) images" + when,
                  "start the encoder with keras.Input(shape=(28, 28)) (or none) and a Flatten layer")
            _call(lambda: decoder(codings_in), f"calling the decoder on (batch, {codings_size}) codings" + when,
                  "the encoder must end with a Dense layer of `codings_size` units, and the decoder take "
                  "(codings_size,) codings")
            # in the order the layers run (a subclassed model lists its weights in the order __init__ made them)
            encoder_weights = weights_in_call_order(encoder, images)
            decoder_weights = weights_in_call_order(decoder, codings_in)
            encoder_shapes = [list(w.shape) for w in encoder_weights]
            decoder_shapes = [list(w.shape) for w in decoder_weights]
            values = normal_weights(weight_rng, encoder_shapes + decoder_shapes)
            for variable, value in zip(encoder_weights + decoder_weights, values):
                variable.assign(value)
            codings = np.asarray(encoder(images), dtype=np.float64)
            data[label] = {
                "codings": codings,
                "reconstructions": np.asarray(decoder(codings_in), dtype=np.float64),
                "outputs": np.asarray(autoencoder(images), dtype=np.float64),
                # what the hints are chosen from
                "encoder_shapes": encoder_shapes,
                "decoder_shapes": decoder_shapes,
                "codings_range": _range(encoder(strong)),
                "output_range": _range(decoder(wild)),
                "compose_error": float(np.max(np.abs(np.asarray(autoencoder(images))
                                                     - np.asarray(decoder(encoder(images)))))),
                "training_gap": training_gap(autoencoder, images),
                "encoder_kinds": [type(layer).__name__ for layer in encoder.layers],
                "training_settings": training_settings(autoencoder, images),
            }
        return data

    def verify(self, got, expected):
        for label, exp in expected.items():
            value = got[label]
            when = "" if label == "default" else f" (called with {self._kwargs_text()})"
            if value["codings"].shape != exp["codings"].shape:
                hint = ("the encoder must end with a Dense layer of `codings_size` units" if
                        value["codings"].ndim == 2 else
                        "flatten the images first: the encoder starts with keras.layers.Flatten()")
                raise Fail("encoder output shape (batch, codings_size)" + when, exp["codings"].shape,
                           value["codings"].shape, hint)
            if value["reconstructions"].shape != exp["reconstructions"].shape:
                hint = ("end the decoder with keras.layers.Reshape((28, 28)) so it outputs images"
                        if value["reconstructions"].shape[1:] == (784,) else
                        "the decoder's last Dense layer has 28 * 28 = 784 units, then Reshape((28, 28))")
                raise Fail("decoder output shape (batch, 28, 28)" + when, exp["reconstructions"].shape,
                           value["reconstructions"].shape, hint)
            expect_equal("shapes of the encoder's weights" + when, value["encoder_shapes"], exp["encoder_shapes"],
                         _bias_hint(value["encoder_shapes"], exp["encoder_shapes"]) or
                         "the encoder has two Dense layers: `hidden_size` units, then `codings_size` units")
            expect_equal("shapes of the decoder's weights" + when, value["decoder_shapes"], exp["decoder_shapes"],
                         _bias_hint(value["decoder_shapes"], exp["decoder_shapes"]) or
                         "the decoder mirrors the encoder: Dense(`hidden_size`), then Dense(784)")
            expect_close("codings with the grader's weights" + when, value["codings"], exp["codings"],
                         rtol=1e-4, atol=1e-4, hint=self._encoder_hint(label, value, exp))
            low, high = value["output_range"]
            expect_close("decoder outputs with the grader's weights" + when, value["reconstructions"],
                         exp["reconstructions"], rtol=1e-4, atol=1e-4,
                         hint="give the decoder's last Dense layer activation='sigmoid'"
                         if low < -1e-6 or high > 1 + 1e-6 else
                         "the decoder's hidden Dense layer uses the `activation` argument too, its last one 'sigmoid'")
            expect_close("autoencoder outputs with the grader's weights" + when, value["outputs"], exp["outputs"],
                         rtol=1e-4, atol=1e-4,
                         hint="build the autoencoder as keras.Sequential([encoder, decoder]) from the same two models")
            expect_no_training_only_layers(value.get("training_gap", 0.0), "the autoencoder's outputs" + when)
            expect_training_settings(value["training_settings"], exp["training_settings"], "the autoencoder" + when)

    def _encoder_hint(self, label, value, expected):
        low, high = value["codings_range"]
        extra = sorted(set(value["encoder_kinds"]) - set(expected["encoder_kinds"]) - {"Activation"})
        if extra:
            return (f"the encoder has no {', '.join(extra)} layer: Flatten, then Dense(hidden_size) and "
                    "Dense(codings_size) (the lesson's images are already scaled to [0, 1])")
        if label != "default":
            return (f"use the `activation` argument (here {self.other['activation']!r}) in the encoder's Dense "
                    "layers, not a fixed activation")
        if low >= 0 and high <= 1 + 1e-6:
            return ("use the `activation` argument ('selu' by default) in both of the encoder's Dense layers: "
                    "a sigmoid keeps the codings in [0, 1]")
        if low >= 0:
            return "use the `activation` argument ('selu' by default), not ReLU"
        if low < SELU_MIN - 1e-3:
            return "use activation='selu' (the `activation` argument) in the encoder's Dense layers"
        return "Flatten, then Dense(hidden_size) and Dense(codings_size), both with the `activation` argument"

    def _kwargs_text(self):
        return ", ".join(f"{key}={value!r}" for key, value in self.other.items())


def _bias_hint(shapes, expected_shapes):
    """The hint for weights that are the reference's kernels without (some of) their biases, else None."""
    if missing_biases(shapes, expected_shapes):
        return "keep the biases (use_bias=True, the default): every Dense layer of the lesson has one"
    return None


def _call(function, what, hint):
    """``function()``, or Fail with ``hint`` when Keras raises (the learner's stub and Fail pass through)."""
    try:
        return function()
    except (NotImplementedError, Fail):
        raise
    except Exception as error:  # typically Keras refusing to chain layers whose shapes do not fit
        raise Fail(what, "no error", f"{type(error).__name__}: {_first_line(error)}", hint) from None



def _range(outputs):
    outputs = np.asarray(outputs, dtype=np.float64)
    return [float(outputs.min()), float(outputs.max())]


EXERCISES = [RoundedAccuracy(), StackedAutoencoder()]
