"""Sparse autoencoders: reference answers.

The build copies each answer below into the lesson's exercise cells; in the student version each function's or
method's body becomes a stub.
"""

import keras
import numpy as np


def build_sparse_autoencoder(codings_size=300, activity_regularizer=None):
    """Build an autoencoder whose codings are sigmoid units, optionally pushed towards sparsity.

    Encoder: Flatten, Dense(100, relu), then the coding layer Dense(codings_size, sigmoid) carrying
    ``activity_regularizer`` (a penalty on its outputs, the codings, added to the loss). Decoder: Dense(100, relu),
    Dense(784, sigmoid) and Reshape to 28 x 28. Do not compile the model.

    Args:
        codings_size: number of coding units (30 for the baseline, 300 for the sparse models).
        activity_regularizer: None, or a regularizer applied to the codings, e.g. keras.regularizers.L1(1e-3) or a
            KLDivergenceRegularizer.

    Returns:
        (encoder, decoder, autoencoder): three keras.Model objects;
        encoder maps (batch, 28, 28) -> (batch, codings_size) with values in (0, 1), decoder maps it back to
        (batch, 28, 28), and autoencoder(x) == decoder(encoder(x)).
    """
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(codings_size, activation="sigmoid", activity_regularizer=activity_regularizer),
    ], name="encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(28 * 28, activation="sigmoid"),
        keras.layers.Reshape((28, 28)),
    ], name="decoder")
    autoencoder = keras.Sequential([encoder, decoder], name="sparse_autoencoder")
    return encoder, decoder, autoencoder


@keras.saving.register_keras_serializable(package="course")
class KLDivergenceRegularizer(keras.regularizers.Regularizer):
    """Activity regularizer pushing each unit's mean activation towards a target sparsity.

    For a batch of activations, each unit's mean activation over the batch, q, is compared with the target p by the
    Kullback-Leibler divergence between two Bernoulli distributions,
    KL(p || q) = p log(p / q) + (1 - p) log((1 - p) / (1 - q)); the penalty is ``weight`` times the sum over units.
    q is clipped to [epsilon, 1 - epsilon] (``keras.config.epsilon()``) so that a unit that is always 0 or always
    1 gives a large but finite penalty. Keras divides an activity penalty by the batch size before adding it to the
    loss. Serializable: ``get_config`` returns the constructor's arguments, and the class is registered as
    ``course>KLDivergenceRegularizer``.

    Args:
        weight: the penalty's weight, >= 0 (the book: 0.05).
        target: the target mean activation p, in (0, 1) (the book: 0.1).

    Call:
        activations: (batch, units) float tensor in [0, 1], e.g. the outputs of a sigmoid layer.
        Returns a scalar tensor (differentiable: written with keras.ops).
    """

    def __init__(self, weight, target):
        if not weight >= 0:
            raise ValueError(f"weight must be >= 0, not {weight!r}")
        if not 0 < target < 1:
            raise ValueError(f"target must be a mean activation strictly between 0 and 1, not {target!r}")
        self.weight = float(weight)
        self.target = float(target)

    def __call__(self, activations):
        epsilon = keras.config.epsilon()
        mean_activations = keras.ops.clip(keras.ops.mean(activations, axis=0), epsilon, 1.0 - epsilon)
        p = self.target
        kl_divergences = (p * keras.ops.log(p / mean_activations)
                          + (1.0 - p) * keras.ops.log((1.0 - p) / (1.0 - mean_activations)))
        return self.weight * keras.ops.sum(kl_divergences)

    def get_config(self):
        return {"weight": self.weight, "target": self.target}


# ---------------------------------------------------------------------------------------------------------------
# helpers of the lesson (not exercises)


def coding_activations(encoder, images, batch_size=2048):
    """The codings of ``images`` and each coding unit's mean activation over them.

    Calls the encoder eagerly, batch by batch, in inference mode (no traced function to retrace per model).

    Returns:
        (codings, mean_activations): (num_images, codings_size) and (codings_size,) float32 arrays.
    """
    codings = np.concatenate([keras.ops.convert_to_numpy(encoder(images[start:start + batch_size], training=False))
                              for start in range(0, len(images), batch_size)])
    return codings, codings.mean(axis=0)
