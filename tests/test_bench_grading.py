"""The grading benchmark on one lesson: our grader and nbgrader's on the same two submissions."""

from autograder import bench_grading, checks

LESSON = "01_linear_pca"


def test_the_grading_benchmark_scores_both_graders_on_the_same_submissions():
    lines = []
    rows, totals = bench_grading.bench([LESSON], workers=(1,), out=lines.append)
    points = sum(exercise.points for exercise in checks.exercises(LESSON))
    by_name = {row["submission"]: row for row in rows}
    assert by_name["complete"]["ours_1"] == f"{points:g}/{points:g}"
    assert by_name["exploit"]["ours_1"] == f"0/{points:g}"  # the rebound check does not fool our grader
    if by_name["complete"].get("baseline_kind") == "nbgrader autograde":
        assert by_name["complete"]["baseline"] == f"{points:g}/{points:g}"
        assert by_name["exploit"]["baseline"] == f"{points:g}/{points:g}"  # ... but it fools nbgrader's
    assert totals["complete_ours_s_1"] > by_name["complete"]["ours_s_1"] > 0
    assert lines[-1].startswith("complete submission, every lesson, one batch: ours")
