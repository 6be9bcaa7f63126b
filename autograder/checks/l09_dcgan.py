"""Checks for lesson 09: the book's DCGAN, the minibatch standard-deviation layer and a conditional GAN.

Reference answers: ``solutions/dcgan.py``. The probes build tiny versions (a few filters) and test what can be
tested without training: shapes, output ranges, the kinds and settings of the layers, and for the conditional GAN
that the label really reaches both networks' outputs. Whether a trained conditional generator obeys its labels is
measured in the lesson and the benchmark, not here.
"""

import numpy as np

from autograder.exercise import Fail, Exercise, expect_close, expect_equal

LESSON = "09_dcgan"

_ACTIVATION_LAYERS = {"Activation", "LeakyReLU", "ReLU", "ELU", "PReLU", "Softmax"}
_SETTINGS = ("units", "filters", "kernel_size", "strides", "padding", "rate", "input_dim", "output_dim")


def _activation_name(activation):
    if activation is None:
        return None
    if type(activation).__name__ == "LeakyReLU":
        return f"leaky_relu({float(activation.negative_slope):g})"
    if type(activation).__name__ == "Activation":
        return _activation_name(activation.activation)
    if type(activation).__name__ == "ReLU":
        return "relu"
    return getattr(activation, "__name__", type(activation).__name__)


def _flat_layers(model):
    for layer in model.layers:
        if hasattr(layer, "layers") and type(layer).__name__ in ("Sequential", "Functional", "Model"):
            yield from _flat_layers(layer)
        else:
            yield layer


def layer_signature(model):
    """One dict per layer (kind, activation, settings); activation layers are merged into the layer before them."""
    signature = []
    for layer in _flat_layers(model):
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        if kind in _ACTIVATION_LAYERS:
            name = _activation_name(layer)
            if signature and signature[-1].get("activation") in (None, "linear") and \
                    signature[-1]["kind"] not in ("Dropout", "Flatten", "Reshape", "Concatenate"):
                signature[-1]["activation"] = name
            else:
                signature.append({"kind": "Activation", "activation": name})
            continue
        entry = {"kind": kind, "activation": _activation_name(getattr(layer, "activation", None))}
        for setting in _SETTINGS:
            value = getattr(layer, setting, None)
            if value is not None:
                entry[setting] = list(value) if isinstance(value, tuple) else value
        signature.append(entry)
    return signature


def _kinds(signature):
    return [entry["kind"] for entry in signature]


def _of_kind(signature, kind, key):
    return [entry.get(key) for entry in signature if entry["kind"] == kind]



def _convolutions(layers, kind, filters, owner, hint):
    """The ``kind`` layers of a probed model, after checking their filters and the book's 5 / 2 / "same" settings."""
    found = [entry for entry in layers if entry["kind"] == kind]
    if [entry.get("filters") for entry in found] != filters:
        raise Fail(f"filters of {owner} {kind} layers", filters, [entry.get("filters") for entry in found], hint)
    for entry in found:
        if entry.get("kernel_size") != [5, 5] or entry.get("strides") != [2, 2] or entry.get("padding") != "same":
            raise Fail(f"{kind} settings", "kernel_size=5, strides=2, padding='same'",
                       f"kernel_size={entry.get('kernel_size')}, strides={entry.get('strides')}, "
                       f"padding={entry.get('padding')!r}", "use the book's settings for both layers")
    return found

class Dcgan(Exercise):
    name = "dcgan"
    title = "the book's DCGAN"
    answer = "solutions.dcgan:build_dcgan"
    points = 3
    codings_size, filters = 8, 4

    def probe(self, build, rng):
        import keras

        models = build(codings_size=self.codings_size, filters=self.filters)
        if not isinstance(models, (tuple, list)) or len(models) != 2 or \
                not all(isinstance(model, keras.Model) for model in models):
            raise Fail("return value", "a tuple (generator, discriminator) of Keras models", type(models).__name__,
                       "end the function with `return generator, discriminator`")
        generator, discriminator = models
        noise = rng.normal(size=(6, self.codings_size)).astype("float32")
        images = np.asarray(generator(noise * 20, training=False), dtype=np.float64)
        fake_input = rng.uniform(-1, 1, size=(6, 28, 28, 1)).astype("float32")
        scores = np.asarray(discriminator(fake_input * 5, training=False), dtype=np.float64)
        return {
            "g_shape": list(images.shape), "g_min": float(images.min()), "g_max": float(images.max()),
            "d_shape": list(scores.shape), "d_min": float(scores.min()), "d_max": float(scores.max()),
            "g_layers": layer_signature(generator), "d_layers": layer_signature(discriminator),
            "g_params": int(generator.count_params()), "d_params": int(discriminator.count_params()),
        }

    def verify(self, got, expected):
        f = self.filters
        expect_equal("generator output shape", got["g_shape"], expected["g_shape"],
                     "the generator goes Dense -> (7, 7, 2 * filters) -> two Conv2DTranspose with strides=2 and "
                     "padding='same' (7 -> 14 -> 28), the last with 1 filter")
        if got["g_min"] >= 0:
            raise Fail("generator output range", "[-1, 1] (tanh)", f"[{got['g_min']:.3g}, {got['g_max']:.3g}]",
                       "end the generator with a tanh activation: the DCGAN's images are rescaled to [-1, 1], "
                       "and a sigmoid only reaches [0, 1]")
        if got["g_min"] < -1 - 1e-5 or got["g_max"] > 1 + 1e-5:
            raise Fail("generator output range", "[-1, 1] (tanh)", f"[{got['g_min']:.3g}, {got['g_max']:.3g}]",
                       "the last Conv2DTranspose needs activation='tanh'")
        expect_equal("discriminator output shape", got["d_shape"], expected["d_shape"],
                     "the discriminator ends with Flatten and Dense(1, activation='sigmoid')")
        if got["d_min"] < 0 or got["d_max"] > 1:
            raise Fail("discriminator output range", "[0, 1]", f"[{got['d_min']:.3g}, {got['d_max']:.3g}]",
                       "the discriminator's last Dense layer needs activation='sigmoid': it outputs P(real)")
        self._verify_generator(got["g_layers"], expected["g_layers"], f)
        self._verify_discriminator(got["d_layers"], expected["d_layers"], f)
        g_params = expected["g_params"]
        if _kinds(got["g_layers"]).index("BatchNormalization") < _kinds(got["g_layers"]).index("Reshape"):
            g_params += 4 * (7 * 7 * 2 * f - 2 * f)  # normalising before the Reshape: one set per unit, not channel
        expect_equal("generator's number of parameters", got["g_params"], g_params,
                     f"Dense(7 * 7 * 2 * filters), Conv2DTranspose(filters) then Conv2DTranspose(1), all with "
                     f"kernel_size=5, and two BatchNormalization layers (here filters={f})")
        expect_equal("discriminator's number of parameters", got["d_params"], expected["d_params"],
                     f"Conv2D(filters) then Conv2D(2 * filters), both with kernel_size=5, then Dense(1) "
                     f"(here filters={f})")

    @staticmethod
    def _verify_generator(layers, expected, f):
        kinds, wanted = _kinds(layers), _kinds(expected)
        if kinds.count("BatchNormalization") != wanted.count("BatchNormalization"):
            raise Fail("BatchNormalization layers in the generator", wanted.count("BatchNormalization"),
                       kinds.count("BatchNormalization"),
                       "normalise after the Dense/Reshape and after the first Conv2DTranspose: batch normalization "
                       "keeps the generator's activations in range and helps against collapse")
        transposed = _convolutions(layers, "Conv2DTranspose", [f, 1], "the generator's",
                                   "two Conv2DTranspose layers: `filters` filters, then 1 (one grey channel)")
        activations = [entry["activation"] for entry in transposed]
        if activations != ["selu", "tanh"]:
            raise Fail("activations of the Conv2DTranspose layers", ["selu", "tanh"], activations,
                       "SELU after the first transposed convolution, tanh on the output")
        dense = _of_kind(layers, "Dense", "units")
        if dense != [7 * 7 * 2 * f]:
            raise Fail("the generator's Dense layer", [7 * 7 * 2 * f], dense,
                       "one Dense layer with 7 * 7 * 2 * filters units, reshaped to (7, 7, 2 * filters)")
        swapped = wanted[:]
        i, j = wanted.index("Reshape"), wanted.index("BatchNormalization")
        swapped[i], swapped[j] = swapped[j], swapped[i]
        if kinds not in (wanted, swapped):
            raise Fail("the generator's layers", wanted, kinds, "follow the book's order of layers")

    @staticmethod
    def _verify_discriminator(layers, expected, f):
        convs = _convolutions(layers, "Conv2D", [f, 2 * f], "the discriminator's",
                              "two Conv2D layers: `filters` filters, then 2 * filters")
        activations = [entry["activation"] for entry in convs]
        if activations != ["leaky_relu(0.2)"] * 2:
            hint = ("keras.layers.LeakyReLU() has a slope of 0.3 by default: write LeakyReLU(0.2)"
                    if any(a == "leaky_relu(0.3)" for a in activations) else
                    "give both convolutions activation=keras.layers.LeakyReLU(0.2): a small slope for negative "
                    "inputs keeps gradients flowing to the generator")
            raise Fail("activations of the Conv2D layers", ["leaky_relu(0.2)"] * 2, activations, hint)
        rates = _of_kind(layers, "Dropout", "rate")
        if [round(float(rate), 4) for rate in rates] != [0.4, 0.4]:
            raise Fail("Dropout layers in the discriminator", [0.4, 0.4], rates,
                       "Dropout(0.4) after each convolution: it keeps the discriminator from winning too easily")
        expect_equal("the discriminator's layers", _kinds(layers), _kinds(expected),
                     "Conv2D, Dropout, Conv2D, Dropout, Flatten, Dense(1, sigmoid)")


class MinibatchStd(Exercise):
    name = "minibatch_std"
    title = "minibatch standard-deviation layer"
    answer = "solutions.dcgan:MinibatchStdDev"
    points = 2

    def probe(self, Layer, rng):
        import keras
        import tensorflow as tf

        x = (rng.normal(size=(6, 3, 3, 4)) * rng.uniform(0.5, 2, size=(1, 1, 1, 4))).astype("float32")
        layer = Layer()
        out = np.asarray(layer(x), dtype=np.float64)
        same = np.repeat(x[:1], 5, axis=0)
        custom = Layer(epsilon=1e-2)
        with tf.GradientTape() as tape:
            same_tensor = tf.constant(same)
            tape.watch(same_tensor)
            same_out = custom(same_tensor)
            total = tf.reduce_sum(same_out)
        gradient = tape.gradient(total, same_tensor)
        copy = type(custom).from_config(custom.get_config())
        return {
            "shape": list(out.shape), "passes_input": float(np.max(np.abs(out[..., :4] - x))) if out.ndim == 4 and
            out.shape[-1] >= 4 else None,
            "extra": out[..., -1] if out.ndim == 4 else np.zeros(0),
            "same_extra": np.asarray(same_out, dtype=np.float64)[..., -1],
            "gradient_finite": bool(gradient is not None and np.all(np.isfinite(np.asarray(gradient)))),
            "copy_extra": np.asarray(copy(same), dtype=np.float64)[..., -1],
            "registered": keras.saving.get_registered_name(type(custom)),
            "symbolic_shape": list(keras.Sequential([keras.Input((5, 5, 2)), Layer()]).output_shape[1:]),
        }

    def verify(self, got, expected):
        expect_equal("output shape for a (6, 3, 3, 4) input", got["shape"], expected["shape"],
                     "concatenate one extra channel to the input: (batch, height, width, channels + 1)")
        if got["passes_input"] is None or got["passes_input"] > 1e-5:
            raise Fail("the first channels of the output", "the input unchanged", "something else",
                       "concatenate [inputs, std_map] along the last axis, inputs first")
        extra = np.asarray(got["extra"])
        if np.ptp(extra) > 1e-5:
            raise Fail("the extra channel", "one constant for the whole batch", "values that vary",
                       "take the standard deviation over the batch axis (axis=0), average it over all the "
                       "features to one number, and broadcast that number to every image and position")
        if not got["gradient_finite"]:
            raise Fail("gradient for a batch of identical images", "finite", "NaN or infinity",
                       "take ops.sqrt(variance + self.epsilon): the square root's gradient at 0 is infinite")
        expect_close("the extra channel (the batch's mean standard deviation)", extra.flat[0],
                     np.asarray(expected["extra"]).flat[0], rtol=1e-4,
                     hint="for each feature, the standard deviation over the batch (ops.var(inputs, axis=0), "
                          "then the square root); then the mean of those over every feature")
        expect_close("extra channel for identical images with epsilon=1e-2", np.asarray(got["same_extra"]).flat[0],
                     0.1, rtol=1e-3, hint="identical images have variance 0, so the statistic is "
                                          "sqrt(0 + epsilon): use the epsilon given to __init__")
        expect_close("the same layer rebuilt from get_config()", np.asarray(got["copy_extra"]).flat[0], 0.1,
                     rtol=1e-3, hint="get_config must return {**super().get_config(), 'epsilon': self.epsilon}")
        expect_equal("registered name", got["registered"], expected["registered"],
                     "decorate the class with @keras.saving.register_keras_serializable(package='course')")
        expect_equal("output shape inside a Sequential model", got["symbolic_shape"], expected["symbolic_shape"],
                     "compute_output_shape returns the input shape with one more channel")


class ConditionalGan(Exercise):
    name = "conditional_gan"
    title = "conditional GAN: generator and discriminator that take the label"
    answer = "solutions.dcgan:build_conditional_gan"
    points = 3
    codings_size, num_classes, filters, embedding_dim = 8, 10, 4, 5

    def probe(self, build, rng):
        import keras

        models = build(codings_size=self.codings_size, num_classes=self.num_classes, filters=self.filters,
                       embedding_dim=self.embedding_dim)
        if not isinstance(models, (tuple, list)) or len(models) != 2 or \
                not all(isinstance(model, keras.Model) for model in models):
            raise Fail("return value", "a tuple (generator, discriminator) of Keras models", type(models).__name__,
                       "end the function with `return generator, discriminator`")
        generator, discriminator = models
        if len(generator.inputs) != 2 or len(discriminator.inputs) != 2:
            raise Fail("model inputs", "2 each: [noise, labels] and [images, labels]",
                       f"{len(generator.inputs)} and {len(discriminator.inputs)}",
                       "build both with the functional API: keras.Model([noise, label], image) and "
                       "keras.Model([image, label], probability), label = keras.Input(shape=(), dtype='int32')")
        noise = rng.normal(size=(4, self.codings_size)).astype("float32")
        labels_a = np.array([0, 3, 5, 9], dtype="int32")
        labels_b = np.array([1, 7, 2, 4], dtype="int32")
        other_noise = rng.normal(size=(4, self.codings_size)).astype("float32")

        def run(model, first, labels):
            try:
                return np.asarray(model([first, labels], training=False), dtype=np.float64)
            except Exception:  # a model built with labels of shape (1,)
                return np.asarray(model([first, labels[:, None]], training=False), dtype=np.float64)

        images_a, images_b = run(generator, noise, labels_a), run(generator, noise, labels_b)
        images_c = run(generator, other_noise, labels_a)
        real = rng.uniform(-1, 1, size=(4, 28, 28, 1)).astype("float32")
        scores_a, scores_b = run(discriminator, real, labels_a), run(discriminator, real, labels_b)
        scores_c = run(discriminator, real[::-1].copy(), labels_a)
        kinds = [entry["kind"] for entry in layer_signature(generator)]
        d_kinds = [entry["kind"] for entry in layer_signature(discriminator)]
        return {
            "g_shape": list(images_a.shape), "g_min": float(images_a.min()), "g_max": float(images_a.max()),
            "g_label_effect": float(np.max(np.abs(images_a - images_b))),
            "g_noise_effect": float(np.max(np.abs(images_a - images_c))),
            "d_shape": list(scores_a.shape), "d_min": float(scores_a.min()), "d_max": float(scores_a.max()),
            "d_label_effect": float(np.max(np.abs(scores_a - scores_b))),
            "d_image_effect": float(np.max(np.abs(scores_a - scores_c))),
            "g_label_layers": sorted({k for k in kinds if k in ("Embedding", "CategoryEncoding")}),
            "d_label_layers": sorted({k for k in d_kinds if k in ("Embedding", "CategoryEncoding")}),
            "g_concatenates": "Concatenate" in kinds, "d_concatenates": "Concatenate" in d_kinds,
        }

    def verify(self, got, expected):
        expect_equal("generator output shape", got["g_shape"], expected["g_shape"],
                     "after the label is mixed in, the generator is the DCGAN's: it outputs (batch, 28, 28, 1)")
        if got["g_min"] < -1 - 1e-5 or got["g_max"] > 1 + 1e-5 or got["g_min"] >= 0:
            raise Fail("generator output range", "[-1, 1] (tanh)", f"[{got['g_min']:.3g}, {got['g_max']:.3g}]",
                       "end the generator with tanh, as in the DCGAN")
        expect_equal("discriminator output shape", got["d_shape"], expected["d_shape"],
                     "the discriminator outputs one probability per image: Dense(1, activation='sigmoid')")
        if got["d_min"] < 0 or got["d_max"] > 1:
            raise Fail("discriminator output range", "[0, 1]", f"[{got['d_min']:.3g}, {got['d_max']:.3g}]",
                       "end the discriminator with a sigmoid")
        if got["g_label_effect"] < 1e-4:
            raise Fail("the generator's output for the same noise and other labels", "different images",
                       "the same images", "the label never reaches the image: embed it "
                       "(layers.Embedding(num_classes, embedding_dim)) and concatenate it with the noise")
        if got["g_noise_effect"] < 1e-4:
            raise Fail("the generator's output for other noise and the same labels", "different images",
                       "the same images", "the noise must reach the image too: concatenate noise and label code")
        if got["d_label_effect"] < 1e-6:
            raise Fail("the discriminator's output for the same images and other labels", "different scores",
                       "the same scores", "the discriminator must see the label: embed it into a (28, 28, 1) map "
                       "and concatenate it with the image as a second channel")
        if got["d_image_effect"] < 1e-6:
            raise Fail("the discriminator's output for other images", "different scores", "the same scores",
                       "the discriminator must look at the image too")
        for network in ("generator", "discriminator"):
            if not got[f"{network[0]}_label_layers"]:
                raise Fail(f"how the {network} encodes the labels", "an Embedding layer", "none",
                           "turn each class id into a learned vector with layers.Embedding(num_classes, size)")
        if not (got["g_concatenates"] and got["d_concatenates"]):
            raise Fail("how the label is combined", "a Concatenate layer in both networks",
                       f"generator: {got['g_concatenates']}, discriminator: {got['d_concatenates']}",
                       "join the label code to the noise (generator) and to the image (discriminator) with "
                       "layers.Concatenate()")


EXERCISES = [Dcgan(), MinibatchStd(), ConditionalGan()]
