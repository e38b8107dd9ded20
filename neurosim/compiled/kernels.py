"""The compiled kernels of the blocks that are not one dense product: pooling, sparse."""

from __future__ import annotations

import numpy as np

from .blocks import Block

__all__ = ["pool_backward", "pool_forward", "sparse_backward", "sparse_forward"]


def pool_forward(block: Block, inputs: np.ndarray) -> np.ndarray:
    """Net inputs of max-pooling neurons: ``bias + max_i w_i·x_i``, winners remembered.

    Product neurons too: ``bias + Π_i w_i·x_i``, each input's gate (the
    product of the others) remembered.
    """
    weights = block.weight[block.pool_rows, block.pool_cols]
    weighted = inputs[:, block.pool_rows] * weights
    if block.aggregation == "product":
        before = np.ones_like(weighted)
        np.cumprod(weighted[..., :-1], axis=2, out=before[..., 1:])
        after = np.ones_like(weighted)
        np.cumprod(weighted[..., :0:-1], axis=2, out=after[..., -2::-1])
        block.gates = before * after
        return before[..., -1] * weighted[..., -1] + block.bias
    # argmax takes the first of equal maxima, as the object backend does.
    block.winner = np.argmax(weighted, axis=2)
    best = np.take_along_axis(weighted, block.winner[..., np.newaxis], axis=2)[..., 0]
    return best + block.bias


def pool_backward(block: Block, inputs: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Gradients of a pooling block; return ∂L/∂(its sources' outputs).

    Only the connection that won gets a gradient (δ·x), and only its source
    gets the error (w·δ), sample by sample. Into a product neuron, every
    connection: δ·gate·x and w·δ·gate.
    """
    if block.aggregation == "product":
        spread = delta[..., np.newaxis] * block.gates
        block.weight_grad = np.zeros_like(block.weight)
        block.weight_grad[block.pool_rows, block.pool_cols] = np.einsum(
            "bnk,bnk->nk", spread, inputs[:, block.pool_rows]
        )
        sent = spread * block.weight[block.pool_rows, block.pool_cols]
        contribution = np.zeros((delta.shape[0], len(block.sources)), dtype=delta.dtype)
        np.add.at(
            contribution,
            (slice(None), block.pool_rows.reshape(-1)),
            sent.reshape(len(sent), -1),
        )
        return contribution
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
