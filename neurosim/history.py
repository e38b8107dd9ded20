"""What a trainer records: ``History``, the callback ``EarlyStopping`` and the progress bar.

Every trainer in neurosim — ``fit`` by gradients or by an evolution
strategy, the RBM and the Boltzmann machine, the single-layer rules —
returns a :class:`History`: one value per epoch in each named series,
``loss`` the quantity the trainer lowers, ``epochs`` the epochs run.

Examples
--------
>>> h = History()
>>> h.record({"loss": 0.5}); h.record({"loss": 0.25})
>>> h.loss, h.epochs
([0.5, 0.25], 2)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ._checks import check_count, check_number
from ._registry import check_choice
from .errors import MissingDependencyError, NumericalError, ParameterError, unknown_name

__all__ = [
    "EarlyStopping",
    "History",
    "call_callbacks",
    "check_callbacks",
    "progress_bar",
    "run_epochs",
]


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
        check_choice(mode, ("min", "max"), "mode")
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


def check_callbacks(callbacks) -> list:
    """The callbacks of a trainer, checked: a sequence of callables.

    Every trainer calls each as ``callback(epoch, history, model)`` after an
    epoch (``epoch`` from 0); a true return value stops training.

    Examples
    --------
    >>> check_callbacks([print])
    [<built-in function print>]
    >>> check_callbacks(print)
    Traceback (most recent call last):
    ...
    neurosim.errors.ParameterError: callbacks must be a list of callables ...
    """
    if callable(callbacks) or isinstance(callbacks, (str, bytes)):
        raise ParameterError(
            "callbacks must be a list of callables callback(epoch, history, model), got "
            f"{callbacks!r}; wrap one in a list: callbacks=[{getattr(callbacks, '__name__', 'f')}]"
        )
    callbacks = list(callbacks)
    for callback in callbacks:
        if not callable(callback):
            raise ParameterError(f"callbacks must be callables, got {callback!r}")
    return callbacks


def call_callbacks(callbacks, epoch: int, epochs: int, history: History, model) -> bool:
    """Call every callback after ``epoch``; True (and ``stopped_early`` set) if one says stop."""
    votes = [callback(epoch, history, model) for callback in callbacks]
    if any(votes):
        history.stopped_early = epoch + 1 < epochs
        return True
    return False


def run_epochs(
    epoch: Callable[[int], dict[str, float]],
    epochs: int,
    model,
    *,
    undo: Callable[[], None],
    callbacks: Sequence[Callable] = (),
    progress: bool = False,
    desc: str = "fit",
    unit: str = "epoch",
    postfix: Callable[[dict[str, float]], dict[str, str]] | None = None,
    stop: Callable[[], bool] | None = None,
    finish: Callable[[], None] | None = None,
    restore: bool = True,
    history: History | None = None,
) -> History:
    """The epoch loop every trainer shares: record, report, ask the callbacks, undo on failure.

    Each epoch ``t`` (from 0) runs ``epoch(t)``, which trains and returns
    that epoch's logs; they are recorded in the history, shown on the
    progress bar, and every callback is called as ``callback(t, history,
    model)`` — all of them, even after one has voted to stop. Training
    stops after the epoch in which a callback or ``stop()`` says so
    (``history.stopped_early`` tells whether epochs were left). After the
    loop, ``finish()`` runs (a last check, loading a solution).

    If anything raises — the epoch, a callback, ``finish``, Ctrl-C —
    ``undo()`` puts the model back as it was before training and the
    exception propagates. With ``restore=False`` only a
    :class:`~neurosim.errors.NumericalError` undoes (diverged parameters are
    never kept); any other exception keeps what was trained so far.

    Parameters
    ----------
    epoch : callable
        ``epoch(t) -> dict``: one epoch of training and its logs.
    epochs : int
        The most epochs to run.
    model
        Passed to the callbacks.
    undo : callable
        Puts the model back as it was before training.
    callbacks, progress, restore
        As the trainer was given them (checked).
    desc, unit : str
        The progress bar's label and unit.
    postfix : callable, optional
        ``postfix(logs) -> dict`` of strings shown on the bar (default: the loss).
    stop : callable, optional
        A stopping rule of the trainer itself (converged, a target reached).
    finish : callable, optional
        Run once after the last epoch, inside the protection.
    history : History, optional
        Records into this one (a subclass such as ``RuleResult``).

    Returns
    -------
    History

    Examples
    --------
    >>> state = {"x": 1.0}
    >>> def halve(t):
    ...     state["x"] /= 2
    ...     return {"loss": state["x"]}
    >>> run_epochs(halve, 3, None, undo=lambda: state.update(x=1.0)).loss
    [0.5, 0.25, 0.125]
    >>> def explode(t):
    ...     state["x"] = 99.0
    ...     raise RuntimeError("interrupted")
    >>> run_epochs(explode, 3, None, undo=lambda: state.update(x=1.0))
    Traceback (most recent call last):
    ...
    RuntimeError: interrupted
    >>> state
    {'x': 1.0}
    """
    history = History() if history is None else history
    # No bar object at all unless asked: a disabled tqdm still costs ~0.1 ms.
    bar = progress_bar(total=epochs, desc=desc, unit=unit) if progress else None
    try:
        for t in range(epochs):
            logs = epoch(t)
            history.record(logs)
            if bar is not None:
                if postfix is not None:
                    bar.set_postfix(postfix(logs), refresh=False)
                elif "loss" in logs:
                    bar.set_postfix(loss=f"{logs['loss']:.4g}", refresh=False)
                bar.update()
            halt = call_callbacks(callbacks, t, epochs, history, model)
            if stop is not None and stop():
                history.stopped_early = t + 1 < epochs
                halt = True
            if halt:
                break
        if finish is not None:
            finish()
    except NumericalError:
        undo()
        raise
    except BaseException:
        if restore:
            undo()
        raise
    finally:
        if bar is not None:
            bar.close()
    return history
