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
