"""Stacked autoencoders, their codings, and unsupervised pretraining: reference answers.

The build copies ``rounded_accuracy`` and ``build_stacked_autoencoder`` into the lesson's exercise cells (stubs in
the student version); the other objects are helpers the lesson includes as they are.
"""

import time

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="course")
def rounded_accuracy(y_true, y_pred):
    """Binary accuracy of rounded targets against rounded predictions, one value per sample.

    Pixel intensities are grey levels in [0, 1], not 0/1 labels, so plain binary accuracy would almost never count
    a pixel as right. Rounding both sides turns each pixel into "dark or light" and asks whether the reconstruction
    got that right.

    Args:
        y_true: (batch, ...) target pixel values in [0, 1], e.g. (batch, 28, 28).
        y_pred: (batch, ...) predicted pixel values in [0, 1], the same shape.

    Returns:
        accuracy: (batch,) float32 tensor, the fraction of each sample's values whose rounded prediction equals
        its rounded target (averaged over every axis but the batch axis).

    Registered as serializable, so that a saved model compiled with this metric reloads.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    matches = ops.cast(ops.equal(ops.round(y_true), ops.round(y_pred)), "float32")
    return ops.mean(matches, axis=tuple(range(1, len(matches.shape))))


def build_stacked_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    """Build a stacked autoencoder (not compiled).

    Encoder: Flatten the (28, 28) image to 784 values, Dense(hidden_size), Dense(codings_size), both with
    ``activation``. Decoder, its mirror image: Dense(hidden_size) with ``activation``, Dense(784) with a sigmoid
    so every output is a pixel value in (0, 1), then Reshape to (28, 28).

    Args:
        codings_size: number of codings (30 in the lesson).
        hidden_size: units of the hidden layer on each side (100 in the lesson).
        activation: activation of the hidden and codings layers ("selu" in the lesson).

    Returns:
        (encoder, decoder, autoencoder): three keras.Model objects;
        encoder maps (batch, 28, 28) images -> (batch, codings_size) codings, decoder maps them back to
        (batch, 28, 28) pixel values in (0, 1), and autoencoder(x) == decoder(encoder(x)).
    """
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(hidden_size, activation=activation),
        keras.layers.Dense(codings_size, activation=activation),
    ], name="stacked_encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        keras.layers.Dense(hidden_size, activation=activation),
        keras.layers.Dense(28 * 28, activation="sigmoid"),
        keras.layers.Reshape((28, 28)),
    ], name="stacked_decoder")
    autoencoder = keras.Sequential([encoder, decoder], name="stacked_autoencoder")
    return encoder, decoder, autoencoder


# ---------------------------------------------------------------------------------------------------------------
# helpers the lesson includes as they are


class EpochTimer(keras.callbacks.Callback):
    """Records the wall-clock seconds since the start of ``fit`` at the end of each epoch.

    After ``fit``, ``timer.seconds[i]`` is the time taken by epochs 1 to i + 1 (validation included), so learning
    curves of recipes with different speeds can share one time axis.
    """

    def on_train_begin(self, logs=None):
        self.seconds = []
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def first_epoch_reaching(values, target):
    """The 1-based epoch at which ``values`` (e.g. a validation loss per epoch) first is <= ``target``, or None."""
    for epoch, value in enumerate(values, start=1):
        if value <= target:
            return epoch
    return None


def copy_model(model):
    """A new model with the same architecture and a copy of ``model``'s weights (training it leaves ``model`` as
    it is): a trained encoder to reuse without changing the autoencoder that owns it."""
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    return clone


def build_classifier(encoder, num_classes=10):
    """A classifier made of ``encoder`` followed by one softmax Dense layer, for unsupervised pretraining.

    The encoder is used as it is (not copied): freezing it (``encoder.trainable = False``) freezes it inside the
    classifier too.

    Returns:
        keras.Sequential mapping (batch, 28, 28) images -> (batch, num_classes) class probabilities.
    """
    return keras.Sequential([encoder, keras.layers.Dense(num_classes, activation="softmax")], name="classifier")
