"""Checks for lesson 02, stacked autoencoders. Reference answers: ``solutions/stacked.py``."""

import numpy as np

from autograder.exercise import Exercise, Fail, expect_close, expect_equal, expect_autoencoder_models

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
            data[label] = {"y_true": y_true, "y_pred": y_pred,
                           "accuracy": np.asarray(metric(y_true, y_pred), dtype=np.float32)}
        try:  # fit() calls a metric on graph tensors, where numpy functions cannot run
            graph = tf.function(metric)(tf.constant(cases["grey images"], "float32"),
                                        tf.constant(data["grey images"]["y_pred"]))
        except Exception as error:
            raise Fail("calling the metric inside a compiled graph (as fit does)", "a tensor",
                       f"{type(error).__name__}: {str(error)[:150]}",
                       "use keras.ops (ops.round, ops.equal, ops.cast, ops.mean), not numpy: Keras compiles the "
                       "metric into a graph when it trains")
        data["graph_shape"] = list(np.asarray(graph).shape)
        return data

    def verify(self, got, expected):
        for label, exp in expected.items():
            if label == "graph_shape":
                continue
            y_true, y_pred = exp["y_true"], exp["y_pred"]
            value, target = np.asarray(got[label]["accuracy"]), exp["accuracy"]
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
            ]
            for wrong, hint in mistakes:
                if not np.allclose(wrong, target, atol=1e-6) and np.allclose(value, wrong, atol=1e-6):
                    raise Fail(f"rounded accuracy ({label})", _fmt(target), _fmt(value), hint)
            expect_close(f"rounded accuracy ({label})", value, target, rtol=1e-5, atol=1e-6,
                         hint="per sample: the mean over every axis but the batch axis of "
                              "equal(round(y_true), round(y_pred)), cast to float")
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


def _first_line(error):
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:3])[:300]


def _fmt(array):
    return np.array2string(np.asarray(array), precision=3, max_line_width=200)


class StackedAutoencoder(Exercise):
    name = "stacked_autoencoder"
    title = "stacked autoencoder"
    answer = "solutions.stacked:build_stacked_autoencoder"
    points = 2
    small = {"codings_size": 7, "hidden_size": 13}

    def probe(self, build, rng):
        import keras

        data = {}
        for label, kwargs in (("default", {}), ("small", self.small)):
            try:
                models = build(**kwargs)
            except NotImplementedError:
                raise
            except Exception as error:  # typically Keras refusing to chain models whose shapes do not fit
                raise Fail("building the models" + ("" if label == "default" else f" with {self._kwargs_text()}"),
                           "three models", f"{type(error).__name__}: {_first_line(error)}",
                           "check the input shapes: the encoder takes (28, 28) images and must Flatten them "
                           "first; the decoder takes (codings_size,) codings")
            models = expect_autoencoder_models(models)
            encoder, decoder, autoencoder = models
            images = rng.uniform(size=(5, 28, 28)).astype("float32")
            try:
                codings = np.asarray(encoder(images))
            except Exception as error:
                raise Fail("calling the encoder on (batch, 28, 28) images", "codings",
                           f"{type(error).__name__}: {str(error)[:150]}",
                           "start the encoder with keras.Input(shape=(28, 28)) and a Flatten layer")
            # Large inputs make a missing or wrong activation show in the codings' range.
            strong = np.asarray(encoder(rng.uniform(-20, 20, size=(64, 28, 28)).astype("float32")))
            reconstructions = np.asarray(decoder(codings))
            wild = np.asarray(decoder(rng.normal(scale=30, size=(64,) + codings.shape[1:]).astype("float32")))
            data[label] = {
                "codings_shape": list(codings.shape),
                "output_shape": list(reconstructions.shape),
                # rounded: float32 noise would make the reference outputs stored at build time irreproducible
                "codings_min": round(float(strong.min()), 4),
                "output_range": [round(float(wild.min()), 5), round(float(wild.max()), 5)],
                "compose_error": round(float(np.max(np.abs(np.asarray(autoencoder(images)) - reconstructions))), 6),
                "encoder_units": [int(layer.units) for layer in encoder.layers if hasattr(layer, "units")],
                "decoder_units": [int(layer.units) for layer in decoder.layers if hasattr(layer, "units")],
                "num_params": int(autoencoder.count_params()),
            }
        return data

    def verify(self, got, expected):
        for label, exp in expected.items():
            value = got[label]
            when = "" if label == "default" else f" (called with {self._kwargs_text()})"
            if value["codings_shape"] != exp["codings_shape"]:
                hint = ("the encoder must end with a Dense layer of `codings_size` units" if
                        len(value["codings_shape"]) == 2 else
                        "flatten the images first: the encoder starts with keras.layers.Flatten()")
                raise Fail("encoder output shape (batch, codings_size)" + when, exp["codings_shape"],
                           value["codings_shape"], hint)
            if value["output_shape"] != exp["output_shape"]:
                hint = ("end the decoder with keras.layers.Reshape((28, 28)) so it outputs images"
                        if value["output_shape"][1:] == [784] else
                        "the decoder's last Dense layer has 28 * 28 = 784 units, then Reshape((28, 28))")
                raise Fail("decoder output shape (batch, 28, 28)" + when, exp["output_shape"],
                           value["output_shape"], hint)
            expect_equal("encoder Dense layer sizes" + when, value["encoder_units"], exp["encoder_units"],
                         "the encoder has two Dense layers: `hidden_size` units, then `codings_size` units")
            expect_equal("decoder Dense layer sizes" + when, value["decoder_units"], exp["decoder_units"],
                         "the decoder mirrors the encoder: Dense(`hidden_size`), then Dense(784)")
            low, high = value["output_range"]
            if low < -1e-6 or high > 1 + 1e-6:
                raise Fail("decoder outputs are pixel values in [0, 1]" + when, "values in [0, 1]",
                           f"values from {low:.3g} to {high:.3g}",
                           "give the decoder's last Dense layer activation='sigmoid'")
            if value["codings_min"] < SELU_MIN - 1e-3:
                raise Fail("encoder activations" + when, "SELU codings (never below -1.758)",
                           f"codings as low as {value['codings_min']:.3g}",
                           "use activation='selu' (the `activation` argument) in the encoder's Dense layers")
            if value["codings_min"] >= 0 and exp["codings_min"] < 0:
                raise Fail("encoder activations" + when, "SELU codings (some negative)", "no negative codings",
                           "use the `activation` argument ('selu' by default), not ReLU")
            if value["compose_error"] > 1e-5:
                raise Fail("autoencoder(x) == decoder(encoder(x))" + when, "0 difference",
                           f"{value['compose_error']:.3g}",
                           "build the autoencoder as keras.Sequential([encoder, decoder]) from the same two models")
            expect_equal("number of parameters" + when, value["num_params"], exp["num_params"],
                         "Flatten, Dense(hidden_size), Dense(codings_size) in the encoder; Dense(hidden_size), "
                         "Dense(784), Reshape in the decoder; biases kept")

    def _kwargs_text(self):
        return ", ".join(f"{key}={value}" for key, value in self.small.items())


EXERCISES = [RoundedAccuracy(), StackedAutoencoder()]
