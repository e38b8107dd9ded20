"""The exception hierarchy of neurosim.

Every error neurosim raises on purpose derives from :class:`NeurosimError`, and
also from the matching built-in exception, so ``except ValueError`` or
``except KeyError`` keeps working in code that does not know neurosim.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network()
>>> try:
...     net["h1"]
... except ns.NeurosimError as error:
...     print(type(error).__name__)
UnknownNameError
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable, Iterable

__all__ = [
    "CycleError",
    "DataError",
    "DataNotFoundError",
    "DuplicateNameError",
    "FileAccessError",
    "FileSystemError",
    "FormatError",
    "MissingDependencyError",
    "NeurosimError",
    "NotAFileError",
    "NumericalError",
    "ParameterError",
    "ShapeError",
    "StaleNetworkError",
    "StateError",
    "TooLargeError",
    "TopologyError",
    "UnknownChoiceError",
    "UnknownNameError",
    "UnknownOptionError",
]


class NeurosimError(Exception):
    """Base class of every error neurosim raises on purpose."""


class ShapeError(NeurosimError, ValueError):
    """An array has the wrong number of dimensions or the wrong length."""


class DataError(NeurosimError, ValueError):
    """Input or target values are not finite numbers (NaN, inf, text ...)."""


class TopologyError(NeurosimError, ValueError):
    """The network's graph does not allow the requested operation."""


class CycleError(TopologyError):
    """A connection would close a cycle in a feed-forward network."""


class DuplicateNameError(NeurosimError, ValueError):
    """A neuron name or a connection is already taken."""


class UnknownNameError(NeurosimError, KeyError):
    """A neuron, activation, loss or other name is not known."""

    def __str__(self) -> str:
        # KeyError would print the message in quotes, like a dictionary key.
        return str(self.args[0]) if self.args else ""


class UnknownOptionError(NeurosimError, TypeError):
    """A keyword argument that the function does not take (the message suggests one)."""


class ParameterError(NeurosimError, ValueError):
    """A setting such as a learning rate or an epoch count is out of range."""


class UnknownChoiceError(UnknownNameError, ParameterError):
    """A name or setting that is not one of the choices: a KeyError and a ValueError alike."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class NumericalError(NeurosimError, FloatingPointError):
    """A computation produced NaN or infinity (for example a diverging fit)."""


class FormatError(NeurosimError, ValueError):
    """A file or a serialised network is malformed."""


class MissingDependencyError(NeurosimError, ImportError):
    """An optional package a feature needs is not installed."""


class DataNotFoundError(NeurosimError, FileNotFoundError):
    """A data file the user pointed to does not exist."""


class FileAccessError(NeurosimError, PermissionError):
    """A file or folder may not be read or written by this user."""


class NotAFileError(NeurosimError, IsADirectoryError):
    """A path names a folder, a pipe or a device where a regular file is needed."""


class FileSystemError(NeurosimError, OSError):
    """Any other failure of the file system (a name too long, a link loop, a full disk)."""


def file_error(error: OSError, path: object, action: str) -> NeurosimError:
    """The :class:`NeurosimError` for an ``OSError`` met while ``action`` at ``path``.

    The message names the path the user gave (never a temporary), the
    system's reason, and what to do; the class derives from the matching
    built-in (``PermissionError``, ``FileNotFoundError``, ...).

    Examples
    --------
    >>> error = file_error(PermissionError(13, "Permission denied"), "/etc/x.json", "writing")
    >>> type(error).__name__, str(error)
    ('FileAccessError', "cannot write '/etc/x.json': permission denied; choose a folder you may write to")
    """
    import errno
    import os

    where = (
        repr(os.fspath(path)) if isinstance(path, (str, os.PathLike)) else repr(path)
    )
    reason = (error.strerror or str(error)).lower()
    verb = {"reading": "read", "writing": "write"}.get(action, action)
    if isinstance(error, PermissionError):
        kind, hint = (
            FileAccessError,
            "choose a folder you may write to"
            if verb == "write"
            else "check the file's permissions",
        )
    elif isinstance(error, FileNotFoundError):
        kind, hint = DataNotFoundError, "check the path"
    elif isinstance(error, IsADirectoryError):
        kind, hint = NotAFileError, "give the path of a file, not of a folder"
    elif error.errno == errno.ENAMETOOLONG:
        kind, hint = FileSystemError, "choose a shorter file name"
    elif error.errno == errno.ELOOP:
        kind, hint = (
            FileSystemError,
            "the path's symbolic links form a loop; fix or remove them",
        )
    else:
        kind, hint = FileSystemError, "check the disk and the path"
    return kind(f"cannot {verb} {where}: {reason}; {hint}")


class TooLargeError(NeurosimError, MemoryError):
    """A requested size needs more memory than the machine has (said before allocating)."""


class StateError(NeurosimError, RuntimeError):
    """A call came out of order, e.g. ``backward`` before any ``forward``."""


class StaleNetworkError(StateError):
    """A compiled network no longer matches the graph it was compiled from."""


def unknown_choice(kind: str, name: object, known: Iterable[str]) -> UnknownChoiceError:
    """Like :func:`unknown_name`, for a closed list of choices (also a ValueError)."""
    return UnknownChoiceError(str(unknown_name(kind, name, known)))


def unknown_name(kind: str, name: object, known: Iterable[str]) -> UnknownNameError:
    """Build an :class:`UnknownNameError` that suggests close matches.

    Parameters
    ----------
    kind : str
        What was looked up, e.g. ``"neuron"`` or ``"activation"``.
    name : object
        The name that was not found.
    known : iterable of str
        Every name that would have been accepted.

    Returns
    -------
    UnknownNameError
        The error, ready to be raised.

    Examples
    --------
    >>> print(unknown_name("neuron", "h11", ["h1", "h2", "y"]))
    unknown neuron 'h11' (did you mean 'h1'?). Known neurons: 'h1', 'h2', 'y'.
    """
    known = [str(k) for k in known]
    kinds = kind + ("es" if kind.endswith(("s", "x", "sh", "ch")) else "s")
    close = difflib.get_close_matches(str(name), known, n=3, cutoff=0.5)
    message = f"unknown {kind} {name!r}"
    if close:
        message += " (did you mean " + " or ".join(repr(c) for c in close) + "?)"
    if not known:
        message += f". There are no {kinds} yet."
    elif len(known) <= 20:
        message += f". Known {kinds}: " + ", ".join(repr(k) for k in known) + "."
    else:
        message += f". There are {len(known)} {kinds}; the first are: "
        message += ", ".join(repr(k) for k in known[:10]) + " ..."
    return UnknownNameError(message)


def suggest_options(function: Callable) -> Callable:
    """Make a misspelt keyword argument an :class:`UnknownOptionError` with "did you mean".

    The function keeps its signature (``help()`` and editors show every
    option); only an unknown keyword is caught, before the call.

    Examples
    --------
    >>> @suggest_options
    ... def fit(X, *, epochs=1, lr=0.1):
    ...     return epochs
    >>> fit(None, epoch=5)
    Traceback (most recent call last):
    ...
    neurosim.errors.UnknownOptionError: fit() has no option 'epoch' (did you mean 'epochs'?). Its options: 'epochs', 'lr'.
    """
    parameters = inspect.signature(function).parameters.values()
    options = [
        p.name
        for p in parameters
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name != "self"
    ]
    known = set(options)
    keyword_only = [p.name for p in parameters if p.kind == p.KEYWORD_ONLY] or options

    @functools.wraps(function)
    def checked(*args, **kwargs):
        for key in kwargs:
            if key not in known:
                close = difflib.get_close_matches(key, options, n=2, cutoff=0.6)
                hint = (
                    " (did you mean " + " or ".join(map(repr, close)) + "?)"
                    if close
                    else ""
                )
                raise UnknownOptionError(
                    f"{function.__name__}() has no option {key!r}{hint}. Its options: "
                    + ", ".join(map(repr, keyword_only))
                    + "."
                )
        return function(*args, **kwargs)

    return checked
