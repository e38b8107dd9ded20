"""Blocks: a level's neurons of one activation, their weights as one matrix (or sparse).

Glossary: a *block* computes ``Z = S @ W + b`` for its neurons; its
*sources* ``S`` are the outputs of earlier neurons, gathered from *pieces*
(a contiguous range of an earlier block's outputs, or the inputs); the
*layout* says where each neuron's output lives. A sparse block stores its
connections one by one (int32 indices) instead of a mostly-zero matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ..activations import Activation, get_activation
from ..errors import TopologyError
from ..neuron import Connection, Neuron
from .convolution import connection_gradients, find_convolution, scatter_index

__all__ = [
    "DTYPES", "IDENTITY", "SPARSE_DENSITY", "SPARSE_MIN_SIZE", "Block", "Layout",
    "Piece", "gather", "make_block", "pieces_of", "positions_of", "run_of", "selector",
]  # fmt: skip

IDENTITY = get_activation("identity")
# A block is stored connection by connection (memory in proportion to its
# connections) when at most this fraction of its source × neuron pairs are
# connected, and it has at least this many pairs; else as a dense matrix.
SPARSE_DENSITY = 0.25
SPARSE_MIN_SIZE = 4096
DTYPES = {np.dtype(np.float64), np.dtype(np.float32)}


class Piece(NamedTuple):
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
        The earlier neurons feeding the block.
    kind : {"dense", "masked", "sparse", "gated", "convolution"}
        How ``weight`` is stored.
    weight : ndarray
        Dense and masked: (len(sources), len(neurons)), ``weight[i, j]`` the
        weight of ``sources[i] -> neurons[j]``, zero where not connected.
        Sparse: one row per connection. Gated (max, product): (neurons,
        fan-in). Convolution: the kernels, (filters, width). In every kind
        ``weight[rows, cols]`` reads the entries of ``weight_parameters``.
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
        pieces: Sequence[Piece],
        connections: list[Connection],
        rows: np.ndarray,
        cols: np.ndarray,
        dtype: np.dtype,
        structured: bool = True,
    ) -> None:
        self.level = level
        self.activation = activation
        self.neurons = tuple(neurons)
        self.sources = tuple(sources)
        self.pieces = tuple(pieces)
        self.connections = connections  # in the order of (rows, cols)
        self.mask = None
        size = len(sources) * len(neurons)
        # Read once (the compiled network fetched the newest values first).
        parameters = [c.parameter for c in connections]
        values = [p.data for p in parameters]
        #: The :class:`~neurosim.compiled.convolution.Convolution` the block is, or None.
        self.convolution = None
        if structured and neurons[0].aggregation == "sum" and len(connections) < size:
            self.convolution = find_convolution(
                rows, cols, parameters, len(neurons), len(sources)
            )
        self.pool_rows = None
        if self.convolution is not None:
            # Position by position (column p·F + f): one product gives the net inputs.
            conv = self.convolution
            order = np.arange(len(neurons)).reshape(conv.filters, -1).T.ravel()
            self.neurons = neurons = tuple(neurons[j] for j in order.tolist())
            self._as_convolution(values, parameters, len(sources), dtype)
        elif neurons[0].aggregation != "sum":
            self._as_gated(values, rows, cols, dtype)
        elif size >= SPARSE_MIN_SIZE and len(connections) <= SPARSE_DENSITY * size:
            # Sparse: one weight per connection, a column vector, so that
            # weight[rows, cols] still reads the connections' weights.
            self.kind = "sparse"
            # int32 indices: a sparse block is meant to be large.
            self.source_index = rows.astype(np.int32)
            self.rows = np.arange(len(connections), dtype=np.int32)
            self.cols = np.broadcast_to(np.int32(0), (len(connections),))
            self.weight = np.array(values, dtype=dtype)[:, np.newaxis]
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
            self.weight[rows, cols] = values
            if len(connections) < self.weight.size:
                self.kind = "masked"
                self.mask = np.zeros(self.weight.shape, dtype=bool)
                self.mask[rows, cols] = True
        self.bias = np.array([n.bias for n in neurons], dtype=dtype)
        if self.convolution is None:
            #: The Parameter of each weight entry (aligned with rows, cols) and bias.
            self.weight_parameters = parameters
        self.bias_parameters = [n.bias_parameter for n in neurons]
        self.weight_grad: np.ndarray | None = None
        self.bias_grad: np.ndarray | None = None
        # Optimizer state is keyed per parameter array.
        self.weight_key, self.bias_key = (self, "weight"), (self, "bias")
        #: "max" for a block of max-pooling neurons, "product" of product neurons, else "sum".
        self.aggregation = self.neurons[0].aggregation
        if self.aggregation != "sum":
            self.winner: np.ndarray | None = None
            self.gates: np.ndarray | None = None

    def _as_gated(self, values, rows, cols, dtype) -> None:
        """Max or product neurons: weights (neurons, fan-in), inputs gathered by ``pool_rows``."""
        # Each gated neuron's k inputs, in the order of its connections
        # (in_edges lists a neuron's incoming connections together).
        n = len(self.neurons)
        fan_in = np.bincount(cols, minlength=n)
        if np.any(fan_in != fan_in[0]):
            raise TopologyError(
                f"the vectorised backend takes {self.neurons[0].aggregation} neurons of one "
                f"level with the same number of inputs; {self.neurons[0].name!r} and its "
                f"level have {sorted(set(fan_in.tolist()))}. Give them equal fan-in, or "
                "use the object backend."
            )
        self.kind = "gated"
        self.pool_rows = rows.reshape(n, -1)
        self.weight = np.array(values, dtype=dtype).reshape(n, -1)
        self.rows, self.cols = cols, np.tile(np.arange(self.weight.shape[1]), n)
        #: Each slot's sources, (k, n): slot i of every neuron, side by side.
        self.slots = np.ascontiguousarray(self.pool_rows.T)
        # Where each source's error comes from in the flattened (k, n) shares
        # when no source is read twice (pooling that tiles); else None.
        flat = self.slots.reshape(-1)
        self.receives = None
        if len(np.unique(flat)) == len(flat):
            self.receives = np.full(len(self.sources), len(flat), dtype=np.intp)
            self.receives[flat] = np.arange(len(flat))

    def _as_convolution(self, values, parameters, n_sources, dtype) -> None:
        """Store the kernels, (filters, width): the weight entries are the kernel's."""
        conv = self.convolution
        self.kind = "convolution"
        kernel = conv.kernel.reshape(-1).tolist()  # a connection carrying each entry
        self.weight = np.array([values[c] for c in kernel], dtype=dtype).reshape(
            conv.filters, conv.width
        )
        self.weight_parameters = [parameters[c] for c in kernel]
        self.rows, self.cols = np.divmod(np.arange(len(kernel)), conv.width)
        self.patch_flat = conv.patch.reshape(-1).astype(np.int32)
        self.scatter = scatter_index(conv.patch, n_sources).astype(np.int32)
        self.patches = self.delta = None

    def connection_gradients(self) -> np.ndarray:
        """Each connection's gradient from the last backward pass, in ``connections`` order."""
        if self.convolution is not None:
            return connection_gradients(self)
        return self.weight_grad[self.rows, self.cols]

    def __repr__(self) -> str:
        kind = (
            "dense" if self.kind == "dense" else f"{len(self.connections)} connections"
        )
        kind += ", sparse" if self.kind == "sparse" else ""
        if self.convolution is not None:
            conv = self.convolution
            kind += (
                f", convolution: {conv.filters} filters × {conv.width} "
                f"over {conv.positions} positions"
            )
        return (
            f"Block(level {self.level}, {self.activation.name}, "
            f"{len(self.neurons)} neurons <- {len(self.sources)} sources, {kind})"
        )


def run_of(entries: np.ndarray, size: int, places: np.ndarray) -> slice | None:
    """The slice of the vector holding all ``size`` values in place order, or None."""
    if len(entries) != size or size == 0:
        return None
    start = int(entries[0])
    if np.array_equal(entries, np.arange(start, start + size)) and np.array_equal(
        places, np.arange(size)
    ):
        return slice(start, start + size)
    return None


class Layout:
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


def make_block(
    graph, level, activation, neurons, layout: Layout, dtype, structured: bool = True
) -> Block:
    """One block: its neurons, the sources feeding them, their weights' positions."""
    index = layout.index
    sources, targets, connections = [], [], []
    pred = graph.pred
    for column, neuron in enumerate(neurons):  # each neuron's connections together
        incoming = pred[neuron.name]
        sources.extend([index[source] for source in incoming])
        targets.extend([column] * len(incoming))
        connections.extend([data["connection"] for data in incoming.values()])
    # Rows in global-index order: each owner's neurons form one run of rows.
    unique, rows = np.unique(np.array(sources, dtype=np.intp), return_inverse=True)
    unique = unique.tolist()
    return Block(
        level,
        activation,
        neurons,
        [layout.neurons[i] for i in unique],
        pieces_of([layout.locate(i) for i in unique], layout.sizes),
        connections,
        rows.reshape(-1).astype(np.intp),
        np.array(targets, dtype=np.intp),
        dtype,
        structured,
    )


def pieces_of(
    locations: Sequence[tuple[int, int]], sizes: Sequence[int]
) -> list[Piece]:
    """Split (owner, column) locations into runs that share an owner."""
    pieces, start = [], 0
    for end in range(1, len(locations) + 1):
        if end == len(locations) or locations[end][0] != locations[start][0]:
            owner = locations[start][0]
            columns = np.array([c for _, c in locations[start:end]], dtype=np.intp)
            pieces.append(
                Piece(owner, selector(columns, sizes[owner]), slice(start, end))
            )
            start = end
    return pieces


def selector(columns: np.ndarray, size: int) -> slice | np.ndarray | None:
    """None for all columns in order, a slice for a contiguous run, else the indices."""
    if len(columns) == size and np.array_equal(columns, np.arange(size)):
        return None
    if np.array_equal(columns, np.arange(columns[0], columns[0] + len(columns))):
        return slice(int(columns[0]), int(columns[0]) + len(columns))
    return columns


def gather(pieces: Sequence[Piece], values: list[np.ndarray]) -> np.ndarray:
    """The matrix of the pieces' values, side by side (a view when possible)."""
    if len(pieces) == 1 and pieces[0].columns is None:  # a whole layer, as in an MLP
        return values[pieces[0].owner]
    parts = [
        values[p.owner] if p.columns is None else values[p.owner][:, p.columns]
        for p in pieces
    ]
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)


def positions_of(
    parameters: list, shared: dict
) -> tuple[np.ndarray, np.ndarray] | None:
    """(positions in ``parameters``, index in the shared list) of the shared ones."""
    where = [k for k, p in enumerate(parameters) if p in shared]
    if not where:
        return None
    index = [shared[parameters[k]] for k in where]
    return np.array(where, dtype=np.int32), np.array(index, dtype=np.int32)
