"""Learner-style answers to lesson 04 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import keras
import tensorflow as tf
"""


def _conv(encoder_body, decoder_body):
    """A learner's conv builder: the encoder's and the decoder's layers as written in the answer cell."""
    return f"""
def build_conv_autoencoder():
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Reshape((28, 28, 1)),{encoder_body}
    ])
    decoder = keras.Sequential([
        keras.Input(shape=(3, 3, 64)),{decoder_body}
        keras.layers.Reshape((28, 28)),
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""


_ENCODER = """
        keras.layers.Conv2D(16, 3, padding="same", activation="selu"),
        keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(32, 3, padding="same", activation="selu"),
        keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(64, 3, padding="same", activation="selu"),
        keras.layers.MaxPool2D(2),"""
_DECODER = """
        keras.layers.Conv2DTranspose(32, 3, strides=2, padding="valid", activation="selu"),
        keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="selu"),
        keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid"),"""


def _recurrent(encoder_body, decoder_body):
    return f"""
def build_recurrent_autoencoder(codings_size=30):
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),{encoder_body}
    ])
    decoder = keras.Sequential([
        keras.Input(shape=(codings_size,)),{decoder_body}
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""


_RNN_ENCODER = """
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.LSTM(codings_size),"""
_RNN_DECODER = """
        keras.layers.RepeatVector(28),
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(28, activation="sigmoid")),"""

CASES = [
    # ---------------------------------------------------------------------------------------------------------
    # conv_autoencoder: right in other styles
    Case("conv_autoencoder", "right", "the book's code (input_shape=, padding in capitals)", """
def build_conv_autoencoder():
    conv_encoder = keras.models.Sequential([
        keras.layers.Reshape([28, 28, 1], input_shape=[28, 28]),
        keras.layers.Conv2D(16, kernel_size=3, padding="SAME", activation="selu"),
        keras.layers.MaxPool2D(pool_size=2),
        keras.layers.Conv2D(32, kernel_size=3, padding="SAME", activation="selu"),
        keras.layers.MaxPool2D(pool_size=2),
        keras.layers.Conv2D(64, kernel_size=3, padding="SAME", activation="selu"),
        keras.layers.MaxPool2D(pool_size=2)
    ])
    conv_decoder = keras.models.Sequential([
        keras.layers.Conv2DTranspose(32, kernel_size=3, strides=2, padding="VALID", activation="selu",
                                     input_shape=[3, 3, 64]),
        keras.layers.Conv2DTranspose(16, kernel_size=3, strides=2, padding="SAME", activation="selu"),
        keras.layers.Conv2DTranspose(1, kernel_size=3, strides=2, padding="SAME", activation="sigmoid"),
        keras.layers.Reshape([28, 28])
    ])
    conv_ae = keras.models.Sequential([conv_encoder, conv_decoder])
    return conv_encoder, conv_decoder, conv_ae
"""),
    Case("conv_autoencoder", "right", "activations as separate Activation layers, MaxPooling2D", _conv("""
        keras.layers.Conv2D(16, (3, 3), padding="same"),
        keras.layers.Activation("selu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(32, (3, 3), padding="same"),
        keras.layers.Activation("selu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), padding="same"),
        keras.layers.Activation(keras.activations.selu),
        keras.layers.MaxPooling2D((2, 2)),""", """
        keras.layers.Conv2DTranspose(32, (3, 3), strides=(2, 2)),
        keras.layers.Activation("selu"),
        keras.layers.Conv2DTranspose(16, (3, 3), strides=(2, 2), padding="same"),
        keras.layers.Activation("selu"),
        keras.layers.Conv2DTranspose(1, (3, 3), strides=(2, 2), padding="same"),
        keras.layers.Activation("sigmoid"),""")),
    Case("conv_autoencoder", "right", "functional models in a loop, tf.nn activations", """
def build_conv_autoencoder():
    images = keras.Input(shape=(28, 28))
    x = keras.layers.Reshape((28, 28, 1))(images)
    for filters in (16, 32, 64):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation=tf.nn.selu)(x)
        x = keras.layers.MaxPool2D()(x)
    encoder = keras.Model(images, x, name="encoder")
    codings = keras.Input(shape=(3, 3, 64))
    y = keras.layers.Conv2DTranspose(32, 3, strides=2, activation="selu")(codings)
    y = keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="selu")(y)
    y = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation=tf.nn.sigmoid)(y)
    decoder = keras.Model(codings, keras.layers.Reshape((28, 28))(y), name="decoder")
    inputs = keras.Input(shape=(28, 28))
    return encoder, decoder, keras.Model(inputs, decoder(encoder(inputs)))
"""),
    # conv_autoencoder: wrong
    Case("conv_autoencoder", "wrong", "relu instead of selu", _conv(
        _ENCODER.replace('"selu"', '"relu"'), _DECODER.replace('"selu"', '"relu"')), hint='activation="selu"'),
    Case("conv_autoencoder", "wrong", "no sigmoid at the output", _conv(
        _ENCODER, _DECODER.replace(', activation="sigmoid"', "")), hint="sigmoid"),
    Case("conv_autoencoder", "wrong", "every Conv2DTranspose with padding=\"same\"", _conv(
        _ENCODER, _DECODER.replace('"valid"', '"same"')), hint='padding="valid"'),
    Case("conv_autoencoder", "wrong", "average pooling", _conv(
        _ENCODER.replace("MaxPool2D", "AveragePooling2D"), _DECODER), hint="max pooling"),
    Case("conv_autoencoder", "wrong", "pooling with padding=\"same\"", _conv(
        _ENCODER.replace("MaxPool2D(2)", 'MaxPool2D(2, padding="same")'), _DECODER), hint='padding="valid"'),
    Case("conv_autoencoder", "wrong", "5x5 kernels in the encoder", _conv(
        _ENCODER.replace(", 3,", ", 5,"), _DECODER), hint="kernel_size=3"),
    Case("conv_autoencoder", "wrong", "no Reshape to add the channel axis", """
def build_conv_autoencoder():
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Conv2D(16, 3, padding="same", activation="selu"), keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(32, 3, padding="same", activation="selu"), keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(64, 3, padding="same", activation="selu"), keras.layers.MaxPool2D(2),
    ])
    decoder = keras.Sequential([
        keras.Input(shape=(3, 3, 64)),
        keras.layers.Conv2DTranspose(32, 3, strides=2, activation="selu"),
        keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="selu"),
        keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid"),
        keras.layers.Reshape((28, 28)),
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="Reshape([28, 28, 1])"),
    Case("conv_autoencoder", "wrong", "Conv2DTranspose without strides", _conv(
        _ENCODER, _DECODER.replace("strides=2, ", "")), hint="strides=2"),
    Case("conv_autoencoder", "wrong", "the 3rd edition's encoder: global average pooling to 30 codings", """
def build_conv_autoencoder():
    conv_encoder = keras.Sequential([
        keras.layers.Reshape([28, 28, 1]),
        keras.layers.Conv2D(16, 3, padding="same", activation="selu"),
        keras.layers.MaxPool2D(pool_size=2),
        keras.layers.Conv2D(32, 3, padding="same", activation="selu"),
        keras.layers.MaxPool2D(pool_size=2),
        keras.layers.Conv2D(64, 3, padding="same", activation="selu"),
        keras.layers.MaxPool2D(pool_size=2),
        keras.layers.Conv2D(30, 3, padding="same", activation="selu"),
        keras.layers.GlobalAvgPool2D()
    ])
    conv_decoder = keras.Sequential([
        keras.layers.Dense(3 * 3 * 16),
        keras.layers.Reshape((3, 3, 16)),
        keras.layers.Conv2DTranspose(32, 3, strides=2, activation="selu"),
        keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="selu"),
        keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid"),
        keras.layers.Reshape([28, 28])
    ])
    return conv_encoder, conv_decoder, keras.Sequential([conv_encoder, conv_decoder])
""", hint="3x3x64 grid"),
    # ---------------------------------------------------------------------------------------------------------
    # recurrent_autoencoder: right in other styles
    Case("recurrent_autoencoder", "right", "the book's code: no keras.Input, Dense on the sequence", """
def build_recurrent_autoencoder(codings_size=30):
    recurrent_encoder = keras.Sequential([
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.LSTM(codings_size)
    ])
    recurrent_decoder = keras.Sequential([
        keras.layers.RepeatVector(28),
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.Dense(28, activation="sigmoid")
    ])
    recurrent_ae = keras.Sequential([recurrent_encoder, recurrent_decoder])
    return recurrent_encoder, recurrent_decoder, recurrent_ae
"""),
    Case("recurrent_autoencoder", "right", "RNN layers around LSTMCell, sigmoid as a layer", _recurrent("""
        keras.layers.RNN(keras.layers.LSTMCell(100), return_sequences=True),
        keras.layers.RNN(keras.layers.LSTMCell(codings_size)),""", """
        keras.layers.RepeatVector(28),
        keras.layers.RNN(keras.layers.LSTMCell(100), return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(28)),
        keras.layers.Activation("sigmoid"),""")),
    Case("recurrent_autoencoder", "right", "functional models", """
def build_recurrent_autoencoder(codings_size=30):
    rows = keras.Input(shape=(28, 28))
    sequence = keras.layers.LSTM(100, return_sequences=True)(rows)
    encoder = keras.Model(rows, keras.layers.LSTM(codings_size, return_sequences=False)(sequence))
    codings = keras.Input(shape=(codings_size,))
    repeated = keras.layers.RepeatVector(28)(codings)
    outputs = keras.layers.LSTM(100, return_sequences=True)(repeated)
    pixels = keras.layers.TimeDistributed(keras.layers.Dense(28, activation="sigmoid"))(outputs)
    decoder = keras.Model(codings, pixels)
    images = keras.Input(shape=(28, 28))
    return encoder, decoder, keras.Model(images, decoder(encoder(images)))
"""),
    # recurrent_autoencoder: wrong
    Case("recurrent_autoencoder", "wrong", "GRU layers instead of LSTM", _recurrent(
        _RNN_ENCODER.replace("LSTM", "GRU"), _RNN_DECODER.replace("LSTM", "GRU")), hint="use LSTM layers"),
    Case("recurrent_autoencoder", "wrong", "the first LSTM returns only its last output", _recurrent(
        _RNN_ENCODER.replace(", return_sequences=True", ""), _RNN_DECODER), hint="return_sequences=True"),
    Case("recurrent_autoencoder", "wrong", "no RepeatVector", _recurrent(
        _RNN_ENCODER, _RNN_DECODER.replace("keras.layers.RepeatVector(28),", "")), hint="RepeatVector(28)"),
    Case("recurrent_autoencoder", "wrong", "codings size fixed at 30", _recurrent(
        _RNN_ENCODER.replace("LSTM(codings_size)", "LSTM(30)"), _RNN_DECODER).replace(
        "shape=(codings_size,)", "shape=(30,)"), hint="not a fixed 30"),
    Case("recurrent_autoencoder", "wrong", "no sigmoid on the rows", _recurrent(
        _RNN_ENCODER, _RNN_DECODER.replace(', activation="sigmoid"', "")), hint="sigmoid"),
    Case("recurrent_autoencoder", "wrong", "the codings LSTM returns a sequence too", _recurrent(
        _RNN_ENCODER.replace("LSTM(codings_size)", "LSTM(codings_size, return_sequences=True)"), _RNN_DECODER),
        hint="leave return_sequences=False"),

    # found by a red-team batch (2026-12-07)
    Case("recurrent_autoencoder", "wrong", "the decoder's input fixed at the lesson's 30", _recurrent(
        _RNN_ENCODER, _RNN_DECODER).replace("        keras.Input(shape=(codings_size,)),", "        keras.Input(shape=(30,)),"),
        hint="keras.Input(shape=(codings_size,))"),
    Case("recurrent_autoencoder", "wrong", "dropout=0.2 in the encoder's first LSTM", _recurrent(
        _RNN_ENCODER.replace("LSTM(100, return_sequences=True)", "LSTM(100, return_sequences=True, dropout=0.2)"),
        _RNN_DECODER), hint="acts only while training"),
    Case("conv_autoencoder", "wrong", "a Dropout after the encoder's last pooling", _conv(
        _ENCODER + """
        keras.layers.Dropout(0.3),""", _DECODER), hint="acts only while training"),
]
