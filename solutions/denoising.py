"""Denoising autoencoders: reference answers.

The build copies each answer below into the lesson's exercise cells; in the student version the code between the
docstring and the end becomes a stub.
"""

import keras
import numpy as np


def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    """Build a stacked autoencoder that corrupts its own input while it trains.

    Encoder: Flatten, then the noise layer, then Dense(100, relu) and Dense(codings_size, relu). Decoder:
    Dense(100, relu), Dense(784, sigmoid) and Reshape to 28 x 28. The noise layer is
    ``keras.layers.GaussianNoise(noise_level, seed=seed)`` for ``noise="gaussian"`` (adds noise of standard
    deviation ``noise_level``) or ``keras.layers.Dropout(noise_level, seed=seed)`` for ``noise="dropout"`` (zeroes a
    fraction ``noise_level`` of the pixels). Both act only when the model is called with ``training=True`` (as
    ``fit`` does); at inference they pass the input through unchanged. Do not compile the model.

    Args:
        noise: "gaussian" or "dropout".
        noise_level: the Gaussian noise's standard deviation, or the dropout rate; in [0, 1].
        codings_size: number of codings.
        seed: seed of the noise layer, so that the noise is reproducible.

    Returns:
        (encoder, decoder, autoencoder): three keras.Model objects;
        encoder maps (batch, 28, 28) -> (batch, codings_size), decoder maps (batch, codings_size) -> (batch, 28, 28),
        and autoencoder(x) == decoder(encoder(x)).
    """
    if noise == "gaussian":
        noise_layer = keras.layers.GaussianNoise(noise_level, seed=seed)
    elif noise == "dropout":
        noise_layer = keras.layers.Dropout(noise_level, seed=seed)
    else:
        raise ValueError(f"noise must be 'gaussian' or 'dropout', not {noise!r}")
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        noise_layer,
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(codings_size, activation="relu"),
    ], name="encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(28 * 28, activation="sigmoid"),
        keras.layers.Reshape((28, 28)),
    ], name="decoder")
    autoencoder = keras.Sequential([encoder, decoder], name=f"{noise}_denoising_autoencoder")
    return encoder, decoder, autoencoder


def denoising_errors(autoencoder, images, noise_levels, seed=42):
    """Reconstruction error of ``autoencoder`` on images corrupted by Gaussian noise, per noise level.

    For each level, add Gaussian noise of standard deviation ``level`` to ``images`` (one
    ``np.random.default_rng(seed)`` drawing for every level in turn; no clipping, so the corruption is the one the
    Gaussian model saw in training), reconstruct the noisy images with the autoencoder in inference mode
    (``autoencoder.predict``), and measure the mean squared error between the reconstructions and the **clean**
    images, averaged over images and pixels.

    Args:
        autoencoder: a keras.Model mapping (batch, 28, 28) -> (batch, 28, 28).
        images: (num_images, 28, 28) float32 clean images in [0, 1].
        noise_levels: sequence of standard deviations, e.g. [0.0, 0.1, 0.2].
        seed: seed of the noise.

    Returns:
        errors: (len(noise_levels),) float64 array of mean squared errors.
    """
    rng = np.random.default_rng(seed)
    errors = []
    for level in noise_levels:
        noisy = images + rng.normal(0.0, level, size=images.shape).astype(np.float32)
        reconstructions = autoencoder.predict(noisy, verbose=0)
        errors.append(np.mean(np.square(reconstructions - images)))
    return np.array(errors, dtype=np.float64)


# ---------------------------------------------------------------------------------------------------------------
# helpers of the lesson (not exercises)


def corrupt_like_training(images, noise, noise_level, seed=42):
    """The corruption a denoising model sees in training: its own noise layer applied with ``training=True``.

    Shows what the Gaussian and the dropout models see. Dropout also scales the kept pixels by 1 / (1 - rate),
    exactly as in training.

    Returns:
        noisy: (num_images, 28, 28) float32.
    """
    if noise == "gaussian":
        layer = keras.layers.GaussianNoise(noise_level, seed=seed)
    elif noise == "dropout":
        layer = keras.layers.Dropout(noise_level, seed=seed)
    else:
        raise ValueError(f"noise must be 'gaussian' or 'dropout', not {noise!r}")
    return keras.ops.convert_to_numpy(layer(np.asarray(images, dtype=np.float32), training=True))
