"""Reference answers for lesson 01: a linear autoencoder finds PCA's subspace.

Taught in lesson 01 (``lessons/01_linear_pca.ipynb``). The build copies each function below into the lesson's
exercise cells; in the student version the code between the docstring and the end becomes a stub.
"""

import keras
import numpy as np
from sklearn.decomposition import PCA

from benchmark.recipes import Recipe


def generate_3d_data(num_points=60, seed=42, noise=0.1):
    """A noisy, slightly tilted 3-D arc that lies close to a plane: the toy data of lesson 01.

    Returns:
        data: (num_points, 3) float32, centred (each column has mean 0).
    """
    rng = np.random.default_rng(seed)
    angles = rng.uniform(-0.5, 3 * np.pi / 2 - 0.5, size=num_points)
    data = np.empty((num_points, 3))
    data[:, 0] = np.cos(angles) + np.sin(angles) / 2 + noise * rng.standard_normal(num_points) / 2
    data[:, 1] = 0.7 * np.sin(angles) + noise * rng.standard_normal(num_points) / 2
    data[:, 2] = 0.1 * data[:, 0] + 0.3 * data[:, 1] + noise * rng.standard_normal(num_points)
    return (data - data.mean(axis=0)).astype(np.float32)


def build_linear_autoencoder(input_size, codings_size):
    """Build an undercomplete linear autoencoder (taught in lesson 01).

    The encoder is one Dense layer with ``codings_size`` units and no activation; the decoder is one Dense layer
    back to ``input_size`` units, also with no activation. Do not compile the model.

    Args:
        input_size: number of input features (3 for the toy data, 784 for flattened images).
        codings_size: number of codings (2 for the toy data, 30 for images).

    Returns:
        (encoder, decoder, autoencoder): three keras.Model objects;
        encoder maps (batch, input_size) -> (batch, codings_size), decoder maps it back, and
        autoencoder(x) == decoder(encoder(x)).
    """
    encoder = keras.Sequential([keras.Input(shape=(input_size,)), keras.layers.Dense(codings_size)], name="encoder")
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(input_size)], name="decoder")
    autoencoder = keras.Sequential([encoder, decoder], name="linear_autoencoder")
    return encoder, decoder, autoencoder


def pca_reconstruction_mse(X, n_components):
    """Mean squared error of PCA's reconstruction of ``X`` from ``n_components`` components (lesson 01).

    Fit scikit-learn's PCA on ``X``, project ``X`` onto the components and map it back, then average the squared
    error over every sample and every feature (the same quantity as Keras's "mse" loss).

    Args:
        X: (num_samples, num_features) float array.
        n_components: number of principal components kept.

    Returns:
        mse: a Python float.
    """
    pca = PCA(n_components=n_components, svd_solver="full")
    X_reconstructed = pca.inverse_transform(pca.fit_transform(X))
    return float(np.mean(np.square(X - X_reconstructed)))


def principal_angles(A, B):
    """Principal angles, in degrees and ascending, between the subspaces spanned by the rows of A and of B.

    Taught in lesson 01, where A is the decoder's kernel (codings_size, input_size) and B is PCA's
    ``components_`` (n_components, input_size). The angles are 0 when both span the same subspace, whatever
    basis each uses.

    Args:
        A: (k, d) array whose rows span the first subspace (rows need not be orthonormal).
        B: (m, d) array whose rows span the second subspace.

    Returns:
        angles: (min(k, m),) float array of angles in degrees, smallest first.
    """
    Q_a, _ = np.linalg.qr(np.asarray(A, dtype=np.float64).T)
    Q_b, _ = np.linalg.qr(np.asarray(B, dtype=np.float64).T)
    cosines = np.linalg.svd(Q_a.T @ Q_b, compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(cosines, -1.0, 1.0))))


def _benchmark_run(epochs, fast, callbacks):
    """Lesson 01's reference run for ``python -m benchmark``: 784-30-784, Adam 1e-3, as in the lesson."""
    from helpers.data import load_fashion_mnist
    from helpers.evaluation import pca_bound

    codings_size = 30
    fashion = load_fashion_mnist()
    X_train = fashion.X_train[: 5_000 if fast else None].reshape(-1, 28 * 28)
    X_valid = fashion.X_valid.reshape(-1, 28 * 28)
    keras.utils.set_random_seed(42)
    _, _, autoencoder = build_linear_autoencoder(input_size=28 * 28, codings_size=codings_size)
    autoencoder.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=1e-3))
    history = autoencoder.fit(X_train, X_train, epochs=epochs, batch_size=32 if fast else 256,
                              validation_data=(X_valid, X_valid), callbacks=callbacks, verbose=0)
    train_mse = float(autoencoder.evaluate(X_train, X_train, batch_size=2048, verbose=0))
    bound = pca_bound(X_train, codings_size)
    return {
        "val_loss": float(history.history["val_loss"][-1]),
        "history": history.history,
        "metrics": {"train_mse": train_mse, f"pca{codings_size}_mse": bound, "train_mse/pca_bound": train_mse / bound},
    }


# The book has no linear Fashion-MNIST model, so there is no book recipe and no book figure; the figure to watch
# is the training MSE over PCA-30's (1 is the optimum).
BENCHMARKS = [
    Recipe(model="linear", recipe="course", lesson="01_linear_pca", epochs=20, fast_epochs=3, run=_benchmark_run,
           metric="validation MSE"),
]
