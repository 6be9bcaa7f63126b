"""Learner-style answers to lesson 04 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import keras
import tensorflow as tf
"""


def _conv(encoder_body, decoder_body, start="\n        keras.layers.Reshape((28, 28, 1)),"):
    """A learner's conv builder: the encoder's and the decoder's layers as written in the answer cell (``start``: what
    comes between keras.Input and the encoder's layers)."""
    return f"""
def build_conv_autoencoder():
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),{start}{encoder_body}
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


# A red-team batch (2026-12-07): a Masking layer (the probe's images have black rows), layers added, the codings
# taken another way, and correct variants.
CASES += [
    # ---------------------------------------------------------------------------------------------------------
    # conv_autoencoder: right
    Case("conv_autoencoder", "right", "Lambda expand_dims instead of Reshape, lecun_normal init", _conv(
        _ENCODER.replace('activation="selu")', 'activation="selu", kernel_initializer="lecun_normal")'), _DECODER,
        start="\n        keras.layers.Lambda(lambda x: keras.ops.expand_dims(x, axis=-1)),")),
    Case("conv_autoencoder", "right", "subclassed encoder and decoder models", """
class ConvEncoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reshape = keras.layers.Reshape((28, 28, 1))
        self.convs = [keras.layers.Conv2D(f, 3, padding="same", activation="selu") for f in (16, 32, 64)]
        self.pool = keras.layers.MaxPool2D(2)

    def call(self, x):
        x = self.reshape(x)
        for conv in self.convs:
            x = self.pool(conv(x))
        return x


class ConvDecoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.up1 = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="valid", activation="selu")
        self.up2 = keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="selu")
        self.up3 = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")
        self.reshape = keras.layers.Reshape((28, 28))

    def call(self, z):
        return self.reshape(self.up3(self.up2(self.up1(z))))


def build_conv_autoencoder():
    encoder, decoder = ConvEncoder(), ConvDecoder()
    encoder.build((None, 28, 28))
    decoder.build((None, 3, 3, 64))
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
    Case("conv_autoencoder", "right", "keras.Input(shape=(28, 28, 1)) and no Reshape (Keras adds the channel axis)",
         _conv(_ENCODER, _DECODER, start="").replace("keras.Input(shape=(28, 28)),", "keras.Input(shape=(28, 28, 1)),")),
    Case("conv_autoencoder", "right", "built with add() in a loop, tuple kernel/strides, pools with explicit strides", """
def build_conv_autoencoder():
    encoder = keras.Sequential(name="conv_encoder")
    encoder.add(keras.Input(shape=(28, 28)))
    encoder.add(keras.layers.Reshape([28, 28, 1]))
    for filters in [16, 32, 64]:
        encoder.add(keras.layers.Conv2D(filters=filters, kernel_size=(3, 3), strides=(1, 1), padding="same",
                                        activation=keras.activations.selu))
        encoder.add(keras.layers.MaxPooling2D(pool_size=(2, 2), strides=(2, 2), padding="valid"))
    decoder = keras.Sequential(name="conv_decoder")
    decoder.add(keras.Input(shape=(3, 3, 64)))
    for filters, padding, act in [(32, "valid", "selu"), (16, "same", "selu"), (1, "same", "sigmoid")]:
        decoder.add(keras.layers.Conv2DTranspose(filters, (3, 3), strides=(2, 2), padding=padding, activation=act))
    decoder.add(keras.layers.Flatten())
    decoder.add(keras.layers.Reshape([28, 28]))
    autoencoder = keras.Sequential(name="conv_autoencoder")
    autoencoder.add(encoder)
    autoencoder.add(decoder)
    return encoder, decoder, autoencoder
"""),
    # conv_autoencoder: wrong
    Case("conv_autoencoder", "wrong", "Rescaling(1/255) after the Reshape (pixels already in [0, 1])", _conv(
        _ENCODER, _DECODER, start="\n        keras.layers.Reshape((28, 28, 1)),\n        keras.layers.Rescaling(1 / 255),"),
        hint="has no Rescaling layer"),
    Case("conv_autoencoder", "wrong", "each MaxPool2D before its Conv2D", _conv("""
        keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(16, 3, padding="same", activation="selu"),
        keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(32, 3, padding="same", activation="selu"),
        keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(64, 3, padding="same", activation="selu"),""", _DECODER),
        hint="then MaxPool2D(2)"),
    Case("conv_autoencoder", "wrong", "the last Conv2D without activation (linear codings)", _conv(
        _ENCODER.replace('Conv2D(64, 3, padding="same", activation="selu")', 'Conv2D(64, 3, padding="same")'),
        _DECODER), hint='activation="selu"'),
    Case("conv_autoencoder", "wrong", "SELU on the last Conv2DTranspose, then a sigmoid layer", _conv(
        _ENCODER, _DECODER.replace('activation="sigmoid"),', 'activation="selu"),\n        keras.layers.Activation("sigmoid"),')),
        hint="sigmoid in the last"),
    Case("conv_autoencoder", "wrong", "BatchNormalization after each Conv2D", _conv(
        _ENCODER.replace('activation="selu"),', 'activation="selu"),\n        keras.layers.BatchNormalization(),'), _DECODER),
        hint="no extra layers"),
    Case("conv_autoencoder", "wrong", "UpSampling2D + Conv2D decoder instead of Conv2DTranspose", _conv(_ENCODER, """
        keras.layers.UpSampling2D(2),
        keras.layers.Conv2D(32, 3, padding="same", activation="selu"),
        keras.layers.UpSampling2D(2),
        keras.layers.Conv2D(16, 3, padding="same", activation="selu"),
        keras.layers.UpSampling2D(2),
        keras.layers.Conv2D(1, 3, padding="same", activation="sigmoid"),"""), hint="UpSampling2D"),
    Case("conv_autoencoder", "wrong", "kernel_size=2 in every Conv2DTranspose (the usual 2x2/stride-2 upsampler)",
         _conv(_ENCODER, _DECODER.replace(", 3, strides=2", ", 2, strides=2")), hint="kernel_size=3"),
    Case("conv_autoencoder", "wrong", "strided Conv2D instead of MaxPool2D", _conv("""
        keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="selu"),
        keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="selu"),
        keras.layers.Conv2D(64, 3, strides=2, padding="same", activation="selu"),""", _DECODER), hint="strided convolution instead of the pooling"),
    Case("conv_autoencoder", "wrong", "relu in the decoder only", _conv(_ENCODER, _DECODER.replace('"selu"', '"relu"')),
         hint="selu"),
    Case("conv_autoencoder", "wrong", "decoder filters 64, 32, 1 (mirrors the encoder's list)", _conv(
        _ENCODER, _DECODER.replace("Conv2DTranspose(32,", "Conv2DTranspose(64,").replace(
            "Conv2DTranspose(16,", "Conv2DTranspose(32,")), hint="32, 16, 1"),
    Case("conv_autoencoder", "wrong", "codings flattened, decoder reshapes them back", """
def build_conv_autoencoder():
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="selu"), keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(32, 3, padding="same", activation="selu"), keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(64, 3, padding="same", activation="selu"), keras.layers.MaxPool2D(2),
        keras.layers.Flatten(),
    ])
    decoder = keras.Sequential([
        keras.Input(shape=(576,)),
        keras.layers.Reshape((3, 3, 64)),
        keras.layers.Conv2DTranspose(32, 3, strides=2, padding="valid", activation="selu"),
        keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="selu"),
        keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid"),
        keras.layers.Reshape((28, 28)),
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="3x3x64 grid"),
    # ---------------------------------------------------------------------------------------------------------
    # recurrent_autoencoder: right
    Case("recurrent_autoencoder", "right", "codings LSTM returns the sequence, a Lambda keeps the last step", _recurrent("""
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.LSTM(codings_size, return_sequences=True),
        keras.layers.Lambda(lambda seq: seq[:, -1, :]),""", _RNN_DECODER)),
    Case("recurrent_autoencoder", "right", "unroll=True, explicit default activations, Dense without TimeDistributed", _recurrent("""
        keras.layers.LSTM(100, activation="tanh", recurrent_activation="sigmoid", return_sequences=True, unroll=True),
        keras.layers.LSTM(codings_size, activation="tanh", recurrent_activation="sigmoid", unroll=True),""", """
        keras.layers.RepeatVector(28),
        keras.layers.LSTM(100, return_sequences=True, unroll=True),
        keras.layers.Dense(28),
        keras.layers.Activation("sigmoid"),""")),
    Case("recurrent_autoencoder", "right", "ops.repeat in a Lambda instead of RepeatVector", _recurrent(_RNN_ENCODER, """
        keras.layers.Lambda(lambda c: keras.ops.repeat(keras.ops.expand_dims(c, 1), 28, axis=1)),
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(28, activation="sigmoid")),""")),
    Case("recurrent_autoencoder", "right", "subclassed encoder and decoder", """
class RowEncoder(keras.Model):
    def __init__(self, codings_size, **kwargs):
        super().__init__(**kwargs)
        self.rows = keras.layers.LSTM(100, return_sequences=True)
        self.summary_lstm = keras.layers.LSTM(codings_size)

    def call(self, images):
        return self.summary_lstm(self.rows(images))


class RowDecoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.repeat = keras.layers.RepeatVector(28)
        self.lstm = keras.layers.LSTM(100, return_sequences=True)
        self.to_pixels = keras.layers.TimeDistributed(keras.layers.Dense(28, activation="sigmoid"))

    def call(self, codings):
        return self.to_pixels(self.lstm(self.repeat(codings)))


def build_recurrent_autoencoder(codings_size=30):
    encoder, decoder = RowEncoder(codings_size), RowDecoder()
    encoder.build((None, 28, 28))
    decoder.build((None, codings_size))
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
    # recurrent_autoencoder: wrong
    Case("recurrent_autoencoder", "wrong", "go_backwards=True in the encoder's first LSTM (reads bottom to top)",
         _recurrent(_RNN_ENCODER.replace("LSTM(100, return_sequences=True)", "LSTM(100, return_sequences=True, go_backwards=True)"),
                    _RNN_DECODER), hint="go_backwards"),
    # (first written as "wrong": Keras returns go_backwards outputs in processing order, and the decoder's input is
    # the same vector at every step, so this computes exactly the reference's function: it is a right answer)
    Case("recurrent_autoencoder", "right", "decoder LSTM with go_backwards=True over the repeated codings",
         _recurrent(_RNN_ENCODER, _RNN_DECODER.replace("LSTM(100, return_sequences=True)", "LSTM(100, return_sequences=True, go_backwards=True)"))),
    Case("recurrent_autoencoder", "wrong", "codings = the FIRST step of the codings LSTM's sequence", _recurrent("""
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.LSTM(codings_size, return_sequences=True),
        keras.layers.Lambda(lambda seq: seq[:, 0, :]),""", _RNN_DECODER), hint="has no Lambda layer"),
    Case("recurrent_autoencoder", "wrong", "codings = average over time (GlobalAveragePooling1D)", _recurrent("""
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.LSTM(codings_size, return_sequences=True),
        keras.layers.GlobalAveragePooling1D(),""", _RNN_DECODER), hint="has no GlobalAveragePooling1D layer"),
    Case("recurrent_autoencoder", "wrong", "reads columns: Permute((2, 1)) before the encoder's LSTM", _recurrent(
        "\n        keras.layers.Permute((2, 1))," + _RNN_ENCODER, _RNN_DECODER), hint="has no Permute layer"),
    Case("recurrent_autoencoder", "wrong", "recurrent_activation='hard_sigmoid' (Keras 2's old default)", _recurrent(
        _RNN_ENCODER.replace("return_sequences=True)", "return_sequences=True, recurrent_activation=\"hard_sigmoid\")").replace(
            "LSTM(codings_size)", "LSTM(codings_size, recurrent_activation=\"hard_sigmoid\")"), _RNN_DECODER),
        hint="default activations"),
    Case("recurrent_autoencoder", "wrong", "relu in the decoder's LSTM", _recurrent(
        _RNN_ENCODER, _RNN_DECODER.replace("LSTM(100, return_sequences=True)", 'LSTM(100, return_sequences=True, activation="relu")')),
        hint="default activations"),
    Case("recurrent_autoencoder", "wrong", "SimpleRNN in the decoder", _recurrent(
        _RNN_ENCODER, _RNN_DECODER.replace("LSTM", "SimpleRNN")), hint="use LSTM layers"),
    Case("recurrent_autoencoder", "wrong", "RepeatVector(codings_size)", _recurrent(
        _RNN_ENCODER, _RNN_DECODER.replace("RepeatVector(28)", "RepeatVector(codings_size)")), hint="RepeatVector(28)"),
    Case("recurrent_autoencoder", "wrong", "softmax on each row", _recurrent(
        _RNN_ENCODER, _RNN_DECODER.replace('"sigmoid"', '"softmax"')), hint="sigmoid"),
    Case("recurrent_autoencoder", "wrong", "encoder ends LSTM(100) then Dense(codings_size)", _recurrent("""
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.LSTM(100),
        keras.layers.Dense(codings_size),""", _RNN_DECODER), hint="LSTM(codings_size)"),
    Case("recurrent_autoencoder", "wrong", "Masking(0.0) before the encoder's LSTMs (skips all-black rows)", _recurrent(
        "\n        keras.layers.Masking(mask_value=0.0)," + _RNN_ENCODER, _RNN_DECODER), hint="Masking"),
    Case("conv_autoencoder", "wrong", "first Conv2DTranspose 'same' (3 -> 6), ZeroPadding2D to reach 7", _conv(_ENCODER, """
        keras.layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="selu"),
        keras.layers.ZeroPadding2D(((0, 1), (0, 1))),
        keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="selu"),
        keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid"),"""), hint="has no ZeroPadding2D layer"),
    Case("recurrent_autoencoder", "right", "encoder as one RNN over stacked LSTMCells", _recurrent("""
        keras.layers.RNN([keras.layers.LSTMCell(100), keras.layers.LSTMCell(codings_size)]),""", _RNN_DECODER)),
    Case("recurrent_autoencoder", "wrong", "decoder output transposed (Permute((2, 1)) at the end)", _recurrent(
        _RNN_ENCODER, _RNN_DECODER + "\n        keras.layers.Permute((2, 1)),"), hint="has no Permute layer"),
]

# A subclassed model lists its weights in the order its __init__ made the layers: the grader sets weights in the
# order the layers run, so models that made their layers in another order compute the reference's function.
CASES += [
    Case("conv_autoencoder", "right", "subclassed decoder whose __init__ creates the output layer first", """
class ConvDecoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # the output layer first, then the upsampling blocks
        self.to_image = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")
        self.up_valid = keras.layers.Conv2DTranspose(32, 3, strides=2, padding="valid", activation="selu")
        self.up_same = keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="selu")
        self.reshape = keras.layers.Reshape((28, 28))

    def call(self, codings):
        return self.reshape(self.to_image(self.up_same(self.up_valid(codings))))


def build_conv_autoencoder():
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.Conv2D(16, 3, padding="same", activation="selu"), keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(32, 3, padding="same", activation="selu"), keras.layers.MaxPool2D(2),
        keras.layers.Conv2D(64, 3, padding="same", activation="selu"), keras.layers.MaxPool2D(2),
    ])
    decoder = ConvDecoder()
    decoder.build((None, 3, 3, 64))
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
    Case("recurrent_autoencoder", "right", "subclassed encoder whose __init__ creates the codings LSTM first", """
class Encoder(keras.Model):
    def __init__(self, codings_size, **kwargs):
        super().__init__(**kwargs)
        self.to_codings = keras.layers.LSTM(codings_size)
        self.rows = keras.layers.LSTM(100, return_sequences=True)

    def call(self, images):
        return self.to_codings(self.rows(images))


def build_recurrent_autoencoder(codings_size=30):
    encoder = Encoder(codings_size)
    encoder.build((None, 28, 28))
    decoder = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        keras.layers.RepeatVector(28),
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(28, activation="sigmoid")),
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
]

# What fit learns changes with a regularizer even when the outputs with the grader's weights match.
CASES += [
    Case("conv_autoencoder", "wrong", "L2 kernel regularizer on every Conv2D", _conv(
        _ENCODER.replace('activation="selu")',
                            'activation="selu", kernel_regularizer=keras.regularizers.l2(1e-3))'),
        _DECODER), hint="no regularizers"),
]
