"""Benchmark recipe of the variational autoencoder: the book's VAE, scored by the evaluation classifier."""

import keras

from benchmark.recipes import Recipe, fit_recipe
from solutions import vae


def _vae_run(epochs, fast, callbacks, codings_size=10, seed=42):
    """The book's VAE: codings 10, Nadam, batches of 128."""
    def build():
        model = vae.VariationalAutoencoder(codings_size=codings_size, seed=seed)
        model.compile(optimizer=keras.optimizers.Nadam())
        return model

    def measure(model, history, X_train, X_valid):
        logs = model.evaluate(X_valid, batch_size=1024, return_dict=True, verbose=0)
        return {
            "val_loss": float(logs["loss"]),
            "metrics": {"val_reconstruction_loss": float(logs["reconstruction_loss"]),
                        "val_kl_loss": float(logs["kl_loss"]), "val_negative_elbo_nats": vae.negative_elbo(logs)},
            "generate": lambda n, seed: vae.generate_images(model.decoder, n, seed).astype("float32"),
        }

    return fit_recipe(build, epochs, fast, callbacks, batch_size=128, targets=False, measure=measure, seed=seed)


BENCHMARKS = [
    Recipe(model="vae", recipe="book", lesson="07_vae", epochs=25, fast_epochs=2, run=_vae_run,
           metric="validation loss: binary cross-entropy averaged over pixels + KL / 784", book_value=0.3133),
]
