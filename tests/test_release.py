"""The student release: lessons and self-checks that work without the reference answers, which it does not hold.

The end-to-end tests install the release with pip into a throwaway environment that sees the shared venv's
libraries but not this repository (the editable install's import hook lives in a .pth file that is not read), and
run a lesson there in a fresh Jupyter kernel.
"""

import ast
import json
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograder import __main__ as cli
from autograder import build, checks, leaks, nbgrader_course, release, source

LESSON = "01_linear_pca"


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("release") / "course"
    assert cli.main(["release", str(folder)]) == 0
    return folder


def _files(folder):
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())


def test_release_holds_lessons_checks_expected_outputs_and_helpers(release_dir):
    files = _files(release_dir)
    for lesson in checks.lessons():
        assert f"lessons/{lesson}.ipynb" in files
        assert f"autograder/expected/{lesson}.json" in files
        assert f"autograder/checks/l{lesson}.py" in files
    for name in ("__init__.py", "checks/__init__.py", "checks/runtime.py", "checks/exercise.py", "checks/statuses.py"):
        assert f"autograder/{name}" in files
    # the student package ships whole: every module of helpers/, byte for byte
    helpers = sorted(path.name for path in (build.ROOT / "helpers").glob("*.py"))
    assert len(helpers) > 5 and [path for path in files if path.startswith("helpers/")] == [f"helpers/{name}"
                                                                                              for name in helpers]
    for name in helpers:
        assert (release_dir / "helpers" / name).read_bytes() == (build.ROOT / "helpers" / name).read_bytes()
    assert "pyproject.toml" in files and "README.md" in files


def test_release_holds_no_answer_module_reference_notebook_or_grader_code(release_dir):
    files = _files(release_dir)
    answer_files = {exercise.answer.split(":")[0].replace(".", "/") + ".py"
                    for lesson in checks.lessons() for exercise in checks.exercises(lesson)}
    assert answer_files and not answer_files & set(files)
    forbidden = ("solutions/", "benchmark/", "autograder/lessons/", "autograder/nbgrader_source/", "examples/")
    assert not [path for path in files if path.startswith(forbidden)]
    for code in ("build.py", "grade.py", "source.py", "__main__.py", "release.py", "gradescope.py",
                 "nbgrader_course.py", "leaks.py"):
        assert f"autograder/{code}" not in files


def _answer_lines():
    """``{exercise: lines}``: the non-trivial lines of each reference answer that its student version has not got
    (written here, apart from the release's own search, so that a bug there cannot hide a leak). No line is
    exempt because some lesson shows it: that exemption hid lesson 02's answers pasted into lesson 03."""
    lines = {}
    for lesson in checks.lessons():
        for exercise in checks.exercises(lesson):
            stub = {line.strip() for line in source.answer_source(exercise.answer, "student").splitlines()}
            reference = {line.strip() for line in source.answer_source(exercise.answer, "reference").splitlines()}
            lines[exercise.name] = {line for line in reference
                                    if len(line) >= 12 and line not in stub and not line.startswith("#")}
    return lines


def _code_lines(name, text):
    if name.endswith(".ipynb"):
        return [line for cell in nbformat.reads(text, as_version=4).cells if cell.cell_type == "code"
                for line in cell.source.splitlines()]
    return text.splitlines()


def _line_leaks(files):
    """``(file, exercise)`` for each file holding half of an answer's lines or more: answers are judged as units,
    since single generic lines (``keras.layers.Flatten(),``) recur in many lessons' code."""
    answers = _answer_lines()
    found = []
    for name, text in sorted(files.items()):
        if name.endswith((".py", ".ipynb")):
            present = {line.strip() for line in _code_lines(name, text)}
            found += [(name, exercise) for exercise, lines in answers.items()
                      if lines and 2 * len(lines & present) >= len(lines)]
    return found


def _read(folder):
    return {path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(folder.rglob("*")) if path.is_file() and path.suffix in (".py", ".ipynb", ".md")}


def _every_exercise():
    return [(lesson, exercise) for lesson in checks.lessons() for exercise in checks.exercises(lesson)]


def test_both_searches_find_every_answer_in_its_reference_notebook():
    notebooks = _read(build.VERSIONS["reference"])
    found = {(leak.where.split(" ")[0], leak.answer.exercise) for leak in leaks.find_leaks(notebooks)}
    by_lines = set(_line_leaks(notebooks))
    for lesson, exercise in _every_exercise():
        assert (f"{lesson}.ipynb", exercise.name) in found, exercise.name
        assert (f"{lesson}.ipynb", exercise.name) in by_lines, exercise.name


def _planted(lesson, code):
    """The student version of ``lesson`` with one more code cell holding ``code``."""
    notebook = build.build_notebook(lesson, "student")
    notebook.cells.append(nbformat.v4.new_code_cell(code))
    return {f"lessons/{lesson}.ipynb": nbformat.writes(notebook)}


def _reformatted(target, rename=True):
    """The reference answer ``target`` reformatted by ast (comments gone, other quotes and line breaks), renamed."""
    tree = ast.parse(source.answer_source(target, "reference"))
    if rename:
        tree.body[0].name += "_mine"
    return "# my own work\n" + ast.unparse(tree)


def _flattened(target):
    """The answer's function bodies pasted one after the other at top level, with no def around them."""
    tree = ast.parse(source.answer_source(target, "reference"))
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    docstring = lambda node: isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)  # noqa: E731
    return "\n".join(ast.unparse(statement) for function in functions for statement in function.body
                     if not docstring(statement))


@pytest.mark.parametrize("paste", [lambda target: source.answer_source(target, "reference"), _reformatted, _flattened],
                         ids=["exact", "reformatted-and-renamed", "flattened"])
def test_the_leak_search_catches_every_answer_planted_in_a_lesson(paste):
    for lesson, exercise in _every_exercise():
        host = "01_linear_pca" if lesson != "01_linear_pca" else "09_dcgan"
        files = _planted(host, paste(exercise.answer))
        assert exercise.name in {leak.answer.exercise for leak in leaks.find_leaks(files)}, exercise.name
        assert exercise.name not in {leak.answer.exercise for leak in leaks.find_leaks(files, allowed={exercise.name})}


def test_the_leak_search_finds_a_copy_that_fixes_a_parameter_at_its_default():
    # lesson 04 used to give this "dense baseline": lesson 02's answer with activation="selu" written in
    copy = source.answer_source("solutions.conv:build_dense_autoencoder", "reference")
    assert "activation=activation" not in copy and 'name="dense_encoder"' in copy
    found = leaks.find_leaks(_planted("04_conv_recurrent", copy))
    assert [(leak.answer.exercise, leak.evidence) for leak in found] == [
        ("stacked_autoencoder", "the body of build_dense_autoencoder() is the answer's")]


def test_the_leak_search_reads_python_files_and_markdown_code_blocks():
    answer = source.answer_source("solutions.gan:GAN", "reference")
    for name, text in (("solutions/helper.py", answer), ("NOTES.md", f"Look:\n\n```python\n{answer}```\n")):
        assert [leak.answer.exercise for leak in leaks.find_leaks({name: text})] == ["gan_train_step"], name


def test_default_release_holds_no_reference_answer(release_dir):
    files = _read(release_dir)
    assert _answer_lines() and len(files) > 20
    assert _line_leaks(files) == []
    assert leaks.find_leaks(files) == []
    assert release.find_answer_code(release_dir) == []


@pytest.mark.parametrize("lesson", checks.lessons())
def test_single_lesson_release_holds_only_its_checks_and_no_answer(lesson):
    files = release.plan([lesson])
    assert [name for name in files if name.startswith("lessons/")] == [f"lessons/{lesson}.ipynb"]
    assert [name for name in files if name.startswith("autograder/expected/")] == [f"autograder/expected/{lesson}.json"]
    module = pathlib.Path(checks.lesson_modules()[lesson].__file__).name
    private = sorted(f"autograder/checks/{path.name}" for path in (build.ROOT / "autograder" / "checks").glob(
        f"_l{lesson[:2]}_*.py"))  # the modules a lesson's checks split into
    assert sorted(name for name in files if name.startswith("autograder/checks/")) == sorted([
        "autograder/checks/__init__.py", "autograder/checks/exercise.py", "autograder/checks/runtime.py",
        "autograder/checks/statuses.py", f"autograder/checks/{module}", *private])
    assert _line_leaks(files) == [] and leaks.find_leaks(files) == []


def _plant_in_lesson_01(monkeypatch, code):
    real = build.build_notebook

    def build_notebook(lesson, version, give=()):
        notebook = real(lesson, version, give)
        if lesson == "01_linear_pca" and version == "student":
            notebook.cells.append(nbformat.v4.new_code_cell(code))
        return notebook

    monkeypatch.setattr(build, "build_notebook", build_notebook)


@pytest.mark.parametrize("reformat", [False, True], ids=["exact", "reformatted"])
def test_a_release_with_a_planted_answer_fails_and_leaves_nothing(tmp_path, monkeypatch, capsys, reformat):
    target = "solutions.linear:principal_angles"
    _plant_in_lesson_01(monkeypatch, _reformatted(target) if reformat else source.answer_source(target, "reference"))
    folder = tmp_path / "course"
    assert cli.main(["release", str(folder), "--lesson", "01_linear_pca"]) == 1
    error = capsys.readouterr().err
    assert "lessons/01_linear_pca.ipynb (cell" in error and "exercise principal_angles" in error
    assert "No release was written" in error
    assert list(tmp_path.iterdir()) == []


def test_the_written_release_is_searched_again_before_it_is_moved_into_place(tmp_path, monkeypatch):
    _plant_in_lesson_01(monkeypatch, _reformatted("solutions.linear:principal_angles"))
    monkeypatch.setattr(release, "_check_leaks", lambda files, given: None)  # as if the plan's search missed it
    with pytest.raises(release.ReleaseError, match="(?s)written release contains .*principal_angles"):
        release.write(tmp_path / "course", ["01_linear_pca"])
    assert list(tmp_path.iterdir()) == []


def test_a_failed_release_leaves_the_earlier_release_as_it_was(tmp_path, monkeypatch):
    folder = tmp_path / "course"
    monkeypatch.setattr(release, "plan", lambda lessons=None, give=(): {"lessons/new.txt": "new"})
    release.write(folder)
    monkeypatch.undo()
    _plant_in_lesson_01(monkeypatch, source.answer_source("solutions.linear:principal_angles", "reference"))
    with pytest.raises(release.ReleaseError, match="principal_angles"):
        release.write(folder, ["01_linear_pca"])
    assert _files(folder) == [release.MARKER, "lessons/new.txt"] and len(list(tmp_path.iterdir())) == 1


def test_give_pastes_the_named_answers_and_says_so_by_lesson_and_points(tmp_path, capsys):
    folder = tmp_path / "course"
    assert cli.main(["release", str(folder), "--lesson", "03_tied_greedy", "--give", "02_stacked"]) == 0
    printed = capsys.readouterr().out
    said = ("lesson 02_stacked: rounded_accuracy (1 point), build_stacked_autoencoder (2 points); 3 of its 3 points, "
            "pasted into 03_tied_greedy")
    assert f"WARNING: this release GIVES AWAY reference answers of {said}" in printed
    assert f"- {said}\n" in (folder / release.GIVEN_FILE).read_text()
    assert "--give 02_stacked" in (folder / release.GIVEN_FILE).read_text()
    assert release.GIVEN_FILE in (folder / "README.md").read_text()
    lesson = nbformat.read(folder / "lessons" / "03_tied_greedy.ipynb", as_version=4)
    assert "gives away lesson 02_stacked's reference answers** (rounded_accuracy, build_stacked_autoencoder: 3 " \
           "points)" in lesson.cells[0].source
    files = _read(folder)
    assert sorted({leak.answer.exercise for leak in leaks.find_leaks(files)}) == ["rounded_accuracy",
                                                                                  "stacked_autoencoder"]
    assert release.find_answer_code(folder, give=["02_stacked"]) == []
    assert json.loads((folder / release.MARKER).read_text())["given"] == ["02_stacked"]


def test_give_gives_only_what_the_release_builds_on(tmp_path, capsys):
    assert cli.main(["release", str(tmp_path / "a"), "--lesson", "01_linear_pca", "--give", "02_stacked"]) == 1
    assert "no lesson of this release builds on lesson 02_stacked's answers, so there is nothing to give " \
           "(lessons that build on earlier answers: 03_tied_greedy, 04_conv_recurrent on 02_stacked; 09_dcgan on " \
           "08_gan)" in capsys.readouterr().err
    assert cli.main(["release", str(tmp_path / "b"), "--lesson", "09_dcgan", "--give", "99_nothing"]) == 1
    assert "unknown lesson '99_nothing'" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_nbgrader_release_folder_holds_no_answer(tmp_path):
    for lesson in checks.lessons():
        text = nbgrader_course.source_notebook(lesson)
        cleared = nbformat.reads(nbgrader_course.released_version(text), as_version=4)
        assert [cell.source for cell in cleared.cells] == [
            cell.source for cell in build.build_notebook(lesson, "student").cells], lesson
    source_text = nbgrader_course.source_notebook("01_linear_pca")
    notebook = nbformat.reads(source_text, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(_reformatted("solutions.linear:pca_reconstruction_mse")))
    planted = {tmp_path / "source" / "01_linear_pca" / "01_linear_pca.ipynb": nbformat.writes(notebook)}
    with pytest.raises(nbgrader_course.CourseError, match="release/01_linear_pca/01_linear_pca.ipynb .*pca_mse"):
        nbgrader_course._check_no_answers(planted)


def test_release_refuses_a_lesson_that_imports_an_answer_module():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "%matplotlib inline\nfrom solutions.linear import principal_angles")])
    files = {"lessons/99_x.ipynb": nbformat.writes(notebook), "solutions/__init__.py": "",
             "autograder/__init__.py": ""}
    with pytest.raises(release.ReleaseError, match=r"lessons/99_x.ipynb \(cell 0\) imports solutions.linear"):
        release._check_imports(files)
    files["solutions/plots.py"] = "from . import linear\n"
    with pytest.raises(release.ReleaseError, match="solutions/plots.py imports solutions.linear"):
        release._check_imports(files)


def test_release_does_not_overwrite_a_folder_it_did_not_write(tmp_path, release_dir, capsys):
    other = tmp_path / "thesis"
    other.mkdir()
    (other / "chapter1.tex").write_text("precious")
    assert cli.main(["release", str(other)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert (other / "chapter1.tex").read_text() == "precious"


def test_release_replaces_an_earlier_release(tmp_path, monkeypatch):
    monkeypatch.setattr(release, "plan", lambda lessons=None, give=(): {"lessons/new.txt": "new"})
    folder = tmp_path / "course"
    (folder / "lessons").mkdir(parents=True)
    (folder / "lessons" / "old.txt").write_text("old")
    (folder / release.MARKER).write_text("{}")
    release.write(folder)
    assert _files(folder) == [release.MARKER, "lessons/new.txt"]


# ---------------------------------------------------------------------------------------------------------------
# end to end: pip install the release into a clean environment, run a lesson in a kernel there


@pytest.fixture(scope="module")
def clean_python(release_dir, tmp_path_factory):
    """A Python that has the shared libraries and the installed release, but not this repository."""
    venv = tmp_path_factory.mktemp("clean") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # a path line only: the shared venv's own .pth files (the editable install's import hook) are not read
    pathlib.Path(site, "shared_libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = _clean_env()
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", str(release_dir)], check=True, env=env, cwd=venv.parent)
    return python


def _clean_env():
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "JUPYTER_PATH")}
    return {**env, "COURSE_FAST": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2"}


def _execute(notebook, python, workdir):
    kernels = workdir / "kernels"
    (kernels / "release").mkdir(parents=True, exist_ok=True)
    (kernels / "release" / "kernel.json").write_text(json.dumps(
        {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "release", "language": "python"}))
    manager = KernelManager(kernel_name="release", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    client = NotebookClient(notebook, km=manager, timeout=600, resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute(env=_clean_env(), cwd=str(workdir))
    finally:
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)


def _printed(cell):
    return "".join(output.get("text", "") for output in cell.outputs)


def test_pip_installed_release_imports_no_answers(clean_python, release_dir, tmp_path):
    code = ("import autograder, helpers.data\n"
            "for name in ('solutions.linear', 'autograder.build', 'autograder.grade', 'benchmark'):\n"
            "    try:\n        __import__(name)\n    except ModuleNotFoundError:\n        print('absent', name)\n"
            "print(autograder.__file__)")
    result = subprocess.run([str(clean_python), "-c", code], capture_output=True, text=True, env=_clean_env(),
                            cwd=tmp_path, check=True)
    lines = result.stdout.splitlines()
    assert lines[:4] == ["absent solutions.linear", "absent autograder.build", "absent autograder.grade",
                         "absent benchmark"]
    assert str(build.ROOT) not in lines[4] and "site-packages" in lines[4]


def test_every_released_module_imports_and_needs_nothing_outside_the_release(clean_python, release_dir, tmp_path):
    """Import every module the release ships, in a Python that has only the release installed: each one loads, and
    no course module outside the release (answers, benchmark, build or grading code) gets imported on the way."""
    modules = sorted(path.relative_to(release_dir).with_suffix("").as_posix().replace("/", ".").removesuffix(
        ".__init__") for folder in ("helpers", "autograder") for path in (release_dir / folder).rglob("*.py"))
    assert "helpers.data" in modules and "autograder.checks.runtime" in modules
    code = ("import importlib, json, sys\n"
            f"for name in {modules!r}:\n    importlib.import_module(name)\n"
            "print(json.dumps({name: getattr(module, '__file__', None) for name, module in sys.modules.items()\n"
            "                  if name.split('.')[0] in ('helpers', 'autograder', 'solutions', 'benchmark')}))")
    result = subprocess.run([str(clean_python), "-c", code], capture_output=True, text=True, env=_clean_env(),
                            cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert set(modules) <= set(loaded)
    assert set(loaded) == set(modules), sorted(set(loaded) - set(modules))
    assert all("site-packages" in path and str(build.ROOT) not in path for path in loaded.values())


def test_release_lesson_runs_in_a_clean_kernel_up_to_its_first_stub(release_dir, clean_python, tmp_path):
    notebook = nbformat.read(release_dir / "lessons" / f"{LESSON}.ipynb", as_version=4)
    with pytest.raises(CellExecutionError) as error:
        _execute(notebook, clean_python, tmp_path)
    assert error.value.ename == "NotImplementedError", str(error.value)[-2000:]
    checks_run = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.get("execution_count")
                  and cell.metadata["course"]["role"] == "check"]
    assert checks_run, "no check cell ran before the first stub was needed"
    for cell in checks_run:
        assert _printed(cell).startswith("[FAIL]") and "NotImplementedError" in _printed(cell)


def test_pasted_answers_pass_and_the_bundled_mistake_fails_in_the_release(release_dir, clean_python, tmp_path):
    """The lesson's setup cells, then each exercise with the reference answer pasted in, then the demo mistake."""
    lesson = nbformat.read(release_dir / "lessons" / f"{LESSON}.ipynb", as_version=4)
    exercises = {exercise.name: exercise for exercise in checks.exercises(LESSON)}
    isolation = ("try:\n    import solutions.linear\nexcept ModuleNotFoundError:\n    print('no answers here')\n"
                 "import autograder\nprint(autograder.__file__)")
    cells = [nbformat.v4.new_code_cell(isolation)]
    for cell in lesson.cells:
        role = cell.metadata.get("course", {}).get("role")
        if role == "answer":
            cell = nbformat.v4.new_code_cell(source.answer_source(exercises[cell.metadata.course.exercise].answer,
                                                                  "reference"))
        if role in ("setup", "answer", "check"):
            cells.append(cell)
    mistake = checks.lesson_modules()[LESSON].DEMO_MISTAKE
    wrong = source.answer_source(exercises[mistake["exercise"]].answer, "reference").replace(*mistake["replace"])
    cells += [nbformat.v4.new_code_cell(wrong), nbformat.v4.new_code_cell(build.check_call(
        exercises[mistake["exercise"]]))]
    notebook = nbformat.v4.new_notebook(cells=cells)
    _execute(notebook, clean_python, tmp_path)
    assert _printed(notebook.cells[0]).splitlines()[0] == "no answers here"
    assert str(build.ROOT) not in _printed(notebook.cells[0])
    verdicts = [_printed(cell) for cell in notebook.cells if cell.source.startswith("check(")]
    assert verdicts[:-1] == [f"[PASS] {exercise.title}\n" for exercise in exercises.values()]
    assert verdicts[-1].startswith(f"[FAIL] {exercises[mistake['exercise']].title}") and "radians" in verdicts[-1]


def _setup_then(lesson_path, code):
    """The lesson's setup cells, then ``code``."""
    lesson = nbformat.read(lesson_path, as_version=4)
    cells = [cell for cell in lesson.cells if cell.metadata.get("course", {}).get("role") == "setup"]
    return nbformat.v4.new_notebook(cells=cells + [nbformat.v4.new_code_cell(code)])


def test_release_lesson_03_runs_the_learners_own_lesson_02(release_dir, clean_python, tmp_path):
    # a learner who solved lesson 02 (the reference version stands for their notebook), next to lesson 03
    shutil.copy(build.VERSIONS["reference"] / "02_stacked.ipynb", tmp_path / "02_stacked.ipynb")
    notebook = _setup_then(release_dir / "lessons" / "03_tied_greedy.ipynb",
                           "_, _, model = build_stacked_autoencoder(30, 100)\n"
                           "print(model.count_params(), rounded_accuracy.__module__)")
    _execute(notebook, clean_python, tmp_path)
    assert "lesson 02's answers from your 02_stacked.ipynb" in "".join(map(_printed, notebook.cells))
    assert _printed(notebook.cells[-1]).split() == ["163814", "lesson_02_stacked"]


def test_release_lesson_09_without_lesson_08_says_what_to_do(release_dir, clean_python, tmp_path):
    notebook = _setup_then(release_dir / "lessons" / "09_dcgan.ipynb",
                           "class Mine(GAN):\n    pass\n\nMine(None, None, 30)")
    with pytest.raises(CellExecutionError) as error:
        _execute(notebook, clean_python, tmp_path)
    assert error.value.ename == "EarlierAnswerMissing"
    assert "finish lesson 08's exercise GAN first, or ask your instructor for a release that gives it" in \
        str(error.value)
    assert "08_gan.ipynb is not there" in "".join(map(_printed, notebook.cells[:-1]))
