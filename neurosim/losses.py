"""Loss functions on the output layer: their value and their gradient.

Every loss takes ``outputs`` and ``targets`` as arrays of shape
``(batch, n_outputs)`` and averages over the samples of the batch. Its
gradient is ``dL/d outputs`` of that batch mean, so it already carries the
``1 / batch`` factor.

=================  ==================================================  ====================
name               value for one sample                                matches (PyTorch)
=================  ==================================================  ====================
``mse``            mean over outputs of (y - t)²                       ``MSELoss``
``sse``            ½ Σ (y - t)² over outputs (the classic BP error)    —
``bce``            −mean over outputs of t log y + (1 − t) log(1 − y)  ``BCELoss``
``cross_entropy``  −Σ t log softmax(y)                                 ``CrossEntropyLoss``
=================  ==================================================  ====================

``cross_entropy`` reads the output neurons' values as logits: the softmax is
part of the loss, so the output neurons use the ``identity`` activation. It
accepts probability targets (one-hot rows or soft labels). Like PyTorch,
``bce`` clamps each log term at −100 so that an output of exactly 0 or 1 gives
a large, finite loss instead of infinity.

Examples
--------
>>> import numpy as np
>>> mse = get_loss("mse")
>>> mse.value(np.array([[0.5, 1.0]]), np.array([[1.0, 1.0]]))
0.125
>>> mse.gradient(np.array([[0.5, 1.0]]), np.array([[1.0, 1.0]]))
array([[-0.5,  0. ]])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._registry import lookup
from .errors import DataError, ParameterError

__all__ = ["Loss", "get_loss", "loss_names", "over_steps", "softmax"]

LOG_FLOOR = -100.0  # PyTorch's BCELoss clamps log() here
BCE_EPS = 1e-12  # and keeps the gradient's denominator away from zero


@dataclass(frozen=True, eq=False)
class Loss:
    """A named loss: its batch-mean value and the gradient of that value.

    Parameters
    ----------
    name : str
        The name the loss is looked up by.
    value : callable
        ``value(outputs, targets) -> float``, the mean loss over the batch.
    gradient : callable
        ``gradient(outputs, targets) -> ndarray``, ``dL/d outputs``.
    needs_identity_outputs : bool, default False
        True when the outputs are logits (``cross_entropy``).
    fused : callable, optional
        ``fused(outputs, targets) -> (value, gradient)``, computing both with
        shared work and the same numbers; training uses it when given.
    population : callable, optional
        ``population(outputs, targets) -> ndarray``: the value for each of a
        stack of outputs, shape (candidates, batch, n_outputs), at once
        (evolution strategies); without it, :meth:`values` loops.
    output_range : (low, high), optional
        The closed interval the outputs must lie in (``bce``: [0, 1], as it
        takes the logarithms of y and 1 − y); checked against the output
        activations and, in ``backward``, the outputs themselves.

    Examples
    --------
    >>> get_loss("sse")
    Loss('sse')
    """

    name: str
    value: Callable[[np.ndarray, np.ndarray], float]
    gradient: Callable[[np.ndarray, np.ndarray], np.ndarray]
    needs_identity_outputs: bool = False
    fused: Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]] | None = None
    population: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None
    output_range: tuple[float, float] | None = None

    def value_and_gradient(
        self, outputs: np.ndarray, targets: np.ndarray
    ) -> tuple[float, np.ndarray]:
        """The loss and its gradient together (what one training step needs).

        Examples
        --------
        >>> value, grad = get_loss("sse").value_and_gradient(np.array([[2.0]]), np.array([[1.0]]))
        >>> value, grad
        (0.5, array([[1.]]))
        """
        if self.fused is not None:
            return self.fused(outputs, targets)
        return self.value(outputs, targets), self.gradient(outputs, targets)

    def check_outputs(self, outputs: np.ndarray) -> None:
        """Refuse outputs outside :attr:`output_range` (a user's activation can leave it).

        Raises
        ------
        DataError
            Naming the range the outputs cover, and what to use instead.
        """
        if self.output_range is None:
            return
        low, high = self.output_range
        smallest, largest = float(outputs.min()), float(outputs.max())
        if smallest < low or largest > high:
            raise DataError(
                f"the {self.name} loss needs outputs in [{low:g}, {high:g}], but the "
                f"outputs range over [{smallest:g}, {largest:g}] (the targets are not the "
                "problem). Use a sigmoid output, or the cross_entropy loss on identity "
                "outputs"
            )

    def values(self, outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """The loss of each candidate's outputs, from a stack (candidates, batch, n_outputs).

        Examples
        --------
        >>> stack = np.array([[[1.0], [0.0]], [[0.5], [0.5]]])
        >>> get_loss("mse").values(stack, np.array([[1.0], [0.0]])).tolist()
        [0.0, 0.25]
        """
        if self.population is not None:
            return self.population(outputs, targets)
        return np.array([self.value(candidate, targets) for candidate in outputs])

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax along the last axis, stable for large logits.

    Examples
    --------
    >>> softmax(np.array([1000.0, 1000.0]))
    array([0.5, 0.5])
    """
    logits = np.asarray(logits)
    if not np.issubdtype(logits.dtype, np.floating):
        logits = logits.astype(float)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _mse(outputs, targets):
    diff = outputs - targets
    return float((diff * diff).sum() / diff.size)


def _mse_gradient(outputs, targets):
    return (2.0 / outputs.size) * (outputs - targets)


def _sse(outputs, targets):
    diff = outputs - targets
    return float(0.5 * (diff * diff).sum() / diff.shape[0])


def _sse_gradient(outputs, targets):
    return (outputs - targets) / outputs.shape[0]


def _bce(outputs, targets):
    with np.errstate(divide="ignore"):
        log_y = np.maximum(np.log(outputs), LOG_FLOOR)
        log_1my = np.maximum(np.log(1.0 - outputs), LOG_FLOOR)
    return float(-(targets * log_y + (1.0 - targets) * log_1my).sum() / outputs.size)


def _bce_gradient(outputs, targets):
    denominator = np.maximum(outputs * (1.0 - outputs), BCE_EPS)
    return (outputs - targets) / denominator / outputs.size


def _cross_entropy(outputs, targets):
    return float(-(targets * _log_softmax(outputs)).sum() / outputs.shape[0])


def _cross_entropy_fused(outputs, targets):
    # The expressions of _cross_entropy and _cross_entropy_gradient sharing
    # the exponentials: the same numbers, half the work. (ufunc.reduce is what
    # .max() and .sum() call, minus a Python layer: this runs once per batch.)
    shifted = outputs - np.maximum.reduce(outputs, axis=-1, keepdims=True)
    e = np.exp(shifted)
    total = np.add.reduce(e, axis=-1, keepdims=True)
    log_p = shifted - np.log(total)
    value = float(-np.add.reduce(targets * log_p, axis=None) / outputs.shape[0])
    p = e / total
    row_sums = np.add.reduce(targets, axis=-1, keepdims=True)
    return value, (p * row_sums - targets) / outputs.shape[0]


def _cross_entropy_gradient(outputs, targets):
    # d/dz_k of -sum_i t_i log p_i is p_k * sum_i t_i - t_k (p - t for one-hot t).
    p = softmax(outputs)
    return (p * targets.sum(axis=-1, keepdims=True) - targets) / outputs.shape[0]


# The same expressions over a stack of candidates' outputs, (candidates, batch,
# n_outputs): one value per candidate.


def _mse_population(outputs, targets):
    diff = outputs - targets
    return (diff * diff).sum(axis=(1, 2)) / (diff.shape[1] * diff.shape[2])


def _sse_population(outputs, targets):
    diff = outputs - targets
    return 0.5 * (diff * diff).sum(axis=(1, 2)) / diff.shape[1]


def _bce_population(outputs, targets):
    with np.errstate(divide="ignore"):
        log_y = np.maximum(np.log(outputs), LOG_FLOOR)
        log_1my = np.maximum(np.log(1.0 - outputs), LOG_FLOOR)
    total = (targets * log_y + (1.0 - targets) * log_1my).sum(axis=(1, 2))
    return -total / (outputs.shape[1] * outputs.shape[2])


def _cross_entropy_population(outputs, targets):
    return -(targets * _log_softmax(outputs)).sum(axis=(1, 2)) / outputs.shape[1]


_LOSSES = {
    loss.name: loss
    for loss in (
        Loss("mse", _mse, _mse_gradient, population=_mse_population),
        Loss("sse", _sse, _sse_gradient, population=_sse_population),
        Loss(
            "bce",
            _bce,
            _bce_gradient,
            population=_bce_population,
            output_range=(0.0, 1.0),
        ),
        Loss(
            "cross_entropy",
            _cross_entropy,
            _cross_entropy_gradient,
            needs_identity_outputs=True,
            fused=_cross_entropy_fused,
            population=_cross_entropy_population,
        ),
    )
}
_ALIASES = {
    "mean_squared_error": "mse",
    "sum_squared_error": "sse",
    "binary_cross_entropy": "bce",
    "categorical_cross_entropy": "cross_entropy",
    "crossentropy": "cross_entropy",
}


def loss_names() -> list[str]:
    """Return the names :func:`get_loss` accepts.

    Examples
    --------
    >>> loss_names()[:4]
    ['bce', 'cross_entropy', 'mse', 'sse']
    """
    return sorted(_LOSSES) + sorted(_ALIASES)


def is_built_in(loss: Loss) -> bool:
    """Whether ``loss`` is one of neurosim's own (not a user's, even of the same name).

    Examples
    --------
    >>> is_built_in(get_loss("mse")), is_built_in(Loss("mse", abs, abs))
    (True, False)
    """
    return _LOSSES.get(loss.name) is loss


def get_loss(loss: str | Loss) -> Loss:
    """Return the :class:`Loss` for a name, or the loss itself.

    Raises
    ------
    UnknownNameError
        If the name is not known; the message lists the known names.

    Examples
    --------
    >>> get_loss("MSE")
    Loss('mse')
    """
    if isinstance(loss, Loss):
        return loss
    if not isinstance(loss, str):
        raise ParameterError(
            f"loss must be a name such as 'mse' or a Loss, got {loss!r}"
        )
    return lookup("loss", loss, _LOSSES, _ALIASES)


def over_steps(loss: Loss) -> Loss:
    """``loss`` for sequences: the mean over every (sequence, step) that has a target.

    Outputs and targets have shape (batch, T, n_outputs); a target row of
    NaN marks a step without a target. The value is ``loss`` applied to
    the M rows that have one, stacked: for ``mse``,
    ``L = (1/M) Σ_(b,t) mean_k (y_btk − t_btk)²``; steps without a target
    get a zero gradient. So a batch of sequences counts each targeted step
    once, whichever sequence it is in, and a target only at the end (the
    adding problem) is a loss over the last steps alone.

    Examples
    --------
    >>> y = np.array([[[0.5], [2.0]]])           # one sequence, two steps
    >>> t = np.array([[[np.nan], [1.0]]])        # a target at the last step only
    >>> over_steps(get_loss("sse")).value(y, t)  # ½ (2 − 1)²
    0.5
    >>> over_steps(get_loss("sse")).gradient(y, t).ravel().tolist()
    [0.0, 1.0]
    """

    def present(targets):
        return ~np.isnan(targets[..., 0])

    def value(outputs, targets):
        where = present(targets)
        return loss.value(outputs[where], targets[where])

    def gradient(outputs, targets):
        where = present(targets)
        grad = np.zeros_like(outputs)
        grad[where] = loss.gradient(outputs[where], targets[where])
        return grad

    def fused(outputs, targets):
        where = present(targets)
        val, rows = loss.value_and_gradient(outputs[where], targets[where])
        grad = np.zeros_like(outputs)
        grad[where] = rows
        return val, grad

    def population(outputs, targets):
        where = present(targets)
        return loss.values(outputs[:, where], targets[where])

    return Loss(
        loss.name,
        value,
        gradient,
        loss.needs_identity_outputs,
        fused,
        population,
        loss.output_range,
    )
