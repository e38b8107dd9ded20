"""MNIST and other IDX files: read as streams, never trusting what the header declares.

Loaders only parse numbers: nothing read from a file is ever executed. A
gzip stream is decompressed as a stream, and reading stops as soon as the
data outgrow the size the header declares.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib

import numpy as np

from .._files import open_existing
from ..errors import DataNotFoundError, FormatError

__all__ = ["load_idx", "load_mnist"]


_IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def load_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file, the format of MNIST, raw or gzip-compressed.

    The header is two zero bytes, a type code, the number of dimensions and
    each dimension as a big-endian 32-bit integer; the numbers follow.

    Parameters
    ----------
    path : str or path-like
        The file; gzip compression is recognised from its first bytes.

    Returns
    -------
    ndarray
        The array, with the file's shape and a native-endian dtype.

    Raises
    ------
    DataNotFoundError
        If there is no file at ``path`` (or it is a folder).
    FormatError
        If the file is not a well-formed IDX file (bad magic number, unknown
        type code, impossible dimensions, too few or too many bytes, a
        damaged gzip stream). A gzip file is decompressed as a stream and
        reading stops as soon as the data outgrows what the header
        declares, so memory stays bounded by the declared size.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny-idx1-ubyte")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 2, 1]))
    >>> load_idx(path)
    array([7, 2, 1], dtype=uint8)
    """
    name = os.fspath(path)
    hint = "pass the path of a file such as 'train-images-idx3-ubyte' or its '.gz'"
    with open_existing(path, "IDX file", hint) as file:
        if file.read(2) != b"\x1f\x8b":
            file.seek(0)
            return _read_idx(file, name, os.fstat(file.fileno()).st_size)
        file.seek(0)
        try:
            with gzip.GzipFile(fileobj=file, mode="rb") as stream:
                return _read_idx(stream, name, None)
        except (OSError, EOFError, zlib.error) as error:
            # gzip.BadGzipFile is an OSError; a damaged deflate stream raises zlib.error.
            raise FormatError(
                f"{name!r} looks gzip-compressed but cannot be decompressed: {error}"
            ) from None


# numpy arrays have at most 64 dimensions; an IDX header can declare 255.
_IDX_MAX_NDIM = 64
# Read in pieces of this size, so memory never runs ahead of the data present.
_IDX_CHUNK = 1 << 20


def _read_idx(stream, name: str, file_size: int | None) -> np.ndarray:
    """Parse an IDX stream, reading no more than its header declares.

    ``file_size`` is the size of a raw file (checked before reading the data),
    or None for a decompressing stream, which is read in bounded pieces.
    """
    head = stream.read(4)
    if len(head) < 4 or head[:2] != b"\x00\x00" or head[2] not in _IDX_TYPES:
        raise FormatError(
            f"{name!r} is not an IDX file: it should start with two zero bytes, a type "
            f"code in {[hex(code) for code in _IDX_TYPES]} and a dimension count; it "
            f"starts with {head!r}"
        )
    dtype, ndim = _IDX_TYPES[head[2]], head[3]
    if not 1 <= ndim <= _IDX_MAX_NDIM:
        raise FormatError(
            f"{name!r} declares {ndim} dimensions; an IDX file has 1 to {_IDX_MAX_NDIM}"
        )
    dims = stream.read(4 * ndim)
    if len(dims) < 4 * ndim:
        raise FormatError(f"{name!r} ends inside its header")
    shape = tuple(int.from_bytes(dims[4 * k : 4 * k + 4], "big") for k in range(ndim))
    # Python integers: a product of large dimensions must not wrap around.
    n_bytes = dtype.itemsize * math.prod(shape)
    expected = 4 + 4 * ndim + n_bytes

    def mismatch(found: str) -> FormatError:
        return FormatError(
            f"{name!r} declares shape {shape} of {dtype.name}, which takes {expected} "
            f"bytes with the header, but {found}; it is truncated or not an IDX file"
        )

    if file_size is not None and file_size != expected:
        raise mismatch(f"the file has {file_size}")
    data = bytearray()
    while len(data) < n_bytes:
        piece = stream.read(min(_IDX_CHUNK, n_bytes - len(data)))
        if not piece:
            raise mismatch(f"the data ends after {4 + 4 * ndim + len(data)}")
        data += piece
    if stream.read(1):
        raise mismatch("the data goes on beyond that")
    try:
        values = np.frombuffer(data, dtype=dtype).reshape(shape)
    except ValueError:
        # An empty array whose other dimensions numpy cannot index.
        raise FormatError(
            f"{name!r} declares shape {shape}, which no array can have"
        ) from None
    return values.astype(dtype.newbyteorder("="))


_MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def load_mnist(
    folder: str | os.PathLike,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Read MNIST (or Fashion-MNIST) from the four IDX files in ``folder``.

    The files keep their original names, with or without ``.gz``:
    ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``.

    Returns
    -------
    (X_train, y_train), (X_test, y_test)
        Images flattened to rows of pixels in [0, 1] (float64), integer labels.

    Raises
    ------
    DataNotFoundError
        If a file is missing; the message lists what is expected where.
    FormatError
        If a file is malformed, or images and labels do not match.
    """
    paths, missing = {}, []
    for key, stem in _MNIST_FILES.items():
        found = [
            os.path.join(folder, stem + ext)
            for ext in ("", ".gz")
            if os.path.isfile(os.path.join(folder, stem + ext))
        ]
        if found:
            paths[key] = found[0]
        else:
            missing.append(stem + "[.gz]")
    if missing:
        raise DataNotFoundError(
            f"MNIST files missing from {os.fspath(folder)!r}: {', '.join(missing)}. "
            "Download the four IDX files (for example from a mirror of "
            "yann.lecun.com/exdb/mnist) into that folder."
        )
    splits = []
    for part in ("train", "test"):
        images = load_idx(paths[f"{part}_images"])
        labels = load_idx(paths[f"{part}_labels"])
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise FormatError(
                f"the {part} images have shape {images.shape} and the labels {labels.shape}; "
                "expected (n, rows, columns) images and n labels"
            )
        pixels = images.reshape(len(images), -1).astype(np.float64) / 255.0
        splits.append((pixels, labels.astype(np.int64)))
    return splits[0], splits[1]
