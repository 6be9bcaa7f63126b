"""Reference answers for lesson 09: deep convolutional GANs, mode collapse measured, and three ways to fight it.

Taught in lesson 09 (``lessons/09_dcgan.ipynb``): the book's DCGAN, three fixes for mode collapse compared on the
same measures (experience replay and one-sided label smoothing in :class:`ImprovedGAN`, a minibatch
standard-deviation layer), then a conditional GAN. Training reuses lesson 08's :class:`GAN`; the data pipeline, the
sampling and the per-epoch evaluation monitor are helpers in :mod:`helpers.gan_tools`.

Images: the DCGAN works on (28, 28, 1) images rescaled to [-1, 1] to match its tanh output.
"""

import time

import keras
import tensorflow as tf
from keras import layers, ops

from benchmark.recipes import Recipe
from solutions.gan import GAN
from helpers.gan_tools import (EvaluationMonitor, generate_images, make_dataset, to_gan_range, with_dropout,
                                 with_layer_before, with_layer_before_flatten)


def build_dcgan(codings_size=100, filters=64):
    """The book's DCGAN generator and discriminator (taught in lesson 09).

    Generator: Dense to 7 x 7 x (2 * filters) -> Reshape -> BatchNormalization -> Conv2DTranspose(filters, 5,
    stride 2, "same", SELU) -> BatchNormalization -> Conv2DTranspose(1, 5, stride 2, "same", tanh).
    Discriminator: Conv2D(filters, 5, stride 2, "same", LeakyReLU 0.2) -> Dropout(0.4) -> Conv2D(2 * filters, same
    kind) -> Dropout(0.4) -> Flatten -> Dense(1, sigmoid). The book uses filters=64.

    Args:
        codings_size: length of the noise vector.
        filters: filters of the generator's first transposed convolution and of the discriminator's first
            convolution (the other layer has twice as many).

    Returns:
        (generator, discriminator): generator maps (batch, codings_size) -> (batch, 28, 28, 1) in [-1, 1];
        discriminator maps (batch, 28, 28, 1) -> (batch, 1) probabilities of being real.
    """
    generator = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        layers.Dense(7 * 7 * 2 * filters),
        layers.Reshape((7, 7, 2 * filters)),
        layers.BatchNormalization(),
        layers.Conv2DTranspose(filters, kernel_size=5, strides=2, padding="same", activation="selu"),
        layers.BatchNormalization(),
        layers.Conv2DTranspose(1, kernel_size=5, strides=2, padding="same", activation="tanh"),
    ], name="generator")
    discriminator = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(filters, kernel_size=5, strides=2, padding="same", activation=layers.LeakyReLU(0.2)),
        layers.Dropout(0.4),
        layers.Conv2D(2 * filters, kernel_size=5, strides=2, padding="same", activation=layers.LeakyReLU(0.2)),
        layers.Dropout(0.4),
        layers.Flatten(),
        layers.Dense(1, activation="sigmoid"),
    ], name="discriminator")
    return generator, discriminator


@keras.saving.register_keras_serializable(package="course")
class MinibatchStdDev(layers.Layer):
    """Append the batch's average standard deviation as one extra feature map (lesson 09).

    From progressive growing of GANs (Karras et al., 2018): for every feature, the standard deviation over the
    images of the batch; their mean is one number saying how varied the batch is, broadcast to a constant
    (height, width, 1) map and concatenated to the input. A discriminator that sees it can reject a batch of
    near-identical fakes, so a collapsed generator is penalised.

    Input (batch, height, width, channels) -> output (batch, height, width, channels + 1). Call the discriminator
    on fakes and on real images separately, or the statistic mixes the two batches.
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        if epsilon <= 0:
            raise ValueError(f"epsilon must be positive, got {epsilon}")
        self.epsilon = epsilon

    def call(self, inputs):
        variance = ops.var(inputs, axis=0)
        mean_std = ops.mean(ops.sqrt(variance + self.epsilon))
        shape = ops.shape(inputs)
        std_map = ops.ones((shape[0], shape[1], shape[2], 1), dtype=inputs.dtype) * ops.cast(mean_std, inputs.dtype)
        return ops.concatenate([inputs, std_map], axis=-1)

    def compute_output_shape(self, input_shape):
        channels = None if input_shape[-1] is None else input_shape[-1] + 1
        return (*input_shape[:-1], channels)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


class ImprovedGAN(GAN):
    """Lesson 08's GAN with the lesson 09 fixes as options (all off by default).

    Args:
        generator, discriminator, codings_size, seed: as for :class:`solutions.gan.GAN`.
        real_label: the label of real images in phase 1; 0.9 is one-sided label smoothing (fakes stay at 0), which
            keeps the discriminator from becoming over-confident.
        replay_size: 0 for no experience replay; else the size of a buffer of past fakes. In phase 1 a fraction
            ``replay_fraction`` of the fakes the discriminator sees come from this buffer instead of the current
            generator, so the discriminator keeps rejecting what the generator made before and the generator
            cannot escape by jumping back to an old mode. Each step's fakes overwrite the oldest entries.
        replay_fraction: the fraction of phase 1's fakes drawn from the buffer once it holds images.
        ema_decay: None, or the decay of an exponential moving average of the generator's weights, kept in
            ``ema_generator`` and updated after every step. Averaging smooths out the step-to-step jitter of GAN
            training; the average generator usually draws cleaner images (lower FID) than the latest one.
            :attr:`sampling_generator` is the one to draw samples from.
        share_fakes: False draws new noise for phase 2, as lesson 08 teaches; True trains the generator on the
            fakes phase 1 made (judged by the updated discriminator). One generator pass fewer per step: about a
            fifth less time per epoch on a CPU, for about the same FID after as many epochs.

    Phase 1 calls the discriminator on the fakes and on the real images separately (needed by
    :class:`MinibatchStdDev`) and averages the two losses.
    """

    def __init__(self, generator, discriminator, codings_size, seed=None, real_label=1.0, replay_size=0,
                 replay_fraction=0.5, ema_decay=None, share_fakes=False, **kwargs):
        super().__init__(generator, discriminator, codings_size, seed=seed, **kwargs)
        if not 0.0 < real_label <= 1.0:
            raise ValueError(f"real_label must be in (0, 1], got {real_label}")
        if replay_size < 0 or not 0.0 <= replay_fraction <= 1.0:
            raise ValueError("replay_size must be >= 0 and replay_fraction in [0, 1]")
        if ema_decay is not None and not 0.0 < ema_decay < 1.0:
            raise ValueError(f"ema_decay must be None or in (0, 1), got {ema_decay}")
        self.real_label, self.replay_size, self.replay_fraction = float(real_label), int(replay_size), replay_fraction
        self.ema_decay, self.share_fakes = ema_decay, bool(share_fakes)
        if ema_decay is not None:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
            self.ema_generator.trainable = False
        if self.replay_size:
            image_shape = tuple(generator.output_shape[1:])
            self.replay_buffer = self.add_weight(shape=(self.replay_size, *image_shape), initializer="zeros",
                                                 trainable=False, name="replay_buffer")
            self.replay_count = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False,
                                                name="replay_count")

    def _replay(self, fake_images):
        """Mix buffered fakes into this step's fakes, then store this step's fakes (a ring buffer)."""
        batch_size = ops.shape(fake_images)[0]
        count = ops.convert_to_tensor(self.replay_count)
        filled = ops.minimum(count, self.replay_size)
        indices = keras.random.randint((batch_size,), 0, ops.maximum(filled, 1), seed=self.seed_generator)
        from_buffer = ops.take(ops.convert_to_tensor(self.replay_buffer), indices, axis=0)
        use_buffer = ops.logical_and(
            keras.random.uniform((batch_size,), seed=self.seed_generator) < self.replay_fraction, filled > 0)
        mixed = ops.where(ops.reshape(use_buffer, (-1,) + (1,) * (len(fake_images.shape) - 1)), from_buffer,
                          fake_images)
        slots = ops.mod(count + ops.arange(batch_size, dtype="int32"), self.replay_size)
        self.replay_buffer.assign(ops.scatter_update(ops.convert_to_tensor(self.replay_buffer),
                                                     ops.expand_dims(slots, -1), fake_images))
        self.replay_count.assign(count + ops.cast(batch_size, "int32"))
        return mixed

    def _discriminator_step(self, fake_images, real_images):
        """Phase 1 with the enabled fixes: one discriminator update; returns its loss."""
        batch_size = ops.shape(real_images)[0]
        if self.replay_size:
            fake_images = self._replay(fake_images)
        with tf.GradientTape() as tape:
            fake_loss = self.loss_fn(ops.zeros((batch_size, 1)), self.discriminator(fake_images, training=True))
            real_loss = self.loss_fn(ops.full((batch_size, 1), self.real_label),
                                     self.discriminator(ops.cast(real_images, fake_images.dtype), training=True))
            d_loss = (fake_loss + real_loss) / 2
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
        return d_loss

    def train_step(self, real_images):
        """Phase 1 (with the enabled fixes) then phase 2, as in :meth:`GAN.train_step`."""
        batch_size = ops.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_images = self.generator(noise, training=True)
            with tape.stop_recording():  # phase 1
                d_loss = self._discriminator_step(fake_images, real_images)
            if not self.share_fakes:  # phase 2 on new fakes, as lesson 08 teaches
                noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
                fake_images = self.generator(noise, training=True)
            # phase 2: the generator learns to make the updated discriminator say 1
            g_loss = self.loss_fn(ops.ones((batch_size, 1)), self.discriminator(fake_images, training=True))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)
        if self.ema_decay is not None:
            for average, weight in zip(self.ema_generator.weights, self.generator.weights):
                average.assign(self.ema_decay * average + (1.0 - self.ema_decay) * weight)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    @property
    def sampling_generator(self):
        """The generator to draw samples from: the weight average when ``ema_decay`` is set, else the generator."""
        return self.ema_generator if self.ema_decay is not None else self.generator


def build_conditional_gan(codings_size=100, num_classes=10, filters=64, embedding_dim=50):
    """A conditional DCGAN: both networks are told the class (the book's exercise; taught in lesson 09).

    Generator inputs ``[noise, labels]``: the label goes through an ``Embedding(num_classes, embedding_dim)``,
    is concatenated with the noise, and the rest is :func:`build_dcgan`'s generator. Discriminator inputs
    ``[images, labels]``: the label goes through an ``Embedding(num_classes, 28 * 28)`` reshaped to a (28, 28, 1)
    map, concatenated to the image as a second channel, and the rest is :func:`build_dcgan`'s discriminator.

    Args:
        codings_size: length of the noise vector.
        num_classes: number of classes (10 for Fashion-MNIST).
        filters: as in :func:`build_dcgan`.
        embedding_dim: length of the generator's label embedding.

    Returns:
        (generator, discriminator): keras.Model objects; generator maps [(batch, codings_size) float32,
        (batch,) int32 class ids] -> (batch, 28, 28, 1) in [-1, 1]; discriminator maps [(batch, 28, 28, 1),
        (batch,) int32] -> (batch, 1) probabilities that the image is a real image of that class.
    """
    noise = keras.Input(shape=(codings_size,), name="noise")
    label = keras.Input(shape=(), dtype="int32", name="label")
    label_code = layers.Embedding(num_classes, embedding_dim)(label)
    x = layers.Concatenate()([noise, label_code])
    x = layers.Dense(7 * 7 * 2 * filters)(x)
    x = layers.Reshape((7, 7, 2 * filters))(x)
    x = layers.BatchNormalization()(x)
    x = layers.Conv2DTranspose(filters, kernel_size=5, strides=2, padding="same", activation="selu")(x)
    x = layers.BatchNormalization()(x)
    image = layers.Conv2DTranspose(1, kernel_size=5, strides=2, padding="same", activation="tanh")(x)
    generator = keras.Model([noise, label], image, name="conditional_generator")

    image_in = keras.Input(shape=(28, 28, 1), name="image")
    label_in = keras.Input(shape=(), dtype="int32", name="label")
    label_map = layers.Reshape((28, 28, 1))(layers.Embedding(num_classes, 28 * 28)(label_in))
    x = layers.Concatenate()([image_in, label_map])
    x = layers.Conv2D(filters, kernel_size=5, strides=2, padding="same", activation=layers.LeakyReLU(0.2))(x)
    x = layers.Dropout(0.4)(x)
    x = layers.Conv2D(2 * filters, kernel_size=5, strides=2, padding="same", activation=layers.LeakyReLU(0.2))(x)
    x = layers.Dropout(0.4)(x)
    probability = layers.Dense(1, activation="sigmoid")(layers.Flatten()(x))
    discriminator = keras.Model([image_in, label_in], probability, name="conditional_discriminator")
    return generator, discriminator


class ConditionalGAN(GAN):
    """Lesson 08's two phases with labels (lesson 09): fit it on ``(images, labels)`` pairs.

    Phase 1: fakes are made for random classes and judged with those classes (label 0); real images are judged
    with their true classes (label ``real_label``). Phase 2: fakes for new random classes, labelled 1. The
    discriminator can only accept a fake if it looks like the class it was asked for, which forces the generator
    to obey the label.
    """

    def __init__(self, generator, discriminator, codings_size, num_classes=10, seed=None, real_label=1.0, **kwargs):
        super().__init__(generator, discriminator, codings_size, seed=seed, **kwargs)
        self.num_classes, self.real_label = num_classes, float(real_label)

    def _fakes(self, batch_size):
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        labels = keras.random.randint((batch_size,), 0, self.num_classes, seed=self.seed_generator, dtype="int32")
        return self.generator([noise, labels], training=True), labels

    def train_step(self, data):
        """``data = (real_images, labels)``: phase 1 then phase 2."""
        real_images, real_labels = data
        real_labels = ops.cast(ops.reshape(real_labels, (-1,)), "int32")
        batch_size = ops.shape(real_images)[0]
        fake_images, fake_labels = self._fakes(batch_size)
        real_images = ops.cast(real_images, fake_images.dtype)
        with tf.GradientTape() as tape:
            fake_loss = self.loss_fn(ops.zeros((batch_size, 1)),
                                     self.discriminator([fake_images, fake_labels], training=True))
            real_loss = self.loss_fn(ops.full((batch_size, 1), self.real_label),
                                     self.discriminator([real_images, real_labels], training=True))
            d_loss = (fake_loss + real_loss) / 2
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
        with tf.GradientTape() as tape:
            fake_images, fake_labels = self._fakes(batch_size)
            predictions = self.discriminator([fake_images, fake_labels], training=True)
            g_loss = self.loss_fn(ops.ones((batch_size, 1)), predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


# The book's DCGAN recipe, the course's faster one (lesson 09 and the benchmark), and the course's best measured
# use of a 20-minute budget: the book's width with a minibatch-std discriminator and no dropout, batches of 32,
# a generator that learns ten times as fast as the discriminator (2e-3 against 2e-4: its samples spread wider),
# learning rates that decay to a tenth along a cosine (which steadies the FID at the end of the run), a SELU
# after the generator's first batch normalization (the largest single gain: the book's generator is linear up
# to its first transposed convolution), and phase 2 on phase 1's fakes (a fifth less time per epoch). An
# "epoch" is images_per_epoch images drawn from the shuffled, repeated training set.
RECIPES = {
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


def _optimizer(name, learning_rate, decay_steps=None, decay_to=1.0):
    if decay_to != 1.0:  # cosine decay from learning_rate to decay_to * learning_rate over the run
        learning_rate = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps, alpha=decay_to)
    if name == "adam":
        return keras.optimizers.Adam(learning_rate, beta_1=0.5)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    raise ValueError(f"unknown optimizer {name!r}: use 'adam' or 'rmsprop'")


def train_dcgan(recipe="course", num_epochs=None, train_size=None, eval_images=2_000, seed=42, callbacks=(),
                verbose="auto", **overrides):
    """Train a DCGAN from scratch with one of :data:`RECIPES` (lesson 09's reference runs and the benchmark).

    Args:
        recipe: one of :data:`RECIPES`; ``overrides`` replace any of its settings (filters, batch_size, optimizer,
            d_learning_rate, g_learning_rate, images_per_epoch, ema_decay: see :class:`ImprovedGAN`, decay_to:
            the learning rates' final fraction under a cosine decay, 1.0 for none, minibatch_std: add a
            :class:`MinibatchStdDev` layer to the discriminator, dropout: the rate of the discriminator's two
            ``Dropout`` layers, 0 to remove them, share_fakes: see :class:`ImprovedGAN`, generator_activation:
            None, or an activation the generator applies after its first batch normalization, which the book's
            generator lacks, so that its first layers are not one linear map).
        num_epochs: default the recipe's.
        train_size: use the first ``train_size`` training images (default all 55,000).
        eval_images: images the :class:`EvaluationMonitor` scores after each epoch (0: no monitor).
        callbacks: extra Keras callbacks, run before the monitor (so a timer in them does not count scoring).

    Returns:
        (gan, history, monitor): the trained :class:`GAN`, the Keras History, the monitor (None without one).
    """
    from helpers.data import load_fashion_mnist

    if recipe not in RECIPES:
        raise ValueError(f"unknown recipe {recipe!r}; known: {', '.join(RECIPES)}")
    settings = {**RECIPES[recipe], **overrides}
    unknown = set(settings) - set(RECIPES["course"])
    if unknown:
        raise TypeError(f"unknown setting(s) {', '.join(sorted(unknown))}")
    num_epochs = settings["epochs"] if num_epochs is None else num_epochs
    keras.utils.set_random_seed(seed)
    X_train = to_gan_range(load_fashion_mnist().X_train[:train_size])
    generator, discriminator = build_dcgan(100, settings["filters"])
    if settings["generator_activation"]:
        generator = with_layer_before(generator, layers.Activation(settings["generator_activation"]),
                                      layers.Conv2DTranspose)
    if any(layer.rate != settings["dropout"] for layer in discriminator.layers if isinstance(layer, layers.Dropout)):
        discriminator = with_dropout(discriminator, settings["dropout"])  # a copy: only when the rate differs
    if settings["minibatch_std"]:
        discriminator = with_layer_before_flatten(discriminator, MinibatchStdDev())
    if settings["ema_decay"] is None and not settings["minibatch_std"] and not settings["share_fakes"]:
        gan = GAN(generator, discriminator, 100, seed=seed)
    else:  # ImprovedGAN judges fakes and real images in separate batches, as a batch statistic needs
        gan = ImprovedGAN(generator, discriminator, 100, seed=seed, ema_decay=settings["ema_decay"],
                          share_fakes=settings["share_fakes"])
    steps = max(1, min(settings["images_per_epoch"], len(X_train)) // settings["batch_size"])
    schedule = {"decay_steps": num_epochs * steps, "decay_to": settings["decay_to"]}
    gan.compile(d_optimizer=_optimizer(settings["optimizer"], settings["d_learning_rate"], **schedule),
                g_optimizer=_optimizer(settings["optimizer"], settings["g_learning_rate"], **schedule),
                loss_fn=keras.losses.BinaryCrossentropy())
    monitor = EvaluationMonitor(num_images=eval_images) if eval_images else None
    history = gan.fit(make_dataset(X_train, settings["batch_size"], seed), epochs=num_epochs, steps_per_epoch=steps,
                      callbacks=[*callbacks, *([monitor] if monitor else [])], verbose=verbose)
    return gan, history, monitor


def _benchmark(recipe):
    def run(epochs, fast, callbacks):
        start = time.perf_counter()
        overrides = {"images_per_epoch": 640, "filters": 8} if fast else {}
        gan, history, monitor = train_dcgan(recipe, num_epochs=epochs, train_size=5_000 if fast else None,
                                            eval_images=200 if fast else 2_000, callbacks=callbacks, verbose=0,
                                            **overrides)
        fids = [record["fid"] for record in monitor.records]
        return {
            "val_loss": fids[-1],
            "history": {"val_loss": fids, "coverage": [float(r["coverage"]) for r in monitor.records],
                        "d_loss": history.history["d_loss"], "g_loss": history.history["g_loss"]},
            "metrics": {"seconds_with_scoring": time.perf_counter() - start,
                        "images_per_epoch": float(overrides.get("images_per_epoch",
                                                                RECIPES[recipe]["images_per_epoch"]))},
            "generate": lambda n, seed: generate_images(getattr(gan, "sampling_generator", gan.generator), n,
                                                        gan.codings_size, seed=seed, value_range=(-1.0, 1.0)),
        }
    return run


BENCHMARKS = [
    Recipe(model="dcgan", recipe="book", lesson="09_dcgan", epochs=RECIPES["book"]["epochs"], fast_epochs=1,
           run=_benchmark("book"), metric="domain FID of 2,000 samples after each epoch (55,000 images)"),
    Recipe(model="dcgan", recipe="course", lesson="09_dcgan", epochs=RECIPES["course"]["epochs"], fast_epochs=1,
           run=_benchmark("course"), metric="domain FID of 2,000 samples after each epoch (10,000 images)"),
    Recipe(model="dcgan", recipe="wide", lesson="09_dcgan", epochs=RECIPES["wide"]["epochs"], fast_epochs=1,
           run=_benchmark("wide"), metric="domain FID of 2,000 samples after each epoch (10,000 images)"),
]
