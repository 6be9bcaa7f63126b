"""Benchmark runs of lesson 10's diffusion model (DDPM training, DDIM and DDPM sampling).

Two recipes join ``python -m benchmark`` (``--only diffusion``) and its one-judge table:

* ``course``: the lesson's default budget (3 epochs of 20,000 images);
* ``long``: the same model and schedule for 5 passes of 57,600 images (4,500 batches of 64, about 20 minutes on 2
  cores), sampled from a weight average (:class:`helpers.diffusion_tools.WeightAverage`, decay 0.999). After every
  pass it scores ``CURVE_N`` samples of the average (time not counted as training): the curve of FID against
  training time, in the run's ``metrics`` (``curve_train_seconds``, ``curve_fid``). After training it scores
  ``STEPS_CURVE_N`` samples of DDIM in 10, 20 and 50 steps and of DDPM in 25, 50 and 100 steps: the curve of FID
  against sampling steps (``steps_curve_ddim_steps``, ``steps_curve_ddim_fid``, ``steps_curve_ddpm_...``).

Each is scored with two of the lesson's samplers: ``ddpm_sample`` on a schedule respaced to 50 of the 1000 steps
(:func:`helpers.diffusion_tools.respaced_schedule`; the full chain, T = 1000 network calls a sample, would take
hours at N = 10,000) and ``ddim_sample`` in 20 steps. For the curve of FID against sampling steps, other step
counts, a smaller N, or one recipe alone:

    .venv/bin/python -m benchmark.diffusion [--recipe course|long] [--fast] [--epochs N] [--n 10000]
        [--ddim-steps 10 20 50] [--ddpm-steps 25 50 100] [--json FILE]

which prints the training curve (long recipe) and one JSON record per sampler and step count (``--ddpm-steps 1000``
runs the full chain). ``run`` follows the ``Recipe.run`` contract of ``benchmark/recipes.py``. Samples are drawn
through :func:`helpers.diffusion_tools.fast_network` with XLA, 500 images a batch.
"""

import argparse
import functools
import json
import sys
import time

import keras
import numpy as np

from benchmark.recipes import Recipe
from helpers.data import load_fashion_mnist
from helpers.diffusion_tools import (WeightAverage, build_unet, fast_network, respaced_network, respaced_schedule,
                                     to_diffusion_range, to_image_range)
from helpers.gan_tools import make_dataset
from solutions.diffusion import (DiffusionModel, ddim_sample, ddpm_sample, forward_diffusion, variance_schedule)

# the lesson's defaults: 20,000 images an epoch, batches of 64, Adam 2e-3 decaying along a cosine to
# ``final_rate`` times itself (0: to zero); the samplers
# scored, as (kind, network calls per sample): DDPM on a respaced schedule of 50 steps, DDIM in 20 steps
COURSE = {"T": 1000, "images_per_epoch": 20_000, "batch_size": 64, "learning_rate": 2e-3, "final_rate": 0.0,
          "min_snr_gamma": None,
          "filters": (16, 32, 64), "samplers": (("DDPM", 50), ("DDIM", 20)), "weight_average": None,
          "curve": False, "steps_curve": ()}
# the same model trained longer, sampled from the weight average; a point of the FID curve after every pass
LONG = {**COURSE, "images_per_epoch": 57_600, "weight_average": 0.999, "curve": True,
        "steps_curve": (("DDIM", 10), ("DDIM", 20), ("DDIM", 50), ("DDPM", 25), ("DDPM", 50), ("DDPM", 100))}
SAMPLE_BATCH = 500
CURVE_N, CURVE_SAMPLER = 1_000, ("DDPM", 50)  # the curve's judge: FID of 1,000 samples of DDPM in 50 steps
FAST_IMAGES_PER_EPOCH, FAST_CURVE_N = 512, 100
FAST_SAMPLERS = (("DDPM", 10), ("DDIM", 5))  # --fast is a smoke run: few steps, so that CI stays quick
# the curve of FID against sampling steps (long recipe): each sampler and step count of LONG["steps_curve"] scored
# on STEPS_CURVE_N samples of the final network, after training
STEPS_CURVE_N, FAST_STEPS_CURVE_N, FAST_STEPS_CURVE = 2_000, 100, (("DDIM", 2), ("DDIM", 5), ("DDPM", 5))


class MinSnrDiffusionModel(DiffusionModel):
    """The lesson's model with each image's noise-prediction error weighted by ``min(1, gamma / SNR(t))``, where
    ``SNR(t) = alpha_bar_t / (1 - alpha_bar_t)`` (Min-SNR-gamma, Hang et al. 2023): the nearly clean time steps,
    whose noise is easy to see and whose gradients dominate, count less. A recipe asks for it with
    ``"min_snr_gamma"``; None trains the lesson's model unchanged."""

    def __init__(self, network, alpha_cumprod, seed=None, gamma=5.0, **kwargs):
        super().__init__(network, alpha_cumprod, seed=seed, **kwargs)
        self.gamma = gamma

    def noise_prediction_loss(self, images, t, noise):
        noisy_images = forward_diffusion(images, t, noise, self.alpha_cumprod)
        predicted_noise = self.network([noisy_images, t], training=True)
        per_image = keras.ops.mean(keras.ops.square(noise - predicted_noise), axis=(1, 2, 3))
        alpha_bar = keras.ops.take(keras.ops.convert_to_tensor(self.alpha_cumprod), t)
        # gamma / SNR = gamma (1 - alpha_bar) / alpha_bar: infinite, so a weight of 1, where alpha_bar is 0
        weight = keras.ops.minimum(1.0, self.gamma * (1.0 - alpha_bar) / alpha_bar)
        return keras.ops.mean(weight * per_image)  # the weight depends on the schedule only: no gradient


def validation_loss(network, alpha_cumprod, images, seed=0, batch_size=500):
    """The noise-prediction MSE on ``images`` with t and noise drawn once from ``seed`` (the same for every model).

    images: (n, 28, 28, 1) in [-1, 1]."""
    rng = np.random.default_rng(seed)
    T = len(alpha_cumprod) - 1
    total = 0.0
    for start in range(0, len(images), batch_size):
        batch = images[start:start + batch_size]
        t = rng.integers(1, T + 1, size=len(batch)).astype("int32")
        noise = rng.normal(size=batch.shape).astype("float32")
        x_t = forward_diffusion(batch, t, noise, alpha_cumprod)
        predicted = keras.ops.convert_to_numpy(network([x_t, keras.ops.convert_to_tensor(t)], training=False))
        total += float(np.sum(np.square(predicted - noise)))
    return total / images.size


def _sampler(network, alpha, alpha_cumprod, beta, kind, steps):
    """``generate(n, seed) -> (n, 28, 28)`` float32 in [0, 1], in batches of SAMPLE_BATCH, through XLA.

    ``kind`` "DDIM": the lesson's ``ddim_sample`` in ``steps`` steps. "DDPM": the lesson's ``ddpm_sample``, on the
    full chain when ``steps`` is T, else on a schedule respaced to ``steps`` steps
    (:func:`helpers.diffusion_tools.respaced_schedule`)."""
    if kind not in ("DDPM", "DDIM"):
        raise ValueError(f"kind must be 'DDPM' or 'DDIM', got {kind!r}")
    predict = fast_network(network, jit_compile=True)
    if kind == "DDPM" and steps != len(alpha_cumprod) - 1:
        times, alpha, alpha_cumprod, beta = respaced_schedule(alpha_cumprod, steps)
        predict = respaced_network(predict, times)

    def generate(n, seed):
        batches = []
        for index, start in enumerate(range(0, n, SAMPLE_BATCH)):
            size = min(SAMPLE_BATCH, n - start)
            x_T = keras.random.normal((size, 28, 28, 1), seed=seed + index)
            if kind == "DDPM":
                samples = ddpm_sample(predict, x_T, alpha, alpha_cumprod, beta, seed=seed + index)
            else:
                samples = ddim_sample(predict, x_T, alpha_cumprod, steps)
            batches.append(to_image_range(samples))
        return np.concatenate(batches).astype("float32")

    return generate


class FidCurve(keras.callbacks.Callback):
    """After every epoch, scores ``generate(n, seed=1)`` with domain FID: the curve of FID against training time.

    Its own clock counts only the time inside epochs (put it after the callbacks whose time should not count, such
    as the weight average's); the scoring happens after that clock stops.

    Attributes:
        points: one dict per epoch: ``epoch``, ``train_seconds`` (summed so far), ``fid``, ``kid``,
            ``min_class_share``, ``score_seconds``.
    """

    def __init__(self, generate, n, stream=None):
        super().__init__()
        self.generate, self.n = generate, n
        self.stream = stream or sys.stdout
        self.points = []
        self._train_seconds = 0.0
        self._start = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        from helpers import evaluation

        self._train_seconds += time.perf_counter() - self._start
        start = time.perf_counter()
        scores = evaluation.evaluate_images(self.generate(self.n, 1), n=self.n)
        point = {"epoch": epoch + 1, "train_seconds": self._train_seconds, "fid": float(scores["fid"]),
                 "kid": float(scores["kid"]), "min_class_share": float(min(scores["histogram"])),
                 "score_seconds": time.perf_counter() - start}
        self.points.append(point)
        print(f"curve: epoch {point['epoch']}, {point['train_seconds']:.0f} s of training, FID {point['fid']:.1f} "
              f"at N = {self.n}", file=self.stream, flush=True)


def steps_against_fid(sampler, runs, n, stream=None, classifier=None):
    """Score ``sampler(kind, steps)(n, seed=1)`` for every ``(kind, steps)`` of ``runs``: the curve of FID against
    sampling steps, one dict per run (``sampler``, ``steps``, ``n``, ``seconds`` to sample, ``fid``, ``kid``,
    ``coverage``, ``min_class_share``), printed as it goes."""
    from helpers import evaluation

    points = []
    for kind, steps in runs:
        start = time.perf_counter()
        images = sampler(kind, steps)(n, 1)
        seconds = time.perf_counter() - start
        scores = evaluation.evaluate_images(images, n=n, classifier=classifier)
        points.append({"sampler": kind, "steps": steps, "n": n, "seconds": seconds, "fid": float(scores["fid"]),
                       "kid": float(scores["kid"]), "coverage": scores.get("coverage"),
                       "min_class_share": float(min(scores["histogram"]))})
        print(f"steps curve: {kind} {steps} steps, FID {points[-1]['fid']:.1f} at N = {n} ({seconds:.0f} s to "
              "sample)", file=stream or sys.stdout, flush=True)
    return points


def run(epochs, fast, callbacks, seed=42, recipe=None):
    """Train the lesson's model from scratch; ``Recipe.run`` contract (see the module docstring).

    ``recipe``: a dict of settings overriding :data:`COURSE` (e.g. :data:`LONG`).
    """
    recipe = {**COURSE, **(recipe or {})}
    fashion = load_fashion_mnist()
    X_train = to_diffusion_range(fashion.X_train[:2_000] if fast else fashion.X_train)
    X_valid = to_diffusion_range(fashion.X_valid[:500] if fast else fashion.X_valid)
    images_per_epoch = FAST_IMAGES_PER_EPOCH if fast else recipe["images_per_epoch"]
    steps_per_epoch = images_per_epoch // recipe["batch_size"]
    alpha, alpha_cumprod, beta = variance_schedule(recipe["T"])
    keras.utils.set_random_seed(seed)
    network = build_unet(recipe["T"], filters=recipe["filters"])
    if recipe["min_snr_gamma"]:
        model = MinSnrDiffusionModel(network, alpha_cumprod, seed=seed, gamma=recipe["min_snr_gamma"])
    else:
        model = DiffusionModel(network, alpha_cumprod, seed=seed)
    schedule = keras.optimizers.schedules.CosineDecay(recipe["learning_rate"], decay_steps=epochs * steps_per_epoch,
                                                      alpha=recipe["final_rate"])
    model.compile(optimizer=keras.optimizers.Adam(schedule))
    callbacks = list(callbacks or [])
    sampled = network  # the network the samples come from
    if recipe["weight_average"]:
        average = WeightAverage(network, decay=recipe["weight_average"])
        callbacks.append(average)
        sampled = average.network
    sampler = functools.partial(_sampler, sampled, alpha, alpha_cumprod, beta)  # sampler(kind, steps)
    curve = None
    if recipe["curve"]:
        kind, steps = FAST_SAMPLERS[0] if fast else CURVE_SAMPLER
        curve = FidCurve(sampler(kind, steps), FAST_CURVE_N if fast else CURVE_N)
        callbacks.append(curve)
    start = time.perf_counter()
    history = model.fit(make_dataset(X_train, recipe["batch_size"], seed), epochs=epochs,
                        steps_per_epoch=steps_per_epoch, callbacks=callbacks, verbose=0)
    seconds_in_fit = time.perf_counter() - start
    metrics = {"seconds_in_fit": seconds_in_fit, "params": float(network.count_params()),
               "images_per_epoch": float(images_per_epoch)}
    if curve is not None:
        metrics["curve_train_seconds"] = [point["train_seconds"] for point in curve.points]
        metrics["curve_fid"] = [point["fid"] for point in curve.points]
        metrics["curve_min_class_share"] = [point["min_class_share"] for point in curve.points]
    steps_curve = steps_against_fid(
        sampler, FAST_STEPS_CURVE if fast and recipe["steps_curve"] else recipe["steps_curve"],
        FAST_STEPS_CURVE_N if fast else STEPS_CURVE_N)
    for entry in steps_curve:
        for key in ("steps", "fid", "seconds"):
            metrics.setdefault(f"steps_curve_{entry['sampler'].lower()}_{key}", []).append(float(entry[key]))
    return {
        "val_loss": validation_loss(sampled, alpha_cumprod, X_valid),
        "history": {key: [float(value) for value in values] for key, values in history.history.items()},
        "metrics": metrics,
        "curve": [] if curve is None else curve.points,
        "steps_curve": steps_curve,
        "generate": {f"{kind} {steps} steps": sampler(kind, steps)
                     for kind, steps in (FAST_SAMPLERS if fast else recipe["samplers"])},
        "sampler": sampler,
    }


METRIC = "validation noise-prediction MSE (t and noise drawn once from seed 0)"
RECIPE = Recipe(model="diffusion", recipe="course", lesson="10_diffusion", epochs=3, fast_epochs=1, run=run,
                metric=METRIC)
LONG_RECIPE = Recipe(model="diffusion", recipe="long", lesson="10_diffusion", epochs=5, fast_epochs=2,
                     run=lambda epochs, fast, callbacks: run(epochs, fast, callbacks, recipe=LONG),
                     metric=METRIC + ", of the weight average")
BENCHMARKS = [RECIPE, LONG_RECIPE]
RECIPES = {"course": (RECIPE, COURSE), "long": (LONG_RECIPE, LONG)}


def main(argv=None):
    from helpers import evaluation

    parser = argparse.ArgumentParser(prog="python -m benchmark.diffusion", description=__doc__.split("\n")[0])
    parser.add_argument("--recipe", choices=sorted(RECIPES), default="course")
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--n", type=int, default=10_000, help="samples per FID")
    parser.add_argument("--ddim-steps", type=int, nargs="*", default=[10, 20, 50], help="DDIM step counts to score")
    parser.add_argument("--ddpm-steps", type=int, nargs="*", default=[25, 50, 100],
                        help="DDPM step counts to score (respaced; T for the full chain)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    T = COURSE["T"]
    if args.epochs is not None and args.epochs < 1:
        parser.error(f"--epochs must be 1 or more, got {args.epochs}")
    if args.n < 10:
        parser.error(f"--n must be 10 or more, got {args.n}")
    if any(not 1 <= steps <= T for steps in args.ddim_steps + args.ddpm_steps):
        parser.error(f"step counts must be between 1 and T = {T}, got {args.ddim_steps + args.ddpm_steps}")
    benchmark_recipe, settings = RECIPES[args.recipe]
    epochs = args.epochs or (benchmark_recipe.fast_epochs if args.fast else benchmark_recipe.epochs)
    result = run(epochs, args.fast, [], recipe={**settings, "steps_curve": ()})  # the sweep below replaces it
    n = min(args.n, 200) if args.fast else args.n
    classifier = evaluation.load_classifier()
    record = {"recipe": args.recipe, "epochs": epochs, "val_loss": result["val_loss"], **result["metrics"], "n": n,
              "curve": result["curve"], "samplers": []}
    print(f"trained {epochs} epochs ({result['metrics']['seconds_in_fit']:.0f} s in fit), "
          f"val_loss {result['val_loss']:.4f}", flush=True)
    runs = [("DDIM", steps) for steps in args.ddim_steps] + [("DDPM", steps) for steps in args.ddpm_steps]
    record["samplers"] = steps_against_fid(result["sampler"], runs, n, classifier=classifier)
    for entry in record["samplers"]:
        print(json.dumps(entry), flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(record, file, indent=2)
    return record


if __name__ == "__main__":
    main()
