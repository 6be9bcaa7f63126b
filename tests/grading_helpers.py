"""Helpers shared by the grader's tests: tiny notebooks for the sandbox, a graded batch, memory attacks."""

import nbformat

from autograder import grade


def tiny(*sources):
    """A grading notebook of answer cells (exercise ``x``) that import nothing heavy."""
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, metadata={"role": "answer",
                                                                                       "exercise": "x"})
                                           for source in sources])


def outputs(cell):
    return "".join(output.get("text", "") for output in cell.outputs)


def grade_batch(root, out, **options):
    """Grade the folder ``root`` into ``out`` (rows and outputs); the rows also by ``(student, exercise)``."""
    report = {}
    rows, seed = grade.grade([root], out=out, report=report, **options)
    grade.write_outputs(rows, out, seed, report)
    return {"root": root, "out": out, "rows": rows, "report": report,
            "by": {(row.student, row.exercise): row for row in rows}}


def shared_mmap(memory_mb):
    """Code that touches a shared anonymous mapping of 4 times ``memory_mb`` (RLIMIT_DATA does not count it)."""
    return (f"import mmap\nblock = mmap.mmap(-1, {4 * memory_mb} << 20)\n"
            "for offset in range(0, len(block), 4096):\n    block[offset] = 1\nprint('survived')\n")


def forked_children(memory_mb):
    """Code whose three forked children each hold 60 % of ``memory_mb`` (together 180 %) and wait."""
    return ("import os, time\nchildren = []\nfor _ in range(3):\n    pid = os.fork()\n    if pid == 0:\n"
            f"        hog = b'x' * ({memory_mb * 6 // 10} << 20)\n        time.sleep(600)\n        os._exit(0)\n"
            "    children.append(pid)\nfor pid in children:\n    os.waitpid(pid, 0)\nprint('survived')\n")


def read_or_empty(path):
    try:
        return path.read_bytes()
    except OSError:
        return b""
