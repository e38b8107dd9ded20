"""When you outgrow neurosim: the same network in PyTorch and ONNX, and back.

=====================  ==================================================
:func:`to_torch`       a ``torch.nn.Module`` computing exactly the network
:func:`from_torch`     an ``nn.Sequential`` MLP as a layered ``Network``, a
                       one-layer ``nn.RNN`` as neurons, or what ``to_torch`` made
:func:`to_onnx`        an ONNX file any runtime can execute
:func:`torch_loss`     PyTorch's loss for a neurosim loss name
=====================  ==================================================

Both are optional: ``pip install torch`` (``".[torch]"`` in neurosim's source
tree) and ``pip install onnx onnxruntime`` (``".[onnx]"``). ``import neurosim``
never imports them; a function that needs one and does not find it raises
:class:`~neurosim.errors.MissingDependencyError` naming what to install.

A layered network (every neuron of a layer fed by every neuron of the layer
before, no sharing, nothing frozen) becomes ``nn.Sequential`` of ``nn.Linear``
and activation modules — what a PyTorch user would write — and
:func:`from_torch` brings it back bit for bit. Any other network the compiled
backend accepts (skip connections, missing connections, mixed activations,
pooling neurons, shared and frozen parameters) becomes a
:class:`~neurosim.export.torch_module.NeuronGraph`: one trainable
``nn.Parameter`` holding each trainable parameter once (so a shared one is
one value, its gradient summed over its uses), the frozen ones in a buffer
without gradient. A network with delays becomes a
:class:`~neurosim.export.torch_module.RecurrentNeuronGraph`, which loops over
time level by level as the compiled backend does; it takes and returns
``(batch, T, ·)`` tensors.

Examples
--------
>>> import neurosim as ns
>>> from neurosim import export
>>> net = ns.Network.layered([2, 3, 1], seed=0)
>>> module = export.to_torch(net)        # doctest: +SKIP
>>> module                               # doctest: +SKIP
Sequential(
  (0): Linear(in_features=2, out_features=3, bias=True)
  (1): Sigmoid()
  (2): Linear(in_features=3, out_features=1, bias=True)
  (3): Sigmoid()
)
"""

from __future__ import annotations

import importlib
import itertools
import os

import numpy as np

from .._files import atomic_write
from ..compiled.recurrent import CompiledRecurrent
from ..errors import MissingDependencyError, ParameterError
from ..io.networks import network_document, network_from
from ..network import Network
from .lstm import from_lstm, lstm_shape, to_lstm
from .plan import check_exportable, is_layered, plan

__all__ = ["from_torch", "to_onnx", "to_torch", "torch_loss"]


def _require(module: str, extra: str):
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingDependencyError(
            f"this needs {module.split('.')[0]}, which is not installed ({error}). Install it "
            f"with 'pip install {extra}' (or, in neurosim's source tree, "
            f"'pip install \".[{extra.split()[0]}]\"')."
        ) from None


def to_torch(net, dtype=None, activations: dict | None = None):
    """The network as a ``torch.nn.Module`` with the same numbers.

    Parameters
    ----------
    net : Network
    dtype : torch.dtype, default torch.float64
        float64 gives neurosim's numbers to round-off (1e-12 relative).
    activations : dict of str to nn.Module, optional
        The PyTorch counterpart of each of your own activations, by name.

    Returns
    -------
    torch.nn.Module
        ``nn.Sequential`` for a layered network, otherwise a ``NeuronGraph``.

    Raises
    ------
    MissingDependencyError
        Without torch.
    ParameterError
        For an activation of your own with no counterpart given, naming the
        neuron.
    """
    torch = _require("torch", "torch")
    module = _require("neurosim.export.torch_module", "torch")
    dtype = torch.float64 if dtype is None else dtype
    custom = dict(activations or {})
    check_exportable(net, counterparts=custom)
    shape = lstm_shape(net) if net.is_recurrent else None
    if shape is not None:
        return to_lstm(net, shape, torch, module, dtype, custom)
    if net.is_recurrent:
        return module.RecurrentNeuronGraph(
            _recurrent_layout(net), network_document(net), dtype, custom
        )
    the_plan = plan(net, counterparts=custom)
    if not is_layered(net, the_plan):
        return module.NeuronGraph(the_plan, dtype, custom)
    layers, sizes = (
        [],
        [len(the_plan.inputs)] + [len(level.names) for level in the_plan.levels],
    )
    start = 0
    for level, (fan_in, fan_out) in zip(the_plan.levels, itertools.pairwise(sizes)):
        linear = torch.nn.Linear(fan_in, fan_out, dtype=dtype)
        block = the_plan.values[level.weight_index[start : start + fan_in]]
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(block.T, dtype=dtype))
            linear.bias.copy_(
                torch.tensor(the_plan.values[level.bias_index], dtype=dtype)
            )
        layers += [linear, module.activation_module(level.groups[0][0], custom)]
        start += fan_in
    return torch.nn.Sequential(*layers)


def _recurrent_layout(net) -> dict:
    """The compiled layout, with the trainable parameters first (``theta``), then the frozen."""
    layout = CompiledRecurrent(net).structure()
    parameters = layout.pop("parameters")
    order = [p for p in parameters if p.trainable] + [
        p for p in parameters if not p.trainable
    ]
    place = {id(p): k for k, p in enumerate(order)}
    moved = np.array([place[id(p)] for p in parameters], dtype=np.intp)
    for matrix in layout["matrices"]:
        matrix["index"] = moved[matrix["index"]].tolist()
    layout["bias_index"] = moved[layout["bias_index"]].tolist()
    for *_, gated in layout["groups"]:
        for slots in gated["slots"] if gated else ():
            slots["index"] = moved[slots["index"]].tolist()
    layout["values"] = [p.value for p in order]
    layout["n_trainable"] = sum(p.trainable for p in parameters)
    return layout


def from_torch(module):
    """A PyTorch module as a Network: an ``nn.Sequential`` of layers, or a ``NeuronGraph``.

    An ``nn.Sequential`` (or a single layer): each ``Linear`` becomes a layer
    of neurons with its weights and biases; the activation module after it
    (``Sigmoid``, ``Tanh``, ``ReLU``, ``LeakyReLU(0.01)``, ``Identity``,
    neurosim's ``Softplus`` and ``Step``; none means identity) becomes the
    layer's activation. PyTorch's own ``nn.Softplus()`` (beta 1) is read as
    softplus (it is linear above 20, where the two differ by less than 2e-9).

    A :class:`NeuronGraph` — what :func:`to_torch` makes of any other
    network (skip connections, shared and frozen parameters, pooling) — is
    read back with its whole structure: the same neurons, connections,
    sharing and freezing, and ``parameter_vector()`` equal to its ``theta``.

    Raises
    ------
    ParameterError
        For a layer it cannot express as neurons (naming it and its
        position), a ``Linear`` whose ``in_features`` do not match the layer
        before, a subclass with a ``forward`` of its own, complex weights, or
        weights without data (``device="meta"``).
    """
    torch = _require("torch", "torch")
    mod = _require("neurosim.export.torch_module", "torch")
    if isinstance(module, mod.NeuronGraph):
        return _from_neuron_graph(module, torch, mod)
    if isinstance(module, mod.RecurrentNeuronGraph):
        return _from_recurrent_graph(module, torch)
    if isinstance(module, torch.nn.RNN):
        return _from_rnn(module, torch)
    if isinstance(module, torch.nn.LSTM):
        return from_lstm(module, None, "identity", True, torch)
    if isinstance(module, mod.LSTMReadout):
        readout = module.readout
        has_bias = readout is None or readout.bias is not None
        return from_lstm(module.lstm, readout, module.activation_name, has_bias, torch)
    if not isinstance(module, torch.nn.Module):
        raise ParameterError(
            f"from_torch reads a torch.nn.Module, got {type(module).__name__}"
        )
    linears, activations = _read_sequential(module, torch, mod)
    # Every value read (and checked) before anything is built.
    arrays = [_weights_of(linear, k, torch) for k, linear in enumerate(linears)]
    sizes = [linears[0].in_features] + [layer.out_features for layer in linears]
    net = Network.layered(
        sizes, activation="identity", output_activation="identity", seed=0
    )
    layers = [net.inputs]
    for depth in range(1, len(sizes) - 1):
        layers.append([net[f"h{depth}_{j + 1}"] for j in range(sizes[depth])])
    layers.append(net.outputs)
    for k, ((weight, bias), activation) in enumerate(zip(arrays, activations)):
        for j, target in enumerate(layers[k + 1]):
            target.activation = activation
            target.bias = float(bias[j])
            for i, source in enumerate(layers[k]):
                net.connection(source, target).weight = float(weight[j, i])
    return net


def _activation_names(torch, mod) -> dict:
    return {
        torch.nn.Identity: "identity", torch.nn.Sigmoid: "sigmoid", torch.nn.Tanh: "tanh",
        torch.nn.ReLU: "relu", mod.Softplus: "softplus", torch.nn.Softplus: "softplus",
        mod.Step: "step", torch.nn.LeakyReLU: "leaky_relu",
    }  # fmt: skip


def _activation_of(layer, names: dict) -> str | None:
    """The neurosim activation a module computes exactly, or None."""
    name = names.get(type(layer))
    if name == "leaky_relu" and layer.negative_slope != 0.01:
        return None
    torch_softplus = name == "softplus" and hasattr(layer, "beta")
    if torch_softplus and (layer.beta != 1.0 or layer.threshold < 20.0):
        return None
    return name


def _read_sequential(module, torch, mod) -> tuple[list, list[str]]:
    """The Linear layers of a Sequential and the activation after each, checked."""
    names = _activation_names(torch, mod)
    if isinstance(module, torch.nn.Sequential):
        if type(module).forward is not torch.nn.Sequential.forward:
            raise ParameterError(
                f"{type(module).__name__} subclasses nn.Sequential with a forward of its "
                "own; from_torch can only read the plain layer-after-layer Sequential"
            )
        layers = list(module)
    else:
        layers = [module]
    linears, activations = [], []
    for position, layer in enumerate(layers):
        if isinstance(layer, torch.nn.Linear):
            if type(layer).forward is not torch.nn.Linear.forward:
                raise ParameterError(
                    f"layer {position} is a {type(layer).__name__}, a subclass of "
                    "nn.Linear with a forward of its own, which neurons cannot express"
                )
            if linears and layer.in_features != linears[-1].out_features:
                raise ParameterError(
                    f"layer {position} ({layer!r}) takes {layer.in_features} inputs but "
                    f"the layer before gives {linears[-1].out_features}; the module "
                    "cannot run as it is"
                )
            linears.append(layer)
            activations.append("identity")
            continue
        name = _activation_of(layer, names)
        if name is None or not linears or activations[-1] != "identity":
            raise ParameterError(
                f"from_torch reads nn.Sequential of nn.Linear and activations "
                f"({', '.join(sorted(set(names.values())))}: LeakyReLU with slope 0.01, "
                f"Softplus with beta 1); layer {position} is {layer!r}, which it cannot "
                "express as neurons"
            )
        activations[-1] = name
    if not linears:
        raise ParameterError("from_torch found no nn.Linear layer in the module")
    return linears, activations


def _weights_of(linear, position: int, torch) -> tuple[np.ndarray, np.ndarray]:
    """A Linear's weight and bias as float64 arrays, refusing what has no real value."""
    for tensor in (linear.weight, linear.bias):
        if tensor is None:
            continue
        if tensor.is_meta:
            raise ParameterError(
                f"Linear layer {position} has no values (device 'meta'); load or "
                "initialise its weights first"
            )
        if tensor.is_complex():
            raise ParameterError(
                f"Linear layer {position} has complex weights; neurosim's weights are "
                "real numbers"
            )
    weight = linear.weight.detach().cpu().to(torch.float64).numpy()
    bias = (
        np.zeros(linear.out_features)
        if linear.bias is None
        else linear.bias.detach().cpu().to(torch.float64).numpy()
    )
    if not (np.isfinite(weight).all() and np.isfinite(bias).all()):
        raise ParameterError(f"Linear layer {position} has NaN or infinite weights")
    return weight, bias


def _from_neuron_graph(module, torch, mod) -> Network:
    """Rebuild the network a :class:`NeuronGraph` was made from."""
    from ..parameters import Parameter

    names = _activation_names(torch, mod)
    theta = module.theta.detach().cpu().to(torch.float64).numpy()
    frozen = module.frozen.detach().cpu().to(torch.float64).numpy()
    values = np.concatenate([theta, frozen])
    parameters = [
        Parameter(float(v), trainable=k < len(theta)) for k, v in enumerate(values)
    ]
    absent = len(values)
    sizes = [getattr(module, f"weight_index_{k}").shape[1] + len(pools)
             for k, _, pools in module.levels]  # fmt: skip
    n_inputs = len(module.names) - sum(sizes)
    outputs = {module.names[c] for c in module.outputs.tolist()}
    net = Network()
    for name in module.names[:n_inputs]:
        net.add_input(name)
    column = n_inputs
    edges, neurons = [], []
    for k, groups, pools in module.levels:
        weight_index = getattr(module, f"weight_index_{k}").numpy()
        bias_index = getattr(module, f"bias_index_{k}").numpy()
        sources = module.names[:column]
        made = []
        for start, stop, activation in groups:
            act = _activation_of(activation, names)
            for j in range(start, stop):
                made.append((module.names[column + j], act, int(bias_index[j]), "sum"))
                for i, index in enumerate(weight_index[:, j].tolist()):
                    if index != absent:
                        edges.append((sources[i], module.names[column + j], index))
        for p, (
            source_columns,
            weight_indices,
            bias,
            activation,
            aggregation,
        ) in enumerate(pools):
            name = module.names[column + weight_index.shape[1] + p]
            made.append(
                (name, _activation_of(activation, names), int(bias), aggregation)
            )
            for c, index in zip(source_columns.tolist(), weight_indices.tolist()):
                edges.append((module.names[c], name, index))
        for name, act, _, _ in made:
            if act is None:
                raise ParameterError(
                    f"neuron {name!r} uses an activation neurosim does not have"
                )
        neurons.extend(made)
        column += len(made)
    # Hidden neurons in level order, then the outputs in the module's order
    # (the order of the network's outputs).
    spec = {name: (act, bias, aggregation) for name, act, bias, aggregation in neurons}
    order = [m[0] for m in neurons if m[0] not in outputs]
    order += [module.names[c] for c in module.outputs.tolist()]
    for name in order:
        act, bias, aggregation = spec[name]
        add = net.add_output if name in outputs else net.add_neuron
        add(name, act, parameters[bias], aggregation)
    net.connect_many((s, t, parameters[index]) for s, t, index in edges)
    # The parameters in the module's order: parameter_vector() == theta.
    place = {id(p): k for k, p in enumerate(parameters)}
    net.parameter_store.reorder([place[id(p)] for p in net.parameters])
    return net


def _from_recurrent_graph(module, torch) -> Network:
    """The network a :class:`RecurrentNeuronGraph` was made from, with its trained values."""
    net = network_from(module.document, {})
    theta = module.theta.detach().cpu().to(torch.float64).numpy()
    frozen = module.frozen.detach().cpu().to(torch.float64).numpy()
    trainable = [p for p in net.parameters if p.trainable]
    fixed = [p for p in net.parameters if not p.trainable]
    if len(trainable) != len(theta) or len(fixed) != len(frozen):
        raise ParameterError(
            "the module's parameters do not fit the network it describes (was its "
            "theta or its document replaced?)"
        )
    for parameter, value in zip([*trainable, *fixed], [*theta, *frozen]):
        parameter.value = float(value)
    return net


def _from_rnn(rnn, torch) -> Network:
    """A one-layer ``nn.RNN`` as neurons: inputs x, and its hidden units h as the outputs.

    ``h_t = f(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh)``: each hidden unit's
    bias is ``b_ih + b_hh``; the network's outputs at every step are the
    RNN's output ``rnn(x)[0]`` (``batch_first`` either way: neurosim's
    batches of sequences are batch first).
    """
    if rnn.num_layers != 1 or rnn.bidirectional or getattr(rnn, "proj_size", 0):
        raise ParameterError(
            f"from_torch reads a one-layer, one-directional nn.RNN, got {rnn!r}; "
            "read each layer on its own"
        )
    activation = {"tanh": "tanh", "relu": "relu"}[rnn.nonlinearity]
    weights = [
        getattr(rnn, name).detach().cpu().to(torch.float64).numpy()
        for name in ("weight_ih_l0", "weight_hh_l0")
    ]
    bias = np.zeros(rnn.hidden_size)
    if rnn.bias:
        bias = sum(
            getattr(rnn, name).detach().cpu().to(torch.float64).numpy()
            for name in ("bias_ih_l0", "bias_hh_l0")
        )
    if not all(np.isfinite(w).all() for w in (*weights, bias)):
        raise ParameterError("the nn.RNN has NaN or infinite weights")
    net = Network()
    inputs = [net.add_input(f"x{i + 1}") for i in range(rnn.input_size)]
    hidden = [
        net.add_output(f"h{j + 1}", activation, float(bias[j]))
        for j in range(rnn.hidden_size)
    ]
    w_ih, w_hh = weights
    net.connect_many(
        [
            (x, h, float(w_ih[j, i]))
            for j, h in enumerate(hidden)
            for i, x in enumerate(inputs)
        ]
        + [
            (a, h, float(w_hh[j, i]), 1)
            for j, h in enumerate(hidden)
            for i, a in enumerate(hidden)
        ]
    )
    return net


def to_onnx(net, path: str | os.PathLike) -> None:
    """Write the network as an ONNX model (float32; IR version 8, opset 17), atomically.

    The model has one input ``x`` of shape (batch, inputs) and one output
    ``y`` of shape (batch, outputs); it is checked with
    ``onnx.checker.check_model(..., full_check=True)`` before it is written.
    """
    if getattr(net, "is_recurrent", False):
        raise ParameterError(
            "to_onnx writes feed-forward networks; this one has delayed connections. "
            "Export it with to_torch (a module that loops over time), or write "
            "net.unroll(T) for sequences of T steps"
        )
    _require("onnx", "onnx onnxruntime")
    builder = _require("neurosim.export.onnx_model", "onnx onnxruntime")
    model = builder.build(plan(net), name="neurosim")

    def write(temporary: str) -> None:
        with open(temporary, "wb") as file:
            file.write(model.SerializeToString())

    atomic_write(path, write)


def torch_loss(name: str):
    """PyTorch's loss with neurosim's semantics for ``name``.

    ``mse`` → ``MSELoss`` (the mean over every output of every sample),
    ``bce`` → ``BCELoss`` (both clamp the logarithm at −100),
    ``cross_entropy`` → ``CrossEntropyLoss`` on logits with probability
    targets; ``sse`` (½ Σ (y − t)² over outputs, averaged over the batch) has
    no PyTorch class and is returned as a function of (outputs, targets).
    """
    torch = _require("torch", "torch")
    losses = {
        "mse": torch.nn.MSELoss,
        "bce": torch.nn.BCELoss,
        "cross_entropy": torch.nn.CrossEntropyLoss,
    }
    if name == "sse":
        return lambda outputs, targets: (
            0.5 * ((outputs - targets) ** 2).sum() / outputs.shape[0]
        )
    if name not in losses:
        raise ParameterError(
            f"no PyTorch loss for {name!r}; neurosim's are {['bce', 'cross_entropy', 'mse', 'sse']}"
        )
    return losses[name]()
