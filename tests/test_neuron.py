"""Neuron and Connection, checked against hand-computed and published numbers."""

import math

import numpy as np
import pytest

import neurosim as ns
from neurosim.neuron import Connection, Neuron


def test_activate_computes_weighted_sum_plus_bias_then_activation():
    x1, x2 = Neuron("x1", role="input"), Neuron("x2", role="input")
    h = Neuron("h", activation="sigmoid", bias=0.1)
    x1.output, x2.output = 1.0, 0.0
    links = [Connection(x1, h, 0.5), Connection(x2, h, -0.4)]
    out = h.activate(links)
    assert h.net == pytest.approx(0.6, abs=1e-15)
    assert out == h.output == pytest.approx(1 / (1 + math.exp(-0.6)), abs=1e-15)
    assert type(out) is float


def test_backpropagate_sums_downstream_deltas_times_weights():
    h = Neuron("h", activation="tanh", bias=0.0)
    h.net = 0.3
    a, b = Neuron("a", activation="identity"), Neuron("b", activation="identity")
    a.delta, b.delta = 2.0, -1.0
    h.backpropagate([Connection(h, a, 0.5), Connection(h, b, 1.5)])
    expected = (0.5 * 2.0 + 1.5 * -1.0) * (1 - math.tanh(0.3) ** 2)
    assert h.delta == pytest.approx(expected, rel=1e-15)


def test_set_gradients_sums_over_a_batch():
    x = Neuron("x", role="input")
    y = Neuron("y", activation="identity")
    link = Connection(x, y, 1.0)
    x.output = np.array([1.0, 2.0, 3.0])
    y.delta = np.array([0.5, -1.0, 2.0])
    y.set_gradients([link])
    assert link.grad == 0.5 - 2.0 + 6.0
    assert y.bias_grad == 1.5


def test_input_neuron_has_no_bias_or_activation():
    x = Neuron("x", role="input")
    assert x.bias is None and x.activation is None and x.is_input


def test_unknown_role_is_rejected():
    with pytest.raises(ns.ParameterError, match="unknown role .sideways.. Known roles"):
        Neuron("n", role="sideways")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "0.5", None, True])
def test_bias_and_weight_must_be_finite_numbers(bad):
    with pytest.raises(ns.ParameterError, match="bias of neuron 'n'"):
        Neuron("n", bias=bad)
    with pytest.raises(ns.ParameterError, match="weight of 'a' -> 'b'"):
        Connection(Neuron("a", role="input"), Neuron("b"), bad)


def test_mazur_step_by_step_example_forward_and_loss(mazur_net):
    # "A Step by Step Backpropagation Example" (Matt Mazur, 2015), published values.
    outputs = mazur_net.forward([0.05, 0.10])
    assert mazur_net["h1"].net == pytest.approx(0.3775, abs=1e-12)
    assert mazur_net["h1"].output == pytest.approx(0.593269992, abs=1e-9)
    assert mazur_net["h2"].output == pytest.approx(0.596884378, abs=1e-9)
    assert mazur_net["o1"].net == pytest.approx(1.105905967, abs=1e-9)
    assert outputs == pytest.approx([0.75136507, 0.772928465], abs=1e-8)
    assert mazur_net.backward([0.01, 0.99], loss="sse") == pytest.approx(
        0.298371109, abs=1e-9
    )


def test_mazur_step_by_step_example_gradients_and_update(mazur_net):
    mazur_net.forward([0.05, 0.10])
    mazur_net.backward([0.01, 0.99], loss="sse")
    assert mazur_net.connection("h1", "o1").grad == pytest.approx(0.082167041, abs=1e-9)
    assert mazur_net.connection("i1", "h1").grad == pytest.approx(0.000438568, abs=1e-9)
    mazur_net.step(lr=0.5)
    published = {
        ("h1", "o1"): 0.35891648, ("h2", "o1"): 0.408666186,
        ("h1", "o2"): 0.511301270, ("h2", "o2"): 0.561370121,
        ("i1", "h1"): 0.149780716, ("i2", "h1"): 0.19956143,
        ("i1", "h2"): 0.24975114, ("i2", "h2"): 0.29950229,
    }  # fmt: skip
    for (source, target), weight in published.items():
        assert mazur_net.connection(source, target).weight == pytest.approx(
            weight, abs=1e-8
        )


def test_reprs_are_readable():
    x, y = Neuron("x", role="input"), Neuron("y", activation="relu", bias=0.25)
    assert repr(x) == "Neuron('x', role='input')"
    assert repr(y) == "Neuron('y', role='hidden', activation='relu', bias=0.25)"
    assert repr(Connection(x, y, -1.5)) == "Connection('x' -> 'y', weight=-1.5)"


def test_neurons_reject_unknown_attributes():
    with pytest.raises(AttributeError):
        Neuron("n").bais = 1.0  # a typo must not pass silently
