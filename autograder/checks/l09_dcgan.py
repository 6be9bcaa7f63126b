"""Checks for lesson 09: the book's DCGAN, the minibatch standard-deviation layer and a conditional GAN.

Reference answers: ``solutions/dcgan.py``. The DCGAN probes build tiny networks with sizes drawn from the seed, set
every weight from the seed (by shape, in order: the form of the model does not matter) and report the networks'
outputs on inputs drawn from the seed, in inference and (for batch normalization) training mode, and the dropout
rates measured while training, with the shape of what each dropout receives (where it sits); the grader compares them with the reference's. For the conditional GAN, the label
code may be concatenated before or after the noise (or the image): both orders are tried. Each network is half
of its exercise's points. The layers' kinds and settings only choose the hint for outputs that differ. Whether a
trained conditional generator obeys its labels is measured in the lesson and the benchmark, not here.
"""

import numpy as np

from autograder.checks.exercise import Exercise, Fail, close_mask, expect_close, expect_equal, graph_error

LESSON = "09_dcgan"

_ACTIVATION_LAYERS = {"Activation", "LeakyReLU", "ReLU", "ELU", "PReLU", "Softmax"}
_SETTINGS = ("units", "filters", "kernel_size", "strides", "padding", "rate", "input_dim", "output_dim", "use_bias",
             "momentum")


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


def set_probe_weights(model, rng):
    """Set every weight of ``model`` from ``rng``, by shape and in order (the form of the model does not matter):
    kernels normal with a variance of one over their inputs, biases uniform in [-0.2, 0.2] (small, so the outputs
    depend on the inputs), batch normalization's scales and variances uniform in [0.5, 1.5]. Returns the shapes."""
    values = []
    for weight in model.weights:
        shape = tuple(weight.shape)
        if weight.path.endswith(("moving_variance", "gamma")):
            value = rng.uniform(0.5, 1.5, size=shape)
        elif len(shape) >= 2:
            value = rng.normal(scale=1 / np.sqrt(np.prod(shape[:-1])), size=shape)
        else:
            value = rng.uniform(-0.2, 0.2, size=shape)
        values.append(value.astype(weight.dtype))
    model.set_weights(values)
    return [list(np.shape(value)) for value in values]


def _weight_streams(rng):
    """Two generators for the two networks' weights, so one network's shapes never change the other's draws."""
    return [np.random.default_rng(seed) for seed in rng.integers(2**32, size=2)]


def _dropping_layers(model):
    """``[(layer, rate, how)]``: every layer without weights that behaves differently while training, whatever its
    class. A layer that zeroes values and scales the kept ones by 1 / (1 - rate) drops units: ``how`` is "values"
    when it drops single values (Dropout), "feature maps" when its zeros are shared across positions
    (SpatialDropout2D, a noise_shape). Any other such layer adds noise: rate None, ``how`` "noise"."""
    found = []
    for layer in _flat_layers(model):
        if layer.weights:
            continue
        x = np.ones((8, 4, 4, 4), dtype="float32")
        try:
            training, inference = np.asarray(layer(x, training=True)), np.asarray(layer(x, training=False))
        except Exception:  # noqa: BLE001 - a layer that cannot take this input (Reshape, Concatenate, ...)
            continue
        if training.shape != inference.shape or np.allclose(training, inference):
            continue
        kept = training[training != 0]
        if not kept.size:
            found.append((layer, 1.0, "values"))
        elif not np.allclose(kept, kept.max(), rtol=1e-5, atol=0):
            found.append((layer, None, "noise"))
        else:
            dropped = training == 0
            shared = training.ndim == 4 and all(
                np.array_equal(dropped, np.broadcast_to(np.take(dropped, [0], axis=axis), dropped.shape))
                for axis in (1, 2))
            found.append((layer, round(float(1 - 1 / kept.max()), 4), "feature maps" if shared else "values"))
    return found


def dropout_calls(model, call):
    """``(rates, shapes, hows)``: for each call of a layer of ``model`` that drops units (or adds noise) while
    ``call()`` runs the model in training mode, in order, the layer's rate, the shape (without the batch) of what it
    received, and how it drops (see :func:`_dropping_layers`): how much, where and how the model drops units, however
    it is written (a Dropout layer used twice counts twice)."""
    rates, shapes, hows, hooked = [], [], [], []
    for layer, rate, how in _dropping_layers(model):
        if "call" in vars(layer):
            continue
        original = layer.call

        def recording(inputs, *args, _original=original, _rate=rate, _how=how, **kwargs):
            rates.append(_rate)
            shapes.append([int(size) for size in inputs.shape[1:]])
            hows.append(_how)
            return _original(inputs, *args, **kwargs)

        layer.call = recording
        hooked.append(layer)
    try:
        call()
    finally:
        for layer in hooked:
            del layer.call
    return rates, shapes, hows


def _same_place(got, expected):
    """Dropout on the same values: the same shape, or the same number of values once flattened (Dropout after
    Flatten drops the same values as before it)."""
    return list(got) == list(expected) or (
        (len(got) == 1 or len(expected) == 1) and int(np.prod(got)) == int(np.prod(expected)))


def _expect_pair(models, count, names):
    import keras

    if not isinstance(models, (tuple, list)) or len(models) != 2 or \
            not all(isinstance(model, keras.Model) for model in models):
        raise Fail("return value", "a tuple (generator, discriminator) of Keras models", type(models).__name__,
                   "end the function with `return generator, discriminator`")
    if count == 2 and any(len(getattr(model, "inputs", None) or ()) != 2 for model in models):
        raise Fail("model inputs", names, " and ".join(str(len(getattr(model, "inputs", None) or ()))
                                                       for model in models),
                   "build both with the functional API: keras.Model([noise, label], image) and "
                   "keras.Model([image, label], probability), label = keras.Input(shape=(), dtype='int32')")
    return models


def _labels_first(model):
    """True when a two-input model declares the labels (a scalar or one value per example) as its first input and
    something bigger (noise, images) second."""
    inputs = getattr(model, "inputs", None) or ()
    try:
        first, second = (tuple(tensor.shape[1:]) for tensor in inputs)
    except (TypeError, ValueError):
        return False
    return first in ((), (1,)) and second not in ((), (1,))


def _call_or_fail(model, role, inputs, what, first_layer):
    """Call ``model`` (which also builds a model made without keras.Input); a Keras error becomes a hint."""
    try:
        model(inputs)
    except Exception as error:  # noqa: BLE001 - e.g. an input shape fixed to the book's sizes
        raise Fail(f"calling the {role} on {what}", "outputs", f"{type(error).__name__}",
                   f"start it with {first_layer}, sized from the arguments (no fixed numbers)") from None


def _convolutions(layers, kind, filters, owner, hint):
    """Fail unless the ``kind`` layers of a model have these filters and the book's 5 / 2 / "same" settings."""
    found = [entry for entry in layers if entry["kind"] == kind]
    if [entry.get("filters") for entry in found] != filters:
        raise Fail(f"filters of {owner} {kind} layers", filters, [entry.get("filters") for entry in found], hint)
    for entry in found:
        if entry.get("kernel_size") != [5, 5] or entry.get("strides") != [2, 2] or entry.get("padding") != "same":
            raise Fail(f"{kind} settings", hint="use the book's settings for both layers: kernel_size=5, "
                                                 "strides=2, padding='same'")
    return found


def _first_hint(*checks):
    """The hint of the first structural check that fails (each raises Fail), or None."""
    for check in checks:
        try:
            check()
        except Fail as failure:
            return failure.hint
    return None


def generator_hint(images, layers, expected_layers, f):
    """Why a generator's images differ from the reference's: its layers, else its output range."""
    images = np.asarray(images)
    range_hint = None
    if images.size and images.min() >= 0:
        range_hint = "end the generator with activation='tanh': its images are in [-1, 1]"
    elif images.size and (images.min() < -1 - 1e-5 or images.max() > 1 + 1e-5):
        range_hint = "the last Conv2DTranspose needs activation='tanh'"
    return _first_hint(lambda: _verify_generator(layers, expected_layers, f)) or range_hint or (
        "follow the book's generator: Dense(7 * 7 * 2 * filters) -> Reshape -> BatchNormalization -> "
        "Conv2DTranspose(filters, 5, strides=2, 'same', selu) -> BatchNormalization -> Conv2DTranspose(1, 5, "
        "strides=2, 'same', tanh)")


def discriminator_hint(scores, layers, expected_layers, f):
    """Why a discriminator's scores differ from the reference's: its output range, else its layers."""
    scores = np.asarray(scores)
    if scores.size and (scores.min() < 0 or scores.max() > 1):
        return "the discriminator's last Dense layer needs activation='sigmoid': it outputs P(real)"
    return _first_hint(lambda: _verify_discriminator(layers, expected_layers, f)) or (
        "follow the book's discriminator: Conv2D(filters, 5, strides=2, 'same', LeakyReLU(0.2)) -> Dropout(0.4) -> "
        "Conv2D(2 * filters, same settings) -> Dropout(0.4) -> Flatten -> Dense(1, sigmoid)")


def _without_biases(layers, expected):
    """Fail naming use_bias=False when a layer has no bias where the book's has one (a DCGAN-tutorial habit)."""
    if any(entry.get("use_bias") is False for entry in layers) and \
            not any(entry.get("use_bias") is False for entry in expected):
        raise Fail("the layers' biases", hint="keep the biases (use_bias=True, the default): the book's layers have "
                   "them, and use_bias=False removes weights the check gives values to")


def _verify_generator(layers, expected, f):
    kinds, wanted = _kinds(layers), _kinds(expected)
    _without_biases(layers, expected)
    if "Conv2DTranspose" in kinds and "BatchNormalization" in kinds[len(kinds) - kinds[::-1].index("Conv2DTranspose"):]:
        raise Fail("BatchNormalization layers", hint="no BatchNormalization on the output layer: the last "
                   "Conv2DTranspose's tanh gives the images directly (normalise after the Dense/Reshape and after "
                   "the first Conv2DTranspose)")
    if "Rescaling" in kinds:
        raise Fail("the generator's layers", hint="no Rescaling after the tanh: the generator's images stay in "
                   "[-1, 1], the range the lesson scales the training images to")
    normalized = [(i, entry["activation"]) for i, entry in enumerate(layers) if entry["kind"] == "BatchNormalization"]
    for i, activation in normalized:
        if activation in (None, "linear"):
            continue
        if "Conv2DTranspose" in kinds[:i]:
            raise Fail("activations", hint="the SELU belongs to the first Conv2DTranspose (activation='selu'), "
                       "before its BatchNormalization: no activation after a BatchNormalization")
        raise Fail("activations", hint="exercise 1 is the book's generator: no activation after a "
                   "BatchNormalization (the SELU after the first one is the wide recipe's change, in section 4; "
                   "keep it for your own experiments)")
    if kinds.count("BatchNormalization") != wanted.count("BatchNormalization"):
        raise Fail("BatchNormalization layers", hint="normalise after the Dense/Reshape and after the first "
                   "Conv2DTranspose: batch normalization keeps the generator's activations in range")
    if "Reshape" in kinds and kinds.index("BatchNormalization") < kinds.index("Reshape"):
        raise Fail("the first BatchNormalization", hint="put the first BatchNormalization after the Reshape: it "
                   "normalises each of the 2 * filters channels, not each of the Dense layer's units")
    _convolutions(layers, "Conv2DTranspose", [f, 1], "the generator's",
                  "two Conv2DTranspose layers: `filters` filters, then 1 (one grey channel)")
    activations = [entry["activation"] for entry in layers if entry["kind"] == "Conv2DTranspose"]
    if activations[-1:] == ["sigmoid"]:
        raise Fail("activations", hint="end the generator with a tanh activation: the DCGAN's images are rescaled "
                                       "to [-1, 1], and a sigmoid only reaches [0, 1]")
    if activations[-1:] != ["tanh"]:
        raise Fail("activations", hint="the last Conv2DTranspose needs activation='tanh'")
    if activations[:1] != ["selu"]:
        raise Fail("activations", hint="SELU after the first transposed convolution, tanh on the output")
    if _of_kind(layers, "Dense", "units") != [7 * 7 * 2 * f]:
        raise Fail("the Dense layer", hint="one Dense layer with 7 * 7 * 2 * filters units, reshaped to "
                                           "(7, 7, 2 * filters)")
    if kinds != wanted:
        raise Fail("the generator's layers", hint=f"follow the book's order of layers: {', '.join(wanted)}")
    if _of_kind(layers, "BatchNormalization", "momentum") != _of_kind(expected, "BatchNormalization", "momentum"):
        raise Fail("the BatchNormalization layers' momentum", hint="keep BatchNormalization()'s default momentum "
                   "(0.99): the moving statistics the generator samples with (training=False) follow the batches "
                   "more slowly")


def _verify_discriminator(layers, expected, f):
    _without_biases(layers, expected)
    convs = _convolutions(layers, "Conv2D", [f, 2 * f], "the discriminator's",
                          "two Conv2D layers: `filters` filters, then 2 * filters")
    if "BatchNormalization" in _kinds(layers) and "BatchNormalization" not in _kinds(expected):
        raise Fail("the discriminator's layers", hint="the book's discriminator has no BatchNormalization (the "
                   "generator has two): Conv2D with LeakyReLU(0.2), then Dropout(0.4), twice")
    activations = [entry["activation"] for entry in convs]
    if any(a == "leaky_relu(0.3)" for a in activations):
        raise Fail("activations", hint="keras.layers.LeakyReLU() has a slope of 0.3 by default: write "
                                       "LeakyReLU(0.2)")
    if any(a not in ("leaky_relu(0.2)", "leaky_relu") for a in activations):
        raise Fail("activations", hint="give both convolutions activation=keras.layers.LeakyReLU(0.2): a small "
                                       "slope for negative inputs keeps gradients flowing to the generator")
    if _kinds(layers) != _kinds(expected):
        raise Fail("layers", hint=f"follow the book's order of layers: {', '.join(_kinds(expected))}")


def expect_outputs(what, got, expected, hint):
    expect_close(what, got, expected, rtol=1e-3, atol=1e-4, hint=hint)


def expect_dropout(rates, places, expected_places, hows=()):
    if "noise" in hows:
        raise Fail("the discriminator's layers that act only while training", "two Dropout(0.4)",
                   "a layer that adds noise", "the book's discriminator adds no noise (no GaussianNoise, "
                   "GaussianDropout or AlphaDropout): only its two Dropout(0.4) layers act while training")
    if rates != [0.4, 0.4]:
        raise Fail("the discriminator's dropout, measured while training", [0.4, 0.4], rates,
                   "Dropout(0.4) after each convolution: it keeps the discriminator from winning too easily")
    if len(places) != len(expected_places) or not all(map(_same_place, places, expected_places)):
        raise Fail("what the discriminator's dropout layers receive while training (shapes without the batch)",
                   expected_places, places,
                   "put each Dropout(0.4) right after a convolution, on its output: not on the input images, and not "
                   "on the probability the last layer outputs")
    if any(how != "values" for how in hows):
        raise Fail("how the discriminator's dropout drops while training", "single values", "whole feature maps",
                   "use layers.Dropout(0.4): it drops single values; SpatialDropout2D (or a noise_shape) drops whole "
                   "feature maps, another regulariser")


class Dcgan(Exercise):
    name = "dcgan"
    title = "the book's DCGAN"
    answer = "solutions.dcgan:build_dcgan"
    points = 3
    parts = ("generator", "discriminator")  # each judged on its own outputs: one network's mistake costs half

    def probe(self, build, rng):
        codings_size, filters = int(rng.integers(5, 12)), int(rng.integers(2, 5))
        noise = rng.normal(size=(6, codings_size)).astype("float32")
        images = rng.uniform(-1, 1, size=(6, 28, 28, 1)).astype("float32")
        generator, discriminator = _expect_pair(build(codings_size=codings_size, filters=filters), 1, "1 each")
        _call_or_fail(generator, "generator", noise[:2], f"(batch, {codings_size}) noise",
                      "keras.Input(shape=(codings_size,))")
        _call_or_fail(discriminator, "discriminator", images[:2], "(batch, 28, 28, 1) images",
                      "keras.Input(shape=(28, 28, 1))")
        g_rng, d_rng = _weight_streams(rng)
        got = {"filters": filters, "g_layers": layer_signature(generator), "d_layers": layer_signature(discriminator),
               "g_shapes": set_probe_weights(generator, g_rng), "d_shapes": set_probe_weights(discriminator, d_rng)}
        got["g_images"] = np.asarray(generator(noise, training=False), dtype=np.float64)
        got["g_images_training"] = np.asarray(generator(noise, training=True), dtype=np.float64)
        # that call moved batch normalization's moving statistics: how far shows in inference
        got["g_images_after_training"] = np.asarray(generator(noise, training=False), dtype=np.float64)
        got["d_scores"] = np.asarray(discriminator(images, training=False), dtype=np.float64)
        got["d_rates"], got["d_dropout_inputs"], got["d_dropout_hows"] = dropout_calls(discriminator,
                                                                lambda: discriminator(images, training=True))
        return got

    def verify_part(self, part, got, expected):
        f = expected["filters"]
        if part == "discriminator":
            self._verify_discriminator(got, expected, f)
            return
        g_hint = generator_hint(got["g_images"], got["g_layers"], expected["g_layers"], f)
        if got["g_shapes"] != expected["g_shapes"]:
            raise Fail("the generator's weights (shapes, in order)", hint=g_hint)
        expect_outputs("the generator's images with the grader's weights", got["g_images"], expected["g_images"],
                       g_hint)
        expect_outputs("the generator's images while training (batch statistics)", got["g_images_training"],
                       expected["g_images_training"], "batch normalization after the Reshape and after the first "
                       "Conv2DTranspose, and nothing else that behaves differently while training")
        expect_outputs("the generator's images in inference after one training call (moving statistics)",
                       got["g_images_after_training"], expected["g_images_after_training"], g_hint)

    @staticmethod
    def _verify_discriminator(got, expected, f):
        d_hint = discriminator_hint(got["d_scores"], got["d_layers"], expected["d_layers"], f)
        if got["d_shapes"] != expected["d_shapes"]:
            raise Fail("the discriminator's weights (shapes, in order)", hint=d_hint)
        expect_outputs("the discriminator's scores with the grader's weights", got["d_scores"], expected["d_scores"],
                       d_hint)
        expect_dropout(got["d_rates"], got["d_dropout_inputs"], expected["d_dropout_inputs"],
                       got["d_dropout_hows"])


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
        # the same layer on a second batch, ten times as spread: its statistic must be the new batch's
        second = np.asarray(layer(10 * x), dtype=np.float64)
        same = np.repeat(x[:1], 5, axis=0)
        custom = Layer(epsilon=1e-2)
        with tf.GradientTape() as tape:
            same_tensor = tf.constant(same)
            tape.watch(same_tensor)
            same_out = custom(same_tensor)
            total = tf.reduce_sum(same_out)
        gradient = tape.gradient(total, same_tensor)
        # how the extra channel moves with each input value (on the first batch, whose values differ)
        with tf.GradientTape() as tape:
            x_tensor = tf.constant(x)
            tape.watch(x_tensor)
            extra_sum = tf.reduce_sum(tf.convert_to_tensor(Layer()(x_tensor))[..., -1])
        extra_gradient = tape.gradient(extra_sum, x_tensor)
        try:
            named = Layer(epsilon=1e-2, name="grader_std")
            copy = type(named).from_config(named.get_config())
            config_error = None
        except TypeError as error:  # an __init__ without **kwargs: Keras passes name, dtype and trainable back
            copy, config_error = custom, f"{type(error).__name__}: {error}"
        return {
            "shape": list(out.shape), "passes_input": float(np.max(np.abs(out[..., :4] - x))) if out.ndim == 4 and
            out.shape[-1] >= 4 else None,
            "extra": out[..., -1] if out.ndim == 4 else np.zeros(0),
            "second_extra": second[..., -1] if second.ndim == 4 else np.zeros(0),
            "same_extra": np.asarray(same_out, dtype=np.float64)[..., -1],
            "gradient_finite": bool(gradient is not None and np.all(np.isfinite(np.asarray(gradient)))),
            "extra_gradient": None if extra_gradient is None else np.asarray(extra_gradient, dtype=np.float64),
            # fit runs the layer compiled as a graph, on symbolic tensors
            "graph_error": graph_error(lambda inputs: Layer()(inputs), [x]),
            "copy_extra": np.asarray(copy(same), dtype=np.float64)[..., -1],
            "copy_name": copy.name, "config_error": config_error,
            "registered": keras.saving.get_registered_name(type(custom)),
            "symbolic_shape": list(keras.Sequential([keras.Input((5, 5, 2)), Layer()]).output_shape[1:]),
        }

    def error_hint(self, error):
        text = str(error).lower()
        if "reshape" in text or "divisible" in text or "split" in text:
            return ("the probe's batches hold 6 and 5 images: take the standard deviation over the whole batch "
                    "(axis=0), not over groups of a fixed size (ProGAN's groups of 4), which works only when the "
                    "group size divides the batch size")
        return None

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
        if "second_extra" in got and np.asarray(got["second_extra"]).size:
            expect_close("the extra channel of the same layer on a second batch, ten times as spread",
                         np.asarray(got["second_extra"]).flat[0], np.asarray(expected["second_extra"]).flat[0],
                         rtol=1e-4, hint="compute the statistic from each call's inputs: do not keep it on the layer "
                                         "from an earlier batch")
        if got.get("graph_error"):
            raise Fail("the layer compiled as a graph, as fit runs it", "no error", got["graph_error"],
                       "write call with keras.ops on the input tensor, not NumPy: inside fit the inputs are "
                       "symbolic tensors, which NumPy cannot read")
        if got.get("extra_gradient") is None or np.shape(got["extra_gradient"]) != np.shape(
                expected["extra_gradient"]):
            raise Fail("the gradient of the extra channel with respect to the inputs", "a gradient", "none",
                       "compute the statistic with keras.ops on the inputs, without stop_gradient: the discriminator "
                       "learns through it")
        expect_close("the gradient of the extra channel with respect to the inputs", got["extra_gradient"],
                     expected["extra_gradient"], rtol=1e-3, atol=1e-6,
                     hint="the statistic must stay differentiable: no stop_gradient, no NumPy, no constant; "
                          "ops.sqrt(ops.var(inputs, axis=0) + self.epsilon), averaged")
        expect_close("extra channel for identical images with epsilon=1e-2", np.asarray(got["same_extra"]).flat[0],
                     0.1, rtol=1e-3, hint="identical images have variance 0, so the statistic is "
                                          "sqrt(0 + epsilon): use the epsilon given to __init__")
        if got["config_error"]:
            raise Fail("the layer rebuilt from get_config()", "a copy", got["config_error"],
                       "accept **kwargs in __init__ and pass them on, super().__init__(**kwargs): Keras rebuilds the "
                       "layer with its name, dtype and trainable flag")
        expect_close("the same layer rebuilt from get_config()", np.asarray(got["copy_extra"]).flat[0], 0.1,
                     rtol=1e-3, hint="get_config must return {**super().get_config(), 'epsilon': self.epsilon}")
        expect_equal("the name of the layer rebuilt from get_config()", got["copy_name"], "grader_std",
                     "get_config must return {**super().get_config(), 'epsilon': self.epsilon}: the parent's "
                     "config carries the layer's name, dtype and trainable flag")
        expect_equal("registered name", got["registered"], expected["registered"],
                     "decorate the class with @keras.saving.register_keras_serializable(package='course')")
        expect_equal("output shape inside a Sequential model", got["symbolic_shape"], expected["symbolic_shape"],
                     "compute_output_shape returns the input shape with one more channel")


def _swap_halves(model, weights, axis, split, size):
    """``weights`` with the two halves of the first kernel that reads a concatenation of ``size`` along ``axis``
    swapped at ``split``: the same network for the concatenation written the other way round."""
    swapped = list(weights)
    for i, value in enumerate(weights):
        if value.ndim > axis >= 0 and value.ndim >= 2 and value.shape[axis] == size:
            swapped[i] = np.roll(value, -split, axis=axis)
            break
    return swapped


class ConditionalGan(Exercise):
    name = "conditional_gan"
    title = "conditional GAN: generator and discriminator that take the label"
    answer = "solutions.dcgan:build_conditional_gan"
    points = 3
    parts = ("generator", "discriminator")

    def probe(self, build, rng):
        sizes = {"codings_size": int(rng.integers(5, 12)), "num_classes": int(rng.integers(3, 8)),
                 "filters": int(rng.integers(2, 4)), "embedding_dim": int(rng.integers(3, 8))}
        noise = rng.normal(size=(6, sizes["codings_size"])).astype("float32")
        labels = rng.integers(0, sizes["num_classes"], size=6).astype("int32")
        other_labels = ((labels + rng.integers(1, sizes["num_classes"], size=6)) % sizes["num_classes"]).astype(
            "int32")
        images = rng.uniform(-1, 1, size=(6, 28, 28, 1)).astype("float32")
        generator, discriminator = _expect_pair(build(**sizes), 2, "2 each: [noise, labels] and [images, labels]")
        # inputs declared as [labels, noise] (or [labels, images]): the lesson calls generator([noise, labels]), which
        # fails on them; the probe calls such a network the other way round, and verify names the order
        labels_first = {id(model): _labels_first(model) for model in (generator, discriminator)}

        def run(model, first, labels, training=False):
            ordered = (lambda pair: pair[::-1]) if labels_first[id(model)] else (lambda pair: pair)
            try:
                return np.asarray(model(ordered([first, labels]), training=training), dtype=np.float64)
            except Exception:  # noqa: BLE001 - a model built with labels of shape (1,)
                return np.asarray(model(ordered([first, labels[:, None]]), training=training), dtype=np.float64)

        g_rng, d_rng = _weight_streams(rng)
        got = {"sizes": sizes, "g_layers": layer_signature(generator), "d_layers": layer_signature(discriminator),
               "g_shapes": set_probe_weights(generator, g_rng), "d_shapes": set_probe_weights(discriminator, d_rng),
               "g_labels_first": labels_first[id(generator)],
               "d_labels_first": labels_first[id(discriminator)]}
        concatenated = {"generator": (generator, 0, sizes["codings_size"],
                                      sizes["codings_size"] + sizes["embedding_dim"]),
                        "discriminator": (discriminator, 2, 1, 2)}  # [noise, code]; [image, label map] channels
        for network, (model, axis, split, size) in concatenated.items():
            drawn = model.get_weights()
            for order, weights in (("", drawn), ("_swapped", _swap_halves(model, drawn, axis, split, size))):
                model.set_weights(weights)
                if network == "generator":
                    got[f"g_images{order}"] = run(generator, noise, labels)
                    got[f"g_images_other_labels{order}"] = run(generator, noise, other_labels)
                    got[f"g_images_training{order}"] = run(generator, noise, labels, training=True)
                    model.set_weights(weights)  # training moved the batch-normalization statistics
                else:
                    got[f"d_scores{order}"] = run(discriminator, images, labels)
                    got[f"d_scores_other_labels{order}"] = run(discriminator, images, other_labels)
        got["d_rates"], got["d_dropout_inputs"], got["d_dropout_hows"] = dropout_calls(discriminator,
                                                                lambda: run(discriminator, images, labels, True))
        return got

    @staticmethod
    def _order(got, expected, prefix, keys):
        """"" or "_swapped": the concatenation order whose outputs match the reference's, or None."""
        return next((order for order in ("", "_swapped") if all(
            np.shape(got[f"{prefix}{key}{order}"]) == np.shape(expected[f"{prefix}{key}"]) and np.all(close_mask(
                got[f"{prefix}{key}{order}"], expected[f"{prefix}{key}"], 1e-3, 1e-4)) for key in keys)), None)

    def verify_part(self, part, got, expected):
        network, key, other = ("discriminator", "d", "images") if part == "discriminator" else ("generator", "g",
                                                                                                  "noise")
        if got.get(f"{key}_labels_first"):
            raise Fail(f"the {network}'s inputs", f"[{other}, labels]", f"[labels, {other}]",
                       f"declare them in the lesson's order, keras.Model([{other}, label], ...): the lesson calls "
                       f"{network}([{other}, labels])")
        if part == "discriminator":
            self._verify_discriminator(got, expected)
            return
        f = expected["sizes"]["filters"]
        g_hint = self._label_hint(got, "g_images", "the generator") or self._embedding_hint(
            got["g_layers"], expected["g_layers"], "generator") or generator_hint(
            got["g_images"], got["g_layers"], expected["g_layers"], f)
        if got["g_shapes"] != expected["g_shapes"]:
            raise Fail("the generator's weights (shapes, in order)", hint=g_hint)
        order = self._order(got, expected, "g_images", ("", "_other_labels"))
        if order is None:
            raise Fail("the generator's images with the grader's weights", "the reference's images", "other images",
                       g_hint)
        expect_outputs("the generator's images while training (batch statistics)", got["g_images_training" + order],
                       expected["g_images_training"], "after the label code is concatenated, the generator is the "
                       "DCGAN's, with its two BatchNormalization layers")

    def _verify_discriminator(self, got, expected):
        f = expected["sizes"]["filters"]
        d_hint = self._label_hint(got, "d_scores", "the discriminator") or self._embedding_hint(
            got["d_layers"], expected["d_layers"], "discriminator") or discriminator_hint(
            got["d_scores"], got["d_layers"], expected["d_layers"], f)
        if got["d_shapes"] != expected["d_shapes"]:
            raise Fail("the discriminator's weights (shapes, in order)", hint=d_hint)
        if self._order(got, expected, "d_scores", ("", "_other_labels")) is None:
            raise Fail("the discriminator's scores with the grader's weights", "the reference's scores",
                       "other scores", d_hint)
        expect_dropout(got["d_rates"], got["d_dropout_inputs"], expected["d_dropout_inputs"],
                       got["d_dropout_hows"])

    @staticmethod
    def _label_hint(got, key, network):
        same = np.asarray(got[key]).shape == np.asarray(got[f"{key}_other_labels"]).shape and np.allclose(
            got[key], got[f"{key}_other_labels"], rtol=0, atol=1e-7)
        if not same:
            return None
        if network == "the generator":
            return ("the label never reaches the image: embed it (layers.Embedding(num_classes, embedding_dim)) "
                    "and concatenate it with the noise")
        return ("the discriminator must see the label: embed it into a (28, 28, 1) map and concatenate it with the "
                "image as a second channel")

    @staticmethod
    def _embedding_hint(layers, expected_layers, network):
        kinds = _kinds(layers)
        if "Embedding" not in kinds:
            return "turn each class id into a learned vector with layers.Embedding(num_classes, size)"
        if "Concatenate" not in kinds and any(kind in kinds for kind in ("Multiply", "Add")):
            return (f"concatenate the label's code with the {'noise' if network == 'generator' else 'image'} "
                    f"(layers.Concatenate): multiplying or adding mixes the two into the same numbers")
        sizes = [[entry.get("input_dim"), entry.get("output_dim")] for entry in layers if entry["kind"] == "Embedding"]
        wanted = [[entry.get("input_dim"), entry.get("output_dim")] for entry in expected_layers
                  if entry["kind"] == "Embedding"]
        if sizes != wanted:
            return (f"the label's Embedding has shape {wanted[0]}: layers.Embedding(num_classes, "
                    f"embedding_dim) in the generator, layers.Embedding(num_classes, 28 * 28) in the "
                    f"discriminator, with the arguments given (no fixed numbers)")
        if network == "discriminator" and "Concatenate" in kinds and "Conv2D" in kinds[:kinds.index("Concatenate")]:
            return ("concatenate the label map with the image itself, as a second channel, before the first "
                    "convolution: the convolutions then see the image and its label together")
        return None


EXERCISES = [Dcgan(), MinibatchStd(), ConditionalGan()]
