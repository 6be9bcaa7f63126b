"""Learner-style answers to lesson 06 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import keras
import tensorflow as tf
"""

# The reference's shape as learners write it; each wrong case below changes one thing.
_SPARSE = """
def build_sparse_autoencoder(codings_size=300, activity_regularizer=None):
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(codings_size, activation="sigmoid",
                                                   activity_regularizer=activity_regularizer)])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""

_CONFIG = """
    def get_config(self):
        return {"weight": self.weight, "target": self.target}
"""


def _kl(call, get_config=_CONFIG):
    """A learner's regularizer class whose ``__call__`` body is ``call`` (its ``q`` clipped unless it says not)."""
    return f"""
@keras.saving.register_keras_serializable(package="course")
class KLDivergenceRegularizer(keras.regularizers.Regularizer):
    def __init__(self, weight, target):
        if weight < 0 or not 0 < target < 1:
            raise ValueError("weight must be >= 0 and target in (0, 1)")
        self.weight, self.target = weight, target

    def __call__(self, inputs):
        p = self.target{call}
{get_config}"""


_Q = """
        q = keras.ops.clip(keras.ops.mean(inputs, axis=0), 1e-7, 1 - 1e-7)"""
_RIGHT = _Q + """
        return self.weight * keras.ops.sum(p * keras.ops.log(p / q) + (1 - p) * keras.ops.log((1 - p) / (1 - q)))"""

CASES = [
    # ---------------------------------------------------------------------------------------------------------
    # sparse_autoencoder: right in other styles
    Case("sparse_autoencoder", "right", "the book's Sequential models without keras.Input", """
def build_sparse_autoencoder(codings_size=300, activity_regularizer=None):
    sparse_encoder = keras.Sequential([
        keras.layers.Flatten(),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(codings_size, activation="sigmoid", activity_regularizer=activity_regularizer),
    ])
    sparse_decoder = keras.Sequential([
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(28 * 28, activation="sigmoid"),
        keras.layers.Reshape([28, 28]),
    ])
    sparse_ae = keras.Sequential([sparse_encoder, sparse_decoder])
    return sparse_encoder, sparse_decoder, sparse_ae
"""),
    Case("sparse_autoencoder", "right", "functional models with keras.activations functions", """
def build_sparse_autoencoder(codings_size=300, activity_regularizer=None):
    images = keras.Input(shape=(28, 28))
    hidden = keras.layers.Dense(100, activation=keras.activations.relu)(keras.layers.Flatten()(images))
    codings = keras.layers.Dense(codings_size, activation=keras.activations.sigmoid,
                                 activity_regularizer=activity_regularizer)(hidden)
    encoder = keras.Model(images, codings, name="encoder")
    codings_in = keras.Input(shape=(codings_size,))
    hidden = keras.layers.Dense(100, activation="relu")(codings_in)
    pixels = keras.layers.Dense(784, activation="sigmoid")(hidden)
    decoder = keras.Model(codings_in, keras.layers.Reshape((28, 28))(pixels), name="decoder")
    inputs = keras.Input(shape=(28, 28))
    return encoder, decoder, keras.Model(inputs, decoder(encoder(inputs)))
"""),
    Case("sparse_autoencoder", "right", "hidden activations as separate layers, tf.keras spelling", """
def build_sparse_autoencoder(codings_size=300, activity_regularizer=None):
    encoder = tf.keras.Sequential([
        tf.keras.Input(shape=(28, 28)),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(100),
        tf.keras.layers.ReLU(),
        tf.keras.layers.Dense(codings_size, activation="sigmoid", activity_regularizer=activity_regularizer),
    ])
    decoder = tf.keras.Sequential([
        tf.keras.Input(shape=(codings_size,)),
        tf.keras.layers.Dense(100),
        tf.keras.layers.Activation("relu"),
        tf.keras.layers.Dense(784, activation="sigmoid"),
        tf.keras.layers.Reshape((28, 28)),
    ])
    return encoder, decoder, tf.keras.Sequential([encoder, decoder])
"""),
    # sparse_autoencoder: wrong
    Case("sparse_autoencoder", "wrong", "relu codings copied from the stacked autoencoder", _SPARSE.replace(
        'codings_size, activation="sigmoid"', 'codings_size, activation="relu"'), hint="activation='sigmoid'"),
    Case("sparse_autoencoder", "wrong", "kernel_regularizer instead of activity_regularizer", _SPARSE.replace(
        "activity_regularizer=activity_regularizer)", "kernel_regularizer=activity_regularizer)"),
         hint="kernel_regularizer"),
    Case("sparse_autoencoder", "wrong", "the regularizer on the hidden layer", _SPARSE.replace(
        ",\n                                                   activity_regularizer=activity_regularizer", "").replace(
        'Dense(100, activation="relu"),', 'Dense(100, activation="relu", activity_regularizer=activity_regularizer),',
        1), hint="on the coding layer"),
    Case("sparse_autoencoder", "wrong", "the regularizer on the values before a separate sigmoid layer",
         _SPARSE.replace('codings_size, activation="sigmoid",', "codings_size,").replace(
             "activity_regularizer=activity_regularizer)])",
             'activity_regularizer=activity_regularizer), keras.layers.Activation("sigmoid")])'),
         hint="before the sigmoid"),
    Case("sparse_autoencoder", "wrong", "a fixed L1 penalty, the argument ignored", _SPARSE.replace(
        "activity_regularizer=activity_regularizer)", "activity_regularizer=keras.regularizers.l1(1e-3))"),
         hint="use the activity_regularizer argument"),
    Case("sparse_autoencoder", "wrong", "selu hidden layers", _SPARSE.replace('"relu"', '"selu"'),
         hint="activation='relu'"),
    Case("sparse_autoencoder", "wrong", "no sigmoid on the decoder's output", _SPARSE.replace(
        'Dense(784, activation="sigmoid")', "Dense(784)"), hint="Dense(784, activation='sigmoid')"),
    # ---------------------------------------------------------------------------------------------------------
    # kl_regularizer: right in other styles
    Case("kl_regularizer", "right", "the book's code with tf.keras ops and the book's kl_divergence", """
kl_divergence = tf.keras.losses.kullback_leibler_divergence

@tf.keras.utils.register_keras_serializable(package="course")
class KLDivergenceRegularizer(tf.keras.regularizers.Regularizer):
    def __init__(self, weight, target):
        if weight < 0:
            raise ValueError("weight < 0")
        if target <= 0 or target >= 1:
            raise ValueError("target outside (0, 1)")
        self.weight = weight
        self.target = target

    def __call__(self, inputs):
        mean_activities = tf.clip_by_value(tf.reduce_mean(inputs, axis=0), 1e-7, 1 - 1e-7)
        return self.weight * (
            kl_divergence(self.target, mean_activities) +
            kl_divergence(1. - self.target, 1. - mean_activities))

    def get_config(self):
        return {"weight": self.weight, "target": self.target}
"""),
    Case("kl_regularizer", "right", "log differences, keras.ops, default arguments", """
@keras.saving.register_keras_serializable(package="course", name="KLDivergenceRegularizer")
class KLDivergenceRegularizer(keras.regularizers.Regularizer):
    def __init__(self, weight=0.05, target=0.1):
        super().__init__()
        if not (weight >= 0 and 0.0 < target < 1.0):
            raise ValueError(f"bad arguments: weight={weight}, target={target}")
        self.weight, self.target = weight, target

    def __call__(self, activations):
        q = keras.ops.mean(activations, axis=0)
        q = keras.ops.clip(q, 1e-6, 1 - 1e-6)
        p = self.target
        kl = p * (np.log(p) - keras.ops.log(q)) + (1 - p) * (np.log(1 - p) - keras.ops.log(1 - q))
        return self.weight * keras.ops.sum(kl)

    def get_config(self):
        return {"weight": self.weight, "target": self.target}
"""),
    Case("kl_regularizer", "right", "binary cross-entropy minus the target's entropy", """
@keras.saving.register_keras_serializable(package="course")
class KLDivergenceRegularizer(keras.regularizers.Regularizer):
    def __init__(self, weight, target):
        self.weight = weight
        self.target = target
        if self.weight < 0 or not 0 < self.target < 1:
            raise ValueError("expected weight >= 0 and 0 < target < 1")

    def __call__(self, x):
        eps = keras.config.epsilon()
        q = keras.ops.clip(keras.ops.mean(x, axis=0), eps, 1 - eps)
        p = self.target
        cross_entropy = -(p * keras.ops.log(q) + (1 - p) * keras.ops.log(1 - q))
        entropy = -(p * np.log(p) + (1 - p) * np.log(1 - p))
        return self.weight * keras.ops.sum(cross_entropy - entropy)

    def get_config(self):
        return dict(weight=self.weight, target=self.target)
"""),
    # kl_regularizer: wrong
    Case("kl_regularizer", "wrong", "no check of the arguments", _kl(_RIGHT).replace(
        '        if weight < 0 or not 0 < target < 1:\n            raise ValueError("weight must be >= 0 and target in '
        '(0, 1)")\n', ''), hint="raise ValueError unless"),
    Case("kl_regularizer", "wrong", "only the book's first kl_divergence term", _kl(_Q + """
        return self.weight * keras.losses.kl_divergence(p, q)"""), hint="(1 - p) log((1 - p) / (1 - q)) term is missing"),
    Case("kl_regularizer", "wrong", "the factor (1 - p) forgotten in front of the second log", _kl(_Q + """
        return self.weight * keras.ops.sum(p * keras.ops.log(p / q) + keras.ops.log((1 - p) / (1 - q)))"""),
         hint="factor (1 - p) in front of the second log"),
    Case("kl_regularizer", "wrong", "1 - q written as q in the second log", _kl(_Q + """
        return self.weight * keras.ops.sum(p * keras.ops.log(p / q) + (1 - p) * keras.ops.log((1 - p) / q))"""),
         hint="divides by q instead of 1 - q"),
    Case("kl_regularizer", "wrong", "the mean over every activation instead of per unit", _kl("""
        q = keras.ops.clip(keras.ops.mean(inputs), 1e-7, 1 - 1e-7)
        return self.weight * (p * keras.ops.log(p / q) + (1 - p) * keras.ops.log((1 - p) / (1 - q)))"""),
         hint="not over all the activations"),
    Case("kl_regularizer", "wrong", "binary cross-entropy taken for the KL divergence", _kl(_Q + """
        return self.weight * keras.ops.sum(-(p * keras.ops.log(q) + (1 - p) * keras.ops.log(1 - q)))"""),
         hint="binary cross-entropy"),
    Case("kl_regularizer", "wrong", "no clipping: log(0) for a dead unit", _kl(_RIGHT.replace(
        "keras.ops.clip(keras.ops.mean(inputs, axis=0), 1e-7, 1 - 1e-7)", "keras.ops.mean(inputs, axis=0)")),
         hint="clip the mean activations"),
    Case("kl_regularizer", "wrong", "get_config forgotten", _kl(_RIGHT, get_config=""), hint="get_config"),
    Case("kl_regularizer", "wrong", "get_config extends the base class's, which Keras does not define", _kl(
        _RIGHT, get_config=_CONFIG.replace("return {", "return {**super().get_config(), ")),
         hint="do not call super().get_config()"),
    Case("kl_regularizer", "wrong", "the book's 0.1 target hard-coded", _kl(_Q + """
        return self.weight * keras.ops.sum(0.1 * keras.ops.log(0.1 / q) + 0.9 * keras.ops.log(0.9 / (1 - q)))"""),
         hint="not a fixed 0.1"),

    # found by a red-team batch (2026-12-07)
    Case("kl_regularizer", "wrong", "weight 0 refused (weight > 0 instead of >= 0)", _kl(_RIGHT).replace(
        "if weight < 0 or", "if weight <= 0 or"), hint="a weight of 0 turns the penalty off"),
    Case("kl_regularizer", "wrong", "an assert instead of the ValueError asked for", _kl(_RIGHT).replace(
        '        if weight < 0 or not 0 < target < 1:\n            raise ValueError("weight must be >= 0 and target in '
        '(0, 1)")\n', '        assert weight >= 0 and 0 < target < 1, "bad arguments"\n'), hint="AssertionError"),
    Case("kl_regularizer", "wrong", "clipped to [0.01, 0.99]: rare units lose their penalty", _kl(_RIGHT.replace(
        "1e-7, 1 - 1e-7", "0.01, 0.99")), hint="a wider clip changes the penalty of units that fire rarely"),
    Case("kl_regularizer", "wrong", "clipped to [1e-3, 1 - 1e-3]", _kl(_RIGHT.replace(
        "1e-7, 1 - 1e-7", "1e-3, 1 - 1e-3")), hint="a wider clip"),
    Case("kl_regularizer", "wrong", "__init__(self, target, weight): the arguments swapped", _kl(_RIGHT).replace(
        "def __init__(self, weight, target):", "def __init__(self, target, weight):").replace(
        "if weight < 0 or not 0 < target < 1:", "if target < 0 or not 0 < weight < 1:"),
         hint="weight and target are swapped"),
    Case("kl_regularizer", "wrong", "divided by the batch size again", _kl(_Q + """
        kl = p * keras.ops.log(p / q) + (1 - p) * keras.ops.log((1 - p) / (1 - q))
        return self.weight * keras.ops.sum(kl) / keras.ops.cast(keras.ops.shape(inputs)[0], "float32")"""),
         hint="do not divide by the batch size"),
    Case("kl_regularizer", "right", "log(q + epsilon) instead of a clip", _kl("""
        q = keras.ops.mean(inputs, axis=0)
        eps = keras.config.epsilon()
        return self.weight * keras.ops.sum(p * keras.ops.log(p / (q + eps))
                                           + (1 - p) * keras.ops.log((1 - p) / (1 - q + eps)))""")),
    Case("kl_regularizer", "wrong", "a 1e-8 epsilon: 1 - 1e-8 is 1.0 in float32, so log(1 - q) is infinite",
         _kl(_RIGHT.replace("1e-7, 1 - 1e-7", "1e-8, 1 - 1e-8")), hint="epsilon = keras.config.epsilon()"),
    Case("sparse_autoencoder", "wrong", "returned as (autoencoder, encoder, decoder)", _SPARSE.replace(
        "return encoder, decoder, keras.Sequential([encoder, decoder])",
        "return keras.Sequential([encoder, decoder]), encoder, decoder"), hint="return encoder, decoder, autoencoder"),
    Case("sparse_autoencoder", "wrong", "returned as (decoder, encoder, autoencoder)", _SPARSE.replace(
        "return encoder, decoder, keras.Sequential([encoder, decoder])",
        "return decoder, encoder, keras.Sequential([encoder, decoder])"), hint="return encoder, decoder, autoencoder"),
]
