"""Hopfield store and asynchronous recall, against a hand-written numpy loop.

At N = 100, 400 and 1024 neurons (Hebbian rule, load 0.05, probes with 10 %
noise): the time to store the patterns, and the time of asynchronous recall
through the weight-matrix path next to a hand-written numpy loop making the
same updates in the same order (targets: at most 0.5× its time, 0.3× at
N = 1,024), the Hebbian store next to a hand-written outer product (target
1.2×), the cost per neuron update of the graph path (the teaching path,
which sums each field over the neuron's edges), and Gibbs sampling — recall
at a temperature — in sweeps per second on both paths.

Run: ``python benchmarks/bench_hopfield.py [--quick]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import neurosim as ns
from neurosim.memory import corrupt


def hand_written_recall(weights, probe, seed, max_sweeps=100):
    """Asynchronous recall in plain numpy: random order per sweep, ties keep the state."""
    rng = np.random.default_rng(seed)
    state = probe.astype(float)
    n = len(state)
    for _ in range(max_sweeps):
        changed = False
        for i in rng.permutation(n).tolist():
            field = weights[i] @ state
            if field > 1e-10 and state[i] < 0:
                state[i], changed = 1.0, True
            elif field < -1e-10 and state[i] > 0:
                state[i], changed = -1.0, True
        if not changed:
            break
    return state


def hand_written_store(patterns):
    """The Hebbian rule in plain numpy: W = PᵀP / n with a zero diagonal."""
    floats = patterns.astype(float)
    weights = floats.T @ floats / floats.shape[1]
    np.fill_diagonal(weights, 0.0)
    return weights


def best_time(run, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def measure(n: int, repeats: int) -> None:
    rng = np.random.default_rng(n)
    patterns = rng.choice([-1, 1], size=(max(1, round(0.05 * n)), n))
    probes = [corrupt(p, 0.1, seed=k) for k, p in enumerate(patterns[:5])]
    hop = ns.HopfieldNetwork(n)
    store, hand_store = float("inf"), float("inf")
    for _ in range(repeats):  # each store into a fresh network, made beforehand
        fresh = ns.HopfieldNetwork(n)
        store = min(store, best_time(lambda net=fresh: net.store(patterns), 1))
        hand_store = min(hand_store, best_time(lambda: hand_written_store(patterns), 1))
    hop.store(patterns)
    assert np.array_equal(hop.weights, hand_written_store(patterns))
    for k, probe in enumerate(probes):  # the same updates, so the same end state
        ours = hop.recall(probe, seed=k, path="matrix").state
        assert np.array_equal(ours, hand_written_recall(hop.weights, probe, k))

    def ours():
        for k, probe in enumerate(probes):
            hop.recall(probe, seed=k, path="matrix")

    def hand():
        for k, probe in enumerate(probes):
            hand_written_recall(hop.weights, probe, k)

    theirs, mine = float("inf"), float("inf")
    for _ in range(repeats):  # interleaved: the machines are shared and noisy
        theirs = min(theirs, best_time(hand, 1))
        mine = min(mine, best_time(ours, 1))
    updates = sum(hop.recall(p, seed=k).sweeps for k, p in enumerate(probes)) * n
    small = probes[0]
    graph_time = best_time(lambda: hop.recall(small, seed=0, path="graph"), 1)
    graph_updates = hop.recall(small, seed=0).sweeps * n
    print(
        f"{n:>6} {len(patterns):>4} {store * 1e3:10.2f} {store / hand_store:7.2f}"
        f" {theirs * 1e3:10.1f} {mine * 1e3:12.1f} {mine / theirs:7.2f}"
        f" {mine / updates * 1e6:10.2f} {graph_time / graph_updates * 1e6:12.1f}"
    )
    return hop


def gibbs_rates(hop: ns.HopfieldNetwork, quick: bool) -> None:
    """Sweeps per second of recall at T = 0.5 (every unit visited, a draw each)."""
    probe = corrupt(hop.patterns[0], 0.1, seed=0)
    line = f"{hop.n:>6}"
    for path, sweeps in (("matrix", 5 if quick else 20), ("graph", 1)):
        start = time.perf_counter()
        result = hop.recall(
            probe, seed=0, temperature=0.5, max_sweeps=sweeps, path=path
        )
        seconds = time.perf_counter() - start
        assert result.sweeps == sweeps  # at T > 0 recall never stops early
        line += f" {sweeps / seconds:16.1f}"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (for the tests)"
    )
    args = parser.parse_args()
    sizes = [100, 200] if args.quick else [100, 400, 1024]
    print(
        f"{'N':>6} {'P':>4} {'store ms':>10} {'ratio':>7} {'hand ms':>10} {'neurosim ms':>12}"
        f" {'ratio':>7} {'us/update':>10} {'graph us/upd':>12}"
    )
    networks = [measure(n, repeats=2 if args.quick else 7) for n in sizes]
    print(
        "store: the Hebbian rule, ratio to a hand-written numpy outer product (target <= 1.2)"
    )
    print(
        "recall of 5 probes with 10% noise; ratio = neurosim (the default path) / hand loop"
    )
    print(
        "targets: ratio <= 0.5 at every N, <= 0.3 at N = 1,024 (fields kept up to date per flip)"
    )
    print(
        f"\nGibbs sampling (recall at T = 0.5), sweeps per second\n{'N':>6} {'matrix path':>16} {'graph path':>16}"
    )
    for hop in networks:
        gibbs_rates(hop, args.quick)


if __name__ == "__main__":
    main()
