"""The vectorised backend against the object backend, its independent oracle.

The two backends share no propagation code: the object backend walks the graph
neuron by neuron, the compiled one multiplies matrices. They must agree to
float64 round-off on outputs, gradients and whole training runs. Round-off
differs because sums are taken in a different order (BLAS vs left to right);
the tolerances below are a few hundred ulps, far below any real discrepancy (a
wrong or missing term changes a number in its leading digits).
"""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import neurosim as ns

from .conftest import (
    DIFFERENTIABLE,
    LOSSES,
    analytic_gradients,
    random_dag,
    random_targets,
    snapshot,
)

seeds = st.integers(0, 2**32 - 1)
hidden_activations = st.sampled_from([None, *DIFFERENTIABLE])  # None: mixed at random
OPTIMIZERS = {
    "sgd": lambda: ns.SGD(lr=0.1),
    "momentum": lambda: ns.Momentum(lr=0.05, momentum=0.9),
    "adam": lambda: ns.Adam(lr=0.01),
    "correction": lambda: ns.Correction(lr=0.05, correction=0.1),
}


def assert_agree(expected, actual, rtol):
    """Elementwise relative agreement; values that cancel to ~0 may differ by
    round-off of the largest value instead (1e-14 of it)."""
    expected, actual = np.asarray(expected, float), np.asarray(actual, float)
    floor = 1e-14 * np.max(np.abs(expected), initial=0.0)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=floor)


def parameters(net: ns.Network) -> dict:
    values = {("w", *c.key): c.weight for c in net.connections}
    values.update({("b", n.name): n.bias for n in net.neurons if not n.is_input})
    return values


def data_for(net, loss, seed, batch):
    rng = np.random.default_rng(seed + 1)
    X = rng.uniform(-1, 1, size=(batch, len(net.inputs)))
    return X, random_targets(loss, rng, (batch, len(net.outputs)))


# ---------------------------------------------------------------- agreement


@given(
    seed=seeds,
    activation=hidden_activations,
    loss=st.sampled_from(LOSSES),
    batch=st.integers(1, 6),
)
def test_compiled_forward_equals_object_forward(seed, activation, loss, batch):
    net = random_dag(seed, activation=activation, loss=loss, max_hidden=10)
    X, _ = data_for(net, loss, seed, batch)
    assert_agree(net.forward(X), net.compile().forward(X), rtol=1e-12)
    assert_agree(net.forward(X[0]), net.compile().forward(X[0]), rtol=1e-12)


@given(
    seed=seeds,
    activation=hidden_activations,
    loss=st.sampled_from(LOSSES),
    batch=st.integers(1, 6),
)
def test_compiled_gradients_equal_object_gradients(seed, activation, loss, batch):
    net = random_dag(seed, activation=activation, loss=loss, max_hidden=10)
    X, T = data_for(net, loss, seed, batch)
    net.forward(X)
    object_loss = net.backward(T, loss=loss)
    expected = analytic_gradients(net)

    cnet = net.compile()
    cnet.forward(X)
    compiled_loss = cnet.backward(T, loss=loss)
    cnet.write_back(gradients=True)
    actual = analytic_gradients(net)

    assert compiled_loss == pytest.approx(object_loss, rel=1e-12)
    keys = sorted(expected)
    assert_agree([expected[k] for k in keys], [actual[k] for k in keys], rtol=1e-10)


@given(
    seed=seeds,
    activation=hidden_activations,
    loss=st.sampled_from(LOSSES),
    optimizer=st.sampled_from(sorted(OPTIMIZERS)),
    batch_size=st.sampled_from([1, 3, None]),
)
def test_fit_gives_the_same_weights_in_both_backends(
    seed, activation, loss, optimizer, batch_size
):
    nets = [
        random_dag(seed, activation=activation, loss=loss, max_hidden=8)
        for _ in range(2)
    ]
    X, T = data_for(nets[0], loss, seed, batch=10)
    histories = [
        net.fit(
            X,
            T,
            epochs=5,
            loss=loss,
            optimizer=OPTIMIZERS[optimizer](),
            batch_size=batch_size,
            seed=seed,
            backend=backend,
        )
        for net, backend in zip(nets, ["object", "vectorized"])
    ]
    expected, actual = parameters(nets[0]), parameters(nets[1])
    untrained = parameters(
        random_dag(seed, activation=activation, loss=loss, max_hidden=8)
    )
    # Only a run that moved the weights compares anything (a dead relu output can stall it).
    assume(any(expected[k] != value for k, value in untrained.items()))
    keys = sorted(expected)
    assert_agree([expected[k] for k in keys], [actual[k] for k in keys], rtol=1e-10)
    assert_agree(histories[0].loss, histories[1].loss, rtol=1e-10)


def test_compiled_training_is_visible_in_the_graph_without_write_back():
    X, Y = ns.datasets.xor()
    net = ns.Network.layered(
        [2, 4, 1], activation="tanh", output_activation="sigmoid", seed=3
    )
    before = net.predict(X)
    cnet = net.compile()
    cnet.fit(X, Y, epochs=300, optimizer=ns.Adam(lr=0.05), batch_size=2, seed=1)
    # No write_back: the graph reads the compiled network's values.
    assert_agree(cnet.predict(X), net.predict(X), rtol=1e-12)
    assert not np.allclose(before, net.predict(X))  # the weights did change
    weights = cnet.blocks[0].weight
    assert net.connection("x2", "h1_3").weight == weights[1, 2]
    cnet.write_back()  # harmless: nothing changes
    assert net.connection("x2", "h1_3").weight == weights[1, 2]


def test_step_after_backward_matches_the_object_step():
    net = ns.Network.layered([3, 4, 2], activation="softplus", seed=0)
    X = np.array([[0.1, -0.2, 0.3], [1.0, 0.5, -0.5]])
    T = np.array([[0.0, 1.0], [1.0, 0.0]])
    cnet = net.compile()
    for model in (cnet, net):
        model.forward(X)
        model.backward(T, loss="sse")
        model.step(lr=0.3)
    assert_agree(net.predict(X), cnet.predict(X), rtol=1e-12)


# ---------------------------------------------------------------- structure


def test_layered_mlp_compiles_to_one_dense_block_per_layer_without_copies():
    net = ns.Network.layered([5, 4, 3, 2], activation="relu", seed=0)
    cnet = net.compile()
    layers = [net.inputs, net.hidden[:4], net.hidden[4:], net.outputs]
    assert len(cnet.blocks) == 3
    for block, sources, neurons in zip(cnet.blocks, layers, layers[1:]):
        assert block.sources == tuple(sources)
        assert block.neurons == tuple(neurons)
        assert block.mask is None
        assert block.weight.shape == (len(sources), len(neurons))
        assert [p.columns for p in block.pieces] == [None]  # whole layer: no gather
    assert cnet.blocks[0].weight[2, 1] == net.connection("x3", "h1_2").weight


def test_partial_connectivity_is_masked_and_absent_weights_stay_zero():
    net = ns.Network.layered([3, 3, 1], activation="tanh", seed=0)
    net.disconnect("x1", "h1_2")
    net.disconnect("x3", "h1_1")
    cnet = net.compile()
    first = cnet.blocks[0]
    assert first.mask is not None and first.mask.sum() == 7
    X = np.random.default_rng(0).normal(size=(8, 3))
    cnet.fit(X, X[:, :1], epochs=20, optimizer=ns.Adam(lr=0.05), batch_size=4, seed=0)
    assert first is cnet.blocks[0]
    assert np.all(cnet.blocks[0].weight[~first.mask] == 0.0)
    assert np.all(cnet.blocks[0].weight[first.mask] != 0.0)


def test_one_level_with_two_activations_makes_two_blocks():
    net = ns.Network(seed=0)
    net.add_input("x")
    net.add_neuron("a", activation="tanh")
    net.add_neuron("b", activation="relu")
    net.add_neuron("c", activation="tanh")
    net.add_output("y", activation="identity")
    for hidden in "abc":
        net.connect("x", hidden)
        net.connect(hidden, "y")
    cnet = net.compile()
    assert [
        (b.level, b.activation.name, [n.name for n in b.neurons]) for b in cnet.blocks
    ] == [
        (1, "tanh", ["a", "c"]),
        (1, "relu", ["b"]),
        (2, "identity", ["y"]),
    ]
    assert [n.name for n in cnet.blocks[2].sources] == ["a", "c", "b"]
    assert_agree(net.forward([0.7]), cnet.forward([0.7]), rtol=1e-12)


def test_unfed_neurons_dead_ends_and_outputs_in_any_order_agree():
    """A neuron fed by nothing (net = bias), one that feeds nothing, outputs
    added deepest-first and an output that also feeds another output."""
    net = ns.Network(seed=0)
    net.add_input("x1")
    net.add_input("x2")
    net.add_output("deep", activation="sigmoid", bias=0.1)
    net.add_neuron("unfed", activation="tanh", bias=0.8)
    net.add_neuron("h", activation="softplus", bias=-0.2)
    net.add_neuron("dead_end", activation="sigmoid", bias=0.3)
    net.add_output("shallow", activation="identity", bias=0.5)
    for source, target, weight in [
        ("x1", "h", 0.5), ("x2", "h", -1.0), ("unfed", "h", 2.0), ("h", "deep", 1.5),
        ("x2", "shallow", 0.7), ("shallow", "deep", -0.4), ("h", "dead_end", 0.9),
    ]:  # fmt: skip
        net.connect(source, target, weight=weight)
    X = np.array([[0.2, -0.3], [1.0, 0.4], [-0.5, 0.5]])
    T = np.array([[0.5, 0.1], [0.9, -0.2], [0.1, 0.3]])
    net.forward(X)
    net.backward(T, loss="mse")
    expected = analytic_gradients(net)
    cnet = net.compile()
    assert_agree(net.forward(X), cnet.forward(X), rtol=1e-12)
    cnet.backward(T, loss="mse")
    cnet.write_back(gradients=True)
    actual = analytic_gradients(net)
    assert actual[("w", "h", "dead_end")] == 0.0
    keys = sorted(expected)
    assert_agree([expected[k] for k in keys], [actual[k] for k in keys], rtol=1e-10)


def test_repr_counts_blocks_levels_and_parameters():
    net = ns.Network.layered([2, 3, 1], seed=0)
    assert repr(net.compile(dtype="float32")) == (
        "CompiledNetwork(2 blocks on 2 levels, 13 parameters, float32)"
    )
    assert "3 neurons <- 2 sources, dense" in repr(net.compile().blocks[0])


# ---------------------------------------------------------------- float32


def test_float32_runs_in_float32_and_stays_close_to_float64():
    # Two identical networks: two views of one network would share their values.
    net, twin = (
        ns.Network.layered(
            [4, 8, 3], activation="relu", output_activation="identity", seed=0
        )
        for _ in range(2)
    )
    X = np.random.default_rng(0).uniform(size=(16, 4))
    Y = np.eye(3)[np.arange(16) % 3]
    c64, c32 = net.compile(), twin.compile(dtype=np.float32)
    assert c32.forward(X).dtype == np.float32
    assert_agree(c64.forward(X), c32.forward(X), rtol=1e-5)
    for cnet in (c64, c32):
        cnet.fit(
            X,
            Y,
            epochs=10,
            loss="cross_entropy",
            optimizer=ns.Adam(lr=0.01),
            batch_size=4,
            seed=0,
        )
    assert all(
        b.weight.dtype == np.float32 and b.bias.dtype == np.float32 for b in c32.blocks
    )
    assert all(b.weight_grad.dtype == np.float32 for b in c32.blocks)
    assert_agree(c64.blocks[0].weight, c32.blocks[0].weight, rtol=1e-3)


# ---------------------------------------------------------------- staleness


@pytest.mark.parametrize(
    "edit",
    [
        lambda net: net.add_neuron("extra"),
        lambda net: net.connect("x1", "y1"),
        lambda net: net.disconnect("x1", "h1_1"),
        lambda net: net.remove_neuron("h1_2"),
        lambda net: (net.add_neuron("extra"), net.connect("x1", "extra")),
    ],
    ids=["add neuron", "connect", "disconnect", "remove neuron", "add and connect"],
)
def test_editing_the_graph_makes_the_compiled_network_refuse_to_run(edit):
    net = ns.Network.layered([2, 2, 1], seed=0)
    cnet = net.compile()
    edit(net)
    X, Y = ns.datasets.xor()
    for call in (
        lambda: cnet.forward(X),
        lambda: cnet.fit(X, Y, epochs=1),
        lambda: cnet.write_back(),
        lambda: cnet.backward(Y),
    ):
        with pytest.raises(
            ns.StaleNetworkError, match=r"compile again with net\.compile\(\)"
        ):
            call()
    # the vectorised fit compiles afresh, so it sees the edit
    net.fit(X, Y, epochs=2, seed=0, backend="vectorized")


def test_an_edit_through_the_graph_after_compiling_is_used():
    net = ns.Network.layered([2, 2, 1], activation="sigmoid", seed=0)
    cnet = net.compile()
    net.connection("x1", "h1_1").weight = 5.0
    net["y1"].bias = -0.5
    assert_agree(cnet.forward([1.0, 0.5]), net.forward([1.0, 0.5]), rtol=1e-15)
    assert_agree(
        cnet.forward([1.0, 0.5]), net.compile().forward([1.0, 0.5]), rtol=1e-15
    )


def test_no_edit_is_lost_between_compiled_training_and_the_graph():
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 3, 1], seed=0)
    cnet = net.compile()
    cnet.fit(X, Y, epochs=20, lr=0.5, seed=0)
    trained = cnet.blocks[1].weight.copy()
    # An edit through the graph starts from the trained values ...
    net.connection("h1_1", "y1").weight = 7.0
    assert net.connection("h1_2", "y1").weight == trained[1, 0]
    # ... and the compiled network uses it, keeping the rest of its training.
    assert (
        cnet.blocks[1].weight[0, 0] != 7.0
    )  # not yet reloaded: lazily, on the next call
    cnet.forward([0.0, 1.0])
    assert cnet.blocks[1].weight[:, 0].tolist() == [7.0, *trained[1:, 0].tolist()]
    cnet.write_back()  # harmless, and it must not revert the edit
    assert net.connection("h1_1", "y1").weight == 7.0


def test_two_compiled_networks_hand_over_the_newest_values():
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 3, 1], seed=0)
    first, second = net.compile(), net.compile()
    first.fit(X, Y, epochs=10, lr=0.5, seed=0)
    assert_agree(second.forward(X), first.forward(X), rtol=1e-15)
    second.fit(X, Y, epochs=10, lr=0.5, seed=1)
    assert_agree(first.forward(X), second.forward(X), rtol=1e-15)
    assert_agree(net.forward(X), second.forward(X), rtol=1e-12)


def test_an_activation_swap_after_compiling_cannot_be_computed_stale():
    net = ns.Network.layered([2, 2, 1], seed=0)
    cnet = net.compile()
    net["h1_1"].activation = "relu"
    with pytest.raises(
        ns.StaleNetworkError, match="activation was replaced.*compile again"
    ):
        cnet.forward([1.0, 0.0])
    assert_agree(net.compile().forward([1.0, 0.0]), net.forward([1.0, 0.0]), rtol=1e-15)


def test_graph_backward_after_compiled_training_asks_for_a_new_forward():
    X, Y = ns.datasets.xor()
    net = ns.Network.layered([2, 2, 1], seed=0)
    net.forward([1.0, 0.0])
    net.compile().fit(X, Y, epochs=2, lr=0.5, seed=0)
    with pytest.raises(ns.StateError, match="forward"):
        net.backward([1.0])


# ---------------------------------------------------------------- errors and state


def test_forward_returns_a_copy_not_the_compiled_state():
    net = ns.Network.layered([2, 1], activation="identity", seed=0)
    cnet = net.compile()
    out = cnet.forward([[1.0, 2.0]])
    out[:] = 100.0
    assert cnet.backward([[0.0]], loss="sse") < 100.0


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda c: c.backward([0.0]), ns.StateError, "forward pass"),
        (lambda c: c.step(), ns.StateError, "needs gradients"),
        (lambda c: c.write_back(gradients=True), ns.StateError, "no gradients"),
        (lambda c: c.forward([1.0, 2.0, 3.0]), ns.ShapeError, "2"),
        (lambda c: c.forward([1.0, np.nan]), ns.DataError, "NaN"),
        (
            lambda c: c.fit([[0.0, 1.0]], [[1.0]], loss="cross_entropy"),
            ns.ParameterError,
            "identity",
        ),
    ],
)
def test_bad_calls_raise_clear_errors_and_change_nothing(call, error, match):
    net = ns.Network.layered([2, 2, 1], seed=0)
    before = snapshot(net)
    cnet = net.compile()
    weights = [b.weight.copy() for b in cnet.blocks]
    with pytest.raises(error, match=match):
        call(cnet)
    assert all(np.array_equal(w, b.weight) for w, b in zip(weights, cnet.blocks))
    assert snapshot(net) == before


def test_backward_target_shape_must_match_the_forward_pass():
    cnet = ns.Network.layered([2, 1], seed=0).compile()
    cnet.forward([[0.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ns.ShapeError, match="batch of 2"):
        cnet.backward([[1.0]])


@pytest.mark.parametrize("dtype", [np.int64, "float16", "banana", complex])
def test_compile_accepts_only_float64_and_float32(dtype):
    with pytest.raises(ns.ParameterError, match="float64 or numpy.float32"):
        ns.Network.layered([2, 1], seed=0).compile(dtype=dtype)


def test_unknown_backend_is_refused_and_nothing_changes():
    net = ns.Network.layered([2, 2, 1], seed=0)
    before = snapshot(net)
    with pytest.raises(ns.ParameterError, match="'object'.*'vectorized'"):
        net.fit(*ns.datasets.xor(), backend="gpu")
    assert snapshot(net) == before


def test_vectorized_divergence_is_reported_and_the_graph_keeps_its_weights():
    net = ns.Network.layered([2, 3, 1], activation="identity", seed=0)
    before = snapshot(net)
    X, Y = ns.datasets.xor()
    with pytest.raises(ns.NumericalError, match="diverged"):
        net.fit(X * 1e3, Y, epochs=50, lr=10.0, backend="vectorized")
    assert snapshot(net) == before


def test_compiling_an_unfinished_network_names_the_problem():
    net = ns.Network()
    net.add_input("x")
    with pytest.raises(ns.TopologyError, match="output"):
        net.compile()
