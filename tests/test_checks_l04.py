"""Lesson 04's checks: the reference answers pass; each mistake a check names is caught with its hint."""

import keras
import pytest

from autograder.checks.runtime import run_check
from solutions import conv

layers = keras.layers


def test_reference_answers_pass():
    for name, answer in [("conv_autoencoder", conv.build_conv_autoencoder),
                         ("recurrent_autoencoder", conv.build_recurrent_autoencoder)]:
        status, message, _ = run_check(name, answer)
        assert status == "passed", message


def _conv(decoder_padding=("valid", "same", "same"), conv_padding="same", pool_padding="valid", pools=3,
          activation="selu", output_activation="sigmoid", filters=(16, 32, 64), last_filters=1, reshape=True,
          input_reshape=True, pooling=layers.MaxPool2D, decoder_input=(3, 3, 64), separate_autoencoder=False):
    """A convolutional autoencoder builder with one mistake switched on by its arguments."""
    def build():
        encoder_layers = [keras.Input(shape=(28, 28))] + ([layers.Reshape((28, 28, 1))] if input_reshape else [])
        for index, count in enumerate(filters):
            encoder_layers.append(layers.Conv2D(count, 3, padding=conv_padding, activation=activation))
            if index < pools:
                encoder_layers.append(pooling(pool_size=2, padding=pool_padding))
        encoder = keras.Sequential(encoder_layers)

        def decoder_layers():
            return [keras.Input(shape=decoder_input),
                    layers.Conv2DTranspose(32, 3, strides=2, padding=decoder_padding[0], activation=activation),
                    layers.Conv2DTranspose(16, 3, strides=2, padding=decoder_padding[1], activation=activation),
                    layers.Conv2DTranspose(last_filters, 3, strides=2, padding=decoder_padding[2],
                                           activation=output_activation)] + ([layers.Reshape((28, 28))] if reshape
                                                                             else [])
        decoder = keras.Sequential(decoder_layers())
        if separate_autoencoder:  # new layers instead of the encoder and decoder just built
            autoencoder = keras.Sequential([conv.build_conv_autoencoder()[0], keras.Sequential(decoder_layers())])
        else:
            autoencoder = keras.Sequential([encoder, decoder])
        return encoder, decoder, autoencoder
    return build


@pytest.mark.parametrize("answer, hint", [
    (_conv(decoder_padding=("same", "same", "same")),
     "first Conv2DTranspose needs kernel_size=3 and padding=\"valid\""),
    (_conv(decoder_padding=("same", "same", "same"), reshape=False),
     "first Conv2DTranspose needs kernel_size=3 and padding=\"valid\""),
    (_conv(decoder_padding=("valid", "valid", "same")), "the next two use padding=\"same\""),
    (_conv(decoder_padding=("valid", "valid", "valid"), reshape=False), "the next two use padding=\"same\""),
    (_conv(reshape=False), "end the decoder with Reshape([28, 28])"),
    (_conv(last_filters=16, reshape=False), "needs 1 filter"),
    (_conv(output_activation=None), "activation=\"sigmoid\""),
    (_conv(output_activation="selu"), "activation=\"sigmoid\""),
    (_conv(conv_padding="valid"), "padding=\"same\" in every Conv2D"),
    (_conv(pool_padding="same"), "MaxPool2D(pool_size=2) with its default padding=\"valid\""),
    (_conv(pool_padding="same", decoder_input=(4, 4, 64), decoder_padding=("same",) * 3),
     "MaxPool2D(pool_size=2) with its default padding=\"valid\""),  # 4x4 codings and a decoder to 32x32
    (_conv(pools=2), "MaxPool2D(pool_size=2) after each"),
    (_conv(pools=0, decoder_input=(28, 28, 64), reshape=False), "MaxPool2D(pool_size=2) after each"),
    (_conv(filters=(16, 32, 32)), "64 filters"),
    (_conv(input_reshape=False), "Reshape([28, 28, 1])"),
    (_conv(decoder_input=(3, 3, 32)), "keras.Input(shape=(3, 3, 64))"),
    (_conv(pooling=layers.AveragePooling2D), "max pooling"),
    (_conv(activation="relu"), "activation=\"selu\""),
    (_conv(filters=(32, 32, 64)), "filters 16, 32, 64"),
    (_conv(separate_autoencoder=True), "from the same two models"),
    (lambda: conv.build_conv_autoencoder()[2], "return encoder, decoder, autoencoder"),
])
def test_conv_autoencoder_mistakes(answer, hint):
    status, message, _ = run_check("conv_autoencoder", answer)
    assert status == "failed" and hint in message, message


def test_conv_autoencoder_with_other_but_equivalent_layers_passes():
    def build():  # MaxPooling2D is MaxPool2D; a functional decoder is as good as a Sequential one
        encoder, _, _ = conv.build_conv_autoencoder()
        codings = keras.Input(shape=(3, 3, 64))
        x = layers.Conv2DTranspose(32, 3, strides=2, activation="selu")(codings)
        x = layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="selu")(x)
        x = layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(x)
        decoder = keras.Model(codings, layers.Reshape((28, 28))(x))
        return encoder, decoder, keras.Sequential([encoder, decoder])
    status, message, _ = run_check("conv_autoencoder", build)
    assert status == "passed", message


def test_conv_autoencoder_with_activation_layers_passes():
    # the outputs with the probe's weights decide, not where the activation is written
    def build():
        encoder = keras.Sequential([keras.Input(shape=(28, 28)), layers.Reshape((28, 28, 1))] + [
            layer for filters in (16, 32, 64)
            for layer in (layers.Conv2D(filters, 3, padding="same"), layers.Activation("selu"), layers.MaxPool2D(2))])
        decoder = keras.Sequential([
            keras.Input(shape=(3, 3, 64)), layers.Conv2DTranspose(32, 3, strides=2), layers.Activation("selu"),
            layers.Conv2DTranspose(16, 3, strides=2, padding="same"), layers.Activation("selu"),
            layers.Conv2DTranspose(1, 3, strides=2, padding="same"), layers.Activation("sigmoid"),
            layers.Reshape((28, 28))])
        return encoder, decoder, keras.Sequential([encoder, decoder])
    status, message, _ = run_check("conv_autoencoder", build)
    assert status == "passed", message


def test_conv_autoencoder_with_relu_layers_names_the_activations():
    def build():
        encoder, decoder, _ = _conv(activation=None)()
        encoder = keras.Sequential([*encoder.layers[:2], layers.ReLU(), *encoder.layers[2:]])
        return encoder, decoder, keras.Sequential([encoder, decoder])
    status, message, _ = run_check("conv_autoencoder", build)
    assert status == "failed" and "'relu'" in message and 'activation="selu"' in message, message


def _recurrent(first_sequences=True, codings_sequences=False, repeat=28, use_repeat=True, decoder_sequences=True,
               output_activation="sigmoid", rows=28, fixed_codings=None, time_distributed=True, inputs=True,
               activation="tanh"):
    """A recurrent autoencoder builder with one mistake switched on by its arguments."""
    def build(codings_size=30):
        size = fixed_codings or codings_size
        encoder = keras.Sequential(([keras.Input(shape=(28, 28))] if inputs else []) + [
            layers.LSTM(100, return_sequences=first_sequences, activation=activation),
            layers.LSTM(size, return_sequences=codings_sequences)])
        dense = layers.Dense(rows, activation=output_activation)
        decoder = keras.Sequential(([keras.Input(shape=(size,))] if inputs else []) +
                                   ([layers.RepeatVector(repeat)] if use_repeat else []) +
                                   [layers.LSTM(100, return_sequences=decoder_sequences),
                                    layers.TimeDistributed(dense) if time_distributed else dense])
        return encoder, decoder, keras.Sequential([encoder, decoder])
    return build


@pytest.mark.parametrize("answer, hint", [
    (_recurrent(first_sequences=False), "first LSTM needs return_sequences=True"),
    (_recurrent(first_sequences=False, inputs=False), "first LSTM needs return_sequences=True"),
    (_recurrent(codings_sequences=True), "leave return_sequences=False"),
    (_recurrent(codings_sequences=True, inputs=False), "leave return_sequences=False"),
    (_recurrent(use_repeat=False), "RepeatVector(28)"),
    (_recurrent(use_repeat=False, inputs=False), "RepeatVector(28)"),
    (_recurrent(repeat=30), "repeat the codings 28 times"),
    (_recurrent(decoder_sequences=False), "decoder's LSTM needs return_sequences=True"),
    (_recurrent(output_activation=None), "activation=\"sigmoid\""),
    (_recurrent(rows=30), "one row of 28 pixels"),
    (_recurrent(fixed_codings=30), "not a fixed 30"),
    (_recurrent(activation="relu"), "default activations"),

])
def test_recurrent_autoencoder_mistakes(answer, hint):
    status, message, _ = run_check("recurrent_autoencoder", answer)
    assert status == "failed" and hint in message, message


def test_recurrent_autoencoder_with_gru_layers_is_named():
    def build(codings_size=30):
        encoder = keras.Sequential([keras.Input(shape=(28, 28)), layers.GRU(100, return_sequences=True),
                                    layers.GRU(codings_size)])
        decoder = keras.Sequential([keras.Input(shape=(codings_size,)), layers.RepeatVector(28),
                                    layers.GRU(100, return_sequences=True), layers.Dense(28, activation="sigmoid")])
        return encoder, decoder, keras.Sequential([encoder, decoder])
    status, message, _ = run_check("recurrent_autoencoder", build)
    assert status == "failed" and "use LSTM layers, not GRU" in message, message


def test_recurrent_autoencoder_without_time_distributed_or_inputs_passes():
    # Dense on a sequence acts on each step, exactly like TimeDistributed(Dense); models may also be built lazily
    for answer in (_recurrent(time_distributed=False), _recurrent(inputs=False)):
        status, message, _ = run_check("recurrent_autoencoder", answer)
        assert status == "passed", message


def test_stub_is_not_implemented():
    def stub(*args, **kwargs):
        raise NotImplementedError()

    assert run_check("conv_autoencoder", stub)[0] == "not-implemented"
    assert run_check("recurrent_autoencoder", stub)[0] == "not-implemented"


def test_make_optimizer_rejects_an_unknown_recipe():
    assert isinstance(conv.make_optimizer("book"), keras.optimizers.SGD)
    assert isinstance(conv.make_optimizer("course"), keras.optimizers.Adam)
    with pytest.raises(ValueError, match="unknown recipe"):
        conv.make_optimizer("fast")


def test_grader_gives_the_reference_full_marks_and_the_stubs_zero(tmp_path):
    import nbformat

    from autograder import build, grade

    lesson = "04_conv_recurrent"
    for student, version in (("reference", "reference"), ("untouched", "student")):
        (tmp_path / student).mkdir()
        nbformat.write(build.build_notebook(lesson, version), tmp_path / student / f"{lesson}.ipynb")
    rows, _ = grade.grade([tmp_path], seed=2024)
    by_student = {}
    for row in rows:
        by_student.setdefault(row.student, []).append(row)
    assert [(row.exercise, row.status, row.score) for row in by_student["reference"]] == [
        ("conv_autoencoder", "passed", 3), ("recurrent_autoencoder", "passed", 2)]
    assert [(row.exercise, row.status, row.score) for row in by_student["untouched"]] == [
        ("conv_autoencoder", "not-implemented", 0), ("recurrent_autoencoder", "not-implemented", 0)]
