"""What lesson 07's probes build (``l07_vae.py`` holds the exercises): weights the grader draws, a stand-in for the
learner's ``Sampling`` layer with a known epsilon, small VAE parts, and stand-ins for a learner's earlier answers.

A probe that uses an earlier exercise's answer binds the learner's name to a stand-in while it runs (the learner's
own name in their own namespace, restored afterwards), so that each exercise is judged on its own: a wrong
``Sampling`` costs exercise 1 only, a wrong ``latent_loss`` exercise 2 only. No stand-in computes an answer: the
one for ``latent_loss`` is another function of the same inputs (``latent_loss_stand_in``).
"""


import numpy as np

from autograder.checks.exercise import Fail, close_mask

NUM_PIXELS = 784
MAX_BATCH = 64  # the most examples a known-noise layer draws epsilon for


def to_numpy(value):
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


def close(got, expected, rtol=1e-4, atol=1e-5):
    """True when the arrays have the same shape and agree within the tolerance (see exercise.close_mask)."""
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    return got.shape == expected.shape and bool(np.all(close_mask(got, expected, rtol, atol)))


def encode(encoder, images):
    outputs = encoder(images)
    if not isinstance(outputs, (tuple, list)) or len(outputs) != 3:
        count = len(outputs) if isinstance(outputs, (list, tuple)) else 1
        raise Fail("the encoder's outputs", "[codings_mean, codings_log_var, codings]",
                   f"{type(outputs).__name__} of length {count}",
                   "build it as keras.Model(inputs, [codings_mean, codings_log_var, codings])")
    return [to_numpy(output) for output in outputs]


def fmt(array):
    return np.array2string(np.asarray(array, dtype=np.float64), precision=3)


def stream(*key):
    """A NumPy generator for ``key`` (non-negative ints): draws that never shift another stream's."""
    return np.random.default_rng([int(part) % 2**32 for part in key])


def assign_weights(model, *key):
    """Set every weight of ``model`` by its shape and position, each from its own stream ``(*key, index)``.

    Kernels get N(0, 1 / fan_in) (LeCun's scale, so SELU layers keep unit variance), vectors N(0, 0.1**2). Two models
    whose weights have the same shapes in the same order (functional or Sequential, activation as argument or as a
    layer) get the same values; a model with other shapes gets other values, and nothing else is shifted. Returns
    the weights' shapes.
    """
    shapes = []
    for index, variable in enumerate(model.weights):
        shape = tuple(int(n) for n in variable.shape)
        scale = 1 / np.sqrt(shape[0]) if len(shape) > 1 else 0.1
        variable.assign(stream(*key, index).normal(0.0, scale, size=shape).astype(variable.dtype))
        shapes.append(list(shape))
    return shapes


def _seed_key(seed):
    return (1, seed) if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0 else (2,)


def known_noise_class(key, made):
    """A class named ``Sampling`` that stands in for the learner's: its epsilon is known, drawn from stream
    ``(*key, seed)``, so a layer built with the same seed gives the same codings. Each instance is added to
    ``made``; ``layer.epsilon`` holds the (MAX_BATCH, codings_size) draws."""
    import keras
    from keras import ops

    class Sampling(keras.layers.Layer):
        def __init__(self, seed=None, **kwargs):
            super().__init__(**kwargs)
            self.seed, self.epsilon = seed, None
            made.append(self)

        def build(self, input_shape):
            size = int(input_shape[0][-1])
            self.epsilon = stream(*key, *_seed_key(self.seed)).normal(size=(MAX_BATCH, size)).astype("float32")

        def compute_output_shape(self, input_shape):
            return input_shape[0]

        def call(self, inputs, *more):
            first, second = (inputs, *more)[:2] if more else inputs
            noise = ops.convert_to_tensor(self.epsilon)[: ops.shape(first)[0]]
            return first + ops.exp(0.5 * second) * noise

    return Sampling


def namespaces_of(answer):
    """The global namespaces the learner's function or class (and the classes it derives from, outside the
    libraries) looks names up in."""
    if isinstance(answer, type):
        libraries = ("keras", "tensorflow", "builtins")
        owners = [cls for cls in answer.__mro__ if cls.__module__.split(".")[0] not in libraries]
        functions = [value for cls in owners for value in vars(cls).values()]
    else:
        functions = [answer]
    found = []
    for function in functions:
        namespace = getattr(function, "__globals__", None)
        if isinstance(namespace, dict) and not any(namespace is known for known in found):
            found.append(namespace)
    return found


def latent_loss_stand_in(codings_mean, codings_log_var):
    """Stands in for the learner's ``latent_loss`` (exercise 2) while their model is probed: one value per example,
    smooth in both inputs, and deliberately not the KL divergence, so that no check module holds that answer. The
    reference model, probed with the same stand-in, gives the values to compare with."""
    from keras import ops

    return ops.sum(0.3 * ops.square(codings_mean) + 0.2 * ops.exp(0.5 * codings_log_var), axis=-1)


class ProbeParts:
    """A stand-in for ``build_encoder_decoder``: small parts with weights from stream ``key`` and a known-noise
    Sampling, so that a VAE's losses and updates are exact numbers. Records the arguments of each call."""

    def __init__(self, *key):
        self.key, self.calls, self.noise_layers = key, [], []

    def __call__(self, codings_size=10, seed=None, **kwargs):
        import keras

        codings_size = int(codings_size)
        self.calls.append([codings_size, int(seed) if _seed_key(seed)[0] == 1 else None])
        inputs = keras.Input(shape=(28, 28))
        flat = keras.layers.Flatten()(inputs)
        mean, log_var = keras.layers.Dense(codings_size)(flat), keras.layers.Dense(codings_size)(flat)
        codings = known_noise_class(self.key, self.noise_layers)(seed=seed)([mean, log_var])
        encoder = keras.Model(inputs, [mean, log_var, codings], name="probe_encoder")
        decoder_inputs = keras.Input(shape=(codings_size,))
        pixels = keras.layers.Dense(NUM_PIXELS, activation="sigmoid")(decoder_inputs)
        decoder = keras.Model(decoder_inputs, keras.layers.Reshape((28, 28))(pixels), name="probe_decoder")
        assign_weights(encoder, *self.key, 1, codings_size)
        assign_weights(decoder, *self.key, 2, codings_size)
        return encoder, decoder


def replace_parts(model, encoder, decoder):
    """Give a VAE built without ``build_encoder_decoder`` the probe's parts (and stop tracking its own)."""
    old = [getattr(model, "encoder", None), getattr(model, "decoder", None)]
    model.encoder, model.decoder = encoder, decoder
    tracked = getattr(model, "_layers", None)
    for part in old:
        if isinstance(tracked, list) and part is not None and part not in (encoder, decoder) and part in tracked:
            tracked.remove(part)


def entries(arrays, *key, count=256):
    """Up to ``count`` entries of each array (flattened), at positions drawn from stream ``(*key, index)``."""
    chosen = []
    for index, array in enumerate(arrays):
        flat = np.asarray(array, np.float64).ravel()
        if flat.size > count:
            flat = flat[np.sort(stream(*key, index).choice(flat.size, count, replace=False))]
        chosen.append(flat)
    return chosen


# ---------------------------------------------------------------------------------------------------------------
# decoders whose codings can be read back from their images


def linear_decoder(rng, codings_size, scale=0.3):
    """A decoder sigmoid(codings @ kernel + bias) with weights from ``rng``; returns (decoder, kernel, bias)."""
    import keras

    decoder = keras.Sequential([keras.Input(shape=(codings_size,)),
                                keras.layers.Dense(NUM_PIXELS, activation="sigmoid"), keras.layers.Reshape((28, 28))],
                               name="probe_decoder")
    kernel = rng.normal(0, scale, size=(codings_size, NUM_PIXELS)).astype("float32")
    bias = rng.normal(0, scale, size=NUM_PIXELS).astype("float32")
    decoder.set_weights([kernel, bias])
    return decoder, kernel, bias


def recover_codings(images, kernel, bias):
    """Least-squares codings of images a linear decoder made, and the largest residual (in logits).

    ``images`` (n, pixels) with ``kernel`` (codings_size, pixels) and ``bias`` (pixels,) of the same pixels.
    ``(None, inf)`` when an image has too few unsaturated pixels or values outside (0, 1)."""
    flat = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
    kernel, bias = np.asarray(kernel, np.float64), np.asarray(bias, np.float64)
    if flat.shape[1] != kernel.shape[1] or not np.all(np.isfinite(flat)):
        return None, np.inf
    codings, residual = np.zeros((len(flat), kernel.shape[0])), 0.0
    for index, pixels in enumerate(flat):
        usable = (pixels > 1e-4) & (pixels < 1 - 1e-4)  # saturated pixels carry no usable logit
        if usable.sum() < 2 * kernel.shape[0]:
            return None, np.inf
        logits = np.log(pixels[usable] / (1 - pixels[usable])) - bias[usable]
        solution, *_ = np.linalg.lstsq(kernel[:, usable].T, logits, rcond=None)
        codings[index] = solution
        residual = max(residual, float(np.max(np.abs(kernel[:, usable].T @ solution - logits))))
    return codings, residual


def probe_encoder(rng, codings_size):
    """A small variational encoder: a tanh mean (so that mixing inputs differs from mixing codings), a log-variance
    and known noise (so that its sampled codings are known numbers too)."""
    import keras

    made = []
    inputs = keras.Input(shape=(28, 28))
    flat = keras.layers.Flatten()(inputs)
    mean_layer, log_var_layer = keras.layers.Dense(codings_size, activation="tanh"), keras.layers.Dense(codings_size)
    mean, log_var = mean_layer(flat), log_var_layer(flat)
    noise = known_noise_class((int(rng.integers(2**31)),), made)(seed=0)([mean, log_var])
    encoder = keras.Model(inputs, [mean, log_var, noise], name="probe_encoder")
    mean_layer.set_weights([rng.normal(0, 0.08, size=(NUM_PIXELS, codings_size)).astype("float32"),
                            np.zeros(codings_size, "float32")])
    log_var_layer.set_weights([rng.normal(0, 0.02, size=(NUM_PIXELS, codings_size)).astype("float32"),
                               np.zeros(codings_size, "float32")])
    return encoder
