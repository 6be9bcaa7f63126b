"""Learner-style answers to lesson 03 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import tensorflow as tf
import keras
from keras import ops
"""

# The book's DenseTranspose (Hands-On ML, ch. 17), with Keras 3's kernel shape instead of dense.input_shape.
# Cases register their layers under package "corpus", not the lesson's "course": the tests run in one process,
# and a case registered as course>DenseTranspose would replace the reference layer that other tests reload.
BOOK_LAYER = """
@keras.saving.register_keras_serializable(package="corpus")
class DenseTranspose(keras.layers.Layer):
    def __init__(self, dense, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.dense = dense
        self.activation = keras.activations.get(activation)

    def build(self, batch_input_shape):
        self.biases = self.add_weight(name="bias", shape=(self.dense.kernel.shape[0],), initializer="zeros")
        super().build(batch_input_shape)

    def call(self, inputs):
        Z = tf.matmul(inputs, self.dense.weights[0], transpose_b=True)
        return self.activation(Z + self.biases)
"""

CONFIG = """
    def get_config(self):
        return {**super().get_config(), "dense": keras.layers.serialize(self.dense),
                "activation": keras.activations.serialize(self.activation)}

    @classmethod
    def from_config(cls, config):
        config["dense"] = keras.layers.deserialize(config["dense"])
        return cls(**config)
"""


def _layer(call, build="        self.bias = self.add_weight(shape=(self.dense.kernel.shape[0],), initializer='zeros')",
           config=CONFIG, activation="        self.activation = keras.activations.get(activation)"):
    """A learner's DenseTranspose: the book's shape with one method written differently."""
    return f"""
@keras.saving.register_keras_serializable(package="corpus")
class DenseTranspose(keras.layers.Layer):
    def __init__(self, dense, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.dense = dense
{activation}

    def build(self, input_shape):
{build}

    def call(self, inputs):
{call}
{config}"""


TRANSPOSED = "        return self.activation(ops.matmul(inputs, ops.transpose(self.dense.kernel)) + self.bias)"

SHALLOW = """
def train_shallow_autoencoder(X_train, X_valid, codings_size, num_epochs, optimizer, loss,
                              output_activation=None, activation="selu", batch_size=32, verbose="auto"):
    n_features = X_train.shape[1]
    encoder = keras.Sequential([keras.Input(shape=[n_features]), keras.layers.Dense(codings_size, activation={act})])
    decoder = keras.Sequential([keras.Input(shape=[codings_size]),
                                keras.layers.Dense(n_features, activation={out})])
    autoencoder = keras.Sequential([encoder, decoder])
    autoencoder.compile(loss={loss}, optimizer={optimizer})
    {before}
    autoencoder.fit(X_train, X_train, epochs={epochs}, {batch}validation_data=(X_valid, X_valid), verbose=verbose)
    return encoder, decoder, {codings_train}, {codings_valid}
"""
RIGHT = dict(act="activation", out="output_activation", loss="loss", optimizer="optimizer", before="",
             epochs="num_epochs", batch="batch_size=batch_size, ", codings_train="encoder.predict(X_train, verbose=0)",
             codings_valid="encoder.predict(X_valid, verbose=0)")


def _shallow(**change):
    return SHALLOW.format(**{**RIGHT, **change})


CASES = [
    # ---------------------------------------------------------------------------------------------------------
    # dense_transpose
    Case("dense_transpose", "right", "the book's layer with get_config and from_config", BOOK_LAYER + CONFIG),
    Case("dense_transpose", "right", "bias made in __init__, einsum, serialize_keras_object", _layer(
        "        return self.activation(ops.einsum('bj,ij->bi', inputs, self.dense.kernel) + self.bias)",
        build="        pass",
        activation="        self.activation = keras.activations.get(activation)\n"
                   "        self.bias = self.add_weight(name='bias', shape=(dense.kernel.shape[0],), "
                   "initializer='zeros')",
        config="""
    def get_config(self):
        config = super().get_config()
        config.update({"dense": keras.saving.serialize_keras_object(self.dense),
                       "activation": keras.activations.serialize(self.activation)})
        return config

    @classmethod
    def from_config(cls, config):
        dense = keras.saving.deserialize_keras_object(config.pop("dense"))
        return cls(dense, **config)
""")),
    Case("dense_transpose", "right", "@ operator, the activation kept as its name", _layer(
        "        outputs = inputs @ ops.transpose(self.dense.kernel) + self.bias\n"
        "        return keras.activations.get(self.activation_name)(outputs)",
        activation="        self.activation_name = activation",
        config="""
    def get_config(self):
        base = super().get_config()
        return dict(base, dense=keras.layers.serialize(self.dense), activation=self.activation_name)

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["dense"] = keras.layers.deserialize(config["dense"])
        return cls(**config)
""")),
    Case("dense_transpose", "wrong", "the bias initialised to ones", _layer(
        "        return self.activation(ops.matmul(inputs, ops.transpose(self.dense.kernel)) + self.bias)",
        build="        self.bias = self.add_weight(shape=(self.dense.kernel.shape[0],), initializer='ones')"),
        hint="initialise the bias to zeros"),
    Case("dense_transpose", "wrong", "the book's layer as it is: no get_config", BOOK_LAYER, hint="get_config"),
    Case("dense_transpose", "wrong", "a kernel of its own", _layer(
        "        return self.activation(ops.matmul(inputs, self.kernel) + self.bias)",
        build="        n_inputs, units = self.dense.kernel.shape\n"
              "        self.kernel = self.add_weight(shape=(units, n_inputs))\n"
              "        self.bias = self.add_weight(shape=(n_inputs,), initializer='zeros')"),
        hint="do not create a kernel"),
    Case("dense_transpose", "wrong", "kernel not transposed", _layer(
        "        return self.activation(ops.matmul(inputs, self.dense.kernel) + self.bias)"),
        hint="transpose"),
    Case("dense_transpose", "wrong", "activation stored but never applied", _layer(
        "        return ops.matmul(inputs, ops.transpose(self.dense.kernel)) + self.bias"),
        hint="apply it in call()"),
    Case("dense_transpose", "wrong", "transposed kernel copied once in build", _layer(
        "        return self.activation(ops.matmul(inputs, self.kernel_t) + self.bias)",
        build="        self.kernel_t = ops.convert_to_tensor(ops.transpose(self.dense.kernel))\n"
              "        self.bias = self.add_weight(shape=(self.dense.kernel.shape[0],), initializer='zeros')"),
        hint="read self.dense.kernel in call(), every time"),
    Case("dense_transpose", "wrong", "no bias", _layer(
        "        return self.activation(ops.matmul(inputs, ops.transpose(self.dense.kernel)))",
        build="        pass"), hint="create a bias"),
    Case("dense_transpose", "wrong", "get_config without the activation", _layer(TRANSPOSED, config="""
    def get_config(self):
        return {**super().get_config(), "dense": keras.layers.serialize(self.dense)}

    @classmethod
    def from_config(cls, config):
        config["dense"] = keras.layers.deserialize(config["dense"])
        return cls(**config)
"""), hint="store the activation in get_config"),
    Case("dense_transpose", "wrong", "the Dense layer saved with its own get_config", _layer(TRANSPOSED, config="""
    def get_config(self):
        return {**super().get_config(), "dense": self.dense.get_config(), "n_inputs": self.dense.kernel.shape[0],
                "activation": keras.activations.serialize(self.activation)}

    @classmethod
    def from_config(cls, config):
        dense = keras.layers.Dense.from_config(config.pop("dense"))
        dense.build((None, config.pop("n_inputs")))
        return cls(dense, **config)
"""), hint="keras.layers.serialize"),
    # ---------------------------------------------------------------------------------------------------------
    # shallow_autoencoder
    Case("shallow_autoencoder", "right", "the book's style: no keras.Input, fit without validation", """
def train_shallow_autoencoder(X_train, X_valid, codings_size, num_epochs, optimizer, loss,
                              output_activation=None, activation="selu", batch_size=32, verbose="auto"):
    encoder = keras.models.Sequential([keras.layers.Dense(codings_size, activation=activation)])
    decoder = keras.models.Sequential([keras.layers.Dense(X_train.shape[-1], activation=output_activation)])
    autoencoder = keras.models.Sequential([encoder, decoder])
    autoencoder.compile(optimizer, loss)
    autoencoder.fit(X_train, X_train, batch_size=batch_size, epochs=num_epochs, verbose=verbose)
    return encoder, decoder, encoder(X_train).numpy(), encoder(X_valid).numpy()
"""),
    Case("shallow_autoencoder", "right", "functional models, activations as layers", """
def train_shallow_autoencoder(X_train, X_valid, codings_size, num_epochs, optimizer, loss,
                              output_activation=None, activation="selu", batch_size=32, verbose="auto"):
    inputs = keras.Input(shape=(X_train.shape[1],))
    codings = keras.layers.Activation(activation)(keras.layers.Dense(codings_size)(inputs))
    encoder = keras.Model(inputs, codings)
    codings_input = keras.Input(shape=(codings_size,))
    outputs = keras.layers.Dense(X_train.shape[1])(codings_input)
    if output_activation is not None:
        outputs = keras.layers.Activation(output_activation)(outputs)
    decoder = keras.Model(codings_input, outputs)
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)))
    autoencoder.compile(optimizer=optimizer, loss=loss)
    autoencoder.fit(X_train, X_train, epochs=num_epochs, batch_size=batch_size, verbose=verbose,
                    validation_data=(X_valid, X_valid))
    return encoder, decoder, np.asarray(encoder.predict(X_train)), np.asarray(encoder.predict(X_valid))
"""),
    Case("shallow_autoencoder", "right", "one flat autoencoder, encoder and decoder taken from its layers",
         _shallow().replace("""    autoencoder = keras.Sequential([encoder, decoder])
""", """    autoencoder = keras.Sequential([keras.Input(shape=[n_features]), encoder.layers[0], decoder.layers[0]])
""")),
    Case("shallow_autoencoder", "wrong", "SELU written in", _shallow(act='"selu"'),
         hint="use the `activation` argument (here 'tanh')"),
    Case("shallow_autoencoder", "wrong", "batch_size not passed to fit", _shallow(batch=""), hint="`batch_size`"),
    Case("shallow_autoencoder", "wrong", "a new Nadam optimizer", _shallow(optimizer="keras.optimizers.Nadam()"),
         hint="compile with the `optimizer` argument itself"),
    Case("shallow_autoencoder", "wrong", "binary cross-entropy written in", _shallow(loss='"binary_crossentropy"'),
         hint="loss=loss"),
    Case("shallow_autoencoder", "wrong", "codings computed before training",
         _shallow(before="codings_train, codings_valid = encoder.predict(X_train), encoder.predict(X_valid)",
                  codings_train="codings_train", codings_valid="codings_valid"), hint="after fit"),
    Case("shallow_autoencoder", "wrong", "sigmoid output whatever output_activation says", _shallow(out='"sigmoid"'),
         hint="activation=output_activation"),
    Case("shallow_autoencoder", "wrong", "the training codings returned twice",
         _shallow(codings_valid="encoder.predict(X_train, verbose=0)"), hint="encoder.predict(X_valid)"),
    Case("shallow_autoencoder", "wrong", "10 epochs written in", _shallow(epochs="10"),
         hint="fit for `num_epochs` epochs"),

    # found by a red-team batch (2026-12-07)
    Case("dense_transpose", "wrong", "a bias that fit cannot change (trainable=False)", _layer(
        TRANSPOSED, build="        self.bias = self.add_weight(shape=(self.dense.kernel.shape[0],), initializer='zeros', "
                          "trainable=False)"), hint="leave trainable=True"),
    Case("dense_transpose", "wrong", "the bias sized from the layer's inputs", _layer(
        TRANSPOSED, build="        self.bias = self.add_weight(shape=(input_shape[-1],), initializer='zeros')"),
        hint="not input_shape[-1]"),
    Case("dense_transpose", "wrong", "no bias in call (saving itself right)", _layer(
        "        return self.activation(ops.matmul(inputs, ops.transpose(self.dense.kernel)))"),
        hint="the saved layer computes what your layer computes"),
    Case("shallow_autoencoder", "wrong", "X_train shuffled in place first", _shallow(
        before="np.random.shuffle(X_train)"), hint="do not modify the caller's data"),
    Case("shallow_autoencoder", "wrong", "the training data centred in place", _shallow(
        before="X_train -= X_train.mean(axis=0)"), hint="changed in place"),
    Case("shallow_autoencoder", "wrong", "returns the decoder first", _shallow(
        codings_train="encoder.predict(X_train, verbose=0)").replace("return encoder, decoder,", "return decoder, encoder,"),
        hint="the encoder first"),

    # found by a red-team batch (2026-12-07, second round)
    Case("dense_transpose", "right", "tensordot over the units axis", _layer(
        "        z = ops.tensordot(inputs, self.dense.kernel, axes=[[1], [1]])\n"
        "        return self.activation(z + self.bias)")),
    Case("dense_transpose", "right", "(K x^T)^T route", _layer(
        "        z = ops.transpose(ops.matmul(self.dense.kernel, ops.transpose(inputs)))\n"
        "        return self.activation(ops.add(z, self.bias))")),
    Case("dense_transpose", "right", "kernel variable referenced (not copied) in build", _layer(
        "        return self.activation(ops.matmul(inputs, ops.transpose(self.tied_kernel)) + self.bias)",
        build="        self.tied_kernel = self.dense.kernel\n"
              "        self.bias = self.add_weight(shape=(self.dense.kernel.shape[0],), initializer='zeros')")),
    Case("dense_transpose", "right", "activation function object stored raw in get_config", _layer(
        TRANSPOSED, config="""
    def get_config(self):
        config = super().get_config()
        config.update(dense=keras.layers.serialize(self.dense), activation=self.activation)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["dense"] = keras.layers.deserialize(config["dense"])
        return cls(**config)
""")),
    Case("dense_transpose", "right", "Activation layer inside, name kept for config", _layer(
        "        return self.act_layer(ops.matmul(inputs, ops.transpose(self.dense.kernel)) + self.bias)",
        activation="        self.activation = keras.activations.get(activation)\n"
                   "        self.act_layer = keras.layers.Activation(self.activation)")),
    Case("dense_transpose", "right", "tf.matmul with transpose_b, bias via tf.nn.bias_add", _layer(
        "        z = tf.nn.bias_add(tf.matmul(inputs, self.dense.kernel, transpose_b=True), self.bias)\n"
        "        return self.activation(z)")),
    Case("dense_transpose", "wrong", "bias kept as a (1, n_inputs) row, broadcast", _layer(
        TRANSPOSED,
        build="        self.bias = self.add_weight(shape=(1, self.dense.kernel.shape[0]), initializer='zeros')"),
        hint="give the bias shape (n_inputs,)"),
    Case("dense_transpose", "wrong", "activation string never passed through keras.activations.get", _layer(
        TRANSPOSED, activation="        self.activation = activation",
        config=CONFIG.replace("keras.activations.serialize(self.activation)", "self.activation")),
        hint="keras.activations.get(activation) in __init__"),
    Case("dense_transpose", "wrong", "reuses the Dense layer's bias (tied bias too)", _layer(
        "        return self.activation(ops.matmul(inputs, ops.transpose(self.dense.kernel)) + self.dense.bias)",
        build="        pass"), hint="create a bias in build()"),
    Case("dense_transpose", "wrong", "activation applied before the bias", _layer(
        "        return self.activation(ops.matmul(inputs, ops.transpose(self.dense.kernel))) + self.bias"),
        hint="add the bias before the activation"),
    Case("dense_transpose", "wrong", "kernel reshaped instead of transposed", _layer(
        "        n_inputs, units = self.dense.kernel.shape\n"
        "        kernel = ops.reshape(self.dense.kernel, (units, n_inputs))\n"
        "        return self.activation(ops.matmul(inputs, kernel) + self.bias)"), hint="transpose the kernel"),
    Case("dense_transpose", "wrong", "uses the Dense layer's activation instead of its own", _layer(
        TRANSPOSED, activation="        self.activation = dense.activation"), hint="keras.activations.get(activation)"),
    Case("dense_transpose", "wrong", "bias initialised by add_weight's default (glorot)", _layer(
        TRANSPOSED, build="        self.bias = self.add_weight(shape=(self.dense.kernel.shape[0],))"),
        hint="initialise the bias to zeros"),
    Case("dense_transpose", "wrong", "from_config forgets to deserialize the Dense layer", _layer(TRANSPOSED, config="""
    def get_config(self):
        return {**super().get_config(), "dense": keras.layers.serialize(self.dense),
                "activation": keras.activations.serialize(self.activation)}
"""), hint="keras.layers.deserialize"),
    Case("dense_transpose", "wrong", "stop_gradient on the borrowed kernel (decoder must not move the encoder)", _layer(
        "        kernel = ops.stop_gradient(self.dense.kernel)\n"
        "        return self.activation(ops.matmul(inputs, ops.transpose(kernel)) + self.bias)"),
        hint="do not stop gradients"),
    Case("dense_transpose", "wrong", "the tied Dense layer frozen (trainable=False) in __init__", _layer(
        TRANSPOSED, activation="        self.activation = keras.activations.get(activation)\n"
                               "        self.dense.trainable = False"), hint="do not freeze the Dense layer"),
    Case("dense_transpose", "wrong", "kernel.T on the variable (KerasVariable has no .T: crashes)", _layer(
        "        return self.activation(ops.matmul(inputs, self.dense.kernel.T) + self.bias)"), hint="ops.transpose"),
    Case("dense_transpose", "wrong", "from_config rebuilds a fresh Dense from its inner config", _layer(
        TRANSPOSED, config="""
    def get_config(self):
        return {**super().get_config(), "dense": keras.layers.serialize(self.dense),
                "activation": keras.activations.serialize(self.activation)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["dense"] = keras.layers.Dense.from_config(config["dense"]["config"])
        return cls(**config)
"""), hint="keras.layers.deserialize"),
    Case("shallow_autoencoder", "right", "fit one epoch at a time in a loop", _shallow(
        epochs="1", before="for _ in range(num_epochs - 1):\n"
                           "        autoencoder.fit(X_train, X_train, epochs=1, batch_size=batch_size, "
                           "verbose=verbose)")),
    Case("shallow_autoencoder", "right", "subclassed autoencoder model chaining encoder and decoder",
         _shallow().replace("    autoencoder = keras.Sequential([encoder, decoder])\n",
                            "    class AE(keras.Model):\n"
                            "        def __init__(self, enc, dec):\n"
                            "            super().__init__()\n"
                            "            self.enc, self.dec = enc, dec\n"
                            "        def call(self, x):\n"
                            "            return self.dec(self.enc(x))\n"
                            "    autoencoder = AE(encoder, decoder)\n")),
    Case("shallow_autoencoder", "right", "loss and optimizer resolved with keras getters", _shallow(
        loss="keras.losses.get(loss) if isinstance(loss, str) else loss", optimizer="keras.optimizers.get(optimizer)")),
    Case("shallow_autoencoder", "right", "codings via ops.convert_to_numpy(encoder(...))", _shallow(
        codings_train="ops.convert_to_numpy(encoder(X_train))",
        codings_valid="ops.convert_to_numpy(encoder(X_valid))")),
    Case("shallow_autoencoder", "right", "validation data as tf.data dataset", _shallow().replace(
        "validation_data=(X_valid, X_valid)",
        "validation_data=tf.data.Dataset.from_tensor_slices((X_valid, X_valid)).batch(batch_size)")),
    Case("shallow_autoencoder", "right", "seeds set inside the function, metrics added", _shallow(
        before="keras.utils.set_random_seed(42)").replace("autoencoder.compile(",
                                                           "autoencoder.compile(metrics=['mae'], ")),
    # the exercise asks to compile with the given optimizer: a copy of it is not that
    Case("shallow_autoencoder", "wrong", "a fresh copy of the given optimizer (same class and config)", _shallow(
        optimizer="optimizer.__class__.from_config(optimizer.get_config())"),
        hint="compile with the `optimizer` argument itself"),
    Case("shallow_autoencoder", "wrong", "full-batch training: batch_size=len(X_train)", _shallow(
        batch="batch_size=len(X_train), "), hint="fit with batch_size=batch_size"),
    Case("shallow_autoencoder", "wrong", "validation_split instead of validation_data", _shallow().replace(
        "validation_data=(X_valid, X_valid)", "validation_split=0.2"), hint="not validation_split"),
    Case("shallow_autoencoder", "wrong", "encoder's activation reused when output_activation is None", _shallow(
        out="output_activation or activation"), hint="activation=output_activation"),
    Case("shallow_autoencoder", "wrong", "one epoch too few (num_epochs - 1)", _shallow(
        epochs="num_epochs - 1"), hint="fit for `num_epochs` epochs"),
    Case("shallow_autoencoder", "wrong", "trains on the validation set", _shallow().replace(
        "autoencoder.fit(X_train, X_train", "autoencoder.fit(X_valid, X_valid"), hint="fit on X_train"),
    Case("shallow_autoencoder", "wrong", "decoder without bias", _shallow(
        out="output_activation, use_bias=False"), hint="with its bias"),
    Case("shallow_autoencoder", "wrong", "trains on X_train and X_valid concatenated", _shallow().replace(
        "autoencoder.fit(X_train, X_train", "X_all = np.concatenate([X_train, X_valid])\n"
        "    autoencoder.fit(X_all, X_all"), hint="fit on X_train only"),
    Case("shallow_autoencoder", "wrong", "codings of the reconstructions", _shallow(
        codings_train="encoder.predict(autoencoder.predict(X_train, verbose=0), verbose=0)",
        codings_valid="encoder.predict(autoencoder.predict(X_valid, verbose=0), verbose=0)"), hint="encoder(X_train)"),
    Case("shallow_autoencoder", "wrong", "Dropout on the inputs kept from lesson 05's denoising encoder", _shallow(
        ).replace("keras.Input(shape=[n_features]), keras.layers.Dense(codings_size",
                  "keras.Input(shape=[n_features]), keras.layers.Dropout(0.2), keras.layers.Dense(codings_size"),
        hint="no Dropout"),
]
