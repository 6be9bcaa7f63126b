"""A generative adversarial network (GAN) trained in two phases: reference answers.

The book's dense generator and discriminator, and the two-phase training step written the Keras 3 way, as a
``keras.Model`` subclass whose ``train_step`` trains the discriminator (phase 1) and then the generator through the
frozen discriminator (phase 2). The DCGAN trains with the same :class:`GAN`.

The training step uses ``tf.GradientTape``: the course runs Keras 3 on the TensorFlow backend.
"""

import keras
import tensorflow as tf
from keras import layers, ops


def build_generator(codings_size=30):
    """The book's dense generator: codings -> 100 SELU -> 150 SELU -> 784 sigmoid -> 28 x 28 image.

    Args:
        codings_size: length of the noise vector the generator turns into an image.

    Returns:
        generator: a keras.Sequential mapping (batch, codings_size) -> (batch, 28, 28) float32 in [0, 1].
    """
    return keras.Sequential([
        keras.Input(shape=(codings_size,)),
        layers.Dense(100, activation="selu"),
        layers.Dense(150, activation="selu"),
        layers.Dense(28 * 28, activation="sigmoid"),
        layers.Reshape((28, 28)),
    ], name="generator")


def build_discriminator():
    """The book's dense discriminator: 28 x 28 image -> 150 SELU -> 100 SELU -> P(real).

    Returns:
        discriminator: a keras.Sequential mapping (batch, 28, 28) -> (batch, 1) probabilities that each image is real.
    """
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(150, activation="selu"),
        layers.Dense(100, activation="selu"),
        layers.Dense(1, activation="sigmoid"),
    ], name="discriminator")


class GAN(keras.Model):
    """A GAN trained in two phases per batch.

    Phase 1 trains the discriminator on a batch of fakes (label 0) and the batch of real images (label 1).
    Phase 2 trains the generator through the discriminator, with every fake labelled 1 ("real"): the generator
    improves when the discriminator is fooled. Only the generator's weights change in phase 2.

    Args:
        generator: a model mapping (batch, codings_size) noise to images.
        discriminator: a model mapping images to (batch, 1) probabilities of being real.
        codings_size: length of each noise vector.
        seed: seed of the SeedGenerator that draws the noise (an int, or None for a seed from the global one).

    Usage::

        gan = GAN(generator, discriminator, codings_size=30, seed=42)
        gan.compile(d_optimizer=keras.optimizers.RMSprop(), g_optimizer=keras.optimizers.RMSprop(),
                    loss_fn=keras.losses.BinaryCrossentropy())
        gan.fit(X_train, batch_size=32, epochs=1)   # progress bar shows d_loss and g_loss
    """

    def __init__(self, generator, discriminator, codings_size, seed=None, **kwargs):
        """Keep the two models, create the noise's SeedGenerator and the d_loss and g_loss metric trackers."""
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.codings_size = codings_size
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        """The trackers Keras resets at each epoch and shows in the progress bar."""
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
        """One optimizer per network, and the loss ``loss_fn(labels, probabilities)`` both phases use."""
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, real_images):
        """Phase 1 then phase 2 on one batch of real images; returns ``{"d_loss": ..., "g_loss": ...}``.

        real_images: (batch, *image_shape) float32, as the generator makes them.
        """
        batch_size = ops.shape(real_images)[0]
        # Phase 1: the discriminator learns to say 0 for fakes and 1 for real images.
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        fake_images = self.generator(noise, training=True)
        images = ops.concatenate([fake_images, ops.cast(real_images, fake_images.dtype)], axis=0)
        labels = ops.concatenate([ops.zeros((batch_size, 1)), ops.ones((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(images, training=True))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
        # Phase 2: the generator learns to make the discriminator say 1; only its own weights move.
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(noise, training=True), training=True)
            g_loss = self.loss_fn(ops.ones((batch_size, 1)), predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}
