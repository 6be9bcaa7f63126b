"""Lesson 09's checks: the reference answers pass; each mistake the checks name is caught with its hint."""

import keras
import numpy as np
import pytest
from keras import layers, ops

from autograder.checks.runtime import run_check
from helpers import gan_tools
from solutions import dcgan


@pytest.mark.parametrize("name, answer", [("dcgan", dcgan.build_dcgan), ("minibatch_std", dcgan.MinibatchStdDev),
                                          ("conditional_gan", dcgan.build_conditional_gan)])
def test_reference_answers_pass(name, answer):
    status, message, _ = run_check(name, answer)
    assert status == "passed", message


# ------------------------------------------------------------------------------------------------------ the DCGAN

def _dcgan(output="tanh", batch_norm=True, bn_first=False, leaky=lambda: layers.LeakyReLU(0.2), dropout=0.4,
           kernel=5, last_stride=2, d_filters=(1, 2), d_output="sigmoid", g_activation="selu"):
    def build(codings_size=100, filters=64):
        def norm():
            return [layers.BatchNormalization()] if batch_norm else []

        head = [*norm(), layers.Reshape((7, 7, 2 * filters))] if bn_first else [layers.Reshape((7, 7, 2 * filters)),
                                                                                  *norm()]
        generator = keras.Sequential([
            keras.Input(shape=(codings_size,)), layers.Dense(7 * 7 * 2 * filters), *head,
            layers.Conv2DTranspose(filters, kernel, strides=2, padding="same", activation=g_activation), *norm(),
            layers.Conv2DTranspose(1, kernel, strides=last_stride, padding="same", activation=output)])
        drop = [layers.Dropout(dropout)] if dropout else []
        discriminator = keras.Sequential([
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(d_filters[0] * filters, kernel, strides=2, padding="same", activation=leaky()), *drop,
            layers.Conv2D(d_filters[1] * filters, kernel, strides=2, padding="same", activation=leaky()), *drop,
            layers.Flatten(), layers.Dense(1, activation=d_output)])
        return generator, discriminator
    return build


def _separate_leaky_layers(codings_size=100, filters=64):
    generator, _ = dcgan.build_dcgan(codings_size, filters)
    discriminator = keras.Sequential([
        keras.Input(shape=(28, 28, 1)), layers.Conv2D(filters, 5, strides=2, padding="same"),
        layers.LeakyReLU(0.2), layers.Dropout(0.4), layers.Conv2D(2 * filters, 5, strides=2, padding="same"),
        layers.LeakyReLU(0.2), layers.Dropout(0.4), layers.Flatten(), layers.Dense(1, activation="sigmoid")])
    return generator, discriminator


def _leaky_relu_string(codings_size=100, filters=64):
    """activation="leaky_relu": Keras 3's leaky_relu has a slope of 0.2, so this is the book's discriminator."""
    generator, _ = dcgan.build_dcgan(codings_size, filters)
    return generator, _dcgan(leaky=lambda: "leaky_relu")(codings_size, filters)[1]


@pytest.mark.parametrize("answer", [_dcgan(), _separate_leaky_layers, _leaky_relu_string])
def test_equivalent_dcgans_pass(answer):
    status, message, _ = run_check("dcgan", answer)
    assert status == "passed", message


@pytest.mark.parametrize("answer, hint, wrong", [
    (_dcgan(output="sigmoid"), "a sigmoid only reaches [0, 1]", "generator"),
    (_dcgan(output=None), "needs activation='tanh'", "generator"),
    (_dcgan(batch_norm=False), "normalise after the Dense/Reshape", "generator"),
    (_dcgan(bn_first=True), "first BatchNormalization after the Reshape", "generator"),  # per unit, not channel
    (_dcgan(leaky=lambda: layers.LeakyReLU()), "slope of 0.3 by default", "discriminator"),
    (_dcgan(leaky=lambda: "relu"), "LeakyReLU(0.2)", "discriminator"),
    (_dcgan(dropout=0), "Dropout(0.4) after each convolution", "discriminator"),
    (_dcgan(dropout=0.5), "Dropout(0.4) after each convolution", "discriminator"),
    (_dcgan(kernel=3), "use the book's settings", "both"),
    (_dcgan(last_stride=1), "strides=2", "generator"),
    (_dcgan(d_filters=(2, 1)), "then 2 * filters", "discriminator"),
    (_dcgan(d_output=None), "activation='sigmoid'", "discriminator"),
    (_dcgan(g_activation="relu"), "SELU after the first transposed convolution", "generator"),
    (lambda codings_size=100, filters=64: dcgan.build_dcgan(codings_size, filters)[0], "return generator, disc",
     "both"),
])
def test_dcgan_mistakes(answer, hint, wrong):
    _expect_mistake("dcgan", answer, hint, wrong)


def _expect_mistake(name, answer, hint, wrong):
    """The mistake is named; a mistake in one network costs only that network's half of the points."""
    status, message, _ = run_check(name, answer)
    assert hint in message, message
    if wrong == "both":
        assert status == "failed", message
    else:
        right = ({"generator", "discriminator"} - {wrong}).pop()
        assert status == "partial" and f"[{wrong}]" in message and f"[{right}]" not in message, message


# ------------------------------------------------------------------------------------------- minibatch std layer

def _std_layer(statistic="mean", axis=0, epsilon=True, config=True, register=True, order="inputs first"):
    class MinibatchStdDev(layers.Layer):
        def __init__(self, epsilon=1e-8, **kwargs):
            super().__init__(**kwargs)
            self.epsilon = epsilon

        def call(self, inputs):
            if epsilon:
                std = ops.sqrt(ops.var(inputs, axis=axis, keepdims=axis != 0) + self.epsilon)
            else:
                std = ops.std(inputs, axis=axis, keepdims=axis != 0)
            if axis == 0:
                value = ops.mean(std) if statistic == "mean" else ops.max(std)
                std_map = ops.ones_like(inputs[..., :1]) * value
            else:
                std_map = std
            parts = [inputs, std_map] if order == "inputs first" else [std_map, inputs]
            return ops.concatenate(parts, axis=-1)

        def get_config(self):
            return {**super().get_config(), "epsilon": self.epsilon} if config else super().get_config()

    if register:
        MinibatchStdDev = keras.saving.register_keras_serializable(package="course")(MinibatchStdDev)
    else:
        keras.saving.get_custom_objects().pop("course>MinibatchStdDev", None)
    return MinibatchStdDev


@pytest.fixture(autouse=True)
def restore_registration():
    yield
    keras.saving.register_keras_serializable(package="course")(dcgan.MinibatchStdDev)


def test_own_equivalent_layer_passes():
    status, message, _ = run_check("minibatch_std", _std_layer())
    assert status == "passed", message


@pytest.mark.parametrize("answer, hint", [
    (_std_layer(axis=-1), "over the batch axis (axis=0)"),
    (_std_layer(epsilon=False), "ops.sqrt(variance + self.epsilon)"),
    (_std_layer(config=False), "get_config must return"),
    (_std_layer(register=False), "register_keras_serializable(package='course')"),
    (_std_layer(statistic="max"), "then the mean of those over every feature"),
    (_std_layer(order="std first"), "inputs first"),
])
def test_minibatch_std_mistakes(answer, hint):
    status, message, _ = run_check("minibatch_std", answer)
    assert status == "failed", message
    assert hint in message, message


def test_minibatch_std_over_groups_of_four_images_is_named():
    @keras.saving.register_keras_serializable(package="course")
    class MinibatchStdDev(layers.Layer):  # ProGAN's: one statistic per group of 4 images
        def __init__(self, epsilon=1e-8, **kwargs):
            super().__init__(**kwargs)
            self.epsilon = epsilon

        def call(self, inputs):
            shape = ops.shape(inputs)
            grouped = ops.reshape(inputs, (4, -1, shape[1], shape[2], shape[3]))
            std = ops.mean(ops.sqrt(ops.var(grouped, axis=0) + self.epsilon), axis=(1, 2, 3), keepdims=True)
            return ops.concatenate([inputs, ops.tile(std[..., :1], (4, shape[1], shape[2], 1))], axis=-1)

        def get_config(self):
            return {**super().get_config(), "epsilon": self.epsilon}

    status, message, _ = run_check("minibatch_std", MinibatchStdDev)
    assert status == "error", message
    assert "not over groups of a fixed size" in message and "\x1b" not in message, message


def test_minibatch_std_layer_signals_a_collapsed_batch_and_round_trips(tmp_path):
    layer = dcgan.MinibatchStdDev()
    varied = np.random.default_rng(0).normal(size=(8, 7, 7, 3)).astype("float32")
    collapsed = np.repeat(varied[:1], 8, axis=0)
    assert np.asarray(layer(varied))[..., -1].mean() > 0.5
    assert np.asarray(layer(collapsed))[..., -1].max() < 1e-3
    _, discriminator = dcgan.build_dcgan(codings_size=8, filters=4)
    model = gan_tools.with_layer_before_flatten(discriminator, dcgan.MinibatchStdDev(epsilon=1e-6))
    assert [type(l).__name__ for l in model.layers][3:6] == ["Dropout", "MinibatchStdDev", "Flatten"]
    assert model.layers[-1].kernel.shape == (7 * 7 * (8 + 1), 1)  # one more channel reaches the dense layer
    assert all(new is not old for new, old in zip(model.layers, discriminator.layers))  # fresh layers
    assert "MinibatchStdDev" not in [type(l).__name__ for l in discriminator.layers]  # the original is unchanged
    model.save(tmp_path / "d.keras")
    loaded = keras.models.load_model(tmp_path / "d.keras")
    assert [type(l).__name__ for l in loaded.layers].count("MinibatchStdDev") == 1
    assert loaded.layers[4].epsilon == 1e-6
    np.testing.assert_allclose(loaded(varied[..., :1].repeat(4, 1).repeat(4, 2)[:, :28, :28]),
                               model(varied[..., :1].repeat(4, 1).repeat(4, 2)[:, :28, :28]), rtol=1e-5)
    with pytest.raises(ValueError):
        dcgan.MinibatchStdDev(epsilon=0)


# -------------------------------------------------------------------------------------------- conditional GAN

def _conditional(use_label_in_g=True, use_label_in_d=True, embed=True, output="tanh", inputs=2, label_first=False):
    """The lesson's conditional GAN with one thing changed (the defaults change nothing)."""
    def build(codings_size=100, num_classes=10, filters=64, embedding_dim=50):
        def both(first, second):
            return layers.Concatenate()([second, first] if label_first else [first, second])

        noise = keras.Input(shape=(codings_size,))
        label = keras.Input(shape=(), dtype="int32")
        code = layers.Embedding(num_classes, embedding_dim)(label) if embed else \
            layers.Lambda(lambda y: ops.one_hot(y, num_classes))(label)
        x = both(noise, code * (1.0 if use_label_in_g else 0.0))
        x = layers.BatchNormalization()(layers.Reshape((7, 7, 2 * filters))(layers.Dense(7 * 7 * 2 * filters)(x)))
        x = layers.Conv2DTranspose(filters, 5, strides=2, padding="same", activation="selu")(x)
        image = layers.Conv2DTranspose(1, 5, strides=2, padding="same", activation=output)(
            layers.BatchNormalization()(x))
        generator = keras.Model([noise, label] if inputs == 2 else noise, image)
        image_in = keras.Input(shape=(28, 28, 1))
        label_in = keras.Input(shape=(), dtype="int32")
        label_map = layers.Reshape((28, 28, 1))(layers.Embedding(num_classes, 28 * 28)(label_in))
        x = both(image_in, label_map * (1.0 if use_label_in_d else 0.0))
        for n in (filters, 2 * filters):
            x = layers.Conv2D(n, 5, strides=2, padding="same", activation=layers.LeakyReLU(0.2))(x)
            x = layers.Dropout(0.4)(x)
        score = layers.Dense(1, activation="sigmoid")(layers.Flatten()(x))
        return generator, keras.Model([image_in, label_in], score)
    return build


@pytest.mark.parametrize("answer", [_conditional(), _conditional(label_first=True)])
def test_own_equivalent_conditional_gan_passes(answer):
    status, message, _ = run_check("conditional_gan", answer)
    assert status == "passed", message


@pytest.mark.parametrize("answer, hint, wrong", [
    (_conditional(use_label_in_g=False), "the label never reaches the image", "generator"),
    (_conditional(use_label_in_d=False), "the discriminator must see the label", "discriminator"),
    (_conditional(embed=False), "layers.Embedding", "generator"),
    (_conditional(output="sigmoid"), "end the generator with a tanh activation", "generator"),
    (lambda **kwargs: dcgan.build_dcgan(kwargs["codings_size"], kwargs["filters"]), "2 each", "both"),
])
def test_conditional_gan_mistakes(answer, hint, wrong):
    _expect_mistake("conditional_gan", answer, hint, wrong)


def test_library_helpers():
    images = np.random.default_rng(0).uniform(size=(5, 28, 28)).astype("float32")
    scaled = gan_tools.to_gan_range(images)
    assert scaled.shape == (5, 28, 28, 1) and scaled.min() >= -1 and scaled.max() <= 1
    identity = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Identity()])
    np.testing.assert_allclose(gan_tools.sample_images(lambda noise, training: scaled[:len(noise)], 5, 8,
                                                         value_range=(-1, 1)), images, atol=1e-6)
    generator, _ = dcgan.build_conditional_gan(codings_size=8, filters=4)
    samples = gan_tools.sample_images(generator, 7, 8, seed=3, labels=2, batch_size=3, value_range=(-1, 1))
    assert samples.shape == (7, 28, 28) and 0 <= samples.min() and samples.max() <= 1
    np.testing.assert_allclose(samples[:3], gan_tools.sample_images(generator, 3, 8, seed=3, labels=[2, 2, 2],
                                                                      value_range=(-1, 1)), atol=1e-6)
    with pytest.raises(ValueError, match="Flatten"):
        gan_tools.with_layer_before_flatten(identity, dcgan.MinibatchStdDev())
    with pytest.raises(ValueError, match="Sequential"):
        gan_tools.with_layer_before_flatten(generator, dcgan.MinibatchStdDev())
    with pytest.raises(ValueError, match="no Conv2DTranspose"):
        gan_tools.with_layer_before(identity, layers.Activation("selu"), layers.Conv2DTranspose)
    with pytest.raises(ValueError):
        dcgan.ImprovedGAN(*dcgan.build_dcgan(8, 4), 8, real_label=0)
    with pytest.raises(ValueError):
        gan_tools.EvaluationMonitor(num_images=5)


def test_replay_buffer_fills_as_a_ring_and_mixes_old_fakes():
    # Exact equality is right here: the buffer and the mixed batch are copies of the fakes (where, scatter, take),
    # no arithmetic, so every CPU gives the same bits.
    generator, discriminator = dcgan.build_dcgan(codings_size=8, filters=4)
    gan = dcgan.ImprovedGAN(generator, discriminator, 8, seed=1, replay_size=6, replay_fraction=1.0)
    fakes = keras.random.uniform((4, 28, 28, 1), seed=1)
    first = np.asarray(gan._replay(fakes))
    assert np.array_equal(first, np.asarray(fakes))  # an empty buffer gives nothing to mix in
    assert int(gan.replay_count.numpy()) == 4
    np.testing.assert_array_equal(gan.replay_buffer.numpy()[:4], np.asarray(fakes))
    newer = keras.random.uniform((4, 28, 28, 1), seed=2)
    mixed = np.asarray(gan._replay(newer))
    buffer = gan.replay_buffer.numpy()
    np.testing.assert_array_equal(buffer[[4, 5, 0, 1]], np.asarray(newer))  # ring: wrapped around
    old = np.asarray(fakes).reshape(4, -1)
    assert all(any(np.array_equal(row, o) for o in old) for row in mixed.reshape(4, -1))  # fraction 1: all old


def _tiny_classifier():
    inputs = keras.Input(shape=(28, 28, 1))
    hidden = layers.Dense(4, activation="relu", name="features")(layers.Flatten()(inputs))
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(hidden))


def test_evaluation_monitor_records_fid_histogram_and_agreement():
    keras.utils.set_random_seed(0)
    generator, discriminator = dcgan.build_conditional_gan(codings_size=8, filters=4)
    gan = dcgan.ConditionalGAN(generator, discriminator, 8, seed=0)
    monitor = gan_tools.EvaluationMonitor(num_images=30, labels=np.arange(30) % 10, classifier=_tiny_classifier(),
                                      every=2)
    monitor.set_model(gan)
    monitor.set_params({"epochs": 3})
    logs = {}
    monitor.on_epoch_end(0, logs)
    assert monitor.records == [] and logs == {}  # every=2: epoch 1 is skipped
    monitor.on_epoch_end(1, logs)
    record = monitor.records[-1]
    assert record["epoch"] == 2 and record["fid"] > 0 and 1 <= record["coverage"] <= 10
    assert record["histogram"].shape == (10,) and np.isclose(record["histogram"].sum(), 1)
    assert 0 <= record["agreement"] <= 1
    assert set(logs) == {"fid", "coverage", "agreement"}
    monitor.on_epoch_end(2, {})  # the last epoch is always measured
    assert [r["epoch"] for r in monitor.records] == [2, 3]
    assert monitor.records[0]["fid"] == monitor.records[1]["fid"]  # same weights, same fixed noise


def test_comparison_table_and_plots_accept_monitor_records():
    from helpers import plotting

    records = [{"epoch": e, "fid": 100.0 / e, "histogram": np.full(10, 0.1), "coverage": 10, "kl_uniform": 0.0}
               for e in (1, 2)]
    table = plotting.comparison_table({"run": records, "untimed": records}, seconds={"run": 12.0})
    timed_row, untimed_row = table.splitlines()[2:]  # after the header and its rule
    assert timed_row.startswith("run") and "50.00" in timed_row and timed_row.endswith("12s")
    assert untimed_row.startswith("untimed") and untimed_row.endswith("-") and "nan" not in untimed_row
    plotting.plot_fid_curves({"run": records})
    plotting.plot_class_histograms({"run": records})
    plotting.plot_histogram_history(records)
    with pytest.raises(ValueError):
        plotting.plot_fid_curves({})


def test_sample_grid_draws_a_row_of_requested_classes_every_few_epochs_and_at_the_end():
    import matplotlib.pyplot as plt

    generator, discriminator = dcgan.build_conditional_gan(codings_size=8, filters=4)
    grid = gan_tools.SampleGrid(num_images=4, every=2, value_range=(-1, 1), labels=np.arange(4))
    grid.set_model(dcgan.ConditionalGAN(generator, discriminator, 8, seed=0))
    grid.set_params({"epochs": 3})
    plt.close("all")
    grid.on_epoch_end(0, {"d_loss": 0.5})
    assert plt.get_fignums() == []  # every=2: nothing after epoch 1
    grid.on_epoch_end(1, {"d_loss": 0.5})
    grid.on_epoch_end(2, {"d_loss": 0.5})  # the last epoch is always shown
    figures = [plt.figure(number) for number in plt.get_fignums()]
    assert len(figures) == 2 and all(len(figure.axes) == 4 for figure in figures)
    assert figures[0]._suptitle.get_text().startswith("epoch 2: d_loss 0.500")
    plt.close("all")


def test_corpus_cases_get_the_same_verdicts_from_the_real_grader(tmp_path):
    """Two corpus answers pasted into the reference notebook and graded by the grader (kernel, sandbox, JSON)."""
    import nbformat

    from autograder import accuracy, build, grade

    prelude, cases = accuracy.load_corpus("09_dcgan")
    chosen = {("dcgan", "LeakyReLU() with its default slope"): "wrong",
              ("conditional_gan", "the label code concatenated first"): "right"}
    picked = [case for case in cases if (case.exercise, case.label) in chosen]
    assert [chosen[case.exercise, case.label] for case in picked] == [case.kind for case in picked] and \
        len(picked) == 2
    reference = build.build_notebook("09_dcgan", "reference")
    for case in picked:
        notebook = nbformat.reads(nbformat.writes(reference), as_version=4)
        [cell] = [cell for cell in notebook.cells if cell.metadata["course"].get("role") == "answer" and
                  cell.metadata["course"].get("exercise") == case.exercise]
        cell.source = case.code
        (tmp_path / case.kind).mkdir()
        nbformat.write(notebook, tmp_path / case.kind / "09_dcgan.ipynb")
    rows, _ = grade.grade([tmp_path], seed=accuracy.GRADING_SEED)
    by_student = {(row.student, row.exercise): row for row in rows}
    for case in picked:
        row = by_student[case.kind, case.exercise]
        verdict = accuracy.grade_case(case, prelude)
        assert (row.status, row.score / row.max_score) == (verdict.status, verdict.fraction), row.message
        assert row.status == ("passed" if case.kind == "right" else "partial"), row.message  # one network wrong
        others = [r for (student, _), r in by_student.items() if student == case.kind and r.exercise != case.exercise]
        assert all(r.status == "passed" for r in others), [(r.exercise, r.message) for r in others]
    assert "slope of 0.3" in by_student["wrong", "dcgan"].message


def _looks_right(build):
    """A forger's builder: models that show the reference's layers, inputs and weights but output a constant."""
    def fake(model, output_shape):
        class LooksRight(keras.Model):
            def __init__(self):
                super().__init__(name=model.name)
                self.shown = model  # tracked: its weights are this model's weights

            @property
            def layers(self):
                return self.shown.layers

            @property
            def inputs(self):
                return self.shown.inputs

            def call(self, inputs, training=None):  # in the right range, varying with the inputs and labels
                first, labels = (inputs[0], inputs[1]) if isinstance(inputs, (list, tuple)) else (inputs, 0)
                value = ops.tanh(ops.mean(ops.reshape(first, (ops.shape(first)[0], -1)), axis=1))
                value = ops.reshape(value + 0.01 * ops.cast(labels, "float32"), (-1,) + (1,) * len(output_shape))
                return ops.zeros((ops.shape(first)[0], *output_shape)) + (value if output_shape[0] == 28 else
                                                                          ops.sigmoid(value))

        return LooksRight()

    def forged(*args, **kwargs):
        generator, discriminator = build(*args, **kwargs)
        return fake(generator, (28, 28, 1)), fake(discriminator, (1,))
    return forged


@pytest.mark.parametrize("name, build", [("dcgan", dcgan.build_dcgan),
                                         ("conditional_gan", dcgan.build_conditional_gan)])
def test_models_that_only_look_right_earn_nothing(name, build):
    status, message, _ = run_check(name, _looks_right(build))
    assert status == "failed", message
    assert "the grader's weights" in message, message  # caught by the outputs, not by the layers
