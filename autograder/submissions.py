"""Finding submissions, who they belong to, and reading them without trusting them.

**Identity comes from the top folder.** For a folder of submissions, each first-level folder is a student and every
notebook anywhere inside it is theirs (a folder ``alice/bob/01_linear_pca.ipynb`` is Alice's, never Bob's). A
notebook directly in the given folder, like a notebook file given by itself, belongs to the folder that holds it
(its file name must name the lesson, so it cannot name the student). Symbolic links are never followed inside a
submissions folder.

**One notebook per lesson and student.** When a student's folder holds two notebooks with the same file name (a copy
in a sub-folder), only the one nearest the top of the folder is graded (:func:`one_per_lesson`); the grader names the
copies it ignored.

**Distinct feedback files.** Two students whose names become the same file name (``"a b"`` and ``"a_b"``) each get
their own feedback file: :func:`feedback_names` adds a short hash of the real name to every colliding one.

**Reading.** :func:`read_submission` reads only a regular file of bounded size (:mod:`autograder.safe_io`): a
named pipe, a link to ``/dev/zero`` or to a file under ``/proc`` is a ``malformed-notebook`` row, not a hung or
crashed grader.
"""

import hashlib
import os
import pathlib

import nbformat

from autograder.safe_io import UnsafeFile, read_regular

MAX_NOTEBOOK_BYTES = 200_000_000
STATE_DIR = ".grading"


def discover(paths):
    """``[(student, notebook path or folder)]`` for the files and folders in ``paths`` (see the module's doc)."""
    found = []
    for raw in paths:
        path = pathlib.Path(raw)
        if path.is_dir():
            found.extend(_students_in(path))
        elif path.exists() or path.is_symlink():  # a file given by itself (or anything else there: read refuses)
            found.append((path.resolve().parent.name, path))
        else:
            raise FileNotFoundError(f"{raw}: no such file or folder")
    return found


def one_per_lesson(found):
    """``(kept, ignored)``: each student's notebooks with one per file name, the one nearest the top of their folder
    (then the first by path), so that copies of a lesson in sub-folders cannot count twice in a gradebook; ``ignored``
    lists ``(student, copy, kept path)`` for the others."""
    chosen = {}
    for student, path in found:
        key = (student, pathlib.Path(path).name if str(path).endswith(".ipynb") else str(path))
        rank = (len(pathlib.Path(path).parts), str(path))
        if key not in chosen or rank < chosen[key][0]:
            chosen[key] = (rank, path)
    kept_paths = {id(path) for _, path in chosen.values()}
    kept = [(student, path) for student, path in found if id(path) in kept_paths]
    ignored = [(student, path, chosen[(student, pathlib.Path(path).name)][1]) for student, path in found
               if id(path) not in kept_paths]
    return kept, ignored


def _students_in(folder):
    entries = []
    with os.scandir(folder) as listing:
        children = sorted(listing, key=lambda entry: entry.name)
    for child in children:
        if child.name.startswith(".") or child.name == STATE_DIR:
            continue
        if child.is_dir(follow_symlinks=False):
            notebooks = notebooks_in(child.path)
            # a student's folder with nothing in it gets a row too, so nobody silently disappears
            entries += [(child.name, notebook) for notebook in notebooks] or [(child.name, pathlib.Path(child.path))]
        elif child.name.endswith(".ipynb"):  # a notebook (or a pipe or link by that name) directly in the folder
            entries.append((pathlib.Path(folder).resolve().name, pathlib.Path(child.path)))
    if not entries:
        entries.append((pathlib.Path(folder).resolve().name, pathlib.Path(folder)))  # an empty folder gets a row
    return sorted(entries, key=lambda entry: (entry[0], str(entry[1])))


def notebooks_in(folder):
    """Every ``*.ipynb`` below ``folder`` (whatever its kind), without following links to folders."""
    found = []
    for top, folders, files in os.walk(folder, followlinks=False):
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name != STATE_DIR)
        found += [pathlib.Path(top) / name for name in files if name.endswith(".ipynb")]
    return sorted(found)


def read_submission(path):
    """``(bytes, None)`` or ``(None, message)`` for a file that cannot be read as a submission."""
    try:
        return read_regular(path, MAX_NOTEBOOK_BYTES), None
    except FileNotFoundError:
        return None, "the file disappeared before it could be read; submit it again"
    except UnsafeFile as problem:
        if problem.found.startswith("larger"):
            return None, (f"the file is {problem.found}, more than the {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB a notebook "
                          "may have; clear the outputs (Edit > Clear outputs of all cells) and submit again")
        return None, f"the submission is {problem.found}, not a notebook file; submit the .ipynb file itself"
    except OSError as error:
        return None, f"the file cannot be read ({error.strerror or error}); submit the .ipynb file itself"


def parse_notebook(data):
    """``(notebook, None)`` or ``(None, message)`` for bytes that are not a readable notebook."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"the file cannot be read as text ({error}); submit the .ipynb file itself"
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises several types for bad JSON and bad structure
        return None, (f"not a valid notebook ({type(error).__name__}: {str(error)[:200]}); open it in Jupyter, "
                      "save it, and submit it again")
    if not isinstance(notebook.get("cells"), list) or not all(isinstance(c, dict) for c in notebook.cells):
        return None, "not a valid notebook (no list of cells)"
    return notebook, None


def safe_name(name):
    """``name`` as a file name: letters, digits, ``-``, ``_`` and ``.`` only."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name).lstrip(".") or "unnamed"


def feedback_names(students):
    """``{student: file stem}``: the safe name, plus a short hash of the real name when two would collide."""
    groups = {}
    for student in dict.fromkeys(students):
        groups.setdefault(safe_name(student).lower(), []).append(student)
    names = {}
    for group in groups.values():
        for student in group:
            suffix = f"-{hashlib.sha256(student.encode()).hexdigest()[:8]}" if len(group) > 1 else ""
            names[student] = safe_name(student) + suffix
    return names
