"""What a Hopfield network learns and how its states are compared: the storage rules, noise, overlap.

Glossary: a *pattern* is a state to remember, ±1 per neuron (0/1 patterns
are stored as 2p − 1); the *rule* turns the stored patterns into weights.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._checks import SeedLike, as_float_array, check_number, check_seed
from ..errors import DataError, ParameterError, ShapeError

__all__ = [
    "RULES", "corrupt", "is_binary", "learned_weights", "overlap", "projection",
    "storkey_step",
]  # fmt: skip

RULES = ("hebbian", "storkey", "pseudoinverse")


def learned_weights(
    rule: str, weights_before: np.ndarray, stored: np.ndarray, new: np.ndarray
) -> np.ndarray:
    """The weights after storing ``new`` patterns (bipolar rows) with ``rule``.

    ``new`` holds floats; ``weights_before`` and ``stored`` are what the network held; the result
    is exactly symmetric with a zero diagonal (the energy argument needs
    w_ij == w_ji exactly).

    Examples
    --------
    >>> learned_weights("hebbian", np.zeros((2, 2)), np.zeros((0, 2)), np.array([[1.0, -1.0]]))
    array([[ 0. , -0.5],
           [-0.5,  0. ]])
    """
    n = new.shape[1]
    if rule == "hebbian":
        # numpy computes a matrix times its own transpose with BLAS's syrk,
        # which fills one triangle and mirrors it: exactly symmetric, and
        # adding the (symmetric) old weights keeps it so. No pass to
        # symmetrise it, which would cost more than the product.
        weights = new.T @ new
        weights /= n
        if len(stored):
            weights += weights_before
    else:
        if rule == "storkey":
            weights = weights_before.copy()
            for pattern in new:
                weights = storkey_step(weights, pattern)
        else:
            weights = projection(np.vstack([stored, new]))
        # Symmetric in exact arithmetic, but products summed in different
        # orders can differ in the last bit; the energy argument needs
        # w_ij == w_ji exactly.
        weights = 0.5 * (weights + weights.T)
    np.fill_diagonal(weights, 0.0)
    return weights


def storkey_step(weights: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    """Storkey (1997): w_ij += (ξ_i ξ_j − ξ_i h_ji − h_ij ξ_j) / n, h_ij = Σ_{k≠i,j} w_ik ξ_k."""
    n = len(pattern)
    xi = pattern.astype(float)
    field = weights @ xi - np.diag(weights) * xi  # h_i over k ≠ i
    # h_ij = field_i − w_ij ξ_j, so with symmetric W:
    # ξ_i h_ji + h_ij ξ_j = ξ_i field_j + field_i ξ_j − 2 w_ij (using ξ² = 1)
    update = (
        np.outer(xi, xi) - np.outer(xi, field) - np.outer(field, xi) + 2.0 * weights
    )
    return weights + update / n


def projection(patterns: np.ndarray) -> np.ndarray:
    """The projection (pseudo-inverse) rule: W = Ξᵀ (Ξ Ξᵀ)⁺ Ξ."""
    xi = patterns.astype(float)
    return xi.T @ np.linalg.pinv(xi @ xi.T) @ xi


def corrupt(pattern: ArrayLike, fraction: float, seed: SeedLike = None) -> np.ndarray:
    """Flip a given fraction of a pattern's entries, chosen at random.

    Works for ±1 and 0/1 patterns: exactly ``round(fraction · n)`` entries
    change to the other value.

    Examples
    --------
    >>> corrupt([1, 1, 1, 1], 0.5, seed=0).tolist()
    [1, 1, -1, -1]
    >>> corrupt([0, 0, 0, 0], 0.25, seed=0).tolist()
    [0, 0, 0, 1]
    """
    values = as_float_array(pattern, "pattern")
    fraction = check_number(fraction, "fraction")
    if values.ndim != 1:
        raise ShapeError(f"pattern must be 1-D, got shape {values.shape}")
    if not 0.0 <= fraction <= 1.0:
        raise ParameterError(f"fraction must be in [0, 1], got {fraction!r}")
    binary = is_binary(values, "pattern")
    flips = check_seed(seed).choice(
        len(values), size=round(fraction * len(values)), replace=False
    )
    result = values.astype(np.int64)
    result[flips] = 1 - result[flips] if binary else -result[flips]
    return result


def is_binary(values: np.ndarray, what: str) -> bool:
    """True for 0/1 values (with a 0 among them), False for ±1 values."""
    if np.all(np.abs(values) == 1):
        return False
    if np.all((values == 0) | (values == 1)):
        return True
    raise DataError(f"{what} must hold ±1 values or 0/1 values only")


def overlap(a: ArrayLike, b: ArrayLike) -> float:
    """The overlap ``m = (1/n) Σ a_i b_i`` of two states, in bipolar terms.

    1 for equal states, −1 for opposite ones, about 0 for unrelated ones;
    0/1 states are read as −1/+1.

    Examples
    --------
    >>> overlap([1, -1, 1, 1], [1, -1, -1, 1])
    0.5
    >>> overlap([1, 0], [1, 0])
    1.0
    """
    a, b = as_float_array(a, "a"), as_float_array(b, "b")
    if a.shape != b.shape or a.ndim != 1:
        raise ShapeError(
            f"a and b must be 1-D states of equal length, got {a.shape} and {b.shape}"
        )
    a = 2 * a - 1 if is_binary(a, "a") else a
    b = 2 * b - 1 if is_binary(b, "b") else b
    return float(a @ b / len(a))
