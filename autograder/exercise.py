"""What an exercise is, and the plain data that crosses between a learner's kernel and the grader.

An :class:`Exercise` has two halves that never share a process when grading:

* ``probe(obj, rng)`` runs where the learner's code runs (their kernel). It calls the learner's function or class
  on small deterministic inputs made from ``rng`` and returns *plain data*: numbers, strings, lists, dicts and numpy
  arrays. It never sees expected values.
* ``verify(got, expected)`` runs in the grader's process (or, for the visible check in a lesson, beside the
  learner's code, against reference outputs computed at build time). It compares the learner's plain data with the
  reference's and raises :class:`Fail` naming the mistake it recognised.

Plain data crosses process boundaries as JSON (arrays as base64 of their raw bytes with dtype and shape): no pickle,
nothing whose methods could run in the grader.
"""

import base64
import json
import math
import traceback

import numpy as np

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

    def verify(self, got, expected):  # pragma: no cover - abstract
        raise NotImplementedError

    def run_probe(self, obj, seed):
        """Run the probe safely: ``{"status": "ok", "data": ...}`` or a status saying why there is no data."""
        import keras

        if obj is None:
            return {"status": "missing", "message": f"`{self.symbol}` is not defined: run the cell that defines it."}
        keras.utils.set_random_seed(seed)
        try:
            data = self.probe(obj, np.random.default_rng(seed))
        except NotImplementedError:
            return {"status": "not-implemented",
                    "message": f"`{self.symbol}` still raises NotImplementedError: replace the stub with your code."}
        except Fail as failure:
            return {"status": "failed", "message": failure.message()}
        except Exception as error:  # the learner's code raised: report it, do not crash
            return {"status": "error", "message": _describe_exception(error)}
        return {"status": "ok", "data": data}

    def judge(self, result, expected):
        """Turn a probe result and the expected data into ``(status, message)``."""
        if result.get("status") != "ok":
            return result.get("status", "error"), result.get("message", "")
        try:
            self.verify(result["data"], expected)
        except Fail as failure:
            return "failed", failure.message()
        except Exception as error:  # malformed data from the learner's side
            return "failed", f"the answer produced data of an unexpected form ({_describe_exception(error)})"
        return "passed", ""


def _describe_exception(error):
    frames = traceback.extract_tb(error.__traceback__)
    where = ""
    for frame in reversed(frames):
        if frame.filename.startswith("<") or "ipykernel" in frame.filename:
            where = f" (line {frame.lineno} of your cell: {frame.line!r})" if frame.line else ""
            break
    return f"{type(error).__name__}: {error}{where}"[:MAX_MESSAGE]


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


def expect_close(what, got, expected, rtol=1e-4, atol=1e-6, hint=None):
    """Fail unless the arrays have the same shape and agree within ``atol + rtol * |expected|``.

    The failure message states the largest relative error, as CS231n's checks do.
    """
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise Fail(f"{what} (shape)", expected.shape, got.shape, hint)
    if not np.all(np.isfinite(got)):
        raise Fail(what, "finite values", "NaN or infinity", hint)
    if not np.allclose(got, expected, rtol=rtol, atol=atol):
        error = np.max(np.abs(got - expected) / (np.abs(expected) + atol))
        shown_expected = expected if expected.size <= 4 else f"an array (max relative error should be < {rtol:g})"
        shown_got = got if got.size <= 4 else f"max relative error {error:.2e}"
        raise Fail(what, _round(shown_expected), _round(shown_got), hint)


def _round(value):
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=5) if value.size > 1 else f"{value.item():.6g}"
    return value
