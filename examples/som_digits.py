"""
A self-organising map of the handwritten digits, as MiniSom draws it
=====================================================================

MiniSom's digits example, step for step: the 1,797 8×8 digits of
scikit-learn, each pixel standardised, on a 30 × 30 map with σ = 4, a
learning rate of 0.5, the triangle neighbourhood, weights started on the
plane of the first two principal components, and 5,000 updates with samples
drawn in random order. MiniSom reports a quantization error of 3.046; the
digits come to lie in regions of their own, with borders (light in the
U-matrix) between them. With MiniSom installed, the script runs it on the
same data and prints both errors.

Run: ``python examples/som_digits.py [--quick] [--out DIR]``
"""

import argparse
import time

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description="A SOM of the digits.")
parser.add_argument(
    "--quick", action="store_true", help="a short run (the test suite's)"
)
parser.add_argument(
    "--out", nargs="?", const="pictures", metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)  # fmt: skip
args = parser.parse_args()

X, labels = ns.datasets.load_digits()
X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
size, updates = (15, 1500) if args.quick else (30, 5000)
som = ns.SOM(
    size, size, 64, sigma=4, learning_rate=0.5, neighborhood="triangle", seed=10
)
som.initialize(X, "pca")
started = time.perf_counter()
history = som.fit(X, iterations=updates, seed=10)
print(
    f"a {size} × {size} map, {updates:,} updates in random order "
    f"({time.perf_counter() - started:.1f} s): quantization error "
    f"{som.quantization_error(X):.3f} (MiniSom reports 3.046 for the full run), "
    f"topographic error {som.topographic_error(X):.3f}"
)
try:
    from minisom import MiniSom
except ImportError:
    MiniSom = None
if MiniSom is not None:
    theirs = MiniSom(
        size, size, 64, sigma=4, learning_rate=0.5, neighborhood_function="triangle",
        random_seed=10,
    )  # fmt: skip
    theirs.pca_weights_init(X)
    theirs.train(X, updates, random_order=True)
    print(f"MiniSom on the same data and settings: {theirs.quantization_error(X):.3f}")
purity = np.mean(
    [
        counts.most_common(1)[0][1] / sum(counts.values())
        for counts in som.labels_map(X, labels).values()
    ]
)
print(f"the units hold one digit each to {purity:.0%} on average")

if args.out:
    from neurosim import plotting

    ax = plotting.plot_som(som, X, labels)
    plotting.save_figure(ax.figure, f"{args.out}/som_digits.png", dpi=80)
