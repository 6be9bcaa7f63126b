"""Checks for lesson 05, denoising autoencoders. Reference answers: ``solutions/denoising.py``."""

import numpy as np

from autograder.exercise import Exercise, Fail, expect_autoencoder_models, expect_close, expect_equal

LESSON = "05_denoising"


def _numpy(value):
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


def _leaf_layers(model):
    """The model's layers in order, nested models opened up, input layers left out."""
    import keras

    leaves = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            leaves.extend(_leaf_layers(layer))
        elif not isinstance(layer, keras.layers.InputLayer):
            leaves.append(layer)
    return leaves


def _noise_layer_stats(autoencoder, x):
    """Walk the layers as a chain; describe the first one that behaves differently in training.

    Returns ``{"found": bool, "dense_before": Dense layers before it, "zero_fraction": fraction of values it
    zeroed, "std": standard deviation of what it changed}``, or ``{"found": None}`` when the model is not a chain.
    """
    import keras

    hidden = x
    dense_before = 0
    try:
        for layer in _leaf_layers(autoencoder):
            inference = _numpy(layer(hidden, training=False))
            training = _numpy(layer(hidden, training=True))
            if inference.shape == training.shape and not np.allclose(inference, training, atol=1e-6):
                change = training - inference
                nonzero = inference != 0
                return {"found": True, "dense_before": dense_before,
                        "zero_fraction": float(np.mean(training[nonzero] == 0)),
                        "std": float(np.std(change)), "layer": type(layer).__name__}
            if isinstance(layer, keras.layers.Dense):
                dense_before += 1
            hidden = inference.astype("float32")
    except Exception:  # not a plain chain of layers: the other measurements still judge the answer
        return {"found": None}
    return {"found": False}


class DenoisingAutoencoder(Exercise):
    name = "denoising_autoencoder"
    title = "denoising autoencoder (Gaussian noise and dropout)"
    answer = "solutions.denoising:build_denoising_autoencoder"
    points = 3
    codings_size = 7
    # Not the book's 0.2 and 0.5, so that a hard-coded level, a variance for a standard deviation and a kept
    # fraction for a dropped one all show.
    levels = {"gaussian": 0.3, "dropout": 0.3}
    seed = 11

    def _build(self, build, noise, level, seed):
        models = build(noise=noise, noise_level=level, codings_size=self.codings_size, seed=seed)
        return expect_autoencoder_models(models, context=f" (noise={noise!r})")

    def probe(self, build, rng):
        x = rng.uniform(0.05, 0.95, size=(16, 28, 28)).astype("float32")
        data = {}
        for noise, level in self.levels.items():
            encoder, decoder, autoencoder = self._build(build, noise, level, self.seed)
            codings = _numpy(encoder(x, training=False))
            first, second = _numpy(autoencoder(x, training=False)), _numpy(autoencoder(x, training=False))
            composed = _numpy(decoder(encoder(x, training=False), training=False))
            # the same model without noise, with the same weights
            _, _, clean = self._build(build, noise, 0.0, self.seed)
            try:
                clean.set_weights(autoencoder.get_weights())
                noiseless_gap = float(np.max(np.abs(first - _numpy(clean(x, training=False)))))
            except ValueError:
                noiseless_gap = None
            trained = _numpy(autoencoder(x, training=True))
            # two fresh builds with the same seed draw the same noise; another seed draws other noise
            fresh = [self._build(build, noise, level, seed)[2] for seed in (self.seed, self.seed, self.seed + 1)]
            draws = []
            for model in fresh:
                model.set_weights(autoencoder.get_weights())
                draws.append(_numpy(model(x, training=True)))
            data[noise] = {
                "codings_shape": list(codings.shape), "output_shape": list(first.shape),
                "codings_min": float(codings.min()),
                "output_range": [float(first.min()), float(first.max())],
                "num_params": int(autoencoder.count_params()),
                "compose_error": float(np.max(np.abs(first - composed))) if composed.shape == first.shape else 1.0,
                "inference_repeat_gap": float(np.max(np.abs(first - second))),
                "noiseless_gap": noiseless_gap,
                "training_gap": float(np.max(np.abs(trained - first))),
                "same_seed_gap": float(np.max(np.abs(draws[0] - draws[1]))),
                "other_seed_gap": float(np.max(np.abs(draws[0] - draws[2]))),
                "noise_layer": _noise_layer_stats(autoencoder, x),
                "level": level,
            }
        return data

    def verify(self, got, expected):
        for noise in self.levels:
            self._verify_one(noise, got[noise], expected[noise])

    def _verify_one(self, noise, got, exp):
        label = f"noise={noise!r}"
        expect_equal(f"encoder output shape ({label})", got["codings_shape"], exp["codings_shape"],
                     "the encoder ends with Dense(codings_size, activation='relu')")
        expect_equal(f"autoencoder output shape ({label})", got["output_shape"], exp["output_shape"],
                     "end the decoder with keras.layers.Reshape((28, 28)) so outputs look like the inputs")
        if got["inference_repeat_gap"] > 1e-6:
            raise Fail(f"two calls with training=False give the same output ({label})", "identical outputs",
                       f"a difference of {got['inference_repeat_gap']:.3g}",
                       "the noise must act only in training: use the Keras layer (GaussianNoise or Dropout), which "
                       "passes its input through unchanged when training=False, not keras.random in your own code")
        if got["training_gap"] <= 1e-6 or got["noise_layer"]["found"] is False:
            raise Fail(f"the output with training=True differs from inference ({label})", "noisy outputs",
                       "the same outputs",
                       "add the noise layer right after Flatten: keras.layers.GaussianNoise(noise_level, seed=seed) "
                       "for 'gaussian', keras.layers.Dropout(noise_level, seed=seed) for 'dropout'")
        stats, exp_stats = got["noise_layer"], exp["noise_layer"]
        if stats["found"]:
            self._verify_noise(label, noise, got["level"], stats, exp_stats)
        if got["noiseless_gap"] is None:
            raise Fail(f"building with noise_level=0 ({label})", "the same layers and weights", "other weights",
                       "build the same layers whatever the noise level")
        if got["noiseless_gap"] > 1e-5:
            raise Fail(f"in inference, the model equals the same model without noise ({label})", "0 difference",
                       f"{got['noiseless_gap']:.3g}",
                       "at inference the noise layer must be the identity: do not rescale or corrupt the input "
                       "yourself; GaussianNoise and Dropout already do the right thing")
        if got["same_seed_gap"] > 1e-6:
            raise Fail(f"two models built with the same seed draw the same noise ({label})", "the same noise",
                       "different noise", "seed the noise: pass seed=seed to the noise layer")
        if got["other_seed_gap"] <= 1e-6:
            raise Fail(f"models built with different seeds draw different noise ({label})", "different noise",
                       "the same noise", "use the seed argument, not a fixed number, in the noise layer")
        if got["compose_error"] > 1e-5:
            raise Fail(f"autoencoder(x) == decoder(encoder(x)) ({label})", "0 difference",
                       f"{got['compose_error']:.3g}", "build the autoencoder as keras.Sequential([encoder, decoder])")
        if got["codings_min"] < 0:
            raise Fail(f"the codings are ReLU outputs ({label})", "no negative codings",
                       f"a coding of {got['codings_min']:.3g}", "use activation='relu' in the encoder's Dense layers")
        low, high = got["output_range"]
        if low < 0 or high > 1:
            raise Fail(f"outputs in [0, 1] ({label})", "pixel intensities", f"values from {low:.3g} to {high:.3g}",
                       "end the decoder with Dense(784, activation='sigmoid'): binary cross-entropy needs outputs in "
                       "[0, 1]")
        expect_equal(f"number of parameters ({label})", got["num_params"], exp["num_params"],
                     "encoder: Flatten, noise, Dense(100, relu), Dense(codings_size, relu); decoder: Dense(100, relu), "
                     "Dense(784, sigmoid), Reshape((28, 28))")

    @staticmethod
    def _verify_noise(label, noise, level, stats, exp):
        if stats["dense_before"] > 0:
            raise Fail(f"where the noise is ({label})", "at the input, before the first Dense layer",
                       f"after {stats['dense_before']} Dense layer(s)",
                       "put the noise layer right after Flatten: a denoising autoencoder corrupts the images, not "
                       "its hidden layers or codings")
        if noise == "gaussian" and stats["zero_fraction"] > 0.1:
            raise Fail(f"the kind of noise ({label})", "Gaussian noise added to every pixel",
                       f"{stats['zero_fraction']:.0%} of the pixels set to 0",
                       "noise='gaussian' takes keras.layers.GaussianNoise; Dropout is for noise='dropout'")
        if noise == "dropout" and stats["zero_fraction"] < 0.05:
            raise Fail(f"the kind of noise ({label})", f"{level:.0%} of the pixels set to 0",
                       "no pixel set to 0", "noise='dropout' takes keras.layers.Dropout(noise_level, seed=seed)")
        if noise == "dropout":
            fraction, wanted = stats["zero_fraction"], exp["zero_fraction"]
            if abs(fraction - wanted) > 0.04:
                hint = ("Dropout's rate is the fraction of inputs dropped, not kept: pass noise_level itself"
                        if abs(fraction - (1 - level)) < 0.04 else
                        "pass noise_level as the dropout rate, not a fixed number")
                raise Fail(f"fraction of pixels dropped ({label})", f"{wanted:.2f}", f"{fraction:.2f}", hint)
        else:
            std, wanted = stats["std"], exp["std"]
            if abs(std - wanted) > 0.05 * wanted:
                hint = ("GaussianNoise takes the standard deviation: pass noise_level, not its square"
                        if abs(std - level ** 2) < 0.05 * level ** 2 else
                        "pass noise_level as GaussianNoise's standard deviation, not a fixed number")
                raise Fail(f"standard deviation of the noise ({label})", f"{wanted:.3f}", f"{std:.3f}", hint)


class DenoisingErrors(Exercise):
    name = "denoising_errors"
    title = "reconstruction error against the noise level"
    answer = "solutions.denoising:denoising_errors"
    points = 2
    levels = [0.0, 0.1, 0.3, 0.6]
    num_images = 128

    @staticmethod
    def _models():
        import keras

        def model(*layers):
            return keras.Sequential([keras.Input(shape=(28, 28)), *layers])

        # Stand-ins for a trained autoencoder whose errors are known in closed form.
        return {"identity": model(keras.layers.Identity()),
                "clip": model(keras.layers.ReLU(max_value=1.0)),
                "noisy": model(keras.layers.GaussianNoise(0.5, seed=3), keras.layers.ReLU(max_value=1.0))}

    def probe(self, errors_of, rng):
        images = rng.uniform(0.0, 1.0, size=(self.num_images, 28, 28)).astype("float32")
        data = {"levels": list(self.levels)}
        for name, model in self._models().items():
            errors = np.asarray(errors_of(model, images, self.levels, seed=7), dtype=np.float64)
            data[name] = errors
        # What a few mistakes would give (computed here, by the check, with its own noise).
        noise_rng = np.random.default_rng(123)
        against_noisy, clipped_then_identity, variance_then_clip = [], [], []
        for level in self.levels:
            noise = noise_rng.normal(0.0, 1.0, size=images.shape)
            noisy = images + level * noise
            against_noisy.append(np.mean(np.square(np.clip(noisy, 0, 1) - noisy)))
            clipped_then_identity.append(np.mean(np.square(np.clip(noisy, 0, 1) - images)))
            variance_then_clip.append(np.mean(np.square(np.clip(images + level ** 2 * noise, 0, 1) - images)))
        data["candidates"] = {"against_noisy": np.array(against_noisy), "clipped": np.array(clipped_then_identity),
                              "variance_then_clip": np.array(variance_then_clip)}
        return data

    def verify(self, got, expected):
        levels = np.asarray(expected["levels"])
        candidates = expected["candidates"]
        num_values = self.num_images * 28 * 28
        for name in ("clip", "identity", "noisy"):
            value, exp = np.asarray(got[name], dtype=np.float64), expected[name]
            if value.shape != exp.shape:
                raise Fail(f"errors shape ({name} model)", exp.shape, value.shape,
                           "return one number per noise level: average the squared error over images and pixels")
            if np.allclose(value, exp, rtol=0.03, atol=1e-6):
                continue
            hints = [
                (np.zeros_like(exp), "no noise reached the model: add rng.normal(0, level, images.shape) to the images"),
                (exp * 28 * 28, "you summed over pixels: take the mean over pixels too"),
                (exp * num_values, "you summed the squared errors: take their mean"),
            ]
            if name == "identity":
                hints += [(levels ** 4, "the standard deviation of the noise is the level itself, not its square"),
                          (candidates["clipped"], "do not clip the noisy images: the model trained on unclipped noise")]
            if name == "clip":
                hints += [(candidates["variance_then_clip"], "the standard deviation of the noise is the level "
                                                             "itself, not its square"),
                          (expected["identity"], "you measured the noisy images' error: pass them through the "
                                                 "autoencoder and measure its reconstructions"),
                          (candidates["against_noisy"], "compare the reconstructions with the clean images, not "
                                                        "with the noisy ones")]
            if name == "noisy" and np.allclose(got["clip"], expected["clip"], rtol=0.03, atol=1e-6):
                raise Fail("errors per noise level (a model with a noise layer of its own)", _fmt(exp), _fmt(value),
                           "run the autoencoder in inference mode (autoencoder.predict, or training=False): in "
                           "training mode its noise layer adds noise on top of yours")
            for candidate, hint in hints:  # other noise than the reference's: a looser match
                if np.allclose(value, candidate, rtol=0.06, atol=1e-6):
                    raise Fail(f"errors per noise level ({name} model)", _fmt(exp), _fmt(value), hint)
            expect_close(f"errors per noise level ({name} model)", value, exp, rtol=0.03, atol=1e-6,
                         hint="add Gaussian noise of standard deviation `level` to the images, reconstruct them with "
                              "autoencoder.predict, and average the squared difference from the clean images")


def _fmt(array):
    return np.array2string(np.asarray(array), precision=4)


EXERCISES = [DenoisingAutoencoder(), DenoisingErrors()]
