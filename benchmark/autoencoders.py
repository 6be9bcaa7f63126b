"""Benchmark recipes of the autoencoders: linear, stacked, tied, convolutional, denoising and sparse.

Each recipe trains a model of ``solutions`` with :func:`benchmark.recipes.fit_recipe` and reports the figure the
book gives for it, where it gives one.
"""

import keras
import numpy as np

from benchmark.recipes import Recipe, fit_recipe
from solutions import conv, denoising, linear, sparse, stacked, tied

# The book's validation binary cross-entropy of each model after the recipe's epochs.
BOOK_VALUES = {"stacked": 0.2835, "tied": 0.2839, "conv": 0.2671, "denoising_gaussian": 0.2920,
               "denoising_dropout": 0.2958, "sparse_kl": 0.3053}

# The stacked and tied autoencoders' two optimizers: the book's SGD and the course's Nadam (batches of 32 both).
DENSE_OPTIMIZERS = {"book": lambda: keras.optimizers.SGD(learning_rate=1.5),
                    "course": lambda: keras.optimizers.Nadam(learning_rate=1e-3)}


def _compiled(build, loss, optimizer, metrics=()):
    """A ``build()`` for :func:`fit_recipe`: the autoencoder of ``build_...()`` compiled with a fresh optimizer."""
    def build_compiled():
        *_, autoencoder = build()
        autoencoder.compile(loss=loss, optimizer=optimizer(), metrics=list(metrics))
        return autoencoder
    return build_compiled


# ------------------------------------------------------------------------------------------------ 01 linear

def _linear_run(epochs, fast, callbacks, codings_size=30):
    def measure(autoencoder, history, X_train, X_valid):
        train_mse = float(autoencoder.evaluate(X_train, X_train, batch_size=2048, verbose=0))
        bound = linear.pca_reconstruction_mse(X_train, codings_size)  # the lowest MSE of any linear autoencoder
        return {"metrics": {"train_mse": train_mse, f"pca{codings_size}_mse": bound,
                            "train_mse/pca_bound": train_mse / bound}}

    build = _compiled(lambda: linear.build_linear_autoencoder(28 * 28, codings_size), "mse",
                      lambda: keras.optimizers.Adam(learning_rate=1e-3))
    return fit_recipe(build, epochs, fast, callbacks, batch_size=256, fast_batch_size=32, flatten=True,
                      measure=measure)


# ------------------------------------------------------------------------------------------ 02 stacked, 03 tied

def _dense_run(build, recipe):
    def measure(autoencoder, history, X_train, X_valid):
        return {"metrics": {"val_rounded_accuracy": history["val_rounded_accuracy"][-1]}}

    def run(epochs, fast, callbacks):
        build_compiled = _compiled(build, "binary_crossentropy", DENSE_OPTIMIZERS[recipe], [stacked.rounded_accuracy])
        return fit_recipe(build_compiled, epochs, fast, callbacks, measure=measure)
    return run


# ------------------------------------------------------------------------------------------------- 04 conv

def _conv_run(recipe):
    def measure(autoencoder, history, X_train, X_valid):
        return {"metrics": {"params": float(autoencoder.count_params())}}

    def run(epochs, fast, callbacks):
        build = _compiled(conv.build_conv_autoencoder, "binary_crossentropy", lambda: conv.make_optimizer(recipe))
        return fit_recipe(build, epochs, fast, callbacks, fast_valid_size=1_000, measure=measure)
    return run


# -------------------------------------------------------------------------------------------- 05 denoising

def _denoising_run(noise, noise_level):
    def measure(autoencoder, history, X_train, X_valid):
        errors = denoising.denoising_errors(autoencoder, X_valid, [0.2, 0.5])
        return {"metrics": {"val_mse_noise_0.2": float(errors[0]), "val_mse_noise_0.5": float(errors[1])}}

    def run(epochs, fast, callbacks):
        build = _compiled(lambda: denoising.build_denoising_autoencoder(noise, noise_level, seed=42),
                          "binary_crossentropy", keras.optimizers.Nadam)
        return fit_recipe(build, epochs, fast, callbacks, fast_valid_size=1_000, measure=measure)
    return run


# ----------------------------------------------------------------------------------------------- 06 sparse

def _sparse_kl_run(epochs, fast, callbacks, target=0.1):
    def build():
        penalty = sparse.KLDivergenceRegularizer(weight=0.05, target=target)
        _, _, autoencoder = sparse.build_sparse_autoencoder(300, penalty)
        # the cross-entropy without the penalty is the figure the book gives; the loss holds the penalty too
        autoencoder.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Nadam(),
                            metrics=[keras.metrics.BinaryCrossentropy(name="bce")])
        return autoencoder

    def measure(autoencoder, history, X_train, X_valid):
        _, mean_activations = sparse.coding_activations(autoencoder.layers[0], X_valid)  # layers[0]: the encoder
        return {"metrics": {"val_loss_with_penalty": history["val_loss"][-1],
                            "mean_activation": float(mean_activations.mean()),
                            "median_unit_mean_activation": float(np.median(mean_activations)),
                            "units_within_0.05_of_target": float(np.mean(np.abs(mean_activations - target) <= 0.05))}}

    return fit_recipe(build, epochs, fast, callbacks, fast_valid_size=1_000, val_loss="val_bce", measure=measure)


BCE = "validation binary cross-entropy"
BENCHMARKS = [
    # The book has no linear Fashion-MNIST model: the figure to watch is the training MSE over PCA-30's (1 is the
    # optimum).
    Recipe(model="linear", recipe="course", lesson="01_linear_pca", epochs=20, fast_epochs=3, run=_linear_run,
           metric="validation MSE"),
    *[Recipe(model="stacked", recipe=recipe, lesson="02_stacked", epochs=20, fast_epochs=1,
             run=_dense_run(stacked.build_stacked_autoencoder, recipe), metric=BCE, book_value=BOOK_VALUES["stacked"])
      for recipe in ("book", "course")],
    *[Recipe(model="tied", recipe=recipe, lesson="03_tied_greedy", epochs=10, fast_epochs=1,
             run=_dense_run(tied.build_tied_autoencoder, recipe), metric=BCE, book_value=BOOK_VALUES["tied"])
      for recipe in ("book", "course")],
    *[Recipe(model="conv", recipe=recipe, lesson="04_conv_recurrent", epochs=5, fast_epochs=1, run=_conv_run(recipe),
             metric=BCE, book_value=BOOK_VALUES["conv"])
      for recipe in ("book", "course")],
    Recipe(model="denoising_gaussian", recipe="book", lesson="05_denoising", epochs=10, fast_epochs=2,
           run=_denoising_run("gaussian", 0.2), metric=BCE, book_value=BOOK_VALUES["denoising_gaussian"]),
    Recipe(model="denoising_dropout", recipe="book", lesson="05_denoising", epochs=10, fast_epochs=2,
           run=_denoising_run("dropout", 0.5), metric=BCE, book_value=BOOK_VALUES["denoising_dropout"]),
    Recipe(model="sparse_kl", recipe="book", lesson="06_sparse", epochs=10, fast_epochs=2, run=_sparse_kl_run,
           metric=f"{BCE} (without the sparsity penalty)", book_value=BOOK_VALUES["sparse_kl"]),
]
