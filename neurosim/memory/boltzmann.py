"""`BoltzmannMachine`: stochastic binary units, symmetric weights, hidden units.

The Boltzmann machine of Ackley, Hinton and Sejnowski (1985): a Hopfield
network whose units fire at random. Every unit is 0 or 1; every pair of
units may be connected (symmetric weights, no self-connections); the energy
of a state is

    E(s) = −½ sᵀWs − bᵀs

and a unit visited at temperature T turns on with probability
σ((Σ_j w_ij s_j + b_i) / T), so that sweeping the units one at a time
(Gibbs sampling) leads to the Boltzmann distribution p(s) ∝ exp(−E(s)/T).
Some units are *visible* (the data), the rest *hidden*: the hidden units let
the machine represent dependencies among the visible ones that pairwise
weights alone cannot, such as parity.

Learning follows the Boltzmann learning rule, the gradient of the data's
log-likelihood:

    Δw_ij = lr (⟨s_i s_j⟩_clamped − ⟨s_i s_j⟩_free),   Δb_i = lr (⟨s_i⟩_clamped − ⟨s_i⟩_free)

with the visible units clamped to the data in the first average and running
free in the second. ``method="gibbs"`` estimates both averages by Gibbs
sampling, with persistent chains (small and slow by nature, as the original
paper says); ``method="exact"`` sums over every state, for machines of up to
20 units, which is how the examples show what the sampled rule is aiming at.

Examples
--------
>>> import numpy as np
>>> import neurosim as ns
>>> bm = ns.BoltzmannMachine(2, 0, seed=0)
>>> data = [[1, 1], [0, 0]]                      # the two units agree
>>> _ = bm.fit(data, epochs=300, lr=0.5, method="exact")
>>> p = bm.distribution()                        # p(00), p(01), p(10), p(11)
>>> bool(p[0] + p[3] > 0.9), bm.weights[0, 1] > 0
(True, np.True_)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike

from .._checks import (
    SeedLike,
    as_float_array,
    check_count,
    check_memory,
    check_name,
    check_number,
    check_positive,
    check_seed,
)
from .._registry import check_choice
from ..errors import DataError, NumericalError, ParameterError, ShapeError
from ..history import History, check_callbacks, run_epochs
from .exact import (
    all_states,
    empirical_distribution,
    exact_statistics,
    kl_divergence,
)
from .units import read_only, settle, sigmoid_array, temperature_schedule

# kl_divergence lives in .exact; neurosim.memory.boltzmann.kl_divergence keeps working.
__all__ = ["BoltzmannMachine"]

METHODS = ("gibbs", "exact")

#: Up to this many units, fit records the exact loss KL(data ‖ model) every
#: epoch without being given a target (2¹² states: a few milliseconds).
EXACT_LOSS_UNITS = 12


class BoltzmannMachine:
    """A Boltzmann machine of ``n_visible`` visible and ``n_hidden`` hidden 0/1 units.

    Parameters
    ----------
    n_visible, n_hidden : int
        The units, named ``v0, v1, …`` and ``h0, h1, …``; every pair is
        connected.
    seed : int, Generator or None
        Seed of the initial weights, drawn from N(0, init_scale²); the biases
        start at zero.
    init_scale : float, default 1.0
        Large enough to break the symmetry between hidden units: from
        near-zero weights, every hidden unit sees the same statistics and
        learning can sit at the uniform distribution for a long time.
    names : sequence of str, optional
        The units' names, the visible units' first (as every unit-based
        model takes them); ``v0, …, h0, …`` by default.

    Examples
    --------
    >>> bm = BoltzmannMachine(3, 2, seed=0)
    >>> bm
    BoltzmannMachine(3 visible, 2 hidden)
    >>> bm.graph.number_of_edges()   # every pair of the 5 units
    10
    """

    def __init__(
        self,
        n_visible: int,
        n_hidden: int = 0,
        seed: SeedLike = None,
        init_scale: float = 1.0,
        *,
        names: Sequence[str] | None = None,
    ) -> None:
        n_visible = check_count(n_visible, "n_visible")
        init_scale = check_positive(init_scale, "init_scale")
        n_hidden = check_count(n_hidden, "n_hidden", minimum=0)
        n = n_visible + n_hidden
        # The weight matrix, its draw and a copy while training.
        check_memory(
            32.0 * n * n,
            f"a Boltzmann machine of {n:,} units",
            "use fewer units",
        )
        if names is None:
            names = [f"v{i}" for i in range(n_visible)] + [
                f"h{j}" for j in range(n_hidden)
            ]
        elif isinstance(names, (str, bytes)) or len(names) != n:
            raise ParameterError(
                f"names must be a list of {n} names, the visible units' then the hidden "
                f"units', got {names!r}"
            )
        names = [check_name(name, "a unit's name") for name in names]
        if len(set(names)) != n:
            raise ParameterError(f"unit names must be unique, got {names}")
        self.names = names
        self.n_visible, self.n_hidden = n_visible, n_hidden
        rng = check_seed(seed)
        n = n_visible + n_hidden
        weights = np.triu(rng.normal(0.0, init_scale, (n, n)), k=1)
        self._weights = weights + weights.T  # symmetric, zero diagonal
        self._bias = np.zeros(n)
        self._graph: nx.Graph | None = None

    # ------------------------------------------------------------------ views

    @property
    def n(self) -> int:
        return self.n_visible + self.n_hidden

    @property
    def weights(self) -> np.ndarray:
        """The symmetric (n, n) weight matrix with a zero diagonal, read-only."""
        return read_only(self._weights)

    @property
    def bias(self) -> np.ndarray:
        """The units' biases b (a threshold is −b), read-only."""
        return read_only(self._bias)

    def set_parameters(
        self, weights: ArrayLike | None = None, bias: ArrayLike | None = None
    ) -> None:
        """Replace the weights (symmetric, zero diagonal) and/or the biases, checked first.

        Examples
        --------
        >>> bm = BoltzmannMachine(2)
        >>> bm.set_parameters([[0, 1.5], [1.5, 0]], [0.0, -1.0])
        >>> bm.energy([1, 1])       # −1.5 − (−1)
        -0.5
        """
        new_weights = (
            self._weights if weights is None else as_float_array(weights, "weights")
        )
        new_bias = self._bias if bias is None else as_float_array(bias, "bias")
        if (
            new_weights.shape != (self.n, self.n)
            or not np.array_equal(new_weights, new_weights.T)
            or np.any(np.diag(new_weights) != 0.0)
        ):
            raise ShapeError(
                f"weights must be a symmetric {self.n} × {self.n} matrix with a zero "
                f"diagonal (no unit is connected to itself), got shape {new_weights.shape}"
            )
        if new_bias.shape != (self.n,):
            raise ShapeError(f"bias must have shape ({self.n},), got {new_bias.shape}")
        self._weights, self._bias = new_weights.copy(), new_bias.copy()
        self._graph = None

    @property
    def graph(self) -> nx.Graph:
        """The machine as a frozen undirected networkx graph.

        Nodes carry ``layer`` ("visible" or "hidden") and ``bias``; every pair
        of units is an edge with its ``weight``.
        """
        if self._graph is None:
            graph = nx.Graph()
            graph.add_nodes_from(
                (
                    name,
                    {"layer": "visible" if k < self.n_visible else "hidden", "bias": b},
                )
                for k, (name, b) in enumerate(zip(self.names, self._bias.tolist()))
            )
            i, j = np.triu_indices(self.n, k=1)
            graph.add_weighted_edges_from(
                (self.names[a], self.names[c], w)
                for a, c, w in zip(i.tolist(), j.tolist(), self._weights[i, j].tolist())
            )
            self._graph = nx.freeze(graph)
        return self._graph

    def __repr__(self) -> str:
        return f"BoltzmannMachine({self.n_visible} visible, {self.n_hidden} hidden)"

    # ------------------------------------------------------------------ energy and sampling

    def energy(self, states: ArrayLike) -> np.ndarray | float:
        """E(s) = −½ sᵀWs − bᵀs of full states (visible then hidden), one per row."""
        array = self._states(states, self.n, "states")
        values = (
            -0.5 * np.einsum("si,ij,sj->s", array, self._weights, array)
            - array @ self._bias
        )
        return float(values[0]) if np.ndim(states) == 1 else values

    def gibbs(
        self,
        states: ArrayLike,
        sweeps: int = 1,
        temperature: float | Sequence[float] = 1.0,
        seed: SeedLike = None,
        clamp_visible: bool = False,
    ) -> np.ndarray:
        """Sweep every unit, one at a time in a random order, ``sweeps`` times.

        Each row of ``states`` is an independent chain; a visited unit turns
        on with probability σ(field / T) (at T = 0: on if its field is
        positive, unchanged on a tie). ``temperature`` may be a schedule, one
        value per sweep (annealing). ``clamp_visible`` leaves the visible
        units as they are and samples the hidden ones given them.

        Examples
        --------
        >>> bm = BoltzmannMachine(2, 1, seed=0)
        >>> bm.gibbs([[1, 0, 0]] * 3, sweeps=5, seed=0, clamp_visible=True)[:, :2].tolist()
        [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]
        """
        array = self._states(states, self.n, "states").copy()
        sweeps = check_count(sweeps, "sweeps")
        schedule = temperature_schedule(temperature)
        rng = check_seed(seed)
        self._sweeps(
            array, sweeps, schedule, rng, self.n_visible if clamp_visible else 0
        )
        return array

    def _sweeps(self, states, sweeps, schedule, rng, first) -> None:
        """Gibbs sweeps in place over units ``first`` … n − 1, every chain at once."""
        units = np.arange(first, self.n)
        for sweep in range(1, sweeps + 1):
            temperature = schedule(sweep)
            order = rng.permutation(units)
            draws = rng.random((len(order), len(states)))
            for i, u in zip(order.tolist(), draws):
                field = states @ self._weights[i]
                field += self._bias[i]
                if temperature > 0.0:
                    # on with probability σ(field/T)
                    states[:, i] = u < sigmoid_array(field / temperature)
                else:
                    # The one tie rule (units.py): within the tolerance, keep.
                    states[:, i] = settle(field, states[:, i], 1.0, 0.0)

    def sample(
        self,
        n: int,
        sweeps: int = 100,
        temperature: float | Sequence[float] = 1.0,
        seed: SeedLike = None,
    ) -> np.ndarray:
        """``n`` visible states drawn by running ``n`` chains from random states."""
        n = check_count(n, "n")
        rng = check_seed(seed)
        states = (rng.random((n, self.n)) < 0.5).astype(float)
        self._sweeps(
            states,
            check_count(sweeps, "sweeps"),
            temperature_schedule(temperature),
            rng,
            0,
        )
        return states[:, : self.n_visible]

    # ------------------------------------------------------------------ exact sums

    def distribution(self) -> np.ndarray:
        """The exact p(v) of every visible state at T = 1, by enumeration.

        Entry k is the probability of the visible state whose bits, first
        unit first, spell k in binary (``itertools.product`` order).
        """
        states = all_states(self.n)
        log_weights = -self.energy(states)
        log_weights -= log_weights.max()
        weights = np.exp(log_weights)
        visible = weights.reshape(2**self.n_visible, 2**self.n_hidden).sum(axis=1)
        return visible / visible.sum()

    # ------------------------------------------------------------------ learning

    def fit(
        self,
        X: ArrayLike,
        epochs: int = 1000,
        lr: float = 0.1,
        method: str = "gibbs",
        chains: int = 100,
        sweeps: int = 2,
        seed: SeedLike = None,
        target: ArrayLike | None = None,
        progress: bool = False,
        decay: float = 0.0,
        callbacks: Sequence[Callable] = (),
    ) -> History:
        """Train with the Boltzmann learning rule, one update per epoch on all of ``X``.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_visible)
            Binary data (0 and 1).
        epochs : int, default 1000
        lr : float, default 0.1
        method : {"gibbs", "exact"}, default "gibbs"
            ``gibbs``: both averages from persistent Gibbs chains — in the
            clamped phase ``chains`` chains per distinct data vector (visible
            units fixed, hidden sampled), in the free phase ``chains`` chains
            of the whole machine — each advanced by ``sweeps`` sweeps per
            update. ``exact``: both averages by enumeration (n ≤ 20 units).
        chains, sweeps : int
            The sampling effort of ``gibbs``.
        seed : int, Generator or None
        target : array_like, optional
            The true distribution over the 2ⁿ visible states (in
            :meth:`distribution`'s order), to record the KL divergence
            KL(target ‖ model) after every epoch (exact; small machines).
            Without it, a machine of up to 12 units records KL(data ‖ model),
            the data's own distribution, which is what the rule lowers.
        progress : bool, default False
        decay : float, default 0
            The learning rate of epoch t (from 0) is ``lr / (1 + decay·t)``:
            sampled statistics are noisy, and a shrinking step lets the
            weights settle instead of wandering (Robbins–Monro).
        callbacks : sequence of callable
            Each is called as ``callback(epoch, history, machine)`` after an
            epoch, as in every trainer; a true return value stops training.

        Returns
        -------
        History
            ``kl`` with ``target``, and ``loss`` (the same KL divergence, the
            quantity the rule lowers); always ``weight_change`` (the largest
            change of a weight in the epoch). On any exception (Ctrl-C
            included) the weights are put back as they were before ``fit``.
        """
        data = self._states(X, self.n_visible, "X")
        epochs = check_count(epochs, "epochs")
        lr = check_positive(lr, "lr")
        check_choice(method, METHODS, "method")
        decay = check_number(decay, "decay")
        if decay < 0:
            raise ParameterError(f"decay must be >= 0, got {decay!r}")
        callbacks = check_callbacks(callbacks)
        chains = check_count(chains, "chains")
        sweeps = check_count(sweeps, "sweeps")
        if method == "gibbs":
            # The clamped chains (per distinct data vector) and the free ones.
            check_memory(
                16.0 * chains * self.n * (len(data) + 1),
                f"{chains:,} chains per data vector",
                "use fewer chains",
            )
        rng = check_seed(seed)
        if target is not None:
            target = as_float_array(target, "target")
            if target.shape != (2**self.n_visible,):
                raise ShapeError(
                    f"target must hold {2**self.n_visible} probabilities, one per "
                    f"visible state, got shape {target.shape}"
                )
            if target.min() < 0 or target.sum() <= 0:
                raise DataError(
                    "target must be a distribution: non-negative values with a positive "
                    f"sum (they are normalised), got values from {target.min():g} to "
                    f"{target.max():g} summing to {target.sum():g}"
                )
            target = target / target.sum()
        elif self.n <= EXACT_LOSS_UNITS:
            # The data's own distribution: the loss the rule lowers, exactly.
            target = empirical_distribution(data, self.n_visible)
        if method == "exact" or target is not None:
            all_states(
                self.n
            )  # refuses machines too large to enumerate, before anything
        statistics = (
            exact_statistics(self.energy, data, self.n_hidden)
            if method == "exact"
            else self._sampled_statistics(data, chains, rng)
        )
        before = self._weights.copy(), self._bias.copy()

        def undo() -> None:
            self._weights, self._bias = before
            self._graph = None

        def epoch(t: int) -> dict[str, float]:
            self._graph = None  # the graph view is stale from now on
            (clamped_ss, clamped_s), (free_ss, free_s) = statistics(sweeps)
            rate = lr / (1.0 + decay * t)
            change = rate * (clamped_ss - free_ss)
            np.fill_diagonal(change, 0.0)
            self._weights += change
            self._bias += rate * (clamped_s - free_s)
            if not (np.isfinite(self._weights).all() and np.isfinite(self._bias).all()):
                raise NumericalError(
                    f"the weights became NaN or infinite (lr={lr:g} too large?); "
                    "they are put back as they were before fit"
                )
            logs = {"weight_change": float(np.abs(change).max())}
            if target is not None:
                logs["kl"] = kl_divergence(target, self.distribution())
                logs["loss"] = logs["kl"]
            return logs

        return run_epochs(
            epoch, epochs, self, undo=undo, callbacks=callbacks, progress=progress,
            desc="Boltzmann",
            postfix=lambda logs: {k: f"{v:.4f}" for k, v in logs.items()},
        )  # fmt: skip

    def _sampled_statistics(self, data, chains, rng):
        """The same averages from persistent Gibbs chains (clamped and free)."""
        clamped = np.hstack(
            [
                np.repeat(data, chains, axis=0),
                (rng.random((len(data) * chains, self.n_hidden)) < 0.5),
            ]
        ).astype(float)
        free = (rng.random((chains, self.n)) < 0.5).astype(float)
        at_one = temperature_schedule(1.0)

        def statistics(sweeps):
            if self.n_hidden:
                self._sweeps(clamped, sweeps, at_one, rng, self.n_visible)
            self._sweeps(free, sweeps, at_one, rng, 0)
            return (
                (clamped.T @ clamped / len(clamped), clamped.mean(axis=0)),
                (free.T @ free / len(free), free.mean(axis=0)),
            )

        return statistics

    def _states(self, values: ArrayLike, width: int, what: str) -> np.ndarray:
        array = as_float_array(values, what)
        array = array.reshape(1, -1) if array.ndim == 1 else array
        if array.ndim != 2 or array.shape[1] != width or len(array) == 0:
            raise ShapeError(
                f"{what} must have shape (n_samples, {width}) for this machine of "
                f"{self.n_visible} visible and {self.n_hidden} hidden units, got "
                f"shape {np.shape(values)}"
            )
        if not np.isin(array, (0.0, 1.0)).all():
            where = tuple(int(i) for i in np.argwhere(~np.isin(array, (0.0, 1.0)))[0])
            raise DataError(
                f"{what} of a Boltzmann machine must hold only 0 and 1; found "
                f"{array[where]:g} at index {where}. Binarise it first, e.g. "
                "np.where(x > 0.5, 1, 0)."
            )
        return array
