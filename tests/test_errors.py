"""The error hierarchy: built-in bases, and messages in plain English."""

import numpy as np
import pytest

import neurosim as ns
from neurosim.errors import unknown_name


@pytest.mark.parametrize(
    ("kind", "plural"),
    [("loss", "losses"), ("neuron", "neurons"), ("activation", "activations")],
)
def test_unknown_name_messages_spell_the_plural(kind, plural):
    assert f"Known {plural}: 'a', 'b'." in str(unknown_name(kind, "c", ["a", "b"]))
    assert f"There are no {plural} yet." in str(unknown_name(kind, "c", []))


def test_an_unknown_loss_reads_right():
    net = ns.Network.layered([1, 1], seed=0)
    net.forward([0.0])
    with pytest.raises(ns.UnknownNameError, match="Known losses: ") as info:
        net.backward([0.0], loss="mae")
    assert "losss" not in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: ns.Network.layered([2, 1], seed=0).forward([10**400, 1.0]),
        lambda: ns.Network.layered([2, 1], seed=0).fit([[1.0, 2.0]], [[10**400]]),
        lambda: ns.HopfieldNetwork(3, thresholds=[10**400, 0, 0]),
        lambda: ns.HopfieldNetwork(3).recall([1, 1, 1], temperature=10**400),
        lambda: ns.NaturalES(sigma=10**400),
        lambda: ns.OnePlusOne(sigma=10**400),
        lambda: ns.Adam(lr=10**400),
        lambda: ns.Momentum(0.1, momentum=10**400),
    ],
)
def test_a_number_too_large_for_a_float_anywhere_is_a_neurosim_error(call):
    with pytest.raises(ns.NeurosimError, match="too large|finite"):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: ns.Network.layered([2, 1], activation="sigmod"),
        lambda: ns.Network.layered([2, 1], seed=0).fit([[0, 1]], [[1]], loss="mes"),
        lambda: ns.Network(init="xavir"),
        lambda: ns.Network.layered([2, 1], seed=0).fit(
            [[0, 1]], [[1]], optimizer="adma"
        ),
        lambda: ns.HopfieldNetwork(4).store([[1, -1, 1, -1]], rule="hebian"),
        lambda: ns.layers.conv(
            ns.Network(),
            [np.empty((3, 3), object)],
            ns.layers.Conv(1, 2, padding="sam"),
            "c",
        ),
    ],
)
def test_every_unknown_choice_says_did_you_mean_in_one_wording(call):
    with pytest.raises(
        ns.UnknownChoiceError, match=r"unknown .*\(did you mean '.*'\?\)\. Known"
    ) as caught:
        call()
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ValueError)
