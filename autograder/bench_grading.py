"""``python -m autograder.bench_grading``: how long grading one submission takes, ours against nbgrader's.

For each lesson it makes two submissions from the released notebook (nbgrader's ``generate_assignment`` of
``autograder/nbgrader_source/NN_topic.ipynb``, in a throwaway course folder):

* ``complete``: every answer cell filled in with the reference answer;
* ``exploit``: the stubs left as they are, plus one line in the first answer cell that rebinds the lessons'
  ``check`` function to do nothing, the kind of trick a grader that tests inside the learner's kernel cannot see.

Ours: each student's notebooks (every lesson) are graded as one batch by the command an instructor runs,
``python -m autograder grade`` (a new process: its own imports and reference outputs count), once per ``--workers``
value; per-notebook seconds come from its ``grades.json``. nbgrader: ``nbgrader autograde`` per lesson (the whole
notebook runs, in fast mode, then its check cells are the tests). Without a working ``nbgrader`` the baseline is
executing the whole reference notebook with nbclient in fast mode, and the table says so. Timings are wall-clock
seconds on this machine, as loaded as it is when you run it.
"""

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat

from autograder import build, checks, grade

EXPLOIT_LINE = "check = lambda *args, **kwargs: None  # the lesson's checks now pass whatever happens"


def _env():
    return {**os.environ, "COURSE_FAST": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(build.ROOT), os.environ.get("PYTHONPATH")])),
            "PATH": os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])}


def _nbgrader(course, *args):
    return subprocess.run([os.path.join(os.path.dirname(sys.executable), "nbgrader"), *args, "--force"],
                          cwd=course, env=_env(), capture_output=True, text=True)


def _submissions(lesson, release):
    """``{name: notebook}``: the released notebook completed with the reference answers, and the exploit."""
    answers = {cell.metadata["nbgrader"]["grade_id"]: cell.source
               for cell in build.build_notebook(lesson, "reference").cells if cell.metadata["course"]["role"] == "answer"}
    complete = nbformat.reads(nbformat.writes(release), as_version=4)
    exploit = nbformat.reads(nbformat.writes(release), as_version=4)
    for cell in complete.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in answers:
            cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]
    first = next(cell for cell in exploit.cells if cell.metadata.get("nbgrader", {}).get("solution"))
    first.source += "\n\n" + EXPLOIT_LINE
    return {"complete": complete, "exploit": exploit}


def _ours(folder, out, workers):
    """Grade every notebook in ``folder`` as one batch with the CLI; ``(seconds, {lesson: (score, max, seconds)})``."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--out", str(out), "--seed", "0",
                           "--workers", str(workers), "--quiet", "--fresh"], env=_env(), capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"grading {folder} failed: {done.stderr.strip()[-500:]}")
    report = json.loads((pathlib.Path(out) / "grades.json").read_text())
    per_notebook = {}
    for entry in report["notebooks"]:
        lesson = entry["notebook"].removesuffix(".ipynb")
        label = f"{entry['student']}/{entry['notebook']}"
        per_notebook[lesson] = (entry["score"], entry["max_score"], report["sandbox"]["seconds"].get(label, 0.0))
    return seconds, per_notebook


def _nbgrader_score(course, lesson, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(lesson, student)
        return submission.score, submission.max_score


def _nbclient_full_run(lesson, workdir):
    from nbclient import NotebookClient

    notebook = build.build_notebook(lesson, "reference")
    started = time.monotonic()
    NotebookClient(notebook, timeout=1800, kernel_name="python3",
                   resources={"metadata": {"path": str(workdir)}}).execute(env=_env())
    return time.monotonic() - started


def bench(lessons, use_nbgrader=True, workers=(1, 2), out=print):
    """Grade both submissions of every lesson with ours (one batch each) and the baseline; returns the rows."""
    rows, totals = {}, {"baseline_s": 0.0}
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = pathlib.Path(tmp)
        for lesson in lessons:
            course = tmp / f"course-{lesson}"
            (course / "source" / lesson).mkdir(parents=True)
            shutil.copyfile(build.VERSIONS["nbgrader"] / f"{lesson}.ipynb", course / "source" / lesson / f"{lesson}.ipynb")
            (course / "nbgrader_config.py").write_text(
                f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\nc.CourseDirectory.course_id = 'bench'\n"
                "c.ExecutePreprocessor.timeout = 1800\n")
            generated = use_nbgrader and _nbgrader(course, "generate_assignment", lesson).returncode == 0
            release_path = course / "release" / lesson / f"{lesson}.ipynb"
            release = nbformat.read(release_path, as_version=4) if generated else build.build_notebook(lesson, "student")
            for name, notebook in _submissions(lesson, release).items():
                (tmp / "ours" / name).mkdir(parents=True, exist_ok=True)
                nbformat.write(notebook, tmp / "ours" / name / f"{lesson}.ipynb")
                row = rows.setdefault((lesson, name), {"lesson": lesson, "submission": name})
                if generated:
                    target = course / "submitted" / name / lesson
                    target.mkdir(parents=True)
                    nbformat.write(notebook, target / f"{lesson}.ipynb")
                    started = time.monotonic()
                    done = _nbgrader(course, "autograde", lesson, "--student", name)
                    row["baseline_s"] = time.monotonic() - started
                    if done.returncode == 0:
                        row["baseline"] = "{:g}/{:g}".format(*_nbgrader_score(course, lesson, name))
                    else:
                        row["baseline"] = "failed: " + done.stderr.strip().splitlines()[-1][:60]
                    row["baseline_kind"] = "nbgrader autograde"
                elif name == "complete":
                    row["baseline_s"] = _nbclient_full_run(lesson, tmp)
                    row["baseline"], row["baseline_kind"] = "-", "nbclient, whole notebook, fast mode"
                if name == "complete":
                    totals["baseline_s"] += row.get("baseline_s", 0.0)
        for name in ("complete", "exploit"):
            for count in workers:
                seconds, per_notebook = _ours(tmp / "ours" / name, tmp / f"out-{name}-{count}", count)
                totals[f"{name}_ours_s_{count}"] = seconds
                for lesson, (score, maximum, notebook_seconds) in per_notebook.items():
                    rows[lesson, name][f"ours_{count}"] = f"{score:g}/{maximum:g}"
                    rows[lesson, name][f"ours_s_{count}"] = notebook_seconds
    for row in rows.values():
        out(_format(row, workers[0]))
    for count in workers:
        seconds = totals[f"complete_ours_s_{count}"]
        out(f"complete submission, every lesson, one batch: ours {seconds:.1f} s with --workers {count} "
            f"(the whole command), baseline {totals['baseline_s']:.1f} s in total: "
            f"{totals['baseline_s'] / seconds:.1f} times faster")
    return list(rows.values()), totals


def _format(row, workers):
    baseline = (f"{row['baseline']:>9} {row['baseline_s']:7.1f} s  ({row['baseline_kind']})"
                if "baseline_s" in row else "")
    return (f"{row['lesson']:<20} {row['submission']:<9} ours {row.get(f'ours_{workers}', '-'):>7} "
            f"{row.get(f'ours_s_{workers}', 0.0):6.1f} s   baseline {baseline}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.bench_grading", description=__doc__.split("\n")[0])
    parser.add_argument("--lesson", action="append", help="only this lesson (repeatable); default: all")
    parser.add_argument("--no-nbgrader", action="store_true", help="baseline: run the whole notebook with nbclient")
    parser.add_argument("--workers", default=(1, 2), type=lambda text: tuple(map(grade.parse_workers, text.split(","))),
                        help="grade with each of these worker counts, comma-separated (default 1,2)")
    args = parser.parse_args(argv)
    lessons = args.lesson or checks.lessons()
    print(f"grading one submission per lesson ({os.cpu_count()} CPUs; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())})", flush=True)
    bench(lessons, use_nbgrader=not args.no_nbgrader, workers=args.workers, out=lambda text: print(text, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
