"""Pictures of an LSTM layer of neurons: one cell's wiring, and its gates and memory over a sequence.

:func:`draw_lstm_cell` draws the neurons of one memory cell where a
textbook puts them — the gates below, the cell state in the middle with
its carousel (the connection one step back), the output on top — with the
product neurons marked ×. :func:`plot_lstm_cell` runs one sequence and
shows, step by step, what the gates let through and what the cell holds:
the state staying flat while the input gate is shut is the memory.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._checks import as_sequences
from ..errors import ParameterError
from ._figures import Axes, Figure, plt

__all__ = ["draw_lstm_cell", "plot_lstm_cell"]

#: Where each part of a cell sits in the drawing (column, row).
_PLACES = {
    "g": (0.0, 0.0), "i": (1.0, 0.0), "f": (2.2, 0.0), "o": (3.4, 0.0),
    "ig": (0.5, 1.0), "fc": (2.2, 1.0), "c": (1.3, 2.0), "tc": (1.3, 3.0),
    "h": (2.4, 4.0),
}  # fmt: skip
_ROLES = {
    "i": "input gate", "f": "forget gate", "o": "output gate", "g": "cell input",
    "ig": "i·g", "fc": "f·c(t−1)", "c": "cell state", "tc": "squashed state",
    "h": "cell output",
}  # fmt: skip


def _cell_names(net, layer: str, cell: int) -> dict[str, str]:
    """The names of one cell's neurons (and its block's gates), by part."""
    if not isinstance(cell, (int, np.integer)) or isinstance(cell, bool) or cell < 0:
        raise ParameterError(f"cell must be a whole number ≥ 0, got {cell!r}")
    names = {name for name in (n.name for n in net.neurons)}
    state = f"{layer}.c[{cell}]"
    if state not in names:
        cells = sum(1 for n in names if n.startswith(f"{layer}.c["))
        raise ParameterError(
            f"there is no cell {cell} in layer {layer!r} ({cells} cells"
            + (")" if cells else "; is the layer named differently?)")
        )
    # The block's gates: the gate feeding this cell's products.
    parts = {"c": state}
    for part in ("g", "ig", "fc", "tc", "h"):
        if f"{layer}.{part}[{cell}]" in names:
            parts[part] = f"{layer}.{part}[{cell}]"
    for gate, product in (("i", "ig"), ("f", "fc"), ("o", "h")):
        if product in parts:
            for source in net.graph.predecessors(parts[product]):
                if source.startswith(f"{layer}.{gate}["):
                    parts[gate] = source
    return parts


def draw_lstm_cell(
    net, cell: int = 0, layer: str = "lstm1", ax: Axes | None = None
) -> Axes:
    """Draw one memory cell of an LSTM layer: its gates, products, state and output.

    Product neurons are drawn as ×, the others with their activation; the
    connection that reaches one step back (the carousel, and what the
    gates read from the past) is dashed and marked ``t−1``. Each neuron
    is labelled with its name's part and its role.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import neurosim as ns
    >>> net = ns.Network.lstm(1, 2, 1, seed=0)
    >>> draw_lstm_cell(net, cell=1).get_title()
    'LSTM cell 1 of lstm1: 9 neurons'
    """
    parts = _cell_names(net, layer, cell)
    ax = ax or plt.figure(figsize=(6.5, 6)).gca()
    where = {parts[p]: _PLACES[p] for p in parts}
    for source, target, connection in net.graph.edges(data="connection"):
        if source in where and target in where:
            (x0, y0), (x1, y1) = where[source], where[target]
            delayed = connection.delay > 0
            if delayed and source == parts.get("h"):  # h(t−1) back to the gates: faint
                ax.annotate(
                    "", (x1 + 0.12, y1 + 0.1), (x0 + 0.1, y0),
                    arrowprops={"arrowstyle": "->", "ls": ":", "color": "0.7",
                                "connectionstyle": "arc3,rad=-0.35", "shrinkA": 14, "shrinkB": 14},
                )  # fmt: skip
                continue
            if delayed:  # the carousel: the state one step back
                ax.annotate(
                    "", (x1, y1), (x0, y0),
                    arrowprops={"arrowstyle": "->", "ls": "--", "color": "tab:purple", "lw": 1.6,
                                "connectionstyle": "arc3,rad=-0.4", "shrinkA": 14, "shrinkB": 14},
                )  # fmt: skip
                ax.text((x0 + x1) / 2 + 0.45, (y0 + y1) / 2 + 0.2, "t−1\n(carousel)",
                        color="tab:purple", fontsize=8)  # fmt: skip
                continue
            ax.annotate(
                "",
                (x1, y1),
                (x0, y0),
                arrowprops={
                    "arrowstyle": "->",
                    "color": "0.35",
                    "shrinkA": 14,
                    "shrinkB": 14,
                },
            )
    if "h" in parts:
        ax.text(
            -0.6,
            4.4,
            "dotted: h(t−1) back to the gates and g",
            fontsize=7.5,
            color="0.45",
        )
    for part, name in parts.items():
        x, y = _PLACES[part]
        neuron = net[name]
        product = neuron.aggregation == "product"
        face = "tab:orange" if part in "ifo" else ("white" if product else "tab:blue")
        ax.scatter([x], [y], s=900, color=face, edgecolors="black", zorder=3)
        symbol = "×" if product else neuron.activation.written()[0]
        symbol = "+" if neuron.activation.name == "identity" and not product else symbol
        ax.text(x, y, symbol, ha="center", va="center", fontsize=11, zorder=4)
        ax.text(
            x, y - 0.33, f"{part}: {_ROLES[part]}", ha="center", va="top", fontsize=7.5
        )
    ax.set_xlim(-0.7, 4.1)
    ax.set_ylim(-0.8, 4.6)
    ax.set_axis_off()
    ax.set_title(f"LSTM cell {cell} of {layer}: {len(parts)} neurons", fontsize=10)
    return ax


def plot_lstm_cell(
    net, x: ArrayLike, cell: int = 0, layer: str = "lstm1", fig: Figure | None = None
) -> Figure:
    """One sequence through an LSTM network: a cell's gates, input, state and output, step by step.

    Parameters
    ----------
    net : Network or compiled network with an LSTM layer
    x : array_like, shape (T, n_inputs)
    cell : int, default 0
    layer : str, default "lstm1"
    fig : matplotlib Figure, optional

    Returns
    -------
    matplotlib Figure
        Three panels: the inputs; the gates (input, forget, output; between
        0 and 1) with the cell input g; the cell state c and output h.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import neurosim as ns
    >>> net = ns.Network.lstm(1, 2, 1, seed=0)
    >>> fig = plot_lstm_cell(net, [[1.0], [0.0], [0.0], [-1.0]], cell=1)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['inputs', 'gates', 'memory']
    """
    network = getattr(net, "network", net)
    parts = _cell_names(network, layer, cell)
    sequence, single = as_sequences(x, net.n_inputs, "x")
    if not single:
        raise ParameterError(
            f"plot_lstm_cell shows one sequence, shape (T, {net.n_inputs}); got shape "
            f"{np.shape(x)}"
        )
    net.forward(sequence[0])
    if net is not network:  # a compiled network: read its outputs off the graph's run
        network.forward(sequence[0])
    values = {
        part: np.array(network[name].outputs, dtype=float)
        for part, name in parts.items()
    }
    steps = np.arange(sequence.shape[1])
    fig = fig or plt.figure(figsize=(9, 6.5))
    axes = fig.subplots(3, 1, sharex=True)
    inputs = sequence[0].T
    scale = float(np.abs(inputs).max()) or 1.0
    axes[0].imshow(inputs, aspect="auto", cmap="coolwarm", vmin=-scale, vmax=scale,
                   interpolation="nearest", extent=(-0.5, len(steps) - 0.5, len(inputs) - 0.5, -0.5))  # fmt: skip
    axes[0].set_yticks(
        range(len(inputs)), [f"x{k + 1}" for k in range(len(inputs))], fontsize=7
    )
    axes[0].set_ylabel("inputs")
    colours = {"i": "tab:green", "f": "tab:purple", "o": "tab:red", "g": "0.5"}
    for part in ("i", "f", "o", "g"):
        if part in values:
            style = "--" if part == "g" else "-"
            axes[1].plot(steps, values[part], style, marker="o", ms=3, color=colours[part],
                         label=f"{part}: {_ROLES[part]}")  # fmt: skip
    axes[1].set_ylabel("gates")
    axes[1].legend(fontsize=7, ncol=4, loc="upper right", frameon=False)
    axes[2].plot(
        steps, values["c"], "-o", ms=3, color="tab:blue", label="c: cell state"
    )
    axes[2].plot(
        steps, values["h"], "-o", ms=3, color="tab:orange", label="h: cell output"
    )
    axes[2].axhline(0, color="0.8", lw=0.8)
    axes[2].set_ylabel("memory")
    axes[2].set_xlabel("time step")
    axes[2].legend(fontsize=7, loc="upper right", frameon=False)
    fig.suptitle(f"cell {cell} of {layer} over {len(steps)} steps", fontsize=10)
    fig.tight_layout()
    return fig
