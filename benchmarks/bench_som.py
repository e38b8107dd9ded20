"""Training a self-organising map: neurosim against MiniSom, on the same data and settings.

MiniSom's digits example (30 × 30 map, σ = 4, learning rate 0.5, triangle
neighbourhood, PCA start, 5,000 updates in random order, standardised
pixels), timed both ways in one run, interleaved, best of several; the
weights of the two are checked equal first (the same order of samples).
Target: neurosim at least MiniSom's speed (ratio ≤ 1).

Run: ``python benchmarks/bench_som.py [--quick]``
"""

import argparse
import os
import time

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument(
    "--quick", action="store_true", help="a smaller run (the test suite's)"
)
args = parser.parse_args()
try:
    from minisom import MiniSom
except ImportError:
    raise SystemExit("this benchmark needs MiniSom: pip install minisom") from None

X, _ = ns.datasets.load_digits()
X = (X - X.mean(axis=0)) / np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)
size, updates, repeats = (15, 1000, 2) if args.quick else (30, 5000, 5)


def minisom():
    som = MiniSom(size, size, 64, sigma=4, learning_rate=0.5,
                  neighborhood_function="triangle", random_seed=10)  # fmt: skip
    som.pca_weights_init(X)
    som.train(X, updates, random_order=True)
    return som


def order():
    """MiniSom's order of samples: its RandomState shuffles after drawing its weights."""
    state = np.random.RandomState(10)
    state.rand(size, size, 64)
    indices = np.arange(updates) % len(X)
    state.shuffle(indices)
    return indices


ORDER = order()


def neurosim():
    som = ns.SOM(size, size, 64, sigma=4, learning_rate=0.5, neighborhood="triangle")
    som.initialize(X, "pca")
    som.fit(X, order=ORDER, monitor=False)
    return som


assert np.allclose(neurosim().weights, minisom().get_weights(), rtol=0, atol=1e-12)
times = {"neurosim": [], "minisom": []}
for _ in range(repeats):
    for name, run in (("neurosim", neurosim), ("minisom", minisom)):
        started = time.perf_counter()
        run()
        times[name].append(time.perf_counter() - started)
ours, theirs = min(times["neurosim"]), min(times["minisom"])
print(f"load average {os.getloadavg()[0]:.2f} (2 cores)")
print(
    f"{size} × {size} map, {updates:,} updates: neurosim {ours:.2f} s, MiniSom "
    f"{theirs:.2f} s → {ours / theirs:.2f}× MiniSom's time (target ≤ 1), equal weights"
)
