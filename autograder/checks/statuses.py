"""Every status a graded exercise can get, declared once.

The grader (``grades.csv``, ``grades.json``), the probe that runs beside the learner's code (which statuses it may
report, :data:`KERNEL_STATUSES`), the hidden check's wording and README's table of statuses all read this list.
It ships to students with the checks, so it imports nothing.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Status:
    """One status: its ``name``; what it means, in one line; whether a probe in the learner's kernel may report it
    (``kernel``: the grader then rewords it, the report is data); what a hidden check says when its probe reports
    it (``hidden_reason``); whether a stopped batch keeps a notebook that got it (``cached``: False when it is not
    the learner's doing and a rerun may change it)."""

    name: str
    meaning: str
    kernel: bool = False
    hidden_reason: str = None
    cached: bool = True


STATUSES = (
    Status("passed", "every check passed: full points"),
    Status("partial", "some of the exercise's sub-checks passed: that fraction of the points"),
    Status("failed", "a check failed; the message names the mistake and a hint", kernel=True),
    Status("not-implemented", "the stub was left as is", kernel=True,
           hidden_reason="the code still raises NotImplementedError"),
    Status("error", "the answer cell or the call raised an exception, or the learner's code replaced a file the "
                    "grader reads (the message names what was found, e.g. a named pipe)", kernel=True),
    Status("timeout", "a cell ran longer than the cell time limit, or the notebook longer than its time limit (or "
                      "the grader gave up waiting on it)"),
    Status("memory-limit", "the code (with every process it started) used more memory than the kernel's limit, as "
                           "the kernel's cgroup reports (or the kernel died at its limit)", kernel=True,
           hidden_reason="the code ran out of memory"),
    Status("crashed", "the kernel process died (os._exit, a signal, a crash) while running this exercise, and again "
                      "when this exercise ran on its own"),
    Status("forbidden-import", "the code tried to import a reference answer module: 0 points for the exercise"),
    Status("missing", "the answer cell was deleted or its grade_id changed, or the answer's name is not defined",
           kernel=True, hidden_reason="the answer is not defined"),
    Status("malformed-notebook", "the file is not a readable notebook (or not a regular file: a named pipe, a "
                                 "symbolic link, too large)"),
    Status("wrong-lesson", "the notebook is a different lesson saved under this lesson's file name"),
    Status("unknown-lesson", "the file name is not one of the course's lessons"),
    Status("no-notebook", "the folder holds no notebook"),
    Status("grader-error", "the lesson's own setup or the grader failed: not the learner's fault; rerun the batch "
                           "after fixing", cached=False),
)
BY_NAME = {status.name: status for status in STATUSES}
# What a probe running beside the learner's code may report ("ok": data came back); anything else is an error.
KERNEL_STATUSES = ("ok", *(status.name for status in STATUSES if status.kernel))
HIDDEN_REASONS = {status.name: status.hidden_reason for status in STATUSES if status.hidden_reason}


def meanings():
    """``{name: meaning}`` of every status, in the declared order (written into ``grades.json``)."""
    return {status.name: status.meaning for status in STATUSES}


def markdown_table():
    """README's table of statuses, made from :data:`STATUSES`."""
    lines = ["| status | meaning | a probe may report it | kept when a batch resumes |", "|---|---|---|---|"]
    for status in STATUSES:
        lines.append(f"| `{status.name}` | {status.meaning} | {'yes' if status.kernel else 'no'} | "
                     f"{'yes' if status.cached else 'no: graded again'} |")
    return "\n".join(lines)


def kept_on_resume(name):
    """Whether a stopped batch keeps a notebook's rows with this status (an undeclared one is graded again)."""
    return name in BY_NAME and BY_NAME[name].cached
