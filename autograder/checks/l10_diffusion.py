"""Checks for lesson 10, diffusion models. Reference answers: ``solutions/diffusion.py``.

Every point rests on values the learner's code computes from inputs drawn for this run (schedules, images, noise,
time steps, a small network's weights), compared with the reference's values for the same draws. The check holds
no formula of its own: to name a mistake it reads the answer's coefficients back (each function is linear in its
image inputs, so calling it on unit inputs gives, for every t, the factor in front of x_0, of the noise, ...) and
compares them with the reference's coefficients: a square root missing squares them, an index off by one shifts
them by one step. Randomness (the model's t and noise, the DDPM loop's noise) is judged by statistics and
repeatability for a seed; the loops run with the learner's step replaced by a stand-in (``_l10_probes.py``), so a
wrong step costs the step's exercise only.
"""

import inspect

import numpy as np

from autograder.checks import _l10_probes as probes
from autograder.checks._l10_probes import IMAGE_SHAPE, close, shifted, to_numpy
from autograder.checks._l10_sampling import DDIMSampling, DDIMStep, DDPMSampling, DDPMStep
from autograder.checks.exercise import Exercise, Fail, expect_equal, stand_ins

LESSON = "10_diffusion"


# ---------------------------------------------------------------------------------------------------------------
# exercise 1: the cosine schedule


class NoiseSchedule(Exercise):
    name = "diffusion_schedule"
    title = "cosine noise schedule and alpha_bar"
    answer = "solutions.diffusion:variance_schedule"
    points = 2

    def probe(self, variance_schedule, rng):
        T_default, T_other = int(rng.integers(40, 90)), int(rng.integers(20, 40))
        s, max_beta = float(rng.uniform(0.02, 0.05)), float(rng.uniform(0.6, 0.8))
        try:  # the default the lesson's T-only call uses (read from the reference's signature by the grader)
            default = inspect.signature(variance_schedule).parameters["max_beta"].default
        except (KeyError, TypeError, ValueError):
            default = None
        data = {"T": [T_default, T_other], "s": s, "max_beta": max_beta,
                "default_max_beta": float(default) if isinstance(default, (int, float)) else None}
        for key, call in (("default", lambda: variance_schedule(T_default)),
                          ("other", lambda: variance_schedule(T_other, s=s, max_beta=max_beta))):
            result = call()
            if not isinstance(result, (tuple, list)) or len(result) != 3:
                raise Fail("variance_schedule(T)", "a tuple (alpha, alpha_cumprod, beta)", type(result).__name__,
                           "end the function with `return alpha, alpha_cumprod, beta`")
            if not all(isinstance(array, np.ndarray) for array in result):
                raise Fail("the arrays variance_schedule(T) returns", "three float32 arrays",
                           ", ".join(type(array).__name__ for array in result),
                           "return NumPy arrays (np.array(values, dtype='float32')), not lists or tensors: the "
                           "lesson indexes them with a list of times (alpha_cumprod[[1, 250, 500]]) and the steps "
                           "read single entries as numbers")
            data[key] = [to_numpy(array).ravel() for array in result]
        return data

    def verify(self, got, expected):
        for key, T in zip(("default", "other"), expected["T"]):
            where = f"variance_schedule({T})" if key == "default" else \
                f"variance_schedule({T}, s={expected['s']:.4f}, max_beta={expected['max_beta']:.3f})"
            max_beta = expected["max_beta"] if key == "other" else expected.get("default_max_beta")
            self._verify_one(where, got[key], expected[key], key, max_beta)

    def _verify_one(self, where, got, expected, key, max_beta=None):
        names = ("alpha", "alpha_cumprod", "beta")
        for name, value, reference in zip(names, got, expected):
            if value.shape != reference.shape:
                hint = ("the arrays have T + 1 entries, one per time t = 0..T: start with alpha_0 = 1 "
                        "(np.append(1, alpha)), and compute f for t = 0..T (np.arange(T + 1))"
                        if abs(len(value) - len(reference)) == 1 else "one value per time t = 0..T")
                raise Fail(f"shape of {name} from {where}", reference.shape, value.shape, hint)
        alpha, alpha_bar, beta = got
        ref_alpha, ref_alpha_bar, ref_beta = expected
        order = [next((name for name, reference in zip(names, expected) if close(value, reference, 1e-4, 1e-7)), None)
                 for value in got]
        if None not in order and sorted(order) == sorted(names) and order != list(names):
            raise Fail(f"the arrays {where} returns, in order", ", ".join(names), ", ".join(order),
                       "return them in the order the lesson unpacks them: return alpha, alpha_cumprod, beta")
        if not close(alpha, ref_alpha, 1e-4, 1e-6):
            unclipped = ref_alpha > ref_alpha.min() + 1e-6
            floored = None if max_beta is None or max_beta < 0.5 else np.maximum(ref_alpha, max_beta)
            if floored is not None and close(alpha, floored, 1e-4, 1e-6):
                hint = ("clip alpha to [1 - max_beta, 1]: max_beta bounds beta = 1 - alpha, so alpha's floor is "
                        "1 - max_beta, not max_beta")
            elif close(alpha[unclipped], ref_alpha[unclipped], 1e-4, 1e-6):
                hint = ("clip alpha to [1 - max_beta, 1] (np.clip): without it the last step's alpha is 0"
                        if alpha.min() < ref_alpha.min() - 1e-6 else
                        "clip alpha to [1 - max_beta, 1] with the max_beta argument, not a fixed number")
            elif close(alpha[unclipped] ** 2, ref_alpha[unclipped], 1e-3, 1e-6):
                hint = "square the cosine: f(t) = cos(((t / T + s) / (1 + s)) * pi / 2) ** 2"
            elif abs(alpha[0] - 1) > 1e-6:
                hint = "alpha_0 = 1 (no noise at t = 0): prepend it, np.append(1, f[1:] / f[:-1])"
            elif key == "other":
                hint = "use the arguments s and max_beta, not the default values written into the formula"
            else:
                hint = ("alpha_t = f(t) / f(t - 1) with f(t) = cos(((t / T + s) / (1 + s)) * pi / 2) ** 2, "
                        "clipped to [1 - max_beta, 1]")
            raise Fail(f"alpha from {where}", "the reference's alphas", "other values", hint)
        if not close(beta, ref_beta, 1e-4, 1e-6):
            raise Fail(f"beta from {where}", "1 - alpha", "other values", "beta_t = 1 - alpha_t")
        if not close(alpha_bar, ref_alpha_bar, 1e-4, 1e-7):
            if close(alpha_bar, alpha, 1e-4, 1e-7):
                hint = "alpha_bar_t is the cumulative product alpha_0 * ... * alpha_t (np.cumprod), not alpha_t"
            elif close(alpha_bar, np.cumsum(alpha), 1e-4, 1e-6):
                hint = "alpha_bar_t is a cumulative product (np.cumprod), not a sum"
            elif shifted(alpha_bar, ref_alpha_bar, 1) or shifted(alpha_bar, ref_alpha_bar, -1):
                hint = "alpha_bar_t includes alpha_t itself: np.cumprod(alpha), entry t for time t"
            else:
                hint = "alpha_cumprod = np.cumprod(alpha)"
            raise Fail(f"alpha_cumprod from {where}", "the cumulative product of alpha", "other values", hint)


# ---------------------------------------------------------------------------------------------------------------
# exercise 2: x_t from x_0 in one step


class ForwardDiffusion(Exercise):
    name = "diffusion_forward"
    title = "forward process: x_t from x_0 in one step"
    answer = "solutions.diffusion:forward_diffusion"
    points = 2

    def probe(self, forward_diffusion, rng):
        T = int(rng.integers(20, 40))
        _, alpha_cumprod, _ = probes.draw_schedule(rng, T, low=0.85, high=0.99)
        batch = 6
        images = rng.uniform(-1, 1, size=(batch, *IMAGE_SHAPE)).astype("float32")
        noise = rng.normal(size=(batch, *IMAGE_SHAPE)).astype("float32")
        t = rng.choice(np.arange(1, T + 1), size=batch, replace=False).astype("int32")
        try:
            x_t = to_numpy(forward_diffusion(images, t, noise, alpha_cumprod))
        except Exception as error:  # noqa: BLE001 - named when it is the broadcasting mistake, else reported as is
            hint = self.error_hint(error)
            if hint is None:
                raise
            raise Fail("forward_diffusion on a batch of 6 images", "x_t", f"{type(error).__name__}: "
                       f"{' '.join(str(error).split())[:150]}", hint) from None
        graph_error = probes.graph_error(forward_diffusion, (images, t, noise), (alpha_cumprod,))
        # the coefficients in front of x_0 and of the noise, for every t = 0..T
        steps = np.arange(T + 1, dtype="int32")
        ones, zeros = np.ones((T + 1, *IMAGE_SHAPE), "float32"), np.zeros((T + 1, *IMAGE_SHAPE), "float32")
        image_coefficient = to_numpy(forward_diffusion(ones, steps, zeros, alpha_cumprod))
        noise_coefficient = to_numpy(forward_diffusion(zeros, steps, ones, alpha_cumprod))
        return {"x_t": x_t, "t": t, "alpha_cumprod": alpha_cumprod, "graph_error": graph_error,
                "image_coefficient": image_coefficient.reshape(T + 1, -1).mean(axis=1),
                "noise_coefficient": noise_coefficient.reshape(T + 1, -1).mean(axis=1)}

    def error_hint(self, error):
        text = str(error)
        if "Incompatible shapes" in text or "broadcast" in text or "Dimensions must be equal" in text:
            return ("reshape alpha_bar_t to (batch, 1, 1, 1), one value per image, so that it broadcasts over each "
                    "image's height, width and channel: ops.reshape(ops.take(alpha_cumprod, t), (-1, 1, 1, 1))")
        return None

    def verify(self, got, expected):
        x_t = np.asarray(got["x_t"])
        if x_t.shape != np.shape(expected["x_t"]):
            raise Fail("shape of x_t", np.shape(expected["x_t"]), x_t.shape,
                       "x_t has the images' shape: reshape alpha_bar_t to (batch, 1, 1, 1) so that it broadcasts "
                       "over each image's pixels")
        if close(x_t, expected["x_t"]):
            if got.get("graph_error"):
                raise Fail("forward_diffusion compiled as a graph, as fit runs train_step", "x_t",
                           got["graph_error"], "use keras.ops (ops.take(alpha_cumprod, t), ops.reshape, ops.sqrt): "
                           "NumPy cannot index or compute with the symbolic tensors of a compiled train_step")
            return
        a, b = np.asarray(got["image_coefficient"]), np.asarray(got["noise_coefficient"])
        ref_a, ref_b = np.asarray(expected["image_coefficient"]), np.asarray(expected["noise_coefficient"])
        if close(a, ref_b, 1e-3) and close(b, ref_a, 1e-3):
            hint = "the two factors are swapped: x_0 gets sqrt(alpha_bar_t), the noise sqrt(1 - alpha_bar_t)"
        elif shifted(a, ref_a, 1) or shifted(a, ref_a, -1):
            hint = ("t is off by one: alpha_cumprod has T + 1 entries and entry t is alpha_bar_t, so index it "
                    "with t itself (not t - 1 or t + 1)")
        elif close(a, ref_a ** 2, 1e-3) or close(b, ref_b ** 2, 1e-3):
            which = "alpha_bar_t" if close(a, ref_a ** 2, 1e-3) else "1 - alpha_bar_t"
            hint = (f"the square root is missing on {which}: the factors are sqrt(alpha_bar_t) and "
                    "sqrt(1 - alpha_bar_t) (standard deviations, not variances)")
        elif np.ptp(a) < 1e-6 and np.ptp(ref_a) > 1e-3:
            hint = ("each image has its own t: take alpha_bar at every t of the batch (ops.take(alpha_cumprod, t)) "
                    "and reshape it to (batch, 1, 1, 1), not alpha_cumprod[t[0]]")
        elif close(a, ref_a, 1e-3) and close(b, 1 - ref_a, 1e-3):
            hint = "the noise's factor is sqrt(1 - alpha_bar_t), not 1 - sqrt(alpha_bar_t)"
        elif close(a, ref_a, 1e-3) and close(b, ref_b, 1e-3):
            # right factors on unit inputs, other values on the check's images: not linear in x_0 and the noise
            if close(x_t, np.clip(expected["x_t"], -1, 1)):
                hint = ("do not clip x_t: the noisy images go beyond [-1, 1] (the noise is standard normal), and the "
                        "network must learn from x_t as the formula makes it")
            elif not np.all(np.isfinite(x_t)):
                hint = ("NaN in x_t: the square root is taken of alpha_bar_t alone, sqrt(alpha_bar_t) * x_0, not "
                        "of the product sqrt(alpha_bar_t * x_0) (x_0 and the noise are negative in places)")
            else:
                hint = ("x_t is linear in x_0 and in the noise: x_t = sqrt(alpha_bar_t) * x_0 + sqrt(1 - "
                        "alpha_bar_t) * noise, the square roots on the alpha_bar_t factors alone, nothing clipped")
        else:
            hint = "x_t = sqrt(alpha_bar_t) * x_0 + sqrt(1 - alpha_bar_t) * noise, with alpha_bar_t = alpha_cumprod[t]"
        raise Fail("x_t for images, noise and t the check chose", "the reference's x_t", "other values", hint)


# ---------------------------------------------------------------------------------------------------------------
# exercise 3: the model and its train_step


class DiffusionTraining(Exercise):
    name = "diffusion_model"
    title = "DiffusionModel: draws, noise-prediction loss and train_step"
    answer = "solutions.diffusion:DiffusionModel"
    points = 3
    parts = ("noise_prediction_loss", "train_step")
    num_draws = 20_000  # enough that a t twice as rare at the ends (a rounded uniform) stands out of chance
    learning_rate = 0.5

    def probe(self, DiffusionModel, rng):
        import keras

        T = int(rng.integers(20, 50))
        _, alpha_cumprod, _ = probes.draw_schedule(rng, T, low=0.85, high=0.99)
        seed = int(rng.integers(1, 2**16))
        batch = 5
        images = rng.uniform(-1, 1, size=(batch, *IMAGE_SHAPE)).astype("float32")
        noise = rng.normal(size=(batch, *IMAGE_SHAPE)).astype("float32")
        t = rng.choice(np.arange(1, T + 1), size=batch, replace=False).astype("int32")
        data = {"T": T}

        # the loss on the check's t and noise, and what the network saw
        network = probes.recording_network(rng, T)
        model = DiffusionModel(network, alpha_cumprod, seed=seed)
        if not isinstance(model, keras.Model):
            raise Fail("DiffusionModel(...)", "a keras.Model", type(model).__name__, "subclass keras.Model")
        # with the grader's forward process standing in for the learner's forward_diffusion (exercise 2 judges it),
        # so that a mistake there does not cost this exercise too
        with stand_ins(probes.namespaces_of(getattr(DiffusionModel, "noise_prediction_loss", None)),
                       forward_diffusion=probes.forward_process):
            loss = to_numpy(model.noise_prediction_loss(images, t, noise))
        calls = network.calls
        data["loss"] = loss
        data["network_calls"] = len(calls)
        if calls:
            data["seen_x"], data["seen_t"] = calls[-1]["x"].astype("float64"), calls[-1]["t"].astype("int64")
            data["seen_training"] = calls[-1]["training"]
            data["seen_out"] = calls[-1]["out"].astype("float64")
        data["images"], data["noise"] = images, noise
        data["x_t_before"] = to_numpy(probes.forward_process(images, np.maximum(t - 1, 0), noise, alpha_cumprod))
        # the loss compiled as a graph, as fit compiles train_step; with a graph-safe stand-in for the learner's
        # forward_diffusion (judged by its own exercise), so that only this method's own code is judged
        with stand_ins(probes.namespaces_of(getattr(DiffusionModel, "noise_prediction_loss", None)),
                       forward_diffusion=lambda images_, t_, noise_, alpha_cumprod_: images_ + 0.3 * noise_):
            data["loss_graph_error"] = probes.graph_error(model.noise_prediction_loss, (images, t, noise))

        # the draws: range and spread of t, statistics of the noise, seeding
        draws = DiffusionModel(probes.recording_network(rng, T), alpha_cumprod, seed=seed)
        many = np.zeros((self.num_draws, *IMAGE_SHAPE), "float32")
        drawn_t, drawn_noise = (to_numpy(value) for value in draws.draw_t_and_noise(many))
        data["draw_shapes"] = [list(drawn_t.shape), list(drawn_noise.shape)]
        data["t_min"], data["t_max"] = int(drawn_t.min()), int(drawn_t.max())
        data["t_integer"] = bool(np.all(drawn_t == np.round(drawn_t)))
        data["t_distinct"] = int(len(np.unique(drawn_t)))
        data["t_mean"] = float(drawn_t.mean())
        data["t_counts"] = np.bincount(np.clip(drawn_t, 0, T + 1).astype("int64"), minlength=T + 2).tolist()
        data["noise_mean"], data["noise_var"] = float(drawn_noise.mean()), float(drawn_noise.var())
        few = many[:8]
        first = [to_numpy(value) for value in draws.draw_t_and_noise(few)]
        again = [to_numpy(value) for value in draws.draw_t_and_noise(few)]
        twin = DiffusionModel(probes.recording_network(rng, T), alpha_cumprod, seed=seed)
        other = DiffusionModel(probes.recording_network(rng, T), alpha_cumprod, seed=seed + 1)
        twin_draws = [to_numpy(value) for value in twin.draw_t_and_noise(many)]
        other_draws = [to_numpy(value) for value in other.draw_t_and_noise(many)]
        data["same_seed_same_draws"] = bool(np.array_equal(twin_draws[1], drawn_noise))
        data["other_seed_other_draws"] = not np.array_equal(other_draws[1], drawn_noise)
        data["new_call_new_draws"] = not np.array_equal(first[1], again[1])
        data["same_seed_same_t"] = bool(np.array_equal(twin_draws[0], drawn_t))
        data["new_call_new_t"] = not np.array_equal(first[0], again[0])

        # two train steps from the check's state, with the check's t and noise
        network = probes.recording_network(rng, T)
        before = [np.array(w) for w in network.trainable_weights]
        model = DiffusionModel(network, alpha_cumprod, seed=seed)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=self.learning_rate))
        second_t = rng.choice(np.arange(1, T + 1), size=batch, replace=False).astype("int32")
        second_noise = rng.normal(size=(batch, *IMAGE_SHAPE)).astype("float32")
        bank = [(t, noise), (second_t, second_noise)]
        used = []

        def draw_t_and_noise(images_):
            used.append(True)
            step_t, step_noise = bank[min(len(used), 2) - 1]
            return keras.ops.convert_to_tensor(step_t), keras.ops.convert_to_tensor(step_noise)

        def noise_prediction_loss(images_, t_, noise_):
            # stands in for the learner's loss (judged by the other part), so that only the step is judged here;
            # deliberately not the noise-prediction loss
            predicted = network([images_ + 0.3 * noise_, t_], training=True)
            return keras.ops.mean(keras.ops.square(predicted - 0.5 * noise_))

        model.draw_t_and_noise = draw_t_and_noise
        model.noise_prediction_loss = noise_prediction_loss
        logs = [model.train_step(images), model.train_step(images[::-1].copy())]
        data["draw_called"] = len(used)
        data["updates"] = [np.array(w, dtype=np.float64) - b for w, b in zip(network.trainable_weights, before)]
        data["logs"] = [{str(key): float(to_numpy(value)) for key, value in (log or {}).items()}
                        if isinstance(log, dict) else {} for log in logs]
        data["metric_names"] = [str(metric.name) for metric in model.metrics]
        return data

    def verify_part(self, part, got, expected):
        if part == "noise_prediction_loss":
            self._verify_loss(got, expected)
        else:
            self._verify_draws(got, expected)
            self._verify_steps(got, expected)

    def _verify_loss(self, got, expected):
        if got["network_calls"] == 0:
            raise Fail("calls of the network by noise_prediction_loss", "one call", "none",
                       "predict the noise with self.network([x_t, t], training=True)")
        reference = float(expected["loss"])
        loss = np.asarray(got["loss"], np.float64)
        # the loss alone moves little with x_t (an x_t of the wrong t can give a loss within the tolerance): what
        # the network saw must match too
        saw_x_t = close(got["seen_x"], expected["seen_x"], 1e-4, 1e-6) and \
            np.array_equal(got["seen_t"], expected["seen_t"])
        if loss.size == 1 and close(loss.ravel()[0], reference, 1e-4, 1e-7) and saw_x_t:
            if got.get("loss_graph_error"):
                raise Fail("noise_prediction_loss compiled as a graph, as fit runs train_step", "a loss",
                           got["loss_graph_error"], "use keras.ops (ops.mean, ops.square, ...) on the tensors: "
                           "NumPy cannot compute with the symbolic tensors of a compiled train_step")
            return
        if loss.size != 1:
            raise Fail("noise_prediction_loss(images, t, noise)", "a scalar", f"shape {loss.shape}",
                       "average over every pixel of the batch (ops.mean over all axes)")
        loss = float(loss.ravel()[0])
        if not close(got["seen_x"], expected["seen_x"], 1e-4, 1e-6):
            hint = ("the network must see x_t = forward_diffusion(images, t, noise, self.alpha_cumprod), the noisy "
                    "images, not the clean ones")
            if close(got["seen_x"], got["images"]):
                hint = "the network must see the noisy images x_t (forward_diffusion), not the clean images"
            elif close(got["seen_x"], expected["x_t_before"], 1e-4, 1e-6):
                hint = ("t is off by one where x_t is made: forward_diffusion(images, t, noise, self.alpha_cumprod) "
                        "with the same t the network gets")
            raise Fail("the images the network received", "x_t for the check's t and noise", "other values", hint)
        if not np.array_equal(got["seen_t"], expected["seen_t"]):
            raise Fail("the time steps the network received", expected["seen_t"].tolist(), got["seen_t"].tolist(),
                       "call the network with the same t that made x_t: self.network([x_t, t], training=True)")
        if got["seen_training"] != expected["seen_training"]:
            raise Fail("the network's training flag", "training=True", "training=False or unset",
                       "call the network with training=True inside the loss: its dropout or normalization layers "
                       "must behave as in training")
        out, images, noise = (np.asarray(got[key], np.float64) for key in ("seen_out", "images", "noise"))
        if close(loss, np.mean(np.square(out - images)), 1e-4, 1e-7):
            hint = ("the network predicts the noise, not the image: compare its output with the noise, "
                    "mean((noise - predicted_noise) ** 2)")
        elif close(loss, np.sum(np.square(out - noise)), 1e-4, 1e-7) or \
                close(loss, np.mean(np.sum(np.square(out - noise).reshape(len(out), -1), axis=1)), 1e-4, 1e-7):
            hint = "average the squared error over every pixel of the batch (ops.mean), do not sum it"
        elif close(loss, np.mean(np.abs(out - noise)), 1e-4, 1e-7):
            hint = "the loss is the mean squared error, not the mean absolute error"
        else:
            hint = "loss = mean((noise - network([x_t, t], training=True)) ** 2)"
        raise Fail("noise_prediction_loss on the check's images, t and noise", f"{reference:.6g}", f"{loss:.6g}",
                   hint)

    def _verify_draws(self, got, expected):
        T, n = expected["T"], self.num_draws
        expect_equal("shapes of draw_t_and_noise's (t, noise) for a batch of 4,000", got["draw_shapes"],
                     expected["draw_shapes"], "t is (batch,), one time step per image; the noise has the images' "
                                              "shape (ops.shape(images))")
        if not got["t_integer"]:
            raise Fail("t drawn by draw_t_and_noise", "integers", "fractions",
                       "draw integer time steps: keras.random.randint((batch_size,), 1, self.T + 1, ...)")
        if got["t_distinct"] < 2:
            raise Fail("t drawn by draw_t_and_noise for a batch", "one t per image", "the same t for every image",
                       "draw one t per image: shape (batch_size,)")
        if got["t_min"] == 0 or got["t_max"] == T - 1:
            raise Fail("range of t drawn by draw_t_and_noise", f"1..{T}", f"{got['t_min']}..{got['t_max']}",
                       "t is off by one: draw t from 1 to T included, keras.random.randint(shape, 1, T + 1) "
                       "(maxval is excluded)")
        if (got["t_min"], got["t_max"]) != (1, T):
            raise Fail("range of t drawn by draw_t_and_noise", f"1..{T}", f"{got['t_min']}..{got['t_max']}",
                       "draw t uniformly in 1..T: keras.random.randint((batch_size,), 1, self.T + 1)")
        if abs(got["t_mean"] - (T + 1) / 2) > 5 * np.sqrt((T * T - 1) / 12 / n):
            raise Fail("mean of t drawn by draw_t_and_noise", f"{(T + 1) / 2:.2f}", f"{got['t_mean']:.2f}",
                       "draw t uniformly in 1..T")
        counts = np.asarray(got["t_counts"][1:T + 1], np.float64)
        chi2 = float(np.sum((counts - n / T) ** 2 / (n / T)))  # T - 1 degrees of freedom for a uniform t
        if chi2 > (T - 1) + 8 * np.sqrt(2 * (T - 1)):
            rare = [t for t in (1, T) if counts[t - 1] < 0.75 * n / T]
            hint = ("draw t uniformly in 1..T, every value equally often: keras.random.randint((batch_size,), 1, "
                    "self.T + 1, seed=self.seed_generator)")
            if rare:
                hint = ("t = 1 and t = T come out half as often as the others: rounding a uniform number gives the "
                        "ends half a bin each; " + hint)
            raise Fail(f"how often each t in 1..{T} was drawn ({n:,} draws)", f"about {n / T:.0f} each",
                       f"{int(counts.min())} to {int(counts.max())}", hint)
        size = n * int(np.prod(IMAGE_SHAPE))
        if abs(got["noise_var"] - 1) > 5 * np.sqrt(2 / size) or abs(got["noise_mean"]) > 5 / np.sqrt(size):
            raise Fail("mean and variance of the noise drawn", "0 and 1",
                       f"{got['noise_mean']:.3f} and {got['noise_var']:.3f}",
                       "the noise is standard normal: keras.random.normal(ops.shape(images), seed=...)")
        for key, what in (("new_call_new_draws", "noise"), ("new_call_new_t", "t")):
            if not got.get(key, True):
                raise Fail("two calls of draw_t_and_noise", f"new {what}", f"the same {what}",
                           "an integer seed makes keras.random repeat itself: create self.seed_generator = "
                           f"keras.random.SeedGenerator(seed) in __init__ and draw the {what} with "
                           "seed=self.seed_generator")
        for key, what in (("same_seed_same_draws", "noise"), ("same_seed_same_t", "t")):
            if not got.get(key, True):
                raise Fail("two models built with the same seed", f"the same {what}", f"a different {what}",
                           f"draw the {what} with the model's own keras.random.SeedGenerator(seed): "
                           "seed=self.seed_generator (an unseeded draw cannot be repeated)")
        if not got["other_seed_other_draws"]:
            raise Fail("two models built with different seeds", "different draws", "the same draws",
                       "build the SeedGenerator from the seed argument")

    def _verify_steps(self, got, expected):
        if got["draw_called"] == 0:
            raise Fail("train_step's draws", "t and noise from self.draw_t_and_noise(images)", "drawn elsewhere",
                       "draw t and the noise in train_step with t, noise = self.draw_t_and_noise(images)")
        updates, reference = got["updates"], expected["updates"]
        if len(updates) != len(reference) or not any(np.any(np.abs(u) > 1e-9) for u in updates):
            raise Fail("the network's weights after two train steps", "changed", "unchanged",
                       "take the gradient of the loss with tf.GradientTape and apply it: "
                       "self.optimizer.apply(gradients, self.network.trainable_weights)")
        if not all(close(u, r, 1e-3, 1e-6) for u, r in zip(updates, reference)):
            if all(close(u, -np.asarray(r), 1e-3, 1e-6) for u, r in zip(updates, reference)):
                hint = "the step went uphill: apply the gradient of the loss itself (the optimizer subtracts it)"
            else:
                hint = ("apply the gradient of self.noise_prediction_loss(images, t, noise), computed inside the "
                        "tf.GradientTape, with respect to the network's trainable weights (the check gives the "
                        "model its own loss through that method)")
            raise Fail("the weights' change after two SGD steps from a state the check chose",
                       "the reference's update", "another update", hint)
        if "loss" not in got["metric_names"]:
            raise Fail("the model's metrics", "a tracker named 'loss'", got["metric_names"],
                       "create self.loss_tracker = keras.metrics.Mean(name='loss') and list it in metrics")
        logs, ref_logs = got["logs"], expected["logs"]
        if any("loss" not in log for log in logs):
            raise Fail("what train_step returns", "{'loss': ...}", [sorted(log) for log in logs],
                       "return {'loss': self.loss_tracker.result()}")
        values = [log["loss"] for log in logs]
        reference_values = [log["loss"] for log in ref_logs]
        if not close(values, reference_values, 1e-4, 1e-7):
            hint = "update the tracker with the loss (self.loss_tracker.update_state(loss)) and return its result()"
            if close(values[1], reference_values[1] * 2 - reference_values[0], 1e-3, 1e-7):
                hint = ("return the tracker's running mean, self.loss_tracker.result(), not this batch's loss "
                        "(Keras resets the tracker every epoch because it is listed in metrics)")
            raise Fail("the loss train_step returned after steps 1 and 2", reference_values, values, hint)




# ---------------------------------------------------------------------------------------------------------------
# exercises 4-7 (the reverse process) are in _l10_sampling.py; exercise 8 (extension): the sinusoidal time
# embedding


class TimeEmbedding(Exercise):
    name = "time_embedding"
    title = "sinusoidal time embedding (extension)"
    answer = "solutions.diffusion:sinusoidal_time_embedding"
    points = 1

    def probe(self, sinusoidal_time_embedding, rng):
        t = np.sort(rng.choice(np.arange(0, 1000), size=6, replace=False)).astype("int32")
        dims = [2 * int(rng.integers(4, 9)), 6]
        return {"t": t, "dims": dims,
                "embeddings": [to_numpy(sinusoidal_time_embedding(t, dim)) for dim in dims],
                # the U-Net calls it inside fit and inside the compiled sampling network, on symbolic tensors
                "graph_error": probes.graph_error(sinusoidal_time_embedding, (t,), (dims[0],)),
                # and as the compiled network retraces it for a batch of another size: an unknown batch size
                "unknown_batch_error": probes.unknown_batch_graph_error(sinusoidal_time_embedding, (t,), (dims[0],))}

    def verify(self, got, expected):
        if len(got["embeddings"]) != len(expected["embeddings"]):
            raise Fail("the probe's results", f"{len(expected['embeddings'])} results", f"{len(got['embeddings'])}",
                       "let the grader's probe call your answer as written")
        for dim, value, reference in zip(expected["dims"], got["embeddings"], expected["embeddings"]):
            value, reference = np.asarray(value), np.asarray(reference)
            where = f"sinusoidal_time_embedding(t, {dim}) for t = {expected['t'].tolist()}"
            if value.shape != reference.shape:
                raise Fail(f"shape of {where}", reference.shape, value.shape,
                           "one row of dim values per t: concatenate the dim // 2 sines and dim // 2 cosines on the "
                           "last axis")
            if close(value, reference, 1e-4, 1e-5):
                continue
            half = dim // 2
            t = np.asarray(expected["t"], np.float64)[:, None]
            integer_frequencies = np.floor(10000.0 ** (-np.arange(half) / half))[None, :]
            if close(value, np.concatenate([np.sin(t * integer_frequencies), np.cos(t * integer_frequencies)], axis=1),
                     1e-4, 1e-5):
                hint = ("cast t to float32 first (ops.cast(t, 'float32')): multiplied with an int32 t, the "
                        "frequencies become integers (1, 0, 0, ...)")
            elif np.max(np.std(value, axis=0)) < 1e-6:
                hint = ("the embedding does not vary with t: multiply t (as float) by the frequencies, "
                        "angles = t[:, None] * frequencies[None, :]")
            elif close(value, np.concatenate([reference[:, half:], reference[:, :half]], axis=1), 1e-4, 1e-5):
                hint = "sines first, then cosines: concatenate([sin(angles), cos(angles)])"
            elif close(value[:, 0::2], reference[:, :half], 1e-4, 1e-5) and \
                    close(value[:, 1::2], reference[:, half:], 1e-4, 1e-5):
                hint = "concatenate all the sines, then all the cosines (not interleaved)"
            elif close(value[:, :1], reference[:, :1], 1e-4, 1e-5):
                hint = ("the frequencies are 10000 ** (-i / half) for i = 0..half - 1 (half = dim // 2): check the "
                        "base and the exponent's denominator")
            else:
                hint = "[sin(t * w_i)..., cos(t * w_i)...] with w_i = 10000 ** (-i / (dim // 2))"
            raise Fail(where, "the reference's embedding", "other values", hint)
        if got.get("graph_error"):
            raise Fail("sinusoidal_time_embedding compiled as a graph, as the U-Net runs it in fit and sampling",
                       "an embedding", got["graph_error"],
                       "use keras.ops (ops.cast, ops.exp, ops.arange, ops.sin, ops.concatenate) on t: NumPy cannot "
                       "compute with the symbolic tensors of a compiled network")
        if got.get("unknown_batch_error"):
            raise Fail("sinusoidal_time_embedding traced for a batch of unknown size, as the compiled sampling network "
                       "and fit retrace it", "an embedding", got["unknown_batch_error"],
                       "do not read the batch size from t.shape[0] (None when the graph is retraced for a new batch "
                       "size): ops.expand_dims(t, -1), or ops.reshape(t, (-1, 1))")


EXERCISES = [NoiseSchedule(), ForwardDiffusion(), DiffusionTraining(), DDPMStep(), DDPMSampling(), DDIMStep(),
             DDIMSampling(), TimeEmbedding()]
