"""``python -m autograder release DIR``: what the students of a graded course get, with no reference answer in it.

The release holds:

    lessons/NN_topic.ipynb               the student lessons (stubs where the answers go)
    solutions/<helper>.py                the course helpers (config, data, plotting, earlier, ...): every ``solutions``
                                         module that no exercise names as its answer's module and that imports none
    autograder/{__init__,runtime,exercise}.py, autograder/checks/__init__.py
                                         the check machinery, and autograder/checks/lNN_topic.py of the lessons
                                         released only (a check's hints describe its lesson's answer)
    autograder/expected/NN_topic.json    the reference answers' probe outputs of those lessons, computed at build time
    pyproject.toml, README.md            so that ``pip install DIR`` makes the lessons' check cells work
    GIVEN_ANSWERS.md                     only with ``give``: the earlier answers this release gives away

Left out: the answer modules (``solutions/linear.py``, ...), the reference notebooks, the nbgrader source, the
example submissions, the lesson templates and the build/grade code, which import the answers. A lesson that builds
on an earlier lesson's answer (03 and 04 on 02, 09 on 08) takes the learner's own from their earlier notebook
(:mod:`solutions.earlier`), unless the instructor names that earlier lesson in ``give``: then its reference answers
are pasted into the later lesson's setup, and the release says so (the command's output, the lesson's header,
GIVEN_ANSWERS.md), naming lessons, answers and points.

Checks before anything is written: every import of a ``solutions``/``autograder`` module in the release resolves
inside it, and :func:`autograder.leaks.find_leaks` finds no exercise's reference answer in any released file
(normalised code, not text), except the answers given. Either failure is a :class:`ReleaseError` naming the file,
and no release is left behind.
"""

import ast
import json
import pathlib
import re
import shutil
import subprocess
import tempfile

import nbformat

from autograder import build, checks, leaks

ROOT = build.ROOT
MARKER = ".course-release"  # a folder holding this file is a release this command may replace
RUNTIME_FILES = ("autograder/__init__.py", "autograder/runtime.py", "autograder/exercise.py",
                 "autograder/checks/__init__.py")
INSTRUCTOR_ONLY_DEPENDENCIES = ("nbgrader",)
GIVEN_FILE = "GIVEN_ANSWERS.md"
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


def _readme(lessons, helpers, commit, given):
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
{_earlier_text(lessons, given)}"""


def _earlier_text(lessons, given):
    taken = [(lesson, earlier) for earlier, use in earlier_answers(lessons).items() if earlier not in given
             for lesson in use["into"]]
    text = ""
    if taken:
        text += ("\nSome lessons build on your answers to an earlier lesson: " + "; ".join(
            f"`{lesson}` runs yours from `lessons/{earlier}.ipynb`" for lesson, earlier in taken)
                 + ". Keep your notebooks together in `lessons/`, and finish the earlier lesson first.\n")
    if given:
        text += f"\n**This release gives away some earlier answers**: see `{GIVEN_FILE}`.\n"
    return text


def _git_commit():
    try:
        result = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def earlier_answers(lessons):
    """``{earlier lesson: {"names": [...], "exercises": [Exercise], "into": [lesson]}}``: the earlier answers that
    the ``lessons`` take (``%answers_of`` in their setup), from the learner's notebook unless given."""
    found = {}
    for lesson in lessons:
        for cell in build.template_cells(lesson):
            for earlier, names, _ in cell.earlier:
                use = found.setdefault(earlier, {"names": [], "exercises": [], "into": []})
                for exercise in build.earlier_exercises(earlier, names):
                    if exercise.symbol not in use["names"]:
                        use["names"].append(exercise.symbol)
                        use["exercises"].append(exercise)
                if lesson not in use["into"]:
                    use["into"].append(lesson)
    return found


def _check_give(lessons, give):
    """``{earlier lesson: use}`` for the lessons named in ``give``; ReleaseError when one gives nothing."""
    takers = earlier_answers(lessons)
    for earlier in give:
        checks.exercises(earlier)  # ValueError naming the known lessons for a typo
        if earlier not in takers:
            known = "; ".join(f"{', '.join(use['into'])} on {name}" for name, use in
                              earlier_answers(checks.lessons()).items())
            raise ReleaseError(f"--give {earlier}: no lesson of this release builds on lesson {earlier}'s answers, so "
                               f"there is nothing to give (lessons that build on earlier answers: {known})")
    return {earlier: takers[earlier] for earlier in give}


def _points(points):
    return f"{points:g} point" + ("" if points == 1 else "s")


def given_summary(given, lessons=()):
    """Lines that say which earlier answers the release gives away, and how many points they are worth."""
    lines = []
    for earlier, use in given.items():
        points = sum(exercise.points for exercise in use["exercises"])
        total = sum(exercise.points for exercise in checks.exercises(earlier))
        answers = ", ".join(f"{exercise.symbol} ({_points(exercise.points)})" for exercise in use["exercises"])
        lines.append(f"lesson {earlier}: {answers}; {points:g} of its {_points(total)}, pasted into "
                     f"{', '.join(use['into'])}" + (f" (and {earlier} itself is in this release: its learners can "
                                                    "read them there)" if earlier in lessons else ""))
    return lines


def _given_file(given, lessons):
    rows = "\n".join(f"- {line}" for line in given_summary(given, lessons))
    return f"""# Answers this release gives away

This release was made with `python -m autograder release --give {' --give '.join(given)}`. The lessons below take
these reference answers, pasted into their setup cell, instead of the learner's own answers of the earlier lesson.
Anyone with this release can read them: give them only after the earlier lesson's deadline.

{rows}
"""


def plan(lessons=None, give=()):
    """``{relative path: text}`` of every file of the release (checked; nothing written).

    ``give``: earlier lessons whose reference answers the later lessons of this release paste (see the module).
    """
    lessons = list(lessons or checks.lessons())
    for lesson in lessons:
        checks.exercises(lesson)  # ValueError naming the known lessons for a typo
    given = _check_give(lessons, list(dict.fromkeys(give)))
    generated = build.generate(lessons)
    files = {}
    for lesson in lessons:
        files[f"lessons/{lesson}.ipynb"] = nbformat.writes(build.build_notebook(lesson, "student", give=given)) + "\n"
        files[f"autograder/expected/{lesson}.json"] = generated[build.EXPECTED_DIR / f"{lesson}.json"]
    modules = checks.lesson_modules()
    runtime = list(RUNTIME_FILES) + [path.relative_to(ROOT).as_posix() for lesson in lessons
                                     for path in _check_files(pathlib.Path(modules[lesson].__file__))]
    helpers, _ = helper_modules()
    for relative in runtime + [path.relative_to(ROOT).as_posix() for path in helpers]:
        files[relative] = (ROOT / relative).read_text(encoding="utf-8")
    files.setdefault("solutions/__init__.py", '"""Course helpers used by the lessons."""\n')
    files["pyproject.toml"] = _pyproject(_main_project())
    files["README.md"] = _readme(lessons, helpers, _git_commit(), given)
    if given:
        files[GIVEN_FILE] = _given_file(given, lessons)
    _check_imports(files)
    _check_leaks(files, given)
    return files


def _check_files(module_path):
    """A lesson's check module ``lNN_topic.py`` and the private modules it splits into (``_lNN_*.py``)."""
    return [module_path, *sorted(module_path.parent.glob(f"_{module_path.name[:3]}_*.py"))]


def _check_leaks(files, given):
    """ReleaseError listing every reference answer found in ``files``, except the ones ``given`` gives."""
    allowed = {exercise.name for use in given.values() for exercise in use["exercises"]}
    found = leaks.find_leaks(files, allowed=allowed)
    if found:
        raise ReleaseError("the release would contain reference answers:\n" + "\n".join(f"  {leak}" for leak in found)
                           + "\nNo release was written. Take the code out of the lesson or helper, or give an "
                             "earlier lesson's answers explicitly with --give.")


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


def find_answer_code(folder, give=()):
    """``[Leak]``: the reference answers in the files under ``folder`` (a release), except those ``give`` gives."""
    folder = pathlib.Path(folder)
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            try:
                files[path.relative_to(folder).as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
    allowed = {exercise.name for use in _check_give(checks.lessons(), give).values() for exercise in use["exercises"]}
    return leaks.find_leaks(files, allowed=allowed)


# ---------------------------------------------------------------------------------------------------------------
# writing


def write(folder, lessons=None, give=()):
    """Write the release into ``folder`` (new, empty, or an earlier release, which is replaced); returns the plan.

    The release is written beside ``folder`` and moved into place only when complete and searched again, so a
    failure leaves no release (and an earlier one untouched).
    """
    folder = pathlib.Path(folder)
    if folder.exists() and (not folder.is_dir() or (any(folder.iterdir()) and not (folder / MARKER).exists())):
        raise ReleaseError(f"{folder} is not empty and is not an earlier release: give a new folder")
    files = plan(lessons, give)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for relative, text in files.items():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        (staging / MARKER).write_text(json.dumps({"lessons": list(lessons or checks.lessons()), "given": list(give)})
                                      + "\n", encoding="utf-8")
        found = find_answer_code(staging, give)
        if found:  # cannot happen after plan()'s search, unless writing changed a file
            raise ReleaseError("the written release contains reference answers:\n" + "\n".join(map(str, found)))
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return files


def main(folder, lessons=None, out=None, give=()):
    import sys

    out = out or sys.stdout
    try:
        files = write(folder, lessons, give)
    except (ReleaseError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    _, excluded = helper_modules()
    print(f"Wrote the student release to {folder}: {len(files)} files.", file=out)
    for module, why in excluded.items():
        print(f"  left out {module}: {why}", file=out)
    lessons = list(lessons or checks.lessons())
    given = _check_give(lessons, give)
    for line in given_summary(given, lessons):
        print(f"WARNING: this release GIVES AWAY reference answers of {line} (listed in {GIVEN_FILE})", file=out)
    for earlier, use in earlier_answers(lessons).items():
        if earlier not in given:
            print(f"  lesson {earlier}'s answers ({', '.join(use['names'])}): {', '.join(use['into'])} take the "
                  f"learner's own from {earlier}.ipynb (--give {earlier} would paste the reference answers)", file=out)
    print(f"Students: pip install {folder}, then jupyter lab {pathlib.Path(folder) / 'lessons'}", file=out)
    return 0
