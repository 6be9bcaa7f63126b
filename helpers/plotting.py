"""Plotting helpers shared by the lessons: image rows and grids, 2-D codings, learning curves.

Each helper draws and shows its figure and returns None, so that a call at the end of a notebook cell does not
display the figure a second time.
"""

import matplotlib.pyplot as plt
import numpy as np


def _as_images(images):
    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == 784:
        images = images.reshape(-1, 28, 28)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"expected images of shape (n, 28, 28), (n, 784) or (n, 28, 28, 1), got {images.shape}")
    return images


def plot_image_rows(rows, n_images=8, title=None, value_range=(0.0, 1.0)):
    """One row of images per entry of ``rows`` (a dict ``label -> images``), labels on the left.

    Used for reconstructions: ``plot_image_rows({"original": X, "autoencoder": X_ae, "PCA": X_pca})``.
    """
    if not rows:
        raise ValueError("rows is empty: pass a dict such as {'original': images}")
    fig, axes = plt.subplots(len(rows), n_images, figsize=(n_images * 1.1, len(rows) * 1.25), squeeze=False)
    for row, (label, images) in zip(axes, rows.items()):
        images = _as_images(images)
        for column, ax in enumerate(row):
            if column < len(images):
                ax.imshow(images[column], cmap="binary", vmin=value_range[0], vmax=value_range[1])
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(label, rotation=0, ha="right", va="center")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_image_grid(images, n_cols=8, titles=None, value_range=(0.0, 1.0)):
    """Images in a grid of ``n_cols`` columns, optional titles."""
    images = _as_images(images)
    n_rows = (len(images) - 1) // n_cols + 1
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(n_cols * 1.1, n_rows * 1.2), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index < len(images):
            ax.imshow(images[index], cmap="binary", vmin=value_range[0], vmax=value_range[1])
            if titles is not None:
                ax.set_title(titles[index], fontsize=8)
    fig.tight_layout()
    plt.show()


def plot_codings_2d(codings, labels=None, class_names=None, title=None, ax=None):
    """Scatter plot of 2-D codings, coloured by class when ``labels`` is given."""
    codings = np.asarray(codings)
    if codings.ndim != 2 or codings.shape[1] != 2:
        raise ValueError(f"expected codings of shape (n, 2), got {codings.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    scatter = ax.scatter(codings[:, 0], codings[:, 1], c=labels, s=8, cmap="tab10" if labels is not None else None)
    if labels is not None and class_names is not None:
        handles, _ = scatter.legend_elements()
        ax.legend(handles, class_names, fontsize=7, loc="best")
    ax.set_xlabel("coding 1")
    ax.set_ylabel("coding 2")
    if title:
        ax.set_title(title)
    plt.show()


def plot_learning_curves(history, keys=("loss", "val_loss"), title=None):
    """Learning curves from a Keras ``History`` (or its ``.history`` dict)."""
    history = getattr(history, "history", history)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for key in keys:
        if key in history:
            ax.plot(np.arange(1, len(history[key]) + 1), history[key], marker=".", label=key)
    ax.set_xlabel("epoch")
    ax.legend()
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    plt.show()
