"""The reference answers of the course: one module per lesson topic (``solutions.linear``, ``solutions.stacked``, ...).

Each answer is written here once; ``python -m autograder build`` copies it into the reference notebooks
(``solutions/notebooks/``) and turns it into a stub for the student lessons (``lessons/``). Students never get this
package: their helpers are ``helpers``, the benchmark that trains these models is ``benchmark``.
"""

import helpers  # noqa: F401  (starts TensorFlow quietly, as in the lessons)
