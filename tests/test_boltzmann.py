"""Boltzmann machines: sampling against enumeration, learning against finite differences."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import neurosim as ns
from neurosim.memory import kl_divergence

STATES3 = np.array(list(itertools.product([0, 1], repeat=3)), dtype=float)
EVEN3 = STATES3[STATES3.sum(axis=1) % 2 == 0]
PARITY3 = (STATES3.sum(axis=1) % 2 == 0) / 4.0


def energy_by_hand(weights, bias, s):
    total = 0.0
    for i in range(len(s)):
        total -= bias[i] * s[i]
        for j in range(i + 1, len(s)):
            total -= weights[i][j] * s[i] * s[j]
    return total


def visible_distribution_by_hand(bm):
    n_v, n_h = bm.n_visible, bm.n_hidden
    p = []
    for v in itertools.product([0, 1], repeat=n_v):
        p.append(
            sum(
                math.exp(-energy_by_hand(bm.weights, bm.bias, (*v, *h)))
                for h in itertools.product([0, 1], repeat=n_h)
            )
        )
    return np.array(p) / sum(p)


def test_energy_and_distribution_equal_enumeration_by_hand():
    bm = ns.BoltzmannMachine(3, 2, seed=1)
    bm.set_parameters(bias=np.random.default_rng(0).normal(size=5))
    for s in itertools.product([0, 1], repeat=5):
        assert bm.energy(s) == pytest.approx(
            energy_by_hand(bm.weights, bm.bias, s), rel=1e-12
        )
    assert np.allclose(bm.distribution(), visible_distribution_by_hand(bm), rtol=1e-12)


def test_gibbs_sampling_reaches_the_boltzmann_distribution_chi_square_1_percent():
    """20,000 chains of a 3 + 2 unit machine after 30 sweeps: visible states vs exact p(v)."""
    bm = ns.BoltzmannMachine(3, 2, seed=2)
    samples = bm.sample(20_000, sweeps=30, seed=0)
    codes = samples @ np.array([4, 2, 1])
    observed = np.bincount(codes.astype(int), minlength=8)
    expected = 20_000 * visible_distribution_by_hand(bm)
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    assert chi2 < 18.475  # chi-square, 7 degrees of freedom, 1 % level
    # ...and a test that can fail: the same counts against a hotter machine's law
    hot = ns.BoltzmannMachine(3, 2)
    hot.set_parameters(bm.weights / 2, bm.bias / 2)
    expected_hot = 20_000 * visible_distribution_by_hand(hot)
    assert float(((observed - expected_hot) ** 2 / expected_hot).sum()) > 18.475


def test_at_zero_temperature_every_update_follows_its_field_and_energy_never_rises():
    bm = ns.BoltzmannMachine(6, 0, seed=3)
    start = (np.random.default_rng(1).random((50, 6)) < 0.5).astype(float)
    energies = [bm.energy(start)]
    state = start
    for sweep in range(5):
        state = bm.gibbs(state, sweeps=1, temperature=0.0, seed=sweep)
        energies.append(bm.energy(state))
    assert np.all(np.diff(np.array(energies), axis=0) <= 1e-12)
    fields = (
        state @ bm.weights + bm.bias
    )  # a fixed point: every unit agrees with its field
    assert np.all((fields > 0) == (state == 1)) or np.all(
        np.abs(fields[(fields > 0) != (state == 1)]) < 1e-12
    )


def test_the_exact_learning_rule_is_the_log_likelihood_gradient():
    """One exact epoch moves every parameter by lr × d(mean log p(data))/dθ (finite differences)."""
    data = np.array([[1, 0, 1], [0, 0, 1], [1, 1, 1]], dtype=float)
    bm = ns.BoltzmannMachine(3, 2, seed=4)

    def mean_log_likelihood(weights, bias):
        model = ns.BoltzmannMachine(3, 2)
        model.set_parameters(weights, bias)
        p = visible_distribution_by_hand(model)
        return np.mean([math.log(p[int(v @ [4, 2, 1])]) for v in data])

    weights, bias = bm.weights.copy(), bm.bias.copy()
    lr = 1e-3
    bm.fit(data, epochs=1, lr=lr, method="exact")
    eps = 1e-6
    for i, j in itertools.combinations(range(5), 2):
        up, down = weights.copy(), weights.copy()
        up[i, j] = up[j, i] = weights[i, j] + eps
        down[i, j] = down[j, i] = weights[i, j] - eps
        numeric = (mean_log_likelihood(up, bias) - mean_log_likelihood(down, bias)) / (
            2 * eps
        )
        assert (bm.weights[i, j] - weights[i, j]) / lr == pytest.approx(
            numeric, abs=1e-7
        )
    for i in range(5):
        up, down = bias.copy(), bias.copy()
        up[i] += eps
        down[i] -= eps
        numeric = (
            mean_log_likelihood(weights, up) - mean_log_likelihood(weights, down)
        ) / (2 * eps)
        assert (bm.bias[i] - bias[i]) / lr == pytest.approx(numeric, abs=1e-7)


def test_parity_needs_hidden_units():
    """Parity's pairwise statistics are the uniform distribution's: visible units alone learn nothing."""
    alone = ns.BoltzmannMachine(3, 0, seed=0)
    history = alone.fit(EVEN3, epochs=300, lr=1.0, method="exact", target=PARITY3)
    assert history["kl"][-1] == pytest.approx(math.log(2), abs=1e-3)
    hidden = ns.BoltzmannMachine(3, 3, seed=0)
    history = hidden.fit(EVEN3, epochs=1000, lr=1.0, method="exact", target=PARITY3)
    assert history["kl"][-1] < 0.1
    assert hidden.distribution()[[0, 3, 5, 6]].sum() > 0.9  # the even states


def test_the_sampled_learning_rule_learns_parity_and_is_reproducible():
    runs = [
        ns.BoltzmannMachine(3, 3, seed=1).fit(
            EVEN3,
            epochs=3000,
            lr=2.0,
            decay=0.005,
            chains=100,
            sweeps=2,
            seed=1,
            target=PARITY3,
        )
        for _ in range(2)
    ]
    assert runs[0]["kl"] == runs[1]["kl"]
    assert runs[0]["kl"][0] > 0.6 and runs[0]["kl"][-1] < 0.3


def test_kl_divergence_by_hand():
    assert kl_divergence([0.25, 0.75], [0.5, 0.5]) == pytest.approx(
        0.25 * math.log(0.5) + 0.75 * math.log(1.5), rel=1e-12
    )
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda bm: bm.fit([[0, 2, 1]]), ns.DataError, "only 0 and 1"),
        (lambda bm: bm.fit([[0, 1]]), ns.ShapeError, "(n_samples, 3)"),
        (lambda bm: bm.fit(EVEN3, lr=0), ns.ParameterError, "lr"),
        (lambda bm: bm.fit(EVEN3, decay=-1), ns.ParameterError, "decay"),
        (lambda bm: bm.fit(EVEN3, method="mcmc"), ns.UnknownNameError, "method"),
        (lambda bm: bm.fit(EVEN3, target=[1, 0]), ns.ShapeError, "8 probabilities"),
        (
            lambda bm: bm.gibbs(np.zeros((4, 5)), temperature=-1.0),
            ns.ParameterError,
            ">= 0",
        ),
        (
            lambda bm: bm.gibbs(np.zeros((4, 5)), temperature=float("nan")),
            ns.ParameterError,
            "finite",
        ),
        (
            lambda bm: bm.gibbs(np.zeros((4, 5)), temperature=[]),
            ns.ParameterError,
            "empty",
        ),
        (lambda bm: bm.set_parameters(np.ones((5, 5))), ns.ShapeError, "zero diagonal"),
        (
            lambda bm: ns.BoltzmannMachine(15, 6).fit(
                np.zeros((1, 15)), method="exact"
            ),
            ns.ParameterError,
            "2^n",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(call, error, words):
    bm = ns.BoltzmannMachine(3, 2, seed=0)
    before = bm.weights.copy(), bm.bias.copy()
    with pytest.raises(error) as caught:
        call(bm)
    assert words in str(caught.value)
    assert np.array_equal(bm.weights, before[0]) and np.array_equal(bm.bias, before[1])


def test_graph_and_views():
    bm = ns.BoltzmannMachine(2, 1, seed=0)
    assert bm.graph.nodes["h0"]["layer"] == "hidden"
    assert bm.graph.edges["v0", "h0"]["weight"] == bm.weights[0, 2]
    with pytest.raises(ValueError, match="read-only"):
        bm.weights[0, 1] = 3.0


def test_save_and_load_round_trip_and_a_damaged_file_is_refused(tmp_path):
    bm = ns.BoltzmannMachine(3, 2, seed=5)
    bm.set_parameters(bias=[0.1, -0.2, 0.3, 0.0, 0.5])
    ns.save(bm, tmp_path / "bm.json")
    again = ns.load(tmp_path / "bm.json")
    assert isinstance(again, ns.BoltzmannMachine) and (
        again.n_visible,
        again.n_hidden,
    ) == (3, 2)
    assert np.array_equal(again.weights, bm.weights) and np.array_equal(
        again.bias, bm.bias
    )
    text = (
        (tmp_path / "bm.json").read_text().replace('"n_hidden": 2', '"n_hidden": 2000')
    )
    (tmp_path / "big.json").write_text(text)
    with pytest.raises(ns.FormatError, match="weights: expected shape"):
        ns.load(tmp_path / "big.json")


def test_a_target_of_zeros_is_refused_and_nothing_changes():
    bm = ns.BoltzmannMachine(3, 1, seed=0)
    before = (bm.weights.copy(), bm.bias.copy())
    with pytest.raises(ns.DataError, match="positive sum"):
        bm.fit([[0, 1, 1]], epochs=2, method="exact", target=[0] * 8)
    np.testing.assert_array_equal(bm.weights, before[0])
    np.testing.assert_array_equal(bm.bias, before[1])


def test_a_boltzmann_fit_that_fails_later_restores_the_machine_before_fit(monkeypatch):
    bm = ns.BoltzmannMachine(3, 1, seed=0)
    data = [[0, 1, 1], [1, 0, 1]]
    target = np.zeros(8)
    target[[3, 5]] = 0.5
    bm.fit(data, epochs=2, method="exact", seed=0)
    before = (bm.weights.copy(), bm.bias.copy())
    calls = []
    from neurosim.memory import boltzmann

    original = boltzmann.kl_divergence

    def kl(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(boltzmann, "kl_divergence", kl)
    with pytest.raises(KeyboardInterrupt):
        bm.fit(data, epochs=5, method="exact", target=target, seed=0)
    np.testing.assert_array_equal(bm.weights, before[0])
    np.testing.assert_array_equal(bm.bias, before[1])
    history = bm.fit(data, epochs=2, method="exact", target=target)
    assert history.loss == history["kl"] and history.epochs == 2


def test_a_boltzmann_machine_takes_names_and_keeps_them_in_its_file(tmp_path):
    bm = ns.BoltzmannMachine(2, 1, seed=0, names=["rain", "wet", "cause"])
    assert list(bm.graph.nodes) == ["rain", "wet", "cause"]
    ns.save(bm, tmp_path / "bm.json")
    assert ns.load(tmp_path / "bm.json").names == ["rain", "wet", "cause"]
    for bad in (["a", "b"], ["a", "a", "b"], ["a", "", "b"]):
        with pytest.raises(ns.ParameterError):
            ns.BoltzmannMachine(2, 1, names=bad)


@given(seed=st.integers(0, 10_000))
def test_a_hopfield_network_is_a_boltzmann_machine_at_zero_temperature(seed):
    # With s = 2x − 1: E_H(s) = −½ sᵀWs + θᵀs equals E_B(x) = −½ xᵀW'x − b'ᵀx
    # plus a constant, for W' = 4W and b' = −2(W·1 + θ); each unit's Boltzmann
    # field is twice its Hopfield field, so at T = 0 both flip alike.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    weights = np.triu(rng.normal(size=(n, n)), k=1)
    weights += weights.T
    thresholds = rng.normal(size=n)
    hop = ns.HopfieldNetwork(n, thresholds=thresholds)
    hop.set_parameters(weights)
    bm = ns.BoltzmannMachine(n, seed=0)
    bm.set_parameters(4 * weights, -2 * (weights.sum(axis=1) + thresholds))
    x = (rng.random((5, n)) < 0.5).astype(float)
    s = 2 * x - 1
    constant = -0.5 * weights.sum() - thresholds.sum()
    for row_x, row_s in zip(x, s):
        assert hop.energy(row_s) == pytest.approx(bm.energy(row_x) + constant, abs=1e-9)
    # One deterministic sweep of the Boltzmann machine, in its own random
    # order, against the Hopfield rule applied in that same order by hand.
    after = bm.gibbs(x, sweeps=1, temperature=0.0, seed=seed)
    order = np.random.default_rng(seed).permutation(n)
    expected = s.copy()
    for i in order:
        excess = expected @ weights[i] - thresholds[i]
        expected[:, i] = np.where(
            excess > 1e-10, 1, np.where(excess < -1e-10, -1, expected[:, i])
        )
    np.testing.assert_array_equal(2 * after - 1, expected)


def test_without_a_target_a_small_machine_records_kl_from_the_datas_own_distribution():
    data = np.array([[0, 1, 1], [1, 0, 1], [1, 0, 1], [0, 0, 0]], dtype=float)
    bm = ns.BoltzmannMachine(3, 1, seed=0)
    history = bm.fit(data, epochs=3, method="exact", seed=0)
    # The empirical distribution written out by hand: states 011, 101 (twice), 000.
    empirical = np.zeros(8)
    empirical[[0b011, 0b101, 0b000]] = [0.25, 0.5, 0.25]
    assert history.loss[-1] == pytest.approx(
        kl_divergence(empirical, bm.distribution()), rel=1e-12
    )
