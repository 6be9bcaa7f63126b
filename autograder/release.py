"""``python -m autograder release DIR``: what the students of a graded course get, with no reference answer in it.

The release holds:

    lessons/NN_topic.ipynb               the student lessons (stubs where the answers go)
    solutions/<helper>.py                the course helpers (config, data, plotting, ...): every ``solutions`` module
                                         that no exercise names as its answer's module and that imports none of them
    autograder/{__init__,runtime,exercise}.py, autograder/checks/*.py
                                         the visible checks, which compare the learner's plain data with ...
    autograder/expected/NN_topic.json    ... the reference answers' probe outputs, computed here at build time
    pyproject.toml, README.md            so that ``pip install DIR`` makes the lessons' check cells work

Left out: the answer modules (``solutions/linear.py``, ...), the reference notebooks, the nbgrader source, the
example submissions, the lesson templates and the build/grade code, which import the answers. Every import of a
``solutions``/``autograder`` module in the release must resolve inside it (else :class:`ReleaseError` names the
file), and after writing, the release is searched for every line of every reference answer
(:func:`find_answer_code`): one found there is an error too.
"""

import ast
import json
import math
import pathlib
import re
import shutil
import subprocess

import nbformat

from autograder import build, checks, source

ROOT = build.ROOT
MARKER = ".course-release"  # a folder holding this file is a release this command may replace
RUNTIME_FILES = ("autograder/__init__.py", "autograder/runtime.py", "autograder/exercise.py",
                 "autograder/checks/__init__.py")
INSTRUCTOR_ONLY_DEPENDENCIES = ("nbgrader",)
MIN_ANSWER_LINE = 12  # shorter answer lines ("return x", "else:") are too common to be evidence of a leak
INTERNAL = ("solutions", "autograder")


class ReleaseError(RuntimeError):
    """The release cannot be made without breaking it or giving an answer away; the message says which file."""


# ---------------------------------------------------------------------------------------------------------------
# what goes in


def answer_modules():
    """``{module name}`` of every module an exercise names as its answer's home (e.g. ``solutions.linear``)."""
    return {exercise.answer.split(":")[0] for lesson in checks.lessons() for exercise in checks.exercises(lesson)}


def _module_name(relative):
    parts = list(pathlib.PurePosixPath(relative).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(code, module=None, is_package=False):
    """Module names that ``code`` imports, absolute; ``from p import n`` yields both ``p`` and ``p.n``."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import inside a package
                package = (module or "").split(".") if is_package else (module or "").split(".")[:-1]
                package = package[:len(package) - (node.level - 1)]
                base = ".".join(package + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def helper_modules():
    """``(included, excluded)``: the ``solutions`` modules students get, and ``{module: why not}`` for the rest."""
    everything = answer_modules()  # every lesson's, also when releasing only some lessons
    included, excluded = [], {}
    for path in sorted((ROOT / "solutions").glob("*.py")):
        name = _module_name(path.relative_to(ROOT).as_posix())
        if name in everything:
            excluded[name] = "holds reference answers"
            continue
        leaked = sorted(_imported_modules(path.read_text(encoding="utf-8"), name, path.name == "__init__.py")
                        & everything)
        if leaked:
            excluded[name] = f"imports the answer module(s) {', '.join(leaked)}"
            continue
        included.append(path)
    return included, excluded


def _main_project():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: read the two fields this needs
        version = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M).group(1)
        block = re.search(r"^dependencies\s*=\s*\[(.*?)^\]", text, re.M | re.S).group(1)
        return {"version": version, "dependencies": re.findall(r'"([^"]+)"', block)}
    return tomllib.loads(text)["project"]


def _pyproject(project):
    dependencies = [dep for dep in project["dependencies"]
                    if re.split(r"[\s<>=!~;\[]", dep, maxsplit=1)[0] not in INSTRUCTOR_ONLY_DEPENDENCIES]
    listed = "".join(f"    {json.dumps(dep)},\n" for dep in dependencies)
    return f"""# Generated by `python -m autograder release`: the student release of the course (no reference answers).
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "genlearn-course-lessons"
version = "{project["version"]}"
description = "Lessons on autoencoders, VAEs and GANs on Fashion-MNIST (Keras 3), with self-checks"
readme = "README.md"
requires-python = ">=3.10"
dependencies = [
{listed}]

[tool.setuptools]
packages = ["solutions", "autograder", "autograder.checks"]

[tool.setuptools.package-data]
autograder = ["expected/*.json"]
"""


def _readme(lessons, helpers, commit):
    rows = "\n".join(f"| `lessons/{lesson}.ipynb` | {len(checks.exercises(lesson))} exercises, "
                     f"{sum(e.points for e in checks.exercises(lesson)):g} points |" for lesson in lessons)
    made_from = f" (commit {commit})" if commit else ""
    return f"""# Representation and generative learning: the lessons

Generated by `python -m autograder release`{made_from}; do not edit, the course's maintainers regenerate it.

| lesson | graded work |
|---|---|
{rows}

## Set up

```bash
python3 -m venv .venv
.venv/bin/pip install .          # TensorFlow, Keras, Jupyter and the course helpers
.venv/bin/jupyter lab lessons/
```

In Colab: upload this folder, `%cd` into it, `!pip install .`, and open a lesson.

## Working through a lesson

Run the lesson from the top. Each exercise is a cell ending in `# YOUR CODE HERE` / `raise NotImplementedError()`:
replace those two lines with your code, run the cell, then run the check cell below it. It prints
`[PASS] <exercise>` or `[FAIL] <exercise>: expected … but got …. Hint: …`. The checks call your code on small
inputs and compare what it returns with the reference answers' results, stored in `autograder/expected/`
(results only: the answers themselves are not in this folder). Your instructor grades your notebook with other,
fresh inputs, so make the code right rather than the numbers.

The params cell near the top holds every setting; `COURSE_FAST=1` in the environment switches to a quick smoke
run (small subsets, few epochs). Fashion-MNIST is read from `$FASHION_MNIST_DIR`, the Keras cache
(`~/.keras/datasets/fashion-mnist`), Debian's `dataset-fashion-mnist` package, or downloaded by Keras.

## What is in here

`lessons/` the notebooks; `solutions/` the course helpers the lessons import ({", ".join(
        f"`{path.stem}`" for path in helpers if path.stem != "__init__")}); `autograder/` the self-checks.
"""


def _git_commit():
    try:
        result = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def plan(lessons=None):
    """``{relative path: text}`` of every file of the release (checked; nothing written)."""
    lessons = list(lessons or checks.lessons())
    for lesson in lessons:
        checks.exercises(lesson)  # ValueError naming the known lessons for a typo
    generated = build.generate(lessons)
    files = {}
    for lesson in lessons:
        files[f"lessons/{lesson}.ipynb"] = generated[build.VERSIONS["student"] / f"{lesson}.ipynb"]
        files[f"autograder/expected/{lesson}.json"] = generated[build.EXPECTED_DIR / f"{lesson}.json"]
    runtime = list(RUNTIME_FILES) + sorted(path.relative_to(ROOT).as_posix()
                                           for path in (ROOT / "autograder" / "checks").glob("l[0-9][0-9]*.py"))
    helpers, _ = helper_modules()
    for relative in runtime + [path.relative_to(ROOT).as_posix() for path in helpers]:
        files[relative] = (ROOT / relative).read_text(encoding="utf-8")
    files.setdefault("solutions/__init__.py", '"""Course helpers used by the lessons."""\n')
    files["pyproject.toml"] = _pyproject(_main_project())
    files["README.md"] = _readme(lessons, helpers, _git_commit())
    _check_imports(files)
    leaks = find_answer_code_in(files)
    if leaks:
        raise ReleaseError("the release would contain reference answers:\n" + "\n".join(
            f"  {path}:{number}: {line}  (answer of {answer})" for path, number, line, answer in leaks))
    return files


def _check_imports(files):
    """Every ``solutions``/``autograder`` module that the release's code or lessons import must be in it."""
    released = {_module_name(path) for path in files if path.endswith(".py")}
    in_repository = {_module_name(path.relative_to(ROOT).as_posix())
                     for package in INTERNAL for path in (ROOT / package).rglob("*.py")}
    problems = []
    for path, text in files.items():
        if path.endswith(".py"):
            codes = [(path, text, _module_name(path), path.endswith("__init__.py"))]
        elif path.endswith(".ipynb"):
            codes = [(f"{path} (cell {index})", _python_lines(cell.source), None, False)
                     for index, cell in enumerate(nbformat.reads(text, as_version=4).cells)
                     if cell.cell_type == "code"]
        else:
            continue
        for where, code, module, is_package in codes:
            try:
                imported = _imported_modules(code, module, is_package)
            except SyntaxError:
                continue  # a cell with cell magics; it imports nothing the release could lack
            for name in sorted(imported):
                top = name.split(".")[0]
                # ``from p import n`` names a module only when p/n.py exists in the repository
                if top in INTERNAL and name not in released and (name in in_repository or "." not in name):
                    problems.append(f"  {where} imports {name}, which students do not get")
    if problems:
        raise ReleaseError("the release would not run:\n" + "\n".join(problems) + "\nMove what the lesson needs "
                           "into a helper module of solutions (one that imports no answer module) or into a "
                           "`%include` in the lesson template.")


def _python_lines(code):
    return "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))


# ---------------------------------------------------------------------------------------------------------------
# the leak search


LEAK_FRACTION = 0.6  # an answer counts as present when a file holds this share of its distinctive lines


def answer_line_sets():
    """``{answer: set of lines}``: the non-trivial lines of each reference answer that its student version has not
    got, nor any lesson's given code (its non-answer cells, which students see by design: lesson 04 gives the
    dense autoencoder that lesson 06 asks to make sparse). Answers are judged as units: single lines such as
    ``keras.layers.Flatten(),`` recur across lessons and prove nothing alone."""
    given = {line.strip() for lesson in checks.lessons() for cell in build.build_notebook(lesson, "student").cells
             if cell.cell_type == "code" and cell.metadata["course"]["role"] != "answer"
             for line in cell.source.splitlines()}
    found = {}
    for lesson in checks.lessons():
        for exercise in checks.exercises(lesson):
            student = {line.strip() for line in source.answer_source(exercise.answer, "student").splitlines()}
            lines = {line.strip() for line in source.answer_source(exercise.answer, "reference").splitlines()}
            found[exercise.answer] = {line for line in lines
                                      if len(line) >= MIN_ANSWER_LINE and line not in student
                                      and line not in given and not line.startswith("#")}
    return {answer: lines for answer, lines in found.items() if lines}


def _text_lines(path, text):
    if path.endswith(".ipynb"):
        for index, cell in enumerate(nbformat.reads(text, as_version=4).cells):
            for number, line in enumerate(cell.source.splitlines(), 1):
                yield f"{path} (cell {index})", number, line
    else:
        yield from ((path, number, line) for number, line in enumerate(text.splitlines(), 1))


def find_answer_code_in(files):
    """``[(path, line number, line, answer)]`` for the lines of every file that holds most of a reference answer
    (at least ``LEAK_FRACTION`` of its distinctive lines)."""
    answers = answer_line_sets()
    leaks = []
    for path, text in sorted(files.items()):
        located = [(where, number, line.strip()) for where, number, line in _text_lines(path, text)]
        present = {line for _, _, line in located}
        for answer, lines in answers.items():
            if len(lines & present) >= max(1, math.ceil(LEAK_FRACTION * len(lines))):
                leaks.extend((where, number, line, answer) for where, number, line in located if line in lines)
    return leaks


def find_answer_code(folder):
    """:func:`find_answer_code_in` over every text file under ``folder``."""
    folder = pathlib.Path(folder)
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            try:
                files[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
    return find_answer_code_in(files)


# ---------------------------------------------------------------------------------------------------------------
# writing


def write(folder, lessons=None):
    """Write the release into ``folder`` (new, empty, or an earlier release, which is replaced); returns the plan."""
    folder = pathlib.Path(folder)
    files = plan(lessons)
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise ReleaseError(f"{folder} is not empty and is not an earlier release: give a new folder")
        shutil.rmtree(folder)
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (folder / MARKER).write_text(json.dumps({"lessons": list(lessons or checks.lessons())}) + "\n",
                                 encoding="utf-8")
    leaks = find_answer_code(folder)
    if leaks:  # cannot happen after plan()'s search, unless the folder is shared with something else
        raise ReleaseError(f"{folder} contains reference answers: {leaks[:5]}")
    return files


def main(folder, lessons=None, out=None):
    import sys

    out = out or sys.stdout
    try:
        files = write(folder, lessons)
    except (ReleaseError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    _, excluded = helper_modules()
    print(f"Wrote the student release to {folder}: {len(files)} files.", file=out)
    for module, why in excluded.items():
        print(f"  left out {module}: {why}", file=out)
    print(f"Students: pip install {folder}, then jupyter lab {pathlib.Path(folder) / 'lessons'}", file=out)
    return 0
