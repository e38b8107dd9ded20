"""Initialisers: the documented distributions, seeded, leaving global state alone."""

import numpy as np
import pytest

import neurosim as ns
from neurosim.initializers import get_initializer, initializer_names

N = 200_000


def draw(name, fan_in=50, fan_out=30, seed=0):
    rng = np.random.default_rng(seed)
    return get_initializer(name)(rng, np.full(N, fan_in), np.full(N, fan_out))


@pytest.mark.parametrize(
    "name, std",
    [
        ("uniform", 1 / np.sqrt(3)),
        ("normal", 1.0),
        ("xavier", np.sqrt(2 / 80)),
        ("xavier_normal", np.sqrt(2 / 80)),
        ("he", np.sqrt(2 / 50)),
        ("he_uniform", np.sqrt(2 / 50)),
    ],
)
def test_standard_deviation_is_as_documented(name, std):
    weights = draw(name)
    assert abs(weights.mean()) < 5 * std / np.sqrt(N)
    assert weights.std() == pytest.approx(std, rel=0.01)


def test_uniform_limits():
    assert np.abs(draw("xavier")).max() <= np.sqrt(6 / 80)
    assert np.abs(draw("he_uniform")).max() <= np.sqrt(6 / 50)


def test_same_seed_same_weights_and_global_state_untouched():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    for name in initializer_names():
        assert np.array_equal(draw(name, seed=7), draw(name, seed=7))
    assert np.array_equal(np.random.get_state()[1], before)


def test_layered_network_defaults_to_he_for_relu():
    assert ns.Network.layered([3, 2, 1], activation="relu").init == "he"
    assert ns.Network.layered([3, 2, 1], activation="tanh").init == "xavier"


def test_unknown_initializer():
    with pytest.raises(ns.UnknownNameError, match="did you mean 'xavier'"):
        ns.Network(init="xavir")
