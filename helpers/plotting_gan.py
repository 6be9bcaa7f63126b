"""Plots for the GAN lessons (08 and 09): FID curves, class histograms over training, comparison tables."""

import matplotlib.pyplot as plt
import numpy as np

from helpers.data import CLASS_NAMES


def plot_fid_curves(runs, title=None, log_scale=True):
    """Domain FID per epoch of several runs: ``runs`` maps a run's name to its monitor's ``records``.

    Lesson 09 draws the collapsed run and each fix on the same axes.
    """
    if not runs:
        raise ValueError("runs is empty: pass {'name': monitor.records}")
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
    return fig


def plot_class_histograms(runs, epoch=-1, title=None):
    """Side-by-side bar charts of the class histogram of each run at one measured epoch (default: the last).

    A dashed line marks the 10% of a perfectly balanced generator, a dotted one the 2% below which a class counts as
    missing. ``runs`` maps a name to a monitor's ``records``.
    """
    if not runs:
        raise ValueError("runs is empty: pass {'name': monitor.records}")
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
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()
    return fig


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
    fig.tight_layout()
    plt.show()
    return fig


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
