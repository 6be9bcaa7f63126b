"""An earlier lesson's answers, taken from the learner's own notebook.

Some lessons build on an earlier lesson's answer (a stacked autoencoder, a GAN). The course does not hand out those
reference answers: the later lesson's setup cell runs the answer cells of *your* notebook of the earlier lesson
instead::

    rounded_accuracy, build_stacked_autoencoder = answers_from("02_stacked", "rounded_accuracy",
                                                               "build_stacked_autoencoder")

The earlier notebook is looked for next to the current one (``02_stacked.ipynb``) and in nbgrader's layout
(``../02_stacked/02_stacked.ipynb``); ``folder=`` names another place. Its setup cells (imports, params) run
first, quietly, then the answer cells that define the names asked for, all in a namespace of their own. When the
notebook is missing, or an answer is still a stub or fails to run, the setup cell still runs: it prints what is
wrong, and each missing answer becomes a stand-in that raises :class:`EarlierAnswerMissing` with that message
when the lesson uses it (calls it, builds an instance, or an instance of a subclass).
"""

import ast
import contextlib
import io
import json
import pathlib

STUB_ERROR = "NotImplementedError"


class EarlierAnswerMissing(RuntimeError):
    """An earlier lesson's answer is not available here; the message says what to do."""


def answers_from(lesson, *names, folder=None):
    """The objects ``names`` as your notebook of ``lesson`` defines them (a tuple, in the order asked).

    Args:
        lesson: the earlier lesson's id, e.g. ``"02_stacked"``.
        names: the functions or classes its answer cells define, e.g. ``"build_stacked_autoencoder"``.
        folder: where that notebook is (default: this notebook's folder, then nbgrader's ``../<lesson>/``).

    Returns:
        tuple of the objects; an answer that is not available is a stand-in raising :class:`EarlierAnswerMissing`.
    """
    if not names:
        raise TypeError("answers_from needs the names of the answers to take, e.g. answers_from('08_gan', 'GAN')")
    found, problems = {}, {}
    try:
        path = _notebook_path(lesson, folder)
        found, problems = _run_answers(lesson, path, names)
    except EarlierAnswerMissing as error:
        problems = {name: str(error) for name in names}
    for name in names:
        if name in found:
            continue
        advice = (f"finish lesson {lesson[:2]}'s exercise {name} first, or ask your instructor for a release "
                  "that gives it")
        message = f"{name} comes from lesson {lesson[:2]}, and {problems[name]}: {advice}."
        print(f"warning: {message}")
        found[name] = _stand_in(name, message)
    if not problems:
        print(f"lesson {lesson[:2]}'s answers from your {path.name}: {', '.join(names)}")
    return tuple(found[name] for name in names)


def _notebook_path(lesson, folder):
    here = pathlib.Path.cwd()
    places = [pathlib.Path(folder) / f"{lesson}.ipynb"] if folder is not None else [
        here / f"{lesson}.ipynb", here.parent / lesson / f"{lesson}.ipynb"]
    for place in places:
        if place.is_file():
            return place
    raise EarlierAnswerMissing(f"your notebook {lesson}.ipynb is not there (looked for "
                               f"{' and '.join(str(place) for place in places)}; `folder=` can name another place)")


def _cells(lesson, path):
    """``(setup sources, [(grade id, answer source)])`` of the notebook at ``path``."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = [cell for cell in notebook["cells"] if cell.get("cell_type") == "code"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise EarlierAnswerMissing(f"{path} is not a readable notebook ({error})") from None
    setup, answers = [], []
    for cell in cells:
        course = cell.get("metadata", {}).get("course", {})
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        text = "".join(cell.get("source", ""))
        if course.get("role") == "setup" or str(nbgrader.get("grade_id", "")).startswith("setup_"):
            setup.append(text)
        elif course.get("role") == "answer" or nbgrader.get("solution"):
            answers.append((nbgrader.get("grade_id", "an answer cell"), text))
    return setup, answers


def _locate(answers, names, path):
    """``({name: (grade id, source)}, {name: what is wrong})``: the answer cell defining each name."""
    where, problems = {}, {}
    for grade_id, text in answers:
        try:
            tree = ast.parse(_python(text))
        except SyntaxError as error:
            for name in names:
                if name in text and name not in where:
                    problems[name] = f"your answer cell {grade_id} in {path} has a syntax error ({error.msg})"
            continue
        for name in names:
            definition = _definition(tree, name)
            if name in where or definition is None:
                continue
            where[name] = (grade_id, text)
            problems.pop(name, None)
            if _is_stub(definition):
                problems[name] = f"your answer ({grade_id} in {path}) is still a stub"
    for name in names:
        if name not in where:
            problems.setdefault(name, f"no answer cell in {path} defines {name}")
    return where, problems


def _run_answers(lesson, path, names):
    """``({name: object}, {name: what is wrong})`` after running the setup cells and the needed answer cells."""
    setup, answers = _cells(lesson, path)
    where, problems = _locate(answers, names, path)
    wanted = [name for name in names if name not in problems]
    if not wanted:
        return {}, problems
    namespace = {"__name__": f"lesson_{lesson}"}
    for number, text in enumerate(setup, 1):
        error = _run(text, namespace, f"<{lesson} setup cell {number}>")
        if error:
            raise EarlierAnswerMissing(f"a setup cell of {path} failed here ({error})")
    for grade_id, text in dict.fromkeys(where[name] for name in wanted):
        error = _run(text, namespace, f"<{lesson} answer {grade_id}>")
        for name in wanted:
            if where[name][0] == grade_id and (error or name not in namespace):
                problems[name] = f"your answer cell {grade_id} in {path} " + (
                    f"raised {error}" if error else f"did not define {name} when it ran")
    return {name: namespace[name] for name in wanted if name not in problems}, problems


def _python(text):
    """The cell without IPython's magic and shell lines, which plain Python cannot run."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("%", "!")))


def _run(text, namespace, label):
    """Run one cell quietly in ``namespace``; ``None``, or ``"Error: message"`` when it raised."""
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(_python(text), label, "exec"), namespace)  # the learner's own code, in their own kernel
    except Exception as error:  # report what the learner's earlier cell did wrong; never break this lesson's setup
        return f"{type(error).__name__}: {error}"
    return None


def _definition(tree, name):
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return node
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node
    return None


def _is_stub(definition):
    """True when a function of the definition still holds the stub's ``raise NotImplementedError``."""
    functions = [definition] if isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef)) else [
        node for node in getattr(definition, "body", []) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for function in functions:
        for statement in function.body:
            if isinstance(statement, ast.Raise) and statement.exc is not None:
                raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
                if isinstance(raised, ast.Name) and raised.id == STUB_ERROR:
                    return True
    return False


def _stand_in(name, message):
    """A class named ``name`` that raises ``message`` when called or instantiated, also through a subclass (a
    lesson may subclass the answer), so that the lesson fails where it first needs the answer, with the reason."""

    def refuse(cls, *args, **kwargs):
        raise EarlierAnswerMissing(message)

    return type(name, (), {"__new__": refuse, "__doc__": f"Not available: {message}",
                           "__module__": __name__})
