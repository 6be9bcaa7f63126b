"""Plots for lesson 07 (variational autoencoders): losses, the sampling layer's draws, the 2-D latent manifold."""

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm


def plot_vae_history(history, title=None):
    """Three panels: total loss, reconstruction loss and KL loss per epoch, training and validation.

    Args:
        history: a Keras ``History`` (or its ``.history`` dict) with ``loss``, ``reconstruction_loss`` and
            ``kl_loss`` (and their ``val_`` versions when there was validation data).
    """
    history = getattr(history, "history", history)
    panels = [("loss", "loss = BCE + KL / 784"), ("reconstruction_loss", "reconstruction (mean pixel BCE)"),
              ("kl_loss", "KL (nats per image)")]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.2))
    for ax, (key, label) in zip(axes, panels):
        for prefix, style in (("", "-"), ("val_", "--")):
            if prefix + key in history:
                values = history[prefix + key]
                ax.plot(np.arange(1, len(values) + 1), values, style, marker=".",
                        label="validation" if prefix else "training")
        ax.set_title(label)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()
    return fig


def plot_sampling_histogram(samples, mean, log_var, bins=60):
    """Histogram of 1-D draws of a Sampling layer beside the density N(mean, exp(log_var)) they should follow."""
    samples = np.asarray(samples).ravel()
    std = float(np.exp(log_var / 2))
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.hist(samples, bins=bins, density=True, alpha=0.6, label="Sampling layer draws")
    grid = np.linspace(mean - 4 * std, mean + 4 * std, 200)
    ax.plot(grid, norm.pdf(grid, mean, std), "k", label=f"N({mean:g}, exp({log_var:g}))")
    ax.legend()
    ax.set_xlabel("coding value")
    fig.tight_layout()
    plt.show()
    return fig


def plot_latent_manifold(decoder, n=15, probability_margin=0.05):
    """Decode a regular grid of 2-D codings into one big image (the learned manifold).

    The grid is spaced by the standard normal's quantiles (from ``probability_margin`` to ``1 - margin``), so
    it covers the region where the prior puts its mass evenly by probability, not by distance.

    Args:
        decoder: maps (batch, 2) codings to (batch, 28, 28) images.
        n: the grid has n x n images.
    """
    if decoder.input_shape[-1] != 2:
        raise ValueError(f"the decoder must take 2-D codings, not {decoder.input_shape[-1]}-D")
    quantiles = norm.ppf(np.linspace(probability_margin, 1 - probability_margin, n))
    first, second = np.meshgrid(quantiles, quantiles[::-1])  # second coding grows upwards
    codings = np.stack([first.ravel(), second.ravel()], axis=1).astype("float32")
    images = np.asarray(decoder.predict(codings, verbose=0)).reshape(n, n, 28, 28)
    canvas = images.transpose(0, 2, 1, 3).reshape(n * 28, n * 28)
    fig, ax = plt.subplots(figsize=(7, 7))
    extent = (quantiles[0], quantiles[-1], quantiles[0], quantiles[-1])
    ax.imshow(canvas, cmap="binary", extent=extent)
    ax.set_xlabel("coding 1")
    ax.set_ylabel("coding 2")
    ax.set_title("decoded grid of codings (standard normal quantiles)")
    plt.show()
    return fig
