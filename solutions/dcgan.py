"""Deep convolutional GANs, mode collapse measured, and three ways to fight it: reference answers.

The book's DCGAN, three remedies for mode collapse compared on the same measures (experience replay and one-sided
label smoothing in :class:`ImprovedGAN`, a minibatch standard-deviation layer), then a conditional GAN. Training
reuses the dense GAN's :class:`~solutions.gan.GAN`; the data pipeline, the sampling and the per-epoch evaluation
monitor are helpers in :mod:`helpers.gan_tools`.

Images: the DCGAN works on (28, 28, 1) images rescaled to [-1, 1] to match its tanh output.
"""

import keras
import tensorflow as tf
from keras import layers, ops

from solutions.gan import GAN


def build_dcgan(codings_size=100, filters=64):
    """The book's DCGAN generator and discriminator.

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
    """Append the batch's average standard deviation as one extra feature map.

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
    """The GAN with two remedies for mode collapse as options (both off by default).

    Args:
        generator, discriminator, codings_size, seed: as for :class:`solutions.gan.GAN`.
        real_label: the label of real images in phase 1; 0.9 is one-sided label smoothing (fakes stay at 0), which
            keeps the discriminator from becoming over-confident.
        replay_size: 0 for no experience replay; else the size of a buffer of past fakes. In phase 1 a fraction
            ``replay_fraction`` of the fakes the discriminator sees come from this buffer instead of the current
            generator, so the discriminator keeps rejecting what the generator made before and the generator
            cannot escape by jumping back to an old mode. Each step's fakes overwrite the oldest entries.
        replay_fraction: the fraction of phase 1's fakes drawn from the buffer once it holds images.

    Phase 1 calls the discriminator on the fakes and on the real images separately (needed by
    :class:`MinibatchStdDev`) and averages the two losses.
    """

    def __init__(self, generator, discriminator, codings_size, seed=None, real_label=1.0, replay_size=0,
                 replay_fraction=0.5, **kwargs):
        super().__init__(generator, discriminator, codings_size, seed=seed, **kwargs)
        if not 0.0 < real_label <= 1.0:
            raise ValueError(f"real_label must be in (0, 1], got {real_label}")
        if replay_size < 0 or not 0.0 <= replay_fraction <= 1.0:
            raise ValueError("replay_size must be >= 0 and replay_fraction in [0, 1]")
        self.real_label, self.replay_size, self.replay_fraction = float(real_label), int(replay_size), replay_fraction
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
        """Phase 1 with the enabled remedies: one discriminator update; returns its loss."""
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
        """Phase 1 with the enabled remedies, then phase 2 as in :meth:`GAN.train_step`."""
        batch_size = ops.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        d_loss = self._discriminator_step(self.generator(noise, training=True), real_images)
        # phase 2: the generator learns to make the updated discriminator say 1 for new fakes
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(noise, training=True), training=True)
            g_loss = self.loss_fn(ops.ones((batch_size, 1)), predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def build_conditional_gan(codings_size=100, num_classes=10, filters=64, embedding_dim=50):
    """A conditional DCGAN: both networks are told the class (the book's exercise).

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
    """The GAN's two phases with labels: fit it on ``(images, labels)`` pairs.

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
