"""Plots for the lessons: images, codings, curves over epochs or noise levels, histograms, and a GAN runs' table.

Each ``plot_*`` function draws one figure, shows it and returns None, so that a call at the end of a notebook cell
does not display the figure a second time. Images may come as (n, 28, 28), (n, 784) or (n, 28, 28, 1).

* images: :func:`plot_image_rows`, :func:`plot_image_grid`, :func:`plot_latent_manifold`;
* codings: :func:`plot_codings_2d`, :func:`plot_codings_map`, :func:`plot_activation_histograms`,
  :func:`plot_sampling_histogram`;
* curves: :func:`plot_learning_curves`, :func:`plot_vae_history`, :func:`plot_recipe_curves`,
  :func:`plot_error_curves`, :func:`plot_penalties`, :func:`plot_bars`;
* GAN runs (``runs`` maps a run's name to an ``EvaluationMonitor``'s ``records``): :func:`plot_fid_curves`,
  :func:`plot_class_histograms`, :func:`plot_histogram_history`, :func:`comparison_table`.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.offsetbox import AnnotationBbox, OffsetImage

from helpers.data import CLASS_NAMES


def _as_images(images):
    images = np.asarray(images)
    if images.ndim == 2 and images.shape[1] == 784:
        images = images.reshape(-1, 28, 28)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"expected images of shape (n, 28, 28), (n, 784) or (n, 28, 28, 1), got {images.shape}")
    return images


def _show(fig, title=None):
    """Give the figure its title, lay it out and show it."""
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def _plot_per_epoch(ax, values, *style, **options):
    """One line of per-epoch values against epochs 1, 2, ..."""
    ax.plot(np.arange(1, len(values) + 1), values, *style, marker=".", **options)


def _require(mapping, message):
    if not mapping:
        raise ValueError(message)


# Images


def plot_image_rows(rows, n_images=8, title=None, value_range=(0.0, 1.0)):
    """One row of images per entry of ``rows`` (a dict ``label -> images``), labels on the left.

    Used for reconstructions: ``plot_image_rows({"original": X, "autoencoder": X_ae, "PCA": X_pca})``.
    """
    _require(rows, "rows is empty: pass a dict such as {'original': images}")
    fig, axes = plt.subplots(len(rows), n_images, figsize=(n_images * 1.1, len(rows) * 1.25), squeeze=False)
    for row, (label, images) in zip(axes, rows.items()):
        images = _as_images(images)
        for column, ax in enumerate(row):
            if column < len(images):
                ax.imshow(images[column], cmap="binary", vmin=value_range[0], vmax=value_range[1])
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(label, rotation=0, ha="right", va="center")
    _show(fig, title)


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
    _show(fig)


def plot_latent_manifold(decoder, n=15, probability_margin=0.05):
    """Decode a regular grid of 2-D codings into one big image (the learned manifold).

    The grid is spaced by the standard normal's quantiles (from ``probability_margin`` to ``1 - margin``), so
    it covers the region where the prior puts its mass evenly by probability, not by distance.

    Args:
        decoder: maps (batch, 2) codings to (batch, 28, 28) images.
        n: the grid has n x n images.
    """
    from scipy.stats import norm  # here, not at the top: only two plots need scipy.stats, which is slow to import

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


# Codings


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


def plot_codings_map(points, labels, images, class_names, min_distance=0.04, zoom=0.55, title=None):
    """A 2-D map of codings (e.g. t-SNE's output), coloured by class, with image thumbnails.

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
    _show(fig)


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
    _show(fig, title)


def plot_sampling_histogram(samples, mean, log_var, bins=60):
    """Histogram of 1-D draws of a Sampling layer beside the density N(mean, exp(log_var)) they should follow."""
    from scipy.stats import norm  # here, not at the top: see plot_latent_manifold

    samples = np.asarray(samples).ravel()
    std = float(np.exp(log_var / 2))
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.hist(samples, bins=bins, density=True, alpha=0.6, label="Sampling layer draws")
    grid = np.linspace(mean - 4 * std, mean + 4 * std, 200)
    ax.plot(grid, norm.pdf(grid, mean, std), "k", label=f"N({mean:g}, exp({log_var:g}))")
    ax.legend()
    ax.set_xlabel("coding value")
    _show(fig)


# Curves


def plot_learning_curves(history, keys=("loss", "val_loss"), title=None):
    """Learning curves from a Keras ``History`` (or its ``.history`` dict)."""
    history = getattr(history, "history", history)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for key in keys:
        if key in history:
            _plot_per_epoch(ax, history[key], label=key)
    ax.set_xlabel("epoch")
    ax.legend()
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    plt.show()


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
                _plot_per_epoch(ax, history[prefix + key], style, label="validation" if prefix else "training")
        ax.set_title(label)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend()
    _show(fig, title)


def plot_recipe_curves(curves, target=None, target_label=None, metric="validation loss"):
    """Learning curves of several training recipes, against epochs and against wall-clock seconds.

    Args:
        curves: ``{label: (seconds, values)}``, per-epoch cumulative seconds (e.g. ``EpochTimer.seconds``) and the
            metric's value at the end of each epoch.
        target: draw a horizontal line at this value (e.g. the book's figure), labelled ``target_label``.
    """
    _require(curves, "curves is empty: pass {'label': (seconds, values)}")
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    for label, (seconds, values) in curves.items():
        if len(seconds) != len(values):
            raise ValueError(f"{label}: {len(seconds)} times but {len(values)} values")
        _plot_per_epoch(axes[0], values, label=label)
        axes[1].plot(seconds, values, marker=".", label=label)
    for ax, xlabel in zip(axes, ("epoch", "seconds of training")):
        if target is not None:
            ax.axhline(target, color="k", linestyle="--", linewidth=1, label=target_label)
        ax.set_xlabel(xlabel)
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel(metric)
    axes[1].legend()
    _show(fig)


def plot_error_curves(noise_levels, curves, reference_lines=None, marks=None, y_max=None):
    """Reconstruction error (MSE against the clean images) as a function of the noise's standard deviation.

    Args:
        noise_levels: (n,) standard deviations.
        curves: dict label -> (n,) errors, one line with markers each.
        reference_lines: dict label -> a constant error drawn as a dashed horizontal line.
        marks: dict label -> a noise level drawn as a dotted vertical line.
        y_max: top of the y axis (default: a little above the highest curve).
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, errors in curves.items():
        ax.plot(noise_levels, errors, marker=".", label=label)
    for label, value in (reference_lines or {}).items():
        ax.axhline(value, color="gray", linestyle="--", label=label)
    if y_max is None:
        y_max = 1.15 * max(np.max(errors) for errors in curves.values())
    ax.set_ylim(0, y_max)
    for label, level in (marks or {}).items():
        ax.axvline(level, color="k", linestyle=":", alpha=0.6)
        ax.text(level, ax.get_ylim()[1] * 0.95, f" {label}", fontsize=8, va="top")
    ax.set_xlabel("standard deviation of the Gaussian noise")
    ax.set_ylabel("MSE against the clean images")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    plt.show()


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


def plot_bars(values, ylabel, title=None, value_format="{:.1%}", bottom=0.0):
    """A bar per entry of ``values`` (``{label: number}``), each bar labelled with its value.

    ``bottom`` is where the y axis starts (raise it to make small differences between large values visible).
    """
    _require(values, "values is empty")
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * len(values), 3.5))
    bars = ax.bar(list(values), list(values.values()), color=plt.get_cmap("tab10").colors[:len(values)])
    for bar, value in zip(bars, values.values()):
        ax.annotate(value_format.format(value), (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=9)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom, max(values.values()) + 0.08 * (max(values.values()) - bottom))
    if title:
        ax.set_title(title)
    _show(fig)


# GAN runs: each maps a run's name to an EvaluationMonitor's records


def plot_fid_curves(runs, title=None, log_scale=True):
    """Domain FID per epoch of several runs on the same axes: ``runs`` maps a run's name to its monitor's
    ``records``."""
    _require(runs, "runs is empty: pass {'name': monitor.records}")
    fig, ax = plt.subplots(figsize=(6.5, 3.5))
    for name, records in runs.items():
        ax.plot([r["epoch"] for r in records], [r["fid"] for r in records], marker=".", label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("domain FID (lower is better)")
    if log_scale:
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3, which="both")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    plt.show()


def plot_class_histograms(runs, epoch=-1, title=None):
    """Side-by-side bar charts of the class histogram of each run at one measured epoch (default: the last).

    A dashed line marks the 10% of a perfectly balanced generator, a dotted one the 2% below which a class counts as
    missing. ``runs`` maps a name to a monitor's ``records``.
    """
    _require(runs, "runs is empty: pass {'name': monitor.records}")
    fig, axes = plt.subplots(1, len(runs), figsize=(3.2 * len(runs), 2.8), sharey=True, squeeze=False)
    for ax, (name, records) in zip(axes[0], runs.items()):
        record = records[epoch]
        ax.bar(np.arange(10), record["histogram"], color="tab:blue")
        ax.axhline(0.1, color="k", linestyle="--", linewidth=0.8)
        ax.axhline(0.02, color="tab:red", linestyle=":", linewidth=0.8)
        ax.set_xticks(np.arange(10))
        ax.set_xticklabels([c.split("/")[0][:7] for c in CLASS_NAMES], rotation=90, fontsize=7)
        ax.set_title(f"{name}\nepoch {record['epoch']}: {record['coverage']} classes", fontsize=9)
    axes[0][0].set_ylabel("fraction of samples")
    _show(fig, title)


def plot_histogram_history(records, title=None):
    """A heat map of the class histogram over the epochs of one run (rows: classes, columns: epochs)."""
    histograms = np.array([r["histogram"] for r in records]).T
    fig, ax = plt.subplots(figsize=(max(4.0, 0.45 * len(records) + 2.5), 3.2))
    image = ax.imshow(histograms, aspect="auto", cmap="viridis", vmin=0, vmax=max(0.3, histograms.max()))
    ax.set_yticks(np.arange(10))
    ax.set_yticklabels(CLASS_NAMES, fontsize=7)
    ax.set_xticks(np.arange(len(records)))
    ax.set_xticklabels([r["epoch"] for r in records], fontsize=7)
    ax.set_xlabel("epoch")
    fig.colorbar(image, ax=ax, label="fraction of samples")
    if title:
        ax.set_title(title)
    _show(fig)


def comparison_table(runs, seconds=None):
    """A plain-text table: final FID, best FID, class coverage, largest class share, KL from uniform per run.

    ``runs`` maps a name to a monitor's ``records``; ``seconds`` optionally maps a name to its training time.
    Returns the text (print it).
    """
    header = f"{'run':<28} {'final FID':>9} {'best FID':>9} {'classes':>7} {'top class':>9} {'KL(unif)':>8}"
    if seconds:
        header += f" {'time':>7}"
    lines = [header, "-" * len(header)]
    for name, records in runs.items():
        last = records[-1]
        line = (f"{name:<28} {last['fid']:>9.2f} {min(r['fid'] for r in records):>9.2f} {last['coverage']:>7d} "
                f"{max(last['histogram']):>9.1%} {last['kl_uniform']:>8.3f}")
        if seconds:
            line += f" {seconds[name]:>6.0f}s" if name in seconds else f" {'-':>7}"
        lines.append(line)
    return "\n".join(lines)
