"""Lesson 10's checks: the reference answers pass; the mistakes learners make fail with a hint naming them; the given
U-Net and helpers do what the lesson says.

The mistakes are the corpus's (tests/corpus/l10_diffusion.py), here judged by the visible check a learner runs in
the lesson (seed 0, against the shipped expected outputs), where tests/test_accuracy.py grades them as the grader
does on another seed.
"""

import textwrap

import keras
import numpy as np
import pytest

from autograder import accuracy
from autograder.checks import l10_diffusion
from autograder.checks.runtime import run_check
from helpers import diffusion_tools
from solutions import diffusion

PRELUDE, CASES = accuracy.load_corpus("10_diffusion")
WRONG = [case for case in CASES if case.kind == "wrong"]


def _answer(case):
    namespace = {"__name__": "__main__"}
    exec(compile(PRELUDE + textwrap.dedent(case.code), f"<{case.label}>", "exec"), namespace)
    exercise = next(exercise for exercise in l10_diffusion.EXERCISES if exercise.name == case.exercise)
    return namespace[exercise.symbol]


@pytest.mark.parametrize("exercise", l10_diffusion.EXERCISES, ids=lambda exercise: exercise.name)
def test_reference_answers_pass(exercise):
    status, message, _ = run_check(exercise.name, exercise.load_reference())
    assert status == "passed", message


@pytest.mark.parametrize("exercise", l10_diffusion.EXERCISES, ids=lambda exercise: exercise.name)
def test_a_stub_is_not_implemented(exercise):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    if exercise.name == "diffusion_model":
        class Stub(keras.Model):
            def __init__(self, network, alpha_cumprod, seed=None, **kwargs):
                super().__init__(**kwargs)

            def noise_prediction_loss(self, images, t, noise):
                raise NotImplementedError()
        stub = Stub
    status, _, _ = run_check(exercise.name, stub)
    assert status == "not-implemented"


@pytest.mark.parametrize("case", WRONG, ids=[f"{case.exercise}-{case.label}" for case in WRONG])
def test_mistake_fails_with_its_hint(case):
    status, message, _ = run_check(case.exercise, _answer(case))
    assert status in ("failed", "partial"), f"{case.label}: {status}"
    assert case.hint.lower() in message.lower(), message


@pytest.mark.parametrize("label, passing_part", [("predicts the image", "train_step"),
                                                  ("t drawn in 0..T-1", "noise_prediction_loss")])
def test_a_mistake_in_one_part_of_the_model_costs_only_that_part(label, passing_part):
    # train_step runs with the check's own draws and loss, so a wrong loss costs only the loss's half, and wrong
    # draws only the training step's half
    [case] = [case for case in WRONG if case.label == label]
    verdict = accuracy.grade_case(case, PRELUDE)
    assert verdict.status == "partial" and verdict.fraction == pytest.approx(0.5)
    assert [part for part, passed in verdict.parts if passed] == [passing_part]


def test_a_wrong_step_does_not_cost_the_loop():
    # the loop runs with the check's stand-in for ddpm_step, so a wrong step (variance) leaves the loop's point
    step = _answer(next(case for case in WRONG if case.label == "variance beta instead of std"))
    loop_source = [case for case in CASES if case.exercise == "ddpm_sample" and case.kind == "right"][0]
    namespace = {"__name__": "__main__"}
    exec(compile(PRELUDE + textwrap.dedent(loop_source.code), "<loop>", "exec"), namespace)
    namespace["ddpm_step"] = step
    status, message, _ = run_check("ddpm_sample", namespace["ddpm_sample"])
    assert status == "passed", message
    assert run_check("ddpm_step", step)[0] == "failed"


def test_schedule_matches_the_cosine_formula_and_the_book_conventions():
    alpha, alpha_cumprod, beta = diffusion.variance_schedule(1000)
    assert alpha.shape == alpha_cumprod.shape == beta.shape == (1001,)
    assert alpha[0] == alpha_cumprod[0] == 1 and beta[0] == 0
    f = np.cos((np.arange(1001) / 1000 + 0.008) / 1.008 * np.pi / 2) ** 2
    # away from the clipped end, alpha_bar_t = f(t) / f(0)
    np.testing.assert_allclose(alpha_cumprod[:990], (f / f[0])[:990], rtol=1e-4)
    assert beta.max() == pytest.approx(0.999, abs=1e-6)
    np.testing.assert_allclose(alpha + beta, 1, atol=1e-7)


def test_ddim_with_the_true_noise_recovers_the_image_in_one_jump():
    # a perfect noise prediction makes DDIM exact: from x_t straight to x_0 (t_prev = 0, alpha_bar_0 = 1)
    _, alpha_cumprod, _ = diffusion.variance_schedule(100)
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, size=(3, 28, 28, 1)).astype("float32")
    noise = rng.normal(size=images.shape).astype("float32")
    t = np.full(3, 60, "int32")
    x_t = diffusion.forward_diffusion(images, t, noise, alpha_cumprod)
    recovered = diffusion.ddim_step(x_t, 60, 0, noise, alpha_cumprod)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(recovered), images, atol=1e-4)


def test_forward_process_has_the_closed_form_statistics():
    _, alpha_cumprod, _ = diffusion.variance_schedule(1000)
    rng = np.random.default_rng(1)
    images = np.full((4000, 1, 1, 1), 0.5, "float32")
    noise = rng.normal(size=images.shape).astype("float32")
    x_t = keras.ops.convert_to_numpy(diffusion.forward_diffusion(images, np.full(4000, 500, "int32"), noise,
                                                                 alpha_cumprod))
    assert x_t.mean() == pytest.approx(0.5 * np.sqrt(alpha_cumprod[500]), abs=5 * 0.03)
    assert x_t.var() == pytest.approx(1 - alpha_cumprod[500], rel=0.1)


def test_unet_shapes_parameter_count_and_zero_start():
    keras.utils.set_random_seed(0)
    unet = diffusion_tools.build_unet(1000, filters=(16, 32, 64))
    assert unet.count_params() == 605_521  # the count the lesson states
    x = np.random.default_rng(0).normal(size=(2, 28, 28, 1)).astype("float32")
    out = keras.ops.convert_to_numpy(unet([x, np.array([1, 1000], "int32")]))
    assert out.shape == (2, 28, 28, 1)
    assert np.all(out == 0)  # the last convolution starts at zero: the untrained network predicts no noise


def _unet_with_a_nonzero_output():
    """A small U-Net whose last convolution is drawn, not zero (so its output depends on its inputs)."""
    keras.utils.set_random_seed(0)
    unet = diffusion_tools.build_unet(1000, filters=(8, 8, 8))
    last = unet.get_layer("predicted_noise")
    kernel, bias = last.get_weights()
    last.set_weights([np.random.default_rng(0).normal(0, 0.1, size=kernel.shape).astype("float32"), bias])
    return unet


def test_unet_output_depends_on_t():
    unet = _unet_with_a_nonzero_output()
    x = np.random.default_rng(1).normal(size=(2, 28, 28, 1)).astype("float32")
    early = keras.ops.convert_to_numpy(unet([x, np.array([1, 1], "int32")]))
    late = keras.ops.convert_to_numpy(unet([x, np.array([900, 900], "int32")]))
    assert np.max(np.abs(early - late)) > 1e-3  # the time step reaches the output


def test_unet_takes_the_sinusoidal_embedding():
    unet = diffusion_tools.build_unet(1000, filters=(8, 8, 8), time_embedding=diffusion.sinusoidal_time_embedding)
    out = unet([np.zeros((1, 28, 28, 1), "float32"), np.array([3], "int32")])
    assert tuple(out.shape) == (1, 28, 28, 1)


def test_fourier_features_round_trip_through_config():
    layer = diffusion_tools.FourierTimeFeatures(1000, dim=8, seed=3)
    copy = diffusion_tools.FourierTimeFeatures.from_config(layer.get_config())
    t = np.array([0, 10, 999], "int32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(t)), keras.ops.convert_to_numpy(copy(t)))


def test_image_range_and_chain_recorder():
    samples = np.array([-2.0, -1.0, 0.0, 1.0, 3.0], "float32").reshape(1, 5, 1, 1)
    np.testing.assert_allclose(diffusion_tools.to_image_range(samples).ravel(), [0, 0, 0.5, 1, 1])
    recorder = diffusion_tools.ChainRecorder(3, keep=(0, 2), verbose=False)
    for t in (2, 1, 0):
        recorder(t, np.zeros((1, 28, 28, 1), "float32") + t / 2)
    assert sorted(recorder.states) == [0, 2]
    assert recorder.states[2].shape == (1, 28, 28) and recorder.states[2].max() == pytest.approx(1.0)


def test_weight_average_follows_the_ramped_decay_and_leaves_the_network_alone():
    keras.utils.set_random_seed(0)
    network = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    start = [w.copy() for w in network.get_weights()]
    average = diffusion_tools.WeightAverage(network, decay=0.9)
    expected = [w.copy() for w in start]
    for step in range(1, 31):
        new = [w + step for w in start]  # the trained weights move on every batch
        network.set_weights(new)
        average.on_train_batch_end(step - 1)
        rate = min(0.9, (1 + step) / (10 + step))  # the ramp 2/11, 3/12, ... up to the decay
        expected = [rate * e + (1 - rate) * w for e, w in zip(expected, new)]
        for mine, current in zip(network.get_weights(), new):
            np.testing.assert_array_equal(mine, current)  # averaging never writes into the trained network
    for got, want in zip(average.network.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)
    assert average.network is not network
    with pytest.raises(ValueError, match="decay"):
        diffusion_tools.WeightAverage(network, decay=1.0)


def test_fast_network_compiled_with_xla_predicts_what_the_network_does():
    unet = _unet_with_a_nonzero_output()
    x = np.random.default_rng(1).normal(size=(3, 28, 28, 1)).astype("float32")
    t = np.array([1, 500, 1000], "int32")
    want = keras.ops.convert_to_numpy(unet([x, t], training=False))
    for jit_compile in (False, True):
        got = keras.ops.convert_to_numpy(diffusion_tools.fast_network(unet, jit_compile=jit_compile)([x, t]))
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="sampling"):
        diffusion_tools.fast_network(unet)([x, t], training=True)


def test_a_respaced_schedule_keeps_the_cumulative_noise_levels_of_the_times_it_visits():
    alpha, alpha_cumprod, beta = diffusion.variance_schedule(1000)
    times, alpha_k, cumulative_k, beta_k = diffusion_tools.respaced_schedule(alpha_cumprod, 50)
    assert times[0] == 0 and times[-1] == 990 and len(times) == 51 == len(alpha_k) == len(beta_k)
    assert np.all(np.diff(times) > 0)
    np.testing.assert_allclose(cumulative_k, alpha_cumprod[times], rtol=1e-5)
    np.testing.assert_allclose(np.cumprod(alpha_k), cumulative_k, rtol=1e-4)  # the steps multiply back up
    np.testing.assert_allclose(alpha_k + beta_k, 1, atol=1e-6)
    # visiting every step is the original schedule
    times, alpha_all, cumulative_all, beta_all = diffusion_tools.respaced_schedule(alpha_cumprod, 1000, start=1000)
    np.testing.assert_array_equal(times, np.arange(1001))
    np.testing.assert_allclose(alpha_all, alpha, rtol=1e-4)
    np.testing.assert_allclose(beta_all, beta, atol=1e-5)
    for bad in ({"num_steps": 0}, {"num_steps": 991}, {"num_steps": 5, "start": 1001}):
        with pytest.raises(ValueError, match="between"):
            diffusion_tools.respaced_schedule(alpha_cumprod, **{"num_steps": 10, **bad})


def test_the_lesson_ddpm_sampler_runs_on_a_respaced_schedule_and_asks_for_the_original_times():
    _, alpha_cumprod, _ = diffusion.variance_schedule(1000)
    times, alpha_k, cumulative_k, beta_k = diffusion_tools.respaced_schedule(alpha_cumprod, 5)
    asked = []

    def network(inputs, training=False):
        images, t = inputs
        asked.append(sorted(set(keras.ops.convert_to_numpy(t).tolist())))
        return keras.ops.zeros_like(images)

    x_T = np.random.default_rng(0).normal(size=(2, 28, 28, 1)).astype("float32")
    samples = diffusion.ddpm_sample(diffusion_tools.respaced_network(network, times), x_T, alpha_k, cumulative_k,
                                    beta_k, seed=0)
    assert asked == [[int(t)] for t in times[:0:-1]]  # 990, 792, ..., the original time of each of the 5 steps
    assert keras.ops.convert_to_numpy(samples).shape == x_T.shape


def test_a_step_that_drops_the_noise_at_t_1_passes_on_every_grading_seed():
    # the loop gives zeros at t = 1 anyway, so the step is judged at t = 1 only with zero noise: before, it passed or
    # failed depending on whether the grading seed's three times included t = 1
    [case] = [case for case in CASES if case.label == "the step itself drops the noise at t = 1"]
    verdicts = [accuracy.grade_case(case, PRELUDE, seed=seed) for seed in range(40)]
    assert [verdict.status for verdict in verdicts] == ["passed"] * 40, [v.message for v in verdicts]
