"""``python -m autograder selfcheck``: every lesson's visible checks, run on the reference answers on this machine,
against the reference outputs committed in ``autograder/expected/`` (computed on the maintainer's machine).

This is what a student's correct answer meets in the lesson's check cell. Run it under another CPU's code paths
(``ONEDNN_MAX_CPU_ISA=SSE41`` makes oneDNN pick other kernels) to see that no check depends on the last bits of a
float; CI does.
"""

import sys

from autograder import checks
from autograder.checks.runtime import run_check


def failures(lessons=None):
    """``[(exercise, status, message)]`` for each reference answer whose visible check does not pass here."""
    failed = []
    for lesson in lessons or checks.lessons():
        for exercise in checks.exercises(lesson):
            status, message, _ = run_check(exercise.name, exercise.load_reference())
            if status != "passed":
                failed.append((exercise.name, status, message))
    return failed


def main(lessons=None, out=sys.stdout):
    failed = failures(lessons)
    for name, status, message in failed:
        print(f"[{status.upper()}] reference answer of {name}: {message}", file=out)
    total = sum(len(checks.exercises(lesson)) for lesson in lessons or checks.lessons())
    print(f"{total - len(failed)} of {total} reference answers pass their visible checks against the committed "
          "reference outputs.", file=out)
    return 1 if failed else 0
