"""Lessons that build on an earlier lesson's answer take the learner's own (``helpers.earlier``), never the
reference: 03 and 04 take lesson 02's, 09 takes lesson 08's."""

import shutil

import nbformat
import numpy as np
import pytest

from autograder import build, checks, source
from helpers import earlier
from helpers.earlier import EarlierAnswerMissing, answers_from

ADVICE = "first, or ask your instructor for a release that gives it"


def _notebook(tmp_path, lesson, version, edit=None):
    """The ``version`` notebook of ``lesson`` saved in ``tmp_path``, its answer cells changed by ``edit``."""
    notebook = build.build_notebook(lesson, version)
    for cell in notebook.cells:
        if edit and cell.metadata["course"]["role"] == "answer":
            cell.source = edit(cell.metadata["course"]["exercise"], cell.source)
    nbformat.write(notebook, tmp_path / f"{lesson}.ipynb")


def test_lessons_take_earlier_answers_from_the_learner_and_paste_none():
    for lesson in checks.lessons():
        setup = [cell.source for cell in build.build_notebook(lesson, "student").cells
                 if cell.metadata["course"]["role"] == "setup"]
        assert not any("NotImplementedError" in code or "def " in code or "class " in code for code in setup), lesson
    takes = {lesson: [(earlier_lesson, names) for cell in build.template_cells(lesson)
                      for earlier_lesson, names, _ in cell.earlier] for lesson in checks.lessons()}
    assert takes["03_tied_greedy"] == [("02_stacked", ("rounded_accuracy", "build_stacked_autoencoder"))]
    assert takes["04_conv_recurrent"] == [("02_stacked", ("build_stacked_autoencoder",))]
    assert takes["09_dcgan"] == [("08_gan", ("GAN",))]


def test_a_solved_earlier_notebook_gives_the_learners_own_answers(tmp_path, monkeypatch, capsys):
    _notebook(tmp_path, "02_stacked", "reference",
              edit=lambda name, code: code.replace("return ops.mean(", "return 0.5 + 0 * ops.mean(")
              if name == "rounded_accuracy" else code)
    monkeypatch.chdir(tmp_path)
    rounded_accuracy, build_stacked_autoencoder = answers_from("02_stacked", "rounded_accuracy",
                                                               "build_stacked_autoencoder")
    assert "lesson 02's answers from your 02_stacked.ipynb" in capsys.readouterr().out
    # the learner's edited answer, not the reference: the reference would give 1.0 here
    assert np.allclose(np.asarray(rounded_accuracy(np.ones((2, 3), "float32"), np.ones((2, 3), "float32"))), 0.5)
    _, _, autoencoder = build_stacked_autoencoder(codings_size=30, hidden_size=100)
    assert autoencoder.count_params() == 163_814  # README: the untied autoencoder's parameters


def test_a_stub_gives_a_stand_in_that_says_what_to_do(tmp_path, monkeypatch, capsys):
    _notebook(tmp_path, "02_stacked", "student")
    monkeypatch.chdir(tmp_path)
    (build_stacked_autoencoder,) = answers_from("02_stacked", "build_stacked_autoencoder")
    printed = capsys.readouterr().out
    assert "still a stub" in printed and f"finish lesson 02's exercise build_stacked_autoencoder {ADVICE}" in printed
    with pytest.raises(EarlierAnswerMissing, match=f"still a stub.*build_stacked_autoencoder {ADVICE}"):
        build_stacked_autoencoder(30, 100)


def test_a_missing_notebook_says_where_it_looked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (gan_class,) = answers_from("08_gan", "GAN")
    assert "08_gan.ipynb is not there" in capsys.readouterr().out

    class ImprovedGAN(gan_class):  # lesson 09 subclasses the GAN: defining the subclass works ...
        pass

    with pytest.raises(EarlierAnswerMissing, match=f"not there.*{tmp_path}.*finish lesson 08's exercise GAN"):
        ImprovedGAN("generator", "discriminator", 30)  # ... using it says why it cannot


def test_nbgrader_layout_and_folder_argument(tmp_path, monkeypatch):
    (tmp_path / "02_stacked").mkdir()
    (tmp_path / "03_tied_greedy").mkdir()
    _notebook(tmp_path / "02_stacked", "02_stacked", "reference")
    monkeypatch.chdir(tmp_path / "03_tied_greedy")
    (function,) = answers_from("02_stacked", "rounded_accuracy")
    assert not isinstance(function, type)  # the learner's function, not a stand-in
    shutil.move(tmp_path / "02_stacked" / "02_stacked.ipynb", tmp_path / "elsewhere.ipynb")
    (stand_in,) = answers_from("02_stacked", "rounded_accuracy")
    assert issubclass(stand_in, object) and isinstance(stand_in, type)
    (tmp_path / "mine").mkdir()
    shutil.move(tmp_path / "elsewhere.ipynb", tmp_path / "mine" / "02_stacked.ipynb")
    (function,) = answers_from("02_stacked", "rounded_accuracy", folder=tmp_path / "mine")
    assert not isinstance(function, type)


def test_an_answer_that_raises_is_reported_and_the_setup_still_runs(tmp_path, monkeypatch, capsys):
    _notebook(tmp_path, "08_gan", "reference", edit=lambda name, code: code + "\nraise ValueError('oops')")
    monkeypatch.chdir(tmp_path)
    (gan_class,) = answers_from("08_gan", "GAN")
    assert "your answer cell gan_train_step" in capsys.readouterr().out
    with pytest.raises(EarlierAnswerMissing, match="raised ValueError: oops"):
        gan_class()


def test_stub_detection_reads_every_method():
    partly = source.answer_source("solutions.gan:GAN", "reference").replace(
        "super().__init__(**kwargs)", "raise NotImplementedError()", 1)
    import ast

    assert earlier._is_stub(ast.parse(partly).body[0])
    assert not earlier._is_stub(ast.parse(source.answer_source("solutions.gan:GAN", "reference")).body[0])


def test_template_errors_name_the_file_and_the_known_answers(tmp_path):
    plain = tmp_path / "plain.md"
    plain.write_text("```python\n%answers_of 02_stacked rounded_accuracy\n```\n")
    with pytest.raises(source.TemplateError, match="plain.md:2: write `%answers_of NN_topic name ...` inside a "
                                                   "```python setup"):
        source.parse_template(plain)
    with pytest.raises(source.TemplateError, match="stacked_autoencoder is no answer of lesson 02_stacked "
                                                   r"\(its answers: rounded_accuracy, build_stacked_autoencoder\)"):
        build.earlier_exercises("02_stacked", ["stacked_autoencoder"])


def test_an_answer_with_a_syntax_error_is_reported(tmp_path, monkeypatch, capsys):
    _notebook(tmp_path, "02_stacked", "reference",
              edit=lambda name, code: code.replace("):", ")", 1) if name == "rounded_accuracy" else code)
    monkeypatch.chdir(tmp_path)
    stand_in, function = answers_from("02_stacked", "rounded_accuracy", "build_stacked_autoencoder")
    assert "your answer cell rounded_accuracy" in capsys.readouterr().out
    with pytest.raises(EarlierAnswerMissing, match="has a syntax error"):
        stand_in(None, None)
    assert not isinstance(function, type)  # the other answer is still the learner's
