"""Learner-style answers to lesson 05 (see README.md beside this file)."""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import keras
"""

# The reference's shape as learners write it; each wrong case below changes one thing.
def _changed(code, old, new):
    if old not in code:
        raise ValueError(f"corpus: {old!r} not found")
    return code.replace(old, new)


_DAE = """
def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    if noise == "gaussian":
        noise_layer = keras.layers.GaussianNoise(noise_level, seed=seed)
    elif noise == "dropout":
        noise_layer = keras.layers.Dropout(noise_level, seed=seed)
    else:
        raise ValueError(f"unknown noise {noise!r}")
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), noise_layer,
                                keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(codings_size, activation="relu")])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""
_ERRORS = """
def denoising_errors(autoencoder, images, noise_levels, seed=42):
    rng = np.random.default_rng(seed)
    errors = []
    for level in noise_levels:
        noisy = images + rng.normal(0, level, size=images.shape)
        errors.append(np.mean(np.square(autoencoder.predict(noisy, verbose=0) - images)))
    return np.array(errors)
"""

CASES = [
    # ---------------------------------------------------------------------------------------------------------
    # denoising_autoencoder: right in other styles
    Case("denoising_autoencoder", "right", "the book's Sequential without keras.Input, noise chosen by a dict", """
def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    layers = {"gaussian": keras.layers.GaussianNoise, "dropout": keras.layers.Dropout}
    encoder = keras.Sequential([
        keras.layers.Flatten(),
        layers[noise](noise_level, seed=seed),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(codings_size, activation="relu"),
    ])
    decoder = keras.Sequential([
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(28 * 28, activation="sigmoid"),
        keras.layers.Reshape([28, 28]),
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
    # found by a red-team batch (2026-12-07): caught, but told about the noise's strength
    Case("denoising_autoencoder", "wrong", "the noisy pixels clipped to [0, 1] by a layer after the noise", """
def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    if noise == "gaussian":
        corrupt = keras.layers.GaussianNoise(noise_level, seed=seed)
    elif noise == "dropout":
        corrupt = keras.layers.Dropout(noise_level, seed=seed)
    else:
        raise ValueError(f"unknown noise {noise!r}")
    encoder = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        corrupt,
        keras.layers.Lambda(lambda z: keras.ops.clip(z, 0.0, 1.0)),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(codings_size, activation="relu"),
    ])
    decoder = keras.Sequential([
        keras.Input(shape=(codings_size,)),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(28 * 28, activation="sigmoid"),
        keras.layers.Reshape((28, 28)),
    ])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="after the noise layer changes the noisy images"),
    Case("denoising_autoencoder", "right", "functional models, activations as separate layers", """
def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    inputs = keras.Input(shape=(28, 28))
    z = keras.layers.Flatten()(inputs)
    if noise not in ("gaussian", "dropout"):
        raise ValueError(noise)
    if noise == "gaussian":
        z = keras.layers.GaussianNoise(stddev=noise_level, seed=seed)(z)
    else:
        z = keras.layers.Dropout(rate=noise_level, seed=seed)(z)
    z = keras.layers.Dense(100)(z)
    z = keras.layers.Activation("relu")(z)
    z = keras.layers.Dense(codings_size)(z)
    codings = keras.layers.ReLU()(z)
    encoder = keras.Model(inputs, codings)
    decoder_inputs = keras.Input(shape=(codings_size,))
    h = keras.layers.Dense(100, activation=keras.activations.relu)(decoder_inputs)
    h = keras.layers.Dense(784)(h)
    h = keras.layers.Activation("sigmoid")(h)
    decoder = keras.Model(decoder_inputs, keras.layers.Reshape((28, 28))(h))
    images = keras.Input(shape=(28, 28))
    autoencoder = keras.Model(images, decoder(encoder(images)))
    return encoder, decoder, autoencoder
"""),
    Case("denoising_autoencoder", "right", "noise layer before Flatten, encoder layers in a list", """
def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    if noise == "dropout":
        corrupt = keras.layers.Dropout(noise_level, seed=seed)
    elif noise == "gaussian":
        corrupt = keras.layers.GaussianNoise(noise_level, seed=seed)
    else:
        raise ValueError("unknown noise")
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), corrupt, keras.layers.Flatten(),
                                keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(codings_size, activation="relu")])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))])
    autoencoder = keras.Sequential([keras.Input(shape=(28, 28)), encoder, decoder])
    return encoder, decoder, autoencoder
"""),
    # denoising_autoencoder: wrong
    Case("denoising_autoencoder", "wrong", "any other noise silently becomes dropout", _DAE.replace(
        '    elif noise == "dropout":\n        noise_layer = keras.layers.Dropout(noise_level, seed=seed)\n'
        '    else:\n        raise ValueError(f"unknown noise {noise!r}")\n',
        '    else:\n        noise_layer = keras.layers.Dropout(noise_level, seed=seed)\n'), hint="raise ValueError"),
    Case("denoising_autoencoder", "wrong", "the variance passed to GaussianNoise", _DAE.replace(
        "GaussianNoise(noise_level,", "GaussianNoise(noise_level ** 2,"), hint="not its square"),
    Case("denoising_autoencoder", "wrong", "keep probability passed as Dropout's rate", _DAE.replace(
        "Dropout(noise_level,", "Dropout(1 - noise_level,"), hint="fraction of inputs dropped, not kept"),
    Case("denoising_autoencoder", "wrong", "noise on the codings instead of the images", _DAE.replace(
        "keras.layers.Flatten(), noise_layer,", "keras.layers.Flatten(),").replace(
        'activation="relu")])', 'activation="relu"), noise_layer])', 1), hint="corrupts the images"),
    Case("denoising_autoencoder", "wrong", "seed not passed to the noise layer", _DAE.replace(
        ", seed=seed)", ")"), hint="pass seed=seed"),
    Case("denoising_autoencoder", "wrong", "the seed passed by position", _DAE.replace(
        ", seed=seed)", ", seed)"), hint="pass the seed by name"),
    Case("denoising_autoencoder", "wrong", "always Gaussian noise, the noise argument ignored", _changed(_DAE,
        """if noise == "gaussian":
        noise_layer = keras.layers.GaussianNoise(noise_level, seed=seed)
    elif noise == "dropout":
        noise_layer = keras.layers.Dropout(noise_level, seed=seed)
    else:
        raise ValueError(f"unknown noise {noise!r}")""",
        "noise_layer = keras.layers.GaussianNoise(noise_level, seed=seed)  # the book's"), hint="noise='dropout' takes keras.layers.Dropout"),
    Case("denoising_autoencoder", "wrong", "hand-written noise that also acts at inference", """
def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    generator = keras.random.SeedGenerator(seed)

    def corrupt(x):
        if noise == "gaussian":
            return x + keras.random.normal(keras.ops.shape(x), stddev=noise_level, seed=generator)
        return keras.random.dropout(x, noise_level, seed=generator)

    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Lambda(corrupt),
                                keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(codings_size, activation="relu")])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="only in training"),
    Case("denoising_autoencoder", "wrong", "selu copied from the stacked autoencoder", _DAE.replace(
        '"relu"', '"selu"'), hint="activation='relu'"),
    Case("denoising_autoencoder", "wrong", "no sigmoid on the output layer", _DAE.replace(
        ', activation="sigmoid"', ""), hint="sigmoid"),
    Case("denoising_autoencoder", "wrong", "codings size fixed at the book's 30", _DAE.replace(
        "codings_size, activation", "30, activation").replace("shape=(codings_size,)", "shape=(30,)"),
         hint="codings_size argument"),
    # ---------------------------------------------------------------------------------------------------------
    # denoising_errors: right in other styles
    Case("denoising_errors", "right", "list comprehension, np.mean of the squared difference", """
def denoising_errors(autoencoder, images, noise_levels, seed=42):
    rng = np.random.default_rng(seed)
    noisy_sets = [images + rng.normal(0, level, images.shape) for level in noise_levels]
    return np.array([np.mean((autoencoder.predict(noisy, verbose=0) - images) ** 2) for noisy in noisy_sets])
"""),
    Case("denoising_errors", "right", "keras.random with the seed and keras.losses.MeanSquaredError", """
def denoising_errors(autoencoder, images, noise_levels, seed=42):
    mse = keras.losses.MeanSquaredError()
    generator = keras.random.SeedGenerator(seed)
    errors = []
    for level in noise_levels:
        noise = keras.random.normal(images.shape, stddev=level, seed=generator)
        reconstructions = autoencoder(images + noise, training=False)
        errors.append(float(mse(images, reconstructions)))
    return np.array(errors)
"""),
    Case("denoising_errors", "right", "a fresh generator per level, squared error with np.square and .mean()", """
def denoising_errors(autoencoder, images, noise_levels, seed=42):
    errors = np.zeros(len(noise_levels))
    for i, sigma in enumerate(noise_levels):
        rng = np.random.default_rng(seed)
        corrupted = (images + sigma * rng.standard_normal(images.shape)).astype("float32")
        errors[i] = np.square(autoencoder.predict(corrupted, verbose=0) - images).mean()
    return errors
"""),
    # denoising_errors: wrong
    Case("denoising_errors", "wrong", "the noise added to the caller's images in place", _ERRORS.replace(
        "        noisy = images + rng.normal(0, level, size=images.shape)\n",
        "        noisy = images\n        noisy += rng.normal(0, level, size=images.shape).astype(images.dtype)\n"),
        hint="writes the noise into the caller's clean images"),
    Case("denoising_errors", "wrong", "the error of the first batch only", _ERRORS.replace(
        "np.mean(np.square(autoencoder.predict(noisy, verbose=0) - images))",
        "np.mean(np.square(autoencoder.predict_on_batch(noisy[:32]) - images[:32]))"),
        hint="errors per noise level"),
    Case("denoising_errors", "wrong", "global NumPy randomness, the seed ignored", _ERRORS.replace(
        "rng = np.random.default_rng(seed)", "").replace("rng.normal", "np.random.normal"), hint="not reproducible"),
    Case("denoising_errors", "wrong", "a fixed seed of 42", _ERRORS.replace("default_rng(seed)", "default_rng(42)"),
         hint="use the seed argument"),
    Case("denoising_errors", "wrong", "noisy images clipped to [0, 1]", _ERRORS.replace(
        "noisy = images + rng.normal(0, level, size=images.shape)",
        "noisy = np.clip(images + rng.normal(0, level, size=images.shape), 0.0, 1.0)"), hint="do not clip"),
    Case("denoising_errors", "wrong", "error measured against the noisy images", _ERRORS.replace(
        "verbose=0) - images", "verbose=0) - noisy"), hint="not with the noisy ones"),
    Case("denoising_errors", "wrong", "the model called in training mode", _ERRORS.replace(
        "autoencoder.predict(noisy, verbose=0)",
        "keras.ops.convert_to_numpy(autoencoder(noisy.astype('float32'), training=True))"), hint="inference mode"),
    Case("denoising_errors", "wrong", "squared errors summed per image", _ERRORS.replace(
        "np.mean(np.square(autoencoder.predict(noisy, verbose=0) - images))",
        "np.mean(np.sum(np.square(autoencoder.predict(noisy, verbose=0) - images), axis=(1, 2)))"),
         hint="summed over pixels"),
    Case("denoising_errors", "wrong", "variance used as the standard deviation", """
def denoising_errors(autoencoder, images, noise_levels, seed=42):
    rng = np.random.default_rng(seed)
    return np.array([np.mean(np.square(autoencoder.predict(images + rng.normal(0, level ** 2, images.shape),
                                                           verbose=0) - images)) for level in noise_levels])
""", hint="not its square"),
]


# A red-team batch (2026-12-07): regularizers, a frozen encoder, a builder refusing noise_level=0, a subclassed
# encoder, error measures, and correct variants.
CASES += [
    # ---------------- denoising_autoencoder: right
    Case("denoising_autoencoder", "right", "subclassed encoder, layers created in another order than called", """
class Encoder(keras.Model):
    def __init__(self, noise_layer, codings_size, **kwargs):
        super().__init__(**kwargs)
        self.codings = keras.layers.Dense(codings_size, activation="relu")
        self.hidden = keras.layers.Dense(100, activation="relu")
        self.flatten = keras.layers.Flatten()
        self.noise = noise_layer

    def call(self, x, training=False):
        x = self.flatten(x)
        x = self.noise(x, training=training)
        return self.codings(self.hidden(x))


def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    if noise == "gaussian":
        noise_layer = keras.layers.GaussianNoise(noise_level, seed=seed)
    elif noise == "dropout":
        noise_layer = keras.layers.Dropout(noise_level, seed=seed)
    else:
        raise ValueError(f"unknown noise {noise!r}")
    encoder = Encoder(noise_layer, codings_size)
    encoder(np.zeros((1, 28, 28), dtype="float32"))
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))])
    return encoder, decoder, keras.Sequential([keras.Input(shape=(28, 28)), encoder, decoder])
"""),
    Case("denoising_autoencoder", "right", "no noise layer at all when noise_level is 0 (plain autoencoder)", _changed(_DAE,
        "keras.layers.Flatten(), noise_layer,",
        "keras.layers.Flatten(), *([noise_layer] if noise_level > 0 else []),")),
    Case("denoising_autoencoder", "right", "match statement, Dense(28 * 28) then Activation, Reshape([28, 28])", """
def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    match noise:
        case "gaussian":
            corrupt = keras.layers.GaussianNoise(stddev=noise_level, seed=seed)
        case "dropout":
            corrupt = keras.layers.Dropout(rate=noise_level, seed=seed)
        case _:
            raise ValueError(noise)
    encoder = keras.Sequential()
    encoder.add(keras.Input(shape=(28, 28)))
    encoder.add(keras.layers.Flatten())
    encoder.add(corrupt)
    encoder.add(keras.layers.Dense(100, activation="relu"))
    encoder.add(keras.layers.Dense(codings_size, activation="relu"))
    decoder = keras.Sequential()
    decoder.add(keras.Input(shape=(codings_size,)))
    decoder.add(keras.layers.Dense(100, activation="relu"))
    decoder.add(keras.layers.Dense(28 * 28))
    decoder.add(keras.layers.Activation("sigmoid"))
    decoder.add(keras.layers.Reshape([28, 28]))
    autoencoder = keras.Sequential()
    autoencoder.add(encoder)
    autoencoder.add(decoder)
    return encoder, decoder, autoencoder
"""),
    # ---------------- denoising_autoencoder: wrong
    Case("denoising_autoencoder", "wrong", "an extra Dropout between the hidden layers", _changed(_DAE,
        'keras.layers.Dense(100, activation="relu"),\n                                keras.layers.Dense(codings_size',
        'keras.layers.Dense(100, activation="relu"), keras.layers.Dropout(0.2, seed=seed),\n'
        '                                keras.layers.Dense(codings_size'), hint="once, right after Flatten"),
    Case("denoising_autoencoder", "wrong", "sparsity regularizer copied onto the codings", _changed(_DAE,
        'keras.layers.Dense(codings_size, activation="relu")',
        'keras.layers.Dense(codings_size, activation="relu", activity_regularizer=keras.regularizers.l1(1e-3))'),
        hint="regularizer"),
    Case("denoising_autoencoder", "wrong", "L2 weight decay on the Dense kernels", _DAE.replace(
        'activation="relu")', 'activation="relu", kernel_regularizer=keras.regularizers.l2(1e-4))'),
        hint="regularizer"),
    Case("denoising_autoencoder", "wrong", "encoder frozen (trainable=False) as in greedy training", _changed(_DAE,
        "    return encoder, decoder,", "    encoder.trainable = False\n    return encoder, decoder,"),
        hint="trainable"),
    Case("denoising_autoencoder", "wrong", "refuses noise_level=0 (the lesson's plain autoencoder)", _changed(_DAE,
        '    if noise == "gaussian":\n',
        '    if not 0 < noise_level <= 1:\n        raise ValueError("noise_level must be in (0, 1]")\n'
        '    if noise == "gaussian":\n'), hint="noise_level=0"),
    Case("denoising_autoencoder", "right", "own noise layer using the static shape x.shape (fit works)", """
class Corrupt(keras.layers.Layer):
    def __init__(self, noise, level, seed, **kwargs):
        super().__init__(**kwargs)
        self.noise, self.level = noise, level
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        if self.noise == "gaussian":
            return x + keras.random.normal(x.shape, stddev=self.level, seed=self.generator)
        return keras.random.dropout(x, self.level, seed=self.generator)


def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    if noise not in ("gaussian", "dropout"):
        raise ValueError(noise)
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), Corrupt(noise, noise_level, seed),
                                keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(codings_size, activation="relu")])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))])
    return encoder, decoder, keras.Sequential([encoder, decoder])
"""),
    Case("denoising_autoencoder", "wrong", "masking by hand without the 1/(1-r) rescale", """
class Mask(keras.layers.Layer):
    def __init__(self, rate, seed, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.generator = keras.random.SeedGenerator(seed)

    def call(self, x, training=False):
        if not training:
            return x
        keep = keras.random.uniform(keras.ops.shape(x), seed=self.generator) >= self.rate
        return x * keras.ops.cast(keep, x.dtype)


def build_denoising_autoencoder(noise="gaussian", noise_level=0.2, codings_size=30, seed=42):
    if noise == "gaussian":
        noise_layer = keras.layers.GaussianNoise(noise_level, seed=seed)
    elif noise == "dropout":
        noise_layer = Mask(noise_level, seed)
    else:
        raise ValueError(f"unknown noise {noise!r}")
    encoder = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), noise_layer,
                                keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(codings_size, activation="relu")])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu"),
                                keras.layers.Dense(784, activation="sigmoid"), keras.layers.Reshape((28, 28))])
    return encoder, decoder, keras.Sequential([encoder, decoder])
""", hint="Dropout(noise_level) (the fraction dropped)"),
    Case("denoising_autoencoder", "wrong", "noise layer also put in front of the autoencoder (noise twice)", _changed(_DAE,
        "keras.Sequential([encoder, decoder])",
        "keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), noise_layer.__class__(noise_level, seed=seed), keras.layers.Reshape((28, 28)), encoder, decoder])"),
        hint="once"),
    Case("denoising_autoencoder", "wrong", "GaussianDropout for the dropout noise", _changed(_DAE,
        "keras.layers.Dropout(noise_level, seed=seed)", "keras.layers.GaussianDropout(noise_level, seed=seed)"),
        hint="keras.layers.Dropout"),
    Case("denoising_autoencoder", "wrong", "Dense(100) of the decoder without activation", _changed(_DAE,
        'keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="relu")',
        'keras.Input(shape=(codings_size,)), keras.layers.Dense(100)'), hint="relu"),
    Case("denoising_autoencoder", "wrong", "BatchNormalization after the noise", _changed(_DAE,
        "keras.layers.Flatten(), noise_layer,", "keras.layers.Flatten(), noise_layer, keras.layers.BatchNormalization(),"),
        hint="parameters instead of"),
    # ---------------- denoising_errors: right
    Case("denoising_errors", "right", "one standard normal draw per level, scaled; keras.losses MSE", """
def denoising_errors(autoencoder, images, noise_levels, seed=42):
    rng = np.random.default_rng(seed)
    out = []
    for level in noise_levels:
        noisy = (images + level * rng.standard_normal(images.shape)).astype(np.float32)
        out.append(float(np.mean(keras.losses.mean_squared_error(images, autoencoder.predict(noisy, verbose=0)))))
    return np.asarray(out, dtype=np.float64)
"""),
    Case("denoising_errors", "right", "all noisy sets stacked into one predict call", """
def denoising_errors(autoencoder, images, noise_levels, seed=42):
    rng = np.random.default_rng(seed)
    noisy = np.concatenate([images + rng.normal(0.0, s, images.shape) for s in noise_levels]).astype("float32")
    recon = autoencoder.predict(noisy, verbose=0).reshape(len(noise_levels), *images.shape)
    return ((recon - images[None]) ** 2).mean(axis=(1, 2, 3))
"""),
    # ---------------- denoising_errors: wrong
    Case("denoising_errors", "wrong", "root mean squared error", _changed(_ERRORS,
        "errors.append(np.mean(", "errors.append(np.sqrt(np.mean(").replace("- images)))", "- images))))"),
        hint="root of the mean squared error"),
    Case("denoising_errors", "wrong", "mean absolute error", _changed(_ERRORS, "np.square(", "np.abs("),
        hint="squared"),
    Case("denoising_errors", "wrong", "levels iterated in sorted order", _changed(_ERRORS,
        "for level in noise_levels:", "for level in sorted(noise_levels):"), hint="order of noise_levels"),
    Case("denoising_errors", "wrong", "binary cross-entropy instead of MSE", _changed(_ERRORS,
        "errors.append(np.mean(np.square(autoencoder.predict(noisy, verbose=0) - images)))",
        "errors.append(float(keras.ops.mean(keras.losses.binary_crossentropy(images, autoencoder.predict(noisy, verbose=0)))))"),
        hint="squared"),
    Case("denoising_errors", "wrong", "rng.normal's mean and standard deviation swapped", _changed(_ERRORS,
        "rng.normal(0, level, size=images.shape)", "rng.normal(level, 0, size=images.shape)"),
        hint="takes the mean first"),
    Case("denoising_errors", "wrong", "one noise image for the whole batch", _changed(_ERRORS,
        "rng.normal(0, level, size=images.shape)", "rng.normal(0, level, size=(28, 28))"),
        hint="one (28, 28) noise image shared"),
]
