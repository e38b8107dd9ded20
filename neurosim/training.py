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

from ._checks import as_float_array, check_count, check_flag, check_number, check_seed
from .errors import (
    MissingDependencyError,
    NumericalError,
    ParameterError,
    ShapeError,
    unknown_name,
)
from .losses import Loss
from .optimizers import Optimizer, get_optimizer

__all__ = [
    "EarlyStopping",
    "History",
    "SlowTrainingHint",
    "accuracy",
    "fit",
    "get_metric",
]

#: An epoch slower than this (seconds) on a model with a faster path gets a hint.
SLOW_EPOCH_SECONDS = 2.0


class SlowTrainingHint(UserWarning):
    """Training is slow on a path that has a faster twin with the same numbers."""


class History:
    """What happened in each epoch of :func:`fit`.

    ``history.loss`` is the mean training loss of each epoch (the mean of the
    per-batch losses seen while training, weighted by batch size);
    ``history.val_loss`` the loss on ``validation_data`` after each epoch;
    a metric ``"accuracy"`` gives ``history["accuracy"]`` and, with
    validation data, ``history["val_accuracy"]``.

    Attributes
    ----------
    history : dict of str to list of float
        Every recorded series, by name.
    epochs : int
        How many epochs were run.
    stopped_early : bool
        True if a callback stopped training before the last epoch.

    Examples
    --------
    >>> h = History()
    >>> h.record({"loss": 0.5}); h.record({"loss": 0.25})
    >>> h.loss, h["loss"][-1], h.epochs
    ([0.5, 0.25], 0.25, 2)
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.stopped_early = False
        self._epochs = 0

    def record(self, logs: dict[str, float]) -> None:
        """Close one epoch, appending its values (an epoch may record none)."""
        for name, value in logs.items():
            self.history.setdefault(name, []).append(value)
        self._epochs += 1

    @property
    def epochs(self) -> int:
        """How many epochs were run (each :meth:`record` closes one)."""
        return self._epochs

    @property
    def loss(self) -> list[float]:
        """The training loss per epoch: what the trainer minimises (see its docstring).

        Empty only when the trainer was asked to record nothing.
        """
        return self.history.get("loss", [])

    @property
    def val_loss(self) -> list[float]:
        """Validation loss per epoch (empty without validation data)."""
        return self.history.get("val_loss", [])

    def __getitem__(self, name: str) -> list[float]:
        if name not in self.history:
            raise unknown_name("history series", name, list(self.history))
        return self.history[name]

    def __contains__(self, name: object) -> bool:
        return name in self.history

    def __repr__(self) -> str:
        last = ", ".join(
            f"{name}={values[-1]:.4g}" for name, values in self.history.items()
        )
        return f"History(epochs={self.epochs}" + (f", {last})" if last else ")")


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


class EarlyStopping:
    """A callback that stops :func:`fit` when a series stops improving.

    Parameters
    ----------
    monitor : str, default "val_loss"
        The series to watch (``"loss"`` when there is no validation data).
    patience : int, default 10
        How many epochs without improvement to wait.
    min_delta : float, default 0.0
        The smallest decrease that counts as an improvement.
    mode : {"min", "max"}, default "min"
        Whether smaller (loss) or larger (accuracy) is better.

    Examples
    --------
    >>> stop = EarlyStopping(monitor="loss", patience=2)
    >>> h = History()
    >>> stopped = []
    >>> for value in [1.0, 0.5, 0.6, 0.7]:
    ...     h.record({"loss": value})
    ...     stopped.append(stop(h.epochs - 1, h, None))
    >>> stopped
    [False, False, False, True]
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 10,
        min_delta: float = 0.0,
        mode: str = "min",
    ) -> None:
        if mode not in ("min", "max"):
            raise ParameterError(f"mode must be 'min' or 'max', got {mode!r}")
        self.monitor = monitor
        self.patience = check_count(patience, "patience", minimum=0)
        self.min_delta = check_number(min_delta, "min_delta")
        self.mode = mode
        self.best = math.inf
        self.wait = 0

    def __call__(self, epoch: int, history: History, model) -> bool:
        value = history[self.monitor][-1]
        score = value if self.mode == "min" else -value
        if score < self.best - self.min_delta:
            self.best, self.wait = score, 0
            return False
        self.wait += 1
        return self.wait >= self.patience


def class_labels_as_rows(Y: np.ndarray, n_outputs: int, what: str) -> np.ndarray:
    """Integer class labels (shape (n,)) as one-hot rows (n, n_outputs), as PyTorch reads them.

    Anything else is returned as it is.

    Examples
    --------
    >>> class_labels_as_rows(np.array([2.0, 0.0]), 3, "targets")
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    if n_outputs < 2 or Y.ndim != 1:
        return Y
    if not (np.all(Y == np.round(Y)) and Y.min() >= 0 and Y.max() < n_outputs):
        raise ShapeError(
            f"{what} has one value per sample; as class labels they must be whole "
            f"numbers 0 … {n_outputs - 1} (one per output neuron), got values from "
            f"{Y.min():g} to {Y.max():g}. Or pass one-hot rows of shape (n, {n_outputs})"
        )
    return np.eye(n_outputs)[Y.astype(np.intp)]


def as_training_data(
    X: ArrayLike, Y: ArrayLike, model, what: str, loss: Loss | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets checked against the model: (n, n_inputs) and (n, n_outputs).

    Images (n, rows, columns) or (n, channels, rows, columns) for a network
    whose inputs form that grid are flattened; with a loss on class
    probabilities (``cross_entropy``), integer class labels become one-hot rows.
    """
    X = model.input_rows(as_float_array(X, f"{what} inputs X"))
    Y = as_float_array(Y, f"{what} targets Y")
    n_inputs, n_outputs = model.n_inputs, model.n_outputs
    if loss is not None and loss.needs_identity_outputs:
        Y = class_labels_as_rows(Y, n_outputs, f"{what} targets Y")
    if Y.ndim == 1 and n_outputs == 1:
        Y = Y.reshape(-1, 1)
    if X.ndim == 1 and n_inputs == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2 or X.shape[1] != n_inputs:
        raise ShapeError(
            f"{what} inputs X must have shape (n_samples, {n_inputs}) for a network with "
            f"{n_inputs} inputs, got shape {X.shape}"
        )
    if Y.ndim != 2 or Y.shape[1] != n_outputs:
        raise ShapeError(
            f"{what} targets Y must have shape (n_samples, {n_outputs}) for a network with "
            f"{n_outputs} outputs, got shape {Y.shape}"
        )
    if X.shape[0] != Y.shape[0]:
        raise ShapeError(
            f"{what} X has {X.shape[0]} samples but Y has {Y.shape[0]}; "
            "they must have one target row per input row"
        )
    if X.shape[0] == 0:
        raise ShapeError(f"{what} data is empty; fit needs at least one sample")
    # The targets in the model's own float type, once (float32 for such a compiled network).
    return X, Y.astype(model.dtype, copy=False)


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
    seed: int | None = None,
    validation_data: tuple[ArrayLike, ArrayLike] | None = None,
    metrics: str | Callable | Sequence[str | Callable] = (),
    callbacks: Sequence[Callable] = (),
    progress: bool = False,
    restore: bool = True,
) -> History:
    """Train ``model`` by mini-batch gradient descent.

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
    epochs = check_count(epochs, "epochs")
    if batch_size is not None:
        batch_size = check_count(batch_size, "batch_size")
    shuffle = check_flag(shuffle, "shuffle")
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
    for callback in callbacks:
        if not callable(callback):
            raise ParameterError(f"callbacks must be callables, got {callback!r}")

    batch_size = X.shape[0] if batch_size is None else min(batch_size, X.shape[0])
    history = History()
    before = model.parameter_values()
    optimizer_before = optimizer.snapshot()

    def undo() -> None:
        model.restore_parameter_values(before)
        optimizer.restore(optimizer_before)

    def diverged(what: str, epoch: int) -> NumericalError:
        undo()
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

    # No bar object at all unless asked: a disabled tqdm still costs ~0.1 ms.
    bar = progress_bar(total=epochs, desc="fit", unit="epoch") if progress else None
    epoch = 0
    try:
        for epoch in range(epochs):
            started = time.perf_counter()
            # Divergence is reported below, in words.
            with np.errstate(over="ignore", invalid="ignore"):
                logs = {
                    "loss": _run_epoch(
                        model, X, Y, loss, optimizer, batch_size, shuffle, rng
                    )
                }
            if epoch == 0 and epochs > 1:
                _hint_if_slow(model, time.perf_counter() - started)
            # The epoch's loss is computed before each update, so the last
            # update of the epoch is checked on the parameters themselves.
            if not math.isfinite(logs["loss"]):
                raise diverged(f"the training loss became {logs['loss']}", epoch)
            if not _all_finite(model.parameter_values()):
                raise diverged("the parameters became NaN or infinite", epoch)
            logs.update(
                _evaluate(model, X, Y, metrics, loss, prefix="", with_loss=False)
            )
            if validation_data is not None:
                logs.update(
                    _evaluate(model, X_val, Y_val, metrics, loss, prefix="val_")
                )
            history.record(logs)
            if bar is not None:
                bar.set_postfix(loss=f"{logs['loss']:.4g}", refresh=False)
                bar.update()
            # Every callback is called, even after one has voted to stop.
            votes = [callback(epoch, history, model) for callback in callbacks]
            if any(votes):
                history.stopped_early = epoch + 1 < epochs
                break
        # The last update was never followed by a forward pass: finite
        # parameters can still give outputs that overflow.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            final = loss.value(model.propagate(X, single=False), Y)
        if not math.isfinite(final):
            raise diverged(
                f"the outputs after the last update give a {loss.name} loss of {final}",
                epoch,
            )
    except NumericalError:
        raise
    except BaseException:
        if restore:
            undo()
        raise
    finally:
        if bar is not None:
            bar.close()
    return history


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


def progress_bar(**options):
    """A tqdm progress bar; tqdm is imported only when a bar is asked for.

    Raises
    ------
    MissingDependencyError
        If tqdm is not installed, saying how to install it.
    """
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise MissingDependencyError(
            "progress=True needs tqdm, which is not installed. Install it with "
            "'pip install tqdm' (or, in neurosim's source tree, 'pip install \".[progress]\"'), "
            "or leave progress=False."
        ) from None
    return tqdm(**options)


def _all_finite(parameters) -> bool:
    """Whether every parameter (floats, or arrays of the compiled backend) is finite."""
    if parameters and isinstance(parameters[0], float):
        # One numpy call for the object backend's floats, not one per float.
        return bool(np.isfinite(np.array(parameters)).all())
    return all(np.isfinite(value).all() for value in parameters)


def _run_epoch(model, X, Y, loss, optimizer, batch_size, shuffle, rng) -> float:
    """One pass over the data in (shuffled) batches; return the mean training loss."""
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
        total += model.train_batch(X_batch, Y_batch, loss, optimizer) * X_batch.shape[0]
    return total / X.shape[0]


def _evaluate(model, X, Y, metrics, loss, prefix, with_loss=True) -> dict[str, float]:
    if not metrics and not with_loss:
        return {}
    outputs = model.propagate(X, single=False)
    logs = {f"{prefix}loss": loss.value(outputs, Y)} if with_loss else {}
    for name, metric in metrics:
        logs[f"{prefix}{name}"] = float(metric(outputs, Y))
    return logs
