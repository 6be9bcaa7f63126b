"""Learner-style answers to lesson 02 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import tensorflow as tf
import keras
from keras import ops
"""

# The book's layout (no keras.Input); a wrong case changes one of its parts.
STACKED = """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    encoder = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(hidden_size, activation={encoder}),
                                keras.layers.Dense(codings_size, activation={encoder})])
    decoder = keras.Sequential([keras.layers.Dense(hidden_size, activation={decoder}),
                                keras.layers.Dense(28 * 28{output}){reshape}])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""


def _stacked(**change):
    parts = {"encoder": "activation", "decoder": "activation", "output": ', activation="sigmoid"',
             "reshape": ", keras.layers.Reshape([28, 28])"}
    return STACKED.format(**{**parts, **change})


CASES = [
    # ---------------------------------------------------------------------------------------------------------
    # rounded_accuracy
    Case("rounded_accuracy", "right", "tf ops, flattened per sample", """
def rounded_accuracy(y_true, y_pred):
    y_true = tf.cast(y_true, tf.float32)
    matches = tf.cast(tf.equal(tf.round(y_true), tf.round(y_pred)), tf.float32)
    return tf.reduce_mean(tf.reshape(matches, [tf.shape(matches)[0], -1]), axis=1)
"""),
    Case("rounded_accuracy", "right", "thresholds at 0.5 instead of rounding", """
def rounded_accuracy(y_true, y_pred):
    light_true = ops.greater(y_true, 0.5)
    light_pred = ops.greater(y_pred, 0.5)
    matches = ops.cast(ops.equal(light_true, light_pred), "float32")
    return ops.mean(ops.reshape(matches, (ops.shape(matches)[0], -1)), axis=-1)
"""),
    Case("rounded_accuracy", "right", "Keras's binary_accuracy on rounded targets, averaged per sample", """
def rounded_accuracy(y_true, y_pred):
    per_pixel = keras.metrics.binary_accuracy(ops.round(y_true), y_pred)
    return ops.mean(per_pixel, axis=list(range(1, len(per_pixel.shape))))
"""),
    Case("rounded_accuracy", "wrong", "targets not rounded", """
def rounded_accuracy(y_true, y_pred):
    matches = ops.cast(ops.equal(y_true, ops.round(y_pred)), "float32")
    return ops.mean(matches, axis=tuple(range(1, len(matches.shape))))
""", hint="round the targets too"),
    Case("rounded_accuracy", "wrong", "predictions not rounded", """
def rounded_accuracy(y_true, y_pred):
    matches = ops.cast(ops.equal(ops.round(y_true), y_pred), "float32")
    return ops.mean(matches, axis=tuple(range(1, len(matches.shape))))
""", hint="round the predictions too"),
    Case("rounded_accuracy", "wrong", "the book's code in Keras 3: one value per pixel", """
def rounded_accuracy(y_true, y_pred):
    return keras.metrics.binary_accuracy(ops.round(y_true), ops.round(y_pred))
""", hint="one value per pixel"),
    Case("rounded_accuracy", "wrong", "numpy", """
def rounded_accuracy(y_true, y_pred):
    matches = np.round(np.asarray(y_true)) == np.round(np.asarray(y_pred))
    return matches.reshape(len(matches), -1).mean(axis=1)
""", hint="use keras.ops"),
    Case("rounded_accuracy", "wrong", "one number for the batch", """
def rounded_accuracy(y_true, y_pred):
    return ops.mean(ops.cast(ops.equal(ops.round(y_true), ops.round(y_pred)), "float32"))
""", hint="averaged over everything"),
    Case("rounded_accuracy", "wrong", "error rate", """
def rounded_accuracy(y_true, y_pred):
    wrong = ops.cast(ops.not_equal(ops.round(y_true), ops.round(y_pred)), "float32")
    return ops.mean(wrong, axis=tuple(range(1, len(wrong.shape))))
""", hint="error rate"),
    Case("rounded_accuracy", "wrong", "averaged over the last axis only", """
def rounded_accuracy(y_true, y_pred):
    return tf.reduce_mean(tf.cast(tf.equal(tf.round(y_true), tf.round(y_pred)), tf.float32), axis=-1)
""", hint="last axis only"),
    Case("rounded_accuracy", "wrong", "axes fixed to (batch, 28, 28) images", """
def rounded_accuracy(y_true, y_pred):
    return ops.mean(ops.cast(ops.equal(ops.round(y_true), ops.round(y_pred)), "float32"), axis=(1, 2))
""", hint="whatever their rank"),
    # ---------------------------------------------------------------------------------------------------------
    # stacked_autoencoder
    Case("stacked_autoencoder", "right", "the book's Sequential without keras.Input", """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    stacked_encoder = keras.models.Sequential([
        keras.layers.Flatten(),
        keras.layers.Dense(hidden_size, activation=activation),
        keras.layers.Dense(codings_size, activation=activation),
    ])
    stacked_decoder = keras.models.Sequential([
        keras.layers.Dense(hidden_size, activation=activation),
        keras.layers.Dense(28 * 28, activation="sigmoid"),
        keras.layers.Reshape([28, 28]),
    ])
    stacked_ae = keras.models.Sequential([stacked_encoder, stacked_decoder])
    return stacked_encoder, stacked_decoder, stacked_ae
"""),
    Case("stacked_autoencoder", "right", "functional models", """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    images = keras.Input(shape=(28, 28))
    z = keras.layers.Flatten()(images)
    z = keras.layers.Dense(hidden_size, activation=activation)(z)
    codings = keras.layers.Dense(codings_size, activation=activation)(z)
    encoder = keras.Model(images, codings)
    codings_input = keras.Input(shape=(codings_size,))
    z = keras.layers.Dense(hidden_size, activation=activation)(codings_input)
    z = keras.layers.Dense(784, activation=keras.activations.sigmoid)(z)
    decoder = keras.Model(codings_input, keras.layers.Reshape((28, 28))(z))
    autoencoder = keras.Model(images, decoder(encoder(images)))
    return encoder, decoder, autoencoder
"""),
    Case("stacked_autoencoder", "right", "activations as separate layers", """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    encoder = keras.Sequential()
    encoder.add(keras.Input(shape=[28, 28]))
    encoder.add(keras.layers.Flatten())
    encoder.add(keras.layers.Dense(hidden_size))
    encoder.add(keras.layers.Activation(activation))
    encoder.add(keras.layers.Dense(codings_size))
    encoder.add(keras.layers.Activation(activation))
    decoder = keras.Sequential()
    decoder.add(keras.Input(shape=[codings_size]))
    decoder.add(keras.layers.Dense(hidden_size))
    decoder.add(keras.layers.Activation(activation))
    decoder.add(keras.layers.Dense(784))
    decoder.add(keras.layers.Activation("sigmoid"))
    decoder.add(keras.layers.Reshape([28, 28]))
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
    Case("stacked_autoencoder", "wrong", "ReLU, as in the book's third edition",
         _stacked(encoder='"relu"', decoder='"relu"'), hint="not ReLU"),
    Case("stacked_autoencoder", "wrong", "SELU written in, the activation argument ignored",
         _stacked(encoder='"selu"', decoder='"selu"'), hint="use the `activation` argument"),
    Case("stacked_autoencoder", "wrong", "no sigmoid on the output", _stacked(output=""), hint="activation='sigmoid'"),
    Case("stacked_autoencoder", "wrong", "no Reshape at the end", _stacked(reshape=""), hint="Reshape((28, 28))"),
    Case("stacked_autoencoder", "wrong", "decoder without its hidden layer", """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                keras.layers.Dense(hidden_size, activation=activation),
                                keras.layers.Dense(codings_size, activation=activation)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(784, activation="sigmoid"),
                                keras.layers.Reshape((28, 28))])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="the decoder mirrors the encoder"),
    Case("stacked_autoencoder", "wrong", "hidden layers of 100 units whatever hidden_size says", """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                keras.layers.Dense(100, activation=activation),
                                keras.layers.Dense(codings_size, activation=activation)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation=activation),
                                keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="`hidden_size` units"),
    Case("stacked_autoencoder", "wrong", "an autoencoder of new layers beside the encoder and decoder", """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    def encoder_layers():
        return [keras.layers.Flatten(), keras.layers.Dense(hidden_size, activation=activation),
                keras.layers.Dense(codings_size, activation=activation)]

    def decoder_layers():
        return [keras.layers.Dense(hidden_size, activation=activation),
                keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))]

    encoder = keras.Sequential(encoder_layers())
    decoder = keras.Sequential(decoder_layers())
    autoencoder = keras.Sequential(encoder_layers() + decoder_layers())
    return encoder, decoder, autoencoder
""", hint="from the same two models"),
    Case("stacked_autoencoder", "wrong", "sigmoid on the decoder's hidden layer too", _stacked(decoder='"sigmoid"'),
         hint="the decoder's hidden Dense layer uses the `activation` argument"),

    # found by a red-team batch (2026-12-07)
    Case("stacked_autoencoder", "wrong", "returned as (decoder, encoder, autoencoder)", _stacked().replace(
        "return encoder, decoder, keras.Sequential([encoder, decoder])",
        "return decoder, encoder, keras.Sequential([encoder, decoder])"), hint="return encoder, decoder, autoencoder"),
    Case("stacked_autoencoder", "wrong", "a Dropout layer added to the encoder", _stacked().replace(
        "keras.Sequential([keras.layers.Flatten(), ", "keras.Sequential([keras.layers.Flatten(), keras.layers.Dropout(0.2), "),
        hint="acts only while training"),
    Case("stacked_autoencoder", "wrong", "GaussianNoise added to the encoder", _stacked().replace(
        "keras.Sequential([keras.layers.Flatten(), ",
        "keras.Sequential([keras.layers.Flatten(), keras.layers.GaussianNoise(0.1), "),
        hint="acts only while training"),
]


# A red-team batch (2026-12-07): metrics that read the batch size from a static shape (they crash in fit), layers added
# to the encoder, and correct variants.
_RT_STACKED = """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),{extra}
                                keras.layers.Dense(hidden_size, activation=activation),{mid}
                                keras.layers.Dense(codings_size, activation={codings}{codings_kw})])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)),
                                keras.layers.Dense({dec_units}, activation={decoder}),
                                keras.layers.Dense(28 * 28, activation={output}),
                                keras.layers.Reshape({reshape})])
    autoencoder = keras.Sequential([encoder, decoder])
    return encoder, decoder, autoencoder
"""


def _rt_stacked(**change):
    parts = {"extra": "", "mid": "", "codings": "activation", "codings_kw": "", "dec_units": "hidden_size",
             "decoder": "activation", "output": '"sigmoid"', "reshape": "(28, 28)"}
    return _RT_STACKED.format(**{**parts, **change})


CASES += [
    # ---------------------------------------------------------------------------------------------------------
    # rounded_accuracy: right
    Case("rounded_accuracy", "right", "floor(x + 0.5) rounding, flattened with ops.shape", """
def rounded_accuracy(y_true, y_pred):
    true_bits = ops.floor(y_true + 0.5)
    pred_bits = ops.floor(y_pred + 0.5)
    same = ops.cast(ops.equal(true_bits, pred_bits), "float32")
    same = ops.reshape(same, (ops.shape(same)[0], -1))
    return ops.mean(same, axis=1)
"""),
    Case("rounded_accuracy", "right", "tf.reduce_mean over tf.range(1, tf.rank(...))", """
def rounded_accuracy(y_true, y_pred):
    y_true = tf.convert_to_tensor(y_true, dtype=tf.float32)
    y_pred = tf.convert_to_tensor(y_pred, dtype=tf.float32)
    hits = tf.cast(tf.round(y_true) == tf.round(y_pred), tf.float32)
    return tf.reduce_mean(hits, axis=tf.range(1, tf.rank(hits)))
"""),
    Case("rounded_accuracy", "right", "one minus the mean absolute difference of rounded values", """
def rounded_accuracy(y_true, y_pred):
    diff = ops.abs(ops.round(y_true) - ops.round(y_pred))
    axes = list(range(1, len(diff.shape)))
    return 1.0 - ops.mean(diff, axis=axes)
"""),
    Case("rounded_accuracy", "right", "a Flatten layer inside the metric, float64 result", """
def rounded_accuracy(y_true, y_pred):
    agree = ops.cast(ops.equal(ops.round(y_true), ops.round(y_pred)), "float64")
    flat = keras.layers.Flatten()(agree)
    return ops.mean(flat, axis=-1)
"""),
    Case("rounded_accuracy", "right", "mean of the rows' means via ops.ndim helper", """
def _per_sample_mean(x):
    return ops.mean(x, axis=tuple(range(1, ops.ndim(x))))

def rounded_accuracy(y_true, y_pred):
    return _per_sample_mean(ops.cast(ops.round(y_true) == ops.round(y_pred), "float32"))
"""),
    Case("rounded_accuracy", "right", "sum divided by the number of pixels (static non-batch dims)", """
def rounded_accuracy(y_true, y_pred):
    matches = ops.cast(ops.equal(ops.round(y_true), ops.round(y_pred)), "float32")
    axes = tuple(range(1, len(matches.shape)))
    return ops.sum(matches, axis=axes) / float(np.prod(matches.shape[1:]))
"""),
    # rounded_accuracy: wrong
    Case("rounded_accuracy", "wrong", "batch size read from the static shape (x.shape[0]): breaks in fit", """
def rounded_accuracy(y_true, y_pred):
    matches = ops.cast(ops.equal(ops.round(y_true), ops.round(y_pred)), "float32")
    matches = ops.reshape(matches, (matches.shape[0], -1))
    return ops.mean(matches, axis=1)
""", hint="compiled graph"),
    Case("rounded_accuracy", "wrong", "batch size from len(tensor): breaks in fit", """
def rounded_accuracy(y_true, y_pred):
    matches = tf.cast(tf.equal(tf.round(y_true), tf.round(y_pred)), tf.float32)
    return tf.reduce_mean(tf.reshape(matches, [len(matches), -1]), axis=1)
""", hint="compiled graph"),
    Case("rounded_accuracy", "wrong", "binary_accuracy on the raw targets, averaged per sample", """
def rounded_accuracy(y_true, y_pred):
    per_pixel = keras.metrics.binary_accuracy(y_true, y_pred)
    return ops.mean(per_pixel, axis=tuple(range(1, len(per_pixel.shape))))
""", hint="round the targets too"),
    Case("rounded_accuracy", "wrong", "cast to int32 truncates instead of rounding", """
def rounded_accuracy(y_true, y_pred):
    t = ops.cast(y_true, "int32")
    p = ops.cast(y_pred, "int32")
    matches = ops.cast(ops.equal(t, p), "float32")
    return ops.mean(matches, axis=tuple(range(1, len(matches.shape))))
""", hint="truncates"),
    Case("rounded_accuracy", "wrong", "sum of matches instead of mean", """
def rounded_accuracy(y_true, y_pred):
    matches = ops.cast(ops.equal(ops.round(y_true), ops.round(y_pred)), "float32")
    return ops.sum(matches, axis=tuple(range(1, len(matches.shape))))
""", hint="mean"),
    Case("rounded_accuracy", "wrong", "'close enough': |y_true - y_pred| < 0.5 instead of rounding", """
def rounded_accuracy(y_true, y_pred):
    close = ops.cast(ops.abs(y_true - y_pred) < 0.5, "float32")
    return ops.mean(close, axis=tuple(range(1, len(close.shape))))
""", hint="round"),
    Case("rounded_accuracy", "wrong", "reshape to (-1, 784): Fashion-MNIST only", """
def rounded_accuracy(y_true, y_pred):
    matches = ops.cast(ops.equal(ops.round(y_true), ops.round(y_pred)), "float32")
    return ops.mean(ops.reshape(matches, (-1, 28 * 28)), axis=1)
""", hint="every axis but the batch axis"),
    Case("rounded_accuracy", "wrong", "mean over axis 1 only", """
def rounded_accuracy(y_true, y_pred):
    matches = ops.cast(ops.equal(ops.round(y_true), ops.round(y_pred)), "float32")
    return ops.mean(matches, axis=1)
""", hint="return one accuracy per sample"),
    Case("rounded_accuracy", "wrong", "axes (-2, -1) written for images", """
def rounded_accuracy(y_true, y_pred):
    matches = ops.cast(ops.equal(ops.round(y_true), ops.round(y_pred)), "float32")
    return ops.mean(matches, axis=(-2, -1))
""", hint="you averaged over everything"),
    Case("rounded_accuracy", "wrong", "round to one decimal (ops.round(x, 1))", """
def rounded_accuracy(y_true, y_pred):
    matches = ops.cast(ops.equal(ops.round(y_true, 1), ops.round(y_pred, 1)), "float32")
    return ops.mean(matches, axis=tuple(range(1, len(matches.shape))))
""", hint="round"),
    Case("rounded_accuracy", "wrong", "batch size from y_true.shape[0] in a tf.reshape", """
def rounded_accuracy(y_true, y_pred):
    n = y_true.shape[0]
    agree = tf.cast(tf.equal(tf.round(y_true), tf.round(y_pred)), tf.float32)
    return tf.reduce_mean(tf.reshape(agree, (n, -1)), axis=-1)
""", hint="compiled graph"),
    # ---------------------------------------------------------------------------------------------------------
    # stacked_autoencoder: right
    Case("stacked_autoencoder", "right", "Reshape((784,)) instead of Flatten, lecun_normal init", """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    dense = lambda units, act: keras.layers.Dense(units, activation=act, kernel_initializer="lecun_normal")
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Reshape((28 * 28,)),
                                dense(hidden_size, activation), dense(codings_size, activation)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), dense(hidden_size, activation),
                                dense(28 * 28, "sigmoid"), keras.layers.Reshape((28, -1))])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
    Case("stacked_autoencoder", "right", "autoencoder as keras.Model(encoder.input, decoder(encoder.output))", """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    inputs = keras.Input(shape=(28, 28))
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(hidden_size, activation=activation)(x)
    codings = keras.layers.Dense(codings_size, activation=activation)(x)
    encoder = keras.Model(inputs, codings, name="encoder")
    latent = keras.Input(shape=(codings_size,))
    y = keras.layers.Dense(hidden_size, activation=activation)(latent)
    y = keras.layers.Dense(784, activation="sigmoid")(y)
    decoder = keras.Model(latent, keras.layers.Reshape((28, 28))(y), name="decoder")
    autoencoder = keras.Model(encoder.input, decoder(encoder.output), name="autoencoder")
    return encoder, decoder, autoencoder
"""),
    Case("stacked_autoencoder", "right", "subclassed encoder and decoder", """
class Encoder(keras.Model):
    def __init__(self, codings_size, hidden_size, activation, **kwargs):
        super().__init__(**kwargs)
        self.flatten = keras.layers.Flatten()
        self.hidden = keras.layers.Dense(hidden_size, activation=activation)
        self.codings = keras.layers.Dense(codings_size, activation=activation)

    def call(self, images):
        return self.codings(self.hidden(self.flatten(images)))


class Decoder(keras.Model):
    def __init__(self, hidden_size, activation, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(hidden_size, activation=activation)
        self.pixels = keras.layers.Dense(28 * 28, activation="sigmoid")
        self.reshape = keras.layers.Reshape((28, 28))

    def call(self, codings):
        return self.reshape(self.pixels(self.hidden(codings)))


def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    encoder = Encoder(codings_size, hidden_size, activation)
    decoder = Decoder(hidden_size, activation)
    encoder.build((None, 28, 28))
    decoder.build((None, codings_size))
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
    Case("stacked_autoencoder", "right", "layers built in loops over the sizes, sigmoid after the Reshape", """
def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    encoder = keras.Sequential(name="enc")
    encoder.add(keras.Input(shape=(28, 28)))
    encoder.add(keras.layers.Flatten())
    for units in [hidden_size, codings_size]:
        encoder.add(keras.layers.Dense(units, activation=keras.activations.get(activation)))
    decoder = keras.Sequential(name="dec")
    decoder.add(keras.Input(shape=(codings_size,)))
    for units, act in [(hidden_size, activation), (28 * 28, None)]:
        decoder.add(keras.layers.Dense(units, activation=act))
    decoder.add(keras.layers.Reshape([28, 28]))
    decoder.add(keras.layers.Activation("sigmoid"))
    return encoder, decoder, keras.Sequential([encoder, decoder], name="ae")
"""),
    # stacked_autoencoder: wrong
    Case("stacked_autoencoder", "wrong", "Rescaling(1/255) at the encoder's start (pixels already in [0, 1])",
         _rt_stacked(extra="\n                                keras.layers.Rescaling(1 / 255),"),
         hint="has no Rescaling layer"),
    Case("stacked_autoencoder", "wrong", "linear codings layer (no activation on the codings)",
         _rt_stacked(codings="None"), hint="activation"),
    Case("stacked_autoencoder", "wrong", "softmax on the output layer", _rt_stacked(output='"softmax"'),
         hint="sigmoid"),
    Case("stacked_autoencoder", "wrong", "Reshape((28, 28, 1)) at the decoder's end", _rt_stacked(reshape="(28, 28, 1)"),
         hint="Reshape((28, 28))"),
    Case("stacked_autoencoder", "wrong", "BatchNormalization between the encoder's Dense layers",
         _rt_stacked(mid="\n                                keras.layers.BatchNormalization(),"), hint="two Dense layers"),
    Case("stacked_autoencoder", "wrong", "decoder's hidden layer hard-codes selu", _rt_stacked(decoder='"selu"'),
         hint="the decoder's hidden Dense layer uses the `activation` argument"),
    Case("stacked_autoencoder", "wrong", "decoder's hidden layer has codings_size units",
         _rt_stacked(dec_units="codings_size"), hint="the decoder mirrors the encoder"),
    Case("stacked_autoencoder", "wrong", "use_bias=False on every Dense layer", _rt_stacked().replace(
        "activation=activation)", "activation=activation, use_bias=False)"), hint="bias"),
    Case("stacked_autoencoder", "wrong", "tanh output layer", _rt_stacked(output='"tanh"'), hint="sigmoid"),
    Case("stacked_autoencoder", "wrong", "sigmoid on the codings layer (codings squashed to (0, 1))",
         _rt_stacked(codings='"sigmoid"'), hint="sigmoid"),
    Case("stacked_autoencoder", "wrong", "relu on the codings layer only", _rt_stacked(codings='"relu"'), hint="not ReLU"),
    Case("rounded_accuracy", "wrong", "a Python loop over the samples (range(y_true.shape[0])): breaks in fit", """
def rounded_accuracy(y_true, y_pred):
    scores = []
    for i in range(y_true.shape[0]):
        same = ops.equal(ops.round(y_true[i]), ops.round(y_pred[i]))
        scores.append(ops.mean(ops.cast(same, "float32")))
    return ops.stack(scores)
""", hint="compiled graph"),
]

# A subclassed model lists its weights in the order its __init__ made the layers: the grader sets weights in the
# order the layers run, so a decoder that made its output layer first computes the reference's function.
CASES += [
    Case("stacked_autoencoder", "right", "subclassed decoder whose __init__ creates the output layer first", """
class Decoder(keras.Model):
    def __init__(self, hidden_size, activation, **kwargs):
        super().__init__(**kwargs)
        self.output_layer = keras.layers.Dense(28 * 28, activation="sigmoid")
        self.hidden = keras.layers.Dense(hidden_size, activation=activation)
        self.to_image = keras.layers.Reshape((28, 28))

    def call(self, codings):
        return self.to_image(self.output_layer(self.hidden(codings)))


def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                keras.layers.Dense(hidden_size, activation=activation),
                                keras.layers.Dense(codings_size, activation=activation)])
    decoder = Decoder(hidden_size, activation)
    decoder.build((None, codings_size))
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
]

# What fit learns changes with a regularizer or a frozen part even when the outputs with the grader's weights match.
CASES += [
    Case("stacked_autoencoder", "wrong", "L1 activity regularizer on the codings (sparse AE mixed in)",
         _rt_stacked(codings_kw=", activity_regularizer=keras.regularizers.l1(1e-3)"), hint="no regularizers"),
    Case("stacked_autoencoder", "wrong", "encoder frozen inside the builder (trainable=False)",
         _rt_stacked().replace("    autoencoder = keras.Sequential",
                               "    encoder.trainable = False\n    autoencoder = keras.Sequential"),
         hint="do not freeze"),
]
