"""Convolutions compiled as matrix products over patches equal the general blocks.

The general blocks (one entry per connection, gathers and segment sums) are
themselves tested against the object backend, PyTorch and scipy elsewhere;
here the structured path must give the same outputs, gradients and training
to 1e-12 on random convolution and pooling stacks, and the object backend's
numbers too.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim.layers import AvgPool, Conv, Dense, MaxPool


@st.composite
def stacks(draw):
    """A random conv/pool stack: strides 1–3, padding valid/same, channels 1–3."""
    channels = draw(st.integers(1, 3))
    size = draw(st.integers(5, 9))
    layers = []
    for _ in range(draw(st.integers(1, 2))):
        padding = draw(st.sampled_from(["valid", "same"]))
        stride = 1 if padding == "same" else draw(st.integers(1, 3))
        kernel = draw(st.integers(1, 3))
        activation = draw(st.sampled_from(["tanh", "sigmoid", "identity", "relu"]))
        layers.append(
            Conv(draw(st.integers(1, 3)), kernel, stride, padding, activation)
        )
        if draw(st.booleans()):
            layers.append(
                draw(st.sampled_from([MaxPool(2), AvgPool(2), MaxPool(2, 1)]))
            )
    layers.append(Dense(draw(st.integers(1, 3)), "identity"))
    seed = draw(st.integers(0, 2**16))
    try:
        net = ns.Network.convolutional((channels, size, size), layers, seed=seed)
    except ns.ShapeError:  # the image shrank below a kernel: the first layer alone
        net = ns.Network.convolutional(
            (channels, size, size), [layers[0], layers[-1]], seed=seed
        )
    return net, seed


def assert_same(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(stack=stacks(), batch=st.integers(1, 4))
def test_random_stacks_structured_equal_general_blocks(stack, batch):
    net, seed = stack
    structured = net.compile()
    general = net.compile(structured=False)
    # The first convolution is recognised whenever it has two positions or more
    # (a single position is a dense neuron per filter).
    positions = sum(n.name.startswith("conv1[0,") for n in net.neurons)
    assert (structured.blocks[0].kind == "convolution") is (positions >= 2)
    assert all(b.kind != "convolution" for b in general.blocks)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(batch, len(net.inputs)))
    T = rng.uniform(-1, 1, size=(batch, len(net.outputs)))
    assert_same(structured.forward(X), general.forward(X))
    assert_same(structured.backward(T), general.backward(T))
    grads = structured.parameter_gradients()
    for parameter, grad in general.parameter_gradients().items():
        assert abs(grads[parameter] - grad) <= 1e-12 * max(1.0, abs(grad))
    # The object backend's gradients, parameter by parameter.
    net.forward(X)
    net.backward(T)
    for parameter in net.parameters:
        assert abs(grads[parameter] - parameter.grad) <= 1e-12 * max(
            1.0, abs(parameter.grad)
        )
    # Three epochs of Adam from the same weights: the same weights after.
    trained = []
    for cnet in (structured, general):
        values = cnet.parameter_values()
        cnet.fit(X, T, epochs=3, optimizer=ns.Adam(0.01), batch_size=2, seed=0)
        trained.append(cnet.trainable_values())
        cnet.restore_parameter_values(values)
    assert_same(*trained)


def test_each_connection_gets_its_own_share_of_the_kernel_gradient():
    net = ns.Network.convolutional(
        (2, 6, 6), [Conv(2, 3, padding="same", activation="tanh"), Dense(2)], seed=3
    )
    X = np.random.default_rng(0).uniform(-1, 1, size=(3, 72))
    T = np.random.default_rng(1).uniform(-1, 1, size=(3, 2))
    net.forward(X)
    net.backward(T)
    expected = {(c.source.name, c.target.name): c.grad for c in net.connections}
    cnet = net.compile()
    assert cnet.blocks[0].kind == "convolution"
    cnet.forward(X)
    cnet.backward(T)
    for c in net.connections:
        c.grad = None
    cnet.write_back(gradients=True)
    for c in net.connections:
        want = expected[(c.source.name, c.target.name)]
        assert abs(c.grad - want) <= 1e-12 * max(1.0, abs(want))


def hand_built_1d(share: bool, neurons_per_filter: int = 4) -> ns.Network:
    """Two filters of a 3-tap kernel over 6 inputs, built connection by connection."""
    net = ns.Network(seed=0)
    for i in range(neurons_per_filter + 2):
        net.add_input(f"x{i}")
    for f in range(2):
        first = None
        for p in range(neurons_per_filter):
            net.add_neuron(f"c{f}_{p}", "tanh")
            for k in range(3):
                if share and first is not None:
                    net.connect(f"x{p + k}", f"c{f}_{p}", share=first[k])
                else:
                    net.connect(
                        f"x{p + k}", f"c{f}_{p}", weight=0.1 * (f + 1) * (k - 1)
                    )
            if first is None:
                first = [net.connection(f"x{k}", f"c{f}_0") for k in range(3)]
    net.add_output("y", "identity")
    for f in range(2):
        for p in range(neurons_per_filter):
            net.connect(f"c{f}_{p}", "y", weight=0.05 * (p - f))
    return net


def test_a_convolution_built_by_hand_is_recognised():
    net = hand_built_1d(share=True)
    cnet = net.compile()
    block = cnet.blocks[0]
    assert block.kind == "convolution"
    assert block.weight.shape == (2, 3)
    assert block.weight.tolist() == [[-0.1, 0.0, 0.1], [-0.2, 0.0, 0.2]]
    X = np.random.default_rng(0).uniform(-1, 1, size=(5, 6))
    np.testing.assert_allclose(cnet.forward(X), net.forward(X), rtol=1e-12)


def test_unshared_weights_are_not_a_convolution():
    # Locally connected: the same pattern, one weight per connection.
    assert hand_built_1d(share=False).compile().blocks[0].kind != "convolution"


def test_a_neuron_reading_one_kernel_entry_twice_stays_general():
    net = ns.Network(seed=0)
    for i in range(3):
        net.add_input(f"x{i}")
    for p in range(2):
        net.add_neuron(f"h{p}", "tanh")
    first = net.connect("x0", "h0", weight=0.5)
    net.connect("x1", "h0", share=first)  # one parameter, twice in one neuron
    net.connect("x1", "h1", share=first)
    net.connect("x2", "h1", share=first)
    net.add_output("y", "identity")
    net.connect("h0", "y", weight=1.0)
    net.connect("h1", "y", weight=-1.0)
    cnet = net.compile()
    assert cnet.blocks[0].kind != "convolution"
    X = np.random.default_rng(0).uniform(-1, 1, size=(4, 3))
    np.testing.assert_allclose(cnet.forward(X), net.forward(X), rtol=1e-12)


@pytest.mark.parametrize("frozen", [True, False])
def test_a_frozen_kernel_entry_keeps_its_value_through_training(frozen):
    net = ns.Network.convolutional((5, 5), [Conv(2, 2), Dense(1, "identity")], seed=0)
    entry = net.connection("x[0,0]", "conv1[0,0,0]").parameter
    entry.trainable = not frozen
    before = entry.value
    X = np.random.default_rng(0).uniform(size=(8, 25))
    Y = np.random.default_rng(1).uniform(size=(8, 1))
    net.compile().fit(X, Y, epochs=2, optimizer=ns.Adam(0.1), seed=0)
    assert (entry.value == before) is frozen
