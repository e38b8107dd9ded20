"""Hopfield store and asynchronous recall, against a hand-written numpy loop.

At N = 100, 400 and 1024 neurons (Hebbian rule, load 0.05, probes with 10 %
noise): the time to store the patterns, and the time of asynchronous recall
through the weight-matrix path next to a hand-written numpy loop making the
same updates in the same order (target: at most 1.5× its time), and the cost
per neuron update of the graph path (the teaching path, which sums each
field over the neuron's edges).

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
    store = best_time(lambda: ns.HopfieldNetwork(n).store(patterns), repeats)
    hop.store(patterns)
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
        f"{n:>6} {len(patterns):>4} {store * 1e3:10.2f} {theirs * 1e3:12.1f} {mine * 1e3:12.1f}"
        f" {mine / theirs:7.2f} {mine / updates * 1e6:12.2f} {graph_time / graph_updates * 1e6:12.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes (for the tests)"
    )
    args = parser.parse_args()
    sizes = [100, 200] if args.quick else [100, 400, 1024]
    print(
        f"{'N':>6} {'P':>4} {'store ms':>10} {'hand ms':>12} {'neurosim ms':>12} {'ratio':>7}"
        f" {'us/update':>12} {'graph us/upd':>12}"
    )
    for n in sizes:
        measure(n, repeats=2 if args.quick else 7)
    print(
        "recall of 5 probes with 10% noise; ratio = neurosim (the default path) / hand loop"
    )
    print(
        "targets: ratio <= 0.5 at every N, <= 0.3 at N = 1,024 (fields kept up to date per flip)"
    )


if __name__ == "__main__":
    main()
