"""`Network`: a graph of neurons, propagated forward and backward node by node.

The network owns a :class:`networkx.DiGraph` keyed by neuron name: each node
holds its :class:`~neurosim.neuron.Neuron` under the attribute ``"neuron"``,
each edge its :class:`~neurosim.neuron.Connection` under ``"connection"``.
The graph is the single source of truth for topology. The evaluation order
(a topological order from networkx) is derived from it, cached, and dropped
by every method that edits the graph, so it can never be stale.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network(seed=0)
>>> x1, x2 = net.add_input("x1"), net.add_input("x2")
>>> h = net.add_neuron("h", activation="sigmoid", bias=0.0)
>>> y = net.add_output("y", activation="identity")
>>> for source, target, weight in [("x1", "h", 1.0), ("x2", "h", -1.0), ("h", "y", 2.0)]:
...     _ = net.connect(source, target, weight=weight)
>>> net.forward([1.0, 1.0])
array([1.])
>>> net.backward([0.0], loss="sse")   # ½ (1 - 0)²
0.5
>>> net["h"].delta, net.connection("h", "y").grad
(0.5, 0.5)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike

from . import training
from ._checks import as_samples, check_count, check_name, check_number, check_seed
from .activations import Activation, get_activation
from .errors import (
    CycleError,
    DuplicateNameError,
    MissingDependencyError,
    NumericalError,
    ParameterError,
    ShapeError,
    StateError,
    TopologyError,
    unknown_name,
)
from .initializers import default_initializer, get_initializer
from .losses import Loss, get_loss
from .neuron import Connection, Neuron
from .optimizers import Optimizer, step_optimizer
from .parameters import Parameter, ParameterStore

__all__ = ["Network"]

NeuronRef = str | Neuron


class _Plan(NamedTuple):
    """The evaluation order derived from the graph (never edited, only rebuilt)."""

    inputs: tuple[Neuron, ...]
    outputs: tuple[Neuron, ...]
    forward_steps: tuple[tuple[Neuron, tuple[Connection, ...]], ...]
    backward_steps: tuple[
        tuple[Neuron, tuple[Connection, ...], tuple[Connection, ...]], ...
    ]
    # How each parameter's gradient is read off its users after a backward
    # pass: one connection, one bias, or the sum over a shared parameter's users.
    single_weights: tuple[tuple[Parameter, Connection], ...]
    single_biases: tuple[tuple[Parameter, Neuron], ...]
    shared: tuple[tuple[Parameter, tuple[Connection | Neuron, ...]], ...]


class Network:
    """A feed-forward network of neurons on a networkx graph.

    Parameters
    ----------
    init : str or callable, default "xavier"
        How :meth:`connect` draws a weight when none is given; see
        :mod:`neurosim.initializers`.
    seed : int or None
        Seed of the network's own random generator (weights drawn by
        :meth:`connect`, :meth:`initialize` and :meth:`layered`).

    Attributes
    ----------
    rng : numpy.random.Generator
        The generator weights are drawn from.

    Examples
    --------
    >>> import neurosim as ns
    >>> ns.Network.layered([2, 4, 1], seed=0)
    Network(2 inputs, 4 hidden, 1 output; 12 connections, 17 parameters)
    """

    def __init__(self, init: str = "xavier", seed: int | None = None) -> None:
        get_initializer(init)  # fail now, not at the first connect
        self.init = init
        self.rng = check_seed(seed)
        self._graph = nx.DiGraph()
        self._graph_view = self._graph.copy(as_view=True)
        self._store = ParameterStore()
        self._plan: _Plan | None = None
        self._last_pass: int | None = (
            None  # batch size of the last forward (None: none)
        )
        self._single_sample = True
        self._has_gradients = False
        self.output_grads: dict[Neuron, float | np.ndarray] = {}
        self.topology_version = 0

    # ------------------------------------------------------------------ building

    def add_input(self, name: str) -> Neuron:
        """Add an input neuron, which holds the value it is given as its output.

        Examples
        --------
        >>> net = Network()
        >>> net.add_input("x1")
        Neuron('x1', role='input')
        """
        return self._add(Neuron(self._new_name(name), role="input"))

    def add_neuron(
        self, name: str, activation: str | Activation = "sigmoid", bias: float = 0.0
    ) -> Neuron:
        """Add a hidden neuron.

        Parameters
        ----------
        name : str
            A name not yet used in this network.
        activation : str or Activation, default "sigmoid"
            See :mod:`neurosim.activations`.
        bias : float, default 0.0

        Examples
        --------
        >>> Network().add_neuron("h1", activation="tanh", bias=0.5)
        Neuron('h1', role='hidden', activation='tanh', bias=0.5)
        """
        return self._add(Neuron(self._new_name(name), activation, bias, role="hidden"))

    def add_output(
        self, name: str, activation: str | Activation = "sigmoid", bias: float = 0.0
    ) -> Neuron:
        """Add an output neuron; outputs are returned in the order they were added.

        Examples
        --------
        >>> Network().add_output("y", activation="identity")
        Neuron('y', role='output', activation='identity', bias=0)
        """
        return self._add(Neuron(self._new_name(name), activation, bias, role="output"))

    def connect(
        self,
        source: NeuronRef,
        target: NeuronRef,
        weight: float | Parameter | None = None,
        share: Connection | Parameter | None = None,
        trainable: bool = True,
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

        Returns
        -------
        Connection

        Raises
        ------
        UnknownNameError
            If either neuron is not in the network.
        TopologyError
            For a self-loop or a connection into an input neuron.
        DuplicateNameError
            If the two neurons are already connected.
        CycleError
            If the connection would close a cycle; the message names it.

        Examples
        --------
        >>> net = Network()
        >>> _ = net.add_input("x"); _ = net.add_output("y")
        >>> net.connect("x", "y", weight=0.5)
        Connection('x' -> 'y', weight=0.5)
        """
        source, target = self._neuron(source), self._neuron(target)
        weight = self._shared_weight(weight, share)
        if source is target:
            raise TopologyError(
                f"cannot connect neuron {source.name!r} to itself: a feed-forward network "
                "has no self-loops (a HopfieldNetwork is the recurrent kind)"
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
        if nx.has_path(self._graph, target.name, source.name):
            cycle = [
                *nx.shortest_path(self._graph, target.name, source.name),
                target.name,
            ]
            raise CycleError(
                f"connecting {source.name!r} -> {target.name!r} would close the cycle "
                + " -> ".join(cycle)
                + "; a feed-forward network must stay acyclic"
            )
        if not isinstance(trainable, bool):
            raise ParameterError(f"trainable must be True or False, got {trainable!r}")
        if weight is None:
            fan_in = np.array([self._graph.in_degree(target.name) + 1])
            fan_out = np.array([self._graph.out_degree(source.name) + 1])
            weight = _draw_weights(
                get_initializer(self.init), self.rng, fan_in, fan_out
            )[0]
        connection = Connection(source, target, weight)
        self._store.adopt(connection.parameter, connection)
        if not trainable:
            connection.parameter.trainable = False
        self._graph.add_edge(source.name, target.name, connection=connection)
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
        edges : iterable of (source, target, weight)
            Neurons by name or object; a weight is a float or a shared
            :class:`~neurosim.parameters.Parameter`.

        Raises
        ------
        UnknownNameError, TopologyError, DuplicateNameError, CycleError
            As :meth:`connect`; the message names the connection at fault.

        Examples
        --------
        >>> net = Network()
        >>> _ = net.add_input("x"); _ = net.add_neuron("h"); _ = net.add_output("y")
        >>> net.connect_many([("x", "h", 0.5), ("h", "y", -1.0)])
        [Connection('x' -> 'h', weight=0.5), Connection('h' -> 'y', weight=-1)]
        """
        connections, seen = [], set()
        for source, target, weight in edges:
            source, target = self._neuron(source), self._neuron(target)
            if source is target or target.is_input:
                raise TopologyError(
                    f"cannot connect {source.name!r} -> {target.name!r}: "
                    + (
                        "a neuron to itself"
                        if source is target
                        else "the target is an input"
                    )
                )
            key = (source.name, target.name)
            if key in seen or self._graph.has_edge(*key):
                raise DuplicateNameError(f"{key[0]!r} -> {key[1]!r} appears twice")
            seen.add(key)
            connections.append(Connection(source, target, weight))
        trial = nx.DiGraph(self._graph.edges)
        trial.add_nodes_from(self._graph)
        trial.add_edges_from(seen)
        if not nx.is_directed_acyclic_graph(trial):
            cycle = [u for u, _ in nx.find_cycle(trial)]
            raise CycleError(
                "the connections form the cycle "
                + " -> ".join([*cycle, cycle[0]])
                + "; a feed-forward network must be acyclic"
            )
        for connection in connections:
            self._store.adopt(connection.parameter, connection)
        self._graph.add_edges_from(
            (c.source.name, c.target.name, {"connection": c}) for c in connections
        )
        self._topology_changed()
        return connections

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
        self._topology_changed()
        return connection

    def remove_neuron(self, neuron: NeuronRef) -> Neuron:
        """Remove a neuron and every connection to or from it; return the neuron.

        Examples
        --------
        >>> net = Network.layered([2, 2, 1], seed=0)
        >>> net.remove_neuron("h1_2")
        Neuron('h1_2', role='hidden', activation='sigmoid', bias=0)
        >>> len(net.connections)
        3
        """
        neuron = self._neuron(neuron)
        for _, _, connection in [
            *self._graph.in_edges(neuron.name, data="connection"),
            *self._graph.out_edges(neuron.name, data="connection"),
        ]:
            self._store.release(connection.parameter, connection)
        if neuron.bias_parameter is not None:
            self._store.release(neuron.bias_parameter, neuron)
        neuron.store = None
        self._graph.remove_node(neuron.name)
        self._topology_changed()
        return neuron

    def initialize(
        self, init: str | None = None, seed: int | None = None, bias: float = 0.0
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
        weights = _draw_weights(draw, rng, fan_in, fan_out)
        self.rng = rng
        for (_, _, connection), weight in zip(edges, weights.tolist()):
            connection.weight = weight
        for neuron in self.neurons:
            if not neuron.is_input:
                neuron.bias = bias

    @classmethod
    def layered(
        cls,
        sizes: Sequence[int],
        activation: str | Activation = "sigmoid",
        output_activation: str | Activation | None = None,
        init: str | None = None,
        seed: int | None = None,
    ) -> Network:
        """Build a fully connected layered network (a multi-layer perceptron).

        Neurons are named ``x1 … xn`` (inputs), ``h1_1 …`` (hidden layer 1,
        neuron 1 …) and ``y1 …`` (outputs). Biases start at zero.

        Parameters
        ----------
        sizes : sequence of int
            Neurons per layer, inputs first, outputs last; at least two layers.
        activation : str or Activation, default "sigmoid"
            Activation of the hidden neurons.
        output_activation : str or Activation, optional
            Activation of the outputs; defaults to ``activation``. Use
            ``"identity"`` with the ``cross_entropy`` loss.
        init : str or callable, optional
            Weight scheme; ``"he"`` for the ReLU family, else ``"xavier"``.
        seed : int, optional
            Seed of the network's generator.

        Examples
        --------
        >>> net = Network.layered([2, 3, 1], activation="tanh", seed=0)
        >>> [n.name for n in net.neurons]
        ['x1', 'x2', 'h1_1', 'h1_2', 'h1_3', 'y1']
        """
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Iterable):
            raise ParameterError(
                f"sizes must be a list of layer sizes such as [2, 4, 1], got {sizes!r}"
            )
        sizes = [check_count(size, f"layer size {i}") for i, size in enumerate(sizes)]
        if len(sizes) < 2:
            raise ParameterError(
                f"a layered network needs at least an input and an output layer, got sizes={sizes}"
            )
        hidden_activation = get_activation(activation)
        output_activation = get_activation(
            hidden_activation if output_activation is None else output_activation
        )
        net = cls(init=init or default_initializer(hidden_activation.name), seed=seed)
        layers = [[net.add_input(f"x{j + 1}") for j in range(sizes[0])]]
        for depth, size in enumerate(sizes[1:-1], start=1):
            layers.append(
                [
                    net.add_neuron(f"h{depth}_{j + 1}", hidden_activation)
                    for j in range(size)
                ]
            )
        layers.append(
            [net.add_output(f"y{j + 1}", output_activation) for j in range(sizes[-1])]
        )
        draw = get_initializer(net.init)
        edges = []
        for sources, targets in itertools.pairwise(layers):
            shape = (len(sources), len(targets))
            weights = _draw_weights(
                draw,
                net.rng,
                np.full(shape, len(sources)),
                np.full(shape, len(targets)),
            )
            edges.extend(
                (s, t, w)
                for s, row in zip(sources, weights.tolist())
                for t, w in zip(targets, row)
            )
        net.connect_many(edges)
        return net

    def stored_pass(self) -> tuple:
        """A copy of what the last passes left in the network, for :meth:`restore_pass`.

        That is every neuron's ``net``, ``output``, ``delta`` and ``bias_grad``,
        every connection's ``grad``, and which pass they came from. Tools
        that run passes of their own (:func:`~neurosim.gradcheck`) put it back
        so that ``state_table()`` and ``trace`` still show the user's pass.

        Examples
        --------
        >>> net = Network.layered([1, 1], activation="identity", seed=0)
        >>> _ = net.forward([1.0]); saved = net.stored_pass()
        >>> _ = net.forward([5.0]); net.restore_pass(saved); net["x1"].output
        1.0
        """
        neurons = [(n, n.net, n.output, n.delta, n.bias_grad) for n in self.neurons]
        grads = [(c, c.grad) for c in self.connections]
        flags = (self._last_pass, self._single_sample, self._has_gradients)
        return neurons, grads, flags, self.output_grads

    def restore_pass(self, saved: tuple) -> None:
        """Put back what :meth:`stored_pass` copied (the parameters are not touched)."""
        neurons, grads, flags, output_grads = saved
        for neuron, net, output, delta, bias_grad in neurons:
            neuron.net, neuron.output, neuron.delta = net, output, delta
            neuron.bias_grad = bias_grad
        for connection, grad in grads:
            connection.grad = grad
        self._last_pass, self._single_sample, self._has_gradients = flags
        self.output_grads = output_grads

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
    def parameters(self) -> list[Parameter]:
        """Every parameter (weights and biases; a shared one once), in creation order."""
        return list(self._store.parameters)

    @property
    def parameter_store(self) -> ParameterStore:
        """The owner of the parameters' values, shared with compiled networks."""
        return self._store

    @property
    def evaluation_order(self) -> list[tuple[Neuron, tuple[Connection, ...]]]:
        """Every non-input neuron with its incoming connections, in forward-pass order.

        A topological order of the graph, derived from it and rebuilt after
        every edit: it cannot be stale.

        Examples
        --------
        >>> [n.name for n, _ in Network.layered([1, 2, 1], seed=0).evaluation_order]
        ['h1_1', 'h1_2', 'y1']
        """
        return list(self._get_plan().forward_steps)

    def freeze(
        self, *items: NeuronRef | Connection | Parameter, biases: bool = False
    ) -> None:
        """Keep parameters fixed in training: gradients are computed, no optimizer changes them.

        Parameters
        ----------
        *items : neuron name, Neuron, Connection or Parameter
            A neuron freezes its bias and every weight into it (pass a
            layer's names to freeze the layer); a connection its weight.
        biases : bool, default False
            Also freeze every bias of the network.

        Examples
        --------
        >>> net = Network.layered([2, 2, 1], seed=0)
        >>> net.freeze(biases=True)
        >>> net.freeze("y1")
        >>> sum(p.trainable for p in net.parameters)   # the 4 weights into h1_*
        4
        >>> net.unfreeze("y1", biases=True)
        >>> sum(p.trainable for p in net.parameters)
        9
        """
        for parameter in self._chosen_parameters(items, biases):
            parameter.trainable = False

    def unfreeze(
        self, *items: NeuronRef | Connection | Parameter, biases: bool = False
    ) -> None:
        """Undo :meth:`freeze` for the same kinds of items."""
        for parameter in self._chosen_parameters(items, biases):
            parameter.trainable = True

    def _chosen_parameters(self, items, biases: bool) -> list[Parameter]:
        chosen = []
        for item in items:
            if isinstance(item, Parameter):
                if item.store is not self._store:
                    raise ParameterError(f"{item!r} is not a parameter of this network")
                chosen.append(item)
            elif isinstance(item, Connection):
                chosen.append(self.connection(item.source, item.target).parameter)
            else:
                neuron = self._neuron(item)
                if neuron.is_input:
                    raise ParameterError(
                        f"{neuron.name!r} is an input neuron: it has no bias and no "
                        "incoming weights to freeze"
                    )
                chosen.append(neuron.bias_parameter)
                chosen.extend(
                    c.parameter
                    for _, _, c in self._graph.in_edges(neuron.name, data="connection")
                )
        if biases:
            chosen.extend(n.bias_parameter for n in self.neurons if not n.is_input)
        return chosen

    def _repr_png_(self) -> bytes | None:
        """A drawing of the network for Jupyter; the text repr serves terminals.

        None (Jupyter then shows the text) past 200 neurons, where a picture
        would be a blur.
        """
        if len(self) > 200 or not self.inputs:
            return None
        try:
            from .plotting import network_png
        except MissingDependencyError:
            return None  # no matplotlib: Jupyter shows the text repr
        return network_png(self)

    def __repr__(self) -> str:
        def count(n: int, word: str) -> str:
            return f"{n} {word}" + ("s" if n != 1 and word != "hidden" else "")

        return (
            f"Network({count(len(self.inputs), 'input')}, {count(len(self.hidden), 'hidden')}, "
            f"{count(len(self.outputs), 'output')}; "
            f"{count(self._graph.number_of_edges(), 'connection')}, "
            f"{count(self.n_parameters, 'parameter')})"
        )

    # ------------------------------------------------------------------ computing

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Propagate one sample or a batch through the network, neuron by neuron.

        Parameters
        ----------
        x : array_like
            One sample, shape ``(n_inputs,)``, or a batch, ``(batch, n_inputs)``.

        Returns
        -------
        ndarray
            The outputs: shape ``(n_outputs,)`` for one sample,
            ``(batch, n_outputs)`` for a batch.

        Raises
        ------
        ShapeError, DataError
            For a wrong shape, or values that are not finite numbers.
        TopologyError
            For a network without inputs or outputs, or with an output that
            no input reaches.

        Examples
        --------
        >>> net = Network.layered([2, 1], activation="identity", seed=0)
        >>> net.connection("x1", "y1").weight, net.connection("x2", "y1").weight = 1.0, 2.0
        >>> net.forward([3.0, 4.0])
        array([11.])
        >>> net.forward([[3.0, 4.0], [1.0, 0.0]])
        array([[11.],
               [ 1.]])
        """
        plan = self._get_plan()
        batch, single = as_samples(x, len(plan.inputs), "input x")
        outputs = self._propagate(batch, single)
        return outputs[0] if single else outputs

    def predict(self, x: ArrayLike) -> np.ndarray:
        """The network's outputs for ``x``: the same as :meth:`forward`.

        Examples
        --------
        >>> Network.layered([1, 1], activation="identity", seed=0).predict([[0.0]])
        array([[0.]])
        """
        return self.forward(x)

    def backward(self, target: ArrayLike, loss: str | Loss = "mse") -> float:
        """Backpropagate the loss of the last forward pass, neuron by neuron.

        Sets every neuron's ``delta`` and ``bias_grad`` and every connection's
        ``grad`` for the sample or batch of the last :meth:`forward` (replacing,
        not adding to, those of an earlier call). No weight changes.

        Parameters
        ----------
        target : array_like
            The target outputs, shaped like the last forward pass's outputs.
        loss : str or Loss, default "mse"
            See :mod:`neurosim.losses`.

        Returns
        -------
        float
            The loss (the mean over the batch).

        Raises
        ------
        StateError
            If no forward pass has been made since the network last changed.
        ShapeError, DataError
            For targets of the wrong shape or with non-finite values.
        NumericalError
            If the loss is NaN or infinite.

        Examples
        --------
        >>> net = Network.layered([1, 1], activation="identity", seed=0)
        >>> net.connection("x1", "y1").weight = 2.0
        >>> net.forward([1.5])
        array([3.])
        >>> net.backward([1.0], loss="mse")     # (3 - 1)²
        4.0
        >>> net.connection("x1", "y1").grad     # 2 (3 - 1) · 1.5
        6.0
        """
        plan = self._get_plan()
        if self._store.holder is not None:
            self._forget_pass()  # a compiled network trained since the forward pass
        if self._last_pass is None:
            raise StateError(
                "backward needs the neuron outputs of a forward pass; call "
                "net.forward(x) first (again if the network changed since)"
            )
        loss = self._check_loss(loss)
        targets, single = as_samples(target, len(plan.outputs), "target")
        if single != self._single_sample or targets.shape[0] != self._last_pass:
            expected = (
                f"({len(plan.outputs)},)"
                if self._single_sample
                else f"({self._last_pass}, {len(plan.outputs)})"
            )
            raise ShapeError(
                f"target has shape {np.shape(target)} but the last forward pass was "
                f"{'one sample' if self._single_sample else f'a batch of {self._last_pass}'}; "
                f"pass targets of shape {expected}"
            )
        outputs = self._output_matrix()
        value = loss.value(outputs, targets)
        if not np.isfinite(value):
            raise NumericalError(
                f"the {loss.name} loss is {value}: the outputs are {outputs.tolist()}; "
                "check the targets' range for this loss, or lower the learning rate if "
                "training diverged"
            )
        self._backpropagate(loss.gradient(outputs, targets))
        return value

    def step(self, lr: float = 0.1, optimizer: Optimizer | None = None) -> None:
        """Update every weight and bias from the gradients of the last :meth:`backward`.

        Parameters
        ----------
        lr : float, default 0.1
            The learning rate of plain gradient descent, ``w ← w − lr · grad``.
        optimizer : Optimizer, optional
            Use this update rule (and its running state) instead.

        Examples
        --------
        >>> net = Network.layered([1, 1], activation="identity", seed=0)
        >>> net.connection("x1", "y1").weight = 2.0
        >>> _ = net.forward([1.0]); _ = net.backward([0.0], loss="sse")
        >>> net.step(lr=0.5)
        >>> net.connection("x1", "y1").weight   # 2 - 0.5 · 2
        1.0
        """
        if self._store.holder is not None:
            self._forget_pass()  # a compiled network trained since these gradients
        if not self._has_gradients:
            raise StateError(
                "step needs gradients: call net.forward(x) and net.backward(target) first"
            )
        self._apply(step_optimizer(lr, optimizer))

    def fit(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        epochs: int = 100,
        lr: float | None = None,
        loss: str | Loss = "mse",
        optimizer: str | Optimizer | None = None,
        batch_size: int | None = 1,
        shuffle: bool = True,
        seed: int | None = None,
        validation_data: tuple[ArrayLike, ArrayLike] | None = None,
        metrics: Sequence = (),
        callbacks: Sequence = (),
        progress: bool = False,
        backend: str = "object",
    ) -> training.History:
        """Train the network by backpropagation; see :func:`neurosim.training.fit`.

        Parameters
        ----------
        backend : {"object", "vectorized"}, default "object"
            ``"object"`` propagates neuron by neuron through the graph;
            ``"vectorized"`` (or ``"vectorised"``) compiles the network
            (:meth:`compile`), trains the matrices and writes the weights
            back to the graph — the same schedule and numbers, much faster
            on large networks. Callbacks then receive the CompiledNetwork.
        Other parameters
            As :func:`neurosim.training.fit`.

        Examples
        --------
        >>> import neurosim as ns
        >>> X, Y = ns.datasets.xor()
        >>> net = ns.Network.layered([2, 4, 1], seed=0)
        >>> history = net.fit(X, Y, epochs=2000, lr=0.5, seed=0)
        >>> history.loss[-1] < 0.01
        True
        >>> net.predict(X).round().ravel()
        array([0., 1., 1., 0.])
        >>> fast = ns.Network.layered([2, 4, 1], seed=0)
        >>> _ = fast.fit(X, Y, epochs=2000, lr=0.5, seed=0, backend="vectorized")
        >>> bool(np.allclose(fast.predict(X), net.predict(X), rtol=1e-9))
        True
        """
        if backend not in ("object", "vectorized", "vectorised"):
            raise ParameterError(
                f"backend must be 'object' (neuron by neuron) or 'vectorized' (compiled "
                f"matrices), got {backend!r}"
            )
        # A compiled network is a view of this one's parameters: what it
        # trains is what the graph shows, with no copying back.
        model = self if backend == "object" else self.compile()
        return training.fit(
            model, X, Y, epochs=epochs, lr=lr, loss=loss, optimizer=optimizer,
            batch_size=batch_size, shuffle=shuffle, seed=seed,
            validation_data=validation_data, metrics=metrics,
            callbacks=callbacks, progress=progress,
        )  # fmt: skip

    def compile(self, dtype=np.float64):
        """Compile the network into weight matrices: the vectorised backend.

        The result offers the same ``forward``, ``backward``, ``step``,
        ``fit`` and ``predict``, with the same numbers. It is a view of this
        network's parameters: what it trains, the graph shows; what is edited
        through the graph, it uses. See :mod:`neurosim.compiled`.

        Parameters
        ----------
        dtype : {numpy.float64, numpy.float32}, default float64

        Returns
        -------
        CompiledNetwork

        Raises
        ------
        TopologyError
            For a network without inputs or outputs, or an unreachable output.

        Examples
        --------
        >>> net = Network.layered([64, 32, 10], activation="relu", seed=0)
        >>> net.compile()
        CompiledNetwork(2 blocks on 2 levels, 2410 parameters, float64)
        """
        from .compiled import CompiledNetwork

        return CompiledNetwork(self, dtype=dtype)

    # ------------------------------------------------------------------ teaching

    def trace(
        self, x: ArrayLike, target: ArrayLike | None = None, loss: str | Loss = "mse"
    ):
        """Every step of one forward (and backward) pass; see :func:`neurosim.teaching.trace`.

        Examples
        --------
        >>> net = Network.layered([1, 1], activation="identity", seed=0)
        >>> print(net.trace([2.0])[0])  # doctest: +ELLIPSIS
        net(y1) = ...·2.0 + 0.0 = ...
        """
        from .teaching import trace

        return trace(self, x, target=target, loss=loss)

    def explain(
        self,
        x: ArrayLike,
        target: ArrayLike,
        loss: str | Loss = "mse",
        format: str = "text",
        lr: float = 0.1,
    ) -> str:
        """One training step as a document; see :func:`neurosim.teaching.explain`.

        Examples
        --------
        >>> net = Network.layered([1, 1], seed=0)
        >>> net.explain([1.0], [0.0]).splitlines()[0]
        'One training step of Network(1 input, 0 hidden, 1 output; 1 connection, 2 parameters)'
        """
        from .teaching import explain

        return explain(self, x, target, loss=loss, format=format, lr=lr)

    def summary(self) -> str:
        """The neurons as a table and the parameter count; see :func:`neurosim.teaching.summary`.

        Examples
        --------
        >>> print(Network.layered([1, 1], seed=0).summary().splitlines()[-1])
        1 input, 0 hidden, 1 output; 1 connection; 2 trainable parameters
        """
        from .teaching import summary

        return summary(self)

    def state_table(self) -> str:
        """Each neuron's net, output, delta; see :func:`neurosim.teaching.state_table`.

        Examples
        --------
        >>> print(Network.layered([1, 1], seed=0).state_table().splitlines()[0])
        neuron  net  output  delta
        """
        from .teaching import state_table

        return state_table(self)

    # ------------------------------------------------------------------ internals

    @property
    def n_inputs(self) -> int:
        """The number of input neurons."""
        return len(self._get_plan().inputs)

    @property
    def n_outputs(self) -> int:
        """The number of output neurons."""
        return len(self._get_plan().outputs)

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

    def _topology_changed(self) -> None:
        self._plan = None
        self._forget_pass()
        self.topology_version += 1

    def _forget_pass(self) -> None:
        """Parameters changed from outside: the stored pass no longer matches them."""
        self._last_pass = None
        self._has_gradients = False

    def _get_plan(self) -> _Plan:
        if self._plan is None:
            self._plan = self._build_plan()
        return self._plan

    def _build_plan(self) -> _Plan:
        inputs, outputs = self._checked_inputs_and_outputs()
        graph = self._graph
        single_weights, single_biases, shared = [], [], []
        for parameter in self._store.parameters:
            users = tuple(parameter.users)
            if len(users) > 1:
                shared.append((parameter, users))
            elif isinstance(users[0], Connection):
                single_weights.append((parameter, users[0]))
            else:
                single_biases.append((parameter, users[0]))
        forward_steps, backward_steps = [], []
        for name in nx.topological_sort(graph):
            neuron = graph.nodes[name]["neuron"]
            if neuron.is_input:
                continue
            incoming = tuple(c for _, _, c in graph.in_edges(name, data="connection"))
            outgoing = tuple(c for _, _, c in graph.out_edges(name, data="connection"))
            forward_steps.append((neuron, incoming))
            backward_steps.append((neuron, incoming, outgoing))
        return _Plan(
            inputs,
            outputs,
            tuple(forward_steps),
            tuple(reversed(backward_steps)),
            tuple(single_weights),
            tuple(single_biases),
            tuple(shared),
        )

    def _checked_inputs_and_outputs(
        self,
    ) -> tuple[tuple[Neuron, ...], tuple[Neuron, ...]]:
        """The inputs and outputs, once checked that every output is reachable."""
        inputs, outputs = tuple(self.inputs), tuple(self.outputs)
        if not inputs or not outputs:
            raise TopologyError(
                f"the network has {len(inputs)} input and {len(outputs)} output neurons; "
                "it needs at least one of each (add_input, add_output)"
            )
        # one breadth-first search from all inputs at once: O(neurons + connections)
        reached = set().union(*nx.bfs_layers(self._graph, [n.name for n in inputs]))
        cut_off = [n.name for n in outputs if n.name not in reached]
        if cut_off:
            raise TopologyError(
                f"output neuron(s) {', '.join(map(repr, cut_off))} cannot be reached from any "
                "input; connect them (directly or through hidden neurons) to the inputs"
            )
        return inputs, outputs

    def _check_loss(self, loss: str | Loss) -> Loss:
        loss = get_loss(loss)
        if loss.needs_identity_outputs:
            wrong = [
                n.name
                for n in self._get_plan().outputs
                if n.activation.name != "identity"
            ]
            if wrong:
                raise ParameterError(
                    f"the {loss.name} loss applies a softmax to the output neurons' net inputs, "
                    f"so the outputs must use the 'identity' activation; {wrong} do not. "
                    "Build with output_activation='identity'."
                )
        return loss

    def _propagate(self, batch: np.ndarray, single: bool) -> np.ndarray:
        """Forward pass on validated input; return outputs of shape (batch, n_outputs)."""
        plan = self._get_plan()
        if self._store.holder is not None:
            self._store.pull()  # a compiled network trained last: fetch its values
        values = batch[0].tolist() if single else np.ascontiguousarray(batch.T)
        for neuron, value in zip(plan.inputs, values):
            neuron.output = value
        for neuron, incoming in plan.forward_steps:
            neuron.activate(incoming)
        self._last_pass, self._single_sample = batch.shape[0], single
        self._has_gradients = False
        return self._output_matrix()

    def _output_matrix(self) -> np.ndarray:
        outputs = self._plan.outputs
        if self._single_sample:
            return np.array([[neuron.output for neuron in outputs]])
        matrix = np.empty((self._last_pass, len(outputs)))
        for j, neuron in enumerate(outputs):
            matrix[:, j] = neuron.output
        return matrix

    def _backpropagate(self, output_grads: np.ndarray) -> None:
        """Backward pass given dL/d(outputs) of shape (batch, n_outputs)."""
        plan = self._plan
        columns = output_grads[0].tolist() if self._single_sample else output_grads.T
        grad_of = dict(zip(plan.outputs, columns))
        self.output_grads = grad_of  # ∂L/∂output of each output neuron, for the trace
        for neuron, incoming, outgoing in plan.backward_steps:
            neuron.backpropagate(outgoing, grad_of.get(neuron, 0.0))
            neuron.set_gradients(incoming)
        # Each parameter's gradient: its connection's, its neuron's, or the sum
        # over the connections (and biases) that share it.
        for parameter, connection in plan.single_weights:
            parameter.grad = connection.grad
        for parameter, neuron in plan.single_biases:
            parameter.grad = neuron.bias_grad
        for parameter, users in plan.shared:
            parameter.grad = sum(
                user.grad if isinstance(user, Connection) else user.bias_grad
                for user in users
            )
        self._has_gradients = True

    def _apply(self, optimizer: Optimizer) -> None:
        self._store.update(optimizer)

    def _train_batch(
        self, X: np.ndarray, Y: np.ndarray, loss: Loss, optimizer: Optimizer
    ) -> float:
        """One training step on validated data: forward, backward, update; return the loss."""
        outputs = self._propagate(X, single=X.shape[0] == 1)
        value, output_grads = loss.value_and_gradient(outputs, Y)
        self._backpropagate(output_grads)
        self._apply(optimizer)
        return value

    def _parameters(self) -> list[float]:
        return self._store.values()

    def _set_parameters(self, values: list[float]) -> None:
        self._store.set_values(values)


def _draw_weights(draw, rng, fan_in: np.ndarray, fan_out: np.ndarray) -> np.ndarray:
    """Call an initialiser and check its answer before anything is assigned.

    A user's initialiser that returns too few values, text or NaN must fail
    here, with the network still as it was, not later inside ``forward``.
    """
    weights = np.asarray(draw(rng, fan_in, fan_out))
    if weights.shape != fan_in.shape or weights.dtype.kind not in "iuf":
        raise ParameterError(
            f"the initialiser {getattr(draw, '__name__', draw)!r} returned values of shape "
            f"{weights.shape} and dtype {weights.dtype} for fan-in/fan-out arrays of shape "
            f"{fan_in.shape}; it must return one real number per connection: "
            "f(rng, fan_in, fan_out) -> an array shaped like fan_in"
        )
    if not np.isfinite(weights).all():
        raise NumericalError(
            f"the initialiser {getattr(draw, '__name__', draw)!r} returned a non-finite "
            f"weight ({weights[~np.isfinite(weights)][0]}); every weight must be finite"
        )
    return weights.astype(float)
