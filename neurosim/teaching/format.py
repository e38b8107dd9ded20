"""Numbers and formulas as the teaching tools write them: one format, in text and LaTeX."""

from __future__ import annotations

import re

__all__ = ["as_latex", "factor", "names_text", "net_text", "number", "plural", "table"]


def number(value: float) -> str:
    """A number as a learner reads it: 6 significant digits, an ASCII minus.

    The minus is the one Python reads, so a learner can copy a number (or a
    whole product such as ``(-0.4)·1.0``, with ``·`` made ``*``) into Python;
    the markdown of :func:`explain` typesets it as a proper minus sign.

    Examples
    --------
    >>> number(1.0), number(-0.4), number(0.6456563062)
    ('1.0', '-0.4', '0.645656')
    """
    # Adding 0.0 turns -0.0 into 0.0: no "-0.0" for a zero.
    value = float(value) + 0.0
    return (
        f"{value:.1f}" if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    )


def factor(value: float) -> str:
    """A number as a factor of a product: negative numbers in parentheses."""
    text = number(value)
    return f"({text})" if text.startswith("-") else text


def as_latex(text: str) -> str:
    """Text formula pieces as LaTeX: ASCII minus; underscores of names escaped."""
    return re.sub(r"_(?!\{)", r"\\_", text)


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
        for row in rows
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def names_text(names: list[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def net_text(aggregation: str, pairs: list[tuple[float, float]], bias: float) -> str:
    """A net input written out from its (weight, input) pairs: a sum, a max or a product.

    A product neuron's factors are written bare where the weight is 1 (as in
    an LSTM) and it has no bias.

    >>> net_text("product", [(1.0, 0.8), (1.0, 0.31)], 0.0)
    '0.8·0.31'
    >>> net_text("sum", [(0.5, 2.0)], 0.1)
    '0.5·2.0 + 0.1'
    """
    if aggregation == "product":
        return "·".join(
            number(x) if w == 1.0 else f"({factor(w)}·{number(x)})" for w, x in pairs
        )
    terms = [f"{factor(w)}·{number(x)}" for w, x in pairs]
    if aggregation == "max":
        return f"max({', '.join(terms)}) + {factor(bias)}"
    return " + ".join([*terms, factor(bias)]) if terms else number(bias)
