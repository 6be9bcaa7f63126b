"""The batch's kernel server: kernels forked from one preloaded process, as isolated as fresh ones.

A server-started kernel has TensorFlow loaded before its first cell; a fresh one has not, which is how these tests
tell the two apart.
"""

import json
import pathlib
import socket
import sys
import time

import nbformat
import pytest

from autograder import build, grade
from autograder.sandbox import Limits, Sandbox, execute

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel server forks (Linux)")
LIMITS = Limits(cell_timeout=20, notebook_timeout=200)
PRELOADED = "import sys\nprint('tensorflow' in sys.modules)"


def _notebook(*sources):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, metadata={"role": "answer",
                                                                                        "exercise": "x"})
                                           for source in sources])


def _outputs(cell):
    return "".join(output.get("text", "") for output in cell.outputs).strip()


def _run(sandbox, *sources, seconds=60):
    notebook = _notebook(*sources)
    run = sandbox.new_run()
    execution = execute(sandbox, notebook, run, time.time() + seconds)
    return notebook, execution, run


def _children(pid):
    """Live (not zombie) child processes of ``pid``."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if entry.name.isdigit() and int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@linux_only
def test_forked_kernels_start_loaded_and_share_nothing():
    with Sandbox(LIMITS) as sandbox:
        assert sandbox.server is not None, sandbox.server_problem
        first, execution, run = _run(
            sandbox, PRELOADED,
            "import os, numpy\nnumpy.planted = 1\nopen('/tmp/planted', 'w').close()\n"
            "print(os.environ['COURSE_IMPORT_LOG'], os.environ['HOME'])",
            "try:\n    import solutions.linear\nexcept ImportError:\n    print('blocked')",
            "import os\nprint(os.path.exists(%r))" % sandbox.server_address)
        assert execution.fatal is None, execution.message
        assert not any("without the preloaded" in note for note in execution.status.get("notes", []))
        assert _outputs(first.cells[0]) == "True"  # TensorFlow came with the fork
        import_log, home = _outputs(first.cells[1]).split()
        assert import_log == str(run.import_log) and home == str(run.workdir / "home")  # this run's environment, not the server's
        assert _outputs(first.cells[2]) == "blocked"
        assert execution.imports_by_cell == {2: ["solutions"]}  # the package is refused first, whole
        if execution.status.get("isolation") != "none":
            assert _outputs(first.cells[3]) == "False"  # the server's socket is not in the kernel's file system

        second, execution, _ = _run(sandbox, "import os, numpy\nprint(hasattr(numpy, 'planted'), "
                                             "os.path.exists('/tmp/planted'))")
        assert execution.fatal is None, execution.message
        assert _outputs(second.cells[0]) == "False False"  # each kernel is a copy of the untouched server


@linux_only
def test_a_kernel_stopped_by_the_grader_leaves_no_process_behind():
    with Sandbox(Limits(cell_timeout=3, notebook_timeout=60)) as sandbox:
        notebook, execution, _ = _run(sandbox, "while True:\n    pass")
        assert execution.fatal == (0, "timeout")
        deadline = time.monotonic() + 60  # a poll, not a speed bound
        while _children(sandbox.server.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _children(sandbox.server.pid) == []
        notebook, execution, _ = _run(sandbox, "print('next')")  # and the server goes on serving
        assert _outputs(notebook.cells[0]) == "next"


@linux_only
def test_the_server_refuses_configs_from_outside_its_sandbox():
    with Sandbox(LIMITS) as sandbox:
        for request in (b'{"config": "/etc/passwd", "connection_file": "/tmp/x"}\n', b"not json\n"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.settimeout(30)
                client.connect(sandbox.server_address)
                client.sendall(request)
                assert client.recv(100) == b""  # closed without forking
        assert "refused a request" in sandbox.server_log()
        notebook, execution, _ = _run(sandbox, PRELOADED)
        assert _outputs(notebook.cells[0]) == "True"


@linux_only
def test_without_the_server_kernels_start_fresh_and_the_status_says_so():
    with Sandbox(LIMITS) as sandbox:
        sandbox.server_address = str(sandbox.dir / "server" / "gone.sock")  # the server is unreachable
        notebook, execution, _ = _run(sandbox, PRELOADED)
    assert execution.fatal is None, execution.message
    assert _outputs(notebook.cells[0]) == "False"
    assert any("without the preloaded kernel server" in note for note in execution.status["notes"])

    with Sandbox(Limits(cell_timeout=20, preload=False)) as sandbox:
        assert sandbox.server is None
        notebook, execution, _ = _run(sandbox, PRELOADED)
    assert _outputs(notebook.cells[0]) == "False" and not execution.status["notes"]


def test_grades_are_the_same_with_and_without_the_server(tmp_path):
    from autograder.__main__ import main

    lesson = "03_tied_greedy"
    path = tmp_path / f"{lesson}.ipynb"
    nbformat.write(build.build_notebook(lesson, "reference"), path)
    rows, _ = grade.grade([path], seed=99, limits=Limits(cell_timeout=60))
    with_server = [(row.exercise, row.score, row.status) for row in rows]
    assert main(["grade", str(path), "--out", str(tmp_path / "out"), "--seed", "99", "--no-preload", "--quiet"]) == 0
    report = json.loads((tmp_path / "out" / "grades.json").read_text())
    assert report["sandbox"]["limits"]["preload"] is False
    assert [(row["exercise"], row["score"], row["status"]) for row in report["rows"]] == with_server
    assert all(status == "passed" for _, _, status in with_server)
