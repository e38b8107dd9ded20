"""neurosim's RBM against scikit-learn's BernoulliRBM, measured in the same run.

Same data (the 1,797 digits scaled to [0, 1]), same sizes (64 visible, 100
hidden), same learning rate (0.06), batch size (10) and epochs (10), both by
persistent contrastive divergence:

* fit time, best of several runs (target: neurosim ≤ 1.0× scikit-learn's).
  Measured twice: without the pseudo-likelihood after every epoch, and with
  it (neurosim's ``monitor=True``, its default, which also records the
  reconstruction error; scikit-learn's ``verbose=True``).
* the final pseudo-likelihood over 5 seeds each (target: within the spread of
  scikit-learn's, or better). Both are scored with the same estimator and the
  same flipped units (10 sets averaged), so the scores differ by the models
  alone.
* Gibbs steps per second of the matrix and the neuron-by-neuron paths.

Run: ``python benchmarks/bench_rbm.py [--quick]``
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.neural_network import BernoulliRBM

import neurosim as ns

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--quick", action="store_true", help="fewer repeats and seeds")
args = parser.parse_args()
repeats, seeds = (2, 2) if args.quick else (7, 5)

X = load_digits().data / 16.0
settings = {"lr": 0.06, "batch_size": 10, "epochs": 10}


def fit_ours(seed, monitor=True):
    rbm = ns.RBM(64, 100, seed=seed)
    rbm.fit(
        X,
        epochs=settings["epochs"],
        lr=settings["lr"],
        batch_size=settings["batch_size"],
        seed=seed,
        monitor=monitor,
    )
    return rbm


def fit_sklearn(seed, verbose=False):
    model = BernoulliRBM(
        n_components=100,
        learning_rate=settings["lr"],
        batch_size=settings["batch_size"],
        n_iter=settings["epochs"],
        random_state=seed,
        verbose=verbose,
    )
    with contextlib.redirect_stdout(io.StringIO()):  # verbose prints every epoch
        return model.fit(X)


def best_time(run, repeats):
    best = float("inf")
    for k in range(repeats):
        start = time.perf_counter()
        run(k)
        best = min(best, time.perf_counter() - start)
    return best


def pseudo_likelihood(weights, visible_bias, hidden_bias):
    """The mean pseudo-likelihood with the same 10 sets of flipped units for every model."""
    model = ns.RBM(64, 100)
    model.set_parameters(weights, visible_bias, hidden_bias)
    flips = np.random.default_rng(12345)
    return np.mean(
        [
            model.score_samples(X, units=flips.integers(0, 64, len(X))).mean()
            for _ in range(10)
        ]
    )


fit_ours(0), fit_sklearn(0)  # warm up
print(
    f"fit, digits 64 -> 100 hidden, {settings['epochs']} epochs of batches of 10, "
    f"best of {repeats}:"
)
for what, monitor in (("without", False), ("with", True)):
    ours = best_time(lambda k, m=monitor: fit_ours(k, monitor=m), repeats)
    theirs = best_time(lambda k, m=monitor: fit_sklearn(k, verbose=m), repeats)
    print(
        f"  {what} the pseudo-likelihood after every epoch (monitor / verbose={monitor}):"
    )
    print(f"    neurosim RBM        {ours * 1e3:7.1f} ms")
    print(f"    scikit-learn        {theirs * 1e3:7.1f} ms")
    print(f"    ratio               {ours / theirs:7.2f}   (target <= 1.0)")

scores_ours, scores_theirs = [], []
for seed in range(seeds):
    rbm = fit_ours(seed)
    scores_ours.append(
        pseudo_likelihood(rbm.weights, rbm.visible_bias, rbm.hidden_bias)
    )
    model = fit_sklearn(seed)
    scores_theirs.append(
        pseudo_likelihood(
            model.components_, model.intercept_visible_, model.intercept_hidden_
        )
    )
print(f"final pseudo-likelihood over {seeds} seeds (higher is better):")
print(
    f"  neurosim RBM        mean {np.mean(scores_ours):7.2f}, "
    f"range {min(scores_ours):.2f} .. {max(scores_ours):.2f}"
)
print(
    f"  scikit-learn        mean {np.mean(scores_theirs):7.2f}, "
    f"range {min(scores_theirs):.2f} .. {max(scores_theirs):.2f}"
)
mean = np.mean(scores_ours)
verdict = (
    "above scikit-learn's best run"
    if mean > max(scores_theirs)
    else "within scikit-learn's spread"
    if mean >= min(scores_theirs)
    else "BELOW scikit-learn's spread"
)
print(f"  neurosim's mean is {verdict} (target: within it, or better)")

rbm = fit_ours(0)
chains = (np.random.default_rng(0).random((100, 64)) < 0.5).astype(float)
for path, steps in (("matrix", 200), ("graph", 2)):
    start = time.perf_counter()
    rbm.sample(100, steps=steps, seed=0, start=chains, path=path)
    seconds = time.perf_counter() - start
    print(
        f"Gibbs steps of 100 chains, {path:7s} path: {steps / seconds:9.1f} steps/s "
        f"({steps * 100 * 164 / seconds:,.0f} unit updates/s)"
    )
