"""Parameters: every trainable number, with one owner.

A connection's weight and a neuron's bias are each a :class:`Parameter`: a
value, the gradient of the last backward pass, and whether training may
change it. ``Connection.weight`` and ``Neuron.bias`` read and write the
parameter, so a learner still writes ``net.connection("x1", "h1").weight =
0.5``; every assignment is checked (a finite real number) at that moment, and
reading stays as cheap as an attribute.

Vocabulary used below and in the backends:

- *shared*: several connections (or biases) use one Parameter, as the nine
  weights of a 3×3 convolution kernel are used by every position of a feature
  map. Its gradient is the sum of the gradients of the connections that use
  it, and an update changes all of them at once.
- *frozen*: ``trainable`` is False. Its gradient is still computed and shown,
  but no optimizer changes it.
- *store*: the :class:`ParameterStore` of the network that owns the
  parameters. It knows which side holds the newest values: the graph (the
  Parameter objects) or a compiled network (its arrays). A compiled network
  trains its own arrays at numpy speed and hands its values back the moment
  anybody reads or writes a parameter through the graph, so no edit is ever
  lost and no stale value is ever computed with.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network(seed=0)
>>> _ = net.add_input("x1"); _ = net.add_input("x2"); _ = net.add_output("y")
>>> first = net.connect("x1", "y", weight=0.5)
>>> second = net.connect("x2", "y", share=first)   # one parameter, two connections
>>> second.weight
0.5
>>> first.weight = -1.0
>>> second.weight
-1.0
>>> second.parameter is first.parameter, net.n_parameters   # one weight + one bias
(True, 2)
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

import numpy as np

from .errors import ParameterError
from .optimizers import penalty_gradient

if TYPE_CHECKING:
    from .neuron import Connection, Neuron

__all__ = [
    "Parameter", "ParameterList", "ParameterStore", "check_parameter_value",
    "is_finite_float",
]  # fmt: skip


def is_finite_float(value: object) -> bool:
    """True for a finite Python float: what needs no check (and no message made).

    Examples
    --------
    >>> is_finite_float(0.5), is_finite_float(float("inf")), is_finite_float(1)
    (True, False, False)
    """
    return type(value) is float and value - value == 0.0  # inf - inf and NaN: NaN


def check_parameter_value(value: object, what: str) -> float:
    """Return ``value`` as a finite float, or raise ParameterError naming ``what``.

    Accepted: any real number (Python or numpy) that is not a bool.

    Examples
    --------
    >>> check_parameter_value(0.5, "weight of 'x' -> 'y'")
    0.5
    >>> check_parameter_value("0.5", "weight of 'x' -> 'y'")
    Traceback (most recent call last):
    ...
    neurosim.errors.ParameterError: weight of 'x' -> 'y' must be a real number, got '0.5' (str)...
    """
    if is_finite_float(value):  # the common case
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(
            f"{what} must be a real number, got {value!r} ({type(value).__name__}); "
            "assign a float such as 0.5"
        )
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ParameterError(
            f"{what} must be finite, got {value if len(repr(value)) < 40 else 'a number too large for a float'}; NaN and infinity would spread "
            "through every pass silently"
        )
    return number


class Parameter:
    """One trainable number: a weight or a bias, possibly shared, possibly frozen.

    Parameters
    ----------
    value : float
        The starting value (a finite real number).
    trainable : bool, default True
        False freezes it: gradients are computed, no optimizer changes it.
    name : str, optional
        A label for messages and pictures (the network names the parameters it
        creates after their connection or neuron).

    Attributes
    ----------
    grad : float or None
        ``∂L/∂parameter`` from the last backward pass: the sum over every
        connection (or bias) that uses the parameter.
    data : float
        The stored number itself, unchecked and not synced — what the
        node-by-node passes read once they have fetched the newest values
        (reading it costs an attribute, not a property). Like PyTorch's
        ``.data``: read and write :attr:`value` instead.

    Examples
    --------
    >>> kernel = Parameter(0.25, name="k")
    >>> kernel
    Parameter('k', value=0.25)
    >>> kernel.value = 0.5
    >>> kernel.trainable = False
    >>> kernel
    Parameter('k', value=0.5, frozen)
    """

    __slots__ = ("_name", "_trainable", "_users", "data", "grad", "store")

    def __init__(self, value: float, trainable: bool = True, name: str = "") -> None:
        # A name is kept only when given: most parameters are named after
        # their first user on demand, which saves a string per connection.
        self._name = name or None
        self.data = (  # the common case first, without formatting a message
            value if is_finite_float(value)
            else check_parameter_value(value, f"the value of parameter {name!r}")
        )  # fmt: skip
        self._trainable = (
            trainable if trainable is True else _check_flag(trainable, "trainable")
        )
        self.grad: float | None = None
        self.store: ParameterStore | None = None
        # Its users: None, the one user itself (no tuple per connection), or a
        # list once shared (so that adding users stays linear); see `users`.
        self._users: Connection | Neuron | list | None = None

    @property
    def users(self) -> tuple[Connection | Neuron, ...] | list[Connection | Neuron]:
        """The connections and neurons that use it (filled in by the network)."""
        users = self._users
        if users is None:
            return ()
        return users if type(users) is list else (users,)

    @property
    def name(self) -> str:
        """A label for messages: the given name, else ``w(a->b)`` or ``b(h)`` of its first user."""
        if self._name is not None:
            return self._name
        if not self.users:
            return ""
        user = self.users[0]
        if hasattr(user, "source"):
            return f"w({user.source.name}->{user.target.name})"
        return f"b({user.name})"

    @name.setter
    def name(self, name: str) -> None:
        self._name = name or None

    @property
    def given_name(self) -> str | None:
        """The name given to the parameter (kept in files), or None if it has none."""
        return self._name

    @property
    def value(self) -> float:
        """The current value; reading it first fetches newer values from a compiled network."""
        store = self.store
        if store is not None and store.holder is not None:
            store.pull()
        return self.data

    @value.setter
    def value(self, value: float) -> None:
        self.assign(value, f"the value of parameter {self.name!r}")

    def assign(self, value: object, what: str) -> None:
        """Check ``value`` and make it the parameter's value (``what`` names it in errors)."""
        value = check_parameter_value(value, what)
        store = self.store
        if store is not None:
            store.graph_write()
        self.data = value

    @property
    def trainable(self) -> bool:
        """Whether an optimizer may change the parameter (False: frozen)."""
        return self._trainable

    @trainable.setter
    def trainable(self, trainable: bool) -> None:
        self._trainable = _check_flag(trainable, "trainable")
        if self.store is not None:
            self.store.frozen_version += 1

    @property
    def shared(self) -> bool:
        """True when more than one connection or bias uses the parameter."""
        users = self._users
        return type(users) is list and len(users) > 1

    def __repr__(self) -> str:
        frozen = "" if self._trainable else ", frozen"
        return f"Parameter({self.name!r}, value={self.data:.6g}{frozen})"


def _check_flag(flag: object, what: str) -> bool:
    if not isinstance(flag, bool):
        raise ParameterError(f"{what} must be True or False, got {flag!r}")
    return flag


class ParameterStore:
    """The owner of a network's parameters, and of the truth about where they are newest.

    Every :class:`Parameter` of a network points to its store. The store
    counts the writes made through the graph (``version``), so a compiled
    network knows when to reload the values; and while a compiled network
    holds newer values than the graph (``holder``), any read or write through
    the graph first fetches them (:meth:`pull`). Both sides can never be
    edited at once: a graph-side edit always starts from the newest values.

    Attributes
    ----------
    parameters : list of Parameter
        Every parameter, in the order they were created.
    holder : object or None
        The compiled network whose arrays hold newer values than the graph,
        or None when the graph is up to date.
    version : int
        Incremented by every write through the graph.
    frozen_version : int
        Incremented whenever a parameter is frozen or unfrozen.
    """

    def __init__(self) -> None:
        self.parameters: list[Parameter] = []
        self.holder = None
        self.version = 0
        self.frozen_version = 0
        #: Incremented when a neuron's activation is replaced.
        self.structure_version = 0
        # The trainable parameters, rebuilt when a parameter comes, goes or
        # is frozen: the update of every training step uses this list.
        self._trainable: list[Parameter] | None = None
        self._in_memory: list[Parameter] = []
        self._trainable_version = None

    def adopt(self, parameter: Parameter, user: Connection | Neuron) -> Parameter:
        """Register ``user`` as a user of ``parameter``, owning the parameter if new.

        Raises
        ------
        ParameterError
            If the parameter already belongs to another network.
        """
        if parameter.store is None:
            parameter.store = self
            self.parameters.append(parameter)
            self._trainable = None
        elif parameter.store is not self:
            raise ParameterError(
                f"{parameter!r} belongs to another network; a parameter can be shared "
                "within one network only (copy its value instead)"
            )
        users = parameter._users
        if users is None:
            parameter._users = user
        elif type(users) is list:
            users.append(user)
        else:
            parameter._users = [users, user]
        return parameter

    def reorder(self, order: list[int]) -> None:
        """Put the parameters in a new order: the k-th one now goes to place ``order[k]``.

        ``order`` must be a permutation of ``range(len(parameters))`` (files
        use this to give a loaded network its saved order back).
        """
        if sorted(order) != list(range(len(self.parameters))):
            raise ParameterError(
                f"a new order of {len(self.parameters)} parameters must name each place "
                "once"
            )
        arranged: list[Parameter] = [None] * len(self.parameters)  # type: ignore[list-item]
        for parameter, place in zip(self.parameters, order):
            arranged[place] = parameter
        self.parameters = arranged
        self._trainable = None
        self.frozen_version += 1

    def release(self, parameter: Parameter, user: Connection | Neuron) -> None:
        """``user`` no longer uses ``parameter``; forget the parameter when nobody does."""
        left = [u for u in parameter.users if u is not user]
        parameter._users = None if not left else left[0] if len(left) == 1 else left
        if not left:
            self.parameters.remove(parameter)
            parameter.store = None
            self._trainable = None

    def graph_write(self) -> None:
        """Called before a value is written through the graph."""
        if self.holder is not None:
            self.pull()
        self.version += 1

    def pull(self) -> None:
        """Fetch the newest values from the compiled network that holds them."""
        holder, self.holder = self.holder, None
        parameters, values = holder.newest_values()
        for parameter, value in zip(parameters, values):
            parameter.data = value
        # The graph's values changed: other compiled views must reload them,
        # the one they came from need not.
        self.version += 1
        holder.mark_synced(self.version)

    def trainable(self) -> list[Parameter]:
        """The parameters an optimizer may change, in creation order."""
        if self._trainable is None or self._trainable_version != self.frozen_version:
            self._trainable = [p for p in self.parameters if p._trainable]
            # The order they lie in memory (CPython's id is the address): a step
            # over 10⁵ parameters runs ~1.7× faster in it than in creation
            # order, and each rule updates each parameter on its own, so the
            # order changes no number.
            self._in_memory = sorted(self._trainable, key=id)
            self._trainable_version = self.frozen_version
        return self._trainable

    def _in_memory_order(self) -> list[Parameter]:
        """The trainable parameters in the order they lie in memory (see trainable)."""
        self.trainable()
        return self._in_memory

    def update(self, optimizer) -> None:
        """One optimizer step on every trainable parameter, from its ``grad``.

        The object backend's update: each parameter once, however many
        connections share it; frozen ones are skipped.
        """
        if self.holder is not None:
            self.pull()
        optimizer.start_step()
        optimizer.update_parameters(self._in_memory_order())
        self.version += 1

    def add_weight_penalty(self, l1: float, l2: float) -> None:
        """Add ``penalty_gradient`` to the ``grad`` of every trainable weight, once each.

        A weight is a parameter used by a connection; biases are left alone.
        """
        for parameter in self.trainable():
            if any(hasattr(user, "source") for user in parameter.users):
                parameter.grad = parameter.grad + penalty_gradient(
                    parameter.data, l1, l2
                )

    def values(self) -> list[float]:
        """Every parameter's value, in creation order (for :meth:`set_values`)."""
        if self.holder is not None:
            self.pull()
        return [parameter.data for parameter in self.parameters]

    def set_values(self, values: list[float]) -> None:
        """Put back values taken by :meth:`values` (trusted: they were checked once)."""
        if self.holder is not None:
            self.pull()
        for parameter, value in zip(self.parameters, values, strict=True):
            parameter.data = value
        self.version += 1

    def trainable_values(self) -> np.ndarray:
        """The trainable parameters' values as one vector, in :meth:`trainable` order."""
        if self.holder is not None:
            self.pull()
        return np.array([parameter.data for parameter in self.trainable()])

    def set_trainable_values(self, values: np.ndarray) -> None:
        """Write a vector taken by :meth:`trainable_values` (checked by the caller)."""
        if self.holder is not None:
            self.pull()
        for parameter, value in zip(self.trainable(), values.tolist(), strict=True):
            parameter.data = value
        self.version += 1


class ParameterList(list):
    """A network's parameters: a list that may also be called, as PyTorch users write it.

    ``net.parameters`` and ``net.parameters()`` are the same list.

    Examples
    --------
    >>> ParameterList([1, 2])() == [1, 2]
    True
    """

    def __call__(self) -> ParameterList:
        return self
