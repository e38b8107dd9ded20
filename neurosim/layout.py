"""Where neurons go in a picture or a page: by topological level, inputs on the left.

Used by :mod:`neurosim.plotting` and by the web pages of
:mod:`neurosim.teaching`; needs networkx only (no matplotlib).
"""

from __future__ import annotations

import re

import networkx as nx
import numpy as np

__all__ = ["grid_shape", "layered_positions", "time_positions"]

#: How an unrolled network names a neuron's copy at a time step (``h1@3``, ``h1@init``).
UNROLLED = re.compile(r"^(.*)@(\d+|init)$")


def layered_positions(net) -> dict[str, np.ndarray]:
    """Positions by topological level, inputs on the left: networkx's multipartite layout.

    Examples
    --------
    >>> import neurosim as ns
    >>> pos = layered_positions(ns.Network.layered([2, 1], seed=0))
    >>> bool(pos["x1"][0] < pos["y1"][0])
    True
    """
    graph = net.graph
    if len(graph) and all(UNROLLED.match(name) for name in graph):
        return time_positions(net)
    level = {name: k for k, names in enumerate(net.levels) for name in names}
    layers: dict[int, list[str]] = {}
    for name in graph:  # creation order within a level
        layers.setdefault(level[name], []).append(name)
    pos = nx.multipartite_layout(graph, subset_key=layers)
    # first-created neuron on top, as a network is drawn in a textbook
    return {name: np.array([x, -y]) for name, (x, y) in pos.items()}


def time_positions(net) -> dict[str, np.ndarray]:
    """An unrolled network (``h1@3``) laid out with time left to right.

    Step t is a band of columns, one per level of the neurons within a
    step; each neuron keeps its row in every step, so a neuron's copies line
    up and the connections through time run from band to band. ``…@init``
    (the outputs before the first step) stand left of step 0.

    Examples
    --------
    >>> import neurosim as ns
    >>> pos = layered_positions(ns.Network.elman(1, 1, 1, seed=0).unroll(3))
    >>> bool(pos["h1@0"][0] < pos["h1@1"][0] < pos["h1@2"][0])
    True
    >>> bool(pos["h1@0"][1] == pos["h1@2"][1])
    True
    """
    graph = net.graph
    parts = {name: UNROLLED.match(name).groups() for name in graph}
    first = [name for name in graph if parts[name][1] == "0"]
    # the levels of one step: the longest instant path within step 0
    within = nx.DiGraph(graph.subgraph(first))
    level = {
        parts[name][0]: k
        for k, names in enumerate(nx.topological_generations(within))
        for name in names
    }
    depth = max(level.values(), default=0) + 1
    rows = {
        base: k for k, base in enumerate(dict.fromkeys(p[0] for p in parts.values()))
    }
    positions = {}
    for name, (base, step) in parts.items():
        t = -1 if step == "init" else int(step)
        column = t * (depth + 1) + (level.get(base, 0) if t >= 0 else depth - 1)
        positions[name] = np.array([float(column), -float(rows[base])])
    return positions


def grid_shape(inputs) -> tuple[int, int, int] | None:
    """The grid input neurons form, ``(channels, rows, columns)``, or None.

    Read from their positions: a grid when every input has one and they come
    in the order (channel, row, column), as
    :meth:`~neurosim.network.Network.convolutional` makes them.

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network.convolutional((2, 3, 3), [ns.layers.Dense(1)], seed=0)
    >>> grid_shape(net.inputs), grid_shape(ns.Network.layered([2, 1]).inputs)
    ((2, 3, 3), None)
    """
    positions = [n.position for n in inputs]
    if not positions or any(p is None or len(p) != 3 for p in positions):
        return None
    shape = tuple(1 + max(p[d] for p in positions) for d in range(3))
    return shape if positions == list(np.ndindex(shape)) else None
