"""``python -m autograder grade PATH... --out DIR``: grade notebooks outside the learner's kernel.

For each submitted notebook the grader builds a *grading notebook*: the lesson's setup cells taken from the
instructor's version (imports and params), the learner's answer cells (matched by nbgrader ``grade_id``), then one
probe cell per exercise. A fresh Jupyter kernel runs it in fast mode; each probe calls the learner's answer on
inputs made from this run's seed and writes plain data (JSON; arrays as base64 bytes) to a file. Back in this
process, the reference answers are probed with the same seed and :meth:`Exercise.judge` compares the two. Expected
values never enter the learner's kernel.

Writes ``DIR/grades.csv``, ``DIR/grades.json`` and ``DIR/feedback/<student>.md``.
"""

import csv
import dataclasses
import io
import json
import os
import pathlib
import random
import sys
import tempfile

import nbformat

from autograder import build, checks
from autograder.exercise import loads

COLUMNS = ["student", "notebook", "exercise", "score", "max_score", "status", "message"]
MAX_RESULT_BYTES = 10_000_000
GRADER_ENV = {"COURSE_FAST": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONHASHSEED": "0"}


@dataclasses.dataclass
class Row:
    student: str
    notebook: str
    exercise: str
    score: float
    max_score: float
    status: str
    message: str


# ---------------------------------------------------------------------------------------------------------------
# finding submissions


def discover(paths):
    """``[(student, notebook path or folder)]``: a notebook's student is the name of the folder that holds it."""
    found = []
    for raw in paths:
        path = pathlib.Path(raw)
        if path.is_file():
            found.append((path.resolve().parent.name, path))
        elif path.is_dir():
            notebooks = _notebooks_in(path)
            if not notebooks:
                found.append((path.resolve().name, path))  # an empty folder still gets a row
                continue
            entries = [(notebook.resolve().parent.name, notebook) for notebook in notebooks]
            # a student's folder with nothing in it gets a row too, so nobody silently disappears
            entries += [(sub.name, sub) for sub in path.iterdir() if sub.is_dir() and not sub.name.startswith(".")
                        and not _notebooks_in(sub)]
            found.extend(sorted(entries, key=lambda entry: (entry[0], str(entry[1]))))
        else:
            raise FileNotFoundError(f"{raw}: no such file or folder")
    return found


# ---------------------------------------------------------------------------------------------------------------
# one notebook


class _Expected:
    """Reference probe outputs per (lesson, seed), computed once in this (trusted) process."""

    def __init__(self):
        self._cache = {}

    def __call__(self, lesson, seed):
        if (lesson, seed) not in self._cache:
            self._cache[lesson, seed] = build.expected_outputs(lesson, seed)
        return self._cache[lesson, seed]


def _rows_for_all(student, notebook, lesson, status, message):
    if lesson is None:
        return [Row(student, notebook, "", 0, 0, status, message)]
    return [Row(student, notebook, ex.name, 0, ex.points, status, message) for ex in checks.exercises(lesson)]


def _read_submission(path):
    """``(notebook, None)`` or ``(None, message)`` for a file that is not a readable notebook."""
    try:
        text = pathlib.Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, f"the file cannot be read as text ({error}); submit the .ipynb file itself"
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises several types for bad JSON and bad structure
        return None, (f"not a valid notebook ({type(error).__name__}: {str(error)[:200]}); open it in Jupyter, "
                      "save it, and submit it again")
    if not isinstance(notebook.get("cells"), list):
        return None, "not a valid notebook (no list of cells)"
    return notebook, None


def _lesson_of(notebook, path):
    known = checks.lessons()
    declared = notebook.metadata.get("course", {}).get("lesson") if notebook is not None else None
    for candidate in (declared, pathlib.Path(path).stem):
        if candidate in known:
            return candidate
    return None


def _answer_cells(notebook):
    answers = {}
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("solution") and meta.get("grade_id"):
            answers.setdefault(meta["grade_id"], cell.source)
    return answers


def _grading_notebook(lesson, answers, seed, results_dir):
    instructor = build.build_notebook(lesson, "student")
    cells = [nbformat.v4.new_code_cell(cell.source, metadata={"role": "setup"})
             for cell in instructor.cells if cell.metadata["course"]["role"] == "setup"]
    for exercise in checks.exercises(lesson):
        if exercise.name in answers:
            cells.append(nbformat.v4.new_code_cell(answers[exercise.name],
                                                   metadata={"role": "answer", "exercise": exercise.name}))
    for exercise in checks.exercises(lesson):
        target = results_dir / f"{exercise.name}.json"
        code = ("from autograder.runtime import probe_to_file\n"
                f"probe_to_file({exercise.name!r}, globals().get({exercise.symbol!r}), seed={seed}, "
                f"path={str(target)!r})")
        cells.append(nbformat.v4.new_code_cell(code, metadata={"role": "probe", "exercise": exercise.name}))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = build.KERNELSPEC
    return notebook


def _error_of(cell):
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", "Error"), output.get("evalue", "")
    return None


def _execute(notebook, workdir, cell_timeout):
    """Run the grading notebook in a fresh kernel; returns a message when the kernel died, else None."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    client = NotebookClient(
        notebook, timeout=cell_timeout, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout={"ename": "TimeoutError", "evalue": f"the cell ran longer than {cell_timeout:g} s"},
        resources={"metadata": {"path": str(workdir)}},
    )
    env = {**os.environ, **GRADER_ENV}
    try:
        client.execute(env=env, cwd=str(workdir))
    except DeadKernelError:
        return "the kernel died (the code crashed its process or ran out of memory)"
    return None


def grade_notebook(student, path, seed, cell_timeout, expected):
    """The gradebook rows of one submitted notebook (one per exercise, or one explaining why there are none)."""
    name = pathlib.Path(path).name
    if pathlib.Path(path).is_dir():
        return [Row(student, name, "", 0, 0, "no-notebook", "the folder holds no .ipynb file")]
    notebook, problem = _read_submission(path)
    lesson = _lesson_of(notebook, path)
    if problem:
        return _rows_for_all(student, name, lesson, "malformed-notebook", problem)
    if lesson is None:
        return _rows_for_all(student, name, None, "unknown-lesson",
                             f"{name} is not one of the course's lessons ({', '.join(checks.lessons())}); "
                             "keep the lesson's file name, e.g. 01_linear_pca.ipynb")
    answers = _answer_cells(notebook)
    with tempfile.TemporaryDirectory(prefix="grade-") as workdir:
        workdir = pathlib.Path(workdir)
        results_dir = workdir / "results"
        results_dir.mkdir()
        grading = _grading_notebook(lesson, answers, seed, results_dir)
        died = _execute(grading, workdir, cell_timeout)
        cell_errors = {cell.metadata.get("exercise"): (cell.metadata["role"], _error_of(cell))
                       for cell in grading.cells if cell.metadata.get("role") in ("answer", "probe")
                       and _error_of(cell)}
        setup_error = next((_error_of(c) for c in grading.cells if c.metadata.get("role") == "setup"
                            and _error_of(c)), None)
        results = {}
        for exercise in checks.exercises(lesson):
            target = results_dir / f"{exercise.name}.json"
            if target.exists() and target.stat().st_size <= MAX_RESULT_BYTES:
                try:
                    results[exercise.name] = loads(target.read_text(encoding="utf-8"))
                except (ValueError, KeyError, TypeError) as error:
                    results[exercise.name] = {"status": "error", "message": f"unreadable probe result ({error})"}
    rows = []
    reference = expected(lesson, seed)
    for exercise in checks.exercises(lesson):
        status, message = _status(exercise, answers, cell_errors, setup_error, died, results)
        if status is None:
            status, message = exercise.judge(results[exercise.name], reference[exercise.name])
        score = exercise.points if status == "passed" else 0
        rows.append(Row(student, name, exercise.name, score, exercise.points, status, message))
    return rows


def _status(exercise, answers, cell_errors, setup_error, died, results):
    """``(status, message)`` when the exercise cannot be judged on data, else ``(None, None)``."""
    if exercise.name not in answers:
        return "missing", f"no answer cell with grade_id {exercise.name!r}: do not delete or retag the answer cell"
    role, error = cell_errors.get(exercise.name, (None, None))
    if role == "answer":
        ename, evalue = error
        if ename == "NotImplementedError":
            return "not-implemented", "the answer cell still raises NotImplementedError"
        if ename == "TimeoutError":
            return "timeout", f"the answer cell did not finish: {evalue}"
        return "error", f"the answer cell raised {ename}: {evalue}"[:500]
    if role == "probe" and error[0] == "TimeoutError":
        return "timeout", f"calling your answer did not finish: {error[1]}"
    if exercise.name in results:
        return None, None
    if setup_error:
        return "grader-error", f"the lesson's setup cells failed in the grader ({setup_error[0]}: {setup_error[1]})"
    if died:
        return "crashed", died
    if error:
        return "error", f"{error[0]}: {error[1]}"[:500]
    return "error", "no result came back from the probe"


# ---------------------------------------------------------------------------------------------------------------
# output


def write_outputs(rows, out, seed):
    out = pathlib.Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([getattr(row, column) for column in COLUMNS] for row in rows)
    _atomic_write(out / "grades.csv", buffer.getvalue())
    payload = {"seed": seed, "rows": [dataclasses.asdict(row) for row in rows]}
    _atomic_write(out / "grades.json", json.dumps(payload, indent=1) + "\n")
    by_student = {}
    for row in rows:
        by_student.setdefault(row.student, []).append(row)
    for student, student_rows in by_student.items():
        _atomic_write(out / "feedback" / f"{_safe(student)}.md", feedback_markdown(student, student_rows))


def feedback_markdown(student, rows):
    lines = [f"# Feedback for {student}", ""]
    by_notebook = {}
    for row in rows:
        by_notebook.setdefault(row.notebook, []).append(row)
    for notebook, notebook_rows in by_notebook.items():
        total = sum(row.score for row in notebook_rows)
        maximum = sum(row.max_score for row in notebook_rows)
        lines += [f"## {notebook}: {total:g} / {maximum:g}", "", "| exercise | score | status | feedback |",
                  "|---|---|---|---|"]
        for row in notebook_rows:
            message = row.message.replace("|", "\\|").replace("\n", " ") or "correct"
            lines.append(f"| {row.exercise or '-'} | {row.score:g} / {row.max_score:g} | {row.status} | {message} |")
        lines.append("")
    return "\n".join(lines)


def _safe(name):
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "unnamed"


def _atomic_write(path, text):
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def gradebook_table(rows):
    totals = {}
    for row in rows:
        key = (row.student, row.notebook)
        score, maximum, statuses = totals.get(key, (0, 0, []))
        totals[key] = (score + row.score, maximum + row.max_score, statuses + [row.status])
    lines = [f"{'student':<16} {'notebook':<24} {'score':>9}  statuses"]
    for (student, notebook), (score, maximum, statuses) in totals.items():
        counts = ", ".join(f"{statuses.count(s)} {s}" for s in dict.fromkeys(statuses))
        lines.append(f"{student:<16} {notebook:<24} {score:>4g} / {maximum:<3g}  {counts}")
    return "\n".join(lines)


def grade(paths, seed=None, cell_timeout=120.0, progress=None):
    """Grade every notebook under ``paths``; returns ``(rows, seed)``."""
    seed = random.SystemRandom().randrange(1, 2**31) if seed is None else int(seed)
    submissions = discover(paths)
    expected = _Expected()
    rows = []
    for index, (student, path) in enumerate(submissions, 1):
        if progress:
            progress(f"[{index}/{len(submissions)}] grading {student}/{pathlib.Path(path).name}")
        rows.extend(grade_notebook(student, path, seed, cell_timeout, expected))
    return rows, seed


def main(paths, out, seed=None, cell_timeout=120.0, quiet=False):
    try:
        rows, seed = grade(paths, seed, cell_timeout, progress=lambda text: print(text, file=sys.stderr, flush=True))
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write_outputs(rows, out, seed)
    if not quiet:
        print(gradebook_table(rows))
        print(f"\nWrote {pathlib.Path(out) / 'grades.csv'}, grades.json and feedback/ (probe seed {seed}).")
    return 0


def _notebooks_in(folder):
    return sorted(p for p in pathlib.Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
