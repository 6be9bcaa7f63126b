"""The contract between the lesson modules and the benchmark (``python -m benchmark``).

Each topic module in ``solutions`` that trains a reference model lists it in a module-level ``BENCHMARKS`` list of
:class:`Recipe` objects. The benchmark discovers them; nothing else needs registering.
"""

import dataclasses
from typing import Callable, Optional


@dataclasses.dataclass(frozen=True)
class Recipe:
    """One reference model trained one way.

    Attributes:
        model: short model name shared by the recipes of one model, e.g. "stacked".
        recipe: "book" (the textbook's settings) or "course" (this course's default, when it differs).
        lesson: the lesson that teaches it, e.g. "02_stacked".
        epochs: epochs of the full run; fast_epochs: epochs with ``--fast``.
        run: ``run(epochs, fast, callbacks) -> dict``. Trains from scratch (seeded) for ``epochs`` epochs with the
            given Keras callbacks passed to ``fit`` (the benchmark adds a timing/progress callback), and returns at
            least ``{"val_loss": float, "history": {"val_loss": [per-epoch floats], ...}}``; may add ``"metrics"``
            (a dict of floats) and, for generative models, ``"generate"``: ``generate(n, seed) -> (n, 28, 28)``
            float32 images in [0, 1].
        metric: what ``val_loss`` measures, e.g. "validation binary cross-entropy".
        book_value: the book's figure for the same metric, or None.
    """

    model: str
    recipe: str
    lesson: str
    epochs: int
    fast_epochs: int
    run: Callable
    metric: str
    book_value: Optional[float] = None
