"""Lesson 08's check: the reference GAN passes; each mistake in the two-phase step fails with a hint naming it."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from autograder.checks.runtime import run_check
from helpers import gan_tools
from solutions import gan


def _variant(d_vars="discriminator", g_vars="generator", fake_label=0.0, real_label=1.0, g_label=1.0,
             reals_in_phase_1=True, reals_in_phase_2=False, swap_arguments=False, noise="seeded",
             swap_trackers=False, one_optimizer=False, fixed_batch=None, g_outside_tape=False):
    """A GAN whose train_step makes the named mistake (the defaults make none)."""

    class Variant(gan.GAN):
        def _loss(self, labels, predictions):
            return self.loss_fn(predictions, labels) if swap_arguments else self.loss_fn(labels, predictions)

        def _noise(self, batch_size):
            shape = (fixed_batch or batch_size, self.codings_size)
            if noise == "seeded":
                return keras.random.normal(shape, seed=self.seed_generator)
            return tf.random.normal(shape)

        def _vars(self, which):
            return {"discriminator": self.discriminator.trainable_weights,
                    "generator": self.generator.trainable_weights, "both": self.trainable_weights}[which]

        def train_step(self, real_images):
            batch_size = ops.shape(real_images)[0]
            with tf.GradientTape() as tape:
                fakes = self.generator(self._noise(batch_size), training=True)
                parts = [fakes, real_images] if reals_in_phase_1 else [fakes]
                labels = [ops.full((ops.shape(fakes)[0], 1), fake_label)]
                labels += [ops.full((batch_size, 1), real_label)] if reals_in_phase_1 else []
                d_loss = self._loss(ops.concatenate(labels, 0),
                                    self.discriminator(ops.concatenate(parts, 0), training=True))
            variables = self._vars(d_vars)
            self.d_optimizer.apply(tape.gradient(d_loss, variables), variables)
            fakes_outside = self.generator(self._noise(batch_size), training=True) if g_outside_tape else None
            with tf.GradientTape() as tape:
                fakes = fakes_outside if g_outside_tape else self.generator(self._noise(batch_size), training=True)
                inputs = ops.concatenate([fakes, real_images], 0) if reals_in_phase_2 else fakes
                g_loss = self._loss(ops.full((ops.shape(inputs)[0], 1), g_label),
                                    self.discriminator(inputs, training=True))
            variables = self._vars(g_vars)
            grads = tape.gradient(g_loss, variables)
            optimizer = self.d_optimizer if one_optimizer else self.g_optimizer
            optimizer.apply([g if g is not None else ops.zeros_like(v) for g, v in zip(grads, variables)],
                            variables)
            trackers = (self.g_loss_tracker, self.d_loss_tracker) if swap_trackers else (
                self.d_loss_tracker, self.g_loss_tracker)
            trackers[0].update_state(d_loss)
            trackers[1].update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    return Variant


def test_reference_passes():
    status, message, _ = run_check("gan_train_step", gan.GAN)
    assert status == "passed", message


def test_separate_discriminator_calls_pass():
    """Phase 1 as two loss_fn calls (fakes, then real images) averaged, as lesson 09's ImprovedGAN does."""
    from solutions.dcgan import ImprovedGAN

    status, message, _ = run_check("gan_train_step", ImprovedGAN)
    assert status == "passed", message


def test_apply_gradients_passes():
    class ApplyGradients(gan.GAN):
        def train_step(self, real_images):
            batch_size = ops.shape(real_images)[0]
            noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
            fakes = self.generator(noise, training=True)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(ops.concatenate([ops.zeros((batch_size, 1)), ops.ones((batch_size, 1))]),
                                      self.discriminator(ops.concatenate([fakes, real_images]), training=True))
            weights = self.discriminator.trainable_weights
            self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, weights), weights))
            noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(ops.ones((batch_size, 1)),
                                      self.discriminator(self.generator(noise, training=True), training=True))
            weights = self.generator.trainable_weights
            self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, weights), weights))
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {m.name: m.result() for m in self.metrics}

    status, message, _ = run_check("gan_train_step", ApplyGradients)
    assert status == "passed", message


def test_the_variant_builder_without_mistakes_passes():
    status, message, _ = run_check("gan_train_step", _variant())
    assert status == "passed", message


@pytest.mark.parametrize("variant, hint", [
    (_variant(d_vars="both"), "generator was updated in phase 1"),
    (_variant(g_vars="both"), "discriminator was updated in phase 2"),
    (_variant(fake_label=1.0, real_label=0.0), "labels are swapped"),
    (_variant(fake_label=1.0), "fakes are labelled 1 in phase 1"),
    (_variant(real_label=0.0), "real images are labelled 1"),
    (_variant(reals_in_phase_1=False), "must also see the real batch"),
    (_variant(reals_in_phase_2=True), "fakes only"),
    (_variant(g_label=0.0), "the generator learns to fool"),
    (_variant(swap_arguments=True), "targets first"),
    (_variant(noise="unseeded"), "seed=self.seed_generator"),
    (_variant(swap_trackers=True), "swapped: d_loss is phase 1's"),
    (_variant(one_optimizer=True), "self.g_optimizer.apply"),
    (_variant(fixed_batch=6), "as many fakes as there are real images"),
    (_variant(g_outside_tape=True), "generate the fakes inside the GradientTape"),
])
def test_mistakes_are_named(variant, hint):
    status, message, _ = run_check("gan_train_step", variant)
    assert status == "failed", message
    assert hint in message, message


def test_a_loss_outside_loss_fn_is_named():
    class OwnLoss(gan.GAN):
        def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
            super().compile(d_optimizer, g_optimizer, keras.losses.BinaryCrossentropy(), **kwargs)

    status, message, _ = run_check("gan_train_step", OwnLoss)
    assert status == "failed" and "the loss_fn given to compile" in message


def test_a_stub_is_not_implemented():
    class Stub(gan.GAN):
        def train_step(self, real_images):
            raise NotImplementedError()

    assert run_check("gan_train_step", Stub)[0] == "not-implemented"


def test_sample_grid_and_sample_images():
    generator = gan.build_generator(codings_size=5)
    images = gan_tools.sample_images(generator, 7, codings_size=5, seed=1, batch_size=3)
    assert images.shape == (7, 28, 28) and images.dtype == np.float32
    # batches of 3 or one batch of 7: the same images up to float32 rounding, which differs between CPUs
    np.testing.assert_allclose(images, gan_tools.sample_images(generator, 7, codings_size=5, seed=1),
                               rtol=1e-5, atol=1e-6)
    assert 0 <= images.min() and images.max() <= 1
    with pytest.raises(ValueError):
        gan_tools.SampleGrid(num_images=0)


def test_dense_models_have_the_books_shapes():
    generator, discriminator = gan.build_generator(30), gan.build_discriminator()
    assert generator.output_shape == (None, 28, 28)
    assert discriminator.output_shape == (None, 1)
    assert [layer.units for layer in generator.layers if hasattr(layer, "units")] == [100, 150, 784]
    assert [layer.units for layer in discriminator.layers if hasattr(layer, "units")] == [150, 100, 1]


def test_a_step_that_only_works_eagerly_is_named():
    class EagerOnly(gan.GAN):
        def train_step(self, real_images):
            logs = super().train_step(real_images)
            return {name: float(value) for name, value in logs.items()}  # a graph tensor has no float()

    status, message, _ = run_check("gan_train_step", EagerOnly)
    assert status == "failed" and "training with fit" in message and "ops.shape(real_images)[0]" in message, message


def test_the_loss_is_the_one_given_to_compile_and_the_phase_1_sum_passes():
    """The probe's loss_fn is not plain cross-entropy, so a step must use it; a phase-1 loss that sums the fakes'
    and the real images' losses (TensorFlow's DCGAN tutorial) is the same step at half the learning rate."""
    class Summed(gan.GAN):
        def train_step(self, real_images):
            batch_size = ops.shape(real_images)[0]
            noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
            fakes = self.generator(noise, training=True)
            with tf.GradientTape() as tape:
                d_loss = (self.loss_fn(ops.zeros((batch_size, 1)), self.discriminator(fakes, training=True)) +
                          self.loss_fn(ops.ones((batch_size, 1)), self.discriminator(real_images, training=True)))
            weights = self.discriminator.trainable_weights
            self.d_optimizer.apply(tape.gradient(d_loss, weights), weights)
            noise = keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                g_loss = self.loss_fn(ops.ones((batch_size, 1)),
                                      self.discriminator(self.generator(noise, training=True), training=True))
            weights = self.generator.trainable_weights
            self.g_optimizer.apply(tape.gradient(g_loss, weights), weights)
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    assert run_check("gan_train_step", Summed)[0] == "passed"

    class TripleLoss(Summed):
        def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
            super().compile(d_optimizer, g_optimizer, lambda y, p: 3 * loss_fn(y, p), **kwargs)

    status, message, _ = run_check("gan_train_step", TripleLoss)  # neither the mean nor the sum: another step
    assert status == "failed" and "moved the weights" in message, message
