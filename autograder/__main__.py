"""Command line: ``python -m autograder {build,grade} ...`` (``--help`` on each)."""

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

    grade = commands.add_parser("grade", help="grade notebooks or folders laid out as <student>/<NN_topic>.ipynb")
    from autograder.grade import add_arguments

    add_arguments(grade)
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.command == "build":
        from autograder import build

        return build.main(check=args.check, lessons=args.lesson)
    from autograder import grade

    return grade.run(args)


if __name__ == "__main__":
    sys.exit(main())
