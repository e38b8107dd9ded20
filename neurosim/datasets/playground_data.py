"""TensorFlow Playground's six data sets and its seven input features, drawn reproducibly.

The live training page (:func:`neurosim.teaching.playground.playground`)
draws the same points from the same seed: both draw from numpy's default
generator (PCG64 seeded through a ``SeedSequence``), which the page's script
implements word for word, and both follow Playground's own recipes (its
``dataset.ts``) with every ``Math.random()`` replaced by ``rng.random()``, in
the same order. So the points the page shows, its train/test split and the
shuffling of every epoch are those of :func:`playground` and of
:func:`neurosim.fit` with the same seed.

Examples
--------
>>> X, Y = playground("xor", 200, noise=0, seed=0)
>>> X.shape, Y.shape, sorted(set(Y.ravel().tolist()))
((200, 2), (200, 1), [-1.0, 1.0])
>>> bool(((X[:, 0] * X[:, 1] >= 0) == (Y[:, 0] > 0)).all())   # XOR's quadrants
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .._checks import SeedLike, as_float_array, check_count, check_number, check_seed
from ..errors import ParameterError, ShapeError, unknown_name

__all__ = [
    "PLAYGROUND_CLASSIFICATION",
    "PLAYGROUND_FEATURES",
    "PLAYGROUND_REGRESSION",
    "playground",
    "playground_features",
]

#: Playground's classification data sets (labels −1 and +1) ...
PLAYGROUND_CLASSIFICATION = ("circle", "xor", "gaussian", "spiral")
#: ... and its regression data sets (targets in [−1, 1]).
PLAYGROUND_REGRESSION = ("plane", "multi_gaussian")
#: The input features, as the page names them, and how each is computed.
PLAYGROUND_FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def playground(
    name: str, n: int = 500, noise: float = 0.0, seed: SeedLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """One of TensorFlow Playground's data sets, as the live page draws it.

    Parameters
    ----------
    name : {"circle", "xor", "gaussian", "spiral", "plane", "multi_gaussian"}
        The first four are classification (targets −1 and +1, for a tanh
        output), the last two regression (targets in [−1, 1]).
    n : int, default 500
        How many points (Playground draws 500).
    noise : float, default 0
        Playground's noise slider, 0 to 50 (its recipes use ``noise / 100``).
    seed : None, int, SeedSequence or Generator
        The same seed gives the page's points exactly.

    Returns
    -------
    X : ndarray, shape (n, 2)
        The points, in the order the page splits them: with a train ratio
        of r %, ``X[:n * r // 100]`` are the training points.
    Y : ndarray, shape (n, 1)

    Examples
    --------
    >>> X, Y = playground("circle", 10, noise=0, seed=1)
    >>> inside = np.hypot(X[:, 0], X[:, 1]) < 2.5
    >>> bool((inside == (Y[:, 0] > 0)).all())
    True
    """
    if not isinstance(name, str) or name not in _RECIPES:
        raise unknown_name("Playground data set", name, sorted(_RECIPES))
    n = check_count(n, "n", minimum=2)
    level = check_number(noise, "noise")
    if not 0 <= level <= 50:
        raise ParameterError(
            f"noise is Playground's slider, from 0 to 50 (per cent); got {noise!r}"
        )
    rng = check_seed(seed)
    points = _RECIPES[name](rng.random, n, level / 100)
    # Playground shuffles before it splits, so that both parts hold every class.
    order = rng.permutation(n)
    data = np.array(points, dtype=float)[order]
    return data[:, :2].copy(), data[:, 2:].copy()


def playground_features(X: ArrayLike, features: Sequence[str]) -> np.ndarray:
    """The page's input features of points ``X`` (shape (n, 2)): one column per feature.

    Examples
    --------
    >>> playground_features([[2.0, 3.0]], ["x1", "x2^2", "x1*x2"]).tolist()
    [[2.0, 9.0, 6.0]]
    """
    X = as_float_array(X, "X")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ShapeError(f"X must hold points of shape (n, 2), got shape {X.shape}")
    if isinstance(features, str) or not len(features):
        raise ParameterError(
            f"features must be a non-empty list of names from {list(PLAYGROUND_FEATURES)}"
        )
    for feature in features:
        if feature not in PLAYGROUND_FEATURES:
            raise unknown_name("input feature", feature, list(PLAYGROUND_FEATURES))
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([PLAYGROUND_FEATURES[f](x1, x2) for f in features])


# ---------------------------------------------------------------- the recipes
# Each is Playground's dataset.ts with Math.random() as `random`; a point is
# (x, y, label). A loop "for i < n / 2" runs ceil(n / 2) times, as in JavaScript.


def _uniform(random, a: float, b: float) -> float:
    return random() * (b - a) + a


def _circle(random, n, noise):
    radius, points = 5.0, []
    for low, high in ((0.0, radius * 0.5), (radius * 0.7, radius)):
        for _ in range(math.ceil(n / 2)):
            r = _uniform(random, low, high)
            angle = _uniform(random, 0.0, 2 * math.pi)
            x, y = r * math.sin(angle), r * math.cos(angle)
            noise_x = _uniform(random, -radius, radius) * noise
            noise_y = _uniform(random, -radius, radius) * noise
            px, py = x + noise_x, y + noise_y
            inside = math.sqrt(px * px + py * py) < radius * 0.5
            points.append((x, y, 1.0 if inside else -1.0))
    return points[:n]


def _xor(random, n, noise):
    points = []
    for _ in range(n):
        x = _uniform(random, -5.0, 5.0)
        x += 0.3 if x > 0 else -0.3
        y = _uniform(random, -5.0, 5.0)
        y += 0.3 if y > 0 else -0.3
        noise_x = _uniform(random, -5.0, 5.0) * noise
        noise_y = _uniform(random, -5.0, 5.0) * noise
        points.append((x, y, 1.0 if (x + noise_x) * (y + noise_y) >= 0 else -1.0))
    return points


def _normal(random, mean: float, variance: float) -> float:
    while True:  # Marsaglia's polar method, as Playground draws it
        v1, v2 = 2 * random() - 1, 2 * random() - 1
        s = v1 * v1 + v2 * v2
        if s <= 1:
            break
    return mean + math.sqrt(variance) * (math.sqrt(-2 * math.log(s) / s) * v1)


def _gaussian(random, n, noise):
    variance, points = 0.5 + noise / 0.5 * 3.5, []
    for cx, label in ((2.0, 1.0), (-2.0, -1.0)):
        for _ in range(math.ceil(n / 2)):
            x = _normal(random, cx, variance)
            y = _normal(random, cx, variance)
            points.append((x, y, label))
    return points[:n]


def _spiral(random, n, noise):
    half, points = n / 2, []
    for delta, label in ((0.0, 1.0), (math.pi, -1.0)):
        for i in range(math.ceil(half)):
            r = i / half * 5
            t = 1.75 * i / half * 2 * math.pi + delta
            x = r * math.sin(t) + _uniform(random, -1.0, 1.0) * noise
            y = r * math.cos(t) + _uniform(random, -1.0, 1.0) * noise
            points.append((x, y, label))
    return points[:n]


def _regression(label):
    def recipe(random, n, noise):
        points = []
        for _ in range(n):
            x = _uniform(random, -6.0, 6.0)
            y = _uniform(random, -6.0, 6.0)
            noise_x = _uniform(random, -6.0, 6.0) * noise
            noise_y = _uniform(random, -6.0, 6.0) * noise
            points.append((x, y, label(x + noise_x, y + noise_y)))
        return points

    return recipe


def _plane_label(x: float, y: float) -> float:
    return (x + y) / 10  # d3's linear scale from [-10, 10] to [-1, 1]


_GAUSSIANS = (
    (-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1),
)  # fmt: skip


def _multi_gaussian_label(x: float, y: float) -> float:
    label = 0.0
    for cx, cy, sign in _GAUSSIANS:
        # d3's clamped scale from distance [0, 2] to [1, 0]
        dx, dy = x - cx, y - cy
        distance = math.sqrt(dx * dx + dy * dy)
        value = sign * min(max(1 - distance / 2, 0.0), 1.0)
        if abs(value) > abs(label):
            label = value
    return label


_RECIPES = {
    "circle": _circle,
    "xor": _xor,
    "gaussian": _gaussian,
    "spiral": _spiral,
    "plane": _regression(_plane_label),
    "multi_gaussian": _regression(_multi_gaussian_label),
}
