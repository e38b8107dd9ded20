"""Pictures of gradient-free training: losses per generation, and the search's spread.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import neurosim as ns
>>> from neurosim.plotting import plot_evolution
>>> X, Y = ns.datasets.xor()
>>> history = ns.Network.layered([2, 2, 1], seed=0).fit(
...     X, Y, optimizer=ns.NaturalES(population=10), epochs=20, seed=0)
>>> [ax.get_ylabel() for ax in plot_evolution(history).axes]
['loss', 'parameter space']
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ..errors import ParameterError
from ..history import History

__all__ = ["plot_evolution"]


def plot_evolution(history: History, fig: Figure | None = None) -> Figure:
    """Two panels from :func:`neurosim.evolution.evolve`'s history.

    Left, per generation: the best loss so far, the best and the mean of
    the generation's candidates (log scale when all are positive). Right:
    the step size σ and the candidates' spread (RMS distance from the
    centre of the search), which shrink as the search closes in and jump at
    a restart.
    """
    needed = {"loss", "best", "mean", "sigma", "spread"}
    if not needed <= set(history.history):
        raise ParameterError(
            f"plot_evolution needs the history of an evolution strategy ({sorted(needed)}); "
            f"this one has {sorted(history.history)}"
        )
    if fig is None:
        fig = plt.figure(figsize=(10, 3.6), layout="constrained")
    left, right = fig.subplots(1, 2)
    generations = np.arange(1, history.epochs + 1)
    left.plot(
        generations,
        history["mean"],
        color="C1",
        alpha=0.6,
        lw=1,
        label="mean of generation",
    )
    left.plot(
        generations,
        history["best"],
        color="C0",
        alpha=0.6,
        lw=1,
        label="best of generation",
    )
    left.plot(generations, history["loss"], color="k", lw=2, label="best so far")
    values = np.concatenate([history["loss"], history["best"], history["mean"]])
    if np.all(values[np.isfinite(values)] > 0):
        left.set_yscale("log")
    left.set(xlabel="generation", ylabel="loss")
    left.legend(frameon=False, fontsize=8)
    spread = np.array(history["spread"])
    spread[spread <= 0] = np.nan  # a generation evaluating its centre alone (a restart)
    right.plot(generations, spread, color="C2", lw=1, label="spread of the candidates")
    if np.isfinite(history["sigma"]).any():
        right.plot(generations, history["sigma"], color="C3", lw=1, label="step size σ")
    right.set(xlabel="generation", ylabel="parameter space", yscale="log")
    right.legend(frameon=False, fontsize=8)
    return fig
