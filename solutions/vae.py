"""A variational autoencoder (VAE), written natively for Keras 3: reference answers.

The book builds its VAE as a functional model with a symbolic
``add_loss`` and ``keras.backend`` math, which current Keras 3 rejects; here the model is a ``keras.Model`` subclass
with its own ``train_step``/``test_step`` and metric trackers, and all math uses ``keras.ops``.

The build copies each object below into the lesson's exercise cells; in the student version the answer lines
become stubs (the whole body, or only the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``).
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

NUM_PIXELS = 28 * 28


@keras.saving.register_keras_serializable(package="course")
class Sampling(keras.layers.Layer):
    """The reparameterization trick: draw codings from N(mean, exp(log_var)) so that gradients flow.

    ``z = codings_mean + exp(codings_log_var / 2) * epsilon`` with ``epsilon ~ N(0, I)`` of the same shape as the
    mean: the randomness is an input to the computation, not a step inside it, so ``z`` is differentiable with
    respect to the mean and the log-variance. The draws come from the layer's own ``keras.random.SeedGenerator``:
    two layers built with the same ``seed`` give the same sequence of draws, and each call gives new ones.

    Args:
        seed: int or None, the seed of the layer's SeedGenerator (saved by ``get_config``).

    Call arguments:
        inputs: ``[codings_mean, codings_log_var]``, each (batch, codings_size) float32.

    Returns:
        codings: (batch, codings_size) float32.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        codings_mean, codings_log_var = inputs
        epsilon = keras.random.normal(ops.shape(codings_log_var), seed=self.seed_generator)
        return codings_mean + ops.exp(codings_log_var / 2) * epsilon

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def latent_loss(codings_mean, codings_log_var):
    """KL divergence from N(mean, exp(log_var)) to the standard normal N(0, I), per example.

    ``KL = -1/2 * sum_i (1 + log_var_i - exp(log_var_i) - mean_i**2)``, summed over the codings.

    Args:
        codings_mean: (batch, codings_size) float32.
        codings_log_var: (batch, codings_size) float32, the log of the variance (not the standard deviation).

    Returns:
        kl: (batch,) float32, in nats, one value per example (never negative).
    """
    return -0.5 * ops.sum(1 + codings_log_var - ops.exp(codings_log_var) - ops.square(codings_mean), axis=-1)


def build_encoder_decoder(codings_size=10, seed=None):
    """The book's variational encoder and decoder, as two functional models.

    Encoder: Flatten, Dense(150, SELU), Dense(100, SELU), then two Dense(codings_size) heads with no activation
    (the mean and the log-variance) and a ``Sampling(seed=seed)`` layer. Decoder: Dense(100, SELU),
    Dense(150, SELU), Dense(784, sigmoid), Reshape to 28 x 28.

    Args:
        codings_size: number of codings (10 in the book; 2 to plot the latent space).
        seed: seed of the Sampling layer.

    Returns:
        (encoder, decoder): keras.Model objects; encoder maps (batch, 28, 28) images to
        ``[codings_mean, codings_log_var, codings]``, each (batch, codings_size); decoder maps
        (batch, codings_size) codings to (batch, 28, 28) images in [0, 1].
    """
    inputs = keras.Input(shape=(28, 28))
    hidden = keras.layers.Flatten()(inputs)
    hidden = keras.layers.Dense(150, activation="selu")(hidden)
    hidden = keras.layers.Dense(100, activation="selu")(hidden)
    codings_mean = keras.layers.Dense(codings_size, name="codings_mean")(hidden)
    codings_log_var = keras.layers.Dense(codings_size, name="codings_log_var")(hidden)
    codings = Sampling(seed=seed)([codings_mean, codings_log_var])
    encoder = keras.Model(inputs, [codings_mean, codings_log_var, codings], name="variational_encoder")

    decoder_inputs = keras.Input(shape=(codings_size,))
    hidden = keras.layers.Dense(100, activation="selu")(decoder_inputs)
    hidden = keras.layers.Dense(150, activation="selu")(hidden)
    pixels = keras.layers.Dense(28 * 28, activation="sigmoid")(hidden)
    outputs = keras.layers.Reshape((28, 28))(pixels)
    decoder = keras.Model(decoder_inputs, outputs, name="variational_decoder")
    return encoder, decoder


@keras.saving.register_keras_serializable(package="course")
class VariationalAutoencoder(keras.Model):
    """A VAE trained with ``fit``: the book's loss, computed in ``train_step`` and ``test_step``.

    Per image, the reconstruction loss is the binary cross-entropy averaged over the 784 pixels, the KL loss is
    ``latent_loss`` (nats), and the loss minimised is ``reconstruction_loss + kl_loss / 784`` (the book's scaling:
    the KL spread over the pixels). Three metric trackers show their means over the epoch in the progress bar:
    ``loss``, ``reconstruction_loss`` and ``kl_loss`` (``val_...`` too when there is validation data).
    ``784 * loss`` is the negative ELBO in nats per image.

    Args:
        codings_size: number of codings (10 in the book).
        seed: seed of the encoder's Sampling layer.

    Attributes:
        encoder, decoder: the models of ``build_encoder_decoder``.

    Call arguments:
        images: (batch, 28, 28) float32 in [0, 1]. ``fit(X)`` and ``fit(X, X)`` both work (any target is ignored).

    Returns:
        reconstructions: (batch, 28, 28) float32 in [0, 1], decoded from sampled codings.
    """

    def __init__(self, codings_size=10, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.codings_size = codings_size
        self.seed = seed
        ### BEGIN SOLUTION
        self.encoder, self.decoder = build_encoder_decoder(codings_size, seed=seed)
        self.total_loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
        ### END SOLUTION

    @property
    def metrics(self):
        ### BEGIN SOLUTION
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]
        ### END SOLUTION

    def call(self, images):
        _, _, codings = self.encoder(images)
        return self.decoder(codings)

    def compute_losses(self, images):
        """Per-image losses, each (batch,): ``(total, reconstruction, kl)``."""
        ### BEGIN SOLUTION
        codings_mean, codings_log_var, codings = self.encoder(images)
        reconstructions = self.decoder(codings)
        flat_images = ops.reshape(images, (-1, NUM_PIXELS))
        flat_reconstructions = ops.reshape(reconstructions, (-1, NUM_PIXELS))
        reconstruction = keras.losses.binary_crossentropy(flat_images, flat_reconstructions)  # mean over pixels
        kl = latent_loss(codings_mean, codings_log_var)
        return reconstruction + kl / NUM_PIXELS, reconstruction, kl
        ### END SOLUTION

    def update_trackers(self, total, reconstruction, kl):
        """Feed the per-image losses to the trackers and return their current values (the progress bar's)."""
        ### BEGIN SOLUTION
        self.total_loss_tracker.update_state(total)
        self.reconstruction_loss_tracker.update_state(reconstruction)
        self.kl_loss_tracker.update_state(kl)
        return {metric.name: metric.result() for metric in self.metrics}
        ### END SOLUTION

    def train_step(self, data):
        images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        ### BEGIN SOLUTION
        with tf.GradientTape() as tape:
            total, reconstruction, kl = self.compute_losses(images)
            loss = ops.mean(total)
        gradients = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(gradients, self.trainable_weights)
        return self.update_trackers(total, reconstruction, kl)
        ### END SOLUTION

    def test_step(self, data):
        images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        ### BEGIN SOLUTION
        return self.update_trackers(*self.compute_losses(images))
        ### END SOLUTION

    def get_config(self):
        return {**super().get_config(), "codings_size": self.codings_size, "seed": self.seed}


def generate_images(decoder, n_images, seed):
    """Decode ``n_images`` random codings drawn from the standard normal prior.

    The same ``seed`` gives the same images (an integer seed makes ``keras.random.normal`` repeatable).

    Args:
        decoder: a keras.Model from (batch, codings_size) codings to (batch, 28, 28) images in [0, 1];
            ``codings_size`` is read from ``decoder.input_shape``.
        n_images: how many images.
        seed: int.

    Returns:
        images: (n_images, 28, 28) float32 numpy array in [0, 1].
    """
    codings_size = decoder.input_shape[-1]
    codings = keras.random.normal((n_images, codings_size), seed=seed)
    return ops.convert_to_numpy(decoder(codings, training=False))


def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    """Semantic interpolation: decode evenly spaced points between the codings of two images.

    The codings of an image are its ``codings_mean`` (the encoder's first output): deterministic, unlike the
    sampled codings. The first and last steps are the two images' own codings.

    Args:
        encoder: the variational encoder, (batch, 28, 28) -> [codings_mean, codings_log_var, codings].
        decoder: the decoder, (batch, codings_size) -> (batch, 28, 28).
        image_start, image_end: (28, 28) float32 images.
        n_steps: number of images in the row, both ends included (at least 2).

    Returns:
        images: (n_steps, 28, 28) float32 numpy array.
    """
    codings_mean, _, _ = encoder(np.stack([image_start, image_end]).astype("float32"), training=False)
    codings_mean = ops.convert_to_numpy(codings_mean)
    weights = np.linspace(0.0, 1.0, n_steps, dtype="float32")[:, None]
    codings = (1 - weights) * codings_mean[0] + weights * codings_mean[1]
    return ops.convert_to_numpy(decoder(codings, training=False))


def negative_elbo(logs):
    """Negative ELBO in nats per image from a VAE's logs: 784 x mean-pixel BCE + KL.

    Args:
        logs: a dict with ``reconstruction_loss`` and ``kl_loss`` (from ``evaluate(..., return_dict=True)``).
    """
    return float(NUM_PIXELS * logs["reconstruction_loss"] + logs["kl_loss"])
