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

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ._checks import SeedLike, check_count, check_flag
from .activations import Activation, get_activation
from .compiled import CompiledNetwork
from .compiled.recurrent import CompiledRecurrent
from .errors import MissingDependencyError, ParameterError, suggest_options
from .graph import Graph, NeuronRef
from .history import History
from .initializers import default_initializer
from .layers import build_convolutional, build_layered
from .losses import Loss
from .model import Model
from .neuron import Connection
from .optimizers import Optimizer
from .parameters import Parameter
from .recurrent import RecurrentBuilders

if TYPE_CHECKING:
    from .teaching.page import ExplanationPage
    from .teaching.playground import PlaygroundPage

__all__ = ["Network"]


class Network(RecurrentBuilders, Graph):
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

    @classmethod
    def layered(
        cls,
        sizes: Sequence[int],
        activation: str | Activation = "sigmoid",
        output_activation: str | Activation | None = None,
        init: str | None = None,
        seed: SeedLike = None,
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
        return build_layered(net, sizes, hidden_activation, output_activation)

    @classmethod
    def convolutional(
        cls,
        input_shape: tuple[int, ...],
        layers: Sequence,
        output_activation: str | Activation = "identity",
        seed: SeedLike = None,
    ) -> Network:
        """A convolutional network of ordinary neurons, from layer specs.

        Parameters
        ----------
        input_shape : (rows, columns) or (channels, rows, columns)
            The image; the inputs are its pixels in ``image.ravel()`` order.
        layers : sequence of layer specs
            :class:`~neurosim.layers.Conv`, :class:`~neurosim.layers.MaxPool`,
            :class:`~neurosim.layers.AvgPool` and, last, one or more
            :class:`~neurosim.layers.Dense` (the last gives the outputs).
        output_activation : str or Activation, default "identity"
            For the output layer ("identity" suits ``loss="cross_entropy"``).
        seed : int, optional
            Seed of the weights' generator.

        Examples
        --------
        >>> from neurosim.layers import Conv, Dense, MaxPool
        >>> net = Network.convolutional((8, 8), [Conv(4, 3), MaxPool(2), Dense(10)], seed=0)
        >>> net
        Network(64 inputs, 180 hidden, 10 outputs; 1800 connections, 412 parameters)
        >>> net.connection("x[0,0]", "conv1[2,0,0]").parameter is net.connection(
        ...     "x[5,5]", "conv1[2,5,5]").parameter          # one shared kernel weight
        True
        """
        return build_convolutional(
            cls(seed=seed), input_shape, layers, output_activation
        )

    # ------------------------------------------------------------------ training

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
        >>> import neurosim as ns
        >>> net = ns.Network.layered([2, 2, 1], seed=0)
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
        biases = check_flag(biases, "biases")
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

    @suggest_options
    def fit(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        *,
        backend: str = "object",
        epochs: int = 100,
        lr: float | None = None,
        loss: str | Loss = "mse",
        optimizer: str | Optimizer | None = None,
        batch_size: int | None = 1,
        shuffle: bool = True,
        seed: SeedLike = None,
        validation_data: tuple[ArrayLike, ArrayLike] | None = None,
        metrics: str | Callable | Sequence[str | Callable] = (),
        callbacks: Sequence[Callable] = (),
        progress: bool = False,
        restore: bool = True,
        max_evaluations: int | None = None,
        target_loss: float | None = None,
        steps_per_update: int | None = None,
        l1: float = 0.0,
        l2: float = 0.0,
    ) -> History:
        """Train the network by backpropagation (or an evolution strategy).

        Parameters
        ----------
        X, Y : array_like
            Inputs (n_samples, n_inputs) and targets (n_samples, n_outputs).
        backend : {"object", "vectorized"}, default "object"
            ``"object"`` propagates neuron by neuron through the graph;
            ``"vectorized"`` (or ``"vectorised"``) trains a compiled view of
            the network (:meth:`compile`) — the same schedule and numbers,
            much faster on large networks, and the graph shows the trained
            weights. Callbacks then receive the CompiledNetwork.
        epochs, lr, loss, optimizer, batch_size, shuffle, seed, validation_data, metrics, callbacks, progress, restore, steps_per_update, l1, l2
            See :func:`neurosim.training.fit`.
        max_evaluations, target_loss
            For an evolution strategy as ``optimizer``: see :meth:`Model.fit`.

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
        options = {
            "epochs": epochs, "lr": lr, "loss": loss, "optimizer": optimizer,
            "batch_size": batch_size, "shuffle": shuffle, "seed": seed,
            "validation_data": validation_data, "metrics": metrics,
            "callbacks": callbacks, "progress": progress, "restore": restore,
            "max_evaluations": max_evaluations, "target_loss": target_loss,
            "steps_per_update": steps_per_update, "l1": l1, "l2": l2,
        }  # fmt: skip
        return Model.fit(model, X, Y, **options)

    def compile(self, dtype=np.float64, *, structured: bool = True):
        """Compile the network into weight matrices: the vectorised backend.

        The result offers the same ``forward``, ``backward``, ``step``,
        ``fit`` and ``predict``, with the same numbers. It is a view of this
        network's parameters: what it trains, the graph shows; what is edited
        through the graph, it uses. See :mod:`neurosim.compiled`.

        Parameters
        ----------
        dtype : {numpy.float64, numpy.float32}, default float64
        structured : bool, default True
            Compute recognised convolutions as matrix products over patches;
            False uses the general blocks for every level (the same numbers).
            Feed-forward networks only.

        Returns
        -------
        CompiledNetwork

        Raises
        ------
        TopologyError
            For a network without inputs or outputs, or an unreachable output.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([64, 32, 10], activation="relu", seed=0)
        >>> net.compile()
        CompiledNetwork(2 blocks on 2 levels, 2410 parameters, float64)
        """

        if self.is_recurrent:
            return CompiledRecurrent(self, dtype=dtype)
        return CompiledNetwork(self, dtype=dtype, structured=structured)

    # ------------------------------------------------------------------ views
    # One-line delegations to the layers above (the teaching tools, pictures):
    # the only imports of the network that point upwards.

    def trace(
        self, x: ArrayLike, target: ArrayLike | None = None, loss: str | Loss = "mse"
    ):
        """Every step of one forward (and backward) pass; see :func:`neurosim.teaching.trace`.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
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
        l1: float = 0.0,
        l2: float = 0.0,
    ) -> str | ExplanationPage:
        """One training step as a document; see :func:`neurosim.teaching.explain`.

        ``format="text"`` or ``"markdown"`` give a string, ``"html"`` an
        :class:`~neurosim.teaching.page.ExplanationPage` (its ``str`` is the
        page; Jupyter shows it live).

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([1, 1], seed=0)
        >>> net.explain([1.0], [0.0]).splitlines()[0]
        'One training step of Network(1 input, 0 hidden, 1 output; 1 connection, 2 parameters)'
        """
        from .teaching import explain

        return explain(self, x, target, loss=loss, format=format, lr=lr, l1=l1, l2=l2)

    def playground(
        self, X: ArrayLike | None = None, Y: ArrayLike | None = None, **options
    ) -> PlaygroundPage:
        """This network, with its weights, in the live training page.

        See :func:`neurosim.teaching.playground.playground` for ``X``, ``Y``
        (your points and labels; else a Playground data set) and the options.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([2, 3, 1], activation="tanh", seed=0)
        >>> net.playground(dataset="xor")
        PlaygroundPage(live training: xor, 2-3-1, tanh, sgd)
        """
        from .teaching.playground import playground

        return playground(self, X, Y, **options)

    def summary(self) -> str:
        """The neurons as a table and the parameter count; see :func:`neurosim.teaching.summary`.

        Examples
        --------
        >>> import neurosim as ns
        >>> print(ns.Network.layered([1, 1], seed=0).summary().splitlines()[-1])
        1 input, 0 hidden, 1 output; 1 connection; 2 parameters
        """
        from .teaching import summary

        return summary(self)

    def state_table(self) -> str:
        """Each neuron's net, output, delta; see :func:`neurosim.teaching.state_table`.

        Examples
        --------
        >>> import neurosim as ns
        >>> print(ns.Network.layered([1, 1], seed=0).state_table().splitlines()[0])
        neuron  net  output  delta
        """
        from .teaching import state_table

        return state_table(self)

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
            f"{count(self._graph.number_of_edges(), 'connection')}"
            + (f" ({self._n_delayed} delayed)" if self._n_delayed else "")
            + f", {count(self.n_parameters, 'parameter')})"
        )
