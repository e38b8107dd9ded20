"""LVQ1 against updates written by hand, neurolab's share rule, and bad input."""

import numpy as np
import pytest

import neurosim as ns
from neurosim.errors import DataError, ParameterError, ShapeError

X = np.array([[-3, 0], [-2, 1], [-2, -1], [0, 2], [0, 1], [0, -1], [0, -2],
              [2, 1], [2, -1], [3, 0]], dtype=float)  # fmt: skip
Y = np.array([0, 0, 0, 1, 1, 1, 1, 0, 0, 0])


def test_shares_give_prototypes_to_classes_as_neurolab():
    assert ns.LVQ(2, 4, [0.6, 0.4]).classes.tolist() == [0, 0, 1, 1]  # ⌊2.4⌋ = 2
    assert ns.LVQ(2, 5, [0.2, 0.8]).classes.tolist() == [0, 1, 1, 1, 1]
    with pytest.raises(ParameterError, match="more prototypes"):
        ns.LVQ(2, 2, [0.1, 0.9])
    with pytest.raises(ParameterError, match="summing to 1"):
        ns.LVQ(2, 4, [0.5, 0.6])


def test_one_epoch_of_lvq1_by_hand():
    lvq = ns.LVQ(1, 2, [0.5, 0.5], seed=0)
    x, y = np.array([[0.0], [1.0]]), np.array([0, 1])
    lvq.fit(x, y, epochs=1, lr=0.5, seed=0)  # starts on the samples themselves
    assert lvq.prototypes.ravel().tolist() == [0.0, 1.0]
    lvq.prototypes[:] = [[0.4], [0.6]]
    order = np.random.default_rng(1).permutation(2).tolist()
    expected = np.array([0.4, 0.6])
    for i in order:  # the nearest moves by η(x − w), towards its own class
        k = int(np.abs(x[i, 0] - expected).argmin())
        sign = 1.0 if k == y[i] else -1.0
        expected[k] += sign * 0.5 * (x[i, 0] - expected[k])
    lvq.fit(x, y, epochs=1, lr=0.5, seed=1)
    assert lvq.prototypes.ravel().tolist() == expected.tolist()


def test_a_wrong_class_pushes_the_prototype_away():
    lvq = ns.LVQ(1, 2, [0.5, 0.5], seed=0)
    lvq.fit([[0.0], [1.0]], [0, 1], epochs=1, lr=0.5, seed=0)
    lvq.prototypes[:] = [[0.9], [5.0]]  # class 0's prototype is nearest to a class-1 x
    lvq.fit([[1.0]], [1], epochs=1, lr=0.5, seed=0)
    assert lvq.prototypes.ravel().tolist() == [0.9 - 0.5 * (1.0 - 0.9), 5.0]


def test_neurolabs_example_is_classified_entirely():
    lvq = ns.LVQ(2, 4, [0.6, 0.4], seed=0)
    history = lvq.fit(X, Y, epochs=100, lr=0.05, seed=0)
    assert (lvq.predict(X) == Y).all() and history["errors"][-1] == 0


def test_bad_input_changes_nothing():
    lvq = ns.LVQ(2, 4, [0.6, 0.4], seed=0)
    lvq.fit(X, Y, epochs=2, seed=0)
    before = lvq.prototypes.copy()
    with pytest.raises(ShapeError):
        lvq.fit(X[:, :1], Y)
    with pytest.raises(DataError, match="missing"):
        ns.LVQ(2, 4, [0.6, 0.4]).fit(X, np.zeros(10, dtype=int))  # class 1 never seen
    with pytest.raises(DataError, match=r"classes 0 … 1"):
        lvq.fit(X, Y + 1)
    with pytest.raises(ShapeError, match="whole-number"):
        lvq.fit(X, Y.astype(float))
    with pytest.raises(ns.DataError, match="non-finite"):
        lvq.predict([[np.nan, 0.0]])

    def stop(epoch, history, model):
        raise RuntimeError

    with pytest.raises(RuntimeError):
        lvq.fit(X, Y, epochs=3, callbacks=[stop])
    assert np.array_equal(lvq.prototypes, before)


def test_one_competitive_update_by_hand():
    layer = ns.WinnerTakeAll(1, 2, conscience=1.0, frequency_rate=0.1, seed=0)
    layer.fit([[0.0], [1.0]], epochs=1, lr=0.5, seed=0)  # starts on samples
    layer.prototypes[:] = [[0.0], [1.0]]
    layer.frequencies[:] = [0.5, 0.5]
    layer.fit([[0.2]], epochs=1, lr=0.5, seed=0)
    # unit 0 is nearer (0.2 against 0.8) and no bias yet: it moves halfway
    assert layer.prototypes.ravel().tolist() == [0.1, 1.0]
    assert layer.frequencies.tolist() == pytest.approx([0.55, 0.45])


def test_the_conscience_brings_a_dead_unit_to_life():
    rng = np.random.default_rng(0)
    X = np.concatenate(
        [c + 0.3 * rng.standard_normal((30, 1)) for c in (0.0, 5.0, 10.0)]
    )
    results = {}
    for conscience in (0.0, 20.0):
        layer = ns.WinnerTakeAll(
            1, 3, conscience=conscience, frequency_rate=0.05, seed=0
        )
        layer.fit(X, epochs=1, lr=0.1, seed=0)
        layer.prototypes[:] = [[0.0], [0.1], [20.0]]  # the third starts far away
        layer.frequencies[:] = 1 / 3
        history = layer.fit(X, epochs=30, lr=0.1, seed=0)
        results[conscience] = history["dead"][-1], sorted(layer.prototypes.ravel())
    assert results[0.0][0] == 1  # plain winner-take-all: the far unit never wins
    assert results[20.0][0] == 0  # with a conscience every unit wins its cluster
    np.testing.assert_allclose(results[20.0][1], [0.0, 5.0, 10.0], atol=0.5)
