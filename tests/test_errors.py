"""The error hierarchy: built-in bases, and messages in plain English."""

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
