"""Checks for lesson 03, tied weights and greedy layer-wise training. Reference answers: ``solutions/tied.py``."""

import json
import os
import tempfile

import numpy as np

from autograder.exercise import Exercise, Fail, expect_close, expect_equal

LESSON = "03_tied_greedy"
SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772


def _rounded(value, decimals=4):
    """Round away float32 noise, so that the reference outputs stored at build time are reproducible."""
    return round(float(value), decimals)


def _first_line(error):
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return " ".join(lines[:3])[:300]


def _gap(a, b):
    """Largest absolute difference between two arrays, infinite when their shapes differ."""
    return float(np.max(np.abs(a - b))) if a.shape == b.shape else np.inf


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _dense(rng, units, num_inputs, activation=None):
    import keras

    dense = keras.layers.Dense(units, activation=activation)
    dense.build((None, num_inputs))
    dense.kernel.assign(rng.normal(size=(num_inputs, units)).astype("float32"))
    dense.bias.assign(rng.normal(size=(units,)).astype("float32"))
    return dense


def _own_weights(layer, dense):
    tied = {id(variable) for variable in dense.weights}
    return [variable for variable in layer.weights if id(variable) not in tied]


class DenseTransposeLayer(Exercise):
    name = "dense_transpose"
    title = "DenseTranspose layer (tied weights)"
    answer = "solutions.tied:DenseTranspose"
    points = 3

    def probe(self, layer_class, rng):
        import keras

        data = {}
        for label, (units, num_inputs, activation) in {"square kernel, no activation": (4, 4, None),
                                                       "(5, 3) kernel, sigmoid": (3, 5, "sigmoid")}.items():
            dense = _dense(rng, units, num_inputs)
            layer = layer_class(dense, activation=activation)
            inputs = rng.normal(size=(6, units)).astype("float32")
            try:
                layer(inputs)  # builds the layer
            except NotImplementedError:
                raise
            except Exception as error:
                raise Fail(f"calling the layer ({label}) on inputs of shape {inputs.shape}",
                           f"outputs of shape (6, {num_inputs})", f"{type(error).__name__}: {_first_line(error)}",
                           "the kernel has shape (n_inputs, units): multiply the inputs by its transpose, "
                           "ops.matmul(inputs, ops.transpose(self.dense.kernel))")
            own = _own_weights(layer, dense)
            shapes = [list(variable.shape) for variable in own]
            if any(len(shape) == 2 for shape in shapes):
                raise Fail("weights of the layer itself", f"one bias of shape [{num_inputs}]", shapes,
                           "do not create a kernel: use the tied Dense layer's kernel, transposed, in call()")
            if [num_inputs] not in shapes:
                raise Fail("weights of the layer itself", f"one bias of shape [{num_inputs}]", shapes or "none",
                           "create a bias in build() with self.add_weight(shape=(n_inputs,), initializer='zeros'), "
                           "where n_inputs is dense.kernel.shape[0]")
            bias = own[shapes.index([num_inputs])]
            bias.assign(rng.normal(size=(num_inputs,)).astype("float32"))
            outputs = np.asarray(layer(inputs))
            # a new kernel in the Dense layer must show at once: the weights are tied, not copied
            new_kernel = rng.normal(size=(num_inputs, units)).astype("float32")
            dense.kernel.assign(new_kernel)
            data[label] = {"inputs": inputs, "kernel": new_kernel, "bias": np.asarray(bias),
                           "outputs": np.asarray(layer(inputs)), "outputs_before": outputs,
                           "activation": activation or "linear"}
        data["round trip"] = self._round_trip(layer_class, rng, keras)
        return data

    def _round_trip(self, layer_class, rng, keras):
        registered = keras.saving.get_registered_name(layer_class)
        scope = {registered: layer_class, layer_class.__name__: layer_class}
        dense = _dense(rng, 3, 5)
        model = keras.Sequential([keras.Input(shape=(5,)), dense, layer_class(dense, activation="sigmoid")])
        inputs = rng.uniform(size=(4, 5)).astype("float32")
        with keras.saving.CustomObjectScope(scope):
            try:
                text = json.dumps(keras.saving.serialize_keras_object(model.layers[1]))
                clone = keras.saving.deserialize_keras_object(json.loads(text))
                clone_outputs = np.asarray(clone(rng.normal(size=(4, 3)).astype("float32")))
            except NotImplementedError:
                raise
            except Exception as error:
                raise Fail("saving the layer's config to JSON and rebuilding the layer from it", "a working layer",
                           f"{type(error).__name__}: {_first_line(error)}",
                           "get_config must add the tied Dense layer (keras.layers.serialize) and the activation; "
                           "from_config must rebuild the Dense layer with keras.layers.deserialize")
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "tied.keras")
                try:
                    model.save(path)
                    loaded = keras.models.load_model(path)
                except Exception as error:
                    raise Fail("saving and reloading a model that uses the layer", "the same model",
                               f"{type(error).__name__}: {_first_line(error)}",
                               "serialise the Dense layer with keras.layers.serialize and rebuild it with "
                               "keras.layers.deserialize, so Keras can tell it is the model's own Dense layer")
        return {"clone_shape": list(clone_outputs.shape),
                "clone_in_unit_interval": bool(np.all((clone_outputs >= 0) & (clone_outputs <= 1))),
                "reload_error": _rounded(np.max(np.abs(np.asarray(loaded(inputs)) - np.asarray(model(inputs))))),
                # tied again when the reloaded layer uses the reloaded Dense layer's own variables
                "reload_tied": bool({id(w) for w in loaded.layers[0].weights}
                                    & {id(w) for w in loaded.layers[1].weights})}

    def verify(self, got, expected):
        for label, exp in expected.items():
            if label == "round trip":
                continue
            value = got[label]
            x, kernel, activation = exp["inputs"], exp["kernel"].astype(np.float64), exp["activation"]
            bias = np.asarray(value["bias"], dtype=np.float64)  # the probe gave the learner's bias these values
            outputs = np.asarray(value["outputs"])
            if outputs.shape != exp["outputs"].shape:
                raise Fail(f"output shape ({label})", exp["outputs"].shape, outputs.shape,
                           "multiply the inputs by the transposed kernel: ops.matmul(inputs, ops.transpose(kernel))")
            if np.allclose(value["outputs_before"], outputs, atol=1e-6):
                raise Fail(f"tied weights ({label})", "outputs that change when the Dense kernel changes",
                           "the same outputs", "read self.dense.kernel in call(), every time: do not copy it or "
                                               "its transpose into the layer in __init__ or build")
            apply = _sigmoid if activation == "sigmoid" else (lambda z: z)
            if kernel.shape[0] == kernel.shape[1] and np.allclose(outputs, apply(x @ kernel + bias), atol=1e-4):
                raise Fail(f"outputs ({label})", "inputs @ transpose(kernel) + bias", "inputs @ kernel + bias",
                           "transpose the kernel: ops.matmul(inputs, ops.transpose(self.dense.kernel))")
            if np.allclose(outputs, apply(x @ kernel.T), atol=1e-4):
                raise Fail(f"outputs ({label})", "a bias added", "no bias added",
                           "add the layer's own bias before the activation")
            if activation != "linear" and np.allclose(outputs, x @ kernel.T + bias, atol=1e-4):
                raise Fail(f"outputs ({label})", f"the {activation} activation applied", "a linear output",
                           "keep keras.activations.get(activation) in __init__ and apply it in call()")
            expect_close(f"outputs ({label})", outputs, apply(x @ kernel.T + bias), rtol=1e-4, atol=1e-4,
                         hint="activation(inputs @ transpose(dense.kernel) + bias)")
        value, exp = got["round trip"], expected["round trip"]
        expect_equal("output shape of the layer rebuilt from its config", value["clone_shape"], exp["clone_shape"],
                     "from_config must rebuild the same Dense layer (keras.layers.deserialize(config['dense']))")
        if not value["clone_in_unit_interval"]:
            raise Fail("activation of the layer rebuilt from its config", "sigmoid", "another activation",
                       "store the activation in get_config: keras.activations.serialize(self.activation)")
        if value["reload_error"] > 1e-5:
            raise Fail("outputs of a saved and reloaded model", "the same outputs",
                       f"outputs that differ by {value['reload_error']:.3g}",
                       "save the tied Dense layer in get_config with keras.layers.serialize")
        if not value["reload_tied"]:
            raise Fail("weights still tied after reloading a saved model", "the model's own Dense layer",
                       "a separate copy", "serialise with keras.layers.serialize and rebuild with "
                                          "keras.layers.deserialize: Keras then reuses the shared layer")


def _pixels(rng, num_samples, num_features=12, rank=3):
    """Low-rank data in [0, 1] that looks a little like images."""
    factors = rng.normal(size=(num_samples, rank)) @ rng.normal(size=(rank, num_features))
    return _sigmoid(factors + 0.2 * rng.normal(size=(num_samples, num_features))).astype("float32")


def _affine_residual(function, x):
    """How far ``function`` is from affine: |f(x1 + x2) + f(0) - f(x1) - f(x2)| relative to |f(x1)|."""
    half = len(x) // 2
    x1, x2 = x[:half], x[half:2 * half]
    f = lambda inputs: np.asarray(function(inputs.astype("float32")), dtype=np.float64)  # noqa: E731
    residual = f(x1 + x2) + f(np.zeros_like(x1)) - f(x1) - f(x2)
    return float(np.max(np.abs(residual)) / (np.max(np.abs(f(x1))) + 1e-8))


def _selu_inverse(y):
    y = np.asarray(y, dtype=np.float64)
    negative = np.log(np.clip(y / (SELU_SCALE * SELU_ALPHA) + 1, 1e-12, None))
    return np.where(y > 0, y / SELU_SCALE, negative)


def _logit(p):
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


class ShallowAutoencoder(Exercise):
    name = "shallow_autoencoder"
    title = "one step of greedy layer-wise training"
    answer = "solutions.tied:train_shallow_autoencoder"
    points = 2
    num_train, num_valid, codings_size, num_epochs, batch_size = 96, 32, 4, 2, 32

    def probe(self, train, rng):
        import keras

        X = _pixels(rng, self.num_train + self.num_valid)
        X_train, X_valid = X[:self.num_train], X[self.num_train:]
        traced = []

        def loss(y_true, y_pred):
            traced.append(True)  # runs when Keras traces the training step: the given loss is in use
            return keras.losses.binary_crossentropy(y_true, y_pred)

        data = {}
        for label, num_epochs, output_activation, loss_fn in (
                ("trained, sigmoid output", self.num_epochs, "sigmoid", loss),
                ("0 epochs, linear output", 0, None, "mse")):
            optimizer = keras.optimizers.Nadam(learning_rate=0.01)
            result = train(X_train, X_valid, codings_size=self.codings_size, num_epochs=num_epochs,
                           optimizer=optimizer, loss=loss_fn, output_activation=output_activation, verbose=0)
            if not isinstance(result, (tuple, list)) or len(result) != 4:
                raise Fail("return value", "a tuple (encoder, decoder, codings_train, codings_valid)",
                           type(result).__name__, "end with `return encoder, decoder, codings_train, codings_valid`")
            encoder, decoder, codings_train, codings_valid = result
            codings_train, codings_valid = np.asarray(codings_train), np.asarray(codings_valid)
            codings = np.asarray(encoder(X_train))
            # small ranges keep float32 rounding far below the thresholds when inverting SELU and sigmoid
            wide = rng.uniform(-1, 1, size=(40, X.shape[1]))
            probe_codings = rng.normal(scale=0.5, size=(40, codings.shape[1]))
            data[label] = {
                "iterations": int(optimizer.iterations),
                "codings_shapes": [list(codings_train.shape), list(codings_valid.shape)],
                "codings_error": _rounded(max(_gap(codings_train, codings),
                                              _gap(codings_valid, np.asarray(encoder(X_valid)))), 5),
                "codings_min": _rounded(np.asarray(encoder(wide.astype("float32"))).min(), 3),
                "encoder_not_selu": _rounded(_affine_residual(lambda x: _selu_inverse(encoder(x)), wide)),
                "output_shape": list(np.asarray(decoder(codings)).shape),
                "decoder_nonaffinity": _rounded(_affine_residual(decoder, probe_codings)),
                "decoder_logit_nonaffinity": _rounded(_affine_residual(lambda c: _logit(decoder(c)), probe_codings)),
            }
        data["loss_used"] = bool(traced)
        return data

    def verify(self, got, expected):
        if not got["loss_used"]:
            raise Fail("the loss used for training", "the `loss` argument", "another loss",
                       "compile the autoencoder with loss=loss (the argument)")
        for label, exp in expected.items():
            if label == "loss_used":
                continue
            value = got[label]
            expect_equal(f"decoder output shape ({label})", value["output_shape"], exp["output_shape"],
                         "the decoder's Dense layer has as many units as the inputs have features "
                         "(X_train.shape[-1])")
            expect_equal(f"shapes of codings_train and codings_valid ({label})", value["codings_shapes"],
                         exp["codings_shapes"], "return encoder.predict(X_train) and encoder.predict(X_valid): "
                                                "one row of `codings_size` codings per sample")
            if value["iterations"] != exp["iterations"]:
                hint = ("compile with the `optimizer` argument itself, not a new optimizer"
                        if value["iterations"] == 0 else
                        "fit for `num_epochs` epochs with `batch_size` (do not hard-code them)")
                raise Fail(f"training steps taken by the given optimizer ({label})", exp["iterations"],
                           value["iterations"], hint)
            if value["codings_error"] > 1e-4:
                raise Fail(f"returned codings ({label})", "encoder(X_train) and encoder(X_valid)",
                           f"arrays that differ from them by {value['codings_error']:.3g}",
                           "compute the codings with the trained encoder, after fit, for X_train and for X_valid")
            if value["codings_min"] >= 0:
                raise Fail(f"encoder activation ({label})", "SELU (some negative codings)", "no negative codings",
                           "use the `activation` argument ('selu' by default) in the encoder's Dense layer")
            if value["encoder_not_selu"] > 1e-3:
                raise Fail(f"encoder activation ({label})", "activation(inputs @ kernel + bias) with SELU",
                           "another function", "the encoder is one Dense layer with activation=activation")
            if label.endswith("sigmoid output") and value["decoder_logit_nonaffinity"] > 1e-3:
                raise Fail(f"decoder ({label})", "one Dense layer with the sigmoid activation", "another function",
                           "give the decoder's Dense layer activation=output_activation")
            if label.endswith("linear output") and value["decoder_nonaffinity"] > 1e-3:
                raise Fail(f"decoder ({label})", "one linear Dense layer (output_activation=None)",
                           "a nonlinear decoder", "give the decoder's Dense layer activation=output_activation")


EXERCISES = [DenseTransposeLayer(), ShallowAutoencoder()]
