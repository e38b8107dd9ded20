"""`CompiledRecurrent`: a network with delays as matrices, the time loop over matrix products.

The state at step t is one row per sequence, ``S_t = [x_t, y_t]``: the inputs,
then every other neuron's output, laid out level by level (the levels of
the connections without delay) and, within a level, by activation — a
*group*, whose columns are contiguous. Each step computes::

    Z_t = b + Σ_d S_(t−d)[:, rows_d] @ W_d          the delayed connections
    Z_t[:, g] += S_t[:, rows_g] @ W_g               each group g, level by level
    S_t[:, g] = f_g(Z_t[:, g])

(``S_(t−d)`` before the sequence begins holds every neuron's initial
output). Backward, the steps are visited last to first: each group's delta
``Δ_t[:, g] = E_t[:, g] · f'(Z_t[:, g])`` sends ``Δ @ Wᵀ`` to its sources in
the same step, and each delayed block sends ``Δ_t @ W_dᵀ`` to step t − d;
the weight gradients are the sums over time of ``S[:, rows]ᵀ @ Δ``. With a
truncation k, the error is kept apart by how many steps it has travelled
(its *age*, an extra leading axis of the arrays) and dropped at age k:
BPTT(k) exactly as the node-by-node pass computes it.

Parameters live in one vector, each shared parameter once; the matrices
are rebuilt from it after every update (O(connections)). The network's
:class:`~neurosim.parameters.ParameterStore` knows which side holds the
newest values, as for :class:`~neurosim.compiled.CompiledNetwork`.

Examples
--------
>>> import numpy as np, neurosim as ns
>>> net = ns.Network.elman(1, 4, 1, seed=0)
>>> x = np.array([0.0, 1.0, 1.0, 0.0])
>>> bool(np.allclose(net.compile().forward(x), net.forward(x), rtol=1e-12, atol=0))
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import DTypeLike

from ..errors import ParameterError, StaleNetworkError, StateError
from ..model import Model
from ..neuron import Neuron
from ..optimizers import Optimizer, penalty_gradient
from .blocks import DTYPES
from .gated import GatedGroup
from .time_loop import Group, Matrix, TimeLoop, index_of

if TYPE_CHECKING:
    from ..network import Network

__all__ = ["CompiledRecurrent"]


class CompiledRecurrent(TimeLoop, Model):
    """A recurrent :class:`~neurosim.network.Network` compiled into matrices.

    Built by :meth:`Network.compile` for a network with delayed
    connections. Offers ``forward`` on sequences, ``backward`` (full or
    truncated backpropagation through time, as the network's
    ``truncation`` says), ``step`` and ``fit``, with the node-by-node
    numbers to float64 round-off.
    """

    is_recurrent = True
    faster_path = None

    def __init__(self, network: Network, dtype: DTypeLike = np.float64) -> None:
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            dtype = None
        if dtype not in DTYPES:
            raise ParameterError(
                f"dtype must be numpy.float64 or numpy.float32, got {dtype!r}"
            )
        self._inputs, self._outputs = network.inputs_and_outputs()
        network.check_fan_in()  # refuses what the node-by-node pass refuses
        self.network = network
        self.dtype = dtype
        self._store = network.parameter_store
        self._version = network.topology_version
        self._structure = self._store.structure_version
        self._build(network)
        self._synced = self._store.version
        self._generation = 0
        self._frozen_version = -1
        self._index_frozen()
        self._states: np.ndarray | None = None  # (≥ T, batch, state) of the last pass
        self._nets: np.ndarray | None = None  # (≥ T, batch, neurons)
        self._steps = 0  # steps in them
        self._start = self._initial  # the outputs before step 0 of the last pass
        self._single = True
        self._has_gradients = False
        self._grad = np.zeros(len(self._parameters))

    # ------------------------------------------------------------------ compiling

    def _build(self, network: Network) -> None:
        graph = network.graph
        n_in = len(self._inputs)
        state = {neuron.name: k for k, neuron in enumerate(self._inputs)}
        groups: list[tuple[list[Neuron], object, str]] = []
        order = {name: k for k, name in enumerate(graph)}
        for names in network.levels:
            by_kind: dict[tuple, list[Neuron]] = {}
            for name in sorted(names, key=order.__getitem__):
                neuron = graph.nodes[name]["neuron"]
                if not neuron.is_input:
                    key = (neuron.activation, neuron.aggregation)
                    by_kind.setdefault(key, []).append(neuron)
            for (activation, aggregation), neurons in by_kind.items():
                for neuron in neurons:
                    state[neuron.name] = len(state)
                groups.append((neurons, activation, aggregation))
        self._n_state = len(state)
        self._n_neurons = self._n_state - n_in
        self._parameters = list(self._store.parameters)
        self._is_weight = None  # which entries are weights, on the first penalty
        where = {id(p): k for k, p in enumerate(self._parameters)}
        self._theta = np.array([p.value for p in self._parameters], dtype=self.dtype)

        def matrix(connections, delay: int) -> Matrix:
            rows = sorted({state[c.source.name] for c in connections})
            cols = sorted({state[c.target.name] - n_in for c in connections})
            row_at = {r: k for k, r in enumerate(rows)}
            col_at = {c: k for k, c in enumerate(cols)}
            at = (
                np.array([row_at[state[c.source.name]] for c in connections], np.intp),
                np.array(
                    [col_at[state[c.target.name] - n_in] for c in connections], np.intp
                ),
            )
            parameter = np.array([where[id(c.parameter)] for c in connections], np.intp)
            weight = np.zeros((len(rows), len(cols)), dtype=self.dtype)
            weight[at] = self._theta[parameter]
            return Matrix(
                index_of(rows, self._n_state),
                index_of(cols, self._n_neurons),
                weight,
                at,
                parameter,
                delay,
                np.ascontiguousarray(weight.T),
            )

        # Which neurons the time loop needs: the sources of delayed connections
        # and, within a step, everything they are computed from.
        needed = {state[c.source.name] for c in network.connections if c.delay}
        core = [False] * len(groups)
        for k in reversed(range(len(groups))):
            neurons, _, aggregation = groups[k]
            # Gated neurons are always computed in the loop (their inputs kept per step).
            if aggregation != "sum" or any(state[n.name] in needed for n in neurons):
                core[k] = True
                for neuron in neurons:
                    for source in graph.pred[neuron.name]:
                        if not graph.edges[source, neuron.name]["connection"].delay:
                            needed.add(state[source])
        self._groups: list[Group] = []
        delayed: dict[tuple[int, bool], list] = {}
        for (neurons, activation, aggregation), in_core in zip(groups, core):
            first = state[neurons[0].name]
            cols = slice(first - n_in, first - n_in + len(neurons))
            if aggregation != "sum":
                connections = [
                    (c, state[c.target.name] - n_in, state[c.source.name])
                    for n in neurons
                    for _, _, c in graph.in_edges(n.name, data="connection")
                ]
                self._groups.append(
                    GatedGroup(
                        cols,
                        slice(first, first + len(neurons)),
                        activation,
                        aggregation,
                        connections,
                        where,
                    )
                )
                continue
            projection, instant = [], []
            for neuron in neurons:
                for _, _, connection in graph.in_edges(neuron.name, data="connection"):
                    if connection.delay:
                        delayed.setdefault((connection.delay, in_core), []).append(
                            connection
                        )
                    elif in_core and connection.source.is_input:
                        projection.append(connection)
                    else:
                        instant.append(connection)
            self._groups.append(
                Group(
                    cols,
                    slice(first, first + len(neurons)),
                    activation,
                    matrix(projection, 0) if projection else None,
                    matrix(instant, 0) if instant else None,
                    in_core,
                )
            )
        self._delayed_core = [
            matrix(delayed[key], key[0]) for key in sorted(delayed) if key[1]
        ]
        self._delayed_post = [
            matrix(delayed[key], key[0]) for key in sorted(delayed) if not key[1]
        ]
        self._delayed = self._delayed_core + self._delayed_post
        self._core = [g for g in self._groups if g.core]
        self._post = [g for g in self._groups if not g.core]
        self._gated = [g for g in self._groups if isinstance(g, GatedGroup)]
        neurons = [graph.nodes[name]["neuron"] for name in state][n_in:]
        self._bias_parameter = np.array(
            [where[id(n.bias_parameter)] for n in neurons], np.intp
        )
        self._bias = self._theta[self._bias_parameter]
        self._initial = np.array(
            [graph.nodes[name]["neuron"].initial_output for name in state],
            dtype=self.dtype,
        )
        self._output_state = np.array([state[n.name] for n in self._outputs], np.intp)
        # The parameter of every matrix entry and bias, in the order backward lists them.
        self._users = np.concatenate(
            [m.parameter for m in self._matrices()]
            + [g.parameter for g in self._gated]
            + [self._bias_parameter]
        )
        for group in self._gated:
            group.load(self._theta)
        self._max_delay = max((d for d, _ in delayed), default=0)

    def _matrices(self) -> list[Matrix]:
        within = [
            m for g in self._groups for m in (g.projection, g.instant) if m is not None
        ]
        return within + self._delayed

    def _load_matrices(self) -> None:
        """Write the parameter vector into the matrices, the gated groups' weights and biases."""
        for m in self._matrices():
            m.weight[m.at] = self._theta[m.parameter]
            m.weight_t[...] = m.weight.T
        for group in self._gated:
            group.load(self._theta)
        self._bias[:] = self._theta[self._bias_parameter]

    # ------------------------------------------------------------------ the protocol

    @property
    def n_inputs(self) -> int:
        """The number of input neurons."""
        return len(self._inputs)

    @property
    def n_outputs(self) -> int:
        """The number of output neurons."""
        return len(self._outputs)

    @property
    def output_neurons(self) -> tuple[Neuron, ...]:
        """The output neurons, in order."""
        return self._outputs

    @property
    def last_pass(self) -> tuple[int, bool] | None:
        """``(batch size, single sequence?)`` of the last forward pass, or None."""
        if self._states is None:
            return None
        return self._states.shape[1], self._single

    @property
    def has_gradients(self) -> bool:
        """Whether a backward pass has set gradients since the last forward pass."""
        return self._has_gradients

    @property
    def truncation(self) -> int | None:
        """The network's :attr:`~neurosim.network.Network.truncation` (read at every pass)."""
        return self.network.truncation

    @property
    def n_parameters(self) -> int:
        """The number of parameters, a shared one counted once."""
        return len(self._parameters)

    @property
    def n_trainable(self) -> int:
        """The number of parameters an optimizer may change."""
        return len(self._trainable)

    def __repr__(self) -> str:
        return (
            f"CompiledRecurrent({len(self._groups)} groups, {len(self._delayed)} "
            f"delayed block{'s' * (len(self._delayed) != 1)}, {self.n_parameters} "
            f"parameters, {self.dtype})"
        )

    def values_version(self) -> int:
        """A number that changes whenever the parameter values change."""
        return self._generation

    def prepare(self) -> None:
        """Refuse a stale structure; make sure the matrices hold the newest values."""
        if (
            self.network.topology_version != self._version
            or self._store.structure_version != self._structure
        ):
            raise StaleNetworkError(
                "the network was edited (a neuron, connection or activation) after it "
                "was compiled, so this compiled network no longer matches it; compile "
                "again with net.compile()"
            )
        store = self._store
        if store.holder is not self:
            if store.holder is not None:
                store.pull()
            if self._synced != store.version:
                self._theta[:] = [p.value for p in self._parameters]
                self._load_matrices()
                self._synced = store.version
                self._generation += 1
        if self._frozen_version != store.frozen_version:
            self._index_frozen()

    def _index_frozen(self) -> None:
        self._trainable = np.array(
            [k for k, p in enumerate(self._parameters) if p.trainable], np.intp
        )
        self._frozen_version = self._store.frozen_version

    def structure(self) -> dict:
        """The compiled layout as plain lists, for exporters.

        ``matrices``: each with its state ``rows``, neuron ``cols``,
        ``shape``, the (row, col) of each entry and its parameter's
        ``index`` in ``parameters``, and its ``delay``; ``groups``: (first
        neuron column, stop, the indices of its matrices without delay, the
        activation's name, and for max or product neurons their slots —
        see :meth:`~neurosim.compiled.gated.GatedGroup.structure` — else None); ``bias_index``, ``initial`` (the state before
        step 0), ``outputs`` (their state columns), ``n_inputs``,
        ``n_neurons``.
        """

        def listed(index, size: int) -> list[int]:
            return (
                list(range(size))[index] if isinstance(index, slice) else index.tolist()
            )

        matrices = self._matrices()
        number = {id(m): k for k, m in enumerate(matrices)}
        return {
            "parameters": list(self._parameters),
            "matrices": [
                {
                    "rows": listed(m.rows, self._n_state),
                    "cols": listed(m.cols, self._n_neurons),
                    "shape": list(m.weight.shape),
                    "at_rows": m.at[0].tolist(),
                    "at_cols": m.at[1].tolist(),
                    "index": m.parameter.tolist(),
                    "delay": m.delay,
                }
                for m in matrices
            ],
            "groups": [
                (
                    g.cols.start,
                    g.cols.stop,
                    [number[id(m)] for m in (g.projection, g.instant) if m is not None],
                    g.activation.name,
                    g.structure() if isinstance(g, GatedGroup) else None,
                )
                for g in self._groups
            ],
            "bias_index": self._bias_parameter.tolist(),
            "initial": self._initial.tolist(),
            "outputs": self._output_state.tolist(),
            "n_inputs": len(self._inputs),
            "n_neurons": self._n_neurons,
        }

    def parameter_gradients(self) -> dict:
        """Each parameter's gradient from the last :meth:`backward` (a shared one summed)."""
        if not self._has_gradients:
            raise StateError("there are no gradients: call backward first")
        return dict(zip(self._parameters, self._grad.tolist()))

    # ------------------------------------------------------------------ parameters

    def add_weight_penalty(self, l1: float, l2: float) -> None:
        """Add the weight penalty's gradient to every weight's in the parameter vector."""
        if self._is_weight is None:
            self._is_weight = np.array(
                [any(hasattr(u, "source") for u in p.users) for p in self._parameters]
            )
        self._grad += self._is_weight * penalty_gradient(self._theta, l1, l2)

    def apply_update(self, optimizer: Optimizer) -> None:
        """One optimizer step on the trainable entries of the parameter vector."""
        optimizer.start_step()
        trainable = self._trainable
        self._theta[trainable] = optimizer.update(
            (self, "theta"), self._theta[trainable], self._grad[trainable]
        )
        self._load_matrices()
        self._store.holder = self
        self._generation += 1

    def newest_values(self) -> tuple[list, list[float]]:
        """Every parameter with its value here: the store's :meth:`pull`."""
        return self._parameters, self._theta.tolist()

    def mark_synced(self, version: int) -> None:
        """The graph now holds exactly these values, as of ``version``."""
        self._synced = version

    def parameter_values(self) -> list[np.ndarray]:
        """A copy of the parameter vector, for :meth:`restore_parameter_values`."""
        return [self._theta.copy()]

    def restore_parameter_values(self, values: list[np.ndarray]) -> None:
        """Put back a vector taken by :meth:`parameter_values`."""
        self._theta[...] = values[0]
        self._load_matrices()
        self._store.holder = self
        self._generation += 1

    def trainable_values(self) -> np.ndarray:
        """The trainable parameters as one vector (each shared one once)."""
        return self._theta[self._trainable].copy()

    def load_trainable_values(self, values: np.ndarray) -> None:
        """Write a checked vector of trainable values."""
        self._theta[self._trainable] = values
        self._load_matrices()
        self._store.holder = self
        self._generation += 1
