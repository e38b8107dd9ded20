"""The self-organising map against MiniSom (the same starting weights and sample order),
against maps built by hand, and against bad input."""

import numpy as np
import pytest

import neurosim as ns
from neurosim.errors import ParameterError, ShapeError, UnknownNameError

minisom = pytest.importorskip("minisom")

CASES = [
    ("gaussian", "rectangular", 1.3),
    ("gaussian", "hexagonal", 1.3),
    ("mexican_hat", "rectangular", 1.1),
    ("mexican_hat", "hexagonal", 1.1),
    ("bubble", "rectangular", 2.0),
    ("bubble", "hexagonal", 2.0),
    ("triangle", "rectangular", 2.0),
]


def data_sets():
    rng = np.random.default_rng(0)
    uniform = rng.random((120, 3))
    blobs, _ = (
        ns.datasets.blobs(150, centers=4, seed=1)
        if hasattr(ns.datasets, "blobs")
        else (rng.normal(size=(150, 2)), None)
    )
    from sklearn.datasets import load_digits

    digits = load_digits().data[:200] / 16.0
    return {"uniform": uniform, "blobs": np.asarray(blobs, float), "digits": digits}


def twins(X, neighborhood, topology, sigma, rows=6, cols=5):
    theirs = minisom.MiniSom(
        rows, cols, X.shape[1], sigma=sigma, learning_rate=0.4,
        neighborhood_function=neighborhood, topology=topology, random_seed=1,
    )  # fmt: skip
    ours = ns.SOM(
        rows, cols, X.shape[1], sigma=sigma, learning_rate=0.4,
        neighborhood=neighborhood, topology=topology, seed=0,
    )  # fmt: skip
    ours.set_parameters(theirs.get_weights())
    return ours, theirs


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("neighborhood, topology, sigma", CASES)
def test_a_thousand_updates_in_order_equal_minisom(neighborhood, topology, sigma):
    X = data_sets()["uniform"]
    ours, theirs = twins(X, neighborhood, topology, sigma)
    theirs.train(X, 1000, random_order=False)
    history = ours.fit(X, iterations=1000, random_order=False)
    np.testing.assert_allclose(ours.weights, theirs.get_weights(), rtol=0, atol=1e-12)
    assert history.epochs == 9  # 8 passes of 120 and the 40 left over
    assert ours.quantization_error(X) == pytest.approx(
        theirs.quantization_error(X), abs=1e-12
    )
    assert ours.topographic_error(X) == theirs.topographic_error(X)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("neighborhood, topology, sigma", CASES[::2])
def test_minisoms_random_order_gives_minisoms_weights(neighborhood, topology, sigma):
    X = data_sets()["uniform"]
    ours, theirs = twins(X, neighborhood, topology, sigma)
    theirs.train(X, 1000, random_order=True)
    # MiniSom's order: the sample indices shuffled by its RandomState, after
    # the draw of its initial weights
    state = np.random.RandomState(1)
    state.rand(6, 5, X.shape[1])
    order = np.arange(1000) % len(X)
    state.shuffle(order)
    ours.fit(X, order=order)
    np.testing.assert_allclose(ours.weights, theirs.get_weights(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", ["uniform", "blobs", "digits"])
def test_quantization_and_topographic_errors_equal_minisoms(name):
    X = data_sets()[name]
    ours, theirs = twins(X, "gaussian", "rectangular", 1.5, rows=7, cols=7)
    theirs.train(X, 500, random_order=False)
    ours.fit(X, iterations=500, random_order=False)
    assert ours.quantization_error(X) == pytest.approx(
        theirs.quantization_error(X), abs=1e-12
    )
    assert ours.topographic_error(X) == theirs.topographic_error(X)
    assert ours.topographic_error(X, neighbours=8) == theirs.topographic_error(X)


def test_errors_of_a_map_built_by_hand():
    som = ns.SOM(1, 3, 1, seed=0)
    som.set_parameters([[[0.0], [1.0], [2.0]]])
    X = np.array([[0.1], [0.9], [2.5], [1.6]])
    # winners 0, 1, 2, 2 at distances 0.1, 0.1, 0.5, 0.4
    assert som.quantization_error(X) == pytest.approx(0.275)
    # the second nearest: 1, 0, 1, 1: always a neighbour
    assert som.topographic_error(X) == 0.0
    diagonal = ns.SOM(2, 2, 2, seed=0)
    diagonal.set_parameters([[[0.0, 0.0], [5.0, 5.0]], [[9.0, 9.0], [0.2, 0.2]]])
    X = np.array([[0.1, 0.1], [8.0, 8.0]])
    # sample 0: nearest (0, 0) then (1, 1), a diagonal step; sample 1: (1, 0) then (0, 1)
    assert (
        diagonal.topographic_error(X, neighbours=8) == 0.0
    )  # MiniSom counts diagonals
    assert diagonal.topographic_error(X, neighbours=4) == 1.0  # the grid's edges do not


def test_the_neighbourhoods_by_hand():
    som = ns.SOM(3, 3, 1, sigma=1.0, seed=0)
    h = som.shares((1, 1), 1.0)
    assert h[1, 1] == 1.0 and h[0, 1] == pytest.approx(np.exp(-0.5))
    assert h[0, 0] == pytest.approx(np.exp(-1.0))
    som.neighborhood = "triangle"
    assert som.shares((1, 1), 2.0)[0, 0] == 1.0  # (2 − 1)·(2 − 1)
    som.neighborhood = "bubble"
    assert som.shares((0, 0), 1.5).tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]


def test_the_grid_is_a_networkx_graph():
    assert ns.SOM(3, 4, 2, seed=0).graph.number_of_edges() == 17  # 3·3 + 2·4
    hexagonal = ns.SOM(3, 3, 2, topology="hexagonal", seed=0).graph
    assert max(d for _, d in hexagonal.degree) == 6


def test_the_same_seed_gives_the_same_map():
    X = data_sets()["uniform"]
    a, b = ns.SOM(4, 4, 3, seed=5), ns.SOM(4, 4, 3, seed=5)
    a.fit(X, epochs=2, seed=3)
    b.fit(X, epochs=2, seed=3)
    assert np.array_equal(a.weights, b.weights)


def test_bad_input_is_refused_and_changes_nothing():
    som = ns.SOM(3, 3, 2, seed=0)
    before = som.weights.copy()
    with pytest.raises(ShapeError, match=r"\(n_samples, 2\)"):
        som.fit(np.zeros((5, 3)))
    with pytest.raises(ns.DataError, match="non-finite"):
        som.fit([[0.0, np.nan]])
    with pytest.raises(ShapeError, match="2 values"):
        som.winner([1.0, 2.0, 3.0])
    with pytest.raises(ShapeError, match="indices"):
        som.fit(np.zeros((5, 2)), order=[0, 7])
    assert np.array_equal(som.weights, before)
    with pytest.raises(ParameterError, match="sigma"):
        ns.SOM(3, 3, 2, sigma=0.0)
    with pytest.raises(ShapeError, match="at least 2 units"):
        ns.SOM(1, 1, 2)
    with pytest.raises(UnknownNameError, match="gaussian"):
        ns.SOM(3, 3, 2, neighborhood="gausian")


def test_a_raising_callback_puts_the_map_back():
    som = ns.SOM(3, 3, 2, seed=0)
    before = som.weights.copy()

    def stop(epoch, history, model):
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        som.fit(np.random.default_rng(0).random((20, 2)), epochs=3, callbacks=[stop])
    assert np.array_equal(som.weights, before)


@pytest.mark.parametrize("topology", ["rectangular", "hexagonal"])
def test_pca_start_distance_map_and_hits_equal_minisoms(topology):
    X = data_sets()["digits"]
    theirs = minisom.MiniSom(8, 7, 64, sigma=2.0, learning_rate=0.5, topology=topology)
    ours = ns.SOM(8, 7, 64, sigma=2.0, learning_rate=0.5, topology=topology, seed=0)
    theirs.pca_weights_init(X)
    ours.initialize(X, "pca")
    np.testing.assert_array_equal(ours.weights, theirs.get_weights())
    theirs.train(X, 300)
    ours.fit(X, iterations=300, random_order=False)
    for scaling in ("sum", "mean"):
        np.testing.assert_allclose(
            ours.distance_map(scaling), theirs.distance_map(scaling), rtol=0, atol=1e-12
        )
    np.testing.assert_array_equal(
        ours.activation_response(X), theirs.activation_response(X)
    )
    labels = np.arange(len(X)) % 3
    assert ours.labels_map(X, labels) == dict(theirs.labels_map(X, labels))
    assert {k: list(v) for k, v in ours.win_map(X, indices=True).items()} == {
        k: list(v) for k, v in theirs.win_map(X, return_indices=True).items()
    }


def test_explain_tells_one_update_and_changes_nothing():
    som = ns.SOM(3, 3, 2, sigma=1.0, learning_rate=0.5, seed=0)
    before = som.weights.copy()
    text = som.explain([0.3, -0.2], t=10, total=20)
    winner = som.winner([0.3, -0.2])
    assert text.startswith(f"unit {winner} won")
    assert "η = 0.25, σ = 0.5 (asymptotic decay)" in text  # both halved at t = T/2
    assert np.array_equal(som.weights, before)


def test_files_keep_the_map_byte_for_byte(tmp_path):
    som = ns.SOM(
        3, 4, 2, sigma=1.5, neighborhood="bubble", topology="hexagonal", seed=0
    )
    som.fit(np.random.default_rng(0).random((20, 2)), epochs=2, seed=0)
    ns.save(som, tmp_path / "som.json")
    back = ns.load(tmp_path / "som.json")
    assert np.array_equal(back.weights, som.weights) and repr(back) == repr(som)
    ns.save(back, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == (
        tmp_path / "som.json"
    ).read_bytes()
    text = (tmp_path / "som.json").read_text()
    (tmp_path / "bad.json").write_text(text.replace('"rows": 3', '"rows": 30'))
    with pytest.raises(ns.FormatError, match="weights"):
        ns.load(tmp_path / "bad.json")


def test_networkx_graphml_and_the_command_line(tmp_path, capsys):
    import networkx as nx
    from PIL import Image

    from neurosim import cli

    som = ns.SOM(2, 3, 2, seed=0)
    graph = ns.io.to_networkx(som)
    assert (
        graph.number_of_edges() == 7
        and graph.nodes["1,2"]["w1"] == som.weights[1, 2, 1]
    )
    ns.io.write_graphml(som, tmp_path / "som.graphml")
    assert nx.read_graphml(tmp_path / "som.graphml").number_of_nodes() == 6
    ns.save(som, tmp_path / "som.json")
    assert cli.main(["info", str(tmp_path / "som.json")]) == 0
    assert "6 units" in capsys.readouterr().out
    assert (
        cli.main(["draw", str(tmp_path / "som.json"), "-o", str(tmp_path / "som.png")])
        == 0
    )
    with Image.open(tmp_path / "som.png") as image:
        assert image.size[0] > 100


@pytest.mark.parametrize("neighborhood, topology, sigma", CASES)
def test_the_unit_by_unit_path_gives_the_same_numbers(neighborhood, topology, sigma):
    X = data_sets()["uniform"][:40]
    matrix = ns.SOM(
        4, 5, 3, sigma=sigma, neighborhood=neighborhood, topology=topology, seed=0
    )
    graph = ns.SOM(
        4, 5, 3, sigma=sigma, neighborhood=neighborhood, topology=topology, seed=0
    )
    matrix.fit(X, epochs=3, seed=1)
    graph.fit(X, epochs=3, seed=1, path="graph")
    assert np.array_equal(matrix.weights, graph.weights)


@pytest.mark.parametrize("neighborhood, sigma", [("gaussian", 1.5), ("triangle", 2.0)])
def test_batch_training_equals_minisoms_offline_batch(neighborhood, sigma):
    X = data_sets()["uniform"][:80]
    ours, theirs = twins(X, neighborhood, "rectangular", sigma, rows=5, cols=4)
    theirs.train_batch_offline(X, 20)
    history = ours.fit_batch(X, 20)
    np.testing.assert_allclose(ours.weights, theirs.get_weights(), rtol=0, atol=1e-12)
    assert history.epochs == 20 and history.loss[-1] < history.loss[0]


@pytest.mark.parametrize(
    "decay, theirs",
    [("linear", ("linear_decay_to_zero", "linear_decay_to_one")),
     ("inverse", ("inverse_decay_to_zero", "inverse_decay_to_one"))],
)  # fmt: skip
def test_the_other_decays_equal_minisoms(decay, theirs):
    X = data_sets()["uniform"]
    their_som = minisom.MiniSom(
        6, 5, 3, sigma=2.0, learning_rate=0.4, decay_function=theirs[0],
        sigma_decay_function=theirs[1], random_seed=1,
    )  # fmt: skip
    ours = ns.SOM(6, 5, 3, sigma=2.0, learning_rate=0.4, decay=decay, seed=0)
    ours.set_parameters(their_som.get_weights())
    their_som.train(X, 500, random_order=False)
    ours.fit(X, iterations=500, random_order=False)
    np.testing.assert_allclose(
        ours.weights, their_som.get_weights(), rtol=0, atol=1e-12
    )
