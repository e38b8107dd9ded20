"""
A Boltzmann machine learns parity, with and without hidden units
================================================================

The Boltzmann learning rule of Ackley, Hinton and Sejnowski (1985) on the
smallest problem that needs hidden units: the 3-bit patterns of even parity
(000, 011, 101, 110, each with probability ¼). Every pairwise statistic of
these four patterns — each unit on half the time, each pair on together a
quarter of the time — is exactly that of the uniform distribution over all
eight patterns, so a machine of visible units alone, which can only match
pairwise statistics, learns the uniform distribution and no more
(KL divergence ln 2 = 0.693 nats, for ever). Three hidden units let it
represent the third-order dependency.

Both averages of the rule, Δw_ij = lr (⟨s_i s_j⟩_clamped − ⟨s_i s_j⟩_free),
are estimated by Gibbs sampling with persistent chains, unit by unit: small
and slow, as the original paper says. The same machine trained with the
exact averages (summed over all 2⁶ states) shows what the sampled rule aims
at. The KL divergence of the learned distribution from the target is exact,
by enumeration.

Run: ``python examples/boltzmann_machine.py [--quick] [--out DIR]``
"""

import argparse
import itertools
import os
import time

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description="A Boltzmann machine learns 3-bit parity.")
parser.add_argument(
    "--quick", action="store_true", help="fewer epochs (for the test suite)"
)
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()
epochs = 1000 if args.quick else 3000

states = np.array(list(itertools.product([0, 1], repeat=3)), dtype=float)
even = states[states.sum(axis=1) % 2 == 0]
target = (states.sum(axis=1) % 2 == 0) / len(even)

machines, histories = {}, {}
for label, hidden, method in (
    ("no hidden units, exact averages", 0, "exact"),
    ("3 hidden units, exact averages", 3, "exact"),
    ("3 hidden units, Gibbs sampling", 3, "gibbs"),
):
    bm = ns.BoltzmannMachine(3, hidden, seed=1)
    start = time.perf_counter()
    histories[label] = bm.fit(
        even,
        epochs=epochs,
        lr=2.0 if method == "gibbs" else 1.0,
        decay=0.005 if method == "gibbs" else 0.0,
        method=method,
        chains=100,
        sweeps=2,
        seed=1,
        target=target,
    )
    machines[label] = bm
    kl = histories[label]["kl"]
    print(
        f"{label:34s} KL {kl[0]:.3f} -> {kl[-1]:.3f} nats after {epochs} epochs "
        f"({time.perf_counter() - start:.1f} s)"
    )

print(
    "\npattern  target  "
    + "  ".join(f"{label.split(',')[0][:14]:>14s}" for label in machines)
)
for k, pattern in enumerate(states.astype(int)):
    learned = "  ".join(f"{bm.distribution()[k]:15.3f}" for bm in machines.values())
    print(f"  {''.join(map(str, pattern))}    {target[k]:.3f}  {learned}")

if args.out:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neurosim import plotting

    os.makedirs(args.out, exist_ok=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
    for label, history in histories.items():
        left.plot(history["kl"], label=label)
    left.axhline(
        np.log(2),
        color="k",
        linestyle=":",
        lw=1,
        label="ln 2: the uniform distribution",
    )
    left.set(xlabel="epoch", ylabel="KL(target || model), nats", yscale="log")
    left.legend(frameon=False, fontsize=8)
    width = 0.8 / (len(machines) + 1)
    names = ["".join(map(str, p)) for p in states.astype(int)]
    right.bar(np.arange(8), target, width, label="target", color="k")
    for k, (label, bm) in enumerate(machines.items(), start=1):
        right.bar(np.arange(8) + k * width, bm.distribution(), width, label=label)
    right.set_xticks(np.arange(8) + 0.4 - width / 2, names)
    right.set(xlabel="visible pattern", ylabel="probability")
    # Beside the bars, not over them.
    right.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    plotting.save_figure(fig, os.path.join(args.out, "boltzmann_parity.png"))
    print(f"pictures written to {args.out}/")
