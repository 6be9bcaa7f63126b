"""Learner-style answers to lesson 01 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import keras
from sklearn.decomposition import PCA
"""

CASES = [
    # ---------------------------------------------------------------------------------------------------------
    # linear_autoencoder
    Case("linear_autoencoder", "right", "the book's Sequential without keras.Input", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.layers.Dense(codings_size)])
    decoder = keras.Sequential([keras.layers.Dense(input_size)])
    autoencoder = keras.Sequential([encoder, decoder])
    return encoder, decoder, autoencoder
"""),
    Case("linear_autoencoder", "right", "functional models", """
def build_linear_autoencoder(input_size, codings_size):
    inputs = keras.Input(shape=(input_size,))
    encoder = keras.Model(inputs, keras.layers.Dense(codings_size, activation=None)(inputs))
    codings = keras.Input(shape=(codings_size,))
    decoder = keras.Model(codings, keras.layers.Dense(input_size, activation="linear")(codings))
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)))
    return encoder, decoder, autoencoder
"""),
    Case("linear_autoencoder", "right", "input_shape as a list, a separate linear Activation layer", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.models.Sequential()
    encoder.add(keras.layers.InputLayer(shape=[input_size]))
    encoder.add(keras.layers.Dense(codings_size))
    encoder.add(keras.layers.Activation("linear"))
    decoder = keras.models.Sequential([keras.layers.InputLayer(shape=[codings_size]),
                                       keras.layers.Dense(input_size)])
    autoencoder = keras.models.Sequential()
    autoencoder.add(encoder)
    autoencoder.add(decoder)
    return encoder, decoder, autoencoder
"""),
    Case("linear_autoencoder", "wrong", "relu in the encoder", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(input_size,)), keras.layers.Dense(codings_size, activation="relu")])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(input_size)])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="activation"),
    Case("linear_autoencoder", "wrong", "sigmoid on the decoder, as for images", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.layers.Dense(codings_size)])
    decoder = keras.Sequential([keras.layers.Dense(input_size, activation="sigmoid")])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="leave out `activation=`"),
    Case("linear_autoencoder", "wrong", "no biases", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(input_size,)), keras.layers.Dense(codings_size, use_bias=False)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(input_size, use_bias=False)])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="keep the biases"),
    # found by a red-team batch (2026-12-07): caught, but told about unit counts
    Case("linear_autoencoder", "wrong", "no bias in the encoder only", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(input_size,)), keras.layers.Dense(codings_size, use_bias=False)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(input_size)])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="keep the biases"),
    Case("linear_autoencoder", "wrong", "sizes fixed to the toy data's", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    decoder = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3)])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="from the arguments"),
    Case("linear_autoencoder", "wrong", "an autoencoder with its own new layers", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(input_size,)), keras.layers.Dense(codings_size)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(input_size)])
    autoencoder = keras.Sequential([keras.Input(shape=(input_size,)), keras.layers.Dense(codings_size),
                                    keras.layers.Dense(input_size)])
    return encoder, decoder, autoencoder
""", hint="from the same two models"),
    Case("linear_autoencoder", "wrong", "two Dense layers in the encoder", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.layers.Dense(input_size), keras.layers.Dense(codings_size)])
    decoder = keras.Sequential([keras.layers.Dense(input_size)])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="nothing more"),
    Case("linear_autoencoder", "wrong", "returns only the autoencoder", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.layers.Dense(codings_size)])
    decoder = keras.Sequential([keras.layers.Dense(input_size)])
    return keras.Sequential([encoder, decoder])
""", hint="return encoder, decoder, autoencoder"),
    # ---------------------------------------------------------------------------------------------------------
    # pca_mse
    Case("pca_mse", "right", "default svd_solver and sklearn's mean_squared_error", """
from sklearn.metrics import mean_squared_error

def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components)
    codings = pca.fit_transform(X)
    return float(mean_squared_error(X, pca.inverse_transform(codings)))
"""),
    Case("pca_mse", "right", "by hand with the SVD of the centred data", """
def pca_reconstruction_mse(X, n_components):
    mean = X.mean(axis=0)
    U, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
    W = Vt[:n_components]
    X_reconstructed = (X - mean) @ W.T @ W + mean
    return float(((X - X_reconstructed) ** 2).mean())
"""),
    Case("pca_mse", "right", "the discarded variance (explained_variance_ uses n - 1)", """
def pca_reconstruction_mse(X, n_components):
    num_samples, num_features = X.shape
    pca = PCA(svd_solver="full").fit(X)
    discarded = pca.explained_variance_[n_components:].sum() * (num_samples - 1) / num_samples
    return float(discarded / num_features)
"""),
    Case("pca_mse", "wrong", "an SVD of the data not centred", """
def pca_reconstruction_mse(X, n_components):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    W = Vt[:n_components]
    return float(np.mean(np.square(X - X @ W.T @ W)))
""", hint="centres the data"),
    Case("pca_mse", "wrong", "PCA fitted on the transposed data", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components)
    X_reconstructed = pca.inverse_transform(pca.fit_transform(X.T))
    return float(np.mean((X.T - X_reconstructed) ** 2))
""", hint="PCA on X transposed"),
    Case("pca_mse", "wrong", "summed squared errors", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components)
    X_reconstructed = pca.inverse_transform(pca.fit_transform(X))
    return float(np.sum((X - X_reconstructed) ** 2))
""", hint="take their mean"),
    Case("pca_mse", "wrong", "squared error per sample (sum over features)", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components).fit(X)
    X_reconstructed = pca.inverse_transform(pca.transform(X))
    return float(np.mean(np.sum(np.square(X - X_reconstructed), axis=1)))
""", hint="summed over features"),
    Case("pca_mse", "wrong", "root mean squared error", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components, svd_solver="full")
    X_reconstructed = pca.inverse_transform(pca.fit_transform(X))
    return float(np.sqrt(np.mean((X - X_reconstructed) ** 2)))
""", hint="square root"),
    Case("pca_mse", "wrong", "one error per feature", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components, svd_solver="full")
    X_reconstructed = pca.inverse_transform(pca.fit_transform(X))
    return np.mean((X - X_reconstructed) ** 2, axis=0)
""", hint="one number"),
    Case("pca_mse", "wrong", "maps back without the mean", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components, svd_solver="full")
    codings = pca.fit_transform(X)
    X_reconstructed = codings @ pca.components_
    return float(np.mean((X - X_reconstructed) ** 2))
""", hint="adds the mean back"),
    Case("pca_mse", "wrong", "uncentred SVD (TruncatedSVD)", """
from sklearn.decomposition import TruncatedSVD

def pca_reconstruction_mse(X, n_components):
    svd = TruncatedSVD(n_components=n_components, algorithm="arpack")
    X_reconstructed = svd.inverse_transform(svd.fit_transform(X))
    return float(np.mean((X - X_reconstructed) ** 2))
""", hint="centres the data"),
    # found by a red-team batch (2026-12-07): caught, all told only that the error was below the optimum
    Case("pca_mse", "wrong", "n_components + 1 (counting from one)", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components + 1, svd_solver="full")
    return float(np.mean((X - pca.inverse_transform(pca.fit_transform(X))) ** 2))
""", hint="n_components + 1"),
    Case("pca_mse", "wrong", "PCA() keeps every component", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA()
    X_back = pca.inverse_transform(pca.fit_transform(X))
    return float(np.mean(np.square(X - X_back)))
""", hint="every component was kept"),
    Case("pca_mse", "wrong", "mean absolute error", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components)
    return float(np.mean(np.abs(X - pca.inverse_transform(pca.fit_transform(X)))))
""", hint="mean absolute error"),
    Case("pca_mse", "wrong", "StandardScaler first", """
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

def pca_reconstruction_mse(X, n_components):
    X_scaled = StandardScaler().fit_transform(X)
    pca = PCA(n_components=n_components, svd_solver="full")
    return float(np.mean((X_scaled - pca.inverse_transform(pca.fit_transform(X_scaled))) ** 2))
""", hint="StandardScaler"),
    Case("pca_mse", "wrong", "the unexplained share of variance", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components, svd_solver="full").fit(X)
    return float(1 - pca.explained_variance_ratio_.sum())
""", hint="left unexplained"),
    Case("pca_mse", "wrong", "the discarded explained_variance_ (n - 1) without correction", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(svd_solver="full").fit(X)
    return float(pca.explained_variance_[n_components:].sum() / X.shape[1])
""", hint="n - 1"),
    # ---------------------------------------------------------------------------------------------------------
    # principal_angles
    Case("principal_angles", "right", "scipy's subspace_angles", """
from scipy.linalg import subspace_angles

def principal_angles(A, B):
    return np.sort(np.degrees(subspace_angles(np.asarray(A).T, np.asarray(B).T)))
"""),
    Case("principal_angles", "right", "orth bases, minimum instead of clip, no sort (SVD gives them in order)", """
import scipy.linalg

def principal_angles(A, B):
    Q_a = scipy.linalg.orth(np.transpose(A))
    Q_b = scipy.linalg.orth(np.transpose(B))
    cosines = np.linalg.svd(Q_a.T @ Q_b)[1]
    return np.rad2deg(np.arccos(np.minimum(cosines, 1.0)))
"""),
    Case("principal_angles", "right", "smaller subspace first, clip written with min and max", """
def principal_angles(A, B):
    A, B = np.array(A, dtype=float), np.array(B, dtype=float)
    if A.shape[0] > B.shape[0]:
        A, B = B, A
    Q_a = np.linalg.qr(A.T)[0]
    Q_b = np.linalg.qr(B.T)[0]
    s = np.linalg.svd(Q_b.T @ Q_a, compute_uv=False)
    s = np.maximum(np.minimum(s, 1), -1)
    angles = np.arccos(s) * 180 / np.pi
    return np.sort(angles)
"""),
    Case("principal_angles", "wrong", "cosines not clipped before arccos", """
def principal_angles(A, B):
    Q_a, _ = np.linalg.qr(np.asarray(A, dtype=np.float64).T)
    Q_b, _ = np.linalg.qr(np.asarray(B, dtype=np.float64).T)
    cosines = np.linalg.svd(Q_a.T @ Q_b, compute_uv=False)
    return np.sort(np.degrees(np.arccos(cosines)))
""", hint="clip"),
    Case("principal_angles", "wrong", "radians", """
def principal_angles(A, B):
    Q_a, _ = np.linalg.qr(A.T)
    Q_b, _ = np.linalg.qr(B.T)
    cosines = np.linalg.svd(Q_a.T @ Q_b, compute_uv=False)
    return np.sort(np.arccos(np.clip(cosines, -1, 1)))
""", hint="radians"),
    Case("principal_angles", "wrong", "sorted largest first", """
def principal_angles(A, B):
    Q_a, _ = np.linalg.qr(A.T)
    Q_b, _ = np.linalg.qr(B.T)
    cosines = np.linalg.svd(Q_a.T @ Q_b, compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(cosines, -1, 1))))[::-1]
""", hint="sort the angles ascending"),
    Case("principal_angles", "wrong", "no orthonormalisation", """
def principal_angles(A, B):
    cosines = np.linalg.svd(A @ B.T, compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(cosines, -1, 1))))
""", hint="orthonormalise"),
    Case("principal_angles", "wrong", "arcsin instead of arccos", """
def principal_angles(A, B):
    Q_a, _ = np.linalg.qr(A.T)
    Q_b, _ = np.linalg.qr(B.T)
    cosines = np.linalg.svd(Q_a.T @ Q_b, compute_uv=False)
    return np.sort(np.degrees(np.arcsin(np.clip(cosines, -1, 1))))
""", hint="arccos, not np.arcsin"),
    Case("principal_angles", "wrong", "complete QR: one angle per coordinate", """
def principal_angles(A, B):
    Q_a, _ = np.linalg.qr(A.T, mode="complete")
    Q_b, _ = np.linalg.qr(B.T, mode="complete")
    cosines = np.linalg.svd(Q_a.T @ Q_b, compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(cosines, -1, 1))))
""", hint="mode ('reduced')"),
    Case("principal_angles", "wrong", "QR of the rows instead of the columns", """
def principal_angles(A, B):
    Q_a, _ = np.linalg.qr(A)
    Q_b, _ = np.linalg.qr(B)
    k = min(len(A), len(B))
    cosines = np.linalg.svd(Q_a[:k, :k].T @ Q_b[:k, :k], compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(cosines, -1, 1))))
""", hint="orthonormalise"),
]


# A red-team batch (2026-12-07): layers that act only while training, regularizers, a frozen decoder, a weight
# constraint (each changes what fit learns), a subclassed autoencoder, and correct variants.
_RT_AE = """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(input_size,)), keras.layers.Dense(codings_size)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(input_size)])
    autoencoder = keras.Sequential([encoder, decoder])
    return encoder, decoder, autoencoder
"""

CASES += [
    # linear_autoencoder: right
    Case("linear_autoencoder", "right", "subclassed autoencoder over two Sequential parts", """
class AutoEncoder(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.decoder = decoder
        self.encoder = encoder

    def call(self, x):
        return self.decoder(self.encoder(x))


def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(input_size,)), keras.layers.Dense(codings_size)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(input_size)])
    return encoder, decoder, AutoEncoder(encoder, decoder)
"""),
    Case("linear_autoencoder", "right", "EinsumDense layers with biases", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(input_size,)),
                                keras.layers.EinsumDense("ab,bc->ac", output_shape=codings_size, bias_axes="c")])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)),
                                keras.layers.EinsumDense("ab,bc->ac", output_shape=input_size, bias_axes="c")])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
    Case("linear_autoencoder", "right", "subclassed autoencoder, encoder assigned first (control)", """
class AutoEncoder(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder

    def call(self, x):
        return self.decoder(self.encoder(x))


def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(input_size,)), keras.layers.Dense(codings_size)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(input_size)])
    return encoder, decoder, AutoEncoder(encoder, decoder)
"""),
    # linear_autoencoder: wrong
    Case("linear_autoencoder", "wrong", "Dropout on the codings (acts only in training)", _RT_AE.replace(
        "keras.layers.Dense(codings_size)]", "keras.layers.Dense(codings_size), keras.layers.Dropout(0.2)]"),
        hint="Dropout"),
    Case("linear_autoencoder", "wrong", "L2 regularizer on the kernels", _RT_AE.replace(
        "Dense(codings_size)", "Dense(codings_size, kernel_regularizer=keras.regularizers.l2(1e-3))").replace(
        "Dense(input_size)", "Dense(input_size, kernel_regularizer=keras.regularizers.l2(1e-3))"),
        hint="regularizer"),
    Case("linear_autoencoder", "wrong", "decoder frozen (trainable=False)", _RT_AE.replace(
        "    autoencoder = ", "    decoder.trainable = False\n    autoencoder = "), hint="trainable"),
    Case("linear_autoencoder", "wrong", "unit-norm constraint on the decoder kernel", _RT_AE.replace(
        "Dense(input_size)", "Dense(input_size, kernel_constraint=keras.constraints.UnitNorm(axis=1))"),
        hint="constraint"),
    Case("linear_autoencoder", "wrong", "GaussianNoise at the input of the encoder", _RT_AE.replace(
        "keras.Input(shape=(input_size,)), keras.layers.Dense", "keras.Input(shape=(input_size,)), keras.layers.GaussianNoise(0.1), keras.layers.Dense"),
        hint="GaussianNoise"),
    # pca_mse: right
    Case("pca_mse", "right", "np.var of the residual, whiten=True", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components, whiten=True, svd_solver="full").fit(X)
    residual = X - pca.inverse_transform(pca.transform(X))
    return float(np.var(residual))
"""),
    Case("pca_mse", "right", "squared Frobenius norm over X.size", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components, svd_solver="full")
    codings = pca.fit_transform(X)
    return float(np.linalg.norm(X - pca.inverse_transform(codings)) ** 2 / X.size)
"""),
    # pca_mse: wrong
    Case("pca_mse", "wrong", "Frobenius norm not squared", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components, svd_solver="full")
    codings = pca.fit_transform(X)
    return float(np.linalg.norm(X - pca.inverse_transform(codings)) / X.size)
""", hint="square the norm"),
    Case("pca_mse", "wrong", "mean over features of the per-feature variance of the codings' loss (noise_variance_)", """
def pca_reconstruction_mse(X, n_components):
    pca = PCA(n_components=n_components, svd_solver="full").fit(X)
    return float(pca.noise_variance_)
""", hint="inverse_transform"),
    # principal_angles: right
    Case("principal_angles", "right", "bases from the SVD, NaN turned to 0 instead of clipping", """
def principal_angles(A, B):
    Va = np.linalg.svd(np.asarray(A, float), full_matrices=False)[2]
    Vb = np.linalg.svd(np.asarray(B, float), full_matrices=False)[2]
    s = np.linalg.svd(Va @ Vb.T, compute_uv=False)
    return np.sort(np.nan_to_num(np.arccos(s)) * 180 / np.pi)
"""),
    Case("principal_angles", "right", "eigenvalues of M^T M of the smaller side, sqrt", """
def principal_angles(A, B):
    Qa = np.linalg.qr(np.asarray(A, float).T)[0]
    Qb = np.linalg.qr(np.asarray(B, float).T)[0]
    M = Qa.T @ Qb
    if M.shape[0] < M.shape[1]:
        M = M.T
    cos = np.sqrt(np.clip(np.linalg.eigvalsh(M.T @ M), 0.0, 1.0))
    return np.sort(np.degrees(np.arccos(cos)))
"""),
    # principal_angles: wrong
    Case("principal_angles", "wrong", "rows normalised to unit length instead of orthonormalised", """
def principal_angles(A, B):
    A = A / np.linalg.norm(A, axis=1, keepdims=True)
    B = B / np.linalg.norm(B, axis=1, keepdims=True)
    cosines = np.linalg.svd(A @ B.T, compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(cosines, -1, 1))))
""", hint="orthonormalise"),
    Case("principal_angles", "wrong", "returns the cosines, not the angles", """
def principal_angles(A, B):
    Q_a, _ = np.linalg.qr(A.T)
    Q_b, _ = np.linalg.qr(B.T)
    return np.sort(np.clip(np.linalg.svd(Q_a.T @ Q_b, compute_uv=False), -1, 1))
""", hint="arccos"),
    Case("principal_angles", "wrong", "eigenvalues of M M^T without choosing the smaller side", """
def principal_angles(A, B):
    Qa = np.linalg.qr(np.asarray(A, float).T)[0]
    Qb = np.linalg.qr(np.asarray(B, float).T)[0]
    M = Qa.T @ Qb
    cos = np.sqrt(np.clip(np.linalg.eigvalsh(M @ M.T), 0.0, 1.0))
    return np.sort(np.degrees(np.arccos(cos)))
""", hint="min(k, m)"),
]
