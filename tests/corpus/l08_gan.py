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


# Later red-team cases change a line of the lesson's recipe, or leave out its metrics property.
_METRICS = """
    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]
"""
_INIT, _COMPILE = _HEAD.split(_METRICS)
_NOISE = "keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)"


def _sub(old, new, text=None):
    """The lesson's recipe (or ``text``) with ``old`` replaced by ``new``, once."""
    text = _step() if text is None else text
    assert old in text, old
    return text.replace(old, new, 1)


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

    # found by a red-team batch (2026-12-07, second round)
    Case("gan_train_step", "right", "@tf.function on train_step, as in TensorFlow's DCGAN tutorial",
         _sub("    def train_step(self, real_images):",
                               "    @tf.function\n    def train_step(self, real_images):")),
    Case("gan_train_step", "right", "the book's way: discriminator.trainable = False in phase 2, restored after",
         _sub("""        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)""",
              """        self.discriminator.trainable = False
        grads = tape.gradient(g_loss, self.trainable_weights)
        self.g_optimizer.apply(grads, self.trainable_weights)
        self.discriminator.trainable = True""")),
    Case("gan_train_step", "right", "real images first, flat labels (2B,), squeezed predictions", _HEAD + """
    def train_step(self, real_images):
        n = tf.shape(real_images)[0]
        z = keras.random.normal(shape=(n, self.codings_size), seed=self.seed_generator)
        fakes = self.generator(z, training=True)
        x = tf.concat([real_images, fakes], 0)
        y = tf.concat([tf.ones([n]), tf.zeros([n])], 0)
        with tf.GradientTape() as tape:
            p = tf.squeeze(self.discriminator(x, training=True), axis=-1)
            d_loss = self.loss_fn(y, p)
        d_vars = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
        z = keras.random.normal(shape=(n, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            p = tf.squeeze(self.discriminator(self.generator(z, training=True), training=True), axis=-1)
            g_loss = self.loss_fn(tf.ones([n]), p)
        g_vars = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}
"""),
    Case("gan_train_step", "right", "no metrics property (Keras 3 tracks them), trackers called, helper methods",
         _INIT + _COMPILE + """
    def _noise(self, n):
        return keras.random.normal((n, self.codings_size), mean=0.0, stddev=1.0, seed=self.seed_generator)

    def _step(self, loss_of, weights, optimizer):
        with tf.GradientTape() as tape:
            loss = loss_of()
        optimizer.apply(tape.gradient(loss, weights), weights)
        return loss

    def train_step(self, real_images):
        n = ops.shape(real_images)[0]
        fakes = ops.stop_gradient(self.generator(self._noise(n), training=True))

        def d_loss_of():
            p_fake = self.discriminator(fakes, training=True)
            p_real = self.discriminator(real_images, training=True)
            return self.loss_fn(ops.concatenate([ops.zeros_like(p_fake), ops.ones_like(p_real)]),
                                ops.concatenate([p_fake, p_real]))

        d_loss = self._step(d_loss_of, self.discriminator.trainable_weights, self.d_optimizer)
        z = self._noise(n)

        def g_loss_of():
            p = self.discriminator(self.generator(z, training=True), training=True)
            return self.loss_fn(ops.ones_like(p), p)

        g_loss = self._step(g_loss_of, self.generator.trainable_weights, self.g_optimizer)
        return {"d_loss": self.d_loss_tracker(d_loss), "g_loss": self.g_loss_tracker(g_loss)}
"""),
    Case("gan_train_step", "right", "both noises in one (2B, c) draw, split in halves", _sub(
        "        noise = " + _NOISE + "\n        fake_images",
        "        all_noise = " + _NOISE.replace("(batch_size,", "(2 * batch_size,") + "\n"
        "        noise, noise_2 = all_noise[:batch_size], all_noise[batch_size:]\n        fake_images",
        _sub("        noise = " + _NOISE + "\n        with tf.GradientTape() as tape:\n"
             "            predictions = self.discriminator(self.generator(noise, ",
             "        with tf.GradientTape() as tape:\n"
             "            predictions = self.discriminator(self.generator(noise_2, "))),
    Case("gan_train_step", "right", "seed=None defaulting and seed kept, SeedGenerator made from it, persistent tape",
         _HEAD.replace("self.seed_generator = keras.random.SeedGenerator(seed)",
                       "self.seed = seed\n        self.seed_generator = keras.random.SeedGenerator(seed=self.seed)")
         + """
    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(shape=(batch_size, self.codings_size),
                                                    seed=self.seed_generator)
        with tf.GradientTape(persistent=True) as tape:
            generated = self.generator(random_latent_vectors, training=True)
            fake_pred = self.discriminator(generated, training=True)
            real_pred = self.discriminator(real_images, training=True)
            d_loss = (self.loss_fn(tf.zeros_like(fake_pred), fake_pred)
                      + self.loss_fn(tf.ones_like(real_pred), real_pred)) / 2.0
        d_grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        del tape
        self.d_optimizer.apply(d_grads, self.discriminator.trainable_weights)
        random_latent_vectors = keras.random.normal(shape=(batch_size, self.codings_size),
                                                    seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_pred = self.discriminator(self.generator(random_latent_vectors, training=True), training=True)
            g_loss = self.loss_fn(tf.ones_like(fake_pred), fake_pred)
        g_grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(g_grads, self.generator.trainable_weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}
"""),

    Case("gan_train_step", "wrong", "compile assigns the optimizers crosswise",
         _sub("        self.d_optimizer = d_optimizer\n        self.g_optimizer = g_optimizer",
              "        self.d_optimizer = g_optimizer\n        self.g_optimizer = d_optimizer"),
         hint="optimizers are crossed"),
    Case("gan_train_step", "wrong", "compile forgets super().compile()",
         _sub("        super().compile(**kwargs)\n", ""), hint="super().compile"),
    Case("gan_train_step", "wrong", "metrics written without @property",
         _sub("    @property\n", ""), hint="@property"),
    Case("gan_train_step", "wrong", "metrics property lists only the d_loss tracker (g_loss never reset)",
         _sub("return [self.d_loss_tracker, self.g_loss_tracker]", "return [self.d_loss_tracker]"),
         hint="g_loss tracker was not reset"),
    Case("gan_train_step", "wrong", "phase 2 uses a fresh keras.losses.BinaryCrossentropy() instead of self.loss_fn",
         _sub("g_loss = self.loss_fn(ops.ones((batch_size, 1)), predictions)",
              "g_loss = keras.losses.BinaryCrossentropy()(ops.ones((batch_size, 1)), predictions)"),
         hint="phase 2's loss with self.loss_fn"),
    Case("gan_train_step", "wrong", "both phases use keras.losses.binary_crossentropy (per-sample), not self.loss_fn",
         _sub("g_loss = self.loss_fn(ops.ones((batch_size, 1)), predictions)",
              "g_loss = keras.losses.binary_crossentropy(ops.ones((batch_size, 1)), predictions)",
              _sub("d_loss = self.loss_fn(labels, predictions)",
                   "d_loss = keras.losses.binary_crossentropy(labels, predictions)")),
         hint="loss_fn given to compile"),
    Case("gan_train_step", "wrong", "discriminator.trainable = False in phase 2, never set back",
         _sub("""        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)""",
              """        self.discriminator.trainable = False
        grads = tape.gradient(g_loss, self.trainable_weights)
        self.g_optimizer.apply(grads, self.trainable_weights)"""),
         hint="set it back to True"),
    Case("gan_train_step", "wrong", "one noise vector tiled over the whole batch (all fakes identical)", _step(
        noise="ops.tile(keras.random.normal((1, self.codings_size), seed=self.seed_generator), (batch_size, 1))"),
        hint="standard normal"),
    Case("gan_train_step", "wrong", "the notebook's global batch_size = 32 used for the noise",
         "\nbatch_size = 32\n" + _sub("        batch_size = ops.shape(real_images)[0]\n",
                                      "        n_real = ops.shape(real_images)[0]\n").replace(
             "ops.concatenate([ops.zeros((batch_size, 1)), ops.ones((batch_size, 1))], axis=0)",
             "ops.concatenate([ops.zeros((batch_size, 1)), ops.ones((n_real, 1))], axis=0)"),
         hint="as many fakes as there are real images"),
    Case("gan_train_step", "wrong", "saturating minimax generator loss: g_loss = -loss_fn(zeros, D(G(z)))",
         _sub("g_loss = self.loss_fn(ops.ones((batch_size, 1)), predictions)",
              "g_loss = -self.loss_fn(ops.zeros((batch_size, 1)), predictions)"),
         hint="labelled 1"),
    Case("gan_train_step", "wrong", "two discriminator updates: one on the fakes, then one on the real batch",
         _sub("""        with tf.GradientTape() as tape:
            predictions = self.discriminator(images, training=True)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)""",
              """        with tf.GradientTape() as tape:
            d_loss_fake = self.loss_fn(ops.zeros((batch_size, 1)), self.discriminator(fake_images, training=True))
        grads = tape.gradient(d_loss_fake, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
        with tf.GradientTape() as tape:
            d_loss_real = self.loss_fn(ops.ones((batch_size, 1)), self.discriminator(real_images, training=True))
        grads = tape.gradient(d_loss_real, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)
        d_loss = 0.5 * (d_loss_fake + d_loss_real)"""),
         hint="one d_optimizer step"),
    Case("gan_train_step", "wrong", "global seed set in __init__, unseeded keras.random.normal",
         _sub("self.seed_generator = keras.random.SeedGenerator(seed)",
              "keras.utils.set_random_seed(seed)").replace(", seed=self.seed_generator)", ")"),
         hint="seed the noise, not the whole program"),
    Case("gan_train_step", "wrong", "phase 2 trains the generator on 2 * batch_size fakes",
         _sub("""        noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(noise, training=True), training=True)
            g_loss = self.loss_fn(ops.ones((batch_size, 1)), predictions)""",
              """        noise = keras.random.normal((2 * batch_size, self.codings_size), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(noise, training=True), training=True)
            g_loss = self.loss_fn(ops.ones((2 * batch_size, 1)), predictions)"""),
         hint="phase 2 trains the generator on a new batch"),
    Case("gan_train_step", "wrong", "one-sided label smoothing: real images labelled 0.9",
         _sub("ops.ones((batch_size, 1))], axis=0)", "0.9 * ops.ones((batch_size, 1))], axis=0)"),
         hint="every real image 1"),
    Case("gan_train_step", "wrong", "phase 1's generator called without training",
         _sub("fake_images = self.generator(noise, training=True)", "fake_images = self.generator(noise)"),
         hint="training=True"),
    Case("gan_train_step", "wrong", "trackers reset at every step (reports only the last batch)",
         _sub("        self.d_loss_tracker.update_state(d_loss)",
              "        self.d_loss_tracker.reset_state()\n        self.g_loss_tracker.reset_state()\n"
              "        self.d_loss_tracker.update_state(d_loss)"),
         hint="mean of both steps"),
    Case("gan_train_step", "wrong", "phase 1 loss halved ('average of the two halves' on the concatenated batch)",
         _sub("d_loss = self.loss_fn(labels, predictions)", "d_loss = 0.5 * self.loss_fn(labels, predictions)"),
         hint="not halved"),
    Case("gan_train_step", "wrong", "phase 2 gradient with respect to the generator, but applied with d_optimizer",
         _sub("self.g_optimizer.apply(grads, self.generator.trainable_weights)",
              "self.d_optimizer.apply(grads, self.generator.trainable_weights)"),
         hint="g_optimizer"),
    Case("gan_train_step", "wrong", "the book's discriminator.trainable = False, set once in __init__",
         _sub("        self.discriminator = discriminator\n",
              "        self.discriminator = discriminator\n        self.discriminator.trainable = False\n"),
         hint="discriminator did not learn"),
    Case("gan_train_step", "right", "a call() that runs the generator, used in phase 2 as self(noise)",
         _sub("    def train_step(self, real_images):",
              "    def call(self, inputs, training=None):\n        return self.generator(inputs, training=training)\n\n"
              "    def train_step(self, real_images):").replace(
             "predictions = self.discriminator(self.generator(noise, training=True), training=True)",
             "predictions = self.discriminator(self(noise, training=True), training=True)")),
    Case("gan_train_step", "wrong", "metrics property lists the d_loss tracker twice (copy-paste)",
         _sub("return [self.d_loss_tracker, self.g_loss_tracker]", "return [self.d_loss_tracker, self.d_loss_tracker]"),
         hint="g_loss tracker was not reset"),
]
