"""Recall in a Hopfield network: asynchronous (one unit at a time) or synchronous updates.

The recall half of :class:`~neurosim.memory.hopfield.HopfieldNetwork`. One
loop, two ways to compute a unit's field — a row of the weight matrix, kept
up to date flip by flip, or a sum over the unit's edges in the graph (the
teaching path) — the backend as a strategy, not a second copy of the loop.
A field within :data:`~neurosim.memory.units.TIE_TOLERANCE` of the
threshold keeps the unit, so both paths give the same trajectory.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._checks import SeedLike, check_count, check_seed
from ..errors import ParameterError, unknown_name
from .units import TIE_TOLERANCE, hopfield_energy, settle
from .units import sigmoid as _sigmoid
from .units import temperature_schedule as _temperature_schedule

__all__ = ["Recall", "RecallResult"]


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


class Recall:
    """The recall half of a Hopfield network (its dynamics)."""

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
        >>> from neurosim import HopfieldNetwork
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
