"""Hopfield networks: learning rules against their formulas, the energy never
rising, fixed points, the two recall paths agreeing, and attractor capacity."""

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chisquare

import neurosim as ns
from neurosim.memory import TIE_TOLERANCE, corrupt, overlap

rules = st.sampled_from(ns.memory.RULES)


def random_network(seed: int, n: int, n_patterns: int, rule: str, thresholds: bool):
    rng = np.random.default_rng(seed)
    patterns = rng.choice([-1, 1], size=(n_patterns, n))
    hop = ns.HopfieldNetwork(n)
    hop.store(patterns, rule=rule)
    if thresholds:
        hop.thresholds = rng.normal(0.0, 0.3, size=n)
    return hop, patterns, rng


# ---------------------------------------------------------------- learning rules


def test_hebbian_weights_follow_the_outer_product_formula():
    patterns = np.array([[1, -1, 1, 1, -1], [-1, -1, 1, -1, 1], [1, 1, 1, -1, -1]])
    hop = ns.HopfieldNetwork(5)
    hop.store(patterns)
    n = 5
    for i in range(n):
        for j in range(n):
            expected = 0.0 if i == j else sum(p[i] * p[j] for p in patterns) / n
            assert hop.weights[i, j] == pytest.approx(expected, abs=1e-15)


def test_storkey_weights_follow_storkeys_formula_written_with_loops():
    rng = np.random.default_rng(3)
    patterns = rng.choice([-1, 1], size=(4, 7))
    hop = ns.HopfieldNetwork(7)
    hop.store(patterns, rule="storkey")
    n, w = 7, np.zeros((7, 7))
    for xi in patterns:
        # h_ij = sum over k != i, j of w_ik xi_k, from the weights before this pattern
        h = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                h[i, j] = sum(w[i, k] * xi[k] for k in range(n) if k not in (i, j))
        new = np.zeros((n, n))
        for i in range(n):
            for j in range(n):
                if i != j:
                    new[i, j] = (
                        w[i, j]
                        + (xi[i] * xi[j] - xi[i] * h[j, i] - h[i, j] * xi[j]) / n
                    )
        w = new
    np.testing.assert_allclose(hop.weights, w, rtol=1e-12, atol=1e-15)


def test_pseudoinverse_is_the_projection_onto_the_patterns_with_zero_diagonal():
    rng = np.random.default_rng(4)
    patterns = rng.choice([-1, 1], size=(5, 12)).astype(float)
    hop = ns.HopfieldNetwork(12)
    hop.store(patterns, rule="pseudoinverse")
    projector = patterns.T @ np.linalg.inv(patterns @ patterns.T) @ patterns
    np.fill_diagonal(projector, 0.0)
    np.testing.assert_allclose(hop.weights, projector, atol=1e-12)
    for p in patterns:  # every stored pattern is a fixed point
        assert hop.recall(p, order="sequential").sweeps == 1


@given(
    seed=st.integers(0, 10_000), rule=rules, n=st.integers(2, 20), p=st.integers(1, 6)
)
def test_every_rule_gives_symmetric_weights_with_zero_diagonal(seed, rule, n, p):
    hop, _, _ = random_network(seed, n, p, rule, thresholds=False)
    assert np.array_equal(hop.weights, hop.weights.T)  # exactly: w_ij == w_ji
    assert np.all(np.diag(hop.weights) == 0.0)


@pytest.mark.parametrize("rule", ["hebbian", "storkey", "pseudoinverse"])
def test_storing_in_two_calls_equals_storing_at_once(rule):
    patterns = np.random.default_rng(5).choice([-1, 1], size=(4, 9))
    once, twice = ns.HopfieldNetwork(9), ns.HopfieldNetwork(9)
    once.store(patterns, rule=rule)
    twice.store(patterns[:2], rule=rule)
    twice.store(patterns[2:], rule=rule)
    np.testing.assert_allclose(twice.weights, once.weights, atol=1e-13)
    assert np.array_equal(twice.patterns, patterns)


# ---------------------------------------------------------------- dynamics


@given(
    seed=st.integers(0, 10_000),
    rule=rules,
    n=st.integers(2, 30),
    p=st.integers(1, 8),
    thresholds=st.booleans(),
    order=st.sampled_from(["random", "sequential"]),
)
def test_async_energy_never_rises_and_converged_states_are_fixed_points(
    seed, rule, n, p, thresholds, order
):
    hop, _, rng = random_network(seed, n, p, rule, thresholds)
    probe = rng.choice([-1, 1], size=n)
    result = hop.recall(probe, order=order, seed=seed, max_sweeps=50)
    assert np.all(np.diff(result.energy) <= 1e-12)
    assert result.energy[0] == pytest.approx(hop.energy(probe), abs=1e-9)
    assert result.energy[-1] == pytest.approx(hop.energy(result.state), abs=1e-9)
    assert len(result.energy) == 1 + result.sweeps * n
    if result.converged:
        excess = hop.weights @ result.state - hop.thresholds
        settled = (np.abs(excess) <= TIE_TOLERANCE) | (np.sign(excess) == result.state)
        assert settled.all()


@given(
    seed=st.integers(0, 10_000),
    rule=rules,
    n=st.integers(2, 25),
    p=st.integers(1, 6),
    thresholds=st.booleans(),
)
def test_graph_and_matrix_paths_give_identical_trajectories(
    seed, rule, n, p, thresholds
):
    hop, _, rng = random_network(seed, n, p, rule, thresholds)
    probe = rng.choice([-1, 1], size=n)
    runs = [
        hop.recall(probe, seed=seed, path=path, record_states=True)
        for path in ("graph", "matrix")
    ]
    assert len(runs[0].states) == len(runs[1].states)
    for a, b in zip(runs[0].states, runs[1].states):
        assert np.array_equal(a, b)
    np.testing.assert_allclose(runs[0].energy, runs[1].energy, atol=1e-9)


def test_ties_keep_the_state_in_both_paths():
    """Thresholds equal to the fields: every neuron is tied, so nothing moves,
    although the two paths sum the fields in different orders."""
    hop, _, rng = random_network(8, 30, 5, "storkey", thresholds=False)
    probe = rng.choice([-1, 1], size=30)
    hop.thresholds = hop.weights @ probe
    for path in ("graph", "matrix"):
        result = hop.recall(probe, path=path, seed=0)
        assert result.converged and result.sweeps == 1
        assert result.state.tolist() == probe.tolist()


def test_sync_mode_reports_a_two_state_cycle():
    hop = ns.HopfieldNetwork(2)
    hop.store([[1, -1]])  # w12 = -0.5
    result = hop.recall([1, 1], mode="sync")
    assert result.cycle and not result.converged
    assert result.sweeps == 2 and result.state.tolist() == [1, 1]
    assert len(result.energy) == 3


def test_sync_mode_converges_to_a_stored_pattern():
    patterns = np.random.default_rng(6).choice([-1, 1], size=(3, 64))
    hop = ns.HopfieldNetwork(64)
    hop.store(patterns)
    result = hop.recall(corrupt(patterns[0], 0.1, seed=1), mode="sync")
    assert result.converged and not result.cycle
    assert np.array_equal(result.state, patterns[0])


def test_binary_networks_take_and_give_zeros_and_ones():
    hop = ns.HopfieldNetwork(6, states="binary")
    hop.store([[1, 1, 1, 0, 0, 0], [1, 0, 1, 0, 1, 0]])
    bipolar = ns.HopfieldNetwork(6)
    bipolar.store([[1, 1, 1, -1, -1, -1], [1, -1, 1, -1, 1, -1]])
    np.testing.assert_array_equal(hop.weights, bipolar.weights)
    result = hop.recall([1, 1, 1, 0, 0, 1], seed=0)
    assert set(result.state.tolist()) <= {0, 1}
    assert result.state.tolist() == [1, 1, 1, 0, 0, 0]
    assert hop.patterns.tolist() == [[1, 1, 1, 0, 0, 0], [1, 0, 1, 0, 1, 0]]


def test_callback_sees_every_update_and_can_stop_recall():
    hop, patterns, _ = random_network(1, 20, 2, "hebbian", thresholds=False)
    seen = []
    result = hop.recall(
        corrupt(patterns[0], 0.3, seed=0),
        seed=0,
        callback=lambda i, state, energy: seen.append((i, energy)) or len(seen) == 7,
    )
    assert len(seen) == 7 and not result.converged
    assert [e for _, e in seen] == result.energy[1:].tolist()


def test_recall_is_reproducible_and_leaves_global_random_state_alone():
    hop, patterns, _ = random_network(2, 50, 5, "storkey", thresholds=False)
    probe = corrupt(patterns[1], 0.3, seed=3)
    state = np.random.get_state()[1].copy()
    a = hop.recall(probe, seed=9, record_states=True)
    b = hop.recall(probe, seed=9, record_states=True)
    assert all(np.array_equal(x, y) for x, y in zip(a.states, b.states))
    assert np.array_equal(np.random.get_state()[1], state)


# ---------------------------------------------------------------- capacity (acceptance)


def recall_rate(rule: str, load: float, n: int = 400, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    patterns = rng.choice([-1, 1], size=(round(load * n), n))
    hop = ns.HopfieldNetwork(n)
    hop.store(patterns, rule=rule)
    exact = [
        np.array_equal(
            hop.recall(corrupt(p, 0.1, seed=k), seed=k, max_sweeps=30).state, p
        )
        for k, p in enumerate(patterns)
    ]
    return float(np.mean(exact))


@pytest.mark.parametrize(
    ("rule", "load", "at_least"),
    [("hebbian", 0.05, 0.95), ("pseudoinverse", 0.3, 0.9), ("storkey", 0.15, 0.8)],
)
def test_below_capacity_corrupted_patterns_are_recalled_exactly(rule, load, at_least):
    assert recall_rate(rule, load) >= at_least


def test_hebbian_above_capacity_fails_for_most_patterns():
    """An attractor network, not a nearest-pattern lookup: overloaded, it forgets."""
    assert recall_rate("hebbian", 0.25) < 0.5


# ---------------------------------------------------------------- views, helpers, errors


def test_graph_is_a_frozen_undirected_view_of_the_weights():
    hop, _, _ = random_network(7, 6, 2, "storkey", thresholds=True)
    graph = hop.graph
    assert not graph.is_directed() and nx.is_frozen(graph)
    for i, j in [(0, 1), (2, 5), (4, 3)]:
        assert graph.edges[f"n{i}", f"n{j}"]["weight"] == hop.weights[i, j]
    assert graph.nodes["n3"]["threshold"] == hop.thresholds[3]
    with pytest.raises(ValueError):
        hop.weights[0, 1] = 5.0
    hop.store(np.ones((1, 6), dtype=int), rule="storkey")
    assert hop.graph is not graph  # rebuilt from the new weights


def test_corrupt_flips_exactly_the_fraction_asked():
    pattern = np.random.default_rng(0).choice([-1, 1], size=50)
    noisy = corrupt(pattern, 0.2, seed=1)
    assert int((noisy != pattern).sum()) == 10
    assert overlap(noisy, pattern) == pytest.approx(1 - 2 * 0.2)
    assert corrupt([0, 1, 0, 1], 1.0, seed=0).tolist() == [1, 0, 1, 0]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda h: h.store([[1, -1, 1]]), ns.ShapeError, r"\(n_patterns, 4\)"),
        (lambda h: h.store(np.zeros((0, 4))), ns.ShapeError, "empty"),
        (lambda h: h.store([[1, 0, 1, -1]]), ns.DataError, "only -1 and 1"),
        (
            lambda h: h.store([[1, -1, 1, -1]], rule="oja"),
            ns.UnknownNameError,
            "hebbian",
        ),
        (
            lambda h: h.store([[1, -1, 1, -1]], rule="storkey"),
            ns.ParameterError,
            "clear()",
        ),
        (lambda h: h.recall([1, -1, 1]), ns.ShapeError, r"\(4,\)"),
        (
            lambda h: h.recall([1, -1, 1, -1], mode="parallel"),
            ns.UnknownNameError,
            "sync",
        ),
        (
            lambda h: h.recall([1, -1, 1, -1], max_sweeps=0),
            ns.ParameterError,
            "max_sweeps",
        ),
        (lambda h: h.recall([1, -1, 1, -1], callback=3), ns.ParameterError, "callable"),
        (lambda h: setattr(h, "thresholds", [0.0]), ns.ShapeError, "thresholds"),
    ],
)
def test_bad_calls_raise_clear_errors_and_change_nothing(call, error, match):
    hop = ns.HopfieldNetwork(4)
    hop.store([[1, 1, -1, -1]])
    weights, patterns = hop.weights.copy(), hop.patterns.copy()
    with pytest.raises(error, match=match):
        call(hop)
    assert np.array_equal(hop.weights, weights) and np.array_equal(
        hop.patterns, patterns
    )
    assert hop.rule == "hebbian"


def test_constructor_validates_its_arguments():
    with pytest.raises(ns.ParameterError, match="at least 2"):
        ns.HopfieldNetwork(1)
    with pytest.raises(ns.ParameterError, match="unique"):
        ns.HopfieldNetwork(["a", "a"])
    with pytest.raises(ns.UnknownNameError, match="bipolar"):
        ns.HopfieldNetwork(3, states="ternary")


def test_glyphs_and_binary_digits_are_bipolar_patterns():
    letters = ns.datasets.glyphs()
    assert len(letters) == 8 and all(g.shape == (10, 10) for g in letters.values())
    assert all(set(np.unique(g).tolist()) == {-1, 1} for g in letters.values())
    X, _ = ns.datasets.binary_digits()
    assert X.shape == (1797, 64) and set(np.unique(X).tolist()) == {-1, 1}
    with pytest.raises(ns.UnknownNameError, match="glyph"):
        ns.datasets.glyphs("Q")


# ---------------------------------------------------------------- temperature


def small_random_hopfield(n=5, seed=3):
    rng = np.random.default_rng(seed)
    weights = rng.normal(0, 0.7, size=(n, n))
    weights = (weights + weights.T) / 2
    np.fill_diagonal(weights, 0.0)
    hop = ns.HopfieldNetwork(n)
    hop.set_parameters(weights)
    hop.thresholds = rng.normal(0, 0.3, size=n)
    return hop


@pytest.mark.parametrize("zero", [0.0, [0.0, 0.0, 0.0], lambda sweep: 0.0])
def test_temperature_zero_is_the_deterministic_trajectory(zero):
    hop = ns.HopfieldNetwork(64)
    patterns = np.random.default_rng(0).choice([-1, 1], size=(5, 64))
    hop.store(patterns)
    probe = ns.memory.corrupt(patterns[0], 0.3, seed=1)
    plain = hop.recall(probe, seed=7, record_states=True)
    cold = hop.recall(probe, seed=7, record_states=True, temperature=zero)
    assert np.array_equal(plain.energy, cold.energy)
    assert all(np.array_equal(a, b) for a, b in zip(plain.states, cold.states))
    assert (plain.converged, plain.sweeps) == (cold.converged, cold.sweeps)


def test_at_a_fixed_temperature_states_follow_the_boltzmann_distribution():
    hop = small_random_hopfield()
    states = [np.array(s) for s in itertools.product([-1, 1], repeat=hop.n)]
    index = {tuple(s.tolist()): k for k, s in enumerate(states)}
    energies = np.array([hop.energy(s) for s in states])
    result = hop.recall(np.ones(hop.n), temperature=1.0, max_sweeps=30_000, seed=0,
                        record_states=True)  # fmt: skip
    # One sample every third sweep (after its last update): nearly independent.
    observed = np.zeros(len(states))
    for state in result.states[hop.n - 1 :: 3 * hop.n]:
        observed[index[tuple(int(v) for v in state)]] += 1
    boltzmann = np.exp(-energies / 1.0)
    boltzmann /= boltzmann.sum()
    assert chisquare(observed, boltzmann * observed.sum()).pvalue > 0.01
    # The test can fail: the same counts against the wrong temperature.
    wrong = np.exp(-energies / 2.0)
    wrong /= wrong.sum()
    assert chisquare(observed, wrong * observed.sum()).pvalue < 0.01
    assert not result.converged  # at T > 0 nothing settles


def test_an_annealing_schedule_ends_in_deterministic_convergence():
    hop = ns.HopfieldNetwork(64)
    patterns = np.random.default_rng(0).choice([-1, 1], size=(3, 64))
    hop.store(patterns)
    probe = ns.memory.corrupt(patterns[1], 0.2, seed=0)
    schedule = np.geomspace(2.0, 0.05, 20)
    result = hop.recall(probe, temperature=schedule, seed=0, max_sweeps=100)
    assert result.converged and result.sweeps > 20
    after = result.energy[20 * 64 :]  # the deterministic sweeps after the schedule
    assert np.all(np.diff(after) <= 1e-12)
    again = hop.recall(probe, temperature=schedule, seed=0, max_sweeps=100)
    assert np.array_equal(again.energy, result.energy)  # reproducible with the seed


@pytest.mark.parametrize(
    ("temperature", "mode", "match"),
    [
        (-1.0, "async", "finite and >= 0"),
        (float("nan"), "async", "finite and >= 0"),
        ([], "async", "schedule is empty"),
        ([1.0, -0.5], "async", r"temperature\[1\]"),
        ("hot", "async", "number, a sequence or a callable"),
        (lambda sweep: -1.0, "async", r"temperature\(1\)"),
        (1.0, "sync", "asynchronous"),
    ],
)
def test_bad_temperatures_are_clear_errors(temperature, mode, match):
    hop = small_random_hopfield()
    weights = hop.weights.copy()
    with pytest.raises(ns.ParameterError, match=match):
        hop.recall(np.ones(hop.n), temperature=temperature, mode=mode, seed=0)
    assert np.array_equal(hop.weights, weights)


@pytest.mark.parametrize("bad", ["", "a\x00b", "tab\there", "\ud800", 5])
def test_hopfield_names_are_checked_like_every_neuron_name(bad):
    with pytest.raises(ns.ParameterError, match="name"):
        ns.HopfieldNetwork(["ok", bad])
    with pytest.raises(ns.ParameterError, match="name"):
        ns.HopfieldNetwork(names=["ok", bad])


def test_hopfield_takes_names_as_a_keyword_and_its_graphml_reads_back(tmp_path):
    import networkx as nx

    hop = ns.HopfieldNetwork(names=["α", "b c", "<d>"])
    hop.store([[1, -1, 1]])
    assert hop.names == ["α", "b c", "<d>"] and hop.n == 3
    with pytest.raises(ns.ParameterError, match="3 names"):
        ns.HopfieldNetwork(4, names=["a", "b", "c"])
    ns.io.write_graphml(hop, tmp_path / "hop.graphml")
    assert set(nx.read_graphml(tmp_path / "hop.graphml").nodes) == set(hop.names)


def test_the_old_verb_restore_still_works_with_a_deprecation_warning():
    hop = ns.HopfieldNetwork(2)
    with pytest.warns(DeprecationWarning, match="set_parameters"):
        hop.restore(np.array([[0.0, 0.5], [0.5, 0.0]]), [[1, 1]], "hebbian")
    assert hop.weights[0, 1] == 0.5 and hop.rule == "hebbian"
