"""Losses: hand-computed values, finite-difference gradients, numerical stability."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import neurosim as ns
from neurosim.losses import get_loss, softmax

from .conftest import LOSSES, random_targets


def test_mse_is_mean_over_outputs_and_samples():
    y = np.array([[1.0, 2.0], [0.0, 0.0]])
    t = np.array([[0.0, 0.0], [0.0, 1.0]])
    assert get_loss("mse").value(y, t) == (1 + 4 + 0 + 1) / 4


def test_sse_is_half_the_sum_over_outputs_averaged_over_samples():
    y = np.array([[1.0, 2.0], [0.0, 0.0]])
    t = np.array([[0.0, 0.0], [0.0, 1.0]])
    assert get_loss("sse").value(y, t) == (0.5 * (1 + 4) + 0.5 * 1) / 2


def test_bce_matches_its_formula():
    y, t = np.array([[0.8, 0.3]]), np.array([[1.0, 0.0]])
    expected = -(math.log(0.8) + math.log(0.7)) / 2
    assert get_loss("bce").value(y, t) == pytest.approx(expected, rel=1e-15)


def test_bce_is_finite_at_saturated_outputs():
    y, t = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
    assert get_loss("bce").value(y, t) == 100.0  # log clamped at -100, as in PyTorch
    assert np.all(np.isfinite(get_loss("bce").gradient(y, t)))


def test_cross_entropy_with_one_hot_target_is_minus_log_softmax():
    logits = np.array([[1.0, 2.0, 3.0]])
    expected = -math.log(math.exp(2.0) / sum(math.exp(v) for v in (1.0, 2.0, 3.0)))
    value = get_loss("cross_entropy").value(logits, np.array([[0.0, 1.0, 0.0]]))
    assert value == pytest.approx(expected, rel=1e-14)


def test_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, -1000.0, 0.0]])
    loss = get_loss("cross_entropy")
    assert loss.value(logits, np.array([[1.0, 0.0, 0.0]])) == 0.0
    assert loss.value(logits, np.array([[0.0, 1.0, 0.0]])) == pytest.approx(2000.0)
    assert np.all(np.isfinite(loss.gradient(logits, np.array([[0.0, 1.0, 0.0]]))))


def test_softmax_rows_sum_to_one():
    p = softmax(np.array([[1.0, 2.0], [700.0, 700.0]]))
    assert np.allclose(p.sum(axis=1), 1.0) and np.allclose(p[1], 0.5)


@pytest.mark.parametrize("name", LOSSES)
@given(seed=st.integers(0, 2**32 - 1), batch=st.integers(1, 4), width=st.integers(1, 4))
def test_gradient_matches_central_difference(name, seed, batch, width):
    rng = np.random.default_rng(seed)
    loss = get_loss(name)
    targets = random_targets(name, rng, (batch, width))
    low = 0.05 if name == "bce" else -2.0
    outputs = rng.uniform(low, 1 - low if name == "bce" else 2.0, size=(batch, width))
    analytic = loss.gradient(outputs, targets)
    h = 1e-6
    for index in np.ndindex(outputs.shape):
        up, down = outputs.copy(), outputs.copy()
        up[index] += h
        down[index] -= h
        numerical = (loss.value(up, targets) - loss.value(down, targets)) / (2 * h)
        assert analytic[index] == pytest.approx(numerical, rel=1e-5, abs=1e-9)


def test_unknown_loss_lists_known_ones():
    with pytest.raises(
        ns.UnknownNameError, match="did you mean 'mse'.*'cross_entropy'"
    ):
        get_loss("msee")


def test_loss_aliases():
    assert get_loss("binary_cross_entropy") is get_loss("bce")


@pytest.mark.parametrize("name", LOSSES)
def test_value_and_gradient_equal_the_separate_calls_exactly(name):
    """Training uses the fused form; the teaching tools the separate ones."""
    rng = np.random.default_rng(7)
    outputs = rng.uniform(0.05, 0.95, size=(5, 3)) * (
        20.0 if name == "cross_entropy" else 1
    )
    targets = random_targets(name, rng, (5, 3))
    loss = get_loss(name)
    value, gradient = loss.value_and_gradient(outputs, targets)
    assert value == loss.value(outputs, targets)
    assert np.array_equal(gradient, loss.gradient(outputs, targets))


@pytest.mark.parametrize(
    "activation", ["identity", "tanh", "relu", "leaky_relu", "softplus"]
)
def test_bce_on_outputs_that_can_leave_0_1_says_so_before_training(activation):
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 2, 1], output_activation=activation, seed=0)
    before = [c.weight for c in net.connections]
    with pytest.raises(ns.ParameterError, match=r"bce loss needs outputs in \[0, 1\]"):
        net.fit(X, Y, loss="bce", lr=1e-9)
    assert [c.weight for c in net.connections] == before


def test_bce_on_a_users_activation_that_leaves_0_1_blames_the_outputs_not_the_targets():
    cube = ns.Activation("cube", lambda z: z**3, lambda z: 3 * z**2)
    net = ns.Network.layered([1, 1], output_activation=cube, seed=0)
    net.connection("x1", "y1").weight = -1.0
    net.forward([2.0])  # output -8
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning gets through
        with pytest.raises(ns.DataError, match="the targets are not the problem"):
            net.backward([1.0], loss="bce")
