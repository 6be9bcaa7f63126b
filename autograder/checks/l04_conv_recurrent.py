"""Checks for lesson 04, convolutional and recurrent autoencoders. Reference answers: ``solutions/conv.py``.

Both probes build the learner's three models, give every weight a value drawn from the probe's seed (so the
learner's and the reference's models compute the same function when, and only when, they compute the same thing,
however the layers are spelled), and record shapes and the outputs on a small batch. The layers' kinds, settings and
weight shapes are recorded too, but only to choose the hint once the outputs disagree. Keras's own error messages for
the usual shape mistakes are turned into hints as well, since a wrong padding or a missing ``return_sequences``
often makes the learner's ``Sequential`` fail while it is being built.
"""

import re

import numpy as np

from autograder.checks.exercise import (Exercise, Fail, expect_autoencoder_models, expect_close,
                                        expect_no_training_only_layers, expect_training_settings,
                                        seed_uniform_weights, training_gap, training_settings,
                                        weights_in_call_order)

LESSON = "04_conv_recurrent"

_RESHAPE_ERROR = re.compile(r"total size of the tensor must be unchanged.*input_shape=\(([\d, ]+)\)", re.S)
_NDIM_ERROR = re.compile(r"expected (?:min_)?ndim=(\d+), found ndim=(\d+)\. Full shape received: \(([^)]*)\)")
_TIME_DISTRIBUTED_ERROR = re.compile(r"TimeDistributed` Layer should be passed an `input_shape` with at least 3")


def _shape(text):
    return [int(part) if part.strip().isdigit() else None for part in text.split(",") if part.strip()]



_ACTIVATION_LAYERS = {"ReLU": "relu", "ELU": "elu", "LeakyReLU": "leaky_relu", "Softmax": "softmax"}


def _layer_summary(model):
    """``[[class name, activation, padding, return_sequences], ...]`` of the model's layers, as plain strings."""
    summary = []
    for layer in model.layers:
        try:
            config = layer.get_config()
        except Exception:  # noqa: BLE001 - a layer of the learner's own without get_config: no settings to show
            config = {}
        inner = config.get("layer", {}).get("config", {}) if isinstance(config.get("layer"), dict) else {}
        activation = config.get("activation", inner.get("activation", _ACTIVATION_LAYERS.get(type(layer).__name__)))
        summary.append([type(layer).__name__, str(activation or ""), str(config.get("padding", "")),
                        str(config.get("return_sequences", ""))])
    return summary


def _probe_autoencoder(build, rng, explain_error, kwargs):
    """Plain data about the learner's three models; ``explain_error`` turns a Keras error message into a Fail."""
    import keras

    def attempt(function, *args):
        try:
            return function(*args)
        except ValueError as error:
            failure = explain_error(str(error))
            if failure is None:
                raise
            raise failure from None

    models = attempt(lambda: build(**kwargs))
    models = expect_autoencoder_models(models)
    encoder, decoder, autoencoder = models
    x = rng.uniform(0, 1, size=(2, 28, 28)).astype("float32")
    x[:, :3] = x[:, -2:] = 0.0  # black rows, as above and below most Fashion-MNIST items (a Masking layer skips them)
    codings = np.asarray(attempt(encoder, x))
    data = {"codings_shape": list(codings.shape[1:]), "encoder_layers": _layer_summary(encoder)}
    data["decoder_layers"] = _layer_summary(decoder)
    try:
        decoded = np.asarray(attempt(decoder, codings))
    except Exception as error:  # noqa: BLE001 - often a consequence of wrong codings, which verify reports first
        if isinstance(error, Fail):
            raise
        data["decoder_error"] = f"{type(error).__name__}: {error}"[:300]
        return data
    data["decoder_shape"] = list(decoded.shape[1:])
    if data["decoder_shape"] != [28, 28]:
        return data  # verify stops at the shapes
    # in the order the layers run (a subclassed model lists its weights in the order __init__ made them)
    encoder_weights, decoder_weights = weights_in_call_order(encoder, x), weights_in_call_order(decoder, codings)
    seed_uniform_weights(encoder, rng, encoder_weights)
    seed_uniform_weights(decoder, rng, decoder_weights)
    codings = np.asarray(encoder(x))
    far = (rng.normal(size=codings.shape) * 20 * (np.abs(codings).max() + 1)).astype("float32")
    far_output = np.asarray(decoder(far))
    data.update({
        "codings": codings.astype("float64"),
        "reconstructions": np.asarray(decoder(codings)).astype("float64"),
        "output_range": [float(far_output.min()), float(far_output.max())],
        "compose_error": float(np.max(np.abs(np.asarray(autoencoder(x)) - np.asarray(decoder(encoder(x)))))),
        "num_params": int(autoencoder.count_params()),
        "encoder_weights": [list(variable.shape) for variable in encoder_weights],
        "decoder_weights": [list(variable.shape) for variable in decoder_weights],
        "training_gap": training_gap(autoencoder, x),
        "training_settings": training_settings(autoencoder, x),
    })
    return data


def _fail_decoder_error(got, hint):
    if "decoder_error" in got:
        raise Fail("the decoder applied to the encoder's codings", "(batch, 28, 28) images",
                   got["decoder_error"], hint)


def _nonlinearities(layers):
    """The activations a model's layers apply, in order, whether given as an argument or as a layer of its own."""
    return [activation for _, activation, *_ in layers if activation not in ("", "linear", "None")]


def _extra_layers(layers, expected_layers):
    """The kinds of layer the learner's model has and the reference's lacks (activation layers aside)."""
    wanted = {layer[0] for layer in expected_layers}
    return sorted({layer[0] for layer in layers} - wanted - {"Activation", *_ACTIVATION_LAYERS})


def _fail_outputs_and_composition(got, expected, sigmoid_hint, compose_hint):
    low, high = got["output_range"]
    if low < 0 or high > 1:
        raise Fail("decoder outputs are pixel values in [0, 1]", "values in [0, 1]",
                   f"values from {low:.3g} to {high:.3g}", sigmoid_hint)
    if got["compose_error"] > 1e-4:
        raise Fail("autoencoder(x) == decoder(encoder(x))", "0 difference", f"{got['compose_error']:.3g}",
                   compose_hint)
    expect_no_training_only_layers(got.get("training_gap", 0.0), "the autoencoder's outputs")


# ---------------------------------------------------------------------------------------------------------------
# convolutional autoencoder


def _conv_codings_hint(codings, pools=3):
    """The likely mistake behind convolutional codings of shape ``codings`` (without the batch axis)."""
    if len(codings) != 3:
        return "keep the codings a 3x3x64 grid: no Flatten or Dense layer in the encoder"
    if pools < 3 or codings[0] in (7, 14, 28):
        return ("put a MaxPool2D(pool_size=2) after each of the three Conv2D layers: the pooling does the "
                "shrinking, 28 -> 14 -> 7 -> 3")
    if codings[0] == 4:
        return ("7 must become 3: MaxPool2D(pool_size=2) with its default padding=\"valid\" does that; "
                "padding=\"same\" (or a strided convolution instead of the pooling) rounds up to 4")
    if codings[0] < 3:
        return "use padding=\"same\" in every Conv2D: \"valid\" shrinks the image by 2 pixels at each 3x3 convolution"
    if codings[2] != 64:
        return "the last Conv2D needs 64 filters (16, 32, 64)"
    return "three Conv2D (16, 32, 64 filters, 3x3, \"same\"), each followed by MaxPool2D(pool_size=2)"


def _conv_decoder_shape_hint(shape):
    """The likely mistake behind a convolutional decoder's output ``shape`` (without the batch axis)."""
    if shape == [28, 28, 1]:
        return "end the decoder with Reshape([28, 28]) to drop the channel axis, so it returns (28, 28) images"
    if len(shape) == 3 and shape[:2] == [28, 28]:
        return "the last Conv2DTranspose needs 1 filter (one grey channel), then Reshape([28, 28])"
    side = shape[0] if shape else None
    if side == 24:
        return ("the first Conv2DTranspose needs kernel_size=3 and padding=\"valid\": from 3x3 codings it gives "
                "(3 - 1) * 2 + 3 = 7 pixels; with \"same\", kernel_size=2 or an UpSampling2D it gives 6, and "
                "6 -> 12 -> 24")
    if side is not None and 24 < side < 32:
        return ("only the first Conv2DTranspose uses padding=\"valid\" (3 -> 7); the next two use padding=\"same\", "
                "so that each exactly doubles the size: 7 -> 14 -> 28")
    if side is not None and side % 8 in (0, 4) and side // 8 != 3:
        # the decoder is probably right and the codings are not 3x3: side = 8 * codings (+ 4 with a "valid" start)
        codings = side // 8
        return f"the codings seem to be {codings}x{codings}, not 3x3: " + _conv_codings_hint([codings, codings, 64])
    return ("three Conv2DTranspose layers with kernel_size=3 and strides=2 (32 filters \"valid\", 16 \"same\", "
            "1 \"same\" with a sigmoid), then Reshape([28, 28])")


_DECODER_INPUT_ERROR = re.compile(r"expected shape=\(None, ([\d, ]+)\), found shape=\(None, 3, 3, 64\)")
_MISMATCH_ERROR = re.compile(r"expected shape=\(None, 3, 3, 64\), found shape=\(None, ([\d, ]+)\)")


def _conv_error(message):
    reshape = _RESHAPE_ERROR.search(message)
    if reshape:
        shape = _shape(reshape.group(1))
        return Fail("the image size before the decoder's final Reshape", "(28, 28, 1)", tuple(shape),
                    _conv_decoder_shape_hint(shape))
    decoder_input = _DECODER_INPUT_ERROR.search(message)
    if decoder_input:
        return Fail("the decoder's input shape", (3, 3, 64), tuple(_shape(decoder_input.group(1))),
                    "start the decoder with keras.Input(shape=(3, 3, 64)): it reads the encoder's codings")
    mismatch = _MISMATCH_ERROR.search(message)
    if mismatch:
        codings = _shape(mismatch.group(1))
        return Fail("encoder codings shape (without the batch axis)", (3, 3, 64), tuple(codings),
                    _conv_codings_hint(codings))
    ndim = _NDIM_ERROR.search(message)
    if ndim and "conv" in message.lower() and _shape(ndim.group(3))[1:] == [28, 28]:
        return Fail("the encoder's input", "(batch, 28, 28) images, reshaped to (28, 28, 1)",
                    f"a Conv2D fed ({ndim.group(3)})",
                    "start the encoder with Reshape([28, 28, 1]): Conv2D needs a channel axis")
    return None


class ConvAutoencoder(Exercise):
    name = "conv_autoencoder"
    title = "convolutional autoencoder"
    answer = "solutions.conv:build_conv_autoencoder"
    points = 3

    def probe(self, build, rng):
        return _probe_autoencoder(build, rng, _conv_error, {})

    def verify(self, got, expected):
        codings, names = got["codings_shape"], [layer[0] for layer in got["encoder_layers"]]
        if codings != expected["codings_shape"]:
            raise Fail("encoder codings shape (without the batch axis)", tuple(expected["codings_shape"]),
                       tuple(codings), _conv_codings_hint(codings, sum("Pool" in name for name in names)))
        _fail_decoder_error(got, "the decoder starts from keras.Input(shape=(3, 3, 64)), the encoder's output")
        if got["decoder_shape"] != expected["decoder_shape"]:
            raise Fail("decoder output shape (without the batch axis)", tuple(expected["decoder_shape"]),
                       tuple(got["decoder_shape"]), _conv_decoder_shape_hint(got["decoder_shape"]))
        _fail_outputs_and_composition(
            got, expected,
            "add activation=\"sigmoid\" to the last Conv2DTranspose: pixels are in [0, 1], and binary "
            "cross-entropy needs predictions there too",
            "build the autoencoder as keras.Sequential([encoder, decoder]) from the same two models")
        expect_close("codings with weights set from the seed", got["codings"], expected["codings"], rtol=1e-3,
                     atol=1e-4, hint=self._hint(got, expected, "encoder"))
        expect_close("reconstructions with weights set from the seed", got["reconstructions"],
                     expected["reconstructions"], rtol=1e-3, atol=1e-4, hint=self._hint(got, expected, "decoder"))
        # after the outputs: an extra layer's weights are told by the outputs, with a sharper hint
        expect_training_settings(got["training_settings"], expected["training_settings"], "the autoencoder")

    @staticmethod
    def _hint(got, expected, part):
        """The likely mistake in ``part`` (encoder or decoder), whose outputs disagree, from its layers."""
        layers = got[f"{part}_layers"]
        if any("AveragePooling" in layer[0] for layer in layers):
            return "use max pooling, keras.layers.MaxPool2D(pool_size=2)"
        if got[f"{part}_weights"] != expected[f"{part}_weights"]:
            return ("kernel_size=3 everywhere; filters 16, 32, 64 in the encoder's Conv2D layers and 32, 16, 1 in the "
                    f"decoder's Conv2DTranspose layers; no extra layers ({part}: weight shapes "
                    f"{got[f'{part}_weights']})")
        extra = _extra_layers(layers, expected[f"{part}_layers"])
        if extra:
            return f"the lesson's {part} has no {', '.join(extra)} layer: only the layers the exercise lists"
        activations = _nonlinearities(layers)
        wanted = _nonlinearities(expected[f"{part}_layers"])
        if activations != wanted:
            return (f"the {part} applies the activations {activations}, not {wanted}: use activation=\"selu\" in the "
                    "three Conv2D layers and the first two Conv2DTranspose layers, a sigmoid in the last")
        if part == "encoder":
            return "Conv2D (\"same\", SELU) then MaxPool2D(2), three times, after the Reshape"
        return "strides=2 in each Conv2DTranspose; paddings \"valid\", \"same\", \"same\""


# ---------------------------------------------------------------------------------------------------------------
# recurrent autoencoder


_SEQUENCE_CODINGS_ERROR = re.compile(r"expected shape=\(None, \d+\), found shape=\(None, (\d+), (\d+)\)")


_FIXED_DECODER_INPUT_ERROR = re.compile(r"expected shape=\(None, (\d+)\), found shape=\(None, (\d+)\)")


def _recurrent_error(message):
    fixed = _FIXED_DECODER_INPUT_ERROR.search(message)
    if fixed and fixed.group(1) != fixed.group(2):
        return Fail("the decoder's input shape", f"({fixed.group(2)},), the codings", f"({fixed.group(1)},)",
                    "start the decoder with keras.Input(shape=(codings_size,)): use the argument, not a fixed "
                    f"{fixed.group(1)}")
    sequence = _SEQUENCE_CODINGS_ERROR.search(message)
    if sequence:
        return Fail("encoder codings shape (without the batch axis)", "(codings_size,)",
                    f"({sequence.group(1)}, {sequence.group(2)})", _SEQUENCE_CODINGS_HINT)
    if _TIME_DISTRIBUTED_ERROR.search(message):
        return Fail("the decoder's LSTM output", "a sequence (batch, 28, 100)", "its last output only",
                    "the decoder's LSTM needs return_sequences=True: one output per image row")
    ndim = _NDIM_ERROR.search(message)
    if ndim and "repeat_vector" in message.lower() and ndim.group(2) == "3":
        return Fail("encoder codings shape (without the batch axis)", "(codings_size,)",
                    tuple(_shape(ndim.group(3))[1:]), _SEQUENCE_CODINGS_HINT)
    if ndim and "lstm" in message.lower():
        received = _shape(ndim.group(3))
        if ndim.group(2) == "2" and received[-1] == 100:
            return Fail("the encoder's second LSTM input", "a sequence (batch, 28, 100)", f"({ndim.group(3)})",
                        "the encoder's first LSTM needs return_sequences=True so the second LSTM gets a sequence")
        if ndim.group(2) == "2":
            return Fail("the decoder's LSTM input", "a sequence (batch, 28, codings_size)", f"({ndim.group(3)})",
                        "start the decoder with RepeatVector(28): an LSTM reads a sequence, so repeat the codings "
                        "once per image row")
    return None


_SEQUENCE_CODINGS_HINT = ("the encoder's last LSTM returns only its last output: leave return_sequences=False "
                          "there (the default)")


class RecurrentAutoencoder(Exercise):
    name = "recurrent_autoencoder"
    title = "recurrent autoencoder"
    answer = "solutions.conv:build_recurrent_autoencoder"
    points = 2
    codings_size = 12  # not the lesson's 30, so that a hard-coded size shows

    def probe(self, build, rng):
        return _probe_autoencoder(build, rng, _recurrent_error, {"codings_size": self.codings_size})

    def verify(self, got, expected):
        codings = got["codings_shape"]
        if codings != expected["codings_shape"]:
            if len(codings) == 2:
                hint = _SEQUENCE_CODINGS_HINT
            else:
                hint = "end the encoder with LSTM(codings_size): use the argument, not a fixed 30"
            raise Fail("encoder codings shape (without the batch axis)", tuple(expected["codings_shape"]),
                       tuple(codings), hint)
        _fail_decoder_error(got, "the decoder starts from keras.Input(shape=(codings_size,)), the encoder's output")
        shape = got["decoder_shape"]
        if shape != expected["decoder_shape"]:
            if len(shape) == 2 and shape[0] != 28:
                hint = "repeat the codings 28 times, once per image row: RepeatVector(28)"
            elif len(shape) == 2:
                hint = "each time step outputs one row of 28 pixels: TimeDistributed(Dense(28, ...))"
            else:
                hint = ("RepeatVector(28), LSTM(100, return_sequences=True), TimeDistributed(Dense(28)): the "
                        "decoder returns (28, 28)")
            raise Fail("decoder output shape (without the batch axis)", tuple(expected["decoder_shape"]), tuple(shape),
                       hint)
        _fail_outputs_and_composition(
            got, expected, "give the TimeDistributed Dense(28) activation=\"sigmoid\": pixels are in [0, 1]",
            "build the autoencoder as keras.Sequential([encoder, decoder]) from the same two models")
        expect_close("codings with weights set from the seed", got["codings"], expected["codings"], rtol=1e-3,
                     atol=1e-4, hint=self._hint(got, expected, "encoder"))
        expect_close("reconstructions with weights set from the seed", got["reconstructions"],
                     expected["reconstructions"], rtol=1e-3, atol=1e-4, hint=self._hint(got, expected, "decoder"))
        # after the outputs: an extra layer's weights are told by the outputs, with a sharper hint
        expect_training_settings(got["training_settings"], expected["training_settings"], "the autoencoder")

    @staticmethod
    def _hint(got, expected, part):
        """The likely mistake in ``part`` (encoder or decoder), whose outputs disagree, from its layers."""
        names = [layer[0] for layer in got[f"{part}_layers"]]
        others = sorted({name for name in names if name in ("GRU", "SimpleRNN", "Bidirectional")})
        if others:
            return f"use LSTM layers, not {', '.join(others)}: the lesson's recurrent autoencoder is made of LSTMs"
        if got[f"{part}_weights"] != expected[f"{part}_weights"]:
            return ("LSTM(100) then LSTM(codings_size) in the encoder; RepeatVector(28), LSTM(100) and "
                    f"TimeDistributed(Dense(28)) in the decoder; nothing more ({part}: weight shapes "
                    f"{got[f'{part}_weights']})")
        extra = _extra_layers(got[f"{part}_layers"], expected[f"{part}_layers"])
        if extra:
            return f"the lesson's {part} has no {', '.join(extra)} layer: only the layers the exercise lists"
        if part == "encoder":
            return ("read the rows top to bottom (no go_backwards) and take the codings from the last step of "
                    "LSTM(codings_size) (return_sequences=False); keep the LSTMs' default activations (tanh and "
                    "sigmoid gates)")
        return ("keep the LSTM's default activations; RepeatVector(28), LSTM(100, return_sequences=True), "
                "TimeDistributed(Dense(28, activation=\"sigmoid\"))")


EXERCISES = [ConvAutoencoder(), RecurrentAutoencoder()]
