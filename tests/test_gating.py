"""Product and max neurons, alone and through time: the gates, both backends, bad input.

Independent truth: a loop over time written here that multiplies or takes
the maximum itself, central finite differences, and the two backends'
agreement.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim.errors import ParameterError, TopologyError
from neurosim.gating import combine

from .conftest import deep_snapshot
from .test_time import gradients_of as gradients
from .test_time import numeric_gradient

FUNCTIONS = {
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "identity": lambda z: z,
}


def build_mixed(seed, delays=True):
    """A random graph of sum, max and product neurons; delays 1–3 close cycles."""
    rng = np.random.default_rng(seed)
    net = ns.Network(seed=seed)
    sources = [net.add_input(f"x{i}").name for i in range(2)]
    names = [f"h{i}" for i in range(4)] + ["y0", "y1"]
    for name in names:
        aggregation = str(rng.choice(["sum", "max", "product"]))
        activation = str(rng.choice(["tanh", "sigmoid", "identity"]))
        bias = 0.0 if aggregation == "product" else float(rng.normal(0, 0.5))
        add = net.add_output if name.startswith("y") else net.add_neuron
        add(name, activation=activation, bias=bias, aggregation=aggregation)
        if rng.random() < 0.5:
            net[name].initial_output = float(rng.normal(0, 0.8))
    for k, name in enumerate(names):
        aggregation = net[name].aggregation
        earlier = [*sources, *names[:k]]
        chosen = [s for s in earlier if rng.random() < 0.5] or [earlier[0]]
        if aggregation == "product" and len(chosen) < 2:
            chosen = list(rng.choice(earlier, size=2, replace=False))
        for source in chosen:
            net.connect(str(source), name, weight=float(rng.normal(0, 0.9)))
        if delays:
            for source in [*sources, *names]:
                if rng.random() < 0.25 and not net.graph.has_edge(source, name):
                    delay = int(rng.integers(1, 4))
                    net.connect(
                        source, name, weight=float(rng.normal(0, 0.9)), delay=delay
                    )
    if delays and not net.is_recurrent:
        net.connect("y0", "h0", weight=0.4, delay=1)
    return net


def loop_forward(net, X):
    """Every neuron's output at every step, (T, batch): a plain loop written here."""
    order = [n.name for n, _ in net.evaluation_order]
    y = {n.name: np.zeros((X.shape[1], X.shape[0])) for n in net.neurons}
    for t in range(X.shape[1]):
        for k, neuron in enumerate(net.inputs):
            y[neuron.name][t] = X[:, t, k]
        for name in order:
            neuron = net[name]
            terms = []
            for c in net.connections:
                if c.target is neuron:
                    d = c.delay
                    past = (
                        y[c.source.name][t - d] if t >= d else c.source.initial_output
                    )
                    terms.append(c.weight * past * np.ones(X.shape[0]))
            if neuron.aggregation == "sum":
                value = np.sum(terms, axis=0)
            elif neuron.aggregation == "max":
                value = np.max(terms, axis=0)
            else:
                value = np.prod(terms, axis=0)
            y[name][t] = FUNCTIONS[neuron.activation.name](neuron.bias + value)
    return y


def data(net, seed, batch=3, steps=5):
    rng = np.random.default_rng(seed + 7)
    X = rng.normal(size=(batch, steps, net.n_inputs))
    Y = rng.normal(size=(batch, steps, net.n_outputs))
    return X, Y


# ---------------------------------------------------------------- the gates


def test_the_gate_of_a_product_is_the_product_of_the_others_even_with_a_zero():
    value, gates = combine("product", [2.0, 0.0, 3.0, 0.5])
    assert value == 0.0
    assert gates == [0.0, 2.0 * 3.0 * 0.5, 0.0, 0.0]
    values = [np.array([1.0, -2.0]), np.array([0.5, 0.0]), np.array([4.0, 3.0])]
    value, gates = combine("product", values)
    np.testing.assert_array_equal(value, [2.0, -0.0])
    np.testing.assert_array_equal(gates[1], [4.0, -6.0])


def test_a_product_neuron_by_hand():
    net = ns.Network()
    net.add_input("c")
    net.add_input("f")
    net.add_output("cf", activation="identity", aggregation="product")
    net.connect("c", "cf", weight=1.0)
    net.connect("f", "cf", weight=1.0)
    assert net.forward([0.8, 0.31])[0] == pytest.approx(0.248, rel=1e-15)
    net.backward([0.0])  # mse: ∂L/∂y = 2·0.248
    assert net.connection("c", "cf").grad == pytest.approx(2 * 0.248 * 0.8 * 0.31)
    assert net["cf"].delta == pytest.approx(2 * 0.248)
    text = net.explain([0.8, 0.31], [0.0])
    assert "net(cf) = 0.8·0.31 = 0.248" in text
    assert "A product neuron multiplies its weighted inputs" in text
    assert "∂L/∂w(c→cf) = δ(cf)·out(c)·(product of the other inputs)" in text


# ---------------------------------------------------------------- both backends


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_mixed_graphs_forward_equals_the_loop_and_gradients_equal_finite_differences(
    seed,
):
    net = build_mixed(seed)
    X, Y = data(net, seed)
    expected = loop_forward(net, X)
    outputs = net.forward(X)
    for j, neuron in enumerate(net.outputs):
        np.testing.assert_allclose(
            outputs[:, :, j], expected[neuron.name].T, rtol=1e-13
        )
    net.backward(Y, loss="mse")
    analytic = gradients(net)
    for parameter in net.parameters():
        if not parameter.trainable:
            continue
        numeric = numeric_gradient(net, parameter, X, Y, step=1e-6)
        assert analytic[parameter] == pytest.approx(numeric, rel=1e-5, abs=1e-8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    truncation=st.sampled_from([None, 1, 2, 3]),
    batch=st.integers(1, 3),
    delays=st.booleans(),
)
def test_the_backends_agree_on_mixed_graphs(seed, truncation, batch, delays):
    net = build_mixed(seed, delays=delays)
    net.truncation = truncation
    X, Y = data(net, seed, batch=batch)
    if not delays:
        X, Y = X[:, 0], Y[:, 0]
    if batch == 1:
        X, Y = X[0], Y[0]
    compiled = net.compile()
    expected = net.forward(X)
    net.backward(Y)
    np.testing.assert_allclose(compiled.forward(X), expected, rtol=1e-12, atol=1e-14)
    compiled.backward(Y)
    got, want = gradients(compiled), gradients(net)
    for parameter in net.parameters():
        assert got[parameter] == pytest.approx(want[parameter], rel=1e-12, abs=1e-14)


def test_a_stream_through_product_neurons_equals_the_sequence_on_both_backends():
    net = build_mixed(11)
    X, _ = data(net, 11, steps=6)
    whole = net.forward(X)
    for model in (net, net.compile()):
        model.reset_state()
        steps = [model.advance(X[:, t]) for t in range(X.shape[1])]
        np.testing.assert_allclose(np.stack(steps, axis=1), whole, rtol=1e-13)


# ---------------------------------------------------------------- bad input


def test_a_product_neuron_refuses_a_bias_and_changes_nothing():
    net = ns.Network()
    net.add_input("a")
    with pytest.raises(ParameterError, match="product neuron.*no bias"):
        net.add_neuron("p", bias=0.5, aggregation="product")
    assert [n.name for n in net.neurons] == ["a"]
    p = net.add_output("p", aggregation="product")
    assert not p.bias_parameter.trainable  # a frozen 0
    before = deep_snapshot(net)
    with pytest.raises(ParameterError, match="no bias"):
        p.bias = 1.0
    s = net.add_neuron("s", bias=0.2)
    with pytest.raises(ParameterError, match="no bias"):
        s.aggregation = "product"
    assert s.aggregation == "sum" and s.bias == 0.2
    net.remove_neuron("s")
    assert deep_snapshot(net) == before


def test_a_product_neuron_with_one_input_is_refused_by_both_backends():
    net = ns.Network()
    net.add_input("a")
    net.add_output("p", activation="identity", aggregation="product")
    net.connect("a", "p", weight=2.0)
    with pytest.raises(
        TopologyError, match="product neuron 'p' has 1 incoming.*at least 2"
    ):
        net.forward([1.0])
    with pytest.raises(TopologyError, match="at least 2"):
        net.compile()


@pytest.mark.parametrize("delays", [False, True])
def test_mixed_graphs_export_to_torch_and_back(delays):
    torch = pytest.importorskip("torch")
    from neurosim.export import from_torch, to_torch

    for seed in range(4):
        net = build_mixed(seed, delays=delays)
        X, _ = data(net, seed)
        X = X if delays else X[:, 0]
        module = to_torch(net)
        np.testing.assert_allclose(
            module(torch.tensor(X)).detach().numpy(),
            net.forward(X),
            rtol=1e-12,
            atol=1e-14,
        )
        back = from_torch(module)
        assert {n.name: n.aggregation for n in back.neurons} == {
            n.name: n.aggregation for n in net.neurons
        }
        np.testing.assert_allclose(
            back.forward(X), net.forward(X), rtol=1e-14, atol=1e-15
        )


def test_product_neurons_export_to_onnx(tmp_path):
    pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    from neurosim.export import to_onnx

    net = build_mixed(3, delays=False)
    X = np.random.default_rng(0).normal(size=(4, 2))
    to_onnx(net, tmp_path / "mixed.onnx")
    session = ort.InferenceSession(str(tmp_path / "mixed.onnx"))
    (y,) = session.run(None, {"x": X.astype(np.float32)})
    np.testing.assert_allclose(y, net.forward(X), rtol=1e-5, atol=1e-6)
