"""Sequences through a network with delays, one neuron at a time: forward and backpropagation through time.

A connection with delay d carries its source's output of step t − d into
step t (DESIGN, "Time"). Forward, each step evaluates the neurons in the
topological order of the connections without delay, exactly as a
feed-forward pass, with the delayed connections reading the past::

    net_j(t) = b_j + Σ_i w_ij · y_i(t − d_ij)        y_j(t) = f(net_j(t))

Backward, the steps are visited last to first, and each neuron's delta
collects what comes back from its targets in the same step and, through the
delayed connections, from later steps::

    δ_j(t) = f'(net_j(t)) · (∂L/∂y_j(t) + Σ_k w_jk · δ_k(t + d_jk))

A weight's gradient is the sum over time of ``δ_j(t) · y_i(t − d)``: the
gradient of the unrolled network, whose copies of a weight share one
parameter. Truncated to k steps, the error of the loss at step s flows back
to steps s, s − 1, …, s − k + 1 only (Williams & Peng's BPTT(k)); k = 1 is
Elman's rule, plain backpropagation at each step with the past taken as
given. Each neuron's values at every step stay in its ``nets``,
``outputs`` and ``deltas`` lists for the teaching tools.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np

from ._checks import check_count
from .neuron import Connection, Neuron

__all__ = [
    "Delays",
    "backward_sequence", "forward_sequence", "forward_step", "output_grads_by_step",
    "start_sequence", "weight_gradients",
]  # fmt: skip


def forward_sequence(
    inputs: Sequence[Neuron],
    steps: Sequence[tuple[Neuron, tuple[Connection, ...]]],
    sequences: np.ndarray,
    single: bool,
    start: dict | None = None,
) -> None:
    """Run ``sequences`` (batch, T, n_inputs) through the network, step by step.

    ``steps`` are the non-input neurons in evaluation order with their
    incoming connections. One sequence (``single``) computes with floats,
    a batch with one array entry per sequence. ``start`` maps neurons to
    their output before step 0 (default: their ``initial_output``).
    """
    start_sequence(inputs, steps, start)
    for t in range(sequences.shape[1]):
        forward_step(inputs, steps, sequences[:, t], single, t)


def start_sequence(inputs, steps, start: dict | None = None) -> None:
    """Empty every neuron's record of the steps: the next step is step 0.

    Before it, each neuron's output is ``start[neuron]`` if given, else its
    ``initial_output``.
    """
    for neuron in inputs:
        neuron.outputs, neuron.nets, neuron.deltas = [], None, None
    for neuron, _ in steps:
        neuron.outputs, neuron.nets, neuron.deltas = [], [], None
    for neuron in [*inputs, *(n for n, _ in steps)]:
        neuron.start = neuron.initial_output if start is None else start[neuron]


def forward_step(inputs, steps, rows: np.ndarray, single: bool, t: int) -> None:
    """Step ``t``: the inputs take ``rows`` (batch, n_inputs), then each neuron in order."""
    values = rows[0].tolist() if single else np.ascontiguousarray(rows.T)
    for neuron, value in zip(inputs, values):
        neuron.output = value
        neuron.outputs.append(value)
    for neuron, incoming in steps:
        neuron.activate_at(t, incoming)


def output_grads_by_step(
    outputs: Sequence[Neuron], output_grads: np.ndarray, single: bool
) -> dict[Neuron, list]:
    """∂L/∂y of each output neuron at every step, from (batch, T, n_outputs).

    Floats for one sequence, one array over the batch per step otherwise.
    """
    if single:
        return dict(zip(outputs, output_grads[0].T.tolist()))
    return {
        neuron: list(steps)
        for neuron, steps in zip(outputs, output_grads.transpose(2, 1, 0))
    }


def backward_sequence(
    backward_steps: Sequence[tuple[Neuron, tuple, tuple, tuple]],
    grads: dict[Neuron, list],
    n_steps: int,
    truncation: int | None = None,
) -> None:
    """Set every neuron's ``deltas`` (and ``delta``, that of the last step) through time.

    ``grads`` maps each output neuron to its ∂L/∂y at every step (a list of
    floats or arrays). ``truncation``: None for full backpropagation through
    time, k to let each step's error flow back k steps at most.
    """
    for neuron, *_ in backward_steps:
        neuron.deltas = [0.0] * n_steps
    if truncation is None or truncation >= n_steps:
        for t in reversed(range(n_steps)):
            for neuron, _, outgoing, gated in backward_steps:
                output_grad = grads[neuron][t] if neuron in grads else 0.0
                neuron.backpropagate_at(t, outgoing, output_grad, gated)
    else:
        _backward_truncated(backward_steps, grads, n_steps, truncation)
    for neuron, *_ in backward_steps:
        neuron.delta = neuron.deltas[-1]


def _backward_truncated(backward_steps, grads, n_steps: int, k: int) -> None:
    """BPTT(k): the error of the loss at step s reaches steps s … s − k + 1 only.

    Kept apart by *age* a = s − t (how many steps the error has travelled):
    the error of age a at step t comes from targets in the same step at age
    a, and from a target d steps later at age a − d. A neuron's delta at
    step t is the sum over the ages below k — its share of every loss whose
    window reaches it.
    """
    ages: dict[Neuron, list[list]] = {
        neuron: [[0.0] * k for _ in range(n_steps)] for neuron, *_ in backward_steps
    }
    for t in reversed(range(n_steps)):
        for neuron, _, summed, gated in backward_steps:
            derivative = neuron.activation.derivative(neuron.nets[t])
            mine = ages[neuron][t]
            for a in range(k):
                error = grads[neuron][t] if (a == 0 and neuron in grads) else 0.0
                for connection in (*summed, *gated):
                    delay = connection.delay
                    if delay > a or t + delay >= n_steps:
                        continue
                    later = ages[connection.target][t + delay][a - delay]
                    if connection.target.aggregation != "sum":
                        later = later * connection.gates[t + delay]
                    error = error + connection.parameter.data * later
                mine[a] = error * derivative
            total = mine[0]
            for a in range(1, k):
                total = total + mine[a]
            neuron.deltas[t] = total


def weight_gradients(
    steps: Sequence[tuple[Neuron, tuple[Connection, ...]]], n_steps: int
) -> None:
    """Each connection's ``grad`` = Σ_t δ_target(t) · y_source(t − delay), each bias's Σ_t δ(t).

    Into a max or product neuron, each term is times the connection's gate
    of step t. Summed over the sequences of a batch too (the loss is
    already their mean).
    """
    for neuron, incoming in steps:
        deltas = neuron.deltas
        neuron.bias_grad = _total(deltas)
        gated = neuron.aggregation != "sum"
        for connection in incoming:
            source, delay = connection.source, connection.delay
            past = source.outputs
            initial = source.start
            grad = 0.0
            for t in range(n_steps):
                x = past[t - delay] if t >= delay else initial
                if gated:
                    x = x * connection.gates[t]
                grad = grad + deltas[t] * x
            connection.grad = float(np.sum(grad))


def _total(values: list) -> float:
    total = 0.0
    for value in values:
        total = total + value
    return float(np.sum(total))


class Delays:
    """What a network of neurons knows about time: its delayed connections and the truncation.

    A part of :class:`~neurosim.passes.NodeByNode`; expects ``_graph``,
    ``_n_delayed`` (kept by the graph's builders), ``_truncation`` and
    ``_forget_pass``.
    """

    @property
    def is_recurrent(self) -> bool:
        """Whether any connection has a delay: then :meth:`forward` takes sequences.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([1, 1], seed=0); net.is_recurrent
        False
        >>> _ = net.connect("y1", "y1", weight=0.5, delay=1); net.is_recurrent
        True
        """
        return self._n_delayed > 0

    @property
    def truncation(self) -> int | None:
        """How far back through time the error flows: None (all the way) or k steps.

        With k, the error of the loss at step s reaches steps s, s − 1, …,
        s − k + 1 only (truncated backpropagation through time, BPTT(k)).
        ``truncation = 1`` is Elman's rule: plain backpropagation at each
        step, the past taken as given.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([1, 1], seed=0); net.truncation = 1
        >>> net.truncation
        1
        """
        return self._truncation

    @truncation.setter
    def truncation(self, k: int | None) -> None:
        self._truncation = None if k is None else check_count(k, "truncation")
        self._forget_pass()

    @property
    def instant_graph(self) -> nx.DiGraph:
        """The graph of the connections without delay: a DAG, evaluated in order at each step.

        The whole graph when no connection has a delay; otherwise a read-only
        view of it (networkx's ``subgraph_view``) that leaves the delayed
        connections out. Topological orders and levels are taken from it.
        """
        if not self._n_delayed:
            return self._graph
        return nx.subgraph_view(
            self._graph,
            filter_edge=lambda u, v: self._graph.edges[u, v]["connection"].delay == 0,
        )
