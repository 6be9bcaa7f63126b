"""Lesson 07's checks of exercises 5 and 6, generating and interpolating images (``l07_vae.py`` lists them all).

Both probes give the learner's function a decoder that is linear before its sigmoid, with weights the probe draws,
so the verify can read the codings back from the images with the reference's copy of those weights: only images
that decoder made from the right codings pass, whatever drew or mixed them."""

import numpy as np

from autograder.checks import _l07_probes as probes
from autograder.checks._l07_probes import NUM_PIXELS, close as _close, encode as _encode, fmt as _fmt
from autograder.checks.exercise import Exercise, Fail, expect_close, expect_equal


# ---------------------------------------------------------------------------------------------------------------
# exercise 5: generating images


class GenerateImages(Exercise):
    """The decoder is linear before its sigmoid, with weights the probe draws, so the verify reads the codings
    back from the images (with the reference's copy of those weights): images that decoder did not make fail."""

    name = "vae_generate"
    title = "generating images from random codings"
    answer = "solutions.vae:generate_images"
    points = 2
    codings_size, num_images, num_pixels, num_repeats = 4, 2_000, 12, 50

    def probe(self, generate, rng):
        decoder, kernel, bias = probes.linear_decoder(rng, self.codings_size)
        pixels = np.sort(rng.choice(NUM_PIXELS, self.num_pixels, replace=False))
        seed = int(rng.integers(1, 100_000))
        try:
            images = np.asarray(generate(decoder, self.num_images, seed), dtype=np.float64)
        except ValueError as error:  # Keras: the decoder got codings of another size
            if "shape" not in str(error) and "incompatible" not in str(error):
                raise
            raise Fail("generate_images(decoder, ...) with a decoder of 4 codings", "images",
                       f"ValueError: {str(error)[:150]}",
                       "read codings_size from the decoder: decoder.input_shape[-1] (do not hard-code 10)") from None
        data = {"shape": list(images.shape), "kernel": kernel[:, pixels], "bias": bias[pixels]}
        if images.shape != (self.num_images, 28, 28):
            return data
        again = np.asarray(generate(decoder, self.num_repeats, seed), dtype=np.float64)
        other = np.asarray(generate(decoder, self.num_repeats, seed + 1), dtype=np.float64)
        data.update(range=[float(images.min()), float(images.max())],
                    pixels=images.reshape(len(images), -1)[:, pixels].astype("float32"),
                    **{name: array.reshape(len(array), -1)[:, pixels].astype("float32") if array.ndim == 3 else
                       np.zeros((0, self.num_pixels), "float32") for name, array in [("again", again),
                                                                                      ("other", other)]})
        return data

    def verify(self, got, expected):
        n = self.num_images
        expect_equal("shape of the images", got["shape"], [n, 28, 28],
                     "return n_images images of 28 x 28: decode codings of shape (n_images, codings_size)")
        low, high = got["range"]
        if low < 0 or high > 1:
            raise Fail("pixel range", "[0, 1]", f"[{low:.3g}, {high:.3g}]",
                       "return the decoder's outputs as they are (its sigmoid keeps them in [0, 1])")
        pixels = np.asarray(got["pixels"], np.float64)
        codings, residual = probes.recover_codings(pixels, expected["kernel"], expected["bias"])
        if residual > 1e-2:
            raise Fail("images made by the decoder the check gave", "decoder(codings) for some codings",
                       "images that decoder cannot produce",
                       "return decoder(codings) (or decoder.predict(codings)) without changing the pixels")
        distinct = len(np.unique(np.round(pixels, 6), axis=0))
        if distinct < n:
            raise Fail("number of different images", n, distinct,
                       "draw different codings for each image: keras.random.normal((n_images, codings_size), ...)")
        again, other = (np.asarray(got[key], np.float64) for key in ("again", "other"))
        if again.shape != (self.num_repeats, self.num_pixels) or not np.allclose(again, pixels[: len(again)]):
            raise Fail("two calls with the same seed", "the same images", "different images",
                       "pass the integer seed to keras.random.normal(..., seed=seed): the same seed must give the "
                       "same images")
        if other.shape != again.shape or np.allclose(other, again) or \
                probes.recover_codings(other, expected["kernel"], expected["bias"])[1] > 1e-2:
            raise Fail("two calls with different seeds", "different images", "the same images",
                       "the seed argument is ignored: draw the codings with seed=seed")
        mean, std = codings.mean(axis=0), codings.std(axis=0)
        values = codings.size  # every coding of every image: the standard normal's moments, pooled
        pooled_std = float(codings.std())
        kurtosis = float(np.mean((codings - codings.mean()) ** 4) / codings.var() ** 2)
        if np.any(np.abs(mean) > 5 / np.sqrt(n)) or np.any(np.abs(std - 1) > 5 / np.sqrt(2 * n)) or \
                abs(pooled_std - 1) > 5 / np.sqrt(2 * values) or abs(kurtosis - 3) > 6 * np.sqrt(24 / values):
            hint = "draw the codings from the prior, the standard normal: keras.random.normal"
            if np.allclose(mean, 0.5, atol=0.1) and np.allclose(std, np.sqrt(1 / 12), atol=0.05):
                hint = "those codings are uniform in [0, 1]: the prior is the standard normal (keras.random.normal)"
            elif kurtosis < 3 - 6 * np.sqrt(24 / values) and pooled_std < 1:
                hint = ("those codings have no tails (a truncated normal?): the prior is the full standard normal, "
                        "keras.random.normal")
            raise Fail("mean and standard deviation of the codings behind the images", "about 0 and 1",
                       f"{_fmt(mean)} and {_fmt(std)} (kurtosis {kurtosis:.2f}, the normal's is 3)", hint)


# ---------------------------------------------------------------------------------------------------------------
# exercise 6: semantic interpolation


class InterpolateImages(Exercise):
    """The probe's decoder is linear before its sigmoid, so the verify reads the codings back from the row of
    images and names where they lie: off the decoder's range, off the line between the two codings means, or on it
    with other weights than np.linspace(0, 1, n_steps)."""

    name = "vae_interpolate"
    title = "semantic interpolation"
    answer = "solutions.vae:interpolate_images"
    points = 2
    codings_size, n_steps, num_pixels = 3, 5, 64

    def probe(self, interpolate, rng):
        encoder = probes.probe_encoder(rng, self.codings_size)
        decoder, kernel, bias = probes.linear_decoder(rng, self.codings_size, scale=1.0)
        # a dark and a bright image, so that their codings differ in every coordinate
        start, end = (rng.uniform(low, low + 0.5, size=(28, 28)).astype("float32") for low in (0.0, 0.5))
        pixels = np.sort(rng.choice(NUM_PIXELS, self.num_pixels, replace=False))  # the pixels the check compares
        images = np.asarray(interpolate(encoder, decoder, start, end, self.n_steps), dtype=np.float64)
        again = np.asarray(interpolate(encoder, decoder, start, end, self.n_steps), dtype=np.float64)
        mean, _, sampled = _encode(encoder, np.stack([start, end]))
        return {"shape": list(images.shape), "kernel": kernel[:, pixels], "bias": bias[pixels],
                "images": images.reshape(len(images), -1)[:, pixels].astype("float32")
                if images.ndim == 3 and images.shape[1:] == (28, 28) else None,
                "inputs": np.stack([start, end]).reshape(2, -1)[:, pixels], "ends_mean": mean, "ends_sampled": sampled,
                "repeatable": bool(images.shape == again.shape and np.allclose(images, again))}

    def verify(self, got, expected):
        expect_equal("shape of the row of images", got["shape"], [self.n_steps, 28, 28],
                     "n_steps images, both ends included: weights np.linspace(0, 1, n_steps)")
        images, reference = np.asarray(got["images"], np.float64), np.asarray(expected["images"], np.float64)
        if not got["repeatable"]:
            raise Fail("two calls on the same images", "the same row", "a different row",
                       "interpolate between the codings means (the encoder's first output), not the sampled codings")
        if _close(images, reference, 1e-3, 1e-4):
            return
        weights = np.linspace(0, 1, self.n_steps)[:, None]
        start, end = np.asarray(expected["inputs"], np.float64)
        for wrong, hint in [((1 - weights) * reference[0] + weights * reference[-1],
                             "you mixed the decoded pixels: mix the codings, then decode each mix"),
                            ((1 - weights) * start + weights * end,
                             "you mixed the input images: encode them, mix the codings, then decode")]:
            if _close(images, wrong, 1e-3, 1e-4):
                raise Fail("interpolated images", "decoded mixes of the two codings", "another row", hint)
        codings, residual = probes.recover_codings(images, expected["kernel"], expected["bias"])
        if codings is None or residual > 1e-3:
            raise Fail("interpolated images", "images the decoder makes", "images it cannot make",
                       "return the decoded mixes as they are: decoder(mixed codings), not a mix of images")
        self._name_the_mix(codings, expected)
        expect_close("interpolated images (64 pixels the check chose)", images, reference, rtol=1e-3, atol=1e-4,
                     hint="encode both images, take codings_mean, mix (1 - w) * start + w * end for "
                          "w in np.linspace(0, 1, n_steps), decode the mixes")

    def _name_the_mix(self, codings, expected):
        """Fail naming the mix behind ``codings``: which two ends, which weights."""
        for ends, which in [(expected["ends_mean"], "mean"), (expected["ends_sampled"], "sampled")]:
            first, last = np.asarray(ends, np.float64)
            direction = last - first
            weights = (codings - first) @ direction / (direction @ direction)
            off_line = np.max(np.abs(codings - first - weights[:, None] * direction))
            if off_line < 1e-3 and which == "sampled":
                raise Fail("interpolated codings", "mixes of the codings means", "mixes of the sampled codings",
                           "interpolate between the codings means (the encoder's first output), not the sampled "
                           "codings")
            if off_line < 1e-3:
                break
        else:
            means = np.asarray(expected["ends_mean"], np.float64)
            ends_right = np.allclose(codings[[0, -1]], means, atol=1e-3)
            raise Fail("interpolated codings", "points on the line between the two codings means", "other points",
                       "you encoded mixes of the input images: encode the two images, then mix their codings"
                       if ends_right else "the ends are the codings_mean of the two images (the encoder's first "
                       "output), and the mixes lie on the line between them")
        n = self.n_steps
        for wrong, hint in [
            (np.linspace(1, 0, n), "the first image is image_start's (weight 0 on image_end): w goes from 0 to 1"),
            (np.arange(n) / n, "the row stops short of image_end: np.linspace(0, 1, n_steps) includes both ends "
                               "(not endpoint=False, not np.arange(n_steps) / n_steps)"),
            (np.arange(1, n + 1) / n, "the row starts after image_start: np.linspace(0, 1, n_steps) includes both "
                                      "ends"),
            (np.linspace(0, 1, n + 2)[1:-1], "include both ends: the weights are np.linspace(0, 1, n_steps)"),
        ]:
            if np.allclose(weights, wrong, atol=1e-3):
                raise Fail("mixing weights of the row", _fmt(np.linspace(0, 1, n)), _fmt(weights), hint)
        if not np.allclose(weights, np.linspace(0, 1, n), atol=1e-3):
            raise Fail("mixing weights of the row", _fmt(np.linspace(0, 1, n)), _fmt(weights),
                       "mix (1 - w) * start + w * end for w in np.linspace(0, 1, n_steps)")
