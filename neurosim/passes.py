"""`NodeByNode`: computing with a network's graph, one neuron at a time.

The object backend's side of the :class:`~neurosim.model.Model` protocol. A
*plan* — derived from the graph, cached, and dropped by every edit, so it can
never be stale — lists the neurons in a topological order with their incoming
and outgoing connections, and says how each parameter's gradient is read off
the connections and neurons that use it. The passes then walk it:

- forward: each neuron, in order, :meth:`~neurosim.neuron.Neuron.activate`;
- backward: in reverse order, :meth:`~neurosim.neuron.Neuron.backpropagate`
  and :meth:`~neurosim.neuron.Neuron.set_gradients`; then each parameter's
  gradient (summed over the users of a shared one);
- update: the :class:`~neurosim.parameters.ParameterStore` applies the
  optimizer to every trainable parameter, once each.

:class:`~neurosim.network.Network` builds the graph; this class computes
with it. It is not meant to be used on its own.
"""

from __future__ import annotations

from typing import NamedTuple

import networkx as nx
import numpy as np

from ._gc import paused_gc
from .errors import TopologyError
from .layout import grid_shape
from .model import Model
from .neuron import Connection, Neuron
from .optimizers import Optimizer
from .parameters import Parameter
from .through_time import (
    Delays,
    backward_sequence,
    forward_sequence,
    forward_step,
    output_grads_by_step,
    start_sequence,
    weight_gradients,
)

NeuronRef = str | Neuron

__all__ = ["NodeByNode"]


class _Plan(NamedTuple):
    """The evaluation order derived from the graph (never edited, only rebuilt)."""

    inputs: tuple[Neuron, ...]
    outputs: tuple[Neuron, ...]
    forward_steps: tuple[tuple[Neuron, tuple[Connection, ...]], ...]
    # (neuron, incoming, outgoing into summing neurons, outgoing into gated
    # ones: max-pooling and product neurons)
    backward_steps: tuple[
        tuple[
            Neuron,
            tuple[Connection, ...],
            tuple[Connection, ...],
            tuple[Connection, ...],
        ],
        ...,
    ]
    # How each parameter's gradient is read off its users after a backward
    # pass: one connection, one bias, or the sum over a shared parameter's users.
    single_weights: tuple[tuple[Parameter, Connection], ...]
    single_biases: tuple[tuple[Parameter, Neuron], ...]
    shared: tuple[tuple[Parameter, tuple[Connection | Neuron, ...]], ...]
    # Any connection with a delay: the passes run over sequences.
    recurrent: bool


class NodeByNode(Delays, Model):
    """The node-by-node passes over ``self._graph``, for :class:`~neurosim.network.Network`.

    Expects the network to set ``_graph`` (the DiGraph), ``_store`` (its
    ParameterStore) and ``_plan = None``, and to call
    :meth:`_topology_changed` after every structural edit.
    """

    def _init_passes(self) -> None:
        self._plan: _Plan | None = None
        self._plan_structure = -1
        self._levels: list[list[str]] | None = None
        self._last_pass: int | None = (
            None  # batch size of the last forward (None: none)
        )
        self._single_sample = True
        self._has_gradients = False
        self.output_grads: dict[Neuron, float | np.ndarray] = {}
        self.topology_version = 0
        self._n_delayed = 0  # connections with a delay (kept by the builders)
        self._truncation: int | None = None
        self._steps = 0  # time steps of the last sequence pass

    # ------------------------------------------------------------------ the plan

    def _topology_changed(self) -> None:
        self._plan = None
        self._levels = None
        self._forget_pass()
        self.topology_version += 1

    def _forget_pass(self) -> None:
        """The stored pass no longer matches the network's parameters or structure."""
        self._last_pass = None
        self._has_gradients = False

    def _get_plan(self) -> _Plan:
        # A neuron that became a pooling neuron changes the plan's backward steps.
        if self._plan is None or self._plan_structure != self._store.structure_version:
            self._plan = self._build_plan()
            self._plan_structure = self._store.structure_version
        return self._plan

    @paused_gc()
    def _build_plan(self) -> _Plan:
        inputs, outputs = self.inputs_and_outputs()
        graph = self._graph
        parameters = self._store.parameters
        shared = [(p, tuple(p.users)) for p in parameters if p.shared]
        single_weights, single_biases = [], []
        if self._n_delayed:  # through time, gradients are copied to the parameters
            for parameter in parameters:
                users = parameter.users
                if len(users) == 1:
                    kind = (
                        single_weights
                        if isinstance(users[0], Connection)
                        else single_biases
                    )
                    kind.append((parameter, users[0]))
        forward_steps, backward_steps = [], []
        pred, succ = graph.pred, graph.succ
        for name in nx.topological_sort(self.instant_graph):
            neuron = graph.nodes[name]["neuron"]
            if neuron.is_input:
                continue
            incoming = tuple(data["connection"] for data in pred[name].values())
            outgoing = tuple(data["connection"] for data in succ[name].values())
            _check_fan_in(neuron, incoming)
            forward_steps.append((neuron, incoming))
            gated = tuple(c for c in outgoing if c.target.aggregation != "sum")
            summed = tuple(c for c in outgoing if c.target.aggregation == "sum")
            backward_steps.append((neuron, incoming, summed, gated))
        return _Plan(
            inputs,
            outputs,
            tuple(forward_steps),
            tuple(reversed(backward_steps)),
            tuple(single_weights),
            tuple(single_biases),
            tuple(shared),
            self._n_delayed > 0,
        )

    def inputs_and_outputs(self) -> tuple[tuple[Neuron, ...], tuple[Neuron, ...]]:
        """The input and output neurons, checked that every output is reachable.

        Raises
        ------
        TopologyError
            For a network without inputs or outputs, or an output no input reaches.
        """
        inputs, outputs = tuple(self.inputs), tuple(self.outputs)
        if not inputs or not outputs:
            raise TopologyError(
                f"the network has {len(inputs)} input and {len(outputs)} output neurons; "
                "it needs at least one of each (add_input, add_output)"
            )
        # One breadth-first search from all inputs at once: O(neurons + connections).
        reached = set().union(*nx.bfs_layers(self._graph, [n.name for n in inputs]))
        cut_off = [n.name for n in outputs if n.name not in reached]
        if cut_off:
            raise TopologyError(
                f"output neuron(s) {', '.join(map(repr, cut_off))} cannot be reached from any "
                "input; connect them (directly or through hidden neurons) to the inputs"
            )
        return inputs, outputs

    @property
    def levels(self) -> list[list[str]]:
        """The neurons' names by topological level, inputs first, each level in creation order.

        Derived from the graph once per edit of it: the one place the
        compiled backend, the exporters, the layouts and the pages read
        levels from.

        Examples
        --------
        >>> import neurosim as ns
        >>> ns.Network.layered([2, 2, 1], seed=0).levels
        [['x1', 'x2'], ['h1_1', 'h1_2'], ['y1']]
        """
        if self._levels is None:
            order = {name: k for k, name in enumerate(self._graph)}
            self._levels = [
                sorted(generation, key=order.__getitem__)
                for generation in nx.topological_generations(self.instant_graph)
            ]
        return [list(level) for level in self._levels]

    def check_fan_in(self) -> None:
        """Refuse a max neuron without inputs, a product neuron with one (as a pass would).

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([1, 1], seed=0)
        >>> _ = net.add_neuron("m", aggregation="max"); net.check_fan_in()
        Traceback (most recent call last):
        ...
        neurosim.errors.TopologyError: the max-pooling neuron 'm' has 0 incoming ...
        """
        pred = self._graph.pred
        for name, neuron in self._graph.nodes(data="neuron"):
            if neuron.aggregation != "sum" and not neuron.is_input:
                incoming = tuple(data["connection"] for data in pred[name].values())
                _check_fan_in(neuron, incoming)

    @property
    def evaluation_order(self) -> list[tuple[Neuron, tuple[Connection, ...]]]:
        """Every non-input neuron with its incoming connections, in forward-pass order.

        A topological order of the graph, derived from it and rebuilt after
        every edit: it cannot be stale.

        Examples
        --------
        >>> import neurosim as ns
        >>> [n.name for n, _ in ns.Network.layered([1, 2, 1], seed=0).evaluation_order]
        ['h1_1', 'h1_2', 'y1']
        """
        return list(self._get_plan().forward_steps)

    @property
    def backward_order(
        self,
    ) -> list[tuple[Neuron, tuple[Connection, ...], tuple[Connection, ...]]]:
        """Every non-input neuron with its incoming and outgoing connections, outputs first.

        Examples
        --------
        >>> import neurosim as ns
        >>> [n.name for n, _, _ in ns.Network.layered([1, 2, 1], seed=0).backward_order]
        ['y1', 'h1_2', 'h1_1']
        """
        return [
            (neuron, incoming, summed + gated)
            for neuron, incoming, summed, gated in self._get_plan().backward_steps
        ]

    # ------------------------------------------------------------------ Model kernels

    @property
    def n_inputs(self) -> int:
        """The number of input neurons."""
        return len(self._get_plan().inputs)

    @property
    def n_outputs(self) -> int:
        """The number of output neurons."""
        return len(self._get_plan().outputs)

    @property
    def output_neurons(self) -> tuple[Neuron, ...]:
        """The output neurons, in the order they were added."""
        return self._get_plan().outputs

    #: The compiled backend: the same numbers with matrices (fit's hint when slow).
    faster_path = "fit(..., backend='vectorized')"

    def __iter__(self):
        """The neurons, in the order they were added (as :attr:`neurons`)."""
        return iter(self.neurons)

    @property
    def input_shape(self) -> tuple[int, int, int] | None:
        """The grid the input neurons form, ``(channels, rows, columns)``, or None.

        See :func:`neurosim.layout.grid_shape`.
        """
        return grid_shape(self._get_plan().inputs)

    @property
    def last_pass(self) -> tuple[int, bool] | None:
        """``(batch size, single sample?)`` of the last forward pass, or None."""
        return (
            None if self._last_pass is None else (self._last_pass, self._single_sample)
        )

    @property
    def has_gradients(self) -> bool:
        """Whether a backward pass has set gradients since the last forward pass."""
        return self._has_gradients

    def values_version(self) -> int:
        """A number that changes whenever a parameter's value changes."""
        return self._store.version

    def prepare(self) -> None:
        """Fetch the newest values if a compiled network trained since the last pass."""
        if self._store.holder is not None:
            self._store.pull()
            # The stored pass was made with the values from before.
            self._forget_pass()

    def propagate(
        self, batch: np.ndarray, single: bool, start: dict | None = None
    ) -> np.ndarray:
        """Forward pass on validated input; return outputs of shape (batch, n_outputs).

        A recurrent network takes sequences (batch, T, n_inputs) and returns
        (batch, T, n_outputs); ``start`` (from :meth:`end_state`) continues
        from where an earlier pass stood instead of the initial outputs.
        """
        plan = self._get_plan()
        if plan.recurrent:
            forward_sequence(plan.inputs, plan.forward_steps, batch, single, start)
            self._last_pass, self._single_sample = batch.shape[0], single
            self._steps = batch.shape[1]
            self._has_gradients = False
            return self.output_matrix()
        values = batch[0].tolist() if single else np.ascontiguousarray(batch.T)
        for neuron, value in zip(plan.inputs, values):
            neuron.output = value
        for neuron, incoming in plan.forward_steps:
            neuron.activate(incoming)
        self._last_pass, self._single_sample = batch.shape[0], single
        self._has_gradients = False
        return self.output_matrix()

    def end_state(self) -> dict:
        """Every neuron's output at the last step: the ``start`` of a pass that continues."""
        plan = self._get_plan()
        return {
            n: n.output for n in (*plan.inputs, *(n for n, _ in plan.forward_steps))
        }

    @property
    def max_delay(self) -> int:
        """The longest delay of a connection (0 for a feed-forward network)."""
        return max((c.delay for c in self.connections), default=0)

    def propagate_step(self, batch: np.ndarray, single: bool) -> np.ndarray:
        """One more step of the stream (batch, n_inputs); its outputs (batch, n_outputs)."""
        plan = self._get_plan()
        t = self._steps
        if t == 0:
            start_sequence(plan.inputs, plan.forward_steps)
        forward_step(plan.inputs, plan.forward_steps, batch, single, t)
        self._last_pass, self._single_sample = batch.shape[0], single
        self._steps = t + 1
        self._has_gradients = False
        return self.output_matrix()[:, -1]

    @property
    def stream_steps(self) -> int:
        """Time steps of the last sequence or stream (0: none, or after ``reset_state``)."""
        return self._steps if self.is_recurrent else 0

    def reset_steps(self) -> None:
        """Forget the stream: the next step is step 0 (initial outputs)."""
        self._steps = 0
        self._forget_pass()

    def output_matrix(self) -> np.ndarray:
        """The outputs of the last forward pass, (batch, n_outputs)."""
        outputs = self._plan.outputs
        if self._plan.recurrent:
            # (batch, T, n_outputs) from each output's values at every step.
            matrix = np.array([neuron.outputs for neuron in outputs], dtype=float)
            if self._single_sample:
                return matrix.T[np.newaxis]
            return matrix.transpose(2, 1, 0)
        if self._single_sample:
            return np.array([[neuron.output for neuron in outputs]])
        matrix = np.empty((self._last_pass, len(outputs)))
        for j, neuron in enumerate(outputs):
            matrix[:, j] = neuron.output
        return matrix

    def backpropagate(self, output_grads: np.ndarray) -> None:
        """Backward pass given ∂L/∂outputs of shape (batch, n_outputs)."""
        plan = self._plan
        if plan.recurrent:
            grad_of = output_grads_by_step(
                plan.outputs, output_grads, self._single_sample
            )
            self.output_grads = grad_of
            backward_sequence(
                plan.backward_steps, grad_of, self._steps, self._truncation
            )
            weight_gradients(plan.forward_steps, self._steps)
        else:
            columns = (
                output_grads[0].tolist() if self._single_sample else output_grads.T
            )
            grad_of = dict(zip(plan.outputs, columns))
            self.output_grads = grad_of  # ∂L/∂output of each output, for the trace
            for neuron, incoming, outgoing, gated in plan.backward_steps:
                neuron.backpropagate(outgoing, grad_of.get(neuron, 0.0), gated)
                neuron.set_gradients(incoming)  # their parameters' too
        if plan.recurrent:  # each parameter's gradient: its connection's, its neuron's
            for parameter, connection in plan.single_weights:
                parameter.grad = connection.grad
            for parameter, neuron in plan.single_biases:
                parameter.grad = neuron.bias_grad
        # A shared parameter's: the sum over the connections (and biases) using it.
        for parameter, users in plan.shared:
            parameter.grad = sum(
                user.grad if isinstance(user, Connection) else user.bias_grad
                for user in users
            )
        self._has_gradients = True

    def apply_update(self, optimizer: Optimizer) -> None:
        """One optimizer step on every trainable parameter, once each."""
        self._store.update(optimizer)

    def add_weight_penalty(self, l1: float, l2: float) -> None:
        """Add the weight penalty's gradient to every trainable weight's ``grad``."""
        self._store.add_weight_penalty(l1, l2)

    def parameter_values(self) -> list[float]:
        """Every parameter's value, in creation order."""
        return self._store.values()

    def restore_parameter_values(self, values: list[float]) -> None:
        """Put back values taken by :meth:`parameter_values`."""
        self._store.set_values(values)

    def trainable_values(self) -> np.ndarray:
        """The trainable parameters as one vector (each shared one once)."""
        return self._store.trainable_values()

    def load_trainable_values(self, values: np.ndarray) -> None:
        """Write a checked vector of trainable values into the parameters."""
        self._store.set_trainable_values(values)

    # ------------------------------------------------------------------ the stored pass

    def stored_pass(self) -> tuple:
        """A copy of what the last passes left in the network, for :meth:`restore_pass`.

        That is every neuron's ``net``, ``output``, ``delta`` and ``bias_grad``,
        every connection's and parameter's ``grad``, and which pass they came
        from. Tools that run passes of their own (:func:`~neurosim.gradcheck`)
        put it back so that ``state_table()`` and ``trace`` still show the
        user's pass.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
        >>> _ = net.forward([1.0]); saved = net.stored_pass()
        >>> _ = net.forward([5.0]); net.restore_pass(saved); net["x1"].output
        1.0
        """
        neurons = [(n, n.net, n.output, n.delta, n.bias_grad) for n in self.neurons]
        grads = [(c, c.grad) for c in self.connections]
        grads += [(p, p.grad) for p in self._store.parameters]
        flags = (self._last_pass, self._single_sample, self._has_gradients)
        return neurons, grads, flags, self.output_grads

    def restore_pass(self, saved: tuple) -> None:
        """Put back what :meth:`stored_pass` copied (the parameters' values are not touched).

        Call it after putting back the values the pass was made with: the
        restored pass then counts as made with the values as they are now.
        """
        self.forward_values_version = self.values_version()
        neurons, grads, flags, output_grads = saved
        for neuron, net, output, delta, bias_grad in neurons:
            neuron.net, neuron.output, neuron.delta = net, output, delta
            neuron.bias_grad = bias_grad
        for owner, grad in grads:
            owner.grad = grad
        self._last_pass, self._single_sample, self._has_gradients = flags
        self.output_grads = output_grads


def _check_fan_in(neuron: Neuron, incoming: tuple[Connection, ...]) -> None:
    """A max-pooling neuron needs an input to take the maximum of; a product neuron two."""
    least = {"sum": 0, "max": 1, "product": 2}[neuron.aggregation]
    if len(incoming) < least:
        kind = "max-pooling" if neuron.aggregation == "max" else "product"
        raise TopologyError(
            f"the {kind} neuron {neuron.name!r} has {len(incoming)} incoming "
            f"connection(s); it needs at least {least}: connect more inputs to it, "
            "or make it a summing neuron (aggregation='sum')"
        )
