"""The checks of every lesson, one module per lesson: ``lNN_topic.py`` checks lesson ``NN_topic``.

Each module defines ``LESSON`` (the lesson id, e.g. ``"01_linear_pca"``) and ``EXERCISES`` (its
:class:`autograder.checks.exercise.Exercise` objects, in lesson order). Modules are discovered, so adding a lesson adds
no line here.
"""

import functools
import importlib
import pkgutil


@functools.lru_cache(maxsize=None)
def lesson_modules():
    """``{lesson id: checks module}`` for every ``lNN_*`` module in this package, sorted by lesson id."""
    modules = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("l") and info.name[1:3].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            modules[module.LESSON] = module
    return dict(sorted(modules.items()))


def lessons():
    return list(lesson_modules())


def exercises(lesson):
    """The exercises of ``lesson`` in order; ValueError naming the known lessons when it is unknown."""
    modules = lesson_modules()
    if lesson not in modules:
        raise ValueError(f"unknown lesson {lesson!r}; known lessons: {', '.join(modules)}")
    return list(modules[lesson].EXERCISES)


def find_exercise(name):
    """``(lesson, exercise)`` for an exercise name, searching every lesson."""
    for lesson, module in lesson_modules().items():
        for exercise in module.EXERCISES:
            if exercise.name == name:
                return lesson, exercise
    raise ValueError(f"unknown exercise {name!r}")
