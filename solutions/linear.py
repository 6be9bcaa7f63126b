"""A linear autoencoder finds PCA's subspace: reference answers.

The build copies each function below into the lesson's exercise cells; in the student version the code between the
docstring and the end becomes a stub.
"""

import keras
import numpy as np
from sklearn.decomposition import PCA


def generate_3d_data(num_points=60, seed=42, noise=0.1):
    """A noisy, slightly tilted 3-D arc that lies close to a plane: toy data for a 3-D to 2-D autoencoder.

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
    """Build an undercomplete linear autoencoder.

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
    """Mean squared error of PCA's reconstruction of ``X`` from ``n_components`` components.

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

    A may be a linear decoder's kernel (codings_size, input_size) and B PCA's ``components_`` (n_components,
    input_size). The angles are 0 when both span the same subspace, whatever basis each uses.

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
