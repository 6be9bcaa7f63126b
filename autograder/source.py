"""Reading the single source of truth: lesson templates and the reference answers' code.

A lesson template, ``autograder/lessons/NN_topic.md``, is Markdown whose fenced blocks become code cells:

* a ``python`` block is a code cell (the grader does not run it);
* a ``python setup`` block is a code cell the grader runs too (imports and the params cell: keep it light);
* an ``exercise NAME`` block (empty) is an exercise: the answer cell, whose code is the reference answer's source
  from ``solutions`` (a stub in the student version), followed by its check cell;
* inside a code block, a line ``%include module:name`` is replaced by that function's or class's source;
* inside a ``python setup`` block, a line ``%answers_of NN_topic name ...`` takes an earlier lesson's answers from
  the learner's own notebook of that lesson (:func:`helpers.earlier.answers_from`): a lesson never pastes an
  exercise's reference answer, unless an instructor's release gives it (``give``, see :func:`parse_template`).

Markdown between blocks becomes markdown cells; a line ``+++`` starts a new markdown cell. A markdown line
``%one_judge_table`` becomes the benchmark's table ranking every generative model of the course, rendered from the
committed report ``benchmark/results/one_judge.json`` (so README's figures and the lesson's are one measurement).

Answer code: the whole body after a function's docstring is the answer (for a class, each method's body),
unless the code marks the answer with ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines, in which case only the
marked lines are, and the rest is given to the learner as scaffolding.
"""

import ast
import dataclasses
import importlib
import inspect
import pathlib
import re

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
LESSONS_DIR = pathlib.Path(__file__).resolve().parent.parent / "autograder" / "lessons"
_FENCE = re.compile(r"^```(.*)$")
INCLUDE = re.compile(r"^%include\s+([\w.]+:[\w.]+)\s*$")
ANSWERS_OF = re.compile(r"^%answers_of\s+(\d\d_\w+)((?:\s+[A-Za-z_]\w*)+)\s*$")
ONE_JUDGE = re.compile(r"^%one_judge_table\s*$")


class TemplateError(ValueError):
    """A lesson template is malformed; the message names the file and line."""


@dataclasses.dataclass
class Cell:
    kind: str  # "markdown", "code", "setup" or "exercise"
    source: str = ""
    exercise: str = None
    earlier: tuple = ()  # ((lesson, names, given), ...): the earlier answers this setup cell takes


def parse_template(path, give=None):
    """Parse a lesson template into a list of :class:`Cell`.

    ``give(lesson, names)``, when given, returns the code that gives those answers of an earlier lesson (the
    reference answers, pasted), or None to take them from the learner's notebook as usual.
    """
    path = pathlib.Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    cells, markdown, index = [], [], 0

    def flush_markdown():
        text = "\n".join(markdown).strip("\n")
        if text.strip():
            cells.append(Cell("markdown", text))
        markdown.clear()

    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if line.strip() == "+++":
            flush_markdown()
        elif fence and fence.group(1).strip():
            flush_markdown()
            info = fence.group(1).split()
            start, body = index + 1, []
            index += 1
            while index < len(lines) and lines[index].rstrip() != "```":
                body.append(lines[index])
                index += 1
            if index == len(lines):
                raise TemplateError(f"{path}:{start}: code block ``` {' '.join(info)} is never closed")
            cells.append(_code_cell(path, start, info, body, give))
        elif ONE_JUDGE.match(line):
            markdown.extend(one_judge_table(path, index + 1))
        else:
            markdown.append(line)
        index += 1
    flush_markdown()
    return cells


def one_judge_table(path, line_number, report_path=None):
    """The lines of the benchmark's one-judge table, from its committed report, with where the figures come from."""
    from benchmark.__main__ import ONE_JUDGE_REPORT, load_report, ranking_table

    report_path = pathlib.Path(report_path or ONE_JUDGE_REPORT)
    try:
        report = load_report(report_path)
        table = ranking_table(report)
    except (ValueError, KeyError, TypeError) as error:
        raise TemplateError(f"{path}:{line_number}: %one_judge_table needs the benchmark's one-judge report: {error}. "
                            "Make it with: python -m benchmark --only vae,gan,dcgan,diffusion --json "
                            "benchmark/results/one_judge.json (or join runs made in parts with --merge)") from None
    machine = report["machine"]
    days = sorted({str(part["started"])[:10] for part in report.get("parts", [report])})
    return table + ["", f"*Measured by `python -m benchmark` on {', '.join(days)}: {machine['cpu_model']}, "
                        f"{machine['usable_cpus']} CPU cores, {machine['gpus'] or 'no'} GPU; N = {report['eval_n']:,} samples per row "
                        f"(`benchmark/results/{report_path.name}`).*"]


def _code_cell(path, line_number, info, body, give=None):
    if info[0] == "exercise":
        if len(info) != 2 or any(line.strip() for line in body):
            raise TemplateError(f"{path}:{line_number}: write an exercise as an empty block ```exercise NAME")
        return Cell("exercise", exercise=info[1])
    if info[0] != "python" or info[1:] not in ([], ["setup"]):
        raise TemplateError(f"{path}:{line_number}: unknown block ```{' '.join(info)} "
                            "(use ```python, ```python setup or ```exercise NAME)")
    expanded, earlier = [], []
    for offset, line in enumerate(body):
        include, answers_of = INCLUDE.match(line), ANSWERS_OF.match(line)
        if line.startswith("%answers_of") and (info[1:] != ["setup"] or not answers_of):
            raise TemplateError(f"{path}:{line_number + offset + 1}: write `%answers_of NN_topic name ...` inside a "
                                "```python setup block")
        if answers_of:
            lesson, names = answers_of.group(1), tuple(answers_of.group(2).split())
            given = give(lesson, names) if give else None
            earlier.append((lesson, names, given is not None))
            expanded.append(given if given is not None else answers_of_code(lesson, names))
        elif include:
            try:
                expanded.append(answer_source(include.group(1), "reference"))
            except (ImportError, AttributeError, ValueError) as error:
                raise TemplateError(f"{path}:{line_number + offset + 1}: cannot include {include.group(1)}: {error}")
        else:
            expanded.append(line)
    kind = "setup" if info[1:] == ["setup"] else "code"
    return Cell(kind, "\n".join(expanded).strip("\n"), earlier=tuple(earlier))


def answers_of_code(lesson, names):
    """The setup code that takes ``names`` from the learner's own notebook of the earlier ``lesson``."""
    targets = ", ".join(names) + ("," if len(names) == 1 else "")
    arguments = ", ".join(f'"{item}"' for item in (lesson, *names))
    call = f"answers_from({arguments})"
    if len(f"{targets} = {call}") > 116:
        call = f"answers_from(\n    {arguments})"
    return f"from helpers.earlier import answers_from\n\n{targets} = {call}"


def _definition(target):
    module_name, qualname = target.split(":")
    module = importlib.import_module(module_name)
    source = inspect.getsource(module)
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == qualname:
            return source.splitlines(), node
    raise ValueError(f"{module_name} has no top-level function or class {qualname!r}")


def _body_after_docstring(node):
    """(first line, last line) of a function's body after its docstring, 1-based and inclusive."""
    first = node.body[0]
    has_docstring = isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant) \
        and isinstance(first.value.value, str)
    if has_docstring:
        if len(node.body) == 1:
            raise ValueError(f"{node.name} has only a docstring")
        return first.end_lineno + 1, node.end_lineno
    return node.body[0].lineno, node.end_lineno


def answer_source(target, version):
    """The source of the function or class ``module:name`` as one of three versions.

    ``reference``: the answer as written (markers removed); ``student``: answers replaced by the nbgrader stub;
    ``nbgrader``: answers kept between ``### BEGIN SOLUTION`` and ``### END SOLUTION``.
    """
    if version not in ("reference", "student", "nbgrader"):
        raise ValueError(f"unknown version {version!r}")
    lines, node = _definition(target)
    start = min([node.lineno] + [d.lineno for d in node.decorator_list])
    block = lines[start - 1:_end_with_trailing_comments(lines, node)]
    if any(line.strip() == BEGIN for line in block):
        regions = _marked_regions(block, target)
    else:
        bodies = [node] if isinstance(node, ast.FunctionDef) else [
            child for child in node.body if isinstance(child, ast.FunctionDef)]
        regions = [(a - start, b - start) for a, b in map(_body_after_docstring, bodies)]
    return "\n".join(_render(block, regions, version)).rstrip() + "\n"


def _end_with_trailing_comments(lines, node):
    """The definition's last line, counting comment lines indented under it (ast stops at the last statement,
    so a closing ``### END SOLUTION`` would otherwise be cut off)."""
    indent = len(lines[node.lineno - 1]) - len(lines[node.lineno - 1].lstrip())
    end = last = node.end_lineno
    while end < len(lines):
        line = lines[end]
        if line.strip() and not (line.lstrip().startswith("#") and len(line) - len(line.lstrip()) > indent):
            break
        end += 1
        if line.strip():
            last = end
    return last


def _marked_regions(block, target):
    """0-based inclusive (first, last) ranges of answer lines between marker lines (markers excluded)."""
    regions, opened = [], None
    for number, line in enumerate(block):
        if line.strip() == BEGIN:
            if opened is not None:
                raise ValueError(f"{target}: nested {BEGIN}")
            opened = number
        elif line.strip() == END:
            if opened is None:
                raise ValueError(f"{target}: {END} without {BEGIN}")
            regions.append((opened + 1, number - 1))
            opened = None
    if opened is not None:
        raise ValueError(f"{target}: {BEGIN} is never closed")
    return regions


def _render(block, regions, version):
    marked = any(line.strip() == BEGIN for line in block)
    out, index = [], 0
    for first, last in regions:
        body = block[first:last + 1]
        indent = _indent(next((line for line in body if line.strip()), block[first - 1]))
        head = block[index:first - 1 if marked else first]
        out.extend(line for line in head if line.strip() not in (BEGIN, END))
        if version == "reference":
            out.extend(body)
        elif version == "student":
            out.extend(indent + line for line in STUB)
        else:
            out.extend([indent + BEGIN, *body, indent + END])
        index = last + 2 if marked else last + 1
    out.extend(line for line in block[index:] if line.strip() not in (BEGIN, END))
    return out


def _indent(line):
    return line[:len(line) - len(line.lstrip())]


def template_paths():
    """``{lesson id: template path}`` for every ``autograder/lessons/NN_topic.md``."""
    return {path.stem: path for path in sorted(LESSONS_DIR.glob("[0-9][0-9]_*.md"))}
