"""Evolution strategies: neurosim's natural ES against a hand-written numpy one, same run.

For XOR on a 2-2-1 sigmoid network and the digits on a 64-32-10 network
(tanh, softmax cross-entropy), population 50: generations per second and
samples·evaluations per second of ``net.compile().fit(optimizer=
ns.NaturalES(...))`` next to a hand-written numpy NES doing the same math —
the same antithetic directions from the same generator, the same rank
fitness, the same update, and the whole population's forward pass batched
the way a numpy programmer would write it (one ``matmul`` per layer on a
stack of weight matrices). Target: neurosim at most 1.3× its time. The two
must end at the same parameters, which the script checks.

Then the acceptance run: the natural ES trains a 64-16-10 network on the
digits to ≥ 0.90 test accuracy; generations, evaluations and time reported
(target: within 5 minutes).

Run: ``python benchmarks/bench_es.py [--quick]``
"""

from __future__ import annotations

import argparse
import itertools
import os
import time

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument(
    "--quick", action="store_true", help="fewer generations, no long run"
)
args = parser.parse_args()


def hand_written_nes(
    layout, X, Y, loss, theta, generations, seed, sigma, lr, population
):
    """NES in plain numpy; ``layout`` gives each layer's (weights at, fan-in, fan-out, biases at)."""
    rng = np.random.default_rng(seed)
    theta = theta.copy()
    for _ in range(generations):
        half = rng.standard_normal((population // 2, len(theta)))
        directions = np.vstack([half, -half])
        candidates = theta + sigma * directions
        outputs = X
        for k, (w_at, fan_in, fan_out, b_at) in enumerate(layout):
            W = candidates[:, w_at : w_at + fan_in * fan_out].reshape(
                -1, fan_in, fan_out
            )
            net = outputs @ W + candidates[:, None, b_at : b_at + fan_out]
            if k < len(layout) - 1:
                outputs = (
                    np.tanh(net) if loss == "cross_entropy" else 1 / (1 + np.exp(-net))
                )
            else:
                outputs = net if loss == "cross_entropy" else 1 / (1 + np.exp(-net))
        if loss == "mse":
            losses = ((outputs - Y) ** 2).mean(axis=(1, 2))
        else:
            shifted = outputs - outputs.max(axis=-1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
            losses = -(Y * log_p).sum(axis=(1, 2)) / X.shape[0]
        ranks = np.empty(population)
        ranks[np.argsort(-losses, kind="stable")] = np.arange(population)
        fitness = ranks / (population - 1) - 0.5
        theta = theta + lr / (population * sigma) * (fitness @ directions)
    return theta


def layout_of(net, layers):
    """Where each layer's weights (source-major) and biases sit in the network's vector."""
    index = {id(p): k for k, p in enumerate(net.parameter_store.trainable())}
    names = [[f"x{i + 1}" for i in range(layers[0])]]
    names += [
        [f"h{k}_{j + 1}" for j in range(size)] for k, size in enumerate(layers[1:-1], 1)
    ]
    names += [[f"y{j + 1}" for j in range(layers[-1])]]
    layout = []
    for sources, targets in itertools.pairwise(names):
        weights = [
            index[id(net.connection(s, t).parameter)] for s in sources for t in targets
        ]
        biases = [index[id(net[t].bias_parameter)] for t in targets]
        for run in (weights, biases):  # contiguous, in this order: plain slices
            assert run == list(range(run[0], run[0] + len(run)))
        layout.append((weights[0], len(sources), len(targets), biases[0]))
    return layout


def compare(title, layers, X, Y, loss, activation, generations, repeats):
    net = ns.Network.layered(
        layers,
        activation=activation,
        output_activation=("identity" if loss == "cross_entropy" else activation),
        seed=0,
    )
    layout = layout_of(net, layers)
    theta0 = net.parameter_vector()
    settings = {"sigma": 0.05, "lr": 0.05, "population": 50}
    ours, theirs = float("inf"), float("inf")
    for _ in range(repeats):  # interleaved: the machines are shared and noisy
        model = ns.Network.layered(
            layers,
            activation=activation,
            output_activation=("identity" if loss == "cross_entropy" else activation),
            seed=0,
        ).compile()
        start = time.perf_counter()
        model.fit(
            X,
            Y,
            loss=loss,
            epochs=generations,
            seed=1,
            optimizer=ns.NaturalES(**settings),
        )
        ours = min(ours, time.perf_counter() - start)
        start = time.perf_counter()
        final = hand_written_nes(layout, X, Y, loss, theta0, generations, 1, **settings)
        theirs = min(theirs, time.perf_counter() - start)
    assert np.allclose(model.parameter_vector(), final, rtol=1e-9, atol=1e-12)
    evaluations = generations * settings["population"]
    print(f"{title} ({generations} generations of 50, best of {repeats}):")
    for name, seconds in (("neurosim, compiled", ours), ("hand-written numpy", theirs)):
        print(
            f"  {name:20s} {generations / seconds:9.1f} generations/s  "
            f"{evaluations * len(X) / seconds:14,.0f} samples·evaluations/s"
        )
    print(f"  ratio {ours / theirs:.2f}   (target <= 1.3; the same final parameters)")


def hand_written_one_plus_one(layout, X, Y, theta, generations, seed, sigma):
    """The (1+1)-ES with the one-fifth rule in plain numpy: sigmoid MLP, mse."""
    rng = np.random.default_rng(seed)

    def loss_of(vector):
        outputs = X
        for w_at, fan_in, fan_out, b_at in layout:
            W = vector[w_at : w_at + fan_in * fan_out].reshape(fan_in, fan_out)
            outputs = 1 / (1 + np.exp(-(outputs @ W + vector[b_at : b_at + fan_out])))
        return float(((outputs - Y) ** 2).mean())

    parent = theta.copy()
    parent_loss = loss_of(parent)
    for _ in range(generations - 1):
        child = parent + sigma * rng.standard_normal(len(parent))
        child_loss = loss_of(child)
        if child_loss <= parent_loss:
            parent, parent_loss = child, child_loss
            sigma *= 1.5
        else:
            sigma *= 1.5**-0.25
    return parent


def one_plus_one(generations: int, repeats: int) -> None:
    """Per evaluation, neurosim's (1+1)-ES on XOR 2-2-1 against the hand loop."""
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 2, 1], activation="sigmoid", seed=0)
    layout, theta0 = layout_of(net, [2, 2, 1]), net.parameter_vector()
    # No restarts within the run, so that the hand loop is the same algorithm.
    strategy = {"sigma": 0.5, "min_sigma": 1e-300, "patience": 10**9}
    ours, theirs = float("inf"), float("inf")
    for _ in range(repeats):
        model = ns.Network.layered([2, 2, 1], activation="sigmoid", seed=0).compile()
        start = time.perf_counter()
        model.fit(X, Y, epochs=generations, seed=1, optimizer=ns.OnePlusOne(**strategy))
        ours = min(ours, time.perf_counter() - start)
        start = time.perf_counter()
        final = hand_written_one_plus_one(layout, X, Y, theta0, generations, 1, 0.5)
        theirs = min(theirs, time.perf_counter() - start)
    assert np.allclose(model.parameter_vector(), final, rtol=1e-9, atol=1e-12)
    print(f"(1+1)-ES, XOR 2-2-1 ({generations} evaluations, best of {repeats}):")
    print(f"  neurosim, compiled   {ours / generations * 1e6:7.1f} µs per evaluation")
    print(f"  hand-written numpy   {theirs / generations * 1e6:7.1f} µs per evaluation")
    print(f"  ratio {ours / theirs:.2f}   (target <= 2; the same final parameters)")


print(f"load average {os.getloadavg()[0]:.2f}")
one_plus_one(500 if args.quick else 5000, 3 if args.quick else 5)
X, Y = ns.datasets.xor()
compare(
    "XOR 2-2-1",
    [2, 2, 1],
    X,
    Y,
    "mse",
    "sigmoid",
    200 if args.quick else 2000,
    3 if args.quick else 5,
)
digits, labels = ns.datasets.load_digits()
X_train, X_test, y_train, y_test = ns.datasets.train_test_split(
    digits, labels, test_size=0.2, seed=0
)
Y_train = ns.datasets.one_hot(y_train, 10)
compare(
    "digits 64-32-10",
    [64, 32, 10],
    X_train,
    Y_train,
    "cross_entropy",
    "tanh",
    10 if args.quick else 100,
    2 if args.quick else 3,
)

if not args.quick:
    net = ns.Network.layered(
        [64, 16, 10], activation="tanh", output_activation="identity", seed=0
    )
    model = net.compile()
    start = time.perf_counter()
    history = model.fit(
        X_train,
        Y_train,
        loss="cross_entropy",
        epochs=1000,
        seed=0,
        optimizer=ns.NaturalES(population=50, sigma=0.05, lr=0.05),
    )
    seconds = time.perf_counter() - start
    accuracy = np.mean(model.predict(X_test).argmax(axis=1) == y_test)
    print(
        f"natural ES, digits 64-16-10: test accuracy {accuracy:.4f} after {history.epochs} "
        f"generations, {int(history['evaluations'][-1]):,} evaluations, {seconds:.1f} s "
        "(target >= 0.90 within 5 minutes)"
    )
