"""Reading the single source: answer code in three versions, and lesson templates."""

import sys
import textwrap

import pytest

from autograder import source

MODULE = '''
import numpy as np


def whole(x):
    """Doubles x."""
    # a comment that belongs to the answer
    y = 2 * x
    return y


def scaffolded(x):
    """Keeps the scaffolding."""
    total = 0
    ### BEGIN SOLUTION
    total = np.sum(x)
    ### END SOLUTION
    return total


class Layer:
    """A class: every method body is an answer."""

    def __init__(self, units):
        self.units = units

    def call(self, x):
        """Apply."""
        return x * self.units
'''


@pytest.fixture()
def fake_module(tmp_path, monkeypatch):
    (tmp_path / "fake_answers.py").write_text(textwrap.dedent(MODULE))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "fake_answers"
    sys.modules.pop("fake_answers", None)


def test_whole_body_becomes_a_stub(fake_module):
    student = source.answer_source(f"{fake_module}:whole", "student")
    assert '"""Doubles x."""' in student
    assert "# YOUR CODE HERE\n    raise NotImplementedError()" in student
    assert "2 * x" not in student and "a comment that belongs" not in student
    reference = source.answer_source(f"{fake_module}:whole", "reference")
    assert "y = 2 * x" in reference and "### BEGIN" not in reference
    nbgrader = source.answer_source(f"{fake_module}:whole", "nbgrader")
    assert nbgrader.index("### BEGIN SOLUTION") < nbgrader.index("y = 2 * x") < nbgrader.index("### END SOLUTION")


def test_marked_regions_keep_the_scaffolding(fake_module):
    student = source.answer_source(f"{fake_module}:scaffolded", "student")
    assert "total = 0" in student and "return total" in student
    assert "np.sum" not in student and "### BEGIN" not in student
    reference = source.answer_source(f"{fake_module}:scaffolded", "reference")
    assert "total = np.sum(x)" in reference and "SOLUTION" not in reference


def test_class_methods_become_stubs(fake_module):
    student = source.answer_source(f"{fake_module}:Layer", "student")
    assert student.count("raise NotImplementedError()") == 2
    assert "self.units = units" not in student and '"""Apply."""' in student
    compile(student, "<student>", "exec")  # stubs must run


def test_unknown_target_is_a_clear_error(fake_module):
    with pytest.raises(ValueError, match="no top-level function or class 'nothing'"):
        source.answer_source(f"{fake_module}:nothing", "student")


def test_template_cells(tmp_path, fake_module):
    template = tmp_path / "99_demo.md"
    template.write_text("# Title\n\ntext\n+++\nmore\n\n```python setup\nimport numpy\n```\n\n"
                        f"```python\n%include {fake_module}:whole\nprint(whole(1))\n```\n\n```exercise ex1\n```\n")
    cells = source.parse_template(template)
    assert [cell.kind for cell in cells] == ["markdown", "markdown", "setup", "code", "exercise"]
    assert "y = 2 * x" in cells[3].source and cells[4].exercise == "ex1"


@pytest.mark.parametrize("text, error", [
    ("```python\nx = 1\n", "never closed"),
    ("```julia\nx = 1\n```\n", "unknown block"),
    ("```exercise\n```\n", "empty block"),
])
def test_malformed_templates_name_the_line(tmp_path, text, error):
    template = tmp_path / "99_bad.md"
    template.write_text("intro\n" + text)
    with pytest.raises(source.TemplateError, match=error) as info:
        source.parse_template(template)
    assert "99_bad.md:2" in str(info.value)


def test_end_marker_on_the_last_line_of_a_definition(tmp_path, monkeypatch):
    (tmp_path / "fake_tail.py").write_text(
        "class Tail:\n    def call(self, x):\n        y = 0\n        ### BEGIN SOLUTION\n        y = x + 1\n"
        "        ### END SOLUTION\n\n\ndef after():\n    return 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    student = source.answer_source("fake_tail:Tail", "student")
    assert "x + 1" not in student and "raise NotImplementedError()" in student and "y = 0" in student
    assert "def after" not in student
    assert "### END SOLUTION" in source.answer_source("fake_tail:Tail", "nbgrader")
    sys.modules.pop("fake_tail", None)


def _ranked_report(fids):
    machine = {"cpu_model": "Test CPU", "usable_cpus": 2, "cpu_count": 2, "gpus": 0}
    ranking = [{"model": f"m{index}", "recipe": "course", "sampler": "", "lesson": "99_toy", "fid": fid, "kid": 0.5,
                "coverage": 10, "train_seconds": 90.0, "sample_seconds": 1.5} for index, fid in enumerate(fids)]
    return {"mode": "full", "eval_n": 10_000, "machine": machine, "results": [], "ranking": ranking,
            "parts": [{"started": "2026-12-03T17:00:00+00:00", "machine": machine}]}


def test_the_one_judge_table_line_renders_the_committed_benchmark_report(tmp_path, monkeypatch):
    import json

    import benchmark.__main__ as bench

    report = tmp_path / "one_judge.json"
    report.write_text(json.dumps(_ranked_report([12.25, 40.5])))
    monkeypatch.setattr(bench, "ONE_JUDGE_REPORT", report)
    template = tmp_path / "99_demo.md"
    template.write_text("# Title\n\nBest first:\n\n%one_judge_table\n\nAfter the table.\n")
    [cell] = source.parse_template(template)
    lines = cell.source.splitlines()
    rows = [line for line in lines if line[:4] in ("| m0", "| m1")]
    assert [row.split(" | ")[4] for row in rows] == ["12.25", "40.5"]  # the report's figures, in its order
    assert "%one_judge_table" not in cell.source and "After the table." in cell.source
    assert "2026-12-03" in cell.source and "Test CPU" in cell.source and "one_judge.json" in cell.source
    report.write_text("{ not json")
    with pytest.raises(source.TemplateError, match="--only vae,gan,dcgan,diffusion --json") as info:
        source.parse_template(template)
    assert "99_demo.md:5" in str(info.value)
