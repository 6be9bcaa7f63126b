"""Benchmark run of lesson 10's diffusion model (DDPM training, DDPM and DDIM sampling).

``python -m benchmark --only diffusion`` trains it with the course recipe below and scores two samplers in the
one-judge table: DDIM with 20 and with 50 steps. DDPM's full chain (T = 1000 network calls per batch, 20 to 50 times
DDIM's) is left out of that table, where N = 10,000 would take hours; to score it at a smaller N, or DDIM at other
step counts (the curve of FID against sampling steps):

    .venv/bin/python -m benchmark.diffusion [--fast] [--epochs N] [--n 10000] [--steps 10 20 50] [--ddpm-n 500]

which prints one JSON record per sampler. ``run`` follows the ``Recipe.run`` contract of ``benchmark/recipes.py``.
"""

import argparse
import json
import time

import keras
import numpy as np

from benchmark.recipes import Recipe
from helpers.data import load_fashion_mnist
from helpers.diffusion_tools import build_unet, to_diffusion_range, to_image_range
from helpers.gan_tools import make_dataset
from solutions.diffusion import (DiffusionModel, ddim_sample, ddpm_sample, forward_diffusion, variance_schedule)

# the lesson's defaults: 20,000 images an epoch, batches of 64, Adam 2e-3 decaying along a cosine
COURSE = {"T": 1000, "images_per_epoch": 20_000, "batch_size": 64, "learning_rate": 2e-3,
          "filters": (16, 32, 64), "ddim_steps": 50}
SAMPLE_BATCH = 500


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


def _sampler(network, alpha, alpha_cumprod, beta, kind, steps=None):
    """``generate(n, seed) -> (n, 28, 28)`` float32 in [0, 1], in batches of SAMPLE_BATCH."""

    def generate(n, seed):
        batches = []
        for index, start in enumerate(range(0, n, SAMPLE_BATCH)):
            size = min(SAMPLE_BATCH, n - start)
            x_T = keras.random.normal((size, 28, 28, 1), seed=seed + index)
            if kind == "ddpm":
                samples = ddpm_sample(network, x_T, alpha, alpha_cumprod, beta, seed=seed + index)
            else:
                samples = ddim_sample(network, x_T, alpha_cumprod, steps)
            batches.append(to_image_range(samples))
        return np.concatenate(batches).astype("float32")

    return generate


def run(epochs, fast, callbacks, seed=42, recipe=None):
    """Train the lesson's model from scratch; ``Recipe.run`` contract (see the module docstring)."""
    recipe = {**COURSE, **(recipe or {})}
    fashion = load_fashion_mnist()
    X_train = to_diffusion_range(fashion.X_train[:2_000] if fast else fashion.X_train)
    X_valid = to_diffusion_range(fashion.X_valid[:500] if fast else fashion.X_valid)
    images_per_epoch = 512 if fast else recipe["images_per_epoch"]
    steps_per_epoch = images_per_epoch // recipe["batch_size"]
    alpha, alpha_cumprod, beta = variance_schedule(recipe["T"])
    keras.utils.set_random_seed(seed)
    network = build_unet(recipe["T"], filters=recipe["filters"])
    model = DiffusionModel(network, alpha_cumprod, seed=seed)
    schedule = keras.optimizers.schedules.CosineDecay(recipe["learning_rate"], decay_steps=epochs * steps_per_epoch)
    model.compile(optimizer=keras.optimizers.Adam(schedule))
    start = time.perf_counter()
    history = model.fit(make_dataset(X_train, recipe["batch_size"], seed), epochs=epochs,
                        steps_per_epoch=steps_per_epoch, callbacks=list(callbacks or []), verbose=0)
    train_seconds = time.perf_counter() - start
    val_loss = validation_loss(network, alpha_cumprod, X_valid)
    return {
        "val_loss": val_loss,
        "history": {key: [float(value) for value in values] for key, values in history.history.items()},
        "metrics": {"train_seconds": train_seconds, "params": float(network.count_params()),
                    "images_per_epoch": float(images_per_epoch)},
        "generate": {f"DDIM {steps} steps": _sampler(network, alpha, alpha_cumprod, beta, "ddim", steps)
                     for steps in (20, recipe["ddim_steps"])},
        "generate_ddim": lambda n, seed, steps=recipe["ddim_steps"]: _sampler(
            network, alpha, alpha_cumprod, beta, "ddim", steps)(n, seed),
        "generate_ddpm": _sampler(network, alpha, alpha_cumprod, beta, "ddpm"),
    }


RECIPE = Recipe(model="diffusion", recipe="course", lesson="10_diffusion", epochs=3, fast_epochs=1, run=run,
                metric="validation noise-prediction MSE (t and noise drawn once from seed 0)")
BENCHMARKS = [RECIPE]


def main(argv=None):
    from helpers import evaluation

    parser = argparse.ArgumentParser(prog="python -m benchmark.diffusion", description=__doc__.split("\n")[0])
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--n", type=int, default=10_000, help="samples per FID")
    parser.add_argument("--steps", type=int, nargs="*", default=[10, 20, 50], help="DDIM step counts to score")
    parser.add_argument("--ddpm-n", type=int, default=0, help="also score this many DDPM samples (slow)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    epochs = args.epochs or (RECIPE.fast_epochs if args.fast else RECIPE.epochs)
    result = run(epochs, args.fast, [])
    n = min(args.n, 200) if args.fast else args.n
    classifier = evaluation.load_classifier()
    record = {"epochs": epochs, "val_loss": result["val_loss"], **result["metrics"], "n": n, "samplers": []}
    print(f"trained {epochs} epochs in {result['metrics']['train_seconds']:.0f} s, val_loss {result['val_loss']:.4f}",
          flush=True)
    runs = [("DDIM", steps, lambda steps=steps: result["generate_ddim"](n, 1, steps)) for steps in args.steps]
    if args.ddpm_n:
        runs.append(("DDPM", RECIPE_T, lambda: result["generate_ddpm"](args.ddpm_n, 1)))
    for sampler, steps, generate in runs:
        start = time.perf_counter()
        images = generate()
        seconds = time.perf_counter() - start
        scores = evaluation.evaluate_images(images, n=len(images), classifier=classifier)
        entry = {"sampler": sampler, "steps": steps, "n": len(images), "seconds": seconds, "fid": scores["fid"],
                 "kid": scores["kid"], "coverage": scores["coverage"], "min_class_share": min(scores["histogram"])}
        record["samplers"].append(entry)
        print(json.dumps(entry), flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(record, file, indent=2)
    return record


RECIPE_T = COURSE["T"]

if __name__ == "__main__":
    main()
