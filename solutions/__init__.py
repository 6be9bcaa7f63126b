"""Reference answers and course helpers for the representation and generative learning course.

One module per lesson topic holds that lesson's reference answers (``solutions.linear`` for lesson 01, ...);
``solutions.config``, ``solutions.data`` and ``solutions.plotting`` are the helpers every lesson uses.
The answer modules are the single source of truth: ``python -m autograder build`` copies their code into the
reference notebooks and turns it into stubs for the student lessons.
"""

__all__ = ["config", "data", "plotting"]
