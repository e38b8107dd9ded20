"""Small built-in data sets: the logic gates and the tutorials' toy sets.

Each loader returns ``(X, Y)`` as float arrays of shape ``(n_samples,
n_features)`` and ``(n_samples, n_targets)``.

Examples
--------
>>> X, Y = xor()
>>> X.tolist(), Y.ravel().tolist()
([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])
"""

from __future__ import annotations

import numpy as np

from .errors import unknown_name

__all__ = ["height_weight", "logic_gate", "xor"]

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
    if name.lower() not in _GATES:
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
