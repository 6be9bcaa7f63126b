"""The Fashion-MNIST loader: search order, split, caching and every error, on small fake files."""

import gzip
import struct

import numpy as np
import pytest

from helpers import data


def write_idx(path, array, compress=True, magic=None):
    header = magic if magic is not None else struct.pack(">HBB", 0, 0x08, array.ndim)
    payload = header + struct.pack(f">{array.ndim}I", *array.shape) + array.astype(np.uint8).tobytes()
    if compress:
        with gzip.open(str(path) + ".gz", "wb", compresslevel=1) as f:
            f.write(payload)
    else:
        path.write_bytes(payload)


def make_dataset(folder, fill=0, compress=True):
    """A fake but well-formed copy; images hold ``fill`` so each folder is recognisable."""
    folder.mkdir(parents=True, exist_ok=True)
    write_idx(folder / "train-images-idx3-ubyte", np.full((60_000, 28, 28), fill, np.uint8), compress)
    write_idx(folder / "train-labels-idx1-ubyte", np.arange(60_000) % 10, compress)
    write_idx(folder / "t10k-images-idx3-ubyte", np.full((10_000, 28, 28), fill, np.uint8), compress)
    write_idx(folder / "t10k-labels-idx1-ubyte", np.arange(10_000) % 10, compress)
    return folder


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No real data: the Keras cache and the Debian folder point into tmp_path, downloads fail loudly."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "debian")

    def no_network():
        raise ConnectionError("no network in tests")

    monkeypatch.setattr(data, "_keras_download", no_network)
    data.clear_cache()
    yield
    data.clear_cache()


def test_split_sizes_dtypes_and_range(tmp_path):
    make_dataset(tmp_path / "debian", fill=255)
    fashion = data.load_fashion_mnist()
    assert fashion.X_train.shape == (55_000, 28, 28)
    assert fashion.X_valid.shape == (5_000, 28, 28)
    assert fashion.X_test.shape == (10_000, 28, 28)
    assert fashion.X_train.dtype == np.float32 and fashion.X_train.max() == pytest.approx(1.0)
    assert fashion.y_train.shape == (55_000,) and fashion.y_valid.shape == (5_000,)
    # the validation set is the last 5,000 training images, as in the book
    assert fashion.y_valid[0] == 55_000 % 10
    assert fashion.class_names[9] == "Ankle boot"


def test_search_order_env_then_keras_cache_then_debian(tmp_path, monkeypatch):
    make_dataset(tmp_path / "debian", fill=3)
    assert data.load_fashion_mnist().X_test[0, 0, 0] == pytest.approx(3 / 255)
    make_dataset(tmp_path / "keras_home" / "datasets" / "fashion-mnist", fill=2, compress=False)
    data.clear_cache()
    assert data.load_fashion_mnist().X_test[0, 0, 0] == pytest.approx(2 / 255)
    make_dataset(tmp_path / "env", fill=1)
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "env"))
    data.clear_cache()
    assert data.load_fashion_mnist().X_test[0, 0, 0] == pytest.approx(1 / 255)
    make_dataset(tmp_path / "explicit", fill=4)
    assert data.load_fashion_mnist(path=tmp_path / "explicit").X_test[0, 0, 0] == pytest.approx(4 / 255)


def test_download_is_the_last_resort(monkeypatch):
    calls = []

    def fake_download():
        calls.append(1)
        images = np.zeros((60_000, 28, 28), np.uint8)
        return {"train_images": images, "train_labels": np.zeros(60_000, np.uint8),
                "test_images": images[:10_000], "test_labels": np.zeros(10_000, np.uint8)}

    monkeypatch.setattr(data, "_keras_download", fake_download)
    assert data.load_fashion_mnist().source == "keras download"
    assert calls == [1]


def test_nothing_found_lists_every_place_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(data.DatasetNotFoundError) as error:
        data.load_fashion_mnist()
    message = str(error.value)
    for expected in (str(tmp_path / "nowhere"), "keras_home", str(tmp_path / "debian"), "Keras download: failed",
                     "apt-get install dataset-fashion-mnist"):
        assert expected in message


def test_explicit_path_is_the_only_place_searched(tmp_path):
    make_dataset(tmp_path / "debian")
    with pytest.raises(data.DatasetNotFoundError, match="path argument"):
        data.load_fashion_mnist(path=tmp_path / "empty")


def test_truncated_gzip_is_a_clear_error(tmp_path):
    folder = make_dataset(tmp_path / "debian")
    target = folder / "t10k-images-idx3-ubyte.gz"
    target.write_bytes(target.read_bytes()[:-100])
    with pytest.raises(data.DatasetCorruptError, match="t10k-images-idx3-ubyte.gz.*truncated"):
        data.load_fashion_mnist()


def test_short_data_is_a_clear_error(tmp_path):
    folder = make_dataset(tmp_path / "debian", compress=False)
    target = folder / "train-labels-idx1-ubyte"
    target.write_bytes(target.read_bytes()[:-1])
    with pytest.raises(data.DatasetCorruptError, match="train-labels-idx1-ubyte has 59999 bytes"):
        data.load_fashion_mnist()


def test_wrong_magic_and_wrong_shape_are_clear_errors(tmp_path):
    folder = make_dataset(tmp_path / "debian")
    write_idx(folder / "t10k-labels-idx1-ubyte", np.zeros(10_000, np.uint8), magic=b"\x1f\x8b\x08\x01")
    with pytest.raises(data.DatasetCorruptError, match="not an IDX file"):
        data.load_fashion_mnist()
    write_idx(folder / "t10k-labels-idx1-ubyte", np.zeros(9_000, np.uint8))
    with pytest.raises(data.DatasetCorruptError, match=r"shape \(9000,\), expected \(10000,\)"):
        data.load_fashion_mnist()


def test_labels_out_of_range_are_rejected(tmp_path):
    folder = make_dataset(tmp_path / "debian")
    write_idx(folder / "t10k-labels-idx1-ubyte", np.full(10_000, 11, np.uint8))
    with pytest.raises(data.DatasetCorruptError, match="labels outside 0-9"):
        data.load_fashion_mnist()


def test_loading_is_cached_and_read_only(tmp_path, monkeypatch):
    make_dataset(tmp_path / "debian")
    first = data.load_fashion_mnist()
    monkeypatch.setattr(data, "read_folder", lambda folder: pytest.fail("files were read again"))
    assert data.load_fashion_mnist() is first
    with pytest.raises(ValueError):
        first.X_train[0, 0, 0] = 1.0


def test_bad_path_argument_type():
    with pytest.raises(TypeError, match="folder path"):
        data.load_fashion_mnist(path=42)
