"""Learner-style answers to lesson 08 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import keras
import tensorflow as tf
from keras import layers, ops
"""

# The parts of the class every case shares: the lesson's __init__, metrics and compile.
_HEAD = """
class GAN(keras.Model):
    def __init__(self, generator, discriminator, codings_size, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.codings_size = codings_size
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn
"""


def _step(phase_1_labels="ops.concatenate([ops.zeros((batch_size, 1)), ops.ones((batch_size, 1))], axis=0)",
          noise="keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)",
          g_labels="ops.ones((batch_size, 1))", g_variables="self.generator.trainable_weights",
          report="self.d_loss_tracker.update_state(d_loss)\n        self.g_loss_tracker.update_state(g_loss)\n"
                 "        return {\"d_loss\": self.d_loss_tracker.result(), \"g_loss\": self.g_loss_tracker.result()}",
          batch_size="ops.shape(real_images)[0]", training="training=True", loss="self.loss_fn(labels, predictions)",
          g_loss="self.loss_fn(" + "{g_labels}" + ", predictions)"):
    """A learner's train_step written the lesson's way, with one thing changed."""
    return _HEAD + f"""
    def train_step(self, real_images):
        batch_size = {batch_size}
        noise = {noise}
        fake_images = self.generator(noise, {training})
        images = ops.concatenate([fake_images, real_images], axis=0)
        labels = {phase_1_labels}
        with tf.GradientTape() as tape:
            predictions = self.discriminator(images, {training})
            d_loss = {loss}
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

        noise = {noise}
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(noise, {training}), {training})
            g_loss = {g_loss.format(g_labels=g_labels)}
        grads = tape.gradient(g_loss, {g_variables})
        self.g_optimizer.apply(grads, {g_variables})
        {report}
"""


CASES = [
    Case("gan_train_step", "right", "keras-io style: tf ops, apply_gradients, metrics looped", _HEAD + """
    def train_step(self, real_images):
        batch_size = tf.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(shape=(batch_size, self.codings_size), seed=self.seed_generator)
        generated_images = self.generator(random_latent_vectors, training=True)
        combined_images = tf.concat([generated_images, real_images], axis=0)
        labels = tf.concat([tf.zeros((batch_size, 1)), tf.ones((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images, training=True)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        random_latent_vectors = keras.random.normal(shape=(batch_size, self.codings_size), seed=self.seed_generator)
        misleading_labels = tf.ones((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(random_latent_vectors, training=True), training=True)
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}
"""),
    Case("gan_train_step", "right", "TensorFlow DCGAN tutorial: d_loss = real_loss + fake_loss", _HEAD + """
    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        generated_images = self.generator(noise, training=True)
        with tf.GradientTape() as disc_tape:
            real_output = self.discriminator(real_images, training=True)
            fake_output = self.discriminator(generated_images, training=True)
            real_loss = self.loss_fn(ops.ones_like(real_output), real_output)
            fake_loss = self.loss_fn(ops.zeros_like(fake_output), fake_output)
            disc_loss = real_loss + fake_loss
        gradients = disc_tape.gradient(disc_loss, self.discriminator.trainable_variables)
        self.d_optimizer.apply(gradients, self.discriminator.trainable_variables)

        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as gen_tape:
            fake_output = self.discriminator(self.generator(noise, training=True), training=True)
            gen_loss = self.loss_fn(ops.ones_like(fake_output), fake_output)
        gradients = gen_tape.gradient(gen_loss, self.generator.trainable_variables)
        self.g_optimizer.apply(gradients, self.generator.trainable_variables)
        self.d_loss_tracker.update_state(disc_loss)
        self.g_loss_tracker.update_state(gen_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}
"""),
    Case("gan_train_step", "right", "both noises drawn first, the two phase-1 losses averaged", _HEAD + """
    def train_step(self, real_images):
        n = ops.shape(real_images)[0]
        z1 = keras.random.normal((n, self.codings_size), seed=self.seed_generator)
        z2 = keras.random.normal((n, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            loss_fake = self.loss_fn(ops.zeros((n, 1)),
                                     self.discriminator(self.generator(z1, training=True), training=True))
            loss_real = self.loss_fn(ops.ones((n, 1)), self.discriminator(real_images, training=True))
            d_loss = 0.5 * (loss_fake + loss_real)
        d_weights = self.discriminator.trainable_weights
        self.d_optimizer.apply(tape.gradient(d_loss, d_weights), d_weights)
        with tf.GradientTape() as tape:
            g_loss = self.loss_fn(ops.ones((n, 1)),
                                  self.discriminator(self.generator(z2, training=True), training=True))
        g_weights = self.generator.trainable_weights
        self.g_optimizer.apply(tape.gradient(g_loss, g_weights), g_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}
"""),
    Case("gan_train_step", "right", "the lesson's recipe, step by step", _step()),
    Case("gan_train_step", "wrong", "phase 1 labels the other way round", _step(
        phase_1_labels="ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)"),
        hint="labels are swapped"),
    Case("gan_train_step", "wrong", "phase 2 labels the fakes 0", _step(g_labels="ops.zeros((batch_size, 1))"),
         hint="fool the discriminator"),
    Case("gan_train_step", "wrong", "phase 2 updates every weight of the GAN", _step(
        g_variables="self.trainable_weights"), hint="discriminator was updated in phase 2"),
    Case("gan_train_step", "wrong", "unseeded tf.random.normal, as in the book's loop", _step(
        noise="tf.random.normal(shape=[batch_size, self.codings_size])"), hint="seed=self.seed_generator"),
    Case("gan_train_step", "wrong", "returns this batch's losses, trackers never updated", _step(
        report='return {"d_loss": d_loss, "g_loss": g_loss}'), hint="update the trackers"),
    Case("gan_train_step", "wrong", "networks called without training=True", _step(training="training=False"),
         hint="training=True"),
    Case("gan_train_step", "wrong", "loss_fn(predictions, labels)", _step(
        loss="self.loss_fn(predictions, labels)", g_loss="self.loss_fn(predictions, {g_labels})"),
        hint="targets first"),
    Case("gan_train_step", "wrong", "phase 1 on the fakes only", _step(
        phase_1_labels="ops.zeros((batch_size, 1))").replace(
        "ops.concatenate([fake_images, real_images], axis=0)", "fake_images"), hint="must also see the real batch"),
    Case("gan_train_step", "wrong", "uniform noise", _step(
        noise="keras.random.uniform((batch_size, self.codings_size), seed=self.seed_generator)"),
        hint="keras.random.normal"),
    Case("gan_train_step", "wrong", "phase 2 reuses phase 1's fakes, made outside the tape", _HEAD + """
    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        fake_images = self.generator(noise, training=True)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(ops.concatenate([fake_images, real_images], axis=0), training=True)
            d_loss = self.loss_fn(ops.concatenate([ops.zeros((batch_size, 1)), ops.ones((batch_size, 1))], axis=0),
                                  predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
        with tf.GradientTape() as tape:
            g_loss = self.loss_fn(ops.ones((batch_size, 1)), self.discriminator(fake_images, training=True))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply([g if g is not None else ops.zeros_like(w) for g, w in
                                zip(grads, self.generator.trainable_weights)], self.generator.trainable_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}
""", hint="inside the GradientTape"),
    Case("gan_train_step", "wrong", "a fixed seed instead of the seed argument", _step().replace(
        "keras.random.SeedGenerator(seed)", "keras.random.SeedGenerator(42)"), hint="SeedGenerator(seed)"),
    Case("gan_train_step", "wrong", "noise of half the standard deviation", _step(
        noise="0.5 * keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)"),
        hint="standard normal"),
    Case("gan_train_step", "wrong", "phase 2 reuses phase 1's noise", _step().replace(
        "\n        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)\n"
        "        with tf.GradientTape() as tape:\n            predictions = self.discriminator(self.generator(",
        "\n        with tf.GradientTape() as tape:\n            predictions = self.discriminator(self.generator("),
        hint="phase 2 draws its own noise"),
    Case("gan_train_step", "wrong", "the integer seed at every draw", _step(
        noise="keras.random.normal((batch_size, self.codings_size), seed=self.seed)").replace(
        "self.seed_generator = keras.random.SeedGenerator(seed)",
        "self.seed = seed\n        self.seed_generator = keras.random.SeedGenerator(seed)"),
        hint="an integer seed repeats the same draw"),

    # found by a red-team batch (2026-12-07)
    Case("gan_train_step", "wrong", "a new SeedGenerator made inside train_step", _step(
        noise="keras.random.normal((batch_size, self.codings_size), seed=keras.random.SeedGenerator(42))"),
        hint="make the SeedGenerator once, in __init__"),
    Case("gan_train_step", "wrong", "TensorFlow's DCGAN tutorial: one noise, both losses in one pass", _HEAD + """
    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fakes = self.generator(noise, training=True)
            real_output = self.discriminator(real_images, training=True)
            fake_output = self.discriminator(fakes, training=True)
            g_loss = self.loss_fn(ops.ones_like(fake_output), fake_output)
            d_loss = (self.loss_fn(ops.ones_like(real_output), real_output)
                      + self.loss_fn(ops.zeros_like(fake_output), fake_output))
        g_grads = gen_tape.gradient(g_loss, self.generator.trainable_weights)
        d_grads = disc_tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.g_optimizer.apply(g_grads, self.generator.trainable_weights)
        self.d_optimizer.apply(d_grads, self.discriminator.trainable_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}
""", hint="the generator was updated before the discriminator"),
    Case("gan_train_step", "wrong", "phase 2 before phase 1", _HEAD + """
    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fakes = self.generator(noise, training=True)
            g_loss = self.loss_fn(ops.ones((batch_size, 1)), self.discriminator(fakes, training=True))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)
        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        fakes = self.generator(noise, training=True)
        images = ops.concatenate([fakes, real_images], axis=0)
        labels = ops.concatenate([ops.zeros((batch_size, 1)), ops.ones((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(images, training=True))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}
""", hint="the generator was updated before the discriminator"),
    Case("gan_train_step", "wrong", "phase 2's fakes made before its GradientTape", _step().replace(
        "        with tf.GradientTape() as tape:\n            predictions = self.discriminator(self.generator(noise, "
        "training=True), training=True)",
        "        fakes = self.generator(noise, training=True)\n        with tf.GradientTape() as tape:\n"
        "            predictions = self.discriminator(fakes, training=True)"),
        hint="make the fakes inside the tape too"),
]
