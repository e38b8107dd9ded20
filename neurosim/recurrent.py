"""Builders of recurrent networks: Elman's and Jordan's simple recurrent networks, and ``torch.nn.RNN``'s.

Each is an ordinary :class:`~neurosim.network.Network` whose recurrence is
made of connections with a delay (DESIGN, "Time"):

- **Elman (1990)**: hidden units h, and context units c that hold a copy of
  the hidden layer one step back — ``h_j → c_j`` with weight 1.0, frozen,
  delay 1 — and feed every hidden unit, with trainable weights. The context
  starts at 0.5. ``context_units=False`` leaves the copies out: the hidden
  units read each other one step back directly, the same numbers.
- **Jordan (1986)**: state units s that hold a copy of the outputs one step
  back (weight 1.0, frozen, delay 1), optionally with a self-loop of weight
  ``decay`` (frozen, delay 1): ``s(t) = y(t − 1) + decay · s(t − 1)``.
- **rnn**: ``torch.nn.RNN`` with one layer and a linear read-out,
  ``h_t = tanh(W_ih x_t + W_hh h_(t−1) + b)``, ``y_t = W h_t + b_y``; its
  one bias per hidden unit is PyTorch's ``b_ih + b_hh``.

Elman trained his networks with plain backpropagation at every step, the
context taken as given: ``net.truncation = 1``. Full backpropagation
through time is the default.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

from ._checks import (
    BYTES_PER_CONNECTION,
    BYTES_PER_NEURON,
    SeedLike,
    check_count,
    check_flag,
    check_memory,
    check_number,
)
from .activations import Activation, get_activation
from .initializers import default_initializer, draw_weights, get_initializer
from .lstm import LSTM, lstm_layer
from .parameters import Parameter

if TYPE_CHECKING:
    from .network import Network

__all__ = [
    "RecurrentBuilders",
    "build_elman",
    "build_jordan",
    "build_lstm",
    "build_rnn",
]


def _dense(net, sources, targets, delay: int = 0) -> list[tuple]:
    """Fully connect ``sources`` to ``targets`` with weights drawn by the network's scheme."""
    shape = (len(sources), len(targets))
    weights = draw_weights(
        get_initializer(net.init),
        net.rng,
        np.full(shape, len(sources)),
        np.full(shape, len(targets)),
    )
    return [
        (s, t, w, delay)
        for s, row in zip(sources, weights.tolist())
        for t, w in zip(targets, row)
    ]


def _copies(sources, targets) -> list[tuple]:
    """One-to-one copy connections, weight 1.0 and delay 1 (frozen by the caller)."""
    return [(s, t, 1.0, 1) for s, t in zip(sources, targets)]


def _layers(net, n_inputs, n_hidden, n_outputs, activation, output_activation):
    inputs = [net.add_input(f"x{j + 1}") for j in range(n_inputs)]
    hidden = [net.add_neuron(f"h{j + 1}", activation) for j in range(n_hidden)]
    outputs = [net.add_output(f"y{j + 1}", output_activation) for j in range(n_outputs)]
    return inputs, hidden, outputs


def _sizes(n_inputs, n_hidden, n_outputs) -> tuple[int, int, int]:
    return (
        check_count(n_inputs, "n_inputs"),
        check_count(n_hidden, "n_hidden"),
        check_count(n_outputs, "n_outputs"),
    )


def build_elman(
    net,
    n_inputs: int,
    n_hidden: int,
    n_outputs: int,
    activation: str | Activation,
    output_activation: str | Activation,
    context_units: bool,
    initial_context: float,
):
    """Build :meth:`Network.elman <neurosim.network.Network.elman>` into ``net``."""
    n_inputs, n_hidden, n_outputs = _sizes(n_inputs, n_hidden, n_outputs)
    initial_context = check_number(initial_context, "initial_context")
    inputs, hidden, outputs = _layers(
        net, n_inputs, n_hidden, n_outputs, activation, output_activation
    )
    for neuron in hidden:
        neuron.initial_output = initial_context
    edges = _dense(net, inputs, hidden)
    if context_units:
        context = [net.add_neuron(f"c{j + 1}", "identity") for j in range(n_hidden)]
        for neuron in context:
            neuron.initial_output = initial_context
        edges += _dense(net, context, hidden)
    else:
        edges += _dense(net, hidden, hidden, delay=1)
    edges += _dense(net, hidden, outputs)
    if context_units:
        # The copies go last: the trainable weights are drawn as in the delay form.
        edges += _copies(hidden, context)
    net.connect_many(edges)
    if context_units:
        net.freeze(*context)  # their biases (0) and the copies into them (1.0)
    return net


def build_jordan(
    net,
    n_inputs: int,
    n_hidden: int,
    n_outputs: int,
    activation: str | Activation,
    output_activation: str | Activation,
    decay: float,
):
    """Build :meth:`Network.jordan <neurosim.network.Network.jordan>` into ``net``."""
    n_inputs, n_hidden, n_outputs = _sizes(n_inputs, n_hidden, n_outputs)
    decay = check_number(decay, "decay")
    inputs, hidden, outputs = _layers(
        net, n_inputs, n_hidden, n_outputs, activation, output_activation
    )
    state = [net.add_neuron(f"s{j + 1}", "identity") for j in range(n_outputs)]
    edges = _dense(net, inputs, hidden) + _dense(net, state, hidden)
    edges += _dense(net, hidden, outputs)
    fixed = _copies(outputs, state)
    if decay:
        fixed += [(s, s, decay, 1) for s in state]
    net.connect_many(edges + fixed)
    net.freeze(*state)  # their biases (0), the copies (1.0) and the decay
    return net


def build_rnn(
    net,
    n_inputs: int,
    n_hidden: int,
    n_outputs: int,
    activation: str | Activation,
    output_activation: str | Activation,
):
    """Build :meth:`Network.rnn <neurosim.network.Network.rnn>` into ``net``."""
    n_inputs, n_hidden, n_outputs = _sizes(n_inputs, n_hidden, n_outputs)
    inputs, hidden, outputs = _layers(
        net, n_inputs, n_hidden, n_outputs, activation, output_activation
    )
    edges = list(
        itertools.chain(
            _dense(net, inputs, hidden),
            _dense(net, hidden, hidden, delay=1),
            _dense(net, hidden, outputs),
        )
    )
    net.connect_many(edges)
    return net


def build_lstm(net, n_inputs, layer, n_outputs, output_activation, readout_bias):
    """Build :meth:`Network.lstm <neurosim.network.Network.lstm>` into ``net``."""
    n_inputs = check_count(n_inputs, "n_inputs")
    spec = layer if isinstance(layer, LSTM) else LSTM(layer)
    if n_outputs is not None:
        n_outputs = check_count(n_outputs, "n_outputs")
        check_flag(readout_bias, "readout_bias")
    inputs = [net.add_input(f"x{j + 1}") for j in range(n_inputs)]
    h = lstm_layer(net, inputs, spec, "lstm1", output=n_outputs is None)
    if n_outputs is not None:
        outputs = [
            net.add_output(
                f"y{k + 1}",
                output_activation,
                0.0 if readout_bias else Parameter(0.0, False),
            )
            for k in range(n_outputs)
        ]
        net.connect_many(_dense(net, h, outputs))
    return net


def initializer_for(activation: str | Activation, init: str | None) -> str:
    """The weight scheme: ``init`` if given, else the one that suits ``activation``."""
    return init or default_initializer(get_activation(activation).name)


class RecurrentBuilders:
    """The constructors of :class:`~neurosim.network.Network` for recurrent networks.

    ``Network.elman``, ``Network.jordan`` and ``Network.rnn``; written here,
    beside the builders they call.
    """

    @classmethod
    def elman(
        cls,
        n_inputs: int,
        n_hidden: int,
        n_outputs: int,
        activation: str | Activation = "sigmoid",
        output_activation: str | Activation | None = None,
        context_units: bool = True,
        initial_context: float = 0.5,
        init: str | None = None,
        seed: SeedLike = None,
    ) -> Network:
        """Elman's simple recurrent network (1990): hidden units and their context one step back.

        Inputs ``x1 …``, hidden ``h1 …``, outputs ``y1 …``; with
        ``context_units``, context units ``c1 …`` (identity, bias 0 frozen)
        each fed by its hidden unit through a frozen copy connection of
        weight 1.0 and delay 1, and feeding every hidden unit. Without, the
        hidden units read each other with delay 1 directly: the same
        numbers with fewer neurons. See :mod:`neurosim.recurrent`.

        Parameters
        ----------
        n_inputs, n_hidden, n_outputs : int
        activation : str or Activation, default "sigmoid"
            Elman's logistic units.
        output_activation : str or Activation, optional
            Defaults to ``activation``.
        context_units : bool, default True
        initial_context : float, default 0.5
            The context before the first step (each hidden unit's and context
            unit's ``initial_output``), Elman's 0.5.
        init : str, optional
            Weight scheme (default: the one that suits ``activation``).
        seed : int, optional

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network.elman(1, 2, 1, seed=0)
        >>> net
        Network(1 input, 4 hidden, 1 output; 10 connections (2 delayed), 15 parameters)
        >>> net.connection("h1", "c1")
        Connection('h1' -> 'c1', weight=1, delay=1, frozen)
        >>> net.forward([1.0, 0.0, 1.0]).shape    # a sequence of 3 steps
        (3, 1)
        """
        output_activation = (
            activation if output_activation is None else output_activation
        )
        net = cls(init=initializer_for(activation, init), seed=seed)
        return build_elman(
            net, n_inputs, n_hidden, n_outputs, activation, output_activation,
            check_flag(context_units, "context_units"), initial_context,
        )  # fmt: skip

    @classmethod
    def jordan(
        cls,
        n_inputs: int,
        n_hidden: int,
        n_outputs: int,
        activation: str | Activation = "sigmoid",
        output_activation: str | Activation | None = None,
        decay: float = 0.0,
        init: str | None = None,
        seed: SeedLike = None,
    ) -> Network:
        """Jordan's network (1986): state units hold the outputs one step back.

        State units ``s1 …`` (one per output, identity, bias 0 frozen) are
        fed by the outputs through frozen copy connections (weight 1.0,
        delay 1) and, with ``decay``, by themselves one step back
        (``s(t) = y(t − 1) + decay · s(t − 1)``, frozen); they feed every
        hidden unit. See :mod:`neurosim.recurrent`.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network.jordan(2, 3, 1, decay=0.5, seed=0)
        >>> net.connection("s1", "s1")
        Connection('s1' -> 's1', weight=0.5, delay=1, frozen)
        """
        output_activation = (
            activation if output_activation is None else output_activation
        )
        net = cls(init=initializer_for(activation, init), seed=seed)
        return build_jordan(
            net, n_inputs, n_hidden, n_outputs, activation, output_activation, decay
        )

    @classmethod
    def rnn(
        cls,
        n_inputs: int,
        n_hidden: int,
        n_outputs: int,
        activation: str | Activation = "tanh",
        output_activation: str | Activation = "identity",
        init: str | None = None,
        seed: SeedLike = None,
    ) -> Network:
        """A one-layer simple recurrent network with a linear read-out: ``torch.nn.RNN`` + ``Linear``.

        ``h_t = tanh(W_ih x_t + W_hh h_(t−1) + b)`` with ``h_(−1) = 0``, and
        ``y_t = W_hy h_t + b_y``. Hidden units ``h1 …`` read each other with
        delay 1. ``b`` is PyTorch's ``b_ih + b_hh``.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network.rnn(3, 8, 2, seed=0)
        >>> net.connection("h2", "h5").delay
        1
        """
        net = cls(init=initializer_for(activation, init), seed=seed)
        return build_rnn(
            net, n_inputs, n_hidden, n_outputs, activation, output_activation
        )

    @classmethod
    def lstm(
        cls,
        n_inputs: int,
        layer: int | LSTM,
        n_outputs: int | None,
        output_activation: str | Activation = "identity",
        readout_bias: bool = True,
        init: str | None = "xavier",
        seed: SeedLike = None,
    ) -> Network:
        """An LSTM layer of neurons with a dense read-out: ``torch.nn.LSTM`` + ``Linear``.

        Parameters
        ----------
        n_inputs : int
            Input neurons ``x1 …``.
        layer : int or :class:`~neurosim.lstm.LSTM`
            The number of cells (each with its own gates, a forget gate, no
            peepholes), or the layer described in full.
        n_outputs : int or None
            Output neurons ``y1 …``, each reading every cell output h; None
            makes the cell outputs themselves the network's outputs (as
            ``nn.LSTM`` alone).
        output_activation : str or Activation, default "identity"
        readout_bias : bool, default True
            Whether the outputs have a trainable bias (False: a frozen 0).
        init, seed
            As for :meth:`layered`; ``init`` may be a function
            ``f(rng, fan_in, fan_out)``.

        Examples
        --------
        >>> from neurosim import Network
        >>> net = Network.lstm(3, 4, 2, seed=0)
        >>> net["lstm1.c[3]"], net.connection("lstm1.h[1]", "lstm1.i[2]").delay
        (Neuron('lstm1.c[3]', role='hidden', activation='identity', bias=0, bias frozen), 1)
        """
        net = cls(init=init, seed=seed)
        return build_lstm(
            net, n_inputs, layer, n_outputs, output_activation, readout_bias
        )

    def unroll(self, steps: int) -> Network:
        """The network unrolled over ``steps`` time steps: an ordinary feed-forward network.

        Every neuron ``n`` becomes ``steps`` copies ``n@0 … n@(steps−1)``; a
        connection with delay d joins ``a@(t−d)`` to ``b@t``, and before the
        first step reads ``a@init``, a neuron without inputs whose frozen
        bias is ``a``'s initial output. Every weight and bias is one
        parameter shared by its copies, so the unrolled network's gradients
        are the gradients of backpropagation through time (full, whatever
        ``truncation`` says): :func:`~neurosim.gradcheck`, ``draw_network``,
        the step page and the exporters work on it unchanged.

        Its inputs are ``x@0`` (every input at step 0), then step 1, …; its
        outputs likewise. So one sequence ``(steps, n_inputs)`` is one
        sample ``sequence.ravel()``, and the outputs reshape to
        ``(steps, n_outputs)``.

        Examples
        --------
        >>> import numpy as np
        >>> from neurosim import Network
        >>> net = Network.elman(1, 2, 1, context_units=False, seed=0)
        >>> flat = net.unroll(3)
        >>> [n.name for n in flat.outputs]
        ['y1@0', 'y1@1', 'y1@2']
        >>> x = np.array([[1.0], [0.0], [1.0]])
        >>> bool(np.allclose(flat.forward(x.ravel()), net.forward(x).ravel(), rtol=1e-14))
        True
        """
        steps = check_count(steps, "steps")
        connections = self.connections
        check_memory(
            steps
            * (BYTES_PER_CONNECTION * len(connections) + BYTES_PER_NEURON * len(self)),
            f"the network unrolled over {steps:,} steps",
            "unroll over fewer steps",
        )
        flat = type(self)(init=self.init)
        copies: dict = {}

        def shared(parameter: Parameter) -> Parameter:
            if parameter not in copies:
                copies[parameter] = Parameter(
                    parameter.value, parameter.trainable, parameter.given_name or ""
                )
            return copies[parameter]

        for t in range(steps):
            for neuron in self.inputs:
                flat.add_input(f"{neuron.name}@{t}")
            for neuron in self.neurons:
                if neuron.is_input:
                    continue
                add = flat.add_output if neuron.role == "output" else flat.add_neuron
                add(
                    f"{neuron.name}@{t}", neuron.activation,
                    shared(neuron.bias_parameter), neuron.aggregation, neuron.position,
                )  # fmt: skip
        edges, starts = [], {}
        for t in range(steps):
            for c in connections:
                if t >= c.delay:
                    source = f"{c.source.name}@{t - c.delay}"
                else:
                    source = starts.get(c.source.name)
                    if source is None:
                        source = starts[c.source.name] = f"{c.source.name}@init"
                        start = flat.add_neuron(
                            source, "identity", c.source.initial_output
                        )
                        flat.freeze(start)
                edges.append((source, f"{c.target.name}@{t}", shared(c.parameter)))
        flat.connect_many(edges)
        return flat
