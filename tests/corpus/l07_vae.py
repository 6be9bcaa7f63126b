"""Learner-style answers to lesson 07 (see README.md beside this file).

A later exercise's cell runs in a notebook that holds the learner's earlier answers, so its cases define them too
(``_SAMPLING``, ``_LATENT_LOSS``, ``_PARTS`` below, or wrong versions of them: each exercise is judged on its own).
"""

from autograder.accuracy import Case

PRELUDE = """
import numpy as np
import keras
import tensorflow as tf
from keras import ops
NUM_PIXELS = 28 * 28


def codings_means(encoder, images, batch_size=1024):  # helpers.vae_tools, imported by the lesson's setup cell
    means = [ops.convert_to_numpy(encoder(images[start:start + batch_size], training=False)[0])
             for start in range(0, len(images), batch_size)]
    return np.concatenate(means)
"""

# ---------------------------------------------------------------------------------------------------------------
# earlier answers, as a learner's notebook holds them

_SAMPLING = """
class Sampling(keras.layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_var = inputs
        return mean + ops.exp(log_var / 2) * keras.random.normal(ops.shape(log_var), seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}
"""

_WRONG_SAMPLING = """
class Sampling(keras.layers.Layer):  # exercise 1 wrong: no noise, no seed
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)

    def call(self, inputs):
        return inputs[0]
"""

_LATENT_LOSS = """
def latent_loss(codings_mean, codings_log_var):
    return -0.5 * ops.sum(1 + codings_log_var - ops.exp(codings_log_var) - ops.square(codings_mean), axis=-1)
"""

_WRONG_LATENT_LOSS = """
def latent_loss(codings_mean, codings_log_var):  # exercise 2 wrong: NumPy in a graph, sign flipped
    return 0.5 * np.sum(1 + codings_log_var - np.exp(codings_log_var) - np.square(codings_mean), axis=-1)
"""

_PARTS = """
def build_encoder_decoder(codings_size=10, seed=None):
    inputs = keras.Input(shape=(28, 28))
    z = keras.layers.Flatten()(inputs)
    z = keras.layers.Dense(150, activation="selu")(z)
    z = keras.layers.Dense(100, activation="selu")(z)
    codings_mean = keras.layers.Dense(codings_size)(z)
    codings_log_var = keras.layers.Dense(codings_size)(z)
    codings = Sampling(seed=seed)([codings_mean, codings_log_var])
    encoder = keras.Model(inputs=[inputs], outputs=[codings_mean, codings_log_var, codings])
    decoder_inputs = keras.Input(shape=(codings_size,))
    x = keras.layers.Dense(100, activation="selu")(decoder_inputs)
    x = keras.layers.Dense(150, activation="selu")(x)
    x = keras.layers.Dense(28 * 28, activation="sigmoid")(x)
    outputs = keras.layers.Reshape([28, 28])(x)
    decoder = keras.Model(inputs=[decoder_inputs], outputs=[outputs])
    return encoder, decoder
"""


def _sampling(call):
    """A Sampling layer whose call is ``call`` (the constructor and config are right)."""
    return """
class Sampling(keras.layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed})
        return config
""" + call


def _parts(encoder_tail=None, **changes):
    """The right encoder and decoder with some lines changed (as a learner's typo would)."""
    code = _PARTS
    for old, new in changes.items():
        old = {"sampling_call": "codings = Sampling(seed=seed)([codings_mean, codings_log_var])",
               "hidden": '"selu")(z)', "output": 'activation="sigmoid"',
               "reshape": "outputs = keras.layers.Reshape([28, 28])(x)", "log_var_head":
               "codings_log_var = keras.layers.Dense(codings_size)(z)",
               "first": "keras.layers.Dense(150, ", "second": "keras.layers.Dense(100, "}[old]
        assert old in code, old
        code = code.replace(old, new)
    return _SAMPLING + code


# the scaffold the lesson gives (methods the learner fills in are passed in)
def _vae(init_body, compute_losses, train_step, test_step="        return self.update_trackers(*self.compute_losses("
         "images))\n", update="""        self.total_loss_tracker.update_state(total)
        self.reconstruction_loss_tracker.update_state(reconstruction)
        self.kl_loss_tracker.update_state(kl)
        return {metric.name: metric.result() for metric in self.metrics}
""", earlier=_SAMPLING + _LATENT_LOSS + _PARTS):
    return earlier + f"""
class VariationalAutoencoder(keras.Model):
    def __init__(self, codings_size=10, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.codings_size = codings_size
        self.seed = seed
{init_body}
    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, images):
        _, _, codings = self.encoder(images)
        return self.decoder(codings)

    def compute_losses(self, images):
{compute_losses}
    def update_trackers(self, total, reconstruction, kl):
{update}
    def train_step(self, data):
        images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
{train_step}
    def test_step(self, data):
        images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
{test_step}
    def get_config(self):
        return {{**super().get_config(), "codings_size": self.codings_size, "seed": self.seed}}
"""


_INIT = """        self.encoder, self.decoder = build_encoder_decoder(codings_size, seed=seed)
        self.total_loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
"""
_LOSSES = """        codings_mean, codings_log_var, codings = self.encoder(images)
        reconstructions = self.decoder(codings)
        reconstruction = keras.losses.binary_crossentropy(ops.reshape(images, (-1, 784)),
                                                          ops.reshape(reconstructions, (-1, 784)))
        kl = latent_loss(codings_mean, codings_log_var)
        return reconstruction + kl / NUM_PIXELS, reconstruction, kl
"""
_TRAIN = """        with tf.GradientTape() as tape:
            total, reconstruction, kl = self.compute_losses(images)
            loss = ops.mean(total)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(grads, self.trainable_weights)
        return self.update_trackers(total, reconstruction, kl)
"""

_STUB_LATENT_LOSS = """
def latent_loss(codings_mean, codings_log_var):
    raise NotImplementedError()
"""
_KL = "-0.5 * ops.sum(1 + log_var - ops.square(mean) - ops.exp(log_var), axis=1)"
_INLINE_KL = """        mean, log_var, codings = self.encoder(images)
        reconstruction = ops.mean(ops.binary_crossentropy(ops.reshape(images, (-1, 784)),
                                                          ops.reshape(self.decoder(codings), (-1, 784))), axis=-1)
        kl = {kl}
        return reconstruction + kl / 784, reconstruction, kl
"""

CASES = [
    # -----------------------------------------------------------------------------------------------------------
    # exercise 1: Sampling
    Case("vae_sampling", "right", "ops.exp(0.5 * log_var), shape of the mean, config.update", _sampling("""
    def call(self, inputs):
        codings_mean, codings_log_var = inputs
        epsilon = keras.random.normal(shape=ops.shape(codings_mean), seed=self.seed_generator)
        return codings_mean + ops.exp(0.5 * codings_log_var) * epsilon
""")),
    Case("vae_sampling", "right", "tf spelling: sqrt of the variance", _sampling("""
    def call(self, inputs):
        mean, log_var = inputs
        std = tf.sqrt(tf.exp(log_var))
        return mean + std * keras.random.normal(tf.shape(log_var), seed=self.seed_generator)
""")),
    Case("vae_sampling", "right", "keras-io style: batch and dim", _sampling("""
    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon
""")),
    Case("vae_sampling", "wrong", "the book's unseeded tf.random.normal", _sampling("""
    def call(self, inputs):
        mean, log_var = inputs
        return tf.random.normal(tf.shape(log_var)) * tf.exp(log_var / 2) + mean
"""), hint="not seeded by the layer"),
    Case("vae_sampling", "wrong", "scaled by the variance", _sampling("""
    def call(self, inputs):
        mean, log_var = inputs
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(log_var) * eps
"""), hint="not by exp(log_var)"),
    Case("vae_sampling", "wrong", "inputs unpacked in the wrong order", _sampling("""
    def call(self, inputs):
        log_var, mean = inputs
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(log_var / 2) * eps
"""), hint="in that order"),
    Case("vae_sampling", "wrong", "integer seed at every call", _sampling("""
    def call(self, inputs):
        mean, log_var = inputs
        eps = keras.random.normal(ops.shape(mean), seed=self.seed)
        return mean + ops.exp(log_var / 2) * eps
"""), hint="an integer seed makes"),
    Case("vae_sampling", "wrong", "one epsilon per example", _sampling("""
    def call(self, inputs):
        mean, log_var = inputs
        eps = keras.random.normal((ops.shape(mean)[0], 1), seed=self.seed_generator)
        return mean + ops.exp(log_var / 2) * eps
"""), hint="share one epsilon"),
    Case("vae_sampling", "wrong", "log_var taken for the standard deviation", _sampling("""
    def call(self, inputs):
        mean, log_var = inputs
        return mean + log_var * keras.random.normal(ops.shape(mean), seed=self.seed_generator)
"""), hint="exp(codings_log_var / 2) * epsilon"),
    Case("vae_sampling", "wrong", "two arguments to call", _sampling("""
    def call(self, mean, log_var):
        return mean + ops.exp(log_var / 2) * keras.random.normal(ops.shape(mean), seed=self.seed_generator)
"""), hint="receives one list"),
    Case("vae_sampling", "right", "no get_config: Keras 3 records the constructor's arguments", """
class Sampling(keras.layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_var = inputs
        return mean + ops.exp(log_var / 2) * keras.random.normal(ops.shape(mean), seed=self.seed_generator)
"""),

    # -----------------------------------------------------------------------------------------------------------
    # exercise 2: latent loss
    Case("vae_latent_loss", "right", "the book's formula with keras.ops", _LATENT_LOSS),
    Case("vae_latent_loss", "right", "rearranged, positive terms", """
def latent_loss(codings_mean, codings_log_var):
    return 0.5 * ops.sum(ops.exp(codings_log_var) + codings_mean ** 2 - 1.0 - codings_log_var, axis=1)
"""),
    Case("vae_latent_loss", "right", "tf spelling", """
def latent_loss(codings_mean, codings_log_var):
    kl = 1 + codings_log_var - tf.exp(codings_log_var) - tf.square(codings_mean)
    return -0.5 * tf.reduce_sum(kl, axis=-1)
"""),
    Case("vae_latent_loss", "wrong", "NumPy on the tensors: right eagerly, fails inside fit", """
def latent_loss(codings_mean, codings_log_var):
    mean, log_var = np.asarray(codings_mean), np.asarray(codings_log_var)
    return -0.5 * np.sum(1 + log_var - np.exp(log_var) - mean ** 2, axis=-1)
""", hint="use keras.ops"),
    Case("vae_latent_loss", "wrong", "the 1 + forgotten", """
def latent_loss(codings_mean, codings_log_var):
    return -0.5 * ops.sum(codings_log_var - ops.exp(codings_log_var) - ops.square(codings_mean), axis=-1)
""", hint="the 1 + term is missing"),
    Case("vae_latent_loss", "wrong", "the sign flipped", """
def latent_loss(codings_mean, codings_log_var):
    return 0.5 * ops.sum(1 + codings_log_var - ops.exp(codings_log_var) - ops.square(codings_mean), axis=-1)
""", hint="sign is flipped"),
    Case("vae_latent_loss", "wrong", "mean over the codings", """
def latent_loss(codings_mean, codings_log_var):
    return -0.5 * ops.mean(1 + codings_log_var - ops.exp(codings_log_var) - ops.square(codings_mean), axis=-1)
""", hint="sum over the codings instead of the mean"),
    Case("vae_latent_loss", "wrong", "one number for the batch", """
def latent_loss(codings_mean, codings_log_var):
    return -0.5 * ops.sum(1 + codings_log_var - ops.exp(codings_log_var) - ops.square(codings_mean))
""", hint="one value per example"),
    Case("vae_latent_loss", "wrong", "the standard deviation for the variance", """
def latent_loss(codings_mean, codings_log_var):
    return -0.5 * ops.sum(1 + codings_log_var - ops.exp(codings_log_var / 2) - ops.square(codings_mean), axis=-1)
""", hint="is the standard deviation"),
    Case("vae_latent_loss", "wrong", "the mean not squared", """
def latent_loss(codings_mean, codings_log_var):
    return -0.5 * ops.sum(1 + codings_log_var - ops.exp(codings_log_var) - codings_mean, axis=-1)
""", hint="square the mean"),

    # -----------------------------------------------------------------------------------------------------------
    # exercise 3: encoder and decoder
    Case("vae_encoder_decoder", "right", "the lesson's functional models", _SAMPLING + _PARTS),
    Case("vae_encoder_decoder", "right", "activations as layers, a Sequential decoder without keras.Input", _SAMPLING
         + """
def build_encoder_decoder(codings_size=10, seed=None):
    inputs = keras.Input(shape=[28, 28])
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(150)(x)
    x = keras.layers.Activation("selu")(x)
    x = keras.layers.Dense(100)(x)
    x = keras.layers.Activation("selu")(x)
    mean = keras.layers.Dense(codings_size, name="mean")(x)
    log_var = keras.layers.Dense(codings_size, name="log_var")(x)
    encoder = keras.Model(inputs, [mean, log_var, Sampling(seed)([mean, log_var])])
    decoder = keras.Sequential([
        keras.layers.Dense(100, activation="selu"),
        keras.layers.Dense(150, activation="selu"),
        keras.layers.Dense(784, activation=keras.activations.sigmoid),
        keras.layers.Reshape((28, 28)),
    ])
    return encoder, decoder
"""),
    Case("vae_encoder_decoder", "right", "a Sequential trunk inside the functional encoder, log_var head first",
         _SAMPLING + """
def build_encoder_decoder(codings_size=10, seed=None):
    trunk = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(150, activation="selu"),
                              keras.layers.Dense(100, activation="selu")])
    log_var_head = keras.layers.Dense(codings_size)
    mean_head = keras.layers.Dense(codings_size)
    inputs = keras.Input(shape=(28, 28))
    hidden = trunk(inputs)
    codings_mean, codings_log_var = mean_head(hidden), log_var_head(hidden)
    codings = Sampling(seed=seed)([codings_mean, codings_log_var])
    encoder = keras.Model(inputs, [codings_mean, codings_log_var, codings])
    decoder = keras.Sequential([keras.Input(shape=(codings_size,)), keras.layers.Dense(100, activation="selu"),
                                keras.layers.Dense(150, activation="selu"), keras.layers.Dense(784, "sigmoid"),
                                keras.layers.Reshape((28, 28))])
    return encoder, decoder
"""),
    Case("vae_encoder_decoder", "right", "a faulty Sampling of exercise 1 does not count here",
         _WRONG_SAMPLING + _PARTS),
    Case("vae_encoder_decoder", "wrong", "Sampling gets the log-variance first",
         _parts(sampling_call="codings = Sampling(seed=seed)([codings_log_var, codings_mean])"),
         hint="in that order"),
    Case("vae_encoder_decoder", "wrong", "the encoder's outputs in another order", _SAMPLING + _PARTS.replace(
        "outputs=[codings_mean, codings_log_var, codings]", "outputs=[codings, codings_mean, codings_log_var]"),
        hint="outputs come in this order"),
    Case("vae_encoder_decoder", "wrong", "relu in the hidden layers", _parts(hidden='"relu")(z)'), hint="uses SELU"),
    Case("vae_encoder_decoder", "wrong", "no sigmoid at the output", _parts(output="activation=None"),
         hint="activation='sigmoid'"),
    Case("vae_encoder_decoder", "wrong", "the seed not passed on",
         _parts(sampling_call="codings = Sampling()([codings_mean, codings_log_var])"),
         hint="pass the seed on to the Sampling layer"),
    Case("vae_encoder_decoder", "wrong", "softplus on the log-variance head",
         _parts(log_var_head='codings_log_var = keras.layers.Dense(codings_size, activation="softplus")(z)'),
         hint="leave both heads without activation"),
    Case("vae_encoder_decoder", "wrong", "no Reshape at the end",
         _parts(reshape="outputs = x"), hint="Reshape((28, 28))"),
    Case("vae_encoder_decoder", "wrong", "the mean as the codings",
         _parts(sampling_call="codings = codings_mean"), hint="Sampling(seed=seed)([codings_mean, codings_log_var])"),
    Case("vae_encoder_decoder", "wrong", "the encoder's sizes swapped",
         _parts(first="keras.layers.Dense(100, ", second="keras.layers.Dense(150, "), hint="sizes differ"),

    # -----------------------------------------------------------------------------------------------------------
    # exercise 4: the VAE model
    Case("vae_model", "right", "the scaffold filled in", _vae(_INIT, _LOSSES, _TRAIN)),
    Case("vae_model", "right", "keras-io style train_step, with a wrong latent_loss of exercise 2",
         _vae(_INIT, _LOSSES, """        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(images)
            reconstruction = self.decoder(z)
            reconstruction_loss = ops.mean(keras.losses.binary_crossentropy(images, reconstruction))
            kl_loss = ops.mean(latent_loss(z_mean, z_log_var))
            total_loss = reconstruction_loss + kl_loss / 784
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {m.name: m.result() for m in self.metrics}
""", earlier=_SAMPLING + _WRONG_LATENT_LOSS + _PARTS)),
    Case("vae_model", "right", "a BinaryCrossentropy object, and a stub left in build_encoder_decoder",
         _vae(_INIT, """        mean, log_var, codings = self.encoder(images)
        bce = keras.losses.BinaryCrossentropy(reduction=None)
        reconstruction = ops.mean(bce(images, self.decoder(codings)), axis=-1)
        kl = latent_loss(mean, log_var)
        total = reconstruction + kl / NUM_PIXELS
        return total, reconstruction, kl
""", _TRAIN, earlier=_SAMPLING + _LATENT_LOSS + """
def build_encoder_decoder(codings_size=10, seed=None):
    raise NotImplementedError()
""")),
    Case("vae_model", "right", "a Sampling layer of the model's own, on the encoder's mean and log-variance",
         _vae(_INIT + "        self.sampling = Sampling(seed=seed)\n", """        mean, log_var, _ = self.encoder(images)
        reconstructions = self.decoder(self.sampling([mean, log_var]))
        reconstruction = ops.mean(ops.binary_crossentropy(ops.reshape(images, (-1, 784)),
                                                          ops.reshape(reconstructions, (-1, 784))), axis=-1)
        kl = latent_loss(mean, log_var)
        return reconstruction + kl / 784, reconstruction, kl
""", _TRAIN)),
    Case("vae_model", "right", "the KL written inline (latent_loss never called), exercise 2 still a stub",
         _vae(_INIT, _INLINE_KL.format(kl=_KL), _TRAIN, earlier=_SAMPLING + _STUB_LATENT_LOSS + _PARTS)),
    Case("vae_model", "wrong", "the KL written inline with the sign of log_var flipped",
         _vae(_INIT, _INLINE_KL.format(kl=_KL.replace("1 + log_var", "1 - log_var")), _TRAIN),
         hint="computes the KL itself"),
    Case("vae_model", "wrong", "trackers returned but never updated", _vae(_INIT, _LOSSES, _TRAIN, update="""        return {
            "loss": self.total_loss_tracker.result(),
            "reconstruction_loss": self.reconstruction_loss_tracker.result(),
            "kl_loss": self.kl_loss_tracker.result(),
        }
"""), hint="never updated"),
    Case("vae_model", "wrong", "KL not divided by 784", _vae(_INIT, _LOSSES.replace("kl / NUM_PIXELS", "kl"), _TRAIN),
         hint="divide the KL by 784"),
    Case("vae_model", "wrong", "cross-entropy summed over the pixels (keras-io)", _vae(_INIT, """        mean, log_var, codings = self.encoder(images)
        reconstruction = ops.sum(keras.losses.binary_crossentropy(images, self.decoder(codings)), axis=1)
        kl = latent_loss(mean, log_var)
        return reconstruction + kl / NUM_PIXELS, reconstruction, kl
""", _TRAIN), hint="summed the cross-entropy over the pixels"),
    Case("vae_model", "wrong", "no test_step", _vae(_INIT, _LOSSES, _TRAIN, test_step="        return super().test_step("
                                                    "data)\n"), hint="override test_step too"),
    Case("vae_model", "wrong", "gradient of the summed loss",
         _vae(_INIT, _LOSSES, _TRAIN.replace("ops.mean(total)", "ops.sum(total)")), hint="not its sum"),
    Case("vae_model", "wrong", "gradient of the reconstruction only",
         _vae(_INIT, _LOSSES, _TRAIN.replace("ops.mean(total)", "ops.mean(reconstruction)")),
         hint="not the reconstruction alone"),
    Case("vae_model", "wrong", "mean squared error", _vae(_INIT, """        mean, log_var, codings = self.encoder(images)
        reconstruction = ops.mean(ops.square(ops.reshape(images - self.decoder(codings), (-1, 784))), axis=-1)
        kl = latent_loss(mean, log_var)
        return reconstruction + kl / NUM_PIXELS, reconstruction, kl
""", _TRAIN), hint="mean squared error"),
    Case("vae_model", "wrong", "apply_gradients without zip",
         _vae(_INIT, _LOSSES, _TRAIN.replace("self.optimizer.apply(grads, self.trainable_weights)",
                                             "self.optimizer.apply_gradients(grads)")), hint="self.optimizer.apply("),
    Case("vae_model", "wrong", "the seed not passed on",
         _vae(_INIT.replace("(codings_size, seed=seed)", "(codings_size)"), _LOSSES, _TRAIN),
         hint="build_encoder_decoder(codings_size, seed=seed)"),

    # -----------------------------------------------------------------------------------------------------------
    # exercise 5: generating images
    Case("vae_generate", "right", "keras.random.normal and predict", """
def generate_images(decoder, n_images, seed):
    codings_size = decoder.input_shape[-1]
    codings = keras.random.normal(shape=(n_images, codings_size), seed=seed)
    return decoder.predict(codings, verbose=0)
"""),
    Case("vae_generate", "right", "a NumPy generator from the seed", """
def generate_images(decoder, n_images, seed):
    rng = np.random.default_rng(seed)
    codings = rng.standard_normal((n_images, decoder.input_shape[1])).astype("float32")
    return decoder(codings).numpy()
"""),
    Case("vae_generate", "right", "a stateless tf draw", """
def generate_images(decoder, n_images, seed):
    codings = tf.random.stateless_normal([n_images, decoder.input_shape[-1]], seed=[seed, 0])
    return ops.convert_to_numpy(decoder(codings, training=False))
"""),
    Case("vae_generate", "wrong", "uniform codings", """
def generate_images(decoder, n_images, seed):
    codings = keras.random.uniform((n_images, decoder.input_shape[-1]), seed=seed)
    return ops.convert_to_numpy(decoder(codings))
""", hint="uniform in [0, 1]"),
    Case("vae_generate", "wrong", "no seed", """
def generate_images(decoder, n_images, seed):
    codings = tf.random.normal(shape=[n_images, decoder.input_shape[-1]])
    return decoder(codings).numpy()
""", hint="same seed must give"),
    Case("vae_generate", "wrong", "the seed of the lesson hard-coded", """
def generate_images(decoder, n_images, seed):
    codings = keras.random.normal((n_images, decoder.input_shape[-1]), seed=42)
    return decoder.predict(codings, verbose=0)
""", hint="the seed argument is ignored"),
    Case("vae_generate", "wrong", "one coding for every image", """
def generate_images(decoder, n_images, seed):
    coding = keras.random.normal((1, decoder.input_shape[-1]), seed=seed)
    return ops.convert_to_numpy(decoder(ops.repeat(coding, n_images, axis=0)))
""", hint="draw different codings for each image"),
    Case("vae_generate", "wrong", "codings_size hard-coded", """
def generate_images(decoder, n_images, seed):
    codings = keras.random.normal((n_images, 10), seed=seed)
    return decoder.predict(codings, verbose=0)
""", hint="decoder.input_shape[-1]"),
    Case("vae_generate", "wrong", "pixels binarised", """
def generate_images(decoder, n_images, seed):
    codings = keras.random.normal((n_images, decoder.input_shape[-1]), seed=seed)
    return np.round(decoder.predict(codings, verbose=0))
""", hint="without changing the pixels"),

    # -----------------------------------------------------------------------------------------------------------
    # exercise 6: interpolation
    Case("vae_interpolate", "right", "ops and broadcasting", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    codings_mean, _, _ = encoder(np.stack([image_start, image_end]))
    weights = ops.reshape(ops.linspace(0.0, 1.0, n_steps), (-1, 1))
    codings = (1 - weights) * codings_mean[0] + weights * codings_mean[1]
    return ops.convert_to_numpy(decoder(codings))
"""),
    Case("vae_interpolate", "right", "a loop with predict", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    start = encoder.predict(image_start[None], verbose=0)[0][0]
    end = encoder.predict(image_end[None], verbose=0)[0][0]
    rows = []
    for w in np.linspace(0, 1, n_steps):
        rows.append(decoder.predict(((1 - w) * start + w * end)[None], verbose=0)[0])
    return np.array(rows)
"""),
    Case("vae_interpolate", "right", "start + w * (end - start)", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    means = encoder(np.array([image_start, image_end]), training=False)[0].numpy()
    steps = np.linspace(0.0, 1.0, num=n_steps)[:, np.newaxis]
    return decoder(means[0] + steps * (means[1] - means[0])).numpy()
"""),
    Case("vae_interpolate", "wrong", "half-open weights", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    codings_mean = encoder(np.stack([image_start, image_end]))[0].numpy()
    weights = np.linspace(0, 1, n_steps, endpoint=False)[:, None]
    return decoder((1 - weights) * codings_mean[0] + weights * codings_mean[1]).numpy()
""", hint="stops short of image_end"),
    Case("vae_interpolate", "wrong", "the sampled codings", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    _, _, codings = encoder(np.stack([image_start, image_end]))
    weights = np.linspace(0, 1, n_steps)[:, None]
    return ops.convert_to_numpy(decoder((1 - weights) * codings[0] + weights * codings[1]))
""", hint="not the sampled codings"),
    Case("vae_interpolate", "wrong", "the decoded images mixed", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    mean = encoder(np.stack([image_start, image_end]))[0]
    ends = ops.convert_to_numpy(decoder(mean))
    return np.array([(1 - w) * ends[0] + w * ends[1] for w in np.linspace(0, 1, n_steps)])
""", hint="mixed the decoded pixels"),
    Case("vae_interpolate", "wrong", "mixes of the input images encoded", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    weights = np.linspace(0, 1, n_steps)[:, None, None]
    mixes = ((1 - weights) * image_start + weights * image_end).astype("float32")
    return ops.convert_to_numpy(decoder(encoder(mixes)[0]))
""", hint="encoded mixes of the input images"),
    Case("vae_interpolate", "wrong", "weights the other way round", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    codings_mean = encoder(np.stack([image_start, image_end]))[0].numpy()
    weights = np.linspace(0, 1, n_steps)[:, None]
    return decoder(weights * codings_mean[0] + (1 - weights) * codings_mean[1]).numpy()
""", hint="the first image is image_start's"),
    Case("vae_interpolate", "wrong", "the log-variance taken for the codings", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    codings = encoder(np.stack([image_start, image_end]))[1].numpy()
    weights = np.linspace(0, 1, n_steps)[:, None]
    return decoder((1 - weights) * codings[0] + weights * codings[1]).numpy()
""", hint="the encoder's first output"),
    Case("vae_interpolate", "wrong", "n_steps ignored", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    codings_mean = encoder(np.stack([image_start, image_end]))[0].numpy()
    weights = np.linspace(0, 1, 7)[:, None]
    return decoder((1 - weights) * codings_mean[0] + weights * codings_mean[1]).numpy()
""", hint="n_steps images"),

    # found by a red-team batch (2026-12-07)
    Case("vae_interpolate", "right", "the lesson's own codings_means", """
def interpolate_images(encoder, decoder, image_start, image_end, n_steps=7):
    start, end = codings_means(encoder, np.stack([image_start, image_end]))
    w = np.linspace(0, 1, n_steps)[:, None]
    return decoder.predict((1 - w) * start + w * end, verbose=0)
"""),
    Case("vae_model", "wrong", "the trackers reset at every step", _vae(_INIT, _LOSSES, _TRAIN, update="""        for metric in self.metrics:
            metric.reset_state()
        self.total_loss_tracker.update_state(total)
        self.reconstruction_loss_tracker.update_state(reconstruction)
        self.kl_loss_tracker.update_state(kl)
        return {metric.name: metric.result() for metric in self.metrics}
"""), hint="never reset them in train_step or test_step"),
    Case("vae_generate", "wrong", "a truncated normal instead of the prior", """
def generate_images(decoder, n_images, seed):
    codings_size = decoder.input_shape[-1]
    codings = keras.random.truncated_normal((n_images, codings_size), seed=seed)
    return decoder.predict(codings, verbose=0)
""", hint="no tails"),
]
