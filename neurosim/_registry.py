"""Looking things up by name: one lookup, one check of a choice, one wording.

Every name a user can pass — an activation, a loss, an initialiser, an
optimizer, a metric, a padding, a learning rule — is found (case-insensitive,
aliases included) by :func:`lookup`, and every closed list of choices is
checked by :func:`check_choice`. A wrong one raises the same
:class:`~neurosim.errors.UnknownChoiceError` everywhere: a ``KeyError`` and a
``ValueError`` at once, saying what was given, what is known and which known
name is close ("did you mean").

Examples
--------
>>> lookup("activation", "Linear", {"identity": 1}, {"linear": "identity"})
1
>>> check_choice("sum", ("sum", "max"), "aggregation")
'sum'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import ParameterError, unknown_choice

__all__ = ["check_choice", "lookup"]


def lookup(kind: str, name: object, table: Mapping, aliases: Mapping = ()) -> object:
    """The entry of ``table`` for ``name`` (case-insensitive; ``aliases`` map to names).

    Raises
    ------
    ParameterError
        If ``name`` is not a string.
    UnknownChoiceError
        If it is not known: the message lists the known names and the close ones.
    """
    if not isinstance(name, str):
        raise ParameterError(f"{kind} must be a name (a string), got {name!r}")
    key = name.lower()
    key = dict(aliases).get(key, key)
    if key in table:
        return table[key]
    raise unknown_choice(kind, name, sorted([*table, *dict(aliases)]))


def check_choice(value: object, choices: Sequence, what: str) -> object:
    """``value`` if it is one of ``choices``, else an UnknownChoiceError naming them all."""
    if isinstance(value, str | int | float | bool | type(None)) and value in choices:
        return value
    raise unknown_choice(what, value, [str(c) for c in choices])
