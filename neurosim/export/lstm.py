"""An LSTM layer of neurons as ``torch.nn.LSTM`` and back (torch is passed in, never imported here).

:func:`lstm_shape` recognises a network that :meth:`Network.lstm
<neurosim.network.Network.lstm>` with a plain layer (a forget gate, no
peepholes, one cell per block) would build — the same neurons,
connections, delays, sharing and freezing — so that :func:`~neurosim.export.to_torch`
gives PyTorch's own ``nn.LSTM`` (with a ``Linear`` read-out) instead of a
general graph module. PyTorch's two biases per gate are read back as their
sum; written, the sum goes to ``bias_ih`` and ``bias_hh`` is 0.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..lstm import LSTM
from ..network import Network

__all__ = ["from_lstm", "lstm_shape", "lstm_weights", "to_lstm"]

GATES = ("i", "f", "g", "o")  # PyTorch's order of the gate blocks


def _signature(net: Network) -> tuple:
    neurons = tuple(
        (
            n.name,
            n.role,
            n.activation and n.activation.name,
            n.aggregation,
            n.bias_parameter is None or n.bias_parameter.trainable,
        )
        for n in net.neurons
    )
    connections = tuple(
        (
            c.source.name,
            c.target.name,
            c.delay,
            c.trainable,
            None if c.trainable else c.weight,
        )
        for c in net.connections
    )
    return neurons, connections


def lstm_shape(net: Network) -> tuple | None:
    """``(inputs, cells, outputs or None, output activation, readout bias)`` of a plain LSTM network, or None."""
    inputs = [n.name for n in net.inputs]
    outputs = [n.name for n in net.outputs]
    cells = sum(1 for n in net.neurons if n.name.startswith("lstm1.c["))
    if not cells or inputs != [f"x{k + 1}" for k in range(len(inputs))]:
        return None
    if outputs == [f"lstm1.h[{j}]" for j in range(cells)]:
        shape = (len(inputs), cells, None, "identity", True)
    elif outputs == [f"y{k + 1}" for k in range(len(outputs))]:
        first = net[outputs[0]]
        shape = (
            len(inputs),
            cells,
            len(outputs),
            first.activation.name,
            first.bias_parameter.trainable,
        )
    else:
        return None
    try:
        twin = Network.lstm(shape[0], shape[1], shape[2], shape[3], shape[4])
    except ParameterError:
        return None
    return shape if _signature(twin) == _signature(net) else None


def lstm_weights(
    net: Network, n_inputs: int, cells: int, n_outputs: int | None
) -> dict:
    """PyTorch's arrays read off the neurons: ``weight_ih`` (4H, I), ``weight_hh`` (4H, H), ``bias`` (4H,), and the read-out's."""
    w_ih, w_hh, bias = (
        np.zeros((4 * cells, n_inputs)),
        np.zeros((4 * cells, cells)),
        np.zeros(4 * cells),
    )
    for k, part in enumerate(GATES):
        for j in range(cells):
            row, target = k * cells + j, f"lstm1.{part}[{j}]"
            bias[row] = net[target].bias
            for i in range(n_inputs):
                w_ih[row, i] = net.connection(f"x{i + 1}", target).weight
            for m in range(cells):
                w_hh[row, m] = net.connection(f"lstm1.h[{m}]", target).weight
    arrays = {"weight_ih": w_ih, "weight_hh": w_hh, "bias": bias}
    if n_outputs is not None:
        arrays["readout_weight"] = np.array(
            [
                [
                    net.connection(f"lstm1.h[{j}]", f"y{k + 1}").weight
                    for j in range(cells)
                ]
                for k in range(n_outputs)
            ]
        )
        arrays["readout_bias"] = np.array(
            [net[f"y{k + 1}"].bias for k in range(n_outputs)]
        )
    return arrays


def from_lstm(lstm, readout, activation: str, readout_bias: bool, torch) -> Network:
    """A one-layer ``nn.LSTM`` (and its ``Linear`` read-out, or None) as neurons."""
    if lstm.num_layers != 1 or lstm.bidirectional or getattr(lstm, "proj_size", 0):
        raise ParameterError(
            f"from_torch reads a one-layer, one-directional nn.LSTM without projection, got "
            f"{lstm!r}; read each layer on its own"
        )

    def array(tensor) -> np.ndarray:
        return tensor.detach().cpu().to(torch.float64).numpy()

    w_ih, w_hh = array(lstm.weight_ih_l0), array(lstm.weight_hh_l0)
    bias = np.zeros(4 * lstm.hidden_size)
    if lstm.bias:
        bias = array(lstm.bias_ih_l0) + array(lstm.bias_hh_l0)
    arrays = [w_ih, w_hh, bias]
    if readout is not None:
        arrays += [array(readout.weight)] + (
            [array(readout.bias)] if readout.bias is not None else []
        )
    if not all(np.isfinite(a).all() for a in arrays):
        raise ParameterError(
            "the nn.LSTM (or its read-out) has NaN or infinite weights"
        )
    cells, n_inputs = lstm.hidden_size, lstm.input_size
    n_outputs = None if readout is None else readout.out_features
    net = Network.lstm(n_inputs, LSTM(cells), n_outputs, activation, readout_bias)
    for k, part in enumerate(GATES):
        for j in range(cells):
            row, target = k * cells + j, f"lstm1.{part}[{j}]"
            net[target].bias = float(bias[row])
            for i in range(n_inputs):
                net.connection(f"x{i + 1}", target).weight = float(w_ih[row, i])
            for m in range(cells):
                net.connection(f"lstm1.h[{m}]", target).weight = float(w_hh[row, m])
    if readout is not None:
        weight = array(readout.weight)
        for k in range(n_outputs):
            if readout.bias is not None:
                net[f"y{k + 1}"].bias = float(array(readout.bias)[k])
            for j in range(cells):
                net.connection(f"lstm1.h[{j}]", f"y{k + 1}").weight = float(
                    weight[k, j]
                )
    return net


def to_lstm(net, shape, torch, module, dtype, custom):
    """A plain LSTM network as ``nn.LSTM`` + ``Linear`` (see :mod:`neurosim.export.lstm`)."""
    n_inputs, cells, n_outputs, activation, readout_bias = shape
    arrays = lstm_weights(net, n_inputs, cells, n_outputs)
    lstm = torch.nn.LSTM(n_inputs, cells, batch_first=True, dtype=dtype)
    readout = None
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(arrays["weight_ih"]))
        lstm.weight_hh_l0.copy_(torch.tensor(arrays["weight_hh"]))
        lstm.bias_ih_l0.copy_(torch.tensor(arrays["bias"]))
        lstm.bias_hh_l0.zero_()
        if n_outputs is not None:
            readout = torch.nn.Linear(cells, n_outputs, bias=readout_bias, dtype=dtype)
            readout.weight.copy_(torch.tensor(arrays["readout_weight"]))
            if readout_bias:
                readout.bias.copy_(torch.tensor(arrays["readout_bias"]))
    return module.LSTMReadout(
        lstm, readout, module.activation_module(activation, custom), activation
    )
