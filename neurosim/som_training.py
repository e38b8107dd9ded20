"""Training a self-organising map: one sample at a time (matrix or unit by unit), or in batches.

The training half of :class:`~neurosim.som.SOM`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._checks import SeedLike, check_count, check_flag, check_seed
from ._registry import check_choice
from .errors import ShapeError
from .history import History, check_callbacks, run_epochs

__all__ = ["DECAYS", "SelfOrganizing", "asymptotic_decay"]


def asymptotic_decay(value: float, t: int, total: int) -> float:
    """``value / (1 + t / (total / 2))``: a third of ``value`` at the end of training.

    Examples
    --------
    >>> asymptotic_decay(1.0, 0, 10), round(asymptotic_decay(1.0, 10, 10), 12)
    (1.0, 0.333333333333)
    """
    return value / (1 + t / (total / 2))


def _inverse_to_zero(rate: float, t: int, total: int) -> float:
    scale = total / 100.0
    return rate * scale / (scale + t)


def _linear_to_zero(rate: float, t: int, total: int) -> float:
    return rate * (1 - t / total)


def _inverse_to_one(sigma: float, t: int, total: int) -> float:
    return sigma / (1 + (t * ((sigma - 1) / total)))


def _linear_to_one(sigma: float, t: int, total: int) -> float:
    return sigma + (t * (1 - sigma) / total)


#: How the learning rate and σ shrink over T updates, MiniSom's functions:
#: ``asymptotic`` both to a third (``/ (1 + 2t/T)``); ``linear`` η to 0 and σ
#: to 1 in a straight line; ``inverse`` η to 0 as T/100 / (T/100 + t), σ to 1.
DECAYS = {
    "asymptotic": (asymptotic_decay, asymptotic_decay),
    "linear": (_linear_to_zero, _linear_to_one),
    "inverse": (_inverse_to_zero, _inverse_to_one),
}


class SelfOrganizing:
    """``fit``, ``fit_batch`` and the unit-by-unit step (a part of ``SOM``)."""

    def rates(self, t: int, total: int) -> tuple[float, float]:
        """η and σ at update ``t`` of ``total``, by the map's ``decay``."""
        rate, sigma = DECAYS[self.decay]
        return rate(self.learning_rate, t, total), sigma(self.sigma, t, total)

    def fit(
        self,
        X: ArrayLike,
        epochs: int = 1,
        *,
        iterations: int | None = None,
        order: Sequence[int] | None = None,
        random_order: bool = True,
        seed: SeedLike = None,
        progress: bool = False,
        callbacks: Sequence[Callable] = (),
        monitor: bool = True,
        path: str = "matrix",
    ) -> History:
        """Train: one update per sample, ``epochs`` passes (or ``iterations`` updates).

        The learning rate and σ decay over all the updates of this call.
        ``random_order`` visits the samples in a random order (drawn from
        ``seed``), else in order; ``path="graph"`` computes unit by unit (the
        textbook picture, slow; the same numbers); ``order`` gives the sample of every update
        (MiniSom's order, to reproduce its run). On any exception the map is
        put back as it was.

        Returns
        -------
        History
            ``quantization_error`` (the mean distance of the samples to their
            winners; also ``loss``) and ``topographic_error`` after each pass
            of ``len(X)`` updates; with ``monitor=False`` nothing but the
            count of passes (``history.epochs``), the errors' cost saved.
        """
        data = self._samples(X, "X")
        if order is not None:
            order = np.asarray(order)
            if order.ndim != 1 or order.dtype.kind not in "iu" or not len(order):
                raise ShapeError("order must be a list of sample indices")
            if order.min() < 0 or order.max() >= len(data):
                raise ShapeError(
                    f"order holds sample indices 0 … {len(data) - 1}, got "
                    f"{order.min()} … {order.max()}"
                )
        elif iterations is not None:
            total = check_count(iterations, "iterations")
            order = np.arange(total) % len(data)
            if random_order:
                check_seed(seed).shuffle(order)
        else:
            passes = check_count(epochs, "epochs")
            rng = check_seed(seed)
            order = np.concatenate(
                [
                    rng.permutation(len(data)) if random_order else np.arange(len(data))
                    for _ in range(passes)
                ]
            )
        callbacks = check_callbacks(callbacks)
        monitor = check_flag(monitor, "monitor")
        unit_by_unit = check_choice(path, ("matrix", "graph"), "path") == "graph"
        total = len(order)
        chunks = [order[k : k + len(data)] for k in range(0, total, len(data))]
        before = self._weights.copy()

        def undo() -> None:
            self._weights = before

        def epoch(e: int) -> dict[str, float]:
            for k, index in enumerate(chunks[e].tolist()):
                x, t = data[index], e * len(data) + k  # x checked once, above
                if unit_by_unit:
                    self._step_unit_by_unit(x, t, total)
                else:
                    self._update(x, self._winner(x), t, total)
            if not monitor:
                return {}
            quantization = self.quantization_error(data)
            return {
                "loss": quantization,
                "quantization_error": quantization,
                "topographic_error": self.topographic_error(data),
            }

        return run_epochs(
            epoch, len(chunks), self, undo=undo, callbacks=callbacks,
            progress=progress, desc="SOM", unit="pass",
        )  # fmt: skip

    def fit_batch(
        self,
        X: ArrayLike,
        epochs: int = 10,
        *,
        progress: bool = False,
        callbacks: Sequence[Callable] = (),
    ) -> History:
        """Batch training (Kohonen 2013; MiniSom's ``train_batch_offline``): one update per pass.

        Each pass finds every sample's winner with the weights as they are,
        then moves each unit towards the average of the samples weighted by
        its share of them: ``w ← (1 − η) w + η Σ h x / Σ h`` (units with no
        share keep their weights); η and σ decay over the passes.

        Returns
        -------
        History
            ``quantization_error`` (also ``loss``) and ``topographic_error``
            after each pass.
        """
        data = self._samples(X, "X")
        epochs = check_count(epochs, "epochs")
        callbacks = check_callbacks(callbacks)
        before = self._weights.copy()

        def undo() -> None:
            self._weights = before

        def epoch(t: int) -> dict[str, float]:
            rate, sigma = self.rates(t, epochs)
            numerator = np.zeros_like(self._weights)
            denominator = np.zeros((self.rows, self.cols))
            for x in data:
                share = self.shares(self._winner(x), sigma)
                numerator += share[:, :, np.newaxis] * x
                denominator += share
            safe = np.where(
                denominator[:, :, np.newaxis] > 0, denominator[:, :, np.newaxis], 1.0
            )
            average = numerator / safe
            moved = denominator > 0
            self._weights[moved] = (1 - rate) * self._weights[moved] + rate * average[
                moved
            ]
            quantization = self.quantization_error(data)
            return {
                "loss": quantization,
                "quantization_error": quantization,
                "topographic_error": self.topographic_error(data),
            }

        return run_epochs(
            epoch, epochs, self, undo=undo, callbacks=callbacks, progress=progress,
            desc="SOM batch", unit="pass",
        )  # fmt: skip

    def _step_unit_by_unit(self, x: np.ndarray, t: int, total: int) -> None:
        """One update the textbook way: each unit's distance from its own weights, the
        nearest found by comparing them one by one, then each unit moved on its own.

        The teaching path of :meth:`fit` (``path="graph"``): the same arithmetic
        as the matrix path, weight by weight, so the same numbers.
        """
        weights, point = self._weights, x.tolist()
        best, winner = math.inf, (0, 0)
        for unit in np.ndindex(self.rows, self.cols):
            gap = np.asarray([w - v for w, v in zip(weights[unit].tolist(), point)])
            distance = float(np.linalg.norm(gap))
            if distance < best:
                best, winner = distance, unit
        rate, sigma = self.rates(t, total)
        share = self.shares(winner, sigma)
        for unit in np.ndindex(self.rows, self.cols):
            step = share[unit] * rate
            row = weights[unit]
            for k, v in enumerate(point):
                row[k] = row[k] + step * (v - row[k])
