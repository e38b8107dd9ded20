"""Update rules: hand-computed steps; a float and an array give the same bits."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import neurosim as ns
from neurosim.optimizers import get_optimizer


def run(optimizer, value, grads):
    for grad in grads:
        optimizer.start_step()
        value = optimizer.update("p", value, grad)
    return value


def test_sgd_step():
    assert run(ns.SGD(lr=0.5), 1.0, [2.0]) == 0.0


def test_momentum_accumulates_previous_change():
    # Δ1 = -0.1·1 = -0.1; Δ2 = 0.9·(-0.1) - 0.1·1 = -0.19
    assert run(ns.Momentum(lr=0.1, momentum=0.9), 0.0, [1.0, 1.0]) == pytest.approx(
        -0.29
    )


def test_adam_matches_the_published_algorithm():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    grads = [0.5, -0.2, 0.1]
    value, m, v = 1.0, 0.0, 0.0
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        value -= lr * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
    assert run(ns.Adam(lr=lr), 1.0, grads) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    "make", [lambda: ns.SGD(0.3), lambda: ns.Momentum(0.3, 0.8), lambda: ns.Adam(0.3)]
)
@given(
    grads=st.lists(st.floats(-10, 10), min_size=1, max_size=6), start=st.floats(-5, 5)
)
def test_float_and_array_updates_are_bit_identical(make, grads, start):
    by_float = run(make(), start, grads)
    by_array = run(make(), np.array([start, start]), [np.array([g, g]) for g in grads])
    assert by_array[0] == by_float and by_array[1] == by_float


def test_state_is_kept_per_parameter():
    opt = ns.Momentum(lr=1.0, momentum=0.5)
    opt.start_step()
    assert opt.update("a", 0.0, 1.0) == -1.0
    assert opt.update("b", 0.0, 2.0) == -2.0
    opt.start_step()
    assert opt.update("a", -1.0, 0.0) == -1.5


@pytest.mark.parametrize("lr", [0, -0.1, float("nan"), "fast"])
def test_learning_rate_must_be_positive(lr):
    with pytest.raises(ns.ParameterError, match="learning rate"):
        ns.SGD(lr)


def test_momentum_range_is_checked():
    with pytest.raises(ns.ParameterError, match=r"momentum must be in \[0, 1\)"):
        ns.Momentum(0.1, momentum=1.0)


def test_get_optimizer_rejects_lr_with_an_optimizer_object():
    with pytest.raises(ns.ParameterError, match="pass only one of them"):
        get_optimizer(ns.Adam(0.01), 0.5)


def test_get_optimizer_by_name():
    assert isinstance(get_optimizer("momentum", 0.2), ns.Momentum)
    with pytest.raises(ns.UnknownNameError, match="did you mean 'adam'"):
        get_optimizer("adan", None)


def test_correction_adds_the_raw_previous_gradient():
    # The BPNN tutorial: w += N*change + M*previous_change, change = -dL/dw.
    grads = [0.3, -1.2, 0.7, 0.05]
    opt, w, expected, previous = ns.Correction(lr=0.05, correction=0.1), 0.4, 0.4, 0.0
    for g in grads:
        opt.start_step()
        w = opt.update("w", w, g)
        expected = expected + 0.05 * -g + 0.1 * previous
        previous = -g
        assert w == pytest.approx(expected, rel=1e-15)


def test_correction_keeps_its_own_copy_of_an_array_gradient():
    opt = ns.Correction(lr=0.5, correction=0.5)
    grad = np.array([1.0, 2.0])
    value = opt.update("w", np.zeros(2), grad)
    grad[:] = 100.0  # the vectorised backend reuses its gradient buffers
    value = opt.update("w", value, np.zeros(2))
    assert value.tolist() == [-0.5 - 0.5, -1.0 - 1.0]


def test_correction_factor_is_checked():
    with pytest.raises(ns.ParameterError, match="correction must be >= 0"):
        ns.Correction(0.1, correction=-0.1)


def test_snapshot_and_restore_give_back_the_state():
    opt = ns.Adam(0.1)
    opt.start_step()
    w = opt.update("w", np.ones(2), np.array([0.5, -0.5]))
    saved = opt.snapshot()
    opt.start_step()
    opt.update("w", w, np.array([np.nan, 1.0]))
    opt.restore(saved)
    assert opt.iterations == 1
    m, v = opt.state["w"]
    assert np.isfinite(m).all() and np.isfinite(v).all()
