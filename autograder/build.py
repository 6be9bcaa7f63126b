"""``python -m autograder build [--check]``: generate every lesson file from the single source of truth.

Sources (edited by hand):
    autograder/lessons/NN_topic.md   the lesson's text and cell order
    solutions/<topic>.py            the reference answers (the library)
    autograder/checks/lNN_topic.py  the checks and points

Generated (committed; never edited by hand):
    lessons/NN_topic.ipynb                   student version: answers replaced by stubs
    solutions/notebooks/NN_topic.ipynb       reference version: the same cells with the answers
    autograder/nbgrader_source/NN_topic.ipynb  nbgrader source version (### BEGIN/END SOLUTION, cell metadata)
    autograder/expected/NN_topic.json        the reference's probe outputs, for the visible checks
    examples/submissions/*/NN_topic.ipynb    the demo submissions (lessons that define DEMO_MISTAKE)
    autograder/INDEX.md                      maintainers' index: each lesson's files, and which lesson shows or uses
                                             which object (every build writes it whole, whichever lessons it builds)

``--check`` builds in memory, compares with what is committed and exits 1 naming each stale file.
"""

import json
import pathlib
import sys

import nbformat

from autograder import checks, index, source
from autograder.checks.exercise import dumps, loads

ROOT = pathlib.Path(__file__).resolve().parent.parent
VERSIONS = {
    "student": ROOT / "lessons",
    "reference": ROOT / "solutions" / "notebooks",
    "nbgrader": ROOT / "autograder" / "nbgrader_source",
}
EXPECTED_DIR = ROOT / "autograder" / "expected"
EXAMPLES_DIR = ROOT / "examples" / "submissions"
INDEX_PATH = ROOT / "autograder" / "INDEX.md"
VISIBLE_SEED = 0
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def _relative(path):
    path = pathlib.Path(path).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def sources_of(lesson):
    """The hand-edited files a lesson is generated from."""
    module = checks.lesson_modules()[lesson]
    template = source.template_paths()[lesson]
    included = {match.group(1).split(":")[0] for line in template.read_text().splitlines()
                if (match := source.INCLUDE.match(line))}
    modules = {exercise.answer.split(":")[0] for exercise in module.EXERCISES} | included
    return [_relative(template), *sorted(name.replace(".", "/") + ".py" for name in modules), _relative(module.__file__)]


def _nbgrader(grade_id, solution=False, grade=False, locked=True, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def check_call(exercise):
    return f'check("{exercise.name}", {exercise.symbol})'


def earlier_exercises(lesson, names):
    """The exercises of the earlier ``lesson`` whose answers are bound to ``names`` (``%answers_of``)."""
    by_symbol = {exercise.symbol: exercise for exercise in checks.exercises(lesson)}
    unknown = [name for name in names if name not in by_symbol]
    if unknown:
        raise source.TemplateError(f"%answers_of {lesson}: {', '.join(unknown)} is no answer of lesson {lesson} "
                                   f"(its answers: {', '.join(by_symbol)})")
    return [by_symbol[name] for name in names]


def given_answers_code(lesson, names):
    """The reference answers ``names`` of the earlier ``lesson``, pasted, under a comment that says so."""
    exercises = earlier_exercises(lesson, names)
    points = sum(exercise.points for exercise in exercises)
    head = (f"# GIVEN BY YOUR INSTRUCTOR: lesson {lesson}'s reference answers {', '.join(names)} ({points:g} of its\n"
            "# points), so that this lesson does not depend on your own.")
    return "\n\n".join([head] + [source.answer_source(exercise.answer, "reference").rstrip("\n")
                                  for exercise in exercises])


def template_cells(lesson, give=()):
    """The lesson template's cells; ``give``: earlier lessons whose reference answers its setup pastes."""

    def paste(earlier, names):
        exercises = earlier_exercises(earlier, names)  # a TemplateError for a name that is no answer
        return given_answers_code(earlier, [e.symbol for e in exercises]) if earlier in give else None

    return source.parse_template(source.template_paths()[lesson], give=paste)


def build_notebook(lesson, version, give=()):
    """The lesson as a notebook in one of the versions ``student``, ``reference`` or ``nbgrader``.

    ``give``: earlier lessons whose reference answers this lesson's setup pastes instead of taking the learner's
    own (an instructor's release option: ``python -m autograder release --give``); the build never gives any.
    """
    exercises = {exercise.name: exercise for exercise in checks.exercises(lesson)}
    made_from = sources_of(lesson)
    header = (f"<!-- Generated by `python -m autograder build` from {', '.join(made_from)}. "
              "Maintainers edit those files, never this notebook. -->\n"
              f"*Lesson {lesson[:2]}* · fill in each cell marked `# YOUR CODE HERE`, then run the check below it.")
    cells, counters, used = [], {}, set()

    def add(cell, role, nbgrader_meta, exercise=None):
        cell.metadata["nbgrader"] = nbgrader_meta
        cell.metadata["course"] = {"role": role, **({"exercise": exercise} if exercise else {})}
        cell.id = nbgrader_meta["grade_id"].replace("_", "-")
        cells.append(cell)

    def next_id(kind):
        counters[kind] = counters.get(kind, 0) + 1
        return f"{kind}_{counters[kind]}"

    template = template_cells(lesson, give)
    for earlier, names in sorted({(earlier, names) for cell in template for earlier, names, given in cell.earlier
                                  if given}):
        points = sum(exercise.points for exercise in earlier_exercises(earlier, names))
        header += (f"\n\n**This copy gives away lesson {earlier}'s reference answers** ({', '.join(names)}: "
                   f"{points:g} points): your instructor pasted them into the setup below.")
    add(nbformat.v4.new_markdown_cell(header), "header", _nbgrader("header"))
    for cell in template:
        if cell.kind == "markdown":
            add(nbformat.v4.new_markdown_cell(cell.source), "markdown", _nbgrader(next_id("markdown")))
        elif cell.kind in ("code", "setup"):
            add(nbformat.v4.new_code_cell(cell.source), cell.kind, _nbgrader(next_id(cell.kind)))
        else:
            if cell.exercise not in exercises:
                raise source.TemplateError(f"lesson {lesson} names exercise {cell.exercise!r}, which "
                                           f"autograder/checks has not got (known: {', '.join(exercises)})")
            exercise = exercises[cell.exercise]
            used.add(exercise.name)
            code = source.answer_source(exercise.answer, version).rstrip("\n")
            add(nbformat.v4.new_code_cell(code), "answer",
                _nbgrader(exercise.name, solution=True, locked=False), exercise.name)
            add(nbformat.v4.new_code_cell(check_call(exercise)), "check",
                _nbgrader(exercise.name + "_check", grade=True, points=exercise.points), exercise.name)
    missing = set(exercises) - used
    if missing:
        raise source.TemplateError(f"lesson {lesson} never places exercise(s) {', '.join(sorted(missing))}")
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = KERNELSPEC
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.metadata["course"] = {"lesson": lesson, "version": version, "generated_from": made_from}
    return notebook


def expected_outputs(lesson, seed=VISIBLE_SEED):
    """``{exercise name: probe data}`` of the reference answers (computed here, in a trusted process)."""
    expected = {}
    for exercise in checks.exercises(lesson):
        result = exercise.run_probe(exercise.load_reference(), seed)
        if result["status"] != "ok":
            raise RuntimeError(f"the reference answer of {exercise.name} does not pass its own probe: {result}")
        expected[exercise.name] = loads(dumps(result["data"]))
    return expected


def _expected_file(lesson):
    payload = {"_generated_from": sources_of(lesson), "_seed": VISIBLE_SEED,
               "exercises": json.loads(dumps(expected_outputs(lesson)))}
    return json.dumps(payload, indent=1, sort_keys=True) + "\n"


def _demo_submissions(lesson, notebooks):
    module = checks.lesson_modules()[lesson]
    mistake = getattr(module, "DEMO_MISTAKE", None)
    if mistake is None:
        return {}
    wrong = nbformat.reads(nbformat.writes(notebooks["reference"]), as_version=4)
    target = [cell for cell in wrong.cells if cell.metadata["course"].get("exercise") == mistake["exercise"]
              and cell.metadata["course"]["role"] == "answer"][0]
    if mistake["replace"][0] not in target.source:
        raise source.TemplateError(f"DEMO_MISTAKE of {lesson}: {mistake['replace'][0]!r} is not in the answer")
    target.source = target.source.replace(*mistake["replace"])
    return {"correct": notebooks["reference"], "mistake": wrong, "untouched": notebooks["student"]}


def generate(lessons=None):
    """``{path: text}`` of every generated file of ``lessons`` (default: all), and the index, which covers all."""
    files = {INDEX_PATH: index.index_text()}
    for lesson in lessons or checks.lessons():
        notebooks = {version: build_notebook(lesson, version) for version in VERSIONS}
        for version, folder in VERSIONS.items():
            files[folder / f"{lesson}.ipynb"] = nbformat.writes(notebooks[version]) + "\n"
        files[EXPECTED_DIR / f"{lesson}.json"] = _expected_file(lesson)
        for student, notebook in _demo_submissions(lesson, notebooks).items():
            files[EXAMPLES_DIR / student / f"{lesson}.ipynb"] = nbformat.writes(notebook) + "\n"
    return files


# The drift check's tolerance for generated numbers (autograder/expected/*.json): reference outputs come from float32
# math whose last bits depend on the CPU (oneDNN picks other kernels per instruction set), so two builds on two
# machines agree only up to rounding. Elementwise: DRIFT_ATOL + DRIFT_RTOL * |committed| + SCALE_RTOL * max|array|.
# Any change to a reference answer moves its outputs by far more.
DRIFT_RTOL, DRIFT_ATOL = 1e-5, 1e-6


def _same(path, text):
    return _difference(path, text) is None


def _difference(path, text):
    """``None`` when the committed ``path`` holds ``text`` (numbers within tolerance for expected outputs), else why
    not, in a few words."""
    if not path.exists():
        return "missing"
    current = path.read_text(encoding="utf-8")
    if path.suffix == ".json" and path.parent == EXPECTED_DIR:
        try:
            committed = json.loads(current)
        except ValueError as error:
            return f"not valid JSON ({error})"
        return numeric_difference(committed, json.loads(text))
    return None if current == text else "text differs"


def numeric_difference(committed, built, rtol=DRIFT_RTOL, atol=DRIFT_ATOL):
    """``None`` when two JSON documents of plain data agree (floats and arrays within the drift tolerance, all else
    exactly), else a description of the first disagreement naming where it is and the largest difference."""
    import numpy as np

    from autograder.checks.exercise import close_mask

    def first(x, y, where):
        if isinstance(x, dict) and isinstance(y, dict):
            if x.keys() != y.keys():
                return f"{where or '/'}: keys differ ({', '.join(sorted(set(x) ^ set(y)))})"
            return next((d for k in sorted(x) if (d := first(x[k], y[k], f"{where}/{k}"))), None)
        if isinstance(x, list) and isinstance(y, list):
            if len(x) != len(y):
                return f"{where}: {len(x)} items committed, {len(y)} built"
            return next((d for i, (p, q) in enumerate(zip(x, y)) if (d := first(p, q, f"{where}[{i}]"))), None)
        numeric = (float, np.ndarray, np.floating)
        if isinstance(x, numeric) or isinstance(y, numeric):
            x, y = np.asarray(x), np.asarray(y)
            if x.shape != y.shape or x.dtype.kind not in "fiub" or y.dtype.kind not in "fiub":
                return f"{where}: shape or type differs ({x.dtype}{list(x.shape)} committed, {y.dtype}{list(y.shape)} built)"
            if np.all(close_mask(y, x, rtol, atol)):
                return None
            gap = np.abs(x.astype(np.float64) - y.astype(np.float64))
            gap = np.where(np.isnan(gap), np.inf, gap)
            return (f"{where}: largest difference {np.max(gap):.3g} (committed {x.flat[np.argmax(gap)]:.7g}, "
                    f"built {y.flat[np.argmax(gap)]:.7g}), beyond float rounding")
        return None if x == y else f"{where}: {x!r} committed, {y!r} built"

    return first(loads(json.dumps(committed)), loads(json.dumps(built)), "")


def main(check=False, lessons=None, out=sys.stdout):
    files = generate(lessons)
    if check:
        stale = {path: why for path, text in files.items() if (why := _difference(path, text))}
        if stale:
            print("Generated files are stale (they differ from what the build makes from the sources):", file=out)
            for path, why in stale.items():
                print(f"  - {_relative(path)}: {why}", file=out)
            print("Run `python -m autograder build` (or `make build`) and commit the result.", file=out)
            return 1
        print(f"All {len(files)} generated files are up to date.", file=out)
        return 0
    written = 0
    for path, text in files.items():
        if not _same(path, text):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written += 1
            print(f"wrote {_relative(path)}", file=out)
    print(f"{len(files)} generated files, {written} rewritten.", file=out)
    return 0
