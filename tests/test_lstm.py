"""The LSTM layer of neurons: equal to torch.nn.LSTM, the 1997 cell, export, bad input.

Independent truth: PyTorch's own LSTM (float64) with the same weights
mapped in, the 1997 cell's equations written out in a loop here, and
central finite differences for what PyTorch does not have (peepholes).
"""

import numpy as np
import pytest

import neurosim as ns
from neurosim.errors import ParameterError
from neurosim.lstm import LSTM, lstm_parts

from .conftest import deep_snapshot

GATES = ("i", "f", "g", "o")  # PyTorch's order of the four blocks of rows


def weights_of(net, n_inputs, cells):
    """PyTorch's weight_ih (4H, I), weight_hh (4H, H) and bias (4H,) read off the neurons."""
    w_ih = np.zeros((4 * cells, n_inputs))
    w_hh = np.zeros((4 * cells, cells))
    bias = np.zeros(4 * cells)
    for k, part in enumerate(GATES):
        for j in range(cells):
            target = f"lstm1.{part}[{j}]"
            bias[k * cells + j] = net[target].bias
            for i in range(n_inputs):
                w_ih[k * cells + j, i] = net.connection(f"x{i + 1}", target).weight
            for m in range(cells):
                w_hh[k * cells + j, m] = net.connection(f"lstm1.h[{m}]", target).weight
    return w_ih, w_hh, bias


def torch_twin(net, n_inputs, cells, n_outputs):
    torch = pytest.importorskip("torch")
    lstm = torch.nn.LSTM(n_inputs, cells, batch_first=True, dtype=torch.float64)
    w_ih, w_hh, bias = weights_of(net, n_inputs, cells)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(w_ih))
        lstm.weight_hh_l0.copy_(torch.tensor(w_hh))
        lstm.bias_ih_l0.copy_(torch.tensor(bias))
        lstm.bias_hh_l0.zero_()
    readout = None
    if n_outputs:
        readout = torch.nn.Linear(cells, n_outputs, dtype=torch.float64)
        with torch.no_grad():
            for k in range(n_outputs):
                readout.bias[k] = net[f"y{k + 1}"].bias
                for j in range(cells):
                    readout.weight[k, j] = net.connection(
                        f"lstm1.h[{j}]", f"y{k + 1}"
                    ).weight
    return torch, lstm, readout


@pytest.mark.parametrize("backend", ["object", "vectorized"])
@pytest.mark.parametrize("n_outputs", [2, None])
def test_the_lstm_layer_equals_torch_nn_lstm_outputs_and_every_gradient(
    backend, n_outputs
):
    n_inputs, cells = 3, 4
    net = ns.Network.lstm(n_inputs, cells, n_outputs, seed=1)
    for neuron in net.neurons:  # non-zero biases, so that they are checked too
        if neuron.bias_parameter is not None and neuron.bias_parameter.trainable:
            neuron.bias = float(np.random.default_rng(len(neuron.name)).normal(0, 0.5))
    torch, lstm, readout = torch_twin(net, n_inputs, cells, n_outputs)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 7, n_inputs))
    Y = rng.normal(size=(5, 7, n_outputs or cells))
    model = net if backend == "object" else net.compile()
    outputs = model.forward(X)
    loss = model.backward(Y)
    h, _ = lstm(torch.tensor(X))
    y = h if readout is None else readout(h)
    reference = ((y - torch.tensor(Y)) ** 2).mean()
    reference.backward()
    np.testing.assert_allclose(outputs, y.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert loss == pytest.approx(reference.item(), rel=1e-12)
    grads = (
        {p: p.grad for p in net.parameters()}
        if backend == "object"
        else model.parameter_gradients()
    )
    g_ih, g_hh, g_b = (
        t.grad.numpy() for t in (lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0)
    )
    for k, part in enumerate(GATES):
        for j in range(cells):
            target = f"lstm1.{part}[{j}]"
            row = k * cells + j
            assert grads[net[target].bias_parameter] == pytest.approx(
                g_b[row], rel=1e-10, abs=1e-13
            )
            for i in range(n_inputs):
                got = grads[net.connection(f"x{i + 1}", target).parameter]
                assert got == pytest.approx(g_ih[row, i], rel=1e-10, abs=1e-13)
            for m in range(cells):
                got = grads[net.connection(f"lstm1.h[{m}]", target).parameter]
                assert got == pytest.approx(g_hh[row, m], rel=1e-10, abs=1e-13)
    if readout is not None:
        for k in range(n_outputs):
            for j in range(cells):
                got = grads[net.connection(f"lstm1.h[{j}]", f"y{k + 1}").parameter]
                assert got == pytest.approx(
                    readout.weight.grad[k, j].item(), rel=1e-10, abs=1e-13
                )


def test_the_1997_cell_by_its_equations():
    """No forget gate: c(t) = c(t−1) + y_in·g(net_c), y_c = y_out·h(c); a loop written here."""
    spec = LSTM.hochreiter_1997(blocks=2, block_size=2)
    net = ns.Network.lstm(
        3, spec, 2, output_activation="sigmoid", readout_bias=False, seed=4
    )
    sigma = lambda z: 1 / (1 + np.exp(-z))
    X = np.random.default_rng(1).normal(size=(4, 3))
    parts = lstm_parts("lstm1", spec)
    units = parts["i"] + parts["o"] + parts["g"]
    previous = {name: 0.0 for name in units + parts["h"]}
    c = np.zeros(4)
    outputs = net.forward(X)
    for t in range(len(X)):
        net_in = {}
        for name in units:
            total = net[name].bias + sum(
                net.connection(f"x{i + 1}", name).weight * X[t, i] for i in range(3)
            )
            for source in parts["h"] + parts["i"] + parts["o"]:
                total += net.connection(source, name).weight * previous[source]
            net_in[name] = total
        now = {name: sigma(net_in[name]) for name in parts["i"] + parts["o"]}
        h = []
        for j in range(4):
            block = j // 2
            g = 4 * sigma(net_in[parts["g"][j]]) - 2
            c[j] += now[parts["i"][block]] * g
            h.append(now[parts["o"][block]] * (2 * sigma(c[j]) - 1))
        previous = {**now, **dict(zip(parts["h"], h))}
        y = [
            sigma(
                sum(
                    net.connection(parts["h"][j], f"y{k + 1}").weight * h[j]
                    for j in range(4)
                )
            )
            for k in range(2)
        ]
        np.testing.assert_allclose(outputs[t], y, rtol=1e-13)
    assert net["lstm1.o[1]"].bias == -2.0  # the second block opens later


def test_the_1997_architectures_have_the_papers_weight_counts():
    # Hochreiter & Schmidhuber (1997), Table 1: 276 weights for 3 blocks of 2, 264 for 4 of 1.
    for blocks, size, weights in ((3, 2, 276), (4, 1, 264)):
        spec = LSTM.hochreiter_1997(blocks=blocks, block_size=size)
        net = ns.Network.lstm(
            7, spec, 7, output_activation="sigmoid", readout_bias=False
        )
        assert len(net.parameter_vector()) == weights


def test_peepholes_and_blocks_give_gradients_equal_to_finite_differences_on_both_backends():
    spec = LSTM(4, peepholes=True, block_size=2)
    net = ns.Network.lstm(2, spec, 1, seed=3)
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(2, 5, 2)), rng.normal(size=(2, 5, 1))
    assert net.connection("lstm1.c[1]", "lstm1.o[0]").delay == 0
    assert net.connection("lstm1.c[1]", "lstm1.f[0]").delay == 1
    report = ns.gradcheck(net, X, Y, tolerance=1e-6)
    assert report.ok, report
    net.forward(X)
    net.backward(Y)
    compiled = net.compile()
    compiled.forward(X)
    compiled.backward(Y)
    for parameter, grad in compiled.parameter_gradients().items():
        assert grad == pytest.approx(parameter.grad, rel=1e-12, abs=1e-15)


def test_bad_layers_are_refused_and_change_nothing():
    net = ns.Network(seed=0)
    net.add_input("x1")
    before = deep_snapshot(net)
    for spec, match in (
        (LSTM(0), "cells"),
        (LSTM(3, block_size=2), "whole blocks"),
        (LSTM(2, recurrence="everything"), "recurrence"),
        (LSTM(2, cell_input="tanhh"), "tanh"),
        (LSTM(2, output_gate_bias=()), "output_gate_bias"),
        (LSTM(2, forget_gate="yes"), "forget_gate"),
    ):
        with pytest.raises(ParameterError, match=match):
            ns.lstm.lstm_layer(net, [net["x1"]], spec, "lstm1")
        assert deep_snapshot(net) == before
    with pytest.raises(ParameterError, match="cells"):
        ns.Network.lstm(2, 0, 1)


@pytest.mark.parametrize(
    "layer, n_outputs, kind",
    [
        (3, 2, "LSTMReadout"),
        (3, None, "LSTMReadout"),
        (LSTM(4, peepholes=True, block_size=2), 1, "RecurrentNeuronGraph"),
        (LSTM.hochreiter_1997(2, 2), 3, "RecurrentNeuronGraph"),
    ],
)
def test_torch_export_and_import_round_trip(layer, n_outputs, kind):
    torch = pytest.importorskip("torch")
    from neurosim.export import from_torch, to_torch

    net = ns.Network.lstm(2, layer, n_outputs, output_activation="sigmoid", seed=5)
    X = np.random.default_rng(3).normal(size=(2, 6, 2))
    module = to_torch(net)
    assert type(module).__name__ == kind
    np.testing.assert_allclose(
        module(torch.tensor(X)).detach().numpy(), net.forward(X), rtol=1e-12, atol=1e-15
    )
    back = from_torch(module)
    np.testing.assert_array_equal(back.parameter_vector(), net.parameter_vector())
    np.testing.assert_allclose(back.forward(X), net.forward(X), rtol=1e-15, atol=1e-16)


def test_from_torch_reads_a_one_layer_nn_lstm():
    torch = pytest.importorskip("torch")
    from neurosim.export import from_torch

    lstm = torch.nn.LSTM(3, 5, batch_first=True, dtype=torch.float64)
    X = np.random.default_rng(4).normal(size=(2, 7, 3))
    net = from_torch(lstm)
    expected = lstm(torch.tensor(X))[0].detach().numpy()
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-12, atol=1e-15)
    with pytest.raises(ParameterError, match="one-layer"):
        from_torch(torch.nn.LSTM(3, 5, num_layers=2))


@pytest.mark.parametrize("suffix", [".json", ".graphml"])
def test_an_lstm_network_survives_a_file(tmp_path, suffix):
    net = ns.Network.lstm(2, LSTM(3, peepholes=True), 1, seed=2)
    path = tmp_path / f"lstm{suffix}"
    ns.save(net, path)
    back = ns.load(path)
    assert back["lstm1.h[2]"].aggregation == "product"
    assert not back["lstm1.h[2]"].bias_parameter.trainable
    assert back.n_trainable == net.n_trainable
    X = np.random.default_rng(0).normal(size=(2, 5, 2))
    np.testing.assert_array_equal(back.forward(X), net.forward(X))


def test_an_lstm_is_seeded_and_leaves_numpys_global_state_alone():
    state = np.random.get_state()
    nets = [ns.Network.lstm(2, 3, 1, seed=s) for s in (7, 7, 8)]
    assert np.array_equal(nets[0].parameter_vector(), nets[1].parameter_vector())
    assert not np.array_equal(nets[0].parameter_vector(), nets[2].parameter_vector())
    X = np.random.default_rng(0).normal(size=(4, 5, 2))
    Y = np.random.default_rng(1).normal(size=(4, 5, 1))
    losses = [
        net.fit(X, Y, epochs=3, optimizer=ns.Adam(0.05), batch_size=2, seed=0).loss
        for net in nets[:2]
    ]
    assert losses[0] == losses[1]
    assert np.array_equal(nets[0].parameter_vector(), nets[1].parameter_vector())
    after = np.random.get_state()
    assert after[0] == state[0] and np.array_equal(after[1], state[1])
