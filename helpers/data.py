"""Fashion-MNIST with the book's split, loaded without a network when the files are on disk.

``load_fashion_mnist()`` looks for the four IDX files, in this order:

1. an explicit ``path=`` argument, or the ``FASHION_MNIST_DIR`` environment variable;
2. the Keras cache, ``~/.keras/datasets/fashion-mnist`` (or under ``$KERAS_HOME``);
3. Debian's ``dataset-fashion-mnist`` package, ``/usr/share/datasets/fashion-mnist``;
4. a Keras download (``keras.datasets.fashion_mnist.load_data()``), which fills the Keras cache.

Files may be gzipped (``*.gz``, as distributed) or not. A truncated or corrupt file raises
:class:`DatasetCorruptError` naming the file; nothing found raises :class:`DatasetNotFoundError` listing every
place tried and the command that fixes it. Results are cached in memory, so lessons can call the loader freely;
the cached arrays are read-only (copy one before changing it in place).
"""

import dataclasses
import functools
import gzip
import os
import pathlib
import struct
import zlib

import numpy as np

ENV_VAR = "FASHION_MNIST_DIR"
DEBIAN_DIR = pathlib.Path("/usr/share/datasets/fashion-mnist")
NUM_VALID = 5_000

CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

# name -> (IDX type code for unsigned bytes, number of dimensions, expected shape)
_FILES = {
    "train_images": ("train-images-idx3-ubyte", 3, (60_000, 28, 28)),
    "train_labels": ("train-labels-idx1-ubyte", 1, (60_000,)),
    "test_images": ("t10k-images-idx3-ubyte", 3, (10_000, 28, 28)),
    "test_labels": ("t10k-labels-idx1-ubyte", 1, (10_000,)),
}

FIX_HINT = (
    "To fix it, do one of these:\n"
    "  - on Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
    "  - download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and\n"
    "    t10k-labels-idx1-ubyte.gz from the Fashion-MNIST project into ~/.keras/datasets/fashion-mnist\n"
    f"  - or put them in any folder and set {ENV_VAR}=/that/folder"
)


class DatasetNotFoundError(FileNotFoundError):
    """No complete copy of Fashion-MNIST was found in any place the loader looks."""


class DatasetCorruptError(ValueError):
    """A Fashion-MNIST file exists but is truncated or not an IDX file of the expected shape."""


@dataclasses.dataclass(frozen=True)
class FashionMNIST:
    """Fashion-MNIST split as in the book.

    Attributes:
        X_train: (55000, 28, 28) float32 in [0, 1]; y_train: (55000,) uint8 class ids
        X_valid: (5000, 28, 28) float32 in [0, 1];  y_valid: (5000,) uint8
        X_test: (10000, 28, 28) float32 in [0, 1];  y_test: (10000,) uint8
        class_names: the ten class names, indexed by class id
        source: the folder the files came from, or "keras download"
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_valid: np.ndarray
    y_valid: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple
    source: str


def keras_cache_dir():
    """The folder where ``keras.datasets.fashion_mnist`` keeps its download."""
    keras_home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return pathlib.Path(keras_home) / "datasets" / "fashion-mnist"


def candidate_dirs(path=None):
    """The folders to search, in order, as ``(label, folder)`` pairs (the download is not listed)."""
    if path is not None:
        return [("path argument", pathlib.Path(path))]
    places = []
    if os.environ.get(ENV_VAR):
        places.append((f"${ENV_VAR}", pathlib.Path(os.environ[ENV_VAR])))
    places.append(("Keras cache", keras_cache_dir()))
    places.append(("Debian package dataset-fashion-mnist", DEBIAN_DIR))
    return places


def _find_file(folder, stem):
    for name in (stem + ".gz", stem):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def read_idx(file_path, ndim, shape=None):
    """Read one IDX file of unsigned bytes (gzipped or not) into a uint8 array, checking it thoroughly.

    Raises:
        DatasetCorruptError: the file is truncated, not gzip/IDX, or not of ``ndim`` dimensions and ``shape``.
    """
    file_path = pathlib.Path(file_path)
    opener = gzip.open if file_path.suffix == ".gz" else open
    try:
        with opener(file_path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as error:
        raise DatasetCorruptError(
            f"{file_path} is unreadable or truncated ({error}). Delete it and fetch it again.\n{FIX_HINT}"
        ) from error
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise DatasetCorruptError(f"{file_path} is too short to be an IDX file ({len(raw)} bytes). {FIX_HINT}")
    zero, type_code, dims = struct.unpack(">HBB", raw[:4])
    if zero != 0 or type_code != 0x08 or dims != ndim:
        raise DatasetCorruptError(
            f"{file_path} is not an IDX file of {ndim}-D unsigned bytes (header {raw[:4].hex()}). {FIX_HINT}"
        )
    found_shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    if shape is not None and tuple(found_shape) != tuple(shape):
        raise DatasetCorruptError(f"{file_path} holds shape {found_shape}, expected {tuple(shape)}. {FIX_HINT}")
    expected_bytes = int(np.prod(found_shape))
    if len(raw) - header_size != expected_bytes:
        raise DatasetCorruptError(
            f"{file_path} has {len(raw) - header_size} bytes of data, expected {expected_bytes} "
            f"(truncated or padded). Delete it and fetch it again.\n{FIX_HINT}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(found_shape)


def read_folder(folder):
    """Read the four files from ``folder``: a dict of uint8 arrays, or None when any file is missing."""
    folder = pathlib.Path(folder)
    found = {key: _find_file(folder, stem) for key, (stem, _, _) in _FILES.items()}
    if not all(found.values()):
        return None
    arrays = {key: read_idx(found[key], ndim, shape) for key, (_, ndim, shape) in _FILES.items()}
    for key in ("train_labels", "test_labels"):
        if arrays[key].max() >= len(CLASS_NAMES):
            raise DatasetCorruptError(f"{found[key]} has labels outside 0-9. {FIX_HINT}")
    return arrays


def _keras_download():
    import keras  # imported lazily: loading from disk needs no TensorFlow

    (train_images, train_labels), (test_images, test_labels) = keras.datasets.fashion_mnist.load_data()
    return {
        "train_images": train_images, "train_labels": train_labels,
        "test_images": test_images, "test_labels": test_labels,
    }


def _split(arrays, source):
    def scaled(images):
        out = images.astype(np.float32) / 255.0
        out.flags.writeable = False
        return out

    def frozen(labels):
        out = np.array(labels, dtype=np.uint8)
        out.flags.writeable = False
        return out

    X_full, y_full = arrays["train_images"], arrays["train_labels"]
    return FashionMNIST(
        X_train=scaled(X_full[:-NUM_VALID]), y_train=frozen(y_full[:-NUM_VALID]),
        X_valid=scaled(X_full[-NUM_VALID:]), y_valid=frozen(y_full[-NUM_VALID:]),
        X_test=scaled(arrays["test_images"]), y_test=frozen(arrays["test_labels"]),
        class_names=CLASS_NAMES, source=source,
    )


@functools.lru_cache(maxsize=4)
def _load_cached(folders, download):
    tried = []
    for label, folder in folders:
        arrays = read_folder(folder)
        if arrays is not None:
            return _split(arrays, str(folder))
        tried.append(f"  - {label}: {folder} (files missing)")
    if download:
        try:
            return _split(_keras_download(), "keras download")
        except Exception as error:  # any network or HTTP failure: report it with the rest
            tried.append(f"  - Keras download: failed ({type(error).__name__}: {error})")
    else:
        tried.append("  - Keras download: not attempted (download=False)")
    raise DatasetNotFoundError("Fashion-MNIST was not found. Tried, in order:\n" + "\n".join(tried) + "\n" + FIX_HINT)


def load_fashion_mnist(path=None, download=True):
    """Fashion-MNIST with the book's split: 55,000 train / 5,000 validation / 10,000 test.

    Args:
        path: a folder holding the four IDX files; when given, only this folder is searched.
        download: whether to fall back to a Keras download when no folder has the files.

    Returns:
        FashionMNIST: images float32 in [0, 1] of shape (n, 28, 28), labels uint8, class names.

    Raises:
        DatasetNotFoundError: no place had the files (the message lists every place tried and the fix).
        DatasetCorruptError: a file was found but is truncated or malformed.
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a folder path, not {type(path).__name__}")
    folders = tuple((label, folder.expanduser().resolve()) for label, folder in candidate_dirs(path))
    return _load_cached(folders, bool(download and path is None))


def clear_cache():
    """Forget loaded data (the next call re-reads the files)."""
    _load_cached.cache_clear()
