"""What a benchmark recipe is, and the one runner that trains a recipe with ``fit``.

Each module of the ``benchmark`` package that trains reference models lists them in a module-level ``BENCHMARKS``
list of :class:`Recipe` objects; ``python -m benchmark`` discovers them. The models come from ``solutions`` (the
answers the lessons show); how long, on what and with which settings they train is decided here, so changing a
recipe never changes a lesson.
"""

import dataclasses
from typing import Callable, Optional

import keras

SEED = 42
FAST_TRAIN_SIZE = 5_000  # training images of a --fast run


@dataclasses.dataclass(frozen=True)
class Recipe:
    """One reference model trained one way.

    Attributes:
        model: short model name shared by the recipes of one model, e.g. "stacked".
        recipe: "book" (the textbook's settings), "course" (this course's default, when it differs) or another name.
        lesson: the lesson whose model it is, e.g. "02_stacked".
        epochs: epochs of the full run; fast_epochs: epochs with ``--fast``.
        run: ``run(epochs, fast, callbacks) -> dict``. Trains from scratch (seeded) for ``epochs`` epochs with the
            given Keras callbacks passed to ``fit`` (the benchmark's timer comes first), and returns at least
            ``{"val_loss": float, "history": {"val_loss": [per-epoch floats], ...}}``; may add ``"metrics"`` (a dict
            of floats) and, for generative models, ``"generate"``: ``generate(n, seed) -> (n, 28, 28)`` float32
            images in [0, 1], or a dict ``{sampler name: generate}`` when the model has several ways to sample
            (each is scored and timed on its own).
        metric: what ``val_loss`` measures, e.g. "validation binary cross-entropy".
        book_value: the book's figure for the same metric, or None.
    """

    model: str
    recipe: str
    lesson: str
    epochs: int
    fast_epochs: int
    run: Callable
    metric: str
    book_value: Optional[float] = None


def fashion_images(fast, valid_size=None):
    """Fashion-MNIST's training and validation images, (n, 28, 28) float32 in [0, 1].

    All of them, or with ``fast`` the first :data:`FAST_TRAIN_SIZE` training images and the first ``valid_size``
    validation images (None: all 5,000).
    """
    from helpers.data import load_fashion_mnist

    fashion = load_fashion_mnist()
    if not fast:
        return fashion.X_train, fashion.X_valid
    return fashion.X_train[:FAST_TRAIN_SIZE], fashion.X_valid[:valid_size]


def history_floats(history):
    """A Keras ``History`` (or its dict) as ``{name: [float per epoch]}``."""
    logs = getattr(history, "history", history)
    return {key: [float(value) for value in values] for key, values in logs.items()}


def fit_recipe(build, epochs, fast, callbacks, *, batch_size=32, fast_batch_size=None, fast_valid_size=None,
               flatten=False, targets=True, val_loss="val_loss", measure=None, seed=SEED):
    """Train one model with ``fit`` the benchmark's way: load, subset, seed, build, fit, measure.

    Args:
        build: ``build() -> keras.Model``, compiled; called right after the seed is set, so its weights are the
            same on every run.
        epochs, fast, callbacks: as for :attr:`Recipe.run` (``callbacks`` holds the benchmark's timer).
        batch_size: batch size of ``fit``; fast_batch_size: the one of a ``--fast`` run (default the same).
        fast_valid_size: validation images of a ``--fast`` run (None: all).
        flatten: feed (n, 784) vectors instead of (n, 28, 28) images.
        targets: True for an autoencoder's ``fit(X, X)``; False for a model that takes no targets (``fit(X)``).
        val_loss: the history key reported as the recipe's ``val_loss`` (its last value).
        measure: ``measure(model, history, X_train, X_valid) -> dict`` run after training (``history`` as
            returned); its keys replace or add to the result's (``"metrics"``, ``"generate"``, or a ``"val_loss"``
            measured another way).

    Returns:
        ``{"val_loss": float, "history": {name: [floats]}, "metrics": {}}`` updated with ``measure``'s dict.
    """
    X_train, X_valid = fashion_images(fast, valid_size=fast_valid_size)
    if flatten:
        X_train, X_valid = X_train.reshape(len(X_train), -1), X_valid.reshape(len(X_valid), -1)
    keras.utils.set_random_seed(seed)
    model = build()
    if fast and fast_batch_size is not None:
        batch_size = fast_batch_size
    inputs = (X_train, X_train) if targets else (X_train,)
    validation = (X_valid, X_valid) if targets else (X_valid,)
    history = model.fit(*inputs, epochs=epochs, batch_size=batch_size, validation_data=validation,
                        callbacks=list(callbacks or []), verbose=0)
    history = history_floats(history)
    result = {"val_loss": history[val_loss][-1], "history": history, "metrics": {}}
    if measure is not None:
        result.update(measure(model, history, X_train, X_valid))
    return result
