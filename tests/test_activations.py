"""Activation functions: derivatives against finite differences, stability, lookup."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import neurosim as ns
from neurosim.activations import activation_names, get_activation

from .conftest import DIFFERENTIABLE, KINKED

finite = st.floats(-30, 30, allow_nan=False)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@given(z=finite)
def test_derivative_matches_central_difference(name, z):
    act = get_activation(name)
    h = 1e-6
    if name in KINKED and abs(z) < 2 * h:
        return  # no derivative at the kink
    numerical = (act.fn(z + h) - act.fn(z - h)) / (2 * h)
    assert act.derivative(z) == pytest.approx(numerical, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", [*DIFFERENTIABLE, "step"])
@given(zs=st.lists(st.floats(-800, 800, allow_nan=False), min_size=1, max_size=20))
def test_float_and_array_paths_agree(name, zs):
    # math and numpy may round exp/tanh differently in the last bit; 1 - tanh²
    # turns that one ulp of 1.0 into an absolute error of a few 1e-16.
    act = get_activation(name)
    array = np.array(zs)
    by_float = [act.fn(z) for z in zs]
    assert np.allclose(act.fn(array), by_float, rtol=4e-16, atol=0)
    derivatives = [act.derivative(z) for z in zs]
    assert np.allclose(act.derivative(array), derivatives, rtol=4e-16, atol=1e-15)
    assert all(type(v) is float for v in by_float)


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "tanh"])
def test_no_overflow_for_large_net_inputs(name):
    # filterwarnings=error in setup.cfg turns any numpy overflow warning into a failure
    act = get_activation(name)
    big = np.array([-1e4, -750.0, 750.0, 1e4])
    values = act.fn(big)
    assert np.all(np.isfinite(values))
    assert all(math.isfinite(act.fn(float(z))) for z in big)


def test_sigmoid_saturates_exactly():
    sigmoid = get_activation("sigmoid")
    assert sigmoid.fn(-1e4) == 0.0 and sigmoid.fn(1e4) == 1.0
    assert sigmoid.fn(0.0) == 0.5


def test_step_is_the_threshold_unit_with_zero_derivative():
    step = get_activation("step")
    assert [step.fn(z) for z in (-1.0, 0.0, 2.0)] == [0.0, 1.0, 1.0]
    assert step.derivative(0.3) == 0.0 and not step.differentiable


def test_relu_derivative_at_zero_is_zero():
    assert get_activation("relu").derivative(0.0) == 0.0


def test_aliases_resolve():
    assert get_activation("linear") is get_activation("identity")
    assert get_activation("Sigmoid") is get_activation("sigmoid")


def test_unknown_activation_lists_the_known_ones():
    with pytest.raises(ns.UnknownNameError) as info:
        get_activation("sigmod")
    message = str(info.value)
    assert "did you mean 'sigmoid'" in message
    for name in activation_names():
        assert repr(name) in message


def test_custom_activation_is_used_by_a_neuron():
    cube = ns.Activation("cube", fn=lambda z: z**3, derivative=lambda z: 3 * z**2)
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", activation=cube)
    net.connect("x", "y", weight=2.0)
    assert net.forward([1.5]).tolist() == [27.0]


def test_custom_activation_must_be_callable():
    with pytest.raises(ns.ParameterError, match="derivative must be callable"):
        ns.Activation("bad", fn=abs, derivative=3)
