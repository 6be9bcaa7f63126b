"""Build, checks and grader of the course. Lessons use ``from autograder import check``.

``python -m autograder build [--check]`` generates the lessons; ``python -m autograder grade PATH... --out DIR``
grades submissions. See README.md.
"""

from autograder.checks.runtime import check

__all__ = ["check"]
