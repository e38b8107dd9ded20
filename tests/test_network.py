"""Building, looking up and validating networks; every bad input leaves the network as it was."""

import networkx as nx
import numpy as np
import pytest

import neurosim as ns

from .conftest import deep_snapshot, snapshot


def small_net():
    net = ns.Network(seed=0)
    net.add_input("x1")
    net.add_input("x2")
    net.add_neuron("h1", activation="tanh", bias=0.1)
    net.add_output("y", activation="sigmoid", bias=-0.2)
    net.connect("x1", "h1", weight=0.5)
    net.connect("x2", "h1", weight=-0.4)
    net.connect("h1", "y", weight=1.5)
    net.connect("x1", "y", weight=0.3)  # a skip connection
    return net


X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y4 = np.array([[0.0], [1.0], [1.0], [0.0]])

# (what is wrong, the call, the error type, words the message must contain)
BAD_CALLS = [
    ("input too short", lambda n: n.forward([1.0]), ns.ShapeError, r"has 1 values but the network has 2"),
    ("input too long", lambda n: n.forward([1.0, 2.0, 3.0]), ns.ShapeError, r"pass 2 value"),
    ("batch too narrow", lambda n: n.forward(np.ones((3, 1))), ns.ShapeError, r"\(batch, 2\).*\(3, 1\)"),
    # (batch, T, 2) sequences go through step by step; a wrong width does not
    ("3-d input", lambda n: n.forward(np.ones((2, 2, 3))), ns.ShapeError, r"shape \(2, 2, 3\)"),
    ("4-d input", lambda n: n.forward(np.ones((2, 2, 2, 2))), ns.ShapeError, r"shape \(2, 2, 2, 2\)"),
    ("ragged input", lambda n: n.forward([[1.0, 2.0], [1.0]]), ns.ShapeError, r"same length"),
    ("NaN input", lambda n: n.forward([1.0, float("nan")]), ns.DataError, r"non-finite value \(nan\) at index \(1,\)"),
    ("inf input", lambda n: n.forward([[0.0, 1.0], [float("inf"), 0.0]]), ns.DataError, r"at index \(1, 0\)"),
    ("text input", lambda n: n.forward(["a", "b"]), ns.DataError, r"real numbers only; found 'a'"),
    ("None input", lambda n: n.forward([None, 1.0]), ns.DataError, r"real numbers only; found None"),
    ("target too long", lambda n: (n.forward([1.0, 0.0]), n.backward([1.0, 0.0]))[1], ns.ShapeError, r"target has 2 values but the network has 1"),
    ("batch target for one sample", lambda n: (n.forward([1.0, 0.0]), n.backward([[1.0], [0.0]]))[1], ns.ShapeError, r"last forward pass was one sample"),
    ("NaN target", lambda n: (n.forward([1.0, 0.0]), n.backward([float("nan")]))[1], ns.DataError, r"target contains a non-finite"),
    ("backward before forward", lambda n: n.backward([1.0]), ns.StateError, r"call forward\(x\) first"),
    ("step before backward", lambda n: n.step(0.1), ns.StateError, r"call forward\(x\) and backward\(target\)"),
    ("unknown neuron", lambda n: n["h2"], ns.UnknownNameError, r"unknown neuron 'h2' \(did you mean .*'h1'"),
    ("unknown neuron in connect", lambda n: n.connect("x1", "hh1"), ns.UnknownNameError, r"did you mean 'h1'"),
    ("unknown connection", lambda n: n.connection("x2", "y"), ns.UnknownNameError, r"unknown connection 'x2 -> y'"),
    ("duplicate neuron", lambda n: n.add_neuron("h1"), ns.DuplicateNameError, r"already a neuron called 'h1' \(hidden\)"),
    ("duplicate input", lambda n: n.add_input("y"), ns.DuplicateNameError, r"already a neuron called 'y'"),
    ("empty name", lambda n: n.add_neuron(""), ns.ParameterError, r"non-empty string"),
    ("duplicate connection", lambda n: n.connect("x1", "h1", 2.0), ns.DuplicateNameError, r"already connected.*\.weight = "),
    ("self-loop", lambda n: n.connect("h1", "h1"), ns.TopologyError, r"to itself"),
    ("cycle", lambda n: n.connect("y", "h1"), ns.CycleError, r"close the cycle h1 -> y -> h1"),
    ("into an input", lambda n: n.connect("h1", "x2"), ns.TopologyError, r"'x2' is an input neuron"),
    ("unknown activation", lambda n: n.add_neuron("h2", activation="sigmiod"), ns.UnknownNameError, r"did you mean 'sigmoid'.*'relu'"),
    ("unknown loss", lambda n: (n.forward([1.0, 0.0]), n.backward([1.0], loss="cross_entropi"))[1], ns.UnknownNameError, r"did you mean 'cross_entropy'.*'mse'"),
    ("cross_entropy on sigmoid outputs", lambda n: n.fit(X4, Y4, loss="cross_entropy"), ns.ParameterError, r"output_activation='identity'"),
    ("X and Y lengths", lambda n: n.fit(X4, Y4[:3]), ns.ShapeError, r"X has 4 samples but Y has 3"),
    ("Y too wide", lambda n: n.fit(X4, np.ones((4, 2))), ns.ShapeError, r"shape \(n_samples, 1\).*\(4, 2\)"),
    ("NaN in X", lambda n: n.fit(np.where(X4 == 1, np.nan, X4), Y4), ns.DataError, r"training inputs X contains a non-finite"),
    ("zero lr", lambda n: n.fit(X4, Y4, lr=0.0), ns.ParameterError, r"learning rate lr must be positive"),
    ("negative lr in step", lambda n: (n.forward([1.0, 0.0]), n.backward([1.0]), n.step(-1.0))[2], ns.ParameterError, r"positive"),
    ("zero epochs", lambda n: n.fit(X4, Y4, epochs=0), ns.ParameterError, r"epochs must be a whole number >= 1"),
    ("float epochs", lambda n: n.fit(X4, Y4, epochs=2.5), ns.ParameterError, r"epochs must be a whole number"),
    ("zero batch size", lambda n: n.fit(X4, Y4, batch_size=0), ns.ParameterError, r"batch_size"),
    ("bad validation data", lambda n: n.fit(X4, Y4, validation_data=X4), ns.ParameterError, r"pair \(X_val, Y_val\)"),
    ("lr with optimizer", lambda n: n.fit(X4, Y4, lr=0.1, optimizer=ns.Adam(0.01)), ns.ParameterError, r"only one of them"),
    ("bad bias", lambda n: n.add_output("z", bias=float("nan")), ns.ParameterError, r"must be finite"),
    ("control character in a name", lambda n: n.add_neuron("h\x002"), ns.ParameterError, r"control characters; 'h\\x002' has '\\x00' at position 1"),
    ("newline in an input's name", lambda n: n.add_input("x\n3"), ns.ParameterError, r"control characters"),
    ("optimizer by name in step", lambda n: (n.forward([1.0, 0.0]), n.backward([1.0]), n.step(optimizer="adam"))[2], ns.ParameterError, r"Optimizer object, not the name 'adam'.*ns\.Adam"),
    ("negative seed in fit", lambda n: n.fit(X4, Y4, seed=-1), ns.ParameterError, r"seed must be None, a whole number >= 0.*got -1"),
    ("float seed in fit", lambda n: n.fit(X4, Y4, seed=1.5), ns.ParameterError, r"seed must be.*got 1\.5"),
    ("text seed in initialize", lambda n: n.initialize(seed="a"), ns.ParameterError, r"seed must be.*got 'a'"),
    ("initialiser returning too few", lambda n: n.initialize(init=lambda rng, fi, fo: np.ones(2)), ns.ParameterError, r"shape \(2,\).*shape \(4,\).*one real number per connection"),
    ("initialiser returning NaN", lambda n: n.initialize(init=lambda rng, fi, fo: np.full(fi.shape, np.nan)), ns.NumericalError, r"non-finite weight \(nan\)"),
    ("initialiser returning text", lambda n: n.initialize(init=lambda rng, fi, fo: np.full(fi.shape, "a")), ns.ParameterError, r"dtype <U1"),
]  # fmt: skip


@pytest.mark.parametrize(
    "what, call, error, words", BAD_CALLS, ids=[c[0] for c in BAD_CALLS]
)
def test_bad_input_raises_a_helpful_error_and_changes_nothing(what, call, error, words):
    net = small_net()
    before = snapshot(net)
    with pytest.raises(error, match=words) as info:
        call(net)
    assert isinstance(info.value, ns.NeurosimError)
    assert snapshot(net) == before


def test_errors_keep_builtin_bases():
    net = small_net()
    with pytest.raises(KeyError):
        net["nope"]
    with pytest.raises(ValueError):
        net.forward([1.0])


@pytest.mark.parametrize(
    "build, words",
    [
        (lambda n: None, r"0 input and 0 output"),
        (lambda n: n.add_input("x"), r"1 input and 0 output"),
        (
            lambda n: (n.add_input("x"), n.add_output("y")),
            r"'y' cannot be reached from any input",
        ),
        (
            lambda n: (
                n.add_input("x"),
                n.add_neuron("h"),
                n.add_output("y"),
                n.connect("h", "y", 1.0),
            ),
            r"'y' cannot be reached",
        ),
    ],
)
def test_forward_needs_inputs_outputs_and_reachable_outputs(build, words):
    net = ns.Network()
    build(net)
    with pytest.raises(ns.TopologyError, match=words):
        net.forward([1.0])


def test_lookup_by_name_and_object():
    net = small_net()
    assert net["h1"].name == "h1"
    assert net.connection(net["x1"], "h1").weight == 0.5
    assert "h1" in net and "zz" not in net and len(net) == 4


def test_neuron_of_another_network_is_rejected():
    other = small_net()
    net = small_net()
    with pytest.raises(ns.TopologyError, match="not this network's neuron"):
        net.connect(other["x2"], "y")


def test_roles_lists_are_in_creation_order():
    net = small_net()
    assert [n.name for n in net.inputs] == ["x1", "x2"]
    assert [n.name for n in net.hidden] == ["h1"]
    assert [n.name for n in net.outputs] == ["y"]
    assert {c.key for c in net.connections} == {
        ("x1", "h1"),
        ("x2", "h1"),
        ("h1", "y"),
        ("x1", "y"),
    }


def test_graph_is_the_network_and_read_only():
    net = small_net()
    assert net.graph.nodes["h1"]["neuron"] is net["h1"]
    assert net.graph.edges["h1", "y"]["connection"] is net.connection("h1", "y")
    with pytest.raises(nx.NetworkXError, match="Frozen"):
        net.graph.add_edge("y", "x1")
    net.add_neuron("h2")
    assert "h2" in net.graph  # the view follows the network


def test_disconnect_and_remove_neuron_update_the_evaluation_order():
    net = small_net()
    before = net.forward([1.0, 1.0])
    net.disconnect("h1", "y")
    expected = 1 / (1 + np.exp(-(0.3 - 0.2)))
    assert net.forward([1.0, 1.0]) == pytest.approx([expected], rel=1e-15)
    assert net.forward([1.0, 1.0]) != pytest.approx(before)
    net.remove_neuron("h1")
    assert [n.name for n in net.neurons] == ["x1", "x2", "y"]
    assert net.forward([1.0, 1.0]) == pytest.approx([expected], rel=1e-15)


def test_topology_edit_invalidates_the_last_pass():
    net = small_net()
    net.forward([1.0, 1.0])
    net.add_neuron("h2")
    with pytest.raises(ns.StateError):
        net.backward([1.0])


def test_connect_without_weight_draws_from_the_seeded_initializer():
    def build(seed):
        net = ns.Network(init="uniform", seed=seed)
        net.add_input("x")
        net.add_output("y")
        return net.connect("x", "y").weight

    assert build(3) == build(3) != build(4)
    assert -1.0 <= build(3) <= 1.0


def test_initialize_redraws_with_final_fan_in():
    net = ns.Network.layered([50, 40, 1], seed=0)
    net.initialize(init="he_uniform", seed=1, bias=0.5)
    weights = np.array([net.connection(f"x{i}", "h1_1").weight for i in range(1, 51)])
    assert np.abs(weights).max() <= np.sqrt(6 / 50)
    assert all(n.bias == 0.5 for n in net.neurons if not n.is_input)


def test_layered_names_and_connectivity():
    net = ns.Network.layered(
        [3, 4, 2, 2], activation="relu", output_activation="identity", seed=0
    )
    assert [n.name for n in net.hidden] == [f"h1_{j}" for j in range(1, 5)] + [
        "h2_1",
        "h2_2",
    ]
    assert [n.name for n in net.outputs] == ["y1", "y2"]
    assert len(net.connections) == 3 * 4 + 4 * 2 + 2 * 2
    assert (
        net["h2_1"].activation.name == "relu"
        and net["y1"].activation.name == "identity"
    )
    assert net.n_parameters == 24 + 8
    assert (
        repr(net)
        == "Network(3 inputs, 6 hidden, 2 outputs; 24 connections, 32 parameters)"
    )


@pytest.mark.parametrize("sizes", [[2], [2, 0, 1], "21", [2, 1.5]])
def test_layered_rejects_bad_sizes(sizes):
    with pytest.raises(ns.ParameterError):
        ns.Network.layered(sizes)


def test_layered_is_reproducible_from_its_seed():
    a = ns.Network.layered([4, 5, 3], seed=11)
    b = ns.Network.layered([4, 5, 3], seed=11)
    assert [c.weight for c in a.connections] == [c.weight for c in b.connections]


def test_single_sample_values_are_plain_floats():
    net = small_net()
    net.forward([1.0, 0.0])
    net.backward([1.0])
    h1 = net["h1"]
    assert all(type(v) is float for v in (h1.net, h1.output, h1.delta, h1.bias_grad))
    assert type(net.connection("x1", "h1").grad) is float


def test_batch_values_are_one_per_sample():
    net = small_net()
    net.forward(X4)
    assert net["h1"].output.shape == (4,)
    net.backward(Y4)
    assert net["h1"].delta.shape == (4,)
    assert type(net["h1"].bias_grad) is float


def test_backward_reports_a_non_finite_loss():
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", activation="identity")
    net.connect("x", "y", weight=1e200)
    net.forward([1e200])  # net input overflows to inf
    with pytest.raises(ns.NumericalError, match="loss is inf"):
        net.backward([0.0])


@pytest.mark.parametrize("seed", [-1, 1.5, "a", True, [1, 2]])
def test_every_seed_argument_is_checked_with_one_message(seed):
    calls = {
        "Network": lambda: ns.Network(seed=seed),
        "Network.layered": lambda: ns.Network.layered([2, 1], seed=seed),
        "train_test_split": lambda: ns.datasets.train_test_split(X4, Y4, seed=seed),
        "recall": lambda: ns.HopfieldNetwork(3).recall([1, -1, 1], seed=seed),
        "sync recall": lambda: ns.HopfieldNetwork(3).recall(
            [1, -1, 1], mode="sync", seed=seed
        ),
        "corrupt": lambda: ns.memory.corrupt([1, -1, 1], 0.5, seed=seed),
    }
    for name, call in calls.items():
        with pytest.raises(
            ns.ParameterError, match=r"seed must be None, a whole number >= 0"
        ) as info:
            call()
        assert repr(seed) in str(info.value), name


def test_seeds_may_be_generators_and_seed_sequences():
    a = ns.Network.layered([3, 2], seed=np.random.SeedSequence(7))
    b = ns.Network.layered(
        [3, 2], seed=np.random.default_rng(np.random.SeedSequence(7))
    )
    assert [c.weight for c in a.connections] == [c.weight for c in b.connections]


def test_a_failed_initialize_keeps_the_generator_too():
    net = small_net()
    state = net.rng.bit_generator.state
    with pytest.raises(ns.ParameterError):
        net.initialize(init=lambda rng, fi, fo: rng.normal(size=1), seed=5)
    assert net.rng.bit_generator.state == state


def test_a_bad_initialiser_fails_in_connect_before_the_connection_exists():
    net = ns.Network(init=lambda rng, fan_in, fan_out: np.full(fan_in.shape, np.nan))
    net.add_input("x")
    net.add_output("y")
    with pytest.raises(ns.NumericalError, match="non-finite weight"):
        net.connect("x", "y")
    assert net.connections == []


def test_n_parameters_means_unique_parameters_on_both_backends_and_n_trainable_the_free_ones():
    net = ns.Network.convolutional(
        (6, 6), [ns.layers.Conv(2, 3), ns.layers.MaxPool(2), ns.layers.Dense(1)], seed=0
    )
    unique = len({id(p) for p in net.parameters})
    assert net.n_parameters == unique < len(net.connections)
    assert net.compile().n_parameters == unique
    trainable = sum(p.trainable for p in net.parameters)
    net.freeze("y1")
    frozen = 1 + len(net.graph.in_edges("y1"))
    assert net.n_trainable == net.compile().n_trainable == trainable - frozen
    last = net.summary().splitlines()[-1]
    assert last.endswith(f"{unique} parameters ({trainable - frozen} trainable)")


def test_train_single_layer_keeps_frozen_weights():
    from neurosim.learning_rules import train_single_layer

    net = ns.Network.layered([2, 1], activation="step", seed=0)
    net.freeze(net.connection("x1", "y1"))
    frozen = net.connection("x1", "y1").weight
    X, Y = ns.datasets.logic_gate("or")
    train_single_layer(net, X, Y, rule="perceptron", epochs=20)
    assert net.connection("x1", "y1").weight == frozen
    assert net.connection("x2", "y1").weight != 0 or net["y1"].bias != 0


def test_a_failed_connect_many_adopts_no_parameter():
    net = ns.Network.layered([2, 3, 1], seed=0)
    net.add_neuron("extra")
    other = ns.Network.layered([1, 1], seed=0)
    before = deep_snapshot(net)
    with pytest.raises(ns.ParameterError, match="another network"):
        net.connect_many([("x1", "extra", 0.5), ("x2", "extra", other.parameters[0])])
    with pytest.raises(ns.CycleError):
        net.connect_many(
            [("x1", "extra", 0.5), ("y1", "h1_1", 0.1), ("h1_1", "extra", 0.2)]
        )
    with pytest.raises(ns.DuplicateNameError):
        net.connect_many(
            [("x1", "extra", ns.parameters.Parameter(0.5)), ("x1", "h1_1", 1.0)]
        )
    assert deep_snapshot(net) == before
    assert net.n_parameters == len(before["parameters"])


@pytest.mark.parametrize("backend", ["object", "compiled"])
@pytest.mark.parametrize(
    "edit",
    [
        lambda net, model: setattr(net.connection("x1", "h1_1"), "weight", 3.0),
        lambda net, model: setattr(net["y1"], "bias", -1.0),
        lambda net, model: model.set_parameter_vector(model.parameter_vector() + 1),
    ],
    ids=["weight", "bias", "vector"],
)
def test_backward_refuses_weights_edited_since_the_forward_pass(backend, edit):
    net = ns.Network.layered([2, 2, 1], seed=0)
    model = net if backend == "object" else net.compile()
    model.forward([1.0, 0.5])
    edit(net, model)
    before = deep_snapshot(net)
    with pytest.raises(ns.StateError, match="run forward"):
        model.backward([1.0])
    assert deep_snapshot(net) == before
    model.forward([1.0, 0.5])  # a new pass with the new values: fine
    assert np.isfinite(model.backward([1.0]))


def test_reading_a_weight_between_forward_and_backward_is_not_an_edit():
    net = ns.Network.layered([2, 2, 1], seed=0)
    compiled = net.compile()
    X, Y = ns.datasets.xor()
    compiled.fit(X, Y, epochs=1, seed=0)  # the compiled side holds the newest values
    compiled.forward([1.0, 0.5])
    _ = net.connection("x1", "h1_1").weight  # syncs the graph: no value changes
    assert np.isfinite(compiled.backward([1.0]))


def test_structural_attributes_are_validated_on_assignment():
    net = ns.Network.layered([2, 2, 1], seed=0)
    before = deep_snapshot(net)
    with pytest.raises(
        ns.ParameterError,
        match="unknown aggregation .nonsense.. Known aggregations: .sum., .max.",
    ):
        net["h1_1"].aggregation = "nonsense"
    with pytest.raises(ns.ParameterError, match="aggregates nothing"):
        net["x1"].aggregation = "max"
    with pytest.raises(ns.ParameterError, match="position"):
        net.add_neuron("p", position="abc")
    with pytest.raises(ns.ParameterError, match="position"):
        net["h1_1"].position = (1.5, 2)
    with pytest.raises(AttributeError):
        net["h1_1"].role = "output"
    with pytest.raises(AttributeError):
        net.connection("x1", "h1_1").parameter = net.connection("x2", "h1_1").parameter
    assert deep_snapshot(net) == before


def test_a_neuron_made_a_pooling_neuron_after_compile_makes_the_compiled_view_stale():
    net = ns.Network.layered([3, 2, 1], activation="identity", seed=0)
    compiled = net.compile()
    net["h1_1"].aggregation = "max"
    with pytest.raises(ns.StaleNetworkError):
        compiled.forward([1.0, -2.0, 0.5])
    # The object backend computes with the new aggregation at once,
    # as a network built with the pooling neuron from the start does.
    fresh = ns.Network()
    for name in ("x1", "x2", "x3"):
        fresh.add_input(name)
    fresh.add_neuron("h1_1", activation="identity", aggregation="max")
    fresh.add_neuron("h1_2", activation="identity")
    fresh.add_output("y1", activation="identity")
    for connection in net.connections:
        fresh.connect(connection.source.name, connection.target.name, connection.weight)
    for neuron in net.neurons:
        if not neuron.is_input:
            fresh[neuron.name].bias = neuron.bias
    x = [1.0, -2.0, 0.5]
    np.testing.assert_array_equal(net.forward(x), fresh.forward(x))
    net.backward([1.0]), fresh.backward([1.0])
    assert [c.grad for c in net.connections] == [c.grad for c in fresh.connections]
    np.testing.assert_array_equal(net.compile().forward(x), fresh.forward(x))


def test_levels_are_the_topological_generations_in_creation_order_and_follow_edits():
    net = ns.Network()
    for name in ("b", "a"):
        net.add_input(name)
    net.add_neuron("h")
    net.add_output("y")
    net.connect("a", "h", 1.0)
    net.connect("h", "y", 1.0)
    net.connect("b", "y", 1.0)
    expected = [
        sorted(g, key=list(net.graph).index)
        for g in nx.topological_generations(net.graph)
    ]
    assert net.levels == expected == [["b", "a"], ["h"], ["y"]]
    net.disconnect("h", "y")
    net.connect("a", "y", 1.0)
    assert net.levels == [["b", "a"], ["h", "y"]]  # y now hangs on the inputs
