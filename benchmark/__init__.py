"""The course benchmark: ``python -m benchmark`` trains every reference model and reports its figures.

:mod:`benchmark.recipes` defines a recipe and the shared training run; one module per kind of model lists its
recipes (``autoencoders``, ``vae``, ``gan``, ``dcgan``). The answer modules in ``solutions`` never import this
package, so changing a recipe changes no lesson.
"""
