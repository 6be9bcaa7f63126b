"""Lesson 02's checks: the reference passes; each mistake a check names is caught with its hint."""

import keras
import numpy as np
import pytest
from keras import ops

from autograder.checks.runtime import run_check
from solutions import stacked


def test_reference_answers_pass():
    for name, answer in [("rounded_accuracy", stacked.rounded_accuracy),
                         ("stacked_autoencoder", stacked.build_stacked_autoencoder)]:
        status, message, _ = run_check(name, answer)
        assert status == "passed", message


def _accuracy(round_true=True, round_pred=True, axis="samples", equal=ops.equal):
    def rounded_accuracy(y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        y_true = ops.round(y_true) if round_true else y_true
        y_pred = ops.round(y_pred) if round_pred else y_pred
        matches = ops.cast(equal(y_true, y_pred), "float32")
        rank = len(matches.shape)
        if axis == "none":
            return matches
        return ops.mean(matches, axis={"samples": tuple(range(1, rank)), "last": -1, "batch": 0, "all": None}[axis])
    return rounded_accuracy


def _numpy_accuracy(y_true, y_pred):
    matches = np.round(np.asarray(y_true)) == np.round(np.asarray(y_pred))
    return matches.reshape(len(matches), -1).mean(axis=1)


@pytest.mark.parametrize("answer, hint", [
    (_accuracy(round_true=False), "round the targets too"),
    (_accuracy(round_pred=False), "round the predictions too"),
    (_accuracy(equal=ops.not_equal), "error rate"),
    (_accuracy(axis="none"), "one value per pixel"),
    (lambda y_true, y_pred: keras.metrics.binary_accuracy(ops.round(y_true), ops.round(y_pred)),
     "one value per pixel"),
    (_accuracy(axis="batch"), "averaged over the batch axis"),
    (_accuracy(axis="all"), "averaged over everything"),
    (_accuracy(axis="last"), "averaged over the last axis only"),
    (_numpy_accuracy, "use keras.ops"),
])
def test_rounded_accuracy_mistakes(answer, hint):
    status, message, _ = run_check("rounded_accuracy", answer)
    assert status == "failed" and hint in message, message


def _stacked(flatten=True, reshape=True, fixed_codings=None, output_activation="sigmoid", hidden_activation="default",
             decoder_hidden=True, compose=True, returns="all"):
    def build(codings_size=30, hidden_size=100, activation="selu"):
        activation = hidden_activation if hidden_activation != "default" else activation
        codings = fixed_codings or codings_size

        def halves():
            encoder_layers = [keras.Input(shape=(28, 28))] + ([keras.layers.Flatten()] if flatten else [])
            encoder = keras.Sequential(encoder_layers + [keras.layers.Dense(hidden_size, activation=activation),
                                                         keras.layers.Dense(codings, activation=activation)])
            decoder_layers = [keras.Input(shape=(codings,))]
            if decoder_hidden:
                decoder_layers.append(keras.layers.Dense(hidden_size, activation=activation))
            decoder_layers.append(keras.layers.Dense(784, activation=output_activation))
            if reshape:
                decoder_layers.append(keras.layers.Reshape((28, 28)))
            return encoder, keras.Sequential(decoder_layers)

        encoder, decoder = halves()
        # the mistake: an autoencoder made of a second, independent encoder and decoder
        autoencoder = keras.Sequential(list((encoder, decoder) if compose else halves()))
        return autoencoder if returns == "autoencoder" else (encoder, decoder, autoencoder)
    return build


@pytest.mark.parametrize("answer, hint", [
    (_stacked(reshape=False), "Reshape((28, 28))"),
    (_stacked(fixed_codings=30), "a Dense layer of `codings_size` units"),
    (_stacked(output_activation=None), "activation='sigmoid'"),
    (_stacked(flatten=False), "must Flatten them first"),
    (_stacked(hidden_activation="relu"), "not ReLU"),
    (_stacked(hidden_activation=None), "use activation='selu'"),
    (_stacked(hidden_activation="selu"), "use the `activation` argument (here 'tanh')"),  # argument ignored
    (_stacked(decoder_hidden=False), "the decoder mirrors the encoder"),
    (_stacked(compose=False), "from the same two models"),
    (_stacked(returns="autoencoder"), "return encoder, decoder, autoencoder"),
])
def test_stacked_autoencoder_mistakes(answer, hint):
    status, message, _ = run_check("stacked_autoencoder", answer)
    assert status == "failed" and hint in message, message


def test_first_epoch_reaching():
    assert stacked.first_epoch_reaching([0.3, 0.29, 0.28, 0.27], 0.285) == 3
    assert stacked.first_epoch_reaching([0.3, 0.29], 0.285) is None


def test_copy_model_copies_weights_and_classifier_shares_the_encoder():
    encoder, _, _ = stacked.build_stacked_autoencoder(codings_size=4, hidden_size=6)
    copy = stacked.copy_model(encoder)
    images = np.random.default_rng(0).uniform(size=(3, 28, 28)).astype("float32")
    np.testing.assert_allclose(copy(images), encoder(images), atol=1e-6)
    assert not {id(w) for w in copy.weights} & {id(w) for w in encoder.weights}
    classifier = stacked.build_classifier(copy, num_classes=10)
    assert classifier(images).shape == (3, 10)
    copy.trainable = False
    assert len(classifier.trainable_weights) == 2  # only the softmax layer's kernel and bias
