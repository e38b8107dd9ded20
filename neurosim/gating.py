"""How a neuron that does not sum combines its weighted inputs: their maximum or their product.

A summing neuron's net input moves one for one with each weighted input
``v_k = w_k·x_k``. A max-pooling or a product neuron's does not; what it
passes back to each input is the *gate* ``∂net/∂v_k``:

- ``"max"``: ``net − bias = max_k v_k``; the gate of input k is 1 for the
  input that won, 0 for the others;
- ``"product"``: ``net = Π_k v_k``; the gate of input k is ``Π_{j≠k} v_j``,
  the product of the others.

Backward, the source of input k then receives ``w_k · δ · gate_k`` and the
weight the gradient ``δ · x_k · gate_k`` — the same two lines for both
kinds. The product of the others is taken from prefix and suffix products,
never by dividing the net by ``v_k``: a zero input is exact.

Examples
--------
>>> combine("product", [0.8, 0.31, 2.0])
(0.496, [0.62, 1.6, 0.248])
>>> combine("max", [0.2, 0.7, 0.7])
(0.7, [0.0, 1.0, 0.0])
"""

from __future__ import annotations

import numpy as np

from ._registry import check_choice
from .errors import ParameterError

__all__ = ["AGGREGATIONS", "GATED", "check_aggregation", "combine", "refuse_bias"]

#: The aggregations whose inputs are gated (all but the weighted sum).
GATED = ("max", "product")
#: How a neuron combines its weighted inputs: their sum, their maximum (a
#: pooling neuron) or their product (a multiplicative neuron, an LSTM's gating).
AGGREGATIONS = ("sum", *GATED)


def combine(aggregation: str, weighted: list) -> tuple[object, list]:
    """``(max or product of the weighted inputs, each input's gate)``.

    ``weighted`` holds floats (one sample) or arrays of one shape (one
    value per sample); the gates come back in the same form. Of equal
    maxima, the first wins.
    """
    if aggregation == "max":
        return _maximum(weighted)
    return _product(weighted)


def _maximum(weighted: list) -> tuple[object, list]:
    if any(isinstance(value, np.ndarray) for value in weighted):
        # A delayed input before its first step is one number for the whole batch.
        stacked = np.stack(np.broadcast_arrays(*weighted))
        winner = np.argmax(stacked, axis=0)
        best = np.take_along_axis(stacked, winner[np.newaxis], axis=0)[0]
        return best, [(winner == k).astype(float) for k in range(len(weighted))]
    winner = max(range(len(weighted)), key=weighted.__getitem__)
    return weighted[winner], [1.0 if k == winner else 0.0 for k in range(len(weighted))]


def _product(weighted: list) -> tuple[object, list]:
    # before[k] = v_0 ⋯ v_(k−1), after[k] = v_(k+1) ⋯ v_(K−1): the gate is their product.
    count = len(weighted)
    before = [1.0] * count
    for k in range(1, count):
        before[k] = before[k - 1] * weighted[k - 1]
    gates = [0.0] * count
    after = 1.0
    for k in reversed(range(count)):
        gates[k] = before[k] * after
        after = after * weighted[k]
    return before[-1] * weighted[-1], gates


def check_aggregation(aggregation: object, role: str) -> str:
    """The aggregation, checked: one of AGGREGATIONS; an input neuron's is 'sum'."""
    check_choice(aggregation, AGGREGATIONS, "aggregation")
    if aggregation != "sum" and role == "input":
        raise ParameterError(
            "an input neuron aggregates nothing; leave aggregation='sum'"
        )
    return aggregation


def refuse_bias(parameter, name: str) -> None:
    """A product neuron's bias: refused unless 0 (and, if shared, already frozen); then frozen."""
    if parameter.value != 0 or (parameter.shared and parameter.trainable):
        raise ParameterError(
            f"{name!r} is a product neuron: its net input is the product of its weighted "
            "inputs, with no bias; leave bias=0 (add a summing neuron for an offset)"
        )
    parameter.trainable = False
