"""Lesson 10's checks of the reverse process (``l10_diffusion.py`` lists every exercise): the DDPM and DDIM steps,
judged by the factors they put in front of each input for every t, and the two sampling loops, run with the
learner's step replaced by a stand-in (``_l10_probes.py``).
"""

import numpy as np

from autograder.checks import _l10_probes as probes
from autograder.checks._l10_probes import IMAGE_SHAPE, close, shifted, to_numpy
from autograder.checks.exercise import Exercise, Fail, expect_close, stand_ins


# ---------------------------------------------------------------------------------------------------------------
# exercises 4 and 5: one DDPM reverse step, and the sampling loop

UNIT = 0.05  # small unit inputs keep the DDIM step's clip inactive while its factors are read
SATURATING_INPUTS = (3.0, 6.0)  # x_t values whose x_0 = x_t / sqrt(alpha_bar_t) > 1 for every alpha_bar_t: clipped
TIME_DTYPE_HINT = ("make t_batch an int32 tensor: ops.full((batch_size,), t, dtype='int32') (ops.full alone gives "
                   "float32, which the lesson's fast_network(unet) refuses to convert to its int32 time steps)")


def _step_coefficients(step, shape, times, **fixed):
    """The factors in front of each image input of a step function that is linear in them, for every t.

    ``step(**inputs, t=t, **fixed)`` is called with one unit input at a time (all others zero); returns
    ``{input: (len(times),) factors}``."""
    inputs = [name for name in ("x_t", "predicted_noise", "noise") if name in shape]
    factors = {name: [] for name in inputs}
    for t in times:
        for name in inputs:
            arguments = {other: np.zeros(shape[other], "float32") for other in inputs}
            arguments[name] = np.full(shape[name], UNIT, "float32")
            factors[name].append(float(np.mean(to_numpy(step(t=t, **arguments, **fixed)))) / UNIT)
    return {name: np.asarray(values) for name, values in factors.items()}


class DDPMStep(Exercise):
    name = "ddpm_step"
    title = "one DDPM reverse step"
    answer = "solutions.diffusion:ddpm_step"
    points = 2

    def probe(self, ddpm_step, rng):
        T = int(rng.integers(15, 30))
        alpha, alpha_cumprod, beta = probes.draw_schedule(rng, T)
        batch = 4
        times = np.arange(1, T + 1)
        inputs = {key: rng.normal(size=(batch, *IMAGE_SHAPE)).astype("float32")
                  for key in ("x_t", "predicted_noise", "noise")}
        # three times t > 1 with the inputs, and t = 1 with zero noise, as the loop calls it (a step that drops the
        # noise itself at t = 1 gives the same samples, so it is not judged on noise it never gets)
        chosen = sorted(rng.choice(times[1:], size=3, replace=False).tolist())
        kept = {key: value.copy() for key, value in inputs.items()}

        def step(t, x_t, predicted_noise, noise):
            return ddpm_step(x_t, int(t), predicted_noise, noise, alpha, alpha_cumprod, beta)

        outputs = [to_numpy(step(t, **inputs)) for t in chosen]
        outputs.append(to_numpy(step(1, **{**inputs, "noise": np.zeros_like(inputs["noise"])})))
        changed = sorted(key for key in inputs if not np.array_equal(inputs[key], kept[key]))
        coefficients = _step_coefficients(step, {key: (1, *IMAGE_SHAPE) for key in inputs}, times[1:])
        return {"outputs": outputs, "times": chosen + [1], "alpha": alpha, "alpha_cumprod": alpha_cumprod,
                "beta": beta, "changed_inputs": changed,
                **{f"factor_{key}": value for key, value in coefficients.items()}}

    def verify(self, got, expected):
        if got.get("changed_inputs"):
            raise Fail("ddpm_step's inputs after the call", "unchanged", f"{', '.join(got['changed_inputs'])} changed",
                       "do not modify the inputs in place (x_t -= ... writes into the caller's array): compute a "
                       "new array, x = (x_t - ...) / ...")
        if len(got["outputs"]) != len(expected["outputs"]):
            raise Fail("the probe's results", f"{len(expected['outputs'])} results", f"{len(got['outputs'])}",
                       "let the grader's probe call your answer as written")
        if all(close(o, r) for o, r in zip(got["outputs"], expected["outputs"])) and \
                len(got["outputs"]) == len(expected["outputs"]):
            return
        for output, reference in zip(got["outputs"], expected["outputs"]):
            if np.shape(output) != np.shape(reference):
                raise Fail("shape of x_{t-1}", np.shape(reference), np.shape(output), "x_{t-1} has x_t's shape")
        x, p, z = (np.asarray(got[f"factor_{key}"]) for key in ("x_t", "predicted_noise", "noise"))
        ref_x, ref_p, ref_z = (np.asarray(expected[f"factor_{key}"]) for key in ("x_t", "predicted_noise", "noise"))
        alpha, alpha_bar, beta = (np.asarray(expected[key], np.float64)[2:] for key in ("alpha", "alpha_cumprod",
                                                                                         "beta"))
        ratio, ref_ratio = p / np.where(x == 0, np.nan, x), ref_p / ref_x
        # the times where an x_0 estimated from the unit inputs stays inside [-1, 1]: a clip is idle there
        idle = alpha_bar >= (2 * UNIT) ** 2
        if any(shifted(got_f, ref_f, offset) for got_f, ref_f in ((x, ref_x), (p, ref_p), (z, ref_z))
               for offset in (1, -1)) and not close(x, ref_x, 1e-3):
            hint = "t is off by one: alpha[t], alpha_cumprod[t] and beta[t] are the values at time t (entry 0 is t = 0)"
        elif idle.sum() >= 2 and all(close(got_f[idle], ref_f[idle], 1e-3)
                                     for got_f, ref_f in ((x, ref_x), (p, ref_p), (z, ref_z))):
            hint = ("the step is right for small inputs but not for large ones: do not clip x_0 (or anything) in "
                    "the DDPM step; x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) * predicted_noise) / "
                    "sqrt(alpha_t) + sqrt(beta_t) * noise, for any x_t")
        elif close(x, ref_x, 1e-3) and close(p, ref_p, 1e-3) and close(z, ref_z / np.sqrt(alpha), 1e-3):
            hint = ("add sqrt(beta_t) * noise after dividing by sqrt(alpha_t), outside the parentheses: the noise "
                    "is not rescaled")
        elif close(x, ref_x, 1e-3) and close(p, ref_p, 1e-3) and close(z, ref_z ** 2, 1e-3):
            hint = ("the noise's factor is the standard deviation sqrt(beta_t), not the variance beta_t: "
                    "+ sqrt(beta_t) * noise")
        elif close(x, ref_x, 1e-3) and close(p, ref_p, 1e-3) and close(z, 0 * ref_z, 1e-3, 1e-9):
            hint = "the reverse step adds fresh noise: + sqrt(beta_t) * noise (its variance is beta_t)"
        elif close(x, ref_x, 1e-3) and close(p, ref_p, 1e-3):
            hint = "the variance of the reverse step is beta_t: add sqrt(beta_t) * noise"
        elif close(x, ref_x ** 2, 1e-3):
            hint = "divide by sqrt(alpha_t), not by alpha_t"
        elif close(x, 1 / ref_x, 1e-3):
            hint = ("divide by sqrt(alpha_t), do not multiply: x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) * "
                    "predicted_noise) / sqrt(alpha_t) + sqrt(beta_t) * noise")
        elif close(x, 1 / np.sqrt(alpha_bar), 1e-3):
            hint = "divide by sqrt(alpha_t), the one-step alpha, not by sqrt(alpha_bar_t)"
        elif close(x, ref_x, 1e-3) and close(ratio, -ref_ratio, 1e-3):
            hint = "subtract the predicted noise: x_t - beta_t / sqrt(1 - alpha_bar_t) * predicted_noise"
        elif close(x, ref_x, 1e-3) and close(ratio, ref_ratio / np.sqrt(1 - alpha_bar), 1e-3):
            hint = "the square root is missing: beta_t / sqrt(1 - alpha_bar_t), not beta_t / (1 - alpha_bar_t)"
        elif close(x, ref_x, 1e-3) and close(ratio, ref_ratio * np.sqrt(1 - alpha_bar) / np.sqrt(1 - alpha), 1e-3):
            hint = "the predicted noise's factor uses the cumulative alpha_bar_t: beta_t / sqrt(1 - alpha_bar_t)"
        elif close(x, ref_x, 1e-3) and close(p, ref_ratio, 1e-3):
            hint = ("divide the whole mean by sqrt(alpha_t): (x_t - beta_t / sqrt(1 - alpha_bar_t) * predicted_noise)"
                    " / sqrt(alpha_t)")
        else:
            hint = ("x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) * predicted_noise) / sqrt(alpha_t) "
                    "+ sqrt(beta_t) * noise")
        raise Fail("x_{t-1} for x_t, noise and a schedule the check chose", "the reference's x_{t-1}",
                   "other values", hint)


class DDPMSampling(Exercise):
    name = "ddpm_sample"
    title = "the DDPM sampling loop"
    answer = "solutions.diffusion:ddpm_sample"
    points = 1
    batch = 64

    def probe(self, ddpm_sample, rng):
        T = int(rng.integers(6, 12))
        alpha, alpha_cumprod, beta = probes.draw_schedule(rng, T)
        x_T = rng.normal(size=(self.batch, *IMAGE_SHAPE)).astype("float32")
        seed = int(rng.integers(1, 2**16))
        network_seed = int(rng.integers(2**31))
        runs = []
        for run_seed in (seed, seed, seed + 1):
            network = probes.recording_network(np.random.default_rng(network_seed), T)
            stand_in, callbacks, callback_states = probes.StepStandIn("ddpm"), [], []

            def callback(t, x, callbacks=callbacks, callback_states=callback_states):
                callbacks.append(int(t))
                callback_states.append(to_numpy(x))

            namespaces = probes.namespaces_of(ddpm_sample)
            with stand_ins(namespaces, **probes.aliases(namespaces, "ddpm_step", stand_in)) as replaced:
                result = to_numpy(ddpm_sample(network, x_T, alpha, alpha_cumprod, beta, seed=run_seed,
                                              callback=callback))
            runs.append({"result": result, "steps": stand_in.calls, "network": network.calls,
                         "refused_t": network.refused_t,
                         "callbacks": callbacks, "callback_states": callback_states, "replaced": replaced})
        first = runs[0]
        noises = [call["noise"] for call in first["steps"]]
        data = {
            "callback_gets_new_x": probes.callback_gets_step_outputs(first["callback_states"], first["steps"]),
            # the steps t > 1 (the last step may pass zeros in any form, a plain 0 included)
            "noise_shapes": sorted({tuple(np.shape(noise)) for noise in noises[:-1]}),
            "noise_shared": bool(any(len(noise) > 1 and np.allclose(noise[0], noise[1]) for noise in noises[:-1])),
            "T": T, "result": first["result"], "replaced": bool(first["replaced"]),
            "step_times": [call["t"] for call in first["steps"]],
            "network_times": [sorted(set(call["t"].ravel().tolist())) for call in first["network"]],
            "network_t_shapes": [list(call["t"].shape) for call in first["network"]],
            # the dtype of time steps the lesson's fast_network(unet) cannot convert to int32 (None: all fine)
            "network_t_refused": first["refused_t"][0] if first["refused_t"] else None,
            "network_training": [call["training"] for call in first["network"]],
            "callbacks": first["callbacks"],
            "last_noise_max": float(np.max(np.abs(noises[-1]))) if noises else -1.0,
            "other_noise_mean": float(np.mean(noises[:-1])) if len(noises) > 1 else 0.0,
            "other_noise_var": float(np.var(noises[:-1])) if len(noises) > 1 else 0.0,
            "repeated_noise": bool(any(np.allclose(a, b) for i, a in enumerate(noises[:-1])
                                       for b in noises[i + 1:-1])),
            "predicted_is_network_output": bool(len(first["network"]) == len(first["steps"]) and all(
                close(step["predicted"], call["out"]) and close(step["x"], call["x"])
                for step, call in zip(first["steps"], first["network"]))),
            "same_seed_same_result": bool(np.array_equal(runs[0]["result"], runs[1]["result"]) and np.array_equal(
                noises[0], runs[1]["steps"][0]["noise"]) if noises and runs[1]["steps"] else False),
            "other_seed_other_noise": bool(noises and runs[2]["steps"] and not np.array_equal(
                noises[0], runs[2]["steps"][0]["noise"])),
        }
        return data

    def verify(self, got, expected):
        T = expected["T"]
        if not got["replaced"] or not got["step_times"]:
            raise Fail("calls of ddpm_step by ddpm_sample", f"{T} calls", "none",
                       "take each step with your ddpm_step(x, t, predicted_noise, noise, alpha, alpha_cumprod, beta)"
                       " (the check times the loop with its own step)")
        if got["step_times"] != expected["step_times"]:
            shown = got["step_times"] if len(got["step_times"]) <= 12 else "another sequence"
            hint = "go from t = T down to t = 1 included: for t in range(T, 0, -1)"
            if got["step_times"] == [t - 1 for t in expected["step_times"]]:
                hint = "t is off by one: the loop runs t = T, ..., 1 (range(T, 0, -1)), not T - 1, ..., 0"
            elif got["step_times"] == expected["step_times"][::-1]:
                hint = "the reverse process goes backwards in time: t = T, T - 1, ..., 1"
            raise Fail("the times ddpm_sample stepped through", expected["step_times"], shown, hint)
        if got["network_times"] != expected["network_times"]:
            raise Fail("the time steps given to the network", "t at each step", "other values",
                       "call the network with the current t: network([x, t_batch]) with t_batch filled with t")
        if got["network_t_shapes"] != expected["network_t_shapes"]:
            raise Fail("shape of the time steps given to the network", expected["network_t_shapes"][0],
                       got["network_t_shapes"][0], "one t per image: ops.full((batch_size,), t, dtype='int32')")
        if got.get("network_t_refused"):
            raise Fail("the dtype of the time steps given to the network", "int32 (as fast_network(unet) takes them)",
                       got["network_t_refused"], TIME_DTYPE_HINT)
        if not got["predicted_is_network_output"]:
            raise Fail("the predicted noise given to ddpm_step", "the network's output for the current x",
                       "something else", "predict the noise of the current x (not x_T): network([x, t_batch]) "
                                         "inside the loop")
        if any(got["network_training"]):
            raise Fail("the network's training flag while sampling", "training=False", "training=True",
                       "sampling is inference: call the network with training=False")
        if got["last_noise_max"] > 0:
            raise Fail("the noise of the last step (t = 1)", "zeros", "random noise",
                       "the last step adds no noise: pass zeros (ops.zeros_like(x)) when t == 1")
        shapes = [list(shape) for shape in got.get("noise_shapes", expected["noise_shapes"])]
        if shapes != [list(shape) for shape in expected["noise_shapes"]]:
            raise Fail("shape of the noise given to ddpm_step", [list(shape) for shape in expected["noise_shapes"]],
                       shapes, "the noise has x's shape, one value per pixel of every image: keras.random.normal("
                               "ops.shape(x), seed=...)")
        if got.get("noise_shared"):
            raise Fail("the noise of two images at one step", "independent noise", "the same noise",
                       "draw noise for the whole batch, keras.random.normal(ops.shape(x), seed=...), not one image's "
                       "noise shared by every image")
        if got.get("repeated_noise"):
            raise Fail("the noise of the steps t > 1", "new noise at every step", "the same noise at two steps",
                       "draw fresh noise at every step from one keras.random.SeedGenerator(seed) made before the "
                       "loop: an integer seed, or a SeedGenerator made inside the loop, repeats the same draw")
        size = (T - 1) * self.batch * int(np.prod(IMAGE_SHAPE))
        if abs(got["other_noise_var"] - 1) > 5 * np.sqrt(2 / size) or abs(got["other_noise_mean"]) > 5 / np.sqrt(size):
            raise Fail("mean and variance of the noise of steps t > 1", "0 and 1",
                       f"{got['other_noise_mean']:.3f} and {got['other_noise_var']:.3f}",
                       "draw fresh standard normal noise at every step: keras.random.normal(ops.shape(x), seed=...)")
        if not close(got["result"], expected["result"], 1e-4, 1e-6):
            raise Fail("x_0 returned (with the check's step)", "the last step's output", "other values",
                       "start from x_T, feed each step's output to the next step, and return the last one")
        if not got["same_seed_same_result"] or not got["other_seed_other_noise"]:
            raise Fail("two runs with the same seed and one with another", "same noise, then other noise",
                       "unseeded or ignored seed", "draw the noise with keras.random.SeedGenerator(seed) made from the "
                       "seed argument: keras.random.normal(shape, seed=seed_generator)")
        if got["callbacks"] != expected["callbacks"]:
            raise Fail("the times passed to callback", expected["callbacks"][:3] + ["..."], got["callbacks"][:3],
                       "after each step call callback(t - 1, x) with the new x (when callback is not None)")
        if not got.get("callback_gets_new_x", True):
            raise Fail("the x passed to callback", "each step's output, x_{t-1}", "something else",
                       "call callback(t - 1, x) after the step, with the x the step returned (the chain's plots "
                       "record it)")


# ---------------------------------------------------------------------------------------------------------------
# exercises 6 and 7: the DDIM step, and sampling with few steps


class DDIMStep(Exercise):
    name = "ddim_step"
    title = "one DDIM step"
    answer = "solutions.diffusion:ddim_step"
    points = 2

    def probe(self, ddim_step, rng):
        T = int(rng.integers(10, 16))
        _, alpha_cumprod, _ = probes.draw_schedule(rng, T, low=0.75, high=0.95)
        batch = 4
        pairs = [(int(t), int(s)) for t in range(1, T + 1) for s in range(T + 1) if s != t]
        # scored on jumps back in time only (the step's contract: 0 <= t_prev < t); the factors, which only choose
        # the hint, are also read for t_prev > t, where a mistake that swaps t and t_prev shows
        forward = [pair for pair in pairs if pair[1] < pair[0]]
        chosen = [forward[i] for i in rng.choice(len(forward), size=4, replace=False)]
        chosen.append((T, 0))
        x_t = rng.normal(0, 2, size=(batch, *IMAGE_SHAPE)).astype("float32")  # large enough to reach the clip
        predicted = rng.normal(size=(batch, *IMAGE_SHAPE)).astype("float32")
        outputs = [to_numpy(ddim_step(x_t, t, s, predicted, alpha_cumprod)) for t, s in chosen]

        def step(t, x_t, predicted_noise):
            if t[1] < t[0]:
                return ddim_step(x_t, t[0], t[1], predicted_noise, alpha_cumprod)
            try:  # outside the contract: a step may refuse it (assert) or give NaN (a general eta formula)
                return ddim_step(x_t, t[0], t[1], predicted_noise, alpha_cumprod)
            except Exception:  # noqa: BLE001 - no factor for this pair
                return np.full(np.shape(x_t), np.nan, "float32")

        factors = _step_coefficients(step, {"x_t": (1, *IMAGE_SHAPE), "predicted_noise": (1, *IMAGE_SHAPE)},
                                     pairs)
        # far beyond the clip: x_t = c with no predicted noise, for two c, from T to T // 2. Clipped, x_0 = 1 for
        # both; without the clip the output grows with c by the same factor as in front of x_t
        saturation_pair = (T, T // 2)
        saturation = [float(np.mean(to_numpy(ddim_step(np.full((1, *IMAGE_SHAPE), c, "float32"), T, T // 2,
                                                       np.zeros((1, *IMAGE_SHAPE), "float32"), alpha_cumprod))))
                      for c in SATURATING_INPUTS]
        # and far below it: clipped to [-1, 1], x_0 = -1; clipped to [0, 1] (the range of the plotted images), 0
        below = [float(np.mean(to_numpy(ddim_step(np.full((1, *IMAGE_SHAPE), -c, "float32"), T, T // 2,
                                                  np.zeros((1, *IMAGE_SHAPE), "float32"), alpha_cumprod))))
                 for c in SATURATING_INPUTS]
        return {"T": T, "pairs": pairs, "chosen": chosen, "outputs": outputs, "alpha_cumprod": alpha_cumprod,
                "factor_x": factors["x_t"], "factor_noise": factors["predicted_noise"],
                "saturation_pair": list(saturation_pair), "saturation": saturation, "saturation_below": below}

    def verify(self, got, expected):
        if len(got["outputs"]) != len(expected["outputs"]):
            raise Fail("the probe's results", f"{len(expected['outputs'])} results", f"{len(got['outputs'])}",
                       "let the grader's probe call your answer as written")
        for output, reference in zip(got["outputs"], expected["outputs"]):
            if np.shape(output) != np.shape(reference):
                raise Fail("shape of x_{t_prev}", np.shape(reference), np.shape(output), "x_{t_prev} has x_t's shape")
        if all(close(o, r) for o, r in zip(got["outputs"], expected["outputs"])):
            return
        pairs = [tuple(pair) for pair in expected["pairs"]]
        index = {pair: i for i, pair in enumerate(pairs)}
        x, p = np.asarray(got["factor_x"]), np.asarray(got["factor_noise"])
        ref_x, ref_p = np.asarray(expected["factor_x"]), np.asarray(expected["factor_noise"])

        def as_if(mapping):
            """The reference's factors with each pair (t, s) replaced by ``mapping(t, s)`` (None: no such pair)."""
            chosen = [index.get(mapping(t, s)) for t, s in pairs]
            usable = np.array([i is not None for i in chosen])
            rows = np.array([i for i in chosen if i is not None])
            return usable, rows

        def matches(mapping):
            usable, rows = as_if(mapping)
            return usable.sum() > len(pairs) // 3 and close(x[usable], ref_x[rows], 1e-3) and \
                close(p[usable], ref_p[rows], 1e-3)

        if close(x, ref_x, 1e-3) and close(p, ref_p, 1e-3):
            hint = self._clip_hint(got, expected, ref_x[index[tuple(expected["saturation_pair"])]])
        elif matches(lambda t, s: (t, t - 1)):
            hint = ("DDIM jumps to t_prev, not to t - 1: use alpha_cumprod[t_prev] for the new noise level (the "
                    "wrong alpha_bar index)")
        elif matches(lambda t, s: (t - 1, s)) or matches(lambda t, s: (t + 1, s)):
            hint = "t is off by one: the current noise level is alpha_cumprod[t], entry t for time t"
        elif matches(lambda t, s: (s, t)):
            hint = "t and t_prev are swapped: x_0 is estimated with alpha_bar_t, then noised to alpha_bar_{t_prev}"
        elif close(x, ref_x ** 2, 1e-3):
            hint = ("square roots are missing: x_0 = (x_t - sqrt(1 - alpha_bar_t) * predicted_noise) / "
                    "sqrt(alpha_bar_t), then sqrt(alpha_bar_{t_prev}) * x_0 + sqrt(1 - alpha_bar_{t_prev}) * "
                    "predicted_noise")
        elif close(x, ref_x, 1e-3) and np.allclose(got.get("saturation_below", [1.0]), 0.0, atol=1e-6):
            hint = ("clip x_0 to [-1, 1], the range of the training images, not [0, 1]: ops.clip(x_0, -1.0, 1.0) "
                    "(a negative x_0 is clipped to 0 here)")
        elif close(x, ref_x, 1e-3) or close(x + p, ref_x + ref_p, 1e-3):
            hint = ("the noise part of x_{t_prev} is sqrt(1 - alpha_bar_{t_prev}) * predicted_noise (the same "
                    "predicted noise, no fresh noise)")
        else:
            hint = ("x_0 = (x_t - sqrt(1 - alpha_bar_t) * predicted_noise) / sqrt(alpha_bar_t), clipped to [-1, 1]; "
                    "x_{t_prev} = sqrt(alpha_bar_{t_prev}) * x_0 + sqrt(1 - alpha_bar_{t_prev}) * predicted_noise")
        raise Fail("x_{t_prev} for inputs and a schedule the check chose", "the reference's values", "other values",
                   hint)


    @staticmethod
    def _clip_hint(got, expected, factor):
        """The hint when the step is right wherever the clip is idle: what it does far beyond the clip tells a
        missing clip (its output grows like ``factor`` * x_t) from noise re-derived from the clipped x_0."""
        values = np.asarray(got.get("saturation", expected["saturation"]), np.float64)
        slope = (values[1] - values[0]) / (SATURATING_INPUTS[1] - SATURATING_INPUTS[0])
        if abs(slope) > 1e-4 and not close(slope, factor, 1e-3):
            return ("jump with the same predicted noise the network gave: sqrt(1 - alpha_bar_{t_prev}) * "
                    "predicted_noise (re-deriving the noise from the clipped x_0 moves the sample when the clip "
                    "acts)")
        return ("clip the predicted x_0 to [-1, 1] before the jump (ops.clip): without it, an error of the "
                "network near t = T is multiplied by 1 / sqrt(alpha_bar_T)")


class DDIMSampling(Exercise):
    name = "ddim_sample"
    title = "DDIM sampling with few steps"
    answer = "solutions.diffusion:ddim_sample"
    points = 1

    def probe(self, ddim_sample, rng):
        # a multiple of 4, so both step counts below divide it: a stride of T // num_steps (the DDIM paper's) and
        # the lesson's rounded linspace then visit the same times, and both are right
        T = 4 * int(rng.integers(5, 10))
        _, alpha_cumprod, _ = probes.draw_schedule(rng, T, low=0.8, high=0.99)
        x_T = rng.normal(size=(3, *IMAGE_SHAPE)).astype("float32")
        data = {"T": T, "runs": []}
        network_seed = int(rng.integers(2**31))
        # and a step count that does not divide T: times with fractions (never a half), which rounding and
        # truncating turn into different integers
        for num_steps in (4, 2, 3 if T % 3 else 5):
            network, stand_in, callbacks, states = probes.recording_network(np.random.default_rng(network_seed), T), \
                probes.StepStandIn("ddim"), [], []

            def callback(t, x, callbacks=callbacks, states=states):
                callbacks.append(int(t))
                states.append(to_numpy(x))

            namespaces = probes.namespaces_of(ddim_sample)
            with stand_ins(namespaces, **probes.aliases(namespaces, "ddim_step", stand_in)) as replaced:
                result = to_numpy(ddim_sample(network, x_T, alpha_cumprod, num_steps, callback=callback))
            data["runs"].append({
                "callback_gets_new_x": probes.callback_gets_step_outputs(states, stand_in.calls),
                "num_steps": num_steps, "result": result, "replaced": bool(replaced),
                "pairs": [[call["t"], call["t_prev"]] for call in stand_in.calls],
                "integer_times": all(call["integer_times"] for call in stand_in.calls),
                "network_times": [sorted(set(call["t"].ravel().tolist())) for call in network.calls],
                "network_training": [call["training"] for call in network.calls],
                "network_t_refused": network.refused_t[0] if network.refused_t else None,
                "predicted_is_network_output": bool(len(network.calls) == len(stand_in.calls) and all(
                    close(step["predicted"], call["out"]) and close(step["x"], call["x"])
                    for step, call in zip(stand_in.calls, network.calls))),
                "callbacks": callbacks})
        return data

    def verify(self, got, expected):
        if len(got["runs"]) != len(expected["runs"]):
            raise Fail("the probe's results", f"{len(expected['runs'])} results", f"{len(got['runs'])}",
                       "let the grader's probe call your answer as written")
        for run, reference in zip(got["runs"], expected["runs"]):
            where = f"ddim_sample(..., num_steps={reference['num_steps']})"
            if not run["replaced"] or not run["pairs"]:
                raise Fail(f"calls of ddim_step by {where}", f"{reference['num_steps']} calls", "none",
                           "take each step with your ddim_step(x, t, t_prev, predicted_noise, alpha_cumprod) "
                           "(the check times the loop with its own step)")
            if not run.get("integer_times", True):
                raise Fail(f"the times {where} gave ddim_step", "integers", "fractions",
                           "round the times to integers (np.round(np.linspace(T, 0, num_steps + 1)).astype(int)): "
                           "alpha_cumprod is indexed by t, and the network takes int32 time steps")
            if run["pairs"] != reference["pairs"]:
                pairs, ref = run["pairs"], reference["pairs"]
                hint = ("visit the times np.linspace(T, 0, num_steps + 1) rounded to ints, and step from each to "
                        "the next: (T, ...), ..., (..., 0)")
                exact = np.linspace(expected["T"], 0, reference["num_steps"] + 1)
                if len(pairs) == len(ref) - 1 and pairs == ref[:-1]:
                    hint = "the last jump is missing: the times end at 0 (x_0), so there are num_steps jumps"
                elif [pair[0] for pair in pairs] != [pair[0] for pair in ref] and \
                        not np.allclose(exact, np.round(exact)):
                    hint = ("round the times: np.linspace(T, 0, num_steps + 1).round().astype(int); truncating "
                            "(astype(int) alone), or a stride of T // num_steps, visits other times when num_steps "
                            "does not divide T (and a stride may miss t = 0 or t = T)")
                elif pairs and pairs[0][0] == expected["T"] - 1:
                    hint = "t is off by one: DDIM starts at t = T (alpha_cumprod has T + 1 entries)"
                elif len(pairs) != len(ref):
                    hint = f"num_steps jumps, so num_steps network calls: {len(ref)} here"
                raise Fail(f"the (t, t_prev) pairs of {where}", ref, pairs if len(pairs) < 12 else "another list",
                           hint)
            if run["network_times"] != reference["network_times"]:
                raise Fail(f"the time steps given to the network by {where}", reference["network_times"],
                           run["network_times"], "predict the noise at the current t (not t_prev): "
                                                  "network([x, t_batch]) with t_batch filled with t")
            if run.get("network_t_refused"):
                raise Fail(f"the dtype of the time steps given to the network by {where}",
                           "int32 (as fast_network(unet) takes them)", run["network_t_refused"], TIME_DTYPE_HINT)
            if not run["predicted_is_network_output"]:
                raise Fail("the predicted noise given to ddim_step", "the network's output for the current x",
                           "something else", "predict the noise of the current x (not x_T) inside the loop")
            if any(run["network_training"]):
                raise Fail("the network's training flag while sampling", "training=False", "training=True",
                           "sampling is inference: call the network with training=False")
            expect_close(f"x_0 returned by {where} (with the check's step)", run["result"], reference["result"],
                         hint="start from x_T, feed each step's output to the next, and return the last one")
            if run["callbacks"] != reference["callbacks"]:
                raise Fail(f"the times passed to callback by {where}", reference["callbacks"], run["callbacks"],
                           "after each step call callback(t_prev, x) (when callback is not None)")
            if not run.get("callback_gets_new_x", True):
                raise Fail(f"the x passed to callback by {where}", "each step's output", "something else",
                           "call callback(t_prev, x) after the step, with the x the step returned")
