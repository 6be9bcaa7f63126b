"""What an exercise is, and the plain data that crosses between a learner's kernel and the grader.

An :class:`Exercise` has two halves that never share a process when grading:

* ``probe(obj, rng)`` runs where the learner's code runs (their kernel). It calls the learner's function or class
  on small deterministic inputs made from ``rng`` and returns *plain data*: numbers, strings, lists, dicts and numpy
  arrays. It never sees expected values.
* ``verify(got, expected)`` runs in the grader's process (or, for the visible check in a lesson, beside the
  learner's code, against reference outputs computed at build time). It compares the learner's plain data with the
  reference's and raises :class:`Fail` naming the mistake it recognised.

Two optional extensions, both judged in the grader only:

* **partial credit**: an exercise that lists ``parts`` (names of equally weighted sub-checks) implements
  ``verify_part(part, got, expected)``; it earns the fraction of its points whose parts pass. Without ``parts`` an
  exercise is all-or-nothing, which is the honest choice when one mistake breaks everything.
* **hidden checks**: an exercise that sets ``hidden_title`` implements ``hidden_probe(obj, rng)`` (run beside the
  learner's code with a second per-run seed, never by the visible check in the lesson) and
  ``hidden_verify(got, expected)``. Feedback names the hidden check and its hint but never shows expected or
  observed numbers. A hidden check is one more part of a partial-credit exercise, and a condition of passing for
  an all-or-nothing one.

Plain data crosses process boundaries as JSON (arrays as base64 of their raw bytes with dtype and shape): no pickle,
nothing whose methods could run in the grader.
"""

import base64
import contextlib
import dataclasses
import json
import math
import re
import traceback

import numpy as np

from autograder.checks.statuses import HIDDEN_REASONS, KERNEL_STATUSES

ARRAY_KEY = "__ndarray__"
_ALLOWED_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                   "float16", "float32", "float64"}
MAX_MESSAGE = 2_000


class Fail(Exception):
    """A check failed: ``what`` failed, with what was expected, what was seen and a hint naming the mistake."""

    def __init__(self, what, expected=None, got=None, hint=None):
        super().__init__(what)
        self.what, self.expected, self.got, self.hint = what, expected, got, hint

    def message(self):
        text = self.what
        if self.expected is not None or self.got is not None:
            text += f": expected {self.expected} but got {self.got}"
        if self.hint:
            text += f". Hint: {self.hint}"
        return text


class Exercise:
    """One graded exercise of a lesson. Subclasses set the class attributes and implement probe and verify.

    Attributes:
        name: the exercise id; also the nbgrader ``grade_id`` of its answer cell.
        title: what a learner reads in ``[PASS] <title>``.
        answer: ``"module:qualname"`` of the reference answer in ``solutions``.
        points: the exercise's points.
    """

    name = None
    title = None
    answer = None
    points = 1
    parts = None  # names of equally weighted sub-checks (partial credit); None: all-or-nothing
    hidden_title = None  # what the hidden check tests, e.g. "other sizes"; None: no hidden check

    @property
    def symbol(self):
        """The name the learner's answer is bound to in the notebook."""
        return self.answer.split(":")[1]

    def load_reference(self):
        import importlib

        module_name, qualname = self.answer.split(":")
        return getattr(importlib.import_module(module_name), qualname)

    def probe(self, obj, rng):  # pragma: no cover - abstract
        raise NotImplementedError

    def verify(self, got, expected):
        """Raise :class:`Fail` for the first mistake; exercises with ``parts`` get this from ``verify_part``."""
        if not self.parts:  # pragma: no cover - abstract
            raise NotImplementedError
        for part in self.parts:
            self.verify_part(part, got, expected)

    def verify_part(self, part, got, expected):  # pragma: no cover - abstract
        raise NotImplementedError

    def hidden_probe(self, obj, rng):  # pragma: no cover - abstract
        raise NotImplementedError

    def error_hint(self, error):
        """A hint for an exception the learner's code raised during the probe (a mistake this exercise knows by its
        error), or None. Runs where the probe runs; the hint is text, never a verdict."""
        return None

    def hidden_verify(self, got, expected):  # pragma: no cover - abstract
        raise NotImplementedError

    def run_probe(self, obj, seed, hidden=False):
        """Run the probe (or the hidden probe) safely: ``{"status": "ok", "data": ...}`` or why there is no data."""
        import keras

        if obj is None:
            return {"status": "missing", "message": f"`{self.symbol}` is not defined: run the cell that defines it."}
        keras.utils.set_random_seed(seed)
        try:
            with quiet_retracing():
                data = (self.hidden_probe if hidden else self.probe)(obj, np.random.default_rng(seed))
        except NotImplementedError as error:
            if raised_by_library(error):  # e.g. Keras' Layer.get_config, not the stub
                return {"status": "error", "message": _describe_exception(error) + _library_hint(error)}
            return {"status": "not-implemented",
                    "message": f"`{self.symbol}` still raises NotImplementedError: replace the stub with your code."}
        except Fail as failure:
            return {"status": "failed", "message": failure.message()}
        except MemoryError as error:
            return {"status": "memory-limit", "message": f"your code ran out of memory ({_describe_exception(error)})"}
        except Exception as error:  # the learner's code raised: report it, do not crash
            try:
                hint = self.error_hint(error)
            except Exception:  # noqa: BLE001 - a hint is a courtesy: never let it hide the error
                hint = None
            if not hint:
                return {"status": "error", "message": _describe_exception(error)}
            hint = f". Hint: {hint}"
            return {"status": "error", "message": _describe_exception(error)[:MAX_MESSAGE - len(hint)] + hint}
        return {"status": "ok", "data": data}

    def judge(self, result, expected):
        """``(status, message)`` of a visible probe result against the expected data (the lesson's check)."""
        verdict = self.assess(result, expected)
        return verdict.status, verdict.message

    def assess(self, result, expected, hidden_result=None, hidden_expected=None):
        """The :class:`Verdict` of a probe result (and, when grading, the hidden probe's) against the reference."""
        if result.get("status") != "ok":
            return Verdict(result.get("status", "error"), result.get("message", ""), 0.0)
        outcomes = [(part, self._try(self.verify_part, part, result["data"], expected)) for part in self.parts] \
            if self.parts else [(None, self._try(self.verify, result["data"], expected))]
        if self.hidden_title and hidden_expected is not None:
            outcomes.append(("hidden", self._hidden_outcome(hidden_result or {}, hidden_expected)))
        failures = [message for _, message in outcomes if message is not None]
        if self.parts:
            fraction = round(1 - len(failures) / len(outcomes), 6)
        else:
            fraction = 0.0 if failures else 1.0
        status = "passed" if fraction == 1 else "partial" if fraction > 0 else "failed"
        return Verdict(status, "; ".join(failures), fraction,
                       tuple((part or "all", message is None) for part, message in outcomes))

    def _try(self, verify, *args):
        """``None`` when ``verify(*args)`` passes, else the failure's message (with the part's name).

        The learner's data (the argument before ``expected``) is read through :class:`_ReadLog`: a pass counts only
        if every value the check read is there and holds data wherever the reference's does (see
        :func:`_hollow_reads`), so that data shaped to make a comparison vacuous (an empty list in a loop, an empty
        array in np.allclose, a key left out for a lenient default) earn nothing."""
        prefix = f"[{args[0]}] " if self.parts and verify == self.verify_part else ""
        log = []
        watched = list(args)
        watched[-2] = _watch(args[-2], (), log)
        try:
            verify(*watched)
        except Fail as failure:
            return prefix + failure.message()
        except Exception as error:  # malformed data from the learner's side
            return f"the answer produced data of an unexpected form ({_describe_exception(error)})"
        hollow = _hollow_reads(log, args[-2], args[-1])
        if hollow:
            return prefix + Fail("the data the check read", "values computed by the answer", f"nothing at {hollow}",
                                 "the check's probe did not run as written: run the lesson's cells unchanged "
                                 "and let the grader call your answer").message()
        return None

    def _hidden_outcome(self, result, expected):
        """Like :meth:`_try` for the hidden check; the message never holds expected or observed values."""
        label = f"hidden check ({self.hidden_title})"
        status = result.get("status")
        if status != "ok":
            reason = HIDDEN_REASONS.get(status)
            first_line = str(result.get("message", "")).split("\n")[0][:200]
            return f"{label} failed: {reason or first_line or 'no result'}"
        log = []
        try:
            self.hidden_verify(_watch(result["data"], (), log), expected)
        except Fail as failure:
            return f"{label} failed: {failure.what}" + (f". Hint: {failure.hint}" if failure.hint else "")
        except Exception as error:
            return f"{label} failed: the answer produced data of an unexpected form ({type(error).__name__})"
        if _hollow_reads(log, result["data"], expected):
            return f"{label} failed: the check's probe did not run as written"
        return None


class _ReadLog(dict):
    """A dict of the learner's data that logs the path of every key a check reads (``[]`` and ``get``)."""

    def __init__(self, data, path, log):
        super().__init__(data)
        self._path, self._log = path, log

    def __getitem__(self, key):
        self._log.append(self._path + (key,))
        return _watch(super().__getitem__(key), self._path + (key,), self._log)

    def get(self, key, default=None):
        self._log.append(self._path + (key,))
        return self[key] if key in self else default

    def items(self):
        return [(key, self[key]) for key in self]

    def values(self):
        return [self[key] for key in self]


class _ReadLogList(list):
    """A list of the learner's data whose items, when read, log their paths (their dicts are :class:`_ReadLog`)."""

    def __init__(self, data, path, log):
        super().__init__(data)
        self._path, self._log = path, log

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        self._log.append(self._path + (index,))
        return _watch(super().__getitem__(index), self._path + (index,), self._log)

    def __iter__(self):
        return (self[i] for i in range(len(self)))


def _watch(value, path, log):
    if isinstance(value, dict) and not isinstance(value, _ReadLog):
        return _ReadLog(value, path, log)
    if isinstance(value, list) and not isinstance(value, _ReadLogList):
        return _ReadLogList(value, path, log)
    return value


_MISSING = object()


def _at(data, path):
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return data


def _size(value):
    if isinstance(value, (list, tuple)):
        return len(value)
    if isinstance(value, np.ndarray):
        return value.size
    return None


def _hollow_reads(log, got, expected):
    """The first path a check read where the learner's data is missing (a key of the probe's record, not inside a
    list, whose items may differ in form), or empty (or a single value standing for an array) while the reference's
    holds data; None when there is none."""
    for path in dict.fromkeys(log):
        reference = _at(expected, path)
        if reference is _MISSING:
            continue
        value = _at(got, path)
        if value is _MISSING:
            # a key of the probe's own record; items of lists (one per layer, per call...) may differ in form
            if not any(isinstance(key, int) for key in path):
                return "/".join(map(str, path))
            continue
        size, reference_size = _size(value), _size(reference)
        if reference_size and (size == 0 or (isinstance(value, np.ndarray) and isinstance(reference, np.ndarray)
                                             and reference.size > 1 and value.size == 1
                                             and value.shape != reference.shape)):
            return "/".join(map(str, path))
        if reference_size is None and isinstance(value, np.ndarray) and value.size == 0:
            return "/".join(map(str, path))
    return None


@dataclasses.dataclass(frozen=True)
class Verdict:
    """A judged exercise: ``status`` (passed, partial, failed, or why there was nothing to judge), a message for
    the learner, the ``fraction`` of the points earned and, per sub-check, ``(part, passed)``."""

    status: str
    message: str
    fraction: float
    parts: tuple = ()


def parse_probe_result(text, max_bytes=None):
    """What a probe wrote (JSON text from the learner's process), validated: ``{"visible": ..., "hidden": ...}``.

    Every result is ``{"status": one of KERNEL_STATUSES, "message": str, "data": plain data}``; anything else (a
    forged ``"passed"``, an unknown key, malformed arrays, too many bytes) becomes an ``error`` result, so no string
    from the learner's process can award points: only the grader's verify can.
    """
    def bad(why):
        return {"status": "error", "message": f"the probe's result could not be used ({why})"}

    if max_bytes is not None and len(text) > max_bytes:
        return {"visible": bad(f"more than {max_bytes} bytes"), "hidden": None}
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as error:
        return {"visible": bad(f"not JSON: {type(error).__name__}"), "hidden": None}
    if not isinstance(raw, dict) or "visible" not in raw:
        return {"visible": bad("unexpected layout"), "hidden": None}

    def one(value):
        if value is None:
            return None
        if not isinstance(value, dict) or value.get("status") not in KERNEL_STATUSES \
                or set(value) - {"status", "message", "data"}:
            return bad("unexpected status or keys")
        message = value.get("message", "")
        if not isinstance(message, str):
            return bad("a message that is not text")
        if value["status"] != "ok":
            return {"status": value["status"], "message": str(message)[:MAX_MESSAGE]}
        try:
            return {"status": "ok", "message": "", "data": from_plain(value.get("data"))}
        except (ValueError, KeyError, TypeError, RecursionError, OverflowError) as error:
            return bad(f"malformed data: {type(error).__name__}: {str(error)[:200]}")

    return {"visible": one(raw["visible"]) or bad("no visible result"), "hidden": one(raw.get("hidden"))}


_LIBRARY_PARTS = ("site-packages", "dist-packages", "/lib/python")


def raised_by_library(error):
    """True when the innermost frame of ``error`` is in an installed library (Keras, TensorFlow, NumPy, ...)."""
    frames = traceback.extract_tb(error.__traceback__)
    return bool(frames) and any(part in frames[-1].filename for part in _LIBRARY_PARTS)


def _library_hint(error):
    if "get_config" in "".join(traceback.format_tb(error.__traceback__)):
        return (". Hint: Keras raised this, not the stub: a layer or regularizer whose __init__ takes arguments "
                "must define get_config() returning them (a Layer adds them to super().get_config())")
    return ". Hint: a library raised this, not the stub: read the message and the line of your code it names"


# Keras wraps a layer's error in terminal colour codes, and TensorFlow prefixes an op's error with its graph node's
# name: neither means anything in a feedback file or a gradebook
_TERMINAL_CODES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_GRAPH_NODE = re.compile(r"\{\{function_node [^}]*\}\}\s*")


def _describe_exception(error):
    frames = traceback.extract_tb(error.__traceback__)
    where = ""
    for frame in reversed(frames):
        if frame.filename.startswith("<") or "ipykernel" in frame.filename:
            where = f" (line {frame.lineno} of your cell: {frame.line!r})" if frame.line else ""
            break
    text = _GRAPH_NODE.sub("", _TERMINAL_CODES.sub("", str(error)))
    text = re.sub(r"\n\s*\n+", "\n", text).strip()
    return f"{type(error).__name__}: {text}{where}"[:MAX_MESSAGE]


# ---------------------------------------------------------------------------------------------------------------
# plain data <-> JSON


def to_plain(value):
    """Convert numbers, strings, lists/tuples, dicts with str keys and numpy arrays to JSON-ready plain data."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray) or hasattr(value, "__array__") and not isinstance(value, dict):
        array = np.asarray(value)
        if array.dtype.name not in _ALLOWED_DTYPES:
            raise TypeError(f"arrays of dtype {array.dtype} are not plain data")
        array = np.array(array, order="C", copy=True)  # not ascontiguousarray: it turns 0-d into 1-d
        return {ARRAY_KEY: {"dtype": array.dtype.name, "shape": list(array.shape),
                            "data": base64.b64encode(array.tobytes()).decode("ascii")}}
    if isinstance(value, (list, tuple)):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("dict keys must be strings in plain data")
        return {key: to_plain(item) for key, item in value.items()}
    raise TypeError(f"{type(value).__name__} is not plain data")


def from_plain(value):
    """Inverse of :func:`to_plain`, validating every array (dtype allow-list, size consistent with shape)."""
    if isinstance(value, list):
        return [from_plain(item) for item in value]
    if isinstance(value, dict):
        if set(value) == {ARRAY_KEY}:
            spec = value[ARRAY_KEY]
            dtype, shape = spec["dtype"], tuple(int(n) for n in spec["shape"])
            if dtype not in _ALLOWED_DTYPES:
                raise ValueError(f"array dtype {dtype!r} is not allowed")
            raw = base64.b64decode(spec["data"], validate=True)
            array = np.frombuffer(raw, dtype=dtype)
            if array.size != int(np.prod(shape)):
                raise ValueError("array data does not match its shape")
            return array.reshape(shape).copy()
        if set(value) == {"__float__"}:
            return float(value["__float__"]) if value["__float__"] in ("nan", "inf", "-inf") else math.nan
        return {key: from_plain(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(f"{type(value).__name__} is not plain data")


def dumps(value):
    return json.dumps(to_plain(value), sort_keys=True)


def loads(text):
    return from_plain(json.loads(text))


# ---------------------------------------------------------------------------------------------------------------
# comparison helpers for verify()


def expect_equal(what, got, expected, hint=None):
    """Fail unless ``got == expected`` (for shapes, counts, names)."""
    if got != expected:
        raise Fail(what, expected, got, hint)


# Float results differ in their last bits between CPUs, instruction sets, thread counts and batch sizes (float32
# has 24 bits: one unit in the last place is 1.2e-7 of a value's magnitude). An element near zero inherits the
# rounding of the larger values it was computed from, so every comparison also allows SCALE_RTOL of the array's
# largest magnitude: about 80 float32 ULPs of the array's scale, far below any mistake a check looks for.
SCALE_RTOL = 1e-5


def close_mask(got, expected, rtol, atol, scale_rtol=SCALE_RTOL):
    """Elementwise ``|got - expected| <= atol + rtol * |expected| + scale_rtol * max|expected|`` (float64)."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    scale = float(np.max(np.abs(expected))) if expected.size and np.all(np.isfinite(expected)) else 0.0
    tolerance = atol + rtol * np.abs(expected) + scale_rtol * scale
    return (np.abs(got - expected) <= tolerance) | ((got == expected) & ~np.isfinite(expected))


def expect_close(what, got, expected, rtol=1e-4, atol=1e-6, hint=None):
    """Fail unless the arrays have the same shape and agree elementwise within
    ``atol + rtol * |expected| + SCALE_RTOL * max|expected|`` (the last term absorbs cross-CPU rounding).

    The failure message states the largest relative error, as CS231n's checks do.
    """
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise Fail(f"{what} (shape)", expected.shape, got.shape, hint)
    if not np.all(np.isfinite(got)):
        raise Fail(what, "finite values", "NaN or infinity", hint)
    if not np.all(close_mask(got, expected, rtol, atol)):
        error = np.max(np.abs(got - expected) / (np.abs(expected) + atol))
        shown_expected = expected if expected.size <= 4 else f"an array (max relative error should be < {rtol:g})"
        shown_got = got if got.size <= 4 else f"max relative error {error:.2e}"
        raise Fail(what, _round(shown_expected), _round(shown_got), hint)


def normal_weights(rng, shapes):
    """Weights the grader chooses for variables of these shapes, in order: normal, kernels scaled by
    1/sqrt(fan-in), vectors by 1/2 (float32)."""
    return [(rng.normal(size=shape) / (np.sqrt(shape[0]) if len(shape) == 2 else 2)).astype("float32")
            for shape in shapes]


def weights_in_call_order(model, inputs):
    """``model.weights``, ordered by when their layers first run on ``inputs``. A subclassed model lists its weights in
    the order its ``__init__`` made the layers, which need not be the order ``call`` uses them: setting weights by
    shape in this order gives two models that compute the same thing the same weights. Weights of layers that did not
    run follow, in their own order."""
    leaves = [layer for layer in model._flatten_layers(include_self=False, recursive=True)
              if not list(layer._flatten_layers(include_self=False, recursive=False)) and "call" not in vars(layer)]
    called = []
    for layer in leaves:
        def recording(*args, _layer=layer, _original=layer.call, **kwargs):
            if not any(_layer is other for other in called):
                called.append(_layer)
            return _original(*args, **kwargs)

        layer.call = recording
    try:
        model(inputs)
    finally:
        for layer in leaves:
            del layer.call
    ordered, seen = [], set()
    for variable in [v for layer in called for v in layer.weights] + list(model.weights):
        if id(variable) not in seen:
            seen.add(id(variable))
            ordered.append(variable)
    return [variable for variable in ordered if any(variable is weight for weight in model.weights)]


def missing_biases(shapes, expected_shapes):
    """Whether weight ``shapes`` are the reference's kernels with some of their biases left out (use_bias=False)."""
    return len(shapes) < len(expected_shapes) and (
        [shape for shape in shapes if len(shape) > 1] == [shape for shape in expected_shapes if len(shape) > 1])


def seed_uniform_weights(model, rng, weights=None):
    """Give every float weight of ``model`` (in order, or in the order of ``weights``; seed states skipped) values
    from ``rng``: uniform with a variance of 1 / fan-in for kernels, in [-0.1, 0.1] for vectors."""
    for variable in (v for v in (model.weights if weights is None else weights) if str(v.dtype).startswith("float")):
        shape = tuple(variable.shape)
        scale = np.sqrt(3.0 / np.prod(shape[:-1])) if len(shape) > 1 else 0.1
        variable.assign(rng.uniform(-scale, scale, size=shape).astype("float32"))


def expect_autoencoder_models(models, context=""):
    """Fail unless ``models`` is ``(encoder, decoder, autoencoder)`` of three keras.Model; return them.

    ``context`` (e.g. ``" (noise='dropout')"``) follows the model's name in the message, for builders probed with
    several arguments.
    """
    import keras

    if not isinstance(models, (tuple, list)) or len(models) != 3:
        raise Fail("return value", "a tuple (encoder, decoder, autoencoder)", type(models).__name__,
                   "end the function with `return encoder, decoder, autoencoder`")
    for label, model in zip(("encoder", "decoder", "autoencoder"), models):
        if not isinstance(model, keras.Model):
            raise Fail(f"the {label}{context}", "a keras.Model", type(model).__name__,
                       "wrap the layers in keras.Sequential([...]) to make a model")
    order = _autoencoder_order(models)
    if order is not None and order != ("encoder", "decoder", "autoencoder"):
        raise Fail(f"the order of the returned models{context}", "(encoder, decoder, autoencoder)",
                   f"({', '.join(order)})", "end the function with `return encoder, decoder, autoencoder`")
    return tuple(models)


def training_gap(model, inputs):
    """The largest difference between ``model``'s outputs while training and in inference on ``inputs``: 0 for a
    model without layers that act only while training (Dropout, GaussianNoise, an LSTM's dropout, ...)."""
    training = np.asarray(model(inputs, training=True), dtype=np.float64)
    inference = np.asarray(model(inputs, training=False), dtype=np.float64)
    return float(np.max(np.abs(training - inference))) if training.shape == inference.shape else float("inf")


def training_settings(model, inputs):
    """What ``fit`` would do to ``model`` besides fitting its outputs: the loss terms a call adds (regularizers), how
    many of its weights it may change (a frozen layer's may not), and how many constraints it puts on weights."""
    model(inputs)
    constraints = sum(getattr(layer, name, None) is not None
                      for layer in model._flatten_layers(include_self=False, recursive=True)
                      for name in ("kernel_constraint", "bias_constraint"))
    return {"losses": len(model.losses), "trainable": len(model.trainable_weights), "constraints": int(constraints)}


def expect_training_settings(got, expected, what):
    """Fail when :func:`training_settings` differ from the reference's: a regularizer, a frozen layer or a weight
    constraint changes what fit learns even though the outputs with the grader's weights are the same."""
    if got["losses"] != expected["losses"]:
        raise Fail(f"loss terms {what} adds while training (model.losses)", expected["losses"], got["losses"],
                   "no regularizers (kernel_regularizer, activity_regularizer, ...): this exercise's model is trained "
                   "on the reconstruction error alone")
    if got["trainable"] != expected["trainable"]:
        raise Fail(f"trainable weights of {what}", expected["trainable"], got["trainable"],
                   "do not freeze a layer or a model (trainable=False): fit must train every weight")
    if got["constraints"] != expected["constraints"]:
        raise Fail(f"weight constraints in {what}", expected["constraints"], got["constraints"],
                   "no kernel_constraint or bias_constraint: this exercise's layers are plain")


def expect_no_training_only_layers(gap, what, hint="this exercise's models have no Dropout, GaussianNoise or other "
                                                  "layer (or argument, such as an LSTM's dropout=) that acts only "
                                                  "while training: leave them out"):
    """Fail when :func:`training_gap` found outputs that change while training."""
    if gap > 1e-5:
        raise Fail(f"{what} while training (training=True)", "the same outputs as in inference",
                   f"outputs that differ by up to {gap:.3g}", hint)


def _autoencoder_order(models):
    """The roles of three models, ``("encoder", "decoder", "autoencoder")`` in the order given, when one of them is
    made of the two others (the autoencoder, which calls the encoder first); None when that cannot be told."""
    def parts(model):
        return [layer for layer in getattr(model, "layers", ()) if any(layer is other for other in models)]

    wholes = [index for index, model in enumerate(models) if len(parts(model)) == 2]
    if len(wholes) != 1 or type(models[wholes[0]]).__name__ not in ("Sequential", "Functional"):
        return None  # a subclassed model lists its parts in the order __init__ assigned them, not as it calls them
    encoder, decoder = parts(models[wholes[0]])
    roles = {id(models[wholes[0]]): "autoencoder", id(encoder): "encoder", id(decoder): "decoder"}
    return tuple(roles.get(id(model), "?") for model in models)


def _round(value):
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=5) if value.size > 1 else f"{value.item():.6g}"
    return value


def graph_error(function, tensors, constants=()):
    """None when ``function(*tensors, *constants)`` runs compiled as a graph (as ``fit`` compiles ``train_step``),
    with ``tensors`` as its symbolic inputs; else the error, in one short line."""
    import tensorflow as tf

    # autograph off: it cannot read the source of code run from a notebook cell and would say so at every call
    compiled = tf.function(lambda *inputs: function(*inputs, *constants), autograph=False)
    with quiet_retracing():
        try:
            compiled(*(tf.convert_to_tensor(value) for value in tensors))
        except Exception as error:  # any failure to trace is the learner's: NumPy on a symbolic tensor, int(tensor)
            message = " ".join(str(error).split())
            return f"{type(error).__name__}: {message[:160]}"
    return None


@contextlib.contextmanager
def quiet_retracing():
    """TensorFlow's Python warnings (its retracing warning above all) silenced, then its log level restored.

    A check builds new models and functions on every probe, and Keras makes a new ``fit``/``predict`` function for
    each model: TensorFlow then warns of "excessive retracing", which a learner would take for a fault of theirs.
    Errors still show."""
    import tensorflow as tf

    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def stand_ins(namespaces, **replacements):
    """Bind the learner's names (only those their namespaces define) to the grader's stand-ins, then restore them.

    Yields the names that were replaced."""
    saved = [(namespace, {name: namespace[name] for name in replacements if name in namespace})
             for namespace in namespaces]
    try:
        for namespace, names in saved:
            namespace.update({name: replacements[name] for name in names})
        yield sorted({name for _, names in saved for name in names})
    finally:
        for namespace, names in saved:
            namespace.update(names)
