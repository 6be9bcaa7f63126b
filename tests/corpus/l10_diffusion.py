"""Learner-style answers to lesson 10 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import math
import numpy as np
import keras
import tensorflow as tf
from keras import ops
"""

# ---------------------------------------------------------------------------------------------------------------
# the reference's shapes as learners write them; each wrong case below changes one thing

_SCHEDULE = """
def variance_schedule(T, s=0.008, max_beta=0.999):
    t = np.arange(T + 1)
    f = np.cos((t / T + s) / (1 + s) * np.pi / 2) ** 2
    alpha = np.clip(f[1:] / f[:-1], 1 - max_beta, 1)
    alpha = np.append(1, alpha).astype(np.float32)
    beta = 1 - alpha
    alpha_cumprod = np.cumprod(alpha)
    return alpha, alpha_cumprod, beta
"""

_FORWARD = """
def forward_diffusion(images, t, noise, alpha_cumprod):
    alpha_bar = ops.take(ops.convert_to_tensor(alpha_cumprod), t)
    alpha_bar = ops.reshape(alpha_bar, (-1, 1, 1, 1))
    return ops.sqrt(alpha_bar) * images + ops.sqrt(1 - alpha_bar) * noise
"""

_MODEL = _FORWARD + """
class DiffusionModel(keras.Model):
    def __init__(self, network, alpha_cumprod, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.network = network
        self.alpha_cumprod = np.asarray(alpha_cumprod, dtype="float32")
        self.T = len(self.alpha_cumprod) - 1
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, inputs, training=False):
        return self.network(inputs, training=training)

    def draw_t_and_noise(self, images):
        batch_size = ops.shape(images)[0]
        t = keras.random.randint((batch_size,), 1, self.T + 1, seed=self.seed_generator)
        noise = keras.random.normal(ops.shape(images), seed=self.seed_generator)
        return t, noise

    def noise_prediction_loss(self, images, t, noise):
        noisy = forward_diffusion(images, t, noise, self.alpha_cumprod)
        predicted = self.network([noisy, t], training=True)
        return ops.mean(ops.square(noise - predicted))

    def train_step(self, data):
        images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        t, noise = self.draw_t_and_noise(images)
        with tf.GradientTape() as tape:
            loss = self.noise_prediction_loss(images, t, noise)
        gradients = tape.gradient(loss, self.network.trainable_weights)
        self.optimizer.apply(gradients, self.network.trainable_weights)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}
"""

_DDPM_STEP = """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    mean = (x_t - beta[t] / (1 - alpha_cumprod[t]) ** 0.5 * predicted_noise) / alpha[t] ** 0.5
    return mean + beta[t] ** 0.5 * noise
"""

_DDPM_SAMPLE = _DDPM_STEP + """
def ddpm_sample(network, x_T, alpha, alpha_cumprod, beta, seed=None, callback=None):
    seed_generator = keras.random.SeedGenerator(seed)
    T = len(alpha) - 1
    x = ops.convert_to_tensor(x_T)
    batch_size = x.shape[0]
    for t in range(T, 0, -1):
        predicted = network([x, ops.full((batch_size,), t, dtype="int32")], training=False)
        if t > 1:
            noise = keras.random.normal(ops.shape(x), seed=seed_generator)
        else:
            noise = ops.zeros_like(x)
        x = ddpm_step(x, t, predicted, noise, alpha, alpha_cumprod, beta)
        if callback is not None:
            callback(t - 1, x)
    return x
"""

_DDIM_STEP = """
def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod):
    x0 = (x_t - (1 - alpha_cumprod[t]) ** 0.5 * predicted_noise) / alpha_cumprod[t] ** 0.5
    x0 = ops.clip(x0, -1.0, 1.0)
    return alpha_cumprod[t_prev] ** 0.5 * x0 + (1 - alpha_cumprod[t_prev]) ** 0.5 * predicted_noise
"""

_DDIM_SAMPLE = _DDIM_STEP + """
def ddim_sample(network, x_T, alpha_cumprod, num_steps, callback=None):
    T = len(alpha_cumprod) - 1
    times = np.linspace(T, 0, num_steps + 1).round().astype(int)
    x = ops.convert_to_tensor(x_T)
    for t, t_prev in zip(times[:-1], times[1:]):
        t_batch = ops.full((x.shape[0],), int(t), dtype="int32")
        predicted = network([x, t_batch], training=False)
        x = ddim_step(x, int(t), int(t_prev), predicted, alpha_cumprod)
        if callback is not None:
            callback(int(t_prev), x)
    return x
"""

_EMBEDDING = """
def sinusoidal_time_embedding(t, dim):
    half = dim // 2
    frequencies = ops.exp(-math.log(10000.0) * ops.arange(half, dtype="float32") / half)
    angles = ops.cast(ops.reshape(t, (-1, 1)), "float32") * frequencies[None, :]
    return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)
"""


def _t_drawn(expression):
    """The model with t drawn by ``expression`` instead of the lesson's keras.random.randint."""
    return _changed(_MODEL, "keras.random.randint((batch_size,), 1, self.T + 1, seed=self.seed_generator)",
                    expression)


def _changed(code, old, new):
    if old not in code:
        raise ValueError(f"corpus: {old!r} not found")
    return code.replace(old, new)


CASES = [
    # ---------------------------------------------------------------------------------------------------------
    # diffusion_schedule
    Case("diffusion_schedule", "right", "the book's code with tf", """
def variance_schedule(T, s=0.008, max_beta=0.999):
    t = np.arange(T + 1)
    f = np.cos((t / T + s) / (1 + s) * np.pi / 2) ** 2
    alpha = np.clip(f[1:] / f[:-1], 1 - max_beta, 1)
    alpha = np.append(1, alpha).astype(np.float32)  # add alpha_0 = 1
    beta = 1 - alpha
    alpha_cumprod = tf.math.cumprod(alpha).numpy()
    return alpha, alpha_cumprod, beta
"""),
    Case("diffusion_schedule", "right", "a Python loop with math.cos", """
def variance_schedule(T, s=0.008, max_beta=0.999):
    def f(t):
        return math.cos((t / T + s) / (1 + s) * math.pi / 2) ** 2
    alphas, products, betas = [1.0], [1.0], [0.0]
    for t in range(1, T + 1):
        a = min(max(f(t) / f(t - 1), 1 - max_beta), 1.0)
        alphas.append(a)
        betas.append(1 - a)
        products.append(products[-1] * a)
    return (np.array(alphas, dtype=np.float32), np.array(products, dtype=np.float32),
            np.array(betas, dtype=np.float32))
"""),
    Case("diffusion_schedule", "right", "keras.ops, alpha_bar as f(t) / f(0) then clipped steps", """
def variance_schedule(T, s=0.008, max_beta=0.999):
    steps = np.linspace(0, T, T + 1)
    f = np.square(np.cos(np.pi / 2 * (steps / T + s) / (1 + s)))
    ratios = np.maximum(f[1:] / f[:-1], 1 - max_beta)
    alpha = np.concatenate([[1.0], np.minimum(ratios, 1.0)]).astype("float32")
    alpha_cumprod = ops.convert_to_numpy(ops.cumprod(alpha))
    return alpha, alpha_cumprod, (1.0 - alpha).astype("float32")
"""),
    Case("diffusion_schedule", "wrong", "no alpha_0 = 1 (T entries)",
         _changed(_SCHEDULE, "    alpha = np.append(1, alpha).astype(np.float32)\n",
                  "    alpha = alpha.astype(np.float32)\n"), hint="T + 1 entries"),
    Case("diffusion_schedule", "wrong", "no clip",
         _changed(_SCHEDULE, "np.clip(f[1:] / f[:-1], 1 - max_beta, 1)", "f[1:] / f[:-1]"), hint="clip alpha"),
    Case("diffusion_schedule", "wrong", "alpha clipped to [max_beta, 1]",
         _changed(_SCHEDULE, "np.clip(f[1:] / f[:-1], 1 - max_beta, 1)", "np.clip(f[1:] / f[:-1], max_beta, 1)"),
         hint="alpha's floor is 1 - max_beta"),
    Case("diffusion_schedule", "wrong", "the cosine not squared",
         _changed(_SCHEDULE, "np.pi / 2) ** 2", "np.pi / 2)"), hint="square the cosine"),
    Case("diffusion_schedule", "wrong", "alpha_bar = alpha",
         _changed(_SCHEDULE, "np.cumprod(alpha)", "alpha.copy()"), hint="cumulative product"),
    Case("diffusion_schedule", "wrong", "a cumulative sum",
         _changed(_SCHEDULE, "np.cumprod(alpha)", "np.cumsum(alpha)"), hint="not a sum"),
    Case("diffusion_schedule", "wrong", "s written as 0.008 in the formula",
         _changed(_SCHEDULE, "(t / T + s) / (1 + s)", "(t / T + 0.008) / (1 + 0.008)"),
         hint="use the arguments s and max_beta"),
    Case("diffusion_schedule", "wrong", "max_beta fixed at 0.999",
         _changed(_SCHEDULE, "1 - max_beta, 1)", "1 - 0.999, 1)"), hint="clip alpha"),
    Case("diffusion_schedule", "wrong", "beta = 1 - alpha_bar",
         _changed(_SCHEDULE, "    beta = 1 - alpha\n    alpha_cumprod = np.cumprod(alpha)\n",
                  "    alpha_cumprod = np.cumprod(alpha)\n    beta = 1 - alpha_cumprod\n"),
         hint="beta_t = 1 - alpha_t"),

    # ---------------------------------------------------------------------------------------------------------
    # diffusion_forward
    Case("diffusion_forward", "right", "the book's tf.gather and reshape to the images' rank", """
def forward_diffusion(images, t, noise, alpha_cumprod):
    alpha_cm = tf.gather(alpha_cumprod, t)
    alpha_cm = tf.reshape(alpha_cm, [-1] + [1] * (len(images.shape) - 1))
    return alpha_cm ** 0.5 * images + (1 - alpha_cm) ** 0.5 * noise
"""),
    # right values, but fit compiles train_step into a graph, where NumPy cannot index with a symbolic t
    Case("diffusion_forward", "wrong", "NumPy fancy indexing and None axes", """
def forward_diffusion(images, t, noise, alpha_cumprod):
    a = np.asarray(alpha_cumprod)[np.asarray(t)][:, None, None, None]
    return np.sqrt(a) * images + np.sqrt(1 - a) * noise
""", hint="use keras.ops"),
    Case("diffusion_forward", "right", "np.newaxis on ops.take, t cast to int64", """
def forward_diffusion(images, t, noise, alpha_cumprod):
    a = ops.take(alpha_cumprod, ops.cast(t, "int64"))[:, np.newaxis, np.newaxis, np.newaxis]
    return ops.sqrt(a) * images + ops.sqrt(1.0 - a) * noise
"""),
    Case("diffusion_forward", "right", "signal and noise rates named as in keras-io", """
def forward_diffusion(images, t, noise, alpha_cumprod):
    alpha_bar = ops.expand_dims(ops.expand_dims(ops.expand_dims(ops.take(alpha_cumprod, t), -1), -1), -1)
    signal_rates = ops.sqrt(alpha_bar)
    noise_rates = ops.sqrt(1.0 - alpha_bar)
    return signal_rates * images + noise_rates * noise
"""),
    Case("diffusion_forward", "wrong", "no sqrt on alpha_bar",
         _changed(_FORWARD, "ops.sqrt(alpha_bar) * images", "alpha_bar * images"),
         hint="square root is missing on alpha_bar_t"),
    Case("diffusion_forward", "wrong", "no sqrt on 1 - alpha_bar",
         _changed(_FORWARD, "ops.sqrt(1 - alpha_bar) * noise", "(1 - alpha_bar) * noise"),
         hint="square root is missing on 1 - alpha_bar_t"),
    Case("diffusion_forward", "wrong", "t - 1",
         _changed(_FORWARD, "ops.convert_to_tensor(alpha_cumprod), t)", "ops.convert_to_tensor(alpha_cumprod), t - 1)"),
         hint="t is off by one"),
    Case("diffusion_forward", "wrong", "factors swapped",
         _changed(_FORWARD, "ops.sqrt(alpha_bar) * images + ops.sqrt(1 - alpha_bar) * noise",
                  "ops.sqrt(1 - alpha_bar) * images + ops.sqrt(alpha_bar) * noise"), hint="swapped"),
    Case("diffusion_forward", "wrong", "1 - sqrt(alpha_bar) for the noise",
         _changed(_FORWARD, "ops.sqrt(1 - alpha_bar) * noise", "(1 - ops.sqrt(alpha_bar)) * noise"),
         hint="not 1 - sqrt(alpha_bar_t)"),
    Case("diffusion_forward", "wrong", "one t for the whole batch", """
def forward_diffusion(images, t, noise, alpha_cumprod):
    alpha_bar = alpha_cumprod[int(t[0])]
    return np.sqrt(alpha_bar) * images + np.sqrt(1 - alpha_bar) * noise
""", hint="each image has its own t"),

    # ---------------------------------------------------------------------------------------------------------
    # diffusion_model
    Case("diffusion_model", "right", "self.trainable_weights, draws written with ops.shape", _changed(
        _changed(_MODEL, "gradients = tape.gradient(loss, self.network.trainable_weights)\n"
                         "        self.optimizer.apply(gradients, self.network.trainable_weights)",
                 "grads = tape.gradient(loss, self.trainable_weights)\n"
                 "        self.optimizer.apply(grads, self.trainable_weights)"),
        "return {\"loss\": self.loss_tracker.result()}", "return {m.name: m.result() for m in self.metrics}")),
    Case("diffusion_model", "right", "noise drawn before t, squared error with keras.losses", _changed(_changed(
        _MODEL,
        "        t = keras.random.randint((batch_size,), 1, self.T + 1, seed=self.seed_generator)\n"
        "        noise = keras.random.normal(ops.shape(images), seed=self.seed_generator)\n",
        "        noise = keras.random.normal(ops.shape(images), seed=self.seed_generator)\n"
        "        t = ops.cast(keras.random.uniform((batch_size,), 1, self.T + 1, seed=self.seed_generator),\n"
        "                     'int32')\n"),
        "return ops.mean(ops.square(noise - predicted))",
        "return ops.mean(keras.losses.mean_squared_error(ops.reshape(noise, (ops.shape(noise)[0], -1)),\n"
        "                                                 ops.reshape(predicted, (ops.shape(noise)[0], -1))))")),
    Case("diffusion_model", "right", "self(...) as the network, tf.reduce_mean", _changed(
        _MODEL, "        predicted = self.network([noisy, t], training=True)\n"
                "        return ops.mean(ops.square(noise - predicted))",
        "        predicted = self([noisy, t], training=True)\n"
        "        return tf.reduce_mean(tf.square(predicted - noise))")),
    Case("diffusion_model", "right", "the network called with a dict keyed by the U-Net's input names", _changed(
        _MODEL, "self.network([noisy, t], training=True)", 'self.network({"x_t": noisy, "t": t}, training=True)')),
    Case("diffusion_model", "wrong", "t drawn with the integer seed", _t_drawn(
        "keras.random.randint((batch_size,), 1, self.T + 1, seed=self.seed)").replace(
        "        self.seed_generator = keras.random.SeedGenerator(seed)",
        "        self.seed = seed\n        self.seed_generator = keras.random.SeedGenerator(seed)"),
        hint="draw the t with seed=self.seed_generator"),
    Case("diffusion_model", "wrong", "t unseeded", _t_drawn(
        "keras.random.randint((batch_size,), 1, self.T + 1)"), hint="unseeded draw cannot be repeated"),
    Case("diffusion_model", "wrong", "t by rounding a uniform number in [1, T]", _t_drawn(
        'ops.cast(ops.round(keras.random.uniform((batch_size,), 1, self.T, seed=self.seed_generator)), "int32")'),
        hint="half as often"),
    Case("diffusion_model", "wrong", "the loss averaged with NumPy", _changed(
        _MODEL, "return ops.mean(ops.square(noise - predicted))", "return np.mean(np.square(noise - predicted))"),
        hint="use keras.ops"),
    Case("diffusion_model", "wrong", "predicts the image",
         _changed(_MODEL, "ops.mean(ops.square(noise - predicted))", "ops.mean(ops.square(images - predicted))"),
         hint="predicts the noise, not the image"),
    Case("diffusion_model", "wrong", "t drawn in 0..T-1",
         _changed(_MODEL, "keras.random.randint((batch_size,), 1, self.T + 1,",
                  "keras.random.randint((batch_size,), 0, self.T,"), hint="t is off by one"),
    Case("diffusion_model", "wrong", "t drawn in 1..T-1",
         _changed(_MODEL, "keras.random.randint((batch_size,), 1, self.T + 1,",
                  "keras.random.randint((batch_size,), 1, self.T,"), hint="t is off by one"),
    Case("diffusion_model", "wrong", "the network sees the clean images",
         _changed(_MODEL, "self.network([noisy, t], training=True)", "self.network([images, t], training=True)"),
         hint="noisy images x_t"),
    Case("diffusion_model", "wrong", "summed squared error",
         _changed(_MODEL, "ops.mean(ops.square(noise - predicted))", "ops.sum(ops.square(noise - predicted))"),
         hint="do not sum it"),
    Case("diffusion_model", "wrong", "mean absolute error",
         _changed(_MODEL, "ops.mean(ops.square(noise - predicted))", "ops.mean(ops.abs(noise - predicted))"),
         hint="not the mean absolute error"),
    Case("diffusion_model", "wrong", "no training=True",
         _changed(_MODEL, "self.network([noisy, t], training=True)", "self.network([noisy, t])"),
         hint="training=True"),
    Case("diffusion_model", "wrong", "an integer seed: the same draws every call",
         _changed(_MODEL, "keras.random.normal(ops.shape(images), seed=self.seed_generator)",
                  "keras.random.normal(ops.shape(images), seed=42)"), hint="an integer seed makes keras.random"),
    Case("diffusion_model", "wrong", "train_step draws its own t and noise", _changed(
        _MODEL, "        t, noise = self.draw_t_and_noise(images)\n        with",
        "        t = keras.random.randint((ops.shape(images)[0],), 1, self.T + 1, seed=self.seed_generator)\n"
        "        noise = keras.random.normal(ops.shape(images), seed=self.seed_generator)\n        with"),
        hint="self.draw_t_and_noise(images)"),
    Case("diffusion_model", "wrong", "returns the batch loss, not the tracker's mean",
         _changed(_MODEL, "return {\"loss\": self.loss_tracker.result()}", "return {\"loss\": loss}"),
         hint="running mean"),
    Case("diffusion_model", "wrong", "the same t for every image",
         _changed(_MODEL, "keras.random.randint((batch_size,), 1, self.T + 1, seed=self.seed_generator)",
                  "ops.repeat(keras.random.randint((1,), 1, self.T + 1, seed=self.seed_generator), batch_size)"),
         hint="one t per image"),

    # ---------------------------------------------------------------------------------------------------------
    # ddpm_step
    Case("ddpm_step", "right", "the book's form with 1 - alpha for beta", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    return (1 / alpha[t] ** 0.5 * (x_t - beta[t] / (1 - alpha_cumprod[t]) ** 0.5 * predicted_noise)
            + (1 - alpha[t]) ** 0.5 * noise)
"""),
    Case("ddpm_step", "right", "ops and named coefficients", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    noise_coefficient = beta[t] / ops.sqrt(1.0 - alpha_cumprod[t])
    mean = (x_t - noise_coefficient * predicted_noise) / ops.sqrt(alpha[t])
    sigma = ops.sqrt(beta[t])
    return mean + sigma * noise
"""),
    Case("ddpm_step", "right", "np.sqrt with float() of each value", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    a, a_bar, b = float(alpha[t]), float(alpha_cumprod[t]), float(beta[t])
    return np.sqrt(1 / a) * (np.asarray(x_t) - b / np.sqrt(1 - a_bar) * np.asarray(predicted_noise)) \\
        + np.sqrt(b) * np.asarray(noise)
"""),
    Case("ddpm_step", "right", "the step itself drops the noise at t = 1", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    mean = (x_t - beta[t] / np.sqrt(1 - alpha_cumprod[t]) * predicted_noise) / np.sqrt(alpha[t])
    if t == 1:
        return mean
    return mean + np.sqrt(beta[t]) * noise
"""),
    Case("ddpm_step", "wrong", "NumPy in place: x_t -= ...", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    x = np.asarray(x_t)
    x -= beta[t] / np.sqrt(1 - alpha_cumprod[t]) * np.asarray(predicted_noise)
    x /= np.sqrt(alpha[t])
    x += np.sqrt(beta[t]) * np.asarray(noise)
    return x
""", hint="in place"),
    Case("ddpm_step", "wrong", "variance beta instead of std",
         _changed(_DDPM_STEP, "beta[t] ** 0.5 * noise", "beta[t] * noise"), hint="standard deviation sqrt(beta_t)"),
    Case("ddpm_step", "wrong", "no fresh noise",
         _changed(_DDPM_STEP, "return mean + beta[t] ** 0.5 * noise", "return mean"), hint="adds fresh noise"),
    Case("ddpm_step", "wrong", "t - 1 everywhere", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    t = t - 1
    mean = (x_t - beta[t] / (1 - alpha_cumprod[t]) ** 0.5 * predicted_noise) / alpha[t] ** 0.5
    return mean + beta[t] ** 0.5 * noise
""", hint="t is off by one"),
    Case("ddpm_step", "wrong", "no sqrt on 1 - alpha_bar",
         _changed(_DDPM_STEP, "(1 - alpha_cumprod[t]) ** 0.5", "(1 - alpha_cumprod[t])"),
         hint="the square root is missing"),
    Case("ddpm_step", "wrong", "divides by alpha_t",
         _changed(_DDPM_STEP, "/ alpha[t] ** 0.5", "/ alpha[t]"), hint="not by alpha_t"),
    Case("ddpm_step", "wrong", "sqrt(alpha_bar) instead of sqrt(alpha)",
         _changed(_DDPM_STEP, "/ alpha[t] ** 0.5", "/ alpha_cumprod[t] ** 0.5"), hint="not by sqrt(alpha_bar_t)"),
    Case("ddpm_step", "wrong", "alpha instead of alpha_bar under the root",
         _changed(_DDPM_STEP, "(1 - alpha_cumprod[t]) ** 0.5", "(1 - alpha[t]) ** 0.5"), hint="cumulative alpha_bar_t"),
    Case("ddpm_step", "wrong", "adds the predicted noise",
         _changed(_DDPM_STEP, "(x_t - beta[t]", "(x_t + beta[t]"), hint="subtract the predicted noise"),

    # ---------------------------------------------------------------------------------------------------------
    # ddpm_sample
    Case("ddpm_sample", "right", "the book's loop with tf", _DDPM_STEP + """
def ddpm_sample(network, x_T, alpha, alpha_cumprod, beta, seed=None, callback=None):
    generator = keras.random.SeedGenerator(seed)
    X = tf.convert_to_tensor(x_T)
    T = len(alpha) - 1
    for t in range(T, 0, -1):
        noise = keras.random.normal(tf.shape(X), seed=generator) if t > 1 else tf.zeros(tf.shape(X))
        X_noise = network([X, tf.constant([t] * X.shape[0])], training=False)
        X = ddpm_step(X, t, X_noise, noise, alpha, alpha_cumprod, beta)
        if callback:
            callback(t - 1, X)
    return X
"""),
    Case("ddpm_sample", "right", "a while loop, noise scaled by (t > 1)", _DDPM_STEP + """
def ddpm_sample(network, x_T, alpha, alpha_cumprod, beta, seed=None, callback=None):
    rng = keras.random.SeedGenerator(seed=seed)
    x = x_T
    t = len(beta) - 1
    while t >= 1:
        t_batch = np.full((len(x_T),), t, dtype=np.int32)
        eps = network([x, t_batch], training=False)
        z = keras.random.normal(ops.shape(x), seed=rng) * float(t > 1)
        x = ddpm_step(x, t, eps, z, alpha, alpha_cumprod, beta)
        t -= 1
        if callback is not None:
            callback(t, x)
    return x
"""),
    Case("ddpm_sample", "right", "reversed(range), network.predict_on_batch", _DDPM_STEP + """
def ddpm_sample(network, x_T, alpha, alpha_cumprod, beta, seed=None, callback=None):
    sg = keras.random.SeedGenerator(seed)
    x = ops.convert_to_tensor(x_T, dtype="float32")
    n = ops.shape(x)[0]
    for t in reversed(range(1, len(alpha))):
        predicted = network([x, ops.ones((n,), dtype="int32") * t], training=False)
        noise = ops.zeros_like(x) if t == 1 else keras.random.normal(ops.shape(x), seed=sg)
        x = ddpm_step(x, t, predicted, noise, alpha, alpha_cumprod, beta)
        if callback is not None:
            callback(t - 1, x)
    return x
"""),
    Case("ddpm_sample", "right", "the step called through an alias", _changed(_changed(
        _DDPM_SAMPLE, "def ddpm_sample(", "take_step = ddpm_step\n\n\ndef ddpm_sample("),
        "x = ddpm_step(x, t, predicted,", "x = take_step(x, t, predicted,")),
    Case("ddpm_sample", "right", "the network call compiled with tf.function", _changed(_changed(
        _DDPM_SAMPLE, "    T = len(alpha) - 1\n",
        "    T = len(alpha) - 1\n    predict = tf.function(lambda x_, t_: network([x_, t_], training=False))\n"),
        "predicted = network([x, ops.full((batch_size,), t, dtype=\"int32\")], training=False)",
        "predicted = predict(x, ops.full((batch_size,), t, dtype=\"int32\"))")),
    Case("ddpm_sample", "wrong", "a SeedGenerator made inside the loop", _changed(_changed(
        _DDPM_SAMPLE, "    seed_generator = keras.random.SeedGenerator(seed)\n", ""),
        "seed=seed_generator)", "seed=keras.random.SeedGenerator(seed))"), hint="repeats the same draw"),
    Case("ddpm_sample", "wrong", "the integer seed at every step", _changed(
        _DDPM_SAMPLE, "seed=seed_generator)", "seed=seed)"), hint="new noise at every step"),
    Case("ddpm_sample", "wrong", "t from T - 1 to 0",
         _changed(_DDPM_SAMPLE, "for t in range(T, 0, -1):", "for t in range(T - 1, -1, -1):"),
         hint="t is off by one"),
    Case("ddpm_sample", "wrong", "noise at the last step too", _changed(
        _DDPM_SAMPLE, "        if t > 1:\n            noise = keras.random.normal(ops.shape(x), seed=seed_generator)\n"
                      "        else:\n            noise = ops.zeros_like(x)\n",
        "        noise = keras.random.normal(ops.shape(x), seed=seed_generator)\n"), hint="last step adds no noise"),
    Case("ddpm_sample", "wrong", "an unseeded draw", _changed(
        _DDPM_SAMPLE, "keras.random.normal(ops.shape(x), seed=seed_generator)", "tf.random.normal(ops.shape(x))"),
        hint="keras.random.SeedGenerator(seed)"),
    Case("ddpm_sample", "wrong", "the formula inlined, not ddpm_step", _changed(
        _DDPM_SAMPLE, "        x = ddpm_step(x, t, predicted, noise, alpha, alpha_cumprod, beta)\n",
        "        x = (x - beta[t] / (1 - alpha_cumprod[t]) ** 0.5 * predicted) / alpha[t] ** 0.5 "
        "+ beta[t] ** 0.5 * noise\n"), hint="take each step with your ddpm_step"),
    Case("ddpm_sample", "wrong", "training=True while sampling",
         _changed(_DDPM_SAMPLE, "dtype=\"int32\")], training=False)", "dtype=\"int32\")], training=True)"),
         hint="training=False"),
    Case("ddpm_sample", "wrong", "the network is told t - 1",
         _changed(_DDPM_SAMPLE, "ops.full((batch_size,), t, dtype=\"int32\")",
                  "ops.full((batch_size,), t - 1, dtype=\"int32\")"), hint="call the network with the current t"),
    Case("ddpm_sample", "wrong", "forward in time",
         _changed(_DDPM_SAMPLE, "for t in range(T, 0, -1):", "for t in range(1, T + 1):"), hint="backwards in time"),
    Case("ddpm_sample", "wrong", "uniform noise", _changed(
        _DDPM_SAMPLE, "keras.random.normal(ops.shape(x), seed=seed_generator)",
        "keras.random.uniform(ops.shape(x), -1, 1, seed=seed_generator)"), hint="standard normal noise"),

    # ---------------------------------------------------------------------------------------------------------
    # ddim_step
    Case("ddim_step", "right", "keras-io's signal and noise rates", """
def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod):
    signal_rate, noise_rate = math.sqrt(alpha_cumprod[t]), math.sqrt(1 - alpha_cumprod[t])
    pred_images = ops.clip((x_t - noise_rate * predicted_noise) / signal_rate, -1, 1)
    next_signal, next_noise = math.sqrt(alpha_cumprod[t_prev]), math.sqrt(1 - alpha_cumprod[t_prev])
    return next_signal * pred_images + next_noise * predicted_noise
"""),
    Case("ddim_step", "right", "NumPy with np.clip", """
def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod):
    a_t, a_prev = alpha_cumprod[t], alpha_cumprod[t_prev]
    x0 = np.clip((np.asarray(x_t) - np.sqrt(1 - a_t) * np.asarray(predicted_noise)) / np.sqrt(a_t), -1, 1)
    return np.sqrt(a_prev) * x0 + np.sqrt(1 - a_prev) * np.asarray(predicted_noise)
"""),
    Case("ddim_step", "right", "tf.clip_by_value, direction term written apart", """
def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod):
    alpha_bar = tf.constant(alpha_cumprod)
    x0 = (x_t - tf.sqrt(1 - alpha_bar[t]) * predicted_noise) / tf.sqrt(alpha_bar[t])
    x0 = tf.clip_by_value(x0, -1.0, 1.0)
    direction = tf.sqrt(1 - alpha_bar[t_prev]) * predicted_noise
    return tf.sqrt(alpha_bar[t_prev]) * x0 + direction
"""),
    Case("ddim_step", "wrong", "the noise re-derived from the clipped x_0", _changed(
        _DDIM_STEP, "    return alpha_cumprod[t_prev] ** 0.5 * x0 + (1 - alpha_cumprod[t_prev]) ** 0.5 * predicted_noise",
        "    eps = (x_t - alpha_cumprod[t] ** 0.5 * x0) / (1 - alpha_cumprod[t]) ** 0.5\n"
        "    return alpha_cumprod[t_prev] ** 0.5 * x0 + (1 - alpha_cumprod[t_prev]) ** 0.5 * eps"),
        hint="same predicted noise"),
    Case("ddim_step", "wrong", "alpha_bar[t - 1] instead of alpha_bar[t_prev]",
         _changed(_DDIM_STEP, "return alpha_cumprod[t_prev] ** 0.5 * x0 + (1 - alpha_cumprod[t_prev]) ** 0.5",
                  "return alpha_cumprod[t - 1] ** 0.5 * x0 + (1 - alpha_cumprod[t - 1]) ** 0.5"),
         hint="wrong alpha_bar index"),
    Case("ddim_step", "wrong", "no clip",
         _changed(_DDIM_STEP, "    x0 = ops.clip(x0, -1.0, 1.0)\n", ""), hint="clip the predicted x_0"),
    Case("ddim_step", "wrong", "no square roots", """
def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod):
    x0 = ops.clip((x_t - (1 - alpha_cumprod[t]) * predicted_noise) / alpha_cumprod[t], -1.0, 1.0)
    return alpha_cumprod[t_prev] * x0 + (1 - alpha_cumprod[t_prev]) * predicted_noise
""", hint="square roots are missing"),
    Case("ddim_step", "wrong", "t and t_prev swapped", """
def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod):
    t, t_prev = t_prev, t
    x0 = (x_t - (1 - alpha_cumprod[t]) ** 0.5 * predicted_noise) / alpha_cumprod[t] ** 0.5
    x0 = ops.clip(x0, -1.0, 1.0)
    return alpha_cumprod[t_prev] ** 0.5 * x0 + (1 - alpha_cumprod[t_prev]) ** 0.5 * predicted_noise
""", hint="swapped"),
    Case("ddim_step", "wrong", "x_t instead of the predicted noise in the new noise term",
         _changed(_DDIM_STEP, "(1 - alpha_cumprod[t_prev]) ** 0.5 * predicted_noise",
                  "(1 - alpha_cumprod[t_prev]) ** 0.5 * x_t"), hint="the same predicted noise"),
    Case("ddim_step", "wrong", "t - 1 for the current level", """
def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod):
    x0 = (x_t - (1 - alpha_cumprod[t - 1]) ** 0.5 * predicted_noise) / alpha_cumprod[t - 1] ** 0.5
    x0 = ops.clip(x0, -1.0, 1.0)
    return alpha_cumprod[t_prev] ** 0.5 * x0 + (1 - alpha_cumprod[t_prev]) ** 0.5 * predicted_noise
""", hint="t is off by one"),

    # ---------------------------------------------------------------------------------------------------------
    # ddim_sample
    Case("ddim_sample", "wrong", "range with a stride: misses t = 0 when num_steps does not divide T", _DDIM_STEP + """
def ddim_sample(network, x_T, alpha_cumprod, num_steps, callback=None):
    T = len(alpha_cumprod) - 1
    stride = T // num_steps
    times = list(range(T, 0, -stride)) + [0]
    x = x_T
    for i in range(num_steps):
        t, t_prev = times[i], times[i + 1]
        eps = network([x, np.full((len(x_T),), t, dtype=np.int32)], training=False)
        x = ddim_step(x, t, t_prev, eps, alpha_cumprod)
        if callback is not None:
            callback(t_prev, x)
    return x
""", hint="round the times"),
    Case("ddim_sample", "right", "a while loop over np.linspace", _DDIM_STEP + """
def ddim_sample(network, x_T, alpha_cumprod, num_steps, callback=None):
    T = len(alpha_cumprod) - 1
    times = [int(round(v)) for v in np.linspace(T, 0, num_steps + 1)]
    x, i = ops.convert_to_tensor(x_T), 0
    while i < num_steps:
        t_batch = ops.full((ops.shape(x)[0],), times[i], dtype="int32")
        x = ddim_step(x, times[i], times[i + 1], network([x, t_batch], training=False), alpha_cumprod)
        i += 1
        if callback:
            callback(times[i], x)
    return x
"""),
    Case("ddim_sample", "wrong", "times from np.arange: T - T % num_steps, not T, first", _DDIM_STEP + """
def ddim_sample(network, x_T, alpha_cumprod, num_steps, callback=None):
    T = len(alpha_cumprod) - 1
    times = np.arange(num_steps, -1, -1) * (T // num_steps)
    x = tf.convert_to_tensor(x_T)
    for t, t_prev in zip(times[:-1], times[1:]):
        predicted = network([x, tf.fill([x.shape[0]], int(t))], training=False)
        x = ddim_step(x, int(t), int(t_prev), predicted, alpha_cumprod)
        if callback is not None:
            callback(int(t_prev), x)
    return x
""", hint="round the times"),
    Case("ddim_sample", "wrong", "the times left as floats", _changed(_changed(
        _DDIM_SAMPLE, ".round().astype(int)", ""), "ddim_step(x, int(t), int(t_prev),", "ddim_step(x, t, t_prev,"),
        hint="round the times to integers"),
    Case("ddim_sample", "wrong", "the last jump to 0 is missing", _changed(
        _DDIM_SAMPLE, "times = np.linspace(T, 0, num_steps + 1).round().astype(int)",
        "times = np.linspace(T, 0, num_steps + 1).round().astype(int)[:-1]"), hint="the last jump is missing"),
    Case("ddim_sample", "wrong", "starts at T - 1", _changed(
        _DDIM_SAMPLE, "times = np.linspace(T, 0, num_steps + 1).round().astype(int)",
        "times = np.linspace(T - 1, 0, num_steps + 1).round().astype(int)"), hint="starts at t = T"),
    Case("ddim_sample", "wrong", "num_steps + 1 jumps", _changed(
        _DDIM_SAMPLE, "times = np.linspace(T, 0, num_steps + 1).round().astype(int)",
        "times = np.linspace(T, 0, num_steps + 2).round().astype(int)"), hint="num_steps jumps"),
    Case("ddim_sample", "wrong", "the network is told t_prev", _changed(
        _DDIM_SAMPLE, "t_batch = ops.full((x.shape[0],), int(t), dtype=\"int32\")",
        "t_batch = ops.full((x.shape[0],), int(t_prev), dtype=\"int32\")"), hint="at the current t"),
    Case("ddim_sample", "wrong", "predicted noise from x_T every step", _changed(
        _DDIM_SAMPLE, "predicted = network([x, t_batch], training=False)",
        "predicted = network([ops.convert_to_tensor(x_T), t_batch], training=False)"),
        hint="predict the noise of the current x"),
    Case("ddim_sample", "wrong", "the formula inlined", _changed(
        _DDIM_SAMPLE, "        x = ddim_step(x, int(t), int(t_prev), predicted, alpha_cumprod)\n",
        "        x0 = ops.clip((x - (1 - alpha_cumprod[t]) ** 0.5 * predicted) / alpha_cumprod[t] ** 0.5, -1, 1)\n"
        "        x = alpha_cumprod[t_prev] ** 0.5 * x0 + (1 - alpha_cumprod[t_prev]) ** 0.5 * predicted\n"),
        hint="take each step with your ddim_step"),
    Case("ddim_sample", "wrong", "callback told t, not t_prev", _changed(
        _DDIM_SAMPLE, "callback(int(t_prev), x)", "callback(int(t), x)"), hint="callback(t_prev, x)"),

    # ---------------------------------------------------------------------------------------------------------
    # time_embedding
    Case("time_embedding", "wrong", "NumPy: right values, but the U-Net calls it compiled, in fit and sampling", """
def sinusoidal_time_embedding(t, dim):
    half = dim // 2
    w = 10000.0 ** (-np.arange(half) / half)
    angles = np.asarray(t, dtype=np.float32)[:, None] * w[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=-1).astype(np.float32)
""", hint="compiled as a graph"),
    Case("time_embedding", "right", "tf with an outer product", """
def sinusoidal_time_embedding(t, dim):
    half = dim // 2
    frequencies = tf.exp(tf.range(half, dtype=tf.float32) * (-tf.math.log(10000.0) / half))
    angles = tf.tensordot(tf.cast(t, tf.float32), frequencies, axes=0)
    return tf.concat([tf.sin(angles), tf.cos(angles)], axis=1)
"""),
    Case("time_embedding", "right", "ops.power and expand_dims", """
def sinusoidal_time_embedding(t, dim):
    i = ops.arange(dim // 2, dtype="float32")
    w = ops.power(10000.0, -i / (dim // 2))
    angles = ops.expand_dims(ops.cast(t, "float32"), 1) * ops.expand_dims(w, 0)
    return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=1)
"""),
    Case("time_embedding", "wrong", "cos first",
         _changed(_EMBEDDING, "[ops.sin(angles), ops.cos(angles)]", "[ops.cos(angles), ops.sin(angles)]"),
         hint="sines first"),
    Case("time_embedding", "wrong", "interleaved", """
def sinusoidal_time_embedding(t, dim):
    half = dim // 2
    frequencies = ops.exp(-math.log(10000.0) * ops.arange(half, dtype="float32") / half)
    angles = ops.cast(ops.reshape(t, (-1, 1)), "float32") * frequencies[None, :]
    return ops.reshape(ops.stack([ops.sin(angles), ops.cos(angles)], axis=-1), (-1, dim))
""", hint="not interleaved"),
    Case("time_embedding", "wrong", "does not use t", """
def sinusoidal_time_embedding(t, dim):
    half = dim // 2
    frequencies = ops.exp(-math.log(10000.0) * ops.arange(half, dtype="float32") / half)
    angles = ops.ones((ops.shape(t)[0], 1)) * frequencies[None, :]
    return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)
""", hint="does not vary with t"),
    Case("time_embedding", "wrong", "half - 1 in the exponent",
         _changed(_EMBEDDING, "ops.arange(half, dtype=\"float32\") / half)",
                  "ops.arange(half, dtype=\"float32\") / (half - 1))"), hint="exponent's denominator"),
    Case("time_embedding", "wrong", "base 1000",
         _changed(_EMBEDDING, "math.log(10000.0)", "math.log(1000.0)"), hint="check the base"),
    Case("time_embedding", "wrong", "dim sines and dim cosines",
         _changed(_EMBEDDING, "    half = dim // 2\n", "    half = dim\n"), hint="one row of dim values"),

    # found by a red-team batch (2026-12-07)
    Case("ddim_sample", "wrong", "times truncated (astype(int)) instead of rounded", _changed(
        _DDIM_SAMPLE, ".round().astype(int)", ".astype(int)"), hint="round the times"),
    Case("ddim_step", "right", "a general DDIM step with eta=0.0 (NaN only for t_prev > t)", """
def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod, eta=0.0):
    a, ap = alpha_cumprod[t], alpha_cumprod[t_prev]
    x0 = ops.clip((x_t - np.sqrt(1 - a) * predicted_noise) / np.sqrt(a), -1, 1)
    sigma = eta * np.sqrt((1 - ap) / (1 - a) * (1 - a / ap))
    return np.sqrt(ap) * x0 + np.sqrt(1 - ap - sigma ** 2) * predicted_noise
"""),
    Case("ddim_step", "right", "asserts its contract, 0 <= t_prev < t", _changed(
        _DDIM_STEP, "    x0 = (x_t", "    assert 0 <= t_prev < t, 'DDIM goes back in time'\n    x0 = (x_t")),
    Case("ddpm_sample", "wrong", "the callback gets the x from before the step", _changed(
        _DDPM_SAMPLE, """        x = ddpm_step(x, t, predicted, noise, alpha, alpha_cumprod, beta)
        if callback is not None:
            callback(t - 1, x)""", """        if callback is not None:
            callback(t - 1, x)
        x = ddpm_step(x, t, predicted, noise, alpha, alpha_cumprod, beta)"""), hint="the x passed to callback"),
    Case("ddim_sample", "wrong", "the callback always gets x_T", _changed(
        _DDIM_SAMPLE, "callback(int(t_prev), x)", "callback(int(t_prev), x_T)"), hint="the x passed to callback"),
    Case("ddpm_sample", "wrong", "one noise value per image (shape (batch, 1, 1, 1))", _changed(
        _DDPM_SAMPLE, "keras.random.normal(ops.shape(x), seed=seed_generator)",
        "keras.random.normal((batch_size, 1, 1, 1), seed=seed_generator)"), hint="shape of the noise"),
    Case("ddpm_sample", "wrong", "one image's noise shared by the batch", _changed(
        _DDPM_SAMPLE, "keras.random.normal(ops.shape(x), seed=seed_generator)",
        "keras.random.normal(ops.shape(x)[1:], seed=seed_generator)"), hint="shape of the noise"),
    Case("ddpm_sample", "right", "a plain 0 as the last step's noise", _changed(
        _DDPM_SAMPLE, "noise = ops.zeros_like(x)", "noise = 0.0")),
    Case("time_embedding", "wrong", "t never cast to float", """
def sinusoidal_time_embedding(t, dim):
    half = dim // 2
    w = 10000.0 ** (-np.arange(half) / half)
    a = ops.expand_dims(t, -1) * w
    return ops.concatenate([ops.sin(a), ops.cos(a)], axis=-1)
""", hint="cast t to float32"),
    Case("diffusion_schedule", "wrong", "returns Keras tensors", """
def variance_schedule(T, s=0.008, max_beta=0.999):
    t = ops.arange(T + 1, dtype="float32")
    f = ops.cos((t / T + s) / (1 + s) * math.pi / 2) ** 2
    alpha = ops.clip(f[1:] / f[:-1], 1 - max_beta, 1)
    alpha = ops.concatenate([ops.ones((1,)), alpha])
    return alpha, ops.cumprod(alpha), 1 - alpha
""", hint="not lists or tensors"),
    Case("diffusion_forward", "wrong", "alpha_bar reshaped to (batch, 1, 1)", _changed(
        _FORWARD, "(-1, 1, 1, 1)", "(-1, 1, 1)"), hint="reshape alpha_bar_t to (batch, 1, 1, 1)"),
    Case("diffusion_model", "right", "the model right, beside a forward_diffusion off by one (exercise 2's mistake)",
         _changed(_MODEL, "ops.take(ops.convert_to_tensor(alpha_cumprod), t)",
                  "ops.take(ops.convert_to_tensor(alpha_cumprod), t - 1)")),
    Case("diffusion_model", "wrong", "forward_diffusion called with t - 1 in the loss", _changed(
        _MODEL, "forward_diffusion(images, t, noise, self.alpha_cumprod)",
        "forward_diffusion(images, t - 1, noise, self.alpha_cumprod)"), hint="t is off by one where x_t is made"),
    Case("ddpm_step", "wrong", "the noise added inside the division by sqrt(alpha_t)", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    return (x_t - beta[t] / np.sqrt(1 - alpha_cumprod[t]) * predicted_noise + np.sqrt(beta[t]) * noise) / np.sqrt(alpha[t])
""", hint="outside the parentheses"),
    Case("ddpm_step", "wrong", "x_0 clipped (Ho et al.'s code, not the lesson's step)", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    ab, ab_prev = alpha_cumprod[t], alpha_cumprod[t - 1]
    x0 = ops.clip((x_t - np.sqrt(1 - ab) * predicted_noise) / np.sqrt(ab), -1, 1)
    c0 = np.sqrt(ab_prev) * beta[t] / (1 - ab)
    ct = np.sqrt(alpha[t]) * (1 - ab_prev) / (1 - ab)
    return c0 * x0 + ct * x_t + np.sqrt(beta[t]) * noise
""", hint="do not clip x_0"),

    Case("ddim_sample", "right", "times from np.rint of T - k T / num_steps", _DDIM_STEP + """
def ddim_sample(network, x_T, alpha_cumprod, num_steps, callback=None):
    T = len(alpha_cumprod) - 1
    times = [int(np.rint(T - k * T / num_steps)) for k in range(num_steps + 1)]
    x = x_T
    for k in range(num_steps):
        t, t_prev = times[k], times[k + 1]
        eps = network([x, np.full((x.shape[0],), t, dtype="int32")], training=False)
        x = ddim_step(x, t, t_prev, eps, alpha_cumprod)
        if callback is not None:
            callback(t_prev, x)
    return x
"""),
    Case("ddim_sample", "right", "times rounded with keras.ops", _DDIM_STEP + """
def ddim_sample(network, x_T, alpha_cumprod, num_steps, callback=None):
    T = len(alpha_cumprod) - 1
    times = ops.convert_to_numpy(ops.round(ops.linspace(float(T), 0.0, num_steps + 1))).astype("int64")
    x = ops.convert_to_tensor(x_T)
    for i in range(num_steps):
        t, t_prev = int(times[i]), int(times[i + 1])
        x = ddim_step(x, t, t_prev, network([x, ops.full((ops.shape(x)[0],), t, "int32")], training=False),
                      alpha_cumprod)
        if callback:
            callback(t_prev, x)
    return x
"""),
    Case("time_embedding", "right", "ops.power and expand_dims", """
def sinusoidal_time_embedding(t, dim):
    half = dim // 2
    i = ops.arange(half, dtype="float32")
    w = ops.power(10000.0, -i / half)
    angles = ops.expand_dims(ops.cast(t, "float32"), 1) * ops.expand_dims(w, 0)
    return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=1)
"""),

    # ---------------------------------------------------------------------------------------------------------
    # red-team cases

    Case("diffusion_schedule", "wrong", "returns (alpha, beta, alpha_cumprod): the last two swapped",
         _changed(_SCHEDULE, "return alpha, alpha_cumprod, beta", "return alpha, beta, alpha_cumprod"),
         hint="return alpha, alpha_cumprod, beta"),
    Case("diffusion_schedule", "right", "beta clipped to max_beta instead of alpha to 1 - max_beta", """
def variance_schedule(T, s=0.008, max_beta=0.999):
    t = np.arange(T + 1, dtype=np.float64)
    f = np.cos((t / T + s) / (1 + s) * np.pi / 2) ** 2
    beta = np.minimum(1 - f[1:] / f[:-1], max_beta)
    beta = np.concatenate([[0.0], beta]).astype(np.float32)
    alpha = (1 - beta).astype(np.float32)
    return alpha, np.cumprod(alpha).astype(np.float32), beta
"""),
    Case("diffusion_schedule", "right", "float64 computation cast at the end, cumprod of alpha_1..T, 1 prepended",
         """
def variance_schedule(T, s=0.008, max_beta=0.999):
    t = np.arange(T + 1)
    f = np.cos((t / T + s) / (1 + s) * np.pi / 2) ** 2
    a = np.clip(f[1:] / f[:-1], 1 - max_beta, 1)
    alpha = np.concatenate([[1.0], a])
    alpha_cumprod = np.concatenate([[1.0], np.cumprod(a)])
    return alpha.astype("float32"), alpha_cumprod.astype("float32"), (1 - alpha).astype("float32")
"""),

    # ---- red team: diffusion_forward
    Case("diffusion_forward", "wrong", "x_t clipped to the images' range [-1, 1]", _changed(
        _FORWARD, "    return ops.sqrt(alpha_bar) * images + ops.sqrt(1 - alpha_bar) * noise",
        "    return ops.clip(ops.sqrt(alpha_bar) * images + ops.sqrt(1 - alpha_bar) * noise, -1.0, 1.0)"),
        hint="do not clip x_t"),
    Case("diffusion_forward", "wrong", "square root over the product (sqrt(alpha_bar * images))", _changed(
        _FORWARD, "ops.sqrt(alpha_bar) * images + ops.sqrt(1 - alpha_bar) * noise",
        "ops.sqrt(alpha_bar * images) + ops.sqrt((1 - alpha_bar) * noise)"),
        hint="square root is taken of alpha_bar_t alone"),
    Case("diffusion_forward", "right", "reshape with the static batch size images.shape[0], sqrt taken first", """
def forward_diffusion(images, t, noise, alpha_cumprod):
    signal = ops.take(ops.sqrt(ops.convert_to_tensor(alpha_cumprod, "float32")), t)
    noise_level = ops.take(ops.sqrt(1.0 - ops.convert_to_tensor(alpha_cumprod, "float32")), t)
    signal = ops.reshape(signal, (images.shape[0], 1, 1, 1))
    noise_level = ops.reshape(noise_level, (images.shape[0], 1, 1, 1))
    return signal * images + noise_level * noise
"""),
    Case("diffusion_forward", "wrong", "alpha_bar not reshaped: (batch,) broadcast against the channel axis",
         _changed(_FORWARD, "    alpha_bar = ops.reshape(alpha_bar, (-1, 1, 1, 1))\n", ""),
         hint="reshape alpha_bar_t to (batch, 1, 1, 1)"),

    # ---- red team: diffusion_model
    Case("diffusion_model", "right", "t as the floor of a uniform float in [1, T + 1)", _t_drawn(
        'ops.cast(ops.floor(keras.random.uniform((batch_size,), 1.0, self.T + 1.0, seed=self.seed_generator)), '
        '"int32")')),
    Case("diffusion_model", "right", "apply_gradients(zip(...)) and images.shape for the draws",
         _changed(_changed(_changed(
        _MODEL, "batch_size = ops.shape(images)[0]", "batch_size = images.shape[0]"),
        "keras.random.normal(ops.shape(images), seed=self.seed_generator)",
        "keras.random.normal(images.shape, seed=self.seed_generator)"),
        "self.optimizer.apply(gradients, self.network.trainable_weights)",
        "self.optimizer.apply_gradients(zip(gradients, self.network.trainable_weights))")),

    # ---- red team: ddpm_step
    Case("ddpm_step", "wrong", "posterior variance beta_tilde instead of beta_t", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    mean = (x_t - beta[t] / np.sqrt(1 - alpha_cumprod[t]) * predicted_noise) / np.sqrt(alpha[t])
    variance = beta[t] * (1 - alpha_cumprod[t - 1]) / (1 - alpha_cumprod[t])
    return mean + np.sqrt(variance) * noise
""", hint="the variance of the reverse step is beta_t"),
    Case("ddpm_step", "right", "posterior mean through the x_0 estimate (no clip), float64 factors", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    ab, ab_prev = float(alpha_cumprod[t]), float(alpha_cumprod[t - 1])
    a, b = float(alpha[t]), float(beta[t])
    x0 = (x_t - math.sqrt(1 - ab) * predicted_noise) / math.sqrt(ab)
    mean = math.sqrt(ab_prev) * b / (1 - ab) * x0 + math.sqrt(a) * (1 - ab_prev) / (1 - ab) * x_t
    return mean + math.sqrt(b) * noise
"""),
    Case("ddpm_step", "wrong", "noise scaled by sqrt(1 - alpha_bar_t), the forward process's factor",
         _changed(_DDPM_STEP, "return mean + beta[t] ** 0.5 * noise",
                  "return mean + (1 - alpha_cumprod[t]) ** 0.5 * noise"),
         hint="the variance of the reverse step is beta_t"),
    Case("ddpm_step", "wrong", "multiplies by sqrt(alpha_t) instead of dividing",
         _changed(_DDPM_STEP, "* predicted_noise) / alpha[t] ** 0.5", "* predicted_noise) * alpha[t] ** 0.5"),
         hint="do not multiply"),
    Case("ddpm_step", "right", "tensors of float64 schedule values, cast back to float32", """
def ddpm_step(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta):
    a = ops.cast(alpha[t], "float64"); ab = ops.cast(alpha_cumprod[t], "float64"); b = ops.cast(beta[t], "float64")
    x = ops.cast(x_t, "float64"); e = ops.cast(predicted_noise, "float64"); z = ops.cast(noise, "float64")
    out = (x - b / ops.sqrt(1 - ab) * e) / ops.sqrt(a) + ops.sqrt(b) * z
    return ops.cast(out, "float32")
"""),

    # ---- red team: ddpm_sample
    Case("ddpm_sample", "wrong", "t_batch left float32 (ops.full without dtype): fast_network refuses it",
         _changed(_DDPM_SAMPLE, "ops.full((batch_size,), t, dtype=\"int32\")", "ops.full((batch_size,), t)"),
         hint="make t_batch an int32 tensor"),
    Case("ddpm_sample", "wrong", "t_batch as (batch, 1)",
         _changed(_DDPM_SAMPLE, "ops.full((batch_size,), t, dtype=\"int32\")",
                  "ops.full((batch_size, 1), t, dtype=\"int32\")"),
         hint="one t per image"),
    Case("ddpm_sample", "right", "all the noise drawn before the loop from the seed", _DDPM_STEP + """
def ddpm_sample(network, x_T, alpha, alpha_cumprod, beta, seed=None, callback=None):
    T = len(alpha) - 1
    x = ops.convert_to_tensor(x_T, "float32")
    gen = keras.random.SeedGenerator(seed)
    noises = keras.random.normal((T + 1, *x.shape), seed=gen)
    for t in range(T, 0, -1):
        eps = network([x, ops.full((x.shape[0],), t, dtype="int32")], training=False)
        z = noises[t] if t > 1 else ops.zeros_like(x)
        x = ddpm_step(x, t, eps, z, alpha, alpha_cumprod, beta)
        if callback is not None:
            callback(t - 1, x)
    return x
"""),
    Case("ddpm_sample", "wrong", "callback given t, not t - 1",
         _changed(_DDPM_SAMPLE, "callback(t - 1, x)", "callback(t, x)"), hint="callback(t - 1, x)"),
    # works with the lesson's fast_network (it converts a NumPy array to int32)
    Case("ddpm_sample", "right", "the network called with np.full(..., float(t)): float64 times",
         _changed(_DDPM_SAMPLE, "ops.full((batch_size,), t, dtype=\"int32\")", "np.full((batch_size,), float(t))")),

    # ---- red team: ddim_step
    Case("ddim_step", "wrong", "x_0 clipped to [0, 1] instead of [-1, 1]",
         _changed(_DDIM_STEP, "ops.clip(x0, -1.0, 1.0)", "ops.clip(x0, 0.0, 1.0)"), hint="not [0, 1]"),
    Case("ddim_step", "wrong", "the output clipped instead of x_0", """
def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod):
    x0 = (x_t - (1 - alpha_cumprod[t]) ** 0.5 * predicted_noise) / alpha_cumprod[t] ** 0.5
    return ops.clip(alpha_cumprod[t_prev] ** 0.5 * x0 + (1 - alpha_cumprod[t_prev]) ** 0.5 * predicted_noise, -1.0, 1.0)
""", hint="clip the predicted x_0"),
    Case("ddim_step", "right", "clip with ops.minimum/ops.maximum, tensors from tf.gather", """
def ddim_step(x_t, t, t_prev, predicted_noise, alpha_cumprod):
    a_t = tf.gather(tf.constant(alpha_cumprod, tf.float32), t)
    a_p = tf.gather(tf.constant(alpha_cumprod, tf.float32), t_prev)
    x0 = (x_t - tf.sqrt(1.0 - a_t) * predicted_noise) / tf.sqrt(a_t)
    x0 = ops.maximum(ops.minimum(x0, 1.0), -1.0)
    return tf.sqrt(a_p) * x0 + tf.sqrt(1.0 - a_p) * predicted_noise
"""),
    Case("ddim_step", "wrong", "alpha_cumprod[t_prev - 1] (wraps to alpha_bar_T at t_prev = 0)",
         _changed(_DDIM_STEP, "alpha_cumprod[t_prev] ** 0.5 * x0 + (1 - alpha_cumprod[t_prev])",
                  "alpha_cumprod[t_prev - 1] ** 0.5 * x0 + (1 - alpha_cumprod[t_prev - 1])"), hint="t_prev"),

    # ---- red team: ddim_sample
    Case("ddim_sample", "wrong", "t_batch left float32 (ops.full without dtype): fast_network refuses it",
         _changed(_DDIM_SAMPLE, "ops.full((x.shape[0],), int(t), dtype=\"int32\")", "ops.full((x.shape[0],), t)"),
         hint="make t_batch an int32 tensor"),
    Case("ddim_sample", "wrong", "np.linspace with num_steps points (num_steps - 1 jumps)",
         _changed(_DDIM_SAMPLE, "np.linspace(T, 0, num_steps + 1)", "np.linspace(T, 0, num_steps)"),
         hint="num_steps jumps"),
    Case("ddim_sample", "right", "linspace from 0 to T reversed, np.int32 times", _changed(
        _DDIM_SAMPLE, "np.linspace(T, 0, num_steps + 1).round().astype(int)",
        "np.round(np.linspace(0, T, num_steps + 1))[::-1].astype(np.int32)")),
    Case("ddim_sample", "wrong", "x0 clipped output returned (final x clipped to [-1, 1])",
         _changed(_DDIM_SAMPLE, "    return x\n", "    return ops.clip(x, -1.0, 1.0)\n"), hint="return the last one"),

    # ---- red team: time_embedding
    Case("time_embedding", "wrong", "reshape with the static t.shape[0]: None in the sampling graph once it retraces",
         """
def sinusoidal_time_embedding(t, dim):
    half = dim // 2
    frequencies = ops.exp(-math.log(10000.0) * ops.arange(half, dtype="float32") / half)
    angles = ops.reshape(ops.cast(t, "float32"), (t.shape[0], 1)) * ops.reshape(frequencies, (1, half))
    return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)
""", hint="do not read the batch size from t.shape[0]"),
    Case("time_embedding", "right", "the Transformer's 2i / dim exponent, numpy frequencies", """
def sinusoidal_time_embedding(t, dim):
    exponents = np.arange(0, dim, 2, dtype=np.float32) / dim
    w = (1.0 / (10000.0 ** exponents)).astype(np.float32)
    angles = ops.cast(t, "float32")[:, None] * w[None, :]
    return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)
"""),
    Case("time_embedding", "right", "float64 angles, result cast to float32", """
def sinusoidal_time_embedding(t, dim):
    half = dim // 2
    w = ops.exp(-math.log(10000.0) * ops.arange(half, dtype="float64") / half)
    angles = ops.cast(ops.expand_dims(t, -1), "float64") * ops.expand_dims(w, 0)
    return ops.cast(ops.concatenate([ops.sin(angles), ops.cos(angles)], -1), "float32")
"""),
    Case("time_embedding", "wrong", "positive exponent: 10000 ** (i / half)", _changed(
        _EMBEDDING, "ops.exp(-math.log(10000.0)", "ops.exp(math.log(10000.0)"),
        hint="frequencies are 10000 ** (-i / half)"),
]
