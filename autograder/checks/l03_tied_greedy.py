"""Checks for lesson 03, tied weights and greedy layer-wise training. Reference answers: ``solutions/tied.py``.

Every point rests on values computed on this run's inputs: the DenseTranspose layer's outputs with a kernel and a
bias the grader sets (and after the grader changes the kernel), the gradients of a loss of those outputs w.r.t. the
shared kernel and the bias, the same outputs after a JSON round trip and a save and reload; the shallow autoencoder's
codings after training from weights the grader sets (the given optimizer sets them when Keras builds it), its outputs
with fresh weights the grader sets, and the number of steps the given optimizer takes when batches are smaller than
the training set.
"""

import json
import os
import re
import tempfile

import numpy as np

from autograder.checks.exercise import (Exercise, Fail, expect_close, expect_equal, expect_no_training_only_layers,
                                        normal_weights, raised_by_library, training_gap)

LESSON = "03_tied_greedy"


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


class DenseTransposeLayer(Exercise):
    name = "dense_transpose"
    title = "DenseTranspose layer (tied weights)"
    answer = "solutions.tied:DenseTranspose"
    points = 3
    # a layer that computes right but cannot be saved earns the first part; saving is judged on the same numbers
    parts = ("outputs", "saving")
    cases = {"square kernel, no activation": (4, 4, None), "(5, 3) kernel, sigmoid": (3, 5, "sigmoid")}

    def probe(self, layer_class, rng):
        import keras

        data = {}
        for label, (units, num_inputs, activation) in self.cases.items():
            dense = _dense(rng, units, num_inputs)
            inputs = rng.normal(size=(6, units)).astype("float32")
            bias_values = rng.normal(size=(num_inputs,)).astype("float32")
            new_kernel = rng.normal(size=(num_inputs, units)).astype("float32")
            layer = layer_class(dense, activation=activation)
            try:
                layer(inputs)  # builds the layer
            except NotImplementedError:
                raise
            except Exception as error:
                tied = {id(variable) for variable in dense.weights}
                own = [list(variable.shape) for variable in layer.weights if id(variable) not in tied]
                hint = ("the kernel has shape (n_inputs, units): multiply the inputs by its transpose, "
                        "ops.matmul(inputs, ops.transpose(self.dense.kernel))")
                if isinstance(error, TypeError) and re.search(r"'(NoneType|str)' object is not callable", str(error)):
                    hint = (f"activation={activation!r} is not a function: keep "
                            "self.activation = keras.activations.get(activation) in __init__ (None becomes the "
                            "linear activation, a name its function)")
                elif [num_inputs] not in own and any(len(shape) == 1 for shape in own):
                    hint = (f"the bias has one value per output of this layer, dense.kernel.shape[0] = {num_inputs} "
                            f"(the Dense layer's inputs), not input_shape[-1] = {units}: its shapes are {own}")
                raise Fail(f"calling the layer ({label}) on inputs of shape {inputs.shape}",
                           f"outputs of shape (6, {num_inputs})", f"{type(error).__name__}: {_first_line(error)}",
                           hint) from None
            bias = _own_bias(layer, dense, num_inputs)
            initial_bias = np.asarray(bias, dtype=np.float64)
            bias.assign(bias_values)
            outputs_before = np.asarray(layer(inputs), dtype=np.float64)
            # a new kernel in the Dense layer must show at once: the weights are tied, not copied
            dense.kernel.assign(new_kernel)
            gradients = _gradients(layer, dense, bias, inputs, rng.normal(size=(6, num_inputs)).astype("float32"))
            data[label] = {**gradients,
                           "kernel_trainable": any(variable is dense.kernel for variable in dense.trainable_weights),
                           "inputs": inputs, "kernel": new_kernel, "bias": bias_values,
                           "initial_bias_max": float(np.max(np.abs(initial_bias))),
                           "bias_trainable": any(variable is bias for variable in layer.trainable_weights),
                           "outputs_before": outputs_before, "outputs": np.asarray(layer(inputs), dtype=np.float64)}
        data["saving"] = _saving(layer_class, rng, keras)
        return data

    def verify_part(self, part, got, expected):
        if part == "saving":
            return _verify_saving(got["saving"], expected["saving"])
        for label, (_, _, activation) in self.cases.items():
            value, exp = got[label], expected[label]
            x, kernel, bias = (exp[key].astype(np.float64) for key in ("inputs", "kernel", "bias"))
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
            if activation and np.allclose(outputs, x @ kernel.T + bias, atol=1e-4):
                raise Fail(f"outputs ({label})", f"the {activation} activation applied", "a linear output",
                           "keep keras.activations.get(activation) in __init__ and apply it in call()")
            if activation and np.allclose(outputs, apply(x @ kernel.T) + bias, atol=1e-4):
                raise Fail(f"outputs ({label})", "activation(inputs @ transpose(kernel) + bias)",
                           "activation(inputs @ transpose(kernel)) + bias",
                           "add the bias before the activation: self.activation(z + self.bias)")
            for key in ("outputs_before", "outputs"):
                expect_close(f"outputs ({label})", value[key], exp[key], rtol=1e-4, atol=1e-4,
                             hint="activation(inputs @ transpose(dense.kernel) + bias)")
            if value.get("kernel_gradient") is None or value.get("bias_gradient") is None:
                raise Fail(f"gradient of a loss of the outputs ({label})", "a gradient for the Dense layer's kernel "
                           "and for the bias", "none for the " + " and the ".join(
                               name for name in ("kernel", "bias") if value.get(f"{name}_gradient") is None),
                           "do not stop gradients (ops.stop_gradient) or convert to numpy in call(): training the "
                           "tied decoder must update the shared kernel too")
            for name in ("kernel", "bias"):
                expect_close(f"gradient of a loss of the outputs w.r.t. the {name} ({label})",
                             value[f"{name}_gradient"], exp[f"{name}_gradient"], rtol=1e-3, atol=1e-4,
                             hint="do not stop gradients (ops.stop_gradient) in call(): the decoder's gradient must "
                                  "reach the shared kernel")
            if not value.get("kernel_trainable", True):
                raise Fail(f"the tied Dense layer's kernel ({label})", "a trainable weight",
                           "a weight fit cannot change", "do not freeze the Dense layer (dense.trainable = False): "
                                                         "the encoder and the tied decoder train the shared kernel")
            if not value.get("bias_trainable", True):
                raise Fail(f"the bias of the layer ({label})", "a trainable weight", "a weight fit cannot change",
                           "create the bias with self.add_weight(..., initializer='zeros') and leave trainable=True "
                           "(the default): the tied decoder learns its own bias")
            if value.get("initial_bias_max", 0.0) > 0:
                raise Fail(f"the bias of a new layer ({label})", "zeros",
                           f"values up to {value['initial_bias_max']:.3g}",
                           "initialise the bias to zeros: self.add_weight(shape=(n_inputs,), initializer='zeros'), "
                           "so that a fresh tied decoder starts as the plain transpose of the encoder")


def _own_bias(layer, dense, num_inputs):
    """The layer's own bias variable; Fail naming the mistake when it has a kernel of its own or no bias."""
    tied = {id(variable) for variable in dense.weights}
    own = [variable for variable in layer.weights if id(variable) not in tied]
    shapes = [list(variable.shape) for variable in own]
    rows = [shape for shape in shapes if shape in ([1, num_inputs], [num_inputs, 1])]
    if rows and not any(len(shape) == 2 and shape not in rows for shape in shapes):
        raise Fail("weights of the layer itself", f"one bias of shape [{num_inputs}]", shapes,
                   f"give the bias shape (n_inputs,) = ({num_inputs},), a vector, not a {tuple(rows[0])} matrix: "
                   "self.add_weight(shape=(n_inputs,), initializer='zeros')")
    if any(len(shape) == 2 for shape in shapes):
        raise Fail("weights of the layer itself", f"one bias of shape [{num_inputs}]", shapes,
                   "do not create a kernel: use the tied Dense layer's kernel, transposed, in call()")
    if [num_inputs] not in shapes:
        raise Fail("weights of the layer itself", f"one bias of shape [{num_inputs}]", shapes or "none",
                   "create a bias in build() with self.add_weight(shape=(n_inputs,), initializer='zeros'), "
                   "where n_inputs is dense.kernel.shape[0]")
    return own[shapes.index([num_inputs])]


def _gradients(layer, dense, bias, inputs, weights):
    """The gradients of sum(weights * layer(inputs)) w.r.t. the Dense layer's kernel and the layer's bias (None where
    none flows), whether or not the variables are trainable."""
    import tensorflow as tf

    sources = [dense.kernel.value, bias.value]
    with tf.GradientTape() as tape:
        tape.watch(sources)
        loss = tf.reduce_sum(tf.convert_to_tensor(weights) * tf.cast(layer(inputs), "float32"))
    try:
        gradients = tape.gradient(loss, sources)
    except Exception:  # noqa: BLE001 - e.g. numpy in call(): nothing to differentiate
        gradients = [None, None]
    return {f"{name}_gradient": None if gradient is None else np.asarray(gradient, dtype=np.float64)
            for name, gradient in zip(("kernel", "bias"), gradients)}


def _saving(layer_class, rng, keras):
    """The layer rebuilt from its JSON config, and a model using it saved and reloaded, all run with weights drawn
    here; ``{"error": ..., "hint": ...}`` when saving or loading raised."""
    dense, clone_kernel = _dense(rng, 3, 5), rng.normal(size=(5, 3)).astype("float32")
    inputs, codings = rng.uniform(size=(4, 5)).astype("float32"), rng.normal(size=(4, 3)).astype("float32")
    biases = [rng.normal(size=(5,)).astype("float32") for _ in range(2)]
    new_kernel = rng.normal(size=(5, 3)).astype("float32")
    registered = keras.saving.get_registered_name(layer_class)
    scope = {registered: layer_class, layer_class.__name__: layer_class}
    model = keras.Sequential([keras.Input(shape=(5,)), dense, layer_class(dense, activation="sigmoid")])
    own_bias = _own_bias(model.layers[1], dense, 5)
    # what the learner's own layer computes with the clone's kernel and bias (for the hint: saving keeps that)
    kernel = np.asarray(dense.kernel)
    dense.kernel.assign(clone_kernel)
    own_bias.assign(biases[1])
    own_clone_outputs = np.asarray(model.layers[1](codings), dtype=np.float64)
    dense.kernel.assign(kernel)
    own_bias.assign(biases[0])
    own_reloaded = np.asarray(model(inputs), dtype=np.float64)
    step = "saving the layer's config to JSON and rebuilding the layer from it"
    try:
        with keras.saving.CustomObjectScope(scope):
            clone = keras.saving.deserialize_keras_object(
                json.loads(json.dumps(keras.saving.serialize_keras_object(model.layers[1]))))
            clone(codings)  # builds the clone
            clone.dense.kernel.assign(clone_kernel)
            _own_bias(clone, clone.dense, 5).assign(biases[1])
            clone_outputs = np.asarray(clone(codings), dtype=np.float64)
            step = "saving and reloading a model that uses the layer"
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "tied.keras")
                model.save(path)
                loaded = keras.models.load_model(path)
            reloaded = np.asarray(loaded(inputs), dtype=np.float64)
            loaded.layers[0].kernel.assign(new_kernel)  # tied again: the reloaded layer reads this kernel
            reloaded_new_kernel = np.asarray(loaded(inputs), dtype=np.float64)
            dense.kernel.assign(new_kernel)
            own_new_kernel = np.asarray(model(inputs), dtype=np.float64)
    except Fail as failure:
        return {"error": failure.what, "hint": failure.hint}
    except NotImplementedError as error:
        if not raised_by_library(error):
            return {"error": step, "hint": "get_config or from_config still raises NotImplementedError: replace the "
                                           "stub with your code"}
        return {"error": f"{step}: Keras raised NotImplementedError",
                "hint": "define get_config(): a layer whose __init__ takes arguments must return them, "
                        "super().get_config() plus dense=keras.layers.serialize(self.dense) and the activation"}
    except Exception as error:
        hint = ("get_config must add the tied Dense layer (keras.layers.serialize) and the activation; from_config "
                "must rebuild the Dense layer with keras.layers.deserialize"
                if step.startswith("saving the layer") else
                "serialise the Dense layer with keras.layers.serialize and rebuild it with keras.layers.deserialize, "
                "so Keras can tell it is the model's own Dense layer")
        return {"error": f"{step}: {type(error).__name__}: {_first_line(error)}", "hint": hint}
    return {"clone_outputs": clone_outputs, "reloaded": reloaded, "reloaded_new_kernel": reloaded_new_kernel,
            # what the learner's own layer gave for the same numbers: these only choose the hint
            "own_clone_outputs": own_clone_outputs, "own_reloaded": own_reloaded, "own_new_kernel": own_new_kernel,
            "linear_clone_outputs": np.asarray(np.asarray(codings, np.float64) @ clone_kernel.T + biases[1])}


def _verify_saving(value, exp):
    """Saving is judged on the reference's numbers: a value only the right computation gives, so that no made-up data
    earns the part (a layer whose call is wrong loses both parts). What the learner's own layer computed with the same
    kernel, bias and inputs only chooses the hint: when the rebuilt layer agrees with it, saving is not the mistake."""
    if "error" in value:
        raise Fail(value["error"], hint=value["hint"])
    linear = exp["linear_clone_outputs"]

    def hint(key, own_key, saving_hint):
        own = value.get(own_key)
        if own is not None and np.shape(own) == np.shape(value[key]) and np.allclose(value[key], own, atol=1e-4):
            return ("the saved layer computes what your layer computes, so saving works; the outputs differ "
                    "because call() does (see the outputs part): this part is judged on the right outputs")
        return saving_hint

    expect_close("outputs of the layer rebuilt from its config", value["clone_outputs"], exp["clone_outputs"],
                 rtol=1e-4, atol=1e-4, hint=hint("clone_outputs", "own_clone_outputs",
                                                 "store the activation in get_config: keras.activations.serialize("
                                                 "self.activation)"
                                                 if np.allclose(value["clone_outputs"], linear, atol=1e-4) else
                                                 "from_config must rebuild the same Dense layer "
                                                 "(keras.layers.deserialize(config['dense']))"))
    expect_close("outputs of a saved and reloaded model", value["reloaded"], exp["reloaded"], rtol=1e-4, atol=1e-4,
                 hint=hint("reloaded", "own_reloaded",
                           "save the tied Dense layer in get_config with keras.layers.serialize"))
    expect_close("outputs of the reloaded model after a new kernel in its Dense layer", value["reloaded_new_kernel"],
                 exp["reloaded_new_kernel"], rtol=1e-4, atol=1e-4,
                 hint=hint("reloaded_new_kernel", "own_new_kernel",
                           "weights untied after reloading: serialise with keras.layers.serialize and rebuild with "
                           "keras.layers.deserialize, so Keras hands the layer the model's own Dense layer"))


class ShallowAutoencoder(Exercise):
    """The given optimizer sets every trainable weight from this run's seed when Keras builds it (by shape, in
    order), and each epoch is one full batch, so the trained codings are deterministic: they show the loss, the
    optimizer, the number of epochs and the batch size used. Fresh weights set afterwards judge the layers and
    activations. Every argument is varied between the two cases. A last run, with batches smaller than the training
    set, only counts the optimizer's steps (see ``steps_case``)."""

    name = "shallow_autoencoder"
    title = "one step of greedy layer-wise training"
    answer = "solutions.tied:train_shallow_autoencoder"
    points = 2
    # label: (num_train, codings_size, num_epochs, output_activation, extra arguments)
    cases = {"pixels, sigmoid output, defaults": (32, 4, 2, "sigmoid", {}),
             "codings, linear output, tanh, batch_size=48": (48, 3, 3, None, {"activation": "tanh",
                                                                                "batch_size": 48})}
    num_valid, num_features = 16, 12
    # one more run that only counts the optimizer's steps, with batches smaller than the training set (shuffling
    # makes the trained weights vary, so only the count is compared): 5 steps per epoch, and each mistake below
    # gives a count of its own
    steps_case = {"num_train": 40, "num_valid": 24, "batch_size": 8, "num_epochs": 2}
    steps_hints = {2: "fit with batch_size=batch_size: one step per epoch means one batch of the whole training set",
                   4: "fit with `batch_size` (batch_size=batch_size): 2 steps per epoch is Keras' default batch of 32",
                   6: "fit on X_train, as both inputs and targets: 3 steps per epoch are the 24 rows of X_valid",
                   16: "fit on X_train only (X_valid is for validation_data=(X_valid, X_valid)): 8 steps per epoch "
                       "are the training and the validation rows together",
                   8: "validate on validation_data=(X_valid, X_valid), not validation_split: that holds back part of "
                      "X_train from training"}

    def probe(self, train, rng):
        import keras

        traced = []

        def loss(y_true, y_pred):
            traced.append(True)  # runs when Keras traces the training step: the given loss is in use
            return keras.losses.binary_crossentropy(y_true, y_pred)

        data = {}
        for label, (num_train, codings_size, num_epochs, output_activation, kwargs) in self.cases.items():
            if output_activation == "sigmoid":
                X = _pixels(rng, num_train + self.num_valid, self.num_features)
            else:
                X = rng.normal(size=(num_train + self.num_valid, self.num_features)).astype("float32")
            x, codings_in = X[:8] + 0.1, rng.normal(size=(8, codings_size)).astype("float32")
            optimizer = _optimizer_setting_weights(keras, np.random.default_rng(rng.integers(2**32)))
            fresh_rng = np.random.default_rng(rng.integers(2**32))
            X_train, X_valid = X[:num_train].copy(), X[num_train:].copy()
            result = train(X_train, X_valid, codings_size=codings_size, num_epochs=num_epochs,
                           optimizer=optimizer, loss=loss if output_activation else "mse",
                           output_activation=output_activation, verbose=0, **kwargs)
            if not isinstance(result, (tuple, list)) or len(result) != 4:
                raise Fail("return value", "a tuple (encoder, decoder, codings_train, codings_valid)",
                           type(result).__name__, "end with `return encoder, decoder, codings_train, codings_valid`")
            changed = [name for name, given, kept in (("X_train", X_train, X[:num_train]),
                                                      ("X_valid", X_valid, X[num_train:]))
                       if not np.array_equal(given, kept)]
            if changed:
                raise Fail(f"the arrays passed in ({label})", "unchanged", f"{' and '.join(changed)} changed in place",
                           "do not modify the caller's data (np.random.shuffle(X_train), X_train -= ..., sorting): "
                           "fit shuffles each epoch by itself; work on a copy if you must change it")
            encoder, decoder, codings_train, codings_valid = result
            sizes = [_input_size(model) for model in (encoder, decoder)]
            if sizes == [codings_size, self.num_features] and codings_size != self.num_features:
                raise Fail("return value", "(encoder, decoder, codings_train, codings_valid)",
                           "the decoder first, then the encoder",
                           "end with `return encoder, decoder, codings_train, codings_valid`: the encoder first")
            returned = [np.asarray(codings_train, np.float64), np.asarray(codings_valid, np.float64)]
            after_fit = [np.asarray(encoder(X[:num_train]), np.float64), np.asarray(encoder(X[num_train:]), np.float64)]
            trained_outputs = np.asarray(decoder(codings_in), np.float64)
            variables = encoder.weights + decoder.weights
            for variable, value in zip(variables, normal_weights(fresh_rng, [list(v.shape) for v in variables])):
                variable.assign(value)
            data[label] = {
                "codings_train": returned[0], "codings_valid": returned[1], "trained_outputs": trained_outputs,
                "codings": np.asarray(encoder(x), np.float64), "reconstructions": np.asarray(decoder(codings_in),
                                                                                             np.float64),
                # what the hints are chosen from
                "iterations": int(optimizer.iterations), "weights_set": bool(optimizer.weights_set),
                "num_params": [int(encoder.count_params()), int(decoder.count_params())],
                "training_gap": max(training_gap(encoder, x), training_gap(decoder, codings_in)),
                "returned_gap": max(_gap(a, b) for a, b in zip(returned, after_fit)),
                "codings_min": float(np.min(encoder(rng.uniform(-3, 3, size=(40, self.num_features))
                                                    .astype("float32")))),
            }
        data["loss_used"] = bool(traced)
        num_train, num_valid, batch_size, num_epochs = self.steps_case.values()
        X = rng.normal(size=(num_train + num_valid, self.num_features)).astype("float32")
        optimizer = _optimizer_setting_weights(keras, np.random.default_rng(rng.integers(2**32)))
        train(X[:num_train].copy(), X[num_train:].copy(), codings_size=3, num_epochs=num_epochs, optimizer=optimizer,
              loss="mse", output_activation=None, batch_size=batch_size, verbose=0)
        data["steps"] = {"iterations": int(optimizer.iterations), "weights_set": bool(optimizer.weights_set)}
        return data

    def verify(self, got, expected):
        if not got["loss_used"]:
            raise Fail("the loss used for training", "the `loss` argument", "another loss",
                       "compile the autoencoder with loss=loss (the argument)")
        value, exp = got["steps"], expected["steps"]
        if value["iterations"] != exp["iterations"] or not value["weights_set"]:
            hint = (self.steps_hints.get(value["iterations"], "fit for `num_epochs` epochs with `batch_size` (do not "
                                                              "hard-code them)")
                    if value["weights_set"] else _OPTIMIZER_HINT)
            raise Fail(f"training steps taken by the given optimizer ({self.steps_case['num_train']} training rows, "
                       f"batch_size={self.steps_case['batch_size']}, num_epochs={self.steps_case['num_epochs']})",
                       exp["iterations"], value["iterations"], hint)
        for label, (_, _, _, _, arguments) in self.cases.items():  # in this order: the defaults first
            value, exp = got[label], expected[label]
            for key in ("codings_train", "codings_valid"):
                expect_equal(f"shape of {key} ({label})", list(value[key].shape), list(exp[key].shape),
                             "return encoder.predict(X_train) and encoder.predict(X_valid): one row of "
                             "`codings_size` codings per sample")
            expect_close(f"codings with the grader's weights ({label})", value["codings"], exp["codings"],
                         rtol=1e-4, atol=1e-4, hint=(
                             "use the `activation` argument (here 'tanh') in the encoder's Dense layer"
                             if "activation" in arguments else
                             "use the `activation` argument ('selu' by default) in the encoder's Dense layer"
                             if value["codings_min"] >= 0 else
                             "the encoder is one Dense layer with activation=activation"))
            decoder_hint = "give the decoder's Dense layer activation=output_activation"
            if value.get("num_params", exp["num_params"])[1] != exp["num_params"][1]:
                decoder_hint = (f"the decoder has {value['num_params'][1]} parameters instead of "
                                f"{exp['num_params'][1]}: one Dense layer back to the input's features, with its "
                                "bias, activation=output_activation")
            expect_close(f"decoder outputs with the grader's weights ({label})", value["reconstructions"],
                         exp["reconstructions"], rtol=1e-4, atol=1e-4, hint=decoder_hint)
            expect_no_training_only_layers(value.get("training_gap", 0.0),
                                           f"the encoder's or decoder's outputs ({label})",
                                           hint="the shallow autoencoder is two Dense layers: no Dropout, "
                                                "GaussianNoise or other layer that acts only while training")
            if value["iterations"] != exp["iterations"] or not value["weights_set"]:
                hint = (_OPTIMIZER_HINT if not value["weights_set"] else
                        "fit for `num_epochs` epochs with `batch_size` (do not hard-code them)")
                raise Fail(f"training steps taken by the given optimizer ({label})", exp["iterations"],
                           value["iterations"], hint)
            if value["returned_gap"] > 1e-4:
                raise Fail(f"returned codings ({label})", "encoder(X_train) and encoder(X_valid) after training",
                           f"arrays that differ from them by {value['returned_gap']:.3g}",
                           "compute the codings with the trained encoder, after fit, for X_train and for X_valid")
            for key in ("codings_train", "codings_valid", "trained_outputs"):
                expect_close(f"{key} after training from the grader's weights ({label})", value[key], exp[key],
                             rtol=1e-3, atol=1e-4, hint="compile with optimizer=optimizer and loss=loss, and fit "
                                                        "on X_train as both inputs and targets")


_OPTIMIZER_HINT = ("compile with the `optimizer` argument itself (optimizer=optimizer), not a new optimizer or a "
                   "copy of it, as the exercise asks")


def _input_size(model):
    """The last dimension of a model's input, when it declares one; else None."""
    try:
        return int(model.inputs[0].shape[-1])
    except (AttributeError, IndexError, TypeError, ValueError):
        return None


def _optimizer_setting_weights(keras, rng):
    """An SGD optimizer that, when Keras builds it for the model's trainable variables, gives each a value drawn
    from ``rng`` (by shape, in order): training then starts from weights the grader chose."""
    import tensorflow as tf

    class SettingSGD(keras.optimizers.SGD):
        weights_set = False

        def build(self, variables):
            super().build(variables)
            with tf.init_scope():  # Keras builds the optimizer inside the traced step when the model had no Input
                for variable, value in zip(variables, normal_weights(rng, [list(v.shape) for v in variables])):
                    variable.assign(value)
            self.weights_set = True  # this object: a copy of it sets its own

    return SettingSGD(learning_rate=0.5)


def _pixels(rng, num_samples, num_features=12, rank=3):
    """Low-rank data in [0, 1] that looks a little like images."""
    factors = rng.normal(size=(num_samples, rank)) @ rng.normal(size=(rank, num_features))
    return _sigmoid(factors + 0.2 * rng.normal(size=(num_samples, num_features))).astype("float32")


EXERCISES = [DenseTransposeLayer(), ShallowAutoencoder()]
