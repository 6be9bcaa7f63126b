"""The status vocabulary: every status declared once, and README's table, the probe's statuses and the hidden
check's words made from it."""

import pathlib

from autograder import checks, grade
from autograder.checks import exercise as exercise_module, statuses

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"



def test_readme_table_of_statuses_is_the_declared_one():
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- statuses: generated from autograder/checks/statuses.py -->\n")
    end = text.index("\n<!-- end of statuses -->")
    table = text[start:end].split("\n", 1)[1]
    assert table == statuses.markdown_table(), "README's statuses differ from autograder/checks/statuses.py: " \
        "paste statuses.markdown_table() between the two markers"


def test_every_status_is_declared_once_and_the_other_lists_are_made_from_it():
    names = [status.name for status in statuses.STATUSES]
    assert len(names) == len(set(names)) == 15
    assert list(grade.STATUSES) == names  # grades.json lists them in this order
    assert set(exercise_module.KERNEL_STATUSES) == {"ok", "missing", "not-implemented", "failed", "error",
                                                    "memory-limit"}
    assert exercise_module.KERNEL_STATUSES is statuses.KERNEL_STATUSES
    assert set(statuses.HIDDEN_REASONS) == {"not-implemented", "memory-limit", "missing"}
    assert [status.name for status in statuses.STATUSES if not status.cached] == ["grader-error"]


def test_a_probe_cannot_report_a_status_that_is_not_declared_for_it():
    for forged in ("passed", "partial", "timeout", "crashed", "grader-error"):
        text = '{"visible": {"status": "%s", "message": ""}}' % forged
        assert exercise_module.parse_probe_result(text)["visible"]["status"] == "error"
    text = '{"visible": {"status": "memory-limit", "message": "x"}}'
    assert exercise_module.parse_probe_result(text)["visible"]["status"] == "memory-limit"


def test_hidden_check_words_come_from_the_vocabulary():
    exercise = next(ex for lesson in checks.lessons() for ex in checks.exercises(lesson) if ex.hidden_title)
    message = exercise._hidden_outcome({"status": "memory-limit", "message": "big"}, None)
    assert message == f"hidden check ({exercise.hidden_title}) failed: the code ran out of memory"


def test_a_resumed_batch_grades_again_only_what_was_not_the_learners_doing():
    assert [name for name in grade.STATUSES if not statuses.kept_on_resume(name)] == ["grader-error"]
    assert not statuses.kept_on_resume("no-such-status")
