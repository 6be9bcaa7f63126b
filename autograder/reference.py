"""Reference outputs: the reference answers probed with a run's seeds, in the grader's own (trusted) process."""

import concurrent.futures
import threading

from autograder import checks
from autograder.checks.exercise import dumps, loads
from autograder.notebook_runs import hidden_seed


def reference_outputs(lesson, seed):
    """``{exercise: {"visible": data, "hidden": data or None}}`` of the reference answers for this run's seeds."""
    outputs = {}
    for exercise in checks.exercises(lesson):
        reference = exercise.load_reference()
        probes = {"visible": exercise.run_probe(reference, seed)}
        probes["hidden"] = exercise.run_probe(reference, hidden_seed(seed), hidden=True) \
            if exercise.hidden_title else None
        for kind, result in probes.items():
            if result is not None and result["status"] != "ok":
                raise RuntimeError(f"the reference answer of {exercise.name} does not pass its own {kind} probe: "
                                   f"{result}")
        outputs[exercise.name] = {kind: None if result is None else loads(dumps(result["data"]))
                                  for kind, result in probes.items()}
    return outputs


class Expected:
    """Reference outputs per (lesson, seed), computed once and shared by the worker threads.

    :meth:`prefetch` computes a batch's lessons in a background thread while the kernels run (each kernel is another
    process, so on two cores the two overlap). One computation runs at a time: the probes seed Keras' global random
    state, and two at once would make the reference outputs depend on timing.
    """

    def __init__(self):
        self._futures = {}
        self._lock = threading.Lock()
        self._computing = threading.Lock()

    def _future(self, lesson, seed):
        with self._lock:
            future = self._futures.get((lesson, seed))
            mine = future is None
            if mine:
                future = self._futures[lesson, seed] = concurrent.futures.Future()
        if mine:
            with self._computing:
                try:
                    future.set_result(reference_outputs(lesson, seed))
                except BaseException as error:  # noqa: BLE001 - raised again to whoever asks for this lesson
                    future.set_exception(error)
        return future

    def __call__(self, lesson, seed):
        return self._future(lesson, seed).result()

    def prefetch(self, lessons, seed):
        """Start computing ``lessons`` (in this order) in a background thread; returns a function that stops it
        after the lesson in progress and waits for it (TensorFlow must not be running when the process exits)."""
        stop = threading.Event()

        def work():
            for lesson in lessons:
                if stop.is_set():
                    return
                self._future(lesson, seed)

        thread = threading.Thread(target=work, name="reference outputs", daemon=True)
        thread.start()

        def finish():
            stop.set()
            thread.join()

        return finish
