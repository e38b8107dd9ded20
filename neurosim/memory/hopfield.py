"""`HopfieldNetwork`: associative memory with symmetric weights and no self-loops.

Each neuron is both input and output. Its state ``s_i`` is ±1 (internally; a
``"binary"`` network shows 0/1 to the user), and an update sets

    s_i ← +1 if h_i > θ_i,   −1 if h_i < θ_i,   unchanged on a tie,
    h_i = Σ_j w_ij s_j       (the local field)

With symmetric weights and a zero diagonal, each asynchronous update can only
lower the energy ``E = −½ Σ_ij w_ij s_i s_j + Σ_i θ_i s_i`` or leave it, so
recall slides downhill into a stored memory (or a spurious one).

The weight matrix is the single source of truth; ``hop.weights`` is a
read-only view of it and ``hop.graph`` an undirected networkx graph derived
from it (rebuilt after every change). Recall runs either through the graph,
neuron by neuron over each neuron's edges (the teaching path), or with rows
of the matrix (fast); both give the same trajectory for the same seed,
because a field within ``TIE_TOLERANCE`` of the threshold counts as a tie in
both, so that round-off in a sum cannot make them part ways.

Examples
--------
>>> import numpy as np
>>> import neurosim as ns
>>> patterns = np.array([[1, 1, 1, -1, -1, -1], [1, -1, 1, -1, 1, -1]])
>>> hop = ns.HopfieldNetwork(6)
>>> hop.store(patterns, rule="hebbian")
>>> result = hop.recall([1, 1, 1, -1, -1, 1], seed=0)   # last bit flipped
>>> result.state.tolist(), result.converged
([1, 1, 1, -1, -1, -1], True)
>>> bool(np.all(np.diff(result.energy) <= 0))            # never uphill
True
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike

from .._checks import (
    as_float_array,
    check_count,
    check_memory,
    check_name,
)
from .._registry import check_choice
from ..errors import (
    DataError,
    MissingDependencyError,
    ParameterError,
    ShapeError,
    unknown_name,
)
from .patterns import RULES, learned_weights
from .recall import Recall, RecallResult  # noqa: F401 (the old import path)
from .units import hopfield_energy, read_only

# RecallResult lives in .recall; neurosim.memory.hopfield.RecallResult keeps working.
__all__ = ["HopfieldNetwork"]


class HopfieldNetwork(Recall):
    """A Hopfield network of ``n`` fully connected neurons.

    Parameters
    ----------
    n : int or sequence of str
        The number of neurons (named ``n0``, ``n1``, …) or their names.
    names : sequence of str, optional
        The neurons' names (as every unit-based model takes them); then
        ``n`` may be left out, or must equal their number.
    states : {"bipolar", "binary"}, default "bipolar"
        How states and patterns are written: −1/+1, or 0/1. The arithmetic is
        bipolar either way (a binary pattern ``p`` is stored as ``2p − 1``).
    thresholds : array_like, optional
        One threshold per neuron; zero by default.

    Attributes
    ----------
    patterns : ndarray, shape (n_patterns, n)
        The stored patterns, in the network's representation.
    rule : str or None
        The learning rule the patterns were stored with.

    Examples
    --------
    >>> hop = HopfieldNetwork(["a", "b", "c"], states="binary")
    >>> hop.store([[1, 0, 1]])
    >>> hop.weights
    array([[ 0.        , -0.33333333,  0.33333333],
           [-0.33333333,  0.        , -0.33333333],
           [ 0.33333333, -0.33333333,  0.        ]])
    >>> hop.recall([1, 0, 0], seed=0).state.tolist()
    [1, 0, 1]
    """

    def __init__(
        self,
        n: int | Sequence[str] | None = None,
        states: str = "bipolar",
        thresholds: ArrayLike | None = None,
        *,
        names: Sequence[str] | None = None,
    ) -> None:
        if names is not None:
            if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
                raise ParameterError(f"names must be a list of strings, got {names!r}")
            if n is not None and not (
                isinstance(n, (int, np.integer))
                and not isinstance(n, bool)
                and n == len(names)
            ):
                raise ParameterError(
                    f"n = {n!r} but {len(names)} names were given; give one of them"
                )
            n = names
        if n is None:
            raise ParameterError("give the number of neurons n, or their names")
        if isinstance(n, (str, bytes)) or not isinstance(
            n, (int, np.integer, Sequence)
        ):
            raise ParameterError(
                f"n must be a number of neurons or a list of names, got {n!r}"
            )
        if isinstance(n, Sequence):
            names = [check_name(name, "a Hopfield neuron's name") for name in n]
            if len(set(names)) != len(names):
                raise ParameterError(f"neuron names must be unique, got {names}")
        else:
            n = check_count(n, "n")
            # The weights, a scratch matrix while storing, a copy while recalling.
            check_memory(
                24.0 * n * n,
                f"a Hopfield network of {n:,} neurons",
                "use fewer neurons",
            )
            names = [f"n{i}" for i in range(n)]
        if len(names) < 2:
            raise ParameterError(
                f"a Hopfield network needs at least 2 neurons, got {len(names)}"
            )
        check_choice(states, ("bipolar", "binary"), "state representation")
        self.names = names
        self.states = states
        self._index = {name: i for i, name in enumerate(names)}
        self._weights = np.zeros((len(names), len(names)))
        self._thresholds = np.zeros(len(names))
        self._patterns = np.zeros((0, len(names)))  # bipolar
        self._graph: nx.Graph | None = None
        self._edges: list | None = None  # the graph path's edge lists, built once
        self.rule: str | None = None
        if thresholds is not None:
            self.thresholds = thresholds

    # ------------------------------------------------------------------ views

    @property
    def n(self) -> int:
        """The number of neurons."""
        return len(self.names)

    @property
    def weights(self) -> np.ndarray:
        """The (n, n) weight matrix, read-only (change it by storing patterns)."""
        return read_only(self._weights)

    @property
    def thresholds(self) -> np.ndarray:
        """The neurons' thresholds θ, read-only; assign a new array to change them."""
        return read_only(self._thresholds)

    @thresholds.setter
    def thresholds(self, values: ArrayLike) -> None:
        values = as_float_array(values, "thresholds")
        if values.shape != (self.n,):
            raise ShapeError(
                f"thresholds must have shape ({self.n},), got {values.shape}"
            )
        self._thresholds = values.copy()
        self._graph = None
        self._edges = None

    @property
    def patterns(self) -> np.ndarray:
        """The stored patterns, one per row, in the network's representation."""
        return self._to_user(self._patterns)

    @property
    def graph(self) -> nx.Graph:
        """The network as a frozen undirected networkx graph.

        A complete graph: nodes carry ``threshold``, every pair of neurons is
        an edge with its ``weight`` (zero included). Derived from the weight
        matrix and rebuilt after it changes.

        Examples
        --------
        >>> hop = HopfieldNetwork(3)
        >>> hop.store([[1, -1, 1]])
        >>> hop.graph.edges["n0", "n2"]["weight"]
        0.3333333333333333
        """
        if self._graph is None:
            graph = nx.Graph()
            graph.add_nodes_from(
                (name, {"threshold": float(t)})
                for name, t in zip(self.names, self._thresholds.tolist())
            )
            i, j = np.triu_indices(self.n, k=1)  # fully connected, no self-loops
            graph.add_weighted_edges_from(
                zip(
                    [self.names[k] for k in i.tolist()],
                    [self.names[k] for k in j.tolist()],
                    self._weights[i, j].tolist(),
                )
            )
            self._graph = nx.freeze(graph)
        return self._graph

    def _repr_png_(self) -> bytes | None:
        """A picture of the weights for Jupyter (the repr stays the text summary)."""
        try:
            from ..plotting import network_png
        except MissingDependencyError:
            return None  # no matplotlib: Jupyter shows the text repr
        return network_png(self)

    def __repr__(self) -> str:
        stored = len(self._patterns)
        rule = f", {self.rule}" if self.rule else ""
        return (
            f"HopfieldNetwork({self.n} neurons, {self.states}, "
            f"{stored} pattern{'s' * (stored != 1)} stored{rule})"
        )

    # ------------------------------------------------------------------ learning

    def store(self, patterns: ArrayLike, rule: str = "hebbian") -> None:
        """Store patterns as memories with a learning rule.

        Parameters
        ----------
        patterns : array_like, shape (n_patterns, n) or (n,)
            ±1 values (bipolar network) or 0/1 values (binary network).
        rule : {"hebbian", "storkey", "pseudoinverse"}, default "hebbian"
            ``hebbian``: ``W += (1/n) Σ ξ ξᵀ``, capacity ≈ 0.138 n.
            ``storkey``: Storkey's (1997) incremental rule, larger capacity
            and basins. ``pseudoinverse``: the projection rule, ``W`` the
            projector onto the patterns' span (up to n − 1 independent
            patterns); recomputed from every stored pattern. Each sets the
            diagonal to zero. Storing more patterns later adds to the
            memory; the rule must then be the same.

        Raises
        ------
        ShapeError, DataError
            For an empty list, wrong lengths, or values outside the network's
            two states. The network is left unchanged.
        ParameterError
            For an unknown rule, or a rule different from the stored patterns'.

        Examples
        --------
        >>> hop = HopfieldNetwork(4)
        >>> hop.store([[1, -1, 1, -1]])
        >>> hop.store([[1, 1, -1, -1]])      # incremental
        >>> len(hop.patterns), hop.rule
        (2, 'hebbian')
        """
        check_choice(rule, RULES, "learning rule")
        if self.rule is not None and rule != self.rule:
            raise ParameterError(
                f"the stored patterns used the {self.rule!r} rule; storing more with "
                f"{rule!r} would mix two rules. Call clear() first, or keep {self.rule!r}."
            )
        new = self._as_bipolar(patterns, "patterns", allow_many=True)
        weights = learned_weights(rule, self._weights, self._patterns, new)
        self._weights = weights
        self._patterns = (
            np.vstack([self._patterns, new]) if len(self._patterns) else new
        ).astype(np.int64)
        self.rule = rule
        self._graph = None
        self._edges = None

    def set_parameters(
        self,
        weights: ArrayLike | None = None,
        thresholds: ArrayLike | None = None,
        patterns: ArrayLike | None = None,
        rule: str | None = None,
    ) -> None:
        """Replace the weights and/or thresholds (the one verb of every machine), checked first.

        The weights are taken as they are (a symmetric n × n matrix with a
        zero diagonal), not recomputed from ``patterns``, which are only
        remembered (with ``rule``) as what was stored — as :func:`neurosim.load`
        puts back a saved network.

        Examples
        --------
        >>> hop = HopfieldNetwork(2)
        >>> hop.set_parameters(np.array([[0.0, 0.5], [0.5, 0.0]]), patterns=[[1, 1]], rule="hebbian")
        >>> hop.weights[0, 1], hop.patterns.tolist()
        (np.float64(0.5), [[1, 1]])
        """
        if weights is not None:
            weights = np.asarray(as_float_array(weights, "weights"), dtype=float)
            if (
                weights.shape != (self.n, self.n)
                or not np.array_equal(weights, weights.T)
                or np.any(np.diag(weights) != 0.0)
            ):
                raise ShapeError(
                    f"weights must be a symmetric {self.n} × {self.n} matrix with a "
                    f"zero diagonal, got shape {weights.shape}"
                )
        if rule is not None:
            check_choice(rule, RULES, "learning rule")
        stored = (
            None
            if patterns is None
            else self._as_bipolar(patterns, "patterns", allow_many=True).astype(
                np.int64
            )
        )
        if thresholds is not None:
            self.thresholds = thresholds  # checked by the property
        if weights is not None:
            self._weights = weights
            self._patterns = (
                np.zeros((0, self.n), dtype=np.int64) if stored is None else stored
            )
            self.rule = rule
        elif stored is not None:
            self._patterns, self.rule = stored, rule
        self._graph = None
        self._edges = None

    def restore(
        self, weights: np.ndarray, patterns: ArrayLike | None, rule: str | None
    ) -> None:
        """Deprecated: :meth:`set_parameters` (the verb every machine uses)."""
        warnings.warn(
            "HopfieldNetwork.restore is now set_parameters(weights, patterns=..., "
            "rule=...), the verb of every machine",
            DeprecationWarning,
            stacklevel=2,
        )
        self.set_parameters(weights, patterns=patterns, rule=rule)

    def clear(self) -> None:
        """Forget every pattern: zero weights, no rule.

        Examples
        --------
        >>> hop = HopfieldNetwork(3); hop.store([[1, 1, -1]]); hop.clear()
        >>> hop
        HopfieldNetwork(3 neurons, bipolar, 0 patterns stored)
        """
        self._weights = np.zeros_like(self._weights)
        self._patterns = np.zeros((0, self.n))
        self.rule = None
        self._graph = None
        self._edges = None

    # ------------------------------------------------------------------ dynamics

    def energy(self, states: ArrayLike) -> float | np.ndarray:
        """The energy ``E = −½ sᵀ W s + θᵀ s`` of a state, or of each row (bipolar arithmetic).

        As every machine's ``energy``: one state gives a float, states one
        per row give an array.

        Examples
        --------
        >>> hop = HopfieldNetwork(2)
        >>> hop.store([[1, -1]])
        >>> hop.energy([1, -1]), hop.energy([1, 1])   # the memory lies lower
        (-0.5, 0.5)
        >>> hop.energy([[1, -1], [1, 1]]).tolist()
        [-0.5, 0.5]
        """
        if np.ndim(states) == 2:
            rows = self._as_bipolar(states, "states", allow_many=True)
            return np.array(
                [hopfield_energy(self._weights, self._thresholds, s) for s in rows]
            )
        return hopfield_energy(
            self._weights, self._thresholds, self._as_bipolar(states, "state")
        )

    # ------------------------------------------------------------------ representations

    def _as_bipolar(
        self, values: ArrayLike, what: str, allow_many: bool = False
    ) -> np.ndarray:
        """Validate states/patterns and return them as ±1.0 (floats: the arithmetic's type).

        May return ``values`` itself when it is already a float ±1 array;
        callers never write into the result.
        """
        array = as_float_array(values, what)
        if allow_many and array.ndim == 1:
            array = array.reshape(1, -1)
        wanted = (None, self.n) if allow_many else (self.n,)
        if array.ndim != len(wanted) or array.shape[-1] != self.n:
            shape = f"(n_patterns, {self.n})" if allow_many else f"({self.n},)"
            raise ShapeError(
                f"{what} must have shape {shape} for a network of {self.n} neurons, "
                f"got shape {array.shape}"
            )
        if allow_many and array.shape[0] == 0:
            raise ShapeError(f"{what} is empty: store at least one pattern")
        low, high = (0.0, 1.0) if self.states == "binary" else (-1.0, 1.0)
        bad = ~((array == low) | (array == high))
        if bad.any():
            where = tuple(int(k) for k in np.argwhere(bad)[0])
            raise DataError(
                f"{what} of a {self.states} network must hold only {low:g} and {high:g}; "
                f"found {array[where]:g} at index {where}. Binarise it first, e.g. "
                f"np.where(x > 0.5, {high:g}, {low:g})."
            )
        if self.states == "binary":
            array = 2.0 * array - 1.0
        return array

    def _to_user(self, state: np.ndarray) -> np.ndarray:
        state = np.asarray(state, dtype=np.int64)
        return (state + 1) // 2 if self.states == "binary" else state.copy()

    def neuron_index(self, name: str) -> int:
        """The index of the neuron called ``name``.

        Examples
        --------
        >>> HopfieldNetwork(["top", "bottom"]).neuron_index("bottom")
        1
        """
        if name not in self._index:
            raise unknown_name("neuron", name, self.names)
        return self._index[name]
