"""Pictures of self-organising maps: the U-matrix with what each unit won, and component planes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError
from ..som import SOM
from ._figures import Axes, Figure, axes_for, plt

__all__ = ["plot_component_planes", "plot_som"]


def _cells(som: SOM, values: np.ndarray, ax: Axes, cmap: str):
    """Each unit as a square (rectangular) or a hexagon at its place on the plane."""
    from matplotlib.collections import PolyCollection

    if som.topology == "rectangular":
        return ax.pcolormesh(values.T, cmap=cmap, edgecolors="none")
    angles = np.deg2rad(np.arange(30, 390, 60))
    radius = 1 / np.sqrt(3)
    polygons = [
        np.column_stack([x + radius * np.cos(angles), y + radius * np.sin(angles)])
        for x, y in som.places.reshape(-1, 2) + 0.5
    ]
    cells = PolyCollection(polygons, array=values.ravel(), cmap=cmap, edgecolors="none")
    ax.add_collection(cells)
    ax.autoscale_view()
    return cells


def plot_som(
    som: SOM,
    X: ArrayLike | None = None,
    labels: Sequence | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The U-matrix: each unit shaded by its distance to its neighbours (dark borders between clusters).

    With ``X``, each unit that wins samples gets a marker sized by its hits;
    with ``labels`` too, the marker shows the unit's most frequent label.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np, neurosim as ns
    >>> som = ns.SOM(5, 5, 2, seed=0)
    >>> X = np.random.default_rng(0).random((40, 2))
    >>> _ = som.fit(X, epochs=3, seed=0)
    >>> plot_som(som, X).get_title()
    'U-matrix of a 5 × 5 map: 40 samples on 15 units'
    """
    if not isinstance(som, SOM):
        raise ParameterError(f"plot_som draws a SOM, got {type(som).__name__}")
    ax = axes_for(ax, figsize=(6, 5.5))
    cells = _cells(som, som.distance_map(), ax, "bone_r")
    ax.figure.colorbar(cells, ax=ax, label="distance to the neighbours (scaled)")
    title = f"U-matrix of a {som.rows} × {som.cols} map"
    if X is not None:
        hits = som.activation_response(X)
        won = som.labels_map(X, labels) if labels is not None else None
        colour = (
            {label: k % 10 for k, label in enumerate(sorted(set(labels), key=str))}
            if won
            else {}
        )
        places = som.places + 0.5 if som.topology == "hexagonal" else None
        for unit in zip(*np.nonzero(hits)):
            x, y = (
                places[unit] if places is not None else (unit[0] + 0.5, unit[1] + 0.5)
            )
            if won is not None:
                label = won[unit].most_common(1)[0][0]
                ax.text(x, y, str(label), ha="center", va="center", fontsize=7,
                        color=plt.cm.tab10(colour[label]), fontweight="bold")  # fmt: skip
            else:
                size = 8 + 60 * hits[unit] / hits.max()
                ax.scatter([x], [y], s=size, color="tab:red", alpha=0.7)
        title += f": {len(np.asarray(X))} samples on {int((hits > 0).sum())} units"
    ax.set_title(title, fontsize=9)
    ax.set_aspect("equal")
    ax.set_xlabel("row")
    ax.set_ylabel("column")
    return ax


def plot_component_planes(
    som: SOM, names: Sequence[str] | None = None, fig: Figure | None = None
) -> Figure:
    """One small map per input: each unit coloured by that component of its weights."""
    if names is not None and len(names) != som.n_inputs:
        raise ParameterError(
            f"names must name the {som.n_inputs} inputs, got {len(names)}"
        )
    shown = min(som.n_inputs, 16)
    columns = min(shown, 4)
    rows = -(-shown // columns)
    fig = fig or plt.figure(figsize=(2.6 * columns, 2.4 * rows))
    for k in range(shown):
        ax = fig.add_subplot(rows, columns, k + 1)
        cells = _cells(som, som.weights[:, :, k], ax, "viridis")
        fig.colorbar(cells, ax=ax)
        ax.set_title(names[k] if names is not None else f"input {k + 1}", fontsize=8)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(
        "component planes" + (f" (the first {shown})" if shown < som.n_inputs else "")
    )
    fig.tight_layout()
    return fig
