"""The evolution strategies: ask/tell objects that search a parameter vector without gradients.

Each proposes candidate vectors (:meth:`EvolutionStrategy.ask`), is told
their losses (:meth:`EvolutionStrategy.tell`) and keeps the best vector seen
(or its centre); :func:`neurosim.evolution.evolve` runs one on a model.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np

from ._checks import check_count, check_number, check_positive
from .errors import DataError, ParameterError, ShapeError

__all__ = [
    "AskTell", "EvolutionStrategy", "MuLambda", "NaturalES", "OnePlusOne", "proposals",
    "worst_for_nan",
]  # fmt: skip


class EvolutionStrategy(ABC):
    """The ask/tell protocol: propose candidates, learn from their losses (lower is better).

    Subclasses set :attr:`sigma` (the step size) and implement :meth:`ask`
    and :meth:`tell`; :meth:`start` is called once with the starting vector
    and the generator to draw from.
    """

    sigma: float

    def start(self, x0: np.ndarray, rng: np.random.Generator) -> None:
        """Begin at ``x0`` (the model's parameters), drawing from ``rng``."""
        self.rng = rng
        self.centre = np.array(x0, dtype=float)
        self.best_vector, self.best_loss = self.centre.copy(), math.inf

    @abstractmethod
    def ask(self) -> np.ndarray:
        """The next candidates, one per row."""

    @abstractmethod
    def tell(self, candidates: np.ndarray, losses: np.ndarray) -> None:
        """Learn from the candidates' losses (NaN counts as infinitely bad)."""

    @property
    def solution(self) -> np.ndarray:
        """The vector to keep at the end: the best seen (elitist strategies)."""
        return self.best_vector

    @property
    def centre_vector(self) -> np.ndarray:
        """The centre of the search now: the spread of the candidates is measured from it."""
        return self.best_vector

    def remember(self, candidates: np.ndarray, losses: np.ndarray) -> None:
        """Keep the best candidate ever seen."""
        k = int(np.argmin(losses))
        if losses[k] < self.best_loss:
            self.best_loss, self.best_vector = float(losses[k]), candidates[k].copy()


class OnePlusOne(EvolutionStrategy):
    """The (1+1)-ES: one parent, one mutant per generation, the better one survives.

    The step size follows Rechenberg's one-fifth success rule: multiplied by
    ``1.5`` after a success, by 1.5 to the power −¼ after a failure, so it stays
    put when one mutant in five succeeds, grows on an open slope and shrinks
    near a minimum. A plain (1+1)-ES gets stuck when its step size collapses
    in a local minimum, or crawls along one for ever (sigmoid units
    saturating), so it *restarts*: when σ falls below ``min_sigma``, or when
    ``patience`` evaluations lowered the loss by less than the fraction
    ``tolerance`` of itself, it starts again from a fresh random point drawn
    from N(0, s²), s = ``restart_scale``, with the initial σ, keeping the best
    vector found so far (:attr:`restarts` counts them).

    Parameters
    ----------
    sigma : float, default 0.5
        The initial step size.
    min_sigma : float, default 1e-4
    patience : int, default 500
    tolerance : float, default 0.01
    restart_scale : float, default 2.0

    Examples
    --------
    >>> import numpy as np
    >>> es = OnePlusOne(sigma=1.0)
    >>> es.start(np.zeros(2), np.random.default_rng(0))
    >>> for _ in range(200):
    ...     x = es.ask()
    ...     es.tell(x, ((x - 3.0) ** 2).sum(axis=1))
    >>> np.round(es.solution, 2).tolist()
    [3.0, 3.0]
    """

    def __init__(
        self,
        sigma: float = 0.5,
        min_sigma: float = 1e-4,
        patience: int = 500,
        tolerance: float = 0.01,
        restart_scale: float = 2.0,
    ) -> None:
        self.initial_sigma = check_positive(sigma, "sigma")
        self.min_sigma = check_positive(min_sigma, "min_sigma")
        self.patience = check_count(patience, "patience")
        self.tolerance = check_number(tolerance, "tolerance")
        self.restart_scale = check_positive(restart_scale, "restart_scale")

    def start(self, x0, rng) -> None:
        super().start(x0, rng)
        self.sigma = self.initial_sigma
        self.parent, self.parent_loss = self.centre, math.inf
        self.restarts, self.since_improvement, self.window_start = 0, 0, math.inf

    def ask(self) -> np.ndarray:
        if self.parent_loss == math.inf:  # the parent itself has no loss yet
            return self.parent[None].copy()
        step = self.sigma * self.rng.standard_normal(len(self.parent))
        return (self.parent + step)[None]

    def tell(self, candidates, losses) -> None:
        losses = worst_for_nan(losses)
        self.remember(candidates, losses)
        loss = float(losses[0])
        if self.parent_loss == math.inf:
            self.parent, self.parent_loss = candidates[0].copy(), loss
        elif loss <= self.parent_loss:
            self.parent, self.parent_loss = candidates[0].copy(), loss
            self.sigma *= 1.5
        else:
            self.sigma *= 1.5**-0.25
        # Stagnation: in a window of `patience` evaluations the parent's loss
        # fell by less than the fraction `tolerance` of itself.
        self.since_improvement += 1
        if self.since_improvement >= self.patience:
            stagnant = self.parent_loss > (1.0 - self.tolerance) * self.window_start
            self.window_start, self.since_improvement = self.parent_loss, 0
        else:
            stagnant = False
        if self.sigma < self.min_sigma or stagnant:
            self.restarts += 1
            self.parent = self.restart_scale * self.rng.standard_normal(
                len(self.parent)
            )
            self.parent_loss, self.sigma = math.inf, self.initial_sigma
            self.window_start, self.since_improvement = math.inf, 0

    @property
    def centre_vector(self) -> np.ndarray:
        return self.parent


class MuLambda(EvolutionStrategy):
    """(μ, λ) or (μ + λ) selection with self-adapted step sizes.

    Each generation, ``population`` (λ) children are made from parents drawn
    uniformly from the ``mu`` (μ) survivors: a child's step size is its
    parent's times exp(τ·N(0, 1)), τ = 1/√(2n), and its vector the parent's
    plus that step size times N(0, I). The μ best children survive (comma),
    or the μ best of children and parents (``plus=True``, elitist).

    Examples
    --------
    >>> import numpy as np
    >>> es = MuLambda(mu=3, population=12, sigma=1.0)
    >>> es.start(np.zeros(3), np.random.default_rng(0))
    >>> for _ in range(150):
    ...     x = es.ask()
    ...     es.tell(x, (x ** 2).sum(axis=1))
    >>> bool(es.best_loss < 1e-4)
    True
    """

    def __init__(
        self, mu: int = 5, population: int = 20, sigma: float = 0.5, plus: bool = False
    ) -> None:
        self.mu = check_count(mu, "mu")
        self.population = check_count(population, "population")
        if self.population < self.mu:
            raise ParameterError(
                f"the population (λ = {population}) must be at least mu (μ = {mu}): "
                "the survivors are chosen among the children"
            )
        self.initial_sigma = check_positive(sigma, "sigma")
        self.plus = bool(plus)

    def start(self, x0, rng) -> None:
        super().start(x0, rng)
        self.parents = np.repeat(self.centre[None], self.mu, axis=0)
        self.parent_sigmas = np.full(self.mu, self.initial_sigma)
        self.parent_losses = np.full(self.mu, math.inf)
        self.tau = 1.0 / math.sqrt(2.0 * max(1, len(x0)))
        self.sigma = self.initial_sigma

    def ask(self) -> np.ndarray:
        which = self.rng.integers(0, self.mu, self.population)
        self.child_sigmas = self.parent_sigmas[which] * np.exp(
            self.tau * self.rng.standard_normal(self.population)
        )
        noise = self.rng.standard_normal((self.population, self.parents.shape[1]))
        return self.parents[which] + self.child_sigmas[:, None] * noise

    def tell(self, candidates, losses) -> None:
        losses = worst_for_nan(losses)
        self.remember(candidates, losses)
        pool, sigmas, pool_losses = candidates, self.child_sigmas, losses
        if self.plus:
            pool = np.vstack([candidates, self.parents])
            sigmas = np.concatenate([self.child_sigmas, self.parent_sigmas])
            pool_losses = np.concatenate([losses, self.parent_losses])
        keep = np.argsort(pool_losses, kind="stable")[: self.mu]
        self.parents, self.parent_sigmas = pool[keep].copy(), sigmas[keep].copy()
        self.parent_losses = pool_losses[keep].copy()
        self.sigma = float(np.exp(np.log(self.parent_sigmas).mean()))

    @property
    def centre_vector(self) -> np.ndarray:
        return self.parents.mean(axis=0)


class NaturalES(EvolutionStrategy):
    """The natural evolution strategy of Salimans et al. (2017).

    Each generation draws ``population // 2`` directions εᵢ ~ N(0, I) and
    evaluates θ + σεᵢ and θ − σεᵢ (antithetic pairs, which cancel the
    noise of the estimate's even terms). The losses become fitnesses by
    rank, spread evenly over [−½, ½] (the best +½), and the centre moves by
    ``lr / (n σ) Σ Fᵢ εᵢ`` — a Monte Carlo estimate of the gradient of the
    expected fitness under the search distribution, blind to the scale of
    the loss.

    Parameters
    ----------
    population : int, default 50
        Candidates per generation (even: antithetic pairs).
    sigma : float, default 0.1
    lr : float, default 0.05

    Examples
    --------
    >>> import numpy as np
    >>> es = NaturalES(population=20, sigma=0.1, lr=0.1)
    >>> es.start(np.zeros(2), np.random.default_rng(0))
    >>> for _ in range(300):
    ...     x = es.ask()
    ...     es.tell(x, ((x - 1.0) ** 2).sum(axis=1))
    >>> bool(np.abs(es.solution - 1.0).max() < 0.15)   # near the minimum at (1, 1)
    True
    """

    def __init__(
        self, population: int = 50, sigma: float = 0.1, lr: float = 0.05
    ) -> None:
        self.population = check_count(population, "population", minimum=2)
        if self.population % 2:
            raise ParameterError(
                f"the population must be even (antithetic pairs θ ± σε), got {population}"
            )
        self.sigma = check_positive(sigma, "sigma")
        self.lr = check_positive(lr, "lr")

    def ask(self) -> np.ndarray:
        half = self.rng.standard_normal((self.population // 2, len(self.centre)))
        self.directions = np.concatenate((half, -half))
        return self.centre + self.sigma * self.directions

    def tell(self, candidates, losses) -> None:
        losses = worst_for_nan(losses)
        self.remember(candidates, losses)
        ranks = np.empty(len(losses))
        ranks[np.argsort(-losses, kind="stable")] = np.arange(
            len(losses)
        )  # best: n − 1
        fitness = ranks / (len(losses) - 1) - 0.5
        step = self.lr / (len(losses) * self.sigma) * (fitness @ self.directions)
        self.centre = self.centre + step

    @property
    def solution(self) -> np.ndarray:
        """The centre of the search distribution (what the gradient estimate moves)."""
        return self.centre

    @property
    def centre_vector(self) -> np.ndarray:
        return self.centre


class AskTell(EvolutionStrategy):
    """Any external ask/tell optimizer, such as ``cma.CMAEvolutionStrategy``.

    The external object must have ``ask()`` returning a list of vectors and
    ``tell(solutions, losses)``; build it from ``net.parameter_vector()``.
    Its own random numbers are its own (seed it as its documentation says).

    Examples
    --------
    >>> class Halving:                      # a stand-in with the cma interface
    ...     def __init__(self, x0): self.x = np.asarray(x0, float)
    ...     def ask(self): return [self.x, self.x / 2]
    ...     def tell(self, xs, fs): self.x = xs[int(np.argmin(fs))]
    >>> es = AskTell(Halving([4.0]))
    >>> es.start(np.array([4.0]), np.random.default_rng(0))
    >>> for _ in range(3):
    ...     x = es.ask(); es.tell(x, (x ** 2).sum(axis=1))
    >>> es.solution.tolist()
    [0.5]
    """

    sigma = math.nan

    def __init__(self, strategy) -> None:
        if not (
            callable(getattr(strategy, "ask", None))
            and callable(getattr(strategy, "tell", None))
        ):
            raise ParameterError(
                f"AskTell wraps an object with ask() and tell(solutions, losses), got {strategy!r}"
            )
        self.strategy = strategy

    def __repr__(self) -> str:
        return f"AskTell({type(self.strategy).__name__})"

    def ask(self) -> np.ndarray:
        # The external proposals checked: a clear error for a wrong length,
        # ragged rows or anything that is not a real number.
        return proposals(self.strategy.ask(), len(self.centre), self)

    def tell(self, candidates, losses) -> None:
        losses = worst_for_nan(losses)
        self.remember(candidates, losses)
        self.strategy.tell(list(candidates), losses.tolist())
        self.sigma = float(getattr(self.strategy, "sigma", math.nan))


def proposals(raw, width: int, strategy) -> np.ndarray:
    """The candidates a strategy proposed, as an (n, width) float array, or a clear error."""
    try:
        array = np.asarray(raw)
    except ValueError as error:
        array, problem = None, str(error)
    if array is not None and array.dtype.kind not in "biuf":
        array, problem = None, f"they hold {array.dtype} values"
    if array is None:
        raise DataError(
            f"{strategy!r} proposed candidates that are not a rectangular array of real "
            f"numbers ({problem}); ask() must return vectors of {width} floats"
        )
    if array.ndim != 2 or array.shape[1] != width or len(array) == 0:
        raise ShapeError(
            f"{strategy!r} proposed candidates of shape {array.shape}; expected "
            f"(n_candidates, {width}): one value per trainable parameter, as in "
            "net.parameter_vector()"
        )
    return array.astype(float, copy=False)


def worst_for_nan(losses: np.ndarray) -> np.ndarray:
    """NaN losses as +inf: a candidate that broke the network is the worst, not unordered."""
    return (
        np.where(np.isnan(losses), math.inf, losses)
        if np.isnan(losses).any()
        else losses
    )
