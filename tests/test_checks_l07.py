"""Lesson 07's checks: the reference answers pass, and each mistake a check names is caught with its hint."""

import json

import keras
import nbformat
import numpy as np
import pytest
from keras import ops

from autograder import accuracy, grade
from autograder.checks.runtime import run_check
from solutions import vae


def _passes(name, answer):
    status, message, _ = run_check(name, answer)
    assert status == "passed", message


def _fails_with(name, answer, hint):
    status, message, _ = run_check(name, answer)
    assert status == "failed", f"{status}: {message}"
    assert hint in message, message


@pytest.mark.parametrize("name, answer", [
    ("vae_sampling", vae.Sampling), ("vae_latent_loss", vae.latent_loss),
    ("vae_encoder_decoder", vae.build_encoder_decoder), ("vae_model", vae.VariationalAutoencoder),
    ("vae_generate", vae.generate_images), ("vae_interpolate", vae.interpolate_images),
])
def test_reference_answers_pass(name, answer):
    _passes(name, answer)


# ---------------------------------------------------------------------------------------------------------------
# Sampling


def _sampling(noise=lambda layer, mean, log_var: mean + ops.exp(log_var / 2) * keras.random.normal(
        ops.shape(log_var), seed=layer.seed_generator), config=True, generator_seed=lambda seed: seed):
    class WrongSampling(keras.layers.Layer):
        def __init__(self, seed=None, **kwargs):
            super().__init__(**kwargs)
            self.seed = seed
            self.seed_generator = keras.random.SeedGenerator(generator_seed(seed))

        def call(self, inputs):
            return noise(self, *inputs)

        def get_config(self):
            return {**super().get_config(), **({"seed": self.seed} if config else {})}

    return WrongSampling


def test_the_sampling_helper_is_right_by_default():
    _passes("vae_sampling", _sampling())  # so that each mistake below is the only difference


@pytest.mark.parametrize("noise, hint", [
    (lambda layer, m, v: m + ops.exp(v) * keras.random.normal(ops.shape(v), seed=layer.seed_generator),
     "not by exp(log_var)"),
    (lambda layer, m, v: m + 0 * v, "add noise"),
    (lambda layer, m, v: m + ops.exp(v / 2) * keras.random.normal(ops.shape(v)), "not seeded by the layer"),
    (lambda layer, m, v: m + ops.exp(v / 2) * np.random.normal(size=v.shape).astype("float32"),
     "not seeded by the layer"),
    (lambda layer, m, v: m + ops.exp(v / 2) * keras.random.normal(ops.shape(v), seed=layer.seed),
     "an integer seed makes"),
    (lambda layer, m, v: m + ops.exp(v / 2) * keras.random.normal((ops.shape(v)[1],), seed=layer.seed_generator),
     "every example got the same epsilon"),
    (lambda layer, m, v: m + ops.exp(v / 2) * keras.random.normal((ops.shape(v)[0], 1), seed=layer.seed_generator),
     "share one epsilon"),
    (lambda layer, m, v: m + ops.exp(v / 2) * keras.random.uniform(ops.shape(v), seed=layer.seed_generator),
     "not uniform"),
    (lambda layer, m, v: m + np.exp(np.asarray(v) / 2) * keras.random.normal(ops.shape(v), seed=layer.seed_generator),
     "gradients flow"),
    (lambda layer, m, v: ops.exp(v / 2) * keras.random.normal(ops.shape(v), seed=layer.seed_generator),
     "centred on codings_mean"),
    (lambda layer, m, v: ops.sum(m + ops.exp(v / 2) * keras.random.normal(ops.shape(v), seed=layer.seed_generator),
                                 axis=-1), "shaped like codings_mean"),
])
def test_sampling_mistakes(noise, hint):
    _fails_with("vae_sampling", _sampling(noise), hint)


def test_sampling_without_seed_in_config():
    _fails_with("vae_sampling", _sampling(config=False), "return it in get_config")


def test_sampling_that_ignores_its_seed():
    _fails_with("vae_sampling", _sampling(generator_seed=lambda seed: 42), "the seed argument is ignored")


# ---------------------------------------------------------------------------------------------------------------
# latent loss


@pytest.mark.parametrize("answer, hint", [
    (lambda m, v: 0.5 * ops.sum(1 + v - ops.exp(v) - m ** 2, axis=-1), "sign is flipped"),
    (lambda m, v: -ops.sum(1 + v - ops.exp(v) - m ** 2, axis=-1), "factor 0.5 is missing"),
    (lambda m, v: -0.5 * ops.mean(1 + v - ops.exp(v) - m ** 2, axis=-1), "sum over the codings instead"),
    (lambda m, v: -0.5 * ops.sum(1 + v - ops.exp(v / 2) - m ** 2, axis=-1), "is the standard deviation"),
    (lambda m, v: -0.5 * ops.sum(1 + 2 * v - ops.exp(2 * v) - m ** 2, axis=-1), "treated the input as log(std)"),
    (lambda m, v: -0.5 * ops.sum(1 + v - ops.exp(v) - m, axis=-1), "square the mean"),
    (lambda m, v: ops.mean(-0.5 * ops.sum(1 + v - ops.exp(v) - m ** 2, axis=-1)), "do not average over the batch"),
    (lambda m, v: -0.5 * (1 + v - ops.exp(v) - m ** 2), "to get one value per example"),
    (lambda m, v: -0.5 * ops.sum(1 + v + ops.exp(v) - m ** 2, axis=-1), "KL = -0.5 * sum over codings"),
    (lambda m, v: -0.5 * ops.sum(v - ops.exp(v) - m ** 2, axis=-1), "the 1 + term is missing"),
])
def test_latent_loss_mistakes(answer, hint):
    _fails_with("vae_latent_loss", answer, hint)


# ---------------------------------------------------------------------------------------------------------------
# encoder and decoder


Sampling = vae.Sampling  # the learner's Sampling: a global name of the answer's namespace, as in the notebook


def _parts(hidden="selu", head=None, output="sigmoid", sizes=(150, 100), sample=True, pass_seed=True, reshape=True,
           default_codings=10, swap_inputs=False):
    def build(codings_size=default_codings, seed=None):
        inputs = keras.Input(shape=(28, 28))
        z = keras.layers.Flatten()(inputs)
        for units in sizes:
            z = keras.layers.Dense(units, activation=hidden)(z)
        mean = keras.layers.Dense(codings_size)(z)
        log_var = keras.layers.Dense(codings_size, activation=head)(z)
        pair = [log_var, mean] if swap_inputs else [mean, log_var]
        codings = Sampling(seed=seed if pass_seed else None)(pair) if sample else keras.layers.Identity()(mean)
        encoder = keras.Model(inputs, [mean, log_var, codings])
        decoder_inputs = keras.Input(shape=(codings_size,))
        x = decoder_inputs
        for units in sizes[::-1]:
            x = keras.layers.Dense(units, activation=hidden)(x)
        x = keras.layers.Dense(784, activation=output)(x)
        if reshape:
            x = keras.layers.Reshape((28, 28))(x)
        return encoder, keras.Model(decoder_inputs, x)
    return build


def test_the_parts_helper_is_right_by_default():
    _passes("vae_encoder_decoder", _parts())


def test_a_faulty_sampling_layer_does_not_fail_the_encoder_exercise(monkeypatch):
    class NoisyNowhere(vae.Sampling):  # exercise 1 wrong: no noise at all
        def call(self, inputs):
            return inputs[0]

    monkeypatch.setitem(globals(), "Sampling", NoisyNowhere)
    _passes("vae_encoder_decoder", _parts())
    assert Sampling is NoisyNowhere  # the probe gave the learner's name back


def test_the_encoder_s_sampling_layer_is_judged_by_its_inputs_order():
    # shapes, layer types and seeds are all right; only the codings' values tell
    _fails_with("vae_encoder_decoder", _parts(swap_inputs=True), "[codings_mean, codings_log_var], in that order")


@pytest.mark.parametrize("answer, hint", [
    (_parts(hidden="relu"), "uses SELU"),
    (_parts(output=None), "activation='sigmoid'"),
    (_parts(head="softplus"), "leave both heads without activation"),
    (_parts(sizes=(100, 150)), "Dense(150, selu), Dense(100, selu)"),
    (_parts(hidden="elu"), "uses SELU"),
    (_parts(sample=False), "Sampling(seed=seed)([codings_mean"),
    (_parts(pass_seed=False), "pass the seed on to the Sampling layer"),
    (_parts(reshape=False), "Reshape((28, 28))"),
    (_parts(default_codings=2), "codings_size=10"),
    (lambda codings_size=10, seed=None: _parts()(codings_size, seed)[0], "return encoder, decoder"),
])
def test_encoder_decoder_mistakes(answer, hint):
    _fails_with("vae_encoder_decoder", answer, hint)


# ---------------------------------------------------------------------------------------------------------------
# the VAE model: each wrong model overrides one method of the reference


class _NoKlScaling(vae.VariationalAutoencoder):
    def compute_losses(self, images):
        total, reconstruction, kl = super().compute_losses(images)
        return reconstruction + kl, reconstruction, kl


class _SummedPixels(vae.VariationalAutoencoder):
    def compute_losses(self, images):
        _, reconstruction, kl = super().compute_losses(images)
        reconstruction = reconstruction * 784
        return reconstruction + kl / 784, reconstruction, kl


class _Mse(vae.VariationalAutoencoder):
    def compute_losses(self, images):
        mean, log_var, codings = self.encoder(images)
        reconstruction = ops.mean(ops.square(ops.reshape(images - self.decoder(codings), (-1, 784))), axis=-1)
        kl = vae.latent_loss(mean, log_var)
        return reconstruction + kl / 784, reconstruction, kl


class _ScaledKlTracked(vae.VariationalAutoencoder):
    def compute_losses(self, images):
        total, reconstruction, kl = super().compute_losses(images)
        return total, reconstruction, kl / 784


class _NoTestStep(vae.VariationalAutoencoder):
    test_step = keras.Model.test_step


class _DecoderOnly(vae.VariationalAutoencoder):
    def train_step(self, data):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            total, reconstruction, kl = self.compute_losses(data)
            loss = ops.mean(total)
        weights = self.decoder.trainable_weights
        self.optimizer.apply(tape.gradient(loss, weights), weights)
        return self.update_trackers(total, reconstruction, kl)


class _TrainsInTest(vae.VariationalAutoencoder):
    test_step = vae.VariationalAutoencoder.train_step


class _NoOptimizerStep(vae.VariationalAutoencoder):
    def train_step(self, data):
        return self.update_trackers(*self.compute_losses(data))


class _NoKlTracker(vae.VariationalAutoencoder):
    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker]

    def update_trackers(self, total, reconstruction, kl):
        self.total_loss_tracker.update_state(total)
        self.reconstruction_loss_tracker.update_state(reconstruction)
        return {metric.name: metric.result() for metric in self.metrics}


class _TrackersNeverUpdated(vae.VariationalAutoencoder):
    def update_trackers(self, total, reconstruction, kl):  # zeros satisfy loss == reconstruction + kl / 784
        return {metric.name: metric.result() for metric in self.metrics}


def _differentiating(loss_of):
    """A VAE whose train_step differentiates ``loss_of(total, reconstruction)`` (the rest is the reference)."""
    class WrongGradient(vae.VariationalAutoencoder):
        def train_step(self, data):
            import tensorflow as tf

            with tf.GradientTape() as tape:
                total, reconstruction, kl = self.compute_losses(data)
                loss = loss_of(total, reconstruction)
            self.optimizer.apply(tape.gradient(loss, self.trainable_weights), self.trainable_weights)
            return self.update_trackers(total, reconstruction, kl)
    return WrongGradient


class _IgnoresSeed(vae.VariationalAutoencoder):
    def __init__(self, codings_size=10, seed=None, **kwargs):
        super().__init__(codings_size, None, **kwargs)


@pytest.mark.parametrize("answer, hint", [
    (_NoKlScaling, "divide the KL by 784"),
    (_SummedPixels, "summed the cross-entropy over the pixels"),
    (_Mse, "mean squared error"),
    (_ScaledKlTracked, "divide by 784 only in the total"),
    (_NoTestStep, "override test_step too"),
    (_DecoderOnly, "self.trainable_weights"),
    (_TrainsInTest, "no gradients, no optimizer"),
    (_NoOptimizerStep, "self.optimizer.apply"),
    (_NoKlTracker, "missing kl_loss"),
    (_TrackersNeverUpdated, "the trackers were never updated"),
    (_differentiating(lambda total, reconstruction: ops.sum(total)), "not its sum"),
    (_differentiating(lambda total, reconstruction: ops.mean(reconstruction)), "not the reconstruction alone"),
    (_IgnoresSeed, "build_encoder_decoder(codings_size, seed=seed)"),
])
def test_vae_model_mistakes(answer, hint):
    _fails_with("vae_model", answer, hint)


def test_vae_model_with_other_attribute_names():
    class Renamed(vae.VariationalAutoencoder):
        def __init__(self, codings_size=10, seed=None, **kwargs):
            super().__init__(codings_size, seed, **kwargs)
            self.variational_encoder = self.encoder
            del self.encoder

    status, message, _ = run_check("vae_model", Renamed)
    assert status == "failed" and "self.encoder and self.decoder" in message


# ---------------------------------------------------------------------------------------------------------------
# generation


def _generator(draw):
    def generate(decoder, n_images, seed):
        return ops.convert_to_numpy(decoder(draw(n_images, decoder.input_shape[-1], seed)))
    return generate


@pytest.mark.parametrize("answer, hint", [
    (_generator(lambda n, k, seed: keras.random.uniform((n, k), seed=seed)), "uniform in [0, 1]"),
    (_generator(lambda n, k, seed: 3 * keras.random.normal((n, k), seed=seed)), "standard normal"),
    (_generator(lambda n, k, seed: keras.random.normal((n, k))), "same seed must give"),
    (_generator(lambda n, k, seed: keras.random.normal((n, k), seed=42)), "the seed argument is ignored"),
    (_generator(lambda n, k, seed: ops.tile(keras.random.normal((1, k), seed=seed), (n, 1))),
     "draw different codings for each image"),
    (lambda decoder, n, seed: vae.generate_images(decoder, n, seed)[:-1], "return n_images images"),
    (lambda decoder, n, seed: np.round(vae.generate_images(decoder, n, seed), 1), "without changing the pixels"),
    (lambda decoder, n, seed: 2 * vae.generate_images(decoder, n, seed) - 1, "as they are"),
])
def test_generate_mistakes(answer, hint):
    _fails_with("vae_generate", answer, hint)


# ---------------------------------------------------------------------------------------------------------------
# interpolation


def _interpolator(which_codings=0, weights=lambda n: np.linspace(0, 1, n), mix="codings"):
    def interpolate(encoder, decoder, image_start, image_end, n_steps=7):
        w = weights(n_steps).astype("float32")[:, None]
        if mix == "inputs":
            mixes = (1 - w[:, :, None]) * image_start + w[:, :, None] * image_end
            return ops.convert_to_numpy(decoder(encoder(mixes)[0]))
        codings = ops.convert_to_numpy(encoder(np.stack([image_start, image_end]))[which_codings])
        if mix == "pixels":
            ends = ops.convert_to_numpy(decoder(codings))
            return (1 - w[:, :, None]) * ends[0] + w[:, :, None] * ends[1]
        return ops.convert_to_numpy(decoder((1 - w) * codings[0] + w * codings[1]))
    return interpolate


def test_the_interpolation_helper_is_right_by_default():
    _passes("vae_interpolate", _interpolator())


@pytest.mark.parametrize("answer, hint", [
    (_interpolator(which_codings=2), "not the sampled codings"),
    (_interpolator(mix="pixels"), "mixed the decoded pixels"),
    (_interpolator(mix="inputs"), "encoded mixes of the input images"),
    (lambda encoder, decoder, start, end, n_steps=7: np.linspace(0, 1, n_steps)[:, None, None] * (end - start) + start,
     "you mixed the input images"),
    (_interpolator(weights=lambda n: np.linspace(0, 1, n + 2)[1:-1]), "include both ends"),
    (_interpolator(weights=lambda n: np.linspace(1, 0, n)), "the first image is image_start's"),
    (_interpolator(weights=lambda n: np.linspace(0, 1, n - 1)), "both ends included"),
    (_interpolator(weights=lambda n: np.linspace(0, 1, n) ** 2), "for w in np.linspace(0, 1, n_steps)"),
    (_interpolator(weights=lambda n: np.linspace(0, 1, n, endpoint=False)), "stops short of image_end"),
    (_interpolator(weights=lambda n: np.arange(1, n + 1) / n), "starts after image_start"),
])
def test_interpolate_mistakes(answer, hint):
    _fails_with("vae_interpolate", answer, hint)


# ---------------------------------------------------------------------------------------------------------------
# the corpus through the real grader


def test_two_corpus_cases_get_the_same_verdicts_from_the_grader(tmp_path):
    # a wrong and a right answer of the accuracy corpus, pasted into the reference notebook's answer cell and graded
    # in a sandboxed kernel as an instructor grades, must get the verdicts the corpus test gives in-process
    prelude, cases = accuracy.load_corpus("07_vae")
    chosen = {"wrong": "half-open weights", "right": "a loop with predict"}
    chosen = {kind: next(case for case in cases if case.label == label and case.exercise == "vae_interpolate")
              for kind, label in chosen.items()}
    reference = nbformat.read(accuracy.ROOT / "solutions" / "notebooks" / "07_vae.ipynb", as_version=4)
    for student, case in chosen.items():
        notebook = nbformat.reads(nbformat.writes(reference), as_version=4)
        [cell] = [cell for cell in notebook.cells if cell.metadata.get("course", {}).get("role") == "answer"
                  and cell.metadata["course"].get("exercise") == case.exercise]
        cell.source = case.code
        (tmp_path / student).mkdir()
        nbformat.write(notebook, tmp_path / student / "07_vae.ipynb")
    rows, _ = grade.grade([tmp_path], seed=accuracy.GRADING_SEED)
    by_key = {(row.student, row.exercise): row for row in rows}
    for student, case in chosen.items():
        row, verdict = by_key[student, case.exercise], accuracy.grade_case(case, prelude)
        assert (row.status, row.score) == (verdict.status, verdict.fraction * row.max_score), json.dumps(
            [row.message, verdict.message])
        assert row.message == " ".join(verdict.message.split())  # the grader collapses an answer's whitespace
        others = [other for (who, _), other in by_key.items() if who == student and other is not row]
        assert others and all(other.status == "passed" for other in others)  # the rest of the reference notebook
    assert by_key["wrong", "vae_interpolate"].score == 0 and "stops short" in by_key["wrong", "vae_interpolate"].message
    assert by_key["right", "vae_interpolate"].status == "passed"


# ---------------------------------------------------------------------------------------------------------------
# the library beyond the checks


def test_sampling_layer_round_trips_through_its_config():
    layer = vae.Sampling(seed=3, name="sampling")
    restored = keras.layers.deserialize(keras.layers.serialize(layer))
    inputs = [np.zeros((4, 2), "float32"), np.zeros((4, 2), "float32")]
    assert restored.seed == 3
    assert np.allclose(ops.convert_to_numpy(layer(inputs)), ops.convert_to_numpy(restored(inputs)))


def test_vae_saves_and_loads(tmp_path):
    model = vae.VariationalAutoencoder(codings_size=3, seed=5)
    model(np.zeros((1, 28, 28), "float32"))  # built, so nothing warns that it might have no weights
    path = tmp_path / "vae.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, vae.VariationalAutoencoder) and loaded.codings_size == 3 and loaded.seed == 5
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), loaded.get_weights()))


def test_vae_trains_with_and_without_targets():
    images = np.random.default_rng(0).uniform(size=(32, 28, 28)).astype("float32")
    for targets in (None, images):
        model = vae.VariationalAutoencoder(codings_size=2, seed=0)
        model.compile(optimizer="nadam")
        history = model.fit(images, targets, batch_size=16, epochs=1, verbose=0, validation_data=(images, targets))
        assert {"loss", "reconstruction_loss", "kl_loss", "val_loss", "val_kl_loss"} <= set(history.history)


def test_negative_elbo_is_784_times_the_loss():
    logs = {"loss": 0.3 + 20 / 784, "reconstruction_loss": 0.3, "kl_loss": 20.0}
    assert np.isclose(vae.negative_elbo(logs), 784 * logs["loss"])
