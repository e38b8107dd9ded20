"""`Neuron` and `Connection`: the two objects of the model.

This is where backpropagation happens. A neuron's forward step is a weighted
sum and an activation; its backward step turns the deltas of the neurons it
feeds into its own delta, then its delta into the gradients of the weights
that feed it::

    net    = bias + Σ_i w_i · x_i                    (activate)
    output = f(net)
    delta  = f'(net) · (∂L/∂output + Σ_k w_k · δ_k)   (backpropagate)
    ∂L/∂w_i = delta · x_i,   ∂L/∂bias = delta         (set_gradients)

Each value is a plain float for one sample, or a numpy array with one value
per sample for a batch; the same lines serve both. Weights and biases are
read through (shared, frozen or plain) :class:`~neurosim.parameters.Parameter`
objects; max and product neurons gate their deltas (:mod:`~neurosim.gating`).

Examples
--------
>>> x = Neuron("x", role="input")
>>> y = Neuron("y", activation="identity", bias=0.5)
>>> link = Connection(x, y, weight=2.0)
>>> x.output = 3.0
>>> y.activate([link])
6.5
>>> y.backpropagate([], output_grad=1.0)   # dL/dy = 1
>>> y.set_gradients([link])
>>> link.grad, y.bias_grad
(3.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._checks import MAX_DELAY, check_delay, check_position
from ._registry import check_choice
from .activations import Activation, get_activation
from .errors import ParameterError
from .gating import AGGREGATIONS, check_aggregation, combine, refuse_bias
from .parameters import (
    Parameter,
    ParameterStore,
    check_parameter_value,
    is_finite_float,
)

__all__ = ["AGGREGATIONS", "ROLES", "Connection", "Neuron"]

ROLES = ("input", "hidden", "output")


class Neuron:
    """One neuron: a weighted sum of its inputs passed through an activation.

    Parameters
    ----------
    name : str
        The neuron's name, unique within its network.
    activation : str or Activation, default "sigmoid"
        The activation function (ignored for input neurons).
    bias : float or Parameter, default 0.0
        The bias added to the weighted sum (input neurons have none); a
        :class:`~neurosim.parameters.Parameter` to share one bias.
    role : {"input", "hidden", "output"}, default "hidden"
        Input neurons hold the value they are given as their ``output``.
    aggregation : {"sum", "max", "product"}, default "sum"
        ``"max"`` makes a max-pooling neuron: ``net = bias + max_i w_i·x_i``.
        Its delta goes back through the connection that won only; on a tie
        the first incoming connection (in the order they were made) wins.
        ``"product"`` a multiplicative neuron: ``net = Π_i w_i·x_i``, its
        delta passed to each input times the product of the others (see
        :mod:`neurosim.gating`). It has no bias (its bias is a frozen 0)
        and needs at least two inputs.
    position : tuple, optional
        Where the neuron sits in a grid (a convolutional layer's
        ``(channel, row, column)``), for pictures and names; not used by the
        arithmetic.

    Attributes
    ----------
    net : float or ndarray or None
        Weighted input sum plus bias, from the last forward pass.
    output : float or ndarray or None
        ``activation(net)``, or the given value for an input neuron.
    delta : float or ndarray or None
        ``∂L/∂net`` from the last backward pass.
    bias_grad : float or None
        ``∂L/∂bias`` from the last backward pass (summed over a batch).
    bias_parameter : Parameter or None
        The parameter the bias reads and writes (None for an input neuron).

    Examples
    --------
    >>> Neuron("h1", activation="tanh", bias=0.1)
    Neuron('h1', role='hidden', activation='tanh', bias=0.1)
    """

    __slots__ = (
        "_activation",
        "_aggregation",
        "_initial_output",
        "_position",
        "_role",
        "bias_grad",
        "bias_parameter",
        "delta",
        "deltas",
        "name",
        "net",
        "nets",
        "output",
        "outputs",
        "start",
        "store",
    )

    def __init__(
        self,
        name: str,
        activation: str | Activation = "sigmoid",
        bias: float | Parameter = 0.0,
        role: str = "hidden",
        aggregation: str = "sum",
        position: tuple | None = None,
    ) -> None:
        check_choice(role, ROLES, "role")
        self.name = name
        self._role = role
        #: The ParameterStore of the network the neuron belongs to (None: none yet).
        self.store: ParameterStore | None = None
        self._aggregation = check_aggregation(aggregation, role)
        self._position = check_position(position)
        if role == "input":
            self._activation = None
            self.bias_parameter = None
        else:
            self._activation = get_activation(activation)
            self.bias_parameter = (
                bias
                if isinstance(bias, Parameter)
                else Parameter(check_parameter_value(bias, f"bias of neuron {name!r}"))
            )
            if aggregation == "product":
                refuse_bias(self.bias_parameter, name)
        self.net = self.output = None
        self.delta = None
        self.bias_grad = None
        self._initial_output = 0.0
        # A sequence pass's values at every time step (None: no sequence pass).
        self.nets: list | None = None
        self.outputs: list | None = None
        self.deltas: list | None = None
        # What a delayed connection reads before step 0 of this pass: the
        # initial output, or where the stream stood (training in chunks).
        self.start = 0.0

    @property
    def initial_output(self) -> float:
        """The output the neuron is taken to have had before a sequence starts (default 0).

        A connection with delay d reads it at the first d steps. Elman's
        context units start at 0.5. Assigning checks the value (a finite
        real number).

        Examples
        --------
        >>> n = Neuron("context"); n.initial_output = 0.5; n.initial_output
        0.5
        """
        return self._initial_output

    @initial_output.setter
    def initial_output(self, value: float) -> None:
        self._initial_output = check_parameter_value(
            value, f"initial output of neuron {self.name!r}"
        )

    @property
    def is_input(self) -> bool:
        """True for an input neuron."""
        return self._role == "input"

    @property
    def bias(self) -> float | None:
        """The bias (None for an input neuron); assigning checks the value."""
        parameter = self.bias_parameter
        return None if parameter is None else parameter.value

    @bias.setter
    def bias(self, value: float) -> None:
        if self.bias_parameter is None:
            raise ParameterError(
                f"{self.name!r} is an input neuron, which has no bias; only hidden and "
                "output neurons have one"
            )
        if self._aggregation == "product" and value != 0:
            refuse_bias(Parameter(1.0), self.name)
        self.bias_parameter.assign(value, f"bias of neuron {self.name!r}")

    @property
    def role(self) -> str:
        """``"input"``, ``"hidden"`` or ``"output"``: fixed when the neuron is made."""
        return self._role

    @property
    def aggregation(self) -> str:
        """``"sum"`` (a weighted sum), ``"max"`` (a pooling neuron) or ``"product"``.

        Changing it changes the arithmetic: a compiled view made before is
        then stale (it refuses to compute), as after a new activation. A
        neuron made a product neuron must have bias 0; the bias is frozen.
        """
        return self._aggregation

    @aggregation.setter
    def aggregation(self, aggregation: str) -> None:
        aggregation = check_aggregation(aggregation, self._role)
        if aggregation == "product":
            refuse_bias(self.bias_parameter, self.name)
        self._aggregation = aggregation
        if self.store is not None:
            self.store.structure_version += 1

    @property
    def position(self) -> tuple[int, ...] | None:
        """Where the neuron sits in a grid, ``(channel, row, column)``, or None."""
        return self._position

    @position.setter
    def position(self, position: tuple[int, ...] | None) -> None:
        self._position = check_position(position)

    @property
    def activation(self) -> Activation | None:
        """The activation function (None for an input neuron)."""
        return self._activation

    @activation.setter
    def activation(self, activation: str | Activation) -> None:
        if self.is_input:
            raise ParameterError(
                f"{self.name!r} is an input neuron; it has no activation"
            )
        self._activation = get_activation(activation)
        if self.store is not None:
            # A compiled network built with the old activation is now stale.
            self.store.structure_version += 1

    def activate(self, incoming: Sequence[Connection]) -> float | np.ndarray:
        """Forward step: ``net = bias + Σ w·x``, ``output = f(net)``; return the output."""
        if self._aggregation != "sum":
            weighted = [c._parameter.data * c.source.output for c in incoming]
            return self._combine(incoming, weighted)
        # parameter.data is the weight (or bias) itself: the pass has synced
        # the values, so it reads the stored number without a property call.
        net = self.bias_parameter.data
        for connection in incoming:
            net = net + connection._parameter.data * connection.source.output
        self.net = net
        self.output = self._activation.fn(net)
        return self.output

    def backpropagate(
        self,
        outgoing: Sequence[Connection],
        output_grad=0.0,
        gated: Sequence[Connection] = (),
    ) -> None:
        """Backward step: ``delta = f'(net) · (∂L/∂output + Σ w·δ of the neurons fed)``.

        ``output_grad`` is the loss's own derivative with respect to this
        neuron's output: non-zero only for output neurons. ``gated`` are the
        connections into max-pooling and product neurons, whose delta comes
        back times the connection's ``gate`` (see :mod:`neurosim.gating`).
        """
        error = output_grad
        for connection in outgoing:
            error = error + connection._parameter.data * connection.target.delta
        for connection in gated:
            gated = connection.target.delta * connection.gate
            error = error + connection._parameter.data * gated
        self.delta = error * self._activation.derivative(self.net)

    def activate_at(self, t: int, incoming: Sequence[Connection]) -> None:
        """Forward step at time ``t`` of a sequence: ``net(t) = bias + Σ w·x(t − delay)``.

        A connection with delay d reads ``source.outputs[t - d]``, or before
        step d the source's ``start`` (its ``initial_output``, or where a
        stream stood); one without delay reads this step's output. The
        values are appended to :attr:`nets` and :attr:`outputs` (and the
        gates of a max or product neuron's connections to their ``gates``).
        """
        summing = self._aggregation == "sum"
        net, weighted = self.bias_parameter.data, []
        for connection in incoming:
            source, delay = connection.source, connection._delay
            if delay == 0:
                x = source.output
            elif t >= delay:
                x = source.outputs[t - delay]
            else:
                x = source.start
            if summing:  # accumulated as it comes, as activate does
                net = net + connection._parameter.data * x
            else:
                weighted.append(connection._parameter.data * x)
        if summing:
            self.net = net
            self.output = self._activation.fn(net)
        else:
            self._combine(incoming, weighted)
            for connection in incoming:
                if t == 0:
                    connection.gates = []
                connection.gates.append(connection.gate)
        self.nets.append(self.net)
        self.outputs.append(self.output)

    def backpropagate_at(
        self,
        t: int,
        outgoing: Sequence[Connection],
        output_grad=0.0,
        gated: Sequence[Connection] = (),
    ) -> None:
        """Backward step at time ``t``: ``δ(t) = f'(net(t)) · (∂L/∂y(t) + Σ w·δ_target(t + delay))``.

        A connection without delay passes back its target's delta of this
        step; one with delay d the target's delta of step t + d — the term
        that comes back through time (none past the sequence's end). Into a
        max or product neuron, that delta is times the connection's gate of
        step t + d.
        """
        error = output_grad
        for connection in outgoing:
            delay, later = connection._delay, connection.target.deltas
            if delay == 0:
                error = error + connection._parameter.data * connection.target.delta
            elif t + delay < len(later):
                error = error + connection._parameter.data * later[t + delay]
        for connection in gated:
            at = t + connection._delay
            if at < len(connection.target.deltas):
                gated_delta = connection.target.deltas[at] * connection.gates[at]
                error = error + connection._parameter.data * gated_delta
        self.delta = error * self._activation.derivative(self.nets[t])
        self.deltas[t] = self.delta

    def _combine(self, incoming: Sequence[Connection], weighted: list):
        """Forward step of a max-pooling or product neuron from its weighted inputs.

        Each incoming connection's ``gate`` records ``∂net/∂(w·x)``, per
        sample (see :mod:`neurosim.gating`).
        """
        value, gates = combine(self._aggregation, weighted)
        for connection, gate in zip(incoming, gates):
            connection.gate = gate
        self.net = self.bias_parameter.data + value
        self.output = self._activation.fn(self.net)
        return self.output

    def set_gradients(self, incoming: Sequence[Connection]) -> None:
        """Set ``∂L/∂w = δ·x`` for every incoming weight and ``∂L/∂bias = δ``.

        For a batch the per-sample products are summed: the loss is already
        a batch mean, so each delta carries its ``1/batch`` share.
        """
        delta = self.delta
        if self._aggregation != "sum":
            # ∂net/∂w = x · gate: only the winner's weight took part in a max.
            self._set_gated_gradients(incoming)
        elif isinstance(delta, np.ndarray):
            for c in incoming:
                c.grad = c._parameter.grad = float((delta * c.source.output).sum())
            self.bias_grad = self.bias_parameter.grad = float(delta.sum())
        else:  # the parameter's gradient too (a shared one's is summed afterwards)
            for c in incoming:
                c.grad = c._parameter.grad = delta * c.source.output
            self.bias_grad = self.bias_parameter.grad = delta

    def _set_gated_gradients(self, incoming: Sequence[Connection]) -> None:
        delta = self.delta
        for connection in incoming:
            grad = delta * (connection.source.output * connection.gate)
            connection.grad = connection._parameter.grad = float(np.sum(grad))
        self.bias_grad = self.bias_parameter.grad = float(np.sum(delta))

    def __repr__(self) -> str:
        if self.is_input:
            return f"Neuron({self.name!r}, role='input')"
        frozen = "" if self.bias_parameter.trainable else ", bias frozen"
        pooling = f", aggregation={self.aggregation!r}" * (self.aggregation != "sum")
        return (
            f"Neuron({self.name!r}, role={self.role!r}, "
            f"activation={self.activation.name!r}, bias={self.bias:.6g}{pooling}{frozen})"
        )


class Connection:
    """A weighted, directed link from one neuron's output to another's input.

    Parameters
    ----------
    source, target : Neuron
        The neuron whose output is sent, and the neuron that receives it.
    weight : float or Parameter
        The connection's weight; a :class:`~neurosim.parameters.Parameter`
        to share one weight between several connections.
    delay : int, default 0
        How many time steps late the source's output arrives: at step t the
        target reads the source's output of step t − delay (its
        :attr:`~Neuron.initial_output` before the sequence starts). 0 is the
        feed-forward connection; delay ≥ 1 may close a cycle.

    Attributes
    ----------
    grad : float or None
        ``∂L/∂weight`` of this connection from the last backward pass (for a
        shared weight, this connection's share of the parameter's gradient).

    Examples
    --------
    >>> Connection(Neuron("x", role="input"), Neuron("y"), weight=0.5)
    Connection('x' -> 'y', weight=0.5)
    """

    __slots__ = ("_delay", "_parameter", "gate", "gates", "grad", "source", "target")

    def __init__(
        self, source: Neuron, target: Neuron, weight: float | Parameter, delay: int = 0
    ) -> None:
        self._delay = (  # the common case first, without formatting a message
            delay if type(delay) is int and 0 <= delay <= MAX_DELAY
            else check_delay(delay, f"the delay of {source.name!r} -> {target.name!r}")
        )  # fmt: skip
        self.source, self.target = source, target
        if isinstance(weight, Parameter):
            self._parameter = weight
        elif is_finite_float(weight):  # no message made
            self._parameter = Parameter(weight)
        else:
            what = f"weight of {source.name!r} -> {target.name!r}"
            self._parameter = Parameter(check_parameter_value(weight, what))
        #: gate: ∂net/∂(w·x) into a max or product neuron, last pass; gates: per step.
        self.grad = self.gate = self.gates = None

    @property
    def parameter(self) -> Parameter:
        """The parameter the weight reads and writes; fixed when the connection is made.

        To share a weight, connect with ``share=`` (see
        :meth:`~neurosim.network.Network.connect`).
        """
        return self._parameter

    @property
    def delay(self) -> int:
        """Time steps between the source's output and the target's input (0: none).

        Fixed when the connection is made (it decides which cycles the
        network may have): disconnect and connect again to change it.
        """
        return self._delay

    @property
    def weight(self) -> float:
        """The weight; assigning checks the value (a finite real number)."""
        return self.parameter.value

    @weight.setter
    def weight(self, value: float) -> None:
        self.parameter.assign(
            value, f"weight of {self.source.name!r} -> {self.target.name!r}"
        )

    @property
    def trainable(self) -> bool:
        """Whether training may change the weight (False: frozen)."""
        return self.parameter.trainable

    @trainable.setter
    def trainable(self, trainable: bool) -> None:
        self.parameter.trainable = trainable

    @property
    def key(self) -> tuple[str, str]:
        """The ``(source name, target name)`` pair that identifies the connection."""
        return (self.source.name, self.target.name)

    def __repr__(self) -> str:
        notes = f", delay={self._delay}" if self._delay else ""
        notes += ", shared" if self.parameter.shared else ""
        notes += "" if self.parameter.trainable else ", frozen"
        return (
            f"Connection({self.source.name!r} -> {self.target.name!r}, "
            f"weight={self.weight:.6g}{notes})"
        )
