"""Plotting helpers: accepted image layouts, clear errors, and no second display of the figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers import plotting  # noqa: E402


@pytest.mark.parametrize("shape", [(3, 28, 28), (3, 784), (3, 28, 28, 1)])
def test_image_layouts_are_accepted_and_nothing_is_returned(shape):
    images = np.zeros(shape, np.float32)
    # returning the figure would make Jupyter display it a second time at the end of a cell
    assert plotting.plot_image_rows({"a": images, "b": images}, n_images=3) is None
    assert plotting.plot_image_grid(images, n_cols=2) is None
    plt.close("all")


def test_bad_inputs_say_what_was_wrong():
    with pytest.raises(ValueError, match=r"\(n, 28, 28\)"):
        plotting.plot_image_grid(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="rows is empty"):
        plotting.plot_image_rows({})
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plotting.plot_codings_2d(np.zeros((5, 3)))


class _TwoDimensionalDecoder:
    input_shape = (None, 2)

    def predict(self, codings, verbose=0):
        return np.tile(codings[:, :1, None], (1, 28, 28))


def _records():
    return [{"epoch": e, "fid": 100.0 / e, "histogram": np.full(10, 0.1), "coverage": 10, "kl_uniform": 0.0}
            for e in (1, 2)]


CALLS = {
    "plot_image_rows": lambda: plotting.plot_image_rows({"a": np.zeros((3, 784))}),
    "plot_image_grid": lambda: plotting.plot_image_grid(np.zeros((3, 28, 28))),
    "plot_latent_manifold": lambda: plotting.plot_latent_manifold(_TwoDimensionalDecoder(), n=3),
    "plot_codings_2d": lambda: plotting.plot_codings_2d(np.zeros((4, 2)), [0, 1, 0, 1], ["a", "b"]),
    "plot_codings_map": lambda: plotting.plot_codings_map(np.random.default_rng(0).random((6, 2)), np.arange(6) % 3,
                                                          np.zeros((6, 28, 28)), ["a", "b", "c"]),
    "plot_activation_histograms": lambda: plotting.plot_activation_histograms(np.full((5, 4), 0.1), target=0.1),
    "plot_sampling_histogram": lambda: plotting.plot_sampling_histogram(np.zeros(50), 0.0, 0.0),
    "plot_learning_curves": lambda: plotting.plot_learning_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}),
    "plot_vae_history": lambda: plotting.plot_vae_history(
        {key: [1.0, 0.5] for key in ("loss", "reconstruction_loss", "kl_loss", "val_loss")}),
    "plot_recipe_curves": lambda: plotting.plot_recipe_curves({"a": ([1.0, 2.0], [0.3, 0.2])}, target=0.25),
    "plot_error_curves": lambda: plotting.plot_error_curves([0.1, 0.2], {"a": [0.01, 0.02]}, {"mean": 0.05},
                                                            {"trained at": 0.1}),
    "plot_penalties": lambda: plotting.plot_penalties(np.linspace(0, 1, 5), {"L1": np.linspace(0, 1, 5)}, 0.1),
    "plot_bars": lambda: plotting.plot_bars({"a": 0.5, "b": 0.75}, ylabel="accuracy"),
    "plot_fid_curves": lambda: plotting.plot_fid_curves({"run": _records()}),
    "plot_class_histograms": lambda: plotting.plot_class_histograms({"run": _records(), "other": _records()}),
    "plot_histogram_history": lambda: plotting.plot_histogram_history(_records()),
}


def test_every_plot_is_covered_here():
    # the folded module is the only plotting module: a new plot gets a call above
    public = {name for name in dir(plotting) if name.startswith("plot_")}
    assert public == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_plot_draws_one_figure_and_returns_nothing(name):
    plt.close("all")
    assert CALLS[name]() is None
    assert len(plt.get_fignums()) == 1
    plt.close("all")


def test_the_plotting_helpers_are_one_module():
    import pkgutil

    import helpers

    modules = {info.name for info in pkgutil.iter_modules(helpers.__path__)}
    assert "plotting" in modules and not any(name.startswith("plotting_") for name in modules)
    assert set(helpers.__all__) <= modules


def test_the_diffusion_grids_show_one_column_per_time_and_one_row_per_image(monkeypatch):
    from helpers import diffusion_tools

    shown = []
    monkeypatch.setattr(diffusion_tools.plt, "show", lambda: shown.append(plt.gcf()))
    clean = np.linspace(-1, 1, 3 * 28 * 28, dtype="float32").reshape(3, 28, 28, 1)
    assert diffusion_tools.plot_forward_process(clean, {10: clean, 500: -clean}) is None
    axes = shown[-1].axes
    assert len(axes) == 9 and [ax.get_title() for ax in axes[:3]] == ["t = 0", "t = 10", "t = 500"]
    # [-1, 1] samples are shown in [0, 1]: the t = 500 column is the t = 10 column inverted
    first, inverted = axes[1].get_images()[0].get_array(), axes[2].get_images()[0].get_array()
    np.testing.assert_allclose(first + inverted, 1.0, atol=1e-6)
    states = {0: np.zeros((4, 28, 28), "float32"), 1000: np.ones((4, 28, 28), "float32")}
    diffusion_tools.plot_chain(states, n_images=2)
    axes = shown[-1].axes
    assert len(axes) == 4 and [ax.get_title() for ax in axes[:2]] == ["t = 1000", "t = 0"]  # from noise to image
    plt.close("all")
