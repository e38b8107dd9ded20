"""Time: delayed connections, sequences, backpropagation through time (full and truncated).

Independent truth: loops over time written here (forward, and truncated
backpropagation window by window, unlike the library's by-age recursion),
central finite differences, torch.nn.RNN, and the property that the two
backends agree.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim.errors import (
    CycleError,
    DataError,
    ParameterError,
    ShapeError,
    StateError,
    TopologyError,
)

from .conftest import deep_snapshot

ACTIVATIONS = {
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "sigmoid": (
        lambda z: 1 / (1 + np.exp(-z)),
        lambda z: (1 / (1 + np.exp(-z))) * (1 - 1 / (1 + np.exp(-z))),
    ),
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
}


# ---------------------------------------------------------------- a network as plain data


def describe(net):
    """The network as plain lists: order, activations, biases, initial outputs, edges."""
    order = [n.name for n, _ in net.evaluation_order]
    inputs = [n.name for n in net.inputs]
    neurons = {n.name: n for n in net.neurons}
    edges = [
        (c.source.name, c.target.name, c.weight, c.delay, c.parameter)
        for c in net.connections
    ]
    return inputs, order, neurons, edges


def loop_forward(net, X):
    """Every neuron's net input and output at every step, (T, batch) each: a plain loop."""
    inputs, order, neurons, edges = describe(net)
    T = X.shape[1]
    y = {name: np.zeros((T, X.shape[0])) for name in neurons}
    z = {name: np.zeros((T, X.shape[0])) for name in order}
    for t in range(T):
        for k, name in enumerate(inputs):
            y[name][t] = X[:, t, k]
        for name in order:
            total = np.full(X.shape[0], neurons[name].bias)
            for source, target, w, d, _ in edges:
                if target != name:
                    continue
                past = y[source][t - d] if t >= d else neurons[source].initial_output
                total = total + w * past
            z[name][t] = total
            y[name][t] = ACTIVATIONS[neurons[name].activation.name][0](total)
    return y, z


def loop_gradients(net, X, Y, truncation=None):
    """∂L/∂parameter for the mse over targeted steps, window by window (BPTT(k)).

    For each step s with a target, the error of that step's loss is sent back
    through steps s, s − 1, …, s − k + 1 (all of them without truncation),
    and the gradients of every window are added up.
    """
    _, order, neurons, edges = describe(net)
    y, z = loop_forward(net, X)
    T, B = X.shape[1], X.shape[0]
    outputs = [n.name for n in net.outputs]
    present = ~np.isnan(Y[..., 0])  # (B, T)
    M = present.sum()
    k = T if truncation is None else truncation
    grads = {}
    for s in range(T):
        if not present[:, s].any():
            continue
        mask = present[:, s].astype(float)
        delta = {}  # (t, name) -> (B,)
        for t in range(s, max(-1, s - k), -1):
            for name in reversed(order):
                error = np.zeros(B)
                if t == s and name in outputs:
                    j = outputs.index(name)
                    target = np.nan_to_num(Y[:, s, j])
                    error += mask * 2 * (y[name][s] - target) / (M * len(outputs))
                for source, target_name, w, d, _ in edges:
                    if source != name or (t + d, target_name) not in delta:
                        continue
                    error = error + w * delta[(t + d, target_name)]
                derivative = ACTIVATIONS[neurons[name].activation.name][1]
                delta[(t, name)] = error * derivative(z[name][t])
        for (t, name), d_t in delta.items():
            bias = neurons[name].bias_parameter
            grads[bias] = grads.get(bias, 0.0) + d_t.sum()
            for source, target_name, _, d, parameter in edges:
                if target_name != name:
                    continue
                past = y[source][t - d] if t >= d else neurons[source].initial_output
                grads[parameter] = grads.get(parameter, 0.0) + (d_t * past).sum()
    return grads


def build(seed, n_inputs=2, n_hidden=3, n_outputs=2, p_delayed=0.35, share=True):
    """A random graph with delays 0–3: a DAG of instant connections, cycles through delays."""
    rng = np.random.default_rng(seed)
    net = ns.Network(seed=seed)
    for i in range(n_inputs):
        net.add_input(f"x{i}")
    names = [f"h{i}" for i in range(n_hidden)] + [f"y{i}" for i in range(n_outputs)]
    for name in names:
        activation = rng.choice(["tanh", "sigmoid", "identity"])
        add = net.add_output if name.startswith("y") else net.add_neuron
        add(name, activation=str(activation), bias=float(rng.normal(0, 0.5)))
        if rng.random() < 0.5:
            net[name].initial_output = float(rng.normal(0, 0.5))
    sources = [f"x{i}" for i in range(n_inputs)]
    made = []
    for k, name in enumerate(names):
        # instant connections from inputs and earlier neurons (a DAG)
        for source in [*sources, *names[:k]]:
            if rng.random() < 0.6 or (source == sources[0] and not made):
                made.append(net.connect(source, name, weight=float(rng.normal(0, 0.8))))
        # delayed ones from anything, itself included
        for source in [*sources, *names]:
            if rng.random() < p_delayed and not net.graph.has_edge(source, name):
                delay = int(rng.integers(1, 4))
                if share and made and rng.random() < 0.25:
                    made.append(net.connect(source, name, share=made[-1], delay=delay))
                else:
                    w = float(rng.normal(0, 0.8))
                    made.append(net.connect(source, name, weight=w, delay=delay))
    for c in made:
        if rng.random() < 0.15:
            net.freeze(c)
    if not net.is_recurrent:
        net.connect(names[0], names[0], weight=0.3, delay=1)
    return net


def data(net, seed, batch=3, steps=6):
    rng = np.random.default_rng(seed + 100)
    X = rng.normal(size=(batch, steps, net.n_inputs))
    Y = rng.normal(size=(batch, steps, net.n_outputs))
    Y[rng.random((batch, steps)) < 0.3] = np.nan
    Y[0, -1] = 0.5  # at least one target
    return X, Y


def numeric_gradient(net, parameter, X, Y, step: float = 1e-4) -> float:
    """∂(mse)/∂parameter by the five-point central difference, the value put back.

    The stencil's truncation error is O(h⁴), its rounding error about
    ε·L/h: h = 1e-4 keeps both near 1e-12 for smooth networks (at 1e-6 the
    rounding of a loss of 6.6 alone reached 1e-8). A network with max
    neurons wants a smaller step, not to cross a near-tie.
    """
    value = parameter.value
    h = step * max(1.0, abs(value))
    losses = []
    for shift in (h, -h, 2 * h, -2 * h):
        parameter.value = value + shift
        losses.append(net.evaluate(X, Y))
    parameter.value = value
    return (8 * (losses[0] - losses[1]) - (losses[2] - losses[3])) / (12 * h)


def gradients_of(model):
    if isinstance(model, ns.Network):
        return {p: p.grad for p in model.parameters()}
    return model.parameter_gradients()


# ---------------------------------------------------------------- delays


def test_delay_validation_leaves_the_network_as_it_was():
    net = ns.Network.elman(1, 2, 1, seed=0)
    before = deep_snapshot(net)
    for delay in (-1, 1.5, True, 10**6, "1", None, np.float64(1.0)):
        with pytest.raises(ParameterError, match="delay"):
            net.connect("x1", "y1", weight=0.1, delay=delay)
    assert deep_snapshot(net) == before


def test_a_cycle_without_delay_is_refused_and_named():
    net = ns.Network()
    net.add_input("x")
    for name in "abc":
        net.add_neuron(name)
    net.add_output("y")
    net.connect("x", "a"); net.connect("a", "b"); net.connect("b", "c")  # fmt: skip
    net.connect("c", "y")
    before = deep_snapshot(net)
    with pytest.raises(CycleError, match="a -> b -> c -> a.*delay=1"):
        net.connect("c", "a")
    with pytest.raises(TopologyError, match="itself without a delay"):
        net.connect("b", "b")
    with pytest.raises(CycleError, match="without delay"):
        net.connect_many([("y", "a", 0.5, 0), ("c", "a", 0.5)])
    assert deep_snapshot(net) == before
    # with a delay the same cycle (and a self-loop) is a recurrent network
    net.connect("c", "a", weight=0.5, delay=1)
    net.connect_many([("b", "b", 0.2, 2)])
    assert net.is_recurrent and net.connection("b", "b").delay == 2
    assert "2 delayed" in repr(net)


def test_removing_the_delayed_connections_makes_the_network_feed_forward_again():
    net = ns.Network.layered([1, 2, 1], seed=0)
    net.connect("h1_1", "h1_1", weight=0.5, delay=1)
    net.connect("y1", "h1_2", weight=0.5, delay=2)
    assert net.is_recurrent
    net.remove_neuron("h1_1")  # a self-loop: both an in- and an out-edge
    assert net.is_recurrent
    net.disconnect("y1", "h1_2")
    assert not net.is_recurrent
    assert net.forward([[1.0], [2.0]]).shape == (2, 1)  # a batch again


def test_initial_output_is_checked():
    neuron = ns.Network().add_neuron("h")
    with pytest.raises(ParameterError, match="initial output"):
        neuron.initial_output = math.nan


# ---------------------------------------------------------------- forward


def test_forward_equals_a_loop_over_time_by_hand():
    # y(t) = x(t) + 0.5 y(t − 1) + 0.25 y(t − 2), identity, y(−1) = 1, y(−2) = 1
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", activation="identity")
    net.connect("x", "y", weight=1.0)
    net.connect("y", "y", weight=0.5, delay=1)
    net["y"].initial_output = 1.0
    x = [1.0, 0.0, 2.0, -1.0]
    expected, history = [], [1.0, 1.0]
    for value in x:
        expected.append(value + 0.5 * history[-1])
        history.append(expected[-1])
    assert net.forward(x).ravel().tolist() == expected
    assert net["y"].outputs == expected and net["y"].output == expected[-1]


@pytest.mark.parametrize("seed", range(6))
def test_forward_equals_the_loop_on_random_graphs(seed):
    net = build(seed)
    X, _ = data(net, seed)
    y, _ = loop_forward(net, X)
    expected = np.stack([y[n.name] for n in net.outputs], axis=-1).transpose(1, 0, 2)
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        net.compile().forward(X), expected, rtol=1e-12, atol=1e-14
    )
    # one sequence: (T, n_inputs) in, (T, n_outputs) out, floats inside
    np.testing.assert_allclose(net.forward(X[1]), expected[1], rtol=1e-12, atol=1e-14)


def test_a_feed_forward_network_takes_sequences_step_by_step():
    net = ns.Network.layered([2, 3, 1], seed=0)
    X = np.random.default_rng(0).normal(size=(4, 5, 2))
    out = net.forward(X)
    assert out.shape == (4, 5, 1)
    np.testing.assert_allclose(out[2, 3], net.forward(X[2, 3]), rtol=0, atol=0)
    Y = np.random.default_rng(1).random((4, 5, 1))
    Y[:, :2] = np.nan
    net.forward(X)
    loss = net.backward(Y)
    rows = ~np.isnan(Y[..., 0])
    net.forward(X[rows])
    assert loss == pytest.approx(net.backward(Y[rows]), rel=1e-15)


def test_streaming_steps_equal_the_sequence():
    net = ns.Network.elman(2, 3, 1, seed=0)
    X = np.random.default_rng(0).normal(size=(3, 7, 2))
    whole = net.forward(X)
    for model in (net, net.compile()):
        model.reset_state()
        steps = np.stack([model.advance(X[:, t]) for t in range(7)], axis=1)
        np.testing.assert_allclose(steps, whole, rtol=1e-13, atol=0)
        assert model.stream_steps == 7
        # a primed stream continues where the sequence stopped
        model.forward(X[:, :4])
        np.testing.assert_allclose(model.advance(X[:, 4]), whole[:, 4], rtol=1e-13)
        with pytest.raises(ShapeError, match="reset_state"):
            model.advance(X[0, 5])


def test_a_stream_whose_weights_changed_cannot_be_backpropagated():
    net = ns.Network.elman(1, 2, 1, seed=0)
    net.reset_state()
    net.advance([1.0])
    net.connection("x1", "h1").weight = 0.3
    net.advance([0.0])
    with pytest.raises(StateError, match="during the stream"):
        net.backward([1.0, 0.0])
    net.reset_state()
    net.advance([1.0]); net.advance([0.0])  # fmt: skip
    net.backward([1.0, 0.0])  # a clean stream: fine


# ---------------------------------------------------------------- gradients


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_bptt_equals_finite_differences(seed):
    net = build(seed)
    X, Y = data(net, seed)
    net.forward(X)
    net.backward(Y, loss="mse")
    analytic = gradients_of(net)
    for parameter in net.parameters():
        numeric = numeric_gradient(net, parameter, X, Y)
        assert analytic[parameter] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 10_000),
    truncation=st.sampled_from([None, 1, 2, 3, 5]),
    steps=st.integers(1, 7),
    batch=st.integers(1, 3),
)
def test_bptt_equals_the_window_loop_on_both_backends(seed, truncation, steps, batch):
    net = build(seed)
    net.truncation = truncation
    X, Y = data(net, seed, batch=batch, steps=steps)
    expected = loop_gradients(net, X, Y, truncation)
    cnet = net.compile()
    for model in (net, cnet):
        model.forward(X)
        model.backward(Y, loss="mse")
        got = gradients_of(model)
        for parameter in net.parameters():
            assert got[parameter] == pytest.approx(
                expected.get(parameter, 0.0), rel=1e-10, abs=1e-13
            )


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), truncation=st.sampled_from([None, 1, 2]))
def test_the_backends_agree_on_three_epochs_of_adam(seed, truncation):
    X, Y = data(build(seed), seed, batch=5, steps=5)
    results = []
    for backend in ("object", "vectorized"):
        net = build(seed)
        net.truncation = truncation
        history = net.fit(
            X, Y, epochs=3, optimizer=ns.Adam(0.05), batch_size=2, seed=seed,
            backend=backend,
        )  # fmt: skip
        results.append((history.loss, net.parameter_vector()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12, atol=1e-14)


def test_elmans_context_units_and_delays_give_the_same_numbers():
    X = np.random.default_rng(0).random((2, 9, 3))
    Y = np.random.default_rng(1).random((2, 9, 3))
    units = ns.Network.elman(3, 4, 3, seed=5)
    delays = ns.Network.elman(3, 4, 3, context_units=False, seed=5)
    for truncation in (None, 1):
        units.truncation = delays.truncation = truncation
        np.testing.assert_allclose(units.forward(X), delays.forward(X), rtol=1e-14)
        assert units.backward(Y) == pytest.approx(delays.backward(Y), rel=1e-14)
        for i in range(1, 5):
            for j in range(1, 5):
                by_unit = units.connection(f"c{i}", f"h{j}").grad
                direct = delays.connection(f"h{i}", f"h{j}").grad
                assert by_unit == pytest.approx(direct, rel=1e-12, abs=1e-15)


def test_truncation_to_one_step_is_backpropagation_with_the_context_as_input():
    # Elman's rule: at each step, plain backprop on (x(t), h(t − 1)) as inputs.
    net = ns.Network.elman(1, 3, 1, context_units=False, seed=2)
    net.truncation = 1
    x = np.array([1.0, 0.0, 1.0, 1.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    net.forward(x)
    net.backward(y, loss="sse")
    hidden = [net[f"h{j}"] for j in range(1, 4)]
    w_in = np.array([net.connection("x1", h.name).weight for h in hidden])
    w_rec = np.array(
        [[net.connection(a.name, b.name).weight for b in hidden] for a in hidden]
    )
    b_h = np.array([h.bias for h in hidden])
    w_out = np.array([net.connection(h.name, "y1").weight for h in hidden])
    sig = ACTIVATIONS["sigmoid"][0]
    context, grad_rec = np.full(3, 0.5), np.zeros((3, 3))
    for t in range(4):
        h = sig(x[t] * w_in + context @ w_rec + b_h)
        out = sig(h @ w_out + net["y1"].bias)
        d_out = (out - y[t]) * out * (1 - out) / 4  # sse averaged over 4 steps
        d_h = d_out * w_out * h * (1 - h)
        grad_rec += np.outer(context, d_h)
        context = h
    for a in range(3):
        for b in range(3):
            got = net.connection(hidden[a].name, hidden[b].name).grad
            assert got == pytest.approx(grad_rec[a, b], rel=1e-12, abs=1e-16)


def test_a_simple_rnn_equals_torch_nn_rnn():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    rnn = torch.nn.RNN(3, 5, batch_first=True, dtype=torch.float64)
    linear = torch.nn.Linear(5, 2, dtype=torch.float64)
    net = ns.Network.rnn(3, 5, 2, seed=0)
    w_ih, w_hh = rnn.weight_ih_l0.detach().numpy(), rnn.weight_hh_l0.detach().numpy()
    bias = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
    for j in range(5):
        h = f"h{j + 1}"
        net[h].bias = bias[j]
        for i in range(3):
            net.connection(f"x{i + 1}", h).weight = w_ih[j, i]
        for i in range(5):
            net.connection(f"h{i + 1}", h).weight = w_hh[j, i]
    w_out, b_out = linear.weight.detach().numpy(), linear.bias.detach().numpy()
    for k in range(2):
        net[f"y{k + 1}"].bias = b_out[k]
        for j in range(5):
            net.connection(f"h{j + 1}", f"y{k + 1}").weight = w_out[k, j]
    X = np.random.default_rng(0).normal(size=(4, 8, 3))
    Y = np.random.default_rng(1).normal(size=(4, 8, 2))
    out = linear(rnn(torch.tensor(X))[0])
    loss = torch.nn.functional.mse_loss(out, torch.tensor(Y))
    loss.backward()
    for model in (net, net.compile()):
        np.testing.assert_allclose(
            model.forward(X), out.detach().numpy(), rtol=1e-12, atol=1e-14
        )
        assert model.backward(Y) == pytest.approx(loss.item(), rel=1e-12)
        grads = gradients_of(model)

        def grad(a, b, grads=grads):
            return grads[net.connection(a, b).parameter]

        for j in range(5):
            h = f"h{j + 1}"
            assert grads[net[h].bias_parameter] == pytest.approx(
                float(rnn.bias_ih_l0.grad[j]), rel=1e-10, abs=1e-14
            )
            for i in range(3):
                assert grad(f"x{i + 1}", h) == pytest.approx(
                    float(rnn.weight_ih_l0.grad[j, i]), rel=1e-10, abs=1e-14
                )
            for i in range(5):
                assert grad(f"h{i + 1}", h) == pytest.approx(
                    float(rnn.weight_hh_l0.grad[j, i]), rel=1e-10, abs=1e-14
                )
        for k in range(2):
            for j in range(5):
                assert grad(f"h{j + 1}", f"y{k + 1}") == pytest.approx(
                    float(linear.weight.grad[k, j]), rel=1e-10, abs=1e-14
                )


# ---------------------------------------------------------------- targets and bad input


def test_the_loss_averages_over_the_steps_that_have_a_target():
    net = ns.Network.elman(1, 2, 2, seed=0)
    x = np.array([[0.1], [0.2], [0.3]])
    y = net.forward(x)
    target = np.array([[np.nan, np.nan], [0.0, 1.0], [np.nan, np.nan]])
    # mse over the one targeted step: its mean over the two outputs
    expected = np.mean((y[1] - target[1]) ** 2)
    assert net.backward(target) == pytest.approx(expected, rel=1e-15)
    batch = np.stack([x, x])
    net.forward(batch)
    targets = np.stack([target, np.full((3, 2), 0.5)])
    rows = np.vstack([y[1:2], y]) - np.vstack([target[1:2], np.full((3, 2), 0.5)])
    assert net.backward(targets) == pytest.approx(np.mean(rows**2), rel=1e-14)


def test_bad_sequences_and_targets_are_refused_and_change_nothing():
    net = ns.Network.elman(2, 2, 1, seed=0)
    before = deep_snapshot(net)
    with pytest.raises(ShapeError, match="one length|shape"):
        net.forward([[[0.0, 1.0], [1.0, 1.0]], [[0.0, 1.0]]])  # ragged
    with pytest.raises(DataError, match="non-finite"):
        net.forward([[0.0, np.nan], [1.0, 1.0]])  # NaN never means "no input"
    with pytest.raises(ShapeError, match="sequence"):
        net.forward(np.zeros((0, 2)))
    net.forward(np.zeros((3, 2)))
    with pytest.raises(DataError, match="some outputs only"):
        ns.Network.elman(1, 2, 2, seed=0).fit(
            np.zeros((1, 2, 1)), [[[np.nan, 1.0], [0.0, 0.0]]], epochs=1
        )
    with pytest.raises(DataError, match="no target"):
        net.backward([np.nan] * 3)
    with pytest.raises(DataError, match="infinite"):
        net.backward([np.inf, 0.0, 0.0])
    with pytest.raises(ShapeError, match="per time step"):
        net.backward([0.0, 1.0])
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ParameterError, match="truncation"):
            net.truncation = bad
    X, Y = np.zeros((2, 3, 2)), np.zeros((2, 3, 1))
    with pytest.raises(ShapeError):
        net.fit(X, Y[:1], epochs=1)
    assert deep_snapshot(net) == before


def test_fit_learns_a_sequence_task():
    # the running parity of the last two bits: needs the step before
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, (64, 8, 1)).astype(float)
    Y = np.logical_xor(X, np.concatenate([np.zeros((64, 1, 1)), X[:, :-1]], axis=1))
    net = ns.Network.rnn(1, 8, 1, output_activation="sigmoid", seed=0)
    history = net.fit(
        X, Y.astype(float), epochs=150, optimizer=ns.Adam(0.05), batch_size=16,
        loss="bce", seed=0, backend="vectorized",
    )  # fmt: skip
    accuracy = ((net.forward(X) > 0.5) == Y).mean()
    assert history.loss[-1] < 0.1 * history.loss[0] and accuracy > 0.99


# ---------------------------------------------------------------- files and graphs


@pytest.mark.parametrize("seed", range(3))
def test_files_keep_delays_initial_outputs_and_truncation(seed, tmp_path):
    net = build(seed)
    net.truncation = 2
    path = tmp_path / "rnn.json"
    ns.save(net, path)
    loaded = ns.load(path)
    assert deep_snapshot(loaded) == deep_snapshot(net)
    X, _ = data(net, seed)
    np.testing.assert_array_equal(loaded.forward(X), net.forward(X))
    ns.save(loaded, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == path.read_bytes()


def test_a_bad_delay_in_a_file_is_a_format_error(tmp_path):
    net = ns.Network.elman(1, 1, 1, context_units=False, seed=0)
    path = tmp_path / "rnn.json"
    ns.save(net, path)
    text = path.read_text()
    for bad, words in (
        ('"delay": -1', "delay"),
        ('"delay": 0', "itself without a delay"),
    ):
        (tmp_path / "bad.json").write_text(text.replace('"delay": 1', bad))
        with pytest.raises(ns.FormatError, match=words):
            ns.load(tmp_path / "bad.json")


def test_networkx_and_graphml_keep_the_time_attributes(tmp_path):
    import networkx as nx

    net = build(7)
    graph = ns.io.to_networkx(net)
    assert any("delay" in data for *_, data in graph.edges(data=True))
    back = ns.io.from_networkx(graph)
    X, _ = data(net, 7)
    # networkx keeps no global edge order: the sums may add up in another order
    np.testing.assert_allclose(back.forward(X), net.forward(X), rtol=1e-13, atol=1e-15)
    ns.io.write_graphml(net, tmp_path / "rnn.graphml")
    read = nx.read_graphml(tmp_path / "rnn.graphml")
    for a, b, c in ((c.source.name, c.target.name, c) for c in net.connections):
        assert read.edges[a, b].get("delay", 0) == c.delay
    for neuron in net.neurons:
        assert (
            read.nodes[neuron.name].get("initial_output", 0.0) == neuron.initial_output
        )


# ---------------------------------------------------------------- unrolling


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_the_unrolled_network_gives_the_bptt_gradients(seed):
    net = build(seed)
    steps = 5
    X, Y = data(net, seed, batch=3, steps=steps)
    Y[:] = np.nan_to_num(Y, nan=0.25)  # a target at every step: one flat sample each
    flat = net.unroll(steps)
    assert not flat.is_recurrent
    assert (
        flat.n_inputs == steps * net.n_inputs
        and flat.n_outputs == steps * net.n_outputs
    )
    out = flat.forward(X.reshape(3, -1))
    np.testing.assert_allclose(
        out.reshape(3, steps, -1), net.forward(X), rtol=1e-13, atol=1e-15
    )
    loss = flat.backward(Y.reshape(3, -1))
    assert loss == pytest.approx(net.backward(Y), rel=1e-13)
    for c in net.connections:
        for t in range(c.delay, steps):
            copy = flat.connection(
                f"{c.source.name}@{t - c.delay}", f"{c.target.name}@{t}"
            )
            assert copy.parameter.grad == pytest.approx(
                c.parameter.grad, rel=1e-10, abs=1e-13
            )
            assert copy.parameter.trainable == c.parameter.trainable
    for neuron in net.neurons:
        if not neuron.is_input:
            copy = flat[f"{neuron.name}@0"].bias_parameter
            assert copy.grad == pytest.approx(
                neuron.bias_parameter.grad, rel=1e-10, abs=1e-13
            )
    report = ns.gradcheck(flat, X[0].ravel(), Y[0].ravel())
    assert report.ok


# ---------------------------------------------------------------- training in chunks


@pytest.mark.parametrize("backend", ["object", "vectorized"])
@pytest.mark.parametrize("steps", [1, 3])
@pytest.mark.parametrize("context_units", [True, False])
def test_chunks_carry_the_state_and_update_after_each(backend, steps, context_units):
    # by hand: each chunk is a sequence whose initial outputs are where the
    # last one stopped; backward on it; one SGD step
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1, 8, 2))
    y = rng.random((1, 8, 1))
    y[0, 2] = np.nan
    by_hand = ns.Network.elman(2, 3, 1, context_units=context_units, seed=4)
    by_hand.truncation = 2
    starts = {n.name: n.initial_output for n in by_hand.neurons}
    for start in range(0, 8, steps):
        for name, value in starts.items():
            by_hand[name].initial_output = value
        by_hand.forward(x[0, start : start + steps])
        chunk = y[0, start : start + steps]
        if not np.isnan(chunk).all():
            by_hand.backward(chunk)
            by_hand.step(lr=0.3)
        starts = {n.name: n.outputs[-1] for n in by_hand.neurons}
    net = ns.Network.elman(2, 3, 1, context_units=context_units, seed=4)
    net.truncation = 2
    net.fit(
        x, y, epochs=1, lr=0.3, steps_per_update=steps, shuffle=False, backend=backend
    )
    np.testing.assert_allclose(
        net.parameter_vector(), by_hand.parameter_vector(), rtol=1e-12, atol=1e-15
    )


def test_chunks_need_a_recurrent_network_with_delays_of_one():
    with pytest.raises(ParameterError, match="no delayed"):
        ns.Network.layered([1, 1], seed=0).fit([[0.0]], [[0.0]], steps_per_update=1)
    net = ns.Network.rnn(1, 2, 1, seed=0)
    net.connect("y1", "h1", weight=0.1, delay=2)
    with pytest.raises(ParameterError, match="delay of 2"):
        net.fit(np.zeros((1, 4, 1)), np.zeros((1, 4, 1)), steps_per_update=2)


# ---------------------------------------------------------------- PyTorch


@pytest.mark.parametrize("seed", range(3))
def test_to_torch_loops_over_time_with_the_same_numbers_and_comes_back(seed):
    torch = pytest.importorskip("torch")
    from neurosim import export

    net = build(seed)
    X, Y = data(net, seed)
    module = export.to_torch(net)
    out = module(torch.tensor(X))
    np.testing.assert_allclose(
        out.detach().numpy(), net.forward(X), rtol=1e-12, atol=1e-14
    )
    present = torch.tensor(~np.isnan(Y[..., 0]))
    loss = torch.nn.functional.mse_loss(out[present], torch.tensor(Y)[present])
    loss.backward()
    net.forward(X)
    assert net.backward(Y) == pytest.approx(loss.item(), rel=1e-12)
    trainable = [p.grad for p in net.parameters() if p.trainable]
    np.testing.assert_allclose(
        module.theta.grad.numpy(), trainable, rtol=1e-10, atol=1e-13
    )
    with torch.no_grad():
        module.theta += 0.1  # trained in PyTorch: the values come back
    back = export.from_torch(module)
    np.testing.assert_allclose(
        back.forward(X),
        module(torch.tensor(X)).detach().numpy(),
        rtol=1e-12,
        atol=1e-14,
    )
    assert [c.delay for c in back.connections] == [c.delay for c in net.connections]
    assert back.n_trainable == net.n_trainable


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_from_torch_reads_a_one_layer_rnn(nonlinearity, batch_first):
    torch = pytest.importorskip("torch")
    torch.manual_seed(1)
    rnn = torch.nn.RNN(
        3, 4, nonlinearity=nonlinearity, batch_first=batch_first, dtype=torch.float64
    )
    from neurosim import export

    net = export.from_torch(rnn)
    X = np.random.default_rng(0).normal(size=(2, 5, 3))
    inputs = torch.tensor(X if batch_first else X.transpose(1, 0, 2))
    expected = rnn(inputs)[0].detach().numpy()
    expected = expected if batch_first else expected.transpose(1, 0, 2)
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-12, atol=1e-14)
    with pytest.raises(ParameterError, match="one-layer"):
        export.from_torch(torch.nn.RNN(3, 4, num_layers=2))


def test_onnx_refuses_a_recurrent_network_and_says_what_to_do(tmp_path):
    from neurosim import export

    with pytest.raises(ParameterError, match="to_torch.*unroll"):
        export.to_onnx(ns.Network.elman(1, 2, 1, seed=0), tmp_path / "rnn.onnx")


def test_the_command_line_reads_draws_and_explains_a_recurrent_network(
    tmp_path, capsys
):
    from PIL import Image

    from neurosim import cli

    path = tmp_path / "elman.json"
    ns.save(ns.Network.elman(1, 2, 1, seed=0), path)
    assert cli.main(["info", str(path)]) == 0
    info = capsys.readouterr().out
    assert "(2 delayed)" in info and "start" in info and "h1 " in info
    assert cli.main(["draw", str(path), "-o", str(tmp_path / "elman.png")]) == 0
    with Image.open(tmp_path / "elman.png") as image:
        assert image.size[0] > 100
    capsys.readouterr()
    args = ["explain", str(path), "--input", "1", "0", "1", "--target", "0", "1", "1"]
    assert cli.main(args) == 0
    story = capsys.readouterr().out
    assert "net(h1, t=2)" in story and "← through time" in story
    assert cli.main([*args, "-o", str(tmp_path / "step.html")]) == 0
    assert "read-only: the network has delayed connections" in (
        tmp_path / "step.html"
    ).read_text(encoding="utf-8")


def test_trace_names_each_step_and_the_terms_through_time():
    net = ns.Network()
    net.add_input("x")
    net.add_output("y", activation="identity")
    net.connect("x", "y", weight=2.0)
    net.connect("y", "y", weight=0.5, delay=1)
    net["y"].initial_output = 1.0
    steps = net.trace([1.0, 3.0], target=[0.0, 1.0], loss="sse")
    forward = [s for s in steps if s.phase == "forward"]
    # y(0) = 2·1 + 0.5·1 = 2.5; y(1) = 2·3 + 0.5·2.5 = 7.25
    assert [(s.time, s.value) for s in forward if s.kind == "output"] == [
        (0, 2.5),
        (1, 7.25),
    ]
    assert str(forward[2]) == "net(y, t=1) = 2.0·3.0 + 0.5·2.5 + 0.0 = 7.25"
    deltas = {s.time: s for s in steps if s.kind == "delta"}
    # sse over 2 steps: δ(1) = (7.25 − 1)/2; δ(0) = (2.5 − 0)/2 + 0.5·δ(1)
    assert deltas[1].value == pytest.approx(3.125)
    assert deltas[0].value == pytest.approx(1.25 + 0.5 * 3.125)
    assert "w(y→y)·δ(y, t=1) ← through time" in str(deltas[0])
    grads = {s.target: s.value for s in steps if s.kind == "weight_grad"}
    # ∂L/∂w(y→y) = δ(0)·y(start) + δ(1)·y(0)
    assert grads[("y", "y")] == pytest.approx(2.8125 * 1.0 + 3.125 * 2.5)


# ---------------------------------------------------------------- pictures


def test_delayed_connections_are_drawn_dashed_and_labelled():
    import matplotlib

    matplotlib.use("Agg")
    from neurosim import plotting

    net = ns.Network.elman(1, 2, 1, context_units=False, seed=0)
    ax = plotting.draw_network(net)
    labels = [t.get_text() for t in ax.texts]
    assert sum(label.startswith("z⁻¹") for label in labels) == 4  # h1→h1, h1→h2, …
    dashed = [p for p in ax.patches if p.get_linestyle() in ("--", "dashed")]
    assert len(dashed) == 4
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("delayed" in text for text in legend)


def test_an_unrolled_network_is_drawn_with_time_left_to_right():
    from neurosim.layout import layered_positions

    flat = ns.Network.elman(1, 2, 1, context_units=False, seed=0).unroll(3)
    pos = layered_positions(flat)
    for name in ("x1", "h1", "h2", "y1"):
        xs = [pos[f"{name}@{t}"][0] for t in range(3)]
        assert xs == sorted(xs) and len(set(xs)) == 3
        assert len({pos[f"{name}@{t}"][1] for t in range(3)}) == 1  # one row per neuron
    assert pos["h1@init"][0] < pos["h1@0"][0]


def test_plot_sequence_shows_each_step_and_the_error_by_position():
    import matplotlib

    matplotlib.use("Agg")
    from neurosim import plotting

    net = ns.Network.elman(1, 3, 1, seed=0)
    x = np.array([0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0])
    fig = plotting.plot_sequence(net, x[:-1], x[1:], period=3)
    bars = fig.axes[3].patches
    errors = (net.forward(x[:-1]).ravel() - x[1:]) ** 2
    expected = [errors[k::3].mean() for k in range(3)]
    assert [b.get_height() for b in bars] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ParameterError, match="period"):
        plotting.position_errors(errors, 0)


def test_the_unrolled_network_goes_through_the_page_and_the_export():
    torch = pytest.importorskip("torch")
    from neurosim import export

    net = ns.Network.elman(1, 2, 1, context_units=False, seed=0)
    flat = net.unroll(3)
    x, y = np.array([1.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0])
    page = flat.explain(x, y, format="html")
    assert "read-only" in str(page) and "h1@2" in str(page)
    module = export.to_torch(flat)
    out = module(torch.tensor(x[None])).detach().numpy()
    np.testing.assert_allclose(out.ravel(), net.forward(x).ravel(), rtol=1e-13)
