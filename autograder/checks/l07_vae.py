"""Checks for lesson 07, the variational autoencoder. Reference answers: ``solutions/vae.py``.

Every point rests on values the learner's code computes from inputs, weights and seeds drawn for this run, compared
with the reference's values for the same draws: replayed or made-up data earn nothing. Randomness is graded by
what survives it: sample statistics against the distribution the layer must draw from (5-sigma tolerances: a right
answer fails less than once in 100,000 runs), exact identities for a known epsilon, repeatability for a seed, and
codings read back from images through a decoder the probe chose (``_l07_generation.py``).

Each exercise is judged on its own: where an answer uses an earlier one (the encoder its ``Sampling``, the model
its ``build_encoder_decoder`` and ``latent_loss``), the probe binds the learner's name to the check's stand-in while
it runs (``exercise.stand_ins``). A stand-in is never an answer: the model's ``latent_loss`` is another function,
and the model is also run with the learner's own (``_l07_model.py``). Structure (layer sizes, activations) only
chooses the hint of a failure already found. Exercises 4 to 6 live in ``_l07_model.py`` and ``_l07_generation.py``.
"""

import numpy as np

from autograder.checks import _l07_probes as probes
from autograder.checks._l07_probes import NUM_PIXELS, close as _close, encode as _encode, fmt as _fmt
from autograder.checks._l07_probes import to_numpy as _numpy
from autograder.checks.exercise import Exercise, Fail, expect_close, expect_equal, graph_error, stand_ins

LESSON = "07_vae"


# ---------------------------------------------------------------------------------------------------------------
# exercise 1: the Sampling layer


class SamplingLayer(Exercise):
    name = "vae_sampling"
    title = "Sampling layer (reparameterization trick)"
    answer = "solutions.vae:Sampling"
    points = 2
    num_samples = 5_000

    def probe(self, sampling_class, rng):
        import keras
        import tensorflow as tf

        # column 0: small variance, column 1: about 1, column 2: large, so exp(log_var) and exp(log_var / 2)
        # give clearly different spreads
        mean_in = rng.uniform(-2, 2, size=3)
        log_var_in = np.array([rng.uniform(-1.6, -0.8), rng.uniform(-0.3, 0.3), rng.uniform(0.8, 1.6)])
        seed = int(rng.integers(1, 100_000))
        means = np.tile(mean_in, (self.num_samples, 1)).astype("float32")
        log_vars = np.tile(log_var_in, (self.num_samples, 1)).astype("float32")

        layer = sampling_class(seed=seed)
        if not isinstance(layer, keras.layers.Layer):
            raise Fail("Sampling(seed=...)", "a keras.layers.Layer", type(layer).__name__,
                       "subclass keras.layers.Layer and call super().__init__(**kwargs)")
        try:
            codings = _numpy(layer([means, log_vars]))
        except TypeError as error:  # e.g. call(self, mean, log_var): Keras passes one list
            raise Fail("Sampling(seed=...)([codings_mean, codings_log_var])", "codings",
                       f"TypeError: {str(error)[:200]}", "call(self, inputs) receives one list: "
                       "codings_mean, codings_log_var = inputs") from None
        data = {"shape": list(codings.shape), "mean_in": mean_in, "log_var_in": log_var_in}
        if codings.shape != means.shape:
            return data  # verify names the shape mistake
        noise = codings - means
        data["max_abs_noise"] = float(np.max(np.abs(noise)))
        data["sample_mean"] = codings.mean(axis=0)
        data["sample_var"] = codings.var(axis=0)
        standardized = noise / np.sqrt(np.exp(log_var_in))
        correlations = np.corrcoef(standardized.T) if np.all(standardized.std(axis=0) > 0) else np.eye(3)
        data["max_correlation"] = float(np.max(np.abs(correlations - np.eye(3))))

        # gradients: z = mean + exp(log_var / 2) * eps, so dz/dmean = 1 and dz/dlog_var = (z - mean) / 2
        mean_t, log_var_t = tf.constant(means[:6]), tf.constant(log_vars[:6])
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([mean_t, log_var_t])
            small = layer([mean_t, log_var_t])
            total = tf.reduce_sum(small)
        grad_mean, grad_log_var = tape.gradient(total, [mean_t, log_var_t])
        data["grad_z_minus_mean"] = _numpy(small) - means[:6]
        data["grad_mean"] = None if grad_mean is None else _numpy(grad_mean)
        data["grad_log_var"] = None if grad_log_var is None else _numpy(grad_log_var)

        # seeding: same seed -> same draws; new call -> new draws; another seed -> other draws
        few = [means[:8], log_vars[:8]]
        first, twin, other = sampling_class(seed=seed), sampling_class(seed=seed), sampling_class(seed=seed + 1)
        draw_first, draw_again = _numpy(first(few)), _numpy(first(few))
        draw_twin, draw_other = _numpy(twin(few)), _numpy(other(few))
        data["same_seed_same_draws"] = bool(np.allclose(draw_first, draw_twin))
        data["new_call_new_draws"] = not np.allclose(draw_first, draw_again)
        data["other_seed_other_draws"] = not np.allclose(draw_first, draw_other)
        # a known epsilon: a layer's codings for zero inputs are its epsilon, and a twin built with the same seed
        # must then give mean + exp(log_var / 2) * epsilon exactly
        zeros = np.zeros_like(few[0])
        data["epsilon"] = _numpy(sampling_class(seed=seed + 2)([zeros, zeros]))
        data["twin_codings"] = _numpy(sampling_class(seed=seed + 2)(few))
        config = first.get_config()
        data["config_has_seed"] = bool(config.get("seed") == seed)
        data["restored_same_draws"] = bool(np.allclose(_numpy(sampling_class.from_config(config)(few)),
                                                       draw_first))
        return data

    def verify(self, got, expected):
        n, size = self.num_samples, 3
        expect_equal("shape of the codings", got["shape"], [n, size],
                     "return a tensor shaped like codings_mean: (batch, codings_size)")
        if got["max_abs_noise"] < 1e-7:
            raise Fail("noise in the codings", "codings that differ from codings_mean", "codings == codings_mean",
                       "add noise: codings_mean + exp(codings_log_var / 2) * epsilon, with epsilon drawn by "
                       "keras.random.normal")
        if np.max(got["sample_var"]) < 1e-10:
            raise Fail("variance of the codings across the batch", "> 0", "0",
                       "every example got the same epsilon: draw epsilon with the full shape of codings_mean, "
                       "keras.ops.shape(codings_log_var), not (codings_size,)")
        if got["max_correlation"] > 0.9:
            raise Fail("independence of the codings", "uncorrelated noise per coding",
                       f"correlation {got['max_correlation']:.2f}",
                       "all codings of an example share one epsilon: draw epsilon with shape (batch, codings_size), "
                       "not (batch, 1)")
        if got["same_seed_same_draws"]:
            self._verify_known_epsilon(got, expected)
        variance = np.exp(np.asarray(expected["log_var_in"]))
        var_ratio = np.asarray(got["sample_var"]) / variance
        tolerance = 5 * np.sqrt(2 / n)
        if np.any(np.abs(var_ratio - 1) > tolerance):
            squared = np.asarray(got["sample_var"]) / variance ** 2
            if np.all(np.abs(squared - 1) < tolerance):
                hint = ("the spread is exp(log_var): scale epsilon by the standard deviation exp(log_var / 2), "
                        "not by exp(log_var)")
            elif np.all(np.abs(var_ratio * 12 - 1) < 2 * tolerance):
                hint = "epsilon must be standard normal (keras.random.normal), not uniform"
            elif np.all(np.abs(np.asarray(got["sample_mean"]) - expected["log_var_in"]) < 0.2):
                hint = _SWAPPED
            else:
                hint = "the codings' variance must be exp(log_var): codings_mean + exp(codings_log_var / 2) * epsilon"
            raise Fail("variance of the codings (over 5,000 draws)", _fmt(variance), _fmt(got["sample_var"]), hint)
        mean_error = np.abs(np.asarray(got["sample_mean"]) - expected["mean_in"])
        if np.any(mean_error > 5 * np.sqrt(variance / n) + 1e-6):
            raise Fail("mean of the codings (over 5,000 draws)", _fmt(expected["mean_in"]), _fmt(got["sample_mean"]),
                       "the codings must be centred on codings_mean: add the mean, and draw epsilon with mean 0")
        if got["grad_mean"] is None or got["grad_log_var"] is None:
            which = "codings_mean" if got["grad_mean"] is None else "codings_log_var"
            raise Fail(f"gradient with respect to {which}", "a gradient", "None",
                       "compute the codings with keras.ops (not NumPy) so that gradients flow through the layer")
        expect_close("gradient of sum(codings) with respect to codings_mean", got["grad_mean"],
                     np.ones_like(got["grad_mean"]), rtol=1e-4, atol=1e-5,
                     hint="the mean enters the codings once, added: codings_mean + ...")
        expect_close("gradient of sum(codings) with respect to codings_log_var", got["grad_log_var"],
                     0.5 * np.asarray(got["grad_z_minus_mean"]), rtol=1e-3, atol=1e-5,
                     hint="the noise must be exp(codings_log_var / 2) * epsilon with epsilon not depending on "
                          "the inputs' values")
        if not got["new_call_new_draws"]:
            raise Fail("a second call of the same layer", "new draws", "the same draws",
                       "an integer seed makes keras.random.normal repeat itself: create "
                       "self.seed_generator = keras.random.SeedGenerator(seed) in __init__ and pass "
                       "seed=self.seed_generator")
        if not got["same_seed_same_draws"]:
            raise Fail("two layers built with the same seed", "the same draws", "different draws",
                       "the draws are not seeded by the layer: give it its own "
                       "keras.random.SeedGenerator(seed) and pass seed=self.seed_generator to keras.random.normal "
                       "(not the global random state, not NumPy)")
        if not got["other_seed_other_draws"]:
            raise Fail("two layers built with different seeds", "different draws", "the same draws",
                       "the seed argument is ignored: build the SeedGenerator from it")
        if not got["config_has_seed"]:
            raise Fail("get_config()['seed']", "the seed given to the constructor", "something else",
                       "store the seed (self.seed = seed) and return it in get_config: "
                       "{**super().get_config(), 'seed': self.seed}")
        if not got["restored_same_draws"]:
            raise Fail("Sampling.from_config(layer.get_config())", "a layer with the same draws", "other draws",
                       "get_config must return the seed so that a saved layer draws the same noise")

    @staticmethod
    def _verify_known_epsilon(got, expected):
        epsilon, codings = np.asarray(got["epsilon"]), np.asarray(got["twin_codings"])
        mean = np.broadcast_to(expected["mean_in"], codings.shape)
        log_var = np.broadcast_to(expected["log_var_in"], codings.shape)
        if epsilon.shape != codings.shape or _close(codings, mean + np.exp(log_var / 2) * epsilon, 1e-4, 1e-5):
            return
        for wrong, hint in [
            (log_var + np.exp(mean / 2) * epsilon, _SWAPPED),
            (mean + np.exp(log_var) * epsilon, "the spread is exp(log_var): scale epsilon by the standard deviation "
                                               "exp(log_var / 2), not by exp(log_var)"),
            (np.exp(log_var / 2) * epsilon, "the codings must be centred on codings_mean: add the mean"),
        ]:
            if _close(codings, wrong, 1e-4, 1e-5):
                break
        else:
            hint = "codings = codings_mean + exp(codings_log_var / 2) * epsilon, with epsilon ~ N(0, 1)"
        raise Fail("codings of a layer whose epsilon is known (its codings for zero inputs)",
                   "codings_mean + exp(codings_log_var / 2) * epsilon", "other codings", hint)


_SWAPPED = ("the inputs come as [codings_mean, codings_log_var], in that order: unpack them as "
            "codings_mean, codings_log_var = inputs")


# ---------------------------------------------------------------------------------------------------------------
# exercise 2: the latent loss


class LatentLoss(Exercise):
    name = "vae_latent_loss"
    title = "latent loss (KL divergence)"
    answer = "solutions.vae:latent_loss"
    points = 1

    def probe(self, latent_loss, rng):
        import keras

        mean = rng.normal(size=(6, 4)).astype("float32")
        log_var = rng.normal(0.0, 1.2, size=(6, 4)).astype("float32")
        kl = _numpy(latent_loss(keras.ops.convert_to_tensor(mean), keras.ops.convert_to_tensor(log_var)))
        return {"kl": kl, "mean": mean, "log_var": log_var,
                "graph_error": graph_error(latent_loss, (mean, log_var))}  # as train_step runs it under fit

    def verify(self, got, expected):
        # the mistakes, as differences from the reference answer's values (the check holds no formula of its own)
        mean, log_var = (np.asarray(expected[key], dtype=np.float64) for key in ("mean", "log_var"))
        value, reference = np.asarray(got["kl"]), np.asarray(expected["kl"], dtype=np.float64)
        if value.shape != reference.shape:
            hint = ("one value per example: sum over the codings only (axis=-1), and do not average over the batch"
                    if value.size < reference.size else "sum over the codings (axis=-1) to get one value per example")
            raise Fail("shape of the latent loss", reference.shape, value.shape, hint)
        variance = np.exp(log_var)
        mistakes = [
            (-reference, "the sign is flipped: KL = -0.5 * sum(1 + log_var - exp(log_var) - mean**2), never negative"),
            (2 * reference, "the factor 0.5 is missing"),
            (reference / mean.shape[1], "average gives KL / codings_size: sum over the codings instead of the mean"),
            (reference + 0.5 * np.sum(np.sqrt(variance) - variance, axis=-1),
             "exp(log_var / 2) is the standard deviation; the formula needs the variance exp(log_var)"),
            (reference - 0.5 * np.sum(log_var - variance ** 2 + variance, axis=-1),
             "you treated the input as log(std); it is the log-variance: 1 + log_var - exp(log_var) - mean**2"),
            (reference - 0.5 * np.sum(mean ** 2 - mean, axis=-1), "square the mean: mean**2"),
            (reference + mean.shape[1] / 2, "the 1 + term is missing: -0.5 * sum(1 + log_var - exp(log_var) - "
                                            "mean**2)"),
            (reference + np.sum(log_var, axis=-1),
             "the sign of log_var is wrong: 1 + log_var - exp(log_var) - mean**2"),
        ]
        for wrong, hint in mistakes:
            if np.allclose(value, wrong, rtol=1e-4, atol=1e-5) and not np.allclose(wrong, reference):
                raise Fail("latent loss", _fmt(reference), _fmt(value), hint)
        expect_close("latent loss per example", value, reference, rtol=1e-4, atol=1e-5,
                     hint="KL = -0.5 * sum over codings of (1 + log_var - exp(log_var) - mean**2)")
        if got.get("graph_error"):
            raise Fail("latent_loss compiled as a graph, as fit runs train_step", "the latent loss",
                       got["graph_error"], "use keras.ops (ops.sum, ops.exp, ops.square): NumPy cannot compute with "
                       "the symbolic tensors of a compiled train_step")


# ---------------------------------------------------------------------------------------------------------------
# exercise 3: the encoder and the decoder


def _dense_layers(model):
    """``[units, activation]`` of each Dense layer, an activation layer right after it counted as its own (hints)."""
    import keras

    found = []
    layers = model._flatten_layers(include_self=False) if hasattr(model, "_flatten_layers") else model.layers
    for layer in layers:
        if isinstance(layer, keras.layers.Dense):
            found.append([int(layer.units), getattr(layer.activation, "__name__", str(layer.activation))])
        elif isinstance(layer, keras.layers.Activation) and found and found[-1][1] == "linear":
            found[-1][1] = getattr(layer.activation, "__name__", str(layer.activation))
    return found


def _expect_models(parts, what="build_encoder_decoder()"):
    import keras

    if not isinstance(parts, (tuple, list)) or len(parts) != 2:
        raise Fail(f"the value of {what}", "a tuple (encoder, decoder)", type(parts).__name__,
                   "end the function with `return encoder, decoder`")
    for label, model in zip(("encoder", "decoder"), parts):
        if not isinstance(model, keras.Model):
            raise Fail(f"the {label}", "a keras.Model", type(model).__name__,
                       "make each part a model: keras.Model(inputs, outputs)")
    return parts


_ENCODER_RECIPE = "Flatten, Dense(150, selu), Dense(100, selu), then two Dense(codings_size) heads"
_DECODER_RECIPE = "Dense(100, selu), Dense(150, selu), Dense(784, sigmoid), then Reshape((28, 28))"


class EncoderDecoder(Exercise):
    """Both parts are run with weights the probe sets (by shape, in order) on inputs it draws, and compared with the
    reference's outputs; the learner's ``Sampling`` is replaced by one whose epsilon is known, so that the codings
    are exact numbers and a wrong exercise 1 costs nothing here."""

    name = "vae_encoder_decoder"
    title = "variational encoder and decoder"
    answer = "solutions.vae:build_encoder_decoder"
    points = 2
    codings_size, batch = 4, 32

    def probe(self, build, rng):
        seed, key = int(rng.integers(1, 100_000)), int(rng.integers(2**31))
        images = rng.uniform(size=(self.batch, 28, 28)).astype("float32")
        codings_in = rng.normal(size=(self.batch, self.codings_size)).astype("float32")
        noise_layers = []
        with stand_ins(probes.namespaces_of(build), Sampling=probes.known_noise_class((key,), noise_layers)):
            encoder, decoder = _expect_models(build(codings_size=self.codings_size, seed=seed))
            default_encoder, _ = _expect_models(build())
        _encode(encoder, images)  # builds a model made without keras.Input, before its weights are set
        data = {"encoder_shapes": probes.assign_weights(encoder, key, 1), "encoder_dense": _dense_layers(encoder)}
        data["mean"], data["log_var"], data["codings"] = _encode(encoder, images)
        ours = [layer for layer in noise_layers if layer.epsilon is not None]
        data["epsilon"] = ours[0].epsilon[: self.batch] if ours else None  # None: the codings come from elsewhere
        data["sampling_seeds"] = [layer.seed if isinstance(layer.seed, int) else None for layer in noise_layers[:1]]
        decoder(codings_in)  # builds a Sequential decoder made without keras.Input
        data.update(decoder_shapes=probes.assign_weights(decoder, key, 2), decoder_dense=_dense_layers(decoder))
        decoded = _numpy(decoder(codings_in))
        data["decoded_shape"] = list(decoded.shape)
        data["decoded_range"] = [float(decoded.min()), float(decoded.max())]
        if decoded.size == self.batch * NUM_PIXELS:  # 8 random projections of each image: enough to compare
            data["decoded"] = decoded.reshape(self.batch, -1) @ probes.stream(key, 3).normal(size=(NUM_PIXELS, 8))
        _encode(default_encoder, images)
        probes.assign_weights(default_encoder, key, 4)
        data["default_mean"] = _encode(default_encoder, images)[0]
        data["default_codings_size"] = int(np.shape(data["default_mean"])[-1])
        return data

    def verify(self, got, expected):
        size = [self.batch, self.codings_size]
        expect_equal("shapes of [codings_mean, codings_log_var, codings]",
                     [list(np.shape(got[key])) for key in ("mean", "log_var", "codings")], [size] * 3,
                     "the two heads are Dense(codings_size) layers on the last hidden layer, and the codings come "
                     "from Sampling(seed=seed)([codings_mean, codings_log_var])")
        if not _close(got["mean"], expected["mean"], 1e-3, 1e-4):
            raise Fail("codings_mean with weights set by the check", "the book's encoder's values", "other values",
                       self._order_hint(got, expected) or self._encoder_hint(got, expected))
        if not _close(got["log_var"], expected["log_var"], 1e-3, 1e-4):
            heads = [activation for units, activation in got["encoder_dense"][-2:]]
            raise Fail("codings_log_var with weights set by the check", "the book's encoder's values", "other values",
                       "leave both heads without activation: a mean and a log-variance can be any real number"
                       if any(activation != "linear" for activation in heads) else
                       "codings_log_var is a second Dense(codings_size) head on the last hidden layer, like the mean")
        self._verify_codings(got, expected)
        expect_equal("decoder output shape", got["decoded_shape"], [self.batch, 28, 28],
                     "end the decoder with Dense(28 * 28, activation='sigmoid') and Reshape((28, 28))")
        low, high = got["decoded_range"]
        if low < 0 or high > 1:
            raise Fail("decoded pixel range", "[0, 1]", f"[{low:.3g}, {high:.3g}]",
                       "the decoder's last Dense layer needs activation='sigmoid' (pixels are in [0, 1])")
        if not _close(got.get("decoded"), expected["decoded"], 1e-3, 1e-4):
            raise Fail("decoded images with weights set by the check", "the book's decoder's values", "other values",
                       self._structure_hint(got["decoder_shapes"], expected["decoder_shapes"], got["decoder_dense"],
                                            _DECODER_RECIPE))
        if not _close(got["default_mean"], expected["default_mean"], 1e-3, 1e-4):
            raise Fail("codings_mean of build_encoder_decoder() (the default arguments)", "the book's values",
                       f"{np.shape(got['default_mean'])[-1]} codings",
                       "keep the book's default: codings_size=10" if got["default_codings_size"] != 10 else
                       "the defaults must build the same encoder as explicit arguments")

    def _verify_codings(self, got, expected):
        codings, mean, log_var = (np.asarray(got[key]) for key in ("codings", "mean", "log_var"))
        if got["epsilon"] is None:  # codings drawn without a Sampling layer: judged by their distribution
            noise = (codings - mean) / np.exp(log_var / 2)
            if np.max(np.abs(codings - mean)) < 1e-6 or abs(noise.mean()) > 5 / np.sqrt(noise.size) or \
                    abs(noise.var() - 1) > 5 * np.sqrt(2 / noise.size):
                raise Fail("the encoder's third output", "codings drawn from N(codings_mean, exp(codings_log_var))",
                           "other codings", "the third output is Sampling(seed=seed)([codings_mean, codings_log_var])")
            return
        if _close(codings, expected["codings"], 1e-3, 1e-4):
            return
        epsilon = np.asarray(got["epsilon"])
        if _close(codings, mean, 1e-4, 1e-5):
            hint = "the third output is Sampling(seed=seed)([codings_mean, codings_log_var]), not the mean"
        elif _close(codings, log_var + np.exp(mean / 2) * epsilon, 1e-3, 1e-4):
            hint = ("the Sampling layer gets [codings_mean, codings_log_var], in that order: "
                    "Sampling(seed=seed)([codings_mean, codings_log_var])")
        elif got["sampling_seeds"] != expected["sampling_seeds"]:
            hint = "pass the seed on to the Sampling layer: Sampling(seed=seed)"
        else:
            hint = "the codings are Sampling(seed=seed)([codings_mean, codings_log_var])"
        raise Fail("codings, with a Sampling layer whose epsilon the check knows", "codings_mean + exp(codings_log_var"
                   " / 2) * epsilon", "other codings", hint)

    @staticmethod
    def _order_hint(got, expected):
        """The hint when the encoder's three outputs are the reference's, in another order; else None."""
        keys = ("mean", "log_var", "codings")
        mine = {key: next((other for other in keys if _close(got[key], expected[other], 1e-3, 1e-4)), None)
                for key in keys}
        if all(mine.values()) and len(set(mine.values())) == 3:
            return ("the encoder's three outputs come in this order: keras.Model(inputs, [codings_mean, "
                    "codings_log_var, codings]); yours are " + ", ".join(f"codings_{mine[key]}".replace(
                        "codings_codings", "codings") for key in keys))
        return None

    def _encoder_hint(self, got, expected):
        heads = got["encoder_dense"][-2:]
        if got["encoder_shapes"] == expected["encoder_shapes"] and any(act != "linear" for _, act in heads):
            return "leave both heads without activation: a mean and a log-variance can be any real number"
        return self._structure_hint(got["encoder_shapes"], expected["encoder_shapes"], got["encoder_dense"],
                                    _ENCODER_RECIPE)

    @staticmethod
    def _structure_hint(shapes, expected_shapes, dense, recipe):
        """The likely cause of outputs that differ: sizes, then activations (structure only names the mistake)."""
        if shapes != expected_shapes:
            return f"the layers' sizes differ from the book's: {recipe}"
        activations = [activation for _, activation in dense]
        if any(activation in ("relu", "elu", "tanh", "leaky_relu", "gelu") for activation in activations):
            return f"the book uses SELU in the hidden layers: activation='selu' ({recipe})"
        return recipe


from autograder.checks._l07_generation import GenerateImages, InterpolateImages  # noqa: E402 (exercises 5, 6)
from autograder.checks._l07_model import VaeModel  # noqa: E402 (exercise 4)

EXERCISES = [SamplingLayer(), LatentLoss(), EncoderDecoder(), VaeModel(), GenerateImages(), InterpolateImages()]
