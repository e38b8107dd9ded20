"""
Learning vector quantization: neurolab's LVQ example, every point classified
============================================================================

Ten points in the plane, two classes: class 1 in the middle column, class 0
on both sides of it — no straight line separates them. neurolab's example
builds an LVQ network of 4 competitive neurons, 60 % of them for class 0 and
40 % for class 1, and trains it: each neuron's weights are a prototype, a
sample takes the class of its nearest prototype, and Kohonen's LVQ1 moves
the nearest prototype towards a sample of its class and away from one of
another class.

Run: ``python examples/lvq.py [--quick] [--out DIR]``
"""

import argparse

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description="neurolab's LVQ example.")
parser.add_argument(
    "--quick", action="store_true", help="a short run (the test suite's)"
)
parser.add_argument(
    "--out", nargs="?", const="pictures", metavar="DIR",
    help="write the picture to DIR (./pictures if no DIR is given)",
)  # fmt: skip
args = parser.parse_args()

X = np.array([[-3, 0], [-2, 1], [-2, -1], [0, 2], [0, 1], [0, -1], [0, -2],
              [2, 1], [2, -1], [3, 0]], dtype=float)  # fmt: skip
y = np.array([0, 0, 0, 1, 1, 1, 1, 0, 0, 0])
lvq = ns.LVQ(2, 4, shares=[0.6, 0.4], seed=0)
history = lvq.fit(X, y, epochs=50 if args.quick else 200, lr=0.05, seed=0)
right = int((lvq.predict(X) == y).sum())
print(f"{lvq}: {right} of {len(X)} points classified right")
print(f"misclassified per epoch: {history['errors'][:8]} … {history['errors'][-1]:.0f}")
for k, (prototype, label) in enumerate(zip(lvq.prototypes, lvq.classes)):
    print(
        f"  neuron {k} (class {label}): prototype ({prototype[0]:+.2f}, {prototype[1]:+.2f})"
    )

if args.out:
    import matplotlib.pyplot as plt

    from neurosim import plotting

    xs, ys = np.meshgrid(np.linspace(-4, 4, 200), np.linspace(-3, 3, 150))
    regions = lvq.predict(np.column_stack([xs.ravel(), ys.ravel()])).reshape(xs.shape)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.contourf(xs, ys, regions, levels=[-0.5, 0.5, 1.5], colors=["#c6dbef", "#fdd0a2"])
    for c, colour in ((0, "tab:blue"), (1, "tab:orange")):
        ax.scatter(*X[y == c].T, color=colour, edgecolor="k", label=f"class {c}")
        ax.scatter(*lvq.prototypes[lvq.classes == c].T, marker="*", s=250,
                   color=colour, edgecolor="k")  # fmt: skip
    ax.set_title("LVQ: each region is the class of its nearest prototype (stars)")
    ax.legend(fontsize=8)
    plotting.save_figure(fig, f"{args.out}/lvq.png", dpi=80)
