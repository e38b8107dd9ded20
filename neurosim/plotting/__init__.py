"""Pictures: the network graph, training curves, decision regions, Hopfield recall, animations.

The only module that imports matplotlib. Every function takes an optional
``ax`` (or ``fig``), returns the matplotlib objects it drew on, never calls
``plt.show()`` and never changes the global style or backend, so it works in
scripts, notebooks and headless (Agg) alike. Layouts come from networkx
(``multipartite_layout`` by topological level, or any named layout), colours
from matplotlib colormaps.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import neurosim as ns
>>> from neurosim import plotting
>>> net = ns.Network.layered([2, 3, 1], seed=0)
>>> ax = plotting.draw_network(net)
>>> len(ax.collections[0].get_offsets())   # one marker per neuron
6
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike

from ..errors import MissingDependencyError, ParameterError, ShapeError, StateError

try:
    import matplotlib.pyplot as plt
    from matplotlib import animation, colormaps, colors
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
except ImportError as error:
    raise MissingDependencyError(
        f"pictures need matplotlib, which is not installed ({error}). Install it with "
        "'pip install matplotlib' (or, in neurosim's source tree, 'pip install \".[plot]\"')."
    ) from None

from .._files import atomic_write
from ..history import History
from ..layout import layered_positions
from ..memory.boltzmann import BoltzmannMachine
from ..memory.hopfield import HopfieldNetwork, RecallResult
from ..memory.rbm import RBM
from ..network import Network

__all__ = [
    "animate_convolution",
    "animate_trace",
    "animate_training",
    "draw_grid",
    "draw_network",
    "layered_positions",
    "network_png",
    "plot_decision_boundary",
    "plot_energy_runs",
    "plot_evolution",
    "plot_feature_maps",
    "plot_history",
    "plot_image_rows",
    "plot_kernels",
    "plot_neuron_maps",
    "plot_patterns",
    "plot_rbm_filters",
    "plot_recall",
    "plot_weights",
    "save_animation",
    "save_figure",
]

WEIGHT_CMAP = "coolwarm"  # diverging: negative blue, positive red
VALUE_CMAP = "viridis"
ROLE_COLOURS = {"input": 0, "hidden": 7, "output": 1}  # indices into "tab10"
MANY_EDGES = 150  # above this, edges are thin, translucent lines without arrows
MANY_NEURONS = 40  # above this, no labels


def _axes(ax: Axes | None, figsize=(6, 4)) -> Axes:
    return plt.subplots(figsize=figsize)[1] if ax is None else ax


# ---------------------------------------------------------------- the network


def _neuron_values(net: Network, values: str) -> dict[str, float]:
    if values not in ("output", "delta", "net"):
        raise ParameterError(
            f"values must be None, 'output', 'net' or 'delta', got {values!r}"
        )
    found = {n.name: getattr(n, values) for n in net.neurons}
    if any(
        v is None
        for n, v in found.items()
        if not (values != "output" and net[n].is_input)
    ):
        raise StateError(
            f"there are no {values!r} values to show: run net.forward(x) "
            + ("and net.backward(target) " if values == "delta" else "")
            + "with one sample first"
        )
    if any(np.ndim(v) for v in found.values()):
        raise ShapeError(
            f"the last pass was a batch; draw_network shows the {values!r} of one sample: "
            "run net.forward(x) with a single sample first"
        )
    return {name: v for name, v in found.items() if v is not None}


def draw_network(
    net: Network,
    ax: Axes | None = None,
    show_weights: bool = True,
    values: str | None = None,
    layout: str | dict = "layered",
    highlight: str | tuple[str, str] | Sequence | None = None,
) -> Axes:
    """Draw the network: neurons by topological level, edges coloured by weight.

    Parameters
    ----------
    net : Network, HopfieldNetwork, BoltzmannMachine or RBM
        A symmetric machine is drawn by :func:`draw_machine` (its units and
        weights; the other options do not apply).
    ax : matplotlib Axes, optional
    show_weights : bool, default True
        Write each weight on its edge (up to 30 connections). Edges are
        always coloured by sign (blue negative, red positive) and sized by
        magnitude.
    values : {None, "output", "net", "delta"}
        Colour the neurons by this value of the last single-sample pass (with
        a colour bar) and print it under the names; by default neurons are
        coloured by role.
    layout : "layered", a networkx layout name ("spring", "circular", …) or a dict
        ``"layered"`` places neurons by topological level, so skip
        connections (drawn as arcs) stay readable.
    highlight : neuron name, (source, target), or a list of them
        Outline these neurons and connections in black.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network.layered([2, 2, 1], seed=0)
    >>> _ = net.forward([1.0, 0.0])
    >>> ax = draw_network(net, values="output", highlight="h1_1")
    >>> ax.get_title()
    'Network(2 inputs, 2 hidden, 1 output; 6 connections, 9 parameters)'

    A convolutional network (whose neurons have grid positions) is drawn with
    ``layout="grid"`` by default: see :func:`draw_grid`.
    """
    if isinstance(net, HopfieldNetwork | RBM | BoltzmannMachine):
        from .memory import draw_machine

        return draw_machine(net, ax=ax)
    if not isinstance(net, Network):
        raise ParameterError(
            "draw_network draws a Network, a HopfieldNetwork, an RBM or a "
            f"BoltzmannMachine, got {type(net).__name__}"
        )
    if layout == "layered" and any(n.position is not None for n in net.hidden):
        layout = "grid"
    if layout == "grid":
        return draw_grid(net, ax=ax, values=values, highlight=highlight)
    graph = net.graph
    pos = _positions(net, layout)
    # The figure grows with the widest level and the number of levels, so
    # neurons never overlap: about 0.6 inch per neuron in a column.
    columns = np.unique(np.round([xy[0] for xy in pos.values()], 6), return_counts=True)
    tallest, levels = int(columns[1].max()), len(columns[0])
    # (at most 12 × 9 inches: a large network's neurons shrink instead).
    width = min(12.0, max(6.0, 1.5 * levels + 1.5))
    ax = _axes(ax, figsize=(width, min(9.0, max(4.0, 0.6 * tallest + 1.2))))
    shown = _neuron_values(net, values) if values is not None else None
    marked = _highlighted(highlight)
    nodes = list(graph.nodes)
    many_neurons = len(nodes) > MANY_NEURONS
    # A small neuron's marker stays within its share of the column's height.
    node_size = min(80.0, 0.4 * (9.0 * 72 / tallest) ** 2) if many_neurons else 700
    if shown is None:
        tab10 = colormaps["tab10"]
        node_colour = [tab10(ROLE_COLOURS[net[name].role]) for name in nodes]
        norm = None
    else:
        finite = list(shown.values())
        norm = colors.Normalize(
            min(finite), max(finite) if max(finite) > min(finite) else min(finite) + 1
        )
        node_colour = [
            colormaps[VALUE_CMAP](norm(shown[name])) if name in shown else "white"
            for name in nodes
        ]
    _draw_edges(net, graph, pos, ax, node_size, marked, show_weights)
    nx.draw_networkx_nodes(
        graph,
        pos,
        nodelist=nodes,
        node_color=node_colour,
        node_size=node_size,
        ax=ax,
        edgecolors=["black" if name in marked else "0.3" for name in nodes],
        linewidths=[3.0 if name in marked else 0.8 for name in nodes],
    )
    if not many_neurons:
        box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7}
        nx.draw_networkx_labels(graph, pos, font_size=8, bbox=box, ax=ax)
        if shown is not None:  # the values just below the neurons
            below = {name: xy - np.array([0.0, 0.11]) for name, xy in pos.items()}
            values_text = {name: f"{value:.3g}" for name, value in shown.items()}
            nx.draw_networkx_labels(
                graph, below, labels=values_text, font_size=7, font_color="0.2", ax=ax
            )
    if norm is not None:
        ax.figure.colorbar(
            plt.cm.ScalarMappable(norm=norm, cmap=VALUE_CMAP),
            ax=ax,
            label=f"neuron {values}",
        )
    # What the edges' colours and widths mean.
    key = [
        Line2D([], [], color=colormaps[WEIGHT_CMAP](0.0), lw=2.5, label="negative weight"),
        Line2D([], [], color=colormaps[WEIGHT_CMAP](1.0), lw=2.5, label="positive weight"),
    ]  # fmt: skip
    ax.legend(
        handles=key, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2,
        fontsize=7, frameon=False, title="edge width ∝ |weight|", title_fontsize=7,
    )  # fmt: skip
    ax.set_title(repr(net), fontsize=9)
    ax.set_axis_off()
    ax.margins(0.08)
    return ax


def draw_grid(
    net: Network,
    ax: Axes | None = None,
    values: str | None = None,
    highlight: str | None = None,
) -> Axes:
    """A convolutional network as grids: one small panel per feature map, layers left to right.

    Each neuron is a square at its grid position; neurons without a position
    (dense layers) stand in a column. Instead of tens of thousands of lines,
    only the connections into ``highlight`` (default: the centre neuron of
    the first convolution map) are drawn, so the patch one neuron looks at
    can be seen.

    Examples
    --------
    >>> import neurosim as ns
    >>> from neurosim.layers import Conv, Dense, MaxPool
    >>> net = ns.Network.convolutional((6, 6), [Conv(2, 3), MaxPool(2), Dense(3)], seed=0)
    >>> ax = draw_grid(net)
    >>> len(ax.collections[0].get_offsets()) == len(net)   # one square per neuron
    True
    """
    ax = _axes(ax, figsize=(8, 5))
    pos = _grid_positions(net)
    names = list(net.graph)
    shown = _neuron_values(net, values) if values is not None else None
    if shown is None:
        palette = colormaps["tab10"]
        colours = [palette(ROLE_COLOURS[net[n].role]) for n in names]
        ax.scatter(*np.array([pos[n] for n in names]).T, c=colours, marker="s", s=18)
    else:
        points = ax.scatter(
            *np.array([pos[n] for n in names]).T,
            c=[shown[n] for n in names],
            cmap=VALUE_CMAP,
            marker="s",
            s=18,
        )
        ax.figure.colorbar(points, ax=ax, label=f"neuron {values}")
    if highlight is None:
        # The centre neuron of the first feature map.
        first = [n for n in net.hidden if n.position is not None and n.position[0] == 0]
        first = [
            n for n in first if n.name.split("[")[0] == first[0].name.split("[")[0]
        ]
        if first:
            rows = 1 + max(n.position[1] for n in first)
            cols = 1 + max(n.position[2] for n in first)
            centre = min(
                first,
                key=lambda n: (
                    (n.position[1] - rows // 2) ** 2 + (n.position[2] - cols // 2) ** 2
                ),
            )
            highlight = centre.name
    if highlight is not None:
        target = net[highlight]
        for source in net.graph.pred[target.name]:
            (x0, y0), (x1, y1) = pos[source], pos[target.name]
            ax.plot([x0, x1], [y0, y1], color="black", linewidth=0.6, alpha=0.7)
        ax.scatter(
            *pos[target.name], marker="s", s=60, facecolors="none", edgecolors="black"
        )
        # Said under the picture, where it runs over no grid.
        ax.text(
            0.5, 0.0, f"outlined: {target.name}, with lines from its "
            f"{net.graph.in_degree(target.name)} inputs",
            transform=ax.transAxes, ha="center", va="top", fontsize=8,
        )  # fmt: skip
    ax.set_title(repr(net), fontsize=9)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return ax


def _grid_positions(net: Network) -> dict[str, tuple[float, float]]:
    """Neuron positions for :func:`draw_grid`: layers as columns, maps stacked in each."""
    layers: dict[str, list] = {}
    for neuron in net.neurons:
        layer = (
            neuron.name.split("[")[0] if neuron.position is not None else neuron.role
        )
        key = "x" if neuron.is_input else layer
        layers.setdefault(key, []).append(neuron)
    pos, left = {}, 0.0
    for neurons in layers.values():
        if neurons[0].position is None:  # a dense layer: one column
            for k, neuron in enumerate(neurons):
                pos[neuron.name] = (left, -k * 1.5)
            left += 6.0
            continue
        rows = 1 + max(n.position[1] for n in neurons)
        cols = 1 + max(n.position[2] for n in neurons)
        for neuron in neurons:
            channel, r, c = neuron.position
            pos[neuron.name] = (left + c, -(channel * (rows + 2) + r))
        left += cols + 6.0
    return pos


def _positions(net: Network, layout: str | dict) -> dict:
    if isinstance(layout, dict):
        return layout
    if layout == "layered":
        return layered_positions(net)
    function = getattr(nx, f"{layout}_layout", None)
    if not isinstance(layout, str) or function is None:
        raise ParameterError(
            f"layout must be 'layered', a networkx layout name such as 'spring' or "
            f"'circular', or a dict of positions; got {layout!r}"
        )
    return function(net.graph)


def _highlighted(highlight) -> set:
    if highlight is None:
        return set()
    if isinstance(highlight, (str, tuple)):
        return {highlight}
    return set(highlight)


def _draw_edges(net, graph, pos, ax, node_size, marked, show_weights) -> None:
    edges = list(graph.edges)
    if not edges:
        return
    weights = np.array([graph.edges[e]["connection"].weight for e in edges])
    largest = float(np.max(np.abs(weights))) or 1.0
    norm = colors.TwoSlopeNorm(vmin=-largest, vcenter=0.0, vmax=largest)
    many = len(edges) > MANY_EDGES
    level = {
        name: i
        for i, names in enumerate(nx.topological_generations(graph))
        for name in names
    }
    style = {
        "edge_color": [colormaps[WEIGHT_CMAP](norm(w)) for w in weights],
        "width": (0.3 if many else 0.8)
        + (1.0 if many else 3.0) * np.abs(weights) / largest,
        "alpha": 0.35 if many else 0.9,
        "ax": ax,
        "node_size": node_size,
    }
    if many:  # a LineCollection: fast, no arrows
        nx.draw_networkx_edges(graph, pos, edgelist=edges, arrows=False, **style)
    else:
        # arrows; connections that skip a level bend, so they do not run through neurons
        bends = [abs(level[t] - level[s]) > 1 for s, t in edges]
        for bend in (False, True):
            chosen = [k for k, b in enumerate(bends) if b == bend]
            if chosen:
                nx.draw_networkx_edges(
                    graph,
                    pos,
                    edgelist=[edges[k] for k in chosen],
                    arrows=True,
                    arrowstyle="-|>",
                    arrowsize=10,
                    connectionstyle="arc3,rad=0.25" if bend else "arc3",
                    **{
                        key: (
                            [value[k] for k in chosen]
                            if isinstance(value, (list, np.ndarray))
                            else value
                        )
                        for key, value in style.items()
                    },
                )
    strong = [e for e in edges if e in marked]
    if strong:
        nx.draw_networkx_edges(
            graph,
            pos,
            edgelist=strong,
            width=4.0,
            edge_color="black",
            ax=ax,
            node_size=node_size,
            arrows=True,
            arrowstyle="-|>",
        )
    if show_weights and len(edges) <= 30:
        _draw_weight_labels(graph, pos, ax, edges, weights, level)


def _draw_weight_labels(graph, pos, ax, edges, weights, level) -> None:
    """Weight labels placed where they do not collide.

    The k-th of a neuron's n incoming connections is labelled at the fraction
    (k + 1) / (n + 1) of its way from the source: the labels of connections
    converging on one neuron are spread along their edges, and connections
    leaving one neuron towards several are labelled at different depths, so
    the labels of crossing edges in a fully connected layer do not overlap.
    """
    groups: dict[tuple[float, bool], dict] = {}
    for (source, target), weight in zip(edges, weights):
        predecessors = list(graph.pred[target])
        along = (predecessors.index(source) + 1) / (len(predecessors) + 1)
        bend = abs(level[target] - level[source]) > 1
        groups.setdefault((along, bend), {})[(source, target)] = f"{weight:.2f}"
    for (along, bend), labels in groups.items():
        nx.draw_networkx_edge_labels(
            graph,
            pos,
            ax=ax,
            font_size=7,
            label_pos=along,
            edge_labels=labels,
            connectionstyle="arc3,rad=0.25" if bend else "arc3",
            bbox={
                "boxstyle": "round,pad=0.1",
                "fc": "white",
                "ec": "none",
                "alpha": 0.8,
            },
        )


def network_png(model: Network | HopfieldNetwork, dpi: int = 80) -> bytes:
    """PNG bytes of a drawing, for notebooks (``_repr_png_``); no pyplot figure is left open.

    Examples
    --------
    >>> import neurosim as ns
    >>> network_png(ns.Network.layered([2, 1], seed=0))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    fig = Figure(figsize=(5, 3.5))
    ax = fig.add_subplot()
    if isinstance(model, HopfieldNetwork):
        plot_weights(model, ax=ax)
    else:
        draw_network(model, ax=ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def check_picture_format(path: str | os.PathLike, format: str | None = None) -> str:
    """Return the picture format ``path`` (or ``format``) names, or raise ParameterError.

    Checked before anything is drawn or written, so a typo in a file name
    costs nothing.

    Examples
    --------
    >>> check_picture_format("net.svg")
    'svg'
    >>> check_picture_format("net.xyz")
    Traceback (most recent call last):
    ...
    neurosim.errors.ParameterError: cannot write a picture as 'net.xyz': ...
    """
    supported = Figure().canvas.get_supported_filetypes()
    extension = format or os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
    if extension not in supported:
        raise ParameterError(
            f"cannot write a picture as {os.fspath(path)!r}: "
            + (f"unknown format {extension!r}" if extension else "no file extension")
            + "; use one of "
            + ", ".join(f".{name}" for name in sorted(supported))
        )
    return extension


def save_figure(fig: Figure, path: str | os.PathLike, **options) -> None:
    """Save a figure atomically: to a temporary file beside ``path``, then renamed.

    A crash mid-write never leaves a half-written picture under the real name.

    Examples
    --------
    >>> import os, tempfile
    >>> fig = Figure(); _ = fig.add_subplot().plot([0, 1])
    >>> path = os.path.join(tempfile.mkdtemp(), "line.png")
    >>> save_figure(fig, path); os.path.getsize(path) > 0
    True
    """
    check_picture_format(path, options.get("format"))
    atomic_write(path, lambda temporary: fig.savefig(temporary, **options), True)


def save_animation(
    anim: animation.Animation, path: str | os.PathLike, fps: float = 1.5
) -> None:
    """Save an animation as a GIF with matplotlib's Pillow writer (no ffmpeg), atomically.

    Examples
    --------
    >>> import os, tempfile
    >>> import neurosim as ns
    >>> anim = animate_trace(ns.Network.layered([1, 1], seed=0), [1.0], [0.0])
    >>> path = os.path.join(tempfile.mkdtemp(), "trace.gif")
    >>> save_animation(anim, path)
    >>> with open(path, "rb") as gif:
    ...     gif.read(6)
    b'GIF89a'
    """
    writer = animation.PillowWriter(fps=fps)
    atomic_write(path, lambda temporary: anim.save(temporary, writer=writer), True)


# ---------------------------------------------------------------- training


def plot_history(
    history: History, log: bool = False, fig: Figure | None = None
) -> list[Axes]:
    """Loss per epoch (training and validation) and, beside it, any metrics.

    Parameters
    ----------
    history : History
    log : bool, default False
        Logarithmic loss axis.
    fig : matplotlib Figure, optional

    Returns
    -------
    list of Axes
        The loss axes, then one for the metrics if there are any.

    Examples
    --------
    >>> import neurosim as ns
    >>> X, Y = ns.datasets.xor()
    >>> h = ns.Network.layered([2, 3, 1], seed=0).fit(X, Y, epochs=5, metrics=["accuracy"])
    >>> [ax.get_ylabel() for ax in plot_history(h, log=True)]
    ['loss', 'metric']
    """
    metrics = [k for k in history.history if "loss" not in k]
    if fig is None:
        fig = plt.figure(figsize=(6 + 4 * bool(metrics), 4), layout="constrained")
    axes = fig.subplots(1, 1 + bool(metrics), squeeze=False)[0].tolist()
    epochs = np.arange(1, history.epochs + 1)
    for key in ("loss", "val_loss"):
        if key in history.history:
            axes[0].plot(epochs, history[key], label=key.replace("_", " "))
    axes[0].set(xlabel="epoch", ylabel="loss", yscale="log" if log else "linear")
    axes[0].legend()
    if metrics:
        for key in metrics:
            axes[1].plot(epochs, history[key], label=key.replace("_", " "))
        axes[1].set(xlabel="epoch", ylabel="metric")
        axes[1].legend()
    return axes


def _grid(X: np.ndarray, extent, resolution: int):
    if extent is None:
        low, high = X.min(axis=0), X.max(axis=0)
        margin = 0.1 * np.maximum(high - low, 1e-9)
        extent = (
            low[0] - margin[0],
            high[0] + margin[0],
            low[1] - margin[1],
            high[1] + margin[1],
        )
    xs = np.linspace(extent[0], extent[1], resolution)
    ys = np.linspace(extent[2], extent[3], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return extent, gx, gy, np.column_stack([gx.ravel(), gy.ravel()])


def _check_two_inputs(net: Network, what: str) -> None:
    if net.n_inputs != 2:
        raise ShapeError(
            f"{what} draws the input plane, so the network needs exactly 2 inputs; "
            f"it has {net.n_inputs}"
        )


def plot_decision_boundary(
    net: Network,
    X: ArrayLike,
    y: ArrayLike,
    ax: Axes | None = None,
    resolution: int = 200,
    extent: Sequence[float] | None = None,
    colorbar: bool = True,
) -> Axes:
    """The regions a two-input classifier carves out of the plane, with the data.

    One output: its value as a filled contour and the 0.5 line, the points
    coloured by their class (0 or 1) with the colours of the contour's two
    ends. Several outputs: the arg-max class in each region, each class in one
    colour for its region and its points, and a legend naming the classes.
    Evaluated with the vectorised backend (the network's weights are not
    changed).

    Raises
    ------
    ShapeError
        If ``X`` is not (n_samples, 2), ``y`` has another length, or a label
        is not a class of the network.

    Examples
    --------
    >>> import neurosim as ns
    >>> X, Y = ns.datasets.xor()
    >>> ax = plot_decision_boundary(ns.Network.layered([2, 3, 1], seed=0), X, Y)
    >>> ax.get_xlabel()
    'x1'
    """
    _check_two_inputs(net, "plot_decision_boundary")
    X, labels = _points_and_classes(X, y, len(net.outputs))
    ax = _axes(ax, figsize=(5, 4.5))
    extent, gx, gy, grid = _grid(X, extent, resolution)
    outputs = net.compile().predict(grid)
    n_classes = max(2, outputs.shape[1])
    if outputs.shape[1] == 1:
        surface = outputs[:, 0].reshape(gx.shape)
        # A probability keeps the scale [0, 1]: an undecided network (outputs
        # near 0.5 everywhere) looks undecided, not stretched to both ends.
        probability = net.outputs[0].activation.within(0.0, 1.0)
        levels = np.linspace(0.0, 1.0, 21) if probability else 20
        filled = ax.contourf(gx, gy, surface, levels=levels, cmap="RdBu_r", alpha=0.8)
        if surface.min() < 0.5 < surface.max():
            ax.contour(gx, gy, surface, levels=[0.5], colors="black", linewidths=1.5)
        if colorbar:
            ax.figure.colorbar(filled, ax=ax, label="output")
        # The two ends of the same colormap as the surface: 0 blue, 1 red.
        palette = [colormaps["RdBu_r"](0.0), colormaps["RdBu_r"](1.0)]
        names = ["0", "1"]
    else:
        # One colour per class, shared by the regions and the points.
        palette = [colormaps["tab10"](k % 10) for k in range(n_classes)]
        regions = outputs.argmax(axis=1).reshape(gx.shape)
        ax.contourf(
            gx,
            gy,
            regions,
            levels=np.arange(n_classes + 1) - 0.5,
            colors=palette,
            alpha=0.35,
        )
        names = [f"{k} ({n.name})" for k, n in enumerate(net.outputs)]
    for k in range(n_classes):
        mine = labels == k
        if mine.any():
            ax.scatter(
                X[mine, 0],
                X[mine, 1],
                color=palette[k],
                edgecolors="black",
                s=60,
                label=f"class {names[k]}",
            )
    # Above the plot, where it covers no region.
    ax.legend(
        loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(n_classes, 4),
        fontsize="small", frameon=False,
    )  # fmt: skip
    names = [n.name for n in net.inputs]
    ax.set(xlabel=names[0], ylabel=names[1], xlim=extent[:2], ylim=extent[2:])
    return ax


def _points_and_classes(X: ArrayLike, y: ArrayLike, n_outputs: int):
    """Check the points of a two-input plot and turn targets into class numbers."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ShapeError(
            f"X must have shape (n_samples, 2): one column per input of the plane; got "
            f"shape {X.shape}. Pick two columns, or use a network with two inputs."
        )
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] > 1:
        if labels.shape[1] != n_outputs:
            raise ShapeError(
                f"one-hot targets y have {labels.shape[1]} columns but the network has "
                f"{n_outputs} outputs"
            )
        labels = labels.argmax(axis=1)
    labels = labels.ravel()
    if labels.shape[0] != X.shape[0]:
        raise ShapeError(
            f"y has {labels.shape[0]} labels but X has {X.shape[0]} points; pass one "
            "label (or one target row) per point"
        )
    n_classes = max(2, n_outputs)
    if not np.isin(labels, np.arange(n_classes)).all():
        raise ShapeError(
            f"labels must be class numbers 0 to {n_classes - 1} (or one-hot rows) for a "
            f"network with {n_outputs} output(s); got {np.unique(labels)[:6].tolist()}"
        )
    return X, labels.astype(int)


def plot_neuron_maps(
    net: Network,
    extent: Sequence[float] = (-1.0, 1.0, -1.0, 1.0),
    resolution: int = 40,
    fig: Figure | None = None,
) -> Figure:
    """Every neuron's output over the input plane, placed where it sits in the network.

    The TensorFlow Playground view: one small map per neuron, laid out by
    topological level. Runs one forward pass of the grid through the graph.

    Examples
    --------
    >>> import neurosim as ns
    >>> fig = plot_neuron_maps(ns.Network.layered([2, 3, 1], seed=0), resolution=10)
    >>> len(fig.axes)
    6
    """
    _check_two_inputs(net, "plot_neuron_maps")
    fig = plt.figure(figsize=(8, 5)) if fig is None else fig
    _, gx, _, grid = _grid(None, extent, resolution)
    net.forward(grid)
    pos = layered_positions(net)
    xy = np.array(list(pos.values()))
    low, span = xy.min(axis=0), np.maximum(xy.max(axis=0) - xy.min(axis=0), 1e-9)
    # one square map per neuron, as large as the most crowded level allows
    crowd = max(len(set(np.round(xy[:, 1], 6))), len(set(np.round(xy[:, 0], 6))), 2)
    size = min(0.75 / crowd, 0.2)
    low_corner = size / 2 + 0.02
    reach = 1.0 - size - 0.08  # room for the titles on top
    for neuron in net.neurons:
        fx, fy = low_corner + reach * (pos[neuron.name] - low) / span
        ax = fig.add_axes((fx - size / 2, fy - size / 2, size, size))
        ax.imshow(
            np.asarray(neuron.output).reshape(gx.shape),
            origin="lower",
            cmap="RdBu_r",
            extent=tuple(extent),
        )
        ax.set_title(neuron.name, fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


# ---------------------------------------------------------------- Hopfield


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
    ax = _axes(ax, figsize=(5, 4))
    largest = float(np.max(np.abs(hop.weights))) or 1.0
    image = ax.imshow(hop.weights, cmap=WEIGHT_CMAP, vmin=-largest, vmax=largest)
    ax.figure.colorbar(image, ax=ax, label="weight")
    ax.set(xlabel="neuron j", ylabel="neuron i", title=repr(hop))
    return ax


# ---------------------------------------------------------------- animations


def animate_trace(
    net: Network,
    x: ArrayLike,
    target: ArrayLike,
    loss: str = "mse",
    interval: int = 900,
    fig: Figure | None = None,
) -> animation.FuncAnimation:
    """One forward and backward pass, one computation per frame.

    Each frame highlights the neuron or connection being computed and shows
    its formula with the numbers. Save it with
    ``anim.save("trace.gif", writer=matplotlib.animation.PillowWriter(fps=1))``
    (no ffmpeg needed).

    Examples
    --------
    >>> import neurosim as ns
    >>> import os, tempfile
    >>> from matplotlib.animation import PillowWriter
    >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
    >>> anim = animate_trace(net, [1.0], [0.0], interval=100)
    >>> path = os.path.join(tempfile.mkdtemp(), "trace.gif")
    >>> anim.save(path, writer=PillowWriter(fps=2))
    >>> len(net.trace([1.0], target=[0.0]))   # steps: one frame each
    6
    """
    steps = net.trace(x, target=target, loss=loss)
    fig = plt.figure(figsize=(7, 5)) if fig is None else fig
    ax = fig.add_subplot()
    pos = layered_positions(net)

    def draw(k: int):
        ax.clear()
        step = steps[k]
        draw_network(net, ax=ax, layout=pos, highlight=step.target, show_weights=True)
        ax.set_title(f"{step.phase} {k + 1}/{len(steps)}\n{step.formula}", fontsize=9)
        return ()

    return animation.FuncAnimation(
        fig, draw, frames=len(steps), interval=interval, blit=False
    )


def animate_training(
    net: Network,
    X: ArrayLike,
    Y: ArrayLike,
    epochs: int = 200,
    frames: int = 20,
    fig: Figure | None = None,
    **fit_options,
) -> animation.FuncAnimation:
    """Train a two-input network and animate its decision regions and weights.

    The network is trained for ``epochs`` in ``frames`` equal chunks (with
    ``fit_options`` passed to :meth:`Network.fit`) before the animation is
    built; each frame shows the regions and the network at that point.

    Examples
    --------
    >>> import neurosim as ns
    >>> from matplotlib.animation import PillowWriter
    >>> import os, tempfile
    >>> X, Y = ns.datasets.xor()
    >>> net = ns.Network.layered([2, 3, 1], seed=0)
    >>> anim = animate_training(net, X, Y, epochs=4, frames=2, lr=0.5)
    >>> anim.save(os.path.join(tempfile.mkdtemp(), "training.gif"), writer=PillowWriter(fps=2))
    """
    _check_two_inputs(net, "animate_training")
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    chunk = max(1, epochs // frames)
    snapshots = []
    for frame in range(frames):
        history = net.fit(X, Y, epochs=chunk, **{"seed": frame, **fit_options})
        snapshots.append(([p.value for p in net.parameters], history.loss[-1]))
    fig = plt.figure(figsize=(10, 4.5)) if fig is None else fig
    regions, drawing = fig.subplots(1, 2)

    def draw(k: int):
        values, loss = snapshots[k]
        for parameter, value in zip(net.parameters, values):
            parameter.value = value
        regions.clear()
        drawing.clear()
        plot_decision_boundary(net, X, Y, ax=regions, resolution=60, colorbar=False)
        regions.set_title(f"epoch {(k + 1) * chunk}, loss {loss:.4f}")
        draw_network(net, ax=drawing, show_weights=False)
        return ()

    anim = animation.FuncAnimation(fig, draw, frames=frames, interval=300, blit=False)
    draw(frames - 1)  # leave the network as trained, the figure at the last frame
    return anim


# ---------------------------------------------------------------- convolution


def plot_kernels(
    net: Network, layer: str = "conv1", fig: Figure | None = None
) -> Figure:
    """The kernels of a convolution layer as small images.

    One row per filter for several input channels, rows of six filters for
    one. Colours are centred at 0 (blue negative, red positive), one scale
    for all.

    Examples
    --------
    >>> import neurosim as ns
    >>> from neurosim.layers import Conv, Dense
    >>> net = ns.Network.convolutional((6, 6), [Conv(3, 3), Dense(2)], seed=0)
    >>> sum(ax.images != [] for ax in plot_kernels(net).axes)
    3
    """
    from ..layers import kernels

    values = kernels(net, layer)
    filters, channels = values.shape[:2]
    panels = [(f, i) for f in range(filters) for i in range(channels)]
    columns = channels if channels > 1 else min(6, filters)
    rows = -(-len(panels) // columns)
    if fig is None:
        size = (1.3 * columns + 0.4, 1.3 * rows + 0.5)
        fig = plt.figure(figsize=size, layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    limit = max(float(np.abs(values).max()), 1e-12)
    for ax, (f, i) in zip(axes, panels):
        ax.imshow(values[f, i], cmap=WEIGHT_CMAP, vmin=-limit, vmax=limit)
        title = f"filter {f}" + (f", channel {i}" if channels > 1 else "")
        ax.set_title(title, fontsize=8)
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    for ax in axes[len(panels) :]:
        ax.set_axis_off()
    fig.suptitle(f"{layer} kernels (each shared by every position)", fontsize=9)
    return fig


def plot_feature_maps(
    net: Network, x: ArrayLike, layer: str = "conv1", fig: Figure | None = None
) -> Figure:
    """The input image and each feature map of ``layer`` for one sample ``x``.

    Examples
    --------
    >>> import neurosim as ns
    >>> from neurosim.layers import Conv, Dense
    >>> net = ns.Network.convolutional((6, 6), [Conv(2, 3), Dense(2)], seed=0)
    >>> sum(ax.images != [] for ax in plot_feature_maps(net, np.linspace(0, 1, 36)).axes)
    3
    """
    from ..layers import feature_maps

    net.forward(x)
    maps = feature_maps(net, layer)
    image = np.asarray(x, dtype=float).reshape(_image_shape(net))
    columns = min(7, len(maps) + 1)
    rows = -(-(len(maps) + 1) // columns)
    if fig is None:
        size = (1.4 * columns + 0.4, 1.5 * rows + 0.5)
        fig = plt.figure(figsize=size, layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    axes[0].imshow(image[0], cmap="gray_r")
    axes[0].set_title("input", fontsize=8)
    for f, (ax, values) in enumerate(zip(axes[1:], maps)):
        ax.imshow(values, cmap=VALUE_CMAP)
        ax.set_title(f"map {f}", fontsize=8)
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    for ax in axes[len(maps) + 1 :]:
        ax.set_axis_off()
    fig.suptitle(f"{layer}: one picture per feature map", fontsize=9)
    return fig


def _image_shape(net: Network) -> tuple[int, int, int]:
    """(channels, rows, columns) of a convolutional network's input grid."""
    positions = [n.position for n in net.inputs if n.position is not None]
    if not positions:
        raise ParameterError(
            "the network's inputs are not a grid; build it with Network.convolutional"
        )
    return tuple(1 + max(p[d] for p in positions) for d in range(3))


def animate_convolution(
    net: Network, x: ArrayLike, layer: str = "conv1", filter: int = 0
) -> animation.FuncAnimation:
    """One kernel sliding over the image: a frame per position of its feature map.

    Each frame outlines the window on the input, fills in the feature map up
    to that position, and writes the neuron's computation as its title.

    Examples
    --------
    >>> import neurosim as ns
    >>> from neurosim.layers import Conv, Dense
    >>> net = ns.Network.convolutional((4, 4), [Conv(1, 2), Dense(1)], seed=0)
    >>> import os, tempfile
    >>> anim = animate_convolution(net, np.linspace(0, 1, 16))
    >>> save_animation(anim, os.path.join(tempfile.mkdtemp(), "conv.gif"))
    """
    from matplotlib.patches import Rectangle

    from ..layers import feature_maps

    # The trace's own formulas, with the numbers, as the frames' titles.
    formulas = {s.target: str(s) for s in net.trace(x) if s.kind == "net"}
    image = np.asarray(x, dtype=float).reshape(_image_shape(net))[0]
    maps = feature_maps(net, layer)
    if not 0 <= filter < len(maps):
        raise ParameterError(f"filter must be in 0..{len(maps) - 1}, got {filter!r}")
    positions = [(r, c) for r in range(maps.shape[1]) for c in range(maps.shape[2])]
    fig = plt.figure(figsize=(7, 3.6))
    left, right = fig.subplots(1, 2)

    def draw(k: int):
        r, c = positions[k]
        neuron = net[f"{layer}[{filter},{r},{c}]"]
        sources = [net[name].position for name in net.graph.pred[neuron.name]]
        left.clear()
        right.clear()
        left.imshow(image, cmap="gray_r")
        rows = [p[1] for p in sources]
        cols = [p[2] for p in sources]
        left.add_patch(
            Rectangle(
                (min(cols) - 0.5, min(rows) - 0.5), max(cols) - min(cols) + 1,
                max(rows) - min(rows) + 1, fill=False, edgecolor="red", linewidth=2,
            )
        )  # fmt: skip
        shown = np.full(maps.shape[1:], np.nan)
        for rr, cc in positions[: k + 1]:
            shown[rr, cc] = maps[filter, rr, cc]
        low, high = float(maps[filter].min()), float(maps[filter].max())
        right.imshow(shown, cmap="viridis", vmin=low, vmax=high)
        right.add_patch(
            Rectangle(
                (c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2
            )
        )
        for ax, title in ((left, "input"), (right, f"{layer} map {filter}")):
            ax.set(xticks=[], yticks=[], title=title)
        formula = formulas[neuron.name]
        if len(formula) > 100:  # a large kernel: the sum, not every term
            formula = f"net({neuron.name}) = Σ kernel·window + bias = {neuron.net:.4g}"
        fig.suptitle(formula, fontsize=9)
        return ()

    return animation.FuncAnimation(
        fig, draw, frames=len(positions), interval=400, blit=False
    )


# The pictures of gradient-free training and of stochastic, symmetric networks
# live in modules of their own.
from .evolution import plot_evolution
from .memory import plot_energy_runs, plot_image_rows, plot_rbm_filters
