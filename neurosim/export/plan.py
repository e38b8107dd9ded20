"""A network as levels of matrices, the shape both exporters build from (numpy only).

Neurons are grouped by topological generation (a *level*); each level reads
every value computed before it — the inputs, then each earlier level's
neurons, in order — so a level's net inputs are one product ``V @ W + b``
for its summing neurons, with zero weights where no connection exists. A
level's summing neurons are ordered by activation, so that each activation
applies to one contiguous slice. Pooling neurons (``max``) are listed apart,
with their sources and weights.

Parameters are referred to by index into one vector: first the trainable
parameters in :meth:`~neurosim.model.Model.parameter_vector` order (each
shared parameter once), then the frozen ones, then a constant zero for the
missing connections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..activations import is_built_in
from ..errors import ParameterError
from ..network import Network

__all__ = [
    "Level",
    "Plan",
    "check_exportable",
    "plan",
]


@dataclass
class Level:
    """One topological generation of the network."""

    names: list[str]  # the summing neurons, by activation group, then the pooling ones
    groups: list[
        tuple[str, int, int]
    ]  # (activation, start, stop) over the summing neurons
    weight_index: (
        np.ndarray
    )  # (values before this level, summing neurons) into the vector
    bias_index: np.ndarray  # (summing neurons,)
    pools: list[tuple[str, str, list[int], list[int], int, str]]
    # (name, activation, source columns, weight indices, bias index, "max" or
    # "product") per max-pooling or product neuron


@dataclass
class Plan:
    """What an exporter needs: levels, the parameter vector, where the outputs are."""

    inputs: list[str]
    levels: list[Level]
    values: np.ndarray  # trainable, then frozen, then 0.0
    n_trainable: int
    outputs: list[int]  # columns of the outputs among all values
    names: list[str]  # every value column's neuron name

    @property
    def zero(self) -> int:
        return len(self.values) - 1


def plan(net, counterparts=()) -> Plan:
    """The levels of ``net``, checked to hold only what an exporter can express.

    ``counterparts`` names the user's own activations the caller can express.

    Raises
    ------
    ParameterError
        For a neuron whose activation is the user's own, naming it.
    """
    check_exportable(net, counterparts)
    return _levels(net)


def check_exportable(net, counterparts=()) -> None:
    """Refuse what no exporter can express: a machine, or an activation of the user's own."""
    if not isinstance(net, Network):
        machine = type(net).__name__ in ("HopfieldNetwork", "RBM", "BoltzmannMachine")
        raise ParameterError(
            f"only a feed-forward Network exports to PyTorch or ONNX, got "
            f"{type(net).__name__}"
            + (
                "; a symmetric machine has no forward pass to export: take its "
                "numbers (.weights and the biases or thresholds) as arrays instead"
                if machine
                else ""
            )
        )
    for neuron in net.neurons:
        if (
            neuron.role != "input"
            and not is_built_in(neuron.activation)
            and neuron.activation.name not in counterparts
        ):
            raise ParameterError(
                f"neuron {neuron.name!r} uses the activation {neuron.activation.name!r}, "
                "defined in Python; it has no PyTorch or ONNX counterpart. Use a built-in "
                "activation, or pass to_torch(..., activations={'name': module}) for PyTorch"
            )


def _levels(net) -> Plan:
    store = net.parameter_store
    trainable = store.trainable()
    frozen = [p for p in store.parameters if not p.trainable]
    index = {id(p): k for k, p in enumerate([*trainable, *frozen])}
    values = np.array([p.value for p in trainable] + [p.value for p in frozen] + [0.0])
    inputs = [n.name for n in net.inputs]
    columns = {name: k for k, name in enumerate(inputs)}
    incoming = {n.name: c for n, c in net.evaluation_order}
    created = {n.name: k for k, n in enumerate(net.neurons)}
    levels = []
    for generation in net.levels:
        neurons = [
            net[name]
            for name in sorted(generation, key=created.__getitem__)
            if net[name].role != "input"
        ]
        if not neurons:
            continue
        # In creation order within each activation (a stable sort by activation).
        summing = sorted(
            (n for n in neurons if n.aggregation == "sum"),
            key=lambda n: n.activation.name,
        )
        groups = []
        for position, neuron in enumerate(summing):
            if groups and groups[-1][0] == neuron.activation.name:
                groups[-1] = (groups[-1][0], groups[-1][1], position + 1)
            else:
                groups.append((neuron.activation.name, position, position + 1))
        zero = len(values) - 1
        weight_index = np.full((len(columns), len(summing)), zero, dtype=np.intp)
        for j, neuron in enumerate(summing):
            for connection in incoming[neuron.name]:
                weight_index[columns[connection.source.name], j] = index[
                    id(connection.parameter)
                ]
        bias_index = np.array(
            [index[id(n.bias_parameter)] for n in summing], dtype=np.intp
        )
        pools = [
            (
                n.name,
                n.activation.name,
                [columns[c.source.name] for c in incoming[n.name]],
                [index[id(c.parameter)] for c in incoming[n.name]],
                index[id(n.bias_parameter)],
                n.aggregation,
            )
            for n in neurons
            if n.aggregation != "sum"
        ]
        names = [n.name for n in summing] + [p[0] for p in pools]
        for name in names:
            columns[name] = len(columns)
        levels.append(Level(names, groups, weight_index, bias_index, pools))
    return Plan(
        inputs=inputs,
        levels=levels,
        values=values,
        n_trainable=len(trainable),
        outputs=[columns[n.name] for n in net.outputs],
        names=list(columns),
    )


def is_layered(net, the_plan: Plan) -> bool:
    """True for a plain multilayer perceptron: each level fed densely by the one before only.

    Then the network is exported as ``nn.Sequential`` of ``nn.Linear`` and
    activation modules, and ``from_torch`` brings it back bit for bit.
    """
    if any(p.shared or not p.trainable for p in net.parameters):
        return False
    start, width = 0, len(the_plan.inputs)
    zero = the_plan.zero
    for level in the_plan.levels:
        if level.pools or len(level.groups) != 1:
            return False
        block = level.weight_index
        if (block[start : start + width] == zero).any() or (
            block[:start] != zero
        ).any():
            return False
        start, width = start + width, len(level.names)
    return the_plan.outputs == list(range(start, start + width)) and [
        the_plan.names[k] for k in the_plan.outputs
    ] == [n.name for n in net.outputs]
