"""Reading a neurosim JSON file's fields: each checked, each error naming where it is.

Loading only parses JSON — nothing is unpickled or evaluated — and every
reader here raises :class:`~neurosim.errors.FormatError` naming the field:
``"connections[3].weight: expected a number, got 'abc'"``.
"""

from __future__ import annotations

import difflib
import json
import math
import numbers

import numpy as np

from ..errors import FormatError

__all__ = [
    "FORMAT_VERSION", "kind_of", "known_keys", "parse", "read_integer", "read_list",
    "read_matrix", "read_number", "read_string",
]  # fmt: skip

#: The version this neurosim writes; every earlier one still loads.
FORMAT_VERSION = 4


def parse(raw: bytes) -> dict:
    try:
        document = json.loads(
            raw.decode("utf-8"),
            parse_constant=reject_constant,
            object_pairs_hook=unique_keys,
        )
    except UnicodeDecodeError as error:
        raise FormatError(
            f"not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    except json.JSONDecodeError as error:
        raise FormatError(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
            + (" (the file looks truncated)" if truncated(error) else "")
        ) from None
    except RecursionError:
        raise FormatError("nested too deeply to be a network file") from None
    except ValueError as error:  # e.g. an integer with too many digits
        raise FormatError(f"not a valid network file: {error}") from None
    if not isinstance(document, dict):
        raise FormatError(f"expected a JSON object at the top, got {kind_of(document)}")
    return document


def unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object as a dict, refusing a key that appears twice (JSON would keep the last)."""
    entry = dict(pairs)
    if len(entry) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise FormatError(
                    f"the key {key!r} appears twice in one object; which one is meant "
                    "is unclear: keep one"
                )
            seen.add(key)
    return entry


def truncated(error: json.JSONDecodeError) -> bool:
    """The JSON stopped early: an error at its very end, or a string never closed."""
    return error.pos >= len(error.doc.rstrip()) - 1 or error.msg.startswith(
        "Unterminated"
    )


def reject_constant(name: str):
    raise FormatError(
        f"{name} is not a finite number; the file format allows finite numbers only"
    )


def known_keys(entry: dict, known: tuple[str, ...], where: str) -> None:
    """Refuse a key the format does not have (a typo would otherwise be ignored)."""
    for key in entry:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise FormatError(
                f"{where}: unknown key {key!r}{hint}; the known keys are "
                + ", ".join(map(repr, known))
            )


def kind_of(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def read_list(document: dict, key: str, where: str) -> list:
    if key not in document:
        raise FormatError(f"{where}: missing")
    value = document[key]
    if not isinstance(value, list):
        raise FormatError(f"{where}: expected a list, got {kind_of(value)}")
    return value


def read_string(entry: dict, key: str, where: str) -> str:
    if key not in entry:
        raise FormatError(f"{where}.{key}: missing")
    value = entry[key]
    if not isinstance(value, str) or not value:
        raise FormatError(
            f"{where}.{key}: expected a non-empty string, got {kind_of(value)}"
        )
    return value


def read_number(entry: dict, key: str, where: str) -> float:
    if key not in entry:
        raise FormatError(f"{where}.{key}: missing")
    value = entry[key]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise FormatError(
            f"{where}.{key}: expected a number, got {kind_of(value)} "
            f"({type(value).__name__}; any int, float or numpy number will do)"
        )
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise FormatError(
            f"{where}.{key}: expected a finite number, got {kind_of(value)}"
        )
    return number


def read_integer(entry: dict, key: str, where: str) -> int:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(f"{where}: expected a whole number, got {kind_of(value)}")
    return value


def read_matrix(document: dict, key: str, shape: tuple) -> np.ndarray:
    value = document.get(key)
    rows = value if len(shape) == 2 else [value]
    if not isinstance(value, list) or not all(isinstance(r, list) for r in rows):
        raise FormatError(
            f"{key}: expected {'a list of lists' if len(shape) == 2 else 'a list'} of numbers"
        )
    expected = tuple("any" if s is None else s for s in shape)
    found = (
        (len(value), *(len(r) for r in rows[:1])) if len(shape) == 2 else (len(value),)
    )
    if (
        any(s is not None and f != s for f, s in zip(found, shape))
        or len({len(r) for r in rows}) > 1
    ):
        got = (
            f"{len(value)} rows of lengths {sorted({len(r) for r in rows})[:5]}"
            if len(shape) == 2
            else f"{len(value)} numbers"
        )
        raise FormatError(f"{key}: expected shape {expected}, got {got}")
    for i, row in enumerate(rows):
        for j, number in enumerate(row):
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                place = f"{key}[{i}][{j}]" if len(shape) == 2 else f"{key}[{j}]"
                raise FormatError(f"{place}: expected a number, got {kind_of(number)}")
    try:
        array = np.array(value, dtype=float)
    except OverflowError:
        raise FormatError(f"{key}: a number is too large") from None
    if not np.all(np.isfinite(array)):
        raise FormatError(f"{key}: every number must be finite")
    return array
