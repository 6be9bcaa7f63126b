"""The leak search: where does a reference answer turn up, in any released file, however it was reformatted?

Code is compared after normalisation by :mod:`ast` (``ast.unparse``): comments, blank lines, line breaks, spacing
and quote style do not matter, nor do the ``name=`` arguments of calls (a model's or layer's name changes nothing it
computes). Each function is also compared a second time with its parameters replaced by their constant defaults,
so that a copy that fixes a parameter at its default (``activation="selu"``) is still the answer. Each exercise's
reference answer is judged by two tests, against every file:

* **a body**: the body (after its docstring) of any function or method in the file equals the body of one of the
  answer's functions or methods that its student version replaces by the stub;
* **most of its statements**: the file holds at least ``LEAK_FRACTION`` of the answer's distinctive statements,
  i.e. its statements (simple ones whole, compound ones by their header line) that the student version has not got
  and that are not too short to prove anything (``return x``); single generic statements such as
  ``keras.layers.Flatten()`` recur across lessons, so answers are judged as units.

Notebooks are searched code cell by code cell for bodies and as one file for statements; ``.py`` files whole;
Markdown files by their fenced code blocks. IPython magics are skipped, and a cell that is not valid Python is
judged line by line.
"""

import ast
import copy
import dataclasses
import functools
import math
import re

import nbformat

from autograder import checks, source

LEAK_FRACTION = 0.6
MIN_STATEMENT = 12  # characters of a normalised statement; shorter ones ("return x", "else") prove nothing
MIN_BODY = 40  # characters of a normalised body that count as evidence alone
_FENCED = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclasses.dataclass(frozen=True)
class Answer:
    """What the search looks for, for one exercise."""

    lesson: str
    exercise: str  # the exercise's name
    target: str  # "module:name" of its reference answer
    points: float
    bodies: frozenset  # normalised bodies of the functions/methods the stub replaces
    statements: frozenset  # its distinctive normalised statements


@dataclasses.dataclass(frozen=True)
class Leak:
    where: str  # "lessons/03_tied_greedy.ipynb (cell 7)", "solutions/x.py"
    answer: Answer
    evidence: str  # what was found

    def __str__(self):
        return (f"{self.where}: the reference answer of {self.answer.lesson}'s exercise {self.answer.exercise} "
                f"({self.answer.target}): {self.evidence}")


# ---------------------------------------------------------------------------------------------------------------
# normalised code


def _python(code):
    return "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))


def _parse(code):
    try:
        return ast.parse(_python(code))
    except SyntaxError:
        return None


def _without_docstring(body):
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return body[1:]
    return body


def _body(function):
    return "\n".join(ast.unparse(statement) for statement in _without_docstring(function.body))


class _Normalise(ast.NodeTransformer):
    """Drops ``name=`` arguments; inside a function, replaces its parameters that have constant defaults by them."""

    def __init__(self, defaults=None):
        self.defaults = defaults or {}

    def visit_Call(self, node):
        node.keywords = [keyword for keyword in node.keywords if keyword.arg != "name"]
        return self.generic_visit(node)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.defaults:
            return ast.copy_location(ast.Constant(self.defaults[node.id]), node)
        return node


def _defaults(function):
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
    pairs += [(argument, default) for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults) if default]
    return {argument.arg: default.value for argument, default in pairs if isinstance(default, ast.Constant)}


def variants(tree):
    """The tree normalised (``name=`` dropped), and a copy whose functions use their constant defaults."""
    plain = _Normalise().visit(copy.deepcopy(tree))
    with_defaults = copy.deepcopy(plain)
    for function in _functions(with_defaults):
        function.body = [_Normalise(_defaults(function)).visit(statement) for statement in function.body]
    return plain, with_defaults


def _header(statement):
    """A compound statement's first line (``with tf.GradientTape() as tape:``), normalised."""
    shell = copy.copy(statement)
    shell.body = [ast.Pass()]
    for field in ("orelse", "finalbody", "handlers", "cases"):
        if hasattr(shell, field):
            setattr(shell, field, [])
    return next(line for line in ast.unparse(shell).splitlines() if not line.startswith("@"))


def _statements(tree):
    """The normalised statements of ``tree``: simple ones whole, compound ones by their header line."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # docstrings and bare constants
        compound = any(isinstance(getattr(node, field, None), list) for field in ("body", "handlers", "cases"))
        found.add(_header(node) if compound else ast.unparse(node))
    return found


def _line_statements(code):
    """For code that does not parse: each line that parses alone, normalised, else stripped."""
    found = set()
    for line in _python(code).splitlines():
        line = line.strip().rstrip(":")
        try:
            found.add(ast.unparse(ast.parse(line)))
        except SyntaxError:
            found.add(line)
    return found


def _functions(tree):
    return [node for node in ast.walk(tree) if isinstance(node, _FUNCTIONS)]


# ---------------------------------------------------------------------------------------------------------------
# what to look for


@functools.lru_cache(maxsize=None)
def answers():
    """``[Answer]`` of every exercise of every lesson, two per exercise (plain, and with constant defaults)."""
    found = []
    for lesson in checks.lessons():
        for exercise in checks.exercises(lesson):
            pairs = zip(variants(ast.parse(source.answer_source(exercise.answer, "reference"))),
                        variants(ast.parse(source.answer_source(exercise.answer, "student"))))
            for reference, student in pairs:
                stubbed = {_body(function) for function in _functions(student)}
                bodies = {_body(function) for function in _functions(reference)} - stubbed
                statements = {statement for statement in _statements(reference) - _statements(student)
                              if len(statement) >= MIN_STATEMENT}
                found.append(Answer(lesson, exercise.name, exercise.answer, exercise.points,
                                    frozenset(body for body in bodies if len(body) >= MIN_BODY),
                                    frozenset(statements)))
    return found


# ---------------------------------------------------------------------------------------------------------------
# where to look


def code_units(path, text):
    """``[(where, code)]``: the code of a released file, by cell for notebooks and by block for Markdown."""
    if path.endswith(".py"):
        return [(path, text)]
    if path.endswith(".ipynb"):
        return [(f"{path} (cell {index})", cell.source)
                for index, cell in enumerate(nbformat.reads(text, as_version=4).cells) if cell.cell_type == "code"]
    if path.endswith(".md"):
        return [(f"{path} (code block {index})", block) for index, block in enumerate(_FENCED.findall(text), 1)]
    return []


def find_leaks(files, allowed=()):
    """``[Leak]`` in ``{relative path: text}``; answers whose exercise names are in ``allowed`` are skipped."""
    leaks = []
    for path, text in sorted(files.items()):
        units = code_units(path, text)
        statements, bodies = set(), []
        for where, code in units:
            tree = _parse(code)
            if tree is None:
                statements |= _line_statements(code)
                continue
            for variant in variants(tree):
                statements |= _statements(variant)
                bodies += [(where, function.name, _body(function)) for function in _functions(variant)]
        reported = set()
        for answer in answers():
            if answer.exercise in allowed:
                continue
            body_hits = {(where, name) for where, name, body in bodies if body in answer.bodies}
            found = [Leak(where, answer, f"the body of {name}() is the answer's") for where, name in sorted(body_hits)]
            common = answer.statements & statements
            if not body_hits and answer.statements and \
                    len(common) >= max(1, math.ceil(LEAK_FRACTION * len(answer.statements))):
                found.append(Leak(path, answer, f"{len(common)} of the answer's {len(answer.statements)} "
                                                f"distinctive statements, e.g. {sorted(common, key=len)[-1]!r}"))
            for leak in found:  # an answer's two variants often find the same place
                if (leak.where, answer.exercise) not in reported:
                    reported.add((leak.where, answer.exercise))
                    leaks.append(leak)
    return leaks
