"""Reference answers: a denoising diffusion model (DDPM) and its deterministic sampler (DDIM).

The book (handson-ml3, chapter 17) trains a DDPM with the cosine noise schedule and a U-Net that predicts the noise;
here the same pieces are written for Keras 3: the schedule, the one-step forward process, a ``keras.Model`` whose
``train_step`` draws the time steps and the noise from its own ``SeedGenerator``, the DDPM reverse step and its
sampling loop, the DDIM step and its few-step loop, and the sinusoidal time embedding.

Conventions: images are (batch, 28, 28, 1) float32 in [-1, 1]. Time runs from 0 (clean images) to T (pure noise);
the schedule's arrays have T + 1 entries, entry 0 being "no noise" (alpha_0 = alpha_bar_0 = 1), so ``alpha[t]`` is
the step that takes x_{t-1} to x_t. The network is called as ``network([x_t, t], training=...)`` with ``t`` a
(batch,) int32 tensor and returns the predicted noise, shaped like ``x_t``.
"""

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops


def variance_schedule(T, s=0.008, max_beta=0.999):
    """The cosine noise schedule of Nichol & Dhariwal (2021), as in the book.

    ``f(t) = cos(((t / T + s) / (1 + s)) * pi / 2) ** 2`` for t = 0..T; ``alpha_t = f(t) / f(t - 1)``, clipped to
    [1 - max_beta, 1] so that no step destroys everything at once; ``alpha_0 = 1``; ``beta_t = 1 - alpha_t``;
    ``alpha_bar_t = alpha_0 * alpha_1 * ... * alpha_t`` (the cumulative product).

    Args:
        T: number of diffusion steps (1000 in the book).
        s: small offset that keeps beta_1 from being tiny.
        max_beta: the largest beta allowed.

    Returns:
        (alpha, alpha_cumprod, beta): three (T + 1,) float32 numpy arrays, entry t for time t = 0..T.
    """
    t = np.arange(T + 1)
    f = np.cos((t / T + s) / (1 + s) * np.pi / 2) ** 2
    alpha = np.clip(f[1:] / f[:-1], 1 - max_beta, 1)
    alpha = np.append(1, alpha).astype(np.float32)
    beta = 1 - alpha
    alpha_cumprod = np.cumprod(alpha)
    return alpha, alpha_cumprod, beta


def forward_diffusion(images, t, noise, alpha_cumprod):
    """Sample x_t from q(x_t | x_0) in one step: ``sqrt(alpha_bar_t) * x_0 + sqrt(1 - alpha_bar_t) * noise``.

    Args:
        images: x_0, (batch, 28, 28, 1) float32 in [-1, 1].
        t: (batch,) int, one time step per image, in 0..T.
        noise: (batch, 28, 28, 1) float32, standard normal.
        alpha_cumprod: (T + 1,) float32, alpha_bar_t for t = 0..T.

    Returns:
        x_t: (batch, 28, 28, 1) float32 tensor.
    """
    alpha_bar = ops.take(ops.convert_to_tensor(alpha_cumprod, "float32"), t)
    alpha_bar = ops.reshape(alpha_bar, (-1, 1, 1, 1))  # one value per image, broadcast over its pixels
    return ops.sqrt(alpha_bar) * images + ops.sqrt(1 - alpha_bar) * noise


class DiffusionModel(keras.Model):
    """A DDPM trained with ``fit``: ``train_step`` minimises the noise-prediction error.

    For each batch of clean images x_0, ``draw_t_and_noise`` draws one time step per image, uniformly in 1..T, and
    standard normal noise shaped like the images, both from the model's own ``keras.random.SeedGenerator``;
    ``noise_prediction_loss`` makes x_t with ``forward_diffusion`` and returns the mean squared error between the
    noise and the network's prediction ``network([x_t, t], training=True)``. ``train_step`` applies the gradient of
    that loss to the network's weights and tracks its mean as ``loss``.

    Args:
        network: a keras.Model, ``[x_t (batch, 28, 28, 1), t (batch,) int32] -> predicted noise``.
        alpha_cumprod: (T + 1,) float32, the schedule's alpha_bar.
        seed: int or None, the seed of the SeedGenerator that draws t and the noise.

    Call arguments:
        inputs: ``[x_t, t]``; returns the network's predicted noise.
    """

    def __init__(self, network, alpha_cumprod, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.network = network
        self.alpha_cumprod = np.asarray(alpha_cumprod, dtype="float32")
        self.T = len(self.alpha_cumprod) - 1
        ### BEGIN SOLUTION
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        ### END SOLUTION

    @property
    def metrics(self):
        ### BEGIN SOLUTION
        return [self.loss_tracker]
        ### END SOLUTION

    def call(self, inputs, training=False):
        return self.network(inputs, training=training)

    def draw_t_and_noise(self, images):
        """``(t, noise)``: t (batch,) int32 uniform in 1..T, noise standard normal shaped like ``images``."""
        ### BEGIN SOLUTION
        batch_size = ops.shape(images)[0]
        t = keras.random.randint((batch_size,), 1, self.T + 1, dtype="int32", seed=self.seed_generator)
        noise = keras.random.normal(ops.shape(images), seed=self.seed_generator)
        return t, noise
        ### END SOLUTION

    def noise_prediction_loss(self, images, t, noise):
        """Mean over every pixel of the batch of ``(noise - network([x_t, t], training=True)) ** 2``: a scalar."""
        ### BEGIN SOLUTION
        noisy_images = forward_diffusion(images, t, noise, self.alpha_cumprod)
        predicted_noise = self.network([noisy_images, t], training=True)
        return ops.mean(ops.square(noise - predicted_noise))
        ### END SOLUTION

    def train_step(self, data):
        images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        ### BEGIN SOLUTION
        t, noise = self.draw_t_and_noise(images)
        with tf.GradientTape() as tape:
            loss = self.noise_prediction_loss(images, t, noise)
        gradients = tape.gradient(loss, self.network.trainable_weights)
        self.optimizer.apply(gradients, self.network.trainable_weights)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}
        ### END SOLUTION


def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    """One step of the DDPM reverse process, from x_t to x_{t-1}.

    ``x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) * predicted_noise) / sqrt(alpha_t) + sqrt(beta_t) * noise``:
    the mean removes the predicted noise's share of this step; the variance is beta_t.

    Args:
        x_t: (batch, 28, 28, 1) float32.
        t: int, the current time, 1..T (the same for the whole batch).
        predicted_noise: the network's output for (x_t, t), shaped like x_t.
        noise: fresh standard normal noise shaped like x_t (zeros for the last step, t = 1).
        alpha, alpha_cumprod, beta: the schedule's (T + 1,) arrays.

    Returns:
        x_{t-1}: shaped like x_t.
    """
    return ((x_t - beta[t] / math.sqrt(1 - alpha_cumprod[t]) * predicted_noise) / math.sqrt(alpha[t])
            + math.sqrt(beta[t]) * noise)


def ddpm_sample(network, x_T, alpha, alpha_cumprod, beta, seed=None, callback=None):
    """Run the whole DDPM reverse chain from x_T down to x_0, calling ``ddpm_step`` T times.

    For t = T, T - 1, ..., 1: predict the noise with ``network([x, t_batch], training=False)`` (``t_batch`` a
    (batch,) int32 tensor filled with t), draw fresh standard normal noise (zeros at t = 1, so the last step adds
    none) and take one ``ddpm_step``. The noise comes from a ``keras.random.SeedGenerator(seed)``.

    Args:
        network: the noise-predicting network.
        x_T: (batch, 28, 28, 1) float32, the starting noise.
        alpha, alpha_cumprod, beta: the schedule's (T + 1,) arrays; T = len(alpha) - 1.
        seed: int or None.
        callback: None or a function ``callback(t, x)`` called after each step with the new time t (T - 1 down
            to 0) and x = x_t (used for progress bars and to record the chain).

    Returns:
        x_0: (batch, 28, 28, 1) float32 tensor.
    """
    seed_generator = keras.random.SeedGenerator(seed)
    T = len(alpha) - 1
    x = ops.convert_to_tensor(x_T, "float32")
    batch_size = ops.shape(x)[0]
    for t in range(T, 0, -1):
        predicted_noise = network([x, ops.full((batch_size,), t, dtype="int32")], training=False)
        noise = keras.random.normal(ops.shape(x), seed=seed_generator) if t > 1 else ops.zeros_like(x)
        x = ddpm_step(x, t, predicted_noise, noise, alpha, alpha_cumprod, beta)
        if callback is not None:
            callback(t - 1, x)
    return x


def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod):
    """One deterministic DDIM step from time t to an earlier time t_prev.

    First estimate the clean images, ``x0 = (x_t - sqrt(1 - alpha_bar_t) * predicted_noise) / sqrt(alpha_bar_t)``,
    clipped to [-1, 1] (the images' range: near t = T the division by a tiny sqrt(alpha_bar_t) would blow up any
    error), then put them back at the noise level of t_prev with the same predicted noise:
    ``x_{t_prev} = sqrt(alpha_bar_{t_prev}) * x0 + sqrt(1 - alpha_bar_{t_prev}) * predicted_noise``.

    Args:
        x_t: (batch, 28, 28, 1) float32.
        t, t_prev: ints with 0 <= t_prev < t <= T.
        predicted_noise: the network's output for (x_t, t), shaped like x_t.
        alpha_cumprod: (T + 1,) float32.

    Returns:
        x_{t_prev}: shaped like x_t.
    """
    predicted_images = (x_t - math.sqrt(1 - alpha_cumprod[t]) * predicted_noise) / math.sqrt(alpha_cumprod[t])
    predicted_images = ops.clip(predicted_images, -1.0, 1.0)
    return math.sqrt(alpha_cumprod[t_prev]) * predicted_images + math.sqrt(1 - alpha_cumprod[t_prev]) * predicted_noise


def ddim_sample(network, x_T, alpha_cumprod, num_steps, callback=None):
    """Sample with DDIM in ``num_steps`` network calls: no noise is added, so big jumps in time work.

    The times visited are ``np.linspace(T, 0, num_steps + 1)`` rounded to ints (T, ..., 0); each pair of
    neighbours (t, t_prev) gives one ``ddim_step`` with the noise ``network([x, t_batch], training=False)``
    predicts (``t_batch`` a (batch,) int32 tensor filled with t).

    Args:
        network: the noise-predicting network.
        x_T: (batch, 28, 28, 1) float32, the starting noise.
        alpha_cumprod: (T + 1,) float32; T = len(alpha_cumprod) - 1.
        num_steps: number of steps (network calls), 1..T.
        callback: None or ``callback(t_prev, x)``, called after each step.

    Returns:
        x_0: (batch, 28, 28, 1) float32 tensor.
    """
    T = len(alpha_cumprod) - 1
    times = np.linspace(T, 0, num_steps + 1).round().astype(int)
    x = ops.convert_to_tensor(x_T, "float32")
    batch_size = ops.shape(x)[0]
    for t, t_prev in zip(times[:-1], times[1:]):
        predicted_noise = network([x, ops.full((batch_size,), int(t), dtype="int32")], training=False)
        x = ddim_step(x, int(t), int(t_prev), predicted_noise, alpha_cumprod)
        if callback is not None:
            callback(int(t_prev), x)
    return x


def sinusoidal_time_embedding(t, dim):
    """The Transformer's sinusoidal encoding of the time step, as DDPM's U-Net uses it (the extension).

    With ``half = dim // 2`` frequencies ``w_i = 10000 ** (-i / half)`` for i = 0..half - 1, the embedding of t is
    ``[sin(t * w_0), ..., sin(t * w_{half-1}), cos(t * w_0), ..., cos(t * w_{half-1})]``: smooth in t, different
    for every t, and with slow and fast components.

    Args:
        t: (batch,) int or float time steps.
        dim: even embedding size.

    Returns:
        embedding: (batch, dim) float32 tensor.
    """
    half = dim // 2
    frequencies = ops.exp(-math.log(10000.0) * ops.arange(half, dtype="float32") / half)
    angles = ops.cast(ops.reshape(t, (-1, 1)), "float32") * ops.reshape(frequencies, (1, -1))
    return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)
