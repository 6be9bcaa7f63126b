"""Helpers for training GANs: sampling, the data pipeline, model surgery and training callbacks.

Nothing here is an exercise's answer, so the lessons' setup cells may import it. :class:`SampleGrid` shows a row of
samples after each epoch; :class:`EvaluationMonitor` scores the generator after each epoch with the course's
evaluation classifier (:mod:`helpers.evaluation`): domain FID and class histogram.

Images: the dense GAN's generator draws [0, 1] pixels; the DCGAN draws [-1, 1] pixels (tanh) and trains on images
rescaled with :func:`to_gan_range`. :func:`sample_images` always returns [0, 1] images, ready to plot and score.
"""

import keras
import numpy as np
import tensorflow as tf


def to_gan_range(images):
    """[0, 1] images (n, 28, 28) or (n, 28, 28, 1) -> (n, 28, 28, 1) float32 in [-1, 1]."""
    images = np.asarray(images, dtype="float32")
    if images.ndim == 3:
        images = images[..., None]
    return images * 2.0 - 1.0


def make_dataset(images, batch_size, seed, labels=None):
    """An endless, shuffled tf.data pipeline of (batch_size, ...) batches.

    It repeats forever, so ``fit(..., steps_per_epoch=images_per_epoch // batch_size)`` decides how many images
    make an epoch; ``labels`` (optional) makes it yield ``(images, labels)`` pairs for a conditional GAN.
    """
    data = images if labels is None else (images, np.asarray(labels, dtype="int32"))
    dataset = tf.data.Dataset.from_tensor_slices(data).shuffle(len(images), seed=seed).repeat()
    return dataset.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def sample_images(generator, n, codings_size, seed=0, labels=None, value_range=(0.0, 1.0), batch_size=1000):
    """``n`` images from a GAN's ``generator`` for seeded standard normal noise, mapped to [0, 1].

    Args:
        generator: maps (batch, codings_size) noise, or [noise, (batch,) int32 labels] for a conditional generator,
            to images.
        n: number of images; codings_size: length of each noise vector; seed: seed of the noise.
        labels: None, or the class ids for a conditional generator: (n,) ids or one int for all.
        value_range: the generator's own output range, e.g. (-1, 1) for a tanh output.

    Returns:
        images: (n, 28, 28) float32 in [0, 1].
    """
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((n, codings_size)).astype("float32")
    if labels is not None:
        labels = np.broadcast_to(np.asarray(labels, dtype="int32"), (n,))
    chunks = []
    for start in range(0, n, batch_size):
        inputs = noise[start:start + batch_size]
        if labels is not None:
            inputs = [inputs, labels[start:start + batch_size]]
        chunks.append(np.asarray(generator(inputs, training=False)))
    low, high = value_range
    images = np.concatenate(chunks).reshape(n, 28, 28)
    return np.clip((images - low) / (high - low), 0.0, 1.0).astype("float32")


def _fresh_copy(layer, **changes):
    """A new layer of ``layer``'s kind and settings, with new weights and ``changes`` made to its config."""
    return type(layer).from_config({**layer.get_config(), **changes})


def _copy_sequential(model, layers, name):
    """A keras.Sequential of ``layers`` (made with :func:`_fresh_copy`) on the input shape of ``model``."""
    return keras.Sequential([keras.Input(shape=model.input_shape[1:]), *layers], name=name)


def _require_sequential(model):
    if not isinstance(model, keras.Sequential):
        raise ValueError(f"expected a keras.Sequential model, got {type(model).__name__}")


def with_layer_before(model, layer, kind):
    """A fresh copy of a Sequential ``model`` with ``layer`` inserted just before its first layer of class ``kind``.

    The copy's layers are rebuilt from their configs, so its weights are new (untrained) and ``model`` is unchanged.

    Raises:
        ValueError: ``model`` is not a Sequential model with a layer of class ``kind``.
    """
    _require_sequential(model)
    copies = [_fresh_copy(old) for old in model.layers]
    position = next((i for i, old in enumerate(model.layers) if isinstance(old, kind)), None)
    if position is None:
        raise ValueError(f"model {model.name!r} has no {kind.__name__} layer to insert {layer.name!r} before")
    copies.insert(position, layer)
    return _copy_sequential(model, copies, f"{model.name}_{layer.name}")


def with_layer_before_flatten(model, layer):
    """A fresh copy of a Sequential ``model`` with ``layer`` inserted just before its ``Flatten``.

    See :func:`with_layer_before`. In a DCGAN discriminator that is after its last convolution, where a
    ``MinibatchStdDev`` layer goes.
    """
    return with_layer_before(model, layer, keras.layers.Flatten)


def _measured_epoch(callback, epoch):
    """Whether a callback with an ``every`` attribute acts after ``epoch`` (0-based): every ``every`` epochs and
    after the last one."""
    last = callback.params.get("epochs") if callback.params else None
    return (epoch + 1) % callback.every == 0 or epoch + 1 == last


class SampleGrid(keras.callbacks.Callback):
    """Show a row of generated images at the end of every epoch, from fixed noise.

    The same noise every epoch, so the row shows how each sample evolves. Works with any model that has
    ``generator`` and ``codings_size`` attributes (:class:`GAN` and its subclasses).

    Args:
        num_images: images per row.
        every: show the row every ``every`` epochs (and after the last one).
        value_range: the generator's output range, mapped to white..black.
        seed: seed of the fixed noise.
        labels: optional (num_images,) class ids, for a conditional generator taking [noise, labels].
    """

    def __init__(self, num_images=10, every=1, value_range=(0.0, 1.0), seed=0, labels=None):
        super().__init__()
        if num_images < 1 or every < 1:
            raise ValueError("num_images and every must be at least 1")
        self.num_images, self.every, self.value_range = num_images, every, value_range
        self.seed, self.labels = seed, labels

    def on_epoch_end(self, epoch, logs=None):
        if not _measured_epoch(self, epoch):
            return
        import matplotlib.pyplot as plt

        images = sample_images(self.model.generator, self.num_images, self.model.codings_size, seed=self.seed,
                               labels=self.labels, value_range=self.value_range)
        fig, axes = plt.subplots(1, self.num_images, figsize=(self.num_images * 0.7, 0.9))
        for ax, image in zip(np.atleast_1d(axes), images):
            ax.imshow(image, cmap="binary", vmin=0.0, vmax=1.0)
            ax.axis("off")
        loss_text = ", ".join(f"{key} {value:.3f}" for key, value in (logs or {}).items())
        fig.suptitle(f"epoch {epoch + 1}: {loss_text}", fontsize=8, y=1.02)
        plt.show()


class EvaluationMonitor(keras.callbacks.Callback):
    """Measure the generator after every epoch: domain FID and class histogram.

    At the end of each epoch it generates ``num_images`` images from fixed noise (the same every epoch), and scores
    them with the course's evaluation classifier (:mod:`helpers.evaluation`) against the first ``num_images``
    test images: the domain FID, and the fraction of images the classifier puts in each class. A generator that
    collapses onto a few kinds of garment shows it as a histogram piling up in a few classes, a class coverage
    below 10 and a FID that rises. The FID and coverage are also added to the epoch's logs (so they appear in the
    progress bar and in the History). For a conditional generator, give ``labels`` and the monitor also records
    how often the classifier agrees with the requested class.

    The generator measured is the model's ``sampling_generator`` when it has one (e.g. an average of the
    generator's weights), else its ``generator``.

    Args:
        num_images: images generated and scored per epoch (FID depends on it: compare FIDs at the same N).
        seed: seed of the fixed noise.
        labels: None, or (num_images,) class ids for a conditional generator taking [noise, labels].
        classifier: the evaluation classifier (default ``evaluation.load_classifier()``).
        every: measure every ``every`` epochs (and after the last one).
        value_range: the generator's output range ((-1, 1) for the DCGAN's tanh).

    Attributes:
        records: one dict per measured epoch: epoch, fid, histogram ((10,) fractions), coverage, kl_uniform and,
            with labels, agreement.
    """

    def __init__(self, num_images=2_000, seed=0, labels=None, classifier=None, every=1, value_range=(-1.0, 1.0)):
        super().__init__()
        if num_images < 10 or every < 1:
            raise ValueError("num_images must be at least 10 and every at least 1")
        if labels is not None and len(labels) != num_images:
            raise ValueError(f"labels must hold num_images={num_images} class ids, got {len(labels)}")
        self.num_images, self.seed, self.every, self.value_range = num_images, seed, every, value_range
        self.labels = None if labels is None else np.asarray(labels, dtype="int32")
        self.classifier = classifier
        self.records = []

    def measure(self, generator, codings_size):
        """Score ``num_images`` images of ``generator`` now; returns the record (without the epoch)."""
        from helpers import evaluation

        if self.classifier is None:
            self.classifier = evaluation.load_classifier()
        images = sample_images(generator, self.num_images, codings_size, seed=self.seed, labels=self.labels,
                               value_range=self.value_range)
        probabilities = evaluation.class_probabilities(images, self.classifier)
        histogram = np.bincount(probabilities.argmax(axis=1), minlength=10) / len(images)
        reference, _, _ = evaluation.reference_statistics("test", self.num_images, self.classifier)
        fid = evaluation.frechet_distance(evaluation.features(images, self.classifier), reference)
        record = {"fid": fid, "histogram": histogram, "coverage": evaluation.class_coverage(histogram),
                  "kl_uniform": evaluation.kl_from_uniform(histogram)}
        if self.labels is not None:
            record["agreement"] = float(np.mean(probabilities.argmax(axis=1) == self.labels))
        return record

    def on_epoch_end(self, epoch, logs=None):
        if not _measured_epoch(self, epoch):
            return
        generator = getattr(self.model, "sampling_generator", self.model.generator)
        record = {"epoch": epoch + 1, **self.measure(generator, self.model.codings_size)}
        self.records.append(record)
        if logs is not None:
            logs["fid"] = record["fid"]
            logs["coverage"] = float(record["coverage"])
            if "agreement" in record:
                logs["agreement"] = record["agreement"]
