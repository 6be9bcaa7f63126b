"""Reference answers and course helpers for the representation and generative learning course.

One module per lesson topic holds that lesson's reference answers (``solutions.linear`` for lesson 01, ...);
``solutions.config``, ``solutions.data`` and ``solutions.plotting`` are the helpers every lesson uses.
The answer modules are the single source of truth: ``python -m autograder build`` copies their code into the
reference notebooks and turns it into stubs for the student lessons.
"""

import os
import sys

__all__ = ["config", "data", "plotting"]


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
