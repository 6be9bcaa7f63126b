"""Reference answers for lesson 02: stacked autoencoders, their codings, and unsupervised pretraining.

Taught in lesson 02 (``lessons/02_stacked.ipynb``). The build copies ``rounded_accuracy`` and
``build_stacked_autoencoder`` into the lesson's exercise cells (stubs in the student version); the other objects
are helpers the lesson includes as they are, and the training recipes the benchmark runs.
"""

import time

import keras
from keras import ops

from benchmark.recipes import Recipe

BOOK_VAL_LOSS = 0.2835  # the book's validation binary cross-entropy after 20 epochs of SGD(1.5)
# The two ways lesson 02 trains the stacked autoencoder: (optimizer class name, learning rate). Same loss, same
# batch size (32); only the optimizer differs.
RECIPES = {"book": ("SGD", 1.5), "course": ("Nadam", 1e-3)}


@keras.saving.register_keras_serializable(package="course")
def rounded_accuracy(y_true, y_pred):
    """Binary accuracy of rounded targets against rounded predictions, one value per sample (lesson 02).

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
    """Build the stacked autoencoder of lesson 02 (not compiled).

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


def make_optimizer(recipe):
    """A fresh optimizer for ``recipe`` ("book": SGD(1.5), "course": Nadam(1e-3)), as in lesson 02."""
    if recipe not in RECIPES:
        raise ValueError(f"unknown recipe {recipe!r}; known recipes: {', '.join(RECIPES)}")
    name, learning_rate = RECIPES[recipe]
    return getattr(keras.optimizers, name)(learning_rate=learning_rate)


class EpochTimer(keras.callbacks.Callback):
    """Records the wall-clock seconds since the start of ``fit`` at the end of each epoch (lesson 02).

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
    it is). Used in lesson 02 to reuse a trained encoder without changing the autoencoder that owns it."""
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    return clone


def build_classifier(encoder, num_classes=10):
    """A classifier made of ``encoder`` followed by one softmax Dense layer (lesson 02, unsupervised pretraining).

    The encoder is used as it is (not copied): freezing it (``encoder.trainable = False``) freezes it inside the
    classifier too.

    Returns:
        keras.Sequential mapping (batch, 28, 28) images -> (batch, num_classes) class probabilities.
    """
    return keras.Sequential([encoder, keras.layers.Dense(num_classes, activation="softmax")], name="classifier")


# ---------------------------------------------------------------------------------------------------------------
# benchmark recipes (python -m benchmark)


def _subset(fast):
    from helpers.data import load_fashion_mnist

    fashion = load_fashion_mnist()
    size = 5_000 if fast else len(fashion.X_train)
    return fashion.X_train[:size], fashion.X_valid


def train_reference(build, recipe, epochs, fast=False, callbacks=(), seed=42, verbose="auto"):
    """Train an autoencoder from ``build()`` with a lesson-02 ``recipe`` on Fashion-MNIST, from scratch and seeded.

    Used by the benchmark for lessons 02 and 03: binary cross-entropy, batch size 32, the rounded accuracy metric,
    55,000 training images (5,000 when ``fast``), validation on the 5,000 validation images.

    Args:
        build: a function returning (encoder, decoder, autoencoder).
        recipe: "book" or "course" (see ``RECIPES``).

    Returns:
        {"val_loss": final validation loss, "history": Keras history dict, "metrics": {"val_rounded_accuracy"},
         "autoencoder": the trained model}
    """
    X_train, X_valid = _subset(fast)
    keras.utils.set_random_seed(seed)
    _, _, autoencoder = build()
    autoencoder.compile(loss="binary_crossentropy", optimizer=make_optimizer(recipe), metrics=[rounded_accuracy])
    history = autoencoder.fit(X_train, X_train, epochs=epochs, batch_size=32, validation_data=(X_valid, X_valid),
                              callbacks=list(callbacks), verbose=verbose)
    return {"val_loss": float(history.history["val_loss"][-1]), "history": history.history,
            "metrics": {"val_rounded_accuracy": float(history.history["val_rounded_accuracy"][-1])},
            "autoencoder": autoencoder}


def reference_run(build, recipe):
    """A benchmark ``run(epochs, fast, callbacks)``: :func:`train_reference` of ``build`` with ``recipe``.

    Used by lessons 02 (stacked) and 03 (tied) for their book and course recipes.
    """
    def run(epochs, fast=False, callbacks=()):
        return train_reference(build, recipe, epochs, fast, callbacks)
    return run


BENCHMARKS = [
    Recipe(model="stacked", recipe=recipe, lesson="02_stacked", epochs=20, fast_epochs=1,
           run=reference_run(build_stacked_autoencoder, recipe), metric="validation binary cross-entropy",
           book_value=BOOK_VAL_LOSS)
    for recipe in ("book", "course")
]
