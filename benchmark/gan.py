"""Benchmark recipe of the dense GAN: the book's generator and discriminator, trained with RMSprop."""

import time

import keras

from benchmark.recipes import Recipe, SEED, fashion_images, history_floats
from helpers.gan_tools import sample_images
from solutions import gan as answers


def train_dense_gan(num_epochs=1, fast=False, batch_size=32, codings_size=30, seed=SEED, callbacks=()):
    """Train the book's dense GAN from scratch: RMSprop for both networks, batches of 32.

    Returns:
        (gan, history): the trained :class:`solutions.gan.GAN` and the Keras ``History``.
    """
    X_train, _ = fashion_images(fast)
    keras.utils.set_random_seed(seed)
    gan = answers.GAN(answers.build_generator(codings_size), answers.build_discriminator(), codings_size, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.RMSprop(), g_optimizer=keras.optimizers.RMSprop(),
                loss_fn=keras.losses.BinaryCrossentropy())
    history = gan.fit(X_train, batch_size=batch_size, epochs=num_epochs, callbacks=list(callbacks), verbose=0)
    return gan, history


def _dense_gan_run(epochs, fast, callbacks):
    start = time.perf_counter()
    gan, history = train_dense_gan(num_epochs=epochs, fast=fast, callbacks=callbacks)
    seconds = time.perf_counter() - start
    history = history_floats(history)
    return {
        # A GAN has no validation loss; the generator's loss stands in its place (quality is the FID of generate()).
        "val_loss": history["g_loss"][-1],
        "history": {"val_loss": history["g_loss"], **history},
        "metrics": {"train_seconds": seconds, "d_loss": history["d_loss"][-1]},
        "generate": lambda n, seed: sample_images(gan.generator, n, gan.codings_size, seed=seed),
    }


BENCHMARKS = [
    Recipe(model="gan", recipe="book", lesson="08_gan", epochs=10, fast_epochs=1, run=_dense_gan_run,
           metric="final generator loss (BCE; not a quality measure: compare the FID of generate())"),
]
