"""Convolutional networks of neurons: speed and memory against a hand-written CNN.

Two networks, each trained for one epoch of mini-batches of 32 (cross
entropy on a softmax, plain SGD) three ways in the same run, interleaved,
best of several:

- neurosim's vectorised backend (the convolution recognised and computed
  as a matrix product over patches; ``--general`` adds the general sparse
  blocks for comparison);
- a hand-written numpy CNN doing the same math: per batch, im2col by a
  strided view, one product for the convolution, reshape/argmax pooling;
- PyTorch float64 on one thread (``torch.nn.Conv2d`` + ``MaxPool2d`` +
  ``Linear``), when torch is installed.

Rows: the digits CNN of ``examples/cnn_digits.py`` (8×8, conv 12×3×3 'same',
max pool 2, dense 10; 1,797 images) and a 28×28 CNN (conv 16×5×5, max pool 2,
dense 10; 1,000 random images). Targets: digits ≤ 1.3× the hand CNN; 28×28
≤ 1.5× the hand CNN and ≤ 2× PyTorch; the compiled arrays ≤ 3× the
parameters and activations the hand CNN holds.

Run: ``python benchmarks/bench_cnn.py [--quick] [--general]``
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc

import numpy as np

import neurosim as ns
from neurosim.layers import Conv, Dense, MaxPool

REPEATS = 5


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def interleaved(repeats: int, runs: dict) -> dict:
    """Best time of each run, the runs taking turns (load changes hit all alike)."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            best[name] = min(best[name], timed(run))
    return best


class HandCNN:
    """Conv (valid or same, stride 1) + ReLU, 2×2 max pool, dense softmax; SGD.

    Everything by hand in numpy, as a tutorial would write it, per batch.
    """

    def __init__(self, side, filters, kernel, padding, classes, seed=0):
        rng = np.random.default_rng(seed)
        self.side, self.kernel = side, kernel
        self.pad = (kernel - 1) // 2 if padding == "same" else 0
        self.out = side + 2 * self.pad - kernel + 1
        self.pooled = self.out // 2
        self.K = rng.normal(0, 0.3, size=(filters, kernel * kernel))
        self.c = np.zeros(filters)
        self.W = rng.normal(0, 0.1, size=(filters * self.pooled**2, classes))
        self.b = np.zeros(classes)

    def nbytes(self, batch: int) -> int:
        """Parameters plus what one batch's forward and backward keep."""
        f, p, k = len(self.K), self.out**2, self.kernel**2
        floats = self.K.size + self.c.size + self.W.size + self.b.size
        floats += batch * (self.side**2 + p * k + 2 * f * p + f * self.pooled**2)
        return 8 * floats

    def epoch(self, X, Y, lr, batch_size):
        n, s, k, o, q = len(X), self.side, self.kernel, self.out, self.pooled
        f = len(self.K)
        for start in range(0, n, batch_size):
            x, t = X[start : start + batch_size], Y[start : start + batch_size]
            b = len(x)
            images = x.reshape(b, s, s)
            if self.pad:
                after = k - 1 - self.pad
                images = np.pad(images, ((0, 0), (self.pad, after), (self.pad, after)))
            windows = np.lib.stride_tricks.sliding_window_view(
                images, (k, k), axis=(1, 2)
            )
            cols = windows.reshape(b, o * o, k * k)  # (b, positions, k²): a copy
            z = cols @ self.K.T + self.c  # (b, positions, f)
            a = np.maximum(z, 0.0)
            maps = a.reshape(b, o, o, f)[:, : 2 * q, : 2 * q]
            maps = maps.reshape(b, q, 2, q, 2, f).transpose(0, 1, 3, 5, 2, 4)
            maps = maps.reshape(b, q, q, f, 4)
            winner = maps.argmax(axis=-1)
            pooled = np.take_along_axis(maps, winner[..., None], axis=-1)[..., 0]
            flat = pooled.transpose(0, 3, 1, 2).reshape(b, -1)  # channel-major
            logits = flat @ self.W + self.b
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
            delta = (p - t) / b
            grad_W, grad_b = flat.T @ delta, delta.sum(axis=0)
            d_flat = (delta @ self.W.T).reshape(b, f, q, q).transpose(0, 2, 3, 1)
            d_maps = np.zeros(maps.shape)
            np.put_along_axis(d_maps, winner[..., None], d_flat[..., None], axis=-1)
            d_a = np.zeros((b, o, o, f))
            d_a[:, : 2 * q, : 2 * q] = (
                d_maps.reshape(b, q, q, f, 2, 2)
                .transpose(0, 1, 4, 2, 5, 3)
                .reshape(b, 2 * q, 2 * q, f)
            )
            d_z = d_a.reshape(b, o * o, f) * (z > 0)
            self.K -= lr * np.einsum("bpf,bpk->fk", d_z, cols)
            self.c -= lr * d_z.sum(axis=(0, 1))
            self.W -= lr * grad_W
            self.b -= lr * grad_b


def torch_epoch(side, filters, kernel, padding, classes):
    """PyTorch float64, one thread: the same network, one epoch; None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    pooled = (side - (0 if padding == "same" else kernel - 1)) // 2
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, filters, kernel, padding=padding),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(filters * pooled * pooled, classes),
    ).double()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    loss = torch.nn.CrossEntropyLoss()

    def epoch(X, labels, batch_size):
        images = torch.from_numpy(X).reshape(-1, 1, side, side)
        targets = torch.from_numpy(labels)
        for start in range(0, len(X), batch_size):
            optimizer.zero_grad()
            value = loss(
                model(images[start : start + batch_size]),
                targets[start : start + batch_size],
            )
            value.backward()
            optimizer.step()

    return epoch


def compiled_bytes(net, X, Y) -> int:
    """What compiling holds after one batch's forward and backward (tracemalloc)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    cnet = net.compile()
    cnet.forward(X[:32])
    cnet.backward(Y[:32], loss="cross_entropy")
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held


def row(title, side, layers, hand, X, labels, repeats, general):
    Y = np.eye(10)[labels]
    options = {"epochs": 1, "lr": 0.05, "loss": "cross_entropy", "batch_size": 32}
    net = ns.Network.convolutional((side, side), layers, seed=0)
    cnet = net.compile()
    runs = {
        "hand": lambda: hand.epoch(X, Y, 0.05, 32),
        "neurosim": lambda: cnet.fit(X, Y, shuffle=False, **options),
    }
    if general:
        slow = net.compile(structured=False)
        runs["general blocks"] = lambda: slow.fit(X, Y, shuffle=False, **options)
    conv = layers[0]
    epoch = torch_epoch(side, conv.filters, conv.kernel, conv.padding, 10)
    if epoch is not None:
        runs["pytorch"] = lambda: epoch(X, labels, 32)
    best = interleaved(repeats, runs)
    print(f"{title}: {len(X)} images, batch 32, one epoch, best of {repeats}")
    for name, seconds in best.items():
        ratio = "" if name == "hand" else f"   {seconds / best['hand']:5.2f}× hand"
        print(f"  {name:<16} {seconds * 1e3:9.1f} ms{ratio}")
    if "pytorch" in best:
        print(f"  neurosim / pytorch: {best['neurosim'] / best['pytorch']:.2f}×")
    held = compiled_bytes(net, X, Y)
    print(
        f"  compiled arrays {held / 2**20:.1f} MiB = {held / hand.nbytes(32):.2f}× the hand "
        f"CNN's parameters and activations ({hand.nbytes(32) / 2**20:.1f} MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a short run (for the tests)"
    )
    parser.add_argument(
        "--general", action="store_true", help="also time the general blocks"
    )
    args = parser.parse_args()
    repeats = 1 if args.quick else REPEATS
    print(f"load average {os.getloadavg()[0]:.2f}")
    X, labels = ns.datasets.load_digits()
    if args.quick:
        X, labels = X[:320], labels[:320]
    row(
        "digits CNN (8×8, conv 12×3×3 same, max pool 2, dense 10)",
        8,
        [Conv(12, 3, padding="same"), MaxPool(2), Dense(10, "identity")],
        HandCNN(8, 12, 3, "same", 10),
        X,
        labels,
        repeats,
        args.general,
    )
    n = 128 if args.quick else 1000
    rng = np.random.default_rng(0)
    X, labels = rng.uniform(size=(n, 784)), np.arange(n) % 10
    row(
        "28×28 CNN (conv 16×5×5, max pool 2, dense 10)",
        28,
        [Conv(16, 5), MaxPool(2), Dense(10, "identity")],
        HandCNN(28, 16, 5, "valid", 10),
        X,
        labels,
        repeats,
        args.general,
    )


if __name__ == "__main__":
    main()
