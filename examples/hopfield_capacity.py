"""
How many random patterns fit in a Hopfield network of 200 neurons?
==================================================================

For each learning rule and each load α = P / N, store P random ±1 patterns,
corrupt each with 10 % noise, let the network settle, and count the patterns
recalled exactly. The Hebbian rule breaks down near the theoretical capacity
α ≈ 0.138 (Amit, Gutfreund & Sompolinsky, 1985); Storkey's rule holds out
longer, and the projection (pseudo-inverse) rule longer still.

Run: ``python examples/hopfield_capacity.py [--quick]``
"""

import argparse

import numpy as np

import neurosim as ns
from neurosim.memory import corrupt

parser = argparse.ArgumentParser(description="Recall success versus load P/N.")
parser.add_argument(
    "--quick",
    action="store_true",
    help="three loads, few probes (used by the test suite)",
)
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()

N = 200
HEBBIAN_CAPACITY = 0.138
loads = (
    [0.05, 0.14, 0.25]
    if args.quick
    else [0.02, 0.05, 0.08, 0.11, 0.14, 0.17, 0.2, 0.25, 0.3, 0.4, 0.5]
)
probes_per_load = 8 if args.quick else 40
rng = np.random.default_rng(0)

print(f"fraction of patterns recalled exactly from 10% noise, N = {N}")
print(
    f"{'load P/N':>9} {'P':>4}  " + "  ".join(f"{rule:>13}" for rule in ns.memory.RULES)
)
table = []
for load in loads:
    P = round(load * N)
    patterns = rng.choice([-1, 1], size=(P, N))
    tested = patterns[:probes_per_load]
    row = []
    for rule in ns.memory.RULES:
        hop = ns.HopfieldNetwork(N)
        hop.store(patterns, rule=rule)
        recalled = [
            np.array_equal(
                hop.recall(corrupt(p, 0.1, seed=k), seed=k, max_sweeps=20).state, p
            )
            for k, p in enumerate(tested)
        ]
        row.append(np.mean(recalled))
    table.append(row)
    marker = (
        "  <- Hebbian capacity 0.138 N" if abs(load - HEBBIAN_CAPACITY) < 0.015 else ""
    )
    print(f"{load:9.2f} {P:4d}  " + "  ".join(f"{r:13.2f}" for r in row) + marker)
print(
    f"theory: the Hebbian rule fails above P ≈ {HEBBIAN_CAPACITY} N = {HEBBIAN_CAPACITY * N:.0f}"
)

if args.out:  # the capacity curves
    import matplotlib.pyplot as plt

    from neurosim import plotting

    fig, ax = plt.subplots(figsize=(7.5, 4), layout="constrained")
    # Markers and dashes of their own, so curves lying on each other stay visible.
    styles = [("o", "-", 9), ("s", "--", 6), ("^", ":", 4)]
    for rule, rates, (marker, dashes, size) in zip(
        ns.memory.RULES, np.array(table).T, styles
    ):
        ax.plot(
            loads, rates, marker=marker, linestyle=dashes, markersize=size, label=rule
        )
    ax.axvline(
        HEBBIAN_CAPACITY, color="0.5", linestyle="--", label="0.138 (Hebbian theory)"
    )
    ax.set(
        xlabel="load P / N",
        ylabel="fraction recalled exactly",
        title=f"N = {N}, 10% noise",
    )
    # Beside the axes, where it covers no curve.
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    plotting.save_figure(fig, f"{args.out}/hopfield_capacity.png", dpi=80)
    print(f"pictures written to {args.out}/")
