"""Restricted Boltzmann machines: against enumeration, finite differences and scikit-learn."""

import itertools
import math

import networkx as nx
import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.neural_network import BernoulliRBM

import neurosim as ns


def random_rbm(n_visible=5, n_hidden=3, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    rbm = ns.RBM(n_visible, n_hidden, seed=seed)
    rbm.set_parameters(
        rng.normal(0, scale, (n_hidden, n_visible)),
        rng.normal(0, scale, n_visible),
        rng.normal(0, scale, n_hidden),
    )
    return rbm


def states(n):
    return [np.array(s, dtype=float) for s in itertools.product((0, 1), repeat=n)]


def energy_by_hand(rbm, v, h):
    """E(v, h) = −Σ b_i v_i − Σ c_j h_j − Σ_ij h_j w_ji v_i, summed in a loop."""
    total = 0.0
    for i in range(rbm.n_visible):
        total -= rbm.visible_bias[i] * v[i]
    for j in range(rbm.n_hidden):
        total -= rbm.hidden_bias[j] * h[j]
        for i in range(rbm.n_visible):
            total -= h[j] * rbm.weights[j, i] * v[i]
    return total


def test_graph_is_bipartite_with_the_matrix_weights():
    rbm = random_rbm()
    graph = rbm.graph
    top = {n for n, d in graph.nodes(data=True) if d["bipartite"] == 0}
    assert nx.is_bipartite(graph) and top == set(rbm.visible_names)
    assert graph.number_of_edges() == 5 * 3
    assert graph.edges["h2", "v4"]["weight"] == rbm.weights[2, 4]
    assert graph.nodes["h1"]["bias"] == rbm.hidden_bias[1]


def test_energy_free_energy_and_partition_function_equal_enumeration():
    rbm = random_rbm(4, 3, seed=1)
    for v in states(4):
        for h in states(3):
            assert rbm.energy(v, h) == pytest.approx(
                energy_by_hand(rbm, v, h), rel=1e-12
            )
        by_hand = -math.log(
            sum(math.exp(-energy_by_hand(rbm, v, h)) for h in states(3))
        )
        assert rbm.free_energy(v) == pytest.approx(by_hand, rel=1e-12)
    z = sum(math.exp(-energy_by_hand(rbm, v, h)) for v in states(4) for h in states(3))
    assert rbm.log_partition() == pytest.approx(math.log(z), rel=1e-12)
    wide = random_rbm(3, 5, seed=2)  # enumerates the other layer
    z = sum(math.exp(-energy_by_hand(wide, v, h)) for v in states(3) for h in states(5))
    assert wide.log_partition() == pytest.approx(math.log(z), rel=1e-12)


def test_exact_gradient_equals_finite_differences_of_the_log_likelihood():
    """The statistics CD and PCD estimate, with exact model samples in place of the chain.

    Negative states: every visible state weighted by the model's p(v); the
    result must be the gradient of the data's mean log-likelihood, which is
    computed here by brute-force sums over all (v, h).
    """
    rbm = random_rbm(4, 2, seed=3, scale=0.5)
    data = np.array([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 1, 1]], dtype=float)
    everything = np.array(states(4))

    def mean_log_likelihood(weights, b, c):
        model = ns.RBM(4, 2)
        model.set_parameters(weights, b, c)
        log_z = math.log(
            sum(
                math.exp(-energy_by_hand(model, v, h))
                for v in states(4)
                for h in states(2)
            )
        )
        return np.mean(
            [
                math.log(sum(math.exp(-energy_by_hand(model, v, h)) for h in states(2)))
                - log_z
                for v in data
            ]
        )

    p_v = np.exp(rbm.log_likelihood(everything))
    assert p_v.sum() == pytest.approx(1.0, rel=1e-12)
    dW, db, dc = rbm.gradient(data, everything, weights=p_v)
    params = [rbm.weights.copy(), rbm.visible_bias.copy(), rbm.hidden_bias.copy()]
    eps = 1e-6
    for which, grad in enumerate((dW, db, dc)):
        for index in np.ndindex(grad.shape):
            up = [p.copy() for p in params]
            down = [p.copy() for p in params]
            up[which][index] += eps
            down[which][index] -= eps
            numeric = (mean_log_likelihood(*up) - mean_log_likelihood(*down)) / (
                2 * eps
            )
            assert grad[index] == pytest.approx(numeric, abs=1e-8)


def test_cd1_on_average_moves_along_its_expected_statistics():
    """CD-1's sampled negative phase, averaged over many chains, gives CD-1's exact expectation.

    The expectation is computed by enumerating the one Gibbs step: each
    data vector v goes to h with p(h|v), then to v' with p(v'|h).
    """
    rbm = random_rbm(3, 2, seed=4)
    v0 = np.array([1.0, 0.0, 1.0])
    p_h = rbm.transform([v0])[0]
    weights = np.zeros(8)
    everything = np.array(states(3))
    for h in states(2):
        ph = np.prod(np.where(h == 1, p_h, 1 - p_h))
        p_v = 1 / (1 + np.exp(-(h @ rbm.weights + rbm.visible_bias)))
        weights += ph * np.prod(np.where(everything == 1, p_v, 1 - p_v), axis=1)
    exact = rbm.gradient([v0], everything, weights=weights)
    samples = rbm.gibbs(np.tile(v0, (200_000, 1)), seed=0)
    sampled = rbm.gradient([v0], samples)
    for e, s in zip(exact, sampled):
        assert np.allclose(e, s, atol=0.01)  # 200,000 chains: standard error < 0.002


def test_neuron_by_neuron_and_matrix_paths_draw_the_same_samples():
    rbm = random_rbm(6, 4, seed=5)
    start = (np.random.default_rng(0).random((7, 6)) < 0.5).astype(float)
    a = rbm.gibbs(start, seed=11)
    b = rbm.gibbs(start, seed=11, path="graph")
    assert np.array_equal(a, b) and not np.array_equal(a, start)
    assert np.array_equal(
        rbm.sample(5, steps=20, seed=2), rbm.sample(5, steps=20, seed=2, path="graph")
    )


@pytest.mark.parametrize(
    ("method", "k"), [("pcd", 1), ("cd", 1), ("pcd", 3), ("cd", 2)]
)
def test_fit_on_either_path_reaches_the_same_parameters(method, k):
    X = (np.random.default_rng(1).random((23, 6)) < 0.4).astype(float)
    fast, slow = (
        random_rbm(6, 4, seed=6, scale=0.1),
        random_rbm(6, 4, seed=6, scale=0.1),
    )
    h1 = fast.fit(X, epochs=3, lr=0.2, batch_size=5, method=method, k=k, seed=3)
    h2 = slow.fit(
        X, epochs=3, lr=0.2, batch_size=5, method=method, k=k, seed=3, path="graph"
    )
    assert np.allclose(fast.weights, slow.weights, rtol=0, atol=1e-12)
    assert np.allclose(fast.visible_bias, slow.visible_bias, rtol=0, atol=1e-12)
    assert h1["pseudo_likelihood"] == pytest.approx(h2["pseudo_likelihood"], rel=1e-10)
    assert not np.allclose(fast.weights, random_rbm(6, 4, seed=6, scale=0.1).weights)


def test_same_seed_same_model_and_global_state_untouched():
    X = load_digits().data[:200] / 16
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    a, b = ns.RBM(64, 16, seed=0), ns.RBM(64, 16, seed=0)
    a.fit(X, epochs=2, seed=1, shuffle=True)
    b.fit(X, epochs=2, seed=1, shuffle=True)
    assert np.array_equal(a.weights, b.weights)
    assert np.array_equal(np.random.get_state()[1], before)


def sklearn_rbm_like(rbm, X, seed):
    """A BernoulliRBM with ``rbm``'s parameters (fitted once so that it accepts them)."""
    model = BernoulliRBM(n_components=rbm.n_hidden, n_iter=1, random_state=seed).fit(X)
    model.components_ = rbm.weights.copy()
    model.intercept_visible_ = rbm.visible_bias.copy()
    model.intercept_hidden_ = rbm.hidden_bias.copy()
    return model


def test_score_samples_transform_and_free_energy_equal_scikit_learns():
    X = load_digits().data[:300] / 16
    rbm = random_rbm(64, 20, seed=7, scale=0.3)
    model = sklearn_rbm_like(rbm, X, seed=5)
    # scikit-learn flips unit RandomState(5).randint(0, 64, n) of each sample.
    units = np.random.RandomState(5).randint(0, 64, len(X))
    assert np.allclose(
        rbm.score_samples(X, units=units), model.score_samples(X), rtol=1e-12
    )
    assert np.allclose(rbm.transform(X), model.transform(X), rtol=1e-12)
    assert np.allclose(rbm.free_energy(X), model._free_energy(X), rtol=1e-12)
    other = np.random.RandomState(6).randint(0, 64, len(X))
    assert not np.allclose(rbm.score_samples(X, units=other), model.score_samples(X))


def test_scikit_learns_anchor_digits_64_hidden_7_epochs_gives_about_minus_21():
    """scikit-learn's test_fit: mean pseudo-likelihood −21 to 0 decimals (|x + 21| < 1.5).

    scikit-learn's own runs give −20.0 to −21.6 over seeds 0–5; neurosim −20.1 to −20.6.
    """
    X = load_digits().data / 16
    rbm = ns.RBM(64, 64, seed=9)
    history = rbm.fit(X, epochs=7, lr=0.1, batch_size=10, seed=9)
    # One flipped unit per sample makes each estimate noisy (±0.6): average five.
    score = np.mean([rbm.score_samples(X, seed=s).mean() for s in range(5)])
    assert abs(score + 21) < 1.5
    assert history["pseudo_likelihood"][-1] > history["pseudo_likelihood"][0]
    assert history["reconstruction_error"][-1] < history["reconstruction_error"][0]


def test_learns_a_two_mode_distribution_exactly_measured():
    """Bars: the exact probability of the data grows from 2/16 of chance to most of the mass."""
    X = np.array([[1, 1, 0, 0], [0, 0, 1, 1]] * 25, dtype=float)
    rbm = ns.RBM(4, 3, seed=0)
    before = np.exp(rbm.log_likelihood(X[:2])).sum()
    rbm.fit(X, epochs=300, lr=0.1, batch_size=10, method="cd", seed=0)
    after = np.exp(rbm.log_likelihood(X[:2])).sum()
    assert before == pytest.approx(2 / 16, rel=0.05)
    assert after > 0.8
    samples = rbm.sample(400, steps=50, seed=1)
    share = np.mean([row.tolist() in ([1, 1, 0, 0], [0, 0, 1, 1]) for row in samples])
    assert share > 0.7


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda r, X: r.fit(X * 16), ns.DataError, "[0, 1]"),
        (lambda r, X: r.fit(2 * X - 1), ns.DataError, "(X + 1) / 2"),
        (lambda r, X: r.fit(X[:, :10]), ns.ShapeError, "(n_samples, 64)"),
        (lambda r, X: r.fit(np.where(X > 0.5, np.nan, X)), ns.DataError, "non-finite"),
        (lambda r, X: r.fit(X, lr=0), ns.ParameterError, "lr"),
        (lambda r, X: r.fit(X, lr=-0.1), ns.ParameterError, "lr"),
        (lambda r, X: r.fit(X, batch_size=0), ns.ParameterError, "batch_size"),
        (lambda r, X: r.fit(X, k=0), ns.ParameterError, "k"),
        (lambda r, X: r.fit(X, method="cd3"), ns.UnknownNameError, "method"),
        (lambda r, X: r.fit(X, path="pixels"), ns.UnknownNameError, "path"),
        (
            lambda r, X: r.score_samples(X, units=np.full(len(X), 64)),
            ns.ShapeError,
            "units",
        ),
        (
            lambda r, X: r.set_parameters(weights=np.zeros((64, 10))),
            ns.ShapeError,
            "(10, 64)",
        ),
        (lambda r, X: r.sample(3, start=X[:2]), ns.ShapeError, "n = 3"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(call, error, words):
    X = load_digits().data[:50] / 16
    rbm = ns.RBM(64, 10, seed=0)
    before = (rbm.weights.copy(), rbm.visible_bias.copy(), rbm.hidden_bias.copy())
    with pytest.raises(error, match=None) as caught:
        call(rbm, X)
    assert words in str(caught.value)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(before, (rbm.weights, rbm.visible_bias, rbm.hidden_bias))
    )


def test_divergence_is_reported_and_the_epoch_undone():
    X = load_digits().data[:50] / 16
    rbm = ns.RBM(64, 10, seed=0)
    rbm.fit(X, epochs=1, seed=0)
    before = rbm.weights.copy()
    with pytest.raises(ns.NumericalError, match="epoch 1"):
        rbm.fit(X, epochs=2, lr=1e308, seed=0)
    assert np.array_equal(rbm.weights, before)


def test_views_are_read_only_and_names_are_checked():
    rbm = ns.RBM(["a", "b"], 1)
    with pytest.raises(ValueError, match="read-only"):
        rbm.weights[0, 0] = 1.0
    with pytest.raises(ns.ParameterError, match="unique"):
        ns.RBM(["a", "b"], ["a"])
    with pytest.raises(ns.ParameterError, match="control"):
        ns.RBM(["a\x00"], 1)
    with pytest.raises(ns.ParameterError, match="2\\^n"):
        ns.RBM(21, 21).log_partition()


def test_save_and_load_round_trip_bit_for_bit(tmp_path):
    rbm = random_rbm(6, 4, seed=8)
    ns.save(rbm, tmp_path / "rbm.json")
    again = ns.load(tmp_path / "rbm.json")
    assert isinstance(again, ns.RBM) and again.hidden_names == rbm.hidden_names
    for a, b in (
        (again.weights, rbm.weights),
        (again.visible_bias, rbm.visible_bias),
        (again.hidden_bias, rbm.hidden_bias),
    ):
        assert np.array_equal(a, b)


def test_a_file_declaring_the_wrong_shapes_is_refused(tmp_path):
    rbm = random_rbm(3, 2)
    ns.save(rbm, tmp_path / "rbm.json")
    text = (tmp_path / "rbm.json").read_text().replace('"h1"', '"h1", "h2"')
    (tmp_path / "bad.json").write_text(text)
    with pytest.raises(ns.FormatError, match="weights: expected shape"):
        ns.load(tmp_path / "bad.json")


# ---------------------------------------------------------------- one rule: a failed fit changes nothing


class _Interrupt:
    """A pseudo-likelihood that raises in the second epoch (as Ctrl-C would)."""


def test_an_rbm_fit_that_fails_in_a_later_epoch_restores_the_machine_before_fit(
    monkeypatch,
):
    rbm = ns.RBM(6, 3, seed=0)
    X = (np.random.default_rng(1).random((20, 6)) < 0.5).astype(float)
    rbm.fit(X, epochs=1, seed=0)
    before = (rbm.weights.copy(), rbm.visible_bias.copy(), rbm.hidden_bias.copy())
    calls = []
    original = ns.RBM._monitor

    def monitor(self, *args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(self, *args)

    monkeypatch.setattr(ns.RBM, "_monitor", monitor)
    with pytest.raises(KeyboardInterrupt):
        rbm.fit(X, epochs=3, seed=1)
    for was, now in zip(before, (rbm.weights, rbm.visible_bias, rbm.hidden_bias)):
        np.testing.assert_array_equal(was, now)


def test_an_rbm_history_counts_epochs_and_records_a_loss():
    X = (np.random.default_rng(1).random((20, 6)) < 0.5).astype(float)
    history = ns.RBM(6, 3, seed=0).fit(X, epochs=3, seed=0)
    assert history.epochs == 3 and len(history.loss) == 3
    assert history.loss == [-v for v in history["pseudo_likelihood"]]
    quiet = ns.RBM(6, 3, seed=0).fit(X, epochs=4, seed=0, monitor=False)
    assert quiet.epochs == 4 and quiet.loss == []


def test_the_old_path_name_neurons_still_works_with_a_deprecation_warning():
    rbm = ns.RBM(4, 2, seed=0)
    start = [[1.0, 0.0, 1.0, 0.0]] * 3
    with pytest.warns(DeprecationWarning, match="path='graph'"):
        old = rbm.gibbs(start, seed=1, path="neurons")
    np.testing.assert_array_equal(old, rbm.gibbs(start, seed=1, path="graph"))
