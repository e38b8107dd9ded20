"""A ``Network`` as a JSON document and back: neurons, connections, sharing, freezing, order.

A ``Network`` file::

    {"format": "neurosim", "version": 4, "kind": "Network",
     "settings": {"init": "xavier"},
     "neurons": [{"name": "x1", "role": "input"},
                 {"name": "y", "role": "output", "activation": "sigmoid", "bias": 0.1}],
     "connections": [{"source": "x1", "target": "y", "weight": 0.5}]}

Version 4 added time: a connection's ``"delay"`` and a neuron's
``"initial_output"`` (each written only when not 0) and the settings'
``"truncation"`` (only when set). Files of versions 1–3 have none of them
and load as before.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator

import networkx as nx

from .._checks import check_delay, check_name
from ..activations import Activation, activation_names, get_activation
from ..errors import (
    CycleError,
    DuplicateNameError,
    FormatError,
    NeurosimError,
    ParameterError,
)
from ..network import Network
from ..neuron import AGGREGATIONS, ROLES, Connection, Neuron
from ..parameters import Parameter, is_finite_float
from .fields import (
    FORMAT_VERSION,
    kind_of,
    known_keys,
    read_list,
    read_number,
    read_string,
)  # fmt: skip

__all__ = [
    "SHARING_KEYS", "custom_activations", "network_chunks", "network_document",
    "network_from",
    "shared_keys", "sharing",
]  # fmt: skip


def custom_activations(activations: Iterable[Activation]) -> dict[str, Activation]:
    """The user's own activations by name, checked once for load and from_networkx."""
    if isinstance(activations, (str, Activation)) or not isinstance(
        activations, Iterable
    ):
        raise ParameterError(
            f"activations must be a list of ns.Activation objects, got {activations!r}"
        )
    custom = {}
    for activation in activations:
        if not isinstance(activation, Activation):
            raise ParameterError(
                f"activations must be Activation objects, got {activation!r}"
            )
        custom[activation.name] = activation
    return custom


def shared_keys(net: Network) -> dict:
    """A key per shared parameter (``"p7"``), by its place in ``net.parameters``."""
    return {p: f"p{k}" for k, p in enumerate(net.parameters) if p.shared}


def network_document(net: Network) -> dict:
    header, entries = _network_parts(net)
    document = {key: header[key] for key in header if key != "parameters"}
    document["connections"] = list(entries)
    if "parameters" in header:
        document["parameters"] = header["parameters"]
    return document


def network_chunks(net: Network, batch: int = 10_000) -> Iterator[str]:
    """The compact JSON text of :func:`network_document`, piece by piece.

    For large networks: a batch of connection entries exists at a time, never
    all of them (the same document, its keys in another order).
    """
    header, entries = _network_parts(net)
    yield json.dumps(header, separators=(",", ":"), allow_nan=False)[:-1]
    yield ',"connections":['
    first = True
    while chunk := list(itertools.islice(entries, batch)):
        text = json.dumps(chunk, separators=(",", ":"), allow_nan=False)[1:-1]
        yield text if first else "," + text
        first = False
    yield "]}"


def _network_parts(net: Network) -> tuple[dict, Iterator[dict]]:
    """The document without its connections, and the connections' entries, lazily."""
    keys = shared_keys(net)
    neurons = []
    for neuron in net.neurons:
        entry = {"name": neuron.name, "role": neuron.role}
        if not neuron.is_input:
            entry["activation"] = neuron.activation.name
            entry["bias"] = float(neuron.bias)
            entry.update(sharing(neuron.bias_parameter, keys, "bias_"))
            if neuron.aggregation != "sum":
                entry["aggregation"] = neuron.aggregation
        if neuron.initial_output != 0.0:
            entry["initial_output"] = neuron.initial_output
        if neuron.position is not None:
            entry["position"] = list(neuron.position)
        neurons.append(entry)
    ordered = _insertion_order(net)
    settings = {"init": net.init if isinstance(net.init, str) else "xavier"}
    if net.truncation is not None:
        settings["truncation"] = net.truncation
    header = {
        "format": "neurosim",
        "version": FORMAT_VERSION,
        "kind": "Network",
        "settings": settings,
        "neurons": neurons,
    }
    parameters = _parameter_section(net, ordered)
    if parameters:
        header["parameters"] = parameters

    def entries() -> Iterator[dict]:
        for c in ordered:
            entry = {
                "source": c.source.name,
                "target": c.target.name,
                "weight": float(c.weight),
            }
            if keys or not c.parameter.trainable:
                entry.update(sharing(c.parameter, keys, ""))
            if c.delay:
                entry["delay"] = c.delay
            yield entry

    return header, entries()


def _load_order(neurons, connections) -> list[Parameter]:
    """The order a loaded network creates its parameters in: the biases, neuron by
    neuron, then the weights, connection by connection (a shared one where it first
    appears)."""
    seen, order = set(), []
    users = [n.bias_parameter for n in neurons if not n.is_input]
    for parameter in users + [c.parameter for c in connections]:
        if id(parameter) not in seen:
            seen.add(id(parameter))
            order.append(parameter)
    return order


def _parameter_section(net: Network, connections: list[Connection]) -> dict:
    """What the entries alone do not tell: the parameters' order, and their given names.

    ``order[k]`` is the place in ``net.parameters`` of the k-th parameter a
    loader creates (left out when they agree); ``names`` maps a place to the
    name given to that parameter (a convolution kernel's ``k(conv1[0],0,1,2)``).
    """
    place = {id(p): k for k, p in enumerate(net.parameters)}
    order = [place[id(p)] for p in _load_order(net.neurons, connections)]
    section = {}
    if order != list(range(len(order))):
        section["order"] = order
    names = {
        str(k): p.given_name
        for k, p in enumerate(net.parameters)
        if p.given_name is not None
    }
    if names:
        section["names"] = names
    return section


SHARING_KEYS = {
    prefix: (f"{prefix}shared", f"{prefix}trainable") for prefix in ("", "bias_")
}


def sharing(parameter, keys: dict, prefix: str) -> dict:
    """The optional fields of a parameter: its shared key, and trainable only if False."""
    fields = {}
    if parameter in keys:
        fields[f"{prefix}shared"] = keys[parameter]
    if not parameter.trainable:
        fields[f"{prefix}trainable"] = False
    return fields


def _insertion_order(net: Network) -> list[Connection]:
    """The connections in an order that, inserted again, gives every neuron its
    incoming and its outgoing connections in today's order.

    Those orders are the order of the sums in the forward and backward
    passes, so keeping them keeps a loaded network's numbers bit-identical.
    networkx keeps each neuron's edge order but not a global one; any order
    consistent with all of them (a topological sort) will do, and the order
    the edges were really added in proves that one exists.
    """
    graph = net.graph
    # Usually the edges' own order (source by source) already keeps every
    # neuron's incoming order too: checked in one pass, O(connections).
    incoming = {name: iter(graph.pred[name]) for name in graph}
    if all(next(incoming[v]) == u for u, v in graph.edges):
        return [c for _, _, c in graph.edges(data="connection")]
    constraints = nx.DiGraph()
    constraints.add_nodes_from(graph.edges)
    for name in graph:
        for neighbours in (
            [(p, name) for p in graph.pred[name]],
            [(name, s) for s in graph.succ[name]],
        ):
            constraints.add_edges_from(itertools.pairwise(neighbours))
    return [
        graph.edges[edge]["connection"] for edge in nx.topological_sort(constraints)
    ]


def network_from(
    document: dict, custom: dict, places: dict | None = None, consume: bool = False
) -> Network:
    """Build a Network from a validated-as-we-go document.

    ``places`` names the entries in errors: by default their positions
    (``connections[3]``); ``from_networkx`` passes node and edge names.
    ``consume=True`` (a document nobody else holds, as :func:`~neurosim.load`'s)
    drops each connection entry once read, so that a large file's entries
    and the connections made from them are not all in memory at once.
    """
    places = places or {}
    known_keys(document, _NETWORK_KEYS, "the file")
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        raise FormatError(f"settings: expected an object, got {kind_of(settings)}")
    init = settings.get("init", "xavier")
    if not isinstance(init, str):
        raise FormatError(
            f"settings.init: expected an initialiser name, got {kind_of(init)}"
        )
    known_keys(settings, ("init", "truncation"), "settings")
    try:
        net = Network(init=init)
        net.truncation = settings.get("truncation")
    except NeurosimError as error:
        raise FormatError(f"settings: {error}") from None
    neurons = read_list(document, "neurons", "neurons")
    neuron_places = places.get("neurons") or [
        f"neurons[{k}]" for k in range(len(neurons))
    ]
    shared: dict[str, Parameter] = {}
    for entry, where in zip(neurons, neuron_places):
        _add_neuron(net, entry, where, custom, shared)
    connections = read_list(document, "connections", "connections")
    connection_places = places.get("connections")
    by_name = {neuron.name: neuron for neuron in net.neurons}
    last = -1  # the entry connect_many is checking

    def place(k: int) -> str:
        return connection_places[k] if connection_places else f"connections[{k}]"

    def edges():
        nonlocal last
        for last, entry in enumerate(connections):
            edge = _plain_connection(entry, by_name)
            if edge is None:  # anything else: every field read and checked by name
                edge = _connection(net, entry, place(last), shared)
            if consume:
                connections[last] = None
            yield edge

    try:
        # One bulk insertion, then one acyclicity check: O(V + E).
        net.connect_many(edges())
    except CycleError as error:
        raise FormatError(f"connections: {error}") from None
    except DuplicateNameError as error:  # raised on the entry just read
        raise FormatError(f"{place(last)}: {error}") from None
    _restore_parameters(net, document.get("parameters", {}))
    return net


def _restore_parameters(net: Network, section) -> None:
    """Give a loaded network its parameters' saved order and names."""
    if not isinstance(section, dict):
        raise FormatError(f"parameters: expected an object, got {kind_of(section)}")
    known_keys(section, ("order", "names"), "parameters")
    n = net.n_parameters
    order = section.get("order")
    if order is not None:
        if (
            not isinstance(order, list)
            or len(order) != n
            or not all(isinstance(k, int) and not isinstance(k, bool) for k in order)
            or sorted(order) != list(range(n))
        ):
            raise FormatError(
                f"parameters.order: expected each of the {n} places 0 … {n - 1} once"
            )
        net.parameter_store.reorder(order)
    names = section.get("names", {})
    if not isinstance(names, dict):
        raise FormatError(f"parameters.names: expected an object, got {kind_of(names)}")
    parameters = net.parameters
    for key, name in names.items():
        if not (key.isdigit() and int(key) < n) or not isinstance(name, str):
            raise FormatError(
                f"parameters.names: expected place (0 … {n - 1}) -> name, got "
                f"{key!r} -> {kind_of(name)}"
            )
        parameters[int(key)].name = name


_NEURON_KEYS = (
    "name", "role", "activation", "bias", "bias_shared", "bias_trainable",
    "aggregation", "position", "initial_output",
)  # fmt: skip
_CONNECTION_KEYS = ("source", "target", "weight", "shared", "trainable", "delay")
_NETWORK_KEYS = (
    "format", "version", "kind", "settings", "neurons", "connections", "parameters",
)  # fmt: skip


def _add_neuron(net: Network, entry, where: str, custom: dict, shared: dict) -> None:
    if not isinstance(entry, dict):
        raise FormatError(f"{where}: expected an object, got {kind_of(entry)}")
    known_keys(entry, _NEURON_KEYS, where)
    name = read_string(entry, "name", where)
    try:
        check_name(name)
    except ParameterError as error:
        raise FormatError(f"{where}.name: {error}") from None
    if name in net:
        raise FormatError(f"{where}.name: the name {name!r} is used twice")
    role = entry.get("role")
    if role not in ROLES:
        raise FormatError(f"{where}.role: expected one of {list(ROLES)}, got {role!r}")
    position = entry.get("position")
    if position is not None and (
        not isinstance(position, list)
        or len(position) > 4
        or not all(isinstance(p, int) and not isinstance(p, bool) for p in position)
    ):
        raise FormatError(f"{where}.position: expected a short list of whole numbers")
    position = None if position is None else tuple(position)
    initial = (
        read_number(entry, "initial_output", where)
        if "initial_output" in entry
        else 0.0
    )
    if role == "input":
        neuron = net.add_input(name)
        neuron.position, neuron.initial_output = position, initial
        return
    activation_name = read_string(entry, "activation", where)
    if activation_name in custom:
        activation = custom[activation_name]
    elif activation_name in activation_names():
        activation = get_activation(activation_name)
    else:
        raise FormatError(
            f"{where}.activation: unknown activation {activation_name!r}; known: "
            f"{activation_names()}. For your own, pass it: "
            "ns.load(path, activations=[ns.Activation(...)])"
        )
    bias = _parameter(entry, "bias", where, shared, "bias_")
    aggregation = entry.get("aggregation", "sum")
    if aggregation not in AGGREGATIONS:
        raise FormatError(
            f"{where}.aggregation: expected one of {list(AGGREGATIONS)}, got {kind_of(aggregation)}"
        )
    add = net.add_output if role == "output" else net.add_neuron
    add(name, activation, bias, aggregation, position).initial_output = initial


def _parameter(
    entry: dict, key: str, where: str, shared: dict, prefix: str
) -> Parameter:
    """The parameter of a weight or bias entry: new, or the shared one its key names."""
    value = read_number(entry, key, where)
    trainable = entry.get(f"{prefix}trainable", True)
    if not isinstance(trainable, bool):
        raise FormatError(
            f"{where}.{prefix}trainable: expected true or false, got {kind_of(trainable)}"
        )
    name = entry.get(f"{prefix}shared")
    if name is None:
        return Parameter(value, trainable=trainable)
    if not isinstance(name, str):
        raise FormatError(
            f"{where}.{prefix}shared: expected a key string, got {kind_of(name)}"
        )
    if name not in shared:
        shared[name] = Parameter(value, trainable=trainable)
        return shared[name]
    parameter = shared[name]
    if parameter.value != value or parameter.trainable != trainable:
        raise FormatError(
            f"{where}: shares parameter {name!r}, which is {parameter.value!r} "
            f"(trainable {parameter.trainable}) elsewhere, but here {value!r} "
            f"(trainable {trainable}); shared values must be identical"
        )
    return parameter


def _plain_connection(entry, by_name: dict) -> tuple | None:
    """The common entry — source, target, a finite float weight, nothing else — or None.

    What it accepts, :func:`_connection` accepts too; everything else goes
    there, to be checked field by field with an error naming the field.
    """
    if type(entry) is not dict or len(entry) != 3:
        return None
    source, target = entry.get("source"), entry.get("target")
    if type(source) is not str or type(target) is not str:
        return None
    source, target = by_name.get(source), by_name.get(target)
    weight = entry.get("weight")
    if (
        source is None
        or target is None
        or source is target
        or target.is_input
        or not is_finite_float(weight)
    ):
        return None
    return source, target, weight, 0


def _connection(
    net: Network, entry, where: str, shared: dict
) -> tuple[Neuron, Neuron, Parameter, int]:
    if not isinstance(entry, dict):
        raise FormatError(f"{where}: expected an object, got {kind_of(entry)}")
    known_keys(entry, _CONNECTION_KEYS, where)
    ends = []
    for key in ("source", "target"):
        name = read_string(entry, key, where)
        if name not in net:
            raise FormatError(f"{where}.{key}: no neuron is called {name!r}")
        ends.append(net[name])
    source, target = ends
    try:
        delay = check_delay(entry.get("delay", 0), "delay")
    except ParameterError as error:
        raise FormatError(f"{where}.{error}") from None
    if source is target and not delay:
        raise FormatError(
            f"{where}: {source.name!r} is connected to itself without a delay"
        )
    if target.is_input:
        raise FormatError(f"{where}.target: {target.name!r} is an input neuron")
    return source, target, _parameter(entry, "weight", where, shared, ""), delay
