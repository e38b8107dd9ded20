"""One owner for every parameter: checked edits, shared and frozen parameters, both backends."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import neurosim as ns

from .conftest import DIFFERENTIABLE, LOSSES, random_dag, random_targets, snapshot

seeds = st.integers(0, 2**32 - 1)
OPTIMIZERS = {
    "sgd": lambda: ns.SGD(lr=0.1),
    "momentum": lambda: ns.Momentum(lr=0.05, momentum=0.9),
    "adam": lambda: ns.Adam(lr=0.01),
}


def data_for(net, loss, seed, batch):
    rng = np.random.default_rng(seed + 1)
    X = rng.uniform(-1, 1, size=(batch, len(net.inputs)))
    return X, random_targets(loss, rng, (batch, len(net.outputs)))


def numerical_parameter_gradients(net, X, T, loss, eps=1e-3):
    """Fourth-order central differences of the loss w.r.t. each *parameter*.

    A shared parameter is moved once, so every connection using it moves:
    the independent truth its summed gradient must equal.
    """
    loss_fn = ns.losses.get_loss(loss)
    grads = []
    for parameter in net.parameters:
        original, values = parameter.value, []
        for step in (-2, -1, 1, 2):
            parameter.value = original + step * eps
            values.append(loss_fn.value(np.atleast_2d(net.forward(X)), T))
        parameter.value = original
        grads.append(
            (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * eps)
        )
    return grads


def assert_close(expected, actual, rtol):
    expected, actual = np.asarray(expected, float), np.asarray(actual, float)
    floor = 1e-14 * np.max(np.abs(expected), initial=0.0)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=floor)


# ---------------------------------------------------------------- checked edits


BAD_VALUES = [
    "0.5",
    None,
    float("nan"),
    float("inf"),
    -float("inf"),
    True,
    np.array([1.0, 2.0]),
]


@pytest.mark.parametrize("value", BAD_VALUES, ids=repr)
@pytest.mark.parametrize("what", ["weight", "bias", "parameter"])
def test_every_bad_assignment_is_refused_and_changes_nothing(value, what):
    net = random_dag(3, max_hidden=3)
    before = snapshot(net)
    connection = net.connections[0]
    with pytest.raises(ns.ParameterError) as info:
        if what == "weight":
            connection.weight = value
        elif what == "bias":
            net.outputs[0].bias = value
        else:
            connection.parameter.value = value
    if what == "weight":
        assert (
            f"weight of {connection.source.name!r} -> {connection.target.name!r}"
            in str(info.value)
        )
    elif what == "bias":
        assert f"bias of neuron {net.outputs[0].name!r}" in str(info.value)
    assert snapshot(net) == before


def test_numpy_numbers_are_accepted_and_stored_as_floats():
    net = ns.Network.layered([1, 1], seed=0)
    net.connection("x1", "y1").weight = np.float32(0.5)
    net["y1"].bias = np.int64(2)
    assert type(net.connection("x1", "y1").weight) is float
    assert (net.connection("x1", "y1").weight, net["y1"].bias) == (0.5, 2.0)


def test_an_input_neuron_has_no_bias_to_set():
    net = ns.Network.layered([1, 1], seed=0)
    with pytest.raises(ns.ParameterError, match="input neuron, which has no bias"):
        net["x1"].bias = 0.5


# ---------------------------------------------------------------- sharing and freezing


def test_shared_connections_hold_one_value_and_sum_their_gradients():
    net = ns.Network(seed=0)
    for name in ("x1", "x2"):
        net.add_input(name)
    net.add_output("y", activation="identity", bias=0.0)
    first = net.connect("x1", "y", weight=0.5)
    second = net.connect("x2", "y", share=first)
    assert net.n_parameters == 2 and second.weight == 0.5
    net.forward([1.0, 3.0])
    net.backward([0.0], loss="sse")  # y = 0.5 + 1.5 = 2, delta = 2
    assert (first.grad, second.grad) == (2.0, 6.0)
    assert first.parameter.grad == 8.0  # the sum, by hand
    net.step(lr=0.125)
    assert first.weight == second.weight == 0.5 - 0.125 * 8.0


def test_share_errors_are_clear():
    net = ns.Network.layered([2, 1], seed=0)
    other = ns.Network.layered([2, 1], seed=0)
    net.add_output("z")
    with pytest.raises(ns.ParameterError, match="either weight= or share="):
        net.connect("x1", "z", weight=1.0, share=net.connections[0])
    with pytest.raises(ns.TopologyError, match="not a connection of this network"):
        net.connect("x1", "z", share=other.connections[0])
    with pytest.raises(ns.ParameterError, match="belongs to another network"):
        net.connect("x1", "z", weight=other.connections[0].parameter)
    assert len(net.connections) == 2


def test_mazurs_ten_thousand_updates_with_frozen_biases():
    for backend in ("object", "vectorized"):
        net, x, target = ns.datasets.mazur_example()
        biases = [n.bias for n in net.neurons if not n.is_input]
        net.freeze(biases=True)
        history = net.fit(
            [x],
            [target],
            epochs=10_000,
            lr=0.5,
            loss="sse",
            shuffle=False,
            backend=backend,
        )
        # Mazur: "after repeating this process 10,000 times ... 0.0000351085".
        assert f"{history.loss[-1]:.10f}" == "0.0000351085"
        assert [n.bias for n in net.neurons if not n.is_input] == biases
        net.forward(x)
        net.backward(target, loss="sse")
        assert all(n.bias_grad != 0.0 for n in net.neurons if not n.is_input)


def test_a_frozen_layer_keeps_its_weights_while_the_rest_learns():
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 4, 1], seed=0)
    net.freeze(*[n.name for n in net.hidden])
    hidden = [
        (c.weight, c.target.bias) for c in net.connections if c.target.role == "hidden"
    ]
    output = [c.weight for c in net.connections if c.target.role == "output"]
    net.fit(X, Y, epochs=20, lr=0.5, seed=0)
    assert [
        (c.weight, c.target.bias) for c in net.connections if c.target.role == "hidden"
    ] == hidden
    assert [c.weight for c in net.connections if c.target.role == "output"] != output


# ---------------------------------------------------------------- properties on random DAGs


@given(seed=seeds, loss=st.sampled_from(LOSSES), batch=st.integers(1, 4))
def test_shared_and_frozen_gradients_equal_finite_differences(seed, loss, batch):
    net = random_dag(seed, loss=loss, max_hidden=5, share=True, freeze=True)
    X, T = data_for(net, loss, seed, batch)
    net.forward(X)
    net.backward(T, loss=loss)
    analytic = [p.grad for p in net.parameters]
    numerical = numerical_parameter_gradients(net, X, T, loss)
    for parameter, a, n in zip(net.parameters, analytic, numerical):
        kinked = any(
            getattr(user, "activation", None) is not None
            and user.activation.name in ("relu", "leaky_relu")
            for user in parameter.users
        )
        scale = max(abs(a), abs(n))
        if scale >= 1e-5 and not kinked:
            assert abs(a - n) / scale < 1e-6, (
                f"{parameter}: analytic {a}, numerical {n}"
            )


@given(
    seed=seeds,
    activation=st.sampled_from(DIFFERENTIABLE),
    loss=st.sampled_from(LOSSES),
    batch=st.integers(1, 5),
)
def test_backends_agree_on_outputs_and_gradients_with_sharing_and_freezing(
    seed, activation, loss, batch
):
    net = random_dag(
        seed, activation=activation, loss=loss, max_hidden=8, share=True, freeze=True
    )
    X, T = data_for(net, loss, seed, batch)
    cnet = net.compile()
    assert_close(net.forward(X), cnet.forward(X), rtol=1e-12)
    object_loss = net.backward(T, loss=loss)
    assert cnet.backward(T, loss=loss) == pytest.approx(object_loss, rel=1e-12)
    compiled = cnet.parameter_gradients()
    assert_close(
        [p.grad for p in net.parameters], [compiled[p] for p in net.parameters], 1e-10
    )


@given(
    seed=seeds,
    loss=st.sampled_from(LOSSES),
    optimizer=st.sampled_from(sorted(OPTIMIZERS)),
    batch_size=st.sampled_from([1, 3, None]),
)
def test_training_agrees_frozen_stay_bit_identical_shared_stay_one(
    seed, loss, optimizer, batch_size
):
    nets = [
        random_dag(seed, loss=loss, max_hidden=6, share=True, freeze=True)
        for _ in range(2)
    ]
    frozen = [(k, p.value) for k, p in enumerate(nets[0].parameters) if not p.trainable]
    assume(any(p.trainable for p in nets[0].parameters))
    X, T = data_for(nets[0], loss, seed, batch=8)
    compiled = nets[1].compile()
    for net, model in zip(nets, [nets[0], compiled]):
        model.fit(
            X, T, epochs=4, loss=loss, optimizer=OPTIMIZERS[optimizer](),
            batch_size=batch_size, seed=seed,
        )  # fmt: skip
    # Shared entries of the compiled arrays hold one value at every moment.
    for block in compiled.blocks:
        entries = block.weight[block.rows, block.cols].tolist()
        for parameter, value in zip(block.weight_parameters, entries):
            assert value == float(compiled.blocks[0].weight.dtype.type(parameter.value))
    values = [[p.value for p in net.parameters] for net in nets]
    assert_close(values[0], values[1], rtol=1e-10)
    for net in nets:
        assert [(k, net.parameters[k].value) for k, _ in frozen] == frozen
        for connection in net.connections:
            assert connection.weight == connection.parameter.value
