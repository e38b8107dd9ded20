"""Per-sample online-SGD throughput of the object backend.

Measures sample updates per second (forward, backward and update of one
sample) of ``Network.fit(..., batch_size=1)`` on XOR 2-4-1 and on a
8-16-16-1 network, next to a hand-written per-neuron pure-Python loop doing
the same math (sigmoid neurons, mse loss, plain SGD) in the same run, and
prints the ratios: for ``fit`` and for the loop a learner writes by hand
around neurosim (``forward``, ``backward``, ``step`` per sample). Targets:
``fit`` at least 0.5 of the hand-written loop's speed on XOR 2-4-1 and 0.8 on
8-16-16-1; the learner's loop at least 0.4.

Run: ``python benchmarks/bench_object.py [--quick]``
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import time
from functools import partial
from operator import mul

import numpy as np

import neurosim as ns


def hand_written_epoch(layers, X, Y, order, lr):
    """One epoch of online SGD on a layered sigmoid MLP, neuron by neuron, in lists.

    ``layers`` is a list of (weights, biases), weights[j][i] the weight from
    neuron i of the previous layer into neuron j. Written the way a plain
    per-neuron loop is fastest in Python (builtins over lists, no indexing).
    """
    total = 0.0
    for row in order:
        # forward
        activations = [X[row]]
        for weights, biases in layers:
            previous = activations[-1]
            outputs = []
            for w_row, b in zip(weights, biases):
                net = b + sum(map(mul, w_row, previous))
                outputs.append(
                    1.0 / (1.0 + math.exp(-net))
                    if net >= 0
                    else math.exp(net) / (1.0 + math.exp(net))
                )
            activations.append(outputs)
        # loss (mse) and its gradient
        target = Y[row]
        n_out = len(target)
        errors = [y - t for y, t in zip(activations[-1], target)]
        total += sum(e * e for e in errors) / n_out
        upstream = [2.0 * e / n_out for e in errors]
        # backward
        for depth in range(len(layers) - 1, -1, -1):
            weights, biases = layers[depth]
            outputs, inputs = activations[depth + 1], activations[depth]
            deltas = [g * o * (1.0 - o) for g, o in zip(upstream, outputs)]
            if depth:
                upstream = [0.0] * len(inputs)
                for w_row, delta in zip(weights, deltas):
                    upstream = [u + w * delta for u, w in zip(upstream, w_row)]
            # update (after the deltas of the layer below used the old weights)
            for j, (w_row, delta) in enumerate(zip(weights, deltas)):
                step = lr * delta
                w_row[:] = [w - step * x for w, x in zip(w_row, inputs)]
                biases[j] -= step
    return total / len(order)


def layers_of(net: ns.Network, sizes):
    """The network's weights as nested lists, for the hand-written loop."""
    names = [[n.name for n in net.inputs]]
    names += [
        [f"h{d}_{j + 1}" for j in range(size)] for d, size in enumerate(sizes[1:-1], 1)
    ]
    names += [[n.name for n in net.outputs]]
    return [
        (
            [[net.connection(s, t).weight for s in sources] for t in targets],
            [net[t].bias for t in targets],
        )
        for sources, targets in itertools.pairwise(names)
    ]


REPEATS = 3


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def measure(sizes, n_samples, epochs, seed=0):
    rng = np.random.default_rng(seed)
    if sizes == [2, 4, 1]:
        X, Y = ns.datasets.xor()
    else:
        X = rng.uniform(-1, 1, size=(n_samples, sizes[0]))
        Y = (X.sum(axis=1, keepdims=True) > 0).astype(float)
    Xl, Yl = X.tolist(), Y.tolist()
    orders = [
        np.random.default_rng(seed).permutation(len(X)).tolist() for _ in range(epochs)
    ]

    def run_hand_written():
        hand_layers = layers_of(
            ns.Network.layered(sizes, activation="sigmoid", seed=seed), sizes
        )
        for order in orders:
            hand_written_epoch(hand_layers, Xl, Yl, order, lr=0.5)

    def run_neurosim():
        net = ns.Network.layered(sizes, activation="sigmoid", seed=seed)
        net.fit(X, Y, epochs=epochs, lr=0.5, loss="mse", batch_size=1, seed=seed)

    def run_learners_loop():
        net = ns.Network.layered(sizes, activation="sigmoid", seed=seed)
        for order in orders:
            for row in order:
                net.forward(Xl[row])
                net.backward(Yl[row], loss="mse")
                net.step(lr=0.5)

    # best of several repeats: the machines are shared and noisy
    hand = min(timed(run_hand_written) for _ in range(REPEATS))
    ours = min(timed(run_neurosim) for _ in range(REPEATS))
    loop = min(timed(run_learners_loop) for _ in range(REPEATS))
    updates = epochs * len(X)
    return updates / ours, updates / hand, updates / loop


SCALING = [[20, 40, 20, 5], [100, 80, 40, 10], [316, 250, 80, 10]]


def scaling(quick: bool) -> None:
    """µs per connection-update at 10³, 10⁴ and 10⁵ connections: fit and the hand loop."""
    print("\nscaling: layered sigmoid nets, online SGD, µs per connection per sample")
    print(
        f"{'network':>16} {'connections':>12} {'fit':>8} {'hand':>8} {'fit/hand speed':>15}"
    )
    first = None
    for sizes in SCALING[:2] if quick else SCALING:
        net = ns.Network.layered(sizes, activation="sigmoid", seed=0)
        n = len(net.connections)
        samples = max(4, (2_000 if quick else 20_000) * 100 // n)
        rng = np.random.default_rng(0)
        X = rng.uniform(-1, 1, size=(samples, sizes[0]))
        Y = (X.sum(axis=1, keepdims=True) > 0).astype(float).repeat(sizes[-1], axis=1)
        order = list(range(samples))
        hand_layers = layers_of(net, sizes)
        Xl, Yl = X.tolist(), Y.tolist()
        fit = min(
            timed(partial(net.fit, X, Y, epochs=1, lr=0.1, batch_size=1, shuffle=False))
            for _ in range(REPEATS)
        )
        hand = min(
            timed(partial(hand_written_epoch, hand_layers, Xl, Yl, order, 0.1))
            for _ in range(REPEATS)
        )
        fit_us, hand_us = fit / samples / n * 1e6, hand / samples / n * 1e6
        first = first or fit_us
        print(
            f"{'-'.join(map(str, sizes)):>16} {n:12,} {fit_us:8.3f} {hand_us:8.3f} "
            f"{hand / fit:15.2f}   ({fit_us / first:.2f}× the first row)"
        )
    print("targets: fit at 10⁵ within 1.3× of 10³; fit/hand speed >= 0.5 at every size")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="a short run (for the tests)"
    )
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    cases = [([2, 4, 1], 4, 2000), ([8, 16, 16, 1], 64, 60)]
    if args.quick:
        cases = [(sizes, n, max(2, epochs // 50)) for sizes, n, epochs in cases]
    print(
        f"{'network':>12} {'fit (upd/s)':>14} {'hand loop':>12} {'ratio':>7}"
        f" {'learner loop':>14} {'ratio':>7}"
    )
    for sizes, n_samples, epochs in cases:
        ours, hand, loop = measure(sizes, n_samples, epochs)
        name = "-".join(map(str, sizes))
        print(
            f"{name:>12} {ours:14,.0f} {hand:12,.0f} {ours / hand:7.2f}"
            f" {loop:14,.0f} {loop / hand:7.2f}"
        )
    print(
        "targets: fit ratio >= 0.5 (2-4-1) and >= 0.8 (8-16-16-1); "
        "the learner's forward/backward/step loop >= 0.4"
    )
    scaling(args.quick)


if __name__ == "__main__":
    main()
