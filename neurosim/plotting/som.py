"""Pictures of self-organising maps: the U-matrix with what each unit won, and component planes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError
from ..som import SOM
from ._figures import Axes, Figure, animation, axes_for, plt

__all__ = ["animate_som", "plot_component_planes", "plot_som"]


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


def animate_som(
    som: SOM, X: ArrayLike, snapshots: Sequence[np.ndarray], labels: Sequence[str] = ()
) -> animation.FuncAnimation:
    """The map unfolding over 2-D data: the grid drawn in the input plane, one frame per snapshot.

    ``snapshots`` are the map's weights at moments of training, e.g. taken
    by a callback after each pass (``lambda e, h, m: shots.append(m.weights.copy())``);
    ``labels`` name the frames. Each unit is a point at its weights, each
    grid edge a line between neighbours: a map that has learned the data
    covers it without its grid crossing itself.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import numpy as np, neurosim as ns
    >>> som = ns.SOM(4, 4, 2, seed=0)
    >>> X = np.random.default_rng(0).random((50, 2))
    >>> shots = [som.weights.copy()]
    >>> _ = som.fit(X, epochs=3, seed=0, callbacks=[lambda e, h, m: shots.append(m.weights.copy())])
    >>> anim = animate_som(som, X, shots, labels=["start", "pass 1", "pass 2", "pass 3"])
    >>> import os, tempfile
    >>> from neurosim.plotting import save_animation
    >>> path = os.path.join(tempfile.mkdtemp(), "unfolding.gif")
    >>> save_animation(anim, path)
    >>> from PIL import Image
    >>> with Image.open(path) as gif:
    ...     gif.n_frames
    4
    """
    data = np.asarray(X, dtype=float)
    if data.ndim != 2 or data.shape[1] != 2 or som.n_inputs != 2:
        raise ParameterError("animate_som draws maps over 2-D data (n_inputs = 2)")
    if not snapshots:
        raise ParameterError("animate_som needs at least one snapshot of the weights")
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.scatter(*data.T, s=6, color="0.7")
    edges = list(som.graph.edges)
    lines = [ax.plot([], [], color="tab:blue", lw=0.8)[0] for _ in edges]
    (units,) = ax.plot([], [], "o", color="tab:red", ms=3)
    low, high = data.min(axis=0), data.max(axis=0)
    margin = 0.1 * (high - low)
    ax.set_xlim(low[0] - margin[0], high[0] + margin[0])
    ax.set_ylim(low[1] - margin[1], high[1] + margin[1])
    ax.set_aspect("equal")

    def draw(k: int):
        weights = snapshots[k]
        for line, (a, b) in zip(lines, edges):
            line.set_data(
                [weights[a][0], weights[b][0]], [weights[a][1], weights[b][1]]
            )
        units.set_data(weights[..., 0].ravel(), weights[..., 1].ravel())
        name = labels[k] if k < len(labels) else f"snapshot {k}"
        ax.set_title(f"a {som.rows} × {som.cols} map unfolding: {name}", fontsize=9)
        return [*lines, units]

    return animation.FuncAnimation(fig, draw, frames=len(snapshots), blit=False)
