"""Teaching tools: the trace tells the truth, explain reads right, gradcheck catches bugs."""

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import neurosim as ns

from .conftest import DIFFERENTIABLE, LOSSES, random_dag, random_targets, snapshot

GOLDEN = Path(__file__).parent / "golden"
seeds = st.integers(0, 2**32 - 1)


def load_docs_page():
    """The module that writes docs/backprop_step_by_step.md."""
    path = Path(__file__).parents[1] / "docs" / "backprop_step_by_step.py"
    spec = importlib.util.spec_from_file_location("backprop_page", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def two_two_one() -> ns.Network:
    """The fixed 2-2-1 network with hand-set weights of the docs page."""
    return load_docs_page().build()


def threshold_unit() -> ns.Network:
    """One step neuron fed by two inputs, all weights zero: the perceptron."""
    net = ns.Network()
    net.add_input("x1")
    net.add_input("x2")
    net.add_output("y", activation="step")
    net.connect("x1", "y", 0.0)
    net.connect("x2", "y", 0.0)
    return net


@given(seed=seeds, loss=st.sampled_from(LOSSES))
def test_trace_values_are_the_stored_state(seed, loss):
    net = random_dag(seed, loss=loss)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=len(net.inputs))
    target = random_targets(loss, rng, (1, len(net.outputs)))[0]
    steps = net.trace(x, target=target, loss=loss)
    state = {("net", n.name): n.net for n in net.neurons if not n.is_input} | {
        ("output", n.name): n.output for n in net.neurons if not n.is_input
    }
    state |= {("delta", n.name): n.delta for n in net.neurons if not n.is_input}
    state |= {("bias_grad", n.name): n.bias_grad for n in net.neurons if not n.is_input}
    state |= {("weight_grad", c.key): c.grad for c in net.connections}
    traced = {(s.kind, s.target): s.value for s in steps if s.kind != "loss"}
    assert traced == state  # exact: the same numbers, each once
    assert len(traced) == len(steps) - 1
    assert [s.phase for s in steps] == sorted(
        (s.phase for s in steps), key="forward backward".index
    )
    (loss_step,) = [s for s in steps if s.kind == "loss"]
    assert loss_step.value == ns.losses.get_loss(loss).value(
        np.atleast_2d(net.forward(x)), np.atleast_2d(target)
    )


def test_trace_without_target_is_forward_only():
    steps = two_two_one().trace([1.0, 0.0])
    assert {s.phase for s in steps} == {"forward"} and len(steps) == 6


def test_trace_formula_is_readable():
    steps = two_two_one().trace([1.0, 0.0], target=[1.0])
    assert str(steps[0]) == "net(h1) = 0.5·1.0 + (-0.4)·0.0 + 0.1 = 0.6"
    assert str(steps[1]) == "out(h1) = σ(0.6) = 0.645656"


def test_trace_rejects_a_batch():
    with pytest.raises(ns.ShapeError, match="trace follows one sample"):
        two_two_one().trace(np.zeros((3, 2)))


def test_explain_text_matches_golden_file():
    text = two_two_one().explain([1.0, 0.0], [1.0], loss="mse", lr=0.5)
    assert text == (GOLDEN / "explain_2-2-1.txt").read_text(encoding="utf-8")


def test_explain_does_not_change_the_weights():
    net = two_two_one()
    before = snapshot(net)
    net.explain([1.0, 0.0], [1.0], lr=0.5)
    assert snapshot(net) == before


@pytest.mark.parametrize("loss", LOSSES)
def test_explain_markdown_has_balanced_latex(loss):
    net = ns.Network.layered(
        [2, 2, 2],
        output_activation="identity" if loss == "cross_entropy" else "sigmoid",
        seed=0,
    )
    target = [1.0, 0.0]
    markdown = net.explain([1.0, 0.0], target, loss=loss, format="markdown")
    assert markdown.startswith("# One training step")
    assert {"## 1. Forward pass", "## 2. Loss", "## 3. Backward pass"} <= set(
        markdown.splitlines()
    )
    for line in markdown.splitlines():
        if line.startswith("$$"):
            assert line.endswith("$$") and line.count("$$") == 2, line
            body = line[2:-2]
            assert "$" not in body
            depth = 0
            for char in re.sub(r"\\[{}]", "", body):
                depth += {"{": 1, "}": -1}.get(char, 0)
                assert depth >= 0, line
            assert depth == 0, line
            opened = len(re.findall(r"\\left(?![a-z])", body))
            assert opened == len(re.findall(r"\\right(?![a-z])", body)), line
            assert "−" not in body  # LaTeX gets an ASCII minus


@pytest.mark.parametrize("activation", DIFFERENTIABLE)
@given(seed=seeds, loss=st.sampled_from(LOSSES))
def test_gradcheck_passes_on_random_networks(activation, seed, loss):
    net = random_dag(seed, activation=activation, loss=loss)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(2, len(net.inputs)))
    net.forward(x)
    kinks = [
        n for n in net.neurons
        if not n.is_input and n.activation.name in ("relu", "leaky_relu")
        and np.min(np.abs(n.net)) < 0.05
    ]  # fmt: skip
    if kinks:
        return  # a finite difference across a kink measures no derivative
    target = random_targets(loss, rng, (2, len(net.outputs)))
    before = snapshot(net)
    report = ns.gradcheck(net, x, target, loss=loss)
    assert report.ok and report.max_rel_error < 1e-7, str(report)
    assert snapshot(net) == before


def test_gradcheck_catches_a_wrong_derivative():
    wrong = ns.Activation(
        "bad_tanh", fn=np.tanh, derivative=lambda z: 1 - 0.9 * np.tanh(z) ** 2
    )
    net = ns.Network.layered(
        [2, 3, 1], activation=wrong, output_activation="sigmoid", seed=0
    )
    report = ns.gradcheck(net, [0.5, -0.3], [1.0])
    assert not report.ok and report.max_rel_error > 1e-3
    text = str(report)
    assert text.startswith("gradient check FAILED")
    assert text.splitlines()[2].split()[0].startswith("w(x")  # worst rows first


def test_gradcheck_restores_weights_when_interrupted():
    net = two_two_one()
    before = snapshot(net)
    calls = []

    def value(outputs, targets):
        calls.append(1)
        if len(calls) > 6:
            raise KeyboardInterrupt
        return float(((outputs - targets) ** 2).sum())

    loss = ns.Loss("flaky", value, lambda o, t: 2 * (o - t))
    with pytest.raises(KeyboardInterrupt):
        ns.gradcheck(net, [1.0, 0.0], [1.0], loss=loss)
    assert snapshot(net) == before


def test_gradcheck_leaves_the_stored_pass_as_it_was():
    net = random_dag(3, max_hidden=3)
    x = np.linspace(-1, 1, len(net.inputs))
    net.forward(x)
    net.backward(np.full(len(net.outputs), 0.5), loss="mse")
    table = net.state_table()
    grads = [c.grad for c in net.connections]
    ns.gradcheck(net, np.ones((3, len(net.inputs))), np.zeros((3, len(net.outputs))))
    assert net.state_table() == table
    assert [c.grad for c in net.connections] == grads
    net.step(0.1)  # the gradients of the user's pass are still there to use


def test_printed_numbers_use_the_minus_python_reads():
    net, x, target = ns.datasets.mazur_example()
    text = "\n".join(
        [
            *(str(step) for step in net.trace(x, target, loss="sse")),
            net.explain(x, target, loss="sse", lr=0.5),
            net.summary(),
            net.state_table(),
            str(ns.gradcheck(net, x, target, loss="sse")),
        ]
    )
    assert "-" in text and "\u2212" not in text
    # A product copied from the trace, with the dot made a star, is Python.
    formula = str(next(iter(net.trace([-0.5, 0.10]))))
    product = formula.split(" = ")[1].replace("·", "*")
    assert eval(product) == pytest.approx(float(formula.split(" = ")[-1]), rel=1e-5)


def test_gradcheck_prints_a_zero_gradient_without_a_sign():
    net = ns.Network.layered([1, 1], activation="relu", seed=0)
    net.connection("x1", "y1").weight = -1.0
    report = ns.gradcheck(net, [1.0], [1.0])  # the ReLU is off: every gradient 0
    rows = str(report).splitlines()[2:]
    assert rows and all("-0 " not in row and not row.endswith("-0") for row in rows)


def test_summary_and_state_table():
    net = two_two_one()
    summary = net.summary()
    assert "h2      hidden  tanh        -0.2  2       1" in summary
    assert summary.endswith("2 inputs, 2 hidden, 1 output; 6 connections; 9 parameters")
    net.forward([1.0, 0.0])
    net.backward([1.0])
    table = net.state_table().splitlines()
    assert table[0].split() == ["neuron", "net", "output", "delta"]
    assert table[3].split() == ["h1", "0.6", "0.645656", "-0.0288603"]


@pytest.mark.parametrize("gate", ["and", "or"])
def test_perceptron_rule_learns_linearly_separable_gates(gate):
    net = threshold_unit()
    X, Y = ns.datasets.logic_gate(gate)
    result = ns.train_single_layer(net, X, Y, rule="perceptron", epochs=25)
    assert result.converged and result.epochs <= 10 and result.errors[-1] == 0
    assert np.array_equal(net.predict(X), Y)


def test_perceptron_rule_reports_that_xor_cannot_be_learned():
    net = threshold_unit()
    X, Y = ns.datasets.xor()
    result = ns.train_single_layer(net, X, Y, rule="perceptron", epochs=200)
    assert not result.converged and result.epochs == 200 and min(result.errors) >= 1


def test_delta_rule_learns_and():
    net = threshold_unit()
    X, Y = ns.datasets.logic_gate("and")
    result = ns.train_single_layer(net, X, Y, rule="delta", lr=0.05, epochs=1000)
    assert result.converged and np.array_equal(net.predict(X), Y)


def test_learning_rules_need_a_single_layer():
    with pytest.raises(ns.TopologyError, match="single layer"):
        ns.train_single_layer(ns.Network.layered([2, 2, 1], seed=0), *ns.datasets.xor())


def test_docs_page_backprop_step_by_step_is_current():
    module = load_docs_page()
    assert module.PAGE.read_text(encoding="utf-8") == module.page(), (
        "run python docs/backprop_step_by_step.py to regenerate the page"
    )


def tied_net() -> ns.Network:
    """x1, x2 -> y with one shared weight; y's bias frozen."""
    net = ns.Network(seed=0)
    net.add_input("x1")
    net.add_input("x2")
    net.add_output("y", activation="identity", bias=0.5)
    first = net.connect("x1", "y", weight=0.25)
    net.connect("x2", "y", share=first)
    net.freeze(biases=True)
    return net


def test_the_trace_shows_a_shared_gradient_as_the_sum_of_its_terms():
    net = tied_net()
    steps = net.trace([1.0, 3.0], target=[0.0], loss="sse")
    shared = [s for s in steps if s.kind == "shared_grad"]
    # y = 0.5 + 0.25·1 + 0.25·3 = 1.5; delta = 1.5; grads 1.5 and 4.5, sum 6
    assert len(shared) == 1 and shared[0].value == 6.0
    assert str(shared[0]) == (
        "∂L/∂w(x1->y) (shared) = ∂L/∂w(x1→y) + ∂L/∂w(x2→y) = 1.5 + 4.5 = 6.0"
    )


def test_explain_updates_a_shared_parameter_once_and_keeps_a_frozen_one():
    text = tied_net().explain([1.0, 3.0], [0.0], loss="sse", lr=0.1)
    update = text.split("4. Update")[1]
    assert "w(x1→y), w(x2→y) (shared): 0.25 - 0.1·6.0 = -0.35" in update
    assert "b(y): frozen, stays 0.5" in update


def test_gradcheck_checks_a_shared_parameter_as_one():
    report = ns.gradcheck(tied_net(), [1.0, 3.0], [0.0], loss="sse")
    labels = [row.parameter for row in report.rows]
    assert sorted(labels) == ["b(y)", "w(x1→y), w(x2→y) (shared)"]
    assert report.ok


def test_gradcheck_on_a_step_network_says_the_check_means_nothing():
    net = ns.Network.layered(
        [2, 2, 1], activation="step", output_activation="sigmoid", seed=0
    )
    report = ns.gradcheck(net, [1.0, 0.0], [1.0])
    assert not report.ok
    assert "not meaningful" in str(report) and "'step'" in report.meaningless
    smooth = ns.gradcheck(
        ns.Network.layered([2, 2, 1], activation="tanh", seed=0), [1.0, 0.0], [1.0]
    )
    assert smooth.ok and smooth.meaningless == ""
