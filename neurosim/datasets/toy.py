"""The toy data sets every course draws: moons, circles, spirals and Gaussian blobs.

Each returns ``(X, y)``: points of shape (n_samples, 2) (blobs: n_features)
and integer class labels of shape (n_samples,) — what ``cross_entropy``
takes directly, and :func:`~neurosim.datasets.one_hot` turns into rows. Every
draw comes from ``seed`` (a seeded ``numpy.random.Generator``); without
noise, moons and circles are exactly scikit-learn's ``make_moons`` and
``make_circles`` (unshuffled), so the pictures in its documentation apply.
No scikit-learn is needed.

Examples
--------
>>> X, y = moons(100, noise=0.1, seed=0)
>>> X.shape, y.shape, int(y.sum())
((100, 2), (100,), 50)
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from .._checks import SeedLike, as_float_array, check_count, check_number, check_seed
from ..errors import ParameterError, ShapeError

__all__ = ["blobs", "circles", "moons", "spirals"]


def _halves(n_samples: int) -> tuple[int, int]:
    """How ``n_samples`` split over two classes: the second gets the odd one out."""
    n_samples = check_count(n_samples, "n_samples", minimum=2)
    return n_samples // 2, n_samples - n_samples // 2


def _noise(value: float) -> float:
    noise = check_number(value, "noise")
    if noise < 0:
        raise ParameterError(
            f"noise must be >= 0 (a standard deviation), got {value!r}"
        )
    return noise


def _finish(X, y, noise, shuffle, rng, scale=1.0):
    """Add Gaussian noise (standard deviation ``noise·scale``), then shuffle if asked."""
    if noise:
        X = X + rng.normal(0.0, noise * scale, size=X.shape)
    if shuffle:
        order = rng.permutation(len(X))
        X, y = X[order], y[order]
    return X, y


def moons(
    n_samples: int = 100,
    noise: float = 0.0,
    seed: SeedLike = None,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (class 0 above, class 1 below).

    Parameters
    ----------
    n_samples : int, default 100
    noise : float, default 0
        Standard deviation of the Gaussian noise added to each coordinate.
    seed : None, int, SeedSequence or Generator
    shuffle : bool, default True
        False keeps class 0's points first, along the curve.

    Examples
    --------
    >>> X, y = moons(4, shuffle=False)
    >>> X.round(3).tolist(), y.tolist()
    ([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [2.0, 0.5]], [0, 0, 1, 1])
    """
    n_out, n_in = _halves(n_samples)
    rng = check_seed(seed)
    outer = np.linspace(0, math.pi, n_out)
    inner = np.linspace(0, math.pi, n_in)
    X = np.vstack(
        [
            np.column_stack([np.cos(outer), np.sin(outer)]),
            np.column_stack([1 - np.cos(inner), 1 - np.sin(inner) - 0.5]),
        ]
    )
    y = np.repeat([0, 1], [n_out, n_in])
    return _finish(X, y, _noise(noise), shuffle, rng)


def circles(
    n_samples: int = 100,
    noise: float = 0.0,
    factor: float = 0.8,
    seed: SeedLike = None,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle (class 1) inside a large one (class 0) of radius 1.

    Parameters
    ----------
    factor : float, default 0.8
        The inner circle's radius, between 0 and 1.

    Examples
    --------
    >>> X, y = circles(8, factor=0.5, shuffle=False)
    >>> float(np.hypot(*X[y == 1].T).max()), float(np.hypot(*X[y == 0].T).min())
    (0.5, 1.0)
    """
    factor = check_number(factor, "factor")
    if not 0 < factor < 1:
        raise ParameterError(f"factor must be between 0 and 1, got {factor!r}")
    n_out, n_in = _halves(n_samples)
    rng = check_seed(seed)
    outer = np.linspace(0, 2 * math.pi, n_out, endpoint=False)
    inner = np.linspace(0, 2 * math.pi, n_in, endpoint=False)
    X = np.vstack(
        [
            np.column_stack([np.cos(outer), np.sin(outer)]),
            factor * np.column_stack([np.cos(inner), np.sin(inner)]),
        ]
    )
    y = np.repeat([0, 1], [n_out, n_in])
    return _finish(X, y, _noise(noise), shuffle, rng)


def spirals(
    n_samples: int = 200,
    noise: float = 0.0,
    turns: float = 1.75,
    seed: SeedLike = None,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, TensorFlow Playground's hardest data set.

    Point ``i`` of ``n`` on a spiral lies at radius ``r = 5 i / n`` and angle
    ``t = turns · 2π i / n`` (plus π for class 1): ``(r sin t, r cos t)``.

    Parameters
    ----------
    turns : float, default 1.75
        How many times each spiral winds around the centre (Playground's).

    Examples
    --------
    >>> X, y = spirals(6, shuffle=False)
    >>> X[[0, 3]].round(6).tolist()
    [[0.0, 0.0], [0.0, -0.0]]
    """
    turns = check_number(turns, "turns")
    first, second = _halves(n_samples)
    rng = check_seed(seed)
    parts = []
    for count, offset in ((first, 0.0), (second, math.pi)):
        i = np.arange(count)
        radius = 5.0 * i / count
        angle = turns * 2 * math.pi * i / count + offset
        parts.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
    y = np.repeat([0, 1], [first, second])
    return _finish(np.vstack(parts), y, _noise(noise), shuffle, rng)


def blobs(
    n_samples: int = 100,
    centers: int | ArrayLike = 3,
    std: float = 1.0,
    n_features: int = 2,
    box: float = 10.0,
    seed: SeedLike = None,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs, one class each: as scikit-learn's ``make_blobs``.

    Parameters
    ----------
    centers : int or array_like, default 3
        How many blobs (their centres drawn uniformly in ``[-box, box]``), or
        their centres, one row each.
    std : float, default 1.0
        The standard deviation of each blob.
    n_features : int, default 2
        The dimension when ``centers`` is a number.
    box : float, default 10.0

    Examples
    --------
    >>> X, y = blobs(7, centers=[[0, 0], [5, 5]], std=0.1, seed=0)
    >>> np.bincount(y).tolist()
    [4, 3]
    """
    n_samples = check_count(n_samples, "n_samples")
    std = check_number(std, "std")
    if std < 0:
        raise ParameterError(f"std must be >= 0, got {std!r}")
    rng = check_seed(seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        count = check_count(centers, "centers")
        n_features = check_count(n_features, "n_features")
        box = check_number(box, "box")
        middles = rng.uniform(-box, box, size=(count, n_features))
    else:
        middles = as_float_array(centers, "centers")
        if middles.ndim != 2 or len(middles) == 0:
            raise ShapeError(
                f"centers must be a number or one row per blob, got shape {middles.shape}"
            )
    sizes = np.full(len(middles), n_samples // len(middles))
    sizes[: n_samples % len(middles)] += 1
    X = np.vstack(
        [rng.normal(m, std, size=(k, middles.shape[1])) for m, k in zip(middles, sizes)]
    )
    y = np.repeat(np.arange(len(middles)), sizes)
    return _finish(X, y, 0.0, shuffle, rng)
