"""What every symmetric network shares: a unit's chance of firing and the temperature.

A stochastic unit with local field ``h`` (threshold already subtracted) at
temperature ``T`` is on with probability ``σ(h/T)`` (0/1 units) or
``σ(2h/T)`` (±1 units: the energy gap between the two states is twice as
large); ``T = 0`` is the deterministic rule. Hopfield recall at a
temperature, Boltzmann machines and RBMs all draw their units this way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from .._checks import check_number
from ..errors import ParameterError

__all__ = [
    "TIE_TOLERANCE",
    "hopfield_energy",
    "read_only",
    "settle",
    "sigmoid",
    "sigmoid_array",
    "temperature_schedule",
]


#: The one tie rule of the deterministic (T = 0) update: a unit whose field is
#: within this of zero keeps its state, so that round-off in a sum (the graph
#: path against the matrix path) can never make two computations part ways.
TIE_TOLERANCE = 1e-10


def hopfield_energy(
    weights: np.ndarray, thresholds: np.ndarray, state: np.ndarray
) -> float:
    """E = −½ sᵀWs + θᵀs of one bipolar state: the Boltzmann machine's energy with b = −θ."""
    s = state.astype(float)
    return float(-0.5 * s @ weights @ s + thresholds @ s)


def sigmoid(x: float) -> float:
    """σ(x) without overflow for large ``|x|``."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def sigmoid_array(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(x) = ½ + ½·tanh(x/2) for an array: never overflows, exact to ~1e-16 absolute.

    In place when ``out`` is ``x`` (the RBM's hot loop); a new array otherwise.

    Examples
    --------
    >>> sigmoid_array(np.array([0.0, 800.0, -800.0])).tolist()
    [0.5, 1.0, 0.0]
    """
    out = np.multiply(x, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def settle(field: np.ndarray, state: np.ndarray, on: float, off: float) -> np.ndarray:
    """The deterministic (T = 0) update of units with local fields ``field`` (threshold subtracted).

    On above :data:`TIE_TOLERANCE`, off below minus it, unchanged within: the
    one tie rule of Hopfield recall (on = 1, off = −1) and of a Boltzmann
    machine at T = 0 (on = 1, off = 0). A new array; ``state`` is not changed.

    Examples
    --------
    >>> settle(np.array([0.5, -0.5, 1e-12]), np.array([-1.0, 1.0, -1.0]), 1.0, -1.0).tolist()
    [1.0, -1.0, -1.0]
    """
    return np.where(
        field > TIE_TOLERANCE, on, np.where(field < -TIE_TOLERANCE, off, state)
    )


def temperature_schedule(temperature) -> Callable[[int], float]:
    """The temperature of each sweep (from 1), checked: finite and >= 0."""

    def checked(value, what: str) -> float:
        try:
            value = check_number(value, what)
        except ParameterError as error:
            raise ParameterError(f"{what} must be finite and >= 0: {error}") from None
        if value < 0.0:
            raise ParameterError(f"{what} must be finite and >= 0, got {value!r}")
        return value

    if callable(temperature):
        return lambda sweep: checked(temperature(sweep), f"temperature({sweep})")
    if isinstance(temperature, (str, bytes)):
        raise ParameterError(
            f"temperature must be a number, a sequence or a callable, got {temperature!r}"
        )
    if isinstance(temperature, (Sequence, np.ndarray)):
        values = [checked(t, f"temperature[{k}]") for k, t in enumerate(temperature)]
        if not values:
            raise ParameterError(
                "the temperature schedule is empty; give one temperature per sweep, "
                "e.g. np.geomspace(2.0, 0.05, 30)"
            )
        return lambda sweep: values[sweep - 1] if sweep <= len(values) else 0.0
    constant = checked(temperature, "temperature")
    return lambda sweep: constant


def read_only(array: np.ndarray) -> np.ndarray:
    """A view of ``array`` that cannot be written: how the networks show their matrices.

    Examples
    --------
    >>> view = read_only(np.zeros(2))
    >>> view.flags.writeable
    False
    """
    view = array.view()
    view.flags.writeable = False
    return view
