"""The course benchmark: train every reference model and report its figures beside the book's.

Usage::

    python -m benchmark                  # full run, for the README's figures (hours on 2 CPU cores)
    python -m benchmark --fast           # every model in a few minutes: CI's smoke test
    python -m benchmark --only stacked   # one model (both of its recipes); repeat or comma-separate for more
    python -m benchmark --skip dcgan:book   # all but one recipe (the book's DCGAN alone takes over an hour)
    python -m benchmark --merge A.json B.json   # one report from runs made in parts (no training)
    python -m benchmark --only dcgan --stop-after 90   # stop after 90 minutes; the same command goes on later

It imports every module of the ``benchmark`` package and collects the :class:`~benchmark.recipes.Recipe`
objects listed in their ``BENCHMARKS``; nothing is registered by hand. For each recipe it reports the epochs, the
validation loss and any other metrics the run returns, the seconds per epoch and in total on this machine (whose CPU
is recorded), and for generative models (the run returns ``"generate"``) the domain FID, KID and class coverage of
N generated images against the test set (:mod:`helpers.evaluation`; N = 10,000, 1,000 with ``--fast``) and the
time it took to generate them. Beside each figure stands the book's where one exists.

When a model has a "book" and a "course" recipe, both run, and the report gives the training time each needs to
reach the book's quality: the first epoch whose validation loss is at most the book's figure (or, when the book
gives none, the book recipe's final validation loss in this run), timed by summing the epoch times that a
callback passed to ``fit`` records (data loading and evaluation are not counted).

A second table ranks every generative model (every sampler of it, when it has several) by the one judge: FID, KID
and class coverage at the same N, with its training time and the time to generate the N images, best FID first.

Results go to a JSON file and Markdown tables (printed, and written to a file); by default both in
``build/bench/``. The exit code is 1 when any recipe failed.

A full run takes longer than one sitting; ``--merge`` joins the JSON reports of runs made in parts (``--skip
dcgan:book``, then ``--only dcgan --skip dcgan:course,dcgan:wide``) into one report, its tables computed again over
every recipe. It refuses parts that the one judge cannot rank together (another N, fast mixed with full, the same
recipe twice, a recipe not finished), and says so in the report when the parts ran on different CPUs (their times
are then not comparable).

A recipe longer than a sitting (the book's DCGAN: 50 epochs of 55,000 images) can run in several. Its training
state is saved after every epoch under ``build/bench/checkpoints/<mode>/`` (``--checkpoints``); ``--stop-after
MINUTES`` ends the run after the first epoch past that budget (exit code 3, the row marked paused, nothing scored),
and the same command started again goes on from the checkpoint, taking the batches an unstopped run would have
taken. The finished row sums the epoch times of every sitting; ``--restart`` throws the checkpoint away.
"""

import argparse
import datetime
import importlib
import json
import math
import os
import pathlib
import platform
import pkgutil
import shutil
import sys
import time
import traceback
import warnings

import keras  # TensorFlow's C++ log level is set by the package's __init__, which runs first
import numpy as np

from helpers import config
from benchmark.recipes import Recipe, Resume

# the merged report of the README's one-judge table, committed: lesson 10's build renders its table from it
ONE_JUDGE_REPORT = pathlib.Path(__file__).resolve().parent / "results" / "one_judge.json"
SKIPPED_MODULES = {"recipes"}  # the contract and the shared runner: no recipes of its own
RECIPE_ORDER = {"book": 0, "course": 1}
EVAL_N = 10_000
FAST_EVAL_N = 1_000
PAUSED = 3  # exit code of a run whose resumable recipe stopped at --stop-after (run it again to go on)


# ---------------------------------------------------------------------------------------------------- discovery

def discover_benchmarks(package="benchmark"):
    """Every Recipe listed in a ``BENCHMARKS`` list of a module of ``package``, ordered by lesson, model, recipe.

    Returns:
        (recipes, errors): a list of Recipe, and a list of ``(module name, message)`` for modules that failed to
        import or whose BENCHMARKS is malformed.
    """
    root = importlib.import_module(package)
    recipes, errors = [], []
    for info in pkgutil.iter_modules(root.__path__):
        if info.name.startswith("_") or info.name in SKIPPED_MODULES:
            continue
        name = f"{package}.{info.name}"
        try:
            module = importlib.import_module(name)
        except Exception as error:  # one broken module must not hide the others' figures
            errors.append((name, f"import failed: {type(error).__name__}: {error}"))
            continue
        listed = getattr(module, "BENCHMARKS", None)
        if listed is None:
            continue
        if not isinstance(listed, (list, tuple)) or not all(isinstance(r, Recipe) for r in listed):
            errors.append((name, "BENCHMARKS must be a list of benchmark.recipes.Recipe objects"))
            continue
        recipes.extend(listed)
    recipes.sort(key=lambda r: (r.lesson, r.model, RECIPE_ORDER.get(r.recipe, 2), r.recipe))
    return recipes, errors


def select(recipes, only):
    """The recipes whose model (or lesson) is named in ``only`` (names, each possibly comma-separated)."""
    if not only:
        return list(recipes)
    wanted = {name.strip() for item in only for name in item.split(",") if name.strip()}
    chosen = [r for r in recipes if r.model in wanted or r.lesson in wanted]
    unknown = wanted - {r.model for r in chosen} - {r.lesson for r in chosen}
    if unknown:
        known = ", ".join(sorted({r.model for r in recipes})) or "none"
        raise ValueError(f"no benchmark named {', '.join(sorted(unknown))}; known models: {known}")
    return chosen


def skip(recipes, skipped):
    """The recipes not named in ``skipped``: items ``MODEL:RECIPE`` (e.g. ``dcgan:book``), each possibly
    comma-separated. ValueError for a malformed item or one that names no recipe."""
    if not skipped:
        return list(recipes)
    names = {name.strip() for item in skipped for name in item.split(",") if name.strip()}
    malformed = sorted(name for name in names if name.count(":") != 1)
    if malformed:
        raise ValueError(f"--skip takes MODEL:RECIPE, e.g. dcgan:book; got {', '.join(malformed)}")
    known = {f"{r.model}:{r.recipe}" for r in recipes}
    unknown = sorted(names - known)
    if unknown:
        raise ValueError(f"no recipe named {', '.join(unknown)}; known: {', '.join(sorted(known)) or 'none'}")
    return [r for r in recipes if f"{r.model}:{r.recipe}" not in names]


# ------------------------------------------------------------------------------------------ timing and progress

class RecipeTimer(keras.callbacks.Callback):
    """Records each epoch's wall time and validation loss, and prints one progress line per epoch.

    It comes first among a run's callbacks, so time that later callbacks spend after an epoch (scoring samples, say)
    is not counted.

    Attributes:
        epoch_seconds: [seconds of epoch 1, of epoch 2, ...] (time inside ``fit``'s epochs only).
        val_losses: the ``val_loss`` Keras logged at the end of each epoch (None when absent).
    """

    resume_state = ["epoch_seconds", "val_losses"]  # what a Resume saves and restores of it

    def __init__(self, label, stream=None):
        super().__init__()
        self.label = label
        self.stream = stream or sys.stdout
        self.epoch_seconds = []
        self.val_losses = []
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        total = (self.params or {}).get("epochs", "?")
        print(f"{self.label} epoch {epoch + 1}/{total}", file=self.stream, flush=True)

    def on_epoch_end(self, epoch, logs=None):
        seconds = time.perf_counter() - (self._start if self._start is not None else time.perf_counter())
        self.epoch_seconds.append(seconds)
        logs = logs or {}
        val_loss = logs.get("val_loss")
        self.val_losses.append(None if val_loss is None else float(val_loss))
        total = (self.params or {}).get("epochs", "?")
        shown = ", ".join(f"{k} {float(v):.4g}" for k, v in logs.items() if np.ndim(v) == 0)
        print(f"{self.label} epoch {epoch + 1}/{total} done in {seconds:.1f} s: {shown}", file=self.stream, flush=True)


def time_to_quality(val_losses, epoch_seconds, target):
    """First epoch whose validation loss is <= ``target``, and the training seconds summed up to its end.

    Returns:
        ``{"epoch": int, "seconds": float or None}``, or None when no epoch reached the target.
    """
    if target is None:
        return None
    for index, value in enumerate(val_losses):
        if value is not None and math.isfinite(value) and value <= target:
            seconds = float(sum(epoch_seconds[: index + 1])) if index < len(epoch_seconds) else None
            return {"epoch": index + 1, "seconds": seconds}
    return None


# ------------------------------------------------------------------------------------------------------ running

def machine_info():
    """The CPU, core count, load and library versions, recorded with every run."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        model = names[0] if names else model
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    import tensorflow as tf

    return {
        "cpu_model": model, "cpu_count": os.cpu_count(), "usable_cpus": usable,
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
        "gpus": len(tf.config.list_physical_devices("GPU")),
        "platform": platform.platform(), "python": platform.python_version(),
        "tensorflow": tf.__version__, "keras": keras.__version__,
    }


def _floats(mapping):
    out = {}
    for key, value in (mapping or {}).items():
        try:
            out[key] = [float(v) for v in value] if np.ndim(value) == 1 else float(value)
        except (TypeError, ValueError):
            continue
    return out


def checkpoint_directory(root, recipe):
    """Where a resumable ``recipe``'s checkpoint lives under ``root``."""
    return pathlib.Path(root) / f"{recipe.model}-{recipe.recipe}"


def run_recipe(recipe, fast, label, eval_n, stream=None, checkpoints=None, stop_after=None):
    """Train one recipe and measure it: a JSON-ready dict (``"error"`` holds the traceback when it failed).

    A resumable recipe (:attr:`Recipe.resumable`) given a ``checkpoints`` folder goes on from its checkpoint there
    and saves one after every epoch; with ``stop_after`` (seconds) it stops after the first epoch past that budget,
    and the row's ``"paused"`` says how far it got (nothing is scored). Its checkpoint is deleted once the row is
    complete.
    """
    epochs = recipe.fast_epochs if fast else recipe.epochs
    row = {
        "model": recipe.model, "recipe": recipe.recipe, "lesson": recipe.lesson, "metric": recipe.metric,
        "book_value": recipe.book_value, "epochs": epochs, "val_loss": None, "history": {}, "metrics": {},
        "epoch_seconds": [], "seconds_per_epoch": None, "train_seconds": None, "total_seconds": None,
        "time_to_book_value": None, "evaluation": None, "samplers": [], "error": None, "paused": None,
        "sittings": 1,
    }
    out = stream or sys.stdout
    timer = RecipeTimer(label, stream=stream)
    keras.utils.clear_session()
    start = time.perf_counter()
    resume = None
    try:
        if recipe.resumable and checkpoints is not None:
            resume = Resume(checkpoint_directory(checkpoints, recipe), stop_after=stop_after)
            start -= resume.seconds_before()
            row["sittings"] += resume.sittings_before()
            if resume.epochs_done:
                print(f"{label} goes on from epoch {resume.epochs_done}/{epochs} ({resume.path})", file=out,
                      flush=True)
            result = recipe.run(epochs, fast, [timer], resume=resume)
        else:
            result = recipe.run(epochs, fast, [timer])
        if resume is not None and resume.paused:
            row["paused"] = {"epochs_done": resume.epochs_done, "checkpoint": str(resume.path)}
            print(f"{label} paused after epoch {resume.epochs_done}/{epochs}: run the same command again to go on "
                  f"from {resume.path}", file=out, flush=True)
            result = {"val_loss": float("nan")}  # not scored: the run is not finished
        if not isinstance(result, dict) or "val_loss" not in result:
            raise TypeError(f"run() must return a dict with 'val_loss', got {type(result).__name__}")
        row["val_loss"] = float(result["val_loss"])
        row["history"] = _floats(result.get("history"))
        row["metrics"] = _floats(result.get("metrics"))
        for name, generate in ({} if row["paused"] else samplers(result.get("generate"))).items():
            row["samplers"].append(score_sampler(name, generate, f"{label} {name}".rstrip(), eval_n, stream))
        if row["samplers"]:
            row["evaluation"] = {key: row["samplers"][0][key] for key in SCORES}
    except Exception:  # report it and go on with the next model
        row["error"] = traceback.format_exc()
        print(f"{label} FAILED:\n{row['error']}", file=stream or sys.stdout, flush=True)
    row["total_seconds"] = time.perf_counter() - start
    row["epoch_seconds"] = timer.epoch_seconds
    if timer.epoch_seconds:
        row["train_seconds"] = float(sum(timer.epoch_seconds))
        row["seconds_per_epoch"] = row["train_seconds"] / len(timer.epoch_seconds)
    val_losses = row["history"].get("val_loss") or timer.val_losses
    row["val_losses"] = list(val_losses)
    row["time_to_book_value"] = time_to_quality(val_losses, timer.epoch_seconds, recipe.book_value)
    if resume is not None and row["error"] is None and row["paused"] is None and resume.directory.exists():
        shutil.rmtree(resume.directory)  # the row holds everything now
    return row


SCORES = ("fid", "kid", "coverage", "kl_uniform", "inception_score", "histogram", "n")


def samplers(generate):
    """A run's ``"generate"`` as ``{sampler name: generate}``: ``{"": generate}`` for one function, ``{}`` for none."""
    if generate is None:
        return {}
    if callable(generate):
        return {"": generate}
    if isinstance(generate, dict) and all(callable(g) for g in generate.values()):
        return dict(generate)
    raise TypeError("'generate' must be a function generate(n, seed) or a dict of them")


def score_sampler(name, generate, label, eval_n, stream=None):
    """Generate ``eval_n`` images (timed) and score them against the test set; a JSON-ready dict."""
    from helpers import evaluation

    print(f"{label} generating and scoring {eval_n} images", file=stream or sys.stdout, flush=True)
    start = time.perf_counter()
    images = np.asarray(generate(eval_n, 0))
    seconds = time.perf_counter() - start
    scores = evaluation.evaluate_images(images, reference="test", n=eval_n)
    return {"sampler": name, "sample_seconds": seconds, **{key: scores[key] for key in SCORES}}


def ranking(rows):
    """One row per sampler of every generative recipe that ran, best (lowest) FID first."""
    ranked = [{"lesson": row["lesson"], "model": row["model"], "recipe": row["recipe"], "train_seconds":
               row["train_seconds"], **entry} for row in rows if row["error"] is None for entry in row["samplers"]]
    return sorted(ranked, key=lambda entry: (entry["fid"] is None, entry["fid"] or 0.0))


def compare_recipes(rows):
    """For each model with a "book" and a "course" row: the time each took to reach the book's quality.

    The target is the book's figure (``book_value``) when one exists, else the book recipe's final validation
    loss in this run.
    """
    comparisons = []
    for model in dict.fromkeys(row["model"] for row in rows):
        mine = {row["recipe"]: row for row in rows
                if row["model"] == model and row["error"] is None and not row.get("paused")}
        if "book" not in mine or "course" not in mine:
            continue
        book_value = mine["book"]["book_value"] if mine["book"]["book_value"] is not None \
            else mine["course"]["book_value"]
        target, source = (book_value, "book's figure") if book_value is not None \
            else (mine["book"]["val_loss"], "book recipe's final val_loss in this run")
        entry = {"model": model, "target": target, "target_source": source}
        for name in ("book", "course"):
            entry[name] = time_to_quality(mine[name]["val_losses"], mine[name]["epoch_seconds"], target)
        comparisons.append(entry)
    return comparisons


def run_all(recipes, fast, eval_n=None, stream=None, checkpoints=None, stop_after=None):
    """Run ``recipes`` in order with a progress display; the full JSON-ready report.

    ``checkpoints`` and ``stop_after`` are for resumable recipes (see :func:`run_recipe`); ``stop_after`` counts
    seconds from the start of this call, so one budget covers the whole run.
    """
    eval_n = eval_n or (FAST_EVAL_N if fast else EVAL_N)
    deadline = None if stop_after is None else time.perf_counter() + stop_after
    report = {
        "mode": "fast" if fast else "full",
        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(), "eval_n": eval_n, "results": [], "comparisons": [], "errors": [],
    }
    previous = config._override
    config.set_fast(fast)  # the lessons' helpers (and the evaluation classifier) follow the benchmark's mode
    try:
        for index, recipe in enumerate(recipes, start=1):
            label = f"[{index}/{len(recipes)}] {recipe.model} ({recipe.recipe})"
            left = None if deadline is None else max(0.0, deadline - time.perf_counter())
            report["results"].append(run_recipe(recipe, fast, label, eval_n, stream=stream, checkpoints=checkpoints,
                                                stop_after=left))
    finally:
        config.set_fast(previous)
    report["comparisons"] = compare_recipes(report["results"])
    report["ranking"] = ranking(report["results"])
    report["finished"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return report


# ------------------------------------------------------------------------------------------------------ merging

def load_report(path):
    """A JSON report written by this command; ValueError naming ``path`` and the fault when it is not one."""
    path = pathlib.Path(path)
    try:
        report = json.loads(path.read_text())
    except OSError as error:
        raise ValueError(f"{path}: cannot read it ({error.strerror or error})") from None
    except ValueError as error:
        raise ValueError(f"{path}: not JSON ({error}); pass the .json report a benchmark run wrote") from None
    missing = [key for key in ("mode", "eval_n", "machine", "results") if not isinstance(report, dict)
               or key not in report]
    if missing:
        raise ValueError(f"{path}: not a benchmark report (no {', '.join(missing)}); pass the .json file that "
                         "'python -m benchmark' wrote")
    return report


def merge_reports(named_reports):
    """One report from the reports of runs made in parts: ``[(name, report), ...]`` in the order given.

    The results keep their order (parts in turn); the book-versus-course comparisons and the one-judge ranking are
    computed again over all of them. ``parts`` records where each part came from, when and on what machine.

    Raises:
        ValueError: no reports, parts scored at another N or in another mode, or one recipe in two parts.
    """
    if not named_reports:
        raise ValueError("nothing to merge: name at least one JSON report")
    first_name, first = named_reports[0]
    seen = {}
    for name, report in named_reports:
        paused = [f"{row['model']}:{row['recipe']}" for row in report["results"] if row.get("paused")]
        if paused:
            raise ValueError(f"{name}: {', '.join(paused)} paused before its last epoch; finish it (run its command "
                             "again) and merge the finished report")
        for key in ("eval_n", "mode"):
            if report[key] != first[key]:
                raise ValueError(f"{name} has {key} = {report[key]!r} but {first_name} has {first[key]!r}: the one "
                                 "judge ranks only runs scored the same way")
        for row in report["results"]:
            recipe = f"{row['model']}:{row['recipe']}"
            if recipe in seen:
                raise ValueError(f"{recipe} is in both {seen[recipe]} and {name}; leave it out of one run "
                                 "(--skip) or merge one of them only")
            seen[recipe] = name
    results = [row for _, report in named_reports for row in report["results"]]
    parts = [{"source": str(name), "started": report.get("started"), "finished": report.get("finished"),
              "machine": report["machine"], "recipes": [f"{r['model']}:{r['recipe']}" for r in report["results"]]}
             for name, report in named_reports]
    return {
        "mode": first["mode"], "started": min(str(part["started"]) for part in parts),
        "finished": max(str(part["finished"]) for part in parts), "machine": first["machine"],
        "eval_n": first["eval_n"], "results": results, "comparisons": compare_recipes(results),
        "ranking": ranking(results), "errors": list(map(list, dict.fromkeys(
            tuple(e) for _, report in named_reports for e in report.get("errors", [])))),
        "parts": parts,
    }


# ------------------------------------------------------------------------------------------------------ reports

def _number(value, digits=4):
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}g}"


def _seconds(value):
    if value is None:
        return "–"
    return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"


def _short_seconds(value):
    if value is None:
        return "–"
    return f"{value:.2f} s" if value < 10 else _seconds(value)


def _reached(entry):
    if entry is None:
        return "not reached"
    return f"epoch {entry['epoch']}, {_seconds(entry['seconds'])}"


def markdown(report):
    """The report as Markdown: machine line, one row per recipe, the book-versus-course table, the one-judge table."""
    machine = report["machine"]
    load = machine.get("load_average_at_start")
    lines = [
        f"Benchmark ({report['mode']} run, {report['started']}) on {machine['cpu_model']}, "
        f"{machine['usable_cpus']} of {machine['cpu_count']} CPUs, {machine['gpus']} GPU; load average at start "
        f"{load[0] if load else '?'}; TensorFlow {machine['tensorflow']}, Keras {machine['keras']}. "
        f"Generated images are scored against the test set with N = {report['eval_n']}.",
        "",
    ]
    if report.get("parts"):
        count = len(report["parts"])
        lines[0] = (f"Benchmark ({report['mode']} run in {count} part{'s' if count != 1 else ''}, merged) on "
                    f"{machine['cpu_model']}, {machine['usable_cpus']} of {machine['cpu_count']} CPUs, "
                    f"{machine['gpus']} GPU; TensorFlow {machine['tensorflow']}, Keras {machine['keras']}. Generated "
                    f"images are scored against the test set with N = {report['eval_n']}.")
        for part in report["parts"]:
            part_load = part["machine"].get("load_average_at_start")
            lines.insert(-1, f"- {part['source']}: {', '.join(part['recipes']) or 'no recipes'}; started "
                             f"{part['started']}, on {part['machine']['cpu_model']}, load average at start "
                             f"{part_load[0] if part_load else '?'}")
        if len({part["machine"]["cpu_model"] for part in report["parts"]}) > 1:
            lines.insert(-1, "- The parts ran on different CPUs: their times are not comparable.")
    lines += [
        "| lesson | model | recipe | epochs | validation metric | val_loss | book | other metrics | s/epoch | "
        "total | book value reached | FID | KID | coverage |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["results"]:
        if row["error"]:
            error = row["error"].strip().splitlines()[-1].replace("|", "/")
            lines.append(f"| {row['lesson']} | {row['model']} | {row['recipe']} | {row['epochs']} | "
                         f"{row['metric']} | FAILED: {error} | | | | | | | | |")
            continue
        if row.get("paused"):
            lines.append(f"| {row['lesson']} | {row['model']} | {row['recipe']} | {row['epochs']} | {row['metric']} | "
                         f"paused after epoch {row['paused']['epochs_done']} (run again to go on) | | | "
                         f"{_seconds(row['seconds_per_epoch'])} | {_seconds(row['total_seconds'])} | | | | |")
            continue
        metrics = ", ".join(f"{k} {_number(v)}" for k, v in row["metrics"].items() if not isinstance(v, list))
        scores = row["evaluation"] or {}
        reached = "–" if row["book_value"] is None else _reached(row["time_to_book_value"])
        lines.append(
            f"| {row['lesson']} | {row['model']} | {row['recipe']} | {row['epochs']} | {row['metric']} | "
            f"{_number(row['val_loss'])} | {_number(row['book_value'])} | {metrics or '–'} | "
            f"{_seconds(row['seconds_per_epoch'])} | {_seconds(row['total_seconds'])} | {reached} | "
            f"{_number(scores.get('fid'))} | {_number(scores.get('kid'), 3)} | "
            f"{_number(scores.get('coverage'))} |")
    if report["comparisons"]:
        lines += ["", "Time to reach the book's quality (training time only, summed over epochs):", "",
                  "| model | target val_loss | from | book recipe | course recipe |", "|---|---|---|---|---|"]
        for entry in report["comparisons"]:
            lines.append(f"| {entry['model']} | {_number(entry['target'])} | {entry['target_source']} | "
                         f"{_reached(entry['book'])} | {_reached(entry['course'])} |")
    if report.get("ranking"):
        lines += ["", f"Generative models on one judge (domain FID, KID and class coverage of N = {report['eval_n']:,} "
                  "generated images against the test set; best FID first):", "", *ranking_table(report)]
    if report["errors"]:
        lines += ["", "Modules skipped: " + "; ".join(f"{name} ({message})" for name, message in report["errors"])]
    return "\n".join(lines) + "\n"


def ranking_table(report):
    """The one-judge table of ``report`` (a run's or a merged report) as Markdown lines, best FID first.

    README and lesson 10 show it (the lesson's build renders it from the committed report, ``ONE_JUDGE_REPORT``).
    """
    lines = ["| model | recipe | sampler | lesson | FID | KID | coverage | training time | "
             f"time to generate {report['eval_n']:,} |", "|---|---|---|---|---|---|---|---|---|"]
    for entry in report["ranking"]:
        lines.append(f"| {entry['model']} | {entry['recipe']} | {entry['sampler'] or '–'} | {entry['lesson']} | "
                     f"{_number(entry['fid'])} | {_number(entry['kid'], 3)} | {_number(entry['coverage'])} | "
                     f"{_seconds(entry['train_seconds'])} | {_short_seconds(entry['sample_seconds'])} |")
    return lines


def _json_ready(value):
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


# ---------------------------------------------------------------------------------------------------------- CLI

def _parser():
    parser = argparse.ArgumentParser(prog="python -m benchmark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--fast", action="store_true", help="smoke run: small subsets and few epochs (CI)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="only this model or lesson (repeatable, or comma-separated)")
    parser.add_argument("--skip", action="append", metavar="MODEL:RECIPE",
                        help="leave out one recipe, e.g. dcgan:book (repeatable, or comma-separated)")
    parser.add_argument("--json", metavar="FILE", help="JSON report (default build/bench/bench-<mode>.json)")
    parser.add_argument("--markdown", metavar="FILE", help="Markdown table (default build/bench/bench-<mode>.md)")
    parser.add_argument("--eval-n", type=int, default=None,
                        help=f"generated images scored per model (default {EVAL_N}, {FAST_EVAL_N} with --fast)")
    parser.add_argument("--list", action="store_true", help="list the discovered recipes and exit")
    parser.add_argument("--stop-after", type=float, metavar="MINUTES",
                        help="resumable recipes (the DCGAN's) stop after the first epoch that ends this many minutes "
                             "after the start, saving a checkpoint; the same command goes on from it")
    parser.add_argument("--checkpoints", metavar="DIR",
                        help="where resumable recipes keep checkpoints (default build/bench/checkpoints/<mode>)")
    parser.add_argument("--restart", action="store_true",
                        help="delete the chosen recipes' checkpoints first: train from the start")
    parser.add_argument("--merge", nargs="+", metavar="FILE",
                        help="no training: join the JSON reports of runs made in parts into one report and tables")
    parser.add_argument("--package", default="benchmark", help=argparse.SUPPRESS)
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.merge:
        return _merge(args)
    recipes, errors = discover_benchmarks(args.package)
    for name, message in errors:
        warnings.warn(f"{name}: {message}", RuntimeWarning)
    try:
        recipes = skip(select(recipes, args.only), args.skip)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.list or not recipes:
        for r in recipes:
            print(f"{r.lesson:16s} {r.model:14s} {r.recipe:7s} {r.epochs:4d} epochs ({r.fast_epochs} fast)  "
                  f"{r.metric}" + ("" if r.book_value is None else f", book {r.book_value}"))
        if not recipes:
            print("no benchmarks found", file=sys.stderr)
        return 0 if recipes else 1
    mode = "fast" if args.fast else "full"
    if args.stop_after is not None and args.stop_after < 0:
        print(f"error: --stop-after takes minutes >= 0, got {args.stop_after:g}", file=sys.stderr)
        return 2
    checkpoints = pathlib.Path(args.checkpoints or f"build/bench/checkpoints/{mode}")
    if args.restart:
        for recipe in recipes:
            if recipe.resumable and checkpoint_directory(checkpoints, recipe).exists():
                shutil.rmtree(checkpoint_directory(checkpoints, recipe))
    report = run_all(recipes, fast=args.fast, eval_n=args.eval_n, checkpoints=checkpoints,
                     stop_after=None if args.stop_after is None else args.stop_after * 60)
    report["errors"] = [list(e) for e in errors]
    _write(report, args.json or f"build/bench/bench-{mode}.json", args.markdown or f"build/bench/bench-{mode}.md")
    failed = [row for row in report["results"] if row["error"]]
    if failed or errors:
        return 1
    return PAUSED if any(row["paused"] for row in report["results"]) else 0


def _merge(args):
    """``--merge``: the merged report of the named JSON files, written like a run's; exit code 2 on bad input."""
    ignored = [flag for flag, value in (("--fast", args.fast), ("--only", args.only), ("--skip", args.skip),
                                        ("--eval-n", args.eval_n), ("--list", args.list),
                                        ("--stop-after", args.stop_after is not None),
                                        ("--checkpoints", args.checkpoints), ("--restart", args.restart)) if value]
    if ignored:
        print(f"error: --merge trains nothing, so {', '.join(ignored)} would be ignored; leave them out",
              file=sys.stderr)
        return 2
    try:
        named = [(path, load_report(path)) for path in args.merge]
        report = merge_reports(named)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    _write(report, args.json or "build/bench/bench-merged.json", args.markdown or "build/bench/bench-merged.md")
    failed = [row for row in report["results"] if row["error"]]
    return 1 if failed or report["errors"] else 0


def _write(report, json_file, markdown_file):
    """Write ``report`` as JSON and its tables as Markdown, and print the tables."""
    table = markdown(report)
    json_path, markdown_path = pathlib.Path(json_file), pathlib.Path(markdown_file)
    for path in (json_path, markdown_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(_json_ready(report), indent=2) + "\n")
    markdown_path.write_text(table)
    print()
    print(table)
    print(f"wrote {json_path} and {markdown_path}")


if __name__ == "__main__":
    sys.exit(main())
