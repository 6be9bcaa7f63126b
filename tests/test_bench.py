"""The benchmark CLI: discovery, timing callback, time to the book's quality, JSON and Markdown reports."""

import json
import textwrap

import numpy as np
import pytest

import benchmark.__main__ as bench
from helpers import evaluation
from benchmark.recipes import Recipe

# A fake topic package: one model with a book and a course recipe that drive the benchmark's callbacks through a
# real (tiny) Keras fit, but whose validation losses are scripted so the time to the book's quality is known.
FAKE_MODULE = textwrap.dedent('''
    import keras
    import numpy as np

    from benchmark.recipes import Recipe

    SCRIPTED = {"book": [0.5, 0.4, 0.3, 0.25], "course": [0.35, 0.28, 0.2, 0.1]}
    CALLS = []


    class Scripted(keras.callbacks.Callback):
        def __init__(self, losses):
            super().__init__()
            self.losses = losses

        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = self.losses[epoch]  # runs before the benchmark's timer reads the logs


    def make_run(name):
        def run(epochs, fast, callbacks):
            CALLS.append((name, epochs, fast))
            model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
            model.compile(loss="mse", optimizer="sgd")
            x = np.zeros((8, 2), dtype="float32")
            history = model.fit(x, x[:, :1], validation_data=(x, x[:, :1]), epochs=epochs, verbose=0,
                                callbacks=[Scripted(SCRIPTED[name])] + list(callbacks))
            result = {"val_loss": SCRIPTED[name][epochs - 1], "history": {"val_loss": SCRIPTED[name][:epochs]},
                      "metrics": {"answer": 42.0}}
            if name == "course":
                result["generate"] = lambda n, seed: np.random.default_rng(seed).uniform(size=(n, 28, 28))
            return result
        return run


    BENCHMARKS = [
        Recipe(model="toy", recipe="course", lesson="99_toy", epochs=6, fast_epochs=4, run=make_run("course"),
               metric="validation MSE", book_value=0.3),
        Recipe(model="toy", recipe="book", lesson="99_toy", epochs=6, fast_epochs=4, run=make_run("book"),
               metric="validation MSE", book_value=0.3),
    ]
''')


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    package = tmp_path / "fakecourse"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "toy.py").write_text(FAKE_MODULE)
    (package / "helpers.py").write_text("X = 1\n")  # no BENCHMARKS: ignored
    (package / "broken.py").write_text("raise RuntimeError('boom')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return "fakecourse"


@pytest.fixture
def fake_evaluation(monkeypatch):
    """Generated images are scored by a stand-in (the classifier is tested in test_evaluation.py)."""
    calls = []

    def fake_evaluate(images, reference="test", n=10_000, classifier=None):
        calls.append((np.shape(images), reference, n))
        return {"fid": 12.5, "kid": 0.25, "inception_score": 3.0, "histogram": [0.1] * 10, "coverage": 10,
                "kl_uniform": 0.0, "n": n}

    monkeypatch.setattr(evaluation, "evaluate_images", fake_evaluate)
    return calls


def test_discovery_finds_lesson_01():
    recipes, errors = bench.discover_benchmarks()
    linear = [r for r in recipes if r.model == "linear"]
    assert len(linear) == 1 and linear[0].lesson == "01_linear_pca" and linear[0].book_value is None
    assert all(isinstance(r, Recipe) for r in recipes)
    assert not [name for name, _ in errors if name == "solutions.linear"]


def test_discovery_orders_recipes_and_reports_broken_modules(fake_package):
    recipes, errors = bench.discover_benchmarks(fake_package)
    assert [(r.model, r.recipe) for r in recipes] == [("toy", "book"), ("toy", "course")]
    assert [name for name, _ in errors] == ["fakecourse.broken"]
    assert "boom" in errors[0][1]


def test_select_by_model_and_unknown_names(fake_package):
    recipes, _ = bench.discover_benchmarks(fake_package)
    assert len(bench.select(recipes, ["toy"])) == 2
    assert len(bench.select(recipes, ["99_toy"])) == 2
    with pytest.raises(ValueError, match="nope"):
        bench.select(recipes, ["toy,nope"])



def test_skip_leaves_out_named_recipes_and_rejects_bad_names(fake_package):
    recipes, _ = bench.discover_benchmarks(fake_package)
    names = {f"{r.model}:{r.recipe}" for r in recipes}
    left = bench.skip(recipes, ["toy:book"])
    assert {f"{r.model}:{r.recipe}" for r in left} == names - {"toy:book"}
    assert bench.skip(recipes, None) == recipes
    with pytest.raises(ValueError, match="MODEL:RECIPE"):
        bench.skip(recipes, ["toy"])
    with pytest.raises(ValueError, match="no recipe named toy:nope"):
        bench.skip(recipes, ["toy:book,toy:nope"])

def test_time_to_quality_takes_the_first_epoch_at_or_below_the_target():
    assert bench.time_to_quality([0.5, 0.3, 0.2], [1.0, 2.0, 4.0], 0.3) == {"epoch": 2, "seconds": 3.0}
    assert bench.time_to_quality([0.5, 0.4], [1.0, 2.0], 0.3) is None
    assert bench.time_to_quality([0.5, 0.4], [1.0, 2.0], None) is None


def test_the_cli_runs_both_recipes_and_writes_json_and_markdown(fake_package, fake_evaluation, tmp_path, capsys):
    json_path, markdown_path = tmp_path / "out" / "bench.json", tmp_path / "out" / "bench.md"
    with pytest.warns(RuntimeWarning, match="broken"):
        code = bench.main(["--fast", "--package", fake_package, "--json", str(json_path),
                           "--markdown", str(markdown_path)])
    assert code == 1  # the broken module is reported as a failure, after the others ran
    import fakecourse.toy as toy

    assert sorted(toy.CALLS) == [("book", 4, True), ("course", 4, True)]
    report = json.loads(json_path.read_text())
    assert report["mode"] == "fast" and report["machine"]["cpu_count"] >= 1
    rows = {row["recipe"]: row for row in report["results"]}
    assert rows["book"]["val_loss"] == 0.25 and rows["book"]["metrics"] == {"answer": 42.0}
    for row in rows.values():
        assert row["error"] is None
        assert len(row["epoch_seconds"]) == 4 and row["seconds_per_epoch"] > 0
        assert row["total_seconds"] >= row["train_seconds"]
    # Book quality 0.3: the book recipe gets there at epoch 3, the course recipe at epoch 2.
    assert rows["book"]["time_to_book_value"]["epoch"] == 3
    assert rows["book"]["time_to_book_value"]["seconds"] == pytest.approx(sum(rows["book"]["epoch_seconds"][:3]))
    assert rows["course"]["time_to_book_value"]["epoch"] == 2
    (comparison,) = report["comparisons"]
    assert comparison["target"] == 0.3 and comparison["book"]["epoch"] == 3 and comparison["course"]["epoch"] == 2
    # Only the generative recipe is scored, at the fast N.
    assert fake_evaluation == [((bench.FAST_EVAL_N, 28, 28), "test", bench.FAST_EVAL_N)]
    assert rows["course"]["evaluation"]["fid"] == 12.5 and rows["book"]["evaluation"] is None
    table = markdown_path.read_text()
    assert "| 99_toy | toy | book | 4 |" in table and "epoch 3" in table and "12.5" in table
    assert "fakecourse.broken" in table
    out = capsys.readouterr().out
    assert "[1/2] toy (book) epoch 4/4" in out and "[2/2] toy (course)" in out
    assert table in out


def test_a_failing_recipe_is_reported_and_the_others_still_run(fake_evaluation, tmp_path):
    def broken(epochs, fast, callbacks):
        raise RuntimeError("diverged")

    def fine(epochs, fast, callbacks):
        return {"val_loss": 1.0, "history": {"val_loss": [1.0]}}

    recipes = [Recipe("a", "course", "98_a", 1, 1, broken, "loss"), Recipe("b", "course", "98_b", 1, 1, fine, "loss")]
    report = bench.run_all(recipes, fast=True)
    assert "diverged" in report["results"][0]["error"] and report["results"][1]["error"] is None
    assert "FAILED" in bench.markdown(report)
    # fine() ignored the callbacks: no epoch times, so the time to the book's quality cannot be given.
    assert report["results"][1]["seconds_per_epoch"] is None


def test_book_recipe_result_is_the_target_when_the_book_has_no_figure():
    rows = [
        {"model": "m", "recipe": "book", "book_value": None, "val_loss": 0.2, "error": None,
         "val_losses": [0.4, 0.2], "epoch_seconds": [1.0, 1.0]},
        {"model": "m", "recipe": "course", "book_value": None, "val_loss": 0.1, "error": None,
         "val_losses": [0.3, 0.15, 0.1], "epoch_seconds": [2.0, 2.0, 2.0]},
    ]
    (entry,) = bench.compare_recipes(rows)
    assert entry["target"] == 0.2 and "this run" in entry["target_source"]
    assert entry["book"] == {"epoch": 2, "seconds": 2.0} and entry["course"] == {"epoch": 2, "seconds": 4.0}


def test_the_real_fast_benchmark_runs_every_recipe(tmp_path):
    """CI's smoke run of every reference recipe (about a minute on 2 cores): each trains, is timed and, when it
    generates images, is scored."""
    json_path = tmp_path / "bench.json"
    code = bench.main(["--fast", "--json", str(json_path), "--markdown", str(tmp_path / "bench.md")])
    report = json.loads(json_path.read_text())
    recipes, _ = bench.discover_benchmarks()
    assert code == 0 and report["errors"] == []
    assert [(row["model"], row["recipe"]) for row in report["results"]] == [(r.model, r.recipe) for r in recipes]
    for row in report["results"]:
        assert row["error"] is None and row["seconds_per_epoch"] > 0, row
        if row["model"] in ("vae", "gan", "dcgan"):
            assert row["evaluation"]["fid"] > 0 and 1 <= row["evaluation"]["coverage"] <= 10, row
