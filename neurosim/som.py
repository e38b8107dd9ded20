"""`SOM`: Kohonen's self-organising map, a grid of neurons whose weights move towards the data.

Each map unit is a neuron whose incoming weights are a point in the input
space; the units sit on a grid (a networkx graph: rectangular, each unit
joined to 4 neighbours, or hexagonal, to 6). For a sample x, the *winner* is
the unit whose weights are nearest (Euclidean distance; the first in row
order on a tie), and every unit moves towards x by its neighbourhood's share::

    w_u ← w_u + η(t) · h(u, winner; σ(t)) · (x − w_u)

with the learning rate and the neighbourhood's radius shrinking over the T
updates of training, by default ``η(t) = η / (1 + 2t/T)`` (asymptotically to
a third; likewise σ). The neighbourhoods are MiniSom's: ``gaussian``
``exp(−d²/2σ²)`` of the distance d between the units' places on the plane,
``mexican_hat`` ``exp(−d²/2σ²)(1 − d²/σ²)``, ``bubble`` (1 within σ along
both grid axes, 0 beyond) and ``triangle`` ``(σ − |Δrow|)⁺ (σ − |Δcol|)⁺``.
The numbers equal MiniSom's (``tests/test_som.py`` checks 1,000 updates to
1e-12).

Examples
--------
>>> import numpy as np, neurosim as ns
>>> som = ns.SOM(3, 3, 2, sigma=1.0, learning_rate=0.5, seed=0)
>>> X = np.random.default_rng(0).random((50, 2))
>>> history = som.fit(X, epochs=5, seed=0)
>>> som.winner(X[0]) in som.graph
True
>>> bool(history["quantization_error"][-1] < history["quantization_error"][0])
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike

from ._checks import (
    SeedLike,
    as_float_array,
    check_count,
    check_positive,
    check_seed,
)
from ._registry import check_choice
from .errors import ShapeError
from .som_training import DECAYS, SelfOrganizing

__all__ = ["NEIGHBORHOODS", "SOM", "TOPOLOGIES"]

NEIGHBORHOODS = ("gaussian", "mexican_hat", "bubble", "triangle")
TOPOLOGIES = ("rectangular", "hexagonal")
#: A hexagonal grid's rows are this far apart (√3/2, written as MiniSom writes it).
HEX_ROW = (3.0 / 2.0) / math.sqrt(3)


class SOM(SelfOrganizing):
    """A self-organising map of ``rows × cols`` units over ``n_inputs``-dimensional data.

    Parameters
    ----------
    rows, cols : int
        The grid (at least 1 × 2).
    n_inputs : int
    sigma : float, default 1.0
        The neighbourhood's radius at the start, in grid units.
    learning_rate : float, default 0.5
    neighborhood : {"gaussian", "mexican_hat", "bubble", "triangle"}
    topology : {"rectangular", "hexagonal"}
        Hexagonal grids shift every other row by half a unit (MiniSom's layout).
    decay : {"asymptotic", "linear", "inverse"}
        How η and σ shrink over training (:data:`~neurosim.som_training.DECAYS`).
    seed : int, Generator or None
        The initial weights: random unit vectors, as MiniSom draws them.

    Attributes
    ----------
    graph : networkx.Graph
        The grid: nodes ``(row, col)``, edges between neighbouring units.
    """

    def __init__(
        self,
        rows: int,
        cols: int,
        n_inputs: int,
        sigma: float = 1.0,
        learning_rate: float = 0.5,
        neighborhood: str = "gaussian",
        topology: str = "rectangular",
        decay: str = "asymptotic",
        seed: SeedLike = None,
    ) -> None:
        self.rows, self.cols = check_count(rows, "rows"), check_count(cols, "cols")
        if self.rows * self.cols < 2:
            raise ShapeError(
                f"a map needs at least 2 units, got a {self.rows} × {self.cols} grid"
            )
        self.n_inputs = check_count(n_inputs, "n_inputs")
        self.sigma = check_positive(sigma, "sigma")
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.neighborhood = check_choice(neighborhood, NEIGHBORHOODS, "neighborhood")
        self.topology = check_choice(topology, TOPOLOGIES, "topology")
        self.decay = check_choice(decay, tuple(DECAYS), "decay")
        weights = check_seed(seed).random((self.rows, self.cols, self.n_inputs)) * 2 - 1
        weights /= np.linalg.norm(weights, axis=-1, keepdims=True)
        self._weights = weights
        rows_at, cols_at = np.meshgrid(
            np.arange(self.rows, dtype=float), np.arange(self.cols, dtype=float),
            indexing="ij",
        )  # fmt: skip
        if self.topology == "hexagonal":
            # MiniSom's layout: every other column of its meshgrid, from the last, shifts.
            shifted = np.arange(self.cols)[::-1][::2]
            rows_at[:, shifted] -= 0.5
            cols_at *= HEX_ROW
        #: Each unit's place on the plane, (rows, cols, 2).
        self.places = np.stack([rows_at, cols_at], axis=-1)
        self.graph = self._grid()

    def _grid(self) -> nx.Graph:
        if self.topology == "rectangular":
            return nx.grid_2d_graph(self.rows, self.cols)
        graph = nx.Graph()
        graph.add_nodes_from(np.ndindex(self.rows, self.cols))
        flat = self.places.reshape(-1, 2)
        units = list(np.ndindex(self.rows, self.cols))
        for a in range(len(units)):
            near = np.isclose(np.linalg.norm(flat - flat[a], axis=1), 1.0)
            graph.add_edges_from((units[a], units[b]) for b in np.flatnonzero(near))
        return graph

    # ------------------------------------------------------------------ the numbers

    @property
    def weights(self) -> np.ndarray:
        """The units' weight vectors, (rows, cols, n_inputs), read-only."""
        view = self._weights.view()
        view.flags.writeable = False
        return view

    def set_parameters(self, weights: ArrayLike) -> None:
        """Set every unit's weights, (rows, cols, n_inputs); checked before anything changes."""
        array = as_float_array(weights, "weights")
        if array.shape != self._weights.shape:
            raise ShapeError(
                f"weights must have shape {self._weights.shape} (rows, cols, n_inputs), "
                f"got {array.shape}"
            )
        self._weights = array.copy()

    def __repr__(self) -> str:
        return (
            f"SOM({self.rows} × {self.cols} {self.topology} units, {self.n_inputs} "
            f"inputs, σ={self.sigma:g}, η={self.learning_rate:g}, {self.neighborhood}"
            + (f", {self.decay} decay)" if self.decay != "asymptotic" else ")")
        )

    def initialize(self, X: ArrayLike, how: str = "pca", seed: SeedLike = None) -> None:
        """Start from the data: ``"pca"`` spreads the units over the plane of the first
        two principal components around the mean (MiniSom's ``pca_weights_init``:
        ``mean + a·pc1 + b·pc2``, a and b from −1 to 1 over the grid); ``"random"``
        gives each unit a sample drawn at random (from ``seed``)."""
        data = self._samples(X, "X")
        check_choice(how, ("pca", "random"), "how")
        if how == "random":
            picks = check_seed(seed).integers(0, len(data), self.rows * self.cols)
            self._weights = data[picks].reshape(self._weights.shape).copy()
            return
        if self.n_inputs < 2:
            raise ShapeError("PCA initialisation needs samples of at least 2 values")
        values, vectors = np.linalg.eigh(np.cov(data, rowvar=False))
        order = np.argsort(values)[::-1]
        first, second = vectors[:, order[0]], vectors[:, order[1]]
        mean = np.mean(data, axis=0)
        weights = np.empty_like(self._weights)
        for i, a in enumerate(np.linspace(-1, 1, self.rows)):
            for j, b in enumerate(np.linspace(-1, 1, self.cols)):
                weights[i, j] = mean + a * first + b * second
        self._weights = weights

    # ------------------------------------------------------------------ one sample

    def distances(self, x: ArrayLike) -> np.ndarray:
        """Each unit's Euclidean distance to the sample ``x``, (rows, cols)."""
        return np.linalg.norm(self._sample(x) - self._weights, axis=-1)

    def winner(self, x: ArrayLike) -> tuple[int, int]:
        """The unit nearest ``x``, ``(row, col)`` (the first in row order on a tie)."""
        return self._winner(self._sample(x))

    def _winner(self, x: np.ndarray) -> tuple[int, int]:
        distances = np.linalg.norm(x - self._weights, axis=-1)
        row, col = np.unravel_index(distances.argmin(), distances.shape)
        return int(row), int(col)

    def shares(self, winner: tuple[int, int], sigma: float) -> np.ndarray:
        """Each unit's share h(u, winner) of an update, (rows, cols)."""
        if self.neighborhood in ("gaussian", "mexican_hat"):
            offset = self.places - self.places[winner]
            spread = 2 * sigma * sigma
            if self.neighborhood == "gaussian":  # one factor per axis, as MiniSom
                return np.exp(-(offset[..., 0] ** 2) / spread) * np.exp(
                    -(offset[..., 1] ** 2) / spread
                )
            squared = offset[..., 0] ** 2 + offset[..., 1] ** 2
            return np.exp(-squared / spread) * (1 - 2 / spread * squared)
        rows, cols = np.arange(self.rows), np.arange(self.cols)
        if self.neighborhood == "bubble":
            along_rows = (rows > winner[0] - sigma) & (rows < winner[0] + sigma)
            along_cols = (cols > winner[1] - sigma) & (cols < winner[1] + sigma)
            return np.outer(along_rows, along_cols) * 1.0
        along_rows = np.maximum(sigma - np.abs(winner[0] - rows), 0.0)
        along_cols = np.maximum(sigma - np.abs(winner[1] - cols), 0.0)
        return np.outer(along_rows, along_cols)

    def update(self, x: ArrayLike, winner: tuple[int, int], t: int, total: int) -> None:
        """One update: every unit moves towards ``x`` by η(t)·h(u, winner; σ(t))."""
        self._update(self._sample(x), winner, t, total)

    def _update(
        self, x: np.ndarray, winner: tuple[int, int], t: int, total: int
    ) -> None:
        rate, sigma = self.rates(t, total)
        share = self.shares(winner, sigma)
        self._weights += (share * rate)[..., np.newaxis] * (x - self._weights)

    def explain(self, x: ArrayLike, t: int = 0, total: int = 1, shown: int = 6) -> str:
        """One update told with its numbers (the map is not changed).

        The winner and its distance, the learning rate and radius at update
        ``t`` of ``total``, then the units that move most: each one's share
        h and its step ``η·h·(x − w)``.

        Examples
        --------
        >>> som = SOM(2, 2, 2, sigma=1.0, learning_rate=0.5, seed=0)
        >>> som.set_parameters([[[0, 0], [0, 1]], [[1, 0], [1, 1]]])
        >>> print(som.explain([0.9, 0.2]))   # h = exp(−d²/2σ²): 1, e^−½, e^−½, e^−1
        unit (1, 0) won: distance 0.223607 to x = [0.9, 0.2]
        update 0 of 1: η = 0.5, σ = 1 (asymptotic decay)
        unit (1, 0): h = 1, moves by η·h = 0.5 · (x − w) = [-0.05, 0.1]
        unit (0, 0): h = 0.606531, moves by η·h = 0.303265 · (x − w) = [0.272939, 0.0606531]
        unit (1, 1): h = 0.606531, moves by η·h = 0.303265 · (x − w) = [-0.0303265, -0.242612]
        unit (0, 1): h = 0.367879, moves by η·h = 0.18394 · (x − w) = [0.165546, -0.147152]
        """
        x = self._sample(x)
        winner = self.winner(x)
        rate, sigma = self.rates(t, total)
        share = self.shares(winner, sigma)

        def vector(values) -> str:  # a long one by its first values and its length
            text = ", ".join(f"{v:.6g}" for v in values[:6])
            return (
                f"[{text}]"
                if len(values) <= 6
                else f"[{text}, … ({len(values)} values)]"
            )

        lines = [
            f"unit {winner} won: distance {self.distances(x)[winner]:.6g} to x = {vector(x)}",
            f"update {t} of {total}: η = {rate:.6g}, σ = {sigma:.6g} ({self.decay} decay)",
        ]
        units = sorted(np.ndindex(self.rows, self.cols), key=lambda u: -share[u])
        for unit in units[:shown]:
            if share[unit] == 0.0:
                break
            step = rate * share[unit] * (x - self._weights[unit])
            lines.append(
                f"unit {unit}: h = {share[unit]:.6g}, moves by η·h = "
                f"{rate * share[unit]:.6g} · (x − w) = {vector(step)}"
            )
        return "\n".join(lines)

    # ------------------------------------------------------------------ measures

    def quantization_error(self, X: ArrayLike) -> float:
        """The mean distance of the samples to their winners' weights."""
        data = self._samples(X, "X")
        winners = self._distance_table(data).argmin(axis=1)
        nearest = self._weights.reshape(-1, self.n_inputs)[winners]
        return float(np.linalg.norm(data - nearest, axis=1).mean())

    def topographic_error(self, X: ArrayLike, neighbours: int | None = None) -> float:
        """The share of samples whose two nearest units are not neighbours on the grid.

        ``neighbours``: on a rectangular grid, 4 (the grid's edges) or 8
        (diagonals count as adjacent: MiniSom's convention, distance ≤
        1.42); the default is MiniSom's, 8. A hexagonal grid has 6.
        """
        data = self._samples(X, "X")
        if neighbours is None:
            neighbours = 8 if self.topology == "rectangular" else 6
        allowed = (4, 8) if self.topology == "rectangular" else (6,)
        check_choice(neighbours, allowed, "neighbours")
        nearest = np.argsort(self._distance_table(data), axis=1)[:, :2]
        first = np.stack(np.unravel_index(nearest[:, 0], (self.rows, self.cols)), 1)
        second = np.stack(np.unravel_index(nearest[:, 1], (self.rows, self.cols)), 1)
        if self.topology == "hexagonal":
            gap = np.linalg.norm(
                self.places[tuple(first.T)] - self.places[tuple(second.T)], axis=1
            )
            return float(1 - np.mean(np.isclose(gap, 1.0)))
        steps = np.abs(first - second)
        if neighbours == 4:
            return float(np.mean(steps.sum(axis=1) > 1))
        return float(np.mean(np.linalg.norm(steps, axis=1) > 1.42))

    def distance_map(self, scaling: str = "sum") -> np.ndarray:
        """The U-matrix: each unit's distance to its grid neighbours' weights, scaled to [0, 1].

        ``scaling="sum"`` adds the distances up, ``"mean"`` averages them (as
        MiniSom's ``distance_map``; a rectangular grid counts the 8
        surrounding units, a hexagonal one its 6). High values mark borders
        between clusters.
        """
        check_choice(scaling, ("sum", "mean"), "scaling")
        if self.topology == "hexagonal":
            steps = ([(1, 1), (1, 0), (1, -1), (0, -1), (-1, 0), (0, 1)],
                     [(0, 1), (1, 0), (0, -1), (-1, -1), (-1, 0), (-1, 1)])  # fmt: skip
        else:
            around = [
                (0, -1),
                (-1, -1),
                (-1, 0),
                (-1, 1),
                (0, 1),
                (1, 1),
                (1, 0),
                (1, -1),
            ]
            steps = (around, around)
        table = np.full((self.rows, self.cols, 8), np.nan)
        for x, y in np.ndindex(self.rows, self.cols):
            for k, (i, j) in enumerate(steps[y % 2 == 0]):
                if 0 <= x + i < self.rows and 0 <= y + j < self.cols:
                    gap = self._weights[x, y] - self._weights[x + i, y + j]
                    table[x, y, k] = math.sqrt(np.dot(gap, gap.T))
        total = (
            np.nanmean(table, axis=2) if scaling == "mean" else np.nansum(table, axis=2)
        )
        return total / total.max()

    def activation_response(self, X: ArrayLike) -> np.ndarray:
        """How many samples each unit wins, (rows, cols): the hit map."""
        hits = np.zeros((self.rows, self.cols))
        for x in self._samples(X, "X"):
            hits[self.winner(x)] += 1
        return hits

    def win_map(self, X: ArrayLike, indices: bool = False) -> dict:
        """The samples (or their indices) each unit wins: ``{(row, col): [...]}``."""
        won: dict = {}
        for k, x in enumerate(self._samples(X, "X")):
            won.setdefault(self.winner(x), []).append(k if indices else x)
        return won

    def labels_map(self, X: ArrayLike, labels: Sequence) -> dict:
        """How often each label falls on each unit: ``{(row, col): Counter}``."""
        from collections import Counter

        data = self._samples(X, "X")
        if len(labels) != len(data):
            raise ShapeError(
                f"labels must have one entry per sample ({len(data)}), got {len(labels)}"
            )
        counts: dict = {}
        for x, label in zip(data, labels):
            counts.setdefault(self.winner(x), Counter())[label] += 1
        return counts

    def _distance_table(self, data: np.ndarray) -> np.ndarray:
        """(samples, units) Euclidean distances, as MiniSom computes them for its errors."""
        flat = self._weights.reshape(-1, self.n_inputs)
        cross = data @ flat.T
        squared = (data**2).sum(axis=1, keepdims=True) + (flat**2).sum(axis=1)[None]
        return np.sqrt(np.maximum(0, -2 * cross + squared))

    # ------------------------------------------------------------------ checks

    def _sample(self, x: ArrayLike) -> np.ndarray:
        array = as_float_array(x, "x")
        if array.shape != (self.n_inputs,):
            raise ShapeError(
                f"a sample has {self.n_inputs} values for this map, got shape {array.shape}"
            )
        return array

    def _samples(self, X: ArrayLike, what: str) -> np.ndarray:
        array = as_float_array(X, what)
        if array.ndim != 2 or array.shape[1] != self.n_inputs or not len(array):
            raise ShapeError(
                f"{what} must have shape (n_samples, {self.n_inputs}), got {array.shape}"
            )
        return array
