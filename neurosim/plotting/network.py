"""Pictures of networks: the graph by topological level, convolutional grids, notebook PNGs."""

from __future__ import annotations

import io
from collections.abc import Sequence

import networkx as nx
import numpy as np

from ..errors import ParameterError, ShapeError, StateError
from ..layout import layered_positions
from ..memory.boltzmann import BoltzmannMachine
from ..memory.hopfield import HopfieldNetwork
from ..memory.rbm import RBM
from ..network import Network
from ._figures import (
    MANY_EDGES,
    MANY_NEURONS,
    ROLE_COLOURS,
    VALUE_CMAP,
    WEIGHT_CMAP,
    Axes,
    Figure,
    Line2D,
    axes_for,
    colormaps,
    colors,
    plt,
)  # fmt: skip
from .memory import plot_weights

__all__ = ["draw_grid", "draw_network", "network_png"]


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
    An LSTM layer's nine neurons per cell crowd the picture: draw one cell
    with :func:`~neurosim.plotting.draw_lstm_cell`.
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
    ax = axes_for(ax, figsize=(width, min(9.0, max(4.0, 0.6 * tallest + 1.2))))
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
    if net.is_recurrent:
        key.append(
            Line2D(
                [],
                [],
                color="0.4",
                lw=1.5,
                ls="--",
                label="delayed (z⁻ᵈ: d steps back)",
            )
        )
    ax.legend(
        handles=key, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=len(key),
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
    ax = axes_for(ax, figsize=(8, 5))
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
    level = {name: i for i, names in enumerate(net.levels) for name in names}
    style = {
        "edge_color": [colormaps[WEIGHT_CMAP](norm(w)) for w in weights],
        "width": (0.3 if many else 0.8)
        + (1.0 if many else 3.0) * np.abs(weights) / largest,
        "alpha": 0.35 if many else 0.9,
        "ax": ax,
        "node_size": node_size,
    }
    delays = [graph.edges[e]["connection"].delay for e in edges]
    if many:  # a LineCollection: fast, no arrows
        nx.draw_networkx_edges(graph, pos, edgelist=edges, arrows=False, **style)
    else:
        # arrows; connections that skip a level bend, so they do not run through
        # neurons; delayed ones (back in time) bend the other way, dashed
        kinds = [
            "delayed" if d else "bend" if abs(level[t] - level[s]) > 1 else "straight"
            for (s, t), d in zip(edges, delays)
        ]
        shapes = {
            "straight": ("arc3", "solid"),
            "bend": ("arc3,rad=0.25", "solid"),
            "delayed": ("arc3,rad=-0.45", "dashed"),
        }
        for kind, (connection_style, line_style) in shapes.items():
            chosen = [k for k, b in enumerate(kinds) if b == kind]
            if chosen:
                nx.draw_networkx_edges(
                    graph,
                    pos,
                    edgelist=[edges[k] for k in chosen],
                    arrows=True,
                    arrowstyle="-|>",
                    arrowsize=10,
                    connectionstyle=connection_style,
                    style=line_style,
                    **{
                        key: (
                            [value[k] for k in chosen]
                            if isinstance(value, (list, np.ndarray))
                            else value
                        )
                        for key, value in style.items()
                    },
                )
        _draw_delay_labels(graph, pos, ax, edges, delays)
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
        instant = [k for k, d in enumerate(delays) if not d]
        _draw_weight_labels(
            graph, pos, ax, [edges[k] for k in instant], weights[instant], level
        )


#: How a delay is written on its connection: the z-transform's unit delay.
def delay_label(delay: int) -> str:
    """``z⁻¹`` for a delay of one step, ``z⁻³`` for three (the signal-processing notation).

    Examples
    --------
    >>> delay_label(1), delay_label(12)
    ('z⁻¹', 'z⁻¹²')
    """
    return "z⁻" + str(delay).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def _draw_delay_labels(graph, pos, ax, edges, delays) -> None:
    """``z⁻ᵈ`` (and the weight) beside each delayed connection; a self-loop's above it."""
    for (source, target), delay in zip(edges, delays):
        if not delay:
            continue
        weight = graph.edges[source, target]["connection"].weight
        text = f"{delay_label(delay)}  {weight:.2f}"
        if source == target:
            x, y = pos[source]
            ax.annotate(
                text, (x, y), xytext=(0, 26), textcoords="offset points",
                ha="center", fontsize=7, color="0.25",
            )  # fmt: skip
            continue
        (x0, y0), (x1, y1) = pos[source], pos[target]
        # the middle of the arc3 curve of rad −0.45, bent to the right of its way
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        dx, dy = x1 - x0, y1 - y0
        bend = -0.45 / 2
        ax.annotate(
            text, (mx - bend * dy, my + bend * dx), ha="center", va="center",
            fontsize=7, color="0.25",
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
        )  # fmt: skip


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
