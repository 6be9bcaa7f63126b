"""Checks for lesson 08, the GAN's two-phase training step. Reference answer: ``solutions/gan.py``.

The probe runs one ``train_step`` eagerly on tiny models (3 codings, 2 x 2 images, batch of 4) wrapped so that
everything the step does is recorded: which images the discriminator saw (real, fake or something else), which
labels each call of ``loss_fn`` paired with which predictions, and which weights each optimizer call changed.
"""

import numpy as np

from autograder.exercise import Exercise, Fail

LESSON = "08_gan"

CODINGS_SIZE, BATCH_SIZE, IMAGE_SHAPE = 3, 4, (2, 2)


_OPTIMIZER_HINT = ("phase 1 applies the discriminator's gradients with self.d_optimizer.apply(grads, "
                   "self.discriminator.trainable_weights); phase 2 applies the generator's with "
                   "self.g_optimizer.apply(grads, self.generator.trainable_weights)")


class _Log:
    """The events of one training step, in order (a plain object, so Keras does not track it)."""

    def __init__(self, real_images):
        self.events = []
        self.real = real_images.reshape(len(real_images), -1)
        self.models = {}


def _eager(tensor):
    """True when ``tensor`` holds values (an eager call), False while Keras or tf.function trace the step."""
    import keras
    import tensorflow as tf

    return tf.executing_eagerly() and not isinstance(tensor, keras.KerasTensor)


def _recording_classes():
    import keras

    class RecordingModel(keras.Model):
        """Calls ``inner`` and logs its inputs and outputs when running eagerly."""

        def __init__(self, inner, role, log):
            super().__init__(name=f"recording_{role}")
            self.inner = inner
            self.role = role
            self.recorder = (log,)  # a tuple: not tracked by Keras

        def call(self, inputs, training=None):
            outputs = self.inner(inputs, training=training)
            if _eager(outputs):
                self.recorder[0].events.append({"event": self.role, "inputs": np.array(inputs, dtype=np.float64),
                                                "outputs": np.array(outputs, dtype=np.float64)})
            return outputs

    class RecordingSGD(keras.optimizers.SGD):
        """Plain SGD that logs which of the two models each ``apply`` call changed."""

        def __init__(self, label, log):
            super().__init__(learning_rate=0.5)
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


def _moved(before, model):
    return any(not np.array_equal(old, np.array(new)) for old, new in zip(before, model.trainable_weights))


def _tiny_models():
    import keras
    from keras import layers

    generator = keras.Sequential([keras.Input(shape=(CODINGS_SIZE,)), layers.Dense(4, activation="sigmoid"),
                                  layers.Reshape(IMAGE_SHAPE)])
    discriminator = keras.Sequential([keras.Input(shape=IMAGE_SHAPE), layers.Flatten(),
                                      layers.Dense(1, activation="sigmoid")])
    return generator, discriminator


def _match(values, bank, atol=1e-6):
    """Index in ``bank`` (rows) of each row of ``values``, or -1."""
    values, bank = np.asarray(values).reshape(len(values), -1), np.asarray(bank)
    if len(bank) == 0 or bank.shape[1] != values.shape[1]:
        return np.full(len(values), -1)
    close = np.all(np.abs(values[:, None, :] - bank[None, :, :]) <= atol, axis=2)
    return np.where(close.any(axis=1), close.argmax(axis=1), -1)


def _one_step(GAN, real_images, weights, gan_seed):
    """Run one eager train_step on recording models; returns the log and the step's returned logs."""
    import keras
    import tensorflow as tf

    RecordingModel, RecordingSGD = _recording_classes()
    log = _Log(real_images)
    generator, discriminator = _tiny_models()
    generator.set_weights(weights[0])
    discriminator.set_weights(weights[1])
    log.models = {"generator": generator, "discriminator": discriminator}
    bce = keras.losses.BinaryCrossentropy()

    def loss_fn(y_true, y_pred):
        value = bce(y_true, y_pred)
        if _eager(value):
            log.events.append({"event": "loss", "y_true": np.array(y_true, dtype=np.float64).ravel(),
                               "y_pred": np.array(y_pred, dtype=np.float64).ravel(), "value": float(value)})
        return value

    gan = GAN(generator=RecordingModel(generator, "generator", log),
              discriminator=RecordingModel(discriminator, "discriminator", log), codings_size=CODINGS_SIZE,
              seed=gan_seed)
    gan.compile(d_optimizer=RecordingSGD("d", log), g_optimizer=RecordingSGD("g", log), loss_fn=loss_fn)
    before = {name: [np.array(w) for w in model.trainable_weights] for name, model in log.models.items()}
    returned = gan.train_step(tf.constant(real_images))
    moved = sorted(name for name, model in log.models.items() if _moved(before[name], model))
    returned = {key: float(np.asarray(value)) for key, value in dict(returned or {}).items()
                if np.asarray(value).size == 1}
    return log, returned, moved


def _analyse(log):
    """Group the log into phases (runs of applies by the same optimizer) with the labels of real and fake images."""
    fakes = np.zeros((0, int(np.prod(IMAGE_SHAPE))))
    outputs = []  # (value, kind) of every discriminator output so far
    phases, pending, swapped = [], [], False
    for event in log.events:
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


class GanTrainStep(Exercise):
    name = "gan_train_step"
    title = "GAN two-phase training step"
    answer = "solutions.gan:GAN"
    points = 4

    def probe(self, GAN, rng):
        import keras

        real_images = rng.uniform(0.05, 0.95, size=(BATCH_SIZE, *IMAGE_SHAPE)).astype("float32")
        generator, discriminator = _tiny_models()
        weights = (generator.get_weights(), discriminator.get_weights())
        log, returned, moved = _one_step(GAN, real_images, weights, gan_seed=7)
        if not log.events:
            raise Fail("what one train_step did", "calls of the generator, the discriminator and loss_fn", "none seen",
                       "call the networks and self.loss_fn directly in train_step, and do not wrap it in "
                       "@tf.function: fit compiles it for you")
        if not any(event["event"] == "loss" for event in log.events):
            raise Fail("losses computed with loss_fn", "calls of self.loss_fn(labels, predictions)", "none",
                       "compute both phases' losses with the loss_fn given to compile, stored as self.loss_fn")
        phases, swapped = _analyse(log)
        first_fakes = [e["outputs"] for e in log.events if e["event"] == "generator"][:1]
        # the same seed and the same weights must give the same noise, hence the same fakes
        log_again, _, _ = _one_step(GAN, real_images, weights, gan_seed=7)
        again = [e["outputs"] for e in log_again.events if e["event"] == "generator"][:1]
        deterministic = bool(first_fakes and again and np.allclose(first_fakes[0], again[0], atol=1e-6))

        fit_gan = GAN(generator=generator, discriminator=discriminator, codings_size=CODINGS_SIZE, seed=3)
        fit_gan.compile(d_optimizer=keras.optimizers.SGD(0.1), g_optimizer=keras.optimizers.SGD(0.1),
                        loss_fn=keras.losses.BinaryCrossentropy())
        history = fit_gan.fit(np.concatenate([real_images, real_images]), batch_size=BATCH_SIZE, epochs=1,
                              verbose=0).history
        return {
            "phases": phases, "swapped_arguments": swapped, "deterministic": deterministic,
            "returned": returned, "moved": moved,
            "loss_values": [e["value"] for e in log.events if e["event"] == "loss"],
            "loss_phases": _loss_phases(log),
            "fit_keys": sorted(history), "fit_finite": bool(all(np.all(np.isfinite(v)) for v in history.values())),
        }

    def verify(self, got, expected):
        phases = got["phases"]
        if got["swapped_arguments"]:
            raise Fail("loss_fn's arguments", "loss_fn(labels, predictions)", "loss_fn(predictions, labels)",
                       "Keras losses take the targets first: self.loss_fn(labels, predictions)")
        optimizers = [phase["optimizer"] for phase in phases]
        if optimizers != ["d", "g"]:
            raise Fail("optimizer updates, in order", "d_optimizer (phase 1), then g_optimizer (phase 2)",
                       " then ".join(f"{o}_optimizer" for o in optimizers) or "no update through them",
                       _OPTIMIZER_HINT)
        d_phase, g_phase = phases
        if "generator" in d_phase["changed"]:
            raise Fail("weights changed in phase 1", ["discriminator"], d_phase["changed"],
                       "the generator was updated in phase 1: take phase 1's gradients with respect to "
                       "self.discriminator.trainable_weights only")
        if "discriminator" not in d_phase["changed"]:
            raise Fail("weights changed in phase 1", ["discriminator"], d_phase["changed"],
                       "the discriminator did not learn in phase 1: call it inside the GradientTape and take the "
                       "gradient of its loss with respect to self.discriminator.trainable_weights")
        if "discriminator" in g_phase["changed"]:
            raise Fail("weights changed in phase 2", ["generator"], g_phase["changed"],
                       "the discriminator was updated in phase 2: it must stay frozen while the generator learns; "
                       "take phase 2's gradients with respect to self.generator.trainable_weights only")
        if "generator" not in g_phase["changed"]:
            raise Fail("weights changed in phase 2", ["generator"], g_phase["changed"],
                       "the generator did not learn in phase 2: generate the fakes inside the GradientTape so that "
                       "the gradient flows from the discriminator's verdict back into the generator")
        self._verify_phase_1(d_phase)
        self._verify_phase_2(g_phase)
        self._verify_reports(got)
        if not got["deterministic"]:
            raise Fail("noise drawn from the model's own SeedGenerator", "the same fakes for the same seed",
                       "different fakes",
                       "create self.seed_generator = keras.random.SeedGenerator(seed) in __init__ and draw the "
                       "noise with keras.random.normal((batch_size, self.codings_size), seed=self.seed_generator)")

    @staticmethod
    def _verify_phase_1(phase):
        fake, real, other = phase["fake_labels"], phase["real_labels"], phase["other_labels"]
        if other:
            raise Fail("what the discriminator is trained on in phase 1", "fakes and real images",
                       f"{len(other)} other predictions",
                       "feed the discriminator the generator's fakes and the real batch (and nothing else), and pass "
                       "its predictions for them to loss_fn")
        if not real:
            raise Fail("real images in phase 1", f"{BATCH_SIZE} real images labelled 1", "none",
                       "the discriminator must also see the real batch, labelled 1")
        if not fake:
            raise Fail("fakes in phase 1", f"{BATCH_SIZE} fakes labelled 0", "none",
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
    def _verify_phase_2(phase):
        fake, real, other = phase["fake_labels"], phase["real_labels"], phase["other_labels"]
        if real:
            raise Fail("images in phase 2", "fakes only", f"{len(real)} real images too",
                       "phase 2 trains the generator: the discriminator judges a fresh batch of fakes only")
        if other or not fake:
            raise Fail("what phase 2's loss is computed on", "the discriminator's predictions for new fakes",
                       f"{len(other)} other predictions", "phase 2's loss is loss_fn(ones, discriminator(fakes))")
        if np.allclose(fake, 0):
            raise Fail("phase 2 labels of the fakes", 1, 0,
                       "in phase 2 the fakes are labelled 1 ('real'): the generator learns to fool the "
                       "discriminator, so its target is the discriminator saying 'real'")
        if not np.allclose(fake, 1):
            raise Fail("phase 2 labels of the fakes", 1, f"{np.round(np.mean(fake), 3)} on average",
                       "label every fake 1 in phase 2")

    @staticmethod
    def _verify_reports(got):
        returned = got["returned"]
        if not {"d_loss", "g_loss"} <= set(returned) or not {"d_loss", "g_loss"} <= set(got["fit_keys"]):
            raise Fail("what train_step returns", "a dict with d_loss and g_loss",
                       sorted(set(returned) | set(got["fit_keys"])),
                       'update self.d_loss_tracker and self.g_loss_tracker and return {"d_loss": '
                       'self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}')
        d_losses = [v for v, p in zip(got["loss_values"], got["loss_phases"]) if p == 0]
        g_losses = [v for v, p in zip(got["loss_values"], got["loss_phases"]) if p == 1]
        d_candidates = d_losses + [sum(d_losses), np.mean(d_losses)] if d_losses else []
        d_ok = any(np.isclose(returned["d_loss"], c, rtol=1e-4, atol=1e-6) for c in d_candidates)
        g_ok = any(np.isclose(returned["g_loss"], c, rtol=1e-4, atol=1e-6) for c in g_losses)
        if not (d_ok and g_ok):
            if any(np.isclose(returned["g_loss"], c, rtol=1e-4) for c in d_candidates):
                hint = "d_loss and g_loss are swapped: d_loss is phase 1's loss, g_loss phase 2's"
            else:
                hint = ("update the trackers with the two phases' losses (self.d_loss_tracker.update_state(d_loss), "
                        "self.g_loss_tracker.update_state(g_loss)) and return their results")
            raise Fail("reported losses (d_loss, g_loss)", "phase 1's loss and phase 2's loss",
                       f"({returned['d_loss']:.4g}, {returned['g_loss']:.4g})", hint)
        if not got["fit_finite"]:
            raise Fail("losses under fit", "finite values", "NaN or infinity", "check the losses' inputs")


def _loss_phases(log):
    """For each loss event, 0 when it precedes the first optimizer run, 1 when it comes later."""
    phases, run, last = [], 0, None
    pending = 0
    for event in log.events:
        if event["event"] == "loss":
            pending += 1
        elif event["event"] == "apply":
            if last is not None and event["optimizer"] != last:
                run += 1
            last = event["optimizer"]
            phases += [min(run, 1)] * pending
            pending = 0
    return phases + [2] * pending


EXERCISES = [GanTrainStep()]
