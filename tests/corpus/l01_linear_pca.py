"""Learner-style answers to lesson 01 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import keras
from sklearn.decomposition import PCA
"""

CASES = [
    Case("linear_autoencoder", "right", "the book's Sequential without keras.Input", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.layers.Dense(codings_size)])
    decoder = keras.Sequential([keras.layers.Dense(input_size)])
    autoencoder = keras.Sequential([encoder, decoder])
    return encoder, decoder, autoencoder
"""),
    Case("linear_autoencoder", "wrong", "relu in the encoder", """
def build_linear_autoencoder(input_size, codings_size):
    encoder = keras.Sequential([keras.Input(shape=(input_size,)), keras.layers.Dense(codings_size, activation="relu")])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(input_size)])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="activation"),
    Case("principal_angles", "wrong", "cosines not clipped before arccos", """
def principal_angles(A, B):
    Q_a, _ = np.linalg.qr(np.asarray(A, dtype=np.float64).T)
    Q_b, _ = np.linalg.qr(np.asarray(B, dtype=np.float64).T)
    cosines = np.linalg.svd(Q_a.T @ Q_b, compute_uv=False)
    return np.sort(np.degrees(np.arccos(cosines)))
""", hint="clip"),
]
