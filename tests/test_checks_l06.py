"""Lesson 06's checks: the reference answers pass; the mistakes learners make fail with a hint naming them."""

import keras
import numpy as np
import pytest
from keras import ops
from keras.src.saving import object_registration

from autograder.checks.runtime import run_check
from solutions import sparse
from solutions.sparse import KLDivergenceRegularizer


@pytest.fixture
def clean_registry():
    """Undo any registration a test makes (the registry is global to the process)."""
    objects = dict(object_registration.GLOBAL_CUSTOM_OBJECTS)
    names = dict(object_registration.GLOBAL_CUSTOM_NAMES)
    yield
    object_registration.GLOBAL_CUSTOM_OBJECTS.clear()
    object_registration.GLOBAL_CUSTOM_OBJECTS.update(objects)
    object_registration.GLOBAL_CUSTOM_NAMES.clear()
    object_registration.GLOBAL_CUSTOM_NAMES.update(names)


def test_reference_answers_pass():
    for name, answer in [("sparse_autoencoder", sparse.build_sparse_autoencoder),
                         ("kl_regularizer", KLDivergenceRegularizer)]:
        status, message, _ = run_check(name, answer)
        assert status == "passed", message


# ---------------------------------------------------------------------------------------------------------------
# exercise 1: the autoencoder


def _builder(coding_activation="sigmoid", where="activity", output_activation="sigmoid", hidden=True,
             fixed_regularizer=None, twice=False, separate_sigmoid=False):
    def build(codings_size=300, activity_regularizer=None):
        regularizer = fixed_regularizer or activity_regularizer
        coding_kwargs = {"activity": {"activity_regularizer": regularizer},
                         "kernel": {"kernel_regularizer": regularizer}}.get(where, {})
        hidden_kwargs = {"activity_regularizer": regularizer} if where == "hidden" else {}
        layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
        if hidden:
            layers.append(keras.layers.Dense(100, activation="relu", **hidden_kwargs))
        if separate_sigmoid:  # the penalty then sees the values before the sigmoid
            layers += [keras.layers.Dense(codings_size, **coding_kwargs), keras.layers.Activation("sigmoid")]
        else:
            layers.append(keras.layers.Dense(codings_size, activation=coding_activation, **coding_kwargs))
        if twice:
            layers.append(keras.layers.Activation("linear", activity_regularizer=regularizer))
        encoder = keras.Sequential(layers)
        decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu"),
                                    keras.layers.Dense(784, activation=output_activation),
                                    keras.layers.Reshape((28, 28))])
        return encoder, decoder, keras.Sequential([encoder, decoder])
    return build


def test_the_variant_builder_is_right_when_nothing_is_changed():
    status, message, _ = run_check("sparse_autoencoder", _builder())
    assert status == "passed", message


@pytest.mark.parametrize("answer, hint", [
    (_builder(coding_activation="relu"), "activation='sigmoid'"),
    (_builder(where="kernel"), "kernel_regularizer"),
    (_builder(where="hidden"), "put the activity regularizer on the coding layer"),
    (_builder(where="nowhere"), "pass activity_regularizer=activity_regularizer"),
    (_builder(fixed_regularizer=keras.regularizers.L1(1e-3)), "use the activity_regularizer argument"),
    (_builder(twice=True), "once"),
    (_builder(separate_sigmoid=True), "the regularizer sees the values before the sigmoid"),
    (_builder(output_activation=None), "Dense(784, activation='sigmoid')"),
    (_builder(hidden=False), "Dense(100, relu)"),
    (lambda codings_size, activity_regularizer: _builder()(7, activity_regularizer), "Dense(codings_size"),
])
def test_sparse_autoencoder_mistakes(answer, hint):
    status, message, _ = run_check("sparse_autoencoder", answer)
    assert status == "failed", message
    assert hint in message, message


# ---------------------------------------------------------------------------------------------------------------
# exercise 2: the KL divergence regularizer (each wrong class changes one thing of the reference)


def _kl(p, q):
    return p * ops.log(p / q) + (1 - p) * ops.log((1 - p) / (1 - q))


def _clipped_means(activations):
    epsilon = keras.config.epsilon()
    return ops.clip(ops.mean(activations, axis=0), epsilon, 1 - epsilon)


class Swapped(KLDivergenceRegularizer):
    def __call__(self, activations):
        return self.weight * ops.sum(_kl(_clipped_means(activations), self.target))


class WrongAxis(KLDivergenceRegularizer):
    def __call__(self, activations):
        epsilon = keras.config.epsilon()
        return self.weight * ops.sum(_kl(self.target, ops.clip(ops.mean(activations, axis=1), epsilon, 1 - epsilon)))


class NoWeight(KLDivergenceRegularizer):
    def __call__(self, activations):
        return ops.sum(_kl(self.target, _clipped_means(activations)))


class NoClip(KLDivergenceRegularizer):
    def __call__(self, activations):
        return self.weight * ops.sum(_kl(self.target, ops.mean(activations, axis=0)))


class OneTerm(KLDivergenceRegularizer):
    def __call__(self, activations):
        p = self.target
        return self.weight * ops.sum(p * ops.log(p / _clipped_means(activations)))


class BuiltinOneTerm(KLDivergenceRegularizer):
    """keras.losses.kl_divergence alone: p log(p / q), the (1 - p) term forgotten."""

    def __call__(self, activations):
        return self.weight * keras.losses.kl_divergence(self.target, _clipped_means(activations))


class MeanOverUnits(KLDivergenceRegularizer):
    def __call__(self, activations):
        return self.weight * ops.mean(_kl(self.target, _clipped_means(activations)))


class FlippedSign(KLDivergenceRegularizer):
    def __call__(self, activations):
        return -self.weight * ops.sum(_kl(self.target, _clipped_means(activations)))


class FixedTarget(KLDivergenceRegularizer):
    def __call__(self, activations):
        return self.weight * ops.sum(_kl(0.1, _clipped_means(activations)))


class FixedWeight(KLDivergenceRegularizer):
    def __call__(self, activations):
        return 0.05 * ops.sum(_kl(self.target, _clipped_means(activations)))


class NotSummed(KLDivergenceRegularizer):
    def __call__(self, activations):
        return self.weight * _kl(self.target, _clipped_means(activations))


class WithNumpy(KLDivergenceRegularizer):
    def __call__(self, activations):
        q = np.clip(np.mean(ops.convert_to_numpy(activations), axis=0), 1e-7, 1 - 1e-7)
        p = self.target
        return self.weight * np.sum(p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q)))


class StoppedGradient(KLDivergenceRegularizer):
    def __call__(self, activations):
        return super().__call__(ops.stop_gradient(activations))


class FirstTermOnly(KLDivergenceRegularizer):
    def __call__(self, activations):
        p, q = self.target, _clipped_means(activations)
        return self.weight * ops.sum((1 - p) * ops.log((1 - p) / (1 - q)))


class NoSecondFactor(KLDivergenceRegularizer):
    def __call__(self, activations):
        p, q = self.target, _clipped_means(activations)
        return self.weight * ops.sum(p * ops.log(p / q) + ops.log((1 - p) / (1 - q)))


class QForOneMinusQ(KLDivergenceRegularizer):
    def __call__(self, activations):
        p, q = self.target, _clipped_means(activations)
        return self.weight * ops.sum(p * ops.log(p / q) + (1 - p) * ops.log((1 - p) / q))


class CrossEntropy(KLDivergenceRegularizer):
    def __call__(self, activations):
        p, q = self.target, _clipped_means(activations)
        return self.weight * ops.sum(-p * ops.log(q) - (1 - p) * ops.log(1 - q))


class MeanOfEverything(KLDivergenceRegularizer):
    def __call__(self, activations):
        return self.weight * _kl(self.target, ops.clip(ops.mean(activations), 1e-7, 1 - 1e-7))


class SuperGetConfig(KLDivergenceRegularizer):
    def get_config(self):
        return {**keras.regularizers.Regularizer.get_config(self), "weight": self.weight, "target": self.target}


class BadConfigKeys(KLDivergenceRegularizer):
    def get_config(self):
        return {"w": self.weight, "p": self.target}


class NoGetConfig(keras.regularizers.Regularizer):
    def __init__(self, weight, target):
        self.weight, self.target = weight, target

    def __call__(self, activations):
        return self.weight * ops.sum(_kl(self.target, _clipped_means(activations)))


class NotRegistered(NoGetConfig):
    def get_config(self):
        return {"weight": self.weight, "target": self.target}


class NotARegularizer:
    def __init__(self, weight, target):
        self.weight, self.target = weight, target

    def __call__(self, activations):
        return self.weight * ops.sum(_kl(self.target, _clipped_means(activations)))

    def get_config(self):
        return {"weight": self.weight, "target": self.target}


@pytest.mark.parametrize("answer, hint", [
    (Swapped, "the KL terms are swapped"),
    (WrongAxis, "the mean is over the wrong axis"),
    (NoWeight, "the weight is missing"),
    (NoClip, "clip the mean activations"),
    (OneTerm, "the (1 - p) log((1 - p) / (1 - q)) term is missing"),
    (BuiltinOneTerm, "the (1 - p) log((1 - p) / (1 - q)) term is missing"),
    (MeanOverUnits, "sum the KL divergences over the units"),
    (FlippedSign, "the sign is flipped"),
    (FixedTarget, "use self.target"),
    (FixedWeight, "use self.weight"),
    (NotSummed, "sum the per-unit KL divergences into one number"),
    (WithNumpy, "not numpy"),
    (StoppedGradient, "do not stop gradients"),
    (FirstTermOnly, "the p log(p / q) term is missing"),
    (NoSecondFactor, "the factor (1 - p) in front of the second log is missing"),
    (QForOneMinusQ, "the second log divides by q instead of 1 - q"),
    (CrossEntropy, "that is the binary cross-entropy"),
    (MeanOfEverything, "average each unit over the batch (axis=0), not over all the activations"),
    (SuperGetConfig, "do not call super().get_config()"),
    (BadConfigKeys, "return the constructor's arguments by name"),
    (NoGetConfig, "get_config missing"),
    (NotRegistered, "register_keras_serializable"),
    (NotARegularizer, "keras.regularizers.Regularizer"),
])
def test_kl_regularizer_mistakes(answer, hint):
    status, message, _ = run_check("kl_regularizer", answer)
    assert status == "failed", message
    assert hint in message, message


def test_a_learners_own_registered_class_passes(clean_registry):
    @keras.saving.register_keras_serializable(package="course", name="KLDivergenceRegularizer")
    class Mine(keras.regularizers.Regularizer):
        def __init__(self, weight, target):
            if not (weight >= 0 and 0 < target < 1):
                raise ValueError("weight >= 0 and 0 < target < 1")
            self.weight, self.target = weight, target

        def __call__(self, activations):
            q = ops.clip(ops.mean(activations, axis=0), 1e-6, 1 - 1e-6)  # another epsilon is fine
            p = self.target
            return self.weight * ops.sum(p * (ops.log(p) - ops.log(q)) + (1 - p) * (ops.log(1 - p) - ops.log(1 - q)))

        def get_config(self):
            return {"weight": self.weight, "target": self.target}

    status, message, _ = run_check("kl_regularizer", Mine)
    assert status == "passed", message


def test_stubbed_class_is_not_implemented():
    class Stub(keras.regularizers.Regularizer):
        def __init__(self, weight, target):
            raise NotImplementedError()

    assert run_check("kl_regularizer", Stub)[0] == "not-implemented"


def test_the_regularizer_rejects_bad_arguments_and_round_trips():
    with pytest.raises(ValueError, match="target"):
        KLDivergenceRegularizer(0.05, 1.0)
    with pytest.raises(ValueError, match="weight"):
        KLDivergenceRegularizer(-1, 0.1)
    regularizer = KLDivergenceRegularizer(0.05, 0.1)
    clone = keras.regularizers.deserialize(keras.regularizers.serialize(regularizer))
    assert type(clone) is KLDivergenceRegularizer and clone.get_config() == {"weight": 0.05, "target": 0.1}
    # at the target the penalty is 0; a unit stuck at 0 gives a large but finite one
    assert float(regularizer(np.full((4, 3), 0.1, dtype="float32"))) == pytest.approx(0, abs=1e-6)
    assert np.isfinite(float(regularizer(np.zeros((4, 3), dtype="float32"))))


def test_a_saved_model_with_the_regularizer_loads(tmp_path):
    encoder, _, autoencoder = sparse.build_sparse_autoencoder(5, KLDivergenceRegularizer(0.05, 0.1))
    path = tmp_path / "sparse.keras"
    autoencoder.save(path)
    loaded = keras.models.load_model(path)
    coding_layer = loaded.layers[0].layers[-1]
    assert isinstance(coding_layer.activity_regularizer, KLDivergenceRegularizer)
    assert coding_layer.activity_regularizer.get_config() == {"weight": 0.05, "target": 0.1}


def test_deserialization_uses_the_class_under_test_whatever_else_holds_its_name(clean_registry):
    # A grader process that computed reference outputs after a learner's class took the registered name (as the
    # in-process accuracy corpus does) must still judge the class it was given.
    @keras.saving.register_keras_serializable(package="course", name="KLDivergenceRegularizer")
    class Impostor(FixedTarget):
        pass

    @keras.saving.register_keras_serializable(package="course", name="KLDivergenceRegularizer")
    class Mine(KLDivergenceRegularizer):
        pass

    object_registration.GLOBAL_CUSTOM_OBJECTS["course>KLDivergenceRegularizer"] = Impostor
    status, message, _ = run_check("kl_regularizer", Mine)
    assert status == "passed", message
