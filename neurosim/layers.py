"""Builders of whole layers: convolution, pooling and dense layers, as ordinary neurons.

A convolutional network in neurosim is a graph like any other. A *feature
map* is a grid of neurons, each connected to the patch of the layer below
that it looks at; all the connections of one (input channel, filter) pair
share the same ``kernel × kernel`` weight parameters, and all the neurons of
one map share one bias. So an 8-filter 3×3 convolution over a 28×28 image is
48,672 connections but 80 parameters — and every neuron and connection is
there to inspect, trace, draw and edit.

Vocabulary:

- *grid*: a layer's neurons as a list of channels, each a 2-D numpy object
  array of :class:`~neurosim.neuron.Neuron` (``grid[channel][row, column]``);
  each neuron also knows its ``position`` ``(channel, row, column)``.
- *spec*: a small object describing one layer (:class:`Conv`,
  :class:`MaxPool`, :class:`AvgPool`, :class:`Dense`), for
  :meth:`Network.convolutional <neurosim.network.Network.convolutional>`.

Pooling: max pooling uses max-pooling neurons (``aggregation="max"``) whose
incoming weights are one shared parameter frozen at 1 and whose bias is one
shared parameter frozen at 0 — so ``net = max of the inputs``, and the delta
goes back to the input that won. Average pooling uses ordinary summing
neurons whose weights are one shared parameter frozen at ``1/size²``: the
same numbers as a mean, with no new kind of neuron.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network.convolutional((6, 6), [Conv(2, 3), MaxPool(2), Dense(3)], seed=0)
>>> net
Network(36 inputs, 40 hidden, 3 outputs; 344 connections, 49 parameters)
>>> net["conv1[1,0,0]"].position
(1, 0, 0)
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ._checks import BYTES_PER_CONNECTION, BYTES_PER_NEURON, check_count, check_memory
from ._registry import check_choice
from .errors import ParameterError, ShapeError
from .initializers import draw_weights, get_initializer
from .lstm import LSTM
from .parameters import Parameter

__all__ = [
    "LSTM",
    "AvgPool",
    "Conv",
    "Dense",
    "MaxPool",
    "avg_pool",
    "build_convolutional",
    "build_layered",
    "conv",
    "dense",
    "feature_maps",
    "input_grid",
    "kernels",
    "max_pool",
    "pool",
]

PADDINGS = ("valid", "same")


@dataclass(frozen=True)
class Conv:
    """A convolution layer: ``filters`` feature maps, each from a ``kernel × kernel`` kernel."""

    filters: int
    kernel: int
    stride: int = 1
    padding: str = "valid"
    activation: str = "relu"


@dataclass(frozen=True)
class MaxPool:
    """Max pooling over ``size × size`` windows (stride ``size`` unless given)."""

    size: int = 2
    stride: int | None = None


@dataclass(frozen=True)
class AvgPool:
    """Average pooling over ``size × size`` windows (stride ``size`` unless given)."""

    size: int = 2
    stride: int | None = None


@dataclass(frozen=True)
class Dense:
    """A dense layer: ``units`` neurons, each connected to every neuron below."""

    units: int
    activation: str = "relu"


def conv(net, grid: list[np.ndarray], spec: Conv, name: str) -> list[np.ndarray]:
    """Add a convolution layer on ``grid``; return its grid of feature maps.

    Neuron ``name[f,r,c]`` of map ``f`` sums, over every input channel ``i``
    and kernel offset ``(dy, dx)``, ``kernel[f][i][dy, dx] · input[i][r·s + dy,
    c·s + dx]`` (a cross-correlation, as in every deep-learning library), plus
    the map's bias. ``padding="same"`` (stride 1) keeps the size: inputs
    outside the image count as 0, so those connections are simply absent.
    It pads ``kernel − 1`` rows and columns in all, ``(kernel − 1) // 2``
    above and to the left and the rest below and to the right (for an even
    kernel, one more there), as PyTorch's and Keras's ``'same'``.

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network(seed=0)
    >>> image = input_grid(net, (1, 4, 4))
    >>> maps = conv(net, image, Conv(filters=1, kernel=2, activation="identity"), "c")
    >>> maps[0].shape, len(net.connections), net.n_parameters
    ((3, 3), 36, 5)
    """
    filters = check_count(spec.filters, "filters")
    kernel = check_count(spec.kernel, "kernel")
    stride = check_count(spec.stride, "stride")
    check_choice(spec.padding, PADDINGS, "padding")
    if spec.padding == "same" and stride != 1:
        raise ParameterError("padding='same' needs stride=1")
    channels, height, width = len(grid), *grid[0].shape
    # 'same' pads k − 1 in all: (k − 1) // 2 before, the rest (one more for an
    # even kernel) after — below and to the right — as PyTorch and Keras do.
    pad = (kernel - 1) // 2 if spec.padding == "same" else 0
    total = kernel - 1 if spec.padding == "same" else 0
    rows = (height + total - kernel) // stride + 1
    cols = (width + total - kernel) // stride + 1
    if rows < 1 or cols < 1:
        raise ShapeError(
            f"a {kernel}×{kernel} kernel does not fit a {height}×{width} input "
            f"with padding {spec.padding!r}; use a smaller kernel or padding='same'"
        )
    fan_in = channels * kernel * kernel
    check_memory(
        BYTES_PER_CONNECTION * filters * rows * cols * fan_in
        + BYTES_PER_NEURON * filters * rows * cols,
        f"the convolution {name} ({filters:,} maps of {rows}×{cols}, "
        f"{filters * rows * cols * fan_in:,} connections)",
        "use fewer filters or a smaller image",
    )
    draw = get_initializer(
        "he" if spec.activation in ("relu", "leaky_relu") else "xavier"
    )
    values = np.asarray(
        draw(
            net.rng,
            np.full(filters * fan_in, fan_in),
            np.full(filters * fan_in, filters),
        )
    ).reshape(filters, channels, kernel, kernel)
    kernels = [
        [
            [
                [Parameter(float(values[f, i, dy, dx])) for dx in range(kernel)]
                for dy in range(kernel)
            ]
            for i in range(channels)
        ]
        for f in range(filters)
    ]
    maps, edges = [], []
    for f in range(filters):
        bias = Parameter(0.0, name=f"b({name}[{f}])")
        neurons = np.empty((rows, cols), dtype=object)
        for r in range(rows):
            for c in range(cols):
                neuron = net.add_neuron(
                    f"{name}[{f},{r},{c}]", spec.activation, bias, position=(f, r, c)
                )
                neurons[r, c] = neuron
                for i in range(channels):
                    for dy in range(kernel):
                        for dx in range(kernel):
                            y, x = r * stride + dy - pad, c * stride + dx - pad
                            if 0 <= y < height and 0 <= x < width:
                                edges.append(
                                    (grid[i][y, x], neuron, kernels[f][i][dy][dx])
                                )
        maps.append(neurons)
    for f in range(filters):
        for i in range(channels):
            for dy in range(kernel):
                for dx in range(kernel):
                    kernels[f][i][dy][dx].name = f"k({name}[{f}],{i},{dy},{dx})"
    net.connect_many(edges)
    return maps


def pool(
    net, grid: list[np.ndarray], spec: MaxPool | AvgPool, name: str
) -> list[np.ndarray]:
    """Add a pooling layer on ``grid`` (max or average); return its grid.

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network(seed=0)
    >>> pooled = pool(net, input_grid(net, (1, 4, 4)), MaxPool(2), "p")
    >>> pooled[0].shape, net["p[0,1,1]"].aggregation
    ((2, 2), 'max')
    """
    size = check_count(spec.size, "pool size")
    stride = check_count(spec.size if spec.stride is None else spec.stride, "stride")
    height, width = grid[0].shape
    rows, cols = (height - size) // stride + 1, (width - size) // stride + 1
    if rows < 1 or cols < 1:
        raise ShapeError(f"a {size}×{size} pool does not fit a {height}×{width} input")
    is_max = isinstance(spec, MaxPool)
    # One frozen weight and one frozen bias for the whole layer (see the module notes).
    weight = Parameter(1.0 if is_max else 1.0 / (size * size), False, f"w({name})")
    bias = Parameter(0.0, False, f"b({name})")
    maps, edges = [], []
    for f, channel in enumerate(grid):
        neurons = np.empty((rows, cols), dtype=object)
        for r in range(rows):
            for c in range(cols):
                neuron = net.add_neuron(
                    f"{name}[{f},{r},{c}]",
                    "identity",
                    bias,
                    aggregation="max" if is_max else "sum",
                    position=(f, r, c),
                )
                neurons[r, c] = neuron
                window = channel[
                    r * stride : r * stride + size, c * stride : c * stride + size
                ]
                edges.extend((source, neuron, weight) for source in window.ravel())
        maps.append(neurons)
    net.connect_many(edges)
    return maps


def max_pool(net, grid, spec: MaxPool, name: str) -> list[np.ndarray]:
    """Add a max-pooling layer; see :func:`pool`."""
    return pool(net, grid, spec, name)


def avg_pool(net, grid, spec: AvgPool, name: str) -> list[np.ndarray]:
    """Add an average-pooling layer; see :func:`pool`."""
    return pool(net, grid, spec, name)


def dense(net, neurons: list, spec: Dense, name: str, output: bool = False) -> list:
    """Add ``spec.units`` neurons, each connected to every neuron of ``neurons``.

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network(seed=0)
    >>> top = dense(net, list(input_grid(net, (1, 2, 2))[0].ravel()), Dense(3), "d")
    >>> len(top), len(net.connections)
    (3, 12)
    """
    units = check_count(spec.units, "units")
    check_memory(
        BYTES_PER_CONNECTION * units * len(neurons) + BYTES_PER_NEURON * units,
        f"the dense layer {name} ({units:,} units × {len(neurons):,} inputs)",
        "use fewer units",
    )
    add = net.add_output if output else net.add_neuron
    layer = [add(f"{name}{j + 1}", spec.activation) for j in range(units)]
    draw = get_initializer(
        "he" if spec.activation in ("relu", "leaky_relu") else "xavier"
    )
    shape = (len(neurons), units)
    weights = np.asarray(
        draw(net.rng, np.full(shape, len(neurons)), np.full(shape, units))
    )
    connect_dense(net, neurons, layer, weights.tolist())
    return layer


def connect_dense(net, sources: list, targets: list, weights: list) -> None:
    """Connect every source to every target, ``weights[i][j]`` from source i to target j.

    The connections are made target by target, so that each neuron's incoming
    connections lie side by side in memory (the node-by-node pass reads them
    in a row: a third faster at 10⁵ connections), and the new parameters are
    then put in the usual source-by-source order. Each neuron's incoming and
    outgoing order is the same either way.
    """
    store = net.parameter_store
    before = len(store.parameters)
    net.connect_many(
        (source, target, row[j])
        for j, target in enumerate(targets)
        for source, row in zip(sources, weights)
    )
    n_sources, n_targets = len(sources), len(targets)
    # The k-th new parameter (target j, source i) goes to place i·T + j.
    places = np.arange(n_sources * n_targets).reshape(n_sources, n_targets).T
    store.reorder([*range(before), *(before + places.ravel()).tolist()])


def build_layered(net, sizes, hidden_activation, output_activation):
    """Build the layers of :meth:`Network.layered <neurosim.network.Network.layered>` into ``net``."""
    connections = sum(a * b for a, b in itertools.pairwise(sizes))
    check_memory(
        BYTES_PER_CONNECTION * connections + BYTES_PER_NEURON * sum(sizes),
        f"a layered network of {connections:,} connections",
        "use smaller layers",
    )
    layers = [[net.add_input(f"x{j + 1}") for j in range(sizes[0])]]
    for depth, size in enumerate(sizes[1:-1], start=1):
        layers.append(
            [
                net.add_neuron(f"h{depth}_{j + 1}", hidden_activation)
                for j in range(size)
            ]
        )
    layers.append(
        [net.add_output(f"y{j + 1}", output_activation) for j in range(sizes[-1])]
    )
    draw = get_initializer(net.init)
    for sources, targets in itertools.pairwise(layers):
        shape = (len(sources), len(targets))
        weights = draw_weights(
            draw,
            net.rng,
            np.full(shape, len(sources)),
            np.full(shape, len(targets)),
        )
        connect_dense(net, sources, targets, weights.tolist())
    return net


def build_convolutional(net, input_shape, layers, output_activation):
    """Build the layers of :meth:`Network.convolutional <neurosim.network.Network.convolutional>` into ``net``."""
    if (
        not isinstance(input_shape, (tuple, list))
        or len(input_shape) not in (2, 3)
        or not all(
            isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 1
            for d in input_shape
        )
    ):
        raise ShapeError(
            "input_shape must be (rows, columns) or (channels, rows, columns), each a "
            f"whole number >= 1, got {input_shape!r}"
        )
    if not layers or not isinstance(layers[-1], Dense):
        raise ParameterError(
            "the last layer must be Dense (its neurons are the outputs), e.g. "
            "[Conv(8, 3), MaxPool(2), Dense(10)]"
        )
    shape = (1, *input_shape) if len(input_shape) == 2 else tuple(input_shape)
    grid, flat = input_grid(net, shape), None
    counts: dict[str, int] = {}
    for k, spec in enumerate(layers):
        kind = type(spec).__name__.lower()
        counts[kind] = counts.get(kind, 0) + 1
        name = f"{kind}{counts[kind]}"
        if isinstance(spec, Dense):
            if flat is None:
                flat = [n for channel in grid for n in channel.ravel()]
            last = k == len(layers) - 1
            if last:
                spec = Dense(spec.units, output_activation)
            flat = dense(net, flat, spec, "y" if last else name, output=last)
        elif flat is not None:
            raise ParameterError(
                f"layer {k} ({spec!r}) comes after a Dense layer; convolution and "
                "pooling layers go first"
            )
        elif isinstance(spec, Conv):
            grid = conv(net, grid, spec, name)
        elif isinstance(spec, (MaxPool, AvgPool)):
            grid = pool(net, grid, spec, name)
        else:
            raise ParameterError(
                f"layer {k}: expected Conv, MaxPool, AvgPool or Dense, got {spec!r}"
            )
    return net


def kernels(net, layer: str) -> np.ndarray:
    """The kernels of convolution layer ``layer`` (e.g. ``"conv1"``): (filters, channels, k, k).

    Read from the layer's shared parameters, so they are the current values.

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network.convolutional((5, 5), [Conv(2, 3), Dense(1)], seed=0)
    >>> kernels(net, "conv1").shape
    (2, 1, 3, 3)
    """
    found = {}
    prefix = f"k({layer}["
    for parameter in net.parameters:
        name = parameter.name
        if name.startswith(prefix):
            f, rest = name[len(prefix) :].split("],")
            i, dy, dx = rest.rstrip(")").split(",")
            found[int(f), int(i), int(dy), int(dx)] = parameter.value
    if not found:
        raise ParameterError(
            f"{layer!r} is not a convolution layer of this network; its layers are named "
            "conv1, conv2, ... by Network.convolutional"
        )
    shape = tuple(1 + max(key[d] for key in found) for d in range(4))
    values = np.zeros(shape)
    for key, value in found.items():
        values[key] = value
    return values


def feature_maps(net, layer: str) -> np.ndarray:
    """The outputs of layer ``layer``'s neurons in the last one-sample pass: (maps, rows, columns).

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network.convolutional((5, 5), [Conv(2, 3), Dense(1)], seed=0)
    >>> _ = net.forward(np.zeros(25))
    >>> feature_maps(net, "conv1").shape
    (2, 3, 3)
    """
    neurons = [
        n
        for n in net.neurons
        if n.name.startswith(f"{layer}[") and n.position is not None
    ]
    if not neurons:
        raise ParameterError(f"the network has no grid layer called {layer!r}")
    if net.last_pass is None or not net.last_pass[1]:
        raise ParameterError(
            "feature maps show one sample: call net.forward(image.ravel()) first"
        )
    shape = tuple(1 + max(n.position[d] for n in neurons) for d in range(3))
    values = np.zeros(shape)
    for neuron in neurons:
        values[neuron.position] = neuron.output
    return values


def input_grid(net, shape: tuple[int, int, int]) -> list[np.ndarray]:
    """Add the input neurons of a ``(channels, rows, columns)`` image, row by row.

    Their order is the order of ``image.ravel()`` for an image of that shape,
    so ``net.forward(image.ravel())`` feeds them.

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network()
    >>> grid = input_grid(net, (1, 2, 3))
    >>> [n.name for n in grid[0].ravel()]
    ['x[0,0]', 'x[0,1]', 'x[0,2]', 'x[1,0]', 'x[1,1]', 'x[1,2]']
    """
    channels, rows, cols = shape
    grid = []
    for i in range(channels):
        neurons = np.empty((rows, cols), dtype=object)
        for r in range(rows):
            for c in range(cols):
                label = f"x[{r},{c}]" if channels == 1 else f"x[{i},{r},{c}]"
                neurons[r, c] = net.add_input(label)
                neurons[r, c].position = (i, r, c)
        grid.append(neurons)
    return grid
