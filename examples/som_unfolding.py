"""
A self-organising map unfolding over the plane
==============================================

A 10 × 10 map starts as a tangle (random unit vectors) and is trained on
points spread evenly over a square, with a Gaussian neighbourhood whose
radius shrinks as training goes. The grid unfolds: neighbouring units come
to stand for neighbouring points, and the map spreads over the square
without crossing itself. The quantization error (how far a point is from
its unit) and the topographic error (how often a point's two nearest units
are not neighbours on the grid) fall pass by pass.

Run: ``python examples/som_unfolding.py [--quick] [--out DIR]`` (``--out``
writes the unfolding as a GIF)
"""

import argparse

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description="A SOM unfolding over a square.")
parser.add_argument(
    "--quick", action="store_true", help="a short run (the test suite's)"
)
parser.add_argument(
    "--out", nargs="?", const="pictures", metavar="DIR",
    help="write the GIF to DIR (./pictures if no DIR is given)",
)  # fmt: skip
args = parser.parse_args()

X = np.random.default_rng(0).random((400, 2))
som = ns.SOM(10, 10, 2, sigma=3.0, learning_rate=0.5, seed=0)
snapshots = [som.weights.copy()]
history = som.fit(
    X, epochs=6 if args.quick else 20, seed=0,
    callbacks=[lambda epoch, history, model: snapshots.append(model.weights.copy())],
)  # fmt: skip
qe, te = history["quantization_error"], history["topographic_error"]
print(f"{som}, {len(X)} points in a square, {history.epochs} passes:")
print(f"  quantization error {qe[0]:.3f} after the first pass → {qe[-1]:.3f}")
print(f"  topographic error {te[0]:.3f} after the first pass → {te[-1]:.3f}")

if args.out:
    from neurosim import plotting

    names = ["start"] + [f"after pass {k + 1}" for k in range(history.epochs)]
    anim = plotting.animate_som(som, X, snapshots, labels=names)
    plotting.save_animation(anim, f"{args.out}/som_unfolding.gif", fps=3)
