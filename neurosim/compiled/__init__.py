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

from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
from numpy.typing import DTypeLike

from ..activations import Activation
from ..errors import ParameterError
from ..layout import grid_shape
from ..model import Model
from ..neuron import Neuron
from ..optimizers import Optimizer
from .blocks import (
    DTYPES,
    IDENTITY,
    Block,
    Layout,
    Piece,
    gather,
    make_block,
    pieces_of,
)
from .convolution import conv_backward, conv_forward
from .kernels import pool_backward, pool_forward, sparse_backward, sparse_forward
from .sync import ParameterSync

if TYPE_CHECKING:
    from ..network import Network

__all__ = ["Block", "CompiledNetwork"]

#: The blocks that are not one dense product: (forward, backward) by kind.
KERNELS = {
    "gated": (pool_forward, pool_backward),
    "sparse": (sparse_forward, sparse_backward),
    "convolution": (conv_forward, conv_backward),
}


class CompiledNetwork(ParameterSync, Model):
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
    structured : bool, default True
        Recognise convolutions (kernels shared over grid positions) and
        compute them as matrix products over image patches (see
        :mod:`neurosim.compiled.convolution`). False computes every level
        with the general blocks: the same numbers, slower; for comparison.

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

    def __init__(
        self,
        network: Network,
        dtype: DTypeLike = np.float64,
        *,
        structured: bool = True,
    ) -> None:
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            dtype = None
        if dtype not in DTYPES:
            raise ParameterError(
                f"dtype must be numpy.float64 or numpy.float32, got {dtype!r}"
            )
        self._inputs, self._outputs = network.inputs_and_outputs()
        self._input_shape = grid_shape(self._inputs)
        network.check_fan_in()  # refuses what the node-by-node pass refuses
        self.network = network
        self.dtype = dtype
        self._store = network.parameter_store
        self._version = network.topology_version
        self._structure = self._store.structure_version
        self.blocks: list[Block] = []
        if self._store.holder is not None:
            self._store.pull()  # the blocks read the graph's values
        self._build(network.graph, structured)
        # A layered MLP in float64 takes the lean path: each block is fed by
        # the whole block before it (or all the inputs), densely, and its
        # outputs are the network's outputs.
        self._chain = (
            dtype == np.float64
            and bool(self.blocks)
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

    def _build(self, graph: nx.DiGraph, structured: bool) -> None:
        """Group the neurons into blocks; O(neurons + connections)."""
        order = {name: i for i, name in enumerate(graph)}
        layout = Layout(self._inputs)
        for level, names in enumerate(self.network.levels):
            groups: dict[tuple[Activation, str, int], list[Neuron]] = {}
            for name in sorted(names, key=order.__getitem__):
                neuron = graph.nodes[name]["neuron"]
                if not neuron.is_input:
                    # Gated neurons (max, product) by fan-in: one (batch, n, k) array.
                    fan_in = graph.in_degree(name) if neuron.aggregation != "sum" else 0
                    key = (neuron.activation, neuron.aggregation, fan_in)
                    groups.setdefault(key, []).append(neuron)
            for (activation, *_), neurons in groups.items():
                self.blocks.append(
                    make_block(
                        graph,
                        level,
                        activation,
                        neurons,
                        layout,
                        self.dtype,
                        structured,
                    )
                )
                layout.place(self.blocks[-1].neurons)  # a block may reorder them
        self._sizes = layout.sizes
        self._output_pieces = pieces_of(
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
        """The grid the network's inputs form, or None (see :meth:`Network.input_shape`).

        Read from the input neurons' positions when compiled.
        """
        return self._input_shape

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

    # ------------------------------------------------------------------ Model kernels

    # ------------------------------------------------------------------ parameters

    def propagate(self, batch: np.ndarray, single: bool) -> np.ndarray:
        """Forward pass on validated input; return outputs of shape (batch, n_outputs)."""
        if self._chain:
            return self._propagate_chain(batch, single)
        values = [batch if batch.dtype == self.dtype else batch.astype(self.dtype)]
        nets, sources = [], []
        for block in self.blocks:
            if block.kind in KERNELS:
                inputs = gather(block.pieces, values)
                net = KERNELS[block.kind][0](block, inputs)
            elif block.pieces:
                inputs = gather(block.pieces, values)
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
        return gather(self._output_pieces, self._values)

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
            if block.activation is IDENTITY:  # f' = 1: skip an exact no-op
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
            elif block.activation is IDENTITY:  # f' = 1: skip an exact no-op
                delta = error
            else:
                delta = error * block.activation.derivative(net)
                if (
                    delta.dtype != self.dtype
                ):  # a float64 derivative in a float32 network
                    delta = delta.astype(self.dtype)
            block.bias_grad = np.add.reduce(delta, axis=0)  # = delta.sum(axis=0)
            if block.kind in KERNELS:
                contribution = KERNELS[block.kind][1](block, self._sources[k], delta)
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

    def _accumulate(self, errors, piece: Piece, contribution, batch: int) -> None:
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

    # ------------------------------------------------------------------ parameter vectors

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
