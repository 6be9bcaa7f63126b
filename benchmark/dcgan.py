"""Benchmark recipes of the DCGAN: the book's, the course's (the DCGAN lesson's settings, trained longer), "wide".

Everything here is tuning: the recipe table, :class:`TunedGAN` (two options no lesson uses), a discriminator with
another dropout rate, an activation added to the generator and decaying learning rates. The networks and the
training step are the answers of ``solutions.dcgan``.
"""

import time

import keras
import tensorflow as tf
from keras import layers, ops

from benchmark.recipes import Recipe, SEED, build_optimizers, fashion_images
from helpers.diffusion_tools import blend_weights
from helpers.gan_tools import (EvaluationMonitor, make_dataset, sample_images, to_gan_range, with_layer_before,
                               with_layer_before_flatten)
from solutions.dcgan import GAN, ImprovedGAN, MinibatchStdDev, build_dcgan

CODINGS_SIZE = 100

# An "epoch" is images_per_epoch images drawn from the shuffled, repeated training set. "wide" is the book's width
# with a minibatch-std discriminator without dropout, a SELU after the generator's first batch normalization,
# a generator learning ten times as fast as its discriminator, both rates decaying to a tenth along a cosine, and
# phase 2 on phase 1's fakes. The README's benchmark section gives what each recipe reaches and how "wide" was found.
DCGAN_RECIPES = {
    "book": {"filters": 64, "batch_size": 32, "optimizer": "rmsprop", "d_learning_rate": 1e-3,
             "g_learning_rate": 1e-3, "images_per_epoch": 55_000, "epochs": 50, "ema_decay": None,
             "decay_to": 1.0, "minibatch_std": False, "dropout": 0.4, "share_fakes": False,
             "generator_activation": None},
    "course": {"filters": 32, "batch_size": 64, "optimizer": "adam", "d_learning_rate": 2e-4,
               "g_learning_rate": 1e-3, "images_per_epoch": 10_000, "epochs": 40, "ema_decay": None,
               "decay_to": 1.0, "minibatch_std": False, "dropout": 0.4, "share_fakes": False,
               "generator_activation": None},
    "wide": {"filters": 64, "batch_size": 32, "optimizer": "adam", "d_learning_rate": 2e-4,
             "g_learning_rate": 2e-3, "images_per_epoch": 10_000, "epochs": 64, "ema_decay": None,
             "decay_to": 0.1, "minibatch_std": True, "dropout": 0.0, "share_fakes": True,
             "generator_activation": "selu"},
}
# A --fast run: a narrow network on a few batches, scored on few images.
FAST_SETTINGS = {"images_per_epoch": 640, "filters": 8}
FAST_EVAL_IMAGES = 200


class TunedGAN(ImprovedGAN):
    """:class:`solutions.dcgan.ImprovedGAN` with two training options of the benchmark (both off by default).

    Args:
        generator, discriminator, codings_size, seed, real_label, replay_size, replay_fraction: as for
            :class:`ImprovedGAN`.
        ema_decay: None, or the decay of an exponential moving average of the generator's weights, kept in
            ``ema_generator`` and updated after every step; :attr:`sampling_generator` is then that average.
        share_fakes: False draws new noise for phase 2, as :class:`GAN` does; True trains the generator on the
            fakes phase 1 made, judged by the updated discriminator (one generator pass fewer per step).
    """

    def __init__(self, generator, discriminator, codings_size, seed=None, ema_decay=None, share_fakes=False,
                 **kwargs):
        super().__init__(generator, discriminator, codings_size, seed=seed, **kwargs)
        if ema_decay is not None and not 0.0 < ema_decay < 1.0:
            raise ValueError(f"ema_decay must be None or in (0, 1), got {ema_decay}")
        self.ema_decay, self.share_fakes = ema_decay, bool(share_fakes)
        if ema_decay is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
            self.ema_generator.trainable = False

    def train_step(self, real_images):
        """Phase 1 as in :meth:`ImprovedGAN.train_step`, then phase 2 on new or on phase 1's fakes."""
        batch_size = ops.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_images = self.generator(noise, training=True)
            with tape.stop_recording():  # phase 1
                d_loss = self._discriminator_step(fake_images, real_images)
            if not self.share_fakes:
                noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
                fake_images = self.generator(noise, training=True)
            g_loss = self.loss_fn(ops.ones((batch_size, 1)), self.discriminator(fake_images, training=True))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)
        if self.ema_decay is not None:
            blend_weights(self.ema_generator.weights, self.generator.weights, self.ema_decay)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    @property
    def sampling_generator(self):
        """The generator to draw samples from: the weight average when ``ema_decay`` is set, else the generator."""
        return self.ema_generator if self.ema_decay is not None else self.generator


def with_dropout(model, rate):
    """A fresh copy of a Sequential ``model`` whose ``Dropout`` layers drop ``rate`` (0 removes them).

    The copy's weights are new (as in :func:`helpers.gan_tools.with_layer_before`) and ``model`` is unchanged.

    Raises:
        ValueError: ``model`` is not Sequential, or ``rate`` is outside [0, 1).
    """
    if not isinstance(model, keras.Sequential):
        raise ValueError(f"expected a keras.Sequential model, got {type(model).__name__}")
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout rate must be in [0, 1), got {rate}")
    dropout = layers.Dropout
    kept = [old for old in model.layers if rate or not isinstance(old, dropout)]  # rate 0: leave Dropout out
    copies = [type(old).from_config({**old.get_config(), **({"rate": rate} if isinstance(old, dropout) else {})})
              for old in kept]
    return keras.Sequential([keras.Input(shape=model.input_shape[1:]), *copies], name=model.name)


def _optimizer(name, learning_rate, decay_steps=None, decay_to=1.0):
    if decay_to != 1.0:  # cosine decay from learning_rate to decay_to * learning_rate over the run
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps, alpha=decay_to)
    if name == "adam":
        return keras.optimizers.Adam(learning_rate, beta_1=0.5)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    raise ValueError(f"unknown optimizer {name!r}: use 'adam' or 'rmsprop'")


def train_dcgan(recipe="course", num_epochs=None, train_size=None, eval_images=2_000, seed=SEED, callbacks=(),
                verbose="auto", resume=None, **overrides):
    """Train a DCGAN from scratch with one of :data:`DCGAN_RECIPES`.

    Args:
        recipe: one of :data:`DCGAN_RECIPES`; ``overrides`` replace any of its settings: filters, batch_size,
            optimizer ("adam" or "rmsprop"), d_learning_rate, g_learning_rate, images_per_epoch, ema_decay and
            share_fakes (see :class:`TunedGAN`), decay_to (the learning rates' final fraction under a cosine decay;
            1.0 for none), minibatch_std (add a :class:`MinibatchStdDev` layer to the discriminator), dropout (the
            rate of the discriminator's two ``Dropout`` layers; 0 removes them), generator_activation (None, or an
            activation the generator applies after its first batch normalization).
        num_epochs: default the recipe's.
        train_size: use the first ``train_size`` training images (default all 55,000).
        eval_images: images the :class:`EvaluationMonitor` scores after each epoch (0: no monitor).
        callbacks: extra Keras callbacks, run before the monitor (so a timer among them does not count scoring).
        resume: None, or a :class:`benchmark.recipes.Resume`: training starts from its checkpoint (if any) and is
            saved after every epoch, with the monitor's records and the callbacks' ``resume_state`` attributes.
            The History then holds every epoch of every sitting.

    Returns:
        (gan, history, monitor): the trained GAN, the Keras History, the monitor (None without one).
    """
    if recipe not in DCGAN_RECIPES:
        raise ValueError(f"unknown recipe {recipe!r}; known: {', '.join(DCGAN_RECIPES)}")
    settings = {**DCGAN_RECIPES[recipe], **overrides}
    unknown = set(settings) - set(DCGAN_RECIPES["course"])
    if unknown:
        raise TypeError(f"unknown setting(s) {', '.join(sorted(unknown))}")
    num_epochs = settings["epochs"] if num_epochs is None else num_epochs
    keras.utils.set_random_seed(seed)
    X_train, _ = fashion_images(fast=False)
    X_train = to_gan_range(X_train[:train_size])
    generator, discriminator = build_dcgan(CODINGS_SIZE, settings["filters"])
    if settings["generator_activation"]:
        generator = with_layer_before(generator, layers.Activation(settings["generator_activation"]),
                                      layers.Conv2DTranspose)
    if any(layer.rate != settings["dropout"] for layer in discriminator.layers if isinstance(layer, layers.Dropout)):
        discriminator = with_dropout(discriminator, settings["dropout"])  # a copy: only when the rate differs
    if settings["minibatch_std"]:
        discriminator = with_layer_before_flatten(discriminator, MinibatchStdDev())
    if settings["ema_decay"] is None and not settings["minibatch_std"] and not settings["share_fakes"]:
        gan = GAN(generator, discriminator, CODINGS_SIZE, seed=seed)
    else:  # ImprovedGAN judges fakes and real images in separate batches, as a batch statistic needs
        gan = TunedGAN(generator, discriminator, CODINGS_SIZE, seed=seed, ema_decay=settings["ema_decay"],
                       share_fakes=settings["share_fakes"])
    steps = max(1, min(settings["images_per_epoch"], len(X_train)) // settings["batch_size"])
    schedule = {"decay_steps": num_epochs * steps, "decay_to": settings["decay_to"]}
    gan.compile(d_optimizer=_optimizer(settings["optimizer"], settings["d_learning_rate"], **schedule),
                g_optimizer=_optimizer(settings["optimizer"], settings["g_learning_rate"], **schedule),
                loss_fn=keras.losses.BinaryCrossentropy())
    monitor = EvaluationMonitor(num_images=eval_images) if eval_images else None
    callbacks = [*callbacks, *([monitor] if monitor else [])]
    dataset, initial_epoch = make_dataset(X_train, settings["batch_size"], seed), 0
    if resume is not None:
        build_optimizers([(gan.d_optimizer, discriminator.trainable_variables),
                          (gan.g_optimizer, generator.trainable_variables)])
        resume.fingerprint = {"recipe": recipe, **settings, "epochs": num_epochs, "train_size": train_size,
                              "seed": seed, "eval_images": eval_images}
        resume.keep_states(callbacks)
        if monitor:
            resume.keep["monitor"] = (monitor, ["records"])
        initial_epoch = min(resume.epochs_done, num_epochs)
        dataset = dataset.skip(initial_epoch * steps)  # the batches an unstopped run would see next
        callbacks.append(resume)
    history = gan.fit(dataset, epochs=num_epochs, steps_per_epoch=steps, initial_epoch=initial_epoch,
                      callbacks=callbacks, verbose=verbose)
    if resume is not None:
        history.history = {key: list(values) for key, values in resume.logs.items()}
    return gan, history, monitor


def _dcgan_run(recipe):
    def run(epochs, fast, callbacks, resume=None):
        start = time.perf_counter() - (resume.seconds_before() if resume else 0.0)  # earlier sittings count
        overrides = FAST_SETTINGS if fast else {}
        gan, history, monitor = train_dcgan(recipe, num_epochs=epochs, train_size=5_000 if fast else None,
                                            eval_images=FAST_EVAL_IMAGES if fast else 2_000, callbacks=callbacks,
                                            verbose=0, resume=resume, **overrides)
        fids = [record["fid"] for record in monitor.records]
        generator = getattr(gan, "sampling_generator", gan.generator)
        return {
            "val_loss": fids[-1],
            "history": {"val_loss": fids, "coverage": [float(r["coverage"]) for r in monitor.records],
                        "d_loss": history.history["d_loss"], "g_loss": history.history["g_loss"]},
            "metrics": {"seconds_with_scoring": time.perf_counter() - start,
                        "images_per_epoch": float(overrides.get("images_per_epoch",
                                                                DCGAN_RECIPES[recipe]["images_per_epoch"]))},
            "generate": lambda n, seed: sample_images(generator, n, gan.codings_size, seed=seed,
                                                      value_range=(-1.0, 1.0)),
        }
    return run


BENCHMARKS = [
    Recipe(model="dcgan", recipe=recipe, lesson="09_dcgan", epochs=DCGAN_RECIPES[recipe]["epochs"], fast_epochs=1,
           run=_dcgan_run(recipe), metric=f"domain FID of 2,000 samples after each epoch ({images:,} images)",
           resumable=True)
    for recipe, images in (("book", 55_000), ("course", 10_000), ("wide", 10_000))
]
