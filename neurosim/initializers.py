"""Weight initialisation schemes.

An initialiser is a function ``init(rng, fan_in, fan_out) -> weights``: given
a :class:`numpy.random.Generator` and, for each weight to draw, the fan-in of
the neuron it feeds and the fan-out of the neuron it comes from (two integer
arrays of one shape), it returns the weights in an array of that shape. Every
draw comes from ``rng``; numpy's global random state is never read or changed.

=====================  =======================================  ==============
name                   distribution                             suits
=====================  =======================================  ==============
``uniform``            U(−1, 1), the classic tutorials' choice  small networks
``normal``             N(0, 1)                                  small networks
``xavier``/``glorot``  U(−a, a), a = √(6 / (fan_in + fan_out))  sigmoid, tanh
``xavier_normal``      N(0, 2 / (fan_in + fan_out))             sigmoid, tanh
``he``                 N(0, 2 / fan_in)                         relu family
``he_uniform``         U(−a, a), a = √(6 / fan_in)              relu family
=====================  =======================================  ==============

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> weights = get_initializer("xavier")(rng, np.full(4, 2), np.full(4, 2))
>>> bool(np.all(np.abs(weights) <= np.sqrt(6 / 4)))
True
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._registry import lookup
from .errors import NumericalError, ParameterError

__all__ = [
    "default_initializer",
    "draw_weights",
    "get_initializer",
    "initializer_names",
]

Initializer = Callable[[np.random.Generator, np.ndarray, np.ndarray], np.ndarray]


def uniform(rng, fan_in, fan_out):
    """U(−1, 1), as in ``2 * np.random.random(shape) - 1`` of the classic tutorials."""
    return rng.uniform(-1.0, 1.0, size=np.shape(fan_in))


def normal(rng, fan_in, fan_out):
    """N(0, 1), as in ``np.random.randn(*shape)`` of the classic tutorials."""
    return rng.standard_normal(size=np.shape(fan_in))


def xavier_uniform(rng, fan_in, fan_out):
    """Glorot & Bengio (2010): U(−a, a) with a = √(6 / (fan_in + fan_out))."""
    limit = np.sqrt(6.0 / (np.asarray(fan_in) + np.asarray(fan_out)))
    return limit * rng.uniform(-1.0, 1.0, size=np.shape(fan_in))


def xavier_normal(rng, fan_in, fan_out):
    """Glorot & Bengio (2010): N(0, 2 / (fan_in + fan_out))."""
    std = np.sqrt(2.0 / (np.asarray(fan_in) + np.asarray(fan_out)))
    return std * rng.standard_normal(size=np.shape(fan_in))


def he_normal(rng, fan_in, fan_out):
    """He et al. (2015): N(0, 2 / fan_in), for ReLU networks."""
    std = np.sqrt(2.0 / np.asarray(fan_in))
    return std * rng.standard_normal(size=np.shape(fan_in))


def he_uniform(rng, fan_in, fan_out):
    """He et al. (2015): U(−a, a) with a = √(6 / fan_in), for ReLU networks."""
    limit = np.sqrt(6.0 / np.asarray(fan_in))
    return limit * rng.uniform(-1.0, 1.0, size=np.shape(fan_in))


_INITIALIZERS: dict[str, Initializer] = {
    "uniform": uniform,
    "normal": normal,
    "xavier": xavier_uniform,
    "xavier_uniform": xavier_uniform,
    "glorot": xavier_uniform,
    "glorot_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot_normal": xavier_normal,
    "he": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}


def initializer_names() -> list[str]:
    """Return the names :func:`get_initializer` accepts.

    Examples
    --------
    >>> "he" in initializer_names()
    True
    """
    return sorted(_INITIALIZERS)


def get_initializer(init: str | Initializer) -> Initializer:
    """Return the initialiser for a name, or a user's callable itself.

    Raises
    ------
    UnknownNameError
        If the name is not known; the message lists the known names.

    Examples
    --------
    >>> get_initializer("glorot") is get_initializer("xavier")
    True
    """
    if callable(init):
        return init
    if not isinstance(init, str):
        raise ParameterError(
            f"init must be a name such as 'xavier' or a function (rng, fan_in, fan_out), "
            f"got {init!r}"
        )
    return lookup("initializer", init, _INITIALIZERS)


def default_initializer(activation_name: str) -> str:
    """The scheme that suits an activation: He for the ReLU family, else Xavier.

    Examples
    --------
    >>> default_initializer("relu"), default_initializer("sigmoid")
    ('he', 'xavier')
    """
    return "he" if activation_name in ("relu", "leaky_relu", "softplus") else "xavier"


def draw_weights(draw, rng, fan_in: np.ndarray, fan_out: np.ndarray) -> np.ndarray:
    """Call an initialiser ``draw(rng, fan_in, fan_out)`` and check its answer.

    The network calls this before anything is assigned.

    A user's initialiser that returns too few values, text or NaN must fail
    here, with the network still as it was, not later inside ``forward``.
    """
    weights = np.asarray(draw(rng, fan_in, fan_out))
    if weights.shape != fan_in.shape or weights.dtype.kind not in "iuf":
        raise ParameterError(
            f"the initialiser {getattr(draw, '__name__', draw)!r} returned values of shape "
            f"{weights.shape} and dtype {weights.dtype} for fan-in/fan-out arrays of shape "
            f"{fan_in.shape}; it must return one real number per connection: "
            "f(rng, fan_in, fan_out) -> an array shaped like fan_in"
        )
    if not np.isfinite(weights).all():
        raise NumericalError(
            f"the initialiser {getattr(draw, '__name__', draw)!r} returned a non-finite "
            f"weight ({weights[~np.isfinite(weights)][0]}); every weight must be finite"
        )
    return weights.astype(float)
