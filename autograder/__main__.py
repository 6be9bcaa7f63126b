"""Command line: ``python -m autograder {build,selfcheck,accuracy,grade,release,...} ...`` (``--help`` on each)."""

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out of the output


def _parser():
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="generate lessons, reference and nbgrader notebooks from the sources")
    build.add_argument("--check", action="store_true", help="write nothing; exit 1 naming each stale file")
    build.add_argument("--lesson", action="append", help="only this lesson (repeatable); default: all")

    selfcheck = commands.add_parser("selfcheck", help="run every visible check on the reference answers against the "
                                                      "committed reference outputs (exit 1 on a failure)")
    selfcheck.add_argument("--lesson", action="append", help="only this lesson (repeatable); default: all")

    accuracy = commands.add_parser("accuracy", help="grade the corpus of learner-style answers (tests/corpus) and "
                                                    "print caught / named / kept counts per lesson")
    accuracy.add_argument("--lesson", action="append", help="only this lesson (repeatable); default: all")
    accuracy.add_argument("--verbose", action="store_true", help="also list every case the checks got wrong")

    grade = commands.add_parser("grade", help="grade notebooks or folders laid out as <student>/<NN_topic>.ipynb")
    from autograder.grade import add_arguments

    add_arguments(grade)
    _add_route_commands(commands)
    return parser


def _add_route_commands(commands):
    """The instructor routes: student release, nbgrader course, Gradescope autograder."""
    release = commands.add_parser("release", help="write the student release (lessons + self-checks, no answers)")
    release.add_argument("dir", help="folder to write (new, empty, or an earlier release, which is replaced)")
    release.add_argument("--lesson", action="append", help="only this lesson (repeatable); default: all")
    release.add_argument("--give", action="append", default=[], metavar="LESSON",
                         help="paste this earlier lesson's reference answers into the later lessons that build on "
                              "them, and say so in the release (repeatable; default: none, the later lessons take "
                              "the learner's own answers)")

    course = commands.add_parser("nbgrader-course", help="lay out an nbgrader course folder for the lessons")
    course.add_argument("dir", help="the course folder (created, or updated in place)")
    course.add_argument("--course-id", default="genlearn-course", help="nbgrader course id (default genlearn-course)")
    course.add_argument("--lesson", action="append", help="only this lesson (repeatable); default: all")

    gradescope = commands.add_parser("gradescope", help="build the Gradescope autograder zip")
    gradescope.add_argument("--out", required=True, help="the zip to write, e.g. autograder.zip")
    gradescope.add_argument("--lesson", action="append",
                            help="grade only this lesson (repeatable); a submission without it scores 0")
    gradescope.add_argument("--cell-timeout", type=float, default=None, help="seconds one cell may run (default 120)")

    run = commands.add_parser("gradescope-run", help="what run_autograder calls inside Gradescope's container")
    run.add_argument("--root", default=os.environ.get("AUTOGRADER_ROOT", "/autograder"),
                     help="the autograder root holding submission/ and results/ (default $AUTOGRADER_ROOT or "
                          "/autograder)")
    run.add_argument("--lesson", action="append", help="grade only this lesson (repeatable)")
    run.add_argument("--seed", type=int, default=None, help="seed of the probe inputs (default: a fresh one)")
    run.add_argument("--cell-timeout", type=float, default=120.0, help="seconds one cell may run (default 120)")


def _run_route(args):
    if args.command == "release":
        from autograder import release

        return release.main(args.dir, lessons=args.lesson, give=args.give)
    if args.command == "nbgrader-course":
        from autograder import nbgrader_course

        return nbgrader_course.main(args.dir, course_id=args.course_id, lessons=args.lesson)
    from autograder import gradescope

    if args.command == "gradescope":
        return gradescope.main_build(args.out, lessons=args.lesson, cell_timeout=args.cell_timeout)
    return gradescope.main_run(args.root, lessons=args.lesson, seed=args.seed, cell_timeout=args.cell_timeout)


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.command == "build":
        from autograder import build

        return build.main(check=args.check, lessons=args.lesson)
    if args.command == "selfcheck":
        from autograder import selfcheck

        return selfcheck.main(lessons=args.lesson)
    if args.command == "accuracy":
        from autograder import accuracy

        return accuracy.main(lessons=args.lesson, verbose=args.verbose)
    if args.command in ("release", "nbgrader-course", "gradescope", "gradescope-run"):
        return _run_route(args)
    from autograder import grade

    return grade.run(args)


if __name__ == "__main__":
    sys.exit(main())
