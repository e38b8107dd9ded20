"""The compiled kernels of the blocks that are not one dense product: pooling, sparse."""

from __future__ import annotations

import numpy as np

from .blocks import Block
from .convolution import with_zero_column

__all__ = ["pool_backward", "pool_forward", "sparse_backward", "sparse_forward"]


def pool_forward(block: Block, inputs: np.ndarray) -> np.ndarray:
    """Net inputs of max-pooling neurons: ``bias + max_i w_i·x_i``, winners remembered.

    Product neurons too: ``bias + Π_i w_i·x_i``, each input's gate (the
    product of the others) remembered. Inputs are gathered slot by slot,
    ``(batch, k, n)``: each slot's values are one contiguous row per sample.
    """
    batch = len(inputs)
    k, n = block.slots.shape
    block.taken = inputs.take(block.slots.reshape(-1), axis=1).reshape(batch, k, n)
    weighted = block.taken * block.weight.T
    if block.aggregation == "product":
        before = np.ones_like(weighted)
        np.cumprod(weighted[:, :-1], axis=1, out=before[:, 1:])
        after = np.ones_like(weighted)
        np.cumprod(weighted[:, :0:-1], axis=1, out=after[:, -2::-1])
        block.gates = before * after
        return before[:, -1] * weighted[:, -1] + block.bias
    # Strictly greater: the first of equal maxima wins, as in the object backend.
    best = weighted[:, 0].copy()
    block.winner = np.zeros((batch, n), dtype=np.intp)
    for slot in range(1, k):
        candidate = weighted[:, slot]
        np.copyto(block.winner, slot, where=candidate > best)
        np.maximum(best, candidate, out=best)
    return best + block.bias


def pool_backward(block: Block, inputs: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Gradients of a pooling block; return ∂L/∂(its sources' outputs).

    Only the connection that won gets a gradient (δ·x), and only its source
    gets the error (w·δ), sample by sample. Into a product neuron, every
    connection: δ·gate·x and w·δ·gate.
    """
    weight = block.weight.T  # (k, n)
    if block.aggregation == "product":
        spread = delta[:, np.newaxis] * block.gates
        block.weight_grad = np.einsum("bkn,bkn->nk", spread, block.taken)
        return _send(block, spread * weight)
    won = block.winner[:, np.newaxis] == np.arange(len(weight))[:, np.newaxis]
    spread = np.where(won, delta[:, np.newaxis], 0.0)  # (batch, k, n)
    block.weight_grad = np.einsum("bkn,bkn->nk", spread, block.taken)
    return _send(block, spread * weight)


def _send(block: Block, sent: np.ndarray) -> np.ndarray:
    """∂L/∂(sources' outputs) from each (slot, neuron)'s share, (batch, k, n)."""
    batch = len(sent)
    if block.receives is not None:  # each source read once at most: one gather
        return with_zero_column(sent.reshape(batch, -1)).take(block.receives, axis=1)
    contribution = np.zeros((batch, len(block.sources)), dtype=sent.dtype)
    np.add.at(
        contribution, (slice(None), block.slots.reshape(-1)), sent.reshape(batch, -1)
    )
    return contribution


def sparse_forward(block: Block, inputs: np.ndarray) -> np.ndarray:
    """Net inputs of a sparse block: each neuron's run of w·x terms, summed, plus bias."""
    terms = inputs[:, block.source_index] * block.weight[:, 0]
    return np.add.reduceat(terms, block.target_starts, axis=1) + block.bias


def sparse_backward(block: Block, inputs: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Gradients of a sparse block; return ∂L/∂(its sources' outputs)."""
    spread = np.repeat(delta, block.fan_in, axis=1)
    block.weight_grad = np.einsum("bc,bc->c", inputs[:, block.source_index], spread)[
        :, np.newaxis
    ]
    terms = (spread * block.weight[:, 0])[:, block.by_source]
    return np.add.reduceat(terms, block.source_starts, axis=1)
