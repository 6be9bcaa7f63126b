"""Checks for lesson 07, the variational autoencoder. Reference answers: ``solutions/vae.py``.

Randomness is graded by properties that survive it: sample statistics against the distribution the layer must draw
from (5-sigma tolerances: a right answer fails less than once in 100,000 runs), exact identities that hold for
every draw (the reparameterization's gradients, total = reconstruction + KL / 784), and repeatability for a seed.
Never exact pixels of anything random.
"""

import numpy as np

from autograder.exercise import Exercise, Fail, expect_close, expect_equal

LESSON = "07_vae"
NUM_PIXELS = 784


def _numpy(value):
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


def _fmt(array):
    return np.array2string(np.asarray(array, dtype=np.float64), precision=3)


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
        codings = _numpy(layer([means, log_vars]))
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


# ---------------------------------------------------------------------------------------------------------------
# exercise 2: the latent loss


def _kl(mean, log_var, variance=None):
    variance = np.exp(log_var) if variance is None else variance
    return -0.5 * np.sum(1 + log_var - variance - mean ** 2, axis=-1)


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
        return {"kl": kl, "mean": mean, "log_var": log_var}

    def verify(self, got, expected):
        mean, log_var = (np.asarray(expected[key], dtype=np.float64) for key in ("mean", "log_var"))
        value, reference = np.asarray(got["kl"]), _kl(mean, log_var)
        if value.shape != reference.shape:
            hint = ("one value per example: sum over the codings only (axis=-1), and do not average over the batch"
                    if value.size < reference.size else "sum over the codings (axis=-1) to get one value per example")
            raise Fail("shape of the latent loss", reference.shape, value.shape, hint)
        mistakes = [
            (-reference, "the sign is flipped: KL = -0.5 * sum(1 + log_var - exp(log_var) - mean**2), never negative"),
            (2 * reference, "the factor 0.5 is missing"),
            (reference / mean.shape[1], "average gives KL / codings_size: sum over the codings instead of the mean"),
            (_kl(mean, log_var, np.exp(log_var / 2)),
             "exp(log_var / 2) is the standard deviation; the formula needs the variance exp(log_var)"),
            (-0.5 * np.sum(1 + 2 * log_var - np.exp(2 * log_var) - mean ** 2, axis=-1),
             "you treated the input as log(std); it is the log-variance: 1 + log_var - exp(log_var) - mean**2"),
            (-0.5 * np.sum(1 + log_var - np.exp(log_var) - mean, axis=-1), "square the mean: mean**2"),
        ]
        for wrong, hint in mistakes:
            if np.allclose(value, wrong, rtol=1e-4, atol=1e-5) and not np.allclose(wrong, reference):
                raise Fail("latent loss", _fmt(reference), _fmt(value), hint)
        expect_close("latent loss per example", value, reference, rtol=1e-4, atol=1e-5,
                     hint="KL = -0.5 * sum over codings of (1 + log_var - exp(log_var) - mean**2)")


# ---------------------------------------------------------------------------------------------------------------
# exercise 3: the encoder and the decoder


_DECODER_DENSE = [[100, "selu"], [150, "selu"], [784, "sigmoid"]]


def _dense_layers(model):
    import keras

    found = []
    for layer in model._flatten_layers(include_self=False) if hasattr(model, "_flatten_layers") else model.layers:
        if isinstance(layer, keras.layers.Dense):
            activation = getattr(layer.activation, "__name__", str(layer.activation))
            found.append([int(layer.units), activation])
    return found


def _producer_name(model, index):
    """Class name of the layer that makes a functional model's output ``index`` (None if unknown)."""
    try:
        return type(model.outputs[index]._keras_history.operation).__name__
    except (AttributeError, IndexError, TypeError):
        return None


class EncoderDecoder(Exercise):
    name = "vae_encoder_decoder"
    title = "variational encoder and decoder"
    answer = "solutions.vae:build_encoder_decoder"
    points = 2
    codings_size = 4

    def probe(self, build, rng):
        import keras

        seed = int(rng.integers(1, 100_000))
        parts = build(codings_size=self.codings_size, seed=seed)
        if not isinstance(parts, (tuple, list)) or len(parts) != 2:
            raise Fail("return value", "a tuple (encoder, decoder)", type(parts).__name__,
                       "end the function with `return encoder, decoder`")
        encoder, decoder = parts
        for label, model in (("encoder", encoder), ("decoder", decoder)):
            if not isinstance(model, keras.Model):
                raise Fail(f"the {label}", "a keras.Model", type(model).__name__,
                           "make each part a model: keras.Model(inputs, outputs)")
        images = rng.uniform(size=(5, 28, 28)).astype("float32")
        outputs = encoder(images)
        if not isinstance(outputs, (tuple, list)) or len(outputs) != 3:
            count = len(outputs) if isinstance(outputs, (list, tuple)) else 1
            raise Fail("the encoder's outputs", "[codings_mean, codings_log_var, codings]",
                       f"{type(outputs).__name__} of length {count}",
                       "build it as keras.Model(inputs, [codings_mean, codings_log_var, codings])")
        mean, log_var, codings = (_numpy(output) for output in outputs)
        twin_mean, twin_log_var, twin_codings = (_numpy(output) for output in
                                                 build(codings_size=self.codings_size, seed=seed)[0](images))
        decoded = _numpy(decoder(mean))
        default_encoder, default_decoder = build()
        layers = encoder._flatten_layers(include_self=False) if hasattr(encoder, "_flatten_layers") else []
        return {
            "shapes": [list(mean.shape), list(log_var.shape), list(codings.shape)],
            "codings_equal_mean": bool(np.allclose(codings, mean)),
            # judged on structure too, so that a faulty Sampling layer (exercise 1) costs only exercise 1
            "codings_from_sampling": _producer_name(encoder, 2) == "Sampling",
            "seed_given_to_a_layer": any(getattr(layer, "seed", None) == seed for layer in layers),
            "epsilon": (codings - mean) / np.exp(log_var / 2),
            "twin_epsilon": (twin_codings - twin_mean) / np.exp(twin_log_var / 2),
            "decoded_shape": list(decoded.shape),
            "decoded_range": [float(decoded.min()), float(decoded.max())],
            "encoder_dense": _dense_layers(encoder),
            "decoder_dense": _dense_layers(decoder),
            "default_params": [int(default_encoder.count_params()), int(default_decoder.count_params())],
            "default_codings_size": int(default_decoder.input_shape[-1]),
        }

    def verify(self, got, expected):
        size = [5, self.codings_size]
        expect_equal("shapes of [codings_mean, codings_log_var, codings]", got["shapes"], [size] * 3,
                     "the two heads are Dense(codings_size) layers on the last hidden layer, and the codings come "
                     "from Sampling()([codings_mean, codings_log_var])")
        if got["codings_equal_mean"] and not got["codings_from_sampling"]:
            raise Fail("the encoder's third output", "sampled codings", "the codings mean",
                       "the third output is Sampling(seed=seed)([codings_mean, codings_log_var])")
        expect_equal("decoder output shape", got["decoded_shape"], [5, 28, 28],
                     "end the decoder with Dense(28 * 28, activation='sigmoid') and Reshape((28, 28))")
        low, high = got["decoded_range"]
        if low < 0 or high > 1:
            raise Fail("decoded pixel range", "[0, 1]", f"[{low:.3g}, {high:.3g}]",
                       "the decoder's last Dense layer needs activation='sigmoid' (pixels are in [0, 1])")
        encoder_dense, decoder_dense = got["encoder_dense"], got["decoder_dense"]
        activations = [activation for _, activation in encoder_dense + decoder_dense]
        if "relu" in activations or "elu" in activations:
            raise Fail("hidden activations", "selu", ", ".join(activations),
                       "the book uses SELU in the hidden layers: activation='selu'")
        heads = [row for row in encoder_dense if row[0] == self.codings_size]
        if len(heads) == 2 and any(activation != "linear" for _, activation in heads):
            raise Fail("activations of the mean and log-variance heads", "none (linear)",
                       ", ".join(activation for _, activation in heads),
                       "leave both heads without activation: a mean and a log-variance can be any real number")
        expected_encoder = [[150, "selu"], [100, "selu"], [self.codings_size, "linear"],
                            [self.codings_size, "linear"]]
        expect_equal("the encoder's Dense layers [units, activation]", encoder_dense, expected_encoder,
                     "Flatten, Dense(150, selu), Dense(100, selu), then two Dense(codings_size) heads")
        expect_equal("the decoder's Dense layers [units, activation]", decoder_dense, _DECODER_DENSE,
                     "Dense(100, selu), Dense(150, selu), Dense(784, sigmoid), then Reshape((28, 28))")
        expect_equal("default codings_size", got["default_codings_size"], expected["default_codings_size"],
                     "keep the book's default: codings_size=10")
        expect_equal("parameters of the default encoder and decoder", got["default_params"],
                     expected["default_params"], "keep the book's sizes and the biases")
        if not got["seed_given_to_a_layer"] and not np.allclose(got["epsilon"], got["twin_epsilon"], atol=1e-4):
            raise Fail("two encoders built with the same seed", "the same noise", "different noise",
                       "pass the seed on to the Sampling layer: Sampling(seed=seed)")


# ---------------------------------------------------------------------------------------------------------------
# exercise 4: the VAE model


def _fixed_encoder(rng, codings_size):
    """An encoder whose codings are its mean (log-variance -40: no noise), to make a VAE's losses exact."""
    import keras

    inputs = keras.Input(shape=(28, 28))
    flat = keras.layers.Flatten()(inputs)
    mean_layer = keras.layers.Dense(codings_size)
    log_var_layer = keras.layers.Dense(codings_size, kernel_initializer="zeros",
                                       bias_initializer=keras.initializers.Constant(-40.0))
    mean, log_var = mean_layer(flat), log_var_layer(flat)
    codings = keras.layers.Identity()(mean)
    mean_layer.set_weights([rng.normal(0, 0.05, size=(784, codings_size)).astype("float32"),
                            rng.normal(0, 0.5, size=codings_size).astype("float32")])
    return keras.Model(inputs, [mean, log_var, codings], name="fixed_encoder")


def _weights(model):
    return [np.array(weight) for weight in model.get_weights()]


def _changed(before, after):
    return any(a.shape != b.shape or not np.allclose(a, b) for a, b in zip(before, after))


class VaeModel(Exercise):
    name = "vae_model"
    title = "VariationalAutoencoder model (train_step, test_step, metrics)"
    answer = "solutions.vae:VariationalAutoencoder"
    points = 3
    codings_size = 3
    batch = 16

    def probe(self, vae_class, rng):
        import keras

        images = rng.uniform(size=(self.batch, 28, 28)).astype("float32")
        seed = int(rng.integers(1, 100_000))
        model = vae_class(codings_size=self.codings_size, seed=seed)
        for part in ("encoder", "decoder"):
            found = getattr(model, part, None)
            if not isinstance(found, keras.Model):
                raise Fail(f"the model's `{part}` attribute", "a keras.Model", type(found).__name__,
                           "keep the two parts as self.encoder and self.decoder "
                           "(self.encoder, self.decoder = build_encoder_decoder(codings_size, seed=seed))")
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2))
        encoder_before, decoder_before = _weights(model.encoder), _weights(model.decoder)
        history = model.fit(images, epochs=1, batch_size=self.batch, verbose=0).history
        data = {
            "metric_names": sorted(metric.name for metric in model.metrics),
            "train_logs": {key: float(values[-1]) for key, values in history.items()},
            "encoder_changed": _changed(encoder_before, _weights(model.encoder)),
            "decoder_changed": _changed(decoder_before, _weights(model.decoder)),
        }
        weights_after_fit = _weights(model)
        try:
            logs = model.evaluate(images, batch_size=self.batch, verbose=0, return_dict=True)
        except Exception as error:  # the default test_step cannot compute this model's loss
            raise Fail("model.evaluate(images)", "the three losses", f"{type(error).__name__}: {str(error)[:200]}",
                       "override test_step too: the same losses as train_step, without gradients, so validation "
                       "works")
        data["eval_logs"] = {key: float(value) for key, value in logs.items()}
        data["evaluate_changed_weights"] = _changed(weights_after_fit, _weights(model))

        # the losses, exactly: a fresh model whose encoder has (practically) no noise
        exact = vae_class(codings_size=self.codings_size, seed=seed)
        exact.encoder = _fixed_encoder(rng, self.codings_size)
        exact.compile(optimizer=keras.optimizers.Adam())
        logs = exact.test_step(keras.ops.convert_to_tensor(images))  # eagerly: evaluate() already ran it in a graph
        mean, log_var, _ = (_numpy(output) for output in exact.encoder(images))
        decoded = np.clip(_numpy(exact.decoder(mean)).reshape(self.batch, -1), 1e-7, 1 - 1e-7)
        pixels = images.reshape(self.batch, -1).astype(np.float64)
        bce = -(pixels * np.log(decoded) + (1 - pixels) * np.log(1 - decoded))
        data["exact_logs"] = {key: float(_numpy(value)) for key, value in dict(logs).items()}
        data["exact_bce_mean"] = float(bce.mean())
        data["exact_bce_sum"] = float(bce.sum(axis=1).mean())
        data["exact_mse"] = float(np.mean((pixels - decoded) ** 2))
        data["exact_kl"] = float(_kl(mean, log_var).mean())

        default = vae_class()
        data["default_params"] = [int(default.encoder.count_params()), int(default.decoder.count_params())]
        return data

    def verify(self, got, expected):
        missing = sorted({"loss", "reconstruction_loss", "kl_loss"} - set(got["metric_names"]))
        if missing:
            raise Fail("metric trackers", "loss, reconstruction_loss and kl_loss", ", ".join(got["metric_names"]),
                       f"missing {', '.join(missing)}: create keras.metrics.Mean(name=...) trackers in __init__ and "
                       "list them in the metrics property")
        if not got["encoder_changed"] and not got["decoder_changed"]:
            raise Fail("weights after one training step", "changed", "unchanged",
                       "compute the gradients of the loss with tf.GradientTape and apply them: "
                       "self.optimizer.apply(gradients, self.trainable_weights)")
        if not got["encoder_changed"] or not got["decoder_changed"]:
            part = "encoder" if not got["encoder_changed"] else "decoder"
            raise Fail(f"the {part}'s weights after one training step", "changed", "unchanged",
                       "take the gradients with respect to all of the model's weights, self.trainable_weights "
                       "(the encoder's and the decoder's)")
        if got["evaluate_changed_weights"]:
            raise Fail("weights after evaluate()", "unchanged", "changed",
                       "test_step computes and tracks the losses only: no gradients, no optimizer")
        for label in ("train_logs", "eval_logs", "exact_logs"):
            missing = sorted({"loss", "reconstruction_loss", "kl_loss"} - set(got[label]))
            if missing:
                raise Fail(f"the logs of {'fit' if label == 'train_logs' else 'evaluate'}",
                           "loss, reconstruction_loss, kl_loss", ", ".join(sorted(got[label])),
                           "return {metric.name: metric.result() for metric in self.metrics} from train_step and "
                           "test_step")
        logs = got["exact_logs"]
        reconstruction, kl = logs["reconstruction_loss"], logs["kl_loss"]
        if not np.isclose(reconstruction, got["exact_bce_mean"], rtol=2e-3):
            hint = "binary cross-entropy between the images and the reconstructions, averaged over the pixels"
            if np.isclose(reconstruction, got["exact_bce_sum"], rtol=2e-3):
                hint = "you summed the cross-entropy over the pixels: the book averages it over the 784 pixels"
            elif np.isclose(reconstruction, got["exact_mse"], rtol=2e-3):
                hint = "that is the mean squared error: use binary cross-entropy, as the book does"
            raise Fail("reconstruction_loss (with noise-free codings)", f"{got['exact_bce_mean']:.6g}",
                       f"{reconstruction:.6g}", hint)
        if not np.isclose(kl, got["exact_kl"], rtol=2e-3):
            hint = "kl_loss is latent_loss(codings_mean, codings_log_var) averaged over the batch (nats per image)"
            if np.isclose(kl, got["exact_kl"] / NUM_PIXELS, rtol=2e-3):
                hint = "kl_loss should track the KL itself (nats per image); divide by 784 only in the total loss"
            elif np.isclose(kl, got["exact_kl"] * self.batch, rtol=2e-3):
                hint = "average the KL over the batch, do not sum it"
            raise Fail("kl_loss (with a known encoder)", f"{got['exact_kl']:.6g}", f"{kl:.6g}", hint)
        for label, where in (("train_logs", "fit"), ("eval_logs", "evaluate"), ("exact_logs", "evaluate")):
            self._verify_total(got[label], where)
        expect_equal("parameters of the default model's encoder and decoder", got["default_params"],
                     expected["default_params"], "the defaults are the book's: codings_size=10, 150-100 / 100-150")

    @staticmethod
    def _verify_total(logs, where):
        total, reconstruction, kl = logs["loss"], logs["reconstruction_loss"], logs["kl_loss"]
        target = reconstruction + kl / NUM_PIXELS
        if np.isclose(total, target, rtol=1e-4, atol=1e-6):
            return
        if np.isclose(total, reconstruction + kl, rtol=1e-4):
            hint = "divide the KL by 784 (the number of pixels) in the total loss, as the book does"
        elif np.isclose(total, reconstruction, rtol=1e-4):
            hint = "the total loss must include the KL: reconstruction_loss + kl_loss / 784"
        else:
            hint = "loss = reconstruction_loss + kl_loss / 784, all three averaged over the same images"
        raise Fail(f"loss = reconstruction_loss + kl_loss / 784 (in {where})", f"{target:.6g}", f"{total:.6g}", hint)


# ---------------------------------------------------------------------------------------------------------------
# exercise 5: generating images


def _linear_decoder(rng, codings_size, scale=0.3):
    """A decoder sigmoid(codings @ W + b) whose codings can be recovered from its images by least squares."""
    import keras

    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(784, activation="sigmoid"),
                                keras.layers.Reshape((28, 28))], name="probe_decoder")
    kernel = rng.normal(0, scale, size=(codings_size, 784))
    bias = rng.normal(0, scale, size=784)
    decoder.set_weights([kernel.astype("float32"), bias.astype("float32")])
    return decoder, kernel, bias


def _recover_codings(images, kernel, bias):
    """Least-squares codings of images made by a linear decoder, and the largest residual (in logits)."""
    flat = np.asarray(images, dtype=np.float64).reshape(len(images), -1)
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


class GenerateImages(Exercise):
    name = "vae_generate"
    title = "generating images from random codings"
    answer = "solutions.vae:generate_images"
    points = 2
    codings_size, num_images = 4, 400

    def probe(self, generate, rng):
        decoder, kernel, bias = _linear_decoder(rng, self.codings_size)
        seed = int(rng.integers(1, 100_000))
        images = np.asarray(generate(decoder, self.num_images, seed), dtype=np.float64)
        data = {"shape": list(images.shape)}
        if images.shape != (self.num_images, 28, 28):
            return data
        again = np.asarray(generate(decoder, self.num_images, seed), dtype=np.float64)
        other = np.asarray(generate(decoder, self.num_images, seed + 1), dtype=np.float64)
        codings, residual = _recover_codings(images, kernel, bias)
        data.update({
            "range": [float(images.min()), float(images.max())],
            "same_seed_same_images": bool(np.allclose(images, again)),
            "other_seed_other_images": not np.allclose(images, other),
            "distinct_images": int(len(np.unique(np.round(images.reshape(len(images), -1), 6), axis=0))),
            "residual": residual,
            "codings_mean": None if codings is None else codings.mean(axis=0),
            "codings_std": None if codings is None else codings.std(axis=0),
        })
        return data

    def verify(self, got, expected):
        n = self.num_images
        expect_equal("shape of the images", got["shape"], [n, 28, 28],
                     "return n_images images of 28 x 28: decode codings of shape (n_images, codings_size)")
        low, high = got["range"]
        if low < 0 or high > 1:
            raise Fail("pixel range", "[0, 1]", f"[{low:.3g}, {high:.3g}]",
                       "return the decoder's outputs as they are (its sigmoid keeps them in [0, 1])")
        if got["distinct_images"] < n:
            raise Fail("number of different images", n, got["distinct_images"],
                       "draw different codings for each image: keras.random.normal((n_images, codings_size), ...)")
        if got["residual"] > 1e-2 or got["codings_mean"] is None:
            raise Fail("images made by the decoder", "decoder(codings) for some codings",
                       "images the decoder cannot produce",
                       "return decoder(codings) (or decoder.predict(codings)) without changing the pixels")
        if not got["same_seed_same_images"]:
            raise Fail("two calls with the same seed", "the same images", "different images",
                       "pass the integer seed to keras.random.normal(..., seed=seed): the same seed must give the "
                       "same images")
        if not got["other_seed_other_images"]:
            raise Fail("two calls with different seeds", "different images", "the same images",
                       "the seed argument is ignored: draw the codings with seed=seed")
        mean, std = np.asarray(got["codings_mean"]), np.asarray(got["codings_std"])
        if np.any(np.abs(mean) > 5 / np.sqrt(n)) or np.any(np.abs(std - 1) > 5 / np.sqrt(2 * n)):
            hint = "draw the codings from the prior, the standard normal: keras.random.normal"
            if np.allclose(mean, 0.5, atol=0.1) and np.allclose(std, np.sqrt(1 / 12), atol=0.05):
                hint = "those codings are uniform in [0, 1]: the prior is the standard normal (keras.random.normal)"
            raise Fail("mean and standard deviation of the codings behind the images", "about 0 and 1",
                       f"{_fmt(mean)} and {_fmt(std)}", hint)


# ---------------------------------------------------------------------------------------------------------------
# exercise 6: semantic interpolation


def _probe_encoder(rng, codings_size):
    """A small variational encoder with known weights and its own seeded noise."""
    import keras

    class _Noise(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(1234)

        def call(self, inputs):
            mean, log_var = inputs
            return mean + keras.ops.exp(log_var / 2) * keras.random.normal(keras.ops.shape(mean),
                                                                           seed=self.seed_generator)

    inputs = keras.Input(shape=(28, 28))
    flat = keras.layers.Flatten()(inputs)
    # a nonlinear mean, so that mixing the inputs differs from mixing the codings
    mean_layer = keras.layers.Dense(codings_size, activation="tanh")
    log_var_layer = keras.layers.Dense(codings_size)
    mean, log_var = mean_layer(flat), log_var_layer(flat)
    encoder = keras.Model(inputs, [mean, log_var, _Noise()([mean, log_var])], name="probe_encoder")
    mean_layer.set_weights([rng.normal(0, 0.1, size=(784, codings_size)).astype("float32"),
                            np.zeros(codings_size, "float32")])
    log_var_layer.set_weights([np.zeros((784, codings_size), "float32"), np.zeros(codings_size, "float32")])
    return encoder


class InterpolateImages(Exercise):
    name = "vae_interpolate"
    title = "semantic interpolation"
    answer = "solutions.vae:interpolate_images"
    points = 2
    codings_size, n_steps = 3, 5

    def probe(self, interpolate, rng):
        encoder = _probe_encoder(rng, self.codings_size)
        decoder, _, _ = _linear_decoder(rng, self.codings_size, scale=0.5)
        start, end = rng.uniform(size=(2, 28, 28)).astype("float32")
        images = np.asarray(interpolate(encoder, decoder, start, end, self.n_steps), dtype=np.float64)
        again = np.asarray(interpolate(encoder, decoder, start, end, self.n_steps), dtype=np.float64)
        # what the common mistakes give, to name them
        mean = _numpy(encoder(np.stack([start, end]))[0])
        ends = _numpy(decoder(mean))
        weights = np.linspace(0, 1, self.n_steps)[:, None, None]
        inner = np.linspace(0, 1, self.n_steps + 2)[1:-1, None]
        mistakes = {
            "pixel_mix": (1 - weights) * ends[0] + weights * ends[1],
            "input_mix": (1 - weights) * start + weights * end,
            "encoded_input_mix": _numpy(decoder(encoder(((1 - weights) * start + weights * end).astype("float32"))[0])),
            "no_ends": _numpy(decoder(((1 - inner) * mean[0] + inner * mean[1]).astype("float32"))),
        }
        return {
            "images": images.astype("float32"),
            "repeatable": bool(images.shape == again.shape and np.allclose(images, again)),
            "mistakes": [key for key, wrong in mistakes.items()
                         if images.shape == wrong.shape and np.allclose(images, wrong, atol=1e-4)],
        }

    def verify(self, got, expected):
        images = np.asarray(got["images"])
        expect_equal("shape of the row of images", list(images.shape), [self.n_steps, 28, 28],
                     "n_steps images, both ends included: weights np.linspace(0, 1, n_steps)")
        if not got["repeatable"]:
            raise Fail("two calls on the same images", "the same row", "a different row",
                       "interpolate between the codings means (the encoder's first output), not the sampled codings")
        for key, hint in [("pixel_mix", "you mixed the decoded pixels: mix the codings, then decode each mix"),
                          ("input_mix", "you mixed the input images: encode them, mix the codings, then decode"),
                          ("encoded_input_mix", "you encoded mixes of the input images: encode the two images, "
                                                "then mix their codings"),
                          ("no_ends", "include both ends: the weights are np.linspace(0, 1, n_steps)")]:
            if key in got["mistakes"]:
                raise Fail("interpolated images", "decoded mixes of the two codings", "another row", hint)
        if np.allclose(images[::-1], expected["images"], atol=1e-4):
            raise Fail("order of the row", "from image_start to image_end", "the reverse",
                       "the first image is image_start's (weight 0 on image_end)")
        expect_close("interpolated images", images, expected["images"], rtol=1e-3, atol=1e-4,
                     hint="encode both images, take codings_mean, mix (1 - w) * start + w * end for "
                          "w in np.linspace(0, 1, n_steps), decode the mixes")


EXERCISES = [SamplingLayer(), LatentLoss(), EncoderDecoder(), VaeModel(), GenerateImages(), InterpolateImages()]
