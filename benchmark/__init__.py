"""The course benchmark: ``python -m benchmark`` trains every reference model and reports its figures.

:mod:`benchmark.recipes` defines a recipe and the shared training run; one module per kind of model lists its
recipes (``autoencoders``, ``vae``, ``gan``, ``dcgan``, ``diffusion``). The answer modules in ``solutions`` never
import this package, so changing a recipe changes no lesson.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow loads: no C++ info lines in the reports
