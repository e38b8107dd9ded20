"""Exact sums over every state of a tiny machine: what sampling only estimates.

The RBM's log partition function and the Boltzmann machine's distribution,
its exact learning statistics and its KL divergence are sums over the 2ⁿ
states of n units; they are written here once. Feasible for n ≤
:data:`MAX_ENUMERATED` (a million states): larger models use the sampled
estimates.

Examples
--------
>>> all_states(2).tolist()
[[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
>>> boltzmann_probabilities(np.log([1.0, 3.0])).tolist()
[0.25, 0.75]
>>> round(log_sum_exp(np.zeros(4)) / math.log(2), 12)   # log 4
2.0
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError, ShapeError

__all__ = [
    "MAX_ENUMERATED",
    "all_states",
    "boltzmann_probabilities",
    "empirical_distribution",
    "exact_statistics",
    "kl_divergence",
    "log_sum_exp",
]

MAX_ENUMERATED = 20  # exact sums over 2**20 states at most


def all_states(n: int) -> np.ndarray:
    """Every 0/1 vector of length n, one per row, in ``itertools.product`` order.

    Row k spells k in binary, first unit first.

    Raises
    ------
    ParameterError
        If n > :data:`MAX_ENUMERATED`.
    """
    if n > MAX_ENUMERATED:
        raise ParameterError(
            f"exact sums enumerate 2^n states; n = {n} is more than {MAX_ENUMERATED}. "
            "Use the sampled estimates for larger models."
        )
    return np.array(list(itertools.product((0.0, 1.0), repeat=n))).reshape(2**n, n)


def log_sum_exp(values: np.ndarray) -> float:
    """log Σ exp(values), without overflow (the largest term is factored out)."""
    top = values.max()
    return float(top + math.log(np.exp(values - top).sum()))


def boltzmann_probabilities(log_weights: np.ndarray) -> np.ndarray:
    """exp(log_weights) normalised to sum to 1 (−energy/T as the log weights)."""
    weights = np.exp(log_weights - log_weights.max())
    return weights / weights.sum()


def empirical_distribution(data: np.ndarray, n_visible: int) -> np.ndarray:
    """The fraction of rows of 0/1 ``data`` at each state of the first ``n_visible`` units.

    In :func:`all_states` order.

    Examples
    --------
    >>> empirical_distribution(np.array([[0, 1], [1, 1], [1, 1]]), 2).round(3).tolist()
    [0.0, 0.333, 0.0, 0.667]
    """
    places = 2 ** np.arange(n_visible - 1, -1, -1)
    counts = np.bincount(
        data[:, :n_visible].astype(np.int64) @ places, minlength=2**n_visible
    )
    return counts / counts.sum()


def kl_divergence(target: ArrayLike, model: ArrayLike) -> float:
    """KL(target ‖ model) = Σ p log(p / q) in nats, over the states where p > 0.

    Examples
    --------
    >>> kl_divergence([0.5, 0.5], [0.5, 0.5])
    0.0
    >>> round(kl_divergence([1.0, 0.0], [0.5, 0.5]), 6) == round(math.log(2), 6)
    True
    """
    p, q = np.asarray(target, dtype=float), np.asarray(model, dtype=float)
    if p.shape != q.shape:
        raise ShapeError(
            f"target and model must have the same shape, got {p.shape}, {q.shape}"
        )
    support = p > 0
    if np.any(q[support] <= 0):
        return math.inf
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


def exact_statistics(
    energy: Callable[[np.ndarray], np.ndarray], data: np.ndarray, n_hidden: int
) -> Callable:
    """The Boltzmann learning rule's averages ⟨s sᵀ⟩ and ⟨s⟩, summed over every state.

    Clamped: for each row of ``data`` (the visible units), over every state
    of the ``n_hidden`` hidden units, weighted by p(h | v); averaged over the
    rows. Free: over every state of all units, weighted by p(s). ``energy``
    maps rows of states to their energies at T = 1.

    Returns
    -------
    callable
        ``statistics(sweeps) -> ((clamped_ss, clamped_s), (free_ss, free_s))``,
        the same signature as the sampled estimates (``sweeps`` is ignored).

    Examples
    --------
    Two independent units with no bias are each on half the time:

    >>> statistics = exact_statistics(lambda s: np.zeros(len(s)), np.zeros((1, 1)), 1)
    >>> (clamped_ss, clamped_s), (free_ss, free_s) = statistics(0)
    >>> clamped_s.tolist(), free_s.tolist(), free_ss.tolist()
    ([0.0, 0.5], [0.5, 0.5], [[0.5, 0.25], [0.25, 0.5]])
    """
    hidden = all_states(n_hidden)
    everything = all_states(data.shape[1] + n_hidden)

    def averages(states, weights):
        return (states.T * weights) @ states, weights @ states

    def statistics(_sweeps):
        clamped_ss, clamped_s = 0.0, 0.0
        for v in data:
            states = np.hstack([np.tile(v, (len(hidden), 1)), hidden])
            ss, s = averages(states, boltzmann_probabilities(-energy(states)))
            clamped_ss, clamped_s = clamped_ss + ss, clamped_s + s
        free = averages(everything, boltzmann_probabilities(-energy(everything)))
        return (clamped_ss / len(data), clamped_s / len(data)), free

    return statistics
