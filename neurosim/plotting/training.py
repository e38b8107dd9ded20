"""Pictures of training: loss curves, decision regions, each neuron's map, animations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ShapeError
from ..history import History
from ..layout import layered_positions
from ..network import Network
from ._figures import Axes, Figure, animation, axes_for, colormaps, plt
from .network import draw_network

__all__ = [
    "animate_trace", "animate_training", "plot_decision_boundary", "plot_history",
    "plot_neuron_maps",
]  # fmt: skip


def plot_history(
    history: History, log: bool = False, fig: Figure | None = None
) -> list[Axes]:
    """Loss per epoch (training and validation) and, beside it, any metrics.

    Parameters
    ----------
    history : History
    log : bool, default False
        Logarithmic loss axis.
    fig : matplotlib Figure, optional

    Returns
    -------
    list of Axes
        The loss axes, then one for the metrics if there are any.

    Examples
    --------
    >>> import neurosim as ns
    >>> X, Y = ns.datasets.xor()
    >>> h = ns.Network.layered([2, 3, 1], seed=0).fit(X, Y, epochs=5, metrics=["accuracy"])
    >>> [ax.get_ylabel() for ax in plot_history(h, log=True)]
    ['loss', 'metric']
    """
    metrics = [k for k in history.history if "loss" not in k]
    if fig is None:
        fig = plt.figure(figsize=(6 + 4 * bool(metrics), 4), layout="constrained")
    axes = fig.subplots(1, 1 + bool(metrics), squeeze=False)[0].tolist()
    epochs = np.arange(1, history.epochs + 1)
    for key in ("loss", "val_loss"):
        if key in history.history:
            axes[0].plot(epochs, history[key], label=key.replace("_", " "))
    axes[0].set(xlabel="epoch", ylabel="loss", yscale="log" if log else "linear")
    axes[0].legend()
    if metrics:
        for key in metrics:
            axes[1].plot(epochs, history[key], label=key.replace("_", " "))
        axes[1].set(xlabel="epoch", ylabel="metric")
        axes[1].legend()
    return axes


def _grid(X: np.ndarray, extent, resolution: int):
    if extent is None:
        low, high = X.min(axis=0), X.max(axis=0)
        margin = 0.1 * np.maximum(high - low, 1e-9)
        extent = (
            low[0] - margin[0],
            high[0] + margin[0],
            low[1] - margin[1],
            high[1] + margin[1],
        )
    xs = np.linspace(extent[0], extent[1], resolution)
    ys = np.linspace(extent[2], extent[3], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return extent, gx, gy, np.column_stack([gx.ravel(), gy.ravel()])


def _check_two_inputs(net: Network, what: str) -> None:
    if net.n_inputs != 2:
        raise ShapeError(
            f"{what} draws the input plane, so the network needs exactly 2 inputs; "
            f"it has {net.n_inputs}"
        )


def plot_decision_boundary(
    net: Network,
    X: ArrayLike,
    y: ArrayLike,
    ax: Axes | None = None,
    resolution: int = 200,
    extent: Sequence[float] | None = None,
    colorbar: bool = True,
) -> Axes:
    """The regions a two-input classifier carves out of the plane, with the data.

    One output: its value as a filled contour and the 0.5 line, the points
    coloured by their class (0 or 1) with the colours of the contour's two
    ends. Several outputs: the arg-max class in each region, each class in one
    colour for its region and its points, and a legend naming the classes.
    Evaluated with the vectorised backend (the network's weights are not
    changed).

    Raises
    ------
    ShapeError
        If ``X`` is not (n_samples, 2), ``y`` has another length, or a label
        is not a class of the network.

    Examples
    --------
    >>> import neurosim as ns
    >>> X, Y = ns.datasets.xor()
    >>> ax = plot_decision_boundary(ns.Network.layered([2, 3, 1], seed=0), X, Y)
    >>> ax.get_xlabel()
    'x1'
    """
    _check_two_inputs(net, "plot_decision_boundary")
    X, labels = _points_and_classes(X, y, len(net.outputs))
    ax = axes_for(ax, figsize=(5, 4.5))
    extent, gx, gy, grid = _grid(X, extent, resolution)
    outputs = net.compile().predict(grid)
    n_classes = max(2, outputs.shape[1])
    if outputs.shape[1] == 1:
        surface = outputs[:, 0].reshape(gx.shape)
        # A probability keeps the scale [0, 1]: an undecided network (outputs
        # near 0.5 everywhere) looks undecided, not stretched to both ends.
        probability = net.outputs[0].activation.within(0.0, 1.0)
        levels = np.linspace(0.0, 1.0, 21) if probability else 20
        filled = ax.contourf(gx, gy, surface, levels=levels, cmap="RdBu_r", alpha=0.8)
        if surface.min() < 0.5 < surface.max():
            ax.contour(gx, gy, surface, levels=[0.5], colors="black", linewidths=1.5)
        if colorbar:
            ax.figure.colorbar(filled, ax=ax, label="output")
        # The two ends of the same colormap as the surface: 0 blue, 1 red.
        palette = [colormaps["RdBu_r"](0.0), colormaps["RdBu_r"](1.0)]
        names = ["0", "1"]
    else:
        # One colour per class, shared by the regions and the points.
        palette = [colormaps["tab10"](k % 10) for k in range(n_classes)]
        regions = outputs.argmax(axis=1).reshape(gx.shape)
        ax.contourf(
            gx,
            gy,
            regions,
            levels=np.arange(n_classes + 1) - 0.5,
            colors=palette,
            alpha=0.35,
        )
        names = [f"{k} ({n.name})" for k, n in enumerate(net.outputs)]
    for k in range(n_classes):
        mine = labels == k
        if mine.any():
            ax.scatter(
                X[mine, 0],
                X[mine, 1],
                color=palette[k],
                edgecolors="black",
                s=60,
                label=f"class {names[k]}",
            )
    # Above the plot, where it covers no region.
    ax.legend(
        loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(n_classes, 4),
        fontsize="small", frameon=False,
    )  # fmt: skip
    names = [n.name for n in net.inputs]
    ax.set(xlabel=names[0], ylabel=names[1], xlim=extent[:2], ylim=extent[2:])
    return ax


def _points_and_classes(X: ArrayLike, y: ArrayLike, n_outputs: int):
    """Check the points of a two-input plot and turn targets into class numbers."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ShapeError(
            f"X must have shape (n_samples, 2): one column per input of the plane; got "
            f"shape {X.shape}. Pick two columns, or use a network with two inputs."
        )
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] > 1:
        if labels.shape[1] != n_outputs:
            raise ShapeError(
                f"one-hot targets y have {labels.shape[1]} columns but the network has "
                f"{n_outputs} outputs"
            )
        labels = labels.argmax(axis=1)
    labels = labels.ravel()
    if labels.shape[0] != X.shape[0]:
        raise ShapeError(
            f"y has {labels.shape[0]} labels but X has {X.shape[0]} points; pass one "
            "label (or one target row) per point"
        )
    n_classes = max(2, n_outputs)
    if not np.isin(labels, np.arange(n_classes)).all():
        raise ShapeError(
            f"labels must be class numbers 0 to {n_classes - 1} (or one-hot rows) for a "
            f"network with {n_outputs} output(s); got {np.unique(labels)[:6].tolist()}"
        )
    return X, labels.astype(int)


def plot_neuron_maps(
    net: Network,
    extent: Sequence[float] = (-1.0, 1.0, -1.0, 1.0),
    resolution: int = 40,
    fig: Figure | None = None,
) -> Figure:
    """Every neuron's output over the input plane, placed where it sits in the network.

    The TensorFlow Playground view: one small map per neuron, laid out by
    topological level. Runs one forward pass of the grid through the graph.

    Examples
    --------
    >>> import neurosim as ns
    >>> fig = plot_neuron_maps(ns.Network.layered([2, 3, 1], seed=0), resolution=10)
    >>> len(fig.axes)
    6
    """
    _check_two_inputs(net, "plot_neuron_maps")
    fig = plt.figure(figsize=(8, 5)) if fig is None else fig
    _, gx, _, grid = _grid(None, extent, resolution)
    net.forward(grid)
    pos = layered_positions(net)
    xy = np.array(list(pos.values()))
    low, span = xy.min(axis=0), np.maximum(xy.max(axis=0) - xy.min(axis=0), 1e-9)
    # one square map per neuron, as large as the most crowded level allows
    crowd = max(len(set(np.round(xy[:, 1], 6))), len(set(np.round(xy[:, 0], 6))), 2)
    size = min(0.75 / crowd, 0.2)
    low_corner = size / 2 + 0.02
    reach = 1.0 - size - 0.08  # room for the titles on top
    for neuron in net.neurons:
        fx, fy = low_corner + reach * (pos[neuron.name] - low) / span
        ax = fig.add_axes((fx - size / 2, fy - size / 2, size, size))
        ax.imshow(
            np.asarray(neuron.output).reshape(gx.shape),
            origin="lower",
            cmap="RdBu_r",
            extent=tuple(extent),
        )
        ax.set_title(neuron.name, fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


# ---------------------------------------------------------------- Hopfield


def animate_trace(
    net: Network,
    x: ArrayLike,
    target: ArrayLike,
    loss: str = "mse",
    interval: int = 900,
    fig: Figure | None = None,
) -> animation.FuncAnimation:
    """One forward and backward pass, one computation per frame.

    Each frame highlights the neuron or connection being computed and shows
    its formula with the numbers. Save it with
    ``anim.save("trace.gif", writer=matplotlib.animation.PillowWriter(fps=1))``
    (no ffmpeg needed).

    Examples
    --------
    >>> import neurosim as ns
    >>> import os, tempfile
    >>> from matplotlib.animation import PillowWriter
    >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
    >>> anim = animate_trace(net, [1.0], [0.0], interval=100)
    >>> path = os.path.join(tempfile.mkdtemp(), "trace.gif")
    >>> anim.save(path, writer=PillowWriter(fps=2))
    >>> len(net.trace([1.0], target=[0.0]))   # steps: one frame each
    6
    """
    steps = net.trace(x, target=target, loss=loss)
    fig = plt.figure(figsize=(7, 5)) if fig is None else fig
    ax = fig.add_subplot()
    pos = layered_positions(net)

    def draw(k: int):
        ax.clear()
        step = steps[k]
        draw_network(net, ax=ax, layout=pos, highlight=step.target, show_weights=True)
        ax.set_title(f"{step.phase} {k + 1}/{len(steps)}\n{step.formula}", fontsize=9)
        return ()

    return animation.FuncAnimation(
        fig, draw, frames=len(steps), interval=interval, blit=False
    )


def animate_training(
    net: Network,
    X: ArrayLike,
    Y: ArrayLike,
    epochs: int = 200,
    frames: int = 20,
    fig: Figure | None = None,
    **fit_options,
) -> animation.FuncAnimation:
    """Train a two-input network and animate its decision regions and weights.

    The network is trained for ``epochs`` in ``frames`` equal chunks (with
    ``fit_options`` passed to :meth:`Network.fit`) before the animation is
    built; each frame shows the regions and the network at that point.

    Examples
    --------
    >>> import neurosim as ns
    >>> from matplotlib.animation import PillowWriter
    >>> import os, tempfile
    >>> X, Y = ns.datasets.xor()
    >>> net = ns.Network.layered([2, 3, 1], seed=0)
    >>> anim = animate_training(net, X, Y, epochs=4, frames=2, lr=0.5)
    >>> anim.save(os.path.join(tempfile.mkdtemp(), "training.gif"), writer=PillowWriter(fps=2))
    """
    _check_two_inputs(net, "animate_training")
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    chunk = max(1, epochs // frames)
    snapshots = []
    for frame in range(frames):
        history = net.fit(X, Y, epochs=chunk, **{"seed": frame, **fit_options})
        snapshots.append(([p.value for p in net.parameters], history.loss[-1]))
    fig = plt.figure(figsize=(10, 4.5)) if fig is None else fig
    regions, drawing = fig.subplots(1, 2)

    def draw(k: int):
        values, loss = snapshots[k]
        for parameter, value in zip(net.parameters, values):
            parameter.value = value
        regions.clear()
        drawing.clear()
        plot_decision_boundary(net, X, Y, ax=regions, resolution=60, colorbar=False)
        regions.set_title(f"epoch {(k + 1) * chunk}, loss {loss:.4f}")
        draw_network(net, ax=drawing, show_weights=False)
        return ()

    anim = animation.FuncAnimation(fig, draw, frames=frames, interval=300, blit=False)
    draw(frames - 1)  # leave the network as trained, the figure at the last frame
    return anim


# ---------------------------------------------------------------- convolution
