"""The shell of neurosim's web pages: one self-contained HTML file from the assets.

A page is its HTML before the data, the data as JSON in a
``<script type="application/json">`` block that no name can break out of, and
the HTML after it: the styles and the scripts of ``teaching/assets/`` inline,
nothing fetched. :mod:`neurosim.teaching.page` (the step and recall pages) and
:mod:`neurosim.teaching.playground` (the live training page) are built on it.
"""

from __future__ import annotations

import html
import json
import os
from importlib import resources

from .._files import atomic_write

__all__ = ["STEP_SCRIPTS", "Page", "html_parts", "page_html", "script_json"]

# Characters that could end the script element or open a comment inside it
# ("</script>", "<!--<script>"): written as JSON escapes, which JSON.parse reads back.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


class Page:
    """A self-contained HTML page: ``str(page)`` is the HTML; Jupyter shows it live.

    Attributes
    ----------
    html : str
        The whole document.
    steps : int
        How many steps it walks through.
    """

    kind = "page"

    def __init__(self, document: str, title: str, steps: int) -> None:
        self.html, self.title, self.steps = document, title, steps

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.title}, {self.steps} steps)"

    def save(self, path: str | os.PathLike) -> None:
        """Write the page to ``path`` (atomically); open it in any browser."""

        def write(temporary: str) -> None:
            with open(temporary, "w", encoding="utf-8") as file:
                file.write(self.html)

        atomic_write(path, write)

    def _repr_html_(self) -> str:
        """The live page in a notebook: in an iframe of its own, scripts and all."""
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            'style="width: 100%; height: 760px; border: 1px solid #ddd; border-radius: 8px" '
            'sandbox="allow-scripts allow-downloads"></iframe>'
        )


#: The page's script, in the order page.py joins it into one function: the
#: data and the controls, the library's arithmetic, MathML, then the two pages.
STEP_SCRIPTS = (
    "page_base.js", "page_arithmetic.js", "page_mathml.js", "page_network.js",
    "page_hopfield.js",
)  # fmt: skip


_STEP_PAGES = '  if (data.kind === "network") networkPage(); else hopfieldPage();\n'


def _script(scripts: tuple[str, ...] = STEP_SCRIPTS, start: str = _STEP_PAGES) -> str:
    """The one inline script: the asset files inside one function, then the start."""
    return (
        "// neurosim's web pages. Everything the page needs is in this script\n"
        "// and in the JSON block #neurosim-data: no request leaves the page. The\n"
        "// arithmetic repeats neurosim's operation for operation, so the numbers and\n"
        "// the formula strings are the library's.\n"
        '"use strict";\n\n(function () {\n'
        + "".join(_asset(name) for name in scripts)
        + start
        + "})();\n"
    )


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text("utf-8")


def page_html(
    title: str,
    body: str,
    data: dict,
    scripts: tuple[str, ...] = STEP_SCRIPTS,
    start: str = _STEP_PAGES,
    styles: tuple[str, ...] = ("page.css",),
) -> str:
    before, after = html_parts(title, body, scripts, start, styles)
    return before + script_json(data) + after


def script_json(data: dict) -> str:
    """``data`` as JSON that no name can break out of: "<", ">" and "&" never appear raw."""
    return json.dumps(data, allow_nan=False).translate(_SCRIPT_SAFE)


def html_parts(
    title: str,
    body: str,
    scripts: tuple[str, ...] = STEP_SCRIPTS,
    start: str = _STEP_PAGES,
    styles: tuple[str, ...] = ("page.css",),
) -> tuple[str, str]:
    """A page's HTML before and after its JSON data (see :func:`script_json`)."""
    style = "".join(_asset(name) for name in styles)
    before = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{style}</style>\n"
        f'</head>\n<body>\n{body}\n<script type="application/json" id="neurosim-data">'
    )
    return (
        before,
        f"</script>\n<script>\n{_script(scripts, start)}</script>\n</body>\n</html>\n",
    )
