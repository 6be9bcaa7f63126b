"""``python -m autograder grade PATH... --out DIR``: grade notebooks outside the learner's kernel.

For each submitted notebook the grader builds a *grading notebook* from two sources, matched by nbgrader
``grade_id``: **every cell the grader runs except the answers comes from the instructor's version** (the lesson's
setup cells: imports and params), and **only the answer cells come from the learner**. Check cells, locked cells and
anything else the learner edited, deleted, moved or added are never run; each such edit is listed in the
notebook's notes. Then one probe cell per exercise calls the learner's answer on inputs made from this run's seed
(and, for hidden checks, a second seed) and writes plain data (JSON; arrays as base64 bytes) to a file.

The grading notebook runs in a sandboxed kernel (:mod:`autograder.sandbox`): its own process tree with time,
memory, process, disk and output limits, a read-only file system without the reference answers, no network, an
import guard, and ``nobody`` as the user when the grader is root. A cell that times out or kills the kernel costs
only its exercise: the notebook runs again without it. Back in this process the reference answers are probed with
the same seeds and :meth:`Exercise.assess` compares the plain data. Expected values never enter the learner's
kernel, and nothing the kernel sends can award points by itself: only the grader's verify can.

Writes ``DIR/grades.csv``, ``DIR/grades.json`` and ``DIR/feedback/<student>.md`` and ``.html``. Each graded
notebook's rows are also kept in ``DIR/.grading/`` so that a batch stopped midway resumes where it stopped (same
seed, no row lost or repeated); ``fresh=True`` (``--fresh``) starts over. A submission that changed since it was
graded into the same folder is graded with a new seed, so feedback is no oracle for the next copy.

The parts, in the order a notebook meets them: :mod:`autograder.submissions` (discovery: who submitted what,
reading it), :mod:`autograder.answers` (its lesson and answer cells), :mod:`autograder.notebook_runs` (the grading
notebook and its kernel runs), :mod:`autograder.reference` (the reference outputs), :mod:`autograder.verdicts` (the
verdict rules, in order; :mod:`autograder.untrusted` words what the kernel reports), :mod:`autograder.batch`
(workers, watchdog, resuming), :mod:`autograder.outputs` (grades and feedback). Every status is declared once, in
:mod:`autograder.checks.statuses`. This module is the command line, and keeps the names other modules import from it.
"""

import argparse
import os
import pathlib
import sys

from autograder.batch import grade, grade_notebook, version_seed  # noqa: F401
from autograder.checks.statuses import meanings
from autograder.notebook_runs import MAX_RESULT_BYTES, NotebookRuns, hidden_seed, instructor_notebook  # noqa: F401
from autograder.outputs import feedback_html, feedback_markdown, gradebook_table, write_outputs  # noqa: F401
from autograder.reference import Expected, reference_outputs  # noqa: F401
from autograder.sandbox import Limits
from autograder.submissions import (MAX_NOTEBOOK_BYTES, STATE_DIR, discover, feedback_names,  # noqa: F401
                                    parse_notebook, read_submission)
from autograder.verdicts import COLUMNS, Row  # noqa: F401

STATUSES = meanings()  # {status: meaning}, as grades.json lists them


def main(paths, out, seed=None, cell_timeout=120.0, quiet=False, *, limits=None, workers=1, fresh=False):
    report = {}
    try:
        rows, seed = grade(paths, seed, cell_timeout, progress=lambda text: print(text, file=sys.stderr, flush=True),
                           limits=limits, workers=workers, out=out, fresh=fresh, report=report)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write_outputs(rows, out, seed, report)
    if not quiet:
        print(gradebook_table(rows))
        print(f"\nWrote {pathlib.Path(out) / 'grades.csv'}, grades.json and feedback/ (probe seed {seed}).")
    for line in report.get("ignored", []):
        print(f"warning: ignored a second copy of a lesson, {line}", file=sys.stderr)
    for problem in report.get("fallbacks", []):
        print(f"warning: {problem}. See README, 'The trust boundary'.", file=sys.stderr)
    weak = [level for level in report.get("isolation", []) if level not in ("namespaces", "user-namespaces")]
    if weak:
        print(f"warning: some kernels ran without file-system isolation ({', '.join(weak)}): the reference answers "
              "were readable by the learners' code. See README, 'The trust boundary'.", file=sys.stderr)
    return 0


def default_workers():
    """The CLI's default ``--workers``: one notebook per CPU this process may use, at most 4 (each kernel may use
    several GiB of memory)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def parse_workers(text):
    """A ``--workers`` value: a whole number of at least 1 (argparse's error otherwise)."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"--workers takes a whole number of at least 1, not {text!r}")
    return count


def add_arguments(parser):
    """The ``grade`` subcommand's options (used by ``python -m autograder``)."""
    defaults = Limits()
    parser.add_argument("paths", nargs="+", help="notebook files or folders")
    parser.add_argument("--out", required=True, help="folder for grades.csv, grades.json and feedback/")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the probe inputs (default: a fresh one per batch, recorded in grades.json; "
                             "a resumed batch keeps its seed)")
    parser.add_argument("--cell-timeout", type=float, default=defaults.cell_timeout,
                        help=f"seconds one answer or probe cell may run (default {defaults.cell_timeout:g})")
    parser.add_argument("--notebook-timeout", type=float, default=defaults.notebook_timeout,
                        help=f"seconds for a whole notebook, reruns included (default {defaults.notebook_timeout:g})")
    parser.add_argument("--memory-limit", type=int, default=defaults.memory_mb, metavar="MB",
                        help=f"memory limit of a learner's kernel in MiB (default {defaults.memory_mb})")
    parser.add_argument("--process-limit", type=int, default=defaults.max_processes, metavar="N",
                        help=f"processes and threads of one kernel (default {defaults.max_processes})")
    parser.add_argument("--disk-limit", type=int, default=defaults.work_mb, metavar="MB",
                        help=f"size of a kernel's work folder in MiB (default {defaults.work_mb})")
    parser.add_argument("--output-limit", type=int, default=defaults.output_bytes // 1024, metavar="KB",
                        help=f"output kept per cell in KiB (default {defaults.output_bytes // 1024}); "
                             "the notebook keeps at most 4 times that")
    workers = default_workers()
    parser.add_argument("--workers", type=parse_workers, default=workers,
                        help=f"notebooks graded at once (default: the CPUs this process may use, at most 4; here "
                             f"{workers})")
    parser.add_argument("--fresh", action="store_true",
                        help="ignore results kept from an earlier, stopped run of this batch in OUT/.grading")
    parser.add_argument("--isolation", choices=["auto", "require", "off"], default="auto",
                        help="auto: namespaces when available, else a warning; require: refuse to grade without; "
                             "off: rlimits and the import guard only")
    parser.add_argument("--no-preload", action="store_true",
                        help="start every kernel as a fresh Python instead of forking it from the batch's kernel "
                             "server, which imports TensorFlow once (slower; grades are the same)")
    parser.add_argument("--quiet", action="store_true", help="do not print the gradebook")


def run(args):
    """Run the ``grade`` subcommand from parsed ``args``."""
    limits = Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                    memory_mb=args.memory_limit, max_processes=args.process_limit, work_mb=args.disk_limit,
                    output_bytes=args.output_limit * 1024,
                    total_output_bytes=4 * args.output_limit * 1024, isolation=args.isolation,
                    preload=not args.no_preload)
    return main(args.paths, args.out, seed=args.seed, quiet=args.quiet, limits=limits, workers=args.workers,
                fresh=args.fresh)
