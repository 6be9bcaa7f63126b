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

GENERIC = "weight x the sum over units of KL(p || q)"  # the message of a wrong penalty no candidate names

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

    # found by a red-team batch (2026-12-07)
    Case("sparse_autoencoder", "right", "sigmoid as its own Activation layer carrying the regularizer",
         _SPARSE.replace('keras.layers.Dense(codings_size, activation="sigmoid",\n'
                         '                                                   '
                         'activity_regularizer=activity_regularizer)',
                         'keras.layers.Dense(codings_size),\n'
                         '                                keras.layers.Activation("sigmoid", '
                         'activity_regularizer=activity_regularizer)')),
    Case("sparse_autoencoder", "right", "subclassed autoencoder model", _SPARSE.replace(
        "    return encoder, decoder, keras.Sequential([encoder, decoder])",
        "    class Autoencoder(keras.Model):\n"
        "        def __init__(self, encoder, decoder):\n"
        "            super().__init__()\n"
        "            self.encoder, self.decoder = encoder, decoder\n"
        "        def call(self, x):\n"
        "            return self.decoder(self.encoder(x))\n"
        "    return encoder, decoder, Autoencoder(encoder, decoder)")),
    Case("sparse_autoencoder", "right", "regularizer set on the layer after it is made, Reshape via target_shape",
         """
def build_sparse_autoencoder(codings_size=300, activity_regularizer=None):
    coding_layer = keras.layers.Dense(codings_size, activation="sigmoid")
    if activity_regularizer is not None:
        coding_layer.activity_regularizer = activity_regularizer
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Reshape((784,)),
                                keras.layers.Dense(100, activation="relu"), coding_layer])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(784, activation="sigmoid"),
                                keras.layers.Reshape(target_shape=(28, 28))])
    autoencoder = keras.Sequential([keras.Input(shape=(28, 28)), encoder, decoder])
    return encoder, decoder, autoencoder
"""),
    Case("sparse_autoencoder", "right", "keras.regularizers.get on the argument", _SPARSE.replace(
        "activity_regularizer=activity_regularizer)",
        "activity_regularizer=keras.regularizers.get(activity_regularizer))")),
    Case("sparse_autoencoder", "wrong", "Dropout kept from lesson 05's denoising encoder", _SPARSE.replace(
        "keras.layers.Flatten(),", "keras.layers.Flatten(), keras.layers.Dropout(0.5),"),
         hint="leave out Dropout and GaussianNoise"),
    Case("sparse_autoencoder", "wrong", "GaussianNoise kept from lesson 05", _SPARSE.replace(
        "keras.layers.Flatten(),", "keras.layers.Flatten(), keras.layers.GaussianNoise(0.2),"),
         hint="leave out Dropout and GaussianNoise"),
    Case("sparse_autoencoder", "wrong", "Dropout on the codings (to make them sparse)", _SPARSE.replace(
        "activity_regularizer=activity_regularizer)])", "activity_regularizer=activity_regularizer),\n"
        "                                keras.layers.Dropout(0.5)])"), hint="does not make the codings sparse"),
    Case("sparse_autoencoder", "wrong", "softmax codings (few units active)", _SPARSE.replace(
        'codings_size, activation="sigmoid"', 'codings_size, activation="softmax"'), hint="not softmax"),
    Case("sparse_autoencoder", "wrong", "Rescaling(1/255) first, as if pixels were 0-255", _SPARSE.replace(
        "keras.layers.Flatten(),", "keras.layers.Rescaling(1 / 255), keras.layers.Flatten(),"),
         hint="do not rescale the inputs"),
    Case("sparse_autoencoder", "wrong", "regularizer on the coding layer and again on the decoder's first layer",
         _SPARSE.replace('keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu")',
                         'keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu", '
                         'activity_regularizer=activity_regularizer)'), hint="once"),
    Case("sparse_autoencoder", "wrong", "decoder's hidden layer without relu", _SPARSE.replace(
        'keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu")',
        'keras.Input(shape=(codings_size,)), keras.layers.Dense(100)'), hint="relu"),
    Case("sparse_autoencoder", "wrong", "hidden layers sized 128", _SPARSE.replace("Dense(100", "Dense(128"),
         hint="parameters"),
    Case("sparse_autoencoder", "wrong", "sigmoid hidden layers everywhere", _SPARSE.replace('"relu"', '"sigmoid"'),
         hint="relu"),
    Case("kl_regularizer", "right", "activations clipped first, then averaged", _kl("""
        eps = keras.config.epsilon()
        q = keras.ops.mean(keras.ops.clip(inputs, eps, 1 - eps), axis=0)
        return self.weight * keras.ops.sum(p * keras.ops.log(p / q) + (1 - p) * keras.ops.log((1 - p) / (1 - q)))""")),
    Case("kl_regularizer", "right", "log1p for log(1 - q), keepdims mean, backend epsilon", _kl("""
        eps = keras.backend.epsilon()
        q = keras.ops.clip(keras.ops.mean(inputs, axis=0, keepdims=True), eps, 1.0 - eps)
        kl = p * (keras.ops.log(p) - keras.ops.log(q)) + (1 - p) * (keras.ops.log1p(-p) - keras.ops.log1p(-q))
        return keras.ops.multiply(self.weight, keras.ops.sum(kl))""")),
    Case("kl_regularizer", "right", "Keras' kl_divergence on stacked Bernoulli distributions", _kl(_Q + """
        P = keras.ops.stack([keras.ops.full_like(q, p), keras.ops.full_like(q, 1 - p)], axis=-1)
        Q = keras.ops.stack([q, 1 - q], axis=-1)
        return self.weight * keras.ops.sum(keras.losses.kl_divergence(P, Q))""")),
    Case("kl_regularizer", "right", "tf ops throughout, float() arguments, from_config overridden", """
@keras.saving.register_keras_serializable(package="course")
class KLDivergenceRegularizer(keras.regularizers.Regularizer):
    def __init__(self, weight, target):
        weight, target = float(weight), float(target)
        if weight < 0:
            raise ValueError("weight must be non-negative")
        if target <= 0 or target >= 1:
            raise ValueError("target must be in (0, 1)")
        self.weight = weight
        self.target = target

    def __call__(self, activations):
        eps = keras.config.epsilon()
        q = tf.clip_by_value(tf.reduce_mean(activations, axis=0), eps, 1 - eps)
        p = tf.constant(self.target, dtype=q.dtype)
        kl = p * tf.math.log(p / q) + (1 - p) * tf.math.log((1 - p) / (1 - q))
        return self.weight * tf.reduce_sum(kl)

    def get_config(self):
        return {"weight": self.weight, "target": self.target}

    @classmethod
    def from_config(cls, config):
        return cls(config["weight"], config["target"])
"""),
    Case("kl_regularizer", "right", "mean as sum / batch size, p and q named like the book", _kl("""
        n = keras.ops.cast(keras.ops.shape(inputs)[0], inputs.dtype)
        mean_activities = keras.ops.sum(inputs, axis=0) / n
        q = keras.ops.clip(mean_activities, keras.config.epsilon(), 1 - keras.config.epsilon())
        return self.weight * (keras.ops.sum(p * keras.ops.log(p / q))
                              + keras.ops.sum((1 - p) * keras.ops.log((1 - p) / (1 - q))))""")),
    Case("kl_regularizer", "right", "arguments stored as float32 tensors", _kl(_RIGHT).replace(
        "self.weight, self.target = weight, target",
        "self.weight = keras.ops.convert_to_tensor(weight, dtype='float32')\n"
        "        self.target = keras.ops.convert_to_tensor(target, dtype='float32')").replace(
        'return {"weight": self.weight, "target": self.target}',
        'return {"weight": float(self.weight), "target": float(self.target)}')),
    Case("kl_regularizer", "right", "arguments kept as np.float32, like the activations", _kl(_RIGHT).replace(
        "self.weight, self.target = weight, target",
        "self.weight, self.target = np.float32(weight), np.float32(target)")),
    Case("kl_regularizer", "wrong", "KL per activation, averaged over the batch (no mean activation first)", _kl("""
        a = keras.ops.clip(inputs, 1e-7, 1 - 1e-7)
        kl = p * keras.ops.log(p / a) + (1 - p) * keras.ops.log((1 - p) / (1 - a))
        return self.weight * keras.ops.mean(keras.ops.sum(kl, axis=1))"""), hint=GENERIC),
    Case("kl_regularizer", "wrong", "KL per activation, summed over everything", _kl("""
        a = keras.ops.clip(inputs, 1e-7, 1 - 1e-7)
        kl = p * keras.ops.log(p / a) + (1 - p) * keras.ops.log((1 - p) / (1 - a))
        return self.weight * keras.ops.sum(kl)"""), hint=GENERIC),
    Case("kl_regularizer", "wrong", "weight multiplies only the first term (precedence)", _kl(_Q + """
        return keras.ops.sum(self.weight * p * keras.ops.log(p / q) + (1 - p) * keras.ops.log((1 - p) / (1 - q)))"""),
         hint=GENERIC),
    Case("kl_regularizer", "wrong", "log base 2 (KL in bits)", _kl(_Q + """
        return self.weight * keras.ops.sum(p * keras.ops.log2(p / q) + (1 - p) * keras.ops.log2((1 - p) / (1 - q)))"""),
         hint=GENERIC),
    Case("kl_regularizer", "wrong", "squared error (p - q)^2 instead of KL", _kl(_Q + """
        return self.weight * keras.ops.sum(keras.ops.square(p - q))"""), hint=GENERIC),
    Case("kl_regularizer", "wrong", "mean over the batch taken with sum (forgot to divide)", _kl("""
        q = keras.ops.clip(keras.ops.sum(inputs, axis=0), 1e-7, 1 - 1e-7)
        return self.weight * keras.ops.sum(p * keras.ops.log(p / q) + (1 - p) * keras.ops.log((1 - p) / (1 - q)))"""),
         hint=GENERIC),
    Case("kl_regularizer", "wrong", "the weight applied twice", _kl(_Q + """
        kl = p * keras.ops.log(p / q) + (1 - p) * keras.ops.log((1 - p) / (1 - q))
        return self.weight * self.weight * keras.ops.sum(kl)"""), hint=GENERIC),
    Case("kl_regularizer", "wrong", "target check only an upper bound", _kl(_RIGHT).replace(
        "if weight < 0 or not 0 < target < 1:", "if weight < 0 or target >= 1:"), hint="raise ValueError unless"),
    Case("kl_regularizer", "wrong", "get_config keys named after the attributes p and w", _kl(_RIGHT, get_config="""
    def get_config(self):
        return {"w": self.weight, "p": self.target}

    @classmethod
    def from_config(cls, config):
        return cls(config["w"], config["p"])
"""), hint="return the constructor's arguments by name"),
    Case("kl_regularizer", "wrong", "clip with numpy on the mean (gradient cut)", _kl("""
        q = np.clip(keras.ops.convert_to_numpy(keras.ops.mean(inputs, axis=0)), 1e-7, 1 - 1e-7)
        return self.weight * keras.ops.sum(p * keras.ops.log(p / q) + (1 - p) * keras.ops.log((1 - p) / (1 - q)))"""),
         hint="not numpy"),
]
