"""networkx graphs and GraphML: a network's numbers as attributes, for other tools."""

from __future__ import annotations

import os
from collections.abc import Iterable

import networkx as nx

from .._files import atomic_write_text
from ..activations import Activation
from ..errors import ParameterError
from ..memory.boltzmann import BoltzmannMachine
from ..memory.hopfield import HopfieldNetwork
from ..memory.rbm import RBM
from ..network import Network
from ..som import SOM
from .fields import FORMAT_VERSION
from .networks import (
    SHARING_KEYS,
    custom_activations,
    network_from,
    shared_keys,
    sharing,
)

__all__ = ["from_networkx", "to_networkx", "write_graphml"]


def to_networkx(obj: Network | HopfieldNetwork) -> nx.Graph:
    """A plain networkx graph with the numbers as attributes, for other tools.

    A ``Network`` gives a ``DiGraph``: node attributes ``role`` and, except
    for inputs, ``activation`` (its name) and ``bias``; edge attribute
    ``weight``; ``delay`` on a delayed connection and ``initial_output`` on
    a neuron that has one (not 0). A shared parameter gives every edge (``shared``) or node
    (``bias_shared``) that uses it the same key, such as ``"p7"``; a frozen
    one has ``trainable`` (``bias_trainable``) False. A ``HopfieldNetwork``
    gives an undirected ``Graph``: node attribute ``threshold``, edge
    attribute ``weight``; an ``RBM`` or a ``BoltzmannMachine`` an undirected
    ``Graph`` with node attributes ``layer`` (visible or hidden) and ``bias``;
    a ``SOM`` its grid, each unit ``"row,col"`` with its place and weights.

    Examples
    --------
    >>> import neurosim as ns
    >>> g = to_networkx(ns.Network.layered([1, 1], activation="tanh", seed=0))
    >>> dict(g.nodes["y1"]), list(g.edges(data="weight"))[0][:2]
    ({'role': 'output', 'activation': 'tanh', 'bias': 0.0}, ('x1', 'y1'))
    """
    if isinstance(obj, HopfieldNetwork | RBM | BoltzmannMachine):
        return nx.Graph(obj.graph)
    if isinstance(obj, SOM):
        return _som_graph(obj)
    if not isinstance(obj, Network):
        raise ParameterError(
            "to_networkx takes a Network, a HopfieldNetwork, an RBM, a "
            f"BoltzmannMachine or a SOM, got {type(obj).__name__}"
        )
    graph = nx.DiGraph()
    keys = shared_keys(obj)
    for neuron in obj.neurons:
        attributes = {"role": neuron.role}
        if not neuron.is_input:
            attributes.update(
                activation=neuron.activation.name, bias=float(neuron.bias)
            )
            attributes.update(sharing(neuron.bias_parameter, keys, "bias_"))
            if neuron.aggregation != "sum":
                attributes["aggregation"] = neuron.aggregation
        if neuron.initial_output != 0.0:
            attributes["initial_output"] = neuron.initial_output
        graph.add_node(neuron.name, **attributes)
    for c in obj.connections:
        graph.add_edge(
            c.source.name,
            c.target.name,
            weight=float(c.weight),
            **sharing(c.parameter, keys, ""),
            **({"delay": c.delay} if c.delay else {}),
        )
    return graph


def _som_graph(som: SOM) -> nx.Graph:
    """The map's grid; each unit ``"r,c"`` with its ``row``, ``col``, its place on the
    plane (``x``, ``y``) and its weights ``w0``, ``w1``, … (attributes GraphML can hold)."""
    graph = nx.Graph()
    for row, col in som.graph:
        x, y = som.places[row, col]
        weights = {f"w{k}": float(w) for k, w in enumerate(som.weights[row, col])}
        graph.add_node(
            f"{row},{col}", row=row, col=col, x=float(x), y=float(y), **weights
        )
    graph.add_edges_from((f"{a},{b}", f"{c},{d}") for (a, b), (c, d) in som.graph.edges)
    return graph


def from_networkx(graph: nx.DiGraph, activations: Iterable[Activation] = ()) -> Network:
    """Build a Network from a networkx graph (acyclic but for its delayed edges).

    Node attributes ``role`` (``"input"``, ``"hidden"``, ``"output"``;
    default: nodes without predecessors are inputs, without successors
    outputs, the rest hidden), ``activation`` (default ``"sigmoid"``) and
    ``bias`` (default 0); edge attribute ``weight`` (required). The sharing,
    freezing and time attributes of :func:`to_networkx` are read back.

    Raises
    ------
    FormatError
        For a cyclic graph, missing weights or bad attributes.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph([("a", "b", {"weight": 0.5}), ("b", "c", {"weight": -1.0})])
    >>> from_networkx(g)
    Network(1 input, 1 hidden, 1 output; 2 connections, 4 parameters)
    """
    if not isinstance(graph, nx.DiGraph):
        raise ParameterError(
            f"from_networkx needs a networkx DiGraph, got {type(graph).__name__}"
        )
    neurons = []
    for name, data in graph.nodes(data=True):
        role = data.get("role") or (
            "input"
            if graph.in_degree(name) == 0
            else "output"
            if graph.out_degree(name) == 0
            else "hidden"
        )
        entry = {"name": str(name), "role": role}
        if role != "input":
            entry.update(
                activation=data.get("activation", "sigmoid"), bias=data.get("bias", 0.0)
            )
            entry.update({k: data[k] for k in SHARING_KEYS["bias_"] if k in data})
            if "aggregation" in data:
                entry["aggregation"] = data["aggregation"]
        if "initial_output" in data:
            entry["initial_output"] = data["initial_output"]
        neurons.append(entry)
    connections = [
        {
            "source": str(s),
            "target": str(t),
            "weight": data.get("weight"),
            **{k: data[k] for k in SHARING_KEYS[""] if k in data},
            **({"delay": data["delay"]} if "delay" in data else {}),
        }
        for s, t, data in graph.edges(data=True)
    ]
    document = {
        "format": "neurosim",
        "version": FORMAT_VERSION,
        "kind": "Network",
        "neurons": neurons,
        "connections": connections,
    }
    places = {
        "neurons": [f"node {name!r}" for name in graph.nodes],
        "connections": [f"edge {s!r} -> {t!r}" for s, t in graph.edges],
    }
    return network_from(document, custom_activations(activations), places)


def write_graphml(obj: Network | HopfieldNetwork, path: str | os.PathLike) -> None:
    """Export to GraphML (Gephi, yEd, Cytoscape), with the attributes of :func:`to_networkx`.

    Examples
    --------
    >>> import os, tempfile, networkx as nx
    >>> import neurosim as ns
    >>> path = os.path.join(tempfile.mkdtemp(), "net.graphml")
    >>> write_graphml(ns.Network.layered([2, 1], seed=0), path)
    >>> sorted(nx.read_graphml(path).nodes(data="role"))
    [('x1', 'input'), ('x2', 'input'), ('y1', 'output')]
    """
    text = "\n".join(nx.generate_graphml(to_networkx(obj)))
    atomic_write_text(path, text + "\n")
