"""Given code for diffusion models: the U-Net that predicts the noise, progress bars and plots.

Nothing here is an exercise's answer. The U-Net is a small, readable network (28 x 28 -> 14 -> 7 and back, with
skip connections); it reads the time step through random Fourier features of t / T (fixed random frequencies, not
the sinusoidal embedding of the lesson's extension exercise, which ``build_unet(time_embedding=...)`` can use
instead). Images are (n, 28, 28, 1) float32 in [-1, 1] (:func:`to_diffusion_range`); :func:`to_image_range` brings
samples back to [0, 1] to plot and score.
"""

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers, ops

from helpers.gan_tools import to_gan_range
from helpers.plotting import _as_images


def to_diffusion_range(images):
    """[0, 1] images (n, 28, 28) or (n, 28, 28, 1) -> (n, 28, 28, 1) float32 in [-1, 1]."""
    return to_gan_range(images)


def to_image_range(samples):
    """Samples in [-1, 1] (a tensor or array, (n, 28, 28, 1)) -> (n, 28, 28) float32 numpy in [0, 1], clipped."""
    samples = np.asarray(ops.convert_to_numpy(samples), dtype="float32")
    if samples.ndim == 4:
        samples = samples[..., 0]
    return np.clip((samples + 1.0) / 2.0, 0.0, 1.0)


# ------------------------------------------------------------------------------------------------------ the U-Net


@keras.saving.register_keras_serializable(package="course")
class FourierTimeFeatures(layers.Layer):
    """``[sin(2 pi f t / T), cos(2 pi f t / T)]`` for ``dim / 2`` fixed random frequencies f ~ N(0, scale**2).

    Input: (batch,) int or float time steps; output: (batch, dim) float32. The frequencies are drawn once from
    ``seed`` and not trained.
    """

    def __init__(self, T, dim=64, scale=8.0, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.T, self.dim, self.scale, self.seed = T, dim, scale, seed
        frequencies = np.random.default_rng(seed).normal(0.0, scale, size=(1, dim // 2)).astype("float32")
        self.frequencies = self.add_weight(shape=(1, dim // 2), trainable=False, name="frequencies",
                                           initializer=keras.initializers.Constant(frequencies))

    def call(self, t):
        phase = 2 * np.pi * ops.cast(ops.reshape(t, (-1, 1)), "float32") / self.T * self.frequencies
        return ops.concatenate([ops.sin(phase), ops.cos(phase)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.dim)

    def get_config(self):
        return {**super().get_config(), "T": self.T, "dim": self.dim, "scale": self.scale, "seed": self.seed}


def _residual_block(x, time_features, filters):
    """GroupNorm-swish-conv twice, plus a skip. The time features scale and shift each channel after the second
    normalization (a bias added before it would be normalized away: with few channels per group, entirely)."""
    skip = x if x.shape[-1] == filters else layers.Conv2D(filters, 1)(x)
    h = layers.Activation("swish")(layers.GroupNormalization(groups=8)(x))
    h = layers.Conv2D(filters, 3, padding="same")(h)
    h = layers.GroupNormalization(groups=8)(h)
    scale = layers.Reshape((1, 1, filters))(layers.Dense(filters)(time_features))
    shift = layers.Reshape((1, 1, filters))(layers.Dense(filters)(time_features))
    h = layers.Activation("swish")(h * (1.0 + scale) + shift)
    h = layers.Conv2D(filters, 3, padding="same")(h)
    return skip + h


def build_unet(T, filters=(32, 64, 64), time_dim=64, time_embedding=None, seed=0):
    """The noise-predicting U-Net: ``[x_t (batch, 28, 28, 1), t (batch,) int32] -> predicted noise``.

    Three resolutions, 28 -> 14 -> 7 (``filters`` channels each): one residual block per resolution on the way
    down, one more at the bottom, and one per resolution on the way up (with the skip connection from the same
    resolution concatenated).
    Every block gets the time step's features (random Fourier features of t / T, or ``time_embedding(t, time_dim)``
    when given) through a small MLP, as a scale and a shift of each channel. The last convolution starts at zero, so
    the untrained network predicts no noise.

    Args:
        T: number of diffusion steps (scales t for the Fourier features).
        filters: channels at 28, 14 and 7 pixels.
        time_dim: size of the time features.
        time_embedding: None, or a function ``(t, dim) -> (batch, dim)`` (e.g. the sinusoidal embedding).
        seed: seed of the random Fourier frequencies (the other weights follow Keras' global seed:
            call ``keras.utils.set_random_seed`` first for repeatable weights).

    Returns:
        a keras.Model named "unet".
    """
    images = keras.Input(shape=(28, 28, 1), name="x_t")
    t = keras.Input(shape=(), dtype="int32", name="t")
    if time_embedding is None:
        features = FourierTimeFeatures(T, time_dim, seed=seed)(t)
    else:
        features = layers.Lambda(lambda steps: time_embedding(steps, time_dim), output_shape=(time_dim,))(t)
    features = layers.Dense(4 * time_dim, activation="swish")(features)
    features = layers.Dense(4 * time_dim, activation="swish")(features)

    x = layers.Conv2D(filters[0], 3, padding="same")(images)
    skips = []
    for level, width in enumerate(filters):
        x = _residual_block(x, features, width)
        skips.append(x)
        if level < len(filters) - 1:
            x = layers.Conv2D(filters[level + 1], 3, strides=2, padding="same")(x)  # halve the resolution
    x = _residual_block(x, features, filters[-1])
    for level in reversed(range(len(filters))):
        x = layers.Concatenate()([x, skips[level]])
        x = _residual_block(x, features, filters[level])
        if level > 0:
            x = layers.UpSampling2D(interpolation="nearest")(x)
            x = layers.Conv2D(filters[level - 1], 3, padding="same")(x)
    x = layers.Activation("swish")(layers.GroupNormalization(groups=8)(x))
    outputs = layers.Conv2D(1, 3, padding="same", kernel_initializer="zeros", name="predicted_noise")(x)
    return keras.Model([images, t], outputs, name="unet")


def blend_weights(averages, weights, rate):
    """One step of an exponential moving average: ``average = rate * average + (1 - rate) * weight`` for each pair.

    The update of :class:`WeightAverage` (which ramps ``rate`` up) and of ``benchmark.dcgan.TunedGAN`` (a fixed rate,
    inside its train step): one formula for both. ``averages`` are variables, ``weights`` their current values.
    """
    for average, weight in zip(averages, weights, strict=True):
        average.assign(rate * average + (1.0 - rate) * weight)


class WeightAverage(keras.callbacks.Callback):
    """A ``fit`` callback that keeps an exponential moving average of ``network``'s weights in a copy of it.

    After every training batch, ``average = rate * average + (1 - rate) * weights`` with ``rate = min(decay, (1 + n)
    / (10 + n))`` at the n-th update (2/11 at the first, rising to ``decay``), so the copy forgets the random start. The
    averaged network (``callback.network``) gives cleaner samples than the last weights while the learning rate is
    still large: each update's noise is averaged out. Sample from it, not from the network being trained.

    Args:
        network: the keras.Model being trained.
        decay: the largest decay (0.999 averages over about the last 1,000 updates).
    """

    def __init__(self, network, decay=0.999):
        super().__init__()
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"decay must be in [0, 1), got {decay!r}")
        self.decay = float(decay)
        self.source = network
        self.network = keras.models.clone_model(network)
        self.network.set_weights(network.get_weights())
        self.updates = tf.Variable(0.0, trainable=False)

        @tf.function
        def update():
            self.updates.assign_add(1.0)
            rate = tf.minimum(self.decay, (1.0 + self.updates) / (10.0 + self.updates))
            blend_weights(self.network.weights, self.source.weights, rate)

        self._update = update

    def on_train_batch_end(self, batch, logs=None):
        self._update()


# ------------------------------------------------------------------------------------------ sampling with progress


def fast_network(network, jit_compile=False):
    """``network`` as a compiled function with the same call, ``fast(inputs, training=False)``, for sampling loops.

    A sampling loop calls the network hundreds of times on small batches; called eagerly, each call spends more time
    in Python than in the convolutions. The compiled graph is built once per batch shape. Inference only: the
    ``training`` argument is accepted for the loops' sake and must be False. ``jit_compile=True`` compiles it with
    XLA as well: about 40% faster on a 2-core CPU, after a few seconds of compiling per batch shape.
    """
    @tf.function(reduce_retracing=True, jit_compile=jit_compile)
    def predict(images, t):
        return network([images, t], training=False)

    def fast(inputs, training=False):
        if training:
            raise ValueError("fast_network is for sampling: call the network itself with training=True")
        images, t = inputs
        return predict(tf.convert_to_tensor(images, tf.float32), tf.convert_to_tensor(t, tf.int32))

    return fast


def respaced_schedule(alpha_cumprod, num_steps, start=None):
    """The schedule of a DDPM that visits only ``num_steps`` of the T time steps (Nichol & Dhariwal, 2021).

    The visited times are ``np.linspace(0, start, num_steps + 1)`` rounded (0 first). On them the cumulative
    products are the original ones, ``alpha_cumprod[times]``, so each step k jumps from ``times[k]`` to
    ``times[k - 1]`` with ``alpha'_k = alpha_bar(times[k]) / alpha_bar(times[k - 1])`` and ``beta'_k = 1 - alpha'_k``.
    The lesson's ``ddpm_sample`` runs on these arrays unchanged, with the network wrapped by :func:`respaced_network`
    (it gets k, and must be called with ``times[k]``).

    ``start`` defaults to ``T - T // 100`` (990 of 1000): the cosine schedule's last step has alpha_T = 0.001 (its
    beta is clipped at 0.999), so ``alpha_bar_T`` is about 2e-9, and a DDPM step from T divides the network's error by
    ``sqrt(alpha'_K)``: a factor of hundreds when K is small. At t = 990, sqrt(alpha_bar) is 0.016: x_T's pure noise
    stands for x_990 as well.

    Args:
        alpha_cumprod: (T + 1,) float array, the full schedule's alpha_bar.
        num_steps: K, the network calls of one sample, 1..start.
        start: the first (noisiest) time visited, 1..T; default ``T - T // 100``.

    Returns:
        (times, alpha, alpha_cumprod, beta): ``times`` (K + 1,) int32, and the respaced (K + 1,) float32 arrays
        (entry 0: no noise).
    """
    alpha_cumprod = np.asarray(alpha_cumprod, dtype="float64")
    T = len(alpha_cumprod) - 1
    start = T - T // 100 if start is None else int(start)
    if not 1 <= start <= T:
        raise ValueError(f"start must be between 1 and T = {T}, got {start}")
    if not 1 <= num_steps <= start:
        raise ValueError(f"num_steps must be between 1 and start = {start}, got {num_steps}")
    times = np.linspace(0, start, num_steps + 1).round().astype("int32")
    cumulative = alpha_cumprod[times]
    alpha = np.append(1.0, cumulative[1:] / cumulative[:-1])
    return times, alpha.astype("float32"), cumulative.astype("float32"), (1.0 - alpha).astype("float32")


def respaced_network(network, times):
    """``network`` for a respaced schedule: called with ``[x, k]``, it calls ``network([x, times[k]])``."""
    times = tf.constant(np.asarray(times), tf.int32)

    def call(inputs, training=False):
        images, steps = inputs
        return network([images, tf.gather(times, tf.convert_to_tensor(steps, tf.int32))], training=training)

    return call


class ChainRecorder:
    """A ``callback(t, x)`` for the sampling loops: shows a progress bar and keeps x at the times in ``keep``.

    ``recorder.states`` maps each kept time to a [0, 1] numpy copy of its images; ``recorder.seconds`` is the time
    since the recorder was made.
    """

    def __init__(self, num_steps, keep=(), verbose=True):
        self.keep = set(int(t) for t in keep)
        self.states = {}
        self.progress = keras.utils.Progbar(num_steps, unit_name="step") if verbose else None
        self.start = time.perf_counter()
        self.seconds = 0.0

    def __call__(self, t, x):
        if int(t) in self.keep:
            self.states[int(t)] = to_image_range(x)
        if self.progress is not None:
            self.progress.add(1)
        self.seconds = time.perf_counter() - self.start


def timed(sampler, *args, **kwargs):
    """``(result, seconds)`` of ``sampler(*args, **kwargs)``."""
    start = time.perf_counter()
    result = sampler(*args, **kwargs)
    return result, time.perf_counter() - start


# ------------------------------------------------------------------------------------------------------- the plots


def _time_grid(columns, n_images, title):
    """One column per time step (``columns`` maps t -> (n, 28, 28) [0, 1] images), one row per image."""
    n = min(n_images, len(next(iter(columns.values()))))
    fig, axes = plt.subplots(n, len(columns), figsize=(len(columns) * 1.1, n * 1.15), squeeze=False)
    for column, (t, batch) in enumerate(columns.items()):
        for row in range(n):
            axes[row, column].imshow(batch[row], cmap="binary", vmin=0, vmax=1)
            axes[row, column].axis("off")
        axes[0, column].set_title(f"t = {t}", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_forward_process(images, noisy_by_time, title=None):
    """Rows of images, one row per image, one column per time step: ``noisy_by_time`` maps t -> (n, 28, 28, 1)
    images in [-1, 1] (x_t); ``images`` are the clean ones (shown first, as t = 0)."""
    columns = {0: images, **noisy_by_time}
    _time_grid({t: to_image_range(batch) for t, batch in columns.items()}, len(images), title)


def plot_chain(states, n_images=6, title=None):
    """The reverse chain: one column per recorded time (from noise to image), one row per sample.

    ``states`` maps t -> (n, 28, 28) [0, 1] images, as :class:`ChainRecorder` keeps them."""
    _time_grid({t: _as_images(states[t]) for t in sorted(states, reverse=True)}, n_images, title)


def plot_sampler_rows(rows, n_images=10, title=None):
    """One row of [0, 1] samples per sampler: ``rows`` maps a label (e.g. "DDPM, 1000 steps, 41 s") to images."""
    fig, axes = plt.subplots(len(rows), n_images, figsize=(n_images * 1.1, len(rows) * 1.3), squeeze=False)
    for row, (label, images) in zip(axes, rows.items()):
        images = _as_images(images)
        for column, ax in enumerate(row):
            if column < len(images):
                ax.imshow(images[column], cmap="binary", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_fid_against_steps(records, title=None):
    """Domain FID (left) and sampling time (right) against the number of sampling steps.

    ``records``: a list of dicts with ``sampler`` ("DDIM" or "DDPM"), ``steps``, ``fid`` and ``seconds``."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    for sampler in sorted({record["sampler"] for record in records}):
        mine = sorted((r for r in records if r["sampler"] == sampler), key=lambda r: r["steps"])
        steps = [r["steps"] for r in mine]
        axes[0].plot(steps, [r["fid"] for r in mine], marker="o", label=sampler)
        axes[1].plot(steps, [r["seconds"] for r in mine], marker="o", label=sampler)
    for ax, label in zip(axes, ("domain FID (lower is better)", "seconds to sample")):
        ax.set_xscale("log")
        ax.set_xlabel("sampling steps (network calls)")
        ax.set_title(label)
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()
