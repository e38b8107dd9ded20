"""Training without gradients: evolution strategies over a network's parameter vector.

An evolution strategy treats the network as a black box: it proposes
candidate parameter vectors, is told their losses, and proposes better ones.
It needs no derivative, so it trains networks gradients cannot (step units,
a user's non-differentiable activation) and checks a forward pass
independently of backpropagation. It works on :meth:`Model.parameter_vector
<neurosim.model.Model.parameter_vector>`: every trainable parameter once (a
shared parameter is perturbed once, wherever it is used), frozen parameters
never.

=========================  ==================================================
:class:`OnePlusOne`        the (1+1)-ES with the one-fifth success rule and
                           restarts (Rechenberg; the tutorial's strategy)
:class:`MuLambda`          (μ, λ) and (μ + λ) selection, each individual
                           with its own self-adapted step size (Schwefel)
:class:`NaturalES`         θ ← θ + α/(nσ) Σ Fᵢ εᵢ with antithetic pairs and
                           rank-based fitness shaping (Salimans et al. 2017)
:class:`AskTell`           any object with ``ask()``/``tell()``, such as the
                           ``cma`` package's ``CMAEvolutionStrategy``
=========================  ==================================================

Every strategy is an ask/tell object, so a user can also drive one by hand.
:func:`evolve` runs one on a model; ``net.fit(X, Y, optimizer=strategy)``
calls it. Every random draw comes from the seed given to :func:`evolve`.

Examples
--------
>>> import neurosim as ns
>>> X, Y = ns.datasets.xor()
>>> net = ns.Network.layered([2, 2, 1], seed=0)
>>> history = net.fit(X, Y, optimizer=ns.OnePlusOne(), epochs=20_000,
...                   target_loss=0.0099, seed=1)
>>> bool(abs(net.predict(X) - Y).max() < 0.2)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._checks import (
    SeedLike,
    as_training_data,
    check_count,
    check_number,
    check_seed,
)
from .errors import NumericalError, ParameterError
from .history import History, check_callbacks, run_epochs
from .losses import Loss
from .strategies import (
    AskTell,
    EvolutionStrategy,
    MuLambda,
    NaturalES,
    OnePlusOne,
    proposals,
)

__all__ = [
    "AskTell",
    "EvolutionStrategy",
    "MuLambda",
    "NaturalES",
    "OnePlusOne",
    "evolve",
]


def evolve(
    model,
    X: ArrayLike,
    Y: ArrayLike,
    strategy: EvolutionStrategy,
    generations: int = 100,
    loss: str | Loss = "mse",
    seed: SeedLike = None,
    max_evaluations: int | None = None,
    target_loss: float | None = None,
    callbacks: Sequence[Callable] = (),
    progress: bool = False,
) -> History:
    """Train ``model`` with an evolution strategy on the whole of (X, Y).

    Each generation the strategy proposes candidates, the model computes
    their losses (a compiled layered network evaluates the whole population
    in one batched pass per layer), and the strategy learns from them. At
    the end the model keeps the strategy's solution (the best vector seen,
    or the natural ES's centre).

    Parameters
    ----------
    model : Network or CompiledNetwork
    X, Y : array_like
    strategy : EvolutionStrategy
    generations : int, default 100
    loss : str or Loss, default "mse"
    seed : int, Generator or None
        Every draw of the strategy; the same seed, the same run, bit for bit.
    max_evaluations : int, optional
        Stop once this many candidates have been evaluated.
    target_loss : float, optional
        Stop once the best loss is at or below it.
    callbacks : sequence of callable
        ``callback(generation, history, model)`` after each generation; a
        true return value stops (:class:`~neurosim.training.EarlyStopping`
        with ``monitor="loss"`` works).
    progress : bool, default False
        A tqdm progress bar with the best loss.

    Returns
    -------
    History
        Per generation: ``loss`` (the best loss so far), ``best`` and
        ``mean`` (of this generation's candidates, NaN ones left out),
        ``sigma`` (the step size), ``spread`` (the candidates' RMS distance
        from the centre they were drawn around, in parameter space) and
        ``evaluations`` (so far).

    Raises
    ------
    NumericalError
        If every candidate of a generation has a NaN loss; the model is
        then put back as it was.
    """
    if not isinstance(strategy, EvolutionStrategy):
        raise ParameterError(
            f"strategy must be an EvolutionStrategy (OnePlusOne, MuLambda, NaturalES, "
            f"AskTell), got {strategy!r}"
        )
    generations = check_count(generations, "generations")
    if max_evaluations is not None:
        max_evaluations = check_count(max_evaluations, "max_evaluations")
    if target_loss is not None:
        target_loss = check_number(target_loss, "target_loss")
    callbacks = check_callbacks(callbacks)
    model.prepare()
    loss = model.check_loss(loss)
    X, Y = as_training_data(X, Y, model, "training", loss)
    rng = check_seed(seed)
    before = model.parameter_vector()
    strategy.start(before, rng)
    evaluations = 0

    def generation(t: int) -> dict[str, float]:
        # A candidate whose outputs overflow gets an infinite or NaN loss: expected.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return _generation(t)

    def _generation(t: int) -> dict[str, float]:
        nonlocal evaluations
        candidates = proposals(strategy.ask(), len(before), strategy)
        losses, usable = _candidate_losses(model, X, Y, loss, candidates)
        finite = np.isfinite(losses)
        everywhere = bool(finite.all())  # the usual case: nothing more to look at
        if not everywhere and (np.isnan(losses).all() or not usable.any()):
            raise NumericalError(
                f"every candidate of generation {t + 1} has a NaN loss "
                f"or non-finite parameters (sigma = {strategy.sigma:g}); the model "
                "is put back as it was. Try a smaller sigma or learning rate, or "
                "a loss that stays finite."
            )
        # Where these candidates were drawn around (a strategy replaces its
        # centre in tell, never edits it in place).
        centre = strategy.centre_vector
        strategy.tell(candidates, losses)
        evaluations += len(candidates)
        kept = losses if everywhere else losses[finite]
        if len(kept) == 1:  # the (1+1)-ES: no array arithmetic for one number
            best = mean = float(kept[0])
        else:
            best, mean = (
                (float(kept.min()), float(kept.mean()))
                if kept.size
                else (math.inf,) * 2
            )
        return {
            "loss": strategy.best_loss,
            "best": best,
            "mean": mean,
            "sigma": float(strategy.sigma),
            "spread": _rms_distance(candidates, centre),
            "evaluations": float(evaluations),
        }

    def reached() -> bool:
        return (target_loss is not None and strategy.best_loss <= target_loss) or (
            max_evaluations is not None and evaluations >= max_evaluations
        )

    def finish() -> None:
        solution = np.asarray(strategy.solution, dtype=float)
        if not np.isfinite(solution).all():
            raise NumericalError(
                f"the strategy's solution has non-finite parameters after generation "
                f"{history.epochs} (sigma = {strategy.sigma:g}): the search diverged. "
                "The model is put back as it was; try a smaller sigma or learning rate."
            )
        model.load_trainable_values(solution)

    history = History()
    return run_epochs(
        generation, generations, model,
        undo=lambda: model.load_trainable_values(before), callbacks=callbacks,
        progress=progress, desc="evolve", unit="gen", stop=reached, finish=finish,
        postfix=lambda logs: {"best": f"{logs['loss']:.4g}"}, history=history,
    )  # fmt: skip


def _candidate_losses(
    model, X, Y, loss, candidates: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each candidate's loss, and which candidates are usable (every parameter finite).

    One with a non-finite parameter is the worst (+inf), unevaluated: so a
    step size that overflows gives the same answer on both backends (neither
    writes an infinite weight into a network).
    """
    usable = np.isfinite(candidates).all(axis=1)
    if usable.all():
        return loss.values(model.candidate_outputs(X, candidates), Y), usable
    losses = np.full(len(candidates), math.inf)
    if usable.any():
        losses[usable] = loss.values(model.candidate_outputs(X, candidates[usable]), Y)
    return losses, usable


def _rms_distance(candidates: np.ndarray, centre: np.ndarray) -> float:
    """√(mean over candidates of |c − centre|²)."""
    offsets = candidates - centre
    return math.sqrt(float(np.einsum("ij,ij->", offsets, offsets)) / len(candidates))
