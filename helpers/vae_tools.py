"""Given code for lesson 07's variational autoencoder: what the lesson uses around the exercises.

Nothing here is an exercise's answer, so the lesson's setup cells may import it, and answers may call it.
"""

import numpy as np
from keras import ops


def codings_means(encoder, images, batch_size=1024):
    """The encoder's ``codings_mean`` (its first output) for many images, batch by batch.

    Args:
        encoder: a model that maps (n, 28, 28) images to ``[codings_mean, codings_log_var, codings]``.
        images: (n, 28, 28) float32 array.
        batch_size: images per call, so that 10,000 images do not go through the encoder at once.

    Returns:
        (n, codings_size) float32 numpy array.
    """
    if len(images) == 0:
        raise ValueError("codings_means needs at least one image; it got none")
    means = [ops.convert_to_numpy(encoder(images[start:start + batch_size], training=False)[0])
             for start in range(0, len(images), batch_size)]
    return np.concatenate(means)
