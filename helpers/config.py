"""The course's one switch: fast mode.

Fast mode shrinks data subsets and epochs so that every notebook runs top to bottom in CI. It is read here and
nowhere else: set ``COURSE_FAST=1`` in the environment (CI and the grader do), or call :func:`set_fast`.
"""

import os

ENV_VAR = "COURSE_FAST"
_FALSE_WORDS = {"", "0", "false", "no", "off"}
_override = None


def fast_mode():
    """True when the course runs in fast mode (``COURSE_FAST=1``, or :func:`set_fast` (True))."""
    if _override is not None:
        return _override
    return os.environ.get(ENV_VAR, "").strip().lower() not in _FALSE_WORDS


def set_fast(enabled):
    """Force fast mode on or off for this process; ``None`` goes back to reading the environment."""
    global _override
    if enabled is not None and not isinstance(enabled, bool):
        raise TypeError(f"set_fast takes True, False or None, not {enabled!r}")
    _override = enabled


def pick(default, fast):
    """``fast`` in fast mode, else ``default``: ``num_epochs = pick(default=20, fast=2)``."""
    return fast if fast_mode() else default
