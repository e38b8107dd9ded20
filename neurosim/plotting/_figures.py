"""What every picture module shares: matplotlib (imported here, once), colours, files.

neurosim's only import of matplotlib: a missing matplotlib is one clear
:class:`~neurosim.errors.MissingDependencyError` naming the extra to install.
"""

from __future__ import annotations

import os

from .._files import atomic_write
from ..errors import MissingDependencyError, ParameterError

try:
    import matplotlib.pyplot as plt
    from matplotlib import animation, colormaps, colors
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
except ImportError as error:
    raise MissingDependencyError(
        f"pictures need matplotlib, which is not installed ({error}). Install it with "
        "'pip install matplotlib' (or, in neurosim's source tree, 'pip install \".[plot]\"')."
    ) from None


__all__ = [
    "MANY_EDGES", "MANY_NEURONS", "ROLE_COLOURS", "VALUE_CMAP", "WEIGHT_CMAP",
    "Axes", "Figure", "Line2D", "animation", "axes_for", "check_picture_format",
    "colormaps", "colors", "plt", "save_animation", "save_figure",
]  # fmt: skip

WEIGHT_CMAP = "coolwarm"  # diverging: negative blue, positive red
VALUE_CMAP = "viridis"
ROLE_COLOURS = {"input": 0, "hidden": 7, "output": 1}  # indices into "tab10"
MANY_EDGES = 150  # above this, edges are thin, translucent lines without arrows
MANY_NEURONS = 40  # above this, no labels


def axes_for(ax: Axes | None, figsize=(6, 4)) -> Axes:
    return plt.subplots(figsize=figsize)[1] if ax is None else ax


# ---------------------------------------------------------------- the network


def check_picture_format(path: str | os.PathLike, format: str | None = None) -> str:
    """Return the picture format ``path`` (or ``format``) names, or raise ParameterError.

    Checked before anything is drawn or written, so a typo in a file name
    costs nothing.

    Examples
    --------
    >>> check_picture_format("net.svg")
    'svg'
    >>> check_picture_format("net.xyz")
    Traceback (most recent call last):
    ...
    neurosim.errors.ParameterError: cannot write a picture as 'net.xyz': ...
    """
    supported = Figure().canvas.get_supported_filetypes()
    extension = format or os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
    if extension not in supported:
        raise ParameterError(
            f"cannot write a picture as {os.fspath(path)!r}: "
            + (f"unknown format {extension!r}" if extension else "no file extension")
            + "; use one of "
            + ", ".join(f".{name}" for name in sorted(supported))
        )
    return extension


def save_figure(fig: Figure, path: str | os.PathLike, **options) -> None:
    """Save a figure atomically: to a temporary file beside ``path``, then renamed.

    A crash mid-write never leaves a half-written picture under the real name.

    Examples
    --------
    >>> import os, tempfile
    >>> fig = Figure(); _ = fig.add_subplot().plot([0, 1])
    >>> path = os.path.join(tempfile.mkdtemp(), "line.png")
    >>> save_figure(fig, path); os.path.getsize(path) > 0
    True
    """
    check_picture_format(path, options.get("format"))
    atomic_write(path, lambda temporary: fig.savefig(temporary, **options), True)


def save_animation(
    anim: animation.Animation, path: str | os.PathLike, fps: float = 1.5
) -> None:
    """Save an animation as a GIF with matplotlib's Pillow writer (no ffmpeg), atomically.

    Examples
    --------
    >>> import os, tempfile
    >>> import neurosim as ns
    >>> from neurosim.plotting import animate_trace
    >>> anim = animate_trace(ns.Network.layered([1, 1], seed=0), [1.0], [0.0])
    >>> path = os.path.join(tempfile.mkdtemp(), "trace.gif")
    >>> save_animation(anim, path)
    >>> with open(path, "rb") as gif:
    ...     gif.read(6)
    b'GIF89a'
    """
    writer = animation.PillowWriter(fps=fps)
    atomic_write(path, lambda temporary: anim.save(temporary, writer=writer), True)
