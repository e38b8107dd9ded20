"""Save and load networks as JSON; export to networkx graphs and GraphML.

The file format is versioned, human-readable JSON. Floats are written with
Python's shortest round-tripping representation, so a loaded network has
bit-identical weights. Files are written atomically (to a temporary file
beside the target, then renamed), so a crash mid-save never leaves a
half-written file under the real name; a symlink is followed, the target's
permissions are kept, and temporaries stranded by a killed save are removed
by the next save of the same file (see :mod:`neurosim._files`). Loading only parses JSON — nothing is
unpickled or evaluated — and validates every field, raising
:class:`~neurosim.errors.FormatError` that names the problem and where it is.

A ``Network`` file::

    {"format": "neurosim", "version": 1, "kind": "Network",
     "settings": {"init": "xavier"},
     "neurons": [{"name": "x1", "role": "input"},
                 {"name": "y", "role": "output", "activation": "sigmoid", "bias": 0.1}],
     "connections": [{"source": "x1", "target": "y", "weight": 0.5}]}

A weight or bias shared by several entries carries the same ``"shared"``
key in each (``"bias_shared"`` for a bias); a frozen one ``"trainable":
false``. Since version 3 an optional ``"parameters"`` object holds what the
entries alone do not tell: ``"order"``, the place in ``net.parameters`` of
each parameter in the order a loader creates them (biases neuron by neuron,
then weights connection by connection; left out when the two agree), so a
``parameter_vector()`` taken before saving fits the loaded network; and
``"names"``, the names given to parameters (a convolution kernel's). A key
given twice, or one the format does not have, is an error, never ignored.

A ``HopfieldNetwork`` file holds ``states``, ``neurons`` (names),
``thresholds``, ``rule``, ``patterns`` and the full ``weights`` matrix. An
``RBM`` file holds ``visible`` and ``hidden`` (names), ``weights`` (one row
per hidden unit), ``visible_bias`` and ``hidden_bias``; a
``BoltzmannMachine`` file ``n_visible``, ``n_hidden``, the symmetric
``weights`` and ``bias``.

Examples
--------
>>> import os, tempfile
>>> import neurosim as ns
>>> net = ns.Network.layered([2, 2, 1], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "net.json")
>>> ns.save(net, path)
>>> again = ns.load(path)
>>> [c.weight for c in again.connections] == [c.weight for c in net.connections]
True
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import numbers
import os
from collections.abc import Iterable

import networkx as nx
import numpy as np

from ._checks import check_name
from ._files import atomic_write, open_existing, read_bounded
from .activations import Activation, activation_names, get_activation
from .errors import (
    CycleError,
    FormatError,
    NeurosimError,
    NumericalError,
    ParameterError,
)
from .memory.boltzmann import BoltzmannMachine
from .memory.hopfield import RULES, HopfieldNetwork
from .memory.rbm import RBM
from .network import Network
from .neuron import AGGREGATIONS, ROLES, Connection, Neuron
from .parameters import Parameter

__all__ = [
    "FORMAT_VERSION",
    "document",
    "from_networkx",
    "load",
    "save",
    "to_networkx",
    "write_graphml",
]

FORMAT_VERSION = 3
MAX_FILE_BYTES = 1 << 30  # refuse to parse more than 1 GiB


# ---------------------------------------------------------------- saving


def save(
    obj: Network | HopfieldNetwork | RBM | BoltzmannMachine, path: str | os.PathLike
) -> None:
    """Write a network to ``path`` as JSON, atomically.

    Parameters
    ----------
    obj : Network, HopfieldNetwork, RBM or BoltzmannMachine
    path : str or path-like

    Raises
    ------
    NumericalError
        If a weight, bias or threshold is NaN or infinite (nothing is written).
    ParameterError
        For an object that is neither kind of network.

    Examples
    --------
    >>> import os, tempfile, json
    >>> import neurosim as ns
    >>> path = os.path.join(tempfile.mkdtemp(), "hop.json")
    >>> hop = ns.HopfieldNetwork(3); hop.store([[1, -1, 1]])
    >>> ns.save(hop, path)
    >>> with open(path) as f:
    ...     json.load(f)["kind"]
    'HopfieldNetwork'
    """
    content = document(obj)
    try:
        text = json.dumps(content, indent=1, allow_nan=False)
    except ValueError as error:
        raise NumericalError(
            f"cannot save a network with NaN or infinite numbers ({error}); "
            "find them with net.summary() or hop.weights"
        ) from None
    _write_text(path, text + "\n")


def document(obj: Network | HopfieldNetwork | RBM) -> dict:
    """The JSON document :func:`save` writes, as a dict (what a web page embeds).

    Examples
    --------
    >>> import neurosim as ns
    >>> document(ns.HopfieldNetwork(2))["kind"]
    'HopfieldNetwork'
    """
    if isinstance(obj, Network):
        return _network_document(obj)
    if isinstance(obj, HopfieldNetwork):
        return _hopfield_document(obj)
    if isinstance(obj, RBM):
        return _rbm_document(obj)
    if isinstance(obj, BoltzmannMachine):
        return {
            "format": "neurosim",
            "version": FORMAT_VERSION,
            "kind": "BoltzmannMachine",
            "n_visible": obj.n_visible,
            "n_hidden": obj.n_hidden,
            **(
                {"names": list(obj.names)}
                if obj.names != _default_unit_names(obj)
                else {}
            ),
            "weights": obj.weights.tolist(),
            "bias": obj.bias.tolist(),
        }
    raise ParameterError(
        "save writes a Network, a HopfieldNetwork, an RBM or a BoltzmannMachine, "
        f"got {type(obj).__name__}"
    )


def _default_unit_names(machine: BoltzmannMachine) -> list[str]:
    return [f"v{i}" for i in range(machine.n_visible)] + [
        f"h{j}" for j in range(machine.n_hidden)
    ]


def _shared_keys(net: Network) -> dict:
    """A key per shared parameter (``"p7"``), by its place in ``net.parameters``."""
    return {p: f"p{k}" for k, p in enumerate(net.parameters) if p.shared}


def _network_document(net: Network) -> dict:
    keys = _shared_keys(net)
    neurons = []
    for neuron in net.neurons:
        entry = {"name": neuron.name, "role": neuron.role}
        if not neuron.is_input:
            entry["activation"] = neuron.activation.name
            entry["bias"] = float(neuron.bias)
            entry.update(_sharing(neuron.bias_parameter, keys, "bias_"))
            if neuron.aggregation != "sum":
                entry["aggregation"] = neuron.aggregation
        if neuron.position is not None:
            entry["position"] = list(neuron.position)
        neurons.append(entry)
    connections = []
    ordered = _insertion_order(net)
    for c in ordered:
        entry = {
            "source": c.source.name,
            "target": c.target.name,
            "weight": float(c.weight),
        }
        entry.update(_sharing(c.parameter, keys, ""))
        connections.append(entry)
    settings = {"init": net.init if isinstance(net.init, str) else "xavier"}
    document = {
        "format": "neurosim",
        "version": FORMAT_VERSION,
        "kind": "Network",
        "settings": settings,
        "neurons": neurons,
        "connections": connections,
    }
    parameters = _parameter_section(net, ordered)
    if parameters:
        document["parameters"] = parameters
    return document


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


_SHARING_KEYS = {
    prefix: (f"{prefix}shared", f"{prefix}trainable") for prefix in ("", "bias_")
}


def _sharing(parameter, keys: dict, prefix: str) -> dict:
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


def _hopfield_document(hop: HopfieldNetwork) -> dict:
    return {
        "format": "neurosim",
        "version": FORMAT_VERSION,
        "kind": "HopfieldNetwork",
        "states": hop.states,
        "neurons": list(hop.names),
        "thresholds": hop.thresholds.tolist(),
        "rule": hop.rule,
        "patterns": hop.patterns.tolist(),
        "weights": hop.weights.tolist(),
    }


def _rbm_document(rbm: RBM) -> dict:
    return {
        "format": "neurosim",
        "version": FORMAT_VERSION,
        "kind": "RBM",
        "visible": list(rbm.visible_names),
        "hidden": list(rbm.hidden_names),
        "weights": rbm.weights.tolist(),
        "visible_bias": rbm.visible_bias.tolist(),
        "hidden_bias": rbm.hidden_bias.tolist(),
    }


def _write_text(path: str | os.PathLike, text: str) -> None:
    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(text)

    atomic_write(path, write)


# ---------------------------------------------------------------- loading


def load(
    path: str | os.PathLike, activations: Iterable[Activation] = ()
) -> Network | HopfieldNetwork | RBM:
    """Read a network written by :func:`save`.

    Parameters
    ----------
    path : str or path-like
    activations : iterable of Activation, optional
        Your own activations the file names (saved by name only).

    Returns
    -------
    Network, HopfieldNetwork or RBM

    Raises
    ------
    FormatError
        For anything wrong in the file, naming the field:
        ``"connections[3].weight: expected a number, got 'abc'"``.
    DataNotFoundError
        If there is no file at ``path`` (a ``FileNotFoundError`` too).

    Examples
    --------
    >>> import os, tempfile
    >>> import neurosim as ns
    >>> path = os.path.join(tempfile.mkdtemp(), "bad.json")
    >>> with open(path, "w") as f:
    ...     _ = f.write('{"format": "neurosim", "version": 1, "kind": "Network", "neurons": 3}')
    >>> ns.load(path)
    Traceback (most recent call last):
    ...
    neurosim.errors.FormatError: ...bad.json: neurons: expected a list, got 3
    """
    custom = _custom_activations(activations)
    hint = "pass the path of a file written by ns.save"
    with open_existing(path, "network file", hint) as file:
        path = os.fspath(path)
        raw = read_bounded(file, MAX_FILE_BYTES, path)
    try:
        return _from_document(_parse(raw), custom)
    except FormatError as error:
        raise FormatError(f"{path}: {error}") from None


def _custom_activations(activations: Iterable[Activation]) -> dict[str, Activation]:
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


def _parse(raw: bytes) -> dict:
    try:
        document = json.loads(
            raw.decode("utf-8"),
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_keys,
        )
    except UnicodeDecodeError as error:
        raise FormatError(
            f"not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    except json.JSONDecodeError as error:
        raise FormatError(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
            + (" (the file looks truncated)" if _truncated(error) else "")
        ) from None
    except RecursionError:
        raise FormatError("nested too deeply to be a network file") from None
    except ValueError as error:  # e.g. an integer with too many digits
        raise FormatError(f"not a valid network file: {error}") from None
    if not isinstance(document, dict):
        raise FormatError(f"expected a JSON object at the top, got {_kind(document)}")
    return document


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object as a dict, refusing a key that appears twice (JSON would keep the last)."""
    entry = dict(pairs)
    if len(entry) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise FormatError(
                    f"the key {key!r} appears twice in one object; which one is meant "
                    "is unclear: keep one"
                )
            seen.add(key)
    return entry


def _truncated(error: json.JSONDecodeError) -> bool:
    """The JSON stopped early: an error at its very end, or a string never closed."""
    return error.pos >= len(error.doc.rstrip()) - 1 or error.msg.startswith(
        "Unterminated"
    )


def _reject_constant(name: str):
    raise FormatError(
        f"{name} is not a finite number; the file format allows finite numbers only"
    )


def _from_document(document: dict, custom: dict) -> Network | HopfieldNetwork:
    if document.get("format") != "neurosim":
        raise FormatError(
            f"format: expected 'neurosim', got {document.get('format')!r}"
        )
    version = _integer(document, "version", "version")
    if version > FORMAT_VERSION:
        raise FormatError(
            f"version: the file is format version {version}, newer than this neurosim "
            f"reads ({FORMAT_VERSION}); upgrade neurosim to load it"
        )
    if version < 1:
        raise FormatError(f"version: expected a version >= 1, got {version}")
    kind = document.get("kind")
    if kind == "Network":
        return _network_from(document, custom)
    if kind == "HopfieldNetwork":
        return _hopfield_from(document)
    if kind == "RBM":
        return _rbm_from(document)
    if kind == "BoltzmannMachine":
        return _boltzmann_from(document)
    raise FormatError(
        f"kind: expected 'Network', 'HopfieldNetwork', 'RBM' or 'BoltzmannMachine', "
        f"got {kind!r}"
    )


def _network_from(document: dict, custom: dict, places: dict | None = None) -> Network:
    """Build a Network from a validated-as-we-go document.

    ``places`` names the entries in errors: by default their positions
    (``connections[3]``); ``from_networkx`` passes node and edge names.
    """
    places = places or {}
    _known_keys(document, _NETWORK_KEYS, "the file")
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        raise FormatError(f"settings: expected an object, got {_kind(settings)}")
    init = settings.get("init", "xavier")
    if not isinstance(init, str):
        raise FormatError(
            f"settings.init: expected an initialiser name, got {_kind(init)}"
        )
    try:
        net = Network(init=init)
    except NeurosimError as error:
        raise FormatError(f"settings.init: {error}") from None
    neurons = _list(document, "neurons", "neurons")
    neuron_places = places.get("neurons") or [
        f"neurons[{k}]" for k in range(len(neurons))
    ]
    shared: dict[str, Parameter] = {}
    for entry, where in zip(neurons, neuron_places):
        _add_neuron(net, entry, where, custom, shared)
    connections = _list(document, "connections", "connections")
    connection_places = places.get("connections") or [
        f"connections[{k}]" for k in range(len(connections))
    ]
    edges, seen = [], set()
    for entry, where in zip(connections, connection_places):
        source, target, weight = _connection(net, entry, where, shared)
        if (source.name, target.name) in seen:
            raise FormatError(
                f"{where}: {source.name!r} -> {target.name!r} appears twice"
            )
        seen.add((source.name, target.name))
        edges.append((source, target, weight))
    try:
        # One bulk insertion, then one acyclicity check: O(V + E).
        net.connect_many(edges)
    except CycleError as error:
        raise FormatError(f"connections: {error}") from None
    _restore_parameters(net, document.get("parameters", {}))
    return net


def _restore_parameters(net: Network, section) -> None:
    """Give a loaded network its parameters' saved order and names."""
    if not isinstance(section, dict):
        raise FormatError(f"parameters: expected an object, got {_kind(section)}")
    _known_keys(section, ("order", "names"), "parameters")
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
        raise FormatError(f"parameters.names: expected an object, got {_kind(names)}")
    parameters = net.parameters
    for key, name in names.items():
        if not (key.isdigit() and int(key) < n) or not isinstance(name, str):
            raise FormatError(
                f"parameters.names: expected place (0 … {n - 1}) -> name, got "
                f"{key!r} -> {_kind(name)}"
            )
        parameters[int(key)].name = name


def _known_keys(entry: dict, known: tuple[str, ...], where: str) -> None:
    """Refuse a key the format does not have (a typo would otherwise be ignored)."""
    for key in entry:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise FormatError(
                f"{where}: unknown key {key!r}{hint}; the known keys are "
                + ", ".join(map(repr, known))
            )


_NEURON_KEYS = (
    "name", "role", "activation", "bias", "bias_shared", "bias_trainable",
    "aggregation", "position",
)  # fmt: skip
_CONNECTION_KEYS = ("source", "target", "weight", "shared", "trainable")
_NETWORK_KEYS = (
    "format", "version", "kind", "settings", "neurons", "connections", "parameters",
)  # fmt: skip


def _add_neuron(net: Network, entry, where: str, custom: dict, shared: dict) -> None:
    if not isinstance(entry, dict):
        raise FormatError(f"{where}: expected an object, got {_kind(entry)}")
    _known_keys(entry, _NEURON_KEYS, where)
    name = _string(entry, "name", where)
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
    if role == "input":
        net.add_input(name).position = position
        return
    activation_name = _string(entry, "activation", where)
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
            f"{where}.aggregation: expected one of {list(AGGREGATIONS)}, got {_kind(aggregation)}"
        )
    add = net.add_output if role == "output" else net.add_neuron
    add(name, activation, bias, aggregation, position)


def _parameter(
    entry: dict, key: str, where: str, shared: dict, prefix: str
) -> Parameter:
    """The parameter of a weight or bias entry: new, or the shared one its key names."""
    value = _number(entry, key, where)
    trainable = entry.get(f"{prefix}trainable", True)
    if not isinstance(trainable, bool):
        raise FormatError(
            f"{where}.{prefix}trainable: expected true or false, got {_kind(trainable)}"
        )
    name = entry.get(f"{prefix}shared")
    if name is None:
        return Parameter(value, trainable=trainable)
    if not isinstance(name, str):
        raise FormatError(
            f"{where}.{prefix}shared: expected a key string, got {_kind(name)}"
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


def _connection(
    net: Network, entry, where: str, shared: dict
) -> tuple[Neuron, Neuron, Parameter]:
    if not isinstance(entry, dict):
        raise FormatError(f"{where}: expected an object, got {_kind(entry)}")
    _known_keys(entry, _CONNECTION_KEYS, where)
    ends = []
    for key in ("source", "target"):
        name = _string(entry, key, where)
        if name not in net:
            raise FormatError(f"{where}.{key}: no neuron is called {name!r}")
        ends.append(net[name])
    source, target = ends
    if source is target:
        raise FormatError(f"{where}: {source.name!r} is connected to itself")
    if target.is_input:
        raise FormatError(f"{where}.target: {target.name!r} is an input neuron")
    return source, target, _parameter(entry, "weight", where, shared, "")


def _hopfield_from(document: dict) -> HopfieldNetwork:
    names = _list(document, "neurons", "neurons")
    for k, name in enumerate(names):
        if not isinstance(name, str):
            raise FormatError(f"neurons[{k}]: expected a name, got {_kind(name)}")
    n = len(names)
    # Every declared shape is checked against the numbers actually present
    # before anything of size n × n is allocated: a short file declaring many
    # names must not cost a huge matrix.
    weights = _matrix(document, "weights", (n, n))
    thresholds = _matrix(document, "thresholds", (n,))
    patterns = (
        _matrix(document, "patterns", (None, n)) if document.get("patterns") else None
    )
    if not np.array_equal(weights, weights.T) or np.any(np.diag(weights) != 0.0):
        raise FormatError(
            "weights: a Hopfield weight matrix must be symmetric with a zero diagonal"
        )
    rule = document.get("rule")
    if rule is not None and rule not in RULES:
        raise FormatError(f"rule: expected one of {list(RULES)} or null, got {rule!r}")
    try:
        hop = HopfieldNetwork(names, states=document.get("states", "bipolar"))
    except NeurosimError as error:
        raise FormatError(f"neurons/states: {error}") from None
    hop.thresholds = thresholds
    try:
        hop.set_parameters(weights, patterns=patterns, rule=rule)
    except NeurosimError as error:
        raise FormatError(f"patterns: {error}") from None
    return hop


def _rbm_from(document: dict) -> RBM:
    names = {}
    for layer in ("visible", "hidden"):
        names[layer] = _list(document, layer, layer)
        for k, name in enumerate(names[layer]):
            if not isinstance(name, str):
                raise FormatError(f"{layer}[{k}]: expected a name, got {_kind(name)}")
    n_visible, n_hidden = len(names["visible"]), len(names["hidden"])
    # Shapes checked against the numbers present before the RBM is built.
    weights = _matrix(document, "weights", (n_hidden, n_visible))
    visible_bias = _matrix(document, "visible_bias", (n_visible,))
    hidden_bias = _matrix(document, "hidden_bias", (n_hidden,))
    try:
        rbm = RBM(names["visible"], names["hidden"], seed=0)
    except NeurosimError as error:
        raise FormatError(f"visible/hidden: {error}") from None
    rbm.set_parameters(weights, visible_bias, hidden_bias)
    return rbm


def _boltzmann_from(document: dict) -> BoltzmannMachine:
    sizes = {}
    for key in ("n_visible", "n_hidden"):
        value = _integer(document, key, key)
        if value < (1 if key == "n_visible" else 0):
            raise FormatError(f"{key}: expected a count, got {value}")
        sizes[key] = value
    n = sizes["n_visible"] + sizes["n_hidden"]
    weights = _matrix(
        document, "weights", (n, n)
    )  # checked against the numbers present
    bias = _matrix(document, "bias", (n,))
    names = document.get("names")
    if names is not None and (
        not isinstance(names, list)
        or len(names) != n
        or not all(isinstance(x, str) for x in names)
    ):
        raise FormatError(f"names: expected {n} unit names, got {_kind(names)}")
    try:
        machine = BoltzmannMachine(
            sizes["n_visible"], sizes["n_hidden"], seed=0, names=names
        )
    except NeurosimError as error:
        raise FormatError(f"names: {error}") from None
    try:
        machine.set_parameters(weights, bias)
    except NeurosimError as error:
        raise FormatError(f"weights: {error}") from None
    return machine


# ---------------------------------------------------------------- field readers


def _kind(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _list(document: dict, key: str, where: str) -> list:
    if key not in document:
        raise FormatError(f"{where}: missing")
    value = document[key]
    if not isinstance(value, list):
        raise FormatError(f"{where}: expected a list, got {_kind(value)}")
    return value


def _string(entry: dict, key: str, where: str) -> str:
    if key not in entry:
        raise FormatError(f"{where}.{key}: missing")
    value = entry[key]
    if not isinstance(value, str) or not value:
        raise FormatError(
            f"{where}.{key}: expected a non-empty string, got {_kind(value)}"
        )
    return value


def _number(entry: dict, key: str, where: str) -> float:
    if key not in entry:
        raise FormatError(f"{where}.{key}: missing")
    value = entry[key]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise FormatError(
            f"{where}.{key}: expected a number, got {_kind(value)} "
            f"({type(value).__name__}; any int, float or numpy number will do)"
        )
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise FormatError(
            f"{where}.{key}: expected a finite number, got {_kind(value)}"
        )
    return number


def _integer(entry: dict, key: str, where: str) -> int:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(f"{where}: expected a whole number, got {_kind(value)}")
    return value


def _matrix(document: dict, key: str, shape: tuple) -> np.ndarray:
    value = document.get(key)
    rows = value if len(shape) == 2 else [value]
    if not isinstance(value, list) or not all(isinstance(r, list) for r in rows):
        raise FormatError(
            f"{key}: expected {'a list of lists' if len(shape) == 2 else 'a list'} of numbers"
        )
    expected = tuple("any" if s is None else s for s in shape)
    found = (
        (len(value), *(len(r) for r in rows[:1])) if len(shape) == 2 else (len(value),)
    )
    if (
        any(s is not None and f != s for f, s in zip(found, shape))
        or len({len(r) for r in rows}) > 1
    ):
        got = (
            f"{len(value)} rows of lengths {sorted({len(r) for r in rows})[:5]}"
            if len(shape) == 2
            else f"{len(value)} numbers"
        )
        raise FormatError(f"{key}: expected shape {expected}, got {got}")
    for i, row in enumerate(rows):
        for j, number in enumerate(row):
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                place = f"{key}[{i}][{j}]" if len(shape) == 2 else f"{key}[{j}]"
                raise FormatError(f"{place}: expected a number, got {_kind(number)}")
    try:
        array = np.array(value, dtype=float)
    except OverflowError:
        raise FormatError(f"{key}: a number is too large") from None
    if not np.all(np.isfinite(array)):
        raise FormatError(f"{key}: every number must be finite")
    return array


# ---------------------------------------------------------------- networkx and GraphML


def to_networkx(obj: Network | HopfieldNetwork) -> nx.Graph:
    """A plain networkx graph with the numbers as attributes, for other tools.

    A ``Network`` gives a ``DiGraph``: node attributes ``role`` and, except
    for inputs, ``activation`` (its name) and ``bias``; edge attribute
    ``weight``. A shared parameter gives every edge (``shared``) or node
    (``bias_shared``) that uses it the same key, such as ``"p7"``; a frozen
    one has ``trainable`` (``bias_trainable``) False. A ``HopfieldNetwork``
    gives an undirected ``Graph``: node attribute ``threshold``, edge
    attribute ``weight``; an ``RBM`` or a ``BoltzmannMachine`` an undirected
    ``Graph`` with node attributes ``layer`` (visible or hidden) and ``bias``.

    Examples
    --------
    >>> import neurosim as ns
    >>> g = to_networkx(ns.Network.layered([1, 1], activation="tanh", seed=0))
    >>> dict(g.nodes["y1"]), list(g.edges(data="weight"))[0][:2]
    ({'role': 'output', 'activation': 'tanh', 'bias': 0.0}, ('x1', 'y1'))
    """
    if isinstance(obj, HopfieldNetwork | RBM | BoltzmannMachine):
        return nx.Graph(obj.graph)
    if not isinstance(obj, Network):
        raise ParameterError(
            "to_networkx takes a Network, a HopfieldNetwork, an RBM or a "
            f"BoltzmannMachine, got {type(obj).__name__}"
        )
    graph = nx.DiGraph()
    keys = _shared_keys(obj)
    for neuron in obj.neurons:
        attributes = {"role": neuron.role}
        if not neuron.is_input:
            attributes.update(
                activation=neuron.activation.name, bias=float(neuron.bias)
            )
            attributes.update(_sharing(neuron.bias_parameter, keys, "bias_"))
            if neuron.aggregation != "sum":
                attributes["aggregation"] = neuron.aggregation
        graph.add_node(neuron.name, **attributes)
    for c in obj.connections:
        graph.add_edge(
            c.source.name,
            c.target.name,
            weight=float(c.weight),
            **_sharing(c.parameter, keys, ""),
        )
    return graph


def from_networkx(graph: nx.DiGraph, activations: Iterable[Activation] = ()) -> Network:
    """Build a Network from a directed acyclic networkx graph.

    Node attributes ``role`` (``"input"``, ``"hidden"``, ``"output"``;
    default: nodes without predecessors are inputs, without successors
    outputs, the rest hidden), ``activation`` (default ``"sigmoid"``) and
    ``bias`` (default 0); edge attribute ``weight`` (required). The sharing
    and freezing attributes of :func:`to_networkx` are read back.

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
            entry.update({k: data[k] for k in _SHARING_KEYS["bias_"] if k in data})
            if "aggregation" in data:
                entry["aggregation"] = data["aggregation"]
        neurons.append(entry)
    connections = [
        {
            "source": str(s),
            "target": str(t),
            "weight": data.get("weight"),
            **{k: data[k] for k in _SHARING_KEYS[""] if k in data},
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
    return _network_from(document, _custom_activations(activations), places)


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
    _write_text(path, text + "\n")
