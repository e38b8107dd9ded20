"""The training loop: batching, shuffling, history, callbacks, progress bar.

:func:`fit` drives any model that can train on one batch, so the object
backend and the vectorised backend share one schedule: the same seed gives
the same shuffles, the same batches and the same order of updates.

Examples
--------
>>> import neurosim as ns
>>> X, Y = ns.datasets.xor()
>>> net = ns.Network.layered([2, 4, 1], seed=0)
>>> history = fit(net, X, Y, epochs=5, lr=0.5, seed=0, metrics=["accuracy"])
>>> history
History(epochs=5, loss=..., accuracy=...)
>>> len(history.loss)
5
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._checks import (
    SeedLike,
    as_training_data,
    check_count,
    check_flag,
    check_seed,
)
from .errors import (
    NumericalError,
    ParameterError,
    unknown_name,
)
from .evolution import EvolutionStrategy, evolve
from .history import (
    EarlyStopping,  # noqa: F401 (neurosim.training.EarlyStopping keeps working)
    History,
    check_callbacks,
    run_epochs,
)
from .losses import Loss
from .optimizers import Optimizer, check_penalty, get_optimizer

# History and EarlyStopping live in neurosim.history; the names here keep
# neurosim.training.History working.
__all__ = [
    "SlowTrainingHint",
    "accuracy",
    "fit",
    "get_metric",
]

#: An epoch slower than this (seconds) on a model with a faster path gets a hint.
SLOW_EPOCH_SECONDS = 2.0


class SlowTrainingHint(UserWarning):
    """Training is slow on a path that has a faster twin with the same numbers."""


def accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    """Fraction of samples classified right.

    With several outputs, the class is the index of the largest output (and
    of the largest target); with one output, the class is ``output >= 0.5``
    (and ``target >= 0.5``), as for a sigmoid output and 0/1 targets.

    Examples
    --------
    >>> accuracy(np.array([[0.2], [0.9]]), np.array([[0.0], [0.0]]))
    0.5
    >>> accuracy(np.array([[0.1, 0.7, 0.2]]), np.array([[0, 1, 0]]))
    1.0
    """
    if outputs.shape[1] == 1:
        return float(np.mean((outputs >= 0.5) == (targets >= 0.5)))
    return float(np.mean(outputs.argmax(axis=1) == targets.argmax(axis=1)))


_METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {"accuracy": accuracy}


def get_metric(metric: str | Callable) -> tuple[str, Callable]:
    """Return ``(name, function)`` for a metric name or a function ``f(outputs, targets)``.

    Examples
    --------
    >>> get_metric("accuracy")[0]
    'accuracy'
    """
    if callable(metric):
        return getattr(metric, "__name__", "metric"), metric
    if isinstance(metric, str) and metric.lower() in _METRICS:
        return metric.lower(), _METRICS[metric.lower()]
    raise unknown_name("metric", metric, sorted(_METRICS))


def fit(
    model,
    X: ArrayLike,
    Y: ArrayLike,
    epochs: int = 100,
    lr: float | None = None,
    loss: str | Loss = "mse",
    optimizer: str | Optimizer | None = None,
    batch_size: int | None = 1,
    shuffle: bool = True,
    seed: SeedLike = None,
    validation_data: tuple[ArrayLike, ArrayLike] | None = None,
    metrics: str | Callable | Sequence[str | Callable] = (),
    callbacks: Sequence[Callable] = (),
    progress: bool = False,
    restore: bool = True,
    max_evaluations: int | None = None,
    target_loss: float | None = None,
    steps_per_update: int | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
) -> History:
    """Train ``model`` by mini-batch gradient descent, or by an evolution strategy.

    Parameters
    ----------
    model : Network or CompiledNetwork
        The model to train, in place.
    X : array_like, shape (n_samples, n_inputs)
    Y : array_like, shape (n_samples, n_outputs)
        Targets; a 1-D array is accepted for a single output.
    epochs : int, default 100
        Passes over the data.
    lr : float, optional
        Learning rate of the default SGD optimizer (0.1 if not given), or of
        an optimizer given by name. Leave out when passing an Optimizer.
    loss : str or Loss, default "mse"
    optimizer : str or Optimizer, optional
        ``"sgd"``, ``"momentum"``, ``"adam"`` or an object such as
        ``ns.Adam(lr=0.01)``; its state carries over between calls.
    batch_size : int or None, default 1
        Samples per update: 1 is online SGD (as in the classic tutorials),
        None the full batch.
    shuffle : bool, default True
        Shuffle the samples before each epoch.
    seed : int, optional
        Seed of the shuffling; the same seed gives bit-identical training.
        numpy's global random state is never read or changed.
    validation_data : (X_val, Y_val), optional
        Data to compute ``val_loss`` (and ``val_<metric>``) on after each epoch.
    metrics : str, callable or a sequence of them
        ``"accuracy"`` or functions ``f(outputs, targets) -> float``, computed
        on the training data (and validation data) after each epoch.
    callbacks : sequence of callable
        Each is called as ``callback(epoch, history, model)`` after an epoch;
        a true return value stops training (see :class:`EarlyStopping`).
    progress : bool, default False
        Show a tqdm progress bar with the running loss.
    restore : bool, default True
        If training stops with an exception — a callback or metric raised,
        Ctrl-C — put the parameters and the optimizer's state back as they
        were before ``fit``. ``restore=False`` keeps what was trained so far
        instead. A diverged fit is always undone.
    steps_per_update : int, optional
        A recurrent network only: split each sequence into chunks of this
        many steps, visited in order with the state carried from one chunk
        to the next, and update after each chunk (the error does not flow
        back past a chunk's start). ``steps_per_update=1`` with
        ``net.truncation = 1`` is Elman's procedure: an update at every step.
        Without it, one update per batch of whole sequences. Needs delays of
        at most 1.
    l1, l2 : float, default 0
        Regularisation: the weight penalty ``l1·Σ|w| + l2·Σw²/2`` over the
        trainable weights (each shared one once; biases are not penalised,
        as in TensorFlow Playground) joins the loss, its gradient
        ``l1·sign(w) + l2·w`` the weights' gradients, on both backends and
        with every optimizer. The loss in the history is the data's alone.
    max_evaluations, target_loss : optional
        With an evolution strategy as ``optimizer`` (``OnePlusOne()``,
        ``MuLambda()``, ``NaturalES()``, ``AskTell(cma_es)``), training goes
        without gradients (:func:`neurosim.evolution.evolve`): ``epochs``
        counts generations, and these stop the search early.

    Returns
    -------
    History

    Raises
    ------
    ShapeError, DataError
        For data of the wrong shape or with non-finite values.
    ParameterError
        For a non-positive learning rate, epoch count or batch size.
    NumericalError
        If the loss or the outputs become NaN or infinite (the last update
        is checked too); the model's parameters and the optimizer's state
        are then restored to what they were before ``fit``.

    Examples
    --------
    >>> import neurosim as ns
    >>> X, Y = ns.datasets.xor()
    >>> net = ns.Network.layered([2, 3, 1], seed=1)
    >>> h = fit(net, X, Y, epochs=3, optimizer=ns.Adam(lr=0.01), batch_size=None, seed=0)
    >>> h.epochs
    3
    """
    if isinstance(optimizer, EvolutionStrategy):
        gradient_only = {
            "lr": lr is not None, "batch_size": batch_size != 1, "shuffle": shuffle is not True,
            "validation_data": validation_data is not None, "metrics": bool(metrics),
            "restore": restore is not True, "steps_per_update": steps_per_update is not None,
            "l1": l1 != 0, "l2": l2 != 0,
        }  # fmt: skip
        given = sorted(name for name, set_ in gradient_only.items() if set_)
        if given:
            raise ParameterError(
                f"{given} belong to gradient descent; an evolution strategy takes "
                "epochs (its generations), loss, seed, max_evaluations, "
                "target_loss, callbacks and progress"
            )
        return evolve(
            model, X, Y, optimizer, generations=epochs, loss=loss, seed=seed,
            max_evaluations=max_evaluations, target_loss=target_loss,
            callbacks=callbacks, progress=progress,
        )  # fmt: skip
    if max_evaluations is not None or target_loss is not None:
        raise ParameterError(
            "max_evaluations and target_loss stop an evolution strategy; pass one "
            "as the optimizer (e.g. optimizer=ns.OnePlusOne()) or leave them out"
        )
    epochs = check_count(epochs, "epochs")
    if batch_size is not None:
        batch_size = check_count(batch_size, "batch_size")
    if steps_per_update is not None:
        steps_per_update = _check_chunks(model, steps_per_update)
    shuffle = check_flag(shuffle, "shuffle")
    penalty = check_penalty(l1, l2)
    progress = check_flag(progress, "progress")
    restore = check_flag(restore, "restore")
    rng = check_seed(seed)
    optimizer = get_optimizer(optimizer, lr)
    loss = model.check_loss(loss)
    X, Y = as_training_data(X, Y, model, "training", loss)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ParameterError("validation_data must be a pair (X_val, Y_val)")
        X_val, Y_val = as_training_data(*validation_data, model, "validation", loss)
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]
    metrics = [get_metric(m) for m in metrics]
    callbacks = check_callbacks(callbacks)

    batch_size = X.shape[0] if batch_size is None else min(batch_size, X.shape[0])
    before = model.parameter_values()
    optimizer_before = optimizer.snapshot()

    def undo() -> None:
        model.restore_parameter_values(before)
        optimizer.restore(optimizer_before)

    def diverged(what: str, epoch: int) -> NumericalError:
        return NumericalError(
            f"{what} in epoch {epoch + 1}: training diverged. The parameters and "
            "the optimizer's state were restored to what they were before fit. "
            f"Try a smaller learning rate (optimizer was {optimizer!r})."
            + (
                f" The {loss.name} loss also needs outputs in "
                f"[{loss.output_range[0]:g}, {loss.output_range[1]:g}]: check that the "
                "output activation keeps them there."
                if loss.output_range is not None
                else ""
            )
        )

    def epoch(t: int) -> dict[str, float]:
        started = time.perf_counter()
        # Divergence is reported below, in words.
        with np.errstate(over="ignore", invalid="ignore"):
            logs = {
                "loss": _run_epoch(
                    model,
                    X,
                    Y,
                    loss,
                    optimizer,
                    batch_size,
                    shuffle,
                    rng,
                    steps_per_update,
                    penalty,
                )
            }
        if t == 0 and epochs > 1:
            _hint_if_slow(model, time.perf_counter() - started)
        # The epoch's loss is computed before each update, so the last
        # update of the epoch is checked on the parameters themselves.
        if not math.isfinite(logs["loss"]):
            raise diverged(f"the training loss became {logs['loss']}", t)
        if not _all_finite(model.parameter_values()):
            raise diverged("the parameters became NaN or infinite", t)
        logs.update(_evaluate(model, X, Y, metrics, loss, prefix="", with_loss=False))
        if validation_data is not None:
            logs.update(_evaluate(model, X_val, Y_val, metrics, loss, prefix="val_"))
        return logs

    def finish() -> None:
        # The last update was never followed by a forward pass: finite
        # parameters can still give outputs that overflow. One batch's pass
        # tells (a whole pass over the data would cost a third of an epoch).
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            final = loss.value(
                model.propagate(X[:batch_size], single=False), Y[:batch_size]
            )
        if not math.isfinite(final):
            raise diverged(
                f"the outputs after the last update give a {loss.name} loss of {final}",
                max(history.epochs - 1, 0),
            )

    history = History()
    return run_epochs(
        epoch, epochs, model, undo=undo, callbacks=callbacks, progress=progress,
        finish=finish, restore=restore, history=history,
    )  # fmt: skip


def _hint_if_slow(model, seconds: float) -> None:
    """Say once, after a slow first epoch, that a faster path gives the same numbers."""
    faster = model.faster_path
    if faster and seconds > SLOW_EPOCH_SECONDS:
        warnings.warn(
            SlowTrainingHint(
                f"an epoch took {seconds:.1f} s computing neuron by neuron; {faster} "
                "gives the same numbers much faster"
            ),
            stacklevel=4,
        )


def _all_finite(parameters) -> bool:
    """Whether every parameter (floats, or arrays of the compiled backend) is finite."""
    if parameters and isinstance(parameters[0], float):
        # One numpy call for the object backend's floats, not one per float.
        return bool(np.isfinite(np.array(parameters)).all())
    return all(np.isfinite(value).all() for value in parameters)


def _check_chunks(model, steps_per_update) -> int:
    steps_per_update = check_count(steps_per_update, "steps_per_update")
    if not model.is_recurrent:
        raise ParameterError(
            "steps_per_update splits sequences into chunks; this network has no "
            "delayed connections, so it takes no sequences"
        )
    if model.max_delay > 1:
        raise ParameterError(
            f"steps_per_update carries one step of state from chunk to chunk, but this "
            f"network has a delay of {model.max_delay}; train on whole sequences "
            "(leave steps_per_update out)"
        )
    return steps_per_update


def _train_chunks(
    model, X, Y, loss, optimizer, steps: int, penalty=(0.0, 0.0)
) -> tuple[float, int]:
    """Sequences (batch, T, ·) in chunks of ``steps``, the state carried over, one update each.

    Returns the sum of the chunk losses weighted by their targeted steps, and
    the number of targeted steps.
    """
    total, counted, state = 0.0, 0, None
    single = X.shape[0] == 1
    for start in range(0, X.shape[1], steps):
        outputs = model.propagate(X[:, start : start + steps], single, start=state)
        targets = Y[:, start : start + steps]
        present = int((~np.isnan(targets[..., 0])).sum())
        if present:
            value, output_grads = loss.value_and_gradient(outputs, targets)
            model.backpropagate(output_grads)
            if penalty[0] or penalty[1]:
                model.add_weight_penalty(*penalty)
            model.apply_update(optimizer)
            total += value * present
            counted += present
        state = model.end_state()
    return total, counted


def _run_epoch(
    model,
    X,
    Y,
    loss,
    optimizer,
    batch_size,
    shuffle,
    rng,
    steps_per_update=None,
    penalty=(0.0, 0.0),
) -> float:
    """One pass over the data in (shuffled) batches; return the mean training loss."""
    if steps_per_update is not None:
        order = rng.permutation(X.shape[0]) if shuffle else np.arange(X.shape[0])
        total, counted = 0.0, 0
        for start in range(0, X.shape[0], batch_size):
            rows = order[start : start + batch_size]
            value, present = _train_chunks(
                model, X[rows], Y[rows], loss, optimizer, steps_per_update, penalty
            )
            total, counted = total + value, counted + present
        return total / counted
    # Gathering each batch by index, rather than copying the whole shuffled
    # data set first, keeps the memory traffic small and the batch in cache.
    order = rng.permutation(X.shape[0]) if shuffle else None
    total = 0.0
    for start in range(0, X.shape[0], batch_size):
        if order is None:
            rows = slice(start, start + batch_size)
        else:
            rows = order[start : start + batch_size]
        X_batch, Y_batch = X[rows], Y[rows]
        value = model.train_batch(X_batch, Y_batch, loss, optimizer, penalty)
        total += value * X_batch.shape[0]
    return total / X.shape[0]


def _evaluate(model, X, Y, metrics, loss, prefix, with_loss=True) -> dict[str, float]:
    if not metrics and not with_loss:
        return {}
    outputs = model.propagate(X, single=False)
    logs = {f"{prefix}loss": loss.value(outputs, Y)} if with_loss else {}
    for name, metric in metrics:
        logs[f"{prefix}{name}"] = float(metric(outputs, Y))
    return logs
