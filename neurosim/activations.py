"""Activation functions and their derivatives, looked up by name.

An :class:`Activation` is a named pair of functions of a neuron's net input
``z``: the function itself, ``f(z)``, and its derivative ``f'(z)``. Both take
a plain Python float (one sample) or a numpy array (one value per sample of a
batch) and return the same kind. The built-in ones compute a float with the
``math`` module, so that a single sample stays a readable plain number and
fast; a user's own activation may use numpy throughout.

=======================  ======================  ====================
name                     f(z)                    f'(z)
=======================  ======================  ====================
``identity``/``linear``  z                       1
``sigmoid``              1 / (1 + e^-z)          f(z) (1 - f(z))
``tanh``                 tanh z                  1 - tanh² z
``relu``                 max(0, z)               1 if z > 0 else 0
``leaky_relu``           z if z > 0 else 0.01 z  1 if z > 0 else 0.01
``softplus``             log(1 + e^z)            sigmoid(z)
``step``                 1 if z >= 0 else 0      0 (see below)
=======================  ======================  ====================

The ``step`` activation is the threshold unit of the classic perceptron. Its
derivative is zero wherever it exists, so gradient descent sees a zero
gradient through it and cannot train the weights that feed it: train step
neurons with the perceptron rule instead.

Examples
--------
>>> from neurosim.activations import get_activation
>>> sigmoid = get_activation("sigmoid")
>>> sigmoid.fn(0.0), sigmoid.derivative(0.0)
(0.5, 0.25)
>>> cube = Activation("cube", fn=lambda z: z**3, derivative=lambda z: 3 * z**2)
>>> cube.fn(2.0)
8.0
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._registry import lookup
from .errors import ParameterError

__all__ = ["Activation", "activation_names", "get_activation"]

LEAKY_SLOPE = 0.01


@dataclass(frozen=True, eq=False)
class Activation:
    """A named activation function and its derivative.

    Parameters
    ----------
    name : str
        The name used to look the activation up and to save networks.
    fn : callable
        ``fn(z)``: the neuron's output for net input ``z`` (float or array).
    derivative : callable
        ``derivative(z)``: ``d fn / dz`` at ``z`` (float or array).
    differentiable : bool, default True
        False for activations whose derivative carries no gradient (``step``):
        :func:`~neurosim.gradcheck` says that its check means nothing there.
    output_range : (low, high), optional
        The closed interval the outputs lie in, if known (a loss such as
        ``bce`` checks it against the outputs it needs).
    symbol, latex : str, optional
        How the teaching tools write the function (``σ`` and ``\\sigma``);
        its name by default.
    from_output : callable, optional
        ``from_output(y)``: the derivative written in the output ``y = fn(z)``
        (σ: ``y(1 − y)``, tanh: ``1 − y²``), giving exactly ``derivative(z)``;
        a backend that keeps the outputs uses it instead of computing ``fn``
        again.

    Examples
    --------
    >>> import neurosim as ns
    >>> cube = ns.Activation("cube", fn=lambda z: z**3, derivative=lambda z: 3 * z**2)
    >>> cube.derivative(2.0)
    12.0
    """

    name: str
    fn: Callable
    derivative: Callable
    differentiable: bool = True
    output_range: tuple[float, float] | None = None
    symbol: str | None = None
    latex: str | None = None
    from_output: Callable | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ParameterError(
                f"an activation needs a non-empty string name, got {self.name!r}"
            )
        for role in ("fn", "derivative"):
            if not callable(getattr(self, role)):
                raise ParameterError(
                    f"Activation {self.name!r}: {role} must be callable, "
                    f"got {getattr(self, role)!r}"
                )

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"

    def written(self) -> tuple[str, str]:
        r"""How the function is written, as text and as LaTeX: ``("σ", r"\sigma")``.

        >>> get_activation("sigmoid").written(), get_activation("relu").written()
        (('σ', '\\sigma'), ('relu', '\\mathrm{relu}'))
        """
        return (
            self.symbol or self.name,
            self.latex or rf"\mathrm{{{self.name}}}",
        )

    def within(self, low: float, high: float) -> bool:
        """Whether the outputs are known to lie in [low, high].

        >>> get_activation("sigmoid").within(0, 1), get_activation("tanh").within(0, 1)
        (True, False)
        """
        known = self.output_range
        return known is not None and low <= known[0] and known[1] <= high


def _identity(z):
    return z


def _one(z):
    return 1.0 if type(z) is float else np.ones_like(z)


def _sigmoid(z):
    # Two algebraically equal forms, each used where its exponent is <= 0,
    # so that no exp() ever overflows.
    if type(z) is float:
        if z >= 0.0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_derivative(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh(z):
    return math.tanh(z) if type(z) is float else np.tanh(z)


def _tanh_derivative(z):
    t = _tanh(z)
    return 1.0 - t * t


def _bipolar(z):
    return 2.0 * _sigmoid(z) - 1.0


def _bipolar_derivative(z):
    return 2.0 * _sigmoid_derivative(z)


def _bipolar2(z):
    return 4.0 * _sigmoid(z) - 2.0


def _bipolar2_derivative(z):
    return 4.0 * _sigmoid_derivative(z)


def _relu(z):
    if type(z) is float:
        return max(0.0, z)
    return np.maximum(z, 0.0)


def _relu_derivative(z):
    if type(z) is float:
        return 1.0 if z > 0.0 else 0.0
    z = np.asarray(z)
    return (z > 0.0).astype(z.dtype if z.dtype.kind == "f" else float)


def _leaky_relu(z):
    if type(z) is float:
        return z if z > 0.0 else LEAKY_SLOPE * z
    return np.where(z > 0.0, z, LEAKY_SLOPE * z)


def _leaky_relu_derivative(z):
    if type(z) is float:
        return 1.0 if z > 0.0 else LEAKY_SLOPE
    return np.where(z > 0.0, 1.0, LEAKY_SLOPE)


def _softplus(z):
    # log(1 + e^z) = max(z, 0) + log1p(e^-|z|): no overflow for large |z|.
    if type(z) is float:
        return max(z, 0.0) + math.log1p(math.exp(-abs(z)))
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _step(z):
    if type(z) is float:
        return 1.0 if z >= 0.0 else 0.0
    return np.where(z >= 0.0, 1.0, 0.0)


def _zero(z):
    return 0.0 if type(z) is float else np.zeros_like(z)


_BUILTIN = (
    Activation(
        "identity",
        _identity,
        _one,
        output_range=(-math.inf, math.inf),
        from_output=_one,
    ),
    Activation(
        "sigmoid",
        _sigmoid,
        _sigmoid_derivative,
        output_range=(0.0, 1.0),
        symbol="σ",
        latex=r"\sigma",
        from_output=lambda y: y * (1.0 - y),  # as _sigmoid_derivative, from σ(z)
    ),
    Activation(
        "tanh",
        _tanh,
        _tanh_derivative,
        output_range=(-1.0, 1.0),
        symbol="tanh",
        latex=r"\tanh",
        from_output=lambda y: 1.0 - y * y,  # as _tanh_derivative, from tanh(z)
    ),
    Activation("relu", _relu, _relu_derivative, output_range=(0.0, math.inf)),
    # Hochreiter & Schmidhuber's (1997) LSTM squashes: h = 2σ − 1 on the cell
    # state, g = 4σ − 2 on the cell input.
    Activation(
        "bipolar_sigmoid",
        _bipolar,
        _bipolar_derivative,
        output_range=(-1.0, 1.0),
        symbol="(2σ−1)",
        latex=r"(2\sigma - 1)",
    ),
    Activation(
        "bipolar_sigmoid2",
        _bipolar2,
        _bipolar2_derivative,
        output_range=(-2.0, 2.0),
        symbol="(4σ−2)",
        latex=r"(4\sigma - 2)",
    ),
    Activation(
        "leaky_relu",
        _leaky_relu,
        _leaky_relu_derivative,
        output_range=(-math.inf, math.inf),
    ),
    Activation("softplus", _softplus, _sigmoid, output_range=(0.0, math.inf)),
    Activation("step", _step, _zero, differentiable=False, output_range=(0.0, 1.0)),
)
_ALIASES = {"linear": "identity", "logistic": "sigmoid"}
_BY_NAME: dict[str, Activation] = {a.name: a for a in _BUILTIN}


def is_built_in(activation: Activation) -> bool:
    """Whether ``activation`` is one of neurosim's own (not a user's, even of the same name).

    Examples
    --------
    >>> is_built_in(get_activation("tanh")), is_built_in(Activation("tanh", abs, abs))
    (True, False)
    """
    return _BY_NAME.get(activation.name) is activation


def activation_names() -> list[str]:
    """Return the names :func:`get_activation` accepts, aliases included.

    Examples
    --------
    >>> "sigmoid" in activation_names()
    True
    """
    return sorted([*_BY_NAME, *_ALIASES])


def get_activation(activation: str | Activation) -> Activation:
    """Return the :class:`Activation` for a name, or the activation itself.

    Parameters
    ----------
    activation : str or Activation
        A name such as ``"sigmoid"`` (case-insensitive), or an Activation.

    Returns
    -------
    Activation

    Raises
    ------
    UnknownNameError
        If the name is not known; the message lists the known names.

    Examples
    --------
    >>> get_activation("linear")
    Activation('identity')
    """
    if isinstance(activation, Activation):
        return activation
    if not isinstance(activation, str):
        raise ParameterError(
            f"activation must be a name such as 'sigmoid' or an Activation, "
            f"got {activation!r}"
        )
    return lookup("activation", activation, _BY_NAME, _ALIASES)
