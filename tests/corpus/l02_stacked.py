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
