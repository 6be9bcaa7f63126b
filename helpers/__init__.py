"""The course's student package: what every lesson imports besides its own answers.

``import helpers as hp`` in a lesson's setup cell, then ``hp.data.load_fashion_mnist()``, ``hp.plotting...``:
config (params, fast mode), data (Fashion-MNIST from disk), plotting, evaluation (domain FID/KID, class coverage),
vae_tools (a VAE's codings), gan_tools (sampling and training callbacks), diffusion_tools (a diffusion model's U-Net
and plots), earlier (a learner's answers from an earlier lesson's notebook).
Students get this package whole; it holds no reference answer (those are in ``solutions``, which they never get).
Importing it starts TensorFlow without its start-up log lines.
"""

import importlib
import os
import sys

__all__ = ["config", "data", "diffusion_tools", "earlier", "evaluation", "gan_tools", "plotting", "vae_tools"]


def __getattr__(name):
    """``helpers.data`` and the rest without an import line each (imported on first use)."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _start_tensorflow_quietly():
    """Import TensorFlow with its C++ start-up lines (the absl warning, oneDNN's notice, the CPU feature guard) sent
    to /dev/null: they ignore TF_CPP_MIN_LOG_LEVEL and show as a red box under every lesson's first cell. Python
    errors still raise as usual; only what TensorFlow writes to file descriptor 2 while importing is dropped."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules:
        return
    try:
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    except OSError:  # no file descriptor 2 to redirect (some embedded interpreters)
        return
    try:
        sys.stderr.flush()
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_start_tensorflow_quietly()
