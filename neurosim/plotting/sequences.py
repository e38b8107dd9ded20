"""Pictures of networks in time: a sequence's inputs, targets, outputs and error, step by step.

:func:`plot_sequence` is Elman's Fig. 3 in one call: run one sequence
through a recurrent network and show what came in, what came out, what was
wanted and the squared error at each step — and, given a ``period``, that
error averaged over each position of the cycle (the temporal XOR's every
third bit is predictable: the error dips there).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._checks import as_sequences, as_step_targets
from ..errors import ParameterError
from ._figures import Figure, plt

__all__ = ["plot_sequence", "position_errors"]


def position_errors(errors: ArrayLike, period: int) -> np.ndarray:
    """The mean of ``errors`` (one per step) at each position of a cycle of ``period`` steps.

    Steps without an error (NaN) are left out; the last, incomplete cycle
    counts where it has values.

    Examples
    --------
    >>> position_errors([1.0, 0.0, 3.0, 0.0, np.nan, 5.0], 3).tolist()
    [0.5, 0.0, 4.0]
    """
    values = np.asarray(errors, dtype=float).ravel()
    if not isinstance(period, (int, np.integer)) or not 1 <= period <= len(values):
        raise ParameterError(
            f"period must be a whole number from 1 to the sequence's length "
            f"({len(values)}), got {period!r}"
        )
    padded = np.full(-(-len(values) // period) * period, np.nan)
    padded[: len(values)] = values
    with np.errstate(invalid="ignore"):
        return np.nanmean(padded.reshape(-1, period), axis=0)


def plot_sequence(
    net,
    x: ArrayLike,
    target: ArrayLike | None = None,
    period: int | None = None,
    steps: int | None = 60,
    fig: Figure | None = None,
) -> Figure:
    """One sequence through the network: inputs, outputs and targets, and the error per step.

    Parameters
    ----------
    net : Network or compiled network with delays
        (A network without delays treats each step on its own.)
    x : array_like, shape (T, n_inputs) or (T,)
    target : array_like, shape (T, n_outputs) or (T,), optional
        NaN for a step without a target.
    period : int, optional
        Also show the squared error averaged over each position of a cycle
        of this many steps, over the whole sequence (Elman 1990, Fig. 3).
    steps : int or None, default 60
        Show the first ``steps`` steps (None: all); the period panel uses all.
    fig : matplotlib Figure, optional

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import neurosim as ns
    >>> net = ns.Network.elman(1, 3, 1, seed=0)
    >>> bits = [0.0, 1.0, 1.0, 1.0, 0.0, 1.0]
    >>> fig = plot_sequence(net, bits[:-1], bits[1:], period=3)
    >>> len(fig.axes)
    4
    """
    sequence, single = as_sequences(x, net.n_inputs, "x")
    if not single:
        raise ParameterError(
            f"plot_sequence shows one sequence, shape (T, {net.n_inputs}); got "
            f"shape {np.shape(x)}"
        )
    outputs = np.asarray(net.forward(sequence[0])).reshape(sequence.shape[1], -1)
    n_steps = outputs.shape[0]
    targets = None
    if target is not None:
        targets = as_step_targets(target, (1, n_steps, outputs.shape[1]), "target")[0]
    shown = n_steps if steps is None else min(n_steps, int(steps))
    panels = 2 + (targets is not None) + (period is not None and targets is not None)
    fig = fig or plt.figure(figsize=(10, 1.9 * panels + 0.6))
    axes = fig.subplots(panels, 1, squeeze=False)[:, 0]
    time = np.arange(shown)
    for k in range(sequence.shape[2]):
        axes[0].step(time, sequence[0, :shown, k], where="mid", label=f"x{k + 1}")
    axes[0].set_ylabel("inputs")
    for k in range(outputs.shape[1]):
        line = axes[1].plot(
            time, outputs[:shown, k], "o-", ms=3, label=f"output {k + 1}"
        )
        if targets is not None:
            axes[1].plot(
                time, targets[:shown, k], "x", color=line[0].get_color(), ms=6,
                label=f"target {k + 1}",
            )  # fmt: skip
    axes[1].set_ylabel("outputs")
    axes[1].legend(fontsize=7, ncol=4, loc="upper right", frameon=False)
    if targets is not None:
        errors = np.mean((outputs - targets) ** 2, axis=1)
        axes[2].bar(time, errors[:shown], color="0.5")
        axes[2].set_ylabel("squared error")
        if period is not None:
            means = position_errors(errors, period)
            axes[3].bar(np.arange(period), means, color="tab:red")
            axes[3].set_xticks(np.arange(period))
            axes[3].set_xlabel("position in the cycle")
            axes[3].set_ylabel("mean sq. error")
            axes[3].set_title(
                f"the error at each of {period} positions, averaged over "
                f"{n_steps // period} cycles",
                fontsize=9,
            )
    for ax in axes[: 2 + (targets is not None)]:
        ax.set_xlim(-0.6, shown - 0.4)
    axes[1 + (targets is not None)].set_xlabel("time step")
    fig.suptitle(f"one sequence of {n_steps} steps through {net!r}", fontsize=9)
    fig.tight_layout()
    return fig
