"""When you outgrow neurosim: the same network in PyTorch and ONNX, and back.

=====================  ==================================================
:func:`to_torch`       a ``torch.nn.Module`` computing exactly the network
:func:`from_torch`     an ``nn.Sequential`` MLP as a layered ``Network``
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
without gradient.

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
from ..errors import MissingDependencyError, ParameterError
from .plan import is_layered, plan

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


def from_torch(module):
    """An ``nn.Sequential`` of ``nn.Linear`` layers and activations as a layered Network.

    Each ``Linear`` becomes a layer of neurons with its weights and biases;
    the activation module after it (``Sigmoid``, ``Tanh``, ``ReLU``,
    ``LeakyReLU(0.01)``, ``Identity``, neurosim's ``Softplus`` and ``Step``;
    none means identity) becomes the layer's activation. PyTorch's own
    ``nn.Softplus`` is read as softplus (it is linear above 20, where the two
    differ by less than 2e-9).

    Raises
    ------
    ParameterError
        For any other layer, naming it and its position.
    """
    torch = _require("torch", "torch")
    mod = _require("neurosim.export.torch_module", "torch")
    from ..network import Network

    names = {
        torch.nn.Identity: "identity", torch.nn.Sigmoid: "sigmoid", torch.nn.Tanh: "tanh",
        torch.nn.ReLU: "relu", mod.Softplus: "softplus", torch.nn.Softplus: "softplus",
        mod.Step: "step",
    }  # fmt: skip
    layers = list(module) if isinstance(module, torch.nn.Sequential) else [module]
    linears, activations = [], []
    for position, layer in enumerate(layers):
        if isinstance(layer, torch.nn.Linear):
            linears.append(layer)
            activations.append("identity")
        elif (
            isinstance(layer, torch.nn.LeakyReLU)
            and layer.negative_slope == 0.01
            and linears
        ):
            activations[-1] = "leaky_relu"
        elif type(layer) in names and linears and activations[-1] == "identity":
            activations[-1] = names[type(layer)]
        else:
            raise ParameterError(
                f"from_torch reads nn.Sequential of nn.Linear and activations "
                f"({', '.join(sorted(set(names.values())))}, LeakyReLU(0.01)); layer "
                f"{position} is {layer!r}, which it cannot express as neurons"
            )
    if not linears:
        raise ParameterError("from_torch found no nn.Linear layer in the module")
    sizes = [linears[0].in_features] + [layer.out_features for layer in linears]
    net = Network.layered(
        sizes, activation="identity", output_activation="identity", seed=0
    )
    layer_names = [[n.name for n in net.inputs]]
    by_level: dict[int, list[str]] = {}
    for neuron in net.neurons:
        if neuron.role == "hidden":
            by_level.setdefault(
                int(neuron.name[1 : neuron.name.index("_")]), []
            ).append(neuron.name)
    layer_names += [by_level[k] for k in sorted(by_level)] + [
        [n.name for n in net.outputs]
    ]
    for k, (linear, activation) in enumerate(zip(linears, activations)):
        weight = linear.weight.detach().cpu().to(torch.float64).numpy()
        bias = (
            np.zeros(linear.out_features)
            if linear.bias is None
            else linear.bias.detach().cpu().to(torch.float64).numpy()
        )
        for j, target in enumerate(layer_names[k + 1]):
            net[target].activation = activation
            net[target].bias = float(bias[j])
            for i, source in enumerate(layer_names[k]):
                net.connection(source, target).weight = float(weight[j, i])
    return net


def to_onnx(net, path: str | os.PathLike) -> None:
    """Write the network as an ONNX model (float32; IR version 8, opset 17), atomically.

    The model has one input ``x`` of shape (batch, inputs) and one output
    ``y`` of shape (batch, outputs); it is checked with
    ``onnx.checker.check_model(..., full_check=True)`` before it is written.
    """
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
