"""Checks for lesson 08, the GAN's two-phase training step. Reference answer: ``solutions/gan.py``.

The probe draws a state from its seed: two tiny networks (a few codings, 2 x 2 images) with weights it sets, two
batches of real images, and the noise each call of the generator receives. It runs two ``train_step`` calls from
that state with plain SGD and reports how every weight moved and the losses the step returned; the grader compares
them with the reference's for the same state, so only a step that computes what the reference computes matches.
The networks are wrapped to record what the step does (which images the discriminator saw, which labels each
``loss_fn`` call paired with which predictions, which weights each optimizer changed, the noise the step drew);
that record only chooses the hint for a failure the values have shown, and checks that the noise is seeded.
The probe runs the steps eagerly even when the learner wrapped ``train_step`` in ``@tf.function`` (the same step), so
that the record sees values; ``fit``, which the probe also runs, compiles the step into a graph as usual. After the two
steps it resets the metrics, as ``fit`` does at each epoch, and takes a third: its report must be that step's alone.
"""

import numpy as np

from autograder.checks.exercise import Exercise, Fail, close_mask

LESSON = "08_gan"

IMAGE_SHAPE, STEPS = (2, 2), 2
D_LEARNING_RATE, G_LEARNING_RATE = 0.5, 0.7
RTOL, ATOL = 1e-3, 1e-5
NOISE_BATCH = 400  # images in the one step whose noise is measured: thousands of values

_OPTIMIZER_HINT = ("phase 1 applies the discriminator's gradients with self.d_optimizer.apply(grads, "
                   "self.discriminator.trainable_weights); phase 2 applies the generator's with "
                   "self.g_optimizer.apply(grads, self.generator.trainable_weights)")
_SEED_HINT = ("create self.seed_generator = keras.random.SeedGenerator(seed) in __init__ and draw the noise with "
              "keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)")


class _Log:
    """What one run of train steps did, in order (a plain object, so Keras does not track it).

    ``bank`` holds the noise the probe substitutes for the step's own draws: each distinct noise array the step
    draws is replaced by the next array of the bank (the same array drawn twice gets the same substitute), so the
    updates do not depend on how the learner's noise is drawn; ``raw_noise`` keeps what the step itself drew.
    """

    def __init__(self, real_images, bank):
        self.events, self.raw_noise, self.substitutes = [], [], []
        self.real = real_images.reshape(len(real_images), -1)
        self.bank = list(bank)
        self.models = {}

    def substitute(self, raw):
        for seen, replacement in self.substitutes:
            if seen.shape == raw.shape and np.array_equal(seen, raw):
                return replacement
        if self.bank and raw.shape == self.bank[0].shape:
            self.substitutes.append((raw, self.bank.pop(0)))
            return self.substitutes[-1][1]
        return None


def _eager(tensor):
    """True when ``tensor`` holds values (an eager call), False while Keras or tf.function trace the step."""
    import keras
    import tensorflow as tf

    return tf.executing_eagerly() and not isinstance(tensor, keras.KerasTensor)


def _recording_classes():
    import keras
    import tensorflow as tf

    class RecordingModel(keras.Model):
        """Calls ``inner`` and logs its inputs, outputs and ``training`` flag when running eagerly."""

        def __init__(self, inner, role, log):
            super().__init__(name=f"recording_{role}")
            self.inner = inner
            self.role = role
            self.recorder = (log,)  # a tuple: not tracked by Keras

        def call(self, inputs, training=None):
            log = self.recorder[0]
            if self.role == "generator" and _eager(inputs):
                raw = np.array(inputs, dtype=np.float32)
                log.raw_noise.append(raw)
                replacement = log.substitute(raw)
                if replacement is not None:
                    inputs = tf.constant(replacement)
            outputs = self.inner(inputs, training=training)
            if _eager(outputs):
                log.events.append({"event": self.role, "inputs": np.array(inputs, dtype=np.float64),
                                   "outputs": np.array(outputs, dtype=np.float64), "training": training is True})
            return outputs

    class RecordingSGD(keras.optimizers.SGD):
        """Plain SGD that logs which of the two networks each ``apply`` call changed."""

        def __init__(self, label, learning_rate, log):
            super().__init__(learning_rate=learning_rate)
            self.label = label
            self.recorder = (log,)

        def apply(self, grads, trainable_variables=None):
            log = self.recorder[0]
            before = {name: [np.array(w) for w in model.trainable_weights] for name, model in log.models.items()}
            try:
                result = super().apply(grads, trainable_variables)
            except ValueError as error:
                if "Unknown variable" not in str(error):
                    raise
                raise Fail("optimizer use", "one optimizer per network", "one optimizer given both networks' weights",
                           _OPTIMIZER_HINT) from None
            log.events.append({"event": "apply", "optimizer": self.label,
                               "changed": sorted(name for name, model in log.models.items() if _moved(
                                   before[name], model))})
            return result

    return RecordingModel, RecordingSGD


def _weights(models):
    """A float64 copy of each network's trainable weights, to tell later which of them a step moved."""
    return {name: [np.array(w, dtype=np.float64) for w in model.trainable_weights] for name, model in models.items()}


def _losses(logs):
    """The one-number entries of what ``train_step`` returned, as floats."""
    logs = dict(logs) if isinstance(logs, dict) else {}
    return {key: float(np.asarray(value)) for key, value in logs.items() if np.asarray(value).size == 1}


def _describe(error):
    """An error as its type and the first line of its message: enough to choose and show a hint."""
    return f"{type(error).__name__}: {str(error).strip().splitlines()[0][:300] if str(error).strip() else ''}"


def _moved(before, model):
    return any(not np.array_equal(old, np.array(new)) for old, new in zip(before, model.trainable_weights))


def _tiny_models(codings_size):
    """Tiny networks. The generator's batch normalization and the discriminator's scaling layer behave differently
    in training, so a step that forgets ``training=True`` moves the weights differently."""
    import keras
    from keras import layers

    class TrainingScale(layers.Layer):
        def call(self, inputs, training=None):
            return inputs * 0.5 if training else inputs

    generator = keras.Sequential([keras.Input(shape=(codings_size,)), layers.Dense(4), layers.BatchNormalization(),
                                  layers.Activation("sigmoid"), layers.Reshape(IMAGE_SHAPE)])
    discriminator = keras.Sequential([keras.Input(shape=IMAGE_SHAPE), layers.Flatten(),
                                      layers.Dense(3, activation="tanh"), TrainingScale(),
                                      layers.Dense(1, activation="sigmoid")])
    return generator, discriminator


def _draw_state(rng):
    """The state two steps start from, all drawn from the probe's seed."""
    codings_size, batch_size = int(rng.integers(3, 6)), int(rng.integers(4, 6))
    networks = _tiny_models(codings_size)
    weights = [[rng.uniform(0.5, 1.5, size=w.shape) if "moving_variance" in w.path else
                rng.normal(scale=0.8, size=w.shape) for w in network.weights] for network in networks]
    return {"codings_size": codings_size, "seed": int(rng.integers(1, 2**16)), "weights": weights,
            "real": rng.uniform(0.05, 0.95, size=(STEPS, batch_size, *IMAGE_SHAPE)).astype("float32"),
            "bank": rng.normal(size=(2 * STEPS + 2, batch_size, codings_size)).astype("float32")}


def _run_steps(GAN, state, d_learning_rate=D_LEARNING_RATE, seed=None, steps=STEPS, after_reset=False):
    """Run ``steps`` eager train steps from ``state`` on recording networks; returns what they did. With
    ``after_reset``, then reset the metrics (as fit does at each epoch's start) and report one more step's losses."""
    import keras
    import tensorflow as tf

    RecordingModel, RecordingSGD = _recording_classes()
    log = _Log(state["real"][:steps].reshape(-1, *IMAGE_SHAPE), state["bank"])
    generator, discriminator = _tiny_models(state["codings_size"])
    generator.set_weights(state["weights"][0])
    discriminator.set_weights(state["weights"][1])
    log.models = {"generator": generator, "discriminator": discriminator}
    bce = keras.losses.BinaryCrossentropy(label_smoothing=0.2)  # not the default: a step must use this loss_fn

    def loss_fn(y_true, y_pred):
        value = bce(y_true, y_pred)
        if _eager(value):
            log.events.append({"event": "loss", "y_true": np.array(y_true, dtype=np.float64).ravel(),
                               "y_pred": np.array(y_pred, dtype=np.float64).ravel(), "value": float(value)})
        return value

    gan = GAN(RecordingModel(generator, "generator", log), RecordingModel(discriminator, "discriminator", log),
              state["codings_size"], seed=state["seed"] if seed is None else seed)
    gan.compile(d_optimizer=RecordingSGD("d", d_learning_rate, log),
                g_optimizer=RecordingSGD("g", G_LEARNING_RATE, log), loss_fn=loss_fn)
    before = _weights(log.models)
    returned, first_step, log.first_updates, log.moved, log.after_reset = None, None, None, [], None
    # a train_step wrapped in @tf.function (as TensorFlow's DCGAN tutorial does) is the same step: run it eagerly so
    # that the recording sees its values and substitutes the noise
    functions_eagerly = tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(True)
    try:
        for batch in state["real"][:steps]:
            start = _weights(log.models)
            returned = gan.train_step(tf.constant(batch))
            now = _weights(log.models)
            log.moved.append(sorted(name for name in now if not _close(now[name], start[name], exact=True)))
            if first_step is None:
                first_step = log.events[:]
                log.first_updates = [[new - old for new, old in zip(now[name], before[name])]
                                     for name in ("discriminator", "generator")]
        updates = {name: [w - old for w, old in zip(now[name], before[name])] for name in now}
        draws = len(log.raw_noise)
        if after_reset:
            try:
                gan.reset_metrics()  # what fit does at each epoch's start: every tracker listed in metrics restarts
            except Exception:  # noqa: BLE001 - metrics that are not a list: fit fails too, which reports it
                pass
            else:
                log.after_reset = _losses(gan.train_step(tf.constant(state["real"][0])))
            log.raw_noise = log.raw_noise[:draws]  # the noise checks look at the two steps' draws only
    finally:
        tf.config.run_functions_eagerly(functions_eagerly)
    log.first_step = first_step or []
    return log, updates, _losses(returned)


def _default_seed_error(GAN, state):
    """None, or the error of a GAN made without a seed (the default, seed=None) and trained one step."""
    import keras
    import tensorflow as tf

    generator, discriminator = _tiny_models(state["codings_size"])
    try:
        gan = GAN(generator, discriminator, state["codings_size"])
        gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1),
                    loss_fn=keras.losses.BinaryCrossentropy())
        gan.train_step(tf.constant(state["real"][0]))
    except Exception as error:  # noqa: BLE001 - reported with a hint
        return _describe(error)
    return None


def _match(values, bank, atol=1e-6):
    """Index in ``bank`` (rows) of each row of ``values``, or -1."""
    values, bank = np.asarray(values).reshape(len(values), -1), np.asarray(bank)
    if len(bank) == 0 or bank.shape[1] != values.shape[1]:
        return np.full(len(values), -1)
    close = np.all(np.abs(values[:, None, :] - bank[None, :, :]) <= atol, axis=2)
    return np.where(close.any(axis=1), close.argmax(axis=1), -1)


def _analyse(log):
    """Group the log into phases (runs of applies by the same optimizer) with the labels of real and fake images."""
    fakes = np.zeros((0, int(np.prod(IMAGE_SHAPE))))
    outputs = []  # (value, kind) of every discriminator output so far
    phases, pending, swapped = [], [], False
    for event in log.first_step:
        if event["event"] == "generator":
            fakes = np.vstack([fakes, event["outputs"].reshape(len(event["outputs"]), -1)])
        elif event["event"] == "discriminator":
            inputs = event["inputs"].reshape(len(event["inputs"]), -1)
            is_real = _match(inputs, log.real) >= 0
            is_fake = _match(inputs, fakes) >= 0
            kinds = np.where(is_real, "real", np.where(is_fake, "fake", "other"))
            outputs.extend(zip(event["outputs"].ravel(), kinds))
        elif event["event"] == "loss":
            bank = np.array([value for value, _ in outputs]).reshape(-1, 1)
            where = _match(event["y_pred"].reshape(-1, 1), bank, atol=1e-7)
            if np.any(where < 0) and np.all(_match(event["y_true"].reshape(-1, 1), bank, atol=1e-7) >= 0):
                swapped = True
            pending.append([(outputs[i][1] if i >= 0 else "other", float(label))
                            for i, label in zip(where, event["y_true"])] if len(event["y_true"]) == len(where)
                           else [("other", float("nan"))])
        elif event["event"] == "apply":
            if phases and phases[-1]["optimizer"] == event["optimizer"]:
                phase = phases[-1]
            else:
                phase = {"optimizer": event["optimizer"], "changed": [], "pairs": []}
                phases.append(phase)
            phase["changed"] = sorted(set(phase["changed"]) | set(event["changed"]))
            phase["pairs"] += [pair for loss in pending for pair in loss]
            pending = []
    summary = []
    for phase in phases:
        pairs = phase.pop("pairs")
        for kind in ("fake", "real", "other"):
            phase[f"{kind}_labels"] = [label for k, label in pairs if k == kind]
        summary.append(phase)
    return summary, swapped


def _noise_statistics(GAN, state, batch_size=NOISE_BATCH):
    """Mean, variance and count of all the noise one train step draws for a batch of ``batch_size`` images (the
    step's own draws, not substituted): enough values to tell standard normal noise from a scaled or truncated one."""
    one_big_batch = {**state, "real": np.full((1, batch_size, *IMAGE_SHAPE), 0.5, "float32"), "bank": []}
    try:
        log, _, _ = _run_steps(GAN, one_big_batch, steps=1)
    except Exception:  # noqa: BLE001 - a step that fails here failed the main run too, which reports it
        return None
    values = np.concatenate([noise.ravel() for noise in log.raw_noise]) if log.raw_noise else np.zeros(0)
    if not values.size:
        return None
    return {"n": int(values.size), "mean": float(values.mean()), "var": float(values.var())}


def _fit_error(GAN, state):
    """Train with fit (which compiles the step into a graph) for one epoch of two batches: None or the error."""
    import keras
    import tensorflow as tf

    generator, discriminator = _tiny_models(state["codings_size"])
    gan = GAN(generator, discriminator, state["codings_size"], seed=state["seed"])
    gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1),
                loss_fn=keras.losses.BinaryCrossentropy())
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")  # each probe traces a new step: TensorFlow's retracing warning would only confuse
    try:
        history = gan.fit(state["real"].reshape(-1, *IMAGE_SHAPE), batch_size=len(state["real"][0]), epochs=1,
                          verbose=0, shuffle=False).history
    except Exception as error:  # noqa: BLE001 - the learner's step fails once compiled: reported with a hint
        return _describe(error)
    finally:
        logger.setLevel(level)
    missing = sorted({"d_loss", "g_loss"} - set(history))
    if missing:
        return f"the history has no {' and no '.join(missing)}"
    if not all(np.all(np.isfinite(history[key])) for key in ("d_loss", "g_loss")):
        return "the losses are NaN or infinite"
    return None


def _close(got, expected, exact=False):
    """True when two lists of arrays have the same shapes and agree within the check's tolerance (or exactly)."""
    return len(got) == len(expected) and all(
        np.shape(g) == np.shape(e) and (np.array_equal(g, e) if exact else bool(np.all(close_mask(g, e, RTOL, ATOL))))
        for g, e in zip(got, expected))


def _ratio(got, expected):
    """The factor ``r`` for which ``got`` (a list of arrays) is ``r`` times ``expected``, or None."""
    if len(got) != len(expected) or any(np.shape(g) != np.shape(e) for g, e in zip(got, expected)):
        return None
    g, e = (np.concatenate([np.ravel(a) for a in arrays]) for arrays in (got, expected))
    if not e.size or not np.any(e):
        return None
    ratio = float(g @ e / (e @ e))
    return ratio if bool(np.all(close_mask(g, ratio * e, RTOL, ATOL))) else None


class GanTrainStep(Exercise):
    name = "gan_train_step"
    title = "GAN two-phase training step"
    answer = "solutions.gan:GAN"
    points = 4

    def probe(self, GAN, rng):
        state = _draw_state(rng)
        log, updates, returned = _run_steps(GAN, state, after_reset=True)
        # A phase-1 loss that sums the fakes' and the real images' mean losses (as TensorFlow's DCGAN tutorial does)
        # is twice the mean: with half the learning rate it takes the reference's step.
        log_half, updates_half, returned_half = _run_steps(GAN, state, d_learning_rate=D_LEARNING_RATE / 2,
                                                           after_reset=True)
        other_seed, _, _ = _run_steps(GAN, state, seed=state["seed"] + 1, steps=1)
        phases, swapped = _analyse(log)
        calls = [e for e in log.first_step if e["event"] in ("generator", "discriminator")]
        first_noise = lambda run: run.raw_noise[0] if run.raw_noise else np.zeros(0)  # noqa: E731
        return {
            "updates": [updates["discriminator"], updates["generator"]],
            "updates_half": [updates_half["discriminator"], updates_half["generator"]],
            "returned": returned, "returned_half": returned_half,
            "after_reset": log.after_reset, "after_reset_half": log_half.after_reset,
            "first_updates": log.first_updates, "moved_per_step": log.moved,
            "default_seed_error": _default_seed_error(GAN, state),
            "noise_shapes": [list(noise.shape) for noise in log.raw_noise],
            "noise_min": float(min((noise.min() for noise in log.raw_noise if noise.size), default=0.0)),
            "same_seed_same_noise": bool(np.array_equal(first_noise(log), first_noise(log_half))),
            "repeated_noise": bool(any(np.array_equal(a, b) for i, a in enumerate(log.raw_noise)
                                       for b in log.raw_noise[i + 1:])),
            "noise_statistics": _noise_statistics(GAN, state),
            "other_seed_other_noise": not np.array_equal(first_noise(log), first_noise(other_seed)),
            "phases": phases, "swapped_arguments": swapped, "recorded": bool(log.first_step),
            "losses_recorded": any(e["event"] == "loss" for e in log.first_step),
            "not_training": sorted({e["event"] for e in calls if not e["training"]}),
            "generator_calls": len([e for e in calls if e["event"] == "generator"]),
            "fit_error": _fit_error(GAN, state),
        }

    def error_hint(self, error):
        if "No gradients provided" in str(error):
            return ("a GradientTape saw no path from its loss to the weights: in phase 1 call the discriminator "
                    "inside the tape; in phase 2 make the fakes inside the tape too (fakes generated before it carry "
                    "no gradient back to the generator)")
        return None

    def verify(self, got, expected):
        if got["fit_error"]:
            hint = ("fit compiles train_step into a graph where the batch size is unknown: take it with "
                    "ops.shape(real_images)[0], not real_images.shape[0] or len(real_images), and return the "
                    "trackers' results as {'d_loss': ..., 'g_loss': ...}")
            if "must call `compile()`" in got["fit_error"]:
                hint = ("call super().compile(**kwargs) in your compile before storing the optimizers and loss_fn: "
                        "only then does Keras count the model as compiled, and fit refuses a model that is not")
            elif "'method' object is not iterable" in got["fit_error"]:
                hint = ("metrics must be a @property (write @property above def metrics(self)): Keras reads "
                        "self.metrics as a list of trackers, it does not call it")
            elif "singleton" in got["fit_error"] or "SeedGenerator" in got["fit_error"]:
                hint = ("make the SeedGenerator once, in __init__ (self.seed_generator = keras.random.SeedGenerator("
                        "seed)): one made inside train_step creates new variables each time fit's compiled step "
                        "runs, which a graph cannot do")
            raise Fail("training with fit", "no error", got["fit_error"], hint)
        scale = next((factor for factor, key in ((1.0, "updates"), (2.0, "updates_half"))
                      if len(got[key]) == len(expected["updates"]) and
                      all(_close(g, e) for g, e in zip(got[key], expected["updates"]))), None)
        if scale is None:
            which = [name for name, g, e in zip(("discriminator", "generator"), got["updates"], expected["updates"])
                     if not _close(g, e)]
            raise Fail("how two train steps from the grader's state moved the weights", "the reference's updates",
                       f"other updates of the {' and the '.join(which)}", self._diagnose(got, expected))
        self._verify_reports(got["returned" if scale == 1 else "returned_half"], expected["returned"], scale)
        self._verify_reset(got["after_reset" if scale == 1 else "after_reset_half"], expected["after_reset"], scale)
        self._verify_noise(got)

    @staticmethod
    def _verify_reset(returned, expected, scale):
        """After reset_metrics (what fit does at each epoch's start) a step reports its own losses only: a tracker
        missing from the metrics property is never reset, and its history is a running mean across epochs."""
        returned = returned or {}
        wanted = {"d_loss": scale * expected["d_loss"], "g_loss": expected["g_loss"]}
        stale = [key for key in ("d_loss", "g_loss") if key not in returned or
                 not np.isclose(returned[key], wanted[key], rtol=RTOL, atol=ATOL)]
        if stale:
            raise Fail("losses of one step after reset_metrics() (what fit does at each epoch's start)",
                       f"({wanted['d_loss']:.4g}, {wanted['g_loss']:.4g})",
                       f"({returned.get('d_loss', float('nan')):.4g}, {returned.get('g_loss', float('nan')):.4g})",
                       f"the {' and the '.join(stale)} tracker was not reset, so the history would report a running "
                       "mean across epochs: list both trackers in the metrics property, return [self.d_loss_tracker, "
                       "self.g_loss_tracker], so that Keras resets them at every epoch")

    @staticmethod
    def _verify_reports(returned, expected, scale):
        if not {"d_loss", "g_loss"} <= set(returned):
            raise Fail("what train_step returns", "a dict with d_loss and g_loss", sorted(returned),
                       'return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}')
        wanted = (scale * expected["d_loss"], expected["g_loss"])
        got = (returned["d_loss"], returned["g_loss"])
        if any(np.shape(value) != () for value in got):
            raise Fail("losses returned after two steps (d_loss, g_loss)", "two numbers",
                       f"shapes {[list(np.shape(value)) for value in got]}",
                       "return the trackers' results, each one number: self.d_loss_tracker.result()")
        if np.allclose(got, wanted, rtol=RTOL, atol=ATOL):
            return
        hint = ("update the trackers with the two phases' losses (self.d_loss_tracker.update_state(d_loss), "
                "self.g_loss_tracker.update_state(g_loss)) and return their results: over two steps they report "
                "the mean of both steps' losses")
        if np.allclose(got[::-1], wanted, rtol=RTOL, atol=ATOL):
            hint = "d_loss and g_loss are swapped: d_loss is phase 1's loss, g_loss phase 2's"
        raise Fail("losses returned after two steps (d_loss, g_loss)", f"({wanted[0]:.4g}, {wanted[1]:.4g})",
                   f"({got[0]:.4g}, {got[1]:.4g})", hint)

    @staticmethod
    def _verify_noise(got):
        if got["default_seed_error"]:
            raise Fail("a GAN made without a seed (seed=None, the default)", "no error", got["default_seed_error"],
                       "seed the noise, not the whole program: make self.seed_generator = keras.random.SeedGenerator("
                       "seed) in __init__ (it accepts None) and draw every noise with seed=self.seed_generator, "
                       "not keras.utils.set_random_seed(seed) and unseeded draws")
        if not got["same_seed_same_noise"]:
            raise Fail("noise for the same seed", "the same noise", "other noise", _SEED_HINT)
        if not got["other_seed_other_noise"]:
            raise Fail("noise for another seed", "other noise", "the same noise",
                       "make the SeedGenerator from the seed given to __init__: keras.random.SeedGenerator(seed)")
        if got["noise_min"] >= 0:
            raise Fail("the noise's values", "standard normal (negative values too)", "no negative value",
                       "draw the noise with keras.random.normal, as the generator was trained on")
        stats = got.get("noise_statistics")
        if stats and (abs(stats["var"] - 1) > 6 * np.sqrt(2 / stats["n"]) or
                      abs(stats["mean"]) > 6 / np.sqrt(stats["n"])):
            raise Fail(f"mean and variance of the noise one step drew ({stats['n']:,} values)", "0 and 1",
                       f"{stats['mean']:.3f} and {stats['var']:.3f}",
                       "the noise is standard normal: keras.random.normal((batch_size, self.codings_size), "
                       "seed=self.seed_generator), with its default mean 0 and stddev 1, not scaled or truncated")

    def _diagnose(self, got, expected):
        """The hint for updates that differ from the reference's: the first mistake the record shows."""
        if not got["recorded"]:
            return "call the networks and self.loss_fn directly in train_step, the generator on the noise it draws"
        if not got["losses_recorded"]:
            return "compute both phases' losses with the loss_fn given to compile, stored as self.loss_fn"
        if got["swapped_arguments"]:
            return "Keras losses take the targets first: self.loss_fn(labels, predictions)"
        try:
            self._verify_phases(got["phases"])
        except Fail as failure:
            return failure.hint
        moved = got["moved_per_step"]
        if "discriminator" in moved[0] and any("discriminator" not in names for names in moved[1:]):
            return ("the discriminator learned in the first step but not in the next one: what a step switches off "
                    "must not outlast it; if phase 2 sets self.discriminator.trainable = False, set it back to True "
                    "after phase 2 (or take phase 2's gradients for self.generator.trainable_weights only)")
        if got["not_training"]:
            return (f"call the {' and the '.join(got['not_training'])} with training=True in train_step: batch "
                    f"normalization and dropout behave differently while training")
        if got["generator_calls"] < 2:
            return ("phase 2 draws new noise and makes new fakes inside its GradientTape: reusing phase 1's fakes "
                    "trains the generator on other images")
        if got.get("repeated_noise"):
            return ("every draw of noise must be new: phase 2 draws its own noise (not phase 1's), and an integer "
                    "seed repeats the same draw at every call; draw with seed=self.seed_generator, a "
                    "keras.random.SeedGenerator(seed) made in __init__")
        ratio = _ratio(got["first_updates"][0], expected["first_updates"][0])
        if ratio is not None and not np.isclose(ratio, 1, rtol=0.01):
            return (f"the discriminator's first update is {ratio:.3g} times the reference's: phase 1's loss is "
                    f"scaled by {ratio:.3g}; d_loss is self.loss_fn(labels, predictions) on the fakes and real images "
                    "together (or the sum of their two losses), not halved or otherwise scaled")
        return ("follow the two phases of the lesson: the discriminator's loss on fakes (0) and real images (1), "
                "one d_optimizer step; then new fakes labelled 1, one g_optimizer step")

    def _verify_phases(self, phases):
        optimizers = [phase["optimizer"] for phase in phases]
        if optimizers == ["g", "d"] and [phase["changed"] for phase in phases] == [["discriminator"], ["generator"]]:
            raise Fail("optimizer updates, in order", hint=(
                "the optimizers are crossed: g_optimizer updated the discriminator and d_optimizer the generator; "
                "compile stores self.d_optimizer = d_optimizer and self.g_optimizer = g_optimizer, phase 1 applies "
                "self.d_optimizer and phase 2 self.g_optimizer"))
        if optimizers == ["g", "d"]:
            raise Fail("optimizer updates, in order", hint=(
                "the generator was updated before the discriminator: phase 1 trains the discriminator (its own tape, "
                "self.d_optimizer); only then does phase 2 draw new noise and train the generator against the "
                "updated discriminator (computing both losses in one pass, as TensorFlow's DCGAN tutorial does, "
                "trains the generator against the discriminator before its update)"))
        if optimizers != ["d", "g"]:
            raise Fail("optimizer updates, in order", hint=_OPTIMIZER_HINT)
        d_phase, g_phase = phases
        if "generator" in d_phase["changed"]:
            raise Fail("phase 1", hint="the generator was updated in phase 1: take phase 1's gradients with respect "
                                       "to self.discriminator.trainable_weights only")
        if "discriminator" not in d_phase["changed"]:
            raise Fail("phase 1", hint="the discriminator did not learn in phase 1: call it inside the GradientTape "
                                       "and take the gradient of its loss with respect to "
                                       "self.discriminator.trainable_weights")
        if "discriminator" in g_phase["changed"]:
            raise Fail("phase 2", hint="the discriminator was updated in phase 2: it must stay frozen while the "
                                       "generator learns; take phase 2's gradients with respect to "
                                       "self.generator.trainable_weights only")
        if "generator" not in g_phase["changed"]:
            raise Fail("phase 2", hint="the generator did not learn in phase 2: generate the fakes inside the "
                                       "GradientTape so that the gradient flows from the discriminator's verdict "
                                       "back into the generator")
        self._verify_phase_1(d_phase)
        self._verify_phase_2(g_phase, len(d_phase["real_labels"]))

    @staticmethod
    def _verify_phase_1(phase):
        fake, real, other = phase["fake_labels"], phase["real_labels"], phase["other_labels"]
        if not (fake or real or other):
            raise Fail("phase 1's loss", "self.loss_fn", "another loss",
                       "compute phase 1's loss with self.loss_fn, the loss given to compile")
        if other:
            raise Fail("what the discriminator is trained on in phase 1", "fakes and real images",
                       f"{len(other)} other predictions",
                       "feed the discriminator the generator's fakes and the real batch (and nothing else), and pass "
                       "its predictions for them to loss_fn")
        if not real:
            raise Fail("real images in phase 1", "the real batch labelled 1", "none",
                       "the discriminator must also see the real batch, labelled 1")
        if not fake:
            raise Fail("fakes in phase 1", "a batch of fakes labelled 0", "none",
                       "the discriminator must also see a batch of fakes from the generator, labelled 0")
        if len(fake) != len(real):
            raise Fail("number of fakes in phase 1", len(real), len(fake),
                       "make as many fakes as there are real images: batch_size = ops.shape(real_images)[0]")
        fake_all_one, real_all_zero = np.allclose(fake, 1), np.allclose(real, 0)
        if fake_all_one and real_all_zero:
            raise Fail("phase 1 labels (fakes, real images)", "(0, 1)", "(1, 0)",
                       "the labels are swapped: fakes get 0 and real images get 1")
        if fake_all_one:
            raise Fail("phase 1 labels of the fakes", 0, 1,
                       "fakes are labelled 1 in phase 1: the discriminator must learn to say 0 for fakes")
        if real_all_zero:
            raise Fail("phase 1 labels of the real images", 1, 0, "real images are labelled 1")
        if not (np.allclose(fake, 0) and np.allclose(real, 1)):
            raise Fail("phase 1 labels (fakes, real images)", "(0, 1)",
                       f"({np.round(np.mean(fake), 3)}, {np.round(np.mean(real), 3)}) on average",
                       "label every fake 0 and every real image 1")

    @staticmethod
    def _verify_phase_2(phase, batch_size):
        fake, real, other = phase["fake_labels"], phase["real_labels"], phase["other_labels"]
        if not (fake or real or other):
            raise Fail("phase 2's loss", "self.loss_fn", "another loss",
                       "compute phase 2's loss with self.loss_fn, the loss given to compile, not a loss of its own")
        if real:
            raise Fail("images in phase 2", "fakes only", f"{len(real)} real images too",
                       "phase 2 trains the generator: the discriminator judges a fresh batch of fakes only")
        if other or not fake:
            raise Fail("what phase 2's loss is computed on", "the discriminator's predictions for new fakes",
                       f"{len(other)} other predictions", "phase 2's loss is loss_fn(ones, discriminator(fakes))")
        if len(fake) != batch_size:
            raise Fail("number of fakes in phase 2", batch_size, len(fake),
                       "phase 2 trains the generator on a new batch of as many fakes as there are real images: "
                       "batch_size = ops.shape(real_images)[0] of them")
        if np.allclose(fake, 0):
            raise Fail("phase 2 labels of the fakes", 1, 0,
                       "in phase 2 the fakes are labelled 1 ('real'): the generator learns to fool the "
                       "discriminator, so its target is the discriminator saying 'real'")
        if not np.allclose(fake, 1):
            raise Fail("phase 2 labels of the fakes", 1, f"{np.round(np.mean(fake), 3)} on average",
                       "label every fake 1 in phase 2")


EXERCISES = [GanTrainStep()]
