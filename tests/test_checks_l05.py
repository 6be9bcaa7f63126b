"""Lesson 05's checks: the reference answers pass; the mistakes learners make fail with a hint naming them."""

import keras
import numpy as np
import pytest

from autograder.checks.runtime import run_check
from solutions import denoising


def test_reference_answers_pass():
    for name, answer in [("denoising_autoencoder", denoising.build_denoising_autoencoder),
                         ("denoising_errors", denoising.denoising_errors)]:
        status, message, _ = run_check(name, answer)
        assert status == "passed", message


class AlwaysNoisy(keras.layers.Layer):
    """Gaussian noise written by hand, ignoring the training flag."""

    def __init__(self, stddev, seed):
        super().__init__()
        self.stddev, self.seed_generator = stddev, keras.random.SeedGenerator(seed)

    def call(self, inputs):
        return inputs + keras.random.normal(keras.ops.shape(inputs), stddev=self.stddev, seed=self.seed_generator)


class OldStyleDropout(keras.layers.Layer):
    """Dropout that does not rescale in training but shrinks its input at inference."""

    def __init__(self, rate, seed):
        super().__init__()
        self.rate, self.seed_generator = rate, keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if training:
            keep = keras.random.uniform(keras.ops.shape(inputs), seed=self.seed_generator) >= self.rate
            return inputs * keras.ops.cast(keep, inputs.dtype)
        return inputs * (1 - self.rate)


def _builder(noise_layer=None, place="input", activation="relu", output_activation="sigmoid", reshape=True,
             codings=None):
    """A variant of the reference; ``noise_layer(noise, level, seed)`` makes the noise layer (None: no noise)."""

    def build(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
        if noise not in ("gaussian", "dropout"):
            raise ValueError(f"unknown noise {noise!r}")
        size = codings or codings_size
        noise_layers = [noise_layer(noise, noise_level, seed)] if noise_layer else []
        encoder_layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
        if place == "input":
            encoder_layers += noise_layers
        encoder_layers += [keras.layers.Dense(100, activation=activation),
                           keras.layers.Dense(size, activation=activation)]
        if place == "codings":
            encoder_layers += noise_layers
        encoder = keras.Sequential(encoder_layers)
        decoder_layers = [keras.Input(shape=(size,)), keras.layers.Dense(100, activation=activation),
                          keras.layers.Dense(784, activation=output_activation)]
        if reshape:
            decoder_layers.append(keras.layers.Reshape((28, 28)))
        decoder = keras.Sequential(decoder_layers)
        return encoder, decoder, keras.Sequential([encoder, decoder])

    return build


def _right(noise, level, seed):
    if noise == "gaussian":
        return keras.layers.GaussianNoise(level, seed=seed)
    return keras.layers.Dropout(level, seed=seed)


def test_the_variant_builder_is_right_when_nothing_is_changed():
    status, message, _ = run_check("denoising_autoencoder", _builder(_right))
    assert status == "passed", message


@pytest.mark.parametrize("answer, hint", [
    (_builder(None), "add the noise layer right after Flatten"),
    (_builder(lambda noise, level, seed: keras.layers.Dropout(level, seed=seed)),
     "noise='gaussian' takes keras.layers.GaussianNoise"),
    (_builder(lambda noise, level, seed: keras.layers.GaussianNoise(level, seed=seed)),
     "noise='dropout' takes keras.layers.Dropout"),
    (_builder(lambda noise, level, seed: _right(noise, level ** 2 if noise == "gaussian" else level, seed)),
     "not its square"),
    (_builder(lambda noise, level, seed: _right(noise, 0.2 if noise == "gaussian" else level, seed)),
     "standard deviation, not a fixed number"),
    (_builder(lambda noise, level, seed: _right(noise, 1 - level if noise == "dropout" else level, seed)),
     "fraction of inputs dropped, not kept"),
    (_builder(lambda noise, level, seed: _right(noise, 0.5 if noise == "dropout" else level, seed)),
     "dropout rate, not a fixed number"),
    (_builder(_right, place="codings"), "right after Flatten: a denoising autoencoder corrupts the images"),
    (_builder(lambda noise, level, seed: _right(noise, level, None)), "pass seed=seed"),
    (_builder(lambda noise, level, seed: _right(noise, level, 42)), "use the seed argument"),
    (_builder(lambda noise, level, seed: _right(noise, level, seed) if noise == "gaussian"
              else keras.layers.Dropout(level, seed)), "pass the seed by name"),
    (_builder(lambda noise, level, seed: AlwaysNoisy(level, seed)), "the noise must act only in training"),
    (_builder(lambda noise, level, seed: OldStyleDropout(level, seed) if noise == "dropout"
              else _right(noise, level, seed)), "at inference the noise layer must be the identity"),
    (_builder(_right, activation="selu"), "activation='relu'"),
    (_builder(_right, output_activation=None), "Dense(784, activation='sigmoid')"),
    (_builder(_right, reshape=False), "Reshape((28, 28))"),
    (_builder(_right, codings=12), "Dense(codings_size"),
    (lambda **kwargs: denoising.build_denoising_autoencoder(**kwargs)[2], "return encoder, decoder, autoencoder"),
])
def test_denoising_autoencoder_mistakes(answer, hint):
    status, message, _ = run_check("denoising_autoencoder", answer)
    assert status == "failed", message
    assert hint in message, message


def _errors_variant(noise_scale=lambda level: level, clip=False, through_model=True, against="clean",
                    training=False, reduce=np.mean, add_noise=True, draw=None):
    def errors_of(autoencoder, images, noise_levels, seed=42):
        rng = np.random.default_rng(seed)
        errors = []
        for level in noise_levels:
            noise = rng.normal(0.0, noise_scale(level), size=images.shape) if draw is None else draw(rng, level, images)
            noisy = images + noise.astype(np.float32)
            if not add_noise:
                noisy = images
            if clip:
                noisy = np.clip(noisy, 0, 1)
            if through_model:
                outputs = (keras.ops.convert_to_numpy(autoencoder(noisy, training=True)) if training
                           else autoencoder.predict(noisy, verbose=0))
            else:
                outputs = noisy
            errors.append(reduce(np.square(outputs - (images if against == "clean" else noisy))))
        return np.array(errors)
    return errors_of


def test_another_random_generator_passes():
    def errors_of(autoencoder, images, noise_levels, seed=42):
        keras.utils.set_random_seed(seed)
        return np.array([np.mean(np.square(autoencoder.predict(
            images + keras.ops.convert_to_numpy(keras.random.normal(images.shape, stddev=level)), verbose=0) - images))
            for level in noise_levels])

    status, message, _ = run_check("denoising_errors", errors_of)
    assert status == "passed", message


@pytest.mark.parametrize("answer, hint", [
    (_errors_variant(against="noisy"), "not with the noisy ones"),
    (_errors_variant(through_model=False), "pass them through the autoencoder"),
    (_errors_variant(noise_scale=lambda level: level ** 2), "not its square"),
    (_errors_variant(clip=True), "do not clip"),
    (_errors_variant(training=True), "inference mode"),
    (_errors_variant(reduce=np.sum), "you summed the squared errors"),
    (_errors_variant(reduce=lambda squares: np.mean(np.sum(squares, axis=(1, 2)))), "summed over pixels"),
    (_errors_variant(add_noise=False), "no noise reached the model"),
    (_errors_variant(reduce=lambda squares: np.mean(squares, axis=(1, 2))), "one number per noise level"),
    (_errors_variant(draw=lambda rng, level, images: rng.normal(level, 0.0, size=images.shape)),
     "rng.normal takes the mean first"),
    (_errors_variant(draw=lambda rng, level, images: rng.normal(0.0, level, size=images.shape[1:])),
     "one (28, 28) noise image shared by the whole batch"),
])
def test_denoising_errors_mistakes(answer, hint):
    status, message, _ = run_check("denoising_errors", answer)
    assert status == "failed", message
    assert hint in message, message


def test_unknown_noise_kind_is_a_value_error():
    with pytest.raises(ValueError, match="gaussian"):
        denoising.build_denoising_autoencoder("salt and pepper")
    with pytest.raises(ValueError, match="dropout"):
        denoising.corrupt_like_training(np.zeros((1, 28, 28)), "blur", 0.1)


def test_corruption_helper_matches_the_training_noise():
    images = np.full((4, 28, 28), 0.5, dtype=np.float32)
    gaussian = denoising.corrupt_like_training(images, "gaussian", 0.2, seed=1)
    assert abs(np.std(gaussian - images) - 0.2) < 0.02
    dropped = denoising.corrupt_like_training(images, "dropout", 0.5, seed=1)
    assert set(np.unique(dropped)) == {0.0, 1.0}  # kept pixels are scaled by 1 / (1 - rate)


def test_the_real_grader_gives_two_corpus_cases_the_verdicts_they_get_in_process(tmp_path):
    # Two answers of the accuracy corpus pasted into the reference notebook and graded by the real grader (kernel,
    # sandbox, JSON) give the same verdicts as the corpus harness gives them in this process.
    import nbformat

    from autograder import accuracy, build, grade

    lesson = "05_denoising"
    prelude, cases = accuracy.load_corpus(lesson)
    chosen = {case.label: case for case in cases
              if case.label in ("global NumPy randomness, the seed ignored",
                                "keras.random with the seed and keras.losses.MeanSquaredError")}
    assert len(chosen) == 2
    for index, case in enumerate(chosen.values()):
        notebook = build.build_notebook(lesson, "reference")
        [cell] = [cell for cell in notebook.cells if cell.metadata.get("course", {}).get("role") == "answer"
                  and cell.metadata["course"].get("exercise") == case.exercise]
        cell.source = case.code
        (tmp_path / f"student{index}").mkdir()
        nbformat.write(notebook, tmp_path / f"student{index}" / f"{lesson}.ipynb")
    rows, _ = grade.grade([tmp_path], seed=accuracy.GRADING_SEED)
    graded = {row.student: row for row in rows if row.exercise == "denoising_errors"}
    # the other answer cell holds the reference: full marks through the kernel, hidden check included
    assert {(row.status, row.score) for row in rows if row.exercise == "denoising_autoencoder"} == {("passed", 3)}
    for index, case in enumerate(chosen.values()):
        row, verdict = graded[f"student{index}"], accuracy.grade_case(case, prelude)
        assert (row.status, row.score) == (verdict.status, verdict.fraction * row.max_score), (row, verdict)
        assert (case.kind == "right") == (row.score == row.max_score), row
        if case.kind == "wrong":
            assert case.hint in row.message, row.message
