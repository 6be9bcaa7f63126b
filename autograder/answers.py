"""Reading a submitted notebook: which lesson it is, the learner's answer cells, the instructor cells it changed.

:func:`run_submission` is everything about one submission that may meet learner-made files or kernels: parse it,
check it is a lesson of the course, take its answer cells and run them (:class:`notebook_runs.NotebookRuns`).
Every cell the grader runs except the answers comes from the instructor's version; the edits the learner made to
the other cells become notes.
"""

import dataclasses
import pathlib
import re

from autograder import checks
from autograder.notebook_runs import NotebookRuns, instructor_notebook
from autograder.submissions import parse_notebook
from autograder.untrusted import learner_text
from autograder.verdicts import rows_for_all

_LESSON_ID = re.compile(r"^\d\d_\w+$")


def lesson_of(notebook, path):
    """``(lesson, declared)``: the lesson to grade (by file name first) and the lesson the metadata declares."""
    known = checks.lessons()
    course = notebook.metadata.get("course", {}) if notebook is not None else {}
    declared = course.get("lesson") if isinstance(course, dict) else None
    declared = declared if isinstance(declared, str) else None
    stem = pathlib.Path(path).stem
    if stem in known:
        return stem, declared
    return (declared if declared in known else None), declared


def _grade_id(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta.get("grade_id") if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str) else None


def answer_cells(notebook, lesson=None):
    """``({exercise: source}, notes)``: the learner's answer cells, by grade_id (the first of duplicates)."""
    answers, notes, seen = {}, [], {}
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = _grade_id(cell)
        if cell.get("cell_type") == "code" and isinstance(meta, dict) and meta.get("solution") and grade_id:
            seen[grade_id] = seen.get(grade_id, 0) + 1
            source = cell.get("source", "")
            if isinstance(source, list) and all(isinstance(line, str) for line in source):
                source = "".join(source)
            if not isinstance(source, str):
                notes.append(f"the answer cell {learner_text(grade_id, 100)!r} holds no text; it was left out")
                continue
            answers.setdefault(grade_id, source)
    for grade_id, count in seen.items():
        if count > 1:
            notes.append(f"{count} cells have the answer id {grade_id!r}; the first one was graded")
    return answers, notes


def integrity_notes(notebook, lesson):
    """Notes naming the instructor's cells (check, setup, locked) that the learner edited, deleted or moved.

    None of them is run from the learner's copy: the grader restores them from the instructor's version, which is
    what this note tells the learner and the instructor.
    """
    instructor = [cell for cell in instructor_notebook(lesson).cells if cell.metadata["course"]["role"] != "answer"]
    theirs = {}
    for cell in notebook.cells:
        grade_id = _grade_id(cell)
        if grade_id and grade_id not in theirs:
            theirs[grade_id] = cell
    edited, deleted, kinds = [], [], {}
    for cell in instructor:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        kinds[grade_id] = cell.metadata["course"]["role"]
        if grade_id not in theirs:
            deleted.append(grade_id)
        elif _normalise(theirs[grade_id].get("source", "")) != _normalise(cell.source) \
                or theirs[grade_id].get("cell_type") != cell.cell_type:
            edited.append(grade_id)
    order = [grade_id for grade_id in (_grade_id(cell) for cell in notebook.cells) if grade_id in kinds]
    expected_order = [cell.metadata["nbgrader"]["grade_id"] for cell in instructor]
    moved = _out_of_order([expected_order.index(grade_id) for grade_id in dict.fromkeys(order)],
                          list(dict.fromkeys(order)))
    notes = []
    for verb, ids in (("edited", edited), ("deleted", deleted), ("moved", moved)):
        code = [i for i in ids if kinds[i] != "markdown" and kinds[i] != "header"]
        text = [i for i in ids if i not in code]
        if code:
            notes.append(f"instructor cells {verb} in the submission and restored for grading: {_some(code)}")
        if text:
            notes.append(f"text cells {verb} in the submission (ignored): {_some(text)}")
    return notes


def _some(ids, shown=12):
    return ", ".join(ids[:shown]) + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


def _normalise(source):
    source = "".join(source) if isinstance(source, list) else str(source)
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _out_of_order(positions, ids):
    """The ids not on a longest increasing run of ``positions``: the cells that were moved."""
    if not positions:
        return []
    best = [1] * len(positions)
    previous = [-1] * len(positions)
    for i in range(len(positions)):
        for j in range(i):
            if positions[j] < positions[i] and best[j] + 1 > best[i]:
                best[i], previous[i] = best[j] + 1, j
    keep, index = set(), max(range(len(positions)), key=best.__getitem__)
    while index != -1:
        keep.add(index)
        index = previous[index]
    return [ids[i] for i in range(len(ids)) if i not in keep]


@dataclasses.dataclass
class Submission:
    """A submission read and checked in the per-notebook watchdog, ready to be judged (or already judged: rows)."""

    rows: list = None
    lesson: str = None
    answers: dict = None
    notes: list = None
    runs: object = None
    seed: int = None


def run_submission(student, path, data, seed, sandbox):
    """Everything about one submission that may meet learner-made files or kernels: parse, check, run."""
    name = pathlib.Path(path).name
    notebook, problem = (None, data) if isinstance(data, str) else parse_notebook(data)
    lesson, declared = lesson_of(notebook, path)
    if problem:
        return Submission(rows=rows_for_all(student, name, lesson, "malformed-notebook", problem))
    if lesson is None:
        return Submission(rows=rows_for_all(
            student, name, None, "unknown-lesson", f"{name} is not one of the course's lessons "
            f"({', '.join(checks.lessons())}); keep the lesson's file name, e.g. 01_linear_pca.ipynb"))
    if declared and _LESSON_ID.match(declared) and declared != lesson:
        return Submission(rows=rows_for_all(
            student, name, lesson, "wrong-lesson", f"this file is named {name} but holds lesson {declared}: submit "
            f"lesson {lesson} under this name", [f"the notebook's metadata says it is lesson {declared}"]))
    answers, notes = answer_cells(notebook, lesson)
    notes += integrity_notes(notebook, lesson)
    runs = NotebookRuns(lesson, answers, seed, sandbox).run()
    return Submission(lesson=lesson, answers=answers, notes=notes + runs.notes, runs=runs, seed=seed)
