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

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ShapeError
from ..memory.hopfield import HopfieldNetwork
from ..memory.rbm import RBM
from ..memory.recall import RecallResult
from ._figures import WEIGHT_CMAP, Axes, Figure, axes_for, plt

__all__ = [
    "draw_machine", "plot_energy_runs", "plot_image_rows", "plot_patterns",
    "plot_rbm_filters", "plot_recall", "plot_weights",
]  # fmt: skip

#: Above this many units, a symmetric machine is drawn as its weight matrix:
#: a complete graph of more units is a tangle of lines.
MANY_UNITS = 40


def draw_machine(machine, ax: Axes | None = None) -> Axes:
    """Draw a Hopfield network, Boltzmann machine or RBM: its units and symmetric weights.

    An RBM is drawn as its bipartite graph, visible units below and hidden
    units above; a Hopfield network or a Boltzmann machine as its complete
    graph on a circle (a Boltzmann machine's hidden units in orange). Edges
    are coloured by sign (blue negative, red positive) and sized by
    magnitude. Past 40 units, the weight matrix is drawn instead.

    Examples
    --------
    >>> import neurosim as ns
    >>> draw_machine(ns.RBM(4, 2, seed=0)).get_title()
    'RBM(4 visible, 2 hidden)'
    """
    import networkx as nx

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    graph = machine.graph
    title = repr(machine)
    if graph.number_of_nodes() > MANY_UNITS:
        limit = float(np.abs(machine.weights).max()) or 1.0
        image = ax.imshow(machine.weights, cmap=FILTER_CMAP, vmin=-limit, vmax=limit)
        ax.figure.colorbar(image, ax=ax, label="weight")
        ax.set_xlabel("unit j")
        ax.set_ylabel("unit i" if not isinstance(machine, RBM) else "hidden unit")
        ax.set_title(f"{title}: weights", fontsize=10)
        return ax
    layers = nx.get_node_attributes(graph, "layer")
    if isinstance(machine, RBM):
        # Visible units in a row below, hidden units in a row above, in order.
        positions = {}
        for y, names in ((0.0, machine.visible_names), (1.0, machine.hidden_names)):
            for k, name in enumerate(names):
                positions[name] = (k - (len(names) - 1) / 2, y)
    else:
        positions = nx.circular_layout(graph)
    weights = np.array([w for _, _, w in graph.edges(data="weight")])
    limit = float(np.abs(weights).max()) if weights.size else 0.0
    widths = 0.5 + 3.0 * np.abs(weights) / (limit or 1.0)
    edges = nx.draw_networkx_edges(
        graph, positions, ax=ax, edge_color=weights, edge_cmap=plt.get_cmap(FILTER_CMAP),
        edge_vmin=-(limit or 1.0), edge_vmax=limit or 1.0, width=widths,
    )  # fmt: skip
    colours = ["#ffa94d" if layers.get(n) == "hidden" else "#74c0fc" for n in graph]
    nx.draw_networkx_nodes(graph, positions, ax=ax, node_color=colours, node_size=500,
                           edgecolors="#343a40")  # fmt: skip
    nx.draw_networkx_labels(graph, positions, ax=ax, font_size=8)
    if edges is not None and weights.size:
        ax.figure.colorbar(edges, ax=ax, label="weight", shrink=0.8)
    ax.set_title(title, fontsize=10)
    ax.axis("off")
    return ax


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


def plot_patterns(
    patterns: ArrayLike,
    shape: tuple[int, int],
    titles: Sequence[str] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Patterns as pictures in a row (+1 dark, −1 or 0 light).

    Examples
    --------
    >>> import neurosim as ns
    >>> letters = ns.datasets.glyphs("AT")
    >>> fig = plot_patterns([g.ravel() for g in letters.values()], (10, 10), titles=list(letters))
    >>> [ax.get_title() for ax in fig.axes]
    ['A', 'T']
    """
    patterns = np.atleast_2d(np.asarray(patterns))
    if patterns.shape[1] != shape[0] * shape[1]:
        raise ShapeError(
            f"patterns of {patterns.shape[1]} values cannot be shown as {shape}"
        )
    fig = plt.figure(figsize=(1.6 * len(patterns), 1.9)) if fig is None else fig
    axes = fig.subplots(1, len(patterns), squeeze=False)[0]
    for k, (ax, pattern) in enumerate(zip(axes, patterns)):
        ax.imshow(
            pattern.reshape(shape), cmap="gray_r", vmin=pattern.min(initial=-1), vmax=1
        )
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[k])
    return fig


def plot_recall(
    result: RecallResult,
    shape: tuple[int, int],
    n_states: int = 4,
    fig: Figure | None = None,
) -> Figure:
    """The probe, a few intermediate states, the final state, and the energy curve.

    Intermediate states need ``recall(..., record_states=True)``.

    Examples
    --------
    >>> import neurosim as ns
    >>> hop = ns.HopfieldNetwork(100)
    >>> letter = ns.datasets.glyphs("T")["T"].ravel()
    >>> hop.store([letter])
    >>> r = hop.recall(ns.memory.corrupt(letter, 0.3, seed=0), seed=0, record_states=True)
    >>> fig = plot_recall(r, (10, 10))
    >>> fig.axes[0].get_title(), fig.axes[-1].get_ylabel()
    ('probe', 'energy')
    """
    steps = result.states or []
    # states[k] is the state after update k + 1: each frame says which update.
    picked = (
        [int(k) for k in np.linspace(0, len(steps) - 1, n_states + 2)[1:-1]]
        if len(steps) > n_states
        else list(range(len(steps) - 1))
    )
    pictures = [("probe", result.probe)] if result.probe is not None else []
    pictures += [(f"update {k + 1}", steps[k]) for k in picked]
    pictures += [("final", result.state)]
    if fig is None:
        fig = plt.figure(figsize=(1.7 * len(pictures) + 3.5, 2.4), layout="constrained")
    grid = fig.add_gridspec(1, len(pictures) + 2)
    for k, (title, state) in enumerate(pictures):
        ax = fig.add_subplot(grid[0, k])
        ax.imshow(np.asarray(state).reshape(shape), cmap="gray_r")
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
    energy = fig.add_subplot(grid[0, len(pictures) :])
    energy.plot(result.energy)
    energy.set(xlabel="update", ylabel="energy")
    return fig


def plot_weights(hop: HopfieldNetwork, ax: Axes | None = None) -> Axes:
    """The Hopfield weight matrix as an image on a diverging colormap.

    Examples
    --------
    >>> hop = HopfieldNetwork(4); hop.store([[1, -1, 1, -1]])
    >>> plot_weights(hop).get_title()
    'HopfieldNetwork(4 neurons, bipolar, 1 pattern stored, hebbian)'
    """
    ax = axes_for(ax, figsize=(5, 4))
    largest = float(np.max(np.abs(hop.weights))) or 1.0
    image = ax.imshow(hop.weights, cmap=WEIGHT_CMAP, vmin=-largest, vmax=largest)
    ax.figure.colorbar(image, ax=ax, label="weight")
    ax.set(xlabel="neuron j", ylabel="neuron i", title=repr(hop))
    return ax


# ---------------------------------------------------------------- animations
