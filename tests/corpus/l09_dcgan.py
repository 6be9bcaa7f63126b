"""Learner-style answers to lesson 09 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import keras
import tensorflow as tf
from keras import layers, ops
"""


def _dcgan(generator_activation='"selu"', last_activation='"tanh"', leaky="layers.LeakyReLU(0.2)", dropout=0.4,
           kernel_size=5, batch_norm="layers.BatchNormalization(),", filters="filters"):
    """The lesson's build_dcgan with one thing changed."""
    drop = f"layers.Dropout({dropout})," if dropout else ""
    return f"""
def build_dcgan(codings_size=100, filters=64):
    generator = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        layers.Dense(7 * 7 * 2 * {filters}),
        layers.Reshape((7, 7, 2 * {filters})),
        {batch_norm}
        layers.Conv2DTranspose({filters}, kernel_size={kernel_size}, strides=2, padding="same",
                               activation={generator_activation}),
        {batch_norm}
        layers.Conv2DTranspose(1, kernel_size={kernel_size}, strides=2, padding="same", activation={last_activation}),
    ])
    discriminator = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D({filters}, kernel_size={kernel_size}, strides=2, padding="same", activation={leaky}),
        {drop}
        layers.Conv2D(2 * {filters}, kernel_size={kernel_size}, strides=2, padding="same", activation={leaky}),
        {drop}
        layers.Flatten(),
        layers.Dense(1, activation="sigmoid"),
    ])
    return generator, discriminator
"""


def _std(statistic="ops.mean(ops.sqrt(ops.var(inputs, axis=0) + self.epsilon))", parts="[inputs, std_map]",
         config='return {**super().get_config(), "epsilon": self.epsilon}',
         register='@keras.saving.register_keras_serializable(package="course")'):
    """The lesson's MinibatchStdDev with one thing changed."""
    return f"""
{register}
class MinibatchStdDev(layers.Layer):
    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, inputs):
        mean_std = {statistic}
        std_map = ops.ones_like(inputs[..., :1]) * mean_std
        return ops.concatenate({parts}, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)

    def get_config(self):
        {config}
"""


def _conditional(num_classes="num_classes", embedding_dim="embedding_dim", label_code="layers.Embedding",
                 image_and_label="[image, label_map]", last_activation='"tanh"', dropout="layers.Dropout(0.4)(x)"):
    """The lesson's build_conditional_gan with one thing changed."""
    return f"""
def build_conditional_gan(codings_size=100, num_classes=10, filters=64, embedding_dim=50):
    noise = keras.Input(shape=(codings_size,))
    label = keras.Input(shape=(), dtype="int32")
    code = {label_code}({num_classes}, {embedding_dim})(label)
    x = layers.Concatenate()([noise, code])
    x = layers.Dense(7 * 7 * 2 * filters)(x)
    x = layers.Reshape((7, 7, 2 * filters))(x)
    x = layers.BatchNormalization()(x)
    x = layers.Conv2DTranspose(filters, 5, strides=2, padding="same", activation="selu")(x)
    x = layers.BatchNormalization()(x)
    fake = layers.Conv2DTranspose(1, 5, strides=2, padding="same", activation={last_activation})(x)
    generator = keras.Model([noise, label], fake)

    image = keras.Input(shape=(28, 28, 1))
    image_label = keras.Input(shape=(), dtype="int32")
    label_map = layers.Reshape((28, 28, 1))(layers.Embedding({num_classes}, 28 * 28)(image_label))
    x = layers.Concatenate()({image_and_label})
    x = layers.Conv2D(filters, 5, strides=2, padding="same", activation=layers.LeakyReLU(0.2))(x)
    x = {dropout}
    x = layers.Conv2D(2 * filters, 5, strides=2, padding="same", activation=layers.LeakyReLU(0.2))(x)
    x = {dropout}
    out = layers.Dense(1, activation="sigmoid")(layers.Flatten()(x))
    return generator, keras.Model([image, image_label], out)
"""


CASES = [
    # ---------------------------------------------------------------------------------------------- the DCGAN
    Case("dcgan", "right", "the book's code: Sequential without keras.Input", """
def build_dcgan(codings_size=100, filters=64):
    generator = tf.keras.Sequential([
        tf.keras.layers.Dense(7 * 7 * 2 * filters),
        tf.keras.layers.Reshape([7, 7, 2 * filters]),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Conv2DTranspose(filters, kernel_size=5, strides=2, padding="same", activation="selu"),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Conv2DTranspose(1, kernel_size=5, strides=2, padding="same", activation="tanh"),
    ])
    discriminator = tf.keras.Sequential([
        tf.keras.layers.Conv2D(filters, kernel_size=5, strides=2, padding="same",
                               activation=tf.keras.layers.LeakyReLU(0.2)),
        tf.keras.layers.Dropout(0.4),
        tf.keras.layers.Conv2D(2 * filters, kernel_size=5, strides=2, padding="same",
                               activation=tf.keras.layers.LeakyReLU(0.2)),
        tf.keras.layers.Dropout(0.4),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    return generator, discriminator
"""),
    Case("dcgan", "right", "activation='leaky_relu' strings", _dcgan(leaky='"leaky_relu"')),
    Case("dcgan", "right", "functional, activations as separate layers", """
def build_dcgan(codings_size=100, filters=64):
    z = keras.Input(shape=(codings_size,))
    x = layers.Dense(7 * 7 * 2 * filters)(z)
    x = layers.Reshape((7, 7, 2 * filters))(x)
    x = layers.BatchNormalization()(x)
    x = layers.Conv2DTranspose(filters, 5, strides=(2, 2), padding="same")(x)
    x = layers.Activation("selu")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Conv2DTranspose(1, (5, 5), strides=2, padding="same")(x)
    generator = keras.Model(z, layers.Activation(keras.activations.tanh)(x))
    img = keras.Input(shape=(28, 28, 1))
    y = img
    for n in (filters, filters * 2):
        y = layers.Conv2D(n, 5, strides=2, padding="same")(y)
        y = layers.LeakyReLU(negative_slope=0.2)(y)
        y = layers.Dropout(rate=0.4)(y)
    discriminator = keras.Model(img, layers.Dense(1, activation="sigmoid")(layers.Flatten()(y)))
    return generator, discriminator
"""),
    Case("dcgan", "wrong", "LeakyReLU() with its default slope", _dcgan(leaky="layers.LeakyReLU()"),
         hint="slope of 0.3 by default"),
    Case("dcgan", "wrong", "sigmoid images, as in lesson 08", _dcgan(last_activation='"sigmoid"'),
         hint="a sigmoid only reaches [0, 1]"),
    Case("dcgan", "wrong", "relu in the generator", _dcgan(generator_activation='"relu"'),
         hint="SELU after the first transposed convolution"),
    Case("dcgan", "wrong", "use_bias=False, a DCGAN-tutorial habit", _dcgan().replace(
        'layers.Dense(7 * 7 * 2 * filters)', 'layers.Dense(7 * 7 * 2 * filters, use_bias=False)'),
        hint="keep the biases"),
    Case("dcgan", "wrong", "the SELU the lesson's tip adds after the first BatchNormalization", _dcgan().replace(
        'layers.BatchNormalization(),\n        layers.Conv2DTranspose(filters,',
        'layers.BatchNormalization(),\n        layers.Activation("selu"),\n        layers.Conv2DTranspose(filters,', 1),
        hint="no activation after a BatchNormalization"),
    Case("dcgan", "wrong", "no dropout in the discriminator", _dcgan(dropout=0), hint="Dropout(0.4)"),
    Case("dcgan", "wrong", "Dropout(0.5)", _dcgan(dropout=0.5), hint="Dropout(0.4)"),
    Case("dcgan", "wrong", "the book's 64 filters, ignoring the argument", _dcgan(filters="64"),
         hint="`filters` filters"),
    Case("dcgan", "wrong", "no batch normalization", _dcgan(batch_norm=""), hint="normalise after the Dense/Reshape"),
    Case("dcgan", "wrong", "kernel_size=4", _dcgan(kernel_size=4), hint="book's settings"),
    Case("dcgan", "wrong", "noise size fixed to 100", _dcgan().replace("keras.Input(shape=(codings_size,))",
                                                                       "keras.Input(shape=(100,))"),
         hint="no fixed numbers"),
    # --------------------------------------------------------------------------------- minibatch std layer
    Case("minibatch_std", "right", "keras.ops as the lesson says", _std()),
    Case("minibatch_std", "right", "TensorFlow ops and tf.tile", """
@keras.saving.register_keras_serializable(package="course")
class MinibatchStdDev(keras.layers.Layer):
    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, inputs):
        std = tf.sqrt(tf.math.reduce_variance(inputs, axis=0) + self.epsilon)
        value = tf.reduce_mean(std)
        shape = tf.shape(inputs)
        std_map = tf.fill([shape[0], shape[1], shape[2], 1], value)
        return tf.concat([inputs, std_map], axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] + 1,)

    def get_config(self):
        config = super().get_config()
        config.update({"epsilon": self.epsilon})
        return config
"""),
    Case("minibatch_std", "right", "variance by hand", _std(
        statistic="ops.mean(ops.sqrt(ops.mean(ops.square(inputs - ops.mean(inputs, axis=0, keepdims=True)), "
                  "axis=0) + self.epsilon))")),
    Case("minibatch_std", "wrong", "standard deviation over the channels", _std(
        statistic="ops.mean(ops.sqrt(ops.var(inputs, axis=-1) + self.epsilon))"), hint="ops.var(inputs, axis=0)"),
    Case("minibatch_std", "wrong", "ops.std without epsilon", _std(statistic="ops.mean(ops.std(inputs, axis=0))"),
         hint="ops.sqrt(variance + self.epsilon)"),
    Case("minibatch_std", "wrong", "the statistic of the first batch kept on the layer", _std().replace(
        "        mean_std = ops.mean(ops.sqrt(ops.var(inputs, axis=0) + self.epsilon))\n",
        "        if not hasattr(self, \"mean_std\"):\n"
        "            self.mean_std = ops.mean(ops.sqrt(ops.var(inputs, axis=0) + self.epsilon))\n"
        "        mean_std = self.mean_std\n"), hint="from each call's inputs"),
    Case("minibatch_std", "wrong", "no get_config", _std(config="return super().get_config()"),
         hint="get_config must return"),
    Case("minibatch_std", "wrong", "not registered", _std(register=""), hint="register_keras_serializable"),
    Case("minibatch_std", "wrong", "the map first", _std(parts="[std_map, inputs]"), hint="inputs first"),
    Case("minibatch_std", "wrong", "epsilon fixed to 1e-8", _std(
        statistic="ops.mean(ops.sqrt(ops.var(inputs, axis=0) + 1e-8))"), hint="use the epsilon given to __init__"),
    # ------------------------------------------------------------------------------------- conditional GAN
    Case("conditional_gan", "right", "the lesson's layers", _conditional()),
    Case("conditional_gan", "right", "the label code concatenated first", _conditional().replace(
        "[noise, code]", "[code, noise]").replace("[image, label_map]", "[label_map, image]")),
    Case("conditional_gan", "right", "labels of shape (1,), a shared DCGAN body", """
def build_conditional_gan(codings_size=100, num_classes=10, filters=64, embedding_dim=50):
    body = keras.Sequential([
        layers.Dense(7 * 7 * 2 * filters), layers.Reshape((7, 7, 2 * filters)), layers.BatchNormalization(),
        layers.Conv2DTranspose(filters, 5, strides=2, padding="same", activation="selu"),
        layers.BatchNormalization(), layers.Conv2DTranspose(1, 5, strides=2, padding="same", activation="tanh")])
    noise, label = keras.Input((codings_size,)), keras.Input((1,), dtype="int32")
    code = layers.Flatten()(layers.Embedding(num_classes, embedding_dim)(label))
    generator = keras.Model([noise, label], body(layers.Concatenate()([noise, code])))
    head = keras.Sequential([
        layers.Conv2D(filters, 5, strides=2, padding="same", activation="leaky_relu"), layers.Dropout(0.4),
        layers.Conv2D(2 * filters, 5, strides=2, padding="same", activation="leaky_relu"), layers.Dropout(0.4),
        layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    image, image_label = keras.Input((28, 28, 1)), keras.Input((1,), dtype="int32")
    label_map = layers.Reshape((28, 28, 1))(layers.Embedding(num_classes, 784)(image_label))
    return generator, keras.Model([image, image_label], head(layers.Concatenate(axis=-1)([image, label_map])))
"""),
    Case("conditional_gan", "wrong", "ten classes fixed", _conditional(num_classes="10"), hint="no fixed numbers"),
    Case("conditional_gan", "wrong", "the book's 50 embedding dimensions fixed", _conditional(embedding_dim="50"),
         hint="no fixed numbers"),
    Case("conditional_gan", "wrong", "the discriminator ignores the label", _conditional(
        image_and_label="[image, image]"), hint="the discriminator must see the label"),
    Case("conditional_gan", "wrong", "sigmoid images", _conditional(last_activation='"sigmoid"'),
         hint="tanh activation"),
    Case("conditional_gan", "wrong", "no dropout in the discriminator", _conditional(dropout="x"),
         hint="Dropout(0.4)"),
    Case("conditional_gan", "wrong", "one-hot labels instead of an embedding", _conditional().replace(
        "code = layers.Embedding(num_classes, embedding_dim)(label)",
        "code = layers.CategoryEncoding(num_classes, output_mode='one_hot')(label)"), hint="layers.Embedding"),

    # found by a red-team batch (2026-12-07)
    Case("dcgan", "wrong", "the second dropout on the probability", _dcgan().replace(
        """        layers.Flatten(),
        layers.Dense(1, activation="sigmoid"),
    ])""", """        layers.Flatten(),
        layers.Dense(1, activation="sigmoid"),
        layers.Dropout(0.4),
    ])""").replace("""activation=layers.LeakyReLU(0.2)),
        layers.Dropout(0.4),
        layers.Flatten(),""", """activation=layers.LeakyReLU(0.2)),
        layers.Flatten(),"""), hint="not on the probability"),
    Case("dcgan", "wrong", "both dropouts on the input images", _dcgan(dropout=None).replace(
        "        keras.Input(shape=(28, 28, 1)),\n",
        "        keras.Input(shape=(28, 28, 1)),\n        layers.Dropout(0.4),\n        layers.Dropout(0.4),\n"),
        hint="not on the input images"),
    Case("dcgan", "wrong", "each dropout before its convolution", _dcgan(dropout=None).replace(
        "        keras.Input(shape=(28, 28, 1)),\n", "        keras.Input(shape=(28, 28, 1)),\n        layers.Dropout(0.4),\n"
    ).replace("        layers.Conv2D(2 * filters", "        layers.Dropout(0.4),\n        layers.Conv2D(2 * filters"),
        hint="right after a convolution"),
    Case("dcgan", "right", "the second dropout after Flatten (the same values dropped)", _dcgan().replace(
        """        layers.Dropout(0.4),
        layers.Flatten(),""", """        layers.Flatten(),
        layers.Dropout(0.4),""")),
    Case("dcgan", "right", "one Dropout layer used twice (functional)", """
def build_dcgan(codings_size=100, filters=64):
    generator = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        layers.Dense(7 * 7 * 2 * filters),
        layers.Reshape((7, 7, 2 * filters)),
        layers.BatchNormalization(),
        layers.Conv2DTranspose(filters, kernel_size=5, strides=2, padding="same", activation="selu"),
        layers.BatchNormalization(),
        layers.Conv2DTranspose(1, kernel_size=5, strides=2, padding="same", activation="tanh"),
    ])
    drop = layers.Dropout(0.4)
    images = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(filters, 5, strides=2, padding="same", activation=layers.LeakyReLU(0.2))(images)
    x = drop(x)
    x = layers.Conv2D(2 * filters, 5, strides=2, padding="same", activation=layers.LeakyReLU(0.2))(x)
    x = drop(x)
    score = layers.Dense(1, activation="sigmoid")(layers.Flatten()(x))
    return generator, keras.Model(images, score)
"""),
    Case("minibatch_std", "wrong", "the statistic computed with NumPy (crashes inside fit)", _std(
        statistic="np.mean(np.sqrt(np.var(np.asarray(inputs), axis=0) + self.epsilon))"),
        hint="not NumPy"),
    Case("minibatch_std", "wrong", "stop_gradient on the inputs of the statistic", _std(
        statistic="ops.mean(ops.sqrt(ops.var(ops.stop_gradient(inputs), axis=0) + self.epsilon))"),
        hint="no stop_gradient"),
    Case("conditional_gan", "wrong", "both discriminator dropouts on the input", _conditional(
        dropout="x").replace("    x = layers.Concatenate()([image, label_map])\n",
                             "    x = layers.Concatenate()([image, label_map])\n    x = layers.Dropout(0.4)(x)\n"
                             "    x = layers.Dropout(0.4)(x)\n"), hint="not on the input images"),
    Case("conditional_gan", "wrong", "the generator declared as keras.Model([label, noise], ...)", _conditional().replace(
        "generator = keras.Model([noise, label], fake)", "generator = keras.Model([label, noise], fake)"),
        hint="declare them in the lesson's order"),
]

# A red-team batch (2026-12-07): dropout that drops whole feature maps, noise layers, batch normalization in
# the wrong places or with another momentum, the label combined other ways, and correct variants.
_GEN_SEQ = """
    generator = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        layers.Dense(7 * 7 * 2 * filters),
        layers.Reshape((7, 7, 2 * filters)),
        layers.BatchNormalization(),
        layers.Conv2DTranspose(filters, kernel_size=5, strides=2, padding="same", activation="selu"),
        layers.BatchNormalization(),
        layers.Conv2DTranspose(1, kernel_size=5, strides=2, padding="same", activation="tanh"),
    ])
"""

_DISC_SEQ = """
    discriminator = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(filters, kernel_size=5, strides=2, padding="same", activation=layers.LeakyReLU(0.2)),
        layers.Dropout(0.4),
        layers.Conv2D(2 * filters, kernel_size=5, strides=2, padding="same", activation=layers.LeakyReLU(0.2)),
        layers.Dropout(0.4),
        layers.Flatten(),
        layers.Dense(1, activation="sigmoid"),
    ])
"""

CASES += [
    # ------------------------------------------------------------------------------------------------ DCGAN
    Case("dcgan", "wrong", "SpatialDropout2D(0.4) instead of Dropout(0.4)", _dcgan(dropout=None).replace(
        'activation=layers.LeakyReLU(0.2)),\n', 'activation=layers.LeakyReLU(0.2)),\n        layers.SpatialDropout2D(0.4),\n'),
        hint="drops whole feature maps"),
    Case("dcgan", "wrong", "Dropout(0.4, noise_shape=...) dropping whole feature maps", _dcgan(dropout=None).replace(
        'activation=layers.LeakyReLU(0.2)),\n',
        'activation=layers.LeakyReLU(0.2)),\n        layers.Dropout(0.4, noise_shape=(None, 1, 1, None)),\n'),
        hint="drops whole feature maps"),
    Case("dcgan", "right", "Conv2D -> Dropout -> LeakyReLU (dropout and leaky ReLU commute)", """
def build_dcgan(codings_size=100, filters=64):
""" + _GEN_SEQ + """
    discriminator = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(filters, kernel_size=5, strides=2, padding="same"),
        layers.Dropout(0.4),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(2 * filters, kernel_size=5, strides=2, padding="same"),
        layers.Dropout(0.4),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Flatten(),
        layers.Dense(1),
        layers.Activation("sigmoid"),
    ])
    return generator, discriminator
"""),
    Case("dcgan", "right", "activation=tf.nn.leaky_relu (alpha 0.2 by default)", _dcgan(leaky="tf.nn.leaky_relu")),
    Case("dcgan", "right", "activation=lambda x: ops.leaky_relu(x, negative_slope=0.2)",
         _dcgan(leaky="lambda x: ops.leaky_relu(x, negative_slope=0.2)")),
    Case("dcgan", "wrong", "an activation on the generator's Dense layer", _dcgan().replace(
        'layers.Dense(7 * 7 * 2 * filters)', 'layers.Dense(7 * 7 * 2 * filters, activation="relu")'),
        hint="Dense(7 * 7 * 2 * filters)"),
    Case("dcgan", "wrong", "BatchNormalization(momentum=0.8), a GAN-tutorial habit", _dcgan(
        batch_norm="layers.BatchNormalization(momentum=0.8),"), hint="default momentum"),
    Case("dcgan", "wrong", "Conv-BN-activation order: SELU after the second BatchNormalization", _dcgan(
        generator_activation="None").replace(
        'activation=None),\n        layers.BatchNormalization(),\n',
        'activation=None),\n        layers.BatchNormalization(),\n        layers.Activation("selu"),\n'),
        hint="SELU belongs to the first Conv2DTranspose"),
    Case("dcgan", "wrong", "second BatchNormalization on the output layer (before the tanh)", """
def build_dcgan(codings_size=100, filters=64):
    generator = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        layers.Dense(7 * 7 * 2 * filters),
        layers.Reshape((7, 7, 2 * filters)),
        layers.BatchNormalization(),
        layers.Conv2DTranspose(filters, kernel_size=5, strides=2, padding="same", activation="selu"),
        layers.Conv2DTranspose(1, kernel_size=5, strides=2, padding="same"),
        layers.BatchNormalization(),
        layers.Activation("tanh"),
    ])
""" + _DISC_SEQ + """
    return generator, discriminator
""", hint="no BatchNormalization on the output layer"),
    Case("dcgan", "wrong", "the discriminator's Dense(1) without a sigmoid (logits)", _dcgan().replace(
        'layers.Dense(1, activation="sigmoid")', 'layers.Dense(1)'), hint="sigmoid"),
    Case("dcgan", "wrong", "BatchNormalization in the discriminator too", _dcgan().replace(
        'activation=layers.LeakyReLU(0.2)),\n        layers.Dropout(0.4),\n        layers.Conv2D(2 * filters',
        'activation=layers.LeakyReLU(0.2)),\n        layers.Dropout(0.4),\n        layers.Conv2D(2 * filters').replace(
        'layers.Conv2D(2 * filters, kernel_size=5, strides=2, padding="same", activation=layers.LeakyReLU(0.2)),',
        'layers.Conv2D(2 * filters, kernel_size=5, strides=2, padding="same"),\n        layers.BatchNormalization(),'
        '\n        layers.LeakyReLU(0.2),'), hint="discriminator has no BatchNormalization"),
    Case("dcgan", "wrong", "leaky slope 0.02 (typo)", _dcgan(leaky="layers.LeakyReLU(0.02)"), hint="LeakyReLU(0.2)"),
    Case("dcgan", "wrong", "GaussianNoise on the discriminator's input (an instance-noise trick)", _dcgan().replace(
        "        keras.Input(shape=(28, 28, 1)),\n", "        keras.Input(shape=(28, 28, 1)),\n        layers.GaussianNoise(0.1),\n"),
        hint="adds no noise"),
    Case("dcgan", "right", "generator tanh via 2 * sigmoid(2x) - 1", _dcgan(
        last_activation="lambda x: 2 * ops.sigmoid(2 * x) - 1")),

    # --------------------------------------------------------------------------------------- minibatch std
    Case("minibatch_std", "wrong", "sqrt of the mean variance (mean taken before the square root)", _std(
        statistic="ops.sqrt(ops.mean(ops.var(inputs, axis=0)) + self.epsilon)"), hint="then the mean of those"),
    Case("minibatch_std", "wrong", "unbiased variance (n - 1)", _std(
        statistic="ops.mean(ops.sqrt(ops.sum(ops.square(inputs - ops.mean(inputs, axis=0)), axis=0) / "
                  "(ops.cast(ops.shape(inputs)[0], inputs.dtype) - 1) + self.epsilon))"), hint="ops.var(inputs, axis=0)"),
    Case("minibatch_std", "wrong", "variance over batch and positions (per channel)", _std(
        statistic="ops.mean(ops.sqrt(ops.var(inputs, axis=(0, 1, 2)) + self.epsilon))"),
        hint="ops.var(inputs, axis=0)"),
    Case("minibatch_std", "wrong", "get_config without the parent's config", _std(
        config='return {"epsilon": self.epsilon}'), hint="super().get_config()"),
    Case("minibatch_std", "wrong", "epsilon added after the square root", _std(
        statistic="ops.mean(ops.sqrt(ops.var(inputs, axis=0)) + self.epsilon)"), hint="ops.sqrt(variance + self.epsilon)"),
    Case("minibatch_std", "right", "E[x^2] - E[x]^2, broadcast_to", """
@keras.saving.register_keras_serializable(package="course")
class MinibatchStdDev(keras.layers.Layer):
    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, inputs):
        mean = ops.mean(inputs, axis=0)
        variance = ops.mean(inputs * inputs, axis=0) - mean * mean
        stat = ops.mean(ops.sqrt(ops.maximum(variance, 0.0) + self.epsilon))
        shape = ops.shape(inputs)
        std_map = ops.broadcast_to(ops.reshape(stat, (1, 1, 1, 1)), (shape[0], shape[1], shape[2], 1))
        return ops.concatenate([inputs, ops.cast(std_map, inputs.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        return (batch, height, width, None if channels is None else channels + 1)

    def get_config(self):
        config = super().get_config()
        config["epsilon"] = self.epsilon
        return config
"""),
    Case("minibatch_std", "right", "tf.tile and tf.math.reduce_std of the centred inputs with eps", """
@keras.saving.register_keras_serializable(package="course")
class MinibatchStdDev(layers.Layer):
    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, inputs):
        centred = inputs - tf.reduce_mean(inputs, axis=0, keepdims=True)
        std = tf.sqrt(tf.reduce_mean(tf.square(centred), axis=0) + self.epsilon)
        avg = tf.reshape(tf.reduce_mean(std), [1, 1, 1, 1])
        std_map = tf.tile(avg, [tf.shape(inputs)[0], tf.shape(inputs)[1], tf.shape(inputs)[2], 1])
        return tf.concat([inputs, std_map], -1)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[-1] = shape[-1] + 1
        return tuple(shape)

    def get_config(self):
        base = super().get_config()
        return dict(list(base.items()) + [("epsilon", self.epsilon)])
"""),
    Case("minibatch_std", "wrong", "the statistic only while training (zeros otherwise)", _std().replace(
        "    def call(self, inputs):\n        mean_std = ops.mean(ops.sqrt(ops.var(inputs, axis=0) + self.epsilon))\n",
        "    def call(self, inputs, training=None):\n"
        "        mean_std = ops.mean(ops.sqrt(ops.var(inputs, axis=0) + self.epsilon)) if training else 0.0\n"),
        hint="the batch's mean standard deviation"),

    # ------------------------------------------------------------------------------------- conditional GAN
    Case("conditional_gan", "right", "one-hot labels through Dense(use_bias=False) (an embedding by matmul)",
         _conditional().replace(
             "code = layers.Embedding(num_classes, embedding_dim)(label)",
             "code = layers.Dense(embedding_dim, use_bias=False)(ops.one_hot(label, num_classes))").replace(
             "layers.Embedding(num_classes, 28 * 28)(image_label)",
             "layers.Dense(28 * 28, use_bias=False)(ops.one_hot(image_label, num_classes))")),
    Case("conditional_gan", "wrong", "label embedding multiplied with the noise (the Keras-tutorial cGAN)",
         _conditional().replace(
             "code = layers.Embedding(num_classes, embedding_dim)(label)\n    x = layers.Concatenate()([noise, code])",
             "code = layers.Embedding(num_classes, codings_size)(label)\n    x = layers.Multiply()([noise, code])"),
         hint="multiplying or adding"),
    Case("conditional_gan", "wrong", "label map added to the image instead of stacked as a channel",
         _conditional().replace("x = layers.Concatenate()([image, label_map])", "x = layers.Add()([image, label_map])"),
         hint="multiplying or adding"),
    Case("conditional_gan", "wrong", "discriminator label: Embedding(num_classes, embedding_dim) then Dense(784)",
         _conditional().replace(
             "layers.Embedding(num_classes, 28 * 28)(image_label)",
             "layers.Dense(28 * 28)(layers.Embedding(num_classes, embedding_dim)(image_label))"),
         hint="Embedding(num_classes, 28 * 28)"),
    Case("conditional_gan", "wrong", "Embedding(num_classes + 1, ...) in the generator", _conditional(
        num_classes="num_classes + 1").replace("layers.Embedding(num_classes + 1, 28 * 28)",
                                               "layers.Embedding(num_classes, 28 * 28)"), hint="no fixed numbers"),
    Case("conditional_gan", "wrong", "the label map concatenated after the first convolution", """
def build_conditional_gan(codings_size=100, num_classes=10, filters=64, embedding_dim=50):
    noise = keras.Input(shape=(codings_size,))
    label = keras.Input(shape=(), dtype="int32")
    x = layers.Concatenate()([noise, layers.Embedding(num_classes, embedding_dim)(label)])
    x = layers.Dense(7 * 7 * 2 * filters)(x)
    x = layers.Reshape((7, 7, 2 * filters))(x)
    x = layers.BatchNormalization()(x)
    x = layers.Conv2DTranspose(filters, 5, strides=2, padding="same", activation="selu")(x)
    x = layers.BatchNormalization()(x)
    fake = layers.Conv2DTranspose(1, 5, strides=2, padding="same", activation="tanh")(x)
    generator = keras.Model([noise, label], fake)

    image = keras.Input(shape=(28, 28, 1))
    image_label = keras.Input(shape=(), dtype="int32")
    x = layers.Conv2D(filters, 5, strides=2, padding="same", activation=layers.LeakyReLU(0.2))(image)
    x = layers.Dropout(0.4)(x)
    label_map = layers.Reshape((14, 14, 4))(layers.Embedding(num_classes, 28 * 28)(image_label))
    x = layers.Concatenate()([x, label_map])
    x = layers.Conv2D(2 * filters, 5, strides=2, padding="same", activation=layers.LeakyReLU(0.2))(x)
    x = layers.Dropout(0.4)(x)
    out = layers.Dense(1, activation="sigmoid")(layers.Flatten()(x))
    return generator, keras.Model([image, image_label], out)
""", hint="before the first convolution"),
    Case("conditional_gan", "right", "label map via Reshape((28, 28)) then expand_dims", _conditional().replace(
        "label_map = layers.Reshape((28, 28, 1))(layers.Embedding(num_classes, 28 * 28)(image_label))",
        "label_map = ops.expand_dims(layers.Reshape((28, 28))(layers.Embedding(num_classes, 28 * 28)(image_label)), -1)")),
    # ------------------------------------------------------------------------------------------ second batch
    Case("dcgan", "right", "layers.ReLU(negative_slope=0.2) as the leaky ReLU", _dcgan(
        leaky="layers.ReLU(negative_slope=0.2)")),
    Case("dcgan", "wrong", "tanh images rescaled to [0, 1] (lesson 08's range)", _dcgan().replace(
        'padding="same", activation="tanh"),\n',
        'padding="same", activation="tanh"),\n        layers.Rescaling(0.5, offset=0.5),\n'),
        hint="no Rescaling after the tanh"),
    Case("dcgan", "wrong", "GlobalAveragePooling2D instead of Flatten", _dcgan().replace(
        "layers.Flatten(),", "layers.GlobalAveragePooling2D(),"), hint="Flatten"),
    Case("dcgan", "wrong", "padding='valid' in the discriminator", _dcgan().replace(
        'layers.Conv2D({0}, kernel_size=5, strides=2, padding="same"'.format("filters"),
        'layers.Conv2D(filters, kernel_size=5, strides=2, padding="valid"').replace(
        'layers.Conv2D(2 * filters, kernel_size=5, strides=2, padding="same"',
        'layers.Conv2D(2 * filters, kernel_size=5, strides=2, padding="valid"'), hint="padding='same'"),
    Case("minibatch_std", "right", "no compute_output_shape (Keras infers it)", _std().replace(
        "    def compute_output_shape(self, input_shape):\n        return (*input_shape[:-1], input_shape[-1] + 1)\n\n",
        "")),
    Case("minibatch_std", "wrong", "__init__ without **kwargs", _std().replace(
        "def __init__(self, epsilon=1e-8, **kwargs):\n        super().__init__(**kwargs)",
        "def __init__(self, epsilon=1e-8):\n        super().__init__()"), hint="accept **kwargs"),
    Case("minibatch_std", "wrong", "ProGAN's groups of 4 images", _std().replace(
        "        mean_std = ops.mean(ops.sqrt(ops.var(inputs, axis=0) + self.epsilon))\n"
        "        std_map = ops.ones_like(inputs[..., :1]) * mean_std\n",
        "        shape = ops.shape(inputs)\n"
        "        group = ops.minimum(4, shape[0])\n"
        "        y = ops.reshape(inputs, (group, -1, shape[1], shape[2], shape[3]))\n"
        "        y = ops.mean(ops.sqrt(ops.var(y, axis=0) + self.epsilon), axis=(1, 2, 3), keepdims=True)\n"
        "        std_map = ops.tile(y, (group, shape[1], shape[2], 1))\n"), hint="not over groups of a fixed size"),
    Case("conditional_gan", "wrong", "an extra Dense on the generator's label embedding", _conditional().replace(
        "code = layers.Embedding(num_classes, embedding_dim)(label)",
        "code = layers.Dense(embedding_dim, activation=\"relu\")(layers.Embedding(num_classes, embedding_dim)(label))"),
        hint="one Dense layer"),
    Case("conditional_gan", "wrong", "SpatialDropout2D in the conditional discriminator",
         _conditional(dropout="layers.SpatialDropout2D(0.4)(x)"), hint="drops whole feature maps"),
]
