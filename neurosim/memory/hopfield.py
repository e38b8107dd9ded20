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

import dataclasses
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike

from .._checks import (
    SeedLike,
    as_float_array,
    check_count,
    check_memory,
    check_name,
    check_seed,
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
from .units import TIE_TOLERANCE, hopfield_energy, read_only, settle
from .units import sigmoid as _sigmoid
from .units import temperature_schedule as _temperature_schedule

__all__ = ["HopfieldNetwork", "RecallResult"]


@dataclass(frozen=True)
class RecallResult:
    """What :meth:`HopfieldNetwork.recall` found.

    Attributes
    ----------
    state : ndarray of int
        The final state, in the network's representation (±1 or 0/1).
    energy : ndarray
        The energy before the first update, then after every single-neuron
        update (async) or every sweep (sync).
    converged : bool
        True if the last full sweep changed nothing: ``state`` is a fixed point.
    sweeps : int
        Full sweeps made (the last, unchanged one included).
    cycle : bool
        Sync mode only: the state alternates between two patterns forever.
    states : list of ndarray or None
        Every state visited (after each update), when asked for.
    probe : ndarray or None
        The starting state.
    """

    state: np.ndarray
    energy: np.ndarray
    converged: bool
    sweeps: int
    cycle: bool = False
    states: list[np.ndarray] | None = None
    probe: np.ndarray | None = None


class HopfieldNetwork:
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

    def recall(
        self,
        probe: ArrayLike,
        mode: str = "async",
        order: str = "random",
        max_sweeps: int = 100,
        seed: SeedLike = None,
        callback: Callable | None = None,
        record_states: bool = False,
        path: str = "auto",
        temperature: float | Sequence[float] | Callable[[int], float] = 0.0,
    ) -> RecallResult:
        """Let the network settle from ``probe``.

        Parameters
        ----------
        probe : array_like, shape (n,)
            The starting state (a corrupted pattern, say).
        mode : {"async", "sync"}, default "async"
            ``async``: one neuron at a time, each seeing the others' newest
            states; the energy never rises. ``sync``: every neuron at once
            from the previous state; may fall into a two-state cycle, which
            is detected and reported.
        order : {"random", "sequential"}, default "random"
            Async only: a fresh random permutation of the neurons each sweep,
            or index order.
        max_sweeps : int, default 100
            Stop after this many sweeps even if not converged.
        seed : int, optional
            Seed of the update order; numpy's global random state is unused.
        callback : callable, optional
            Called as ``callback(neuron, state, energy)`` after every update
            (``neuron`` is the index updated in async mode, None in sync
            mode; ``state`` a copy in the network's representation). A true
            return value stops recall.
        record_states : bool, default False
            Keep every state visited in ``result.states``.
        path : {"auto", "graph", "matrix"}, default "auto"
            Async only: compute each local field over the neuron's edges in
            ``graph`` (the textbook picture) or with a row of the weight
            matrix, kept up to date one row per flip (``auto``, the fast
            default). Both give the same trajectory.
        temperature : float, sequence of float or callable, default 0
            Async only: stochastic (Glauber) updates. At temperature T > 0 a
            visited unit becomes +1 with probability σ(2·(h_i − θ_i)/T),
            whatever its state — the Boltzmann distribution exp(−E/T) of the
            energy the network reports (for binary states too, whose
            arithmetic is bipolar). A number is used for every sweep; a
            sequence is an annealing schedule, one temperature per sweep,
            after which the updates are deterministic again until recall
            converges; a callable maps the sweep (from 1) to its temperature.
            T = 0 is the deterministic rule, trajectory for trajectory.

        Returns
        -------
        RecallResult

        Examples
        --------
        >>> hop = HopfieldNetwork(4)
        >>> hop.store([[1, -1, 1, -1]])
        >>> r = hop.recall([1, 1, 1, -1], order="sequential")
        >>> r.state.tolist(), r.converged, r.sweeps
        ([1, -1, 1, -1], True, 2)
        >>> r.energy.round(3).tolist()
        [0.0, 0.0, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5, -1.5]
        """
        state = self._as_bipolar(probe, "probe")
        max_sweeps = check_count(max_sweeps, "max_sweeps")
        for name, value, allowed in (
            ("mode", mode, ("async", "sync")),
            ("order", order, ("random", "sequential")),
            ("path", path, ("auto", "graph", "matrix")),
        ):
            if value not in allowed:
                raise unknown_name(name, value, allowed)
        if callback is not None and not callable(callback):
            raise ParameterError(f"callback must be callable, got {callback!r}")
        rng = check_seed(seed)
        schedule = _temperature_schedule(temperature)
        if mode == "sync" and schedule(1) > 0.0:
            raise ParameterError(
                "stochastic updates are asynchronous: use mode='async' with a temperature"
            )
        if mode == "sync":
            result = self._recall_sync(state, max_sweeps, callback, record_states)
        else:
            use_graph = path == "graph"
            result = self._recall_async(
                state,
                order,
                max_sweeps,
                rng,
                callback,
                record_states,
                use_graph,
                schedule,
            )
        return dataclasses.replace(result, probe=self._to_user(state))

    def _recall_async(
        self, state, order, max_sweeps, rng, callback, record, use_graph, schedule
    ):
        # The state as a list of ±1.0: reading one element of a list is several
        # times cheaper than reading one of a numpy array.
        signs = state.tolist()
        excess_of, flipped = (
            self._graph_fields(signs) if use_graph else self._matrix_fields(signs)
        )
        energy = hopfield_energy(self._weights, self._thresholds, state)
        energies, states = [energy], ([] if record else None)
        log, tolerance = energies.append, TIE_TOLERANCE  # locals: read every visit
        watched = record or callback is not None
        converged, stopped, sweeps = False, False, 0
        while sweeps < max_sweeps and not (converged or stopped):
            sweeps += 1
            visit = (
                rng.permutation(self.n).tolist() if order == "random" else range(self.n)
            )
            changed = False
            temperature = schedule(sweeps)
            for i in visit:
                excess = excess_of(i)  # h_i − θ_i
                sign = signs[i]
                if temperature > 0.0:
                    # Glauber: +1 with probability σ(2·excess/T), from the field alone.
                    up = rng.random() < _sigmoid(2.0 * excess / temperature)
                    flip = up != (sign > 0.0)
                else:
                    # The unit disagrees with its field beyond the tie tolerance
                    # (s = ±1, so excess·s < −tol says exactly that).
                    flip = excess * sign < -tolerance
                if flip:
                    signs[i] = sign = -sign
                    flipped(i, sign)
                    energy -= 2.0 * sign * excess  # ΔE = −Δs_i (h_i − θ_i)
                    changed = True
                log(energy)
                if watched:
                    if record:
                        states.append(self._to_user(signs))
                    if callback is not None and callback(
                        i, self._to_user(signs), energy
                    ):
                        stopped = True
                        break
            # At T > 0 a quiet sweep proves nothing: only a deterministic one does.
            converged = not changed and not stopped and temperature == 0.0
        return RecallResult(
            self._to_user(signs), np.array(energies), converged, sweeps, False, states
        )

    def _matrix_fields(self, signs: list) -> tuple[Callable, Callable]:
        """Every excess h_i − θ_i kept up to date: W s − θ once, then one row added per flip.

        Returns ``(excess, flipped)``: ``excess(i)`` reads h_i − θ_i;
        ``flipped(i, s)`` is called when unit i has just become s, and adds
        2·s·W[i] (W is symmetric, so row i is column i) — O(n) per flip
        instead of O(n) per visit.
        """
        weights = self._weights
        excess = weights @ np.array(signs) - self._thresholds

        def flipped(i: int, new: float) -> None:
            np.add(excess, (2.0 * new) * weights[i], out=excess)

        return excess.item, flipped

    def _graph_fields(self, signs: list) -> tuple[Callable, Callable]:
        """h_i − θ_i, h_i = Σ_j w_ij s_j summed over neuron i's edges in the graph, one by one.

        The teaching path: each field is summed afresh from the live state,
        over edge lists built once per weight matrix.
        """
        if self._edges is None:
            index = self._index
            self._edges = [
                [
                    (index[neighbour], data["weight"])
                    for neighbour, data in self.graph.adj[name].items()
                ]
                for name in self.names
            ]
        edges, thresholds = self._edges, self._thresholds.tolist()

        def excess(i: int) -> float:
            total = 0.0
            for j, weight in edges[i]:
                total += weight * signs[j]
            return total - thresholds[i]

        return excess, lambda i, new: None

    def _recall_sync(self, state, max_sweeps, callback, record) -> RecallResult:
        energies = [hopfield_energy(self._weights, self._thresholds, state)]
        states = [] if record else None
        previous = None
        converged = cycle = False
        sweeps = 0
        while sweeps < max_sweeps:
            sweeps += 1
            excess = self._weights @ state - self._thresholds
            new = settle(excess, state, 1, -1).astype(state.dtype)
            energies.append(hopfield_energy(self._weights, self._thresholds, new))
            if record:
                states.append(self._to_user(new))
            if callback is not None and callback(
                None, self._to_user(new), energies[-1]
            ):
                state = new
                break
            if np.array_equal(new, state):
                converged = True
                break
            if previous is not None and np.array_equal(new, previous):
                cycle = True
                previous, state = state, new
                break
            previous, state = state, new
        return RecallResult(
            self._to_user(state), np.array(energies), converged, sweeps, cycle, states
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
