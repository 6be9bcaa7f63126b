"""Plots of lesson 05 (denoising autoencoders): reconstruction error against the noise level."""

import matplotlib.pyplot as plt
import numpy as np


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
    return fig
