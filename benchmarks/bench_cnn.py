"""Convolutional networks of neurons: speed and memory.

1. The digits CNN of ``examples/cnn_digits.py`` (conv 3×3 'same' with 12
   maps, 2×2 max pooling, dense 10; batch 32): one epoch with the vectorised
   backend, with the object backend, and with a hand-written numpy CNN doing
   the same math with im2col — measured in the same run, best of several.
2. A 28×28 input, 16 filters 5×5 (9,216 convolution neurons, 230,400
   connections) and a dense layer of 10: build and compile time, one epoch of
   1,000 samples, and the compiled convolution block's memory against its
   connections × 8 bytes (target: within 3×, plus its activations).

Run: ``python benchmarks/bench_cnn.py [--quick]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import neurosim as ns
from neurosim.layers import Conv, Dense, MaxPool

REPEATS = 3


def best_of(repeats, *runs):
    times = []
    for run in runs:
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - start)
        times.append(best)
    return times


def hand_written_cnn_epoch(params, X, Y, lr, batch_size, order):
    """Conv 3×3 'same' (im2col) + ReLU, 2×2 max pool, dense softmax; plain SGD."""
    kernels, conv_bias, W, b = params
    filters = kernels.shape[0]
    padded = np.pad(X.reshape(-1, 8, 8), ((0, 0), (1, 1), (1, 1)))
    # im2col once for the whole data set: (n, 64 positions, 9 pixels)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (3, 3), axis=(1, 2))
    columns = windows.reshape(len(X), 64, 9)
    total = 0.0
    for start in range(0, len(X), batch_size):
        rows = order[start : start + batch_size]
        cols, t = columns[rows], Y[rows]
        z = cols @ kernels.reshape(filters, 9).T + conv_bias  # (batch, 64, filters)
        a = np.maximum(z, 0.0)
        maps = a.reshape(-1, 4, 2, 4, 2, filters).transpose(0, 1, 3, 5, 2, 4)
        maps = maps.reshape(-1, 4, 4, filters, 4)
        winner = maps.argmax(axis=-1)
        pooled = np.take_along_axis(maps, winner[..., None], axis=-1)[..., 0]
        flat = pooled.transpose(0, 3, 1, 2).reshape(len(rows), -1)  # channel-major
        logits = flat @ W + b
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        p = e / e.sum(axis=1, keepdims=True)
        total += -(t * np.log(p)).sum()
        delta = (p - t) / len(rows)
        grad_W, grad_b = flat.T @ delta, delta.sum(axis=0)
        d_flat = (delta @ W.T).reshape(len(rows), filters, 4, 4).transpose(0, 2, 3, 1)
        d_maps = np.zeros(maps.shape)
        np.put_along_axis(d_maps, winner[..., None], d_flat[..., None], axis=-1)
        d_a = d_maps.reshape(-1, 4, 4, filters, 2, 2).transpose(0, 1, 4, 2, 5, 3)
        d_z = d_a.reshape(-1, 64, filters) * (z > 0)
        grad_k = np.einsum("bpf,bpk->fk", d_z, cols).reshape(kernels.shape)
        kernels -= lr * grad_k
        conv_bias -= lr * d_z.sum(axis=(0, 1))
        W -= lr * grad_W
        b -= lr * grad_b
    return total / len(X)


def digits(repeats: int) -> None:
    X, labels = ns.datasets.load_digits()
    Y = ns.datasets.one_hot(labels, 10)
    layers = [Conv(12, 3, padding="same"), MaxPool(2), Dense(10)]
    options = {"epochs": 1, "lr": 0.05, "loss": "cross_entropy", "batch_size": 32}
    cnet = ns.Network.convolutional((8, 8), layers, seed=0).compile()
    order = np.arange(len(X))
    params = [
        np.random.default_rng(0).normal(0, 0.3, size=(12, 3, 3)),
        np.zeros(12),
        np.random.default_rng(1).normal(0, 0.1, size=(192, 10)),
        np.zeros(10),
    ]
    hand, ours = best_of(
        repeats,
        lambda: hand_written_cnn_epoch(params, X, Y, 0.05, 32, order),
        lambda: cnet.fit(X, Y, shuffle=False, **options),
    )
    (obj,) = best_of(
        1,
        lambda: ns.Network.convolutional((8, 8), layers, seed=0).fit(
            X[:300], Y[:300], shuffle=False, **options
        ),
    )
    obj *= len(X) / 300
    print(
        f"digits CNN (conv 12×3×3 same, max pool 2, dense 10), batch 32, {len(X)} images"
    )
    print(f"  hand-written numpy CNN (im2col)   {hand * 1e3:8.1f} ms per epoch")
    print(
        f"  neurosim vectorised               {ours * 1e3:8.1f} ms   ratio {ours / hand:.2f}"
    )
    print(
        f"  neurosim object backend           {obj * 1e3:8.0f} ms   (from 300 images)"
    )


def large(quick: bool) -> None:
    start = time.perf_counter()
    net = ns.Network.convolutional((28, 28), [Conv(16, 5), Dense(10)], seed=0)
    build = time.perf_counter() - start
    start = time.perf_counter()
    cnet = net.compile()
    compile_seconds = time.perf_counter() - start
    n = 200 if quick else 1000
    X = np.random.default_rng(0).uniform(size=(n, 784))
    Y = np.eye(10)[np.arange(n) % 10]
    start = time.perf_counter()
    cnet.fit(
        X, Y, epochs=1, loss="cross_entropy", optimizer=ns.Adam(0.001), batch_size=32
    )
    epoch = time.perf_counter() - start
    conv = cnet.blocks[0]
    arrays = [
        v for v in vars(conv).values() if isinstance(v, np.ndarray) and v.base is None
    ]
    stored = sum(a.nbytes for a in arrays)
    connections = len(conv.connections)
    print(f"28×28, 16 filters 5×5: {net}")
    print(
        f"  build {build:.2f} s   compile {compile_seconds:.2f} s   one epoch of {n}: {epoch:.2f} s"
    )
    print(
        f"  conv block ({conv.kind}): {stored / 2**20:.1f} MiB of arrays for {connections:,} "
        f"connections = {stored / (8 * connections):.1f}× connections × 8 bytes (target <= 3×)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a short run (for the tests)"
    )
    args = parser.parse_args()
    digits(1 if args.quick else REPEATS)
    large(args.quick)


if __name__ == "__main__":
    main()
