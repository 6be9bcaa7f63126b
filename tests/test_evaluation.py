"""The evaluation toolkit: metric functions on hand-computable cases, the classifier cache, and a calibration."""

import math
import os
import warnings

import numpy as np
import pytest

from helpers import config, evaluation


# ----------------------------------------------------------------------------------------------- metric functions

def gaussian_features(rng, n=4000, d=4, mean=0.0):
    return rng.standard_normal((n, d)) + mean


def test_frechet_distance_of_a_set_with_itself_is_zero():
    feats = gaussian_features(np.random.default_rng(0))
    assert evaluation.frechet_distance(feats, feats) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_of_shifted_means_is_the_squared_shift():
    feats = gaussian_features(np.random.default_rng(0))
    shift = np.array([3.0, 0.0, -4.0, 0.0])  # |shift|^2 = 25; same covariance, so the trace term cancels
    assert evaluation.frechet_distance(feats, feats + shift) == pytest.approx(25.0, rel=1e-6)


def test_frechet_distance_matches_the_closed_form_for_scaled_covariances():
    # N(0, I) against N(0, 4 I) in d dims: Tr(I + 4I - 2 * 2I) = d.
    assert evaluation.frechet_from_statistics(np.zeros(3), np.eye(3), np.zeros(3), 4 * np.eye(3)) == \
        pytest.approx(3.0)


def test_frechet_distance_survives_singular_covariances():
    rng = np.random.default_rng(1)
    a = np.zeros((50, 6))
    a[:, :2] = rng.standard_normal((50, 2))  # four dead features: rank-2 covariance
    b = a + 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # neither a crash nor a LinAlgWarning leak
        value = evaluation.frechet_distance(a, b)
    assert value == pytest.approx(6.0, abs=1e-3)  # shift of 1 in 6 dims


def test_frechet_distance_rejects_bad_shapes():
    with pytest.raises(ValueError, match="widths"):
        evaluation.frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match="2-D"):
        evaluation.frechet_distance(np.zeros(5), np.zeros(5))


def test_kid_of_one_distribution_is_about_zero_and_of_shifted_sets_positive():
    rng = np.random.default_rng(0)
    a, b = gaussian_features(rng, 2000), gaussian_features(rng, 2000)
    same = evaluation.kernel_inception_distance(a, b, num_subsets=20, subset_size=500)
    shifted = evaluation.kernel_inception_distance(a, b + 1.0, num_subsets=20, subset_size=500)
    assert abs(same) < 0.01
    assert shifted > 0.5


def test_kid_is_unbiased_mmd_with_the_cubic_kernel():
    # Two 1-D sets of two points each, one subset holding everything: the estimate by hand.
    x, y = np.array([[0.0], [1.0]]), np.array([[2.0], [3.0]])
    k = lambda u, v: (u * v + 1.0) ** 3  # d = 1
    expected = (2 * k(0, 1)) / 2 + (2 * k(2, 3)) / 2 - 2 * np.mean([k(a, b) for a in (0, 1) for b in (2, 3)])
    got = evaluation.kernel_inception_distance(x, y, num_subsets=3, subset_size=2)
    assert got == pytest.approx(expected)


def test_inception_score_of_confident_balanced_and_collapsed_predictions():
    balanced = np.eye(10)[np.arange(100) % 10]
    collapsed = np.eye(10)[np.zeros(100, dtype=int)]
    uncertain = np.full((100, 10), 0.1)
    assert evaluation.inception_score_from_probabilities(balanced, splits=10) == pytest.approx(10.0)
    assert evaluation.inception_score_from_probabilities(collapsed, splits=10) == pytest.approx(1.0)
    assert evaluation.inception_score_from_probabilities(uncertain, splits=5) == pytest.approx(1.0)


def test_coverage_and_kl_of_a_one_class_set():
    histogram = np.eye(10)[3]
    assert evaluation.class_coverage(histogram) == 1
    assert evaluation.kl_from_uniform(histogram) == pytest.approx(math.log(10))
    uniform = np.full(10, 0.1)
    assert evaluation.class_coverage(uniform) == 10
    assert evaluation.kl_from_uniform(uniform) == pytest.approx(0.0)
    assert evaluation.class_coverage(np.array([0.5, 0.49, 0.01] + [0.0] * 7)) == 2  # 1% is below the 2% bar
    with pytest.raises(ValueError, match="sum"):
        evaluation.class_coverage(np.array([0.5, 0.1]))


def test_images_are_checked():
    with pytest.raises(ValueError, match="shape"):
        evaluation.features(np.zeros((3, 32, 32)), classifier=object())
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        evaluation.features(np.full((3, 28, 28), 255.0), classifier=object())


# --------------------------------------------------------------------------------------------- classifier cache

@pytest.fixture
def counted_trainer(monkeypatch):
    """Replace the trainer by an untrained classifier, counting the calls (the cache logic is under test)."""
    calls = []

    def fake_train(recipe, verbose=1):
        calls.append(recipe)
        return evaluation.build_evaluation_classifier(seed=recipe["seed"])

    monkeypatch.setattr(evaluation, "_train_classifier", fake_train)
    evaluation.clear_cache()
    yield calls
    evaluation.clear_cache()


def test_the_classifier_is_trained_once_then_read_from_the_cache(counted_trainer, tmp_path):
    first = evaluation.load_classifier(cache_dir=tmp_path, verbose=0)
    assert len(counted_trainer) == 1
    assert evaluation.classifier_path(tmp_path).is_file()
    assert evaluation.load_classifier(cache_dir=tmp_path, verbose=0) is first  # in memory
    evaluation.clear_cache()
    second = evaluation.load_classifier(cache_dir=tmp_path, verbose=0)  # from disk
    assert len(counted_trainer) == 1
    images = np.random.default_rng(0).uniform(size=(4, 28, 28))
    np.testing.assert_allclose(evaluation.features(images, second), evaluation.features(images, first), atol=1e-5)
    assert evaluation.features(images, second).shape == (4, 128)
    evaluation.load_classifier(cache_dir=tmp_path, retrain=True, verbose=0)
    assert len(counted_trainer) == 2


def test_a_corrupt_cache_file_is_rebuilt_with_a_warning(counted_trainer, tmp_path):
    path = evaluation.classifier_path(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a keras file")
    with pytest.warns(RuntimeWarning, match="unreadable"):
        model = evaluation.load_classifier(cache_dir=tmp_path, verbose=0)
    assert len(counted_trainer) == 1
    assert model.output_shape == (None, 10)
    evaluation.clear_cache()
    evaluation.load_classifier(cache_dir=tmp_path, verbose=0)  # the rebuilt file now loads
    assert len(counted_trainer) == 1


def test_a_changed_version_or_recipe_retrains(counted_trainer, tmp_path, monkeypatch):
    evaluation.load_classifier(cache_dir=tmp_path, verbose=0)
    old_path = evaluation.classifier_path(tmp_path)
    monkeypatch.setattr(evaluation, "CLASSIFIER_VERSION", evaluation.CLASSIFIER_VERSION + 1)
    assert evaluation.classifier_path(tmp_path) != old_path
    evaluation.load_classifier(cache_dir=tmp_path, verbose=0)
    assert len(counted_trainer) == 2
    assert counted_trainer[-1]["version"] == evaluation.CLASSIFIER_VERSION
    for name in ("CLASSIFIER_RECIPE", "FAST_CLASSIFIER_RECIPE"):
        monkeypatch.setattr(evaluation, name, {**getattr(evaluation, name), "epochs": 99})
    evaluation.load_classifier(cache_dir=tmp_path, verbose=0)
    assert len(counted_trainer) == 3


def test_fast_and_normal_mode_use_different_cache_files(tmp_path):
    assert evaluation.classifier_path(tmp_path, fast=True) != evaluation.classifier_path(tmp_path, fast=False)
    assert "fast" in evaluation.classifier_path(tmp_path, fast=True).name


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "course"))
    assert evaluation.default_cache_dir() == tmp_path / "course"
    monkeypatch.delenv("COURSE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert evaluation.default_cache_dir() == tmp_path / "xdg" / "genlearn-course"


# ---------------------------------------------------------------------------------------------------- calibration

@pytest.fixture(scope="module")
def fast_classifier(tmp_path_factory):
    """The real fast-mode classifier (trained in about 20 s unless $COURSE_CACHE_DIR already holds it)."""
    config.set_fast(True)
    try:
        cache = os.environ.get("COURSE_CACHE_DIR") or tmp_path_factory.mktemp("classifier_cache")
        yield evaluation.load_classifier(cache_dir=cache, verbose=0)
    finally:
        config.set_fast(None)


def test_calibration_real_beats_noisy_beats_five_classes(fast_classifier):
    scores = evaluation.calibrate(n=1000, classifier=fast_classifier)
    real, noisy, five = scores.values()
    assert all(s["n"] == 1000 for s in scores.values())
    assert real["fid"] < noisy["fid"] < five["fid"]
    assert real["kid"] < noisy["kid"] < five["kid"]
    assert real["fid"] < 0.1 * five["fid"]
    assert real["coverage"] == 10 and five["coverage"] <= 7
    assert five["kl_uniform"] > real["kl_uniform"]
    assert 1.0 <= five["inception_score"] < real["inception_score"] <= 10.0
    hist = np.array(real["histogram"])
    assert hist.shape == (10,) and hist.sum() == pytest.approx(1.0)


def test_reference_statistics_are_computed_once_per_classifier_and_kept_apart(monkeypatch):
    """A classifier's reference features are computed once; two classifiers never share them."""
    import keras

    def tiny(seed):
        inputs = keras.Input(shape=(28, 28, 1))
        hidden = keras.layers.Dense(4, activation="relu", name="features",
                                    kernel_initializer=keras.initializers.GlorotUniform(seed))(
            keras.layers.Flatten()(inputs))
        return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(hidden))

    images = np.random.default_rng(0).uniform(size=(20, 28, 28)).astype("float32")
    monkeypatch.setattr(evaluation, "reference_images", lambda reference="test", n=10_000: images[:n])
    calls = []
    features = evaluation.features
    monkeypatch.setattr(evaluation, "features", lambda *args, **kwargs: calls.append(1) or features(*args, **kwargs))
    evaluation.clear_cache()
    first, second = tiny(1), tiny(2)
    a, mean_a, cov_a = evaluation.reference_statistics("test", 20, first)
    assert evaluation.reference_statistics("test", 20, first)[0] is a and len(calls) == 1  # cached
    b, _, _ = evaluation.reference_statistics("test", 20, second)
    assert len(calls) == 2 and not np.allclose(a, b)
    np.testing.assert_allclose(mean_a, a.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(cov_a, np.cov(a, rowvar=False), rtol=1e-12)
    evaluation.clear_cache()
