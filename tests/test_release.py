"""The student release: lessons and self-checks that work without the reference answers, which it does not hold.

The end-to-end tests install the release with pip into a throwaway environment that sees the shared venv's
libraries but not this repository (the editable install's import hook lives in a .pth file that is not read), and
run a lesson there in a fresh Jupyter kernel.
"""

import json
import os
import pathlib
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
from autograder import build, checks, release, source

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
    for name in ("runtime.py", "exercise.py", "__init__.py", "checks/__init__.py"):
        assert f"autograder/{name}" in files
    for helper in ("config", "data", "plotting"):
        assert f"solutions/{helper}.py" in files
    assert "pyproject.toml" in files and "README.md" in files


def test_release_holds_no_answer_module_reference_notebook_or_grader_code(release_dir):
    files = _files(release_dir)
    answer_files = {exercise.answer.split(":")[0].replace(".", "/") + ".py"
                    for lesson in checks.lessons() for exercise in checks.exercises(lesson)}
    assert answer_files and not answer_files & set(files)
    forbidden = ("solutions/notebooks/", "solutions/lessons/", "autograder/nbgrader_source/", "examples/")
    assert not [path for path in files if path.startswith(forbidden)]
    for code in ("build.py", "grade.py", "source.py", "__main__.py", "release.py", "gradescope.py",
                 "nbgrader_course.py"):
        assert f"autograder/{code}" not in files


def _answer_lines():
    """``{answer: lines}``: the non-trivial lines of each reference answer that the student version has not got
    (written here, apart from the release's own search, so that a bug there cannot hide a leak), less the lines
    that the committed student lessons give in their non-answer cells (public by design)."""
    given = set()
    for notebook in (build.ROOT / "lessons").glob("*.ipynb"):
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type == "code" and cell.metadata.get("course", {}).get("role") != "answer":
                given |= {line.strip() for line in cell.source.splitlines()}
    lines = {}
    for lesson in checks.lessons():
        for exercise in checks.exercises(lesson):
            stub = {line.strip() for line in source.answer_source(exercise.answer, "student").splitlines()}
            reference = {line.strip() for line in source.answer_source(exercise.answer, "reference").splitlines()}
            lines[exercise.answer] = {line for line in reference
                                      if len(line) >= 12 and line not in stub and line not in given
                                      and not line.startswith("#")}
    return lines


def _lines_of(path):
    if path.suffix == ".ipynb":
        return [line for cell in nbformat.read(path, as_version=4).cells for line in cell.source.splitlines()]
    return path.read_text(encoding="utf-8").splitlines()


def _leaks(folder):
    """``(file, answer)`` for each file holding most (60%) of an answer's lines: answers are judged as units,
    since single generic lines (``keras.layers.Flatten(),``) recur in many lessons' given code."""
    answers = _answer_lines()
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".ipynb", ".md", ".json", ".txt", ".toml", ".sh"):
            present = {line.strip() for line in _lines_of(path)}
            found += [(path.name, answer) for answer, lines in answers.items()
                      if lines and len(lines & present) >= max(1, -(-6 * len(lines) // 10))]
    return found


def test_the_answer_search_finds_answers_where_they_are():
    found = {answer for _, answer in _leaks(build.VERSIONS["reference"])}
    secret = {answer for answer, lines in _answer_lines().items() if lines}
    # answers that a later lesson gives by design (lesson 03 pastes lesson 02's) are public; all others are found
    assert secret <= {exercise.answer for lesson in checks.lessons() for exercise in checks.exercises(lesson)}
    assert len(secret) >= len(checks.lessons())
    assert found == secret


def test_no_line_of_any_reference_answer_is_in_the_release(release_dir):
    assert _answer_lines()
    assert _leaks(release_dir) == []
    assert release.find_answer_code(release_dir) == []


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
    monkeypatch.setattr(release, "plan", lambda lessons=None: {"lessons/new.txt": "new"})
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


def test_pip_installed_release_imports_no_answers(clean_python, tmp_path):
    code = ("import autograder, solutions.data\n"
            "for name in ('solutions.linear', 'autograder.build', 'autograder.grade'):\n"
            "    try:\n        __import__(name)\n    except ModuleNotFoundError:\n        print('absent', name)\n"
            "print(autograder.__file__)")
    result = subprocess.run([str(clean_python), "-c", code], capture_output=True, text=True, env=_clean_env(),
                            cwd=tmp_path, check=True)
    lines = result.stdout.splitlines()
    assert lines[:3] == ["absent solutions.linear", "absent autograder.build", "absent autograder.grade"]
    assert str(build.ROOT) not in lines[3] and "site-packages" in lines[3]


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
