"""Plots of lesson 06 (sparse autoencoders): how active the coding units are."""

import matplotlib.pyplot as plt
import numpy as np


def plot_activation_histograms(codings, title=None, target=None):
    """Two histograms of a coding layer's activations: every activation, and each unit's mean activation.

    Args:
        codings: (num_images, codings_size) activations in [0, 1].
        title: the figure's title.
        target: a target mean activation to mark on the right panel, or None.
    """
    codings = np.asarray(codings)
    if codings.ndim != 2:
        raise ValueError(f"expected codings of shape (num_images, codings_size), got {codings.shape}")
    mean_activations = codings.mean(axis=0)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    bins = np.linspace(0, 1, 41)
    weights = np.full(codings.size, 100 / codings.size)
    axes[0].hist(codings.ravel(), bins=bins, weights=weights)
    axes[0].set_xlabel("activation")
    axes[0].set_ylabel("% of all activations")
    axes[0].set_title("every activation")
    axes[1].hist(mean_activations, bins=bins, weights=np.full(len(mean_activations), 100 / len(mean_activations)),
                 color="tab:orange")
    axes[1].set_xlabel("mean activation of a unit over the images")
    axes[1].set_ylabel("% of the units")
    axes[1].set_title(f"{len(mean_activations)} units: mean {mean_activations.mean():.3f}")
    if target is not None:
        axes[1].axvline(target, color="k", linestyle="--", label=f"target {target}")
        axes[1].legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()
    return fig


def plot_penalties(mean_activations, penalties, target):
    """Sparsity penalties as functions of a unit's mean activation (``penalties``: dict label -> (n,) values)."""
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for label, values in penalties.items():
        ax.plot(mean_activations, values, label=label)
    ax.axvline(target, color="k", linestyle=":", label=f"target p = {target}")
    ax.set_xlabel("mean activation q of a unit")
    ax.set_ylabel("penalty")
    ax.set_ylim(0, 1)
    ax.grid(True, alpha=0.3)
    ax.legend()
    plt.show()
    return fig
