"""Each student lesson runs in fast mode up to its first stub, and stops there with NotImplementedError."""

import os
import pathlib

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

LESSONS = sorted((pathlib.Path(__file__).resolve().parent.parent / "lessons").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=[path.stem for path in LESSONS])
def test_student_lesson_runs_up_to_its_stubs(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError) as error:
        # as on a student's machine: no TF_CPP_MIN_LOG_LEVEL; no PYTEST_CURRENT_TEST, under which ipykernel shows no
        # output written to its file descriptors
        env = {key: value for key, value in os.environ.items()
               if key not in ("TF_CPP_MIN_LOG_LEVEL", "PYTEST_CURRENT_TEST")}
        client.execute(env={**env, "COURSE_FAST": "1", "MPLBACKEND": "Agg"})
    assert error.value.ename == "NotImplementedError", str(error.value)[-2000:]
    executed = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.get("execution_count")]
    # the first cell starts TensorFlow: none of its C++ start-up lines (absl, oneDNN, CPU features) reach the page
    assert not [output for output in executed[0].outputs if output.get("name") == "stderr"], executed[0].outputs
    start_up = ("absl::InitializeLog", "oneDNN custom operations", "cpu_feature_guard")
    shown = "".join(output.get("text", "") for cell in executed for output in cell.outputs)
    assert not [line for line in start_up if line in shown]
    checks_run = [cell for cell in executed if cell.metadata["course"]["role"] == "check"]
    assert checks_run, "no check cell ran before the first stub was needed"
    for cell in checks_run:
        text = "".join(output.get("text", "") for output in cell.outputs)
        assert text.startswith("[FAIL]") and "NotImplementedError" in text
