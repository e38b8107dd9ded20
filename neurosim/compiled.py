"""`CompiledNetwork`: the same graph as weight matrices, at numpy speed.

Compiling groups the neurons by topological level (networkx's topological
generations) and, within a level, by activation. Each group — a *block* —
computes the net inputs of all its neurons with one matrix product::

    Z = S @ W + b        A = f(Z)

where ``S`` holds the outputs of the earlier neurons that feed the block
(its *sources*), ``W`` the weights from those sources (zero where there is
no connection; a boolean ``mask`` marks the real ones when the block is
not fully connected) and ``b`` the biases. Backward, per block in reverse::

    delta = error * f'(Z)      grad W = S.T @ delta      grad b = Σ_batch delta
    error of the sources += delta @ W.T

For a layered MLP every block is one layer whose sources are the whole
previous layer, so this is exactly the textbook's one product per layer, with
no copies. For any other DAG, sources spread over several earlier blocks are
gathered into ``S`` first.

A compiled network is a *view* of its network's parameters, not a copy that
can drift. It computes with arrays of its own for speed, and the network's
:class:`~neurosim.parameters.ParameterStore` always knows which side holds
the newest values: after the compiled network trains, the first read or
write of a weight through the graph fetches its values (one O(parameters)
copy, once); after an edit through the graph, the compiled network's next
call reloads them (again once). No ``write_back()`` is needed, and no edit on
either side can be lost. Shared parameters keep one value (their gradient is
the sum over their connections, their update is made once); frozen ones are
put back after every update. Anything else the arrays depend on — the
topology, an activation — is versioned: once it changes, every call raises
:class:`~neurosim.errors.StaleNetworkError` (compile again).

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network.layered([2, 4, 1], seed=0)
>>> cnet = net.compile()
>>> cnet
CompiledNetwork(2 blocks on 2 levels, 17 parameters, float64)
>>> bool(np.allclose(cnet.forward([1.0, 0.0]), net.forward([1.0, 0.0]), rtol=1e-12))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import networkx as nx
import numpy as np
from numpy.typing import DTypeLike

from .activations import Activation, get_activation
from .errors import (
    ParameterError,
    StaleNetworkError,
    StateError,
    TopologyError,
)
from .model import Model
from .neuron import Connection, Neuron
from .optimizers import Optimizer

if TYPE_CHECKING:
    from .network import Network

__all__ = ["Block", "CompiledNetwork"]

_IDENTITY = get_activation("identity")
# A block is stored connection by connection (memory in proportion to its
# connections) when at most this fraction of its source × neuron pairs are
# connected, and it has at least this many pairs; else as a dense matrix.
_SPARSE_DENSITY = 0.25
_SPARSE_MIN_SIZE = 4096
_DTYPES = {np.dtype(np.float64), np.dtype(np.float32)}


class _Piece(NamedTuple):
    """A run of source neurons that live in one earlier block.

    ``owner`` indexes the list of value arrays (0: the inputs, k: block k-1);
    ``columns`` selects them in the owner's array (None: all, in order);
    ``span`` is where they sit in the consumer's source matrix.
    """

    owner: int
    columns: slice | np.ndarray | None
    span: slice


class Block:
    """Neurons of one topological level that share one activation.

    Attributes
    ----------
    level : int
        The topological generation: 1 for neurons fed by inputs only, one
        more than the deepest source otherwise (0 for a neuron fed by nothing).
    activation : Activation
    neurons : tuple of Neuron
        The block's neurons: column ``j`` of its matrices is ``neurons[j]``.
    sources : tuple of Neuron
        The earlier neurons feeding the block: row ``i`` of ``weight``.
    weight : ndarray, shape (len(sources), len(neurons))
        ``weight[i, j]`` is the weight of ``sources[i] -> neurons[j]``, zero
        where they are not connected.
    mask : ndarray of bool or None
        True where a connection exists; None when every pair is connected.
    bias : ndarray, shape (len(neurons),)
    weight_grad, bias_grad : ndarray or None
        The gradients of the last backward pass.

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network.layered([3, 2, 1], seed=0)
    >>> net.disconnect("x1", "h1_1")
    Connection('x1' -> 'h1_1', weight=...)
    >>> first = net.compile().blocks[0]
    >>> first
    Block(level 1, sigmoid, 2 neurons <- 3 sources, 5 connections)
    >>> first.mask
    array([[False,  True],
           [ True,  True],
           [ True,  True]])
    """

    def __init__(
        self,
        level: int,
        activation: Activation,
        neurons: Sequence[Neuron],
        sources: Sequence[Neuron],
        pieces: Sequence[_Piece],
        connections: list[Connection],
        rows: np.ndarray,
        cols: np.ndarray,
        dtype: np.dtype,
    ) -> None:
        self.level = level
        self.activation = activation
        self.neurons = tuple(neurons)
        self.sources = tuple(sources)
        self.pieces = tuple(pieces)
        self.connections = connections  # in the order of (rows, cols)
        self.mask = None
        size = len(sources) * len(neurons)
        if (
            neurons[0].aggregation == "sum"
            and size >= _SPARSE_MIN_SIZE
            and len(connections) <= _SPARSE_DENSITY * size
        ):
            # Sparse: one weight per connection, a column vector, so that
            # weight[rows, cols] still reads the connections' weights.
            self.kind = "sparse"
            # int32 indices: a sparse block is meant to be large.
            self.source_index = rows.astype(np.int32)
            self.rows = np.arange(len(connections), dtype=np.int32)
            self.cols = np.broadcast_to(np.int32(0), (len(connections),))
            self.weight = np.array([[c.weight] for c in connections], dtype=dtype)
            # The connections come grouped by target (in_edges lists each
            # neuron's together), so each target's terms are one run to sum.
            self.target_starts = np.flatnonzero(np.r_[True, np.diff(cols) != 0])
            # How many connections each neuron has: a neuron's delta is
            # repeated that many times to meet its connections.
            self.fan_in = np.diff(np.r_[self.target_starts, len(connections)])
            self.by_source = np.argsort(rows, kind="stable").astype(np.int32)
            self.source_starts = np.flatnonzero(
                np.r_[True, np.diff(rows[self.by_source]) != 0]
            )
        else:
            self.kind = "dense"
            self.rows, self.cols = rows, cols
            self.weight = np.zeros((len(sources), len(neurons)), dtype=dtype)
            self.weight[rows, cols] = [c.weight for c in connections]
            if len(connections) < self.weight.size:
                self.kind = "masked"
                self.mask = np.zeros(self.weight.shape, dtype=bool)
                self.mask[rows, cols] = True
        self.bias = np.array([n.bias for n in neurons], dtype=dtype)
        #: The Parameter of each weight entry (aligned with rows, cols) and bias.
        self.weight_parameters = [c.parameter for c in connections]
        self.bias_parameters = [n.bias_parameter for n in neurons]
        self.weight_grad: np.ndarray | None = None
        self.bias_grad: np.ndarray | None = None
        # Optimizer state is keyed per parameter array.
        self.weight_key, self.bias_key = (self, "weight"), (self, "bias")
        #: "max" for a block of max-pooling neurons, else "sum".
        self.aggregation = self.neurons[0].aggregation
        self.pool_rows = None
        if self.aggregation == "max":
            # Each pooling neuron's k inputs, in the order of its connections
            # (in_edges lists a neuron's incoming connections together).
            fan_in = np.bincount(cols, minlength=len(neurons))
            if np.any(fan_in != fan_in[0]):
                raise TopologyError(
                    "the vectorised backend takes max-pooling neurons of one level with "
                    f"the same number of inputs; {self.neurons[0].name!r} and its level "
                    f"have {sorted(set(fan_in.tolist()))}. Give them equal fan-in, or use "
                    "the object backend."
                )
            self.pool_rows = rows.reshape(len(neurons), -1)
            self.pool_cols = cols.reshape(len(neurons), -1)
            self.winner: np.ndarray | None = None

    def __repr__(self) -> str:
        kind = (
            "dense" if self.kind == "dense" else f"{len(self.connections)} connections"
        )
        kind += ", sparse" if self.kind == "sparse" else ""
        return (
            f"Block(level {self.level}, {self.activation.name}, "
            f"{len(self.neurons)} neurons <- {len(self.sources)} sources, {kind})"
        )


class CompiledNetwork(Model):
    """A :class:`~neurosim.network.Network` compiled into weight matrices.

    Built by :meth:`Network.compile`. It offers the network's ``forward``,
    ``predict``, ``backward``, ``step`` and ``fit`` with the same losses,
    optimizers and training schedule, and gives the same numbers to float64
    round-off.

    Parameters
    ----------
    network : Network
        The network to compile; its weights and biases are copied.
    dtype : {numpy.float64, numpy.float32}, default float64
        float32 halves the memory and speeds up large matrix products, at
        float32 precision.

    Attributes
    ----------
    network : Network
        The network compiled from.
    blocks : list of Block
        The matrices, in evaluation order.
    dtype : numpy.dtype

    Examples
    --------
    >>> import neurosim as ns
    >>> X, Y = ns.datasets.xor()
    >>> net = ns.Network.layered([2, 4, 1], seed=0)
    >>> cnet = net.compile()
    >>> history = cnet.fit(X, Y, epochs=2000, lr=0.5, seed=0)
    >>> cnet.write_back()            # the graph now holds the trained weights
    >>> net.predict(X).round().ravel()
    array([0., 1., 1., 0.])
    """

    def __init__(self, network: Network, dtype: DTypeLike = np.float64) -> None:
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            dtype = None
        if dtype not in _DTYPES:
            raise ParameterError(
                f"dtype must be numpy.float64 or numpy.float32, got {dtype!r}"
            )
        self._inputs, self._outputs = network.inputs_and_outputs()
        self.network = network
        self.dtype = dtype
        self._store = network.parameter_store
        self._version = network.topology_version
        self._structure = self._store.structure_version
        self.blocks: list[Block] = []
        self._build(network.graph)
        # A layered MLP in float64 takes the lean path: each block is fed by
        # the whole block before it (or all the inputs), densely, and its
        # outputs are the network's outputs.
        self._chain = (
            dtype == np.float64
            and bool(self.blocks)
            and all(block.pool_rows is None for block in self.blocks)
            and self._whole_output_owner == len(self.blocks)
            and all(
                block.kind == "dense"
                and len(block.pieces) == 1
                and block.pieces[0].owner == k
                and block.pieces[0].columns is None
                for k, block in enumerate(self.blocks)
            )
        )
        self._index_parameters()
        self._synced = self._store.version  # the graph's values we hold
        self._generation = 0  # counts every change of the arrays' values
        self._index_frozen()
        self._values: list[np.ndarray] | None = None  # outputs per block, last pass
        self._nets: list[np.ndarray] = []
        self._sources: list[np.ndarray | None] = []
        self._single = True
        self._has_gradients = False

    # ------------------------------------------------------------------ compiling

    def _build(self, graph: nx.DiGraph) -> None:
        """Group the neurons into blocks; O(neurons + connections)."""
        order = {name: i for i, name in enumerate(graph)}
        layout = _Layout(self._inputs)
        for level, names in enumerate(nx.topological_generations(graph)):
            groups: dict[tuple[Activation, str], list[Neuron]] = {}
            for name in sorted(names, key=order.__getitem__):
                neuron = graph.nodes[name]["neuron"]
                if not neuron.is_input:
                    key = (neuron.activation, neuron.aggregation)
                    groups.setdefault(key, []).append(neuron)
            for (activation, _), neurons in groups.items():
                self.blocks.append(
                    _make_block(graph, level, activation, neurons, layout, self.dtype)
                )
                layout.place(neurons)
        self._sizes = layout.sizes
        self._output_pieces = _pieces(
            [layout.locate(layout.index[n.name]) for n in self._outputs], layout.sizes
        )
        first = self._output_pieces[0]
        self._whole_output_owner = (
            first.owner
            if len(self._output_pieces) == 1 and first.columns is None
            else 0
        )

    # ------------------------------------------------------------------ public API

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
        """``(batch size, single sample?)`` of the last forward pass, or None."""
        if self._values is None:
            return None
        return self._values[0].shape[0], self._single

    @property
    def has_gradients(self) -> bool:
        """Whether a backward pass has set gradients since the last forward pass."""
        return self._has_gradients

    @property
    def input_shape(self) -> tuple[int, int, int] | None:
        """The grid the network's inputs form, or None (see :meth:`Network.input_shape`)."""
        return self.network.input_shape

    @property
    def n_parameters(self) -> int:
        """The number of parameters, a shared one counted once (as the network's).

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.convolutional((6, 6), [ns.layers.Conv(2, 3), ns.layers.Dense(1)], seed=0)
        >>> net.compile().n_parameters == net.n_parameters
        True
        """
        return len(self._store.parameters)

    @property
    def n_trainable(self) -> int:
        """The number of parameters an optimizer may change (a shared one once)."""
        return len(self._store.trainable())

    def __repr__(self) -> str:
        levels = len({block.level for block in self.blocks})
        return (
            f"CompiledNetwork({len(self.blocks)} block{'s' * (len(self.blocks) != 1)} "
            f"on {levels} level{'s' * (levels != 1)}, {self.n_parameters} parameters, "
            f"{self.dtype})"
        )

    def write_back(self, gradients: bool = False) -> None:
        """Never needed for the weights: kept for old code, and for the gradients.

        The graph always shows the compiled network's newest weights (it
        fetches them when read), so this only makes that fetch happen now.
        With ``gradients=True`` it also copies the gradients of the last
        :meth:`backward` into each ``Connection.grad`` and ``Neuron.bias_grad``.

        Examples
        --------
        >>> import neurosim as ns
        >>> X, Y = ns.datasets.xor()
        >>> net = ns.Network.layered([2, 2, 1], seed=0)
        >>> cnet = net.compile()
        >>> _ = cnet.fit(X, Y, epochs=5, lr=0.5, seed=0)
        >>> net.connection("x1", "h1_1").weight == float(cnet.blocks[0].weight[0, 0])
        True
        """
        self.prepare()
        if gradients and not self._has_gradients:
            raise StateError(
                "there are no gradients to write back: call cnet.backward first"
            )
        if self._store.holder is self:
            self._store.pull()
        for block in self.blocks:
            if gradients:
                grads = block.weight_grad[block.rows, block.cols].tolist()
                for connection, grad in zip(block.connections, grads):
                    connection.grad = grad
                for neuron, grad in zip(block.neurons, block.bias_grad.tolist()):
                    neuron.bias_grad = grad

    # ------------------------------------------------------------------ Model kernels

    def values_version(self) -> int:
        """A number that changes whenever the arrays' values change."""
        return self._generation

    def prepare(self) -> None:
        """Refuse a stale structure; make sure the arrays hold the newest values."""
        if self.network.topology_version != self._version:
            raise StaleNetworkError(
                "the network's graph was edited (a neuron or connection added or removed) "
                "after it was compiled, so this CompiledNetwork no longer matches it; "
                "compile again with net.compile()"
            )
        store = self._store
        if store.structure_version != self._structure:
            raise StaleNetworkError(
                "a neuron's activation was replaced after the network was compiled, so "
                "this CompiledNetwork would compute with the old one; compile again "
                "with net.compile()"
            )
        if store.holder is not self:
            if store.holder is not None:
                store.pull()  # another compiled network trained last
            if self._synced != store.version:
                self._load_values()
        if self._frozen_version != store.frozen_version:
            self._index_frozen()

    # ------------------------------------------------------------------ parameters

    def _index_parameters(self) -> None:
        """Where every shared parameter sits in the blocks: O(connections), once."""
        shared = {}
        for block in self.blocks:
            for parameter in (*block.weight_parameters, *block.bias_parameters):
                if parameter.shared and parameter not in shared:
                    shared[parameter] = len(shared)
        self._shared = list(shared)
        self._shared_values = np.array(
            [p.value for p in self._shared], dtype=self.dtype
        )
        self._shared_grad = np.zeros_like(self._shared_values)
        self._shared_key = (self, "shared")
        for block in self.blocks:
            block.shared_weights = _positions(block.weight_parameters, shared)
            block.shared_biases = _positions(block.bias_parameters, shared)

    def _index_frozen(self) -> None:
        """Where the frozen parameters sit, with the values to put back after updates."""
        for block in self.blocks:
            block.frozen_weights = np.array(
                [k for k, p in enumerate(block.weight_parameters) if not p.trainable],
                dtype=np.intp,
            )
            block.frozen_biases = np.array(
                [k for k, p in enumerate(block.bias_parameters) if not p.trainable],
                dtype=np.intp,
            )
            rows = block.rows[block.frozen_weights]
            cols = block.cols[block.frozen_weights]
            block.frozen_weight_values = block.weight[rows, cols]
            block.frozen_bias_values = block.bias[block.frozen_biases]
        self._frozen_shared = np.array(
            [k for k, p in enumerate(self._shared) if not p.trainable], dtype=np.intp
        )
        self._frozen_shared_values = self._shared_values[self._frozen_shared]
        self._any_frozen = any(
            b.frozen_weights.size or b.frozen_biases.size for b in self.blocks
        )
        self._frozen_version = self._store.frozen_version

    def _load_values(self) -> None:
        """Copy the graph's values into the arrays (after an edit through the graph)."""
        for block in self.blocks:
            block.weight[block.rows, block.cols] = [
                p.value for p in block.weight_parameters
            ]
            block.bias[:] = [p.value for p in block.bias_parameters]
        self._shared_values[:] = [p.value for p in self._shared]
        self._synced = self._store.version
        self._generation += 1
        self._index_frozen()

    def newest_values(self) -> tuple[list, list[float]]:
        """Every parameter with its value in the arrays: the store's :meth:`pull`.

        Part of the protocol between a network's
        :class:`~neurosim.parameters.ParameterStore` and a compiled network
        holding newer values; users never need to call it.
        """
        parameters, values = [], []
        for block in self.blocks:
            parameters.extend(block.weight_parameters)
            values.extend(block.weight[block.rows, block.cols].tolist())
            parameters.extend(block.bias_parameters)
            values.extend(block.bias.tolist())
        return parameters, values

    def parameter_gradients(self) -> dict:
        """Each parameter's gradient from the last :meth:`backward` (a shared one summed).

        The same numbers the object backend stores in ``Parameter.grad``.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
        >>> net.connection("x1", "y1").weight = 2.0
        >>> cnet = net.compile()
        >>> _ = cnet.forward([1.5]); _ = cnet.backward([1.0])
        >>> [round(g, 12) for g in cnet.parameter_gradients().values()]
        [6.0, 4.0]
        """
        if not self._has_gradients:
            raise StateError("there are no gradients: call cnet.backward first")
        grads: dict = {}
        for block in self.blocks:
            entries = block.weight_grad[block.rows, block.cols].tolist()
            for parameter, grad in zip(block.weight_parameters, entries):
                grads[parameter] = grads.get(parameter, 0.0) + grad
            for parameter, grad in zip(block.bias_parameters, block.bias_grad.tolist()):
                grads[parameter] = grads.get(parameter, 0.0) + grad
        return grads

    def mark_synced(self, version: int) -> None:
        """The graph now holds exactly this network's values, as of ``version``."""
        self._synced = version

    def propagate(self, batch: np.ndarray, single: bool) -> np.ndarray:
        """Forward pass on validated input; return outputs of shape (batch, n_outputs)."""
        if self._chain:
            return self._propagate_chain(batch, single)
        values = [batch if batch.dtype == self.dtype else batch.astype(self.dtype)]
        nets, sources = [], []
        for block in self.blocks:
            if block.pool_rows is not None:
                inputs = _gather(block.pieces, values)
                net = _pool_forward(block, inputs)
            elif block.kind == "sparse":
                inputs = _gather(block.pieces, values)
                net = _sparse_forward(block, inputs)
            elif block.pieces:
                inputs = _gather(block.pieces, values)
                net = inputs @ block.weight
                net += block.bias
            else:  # neurons fed by nothing: their net input is their bias
                inputs = None
                net = np.repeat(block.bias[np.newaxis], batch.shape[0], axis=0)
            nets.append(net)
            sources.append(inputs)
            output = block.activation.fn(net)
            values.append(
                output if output.dtype == self.dtype else output.astype(self.dtype)
            )
        self._values, self._nets, self._sources, self._single = (
            values,
            nets,
            sources,
            single,
        )
        self._has_gradients = False
        return self.output_matrix()

    def output_matrix(self) -> np.ndarray:
        """The outputs of the last forward pass, (batch, n_outputs)."""
        return _gather(self._output_pieces, self._values)

    def _propagate_chain(self, batch: np.ndarray, single: bool) -> np.ndarray:
        """The forward pass of a layered MLP: each block fed by the whole block before."""
        values, nets = [batch], []
        for block in self.blocks:
            net = batch @ block.weight
            net += block.bias
            batch = block.activation.fn(net)
            nets.append(net)
            values.append(batch)
        self._values, self._nets, self._sources, self._single = (
            values,
            nets,
            values,
            single,
        )
        self._has_gradients = False
        return batch

    def _backpropagate_chain(self, error: np.ndarray) -> None:
        """The backward pass of a layered MLP: one product per block for each of W, δ."""
        values, nets = self._values, self._nets
        for k in range(len(self.blocks) - 1, -1, -1):
            block = self.blocks[k]
            if block.activation is _IDENTITY:  # f' = 1: skip an exact no-op
                delta = error
            else:
                delta = error * block.activation.derivative(nets[k])
            block.bias_grad = np.add.reduce(delta, axis=0)
            block.weight_grad = values[k].T @ delta
            if k:
                error = delta @ block.weight.T

    def backpropagate(self, output_grads: np.ndarray) -> None:
        """Backward pass given dL/d(outputs) of shape (batch, n_outputs)."""
        if self._chain:
            self._backpropagate_chain(output_grads)
            self._sum_shared_gradients()
            self._has_gradients = True
            return
        errors: list[np.ndarray | None] = [None] * len(self._values)
        batch = output_grads.shape[0]
        if self._whole_output_owner:  # the outputs are one whole block, as in an MLP
            errors[self._whole_output_owner] = output_grads
        else:
            for piece in self._output_pieces:
                self._accumulate(errors, piece, output_grads[:, piece.span], batch)
        for k in range(len(self.blocks) - 1, -1, -1):
            block, net = self.blocks[k], self._nets[k]
            error = errors[k + 1]
            if error is None:  # feeds nothing and is no output: ∂L/∂output = 0
                delta = np.zeros_like(net)
            elif block.activation is _IDENTITY:  # f' = 1: skip an exact no-op
                delta = error
            else:
                delta = error * block.activation.derivative(net)
                if (
                    delta.dtype != self.dtype
                ):  # a float64 derivative in a float32 network
                    delta = delta.astype(self.dtype)
            block.bias_grad = np.add.reduce(delta, axis=0)  # = delta.sum(axis=0)
            if block.pool_rows is not None or block.kind == "sparse":
                backward = (
                    _pool_backward if block.pool_rows is not None else _sparse_backward
                )
                contribution = backward(block, self._sources[k], delta)
                for piece in block.pieces:
                    if piece.owner:
                        self._accumulate(
                            errors, piece, contribution[:, piece.span], batch
                        )
                continue
            if not block.pieces:
                block.weight_grad = np.zeros_like(block.weight)
                continue
            block.weight_grad = self._sources[k].T @ delta
            if block.mask is not None:
                block.weight_grad *= block.mask
            for piece in block.pieces:
                if piece.owner:  # inputs need no error
                    contribution = delta @ block.weight[piece.span].T
                    self._accumulate(errors, piece, contribution, batch)
        self._sum_shared_gradients()
        self._has_gradients = True

    def _sum_shared_gradients(self) -> None:
        if self._shared:
            # A shared parameter's gradient: the sum over every entry using it.
            grad = self._shared_grad
            grad[:] = 0.0
            for block in self.blocks:
                if block.shared_weights is not None:
                    where, index = block.shared_weights
                    rows, cols = block.rows[where], block.cols[where]
                    np.add.at(grad, index, block.weight_grad[rows, cols])
                if block.shared_biases is not None:
                    where, index = block.shared_biases
                    np.add.at(grad, index, block.bias_grad[where])

    def _accumulate(self, errors, piece: _Piece, contribution, batch: int) -> None:
        """Add ∂L/∂output contributions to the neurons of ``piece``."""
        current = errors[piece.owner]
        if piece.columns is None:
            errors[piece.owner] = (
                contribution if current is None else current + contribution
            )
            return
        if current is None:
            current = errors[piece.owner] = np.zeros(
                (batch, self._sizes[piece.owner]), dtype=contribution.dtype
            )
        current[:, piece.columns] += contribution

    def apply_update(self, optimizer: Optimizer) -> None:
        """One optimizer step per weight array; shared ones once, frozen ones put back."""
        optimizer.start_step()
        update = optimizer.update
        for block in self.blocks:
            if block.pieces:
                block.weight = update(block.weight_key, block.weight, block.weight_grad)
            block.bias = update(block.bias_key, block.bias, block.bias_grad)
        if self._shared:
            # Shared parameters: one update each, from their summed gradient,
            # then the same value into every entry that uses it.
            values = update(self._shared_key, self._shared_values, self._shared_grad)
            values[self._frozen_shared] = self._frozen_shared_values
            for block in self.blocks:
                if block.shared_weights is not None:
                    where, index = block.shared_weights
                    block.weight[block.rows[where], block.cols[where]] = values[index]
                if block.shared_biases is not None:
                    where, index = block.shared_biases
                    block.bias[where] = values[index]
        for block in self.blocks if self._any_frozen else ():
            # Frozen parameters: whatever the rule did, they keep their value.
            if block.frozen_weights.size:
                rows = block.rows[block.frozen_weights]
                cols = block.cols[block.frozen_weights]
                block.weight[rows, cols] = block.frozen_weight_values
            if block.frozen_biases.size:
                block.bias[block.frozen_biases] = block.frozen_bias_values
        self._store.holder = self
        self._generation += 1

    def parameter_values(self) -> list[np.ndarray]:
        """A copy of every parameter array, for :meth:`restore_parameter_values`."""
        arrays = [a.copy() for b in self.blocks for a in (b.weight, b.bias)]
        return [*arrays, self._shared_values.copy()]

    def restore_parameter_values(self, values: list[np.ndarray]) -> None:
        """Put back arrays taken by :meth:`parameter_values`."""
        values = iter(values)
        for block in self.blocks:
            block.weight[...], block.bias[...] = next(values), next(values)
        self._shared_values[...] = next(values)
        self._store.holder = self
        self._generation += 1

    # ------------------------------------------------------------------ parameter vectors

    def _vector_index(self) -> list:
        """Where each trainable parameter's vector entry goes: per block, (weight
        positions, their entries, bias positions, their entries), then the shared
        values'; rebuilt when a parameter is frozen or unfrozen."""
        key = (self._store.frozen_version, len(self._store.parameters))
        if getattr(self, "_vector_key", None) != key:
            entry = {p: k for k, p in enumerate(self._store.trainable())}

            def where(parameters) -> tuple[np.ndarray, np.ndarray]:
                """(positions in ``parameters``, their entries in the vector)."""
                found = [(k, entry[p]) for k, p in enumerate(parameters) if p in entry]
                pairs = np.array(found, dtype=np.intp).reshape(-1, 2)
                return pairs[:, 0], pairs[:, 1]

            self._vector = [
                (*where(b.weight_parameters), *where(b.bias_parameters))
                for b in self.blocks
            ]
            # A block whose every weight (row by row) and every bias is trainable,
            # unshared and in one run of the vector reads its candidates as views.
            self._vector_runs = [
                (
                    _run(
                        w_to,
                        b.weight.size,
                        b.rows[w_at] * b.weight.shape[1] + b.cols[w_at],
                    ),
                    _run(b_to, b.bias.size, b_at),
                )
                for b, (w_at, w_to, b_at, b_to) in zip(self.blocks, self._vector)
            ]
            self._vector_shared = where(self._shared)
            self._vector_size = len(entry)
            self._vector_key = key
        return self._vector

    def trainable_values(self) -> np.ndarray:
        """The trainable parameters as one vector, in the store's order."""
        index = self._vector_index()
        vector = np.empty(self._vector_size, self.dtype)
        for block, (w_at, w_to, b_at, b_to) in zip(self.blocks, index):
            vector[w_to] = block.weight[block.rows[w_at], block.cols[w_at]]
            vector[b_to] = block.bias[b_at]
        return vector

    def load_trainable_values(self, values: np.ndarray) -> None:
        """Write a checked vector into the arrays (a shared value into every place)."""
        values = values.astype(self.dtype, copy=False)
        for block, (w_at, w_to, b_at, b_to) in zip(self.blocks, self._vector_index()):
            block.weight[block.rows[w_at], block.cols[w_at]] = values[w_to]
            block.bias[b_at] = values[b_to]
        at, to = self._vector_shared
        self._shared_values[at] = values[to]
        self._store.holder = self
        self._generation += 1

    def candidate_outputs(self, batch: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """Every candidate's outputs; a layered MLP evaluates the population at once.

        On the lean path each block's weights become a stack, one matrix per
        candidate, and one batched product per block computes the whole
        population: no candidate is written into the network.
        """
        if not self._chain:
            return super().candidate_outputs(batch, vectors)
        outputs = batch
        index = self._vector_index()
        for block, (w_at, w_to, b_at, b_to), (w_run, b_run) in zip(
            self.blocks, index, self._vector_runs
        ):
            if w_run is not None:
                weights = vectors[:, w_run].reshape(len(vectors), *block.weight.shape)
            else:
                weights = np.repeat(block.weight[None], len(vectors), axis=0)
                weights[:, block.rows[w_at], block.cols[w_at]] = vectors[:, w_to]
            if b_run is not None:
                biases = vectors[:, b_run]
            else:
                biases = np.repeat(block.bias[None], len(vectors), axis=0)
                biases[:, b_at] = vectors[:, b_to]
            net = outputs @ weights
            net += biases[:, None, :]
            outputs = block.activation.fn(net)
        return outputs


def _run(entries: np.ndarray, size: int, places: np.ndarray) -> slice | None:
    """The slice of the vector holding all ``size`` values in place order, or None."""
    if len(entries) != size or size == 0:
        return None
    start = int(entries[0])
    if np.array_equal(entries, np.arange(start, start + size)) and np.array_equal(
        places, np.arange(size)
    ):
        return slice(start, start + size)
    return None


class _Layout:
    """Where each compiled neuron's value lives: an owner and a column in it.

    Owner 0 holds the inputs, owner k the neurons of block k-1. Every neuron
    also has a global index, increasing with the owner, so sorting by it sorts
    by (owner, column).
    """

    def __init__(self, inputs: Sequence[Neuron]) -> None:
        self.neurons: list[Neuron] = []
        self.index: dict[str, int] = {}
        self.owner_of: list[int] = []
        self.column_of: list[int] = []
        self.sizes: list[int] = []
        self.place(inputs)

    def place(self, neurons: Sequence[Neuron]) -> None:
        owner = len(self.sizes)
        for column, neuron in enumerate(neurons):
            self.index[neuron.name] = len(self.neurons)
            self.neurons.append(neuron)
            self.owner_of.append(owner)
            self.column_of.append(column)
        self.sizes.append(len(neurons))

    def locate(self, index: int) -> tuple[int, int]:
        return self.owner_of[index], self.column_of[index]


def _make_block(graph, level, activation, neurons, layout: _Layout, dtype) -> Block:
    """One block: its neurons, the sources feeding them, their weights' positions."""
    column_of = {neuron.name: j for j, neuron in enumerate(neurons)}
    index = layout.index
    sources, targets, connections = [], [], []
    for source, target, connection in graph.in_edges(column_of, data="connection"):
        sources.append(index[source])
        targets.append(column_of[target])
        connections.append(connection)
    # Rows in global-index order: each owner's neurons form one run of rows.
    unique, rows = np.unique(np.array(sources, dtype=np.intp), return_inverse=True)
    unique = unique.tolist()
    return Block(
        level,
        activation,
        neurons,
        [layout.neurons[i] for i in unique],
        _pieces([layout.locate(i) for i in unique], layout.sizes),
        connections,
        rows.reshape(-1).astype(np.intp),
        np.array(targets, dtype=np.intp),
        dtype,
    )


def _pieces(locations: Sequence[tuple[int, int]], sizes: Sequence[int]) -> list[_Piece]:
    """Split (owner, column) locations into runs that share an owner."""
    pieces, start = [], 0
    for end in range(1, len(locations) + 1):
        if end == len(locations) or locations[end][0] != locations[start][0]:
            owner = locations[start][0]
            columns = np.array([c for _, c in locations[start:end]], dtype=np.intp)
            pieces.append(
                _Piece(owner, _selector(columns, sizes[owner]), slice(start, end))
            )
            start = end
    return pieces


def _selector(columns: np.ndarray, size: int) -> slice | np.ndarray | None:
    """None for all columns in order, a slice for a contiguous run, else the indices."""
    if len(columns) == size and np.array_equal(columns, np.arange(size)):
        return None
    if np.array_equal(columns, np.arange(columns[0], columns[0] + len(columns))):
        return slice(int(columns[0]), int(columns[0]) + len(columns))
    return columns


def _gather(pieces: Sequence[_Piece], values: list[np.ndarray]) -> np.ndarray:
    """The matrix of the pieces' values, side by side (a view when possible)."""
    if len(pieces) == 1 and pieces[0].columns is None:  # a whole layer, as in an MLP
        return values[pieces[0].owner]
    parts = [
        values[p.owner] if p.columns is None else values[p.owner][:, p.columns]
        for p in pieces
    ]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)


def _positions(parameters: list, shared: dict) -> tuple[np.ndarray, np.ndarray] | None:
    """(positions in ``parameters``, index in the shared list) of the shared ones."""
    where = [k for k, p in enumerate(parameters) if p in shared]
    if not where:
        return None
    index = [shared[parameters[k]] for k in where]
    return np.array(where, dtype=np.int32), np.array(index, dtype=np.int32)


def _pool_forward(block: Block, inputs: np.ndarray) -> np.ndarray:
    """Net inputs of max-pooling neurons: ``bias + max_i w_i·x_i``, winners remembered."""
    weights = block.weight[block.pool_rows, block.pool_cols]
    weighted = inputs[:, block.pool_rows] * weights
    # argmax takes the first of equal maxima, as the object backend does.
    block.winner = np.argmax(weighted, axis=2)
    best = np.take_along_axis(weighted, block.winner[..., np.newaxis], axis=2)[..., 0]
    return best + block.bias


def _pool_backward(block: Block, inputs: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Gradients of a pooling block; return ∂L/∂(its sources' outputs).

    Only the connection that won gets a gradient (δ·x), and only its source
    gets the error (w·δ), sample by sample.
    """
    winner = block.winner[..., np.newaxis]
    won = np.take_along_axis(inputs[:, block.pool_rows], winner, axis=2)[..., 0]
    chosen = np.arange(block.pool_rows.shape[1]) == winner
    entries = np.einsum("bn,bnk->nk", delta * won, chosen)
    block.weight_grad = np.zeros_like(block.weight)
    block.weight_grad[block.pool_rows, block.pool_cols] = entries
    weights = block.weight[block.pool_rows, block.pool_cols]
    routed = (
        delta
        * np.take_along_axis(np.broadcast_to(weights, chosen.shape), winner, axis=2)[
            ..., 0
        ]
    )
    sources = np.take_along_axis(
        np.broadcast_to(block.pool_rows, chosen.shape), winner, axis=2
    )[..., 0]
    contribution = np.zeros((delta.shape[0], len(block.sources)), dtype=delta.dtype)
    samples = np.arange(delta.shape[0])[:, np.newaxis]
    np.add.at(contribution, (np.broadcast_to(samples, sources.shape), sources), routed)
    return contribution


def _sparse_forward(block: Block, inputs: np.ndarray) -> np.ndarray:
    """Net inputs of a sparse block: each neuron's run of w·x terms, summed, plus bias."""
    terms = inputs[:, block.source_index] * block.weight[:, 0]
    return np.add.reduceat(terms, block.target_starts, axis=1) + block.bias


def _sparse_backward(block: Block, inputs: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Gradients of a sparse block; return ∂L/∂(its sources' outputs)."""
    spread = np.repeat(delta, block.fan_in, axis=1)
    block.weight_grad = np.einsum("bc,bc->c", inputs[:, block.source_index], spread)[
        :, np.newaxis
    ]
    terms = (spread * block.weight[:, 0])[:, block.by_source]
    return np.add.reduceat(terms, block.source_starts, axis=1)
