"""Data: the logic gates, the tutorials' toy sets, moons, circles, spirals and blobs, digits and IDX files.

The toy loaders return ``(X, Y)`` as float arrays of shape ``(n_samples,
n_features)`` and ``(n_samples, n_targets)``. The image loaders return pixels
scaled to [0, 1] and integer labels; :func:`one_hot` turns labels into
targets for the ``cross_entropy`` loss and :func:`train_test_split` holds out
data for validation and testing. Loaders only parse numbers: nothing read
from a file is ever executed.

Examples
--------
>>> X, Y = xor()
>>> X.tolist(), Y.ravel().tolist()
([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .._checks import SeedLike, check_count, check_seed
from ..errors import (
    DataError,
    MissingDependencyError,
    ParameterError,
    ShapeError,
    unknown_name,
)
from .idx import load_idx, load_mnist
from .playground_data import playground, playground_features
from .toy import blobs, circles, moons, spirals

__all__ = [
    "binary_digits",
    "blobs",
    "circles",
    "glyphs",
    "height_weight",
    "load_digits",
    "load_idx",
    "load_mnist",
    "logic_gate",
    "mazur_example",
    "moons",
    "one_hot",
    "playground",
    "playground_features",
    "spirals",
    "train_test_split",
    "xor",
]

_GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_GATES = {
    "and": [0.0, 0.0, 0.0, 1.0],
    "or": [0.0, 1.0, 1.0, 1.0],
    "xor": [0.0, 1.0, 1.0, 0.0],
    "nand": [1.0, 1.0, 1.0, 0.0],
    "nor": [1.0, 0.0, 0.0, 0.0],
}


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input logic gate: and, or, xor, nand or nor.

    Examples
    --------
    >>> X, Y = logic_gate("and")
    >>> Y.ravel().tolist()
    [0.0, 0.0, 0.0, 1.0]
    """
    if not isinstance(name, str) or name.lower() not in _GATES:
        raise unknown_name("logic gate", name, sorted(_GATES))
    return _GATE_INPUTS.copy(), np.array(_GATES[name.lower()]).reshape(-1, 1)


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table: the classic problem one neuron cannot learn.

    Examples
    --------
    >>> X, Y = xor()
    >>> X.shape, Y.shape
    ((4, 2), (4, 1))
    """
    return logic_gate("xor")


def height_weight() -> tuple[np.ndarray, np.ndarray]:
    """Four people's weight and height, and their sex: a one-neuron toy problem.

    The data of the classic "introduction to neural networks" tutorial:
    Alice (133 lb, 65 in), Bob (160 lb, 72 in), Charlie (152 lb, 70 in) and
    Diana (120 lb, 60 in). The features are preprocessed as in the tutorial,
    weight − 135 lb and height − 66 in; the target is 1 for female, 0 for male.

    Examples
    --------
    >>> X, Y = height_weight()
    >>> X[0].tolist(), Y[0].tolist()
    ([-2.0, -1.0], [1.0])
    """
    weight_lb = np.array([133.0, 160.0, 152.0, 120.0])
    height_in = np.array([65.0, 72.0, 70.0, 60.0])
    X = np.column_stack([weight_lb - 135.0, height_in - 66.0])
    Y = np.array([[1.0], [0.0], [0.0], [1.0]])
    return X, Y


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8×8 handwritten digits: 1797 images, 10 classes.

    Returns
    -------
    X : ndarray, shape (1797, 64)
        Pixels scaled from 0–16 to [0, 1], one image per row.
    y : ndarray of int, shape (1797,)
        The digit each image shows.

    Raises
    ------
    MissingDependencyError
        If scikit-learn (the optional ``data`` extra) is not installed.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y[:5].tolist(), float(X.max())
    ((1797, 64), [0, 1, 2, 3, 4], 1.0)
    """
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        raise MissingDependencyError(
            "load_digits reads the digits bundled with scikit-learn, which is not "
            "installed. Install it with 'pip install scikit-learn' (or, in neurosim's "
            "source tree, 'pip install \".[data]\"')."
        ) from None
    digits = sklearn_digits()
    return digits.data / 16.0, digits.target.astype(np.int64)


# IDX type codes (http://yann.lecun.com/exdb/mnist/): big-endian numbers.
def one_hot(labels: ArrayLike, n_classes: int | None = None) -> np.ndarray:
    """Turn integer class labels into one-hot target rows.

    Parameters
    ----------
    labels : array_like of int, shape (n_samples,)
        Labels 0 … n_classes − 1.
    n_classes : int, optional
        The number of classes; one more than the largest label if not given.

    Returns
    -------
    ndarray, shape (n_samples, n_classes)

    Examples
    --------
    >>> one_hot([2, 0, 1])
    array([[0., 0., 1.],
           [1., 0., 0.],
           [0., 1., 0.]])
    """
    raw = _as_labels(labels)
    largest = int(raw.max()) + 1 if raw.size else 0
    n_classes = largest if n_classes is None else check_count(n_classes, "n_classes")
    if largest > n_classes:
        raise DataError(
            f"label {largest - 1} does not fit n_classes={n_classes}; pass a larger n_classes"
        )
    targets = np.zeros((raw.size, n_classes))
    targets[np.arange(raw.size), raw] = 1.0
    return targets


def _as_labels(labels: ArrayLike) -> np.ndarray:
    """Validate class labels: a 1-D array of whole numbers >= 0, as int64."""
    raw = np.asarray(labels)
    if raw.ndim != 1:
        raise ShapeError(
            f"labels must be a 1-D array of class numbers, got shape {raw.shape}"
        )
    whole = raw.dtype.kind in "iu" or (
        raw.dtype.kind == "f"
        and bool(np.all(np.isfinite(raw) & (raw == np.round(raw))))
    )
    if not whole:
        raise DataError(
            f"labels must be whole class numbers 0, 1, 2, ..., got {raw[:5].tolist()}"
            + ("..." if raw.size > 5 else "")
        )
    raw = raw.astype(np.int64)
    if raw.size and raw.min() < 0:
        raise DataError(f"labels must be >= 0, got {int(raw.min())}")
    return raw


def train_test_split(
    *arrays: ArrayLike, test_size: float = 0.25, seed: SeedLike = None
) -> list[np.ndarray]:
    """Shuffle the samples and split each array into a training and a test part.

    Parameters
    ----------
    *arrays : array_like
        Arrays with the same number of rows (samples), e.g. ``X, y``.
    test_size : float or int, default 0.25
        The fraction (0 < test_size < 1) or the number of samples held out.
    seed : int, optional
        Seed of the shuffle; numpy's global random state is not used.

    Returns
    -------
    list of ndarray
        ``train, test`` for each array in turn: ``X_train, X_test, y_train, y_test``.

    Examples
    --------
    >>> X, y = np.arange(10).reshape(5, 2), np.arange(5)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=2, seed=0)
    >>> X_train.shape, X_test.shape, sorted(y_train.tolist() + y_test.tolist())
    ((3, 2), (2, 2), [0, 1, 2, 3, 4])
    """
    if not arrays:
        raise ParameterError("train_test_split needs at least one array")
    arrays = [np.asarray(a) for a in arrays]
    lengths = [a.shape[0] if a.ndim else None for a in arrays]
    if None in lengths or len(set(lengths)) != 1:
        raise ShapeError(
            f"every array must have one row per sample and the same number of rows; got "
            f"row counts {lengths}"
        )
    n = lengths[0]
    n_test = _test_count(test_size, n)
    order = check_seed(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return [part for a in arrays for part in (a[train], a[test])]


def _test_count(test_size: float, n: int) -> int:
    if isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, (float, np.floating)) and 0.0 < test_size < 1.0:
        n_test = int(np.ceil(test_size * n))
    else:
        raise ParameterError(
            f"test_size must be a fraction in (0, 1) or a sample count, got {test_size!r}"
        )
    if not 0 < n_test < n:
        raise ParameterError(
            f"test_size={test_size!r} holds out {n_test} of {n} samples; both parts must "
            "keep at least one sample"
        )
    return n_test


_GLYPHS = {
    "A": ["...##.....", "..#..#....", ".#....#...", "#......#..", "#......#..",
          "########..", "#......#..", "#......#..", "#......#..", ".........."],
    "C": [".######...", "#......#..", "#.........", "#.........", "#.........",
          "#.........", "#.........", "#......#..", ".######...", ".........."],
    "E": ["########..", "#.........", "#.........", "#.........", "######....",
          "#.........", "#.........", "#.........", "########..", ".........."],
    "H": ["#......#..", "#......#..", "#......#..", "#......#..", "########..",
          "#......#..", "#......#..", "#......#..", "#......#..", ".........."],
    "L": ["#.........", "#.........", "#.........", "#.........", "#.........",
          "#.........", "#.........", "#.........", "########..", ".........."],
    "T": ["#########.", "....#.....", "....#.....", "....#.....", "....#.....",
          "....#.....", "....#.....", "....#.....", "....#.....", ".........."],
    "X": ["#.......#.", ".#.....#..", "..#...#...", "...#.#....", "....#.....",
          "...#.#....", "..#...#...", ".#.....#..", "#.......#.", ".........."],
    "Z": ["#########.", ".......#..", "......#...", ".....#....", "....#.....",
          "...#......", "..#.......", ".#........", "#########.", ".........."],
}  # fmt: skip


def glyphs(names: str | Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """Letters drawn as 10×10 bitmaps of ±1 (+1 ink, −1 paper), for Hopfield demos.

    Parameters
    ----------
    names : str or sequence of str, optional
        Which letters (``"AEX"`` or ``["A", "E"]``); all of A C E H L T X Z
        by default.

    Returns
    -------
    dict of str to ndarray of int, shape (10, 10)

    Examples
    --------
    >>> letters = glyphs("TL")
    >>> sorted(letters), letters["T"].shape
    (['L', 'T'], (10, 10))
    >>> "".join("#" if v > 0 else "." for v in letters["T"][1])
    '....#.....'
    """
    names = list(_GLYPHS) if names is None else list(names)
    unknown = [name for name in names if name not in _GLYPHS]
    if unknown:
        raise unknown_name("glyph", unknown[0], list(_GLYPHS))
    return {
        name: np.array([[1 if c == "#" else -1 for c in row] for row in _GLYPHS[name]])
        for name in names
    }


def binary_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8×8 digits binarised to ±1 (pixel > 0.5 is +1), for Hopfield networks.

    Returns
    -------
    X : ndarray of int, shape (1797, 64)
    y : ndarray of int, shape (1797,)

    Examples
    --------
    >>> X, y = binary_digits()
    >>> X.shape, sorted(set(X.ravel().tolist()))
    ((1797, 64), [-1, 1])
    """
    X, y = load_digits()
    return np.where(X > 0.5, 1, -1), y


def mazur_example():
    """Matt Mazur's "A Step by Step Backpropagation Example": network, input, target.

    A 2-2-2 sigmoid network with his weights (0.15 … 0.55) and biases (0.35
    hidden, 0.60 output), the input (0.05, 0.10) and the target (0.01, 0.99).
    With the ``sse`` loss and learning rate 0.5 every number of his post can
    be checked against ``net.explain``.

    Returns
    -------
    net : Network
    x, target : list of float

    Examples
    --------
    >>> net, x, target = mazur_example()
    >>> net.forward(x).round(9)
    array([0.75136507, 0.77292847])
    >>> round(net.backward(target, loss="sse"), 9)
    0.298371109
    """
    from ..network import Network

    net = Network()
    for name in ("i1", "i2"):
        net.add_input(name)
    for name in ("h1", "h2"):
        net.add_neuron(name, activation="sigmoid", bias=0.35)
    for name in ("o1", "o2"):
        net.add_output(name, activation="sigmoid", bias=0.60)
    for source, target, weight in [
        ("i1", "h1", 0.15), ("i2", "h1", 0.20), ("i1", "h2", 0.25), ("i2", "h2", 0.30),
        ("h1", "o1", 0.40), ("h2", "o1", 0.45), ("h1", "o2", 0.50), ("h2", "o2", 0.55),
    ]:  # fmt: skip
        net.connect(source, target, weight=weight)
    return net, [0.05, 0.10], [0.01, 0.99]
