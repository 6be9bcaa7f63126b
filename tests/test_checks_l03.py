"""Lesson 03's checks: the reference passes; each mistake a check names is caught with its hint."""

import pathlib

import keras
import numpy as np
import pytest
from keras import ops

from autograder.checks.runtime import run_check
from solutions import stacked, tied


def test_reference_answers_pass():
    for name, answer in [("dense_transpose", tied.DenseTranspose),
                         ("shallow_autoencoder", tied.train_shallow_autoencoder)]:
        status, message, _ = run_check(name, answer)
        assert status == "passed", message


# Wrong DenseTranspose layers. Each is registered under its own name, as a learner's class would be.


def _register(cls):
    return keras.saving.register_keras_serializable(package="course_tests")(cls)


@_register
class OwnKernel(tied.DenseTranspose):
    def build(self, input_shape):
        n_inputs, units = self.dense.kernel.shape
        self.kernel = self.add_weight(name="kernel", shape=(units, n_inputs))
        self.bias = self.add_weight(name="bias", shape=(n_inputs,), initializer="zeros")

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, self.kernel) + self.bias)


@_register
class NoBias(tied.DenseTranspose):
    def build(self, input_shape):
        pass

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, ops.transpose(self.dense.kernel)))


@_register
class NotTransposed(tied.DenseTranspose):
    def call(self, inputs):
        return self.activation(ops.matmul(inputs, self.dense.kernel) + self.bias)


@_register
class NoActivation(tied.DenseTranspose):
    def call(self, inputs):
        return ops.matmul(inputs, ops.transpose(self.dense.kernel)) + self.bias


@_register
class CopiedKernel(tied.DenseTranspose):
    def build(self, input_shape):
        super().build(input_shape)
        self.kernel_t = ops.convert_to_tensor(ops.transpose(self.dense.kernel))  # a snapshot, not the variable

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, self.kernel_t) + self.bias)


@_register
class NoConfig(tied.DenseTranspose):
    def get_config(self):
        return keras.layers.Layer.get_config(self)


@_register
class NoActivationInConfig(tied.DenseTranspose):
    def get_config(self):
        config = keras.layers.Layer.get_config(self)
        config.update(dense=keras.layers.serialize(self.dense))
        return config


@_register
class PlainDenseConfig(tied.DenseTranspose):
    """Saves the Dense layer with its own get_config: the layer reloads, but as a copy, untied."""

    def get_config(self):
        config = keras.layers.Layer.get_config(self)
        config.update(dense={"config": self.dense.get_config(), "input_dim": int(self.dense.kernel.shape[0])},
                      activation=keras.activations.serialize(self.activation))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        dense = keras.layers.Dense.from_config(config["dense"]["config"])
        dense.build((None, config["dense"]["input_dim"]))
        config["dense"] = dense
        return cls(**config)


@_register
class BookLayer(keras.layers.Layer):
    """The book's layer: right outputs, but no get_config, so Keras cannot save it."""

    def __init__(self, dense, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.dense = dense
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.biases = self.add_weight(name="bias", shape=(self.dense.kernel.shape[0],), initializer="zeros")

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, ops.transpose(self.dense.kernel)) + self.biases)


@pytest.mark.parametrize("answer, hint", [
    (BookLayer, "define get_config()"),
    (OwnKernel, "do not create a kernel"),
    (NoBias, "create a bias in build()"),
    (NotTransposed, "ops.transpose(self.dense.kernel)"),
    (NoActivation, "apply it in call()"),
    (CopiedKernel, "read self.dense.kernel in call(), every time"),
    (NoConfig, "from_config must rebuild the Dense layer with keras.layers.deserialize"),
    (NoActivationInConfig, "store the activation in get_config"),
    (PlainDenseConfig, "serialise the Dense layer with keras.layers.serialize"),
])
def test_dense_transpose_mistakes(answer, hint):
    status, message, _ = run_check("dense_transpose", answer)
    # a layer that computes right but does not save right keeps the outputs part
    saving_only = answer in (BookLayer, NoConfig, NoActivationInConfig, PlainDenseConfig)
    assert status == ("partial" if saving_only else "failed") and hint in message, message


def test_tied_autoencoder_halves_the_parameters_and_reloads_tied(tmp_path):
    encoder, decoder, autoencoder = tied.build_tied_autoencoder()
    _, _, untied = stacked.build_stacked_autoencoder()
    assert autoencoder.count_params() == 784 * 100 + 100 + 100 * 30 + 30 + 100 + 784
    assert 0.45 < autoencoder.count_params() / untied.count_params() < 0.55
    images = np.random.default_rng(0).uniform(size=(2, 28, 28)).astype("float32")
    np.testing.assert_allclose(autoencoder(images), decoder(encoder(images)), atol=1e-6)
    path = pathlib.Path(tmp_path) / "tied.keras"
    autoencoder.save(path)
    reloaded = keras.models.load_model(path)
    np.testing.assert_allclose(reloaded(images), autoencoder(images), atol=1e-6)
    assert reloaded.layers[-2].dense is reloaded.layers[1] and reloaded.layers[-3].dense is reloaded.layers[2]


def test_nested_tied_model_restores_through_load_weights(tmp_path):
    """What DenseTranspose's docstring promises for a model whose encoder and decoder are sub-models."""
    def nested():
        dense = keras.layers.Dense(4, activation="selu")
        encoder = keras.Sequential([keras.Input(shape=(6,)), dense])
        decoder = keras.Sequential([keras.Input(shape=(4,)), tied.DenseTranspose(dense, activation="sigmoid")])
        return keras.Sequential([encoder, decoder])

    model, inputs = nested(), np.random.default_rng(0).uniform(size=(3, 6)).astype("float32")
    model.save_weights(tmp_path / "nested.weights.h5")
    rebuilt = nested()
    rebuilt.load_weights(tmp_path / "nested.weights.h5")
    np.testing.assert_allclose(rebuilt(inputs), model(inputs), atol=1e-6)
    assert rebuilt.layers[1].layers[0].dense is rebuilt.layers[0].layers[0]


def test_stack_autoencoders_orders_encoders_and_decoders():
    X = np.random.default_rng(0).uniform(size=(8, 784)).astype("float32")
    encoder_1, decoder_1, codings, _ = tied.train_shallow_autoencoder(X, X, 5, 0, "nadam", "mse", "sigmoid")
    encoder_2, decoder_2, _, _ = tied.train_shallow_autoencoder(codings, codings, 3, 0, "nadam", "mse")
    stacked = tied.stack_autoencoders([encoder_1, encoder_2], [decoder_1, decoder_2])
    images = X.reshape(-1, 28, 28)
    expected = decoder_1(decoder_2(encoder_2(encoder_1(X)))).numpy().reshape(-1, 28, 28)
    np.testing.assert_allclose(stacked(images), expected, atol=1e-6)
    with pytest.raises(ValueError, match="as many encoders as decoders"):
        tied.stack_autoencoders([encoder_1], [decoder_1, decoder_2])


# Wrong shallow autoencoders: the reference with one thing changed.


def _shallow(epochs=None, new_optimizer=False, fixed_loss=None, codings_before_fit=False, valid_codings="valid",
             encoder_activation="argument", output_activation="argument"):
    def train(X_train, X_valid, codings_size, num_epochs, optimizer, loss, output_activation_=None,
              activation="selu", batch_size=32, verbose="auto"):
        features = X_train.shape[-1]
        act = activation if encoder_activation == "argument" else encoder_activation
        out = output_activation_ if output_activation == "argument" else output_activation
        encoder = keras.Sequential([keras.Input(shape=(features,)), keras.layers.Dense(codings_size, activation=act)])
        decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(features, activation=out)])
        autoencoder = keras.Sequential([encoder, decoder])
        autoencoder.compile(loss=fixed_loss or loss, optimizer="nadam" if new_optimizer else optimizer)
        before = encoder.predict(X_train, verbose=0)
        autoencoder.fit(X_train, X_train, epochs=num_epochs if epochs is None else epochs, batch_size=batch_size,
                        validation_data=(X_valid, X_valid), verbose=verbose)
        codings_train = before if codings_before_fit else encoder.predict(X_train, verbose=0)
        codings_valid = encoder.predict(X_valid if valid_codings == "valid" else X_train, verbose=0)
        return encoder, decoder, codings_train, codings_valid

    def answer(X_train, X_valid, codings_size, num_epochs, optimizer, loss, output_activation=None,
               activation="selu", batch_size=32, verbose="auto"):
        return train(X_train, X_valid, codings_size, num_epochs, optimizer, loss, output_activation, activation,
                     batch_size, verbose)
    return answer


@pytest.mark.parametrize("answer, hint", [
    (_shallow(epochs=3), "fit for `num_epochs` epochs"),
    (_shallow(new_optimizer=True), "compile with the `optimizer` argument itself"),
    (_shallow(fixed_loss="mse"), "compile the autoencoder with loss=loss"),
    (_shallow(codings_before_fit=True), "compute the codings with the trained encoder, after fit"),
    (_shallow(valid_codings="train"), "encoder.predict(X_valid)"),
    (_shallow(encoder_activation=None), "the encoder is one Dense layer with activation=activation"),
    (_shallow(encoder_activation="relu"), "use the `activation` argument"),
    (_shallow(encoder_activation="selu"), "use the `activation` argument (here 'tanh')"),  # argument ignored
    (_shallow(output_activation="sigmoid"), "activation=output_activation"),
    (_shallow(output_activation=None), "activation=output_activation"),
])
def test_shallow_autoencoder_mistakes(answer, hint):
    status, message, _ = run_check("shallow_autoencoder", answer)
    assert status == "failed" and hint in message, message
