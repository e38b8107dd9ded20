"""Pictures of stochastic, symmetric networks: RBM filters, images, energy over time.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import neurosim as ns
>>> from neurosim.plotting import plot_rbm_filters
>>> rbm = ns.RBM(16, 6, seed=0)
>>> len(plot_rbm_filters(rbm, (4, 4)).axes)
6
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from ..errors import ShapeError
from ..memory.rbm import RBM

__all__ = ["plot_energy_runs", "plot_image_rows", "plot_rbm_filters"]

FILTER_CMAP = (
    "coolwarm"  # diverging, as every weight picture: negative blue, positive red
)


def plot_rbm_filters(
    rbm: RBM,
    shape: tuple[int, int],
    n: int | None = None,
    columns: int = 10,
    fig: Figure | None = None,
) -> Figure:
    """Each hidden unit's weights over the visible units, as an image: its filter.

    Each filter on its own colour scale, centred at 0 (white): a filter's
    pattern shows even where its weights are small.

    Parameters
    ----------
    rbm : RBM
    shape : (rows, columns)
        How the visible units form an image (8 × 8 for digits).
    n : int, optional
        Show the first ``n`` hidden units (all by default).
    columns : int, default 10
        Filters per row.
    """
    if shape[0] * shape[1] != rbm.n_visible:
        raise ShapeError(
            f"{rbm.n_visible} visible units cannot be shown as a {shape[0]} × {shape[1]} image"
        )
    filters = rbm.weights[: rbm.n_hidden if n is None else n]
    columns = min(columns, len(filters))
    rows = -(-len(filters) // columns)
    if fig is None:
        fig = plt.figure(
            figsize=(0.9 * columns + 0.3, 0.9 * rows + 0.5), layout="constrained"
        )
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, values, name in zip(axes, filters, rbm.hidden_names):
        limit = max(float(np.abs(values).max()), 1e-12)
        ax.imshow(values.reshape(shape), cmap=FILTER_CMAP, vmin=-limit, vmax=limit)
        ax.set_title(name, fontsize=7)
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    for ax in axes[len(filters) :]:
        ax.remove()
    fig.suptitle(
        "hidden units' filters (blue negative, red positive; each on its own scale)",
        fontsize=9,
    )
    return fig


def plot_image_rows(
    rows: Mapping[str, ArrayLike],
    shape: tuple[int, int],
    fig: Figure | None = None,
) -> Figure:
    """Rows of grey-level images with a label each: data, reconstructions, samples.

    Values in [0, 1], 1 dark (ink on paper), one column per image.

    Examples
    --------
    >>> import numpy as np
    >>> fig = plot_image_rows({"data": np.eye(4), "model": np.eye(4)[::-1]}, (2, 2))
    >>> len(fig.axes), fig.axes[0].get_ylabel()
    (8, 'data')
    """
    images = {
        label: np.atleast_2d(np.asarray(values, dtype=float))
        for label, values in rows.items()
    }
    width = max(len(v) for v in images.values())
    for label, values in images.items():
        if values.shape[1] != shape[0] * shape[1]:
            raise ShapeError(
                f"row {label!r} holds images of {values.shape[1]} values, not {shape}"
            )
    if fig is None:
        fig = plt.figure(
            figsize=(0.8 * width + 1.0, 0.9 * len(images)), layout="constrained"
        )
    axes = fig.subplots(len(images), width, squeeze=False)
    for row, (label, values) in zip(axes, images.items()):
        for ax, image in zip(row, values):
            ax.imshow(image.reshape(shape), cmap="gray_r", vmin=0.0, vmax=1.0)
        for ax in row:
            ax.set(xticks=[], yticks=[])
            ax.spines[:].set_visible(False)
        row[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    return fig


def plot_energy_runs(
    runs: Mapping[str, Sequence[ArrayLike]],
    ax: Axes | None = None,
    xlabel: str = "update",
) -> Axes:
    """Energy over time of several runs per condition: thin lines, and their median.

    Parameters
    ----------
    runs : mapping of label to a list of energy curves
        For example ``{"T = 0": [r.energy for r in plain], "annealed": [...]}``.

    Examples
    --------
    >>> ax = plot_energy_runs({"a": [[3, 2, 1], [3, 1, 1]], "b": [[3, 3, 0]]})
    >>> [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    ['a (median of 2)', 'b (median of 1)']
    """
    if ax is None:
        ax = plt.figure(figsize=(7, 3.5), layout="constrained").add_subplot()
    for k, (label, curves) in enumerate(runs.items()):
        colour = f"C{k}"
        curves = [np.asarray(c, dtype=float) for c in curves]
        length = max(len(c) for c in curves)
        padded = np.array(
            [np.pad(c, (0, length - len(c)), mode="edge") for c in curves]
        )
        for curve in padded:
            ax.plot(curve, color=colour, alpha=0.15, linewidth=0.8)
        ax.plot(
            np.median(padded, axis=0),
            color=colour,
            linewidth=2,
            label=f"{label} (median of {len(curves)})",
        )
    ax.set(xlabel=xlabel, ylabel="energy")
    ax.legend(frameon=False)
    return ax
