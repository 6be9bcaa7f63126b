"""Lesson 07's check of exercise 4, the VAE as a Keras model (``l07_vae.py`` lists the lesson's exercises)."""

import contextlib

import numpy as np

from autograder.checks import _l07_probes as probes
from autograder.checks._l07_probes import NUM_PIXELS, close as _close, to_numpy as _numpy
from autograder.checks.exercise import Exercise, Fail, stand_ins


# ---------------------------------------------------------------------------------------------------------------
# exercise 4: the VAE model


_LOSSES = ("loss", "reconstruction_loss", "kl_loss")
_UPDATE_ATOL = 2e-6
_INLINE_KL = ("your model computes the KL itself (it never calls latent_loss), and its kl_loss is not the KL "
              "divergence of lesson 07's formula averaged over the batch (nats per image): call "
              "latent_loss(codings_mean, codings_log_var), your answer to exercise 2, instead")


def _part_weights(model):
    return [np.array(weight) for part in (model.encoder, model.decoder) for weight in part.get_weights()]


class VaeModel(Exercise):
    """The model is given the check's parts (known weights, known epsilon) through ``build_encoder_decoder``, so a
    wrong exercise 3 costs nothing here; one SGD step from that state must log the losses the reference logs and move
    the weights as the reference does.

    It is run twice: with ``latent_loss`` bound to the check's stand-in (not the KL: a model that calls
    ``latent_loss`` is judged whatever the learner's exercise 2 computes), and with the learner's own ``latent_loss``
    (a model that computes the KL itself, without calling it, is judged against the reference's true KL). It passes
    when either run matches the reference's run of the same kind."""

    name = "vae_model"
    title = "VariationalAutoencoder model (train_step, test_step, metrics)"
    answer = "solutions.vae:VariationalAutoencoder"
    points = 3
    codings_size, batch, learning_rate = 3, 16, 0.5

    def probe(self, vae_class, rng):
        images = rng.uniform(size=(self.batch, 28, 28)).astype("float32")
        seed, key = int(rng.integers(1, 100_000)), int(rng.integers(2**31))
        called = []

        def latent_loss(codings_mean, codings_log_var):
            called.append(True)
            return probes.latent_loss_stand_in(codings_mean, codings_log_var)

        data = {"stand_in": self._run(vae_class, images, seed, key, latent_loss=latent_loss)}
        data["calls_latent_loss"] = bool(called)
        try:  # the learner's own latent_loss may be a stub or broken: that costs exercise 2, judged by run 1 here
            data["own"] = self._run(vae_class, images, seed, key)
        except Exception:  # any error of the learner's own code
            data["own"] = None
        return data

    def _run(self, vae_class, images, seed, key, **replacements):
        """One SGD step and two evaluations from the check's state, the learner's names in ``replacements`` bound
        to the check's stand-ins (their ``build_encoder_decoder`` and ``Sampling`` always)."""
        import keras

        parts = probes.ProbeParts(key)
        # a Sampling the model makes itself draws the same known epsilon as the parts' (same stream, same seed)
        with stand_ins(probes.namespaces_of(vae_class), build_encoder_decoder=parts,
                              Sampling=probes.known_noise_class((key,), []), **replacements):
            model = self._model(vae_class, parts, key, codings_size=self.codings_size, seed=seed)
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=self.learning_rate))
            before = _part_weights(model)
            train_mse = self._mse(model, images)
            history = self._fit(model, images)
            after = _part_weights(model)
            data = {"metric_names": sorted(metric.name for metric in model.metrics),
                    "train_logs": {name: float(values[-1]) for name, values in history.items()},
                    # float64 differences of float32 weights, entry by entry: a projection would mix in the
                    # rounding of the large weights
                    "update": probes.entries([b.astype(np.float64) - a for a, b in zip(before, after)], key, 5),
                    "builder_calls": parts.calls[:1], "train_mse": train_mse}
            data["eval_logs"] = self._evaluate(model, images)
            # two batches: the trackers must average both (Keras resets them when evaluate starts, not per batch)
            data["eval_logs_two_batches"] = self._evaluate(model, images, batch_size=len(images) // 2)
            data["evaluate_changed_weights"] = any(not np.allclose(a, b) for a, b in zip(after, _part_weights(model)))
            data["eval_mse"] = self._mse(model, images)
            calls = len(parts.calls)
            default = self._model(vae_class, parts, key)
            default.compile(optimizer=keras.optimizers.SGD(learning_rate=self.learning_rate))
            data["default_logs"] = self._evaluate(default, images)
            data["default_calls"] = parts.calls[calls:calls + 1]
        return data

    @staticmethod
    def _model(vae_class, parts, key, **arguments):
        import keras

        calls = len(parts.calls)
        model = vae_class(**arguments)
        for part in ("encoder", "decoder"):
            found = getattr(model, part, None)
            if not isinstance(found, keras.Model):
                raise Fail(f"the model's `{part}` attribute", "a keras.Model", type(found).__name__,
                           "keep the two parts as self.encoder and self.decoder "
                           "(self.encoder, self.decoder = build_encoder_decoder(codings_size, seed=seed))")
        if len(parts.calls) == calls:  # built without build_encoder_decoder: give it the check's parts
            probes.replace_parts(model, *probes.ProbeParts(key)(arguments.get("codings_size", 10),
                                                                arguments.get("seed")))
        return model

    def _fit(self, model, images):
        try:
            return model.fit(images, epochs=1, batch_size=self.batch, shuffle=False, verbose=0).history
        except (TypeError, ValueError, AttributeError) as error:  # Keras' errors of a train_step that breaks
            raise Fail("model.fit(images) for one step", "the three losses", f"{type(error).__name__}: "
                       f"{str(error)[:200]}", "train_step computes the losses inside tf.GradientTape, applies "
                       "self.optimizer.apply(gradients, self.trainable_weights) and returns "
                       "{metric.name: metric.result() for metric in self.metrics}") from None

    @staticmethod
    def _mse(model, images):
        """Mean squared error of the check's parts' reconstructions (to name a loss that is the MSE)."""
        return float(np.mean((_numpy(model.decoder(model.encoder(images)[2])) - images) ** 2))

    @staticmethod
    def _evaluate(model, images, batch_size=None):
        try:
            logs = model.evaluate(images, batch_size=batch_size or len(images), verbose=0, return_dict=True)
        except Exception as error:  # the default test_step cannot compute this model's loss
            raise Fail("model.evaluate(images)", "the three losses", f"{type(error).__name__}: {str(error)[:200]}",
                       "override test_step too: the same losses as train_step, without gradients, so validation "
                       "works")
        return {key: float(value) for key, value in logs.items()}

    def verify(self, got, expected):
        try:
            self._verify_run(got["stand_in"], expected["stand_in"])
            return  # the model calls latent_loss and uses it right, whatever exercise 2 computes
        except Fail as failure:
            with_stand_in = failure
        if got["own"] is None:
            raise with_stand_in
        try:
            self._verify_run(got["own"], expected["own"], inline=not got["calls_latent_loss"])
        except Fail as failure:
            # a model that never calls latent_loss is judged by the run with the true KL; one that does, by the
            # run where latent_loss is the check's and the mistake is the model's
            raise with_stand_in if got["calls_latent_loss"] else failure from None

    def _verify_run(self, got, expected, inline=False):
        missing = sorted(set(_LOSSES) - set(got["metric_names"]))
        if missing:
            raise Fail("metric trackers", "loss, reconstruction_loss and kl_loss", ", ".join(got["metric_names"]),
                       f"missing {', '.join(missing)}: create keras.metrics.Mean(name=...) trackers in __init__ and "
                       "list them in the metrics property")
        with self._hint_if(got["builder_calls"] and got["builder_calls"] != expected["builder_calls"],
                           "build_encoder_decoder got other arguments: pass both on, "
                           "build_encoder_decoder(codings_size, seed=seed)"):
            self._verify_logs(got["train_logs"], expected["train_logs"], "fit", got["train_mse"], inline)
        self._verify_update(got["update"], expected["update"])
        if got["evaluate_changed_weights"]:
            raise Fail("weights after evaluate()", "unchanged", "changed",
                       "test_step computes and tracks the losses only: no gradients, no optimizer")
        self._verify_logs(got["eval_logs"], expected["eval_logs"], "evaluate", got["eval_mse"], inline)
        two = got["eval_logs_two_batches"]
        if not all(key in two and _close(two[key], expected["eval_logs_two_batches"][key], 2e-4, 1e-6)
                   for key in _LOSSES):
            raise Fail("the losses logged by evaluate over two batches", "the mean over both batches",
                       "other values", "update the trackers and return their results, and never reset them in "
                       "train_step or test_step: Keras resets them at the start of each epoch and of evaluate, so "
                       "that they average every batch")
        with self._hint_if(got["default_calls"] and got["default_calls"] != expected["default_calls"],
                           "keep the defaults: codings_size=10, seed=None"):
            self._verify_logs(got["default_logs"], expected["default_logs"], "evaluate, default arguments", None,
                              inline)

    @staticmethod
    @contextlib.contextmanager
    def _hint_if(condition, hint):
        """A failure inside gets ``hint`` when ``condition`` (what the model passed on explains it)."""
        try:
            yield
        except Fail as failure:
            if condition:
                failure.hint = hint
            raise

    def _verify_logs(self, logs, reference, where, mse, inline):
        missing = sorted(set(_LOSSES) - set(logs))
        if missing:
            raise Fail(f"the logs of {where}", ", ".join(_LOSSES), ", ".join(sorted(logs)) or "nothing",
                       "return {metric.name: metric.result() for metric in self.metrics} from train_step and "
                       "test_step (and override test_step, so that evaluate computes the same losses)")
        if all(_close(logs[key], reference[key], 2e-4, 1e-6) for key in _LOSSES):
            return
        total, reconstruction, kl = (logs[key] for key in _LOSSES)
        if all(logs[key] == 0 for key in _LOSSES):
            hint = ("all three are 0: the trackers were never updated. Call tracker.update_state(values) for each "
                    "loss in train_step and test_step before returning their results")
        elif not _close(reconstruction, reference["reconstruction_loss"], 2e-4, 1e-6):
            hint = "reconstruction_loss is the binary cross-entropy averaged over the 784 pixels (and the batch)"
            if any(_close(reconstruction, reference["reconstruction_loss"] * n, 2e-3) for n in (28, NUM_PIXELS)):
                hint = ("you summed the cross-entropy over the pixels (or over the rows of 28): the book averages it "
                        "over the 784 pixels")
            elif mse and _close(reconstruction, mse, 2e-3):
                hint = "that is the mean squared error: use binary cross-entropy, as the book does"
        elif not _close(kl, reference["kl_loss"], 2e-4, 1e-6):
            hint = _INLINE_KL if inline else ("kl_loss is latent_loss(codings_mean, codings_log_var) averaged over "
                                              "the batch (nats per image)")
            if _close(kl, reference["kl_loss"] / NUM_PIXELS, 2e-3):
                hint = "kl_loss should track the KL itself (nats per image); divide by 784 only in the total loss"
            elif _close(kl, reference["kl_loss"] * self.batch, 2e-3):
                hint = "average the KL over the batch, do not sum it"
        elif _close(total, reconstruction + kl, 1e-4):
            hint = "divide the KL by 784 (the number of pixels) in the total loss, as the book does"
        elif _close(total, reconstruction, 1e-4):
            hint = "the total loss must include the KL: reconstruction_loss + kl_loss / 784"
        else:
            hint = "loss = reconstruction_loss + kl_loss / 784, all three averaged over the same images"
        raise Fail(f"the losses logged by {where}, from a state the check chose",
                   ", ".join(f"{key} {reference[key]:.6g}" for key in _LOSSES),
                   ", ".join(f"{key} {logs[key]:.6g}" for key in _LOSSES), hint)

    def _verify_update(self, update, reference):
        encoder, decoder = update[:4], update[4:]
        moved = [any(np.any(np.abs(np.asarray(u)) > 1e-9) for u in part) for part in (encoder, decoder)]
        if not any(moved):
            raise Fail("weights after one training step", "changed", "unchanged",
                       "compute the gradients of the loss with tf.GradientTape and apply them: "
                       "self.optimizer.apply(gradients, self.trainable_weights)")
        if not all(moved):
            raise Fail(f"the {'encoder' if not moved[0] else 'decoder'}'s weights after one training step", "changed",
                       "unchanged", "take the gradients with respect to all of the model's weights, "
                       "self.trainable_weights (the encoder's and the decoder's)")
        # atol: a few float32 rounding steps of weights up to about 4 in size
        if all(_close(u, r, 1e-3, _UPDATE_ATOL) for u, r in zip(update, reference)):
            return
        if all(_close(u, np.asarray(r) * self.batch, 1e-3, _UPDATE_ATOL) for u, r in zip(update, reference)):
            hint = "differentiate the mean of the total loss over the batch (ops.mean), not its sum"
        elif all(_close(u, r, 1e-3, _UPDATE_ATOL) for u, r in zip(decoder, reference[4:])):
            hint = ("the decoder's update is right but the encoder's is not: differentiate the total loss, "
                    "reconstruction + kl / 784, not the reconstruction alone")
        else:
            hint = ("apply the gradient of the mean total loss (reconstruction + kl / 784) with respect to "
                    "self.trainable_weights, computed inside the tf.GradientTape")
        raise Fail("the weights' change after one SGD step from a state the check chose", "the reference's update",
                   "another update", hint)
