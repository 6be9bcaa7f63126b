"""Convolutional and recurrent autoencoders: reference answers.

The build copies ``build_conv_autoencoder`` and ``build_recurrent_autoencoder`` into the lesson's exercise cells
(stubs in the student version); the other objects are helpers the lesson includes as they are.
"""

import keras


def build_conv_autoencoder():
    """Build a convolutional autoencoder (not compiled).

    Encoder: Reshape to (28, 28, 1), then three Conv2D layers (16, 32 and 64 filters, 3x3, padding "same", SELU),
    each followed by MaxPool2D(2): 28 -> 14 -> 7 -> 3. Decoder: three Conv2DTranspose layers with strides 2 (32
    filters "valid": 3 -> 7; 16 filters "same": 7 -> 14; 1 filter "same" with a sigmoid: 14 -> 28), then Reshape
    to (28, 28).

    Returns:
        (encoder, decoder, autoencoder): three keras.Model objects;
        encoder maps (batch, 28, 28) images -> (batch, 3, 3, 64) codings, decoder maps them back to
        (batch, 28, 28) pixel values in (0, 1), and autoencoder(x) == decoder(encoder(x)).
    """
    same_selu = dict(kernel_size=3, padding="same", activation="selu")
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Reshape((28, 28, 1)),
        keras.layers.Conv2D(16, **same_selu),
        keras.layers.MaxPool2D(pool_size=2),  # 28 -> 14
        keras.layers.Conv2D(32, **same_selu),
        keras.layers.MaxPool2D(pool_size=2),  # 14 -> 7
        keras.layers.Conv2D(64, **same_selu),
        keras.layers.MaxPool2D(pool_size=2),  # 7 -> 3 (the "valid" pooling drops the last row and column)
    ], name="conv_encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(3, 3, 64)),
        # "valid" with stride 2 and a 3x3 kernel gives (3 - 1) * 2 + 3 = 7, undoing the 7 -> 3 pooling
        keras.layers.Conv2DTranspose(32, kernel_size=3, strides=2, padding="valid", activation="selu"),
        keras.layers.Conv2DTranspose(16, kernel_size=3, strides=2, padding="same", activation="selu"),
        keras.layers.Conv2DTranspose(1, kernel_size=3, strides=2, padding="same", activation="sigmoid"),
        keras.layers.Reshape((28, 28)),
    ], name="conv_decoder")
    autoencoder = keras.Sequential([encoder, decoder], name="conv_autoencoder")
    return encoder, decoder, autoencoder


def build_recurrent_autoencoder(codings_size=30):
    """Build a recurrent autoencoder (not compiled): each image is a sequence of 28 rows.

    Encoder: LSTM(100) returning the whole sequence, then LSTM(codings_size) returning its last output only.
    Decoder: RepeatVector(28) feeds the codings to every time step, LSTM(100) returning the whole sequence, and a
    TimeDistributed Dense(28) with a sigmoid turns each step's output into one row of pixels.

    Args:
        codings_size: number of codings (30 in the lesson).

    Returns:
        (encoder, decoder, autoencoder): three keras.Model objects;
        encoder maps (batch, 28, 28) -> (batch, codings_size), decoder maps it back to (batch, 28, 28) in (0, 1),
        and autoencoder(x) == decoder(encoder(x)).
    """
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.LSTM(100, return_sequences=True),  # (batch, 28, 100): one output per row
        keras.layers.LSTM(codings_size),  # (batch, codings_size): the last output only
    ], name="recurrent_encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        keras.layers.RepeatVector(28),  # (batch, 28, codings_size): the codings at every row
        keras.layers.LSTM(100, return_sequences=True),
        keras.layers.TimeDistributed(keras.layers.Dense(28, activation="sigmoid")),
    ], name="recurrent_decoder")
    autoencoder = keras.Sequential([encoder, decoder], name="recurrent_autoencoder")
    return encoder, decoder, autoencoder


def build_dense_autoencoder(hidden_size=100, codings_size=30):
    """The dense stacked autoencoder 784-100-30-100-784 (SELU, sigmoid output), a baseline (not compiled).

    A copy of the stacked autoencoder, to compare parameter counts and reconstructions with.

    Returns:
        (encoder, decoder, autoencoder): encoder maps (batch, 28, 28) -> (batch, codings_size), decoder maps it
        back to (batch, 28, 28) in (0, 1).
    """
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(hidden_size, activation="selu"),
        keras.layers.Dense(codings_size, activation="selu"),
    ], name="dense_encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        keras.layers.Dense(hidden_size, activation="selu"),
        keras.layers.Dense(28 * 28, activation="sigmoid"),
        keras.layers.Reshape((28, 28)),
    ], name="dense_decoder")
    autoencoder = keras.Sequential([encoder, decoder], name="dense_autoencoder")
    return encoder, decoder, autoencoder


# ---------------------------------------------------------------------------------------------------------------
# helpers the lesson includes as they are


def make_optimizer(recipe):
    """A fresh optimizer for the convolutional autoencoder: "book" SGD(1.0) (the textbook's) or "course" Adam(1e-3)."""
    if recipe == "book":
        return keras.optimizers.SGD(learning_rate=1.0)
    if recipe == "course":
        return keras.optimizers.Adam(learning_rate=1e-3)
    raise ValueError(f"unknown recipe {recipe!r}: use 'book' or 'course'")
