"""Validation at the public boundary: numbers, settings and sample arrays.

The numerical core trusts its inputs; these helpers are what earns that
trust. Each raises the most specific :class:`~neurosim.errors.NeurosimError`
with a message that says what was expected, what was given and how to fix it.
"""

from __future__ import annotations

import math
import numbers
import os
import unicodedata
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from .errors import DataError, ParameterError, ShapeError, TooLargeError

if TYPE_CHECKING:
    from .losses import Loss

#: What every ``seed`` argument accepts (see :func:`check_seed`).
SeedLike = int | np.random.SeedSequence | np.random.Generator | None


def check_number(value: object, what: str) -> float:
    """Return ``value`` as a finite float, or raise ParameterError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{what} must be a real number, got {value!r}")
    try:
        value = float(value)
    except OverflowError:
        raise ParameterError(
            f"{what} must be a finite float, got a number too large for one "
            f"({_short(value)})"
        ) from None
    if not math.isfinite(value):
        raise ParameterError(f"{what} must be finite, got {value!r}")
    return value


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:12]}…{text[-6:]}, {len(text)} digits"


def check_flag(value: object, what: str) -> bool:
    """Return ``value`` if it is True or False, or raise ParameterError.

    Strings are refused: ``"no"`` is truthy, and would silently mean yes.

    Examples
    --------
    >>> check_flag(True, "shuffle")
    True
    >>> check_flag("no", "shuffle")
    Traceback (most recent call last):
    ...
    neurosim.errors.ParameterError: shuffle must be True or False, got 'no'
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise ParameterError(f"{what} must be True or False, got {value!r}")


def check_positive(value: object, what: str) -> float:
    """Return ``value`` as a finite float > 0, or raise ParameterError."""
    number = check_number(value, what)
    if number <= 0.0:
        raise ParameterError(f"{what} must be positive, got {value!r}")
    return number


def check_count(value: object, what: str, minimum: int = 1) -> int:
    """Return ``value`` as an int >= ``minimum``, or raise ParameterError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(
            f"{what} must be a whole number >= {minimum}, got {value!r}"
        )
    if value < minimum:
        raise ParameterError(
            f"{what} must be a whole number >= {minimum}, got {value!r}"
        )
    return int(value)


#: The longest delay a connection may have, in time steps.
MAX_DELAY = 10_000


def check_delay(delay: object, what: str = "delay") -> int:
    """A connection's delay, checked: a whole number from 0 to :data:`MAX_DELAY`.

    Examples
    --------
    >>> check_delay(2)
    2
    >>> check_delay(1.5)
    Traceback (most recent call last):
    ...
    neurosim.errors.ParameterError: delay must be a whole number of time steps from 0 to 10000, got 1.5
    """
    if type(delay) is int and 0 <= delay <= MAX_DELAY:  # the common case, fast
        return delay
    if (
        isinstance(delay, (bool, np.bool_))
        or not isinstance(delay, (int, np.integer))
        or not 0 <= delay <= MAX_DELAY
    ):
        raise ParameterError(
            f"{what} must be a whole number of time steps from 0 to {MAX_DELAY}, "
            f"got {delay!r}"
        )
    return int(delay)


def check_name(name: object, what: str = "a neuron's name") -> str:
    """Return ``name`` if it is a non-empty string a file can hold, or raise ParameterError.

    Control characters (and lone surrogates) are refused: XML, and so
    GraphML, cannot represent them, and they make printed tables unreadable.

    Examples
    --------
    >>> check_name("h1")
    'h1'
    >>> check_name("h\\x001")
    Traceback (most recent call last):
    ...
    neurosim.errors.ParameterError: a neuron's name may not contain control characters; ...
    """
    if not isinstance(name, str) or not name:
        raise ParameterError(f"{what} must be a non-empty string, got {name!r}")
    for position, char in enumerate(name):
        if unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff":
            raise ParameterError(
                f"{what} may not contain control characters; {name!r} has {char!r} at "
                f"position {position}. Use letters, digits, spaces and punctuation."
            )
    return name


#: What one connection of a graph costs with its parameter, and one neuron
#: (measured with tracemalloc: 606–877 and ~1,400 bytes): for estimates only.
BYTES_PER_CONNECTION = 900
BYTES_PER_NEURON = 1500


def check_position(position: object) -> tuple[int, ...] | None:
    """A neuron's position as files keep it: None, or up to four whole numbers."""
    if position is None:
        return None
    if (
        not isinstance(position, (tuple, list))
        or len(position) > 4
        or not all(
            isinstance(p, (int, np.integer)) and not isinstance(p, bool)
            for p in position
        )
    ):
        raise ParameterError(
            "a neuron's position must be None or a tuple of up to four whole numbers "
            f"such as (channel, row, column), got {position!r}"
        )
    return tuple(int(p) for p in position)


def memory_limit() -> int:
    """The machine's physical memory in bytes (what no request may exceed)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not POSIX: assume 64 GiB
        return 64 << 30


def check_memory(estimate: float, what: str, fix: str) -> None:
    """Refuse a request whose memory ``estimate`` (bytes) exceeds the machine's memory.

    Called before anything is allocated, so a size typed with a few zeros
    too many is a clear error instead of a frozen machine or a raw
    ``MemoryError``.

    Examples
    --------
    >>> check_memory(1e6, "a network", "use fewer neurons")
    >>> check_memory(1e30, "a network of 10**15 connections", "use fewer neurons")
    Traceback (most recent call last):
    ...
    neurosim.errors.TooLargeError: a network of 10**15 connections would need about 1e+30 bytes ...
    """
    limit = memory_limit()
    if estimate > limit:
        raise TooLargeError(
            f"{what} would need about {_bytes(estimate)} of memory, more than this "
            f"machine's {_bytes(limit)}; {fix}"
        )


def _bytes(count: float) -> str:
    if count >= 1e21:
        return f"{count:.3g} bytes"
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count:.0f} bytes"


def check_seed(seed: object, what: str = "seed") -> np.random.Generator:
    """Return a fresh ``numpy.random.Generator`` for ``seed``, or raise ParameterError.

    The one check of every ``seed`` argument in neurosim. Accepted: ``None``
    (fresh entropy from the operating system), a whole number >= 0, a
    ``numpy.random.SeedSequence``, or a ``numpy.random.Generator`` (used as
    it is, so its stream continues). numpy's global random state is never
    read or changed.

    Examples
    --------
    >>> int(check_seed(0).integers(10)) == int(check_seed(0).integers(10))
    True
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    neurosim.errors.ParameterError: seed must be None, a whole number >= 0, ...; got -1. ...
    """
    if isinstance(seed, np.random.Generator):
        return seed
    valid = seed is None or isinstance(seed, np.random.SeedSequence)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        valid = seed >= 0
    if not valid:
        raise ParameterError(
            f"{what} must be None, a whole number >= 0, a numpy.random.SeedSequence "
            f"or a numpy.random.Generator; got {seed!r}. Pass e.g. {what}=0 for "
            "reproducible results."
        )
    return np.random.default_rng(seed)


def as_float_array(values: ArrayLike, what: str) -> np.ndarray:
    """Convert to a float64 array, rejecting text, complex numbers and None.

    NaN and infinity are rejected too: they would poison every neuron they
    reach without a word.
    """
    try:
        raw = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ShapeError(
            f"{what} must be a rectangular array of numbers; numpy could not "
            f"make an array of it ({error}). Check that every row has the same length."
        ) from None
    if raw.dtype.kind not in "biuf":
        if raw.dtype.kind == "O" and all(isinstance(v, numbers.Real) for v in raw.flat):
            try:
                raw = raw.astype(float)
            except OverflowError:
                raise DataError(
                    f"{what} holds a number too large for a float (the largest is about "
                    "1.8e308); scale the data down"
                ) from None
            except (TypeError, ValueError):
                pass
        if raw.dtype.kind not in "biuf":
            example = next(
                (v for v in raw.ravel().tolist() if not isinstance(v, numbers.Real)),
                raw.dtype,
            )
            raise DataError(
                f"{what} must contain real numbers only; found {example!r} "
                f"(array dtype {raw.dtype}). Convert the data to floats first."
            )
    array = raw.astype(float, copy=False)
    if not np.isfinite(array).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        bad = array[where] if where else array
        raise DataError(
            f"{what} contains a non-finite value ({bad}) at index {where if where else '()'}; "
            "NaN and infinity would spread through the network silently. "
            "Remove or impute those entries."
        )
    return array


def images_as_rows(x: ArrayLike, shape: tuple[int, int, int] | None) -> ArrayLike:
    """``x`` with images of ``shape`` (channels, rows, columns) flattened into rows.

    One image ``(H, W)`` (one channel) or ``(C, H, W)`` becomes one row; a
    batch ``(n, H, W)`` (one channel) or ``(n, C, H, W)`` becomes n rows, in
    (channel, row, column) order. Anything else is returned as it is.

    Examples
    --------
    >>> images_as_rows(np.zeros((5, 4, 4)), (1, 4, 4)).shape
    (5, 16)
    """
    if shape is None:
        return x
    array = np.asarray(x)
    channels, rows, columns = shape
    if array.ndim < 2 or array.shape[-2:] != (rows, columns):
        return x
    lead = array.shape[:-2]
    if channels > 1 or len(lead) == 2:
        if not lead or lead[-1] != channels:
            return x
        lead = lead[:-1]
    if lead == ():
        return array.reshape(-1)
    if len(lead) == 1:
        return array.reshape(lead[0], -1)
    return x


def as_samples(values: ArrayLike, width: int, what: str) -> tuple[np.ndarray, bool]:
    """Return ``(array of shape (batch, width), single)`` for one sample or a batch.

    A 1-D array of length ``width`` is one sample (``single`` is True); a 2-D
    array of shape ``(batch, width)`` is a batch.
    """
    array = as_float_array(values, what)
    if array.ndim == 1 and array.shape[0] == width:
        return array.reshape(1, width), True
    if array.ndim == 2 and array.shape[1] == width and array.shape[0] > 0:
        return array, False
    if array.ndim == 1:
        hint = (
            f"; for a batch of {array.shape[0]} samples pass shape ({array.shape[0]}, {width})"
            if width == 1
            else ""
        )
        raise ShapeError(
            f"{what} has {array.shape[0]} values but the network has {width}; "
            f"pass {width} value(s) for one sample{hint}"
        )
    raise ShapeError(
        f"{what} must be one sample of shape ({width},) or a batch of shape "
        f"(batch, {width}), got an array of shape {array.shape}"
    )


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


def as_sequences(values: ArrayLike, width: int, what: str) -> tuple[np.ndarray, bool]:
    """Return ``(array of shape (batch, T, width), single)`` for one sequence or a batch.

    One sequence is ``(T, width)`` (or ``(T,)`` when ``width`` is 1); a
    batch of sequences of one length is ``(batch, T, width)``. Sequences of
    different lengths do not make an array: pad them to one length and mark
    the padded steps' targets NaN (no target), or pass them one at a time.

    Examples
    --------
    >>> batch, single = as_sequences([0.0, 1.0, 1.0], 1, "x"); batch.shape, single
    ((1, 3, 1), True)
    >>> as_sequences(np.zeros((4, 5, 2)), 2, "x")[0].shape
    (4, 5, 2)
    """
    array = as_float_array(values, what)
    if array.ndim == 1 and width == 1 and array.size:
        return array.reshape(1, -1, 1), True
    if array.ndim == 2 and array.shape[1] == width and array.shape[0] > 0:
        return array.reshape(1, *array.shape), True
    if array.ndim == 3 and array.shape[2] == width and 0 not in array.shape:
        return array, False
    raise ShapeError(
        f"{what} must be one sequence of shape (T, {width}) or a batch of sequences of "
        f"shape (batch, T, {width}) for a recurrent network with {width} input(s), got "
        f"an array of shape {array.shape}"
        + (
            "; sequences of different lengths: pad them to one length (NaN targets "
            "for the padded steps) or pass them one at a time"
            if array.dtype == object
            else ""
        )
    )


def as_step_targets(values: ArrayLike, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Targets of sequences, shape ``shape`` = (batch, T, n_outputs); NaN marks a step without one.

    A step has a target for every output or for none (a row of NaN): the
    loss averages over the steps that have one. Infinity is refused, and so
    are targets with no step left. One output's targets may leave out the
    last axis.

    Examples
    --------
    >>> as_step_targets([np.nan, np.nan, 1.0], (1, 3, 1), "target").ravel().tolist()
    [nan, nan, 1.0]
    """
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        array = as_float_array(values, what)  # raises the usual, clear error
    # One sequence may leave out the batch axis, one output the last axis.
    batch, steps, outputs = shape
    allowed = {shape}
    if batch == 1:
        allowed.add((steps, outputs))
    if outputs == 1:
        allowed.add((batch, steps))
    if batch == 1 and outputs == 1:
        allowed.add((steps,))
    if array.shape in allowed:
        array = array.reshape(shape)
    if array.shape != shape:
        raise ShapeError(
            f"{what} must have one row per time step, shape {shape[1:]} for one sequence "
            f"or {shape} for this batch, got shape {array.shape}"
        )
    if np.isinf(array).any():
        where = tuple(int(i) for i in np.argwhere(np.isinf(array))[0])
        raise DataError(f"{what} contains an infinite value at index {where}")
    missing = np.isnan(array)
    partial = missing.any(axis=-1) & ~missing.all(axis=-1)
    if partial.any():
        where = tuple(int(i) for i in np.argwhere(partial)[0])
        raise DataError(
            f"{what} at (sequence, step) {where} has NaN for some outputs only; NaN "
            "marks a step without a target, so a step has a value for every output "
            "or NaN for all of them"
        )
    if missing.all():
        raise DataError(
            f"{what} has no target at any step (every value is NaN); give at least "
            "one step a target"
        )
    return array


def as_training_data(
    X: ArrayLike, Y: ArrayLike, model, what: str, loss: Loss | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets checked against the model: (n, n_inputs) and (n, n_outputs).

    Images (n, rows, columns) or (n, channels, rows, columns) for a network
    whose inputs form that grid are flattened; with a loss on class
    probabilities (``cross_entropy``), integer class labels become one-hot rows.
    For a recurrent model, sequences: (n, T, n_inputs) and (n, T, n_outputs)
    with NaN rows for steps without a target (one sequence may leave out n).
    """
    if getattr(model, "is_recurrent", False):
        X, _ = as_sequences(X, model.n_inputs, f"{what} inputs X")
        Y = as_step_targets(Y, (*X.shape[:2], model.n_outputs), f"{what} targets Y")
        return X, Y.astype(model.dtype, copy=False)
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
