"""Where neurons go in a picture or a page: by topological level, inputs on the left.

Used by :mod:`neurosim.plotting` and by the web pages of
:mod:`neurosim.teaching`; needs networkx only (no matplotlib).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

__all__ = ["layered_positions"]


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
    level = {name: k for k, names in enumerate(net.levels) for name in names}
    layers: dict[int, list[str]] = {}
    for name in graph:  # creation order within a level
        layers.setdefault(level[name], []).append(name)
    pos = nx.multipartite_layout(graph, subset_key=layers)
    # first-created neuron on top, as a network is drawn in a textbook
    return {name: np.array([x, -y]) for name, (x, y) in pos.items()}
