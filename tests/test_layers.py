"""Convolution and pooling layers as neuron graphs, against independent oracles."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.signal import correlate2d

import neurosim as ns
from neurosim.layers import (
    AvgPool,
    Conv,
    Dense,
    MaxPool,
    conv,
    input_grid,
    kernels,
    pool,
)

seeds = st.integers(0, 2**32 - 1)


def kernel_values(net, maps_name, filters, channels, size):
    """The shared kernel weights read back from the connections of one map's first neuron."""
    kernels = np.zeros((filters, channels, size, size))
    for f in range(filters):
        for i in range(channels):
            for dy in range(size):
                for dx in range(size):
                    source = f"x[{dy},{dx}]" if channels == 1 else f"x[{i},{dy},{dx}]"
                    kernels[f, i, dy, dx] = net.connection(
                        source, f"{maps_name}[{f},0,0]"
                    ).weight
    return kernels


@pytest.mark.parametrize("channels", [1, 2])
@pytest.mark.parametrize(
    ("padding", "stride"), [("valid", 1), ("valid", 2), ("same", 1)]
)
def test_a_convolution_layer_computes_scipys_correlate2d(channels, padding, stride):
    rng = np.random.default_rng(channels * 10 + stride)
    net = ns.Network(seed=1)
    grid = input_grid(net, (channels, 7, 6))
    maps = conv(net, grid, Conv(3, 3, stride, padding, activation="identity"), "c")
    for f in range(3):
        net["c[" + f"{f},0,0]"].bias = 0.0  # the map's shared bias
    top = [n for channel in maps for n in channel.ravel()]
    out = net.add_output("sum", activation="identity")
    for neuron in top:  # read every map through one output's inputs
        net.connect(neuron, out, weight=0.0)
    image = rng.uniform(-1, 1, size=(channels, 7, 6))
    net.forward(image.ravel())
    kernels = kernel_values(net, "c", 3, channels, 3) if padding == "valid" else None
    for f in range(3):
        if kernels is None:  # "same": read the kernel from an interior neuron
            kernel = np.array(
                [[[net.connection(
                    f"x[{1 + dy - 1},{1 + dx - 1}]" if channels == 1 else f"x[{i},{dy},{dx}]",
                    f"c[{f},1,1]").weight for dx in range(3)] for dy in range(3)]
                 for i in range(channels)]
            )  # fmt: skip
        else:
            kernel = kernels[f]
        mode = "valid" if padding == "valid" else "same"
        expected = sum(
            correlate2d(image[i], kernel[i], mode=mode) for i in range(channels)
        )
        expected = expected[::stride, ::stride]
        actual = np.array([[n.output for n in row] for row in maps[f]])
        np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("spec", "reduce"), [(MaxPool(2), np.max), (AvgPool(2), np.mean)]
)
def test_pooling_layers_take_the_max_or_the_mean_of_each_window(spec, reduce):
    net = ns.Network(seed=0)
    grid = input_grid(net, (1, 4, 6))
    pooled = pool(net, grid, spec, "p")
    out = net.add_output("o", activation="identity")
    for neuron in pooled[0].ravel():
        net.connect(neuron, out, weight=1.0)
    image = np.random.default_rng(0).uniform(-1, 1, size=(4, 6))
    net.forward(image.ravel())
    windows = image.reshape(2, 2, 3, 2).swapaxes(1, 2)  # (row, col, 2, 2)
    expected = reduce(windows, axis=(2, 3))
    actual = np.array([[n.output for n in row] for row in pooled[0]])
    np.testing.assert_allclose(actual, expected, rtol=1e-15)


def test_a_pooling_neuron_sends_its_delta_to_the_winner_only():
    net = ns.Network.convolutional((4, 4), [MaxPool(2), Dense(1)], seed=0)
    image = np.arange(16.0)[::-1].reshape(4, 4)  # the maximum is each window's top left
    net.forward(image.ravel())
    net.backward([0.0], loss="sse")
    for r in range(2):
        for c in range(2):
            pooling = net[f"maxpool1[0,{r},{c}]"]
            winner = net[f"x[{2 * r},{2 * c}]"]
            losers = [
                net[f"x[{2 * r + dy},{2 * c + dx}]"]
                for dy in range(2) for dx in range(2) if dy or dx
            ]  # fmt: skip
            assert net.connection(winner, pooling).grad == pooling.delta * winner.output
            assert all(net.connection(x, pooling).grad == 0.0 for x in losers)
    steps = [str(s) for s in net.trace(image.ravel(), [0.0])]
    assert any("[x[0,0] won]" in s for s in steps)


def test_ties_go_to_the_first_input_in_both_backends():
    net = ns.Network.convolutional((2, 2), [MaxPool(2), Dense(1)], seed=0)
    X = np.ones((3, 4))
    net.forward(X)
    gates = [
        net.connection(f"x[{r},{c}]", "maxpool1[0,0,0]").gate
        for r in (0, 1)
        for c in (0, 1)
    ]
    assert [g.tolist() for g in gates] == [[1, 1, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0]]
    cnet = net.compile()
    cnet.forward(X)
    assert cnet.blocks[0].winner.tolist() == [[0], [0], [0]]


def random_stack(seed: int) -> tuple[ns.Network, tuple]:
    rng = np.random.default_rng(seed)
    channels = int(rng.integers(1, 3))
    size = int(rng.integers(4, 7))
    layers = [
        Conv(int(rng.integers(1, 3)), int(rng.integers(1, 4)), int(rng.integers(1, 3)),
             str(rng.choice(["valid", "same"])), str(rng.choice(["tanh", "sigmoid", "identity"])))
    ]  # fmt: skip
    if layers[0].padding == "same":
        layers[0] = Conv(
            layers[0].filters, layers[0].kernel, 1, "same", layers[0].activation
        )
    if rng.random() < 0.7:
        layers.append(MaxPool(2) if rng.random() < 0.6 else AvgPool(2))
    layers.append(Dense(int(rng.integers(1, 4))))
    shape = (channels, size, size)
    try:
        return ns.Network.convolutional(shape, layers, seed=seed), shape
    except ns.ShapeError:  # a pool that no longer fits
        return ns.Network.convolutional(
            shape, [layers[0], layers[-1]], seed=seed
        ), shape


@given(seed=seeds, batch=st.integers(1, 4))
def test_random_conv_pool_stacks_gradients_equal_finite_differences(seed, batch):
    net, shape = random_stack(seed)
    rng = np.random.default_rng(seed + 1)
    X = rng.uniform(-1, 1, size=(batch, int(np.prod(shape))))
    T = rng.uniform(-1, 1, size=(batch, len(net.outputs)))
    net.forward(X)
    net.backward(T, loss="mse")
    loss = ns.losses.get_loss("mse")
    for parameter in net.parameters:
        original, values = parameter.value, []
        for step in (-2, -1, 1, 2):
            parameter.value = original + step * 1e-4
            values.append(loss.value(net.forward(X).reshape(batch, -1), T))
        parameter.value = original
        numerical = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / 12e-4
        scale = max(abs(parameter.grad), abs(numerical))
        if scale > 1e-6:
            assert abs(parameter.grad - numerical) / scale < 1e-5, (
                parameter,
                numerical,
            )


@given(seed=seeds, batch=st.integers(1, 5))
def test_random_conv_pool_stacks_agree_in_both_backends(seed, batch):
    net, shape = random_stack(seed)
    twin, _ = random_stack(seed)
    rng = np.random.default_rng(seed + 2)
    X = rng.uniform(-1, 1, size=(batch, int(np.prod(shape))))
    T = rng.uniform(-1, 1, size=(batch, len(net.outputs)))
    cnet = net.compile()
    np.testing.assert_allclose(cnet.forward(X), net.forward(X), rtol=1e-12, atol=1e-14)
    net.backward(T)
    cnet.backward(T)
    # Every pooling neuron sends its delta back through exactly one input per sample.
    for neuron, incoming in net.evaluation_order:
        if neuron.aggregation == "max":
            assert np.all(sum(np.asarray(c.gate) for c in incoming) == 1.0)
    grads = cnet.parameter_gradients()
    for parameter in net.parameters:
        assert grads[parameter] == pytest.approx(parameter.grad, rel=1e-10, abs=1e-13)
    # Several epochs of training: the same weights, and every kernel still one value.
    options = {
        "epochs": 3,
        "optimizer": "adam",
        "lr": 0.01,
        "batch_size": 2,
        "seed": seed,
    }
    twin.fit(X, T, **options)
    cnet.fit(X, T, **options)
    np.testing.assert_allclose(
        [p.value for p in net.parameters],
        [p.value for p in twin.parameters],
        rtol=1e-10,
        atol=1e-13,
    )
    for block in cnet.blocks:
        entries = block.weight[block.rows, block.cols].tolist()
        assert entries == [p.value for p in block.weight_parameters]


def test_convolutional_networks_save_load_trace_explain_and_gradcheck(tmp_path):
    net = ns.Network.convolutional((5, 5), [Conv(2, 2), MaxPool(2), Dense(2)], seed=3)
    x = np.random.default_rng(0).uniform(size=25)
    ns.save(net, tmp_path / "cnn.json")
    again = ns.load(tmp_path / "cnn.json")
    assert np.array_equal(again.forward(x), net.forward(x))
    assert again["maxpool1[1,1,1]"].aggregation == "max"
    assert again["conv1[1,2,3]"].position == (1, 2, 3)
    assert again.n_parameters == net.n_parameters
    assert "won]" in net.explain(x, [1.0, 0.0])
    graph = ns.io.to_networkx(net)
    assert graph.nodes["maxpool1[0,0,0]"]["aggregation"] == "max"
    assert np.array_equal(ns.io.from_networkx(graph).forward(x), net.forward(x))
    assert ns.gradcheck(net, x, [1.0, 0.0]).ok


def test_bad_layer_specs_are_clear_errors():
    with pytest.raises(ns.ParameterError, match="last layer must be Dense"):
        ns.Network.convolutional((4, 4), [Conv(1, 2)])
    with pytest.raises(ns.ShapeError, match="does not fit"):
        ns.Network.convolutional((2, 2), [Conv(1, 3), Dense(1)])
    with pytest.raises(
        ns.ParameterError, match="unknown padding .*Known paddings: .valid., .same."
    ):
        ns.Network.convolutional((4, 4), [Conv(1, 2, padding="full"), Dense(1)])


@pytest.mark.parametrize("structured", [True, False])
def test_a_convolution_compiles_in_memory_proportional_to_its_connections(structured):
    net = ns.Network.convolutional((20, 20), [Conv(8, 5), Dense(3)], seed=0)
    cnet = net.compile(structured=structured)
    conv_block = cnet.blocks[0]
    n = len(conv_block.connections)
    assert n == 8 * 16 * 16 * 25
    assert conv_block.kind == ("convolution" if structured else "sparse")
    X = np.random.default_rng(0).uniform(size=(4, 400))
    cnet.forward(X)
    cnet.backward(np.zeros((4, 3)))
    arrays = [v for v in vars(conv_block).values() if isinstance(v, np.ndarray)]
    dense_size = len(conv_block.sources) * len(conv_block.neurons)
    assert all(a.size < dense_size for a in arrays)  # nothing sources × neurons
    stored = sum(a.nbytes for a in arrays if a.base is None)
    if structured:
        # The kernels, the patches of this batch (4 × 25 values at 256
        # positions) and int32 indices: less than one float per connection.
        assert conv_block.weight.shape == (8, 25)
        assert stored <= 8 * n
    else:  # within 3× of one float per connection: weights, gradients, indices
        assert stored <= 3 * 8 * n
    np.testing.assert_allclose(cnet.forward(X), net.forward(X), rtol=1e-12)


@pytest.mark.parametrize("kernel", [1, 2, 3, 4, 5])
def test_same_padding_keeps_the_size_for_every_kernel_as_pytorch_pads(kernel):
    torch = pytest.importorskip("torch")
    net = ns.Network.convolutional(
        (2, 5, 6), [Conv(3, kernel, padding="same", activation="identity"), Dense(1)],
        seed=kernel,
    )  # fmt: skip
    x = np.random.default_rng(kernel).normal(size=(2, 5, 6))
    net.forward(x.ravel())
    weights = torch.tensor(kernels(net, "conv1"))
    with warnings.catch_warnings():
        # PyTorch warns that an even kernel needs a padded copy: expected here.
        warnings.simplefilter("ignore", UserWarning)
        expected = torch.nn.functional.conv2d(
            torch.tensor(x)[None], weights, padding="same"
        )[0].numpy()
    found = np.array([[[net[f"conv1[{f},{r},{c}]"].output for c in range(6)]
                       for r in range(5)] for f in range(3)])  # fmt: skip
    np.testing.assert_allclose(found, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "shape", [(-1, 5), (2.5, 3), (0, 0, 5), "ab", (True, 5, 5), (5,), None]
)
def test_a_bad_input_shape_is_a_clear_error(shape):
    with pytest.raises(ns.ShapeError, match="input_shape must be"):
        ns.Network.convolutional(shape, [Dense(1)])


@pytest.mark.parametrize(
    "build",
    [
        lambda: ns.Network.layered([2, 10**12]),
        lambda: ns.Network.convolutional((28, 28), [Conv(10**6, 3), Dense(1)]),
        lambda: ns.Network.convolutional((28, 28), [Dense(10**9)]),
        lambda: ns.HopfieldNetwork(10**6),
        lambda: ns.RBM(10**6, 10**6),
        lambda: ns.BoltzmannMachine(10**6),
    ],
    ids=["layered", "conv", "dense", "hopfield", "rbm", "boltzmann"],
)
def test_a_size_beyond_the_machines_memory_is_refused_before_allocating(build):
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(
            ns.TooLargeError, match="would need about .* of memory"
        ) as caught:
            build()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(caught.value, MemoryError)
    assert peak < 200 << 20


def test_too_many_boltzmann_chains_are_refused_and_nothing_changes():
    bm = ns.BoltzmannMachine(3, 1, seed=0)
    before = bm.weights.copy()
    with pytest.raises(ns.TooLargeError, match="chains"):
        bm.fit([[0, 1, 1]], chains=10**9)
    np.testing.assert_array_equal(bm.weights, before)
