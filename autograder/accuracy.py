"""``python -m autograder accuracy``: how often the checks are right, measured on a corpus of learner-style answers.

The corpus lives beside the tests, never in a release: ``tests/corpus/lNN_topic.py`` holds ``PRELUDE`` (the code
every case runs first, as a lesson's setup cells would: imports, nothing of the answers) and ``CASES``, a list of
:class:`Case`. A *wrong* case is a mistake learners make; it must lose points, and its message must contain
``hint`` (so the check names that mistake). A *right* case is a correct answer written another way; it must keep
full points.

Each case is graded as the grader grades it, in this process: the probe and the hidden probe run on the case's
answer with a grading seed, their plain data cross a JSON round trip, and :meth:`Exercise.assess` compares them
with the reference answers' data for the same seeds.
"""

import dataclasses
import functools
import importlib.util
import pathlib
import sys
import textwrap

from autograder import checks
from autograder.checks.exercise import Verdict, dumps, loads

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "tests" / "corpus"
GRADING_SEED = 20261202  # any seed but the visible checks' 0 (whose outputs ship with the lessons)
KINDS = ("wrong", "right")


@dataclasses.dataclass(frozen=True)
class Case:
    """One learner-style answer: ``code`` defines the exercise's symbol (as the learner's answer cell would)."""

    exercise: str
    kind: str
    label: str
    code: str
    hint: str = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"case {self.label!r}: kind must be one of {KINDS}, not {self.kind!r}")
        if self.kind == "wrong" and not self.hint:
            raise ValueError(f"case {self.label!r}: a wrong case names the words its hint must contain (hint=...)")


@dataclasses.dataclass(frozen=True)
class Outcome:
    case: Case
    verdict: Verdict

    @property
    def caught(self):
        return self.verdict.fraction < 1

    @property
    def named(self):
        return self.caught and self.case.hint.lower() in self.verdict.message.lower()

    @property
    def right(self):
        """The check did what it should: a wrong case lost points and named its mistake; a right case kept all."""
        return self.named if self.case.kind == "wrong" else not self.caught


def load_corpus(lesson, folder=CORPUS_DIR):
    """``(prelude, cases)`` of a lesson's corpus file; ``("", [])`` when it has none."""
    path = pathlib.Path(folder) / f"l{lesson}.py"
    if not path.exists():
        return "", []
    spec = importlib.util.spec_from_file_location(f"_corpus_{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    known = {exercise.name for exercise in checks.exercises(lesson)}
    for case in module.CASES:
        if case.exercise not in known:
            raise ValueError(f"{path.name}: case {case.label!r} names unknown exercise {case.exercise!r}")
    return textwrap.dedent(getattr(module, "PRELUDE", "")), list(module.CASES)


@functools.lru_cache(maxsize=None)
def reference(lesson, seed):
    from autograder.grade import reference_outputs

    return reference_outputs(lesson, seed)


def _plain(result):
    """The result as the grader receives it (JSON round trip); unsendable data becomes an error, as in the kernel."""
    if result is None:
        return None
    try:
        return loads(dumps(result))
    except (TypeError, ValueError) as error:
        return {"status": "error", "message": f"the answer returned something that is not plain data ({error})"}


def grade_case(case, prelude="", seed=GRADING_SEED):
    """The :class:`Verdict` the grader would give ``case`` (run in this process)."""
    import keras

    # a case may register a class under the reference's name (register_keras_serializable): give the names back
    registry = keras.saving.get_custom_objects()
    saved = dict(registry)
    try:
        return _grade_case(case, prelude, seed)
    finally:
        registry.clear()
        registry.update(saved)


def _grade_case(case, prelude, seed):
    from autograder.grade import hidden_seed

    lesson, exercise = checks.find_exercise(case.exercise)
    # the reference first: a case may register its own class under the reference's name, which a reference built
    # after it (and cached for the next cases) would use
    expected = reference(lesson, seed)[exercise.name]
    namespace = {"__name__": "__main__"}
    try:
        exec(compile(prelude, f"<prelude of {lesson}>", "exec"), namespace)
        exec(compile(textwrap.dedent(case.code), f"<corpus case {case.label}>", "exec"), namespace)
    except Exception as error:  # noqa: BLE001 - the learner's cell raised
        return Verdict("error", f"the answer cell raised {type(error).__name__}: {error}", 0.0)
    answer = namespace.get(exercise.symbol)
    visible = _plain(exercise.run_probe(answer, seed))
    hidden = _plain(exercise.run_probe(answer, hidden_seed(seed), hidden=True)) if exercise.hidden_title else None
    return exercise.assess(visible, expected["visible"], hidden, expected["hidden"])


def run(lessons=None, folder=CORPUS_DIR, seed=GRADING_SEED):
    """``{lesson: [Outcome, ...]}`` for every case of the corpus."""
    outcomes = {}
    for lesson in lessons or checks.lessons():
        prelude, cases = load_corpus(lesson, folder)
        outcomes[lesson] = [Outcome(case, grade_case(case, prelude, seed)) for case in cases]
    return outcomes


def summary_rows(outcomes):
    """One row per lesson plus a total: wrong cases, caught, named; right cases, kept."""
    rows = []
    for lesson, results in [*outcomes.items(), ("all", [o for r in outcomes.values() for o in r])]:
        wrong = [o for o in results if o.case.kind == "wrong"]
        right = [o for o in results if o.case.kind == "right"]
        rows.append({"lesson": lesson, "wrong": len(wrong), "caught": sum(o.caught for o in wrong),
                     "named": sum(o.named for o in wrong), "right": len(right),
                     "kept": sum(not o.caught for o in right)})
    return rows


def main(lessons=None, out=sys.stdout, verbose=False):
    outcomes = run(lessons)
    if verbose:
        for lesson, results in outcomes.items():
            for outcome in results:
                if not outcome.right:
                    print(f"MISS {lesson} {outcome.case.exercise} [{outcome.case.kind}] {outcome.case.label}: "
                          f"{outcome.verdict.status} {outcome.verdict.fraction:.2f} {outcome.verdict.message}",
                          file=out)
    print(f"{'lesson':<20} {'wrong':>6} {'caught':>7} {'named':>6} {'right':>6} {'kept':>5}", file=out)
    for row in summary_rows(outcomes):
        print(f"{row['lesson']:<20} {row['wrong']:>6} {row['caught']:>7} {row['named']:>6} {row['right']:>6} "
              f"{row['kept']:>5}", file=out)
    return 0 if all(o.right for results in outcomes.values() for o in results) else 1
