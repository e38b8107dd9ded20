"""Competitive neurons: `WinnerTakeAll` (with DeSieno's conscience) and `LVQ`, learning vector quantization.

A competitive layer's neurons each hold a prototype, their incoming
weights; the neuron nearest a sample wins it. :class:`WinnerTakeAll` learns
without labels: only the winner moves, ``w ← w + η (x − w)`` — online
k-means. A neuron that starts far from the data may never win (a dead
unit); DeSieno's *conscience* handicaps the neurons that win too often: each
keeps its winning frequency p (``p ← p + B (y − p)``) and the winner is the
nearest after a bias ``C (1/N − p)`` is taken off its distance.

:class:`LVQ` adds labels.

Each neuron's incoming weights are a prototype: a point in the input space
labelled with a class. A sample belongs to the class of its nearest
prototype (Euclidean distance; the first on a tie). Kohonen's LVQ1 trains
them one sample at a time: the nearest prototype moves towards the sample if
their classes agree, away from it if they do not::

    w ← w + η (x − w)     (right class)        w ← w − η (x − w)     (wrong class)

The prototypes are shared out among the classes by ``shares`` as neurolab's
``newlvq`` shares them (prototype k belongs to the class whose cumulative
share first exceeds k / n), and start on samples of their class.

Examples
--------
>>> import numpy as np
>>> X = np.array([[-3, 0], [-2, 1], [-2, -1], [0, 2], [0, 1], [0, -1], [0, -2],
...               [2, 1], [2, -1], [3, 0]], dtype=float)
>>> y = np.array([0, 0, 0, 1, 1, 1, 1, 0, 0, 0])
>>> lvq = LVQ(2, 4, shares=[0.6, 0.4], seed=0)
>>> _ = lvq.fit(X, y, epochs=100, lr=0.05, seed=0)
>>> (lvq.predict(X) == y).all()
np.True_
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._checks import (
    SeedLike,
    as_float_array,
    check_count,
    check_number,
    check_positive,
    check_seed,
)
from .errors import DataError, ParameterError, ShapeError
from .history import History, check_callbacks, run_epochs

__all__ = ["LVQ", "Prototypes", "WinnerTakeAll"]


class Prototypes:
    """What competitive layers share: a prototype per neuron, and the nearest one to a sample."""

    n_inputs: int
    prototypes: np.ndarray

    def nearest(self, X: ArrayLike) -> np.ndarray:
        """The index of each sample's nearest prototype (Euclidean; the first on a tie)."""
        data = self._samples(X)
        gaps = np.linalg.norm(data[:, None, :] - self.prototypes[None], axis=2)
        return gaps.argmin(axis=1)

    def _samples(self, X: ArrayLike) -> np.ndarray:
        array = as_float_array(X, "X")
        if array.ndim != 2 or array.shape[1] != self.n_inputs or not len(array):
            raise ShapeError(
                f"X must have shape (n_samples, {self.n_inputs}), got {array.shape}"
            )
        return array


class WinnerTakeAll(Prototypes):
    """A layer of ``n_units`` competitive neurons over ``n_inputs`` inputs: only the winner learns.

    Parameters
    ----------
    n_inputs, n_units : int
    conscience : float, default 0
        DeSieno's C: how strongly a neuron that wins more than its share
        (1/N) is held back; 0 is plain winner-take-all.
    frequency_rate : float, default 1e-4
        DeSieno's B: how fast each neuron's winning frequency follows its wins.
    seed : int, Generator or None
        The starting prototypes: samples drawn at random in :meth:`fit`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    >>> layer = WinnerTakeAll(2, 2, seed=0)
    >>> _ = layer.fit(X, epochs=20, lr=0.2, seed=0)
    >>> sorted(np.round(layer.prototypes, 1).tolist())
    [[0.1, 0.0], [5.0, 5.0]]
    """

    def __init__(
        self,
        n_inputs: int,
        n_units: int,
        conscience: float = 0.0,
        frequency_rate: float = 1e-4,
        seed: SeedLike = None,
    ) -> None:
        self.n_inputs = check_count(n_inputs, "n_inputs")
        self.n_units = check_count(n_units, "n_units", minimum=2)
        self.conscience = check_number(conscience, "conscience")
        self.frequency_rate = check_positive(frequency_rate, "frequency_rate")
        if self.conscience < 0 or self.frequency_rate > 1:
            raise ParameterError(
                "conscience must be >= 0 and frequency_rate in (0, 1], got "
                f"{conscience!r} and {frequency_rate!r}"
            )
        self._rng = check_seed(seed)
        self.prototypes = np.zeros((self.n_units, self.n_inputs))
        self.frequencies = np.full(self.n_units, 1.0 / self.n_units)
        self._started = False

    def __repr__(self) -> str:
        return f"WinnerTakeAll({self.n_units} units, conscience {self.conscience:g})"

    def winner(self, x: ArrayLike, conscience: bool = True) -> int:
        """The winning unit for one sample: the nearest, after the conscience's bias."""
        x = self._samples([x])[0]
        return self._winner(x, conscience)

    def _winner(self, x: np.ndarray, conscience: bool = True) -> int:
        distances = np.linalg.norm(x - self.prototypes, axis=1)
        if conscience and self.conscience:
            distances = distances - self.conscience * (
                1.0 / self.n_units - self.frequencies
            )
        return int(distances.argmin())

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Each sample's nearest unit (no conscience: the trained map of the data)."""
        return self.nearest(X)

    def fit(
        self,
        X: ArrayLike,
        epochs: int = 10,
        lr: float = 0.1,
        *,
        seed: SeedLike = None,
        progress: bool = False,
        callbacks: Sequence[Callable] = (),
    ) -> History:
        """Competitive learning, one sample at a time in a random order each epoch.

        Returns
        -------
        History
            ``loss``: the mean distance of the samples to their nearest unit;
            ``dead``: how many units win no sample.
        """
        data = self._samples(X)
        epochs, lr = check_count(epochs, "epochs"), check_positive(lr, "lr")
        callbacks = check_callbacks(callbacks)
        rng = check_seed(seed)
        before = self.prototypes.copy(), self.frequencies.copy(), self._started
        if not self._started:
            self.prototypes = data[self._rng.choice(len(data), self.n_units)].copy()
            self._started = True

        def undo() -> None:
            self.prototypes, self.frequencies, self._started = before

        def epoch(t: int) -> dict[str, float]:
            for i in rng.permutation(len(data)).tolist():
                k = self._winner(data[i])
                self.prototypes[k] += lr * (data[i] - self.prototypes[k])
                won = np.zeros(self.n_units)
                won[k] = 1.0
                self.frequencies += self.frequency_rate * (won - self.frequencies)
            nearest = self.predict(data)
            gaps = np.linalg.norm(data - self.prototypes[nearest], axis=1)
            return {
                "loss": float(gaps.mean()),
                "dead": float(self.n_units - len(set(nearest.tolist()))),
            }

        return run_epochs(
            epoch, epochs, self, undo=undo, callbacks=callbacks, progress=progress,
            desc="competitive",
        )  # fmt: skip


class LVQ(Prototypes):
    """A layer of ``n_prototypes`` competitive neurons over ``n_inputs`` inputs, one class each.

    Parameters
    ----------
    n_inputs, n_prototypes : int
    shares : sequence of float
        Each class's share of the prototypes (classes 0, 1, …), summing to 1.
    seed : int, Generator or None
        Which samples the prototypes start on (in :meth:`fit`).
    """

    def __init__(
        self,
        n_inputs: int,
        n_prototypes: int,
        shares: Sequence[float],
        seed: SeedLike = None,
    ) -> None:
        self.n_inputs = check_count(n_inputs, "n_inputs")
        n = check_count(n_prototypes, "n_prototypes")
        shares = as_float_array(shares, "shares")
        if shares.ndim != 1 or shares.min() <= 0 or abs(shares.sum() - 1) > 1e-9:
            raise ParameterError(
                f"shares must be positive fractions summing to 1, one per class, got "
                f"{shares.tolist()}"
            )
        # neurolab's rule: class c owns prototypes floor(n·S_(c−1)) … floor(n·S_c) − 1
        edges = np.concatenate([[0], np.floor(n * np.cumsum(shares) + 1e-9)]).astype(
            int
        )
        self.classes = np.repeat(np.arange(len(shares)), np.diff(edges))
        if len(self.classes) != n or np.any(np.diff(edges) == 0):
            raise ParameterError(
                f"{n} prototypes cannot give every class a share of {shares.tolist()}; "
                "use more prototypes"
            )
        self._rng = check_seed(seed)
        self.prototypes = np.zeros((n, self.n_inputs))
        self._started = False

    def __repr__(self) -> str:
        counts = np.bincount(self.classes).tolist()
        return f"LVQ({len(self.classes)} prototypes for {len(counts)} classes {counts})"

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Each sample's class: its nearest prototype's."""
        return self.classes[self.nearest(X)]

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        epochs: int = 100,
        lr: float = 0.01,
        *,
        seed: SeedLike = None,
        progress: bool = False,
        callbacks: Sequence[Callable] = (),
    ) -> History:
        """LVQ1, one sample at a time in a random order each epoch (drawn from ``seed``).

        Returns
        -------
        History
            ``errors`` (misclassified samples) and ``loss`` (their share)
            after each epoch.
        """
        data = self._samples(X)
        labels = np.asarray(y)
        if labels.shape != (len(data),) or labels.dtype.kind not in "iu":
            raise ShapeError(
                f"y must hold one whole-number class per sample, shape ({len(data)},), "
                f"got {labels.shape} of {labels.dtype}"
            )
        # The first fit starts each class's prototypes on its samples: it needs them all.
        missing = (
            []
            if self._started
            else sorted(set(range(self.classes.max() + 1)) - set(labels.tolist()))
        )
        if missing or labels.min() < 0 or labels.max() > self.classes.max():
            raise DataError(
                f"y must use the classes 0 … {self.classes.max()} (each at least once the "
                f"first time); missing {missing}, found {sorted(set(labels.tolist()))}"
            )
        epochs, lr = check_count(epochs, "epochs"), check_positive(lr, "lr")
        callbacks = check_callbacks(callbacks)
        rng = check_seed(seed)
        before = self.prototypes.copy(), self._started
        if not self._started:  # each prototype on a sample of its class
            for k, c in enumerate(self.classes.tolist()):
                self.prototypes[k] = data[self._rng.choice(np.flatnonzero(labels == c))]
            self._started = True

        def undo() -> None:
            self.prototypes, self._started = before

        def epoch(t: int) -> dict[str, float]:
            for i in rng.permutation(len(data)).tolist():
                x = data[i]
                k = int(np.linalg.norm(x - self.prototypes, axis=1).argmin())
                sign = 1.0 if self.classes[k] == labels[i] else -1.0
                self.prototypes[k] += sign * lr * (x - self.prototypes[k])
            wrong = int((self.predict(data) != labels).sum())
            return {"loss": wrong / len(data), "errors": float(wrong)}

        return run_epochs(
            epoch, epochs, self, undo=undo, callbacks=callbacks, progress=progress,
            desc="LVQ",
        )  # fmt: skip
