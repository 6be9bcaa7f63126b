"""Checks for lesson 05, denoising autoencoders. Reference answers: ``solutions/denoising.py``.

Both checks judge what the answer computes on this run's draws. The autoencoder gets every weight from the probe's
seed (in layer order, by shape), so its inference outputs are compared with the reference's number for number, and
its noise is measured by what it does to the outputs in training. ``denoising_errors`` is run on a small model with
weights drawn from the seed, with the arguments varied (number of images, levels, seed) and called twice with the
same seed and once with another.
"""

import numpy as np

from autograder.checks.exercise import (Exercise, Fail, expect_autoencoder_models, expect_close,
                                 expect_equal, expect_training_settings, seed_uniform_weights, training_settings,
                                 weights_in_call_order)

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
    zeroed, "std": standard deviation of what it changed, "after_noise": the class name of the first layer between
    it and the next Dense layer that changes the noisy values (a clip, say), or None}``, or ``{"found": None}`` when
    the model is not a chain.
    """
    import keras

    hidden = x
    dense_before = 0
    try:
        layers = _leaf_layers(autoencoder)
        for index, layer in enumerate(layers):
            inference = _numpy(layer(hidden, training=False))
            training = _numpy(layer(hidden, training=True))
            if inference.shape == training.shape and not np.allclose(inference, training, atol=1e-6):
                change = training - inference
                nonzero = inference != 0
                return {"found": True, "dense_before": dense_before,
                        "zero_fraction": float(np.mean(training[nonzero] == 0)),
                        "std": float(np.std(change)), "layer": type(layer).__name__,
                        "after_noise": _changes_before_dense(layers[index + 1:], training)}
            if isinstance(layer, keras.layers.Dense):
                dense_before += 1
            hidden = inference.astype("float32")
    except Exception:  # not a plain chain of layers: the other measurements still judge the answer
        return {"found": None}
    return {"found": False}


def _changes_before_dense(layers, noisy):
    """The class name of the first of ``layers`` (up to the first Dense one) that changes the values of ``noisy``
    at inference (a clip or a rescale after the noise layer; Flatten and Reshape change no value), or None."""
    import keras

    for layer in layers:
        if isinstance(layer, keras.layers.Dense):
            return None
        out = _numpy(layer(noisy.astype("float32"), training=False))
        if out.size != noisy.size or not np.allclose(out.ravel(), noisy.ravel(), atol=1e-6):
            return type(layer).__name__
        noisy = out
    return None


UNKNOWN_NOISE = "salt and pepper"  # a noise the lesson's builder must refuse


def _unknown_noise_outcome(build, codings_size, seed):
    """What building with an unknown noise does: "ValueError", "no error", or another exception's name."""
    try:
        build(noise=UNKNOWN_NOISE, noise_level=0.3, codings_size=codings_size, seed=seed)
    except ValueError:
        return "ValueError"
    except NotImplementedError:
        raise
    except Exception as error:  # noqa: BLE001 - named in the feedback
        return f"{type(error).__name__}"
    return "no error"


class DenoisingAutoencoder(Exercise):
    name = "denoising_autoencoder"
    title = "denoising autoencoder (Gaussian noise and dropout)"
    answer = "solutions.denoising:build_denoising_autoencoder"
    points = 3
    # Not the book's 0.2 and 0.5, so that a hard-coded level, a variance for a standard deviation and a kept
    # fraction for a dropped one all show; the hidden check takes other levels and another codings size.
    levels = {"gaussian": 0.3, "dropout": 0.3}
    codings_size = 7
    hidden_title = "other noise levels, codings size and seed"
    hidden_levels = {"gaussian": 0.15, "dropout": 0.6}
    hidden_codings_size = 5
    draws = 4  # noisy forward passes averaged to measure the noise's effect on the outputs

    def _build(self, build, noise, level, codings_size, seed):
        try:
            models = build(noise=noise, noise_level=level, codings_size=codings_size, seed=seed)
        except ValueError as error:
            if "noise_shape" not in str(error):
                raise
            raise Fail(f"building the model (noise={noise!r})", "a Dropout layer seeded with seed",
                       "a ValueError about noise_shape",
                       "Dropout's second argument is noise_shape, not the seed: pass the seed by name, "
                       "keras.layers.Dropout(noise_level, seed=seed)") from None
        return expect_autoencoder_models(models, context=f" (noise={noise!r})")

    def probe(self, build, rng, levels=None, codings_size=None):
        levels, codings_size = levels or self.levels, codings_size or self.codings_size
        x = rng.uniform(0.05, 0.95, size=(16, 28, 28)).astype("float32")
        seed = int(rng.integers(1, 10_000))
        data = {noise: self._probe_one(build, rng, x, noise, level, codings_size, seed)
                for noise, level in levels.items()}
        data[UNKNOWN_NOISE] = _unknown_noise_outcome(build, codings_size, seed)
        return data

    def hidden_probe(self, build, rng):
        return self.probe(build, rng, self.hidden_levels, self.hidden_codings_size)

    def _probe_one(self, build, rng, x, noise, level, codings_size, seed):
        encoder, decoder, autoencoder = self._build(build, noise, level, codings_size, seed)
        first = _numpy(autoencoder(x, training=False))  # builds a model written without keras.Input
        # in the order the layers run (a subclassed model lists its weights in the order __init__ made them)
        seed_uniform_weights(encoder, rng, weights_in_call_order(encoder, x))
        seed_uniform_weights(decoder, rng, weights_in_call_order(decoder, _numpy(encoder(x, training=False))))
        codings = _numpy(encoder(x, training=False))
        reconstructions = _numpy(decoder(codings.astype("float32"), training=False))
        first, second = _numpy(autoencoder(x, training=False)), _numpy(autoencoder(x, training=False))
        # the same model without noise, with the same weights
        try:
            _, _, clean = self._build(build, noise, 0.0, codings_size, seed)
            clean(x, training=False)
            clean.set_weights(autoencoder.get_weights())
            noiseless_gap, noiseless_error = float(np.max(np.abs(first - _numpy(clean(x, training=False))))), None
        except NotImplementedError:
            raise
        except Fail:  # the models in another form: the checks of the noisy models say so
            noiseless_gap, noiseless_error = None, None
        except Exception as error:  # noqa: BLE001 - a builder that refuses noise_level=0, which the lesson uses
            noiseless_gap, noiseless_error = None, f"{type(error).__name__}: {error}"[:200]
        noisy = [_numpy(autoencoder(x, training=True)) for _ in range(self.draws)]
        # two fresh builds with the same seed draw the same noise; another seed draws other noise
        draws = []
        for model_seed in (seed, seed, seed + 1):
            model = self._build(build, noise, level, codings_size, model_seed)[2]
            model(x, training=False)
            model.set_weights(autoencoder.get_weights())
            draws.append(_numpy(model(x, training=True)))
        return {
            "codings": codings, "reconstructions": reconstructions, "level": level,
            "codings_shape": list(codings.shape), "output_shape": list(first.shape),
            "output_range": [float(first.min()), float(first.max())],
            "num_params": int(autoencoder.count_params()),
            "compose_error": float(np.max(np.abs(first - reconstructions))) if reconstructions.shape == first.shape
            else 1.0,
            "inference_repeat_gap": float(np.max(np.abs(first - second))),
            "noiseless_gap": noiseless_gap, "noiseless_error": noiseless_error,
            "training_settings": training_settings(autoencoder, x),
            "training_gap": float(np.max(np.abs(noisy[0] - first))),
            # mean squared change the noise makes to the outputs: depends on the noise and on this run's weights
            "noise_effect": float(np.mean([np.mean(np.square(draw - first)) for draw in noisy])),
            "same_seed_gap": float(np.max(np.abs(draws[0] - draws[1]))),
            "other_seed_gap": float(np.max(np.abs(draws[0] - draws[2]))),
            "noise_layer": _noise_layer_stats(autoencoder, x),
        }

    def verify(self, got, expected):
        for noise in expected:
            if noise != UNKNOWN_NOISE:
                self._verify_one(noise, got[noise], expected[noise])
        outcome = got.get(UNKNOWN_NOISE, "ValueError")
        if outcome == "no error":  # any error refuses it (a dict's KeyError too); building silently is the mistake
            raise Fail(f"build_denoising_autoencoder(noise={UNKNOWN_NOISE!r}, ...)", "a ValueError", outcome,
                       "accept only noise='gaussian' or 'dropout': else: raise ValueError(f\"noise must be "
                       "'gaussian' or 'dropout', not {noise!r}\") (a typo must not silently build a dropout model)")

    def hidden_verify(self, got, expected):
        self.verify(got, expected)

    def _verify_one(self, noise, got, exp):
        label = f"noise={noise!r}, noise_level={exp['level']}"
        expect_equal(f"encoder output shape ({label})", got["codings_shape"], exp["codings_shape"],
                     "the encoder ends with Dense(codings_size, activation='relu'): use the codings_size argument")
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
        if got["noise_layer"]["found"]:
            self._verify_noise(label, noise, exp["level"], got["noise_layer"], exp["noise_layer"])
        if got["same_seed_gap"] > 1e-6:
            raise Fail(f"two models built with the same seed draw the same noise ({label})", "the same noise",
                       "different noise", "seed the noise: pass seed=seed to the noise layer")
        if got["other_seed_gap"] <= 1e-6:
            raise Fail(f"models built with different seeds draw different noise ({label})", "different noise",
                       "the same noise", "use the seed argument, not a fixed number, in the noise layer")
        if got["compose_error"] > 1e-5:
            raise Fail(f"autoencoder(x) == decoder(encoder(x)) ({label})", "0 difference",
                       f"{got['compose_error']:.3g}", "build the autoencoder as keras.Sequential([encoder, decoder])")
        self._verify_outputs(label, got, exp)
        expect_training_settings(got["training_settings"], exp["training_settings"], f"the autoencoder ({label})")
        if got["noiseless_error"]:
            raise Fail(f"building with noise_level=0.0 ({label}, otherwise)", "a model", got["noiseless_error"],
                       "accept noise_level=0: a noise of strength 0 passes the images unchanged, and the lesson "
                       "builds its plain autoencoder that way, train_autoencoder('gaussian', 0.0)")
        effect, wanted = got["noise_effect"], exp["noise_effect"]
        if not 0.7 * wanted <= effect <= 1.4 * wanted:
            after_noise = (got["noise_layer"] or {}).get("after_noise")
            hint = (f"a {after_noise} layer after the noise layer changes the noisy images (a clip, say): let the "
                    "noise layer feed the first Dense layer as it is; the network learns to undo the noise"
                    if after_noise else "the noise layer's strength: GaussianNoise(noise_level) (a standard deviation) or "
                    "Dropout(noise_level) (the fraction dropped), once, right after Flatten")
            raise Fail(f"how much the noise changes the outputs in training, with weights set from the seed ({label})",
                       f"{wanted:.3g}", f"{effect:.3g}", hint)

    @staticmethod
    def _verify_outputs(label, got, exp):
        """Codings and reconstructions with weights set from the seed; the hint comes from what else is known."""
        if got["noiseless_gap"] is not None and got["noiseless_gap"] > 1e-5:
            hint = ("at inference the noise layer must be the identity: do not rescale or corrupt the input yourself; "
                    "GaussianNoise and Dropout already do the right thing")
        elif got["num_params"] != exp["num_params"]:
            hint = (f"{got['num_params']} parameters instead of {exp['num_params']}: encoder Flatten, noise, "
                    "Dense(100, relu), Dense(codings_size, relu); decoder Dense(100, relu), Dense(784, sigmoid), "
                    "Reshape((28, 28))")
        elif got["output_range"][0] < 0 or got["output_range"][1] > 1:
            hint = "end the decoder with Dense(784, activation='sigmoid'): binary cross-entropy needs outputs in [0, 1]"
        else:
            hint = "use activation='relu' in the encoder's Dense layers and in the decoder's Dense(100)"
        expect_close(f"codings with weights set from the seed ({label})", got["codings"], exp["codings"],
                     rtol=1e-3, atol=1e-5, hint=hint)
        if got["output_range"][0] < 0 or got["output_range"][1] > 1:
            hint = "end the decoder with Dense(784, activation='sigmoid'): binary cross-entropy needs outputs in [0, 1]"
        expect_close(f"reconstructions with weights set from the seed ({label})", got["reconstructions"],
                     exp["reconstructions"], rtol=1e-3, atol=1e-5, hint=hint)

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
    num_images = 96
    hidden_title = "other images, noise levels and seeds"
    hidden_levels = [0.5, 0.2, 0.05]  # not sorted, no 0
    hidden_num_images = 61  # not a multiple of predict's batch of 32

    @staticmethod
    def _models(rng):
        """Stand-ins for trained autoencoders: known closed-form errors, and a small model with seeded weights."""
        import keras

        def model(*layers):
            return keras.Sequential([keras.Input(shape=(28, 28)), *layers])

        seeded = model(keras.layers.Flatten(), keras.layers.Dense(32, activation="tanh"),
                       keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28)))
        seed_uniform_weights(seeded, rng)
        return {"identity": model(keras.layers.Identity()),
                "clip": model(keras.layers.ReLU(max_value=1.0)),
                "noisy": model(keras.layers.GaussianNoise(0.5, seed=3), keras.layers.ReLU(max_value=1.0)),
                "seeded": seeded}

    def probe(self, errors_of, rng, levels=None, num_images=None):
        levels, num_images = levels or self.levels, num_images or self.num_images
        # each image a little brighter than the one before, so that an error over some of the images only (the
        # first batch of a predict, say) is not the error over all of them
        brightness = np.linspace(0.15, 1.0, num_images)[:, None, None]
        images = (rng.uniform(0.0, 1.0, size=(num_images, 28, 28)) * brightness).astype("float32")
        kept = images.copy()
        seed = int(rng.integers(1, 10_000))
        data = {"levels": list(levels), "num_images": num_images}
        models = self._models(rng)
        for name, model in models.items():
            data[name] = np.asarray(errors_of(model, images, levels, seed=seed), dtype=np.float64)
        data["images_changed"] = not np.array_equal(images, kept)
        images = kept.copy()
        # same seed, same errors; another seed, other errors
        data["same_seed"] = np.asarray(errors_of(models["seeded"], images, levels, seed=seed), dtype=np.float64)
        data["other_seed"] = np.asarray(errors_of(models["seeded"], images, levels, seed=seed + 1), dtype=np.float64)
        # What a few mistakes would give (computed here, by the check, with its own noise).
        noise_rng = np.random.default_rng(123)
        against_noisy, clipped_then_identity, variance_then_clip = [], [], []
        for level in levels:
            noise = noise_rng.normal(0.0, 1.0, size=images.shape)
            noisy = images + level * noise
            against_noisy.append(np.mean(np.square(np.clip(noisy, 0, 1) - noisy)))
            clipped_then_identity.append(np.mean(np.square(np.clip(noisy, 0, 1) - images)))
            variance_then_clip.append(np.mean(np.square(np.clip(images + level ** 2 * noise, 0, 1) - images)))
        # rng.normal(level, 0.0, ...): the mean and the standard deviation swapped, every pixel moved by `level`
        shifted = [np.mean(np.square(np.clip(images + level, 0, 1) - images)) for level in levels]
        # the learner's own draws, had they made one (28, 28) noise image per level for the whole batch
        one_image_rng = np.random.default_rng(seed)
        one_image = [np.mean(np.square(one_image_rng.normal(0.0, level, size=images.shape[1:]).astype(np.float32)))
                     for level in levels]
        data["candidates"] = {"against_noisy": np.array(against_noisy), "clipped": np.array(clipped_then_identity),
                              "variance_then_clip": np.array(variance_then_clip), "shifted": np.array(shifted),
                              "one_noise_image": np.array(one_image)}
        return data

    def hidden_probe(self, errors_of, rng):
        return self.probe(errors_of, rng, self.hidden_levels, self.hidden_num_images)

    def hidden_verify(self, got, expected):
        self.verify(got, expected)

    def verify(self, got, expected):
        if got.get("images_changed"):
            raise Fail("the images passed to denoising_errors, after the call", "unchanged", "changed",
                       "make the noisy images a new array, noisy = images + noise: images += noise (or noisy = "
                       "images; noisy += ...) writes the noise into the caller's clean images")
        levels = np.asarray(expected["levels"])
        for name in ("identity", "seeded", "same_seed", "other_seed"):
            value = np.asarray(got[name], dtype=np.float64)
            if value.shape != levels.shape:
                raise Fail(f"errors shape (levels {levels.tolist()})", levels.shape, value.shape,
                           "return one number per noise level: average the squared error over images and pixels")
        first, again, other = (np.asarray(got[name], dtype=np.float64) for name in ("seeded", "same_seed",
                                                                                   "other_seed"))
        if not np.allclose(first, again, rtol=1e-6, atol=1e-9):
            raise Fail("two calls with the same seed give the same errors", _fmt(first), _fmt(again),
                       "the noise is not reproducible: draw it from rng = np.random.default_rng(seed), made once "
                       "inside the function, not from np.random.normal or an unseeded generator")
        noisy_levels = levels > 0
        candidates = expected["candidates"]
        clip, identity = np.asarray(got["clip"], dtype=np.float64), np.asarray(got["identity"], dtype=np.float64)
        if "shifted" in candidates and np.allclose(clip, candidates["shifted"], rtol=1e-3, atol=1e-9) and not \
                np.allclose(clip, expected["clip"], rtol=1e-3, atol=1e-9):
            raise Fail(f"errors per noise level (the clip model, levels {levels.tolist()})", _fmt(expected["clip"]),
                       _fmt(clip), "rng.normal takes the mean first, then the standard deviation: rng.normal(0.0, "
                                   "level, size); rng.normal(level, 0.0, ...) moves every pixel by `level`")
        if "one_noise_image" in candidates and np.allclose(identity, candidates["one_noise_image"], rtol=1e-4,
                                                           atol=1e-12) and not np.allclose(
                identity, expected["identity"], rtol=1e-4, atol=1e-12):
            raise Fail(f"errors per noise level (the identity model, levels {levels.tolist()})",
                       _fmt(expected["identity"]), _fmt(identity),
                       "draw noise for every pixel of every image, size=images.shape: one (28, 28) noise image "
                       "shared by the whole batch corrupts every image the same way")
        if all(np.allclose(np.asarray(got[name], dtype=np.float64), 0, atol=1e-12) for name in ("identity", "clip")):
            raise Fail("errors of a model that returns its input", _fmt(expected["identity"]), _fmt(got["identity"]),
                       "no noise reached the model: add rng.normal(0, level, images.shape) to the images")
        if np.allclose(first[noisy_levels], other[noisy_levels], rtol=1e-9, atol=0):
            raise Fail("calls with different seeds draw different noise", "different errors", "the same errors",
                       "use the seed argument: np.random.default_rng(seed), not a fixed number")
        for name in ("clip", "identity", "noisy", "seeded"):
            self._verify_model(name, np.asarray(got[name], dtype=np.float64), got, expected, levels)

    @staticmethod
    def _verify_model(name, value, got, expected, levels):
        exp, candidates = expected[name], expected["candidates"]
        if np.allclose(value, exp, rtol=0.03, atol=1e-6):
            return
        num_images = expected["num_images"]
        what = {"seeded": "a small model with weights set from the seed"}.get(name, f"the {name} model")
        hints = [
            (np.zeros_like(exp), "no noise reached the model: add rng.normal(0, level, images.shape) to the images"),
            (exp * 28 * 28, "you summed over pixels: take the mean over pixels too"),
            (exp * num_images * 28 * 28, "you summed the squared errors: take their mean"),
            (np.sqrt(exp), "that is the root of the mean squared error: return the mean squared error itself"),
            (exp[np.argsort(levels, kind="stable")],
             "return the errors in the order of noise_levels, as given (not sorted)"),
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
            raise Fail(f"errors per noise level ({what}, levels {levels.tolist()})", _fmt(exp), _fmt(value),
                       "run the autoencoder in inference mode (autoencoder.predict, or training=False): in "
                       "training mode its noise layer adds noise on top of yours")
        for candidate, hint in hints:  # other noise than the reference's: a looser match
            if np.allclose(value, candidate, rtol=0.06, atol=1e-6) and not np.allclose(candidate, exp, rtol=0.06,
                                                                                       atol=1e-6):
                raise Fail(f"errors per noise level ({what}, levels {levels.tolist()})", _fmt(exp), _fmt(value), hint)
        expect_close(f"errors per noise level ({what}, levels {levels.tolist()})", value, exp, rtol=0.03, atol=1e-6,
                     hint="add Gaussian noise of standard deviation `level` to the images, reconstruct them with "
                          "autoencoder.predict, and average the squared difference from the clean images")


def _fmt(array):
    return np.array2string(np.asarray(array), precision=4)


EXERCISES = [DenoisingAutoencoder(), DenoisingErrors()]
