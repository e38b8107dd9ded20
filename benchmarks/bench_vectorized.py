"""Speed and memory of the vectorised backend, against baselines run alongside.

1. digits 64-32-10 (ReLU, softmax cross-entropy, SGD), batch 32, one epoch:
   ``CompiledNetwork.fit`` vs a hand-written numpy MLP doing the same math
   (target: at most 1.1× its time, as a user calls it), and vs the object backend (speed-up).
2. 784-256-10 on 10,000 random samples, batch 128, one epoch: ``fit`` vs the
   five raw matrix products of each batch alone (target: at most 1.3×).
3. Building and compiling a 784-1000-1000-10 layered network (≈1.8 M
   connections) and a random sparse DAG of 10,000 neurons / 200,000
   connections: compile time (target: at most 5 s), the compiled matrices'
   memory, and the object graph's memory per connection (tracemalloc).

Every time is the best of several interleaved repeats: the machines are shared
and noisy. Run: ``python benchmarks/bench_vectorized.py [--quick]``
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

import neurosim as ns


def best_of(repeats: int, *runs) -> list[float]:
    """The best time of each run over ``repeats`` interleaved rounds."""
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for i, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def mlp(sizes, seed=0) -> ns.Network:
    return ns.Network.layered(
        sizes, activation="relu", output_activation="identity", seed=seed
    )


def weights_of(net: ns.Network) -> list[np.ndarray]:
    """W1, b1, W2, b2 … copied out of the compiled network, for the hand loop."""
    return [
        a.copy() for block in net.compile().blocks for a in (block.weight, block.bias)
    ]


def hand_written_epoch(params, X, Y, lr, batch_size, seed) -> float:
    """One epoch of a textbook numpy MLP: ReLU hidden layers, softmax cross-entropy, SGD."""
    order = np.random.default_rng(seed).permutation(len(X))
    X, Y = X[order], Y[order]
    Ws, bs = params[0::2], params[1::2]
    total = 0.0
    for start in range(0, len(X), batch_size):
        x, t = X[start : start + batch_size], Y[start : start + batch_size]
        activations, nets = [x], []
        for W, b in zip(Ws, bs):
            nets.append(activations[-1] @ W + b)
            activations.append(np.maximum(nets[-1], 0.0))
        logits = nets[-1]
        shifted = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        sums = e.sum(axis=1, keepdims=True)
        total += -(t * (shifted - np.log(sums))).sum()
        delta = (e / sums - t) / len(x)
        for k in range(len(Ws) - 1, -1, -1):
            grad_W, grad_b = activations[k].T @ delta, delta.sum(axis=0)
            if k:
                delta = (delta @ Ws[k].T) * (nets[k - 1] > 0)
            Ws[k] -= lr * grad_W
            bs[k] -= lr * grad_b
    return total / len(X)


def digits_epoch(repeats: int) -> None:
    X, labels = ns.datasets.load_digits()
    Y = ns.datasets.one_hot(labels, 10)
    options = {
        "epochs": 1,
        "lr": 0.1,
        "loss": "cross_entropy",
        "batch_size": 32,
        "seed": 0,
    }
    cnet = mlp([64, 32, 10]).compile()
    params = weights_of(mlp([64, 32, 10]))
    # the same math: one epoch from the same weights gives the same loss
    hand_loss = hand_written_epoch([p.copy() for p in params], X, Y, 0.1, 32, 0)
    ours_loss = mlp([64, 32, 10]).compile().fit(X, Y, **options).loss[0]
    assert abs(hand_loss - ours_loss) < 1e-9 * abs(hand_loss), (hand_loss, ours_loss)
    hand, ours = best_of(
        repeats,
        lambda: hand_written_epoch(params, X, Y, 0.1, 32, 0),
        lambda: cnet.fit(X, Y, **options),
    )
    (obj,) = best_of(
        max(1, repeats // 10), lambda: mlp([64, 32, 10]).fit(X, Y, **options)
    )
    print(f"digits 64-32-10, batch 32, one epoch of {len(X)} samples")
    print(f"  hand-written numpy MLP  {hand * 1e3:8.2f} ms")
    print(
        f"  neurosim vectorised     {ours * 1e3:8.2f} ms   ratio {ours / hand:.2f}  (target <= 1.1)"
    )
    print(
        f"  neurosim object backend {obj * 1e3:8.2f} ms   vectorised is {obj / ours:.0f}x faster"
    )


def wide_epoch(repeats: int, n_samples: int) -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(0.0, 1.0, size=(n_samples, 784))
    Y = ns.datasets.one_hot(rng.integers(0, 10, size=n_samples), 10)
    cnet = mlp([784, 256, 10]).compile()
    W1, b1, W2, b2 = weights_of(mlp([784, 256, 10]))
    batches = [(X[s : s + 128], Y[s : s + 128]) for s in range(0, n_samples, 128)]

    def matrix_products_alone():
        for x, t in batches:
            hidden = x @ W1
            logits = hidden @ W2
            delta = logits - t
            _ = hidden.T @ delta, delta @ W2.T
            _ = x.T @ hidden

    params = [W1.copy(), b1, W2.copy(), b2]
    options = {
        "epochs": 1,
        "lr": 0.01,
        "loss": "cross_entropy",
        "batch_size": 128,
        "seed": 0,
    }
    products, hand, ours = best_of(
        repeats,
        matrix_products_alone,
        lambda: hand_written_epoch(params, X, Y, 0.01, 128, 0),
        lambda: cnet.fit(X, Y, **options),
    )
    print(f"784-256-10, batch 128, one epoch of {n_samples} random samples")
    print(f"  the 5 matrix products alone    {products * 1e3:8.1f} ms")
    print(
        f"  hand-written numpy MLP epoch   {hand * 1e3:8.1f} ms   ratio {hand / products:.2f}"
    )
    print(
        f"  neurosim vectorised            {ours * 1e3:8.1f} ms   ratio {ours / products:.2f}  (target <= 1.3)"
    )


def random_sparse_dag(n_neurons: int, n_connections: int, seed=0) -> ns.Network:
    """Neurons in a random order; each connection joins a random earlier neuron to a later one."""
    rng = np.random.default_rng(seed)
    n_inputs = n_outputs = 10
    net = ns.Network(seed=seed)
    # Each neuron takes its connections when it is added: it has no successors
    # yet, so connect's cycle check is immediate. A repeated source is dropped,
    # so the count can fall a little short of n_connections.
    per_target = np.bincount(
        rng.integers(n_inputs, n_neurons, size=n_connections), minlength=n_neurons
    )
    names = [net.add_input(f"x{i}").name for i in range(n_inputs)]
    for j in range(n_inputs, n_neurons):
        is_output = j >= n_neurons - n_outputs
        add = net.add_output if is_output else net.add_neuron
        name = add(f"y{j}" if is_output else f"h{j}", activation="tanh").name
        sources = np.unique(rng.integers(0, j, size=max(1, per_target[j])))
        for i, weight in zip(
            sources.tolist(), rng.normal(0.0, 0.1, size=len(sources)).tolist()
        ):
            net.connect(names[i], name, weight=weight)
        names.append(name)
    return net


def compile_case(title: str, build) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    net = build()
    build_seconds = time.perf_counter() - start
    graph_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    n_connections = len(net.graph.edges)
    start = time.perf_counter()
    cnet = net.compile()
    compile_seconds = time.perf_counter() - start
    matrix_bytes = sum(b.weight.nbytes + b.bias.nbytes for b in cnet.blocks)
    masked = sum(b.mask.nbytes for b in cnet.blocks if b.mask is not None)
    print(f"{title}: {len(net):,} neurons, {n_connections:,} connections")
    print(
        f"  build {build_seconds:6.2f} s (under tracemalloc)   compile {compile_seconds:6.2f} s  (target <= 5 s)"
    )
    print(
        f"  object graph {graph_bytes / 2**20:8.1f} MiB = {graph_bytes / n_connections:6.0f} bytes/connection;"
        f"  compiled {len(cnet.blocks)} blocks, {(matrix_bytes + masked) / 2**20:.1f} MiB"
        f" (weights {matrix_bytes / 2**20:.1f} + masks {masked / 2**20:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (for the tests)"
    )
    args = parser.parse_args()
    repeats = 3 if args.quick else 20
    digits_epoch(repeats)
    wide_epoch(max(2, repeats // 4), 1_000 if args.quick else 10_000)
    hidden = 50 if args.quick else 1000
    compile_case(
        f"layered 784-{hidden}-{hidden}-10 (784-1000-1000-10 in the full run)",
        lambda: mlp([784, hidden, hidden, 10]),
    )
    neurons, connections = (1_000, 20_000) if args.quick else (10_000, 200_000)
    compile_case(
        "random sparse DAG (10,000 neurons / 200,000 connections in the full run)",
        lambda: random_sparse_dag(neurons, connections),
    )


if __name__ == "__main__":
    main()
