"""Tied weights and greedy layer-wise training: reference answers.

The build copies ``DenseTranspose`` and ``train_shallow_autoencoder`` into the lesson's exercise cells (stubs in the
student version); the other objects are helpers the lesson includes as they are.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="course")
class DenseTranspose(keras.layers.Layer):
    """A decoder layer whose kernel is the transpose of a given Dense layer's kernel.

    ``DenseTranspose(dense)`` computes ``activation(inputs @ transpose(dense.kernel) + bias)``. It reads
    ``dense.kernel`` at every call, so the two layers share one kernel ("tied weights"): training either updates
    both. It has a bias of its own (``self.bias``, one value per output, zeros at first) and no kernel of its own.

    Saving: ``get_config`` stores the tied Dense layer serialised with ``keras.layers.serialize`` and
    ``from_config`` rebuilds it with ``keras.layers.deserialize``. When Keras saves a model whose config holds both
    the Dense layer and this layer (a flat ``Sequential`` or a functional model), it records the Dense layer as one
    shared object, and ``keras.models.load_model`` hands this layer the reloaded Dense layer itself: the weights
    stay tied. When the encoder and decoder are separate sub-models, Keras serialises them separately, cannot see
    the sharing, and loading fails; save such a model with ``save_weights``, rebuild it with its builder and call
    ``load_weights`` (the rebuilt model is tied by construction).

    Args:
        dense: a built ``keras.layers.Dense`` with kernel (n_inputs, units); this layer maps (batch, units) back to
            (batch, n_inputs).
        activation: activation function or its name (None = linear).

    Call:
        inputs: (batch, units) float32 -> outputs: (batch, n_inputs) float32.
    """

    def __init__(self, dense, activation=None, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.dense = dense
        self.activation = keras.activations.get(activation)
        ### END SOLUTION

    def build(self, input_shape):
        ### BEGIN SOLUTION
        if not self.dense.built:
            raise ValueError("DenseTranspose needs a built Dense layer: call or build the Dense layer first")
        n_inputs, units = self.dense.kernel.shape
        if input_shape[-1] is not None and input_shape[-1] != units:
            raise ValueError(f"DenseTranspose takes inputs with {units} features (the Dense layer's units), "
                             f"got shape {input_shape}")
        self.bias = self.add_weight(name="bias", shape=(n_inputs,), initializer="zeros")
        ### END SOLUTION

    def call(self, inputs):
        ### BEGIN SOLUTION
        outputs = ops.matmul(inputs, ops.transpose(self.dense.kernel))
        return self.activation(outputs + self.bias)
        ### END SOLUTION

    def get_config(self):
        config = super().get_config()
        ### BEGIN SOLUTION
        config.update(dense=keras.layers.serialize(self.dense),
                      activation=keras.activations.serialize(self.activation))
        ### END SOLUTION
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        ### BEGIN SOLUTION
        config["dense"] = keras.layers.deserialize(config["dense"])
        ### END SOLUTION
        return cls(**config)


def build_tied_autoencoder(codings_size=30, hidden_size=100, activation="selu"):
    """Build a stacked autoencoder with tied weights (not compiled).

    The encoder is the stacked autoencoder's (Flatten, Dense(hidden_size), Dense(codings_size)); the decoder
    mirrors it with one ``DenseTranspose`` per encoder Dense layer, in reverse order, so it has biases but no
    kernels of its own. The autoencoder is one flat ``Sequential`` of all these layers (the same layer objects as
    the encoder and decoder), so that Keras can save it and reload it with the weights still tied.

    Returns:
        (encoder, decoder, autoencoder): three keras.Model objects sharing their layers;
        encoder maps (batch, 28, 28) images -> (batch, codings_size), decoder maps codings back to (batch, 28, 28)
        pixel values in (0, 1), and autoencoder(x) == decoder(encoder(x)).
    """
    dense_1 = keras.layers.Dense(hidden_size, activation=activation)
    dense_2 = keras.layers.Dense(codings_size, activation=activation)
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), dense_1, dense_2],
                               name="tied_encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        DenseTranspose(dense_2, activation=activation),
        DenseTranspose(dense_1, activation="sigmoid"),
        keras.layers.Reshape((28, 28)),
    ], name="tied_decoder")
    autoencoder = keras.Sequential([keras.Input(shape=(28, 28)), *encoder.layers, *decoder.layers],
                                   name="tied_autoencoder")
    return encoder, decoder, autoencoder


def train_shallow_autoencoder(X_train, X_valid, codings_size, num_epochs, optimizer, loss,
                              output_activation=None, activation="selu", batch_size=32, verbose="auto"):
    """Build and train one shallow autoencoder: one step of greedy layer-wise training.

    The encoder is one Dense layer with ``codings_size`` units and ``activation``; the decoder is one Dense layer
    back to the input's number of features, with ``output_activation``. Compile the chained autoencoder with the
    given ``optimizer`` and ``loss``, fit it to reconstruct ``X_train`` for ``num_epochs`` epochs with
    ``batch_size`` (validating on ``X_valid``), then compute the codings of both sets with the trained encoder:
    they are the training data of the next autoencoder in the stack.

    Args:
        X_train: (num_train, num_features) float32; X_valid: (num_valid, num_features) float32.
        codings_size: units of the encoder's Dense layer.
        num_epochs: epochs of training (0 leaves the model as initialised).
        optimizer: a keras.optimizers.Optimizer instance (or its name) to compile with.
        loss: the reconstruction loss to compile with ("binary_crossentropy", "mse" or a function).
        output_activation: the decoder's activation ("sigmoid" for pixels in [0, 1]; None for codings).
        activation: the encoder's activation.
        batch_size: batch size for ``fit``; verbose: passed to ``fit``.

    Returns:
        (encoder, decoder, codings_train, codings_valid): the trained encoder and decoder (keras.Model objects,
        encoder maps (batch, num_features) -> (batch, codings_size), decoder maps it back), and the numpy arrays
        encoder(X_train): (num_train, codings_size) and encoder(X_valid): (num_valid, codings_size).
    """
    num_features = X_train.shape[-1]
    encoder = keras.Sequential([keras.Input(shape=(num_features,)),
                                keras.layers.Dense(codings_size, activation=activation)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)),
                                keras.layers.Dense(num_features, activation=output_activation)])
    autoencoder = keras.Sequential([encoder, decoder])
    autoencoder.compile(loss=loss, optimizer=optimizer)
    autoencoder.fit(X_train, X_train, epochs=num_epochs, batch_size=batch_size,
                    validation_data=(X_valid, X_valid), verbose=verbose)
    codings_train = encoder.predict(X_train, verbose=0)
    codings_valid = encoder.predict(X_valid, verbose=0)
    return encoder, decoder, codings_train, codings_valid


def stack_autoencoders(encoders, decoders):
    """Stack shallow autoencoders trained greedily into one deep autoencoder for images.

    Args:
        encoders: encoders in the order they were trained (the first one reads the 784 pixels).
        decoders: their decoders, in the same order (the first one outputs the 784 pixels).

    Returns:
        autoencoder: keras.Sequential mapping (batch, 28, 28) -> (batch, 28, 28): Flatten, the encoders in
        order, the decoders in reverse order, Reshape. It reuses the given models (and their trained weights).
    """
    if len(encoders) != len(decoders) or not encoders:
        raise ValueError(f"need as many encoders as decoders (and at least one), got {len(encoders)} encoders "
                         f"and {len(decoders)} decoders")
    return keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), *encoders,
                             *reversed(decoders), keras.layers.Reshape((28, 28))], name="greedy_autoencoder")
