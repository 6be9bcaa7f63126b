"""What lesson 10's probes build (``l10_diffusion.py`` holds the exercises): schedules and tiny networks the grader
draws, a network that records how it was called, and stand-ins for a learner's earlier answers.

A sampling loop is judged on its own: while it runs, the learner's ``ddpm_step`` or ``ddim_step`` (the name in
their own namespace) is bound to a stand-in that records its arguments and returns another known function of them
(never the answer), and restored afterwards. So a wrong step costs the step's exercise only.
"""


import numpy as np

from autograder.checks.exercise import close_mask, graph_error, quiet_retracing  # noqa: F401 (checks take it here)

INPUT_NAMES = ("x_t", "t")  # the names of helpers.diffusion_tools.build_unet's inputs, in order
IMAGE_SHAPE = (4, 4, 1)  # the probes' images: small, so that every check runs in well under a second


def to_numpy(value):
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


def close(got, expected, rtol=1e-4, atol=1e-5):
    """True when the arrays have the same shape and agree within the tolerance (see exercise.close_mask)."""
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    return got.shape == expected.shape and bool(np.all(np.isfinite(got))) and \
        bool(np.all(close_mask(got, expected, rtol, atol)))


def draw_schedule(rng, T, low=0.6, high=0.995):
    """``(alpha, alpha_cumprod, beta)``, (T + 1,) float32 each, with alpha_0 = 1 and the other alphas drawn uniformly
    in [low, high]: not a cosine schedule, so that a formula that only works for one schedule shows."""
    alpha = np.concatenate([[1.0], rng.uniform(low, high, size=T)]).astype("float32")
    return alpha, np.cumprod(alpha, dtype=np.float64).astype("float32"), (1.0 - alpha).astype("float32")


def recording_network(rng, T, image_shape=IMAGE_SHAPE):
    """A small noise-predicting network ``[x_t, t] -> (batch, *image_shape)`` with weights from ``rng``.

    Its outputs depend on x_t, on t and on the ``training`` flag (a scale of 0.5 in training, like dropout's
    rescaling), so a caller that passes the wrong t or flag gets other numbers. ``network.calls`` records, for
    each eager call, ``{"t": (batch,) array, "training": bool, "x": array, "out": array}``; ``network.refused_t``
    the dtype of every time-step input the lesson's ``fast_network(unet)`` refuses (it converts t to int32).
    """
    import keras
    from keras import ops

    size = int(np.prod(image_shape))
    kernel = rng.normal(0, 1 / np.sqrt(size), size=(size, size)).astype("float32")
    time_weights = rng.normal(0, 1, size=(1, size)).astype("float32")

    class RecordingNetwork(keras.Model):
        def __init__(self):
            super().__init__(name="probe_network")
            self.dense = keras.layers.Dense(size, activation="tanh")
            self.calls = []
            self.refused_t = []

        def __call__(self, inputs, *args, **kwargs):
            refused = refused_time_steps(inputs)
            if refused:
                self.refused_t.append(refused)
            return super().__call__(inputs, *args, **kwargs)

        def build(self, input_shape):
            self.dense.build((None, size))
            self.dense.set_weights([kernel, np.zeros(size, "float32")])
            self.built = True

        def call(self, inputs, training=None):
            if isinstance(inputs, dict):  # keyed by the lesson's U-Net's input names, as a functional model takes
                unknown = sorted(set(inputs) - set(INPUT_NAMES))
                if unknown or len(inputs) != 2:
                    raise ValueError(f"the network was called with a dict keyed {sorted(inputs)}; the U-Net's "
                                     f"inputs are named {list(INPUT_NAMES)}: call it with [x_t, t] or "
                                     "{'x_t': x_t, 't': t}")
                inputs = [inputs[name] for name in INPUT_NAMES]
            x, t = inputs
            flat = ops.reshape(ops.cast(x, "float32"), (-1, size))
            phase = ops.reshape(ops.cast(t, "float32"), (-1, 1)) / T * time_weights
            out = self.dense(flat) + ops.sin(3.0 * phase)
            if training:
                out = out * 0.5
            out = ops.reshape(out, (-1, *image_shape))
            self._record(x, t, out, bool(training))
            return out

        def _record(self, x, t, out, training):
            import tensorflow as tf

            def record(x_, t_, out_):
                self.calls.append({"t": np.array(t_), "training": training, "x": np.array(x_), "out": np.array(out_)})
                return np.int32(0)

            if tf.executing_eagerly():
                record(x, t, out)
            elif not any(isinstance(value, keras.KerasTensor) for value in (x, t, out)):
                # inside a tf.function the learner compiled (as fast_network does): record when the graph runs
                tf.py_function(record, [x, t, out], Tout=tf.int32)

    network = RecordingNetwork()
    network([np.zeros((1, *image_shape), "float32"), np.zeros((1,), "int32")])
    network.calls.clear()
    network.refused_t.clear()
    return network


def refused_time_steps(inputs):
    """None when the time steps in ``inputs`` (``[x_t, t]`` or keyed by name) convert to int32 as the lesson's
    ``fast_network`` converts them (ints, NumPy arrays of any dtype, int32 tensors); else their dtype (a float32 or
    int64 tensor: TensorFlow refuses to convert a tensor to another dtype)."""
    import tensorflow as tf

    if isinstance(inputs, dict):
        t = inputs.get(INPUT_NAMES[1])
    elif isinstance(inputs, (list, tuple)) and len(inputs) == 2:
        t = inputs[1]
    else:
        return None
    try:
        tf.convert_to_tensor(t, tf.int32)
    except (TypeError, ValueError):
        return str(getattr(getattr(t, "dtype", None), "name", getattr(t, "dtype", type(t).__name__)))
    return None


def unknown_batch_graph_error(function, tensors, constants=()):
    """None when ``function(*tensors, *constants)`` traces as a graph whose inputs have an unknown batch size (as
    the compiled sampling network and fit retrace it for a new batch size); else the error, in one short line."""
    import tensorflow as tf

    signature = [tf.TensorSpec((None, *np.shape(value)[1:]), tf.as_dtype(np.asarray(value).dtype)) for value in tensors]
    compiled = tf.function(lambda *inputs: function(*inputs, *constants), autograph=False, input_signature=signature)
    with quiet_retracing():
        try:
            compiled(*(tf.convert_to_tensor(value) for value in tensors))
        except Exception as error:  # noqa: BLE001 - any failure to trace is the learner's (a None batch size)
            message = " ".join(str(error).split())
            return f"{type(error).__name__}: {message[:160]}"
    return None


def aliases(namespaces, name, replacement):
    """``{name: replacement}`` and the same for every other global bound to the same function as ``name`` (a loop
    may call its step through an alias, ``step = ddpm_step``), for :func:`stand_ins`."""
    names = {name}
    for namespace in namespaces:
        target = namespace.get(name)
        if callable(target):
            names |= {other for other, value in list(namespace.items()) if value is target}
    return {other: replacement for other in names}


def namespaces_of(answer):
    """The global namespaces the learner's function looks names up in."""
    namespace = getattr(answer, "__globals__", None)
    return [namespace] if isinstance(namespace, dict) else []


class StepStandIn:
    """Stands in for ``ddpm_step`` or ``ddim_step`` while a loop runs: records each call and returns a known,
    deliberately simple function of the arguments (not a diffusion step), so the loop's result is exact numbers.

    ``kind`` "ddpm": ``(x_t, t, predicted_noise, noise, alpha, alpha_cumprod, beta)``; the result ignores the
    noise (recorded separately), so it does not depend on how the loop draws it.
    ``kind`` "ddim": ``(x_t, t, t_prev, predicted_noise, alpha_cumprod)``.
    """

    def __init__(self, kind):
        self.kind, self.calls = kind, []

    def __call__(self, *args, **kwargs):
        from keras import ops

        names = (("x_t", "t", "predicted_noise", "noise", "alpha", "alpha_cumprod", "beta") if self.kind == "ddpm"
                 else ("x_t", "t", "t_prev", "predicted_noise", "alpha_cumprod"))
        given = dict(zip(names, args), **kwargs)
        x, predicted = to_numpy(given["x_t"]), to_numpy(given["predicted_noise"])
        t = int(round(float(to_numpy(given["t"]).ravel()[0])))
        record = {"t": t, "x": x, "predicted": predicted, "integer_times": _is_integer(given["t"])}
        if self.kind == "ddpm":
            record["noise"] = to_numpy(given["noise"])
            result = 0.9 * x - 0.3 * predicted + 0.01 * t
        else:
            record["t_prev"] = int(round(float(to_numpy(given["t_prev"]).ravel()[0])))
            record["integer_times"] = record["integer_times"] and _is_integer(given["t_prev"])
            result = 0.8 * x - 0.2 * predicted + 0.01 * (t - record["t_prev"])
        record["out"] = result.astype("float32")
        self.calls.append(record)
        return ops.convert_to_tensor(record["out"])


def forward_process(images, t, noise, alpha_cumprod):
    """The grader's own x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) noise (graph-safe), standing in for the
    learner's forward_diffusion where another exercise is judged."""
    from keras import ops

    alpha_bar = ops.reshape(ops.take(ops.convert_to_tensor(np.asarray(alpha_cumprod, "float32")), t), (-1, 1, 1, 1))
    return ops.sqrt(alpha_bar) * ops.convert_to_tensor(images) + ops.sqrt(1 - alpha_bar) * ops.convert_to_tensor(noise)


def callback_gets_step_outputs(states, steps):
    """True when the loop's callback received, after each step, the x that step returned (one callback per step)."""
    return len(states) == len(steps) and all(
        np.shape(state) == np.shape(step["out"]) and close(state, step["out"]) for state, step in zip(states, steps))


def _is_integer(value):
    """True for an int, or an array or tensor of an integer dtype: a time step that can index alpha_cumprod (a float
    such as np.float64(20.0) cannot: NumPy refuses it as an index)."""
    import keras

    if isinstance(value, (bool, float)):
        return False
    if isinstance(value, int):
        return True
    return np.issubdtype(np.asarray(keras.ops.convert_to_numpy(value)).dtype, np.integer)


def shifted(got, expected, offset):
    """True when ``got[t] == expected[t - offset]`` for every t where both exist (an index off by ``offset``)."""
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    if got.shape != expected.shape:
        return False
    if offset > 0:
        return close(got[offset:], expected[:-offset], 1e-3, 1e-6)
    return close(got[:offset], expected[-offset:], 1e-3, 1e-6)
