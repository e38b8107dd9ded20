"""L1 and L2 regularisation: the penalty's gradient, in both backends, gradcheck and fit."""

import numpy as np
import pytest

import neurosim as ns
from neurosim.optimizers import penalty_gradient, penalty_value
from neurosim.teaching import gradcheck
from neurosim.teaching.format import number

from .conftest import deep_snapshot


def penalised_loss(net, X, T, l1, l2):
    """The loss plus l1·Σ|w| + l2·Σw²/2 over the trainable weights, written out here."""
    weights = np.array([c.weight for c in net.connections if c.parameter.trainable])
    return (
        net.evaluate(X, T, "mse")
        + l1 * np.abs(weights).sum()
        + 0.5 * l2 * (weights**2).sum()
    )


@pytest.mark.parametrize("l1, l2", [(0.0, 0.1), (0.05, 0.0), (0.02, 0.3)])
def test_the_weights_gradients_are_those_of_the_penalised_loss(l1, l2):
    net = ns.Network.layered([2, 3, 1], activation="tanh", seed=4)
    net.freeze(net.connection("x2", "h1_1"))
    X = np.array([[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]])
    T = np.array([[0.2], [-0.5], [0.9]])
    net.forward(X)
    net.backward(T)
    net.add_weight_penalty(l1, l2)
    h = 1e-6
    for connection in net.connections:
        if not connection.parameter.trainable:
            continue
        w = connection.weight
        connection.weight = w + h
        up = penalised_loss(net, X, T, l1, l2)
        connection.weight = w - h
        down = penalised_loss(net, X, T, l1, l2)
        connection.weight = w
        # The optimizer's gradient: the parameter's (connection.grad stays the data's).
        assert connection.parameter.grad == pytest.approx(
            (up - down) / (2 * h), rel=1e-6, abs=1e-9
        )
    # Biases are not penalised: their gradient is the data's alone.
    plain = ns.Network.layered([2, 3, 1], activation="tanh", seed=4)
    plain.forward(X)
    plain.backward(T)
    assert [n.bias_grad for n in net.neurons if not n.is_input] == [
        n.bias_grad for n in plain.neurons if not n.is_input
    ]


def test_gradcheck_checks_the_penalised_gradients():
    net = ns.Network.layered([2, 3, 2], activation="sigmoid", seed=0)
    report = gradcheck(
        net, [[0.5, -1.0], [0.2, 0.3]], [[1.0, 0.0], [0.0, 1.0]], l1=0.03, l2=0.1
    )
    assert report.ok and report.max_rel_error < 1e-8
    with pytest.raises(ns.ParameterError, match="l2"):
        gradcheck(net, [0.5, -1.0], [1.0, 0.0], l2=-1)


def test_one_sgd_step_by_hand():
    net = ns.Network.layered([1, 1], activation="identity", seed=0)
    net.connection("x1", "y1").weight = 2.0
    net["y1"].bias = 0.0
    # sse on x = 1, t = 0: ∂L/∂w = (2 − 0)·1 = 2; with l2 = 0.5 and l1 = 0.25:
    # w ← 2 − 0.1·(2 + 0.25·1 + 0.5·2) = 1.675; the bias gets no penalty: 0 − 0.1·2.
    net.fit(
        [[1.0]], [[0.0]], epochs=1, lr=0.1, loss="sse", l1=0.25, l2=0.5, shuffle=False
    )
    assert net.connection("x1", "y1").weight == pytest.approx(1.675, abs=1e-15)
    assert net["y1"].bias == pytest.approx(-0.2, abs=1e-15)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_both_backends_train_the_same_with_a_penalty(optimizer):
    X, Y = ns.datasets.playground("spiral", 80, noise=10, seed=3)
    nets = [ns.Network.layered([2, 5, 1], activation="tanh", seed=1) for _ in range(3)]
    options = {
        "epochs": 5,
        "optimizer": optimizer,
        "lr": 0.03,
        "batch_size": 10,
        "seed": 2,
    }
    histories = [
        nets[0].fit(X, Y, l1=0.001, l2=0.01, **options),
        nets[1].fit(X, Y, l1=0.001, l2=0.01, backend="vectorized", **options),
        nets[2].fit(X, Y, **options),
    ]
    assert histories[0].loss == pytest.approx(histories[1].loss, rel=1e-12)
    assert np.allclose(
        nets[0].parameter_vector(), nets[1].parameter_vector(), rtol=1e-12
    )
    assert not np.allclose(nets[0].parameter_vector(), nets[2].parameter_vector())


def test_a_shared_weight_is_penalised_once_in_both_backends():
    def build():
        net = ns.Network(seed=5)
        for name in ("x1", "x2"):
            net.add_input(name)
        for name in ("h1", "h2"):
            net.add_neuron(name, activation="tanh")
        net.add_output("y1", activation="tanh")
        first = net.connect("x1", "h1", weight=0.4)
        net.connect("x2", "h2", share=first)
        net.connect("x2", "h1", weight=-0.3)
        net.connect("h1", "y1", weight=0.8)
        net.connect("h2", "y1", weight=-0.6)
        return net

    X, Y = np.array([[0.5, -1.0], [1.0, 0.5]]), np.array([[0.3], [-0.2]])
    a, b = build(), build()
    a.fit(X, Y, epochs=3, lr=0.1, l2=0.5, batch_size=None, shuffle=False)
    b.fit(
        X,
        Y,
        epochs=3,
        lr=0.1,
        l2=0.5,
        batch_size=None,
        shuffle=False,
        backend="vectorized",
    )
    assert np.allclose(a.parameter_vector(), b.parameter_vector(), rtol=1e-12)
    # By hand, one step of the shared weight: w − lr·(g₁ + g₂ + l2·w), the penalty once.
    c = build()
    shared = c.connection("x1", "h1")
    w = shared.weight
    c.forward(X)
    c.backward(Y)
    g = shared.parameter.grad
    c.fit(X, Y, epochs=1, lr=0.1, l2=0.5, batch_size=None, shuffle=False)
    assert shared.weight == pytest.approx(w - 0.1 * (g + 0.5 * w), rel=1e-14)


def test_a_recurrent_network_takes_a_penalty_in_both_backends():
    X = np.random.default_rng(0).normal(size=(3, 5, 1))
    Y = np.tanh(np.cumsum(X, axis=1))
    nets = [ns.Network.elman(1, 3, 1, seed=2) for _ in range(2)]
    nets[0].fit(X, Y, epochs=3, lr=0.05, l2=0.1, l1=0.01, batch_size=None, seed=0)
    nets[1].fit(X, Y, epochs=3, lr=0.05, l2=0.1, l1=0.01, batch_size=None, seed=0,
                backend="vectorized")  # fmt: skip
    assert np.allclose(
        nets[0].parameter_vector(), nets[1].parameter_vector(), rtol=1e-12
    )


def test_bad_rates_are_refused_and_change_nothing():
    net = ns.Network.layered([2, 2, 1], seed=0)
    before = deep_snapshot(net)
    X, Y = ns.datasets.xor()
    for rates in ({"l1": -0.1}, {"l2": float("nan")}, {"l2": "big"}):
        with pytest.raises(ns.ParameterError):
            net.fit(X, Y, epochs=2, **rates)
    with pytest.raises(ns.ParameterError, match="gradient descent"):
        net.fit(X, Y, epochs=2, optimizer=ns.OnePlusOne(), l2=0.1)
    assert deep_snapshot(net) == before


def test_the_penalty_functions_on_floats_and_arrays_agree():
    w = np.array([-1.5, 0.0, 0.25])
    assert penalty_gradient(w, 0.1, 0.2).tolist() == [
        penalty_gradient(float(v), 0.1, 0.2) for v in w
    ]
    assert penalty_value(w, 0.1, 0.2) == pytest.approx(
        0.1 * 1.75 + 0.1 * (2.25 + 0.0625)
    )


@pytest.mark.parametrize("l1, l2", [(0.25, 0.0), (0.0, 0.5), (0.25, 0.5)])
def test_explain_shows_the_update_fit_makes_with_a_penalty(l1, l2):
    def build():
        net = ns.Network.layered([2, 2, 1], activation="tanh", seed=4)
        net.connection("x2", "h1_1").weight = 0.0  # sign(0) = 0
        return net

    x, target = [0.5, -1.0], [0.3]
    text = build().explain(x, target, loss="sse", lr=0.1, l1=l1, l2=l2)
    trained = build()
    trained.fit(
        [x], [target], epochs=1, lr=0.1, loss="sse", l1=l1, l2=l2, shuffle=False
    )
    for connection in trained.connections:
        label = f"w({connection.source.name}→{connection.target.name}): "
        line = next(l for l in text.splitlines() if l.strip().startswith(label))
        assert line.endswith(f"= {number(connection.weight)}"), line
        assert ("sign(" in line) == bool(l1) and (" + " in line) == bool(l1 or l2)
    for neuron in trained.neurons[2:]:
        line = next(
            l for l in text.splitlines() if l.strip().startswith(f"b({neuron.name})")
        )
        assert line.endswith(f"= {number(neuron.bias)}") and "+" not in line


def test_explain_refuses_a_negative_rate_and_changes_nothing():
    net = ns.Network.layered([2, 1], seed=0)
    before = net.parameter_values()
    with pytest.raises(ns.ParameterError, match="l2 is a regularisation rate"):
        net.explain([1.0, 0.0], [1.0], l2=-0.1)
    assert net.parameter_values() == before
