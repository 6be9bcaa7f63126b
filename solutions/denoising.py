"""Reference answers for lesson 05: denoising autoencoders.

Taught in lesson 05 (``lessons/05_denoising.ipynb``). The build copies each answer below into the lesson's exercise
cells; in the student version the code between the docstring and the end becomes a stub. ``BENCHMARKS`` lists the
lesson's reference models for ``python -m benchmark``.
"""

import keras
import numpy as np

from benchmark.recipes import Recipe


def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    """Build a stacked autoencoder that corrupts its own input while it trains (taught in lesson 05).

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
    """Reconstruction error of ``autoencoder`` on images corrupted by Gaussian noise, per noise level (lesson 05).

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

    Used by lesson 05 to show what the Gaussian and the dropout models see. Dropout also scales the kept pixels by
    1 / (1 - rate), exactly as in training.

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


# ---------------------------------------------------------------------------------------------------------------
# benchmark recipes


def _benchmark_run(noise, noise_level):
    def run(epochs, fast, callbacks):
        from helpers.data import load_fashion_mnist

        fashion = load_fashion_mnist()
        X_train = fashion.X_train[:5_000] if fast else fashion.X_train
        X_valid = fashion.X_valid[:1_000] if fast else fashion.X_valid
        keras.utils.set_random_seed(42)
        _, _, autoencoder = build_denoising_autoencoder(noise, noise_level, seed=42)
        autoencoder.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Nadam())
        history = autoencoder.fit(X_train, X_train, epochs=epochs, validation_data=(X_valid, X_valid),
                                  callbacks=list(callbacks), verbose=0)
        val_loss = float(history.history["val_loss"][-1])
        errors = denoising_errors(autoencoder, X_valid, [0.2, 0.5])
        return {"val_loss": val_loss, "history": history.history,
                "metrics": {"val_mse_noise_0.2": float(errors[0]), "val_mse_noise_0.5": float(errors[1])}}
    return run


BENCHMARKS = [
    Recipe(model="denoising_gaussian", recipe="book", lesson="05_denoising", epochs=10, fast_epochs=2,
           run=_benchmark_run("gaussian", 0.2), metric="validation binary cross-entropy", book_value=0.2920),
    Recipe(model="denoising_dropout", recipe="book", lesson="05_denoising", epochs=10, fast_epochs=2,
           run=_benchmark_run("dropout", 0.5), metric="validation binary cross-entropy", book_value=0.2958),
]
