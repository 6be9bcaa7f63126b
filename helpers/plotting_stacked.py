"""Plots for lessons 02 and 03: learning curves on a time axis, a 2-D map of codings with thumbnails, bar charts."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.offsetbox import AnnotationBbox, OffsetImage


def plot_recipe_curves(curves, target=None, target_label=None, metric="validation loss"):
    """Learning curves of several training recipes, against epochs and against wall-clock seconds (lesson 02).

    Args:
        curves: ``{label: (seconds, values)}``, per-epoch cumulative seconds (e.g. ``EpochTimer.seconds``) and the
            metric's value at the end of each epoch.
        target: draw a horizontal line at this value (e.g. the book's figure), labelled ``target_label``.
    """
    if not curves:
        raise ValueError("curves is empty: pass {'label': (seconds, values)}")
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    for label, (seconds, values) in curves.items():
        if len(seconds) != len(values):
            raise ValueError(f"{label}: {len(seconds)} times but {len(values)} values")
        axes[0].plot(np.arange(1, len(values) + 1), values, marker=".", label=label)
        axes[1].plot(seconds, values, marker=".", label=label)
    for ax, xlabel in zip(axes, ("epoch", "seconds of training")):
        if target is not None:
            ax.axhline(target, color="k", linestyle="--", linewidth=1, label=target_label)
        ax.set_xlabel(xlabel)
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel(metric)
    axes[1].legend()
    fig.tight_layout()
    plt.show()
    return fig


def plot_codings_map(points, labels, images, class_names, min_distance=0.04, zoom=0.55, title=None):
    """A 2-D map of codings (e.g. t-SNE's output), coloured by class, with image thumbnails (lesson 02).

    A thumbnail is drawn for a point only when it is at least ``min_distance`` (in units of the map's width)
    from every point already given one, so the thumbnails do not pile up.

    Args:
        points: (n, 2) map coordinates; labels: (n,) class ids; images: (n, 28, 28) the images they come from.
        class_names: names of the classes, indexed by class id.
    """
    points, labels, images = np.asarray(points, dtype=np.float64), np.asarray(labels), np.asarray(images)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {points.shape}")
    if not len(points) == len(labels) == len(images):
        raise ValueError(f"got {len(points)} points, {len(labels)} labels and {len(images)} images")
    span = points.max(axis=0) - points.min(axis=0)
    scaled = (points - points.min(axis=0)) / np.where(span > 0, span, 1)
    fig, ax = plt.subplots(figsize=(11, 9))
    scatter = ax.scatter(scaled[:, 0], scaled[:, 1], c=labels, s=6, cmap="tab10", vmin=-0.5, vmax=9.5)
    handles, _ = scatter.legend_elements()
    present = sorted(set(labels.tolist()))
    ax.legend(handles, [class_names[i] for i in present], fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    shown = np.empty((0, 2))
    colours = plt.get_cmap("tab10")
    for index, point in enumerate(scaled):
        if len(shown) and np.min(np.sum((shown - point) ** 2, axis=1)) < min_distance ** 2:
            continue
        shown = np.vstack([shown, point])
        thumbnail = OffsetImage(images[index], cmap="binary", zoom=zoom)
        ax.add_artist(AnnotationBbox(thumbnail, point, pad=0.1,
                                     bboxprops={"edgecolor": colours(int(labels[index])), "linewidth": 1}))
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    fig.tight_layout()
    plt.show()
    return fig


def plot_bars(values, ylabel, title=None, value_format="{:.1%}", bottom=0.0):
    """A bar per entry of ``values`` (``{label: number}``), each bar labelled with its value.

    ``bottom`` is where the y axis starts (raise it to make small differences between large values visible).
    """
    if not values:
        raise ValueError("values is empty")
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * len(values), 3.5))
    bars = ax.bar(list(values), list(values.values()), color=plt.get_cmap("tab10").colors[:len(values)])
    for bar, value in zip(bars, values.values()):
        ax.annotate(value_format.format(value), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=9)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom, max(values.values()) + 0.08 * (max(values.values()) - bottom))
    if title:
        ax.set_title(title)
    fig.tight_layout()
    plt.show()
    return fig
