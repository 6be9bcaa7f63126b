"""What a benchmark recipe is, and the one runner that trains a recipe with ``fit``.

Each module of the ``benchmark`` package that trains reference models lists them in a module-level ``BENCHMARKS``
list of :class:`Recipe` objects; ``python -m benchmark`` discovers them. The models come from ``solutions`` (the
answers the lessons show); how long, on what and with which settings they train is decided here, so changing a
recipe never changes a lesson.
"""

import dataclasses
import os
import pathlib
import pickle
import time
from typing import Callable, Optional

import keras
import numpy as np

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
        resumable: ``run`` also takes ``resume=``, a :class:`Resume` (or None) that it puts last among ``fit``'s
            callbacks, so a run too long for one sitting can stop and go on later (``--stop-after``).
    """

    model: str
    recipe: str
    lesson: str
    epochs: int
    fast_epochs: int
    run: Callable
    metric: str
    book_value: Optional[float] = None
    resumable: bool = False


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


class Resume(keras.callbacks.Callback):
    """Lets one long ``fit`` run in several sittings: the training state is saved after every epoch and restored
    when the same run starts again, and a sitting can end after a time budget (the checkpoint then holds the run).

    Saved: every variable of the model (weights, metric trackers, seed generators' states) and of each optimizer
    the model holds (``optimizer``, or a GAN's ``d_optimizer`` and ``g_optimizer``; build them before ``fit``, as
    :func:`build_optimizers` does; one never used is left out), every epoch's logs, the seconds each sitting took, and the attributes
    named in ``keep`` (a timer's epoch times, a monitor's records). The run that uses it starts ``fit`` at
    :attr:`epochs_done` with its data stream advanced past the batches already seen (see
    :func:`benchmark.dcgan.train_dcgan`), so a run in sittings takes the same steps as one without a stop.

    Put it last among ``fit``'s callbacks, so the epoch's logs and the kept attributes are complete when it saves.

    Args:
        directory: the checkpoint's folder (made at the first save).
        stop_after: seconds; the first epoch that ends later than this after the sitting's start stops training
            (unless it was the last) and sets :attr:`paused`. None: no budget.

    Attributes:
        fingerprint: a JSON-ready description of the run (its settings), set by the run before ``fit``; a
            checkpoint saved with another fingerprint is refused instead of resumed.
        keep: ``{name: (object, [attribute names])}``, saved and restored with the state.
        paused: True when the budget stopped training before the last epoch.
        logs: ``{name: [value per epoch]}`` over every sitting.
    """

    FILE = "checkpoint.pickle"
    FORMAT = 1

    def __init__(self, directory, stop_after=None):
        super().__init__()
        if stop_after is not None and stop_after < 0:
            raise ValueError(f"stop_after must be None or >= 0 seconds, got {stop_after}")
        self.directory = pathlib.Path(directory)
        self.stop_after = stop_after
        self.fingerprint = None
        self.keep = {}
        self.paused = False
        self.logs = {}
        self.sitting_seconds = []  # of the sittings before this one
        self._saved = None
        self._start = time.perf_counter()

    @property
    def path(self):
        return self.directory / self.FILE

    def saved(self):
        """The saved state (a dict), or None when there is no checkpoint. ValueError for an unreadable one."""
        if self._saved is None and self.path.exists():
            try:
                with open(self.path, "rb") as file:
                    saved = pickle.load(file)
            except Exception as error:  # truncated, or not ours
                raise ValueError(f"the checkpoint {self.path} cannot be read ({type(error).__name__}: {error}); "
                                 "delete it (or run with --restart) to train from the start") from None
            if not isinstance(saved, dict) or saved.get("format") != self.FORMAT:
                raise ValueError(f"{self.path} is not a checkpoint of this benchmark (format {self.FORMAT}); "
                                 "delete it (or run with --restart) to train from the start")
            self._saved = saved
        return self._saved

    @property
    def epochs_done(self):
        """Epochs the checkpoint holds (0 without one)."""
        saved = self.saved()
        return 0 if saved is None else saved["epochs_done"]

    def keep_states(self, callbacks):
        """Save and restore, with the state, the attributes each of ``callbacks`` lists in its ``resume_state``."""
        self.keep.update({f"callback {index}": (callback, callback.resume_state)
                          for index, callback in enumerate(callbacks) if getattr(callback, "resume_state", None)})

    def seconds_before(self):
        """Seconds the earlier sittings took."""
        saved = self.saved()
        return 0.0 if saved is None else float(sum(saved["sitting_seconds"]))

    def sittings_before(self):
        """How many sittings the checkpoint holds (0 without one)."""
        saved = self.saved()
        return 0 if saved is None else len(saved["sitting_seconds"])

    def _optimizers(self):
        found = {}
        for name, value in sorted(vars(self.model).items()):
            if isinstance(value, keras.optimizers.Optimizer) and id(value) not in {id(o) for o in found.values()}:
                found[name] = value
        return found

    def _variables(self, optimizer_names=None):
        """The model's variables, then those of its optimizers: the built ones (an optimizer never used, like the
        default one a GAN's compile leaves, has none), or the ones named."""
        variables = list(self.model.variables)
        optimizers = self._optimizers()
        names = [name for name, optimizer in optimizers.items() if optimizer.built] if optimizer_names is None \
            else optimizer_names
        for name in names:
            if name not in optimizers or not optimizers[name].built:
                raise RuntimeError(f"the checkpoint holds the state of the model's {name}, which has no variables "
                                   "yet: build it before fit (optimizer.build(the variables it trains)) so that its "
                                   "state can be restored")
            variables += list(optimizers[name].variables)
        return variables, names

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()
        saved = self.saved()
        if saved is None:
            return
        if saved["fingerprint"] != self.fingerprint:
            raise ValueError(f"the checkpoint {self.path} was saved by a run with other settings "
                             f"({saved['fingerprint']} against {self.fingerprint}); delete it (or run with "
                             "--restart) to train from the start")
        variables, _ = self._variables(saved["optimizers"])
        shapes = [tuple(v.shape) for v in variables]
        if shapes != [tuple(np.shape(value)) for value in saved["variables"]]:
            raise ValueError(f"the checkpoint {self.path} holds {len(saved['variables'])} variables that do not "
                             f"match this model's {len(variables)}; delete it (or run with --restart)")
        for variable, value in zip(variables, saved["variables"]):
            variable.assign(value)
        missing = [f"{name}.{attribute}" for name, (_, attributes) in self.keep.items() for attribute in attributes
                   if attribute not in saved["keep"].get(name, {})]
        if missing:
            raise ValueError(f"the checkpoint {self.path} does not hold {', '.join(missing)}: it was saved by a run "
                             "with other callbacks; delete it (or run with --restart) to train from the start")
        for name, (owner, attributes) in self.keep.items():
            for attribute in attributes:
                setattr(owner, attribute, saved["keep"][name][attribute])
        self.logs = {key: list(values) for key, values in saved["logs"].items()}
        self.sitting_seconds = list(saved["sitting_seconds"])

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            if np.ndim(value) == 0:
                self.logs.setdefault(key, []).append(float(value))
        seconds = time.perf_counter() - self._start
        variables, optimizer_names = self._variables()
        state = {
            "format": self.FORMAT, "fingerprint": self.fingerprint, "epochs_done": epoch + 1,
            "variables": [np.array(v) for v in variables], "optimizers": optimizer_names, "logs": self.logs,
            "sitting_seconds": [*self.sitting_seconds, seconds],
            "keep": {name: {attribute: getattr(owner, attribute) for attribute in attributes}
                     for name, (owner, attributes) in self.keep.items()},
        }
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        with open(partial, "wb") as file:
            pickle.dump(state, file)
        os.replace(partial, self.path)  # a stop while writing leaves the previous checkpoint whole
        self._saved = state
        last = epoch + 1 >= (self.params or {}).get("epochs", epoch + 1)
        if self.stop_after is not None and seconds >= self.stop_after and not last:
            self.model.stop_training = True
            self.paused = True


def build_optimizers(pairs):
    """Build each optimizer for the variables it trains (``[(optimizer, variables), ...]``), so that a
    :class:`Resume` can restore their state before the first step."""
    for optimizer, variables in pairs:
        if not optimizer.built:
            optimizer.build(variables)
