"""`Graph`: the graph of neurons and connections — building it and looking things up.

The base of :class:`~neurosim.network.Network`. It owns a
:class:`networkx.DiGraph` keyed by neuron name: each node holds its
:class:`~neurosim.neuron.Neuron` under the attribute ``"neuron"``, each edge
its :class:`~neurosim.neuron.Connection` under ``"connection"``. The graph is
the single source of truth for topology; every structural edit goes through
a method here, which tells the passes (:mod:`neurosim.passes`) that their
plan is stale.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network()
>>> _ = net.add_input("x"); _ = net.add_output("y"); _ = net.connect("x", "y", 0.5)
>>> net.connection("x", "y")
Connection('x' -> 'y', weight=0.5)
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np

from ._checks import SeedLike, check_delay, check_name, check_number, check_seed
from ._gc import paused_gc
from .activations import Activation
from .errors import (
    CycleError,
    DuplicateNameError,
    ParameterError,
    TopologyError,
    unknown_name,
)
from .initializers import draw_weights, get_initializer
from .neuron import Connection, Neuron
from .parameters import Parameter, ParameterList, ParameterStore
from .passes import NodeByNode

__all__ = ["Graph", "NeuronRef"]

NeuronRef = str | Neuron


class Graph(NodeByNode):
    """Neurons and connections on a networkx graph, with one owner for every parameter.

    :class:`~neurosim.network.Network` is what users build; this is its
    graph half (see :mod:`neurosim.network` for the parameters).
    """

    def __init__(self, init: str = "xavier", seed: SeedLike = None) -> None:
        get_initializer(init)  # fail now, not at the first connect
        self.init = init
        self.rng = check_seed(seed)
        self._graph = nx.DiGraph()
        self._graph_view = self._graph.copy(as_view=True)
        self._store = ParameterStore()
        self._init_passes()

    # ------------------------------------------------------------------ building

    def add_input(self, name: str) -> Neuron:
        """Add an input neuron, which holds the value it is given as its output.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network()
        >>> net.add_input("x1")
        Neuron('x1', role='input')
        """
        return self._add(Neuron(self._new_name(name), role="input"))

    def add_neuron(
        self,
        name: str,
        activation: str | Activation = "sigmoid",
        bias: float | Parameter = 0.0,
        aggregation: str = "sum",
        position: tuple | None = None,
    ) -> Neuron:
        """Add a hidden neuron.

        Parameters
        ----------
        name : str
            A name not yet used in this network.
        activation : str or Activation, default "sigmoid"
            See :mod:`neurosim.activations`.
        bias : float or Parameter, default 0.0
            A :class:`~neurosim.parameters.Parameter` shares one bias.
        aggregation : {"sum", "max"}, default "sum"
            ``"max"``: a max-pooling neuron (see :class:`~neurosim.neuron.Neuron`).
        position : tuple, optional
            Its place in a grid, for pictures (builders of layers set it).

        Examples
        --------
        >>> from neurosim import Network
        >>> Network().add_neuron("h1", activation="tanh", bias=0.5)
        Neuron('h1', role='hidden', activation='tanh', bias=0.5)
        """
        return self._add(
            Neuron(
                self._new_name(name), activation, bias, "hidden", aggregation, position
            )
        )

    def add_output(
        self,
        name: str,
        activation: str | Activation = "sigmoid",
        bias: float | Parameter = 0.0,
        aggregation: str = "sum",
        position: tuple | None = None,
    ) -> Neuron:
        """Add an output neuron; outputs are returned in the order they were added.

        The parameters are those of :meth:`add_neuron`.

        Examples
        --------
        >>> from neurosim import Network
        >>> Network().add_output("y", activation="identity")
        Neuron('y', role='output', activation='identity', bias=0)
        """
        return self._add(
            Neuron(
                self._new_name(name), activation, bias, "output", aggregation, position
            )
        )

    def connect(
        self,
        source: NeuronRef,
        target: NeuronRef,
        weight: float | Parameter | None = None,
        share: Connection | Parameter | None = None,
        trainable: bool = True,
        delay: int = 0,
    ) -> Connection:
        """Connect ``source``'s output to ``target``'s input.

        Parameters
        ----------
        source, target : str or Neuron
            The neurons, by name or as objects of this network.
        weight : float, Parameter or None
            The weight; ``None`` draws one from the network's initialiser,
            with fan-in and fan-out counted as the graph stands (call
            :meth:`initialize` once a hand-built network is complete to
            redraw every weight with the final counts). A
            :class:`~neurosim.parameters.Parameter` shares it.
        share : Connection or Parameter, optional
            Use the same weight parameter as this connection (or this
            parameter): the weights stay equal, and the gradient of the
            shared parameter is the sum of its connections' gradients.
        trainable : bool, default True
            False freezes the weight (see :meth:`freeze`).
        delay : int, default 0
            Time steps the signal takes: at step t, ``target`` reads
            ``source``'s output of step t − delay (its ``initial_output``
            before the sequence starts). A delay of 1 or more may close a
            cycle, a self-loop included: the network is then recurrent and
            :meth:`forward` takes sequences.

        Returns
        -------
        Connection

        Raises
        ------
        UnknownNameError
            If either neuron is not in the network.
        TopologyError
            For a self-loop without a delay, or a connection into an input neuron.
        DuplicateNameError
            If the two neurons are already connected.
        CycleError
            If connections without delay would form a cycle; the message names it.
        ParameterError
            For a delay that is not a whole number from 0 to 10,000.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network()
        >>> _ = net.add_input("x"); _ = net.add_output("y")
        >>> net.connect("x", "y", weight=0.5)
        Connection('x' -> 'y', weight=0.5)
        >>> net.connect("y", "y", weight=0.9, delay=1)     # y(t) reads y(t - 1)
        Connection('y' -> 'y', weight=0.9, delay=1)
        """
        source, target = self._neuron(source), self._neuron(target)
        weight = self._shared_weight(weight, share)
        delay = check_delay(delay, "delay")
        if source is target and delay == 0:
            raise TopologyError(
                f"cannot connect neuron {source.name!r} to itself without a delay: its "
                "output would depend on itself in the same step. Pass delay=1 for a "
                "recurrent self-loop (the output one step earlier)."
            )
        if target.is_input:
            raise TopologyError(
                f"cannot connect {source.name!r} -> {target.name!r}: {target.name!r} is an "
                "input neuron, which takes its value from the data. Add the target with "
                "add_neuron or add_output instead."
            )
        if self._graph.has_edge(source.name, target.name):
            raise DuplicateNameError(
                f"{source.name!r} -> {target.name!r} are already connected; change the "
                f"weight with net.connection({source.name!r}, {target.name!r}).weight = ..."
            )
        instant = self.instant_graph
        if delay == 0 and nx.has_path(instant, target.name, source.name):
            cycle = [*nx.shortest_path(instant, target.name, source.name), target.name]
            raise CycleError(
                f"connecting {source.name!r} -> {target.name!r} would close the cycle "
                + " -> ".join(cycle)
                + " of connections without delay: each neuron would wait for the "
                "other within one step. Give one connection of the cycle delay=1 "
                "(the output of the step before)."
            )
        if not isinstance(trainable, bool):
            raise ParameterError(f"trainable must be True or False, got {trainable!r}")
        if weight is None:
            fan_in = np.array([self._graph.in_degree(target.name) + 1])
            fan_out = np.array([self._graph.out_degree(source.name) + 1])
            weight = draw_weights(
                get_initializer(self.init), self.rng, fan_in, fan_out
            )[0]
        connection = Connection(source, target, weight, delay)
        self._store.adopt(connection.parameter, connection)
        if not trainable:
            connection.parameter.trainable = False
        self._graph.add_edge(source.name, target.name, connection=connection)
        self._n_delayed += delay > 0
        self._topology_changed()
        return connection

    def connect_many(
        self, edges: Iterable[tuple[NeuronRef, NeuronRef, float | Parameter]]
    ) -> list[Connection]:
        """Add many connections at once, with one acyclicity check: O(neurons + connections).

        The bulk builder behind :meth:`layered` and :func:`neurosim.load`.
        Nothing is added if any connection is invalid.

        Parameters
        ----------
        edges : iterable of (source, target, weight) or (source, target, weight, delay)
            Neurons by name or object; a weight is a float or a shared
            :class:`~neurosim.parameters.Parameter`; a delay as in :meth:`connect`.

        Raises
        ------
        UnknownNameError, TopologyError, DuplicateNameError, CycleError
            As :meth:`connect`; the message names the connection at fault.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network()
        >>> _ = net.add_input("x"); _ = net.add_neuron("h"); _ = net.add_output("y")
        >>> net.connect_many([("x", "h", 0.5), ("h", "y", -1.0)])
        [Connection('x' -> 'h', weight=0.5), Connection('h' -> 'y', weight=-1)]
        """
        with paused_gc():  # thousands of new objects: no collection half-way
            connections, seen, delayed, keys = self._checked_connections(edges)
            # The acyclicity check on the graph itself (no copy): the new edges
            # go in, and come out again if the connections without delay now
            # form a cycle.
            self._graph.add_edges_from(
                (u, v, {"connection": c}) for (u, v), c in zip(keys, connections)
            )
            self._n_delayed += len(delayed)
            instant = self.instant_graph
            if not nx.is_directed_acyclic_graph(instant):
                cycle = [u for u, _ in nx.find_cycle(instant)]
                self._graph.remove_edges_from(seen)
                self._n_delayed -= len(delayed)
                raise CycleError(
                    "the connections without delay form the cycle "
                    + " -> ".join([*cycle, cycle[0]])
                    + "; give one of them delay=1, or leave one out"
                )
            # Everything is checked: from here on nothing can fail half-way.
            for connection in connections:
                self._store.adopt(connection.parameter, connection)
        self._topology_changed()
        return connections

    def _checked_connections(self, edges) -> tuple[list[Connection], set, set, list]:
        """The new connections of :meth:`connect_many`, every edge checked; nothing added.

        Returns the connections, their (source, target) names as a set, those
        with a delay, and the names in the connections' order.
        """
        connections, seen, delayed, keys = [], set(), set(), []
        resolved: dict = {}  # each neuron reference looked up once
        fed: set = set()  # the targets that had inputs before: duplicates possible
        graph, store = self._graph, self._store
        for edge in edges:
            if len(edge) == 3:
                (source, target, weight), delay = edge, 0
            elif len(edge) == 4:
                source, target, weight, delay = edge
                delay = check_delay(delay, "delay")
            else:
                raise ParameterError(
                    f"an edge is (source, target, weight) or (source, target, weight, "
                    f"delay), got {len(edge)} items: {edge!r}"
                )
            try:
                neuron = resolved.get(target)
            except TypeError:  # unhashable: neither a name nor a Neuron
                neuron = self._neuron(target)
            if neuron is None:
                neuron = resolved[target] = self._neuron(target)
                if graph.in_degree(neuron.name):
                    fed.add(neuron)
            target = neuron
            try:
                neuron = resolved.get(source)
            except TypeError:
                neuron = self._neuron(source)
            if neuron is None:
                neuron = resolved[source] = self._neuron(source)
            source = neuron
            if (source is target and delay == 0) or target.is_input:
                raise TopologyError(
                    f"cannot connect {source.name!r} -> {target.name!r}: "
                    + (
                        "a neuron to itself without a delay"
                        if source is target
                        else "the target is an input"
                    )
                )
            key = (source.name, target.name)
            if key in seen or (target in fed and graph.has_edge(*key)):
                raise DuplicateNameError(f"{key[0]!r} -> {key[1]!r} appears twice")
            if isinstance(weight, Parameter) and weight.store not in (None, store):
                raise ParameterError(
                    f"the weight of {key[0]!r} -> {key[1]!r}, {weight!r}, belongs to "
                    "another network; a parameter can be shared within one network only "
                    "(copy its value instead)"
                )
            seen.add(key)
            if delay:
                delayed.add(key)
            connections.append(Connection(source, target, weight, delay))
            keys.append(key)
        return connections, seen, delayed, keys

    def _shared_weight(self, weight, share):
        """The weight argument of :meth:`connect`, resolving ``share``."""
        if share is None:
            return weight
        if weight is not None:
            raise ParameterError(
                "pass either weight= or share=, not both: a shared weight takes the "
                "value of the parameter it shares"
            )
        if isinstance(share, Connection):
            if self._graph.edges.get(share.key, {}).get("connection") is not share:
                raise TopologyError(f"{share!r} is not a connection of this network")
            return share.parameter
        if isinstance(share, Parameter):
            return share
        raise ParameterError(
            f"share must be a Connection or a Parameter of this network, got {share!r}"
        )

    def disconnect(self, source: NeuronRef, target: NeuronRef) -> Connection:
        """Remove the connection ``source -> target`` and return it.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network()
        >>> _ = net.add_input("x"); _ = net.add_output("y"); _ = net.connect("x", "y", 1.0)
        >>> net.disconnect("x", "y")
        Connection('x' -> 'y', weight=1)
        >>> net.connections
        []
        """
        connection = self.connection(source, target)
        self._graph.remove_edge(*connection.key)
        self._store.release(connection.parameter, connection)
        self._n_delayed -= connection.delay > 0
        self._topology_changed()
        return connection

    def remove_neuron(self, neuron: NeuronRef) -> Neuron:
        """Remove a neuron and every connection to or from it; return the neuron.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network.layered([2, 2, 1], seed=0)
        >>> net.remove_neuron("h1_2")
        Neuron('h1_2', role='hidden', activation='sigmoid', bias=0)
        >>> len(net.connections)
        3
        """
        neuron = self._neuron(neuron)
        # A dict, not a list: a self-loop is both an in- and an out-edge.
        for connection in {
            id(c): c
            for _, _, c in [
                *self._graph.in_edges(neuron.name, data="connection"),
                *self._graph.out_edges(neuron.name, data="connection"),
            ]
        }.values():
            self._store.release(connection.parameter, connection)
            self._n_delayed -= connection.delay > 0
        if neuron.bias_parameter is not None:
            self._store.release(neuron.bias_parameter, neuron)
        neuron.store = None
        self._graph.remove_node(neuron.name)
        self._topology_changed()
        return neuron

    def initialize(
        self, init: str | None = None, seed: SeedLike = None, bias: float = 0.0
    ) -> None:
        """Redraw every weight, with the fan-in and fan-out of the finished graph.

        Parameters
        ----------
        init : str or callable, optional
            The scheme; the network's own ``init`` if not given.
        seed : int, optional
            Reseed the network's generator first.
        bias : float, default 0.0
            The value every bias is set to.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network.layered([2, 2, 1], seed=0)
        >>> net.initialize(init="uniform", seed=1, bias=0.1)
        >>> net["y1"].bias
        0.1
        """
        draw = get_initializer(self.init if init is None else init)
        bias = check_number(bias, "bias")
        rng = self.rng if seed is None else check_seed(seed)
        edges = list(self._graph.edges(data="connection"))
        fan_in = np.array([self._graph.in_degree(t) for _, t, _ in edges], dtype=int)
        fan_out = np.array([self._graph.out_degree(s) for s, _, _ in edges], dtype=int)
        weights = draw_weights(draw, rng, fan_in, fan_out)
        self.rng = rng
        for (_, _, connection), weight in zip(edges, weights.tolist()):
            connection.weight = weight
        for neuron in self.neurons:
            if not neuron.is_input:
                neuron.bias = bias

    # ------------------------------------------------------------------ looking up

    def __getitem__(self, name: str) -> Neuron:
        """The neuron called ``name``."""
        return self._neuron(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._graph

    def __len__(self) -> int:
        """The number of neurons."""
        return self._graph.number_of_nodes()

    def connection(self, source: NeuronRef, target: NeuronRef) -> Connection:
        """The connection ``source -> target``.

        Raises
        ------
        UnknownNameError
            If either neuron or the connection does not exist.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network.layered([2, 1], seed=0)
        >>> net.connection("x1", "y1").key
        ('x1', 'y1')
        """
        source, target = self._neuron(source), self._neuron(target)
        data = self._graph.get_edge_data(source.name, target.name)
        if data is None:
            known = [f"{s} -> {t}" for s, t in self._graph.in_edges(target.name)]
            raise unknown_name("connection", f"{source.name} -> {target.name}", known)
        return data["connection"]

    @property
    def graph(self) -> nx.DiGraph:
        """The network's graph, read-only: edit it through the Network's methods."""
        return self._graph_view

    @property
    def neurons(self) -> list[Neuron]:
        """Every neuron, in the order they were added."""
        return [neuron for _, neuron in self._graph.nodes(data="neuron")]

    @property
    def inputs(self) -> list[Neuron]:
        """The input neurons, in the order they were added."""
        return [n for n in self.neurons if n.role == "input"]

    @property
    def hidden(self) -> list[Neuron]:
        """The hidden neurons, in the order they were added."""
        return [n for n in self.neurons if n.role == "hidden"]

    @property
    def outputs(self) -> list[Neuron]:
        """The output neurons, in the order they were added."""
        return [n for n in self.neurons if n.role == "output"]

    @property
    def connections(self) -> list[Connection]:
        """Every connection, grouped by source neuron."""
        return [connection for _, _, connection in self._graph.edges(data="connection")]

    @property
    def n_parameters(self) -> int:
        """The number of parameters: weights and biases, a shared one counted once."""
        return len(self._store.parameters)

    @property
    def n_trainable(self) -> int:
        """The number of parameters an optimizer may change (a shared one once).

        >>> from neurosim import Network
        >>> net = Network.layered([2, 1], seed=0); net.freeze(biases=True)
        >>> net.n_parameters, net.n_trainable
        (3, 2)
        """
        return len(self._store.trainable())

    @property
    def parameters(self) -> ParameterList:
        """Every parameter (weights and biases; a shared one once), in creation order.

        A list; calling it (``net.parameters()``, as in PyTorch) gives the same list.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network.layered([1, 1], seed=0)
        >>> len(net.parameters), net.parameters() == net.parameters
        (2, True)
        """
        return ParameterList(self._store.parameters)

    @property
    def parameter_store(self) -> ParameterStore:
        """The owner of the parameters' values, shared with compiled networks."""
        return self._store

    def _new_name(self, name: object) -> str:
        name = check_name(name)
        if name in self._graph:
            raise DuplicateNameError(
                f"there is already a neuron called {name!r} "
                f"({self._graph.nodes[name]['neuron'].role}); choose another name"
            )
        return name

    def _add(self, neuron: Neuron) -> Neuron:
        if neuron.bias_parameter is not None:
            self._store.adopt(neuron.bias_parameter, neuron)
        neuron.store = self._store
        self._graph.add_node(neuron.name, neuron=neuron)
        self._topology_changed()
        return neuron

    def _neuron(self, ref: NeuronRef) -> Neuron:
        name = ref.name if isinstance(ref, Neuron) else ref
        if not isinstance(name, str):
            raise ParameterError(
                f"a neuron is named by a string or a Neuron, got {ref!r}"
            )
        data = self._graph.nodes.get(name)
        if data is None:
            raise unknown_name("neuron", name, list(self._graph))
        if isinstance(ref, Neuron) and data["neuron"] is not ref:
            raise TopologyError(f"{ref!r} is not this network's neuron called {name!r}")
        return data["neuron"]
