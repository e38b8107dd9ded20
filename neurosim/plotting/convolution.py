"""Pictures of convolution: kernels, feature maps, and the kernel sliding over an image."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ParameterError
from ..network import Network
from ._figures import VALUE_CMAP, WEIGHT_CMAP, Figure, animation, plt

__all__ = ["animate_convolution", "plot_feature_maps", "plot_kernels"]


def plot_kernels(
    net: Network, layer: str = "conv1", fig: Figure | None = None
) -> Figure:
    """The kernels of a convolution layer as small images.

    One row per filter for several input channels, rows of six filters for
    one. Colours are centred at 0 (blue negative, red positive), one scale
    for all.

    Examples
    --------
    >>> import neurosim as ns
    >>> from neurosim.layers import Conv, Dense
    >>> net = ns.Network.convolutional((6, 6), [Conv(3, 3), Dense(2)], seed=0)
    >>> sum(ax.images != [] for ax in plot_kernels(net).axes)
    3
    """
    from ..layers import kernels

    values = kernels(net, layer)
    filters, channels = values.shape[:2]
    panels = [(f, i) for f in range(filters) for i in range(channels)]
    columns = channels if channels > 1 else min(6, filters)
    rows = -(-len(panels) // columns)
    if fig is None:
        size = (1.3 * columns + 0.4, 1.3 * rows + 0.5)
        fig = plt.figure(figsize=size, layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    limit = max(float(np.abs(values).max()), 1e-12)
    for ax, (f, i) in zip(axes, panels):
        ax.imshow(values[f, i], cmap=WEIGHT_CMAP, vmin=-limit, vmax=limit)
        title = f"filter {f}" + (f", channel {i}" if channels > 1 else "")
        ax.set_title(title, fontsize=8)
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    for ax in axes[len(panels) :]:
        ax.set_axis_off()
    fig.suptitle(f"{layer} kernels (each shared by every position)", fontsize=9)
    return fig


def plot_feature_maps(
    net: Network, x: ArrayLike, layer: str = "conv1", fig: Figure | None = None
) -> Figure:
    """The input image and each feature map of ``layer`` for one sample ``x``.

    Examples
    --------
    >>> import neurosim as ns
    >>> from neurosim.layers import Conv, Dense
    >>> net = ns.Network.convolutional((6, 6), [Conv(2, 3), Dense(2)], seed=0)
    >>> sum(ax.images != [] for ax in plot_feature_maps(net, np.linspace(0, 1, 36)).axes)
    3
    """
    from ..layers import feature_maps

    net.forward(x)
    maps = feature_maps(net, layer)
    image = np.asarray(x, dtype=float).reshape(_image_shape(net))
    columns = min(7, len(maps) + 1)
    rows = -(-(len(maps) + 1) // columns)
    if fig is None:
        size = (1.4 * columns + 0.4, 1.5 * rows + 0.5)
        fig = plt.figure(figsize=size, layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    axes[0].imshow(image[0], cmap="gray_r")
    axes[0].set_title("input", fontsize=8)
    for f, (ax, values) in enumerate(zip(axes[1:], maps)):
        ax.imshow(values, cmap=VALUE_CMAP)
        ax.set_title(f"map {f}", fontsize=8)
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    for ax in axes[len(maps) + 1 :]:
        ax.set_axis_off()
    fig.suptitle(f"{layer}: one picture per feature map", fontsize=9)
    return fig


def _image_shape(net: Network) -> tuple[int, int, int]:
    """(channels, rows, columns) of a convolutional network's input grid."""
    positions = [n.position for n in net.inputs if n.position is not None]
    if not positions:
        raise ParameterError(
            "the network's inputs are not a grid; build it with Network.convolutional"
        )
    return tuple(1 + max(p[d] for p in positions) for d in range(3))


def animate_convolution(
    net: Network, x: ArrayLike, layer: str = "conv1", filter: int = 0
) -> animation.FuncAnimation:
    """One kernel sliding over the image: a frame per position of its feature map.

    Each frame outlines the window on the input, fills in the feature map up
    to that position, and writes the neuron's computation as its title.

    Examples
    --------
    >>> import neurosim as ns
    >>> from neurosim.layers import Conv, Dense
    >>> net = ns.Network.convolutional((4, 4), [Conv(1, 2), Dense(1)], seed=0)
    >>> import os, tempfile
    >>> from neurosim.plotting import save_animation
    >>> anim = animate_convolution(net, np.linspace(0, 1, 16))
    >>> save_animation(anim, os.path.join(tempfile.mkdtemp(), "conv.gif"))
    """
    from matplotlib.patches import Rectangle

    from ..layers import feature_maps

    # The trace's own formulas, with the numbers, as the frames' titles.
    formulas = {s.target: str(s) for s in net.trace(x) if s.kind == "net"}
    image = np.asarray(x, dtype=float).reshape(_image_shape(net))[0]
    maps = feature_maps(net, layer)
    if not 0 <= filter < len(maps):
        raise ParameterError(f"filter must be in 0..{len(maps) - 1}, got {filter!r}")
    positions = [(r, c) for r in range(maps.shape[1]) for c in range(maps.shape[2])]
    fig = plt.figure(figsize=(7, 3.6))
    left, right = fig.subplots(1, 2)

    def draw(k: int):
        r, c = positions[k]
        neuron = net[f"{layer}[{filter},{r},{c}]"]
        sources = [net[name].position for name in net.graph.pred[neuron.name]]
        left.clear()
        right.clear()
        left.imshow(image, cmap="gray_r")
        rows = [p[1] for p in sources]
        cols = [p[2] for p in sources]
        left.add_patch(
            Rectangle(
                (min(cols) - 0.5, min(rows) - 0.5), max(cols) - min(cols) + 1,
                max(rows) - min(rows) + 1, fill=False, edgecolor="red", linewidth=2,
            )
        )  # fmt: skip
        shown = np.full(maps.shape[1:], np.nan)
        for rr, cc in positions[: k + 1]:
            shown[rr, cc] = maps[filter, rr, cc]
        low, high = float(maps[filter].min()), float(maps[filter].max())
        right.imshow(shown, cmap="viridis", vmin=low, vmax=high)
        right.add_patch(
            Rectangle(
                (c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="red", linewidth=2
            )
        )
        for ax, title in ((left, "input"), (right, f"{layer} map {filter}")):
            ax.set(xticks=[], yticks=[], title=title)
        formula = formulas[neuron.name]
        if len(formula) > 100:  # a large kernel: the sum, not every term
            formula = f"net({neuron.name}) = Σ kernel·window + bias = {neuron.net:.4g}"
        fig.suptitle(formula, fontsize=9)
        return ()

    return animation.FuncAnimation(
        fig, draw, frames=len(positions), interval=400, blit=False
    )


# The pictures of gradient-free training and of stochastic, symmetric networks
# live in modules of their own.
