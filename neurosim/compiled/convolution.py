"""Convolutions recognised in a block and computed as matrix products over patches.

A convolution level is, in the graph, thousands of connections that share a
few parameters: every neuron of filter ``f`` at grid position ``p`` reads the
patch of sources ``S[p, k]`` through the kernel entry ``K[f, k]``. Written
that way its net inputs are one batched product (im2col)::

    patches[b, p, k] = x[b, S[p, k]]          (0 where the patch leaves the image)
    net[b, p, f]     = Σ_k patches[b, p, k] · K[f, k] + bias
    ∂L/∂K[f, k]      = Σ_b,p patches[b, p, k] · δ[b, p, f]
    ∂L/∂patches      = δ K,  scattered back onto the sources

:func:`find_convolution` recognises the pattern from the connections and
their parameters alone — no geometry, stride or padding is asked for, so the
same pattern built by hand is recognised as well as what
:func:`neurosim.layers.conv` builds. Anything that does not fit exactly
(a neuron using one parameter twice, filters of different shapes, neurons
not grouped filter by filter) is left to the general blocks.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network.convolutional((6, 6), [ns.layers.Conv(2, 3), ns.layers.Dense(1)], seed=0)
>>> net.compile().blocks[0]
Block(level 1, relu, 32 neurons <- 36 sources, 288 connections, convolution: 2 filters × 9 over 16 positions)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = [
    "Convolution", "connection_gradients", "conv_backward", "conv_forward",
    "find_convolution", "scatter_index", "with_zero_column",
]  # fmt: skip


class Convolution(NamedTuple):
    """A block's neurons as ``filters`` maps of ``positions`` that read shared kernels.

    ``patch`` (positions, width) holds the source row each kernel entry
    reads at each position, ``n_sources`` (a zero column) where it reads
    nothing; ``kernel[f, k]`` indexes the block's connections: one that
    carries entry ``k`` of filter ``f``. Nothing is stored per connection.
    """

    filters: int
    positions: int
    width: int
    patch: np.ndarray
    kernel: np.ndarray


def find_convolution(
    rows: np.ndarray, cols: np.ndarray, parameters: list, n_neurons: int, n_sources: int
) -> Convolution | None:
    """The convolution these connections form, or None.

    ``rows[c]``/``cols[c]`` are connection ``c``'s source row and target
    column (connections grouped by target, targets in order), ``parameters[c]``
    its weight's Parameter. O(connections), vectorised.

    Examples
    --------
    Two filters of a 2-tap kernel sliding over 3 sources (positions 0, 1):

    >>> from neurosim.parameters import Parameter
    >>> k = [[Parameter(1.0), Parameter(2.0)], [Parameter(3.0), Parameter(4.0)]]
    >>> rows = np.array([0, 1, 1, 2, 0, 1, 1, 2])
    >>> cols = np.repeat(np.arange(4), 2)
    >>> used = [k[f][i] for f in (0, 1) for _ in (0, 1) for i in (0, 1)]
    >>> found = find_convolution(rows, cols, used, 4, 3)
    >>> found.filters, found.positions, found.patch.tolist()
    (2, 2, [[0, 1], [1, 2]])
    """
    n = len(rows)
    if n == 0 or n_neurons < 2:
        return None
    ids: dict[int, int] = {}
    pid = np.fromiter(
        (ids.setdefault(id(p), len(ids)) for p in parameters), np.intp, count=n
    )
    if len(ids) == n:  # nothing shared: no kernel to recognise
        return None
    starts = np.flatnonzero(np.r_[True, np.diff(cols) != 0])
    if len(starts) != n_neurons:  # a neuron without inputs
        return None
    # Filters: neurons linked by the parameters they use (label propagation).
    label = np.arange(len(ids))
    by_parameter = np.argsort(pid, kind="stable")
    parameter_starts = np.flatnonzero(np.r_[True, np.diff(pid[by_parameter]) != 0])
    while True:
        neuron_label = np.minimum.reduceat(label[pid], starts)
        spread = np.minimum.reduceat(neuron_label[cols][by_parameter], parameter_starts)
        if np.array_equal(spread, label):
            break
        label = spread
    # Neurons grouped filter by filter, in equal runs: column j = f·P + p.
    boundaries = np.flatnonzero(np.diff(neuron_label) != 0) + 1
    filters = len(boundaries) + 1
    positions = n_neurons // filters
    if positions * filters != n_neurons or np.any(boundaries % positions):
        return None
    if len(np.unique(neuron_label[::positions])) != filters or positions < 2:
        return None
    target_filter, target_position = np.divmod(cols, positions)
    # The same sources at each position in every filter: sorted by
    # (position, source, filter), each (position, source) holds every filter once.
    order = np.lexsort((target_filter, rows, target_position))
    if n % filters or np.any(
        target_filter[order] != np.tile(np.arange(filters), n // filters)
    ):
        return None
    first = order[::filters]  # filter 0's connection at each (position, source)
    if np.any(
        (rows[order].reshape(-1, filters) != rows[first][:, None])
        | (
            target_position[order].reshape(-1, filters)
            != target_position[first][:, None]
        )
    ):
        return None
    # Kernel columns: filter 0's parameters, numbered; every filter uses the same.
    kernel_ids, offset_of_first = np.unique(pid[first], return_inverse=True)
    width = len(kernel_ids)
    entry = np.empty(n, dtype=np.intp)
    entry[order] = np.repeat(offset_of_first.reshape(-1), filters)
    kernel = np.full((filters, width), -1, dtype=np.intp)
    kernel[target_filter, entry] = np.arange(n)
    if np.any(kernel < 0) or np.any(pid[kernel[target_filter, entry]] != pid):
        return None  # a filter whose parameters are not one kernel
    # Each neuron reads each kernel entry at most once.
    patch = np.full((positions, width), n_sources, dtype=np.intp)
    in_first = target_filter == 0
    seen = np.zeros((positions, width), dtype=np.intp)
    np.add.at(seen, (target_position[in_first], entry[in_first]), 1)
    if np.any(seen > 1):
        return None
    patch[target_position[in_first], entry[in_first]] = rows[in_first]
    return Convolution(filters, positions, width, patch, kernel)


def scatter_index(patch: np.ndarray, n_sources: int) -> np.ndarray:
    """For each source, where it sits in the flattened (positions, width) patches.

    Row ``i`` lists the places ``p·width + k`` with ``patch[p, k] == i``,
    padded with ``positions·width`` (a zero appended to the patches): so the
    error reaching the sources is one gather and a sum.
    """
    flat = patch.reshape(-1)
    places = np.flatnonzero(flat < n_sources)
    sources = flat[places]
    order = np.argsort(sources, kind="stable")
    counts = np.bincount(sources, minlength=n_sources)
    index = np.full((n_sources, max(int(counts.max(initial=0)), 1)), flat.size, np.intp)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    rank = np.arange(len(order)) - np.repeat(starts, counts)
    index[sources[order], rank] = places[order]
    return index


def with_zero_column(values: np.ndarray) -> np.ndarray:
    """``values`` (batch, n) with a column of zeros appended: what a sentinel index reads."""
    return np.concatenate([values, np.zeros((len(values), 1), values.dtype)], axis=1)


def conv_forward(block, inputs: np.ndarray) -> np.ndarray:
    """Net inputs of a convolution block, (batch, positions · filters); keeps the patches.

    The block's neurons are stored position by position (column ``p·F + f``),
    so the one product's result is the net inputs as they are.
    """
    conv = block.convolution
    batch = len(inputs)
    # (batch · positions, width), C-ordered: take, unlike x[:, index], keeps the order.
    block.patches = (
        with_zero_column(inputs).take(block.patch_flat, axis=1).reshape(-1, conv.width)
    )
    net = (block.patches @ block.weight.T).reshape(batch, -1)
    net += block.bias
    return net


def conv_backward(block, inputs: np.ndarray, delta: np.ndarray) -> np.ndarray | None:
    """Gradients of a convolution block; return ∂L/∂(its sources' outputs).

    None when only the network's inputs feed it (they need no error); the
    patches of the forward pass stand for ``inputs``.
    """
    conv = block.convolution
    batch = len(delta)
    block.delta = rows = delta.reshape(-1, conv.filters)  # (batch · positions, F)
    block.weight_grad = (block.patches.T @ rows).T
    if not any(piece.owner for piece in block.pieces):
        return None
    spread = with_zero_column((rows @ block.weight).reshape(batch, -1))
    return spread[:, block.scatter].sum(axis=2)


def connection_gradients(block) -> np.ndarray:
    """Each connection's own share of its kernel entry's gradient (for ``write_back``).

    The connections' places are looked up here, not kept: O(connections) once.
    """
    conv = block.convolution
    column = {neuron.name: j for j, neuron in enumerate(block.neurons)}
    row = {neuron.name: i for i, neuron in enumerate(block.sources)}
    n = len(block.connections)
    cols = np.fromiter((column[c.target.name] for c in block.connections), np.intp, n)
    rows = np.fromiter((row[c.source.name] for c in block.connections), np.intp, n)
    positions, filters = np.divmod(cols, conv.filters)
    # The kernel entry of (position, source): a sorted key of every patch place.
    stride = len(block.sources) + 1
    keys = (np.arange(conv.positions)[:, np.newaxis] * stride + conv.patch).ravel()
    order = np.argsort(keys, kind="stable")
    entry = order[np.searchsorted(keys[order], positions * stride + rows)] % conv.width
    batch = len(block.patches) // conv.positions
    patches = block.patches.reshape(batch, conv.positions, conv.width)
    delta = block.delta.reshape(batch, conv.positions, conv.filters)
    return np.einsum(
        "bc,bc->c", patches[:, positions, entry], delta[:, positions, filters]
    )
