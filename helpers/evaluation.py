"""Evaluation toolkit: how good are generated Fashion-MNIST images, in numbers?

Inception-v3 scores do not fit 28x28 grey clothes, so every score here is a *domain* score computed with a small
Fashion-MNIST classifier (:func:`load_classifier`), trained once and cached on disk:

* :func:`frechet_distance` (domain FID): distance between two Gaussians fitted to the classifier's penultimate
  features; 0 for identical distributions, lower is better.
* :func:`kernel_inception_distance` (domain KID): unbiased MMD^2 between the feature sets with a cubic polynomial
  kernel, averaged over random subsets; unlike FID its expected value does not depend on the sample count.
* :func:`inception_score` (domain IS): ``exp(E_x KL(p(y|x) || p(y)))``, between 1 and 10; high when each image is
  classified confidently and the classes are balanced.
* :func:`class_histogram`, :func:`class_coverage` and :func:`kl_from_uniform`: which classes a generator draws, to
  spot mode collapse.
* :func:`evaluate_images`: all of the above against the test set (or the training set) in one call.

**FID depends on N.** Its estimate is biased upwards, and the bias shrinks as the number of samples grows, so a FID
means nothing without its N: state it with every figure. The default N is 10,000 (the whole test set). KID is
unbiased, but its spread also shrinks with N. KID is in the classifier's raw feature units (not multiplied by
1,000), so only compare it with other KIDs of this module.

``python -m helpers.evaluation`` trains or loads the classifier and prints its test accuracy and the scores of real
and degraded images (:func:`calibrate`); the README's benchmark section holds the measured table. The fast-mode
classifier (5,000 images, 2 epochs) has its own cache file and ranks images the same way on another scale.

The scores only rank images by how the classifier sees them; they are no substitute for looking at the samples.
"""

import hashlib
import json
import os
import pathlib
import tempfile
import warnings
import weakref

import keras
import numpy as np
import scipy.linalg

from helpers import config
from helpers.data import load_fashion_mnist

NUM_CLASSES = 10
DEFAULT_N = 10_000
CACHE_ENV_VAR = "COURSE_CACHE_DIR"
CACHE_FOLDER_NAME = "genlearn-course"

# Bump CLASSIFIER_VERSION when the architecture or the training code changes; any change to a recipe dict changes
# the hash in the cache file's name as well, so a changed recipe is never served a stale model.
CLASSIFIER_VERSION = 1
CLASSIFIER_RECIPE = {
    "architecture": "conv32-pool-conv64-pool-conv64-dense128(features)-dropout0.4-dense10",
    "optimizer": "adam", "learning_rate": 1e-3, "batch_size": 128,
    "epochs": 10, "train_size": 55_000, "seed": 42,
}
FAST_CLASSIFIER_RECIPE = {**CLASSIFIER_RECIPE, "epochs": 2, "train_size": 5_000}

_classifiers = {}                                   # cache file path -> loaded classifier
_feature_models = weakref.WeakKeyDictionary()       # classifier -> its penultimate-layer model
_reference_features = {}                            # (cache key, reference, n) -> (features, mean, covariance)


# --------------------------------------------------------------------------------------------------- the classifier

def default_cache_dir():
    """The folder for cached models: ``$COURSE_CACHE_DIR``, else ``$XDG_CACHE_HOME/genlearn-course``, else
    ``~/.cache/genlearn-course``."""
    if os.environ.get(CACHE_ENV_VAR):
        return pathlib.Path(os.environ[CACHE_ENV_VAR]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(xdg).expanduser() / CACHE_FOLDER_NAME


def classifier_recipe(fast=None):
    """The classifier's training recipe (a dict) for fast mode or normal mode (default: the current mode)."""
    fast = config.fast_mode() if fast is None else bool(fast)
    recipe = FAST_CLASSIFIER_RECIPE if fast else CLASSIFIER_RECIPE
    return {"version": CLASSIFIER_VERSION, "fast": fast, **recipe}


def classifier_path(cache_dir=None, fast=None):
    """Where the classifier for this recipe is cached: ``fashion_classifier_v{version}_{mode}_{recipe hash}.keras``."""
    recipe = classifier_recipe(fast)
    digest = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:12]
    mode = "fast" if recipe["fast"] else "full"
    folder = default_cache_dir() if cache_dir is None else pathlib.Path(cache_dir).expanduser()
    return folder / f"fashion_classifier_v{recipe['version']}_{mode}_{digest}.keras"


def build_evaluation_classifier(seed=42):
    """The evaluation classifier (untrained): (batch, 28, 28, 1) images -> (batch, 10) class probabilities.

    Three 3x3 convolutions with max pooling, then a 128-unit ReLU layer named ``"features"`` (the penultimate
    layer, whose outputs FID and KID compare), dropout and a softmax over the ten classes.
    """
    initializer = keras.initializers.HeUniform
    inputs = keras.Input(shape=(28, 28, 1), name="images")
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu", kernel_initializer=initializer(seed))(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(64, 3, padding="same", activation="relu", kernel_initializer=initializer(seed + 1))(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(64, 3, activation="relu", kernel_initializer=initializer(seed + 2))(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(128, activation="relu", kernel_initializer=initializer(seed + 3), name="features")(x)
    x = keras.layers.Dropout(0.4, seed=seed + 4)(x)
    outputs = keras.layers.Dense(NUM_CLASSES, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="fashion_classifier")


def _train_classifier(recipe, verbose=1):
    """Train a classifier from scratch with ``recipe`` (see :func:`classifier_recipe`) and return it."""
    data = load_fashion_mnist()
    keras.utils.set_random_seed(recipe["seed"])
    model = build_evaluation_classifier(seed=recipe["seed"])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=recipe["learning_rate"]),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    X_train = data.X_train[:recipe["train_size"], :, :, None]
    y_train = data.y_train[:recipe["train_size"]]
    model.fit(X_train, y_train, epochs=recipe["epochs"], batch_size=recipe["batch_size"],
              validation_data=(data.X_valid[:, :, :, None], data.y_valid), verbose=verbose)
    return model


def _save_atomically(model, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target then rename, so an interrupted save never leaves a half-written cache file.
    handle, temporary = tempfile.mkstemp(suffix=".keras", dir=path.parent)
    os.close(handle)
    try:
        model.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _load_cached_model(path):
    model = keras.saving.load_model(path, compile=False)
    if tuple(model.output_shape) != (None, NUM_CLASSES) or tuple(model.input_shape[1:]) != (28, 28, 1):
        raise ValueError(f"unexpected model shapes {model.input_shape} -> {model.output_shape}")
    return model


def load_classifier(cache_dir=None, retrain=False, verbose=1):
    """The Fashion-MNIST classifier behind every domain score, trained once and then read from the cache.

    The first call trains it (normal mode: 10 epochs on the 55,000 training images; fast mode: 2 epochs on 5,000
    images, under its own cache file) and saves it in ``cache_dir``; later calls, in this process or another, load
    it. The file name holds :data:`CLASSIFIER_VERSION` and a hash of the
    recipe, so a changed recipe trains a new model. A corrupt cache file is rebuilt, with a warning.

    Args:
        cache_dir: folder of the cache file (default :func:`default_cache_dir`).
        retrain: train again even when a cached model exists.
        verbose: Keras ``fit`` verbosity while training (1 = progress bar, 0 = silent).

    Returns:
        keras.Model: (batch, 28, 28, 1) images in [0, 1] -> (batch, 10) class probabilities.
    """
    path = classifier_path(cache_dir)
    key = str(path.resolve())
    if not retrain and key in _classifiers:
        return _classifiers[key]
    model = None
    if not retrain and path.exists():
        try:
            model = _load_cached_model(path)
        except Exception as error:  # any unreadable file: rebuild it rather than fail the lesson
            warnings.warn(f"the cached classifier {path} is unreadable ({type(error).__name__}: {error}); "
                          "training a new one", RuntimeWarning, stacklevel=2)
    if model is None:
        if verbose:
            mode = "fast-mode" if classifier_recipe()["fast"] else "full"
            print(f"Training the {mode} evaluation classifier once; it will be cached in {path}")
        model = _train_classifier(classifier_recipe(), verbose=verbose)
        _save_atomically(model, path)
        for stale in [k for k in _reference_features if k[0] == key]:  # features of the replaced model
            del _reference_features[stale]
    _classifiers[key] = model
    return model


def clear_cache():
    """Forget loaded classifiers and reference features (the cache files on disk stay)."""
    _classifiers.clear()
    _feature_models.clear()
    _reference_features.clear()


# ------------------------------------------------------------------------------------------ features and classes

def _checked_images(images):
    array = np.asarray(images)
    if array.ndim == 3:
        array = array[..., None]
    if array.ndim != 4 or array.shape[1:] != (28, 28, 1):
        raise ValueError(f"images must have shape (n, 28, 28) or (n, 28, 28, 1), got {np.shape(images)}")
    if len(array) == 0:
        raise ValueError("images is empty")
    if not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"images must be a numeric array, got dtype {array.dtype}")
    array = array.astype(np.float32)
    if not np.all(np.isfinite(array)):
        raise ValueError("images contain NaN or infinite values")
    low, high = float(array.min()), float(array.max())
    if low < -0.01 or high > 1.01:
        raise ValueError(f"images must be floats in [0, 1], got values in [{low:.3g}, {high:.3g}]: rescale "
                         "(x / 255 for bytes, (x + 1) / 2 for a tanh output)")
    return np.clip(array, 0.0, 1.0)


def _feature_model(classifier):
    model = _feature_models.get(classifier)
    if model is None:
        names = [layer.name for layer in classifier.layers]
        # Our classifier names its penultimate layer; any other classifier: the input of its last layer.
        output = classifier.get_layer("features").output if "features" in names else classifier.layers[-1].input
        model = keras.Model(classifier.inputs, output)
        _feature_models[classifier] = model
    return model


def features(images, classifier=None, batch_size=500):
    """The classifier's penultimate-layer features of ``images`` (what FID and KID compare).

    Args:
        images: (n, 28, 28) or (n, 28, 28, 1) floats in [0, 1].
        classifier: a classifier from :func:`load_classifier` (default: that one).
        batch_size: images per forward pass.

    Returns:
        (n, d) float64 array (d = 128 for the course's classifier).
    """
    images = _checked_images(images)
    classifier = load_classifier() if classifier is None else classifier
    output = _feature_model(classifier).predict(images, batch_size=batch_size, verbose=0)
    return np.asarray(output, dtype=np.float64).reshape(len(images), -1)


def class_probabilities(images, classifier=None, batch_size=500):
    """The classifier's class probabilities p(y|x): (n, 10) float64, rows summing to 1."""
    images = _checked_images(images)
    classifier = load_classifier() if classifier is None else classifier
    return np.asarray(classifier.predict(images, batch_size=batch_size, verbose=0), dtype=np.float64)


def predict_classes(images, classifier=None):
    """The classifier's predicted class id of each image: (n,) int64 in 0..9."""
    return np.argmax(class_probabilities(images, classifier), axis=1)


# ------------------------------------------------------------------------------------------------------ FID, KID

def _check_features(features_a, features_b, minimum=2):
    a = np.asarray(features_a, dtype=np.float64)
    b = np.asarray(features_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"features must be 2-D (n, d) arrays, got shapes {a.shape} and {b.shape}")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"features have different widths: {a.shape[1]} and {b.shape[1]}")
    if min(len(a), len(b)) < minimum:
        raise ValueError(f"need at least {minimum} samples in each set, got {len(a)} and {len(b)}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("features contain NaN or infinite values")
    return a, b


def _sqrtm_product(sigma_a, sigma_b):
    """sqrtm(sigma_a @ sigma_b), or None when scipy fails (non-finite result or a singular-matrix warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
        try:
            root = scipy.linalg.sqrtm(sigma_a @ sigma_b)
        except (scipy.linalg.LinAlgError, scipy.linalg.LinAlgWarning, ValueError):
            return None
    return root if np.all(np.isfinite(root)) else None


def frechet_from_statistics(mean_a, cov_a, mean_b, cov_b, eps=1e-6):
    """Fréchet distance between N(mean_a, cov_a) and N(mean_b, cov_b): |mean_a - mean_b|^2 +
    Tr(cov_a + cov_b - 2 (cov_a cov_b)^(1/2)). See :func:`frechet_distance`."""
    mean_a, mean_b = np.atleast_1d(mean_a), np.atleast_1d(mean_b)
    cov_a, cov_b = np.atleast_2d(cov_a), np.atleast_2d(cov_b)
    root = _sqrtm_product(cov_a, cov_b)
    tolerance = 1e-3 * max(1.0, float(np.trace(cov_a) + np.trace(cov_b)))
    if root is None or np.max(np.abs(np.imag(root))) > tolerance:
        # Singular covariances (fewer samples than features, dead units): a small ridge makes the product's
        # square root well defined; the answer moves by about eps * d.
        offset = eps * np.eye(len(cov_a))
        root = _sqrtm_product(cov_a + offset, cov_b + offset)
        if root is None:
            raise ValueError("the covariance product has no usable square root even with eps added; try a larger eps")
    trace_root = float(np.real(np.trace(root)))
    distance = float(np.sum((mean_a - mean_b) ** 2)) + float(np.trace(cov_a) + np.trace(cov_b)) - 2 * trace_root
    return max(distance, 0.0)  # a true distance is >= 0; rounding can leave -1e-12


def frechet_distance(features_a, features_b, eps=1e-6):
    """Fréchet distance between Gaussians fitted to two feature sets: the domain FID (lower is better).

    ``FID = |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))`` with the means and
    covariances of the rows. Its estimate falls as the sample count grows: always state N.

    Args:
        features_a: (n_a, d) features, e.g. of generated images; features_b: (n_b, d), e.g. of test images.
        eps: ridge added to both covariances when their product has no clean square root (singular covariances).

    Returns:
        float >= 0; 0 for identical means and covariances.
    """
    a, b = _check_features(features_a, features_b)
    return frechet_from_statistics(a.mean(axis=0), np.cov(a, rowvar=False),
                                   b.mean(axis=0), np.cov(b, rowvar=False), eps=eps)


def _polynomial_kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def kernel_inception_distance(features_a, features_b, num_subsets=100, subset_size=1000, seed=0):
    """Kernel distance between two feature sets: the domain KID (lower is better, about 0 for one distribution).

    The unbiased estimate of the squared maximum mean discrepancy with the cubic
    polynomial kernel ``k(x, y) = (x.y / d + 1)^3``, averaged over ``num_subsets`` random subsets of
    ``subset_size`` rows of each set (fewer when a set is smaller). Being unbiased, it can come out slightly
    negative when the two sets come from the same distribution.

    Args:
        features_a: (n_a, d); features_b: (n_b, d).
        num_subsets, subset_size: how many subsets, and their size.
        seed: seed of the subset draws.

    Returns:
        float.
    """
    a, b = _check_features(features_a, features_b)
    if num_subsets < 1 or subset_size < 2:
        raise ValueError(f"need num_subsets >= 1 and subset_size >= 2, got {num_subsets} and {subset_size}")
    m = min(subset_size, len(a), len(b))
    if m == len(a) == len(b):
        num_subsets = 1  # every "subset" is the whole of both sets, and the estimate ignores order
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(num_subsets):
        x = a[rng.choice(len(a), m, replace=False)]
        y = b[rng.choice(len(b), m, replace=False)]
        k_xx, k_yy, k_xy = _polynomial_kernel(x, x), _polynomial_kernel(y, y), _polynomial_kernel(x, y)
        # Unbiased: leave out the diagonals k(x_i, x_i) of the within-set sums.
        within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
        estimates.append(within - 2 * k_xy.mean())
    return float(np.mean(estimates))


# -------------------------------------------------------------------------------------- inception score, classes

def inception_score_from_probabilities(probabilities, splits=10):
    """Inception score of class probabilities: mean over ``splits`` chunks of ``exp(mean_x KL(p(y|x) || p(y)))``.

    Args:
        probabilities: (n, num_classes) rows of p(y|x), n >= splits.

    Returns:
        float between 1 (every image looks alike to the classifier) and num_classes (confident and balanced).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2:
        raise ValueError(f"probabilities must be (n, num_classes), got shape {p.shape}")
    if not 1 <= splits <= len(p):
        raise ValueError(f"splits must be between 1 and the number of images ({len(p)}), got {splits}")
    scores = []
    for chunk in np.array_split(p, splits):
        marginal = chunk.mean(axis=0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(chunk > 0, chunk * (np.log(chunk) - np.log(marginal)), 0.0)
        scores.append(np.exp(terms.sum(axis=1).mean()))
    return float(np.mean(scores))


def inception_score(images, classifier=None, splits=10):
    """Domain inception score of ``images`` with the Fashion-MNIST classifier (higher is better, at most 10).

    High when each image is classified confidently (sharp p(y|x)) and the images
    spread over the classes (flat p(y)). Blind to what happens inside a class: it cannot see a generator that
    draws one good image per class.

    Args:
        images: (n, 28, 28) or (n, 28, 28, 1) floats in [0, 1], n >= splits.
        classifier: default :func:`load_classifier`.
        splits: the images are scored in this many chunks and the scores averaged.

    Returns:
        float between 1 and 10.
    """
    return inception_score_from_probabilities(class_probabilities(images, classifier), splits=splits)


def class_histogram(images, classifier=None):
    """Fraction of ``images`` the classifier puts in each class: (10,) float64 summing to 1."""
    classes = predict_classes(images, classifier)
    return np.bincount(classes, minlength=NUM_CLASSES).astype(np.float64) / len(classes)


def _check_histogram(histogram):
    h = np.asarray(histogram, dtype=np.float64)
    if h.ndim != 1 or len(h) == 0:
        raise ValueError(f"histogram must be a 1-D array of class fractions, got shape {h.shape}")
    if np.any(h < 0) or not np.isclose(h.sum(), 1.0, atol=1e-6):
        raise ValueError(f"histogram must hold non-negative fractions summing to 1, got sum {h.sum():.6g}")
    return h


def class_coverage(histogram, threshold=0.02):
    """How many classes hold at least ``threshold`` of the images (10 = every class drawn; 1 = mode collapse)."""
    return int(np.sum(_check_histogram(histogram) >= threshold))


def kl_from_uniform(histogram):
    """KL(histogram || uniform) in nats: 0 for balanced classes, log(10) = 2.303 when every image is one class."""
    h = _check_histogram(histogram)
    nonzero = h[h > 0]
    return float(np.sum(nonzero * np.log(nonzero * len(h))))


# ------------------------------------------------------------------------------------------------- all at once

def _classifier_key(classifier):
    for key, model in _classifiers.items():
        if model is classifier:
            return key
    return classifier  # not from the cache: the object itself (kept alive by the key, so its id is never reused)


def reference_images(reference="test", n=DEFAULT_N):
    """The real images scores are measured against: ``"test"`` (the first n test images), ``"train"`` (the first
    n training images) or ``"valid"``; (min(n, size), 28, 28) floats in [0, 1]."""
    data = load_fashion_mnist()
    sets = {"test": data.X_test, "train": data.X_train, "valid": data.X_valid}
    if reference not in sets:
        raise ValueError(f"reference must be one of {sorted(sets)} or an image array, got {reference!r}")
    return sets[reference][:n]


def reference_statistics(reference="test", n=DEFAULT_N, classifier=None):
    """The classifier's features of the real images scores are measured against, with their mean and covariance.

    Computed once per classifier, reference and n, then kept in memory.

    Args:
        reference: "test", "train", "valid" (the first ``n`` images of that set; see :func:`reference_images`), or
            an image array (not cached).
        n: number of images.
        classifier: default :func:`load_classifier`.

    Returns:
        (features (n, d) float64, mean (d,), covariance (d, d)).
    """
    classifier = load_classifier() if classifier is None else classifier
    if not isinstance(reference, str):
        feats = features(np.asarray(reference)[:n], classifier)
        return feats, feats.mean(axis=0), np.cov(feats, rowvar=False)
    key = (_classifier_key(classifier), reference, n)
    if key not in _reference_features:
        feats = features(reference_images(reference, n), classifier)
        _reference_features[key] = (feats, feats.mean(axis=0), np.cov(feats, rowvar=False))
    return _reference_features[key]


def evaluate_images(images, reference="test", n=DEFAULT_N, classifier=None):
    """Every domain score of ``images`` at once, against real images; the first ``n`` of each set are used.

    The reference features are cached in memory, so scoring several generators against the test set extracts them
    once.

    Args:
        images: (m, 28, 28) or (m, 28, 28, 1) floats in [0, 1]; give at least ``n`` for a comparable FID.
        reference: "test", "train", "valid", or an image array.
        n: sample count, default 10,000. FID depends on it: report it with the score.
        classifier: default :func:`load_classifier`.

    Returns:
        dict with fid, kid, inception_score (floats), histogram (list of 10 fractions), coverage (int),
        kl_uniform (float) and n (the number of generated images used).
    """
    if not isinstance(n, (int, np.integer)) or n < 10:
        raise ValueError(f"n must be an integer >= 10, got {n!r}")
    images = _checked_images(images)[:n]
    if len(images) < n:
        warnings.warn(f"scoring {len(images)} images instead of n={n}: FID depends on N, so compare it only with "
                      f"scores at N={len(images)}", RuntimeWarning, stacklevel=2)
    classifier = load_classifier() if classifier is None else classifier
    ref_features, ref_mean, ref_cov = reference_statistics(reference, n, classifier)
    probabilities = class_probabilities(images, classifier)
    feats = features(images, classifier)
    histogram = np.bincount(probabilities.argmax(axis=1), minlength=NUM_CLASSES) / len(images)
    return {
        "fid": frechet_from_statistics(feats.mean(axis=0), np.cov(feats, rowvar=False), ref_mean, ref_cov),
        "kid": kernel_inception_distance(feats, ref_features),
        "inception_score": inception_score_from_probabilities(probabilities, splits=10),
        "histogram": [float(x) for x in histogram],
        "coverage": class_coverage(histogram),
        "kl_uniform": kl_from_uniform(histogram),
        "n": int(len(images)),
    }


# ----------------------------------------------------------------------------------------------- calibration

def calibrate(n=DEFAULT_N, noise=0.2, seed=0, classifier=None):
    """Scores of real and degraded images: dict name -> :func:`evaluate_images` result.

    Each set holds ``n`` training images (the classifier has seen them, as a generator trained on them has) and is
    scored against the first ``n`` test images: real images, the same images with Gaussian noise, and real images
    of classes 0-4 only.
    """
    data = load_fashion_mnist()
    noise_rng = np.random.default_rng(seed)
    real = data.X_train[:n]
    noisy = np.clip(real + noise * noise_rng.standard_normal(real.shape), 0.0, 1.0)
    five = data.X_train[data.y_train < 5][:n]
    return {
        "real training images": evaluate_images(real, n=n, classifier=classifier),
        f"real + Gaussian noise (sigma {noise})": evaluate_images(noisy, n=n, classifier=classifier),
        "real, classes 0-4 only": evaluate_images(five, n=n, classifier=classifier),
    }


def _main():
    import argparse

    parser = argparse.ArgumentParser(description="Train/load the evaluation classifier and print its calibration.")
    parser.add_argument("--retrain", action="store_true")
    parser.add_argument("--fast", action="store_true", help="use the fast-mode classifier")
    args = parser.parse_args()
    if args.fast:
        config.set_fast(True)
    classifier = load_classifier(retrain=args.retrain)
    data = load_fashion_mnist()
    classifier.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    _, accuracy = classifier.evaluate(data.X_test[..., None], data.y_test, verbose=0)
    print(f"classifier {classifier_path().name}: test accuracy {accuracy:.4f}")
    for name, scores in calibrate().items():
        print(f"{name:40s} N={scores['n']} FID {scores['fid']:.3f} KID {scores['kid']:.4f} "
              f"IS {scores['inception_score']:.2f} coverage {scores['coverage']} KL {scores['kl_uniform']:.3f}")


if __name__ == "__main__":
    _main()
