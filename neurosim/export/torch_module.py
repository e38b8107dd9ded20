"""The PyTorch side of the export (imports torch: reached only through neurosim.export)."""

from __future__ import annotations

import torch
from torch import nn

from .plan import Plan

__all__ = [
    "ACTIVATIONS", "BipolarSigmoid", "LSTMReadout", "NeuronGraph", "RecurrentNeuronGraph", "Softplus", "Step",
    "activation_module",
]  # fmt: skip


class Softplus(nn.Module):
    """neurosim's softplus, max(z, 0) + log1p(e^−|z|), exactly (torch's goes linear above 20)."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.clamp(z, min=0) + torch.log1p(torch.exp(-torch.abs(z)))


class Step(nn.Module):
    """The threshold unit: 1 where z ≥ 0, else 0, with a zero gradient (as neurosim's).

    ``0·z`` keeps the unit in the autograd graph, so the parameters before it
    get a gradient of zero instead of none.
    """

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return (z >= 0).to(z.dtype) + 0.0 * z


class BipolarSigmoid(nn.Module):
    """``scale · (2σ(z) − 1)``: the 1997 LSTM's squashes (scale 1: h, scale 2: g)."""

    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.scale = scale

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.scale * (2.0 * torch.sigmoid(z) - 1.0)


ACTIVATIONS = {
    "identity": nn.Identity,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "softplus": Softplus,
    "step": Step,
    "bipolar_sigmoid": BipolarSigmoid,
    "bipolar_sigmoid2": lambda: BipolarSigmoid(2.0),
}


def activation_module(name: str, custom: dict) -> nn.Module:
    if name in custom:
        return custom[name]
    return ACTIVATIONS[name]()


class NeuronGraph(nn.Module):
    """Any neurosim network as a PyTorch module: one level of neurons at a time.

    ``theta`` holds every trainable parameter once (a shared neurosim
    parameter is one entry, used wherever the network uses it); ``frozen``
    the frozen ones, a buffer without gradient; ``absent`` the zero weight of
    a connection that does not exist. Each level's weight matrix
    is gathered from them by index, so PyTorch's gradients sum over every
    use of a shared parameter, as neurosim's do.

    Attributes
    ----------
    names : list of str
        The network's neurons in the order of the values the module computes.
    """

    def __init__(self, the_plan: Plan, dtype: torch.dtype, custom: dict) -> None:
        super().__init__()
        values = torch.tensor(the_plan.values, dtype=dtype)
        self.theta = nn.Parameter(values[: the_plan.n_trainable].clone())
        self.register_buffer("frozen", values[the_plan.n_trainable : -1].clone())
        self.register_buffer(
            "absent", values[-1:].clone()
        )  # the weight of a missing connection
        self.names = the_plan.names
        self.register_buffer(
            "outputs", torch.tensor(the_plan.outputs, dtype=torch.long)
        )
        self.levels = []
        for k, level in enumerate(the_plan.levels):
            self.register_buffer(
                f"weight_index_{k}", torch.from_numpy(level.weight_index).long()
            )
            self.register_buffer(
                f"bias_index_{k}", torch.from_numpy(level.bias_index).long()
            )
            pools = [
                (
                    torch.tensor(sources),
                    torch.tensor(weights),
                    bias,
                    activation_module(act, custom),
                    aggregation,
                )
                for _, act, sources, weights, bias, aggregation in level.pools
            ]
            groups = [
                (start, stop, activation_module(act, custom))
                for act, start, stop in level.groups
            ]
            self.levels.append((k, groups, pools))
        self.activations = nn.ModuleList(
            [module for _, groups, pools in self.levels for *_, module in groups]
            + [pool[3] for _, _, pools in self.levels for pool in pools]
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        everything = torch.cat([self.theta, self.frozen, self.absent])
        values = x
        for k, groups, pools in self.levels:
            weights = everything[getattr(self, f"weight_index_{k}")]
            net = values @ weights + everything[getattr(self, f"bias_index_{k}")]
            outs = [module(net[:, start:stop]) for start, stop, module in groups]
            for sources, indices, bias, module, aggregation in pools:
                weighted = values[:, sources] * everything[indices]
                if aggregation == "product":
                    value = weighted.prod(dim=1, keepdim=True)
                else:
                    value = weighted.max(dim=1, keepdim=True).values
                outs.append(module(value + everything[bias]))
            values = torch.cat([values, *outs], dim=1)
        return values[:, self.outputs]


class LSTMReadout(nn.Module):
    """PyTorch's ``nn.LSTM`` (batch first) with an optional ``Linear`` read-out and its activation.

    What :func:`~neurosim.export.to_torch` makes of a network built by
    ``Network.lstm`` with a plain layer; :func:`~neurosim.export.from_torch`
    reads it back. Takes ``(batch, T, inputs)``, returns ``(batch, T, outputs)``.
    """

    def __init__(
        self, lstm: nn.LSTM, readout: nn.Linear | None, activation: nn.Module, name: str
    ):
        super().__init__()
        self.lstm, self.readout, self.activation = lstm, readout, activation
        self.activation_name = name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, _ = self.lstm(x)
        return h if self.readout is None else self.activation(self.readout(h))


class RecurrentNeuronGraph(nn.Module):
    """A network with delays as a PyTorch module that loops over time, level by level.

    The same layout as :class:`~neurosim.compiled.recurrent.CompiledRecurrent`:
    the state at a step is the inputs and then every neuron's output, group by
    group (a level's neurons of one activation). ``theta`` holds every
    trainable parameter once, ``frozen`` the others; each weight matrix is
    gathered from them by index at every call, so a shared parameter's
    gradient is summed over its uses. Takes ``(batch, T, n_inputs)`` and
    returns ``(batch, T, n_outputs)``.

    Attributes
    ----------
    document : dict
        The network's structure as a neurosim file document, so that
        :func:`~neurosim.export.from_torch` rebuilds it.
    """

    def __init__(self, layout, document: dict, dtype: torch.dtype, custom: dict):
        super().__init__()
        values = torch.tensor(layout["values"], dtype=dtype)
        n_trainable = layout["n_trainable"]
        self.theta = nn.Parameter(values[:n_trainable].clone())
        self.register_buffer("frozen", values[n_trainable:].clone())
        self.register_buffer("initial", torch.tensor(layout["initial"], dtype=dtype))
        self.register_buffer("bias_index", torch.tensor(layout["bias_index"]))
        self.register_buffer("outputs", torch.tensor(layout["outputs"]))
        self.n_inputs, self.n_neurons = layout["n_inputs"], layout["n_neurons"]
        self.document = document
        self.matrices = []
        for k, m in enumerate(layout["matrices"]):
            for name in ("rows", "cols", "at_rows", "at_cols", "index"):
                self.register_buffer(f"{name}_{k}", torch.tensor(m[name]))
            self.matrices.append((k, m["shape"], m["delay"]))
        self.groups = [
            (start, stop, matrices, activation_module(act, custom), gated)
            for start, stop, matrices, act, gated in layout["groups"]
        ]
        self.activations = nn.ModuleList([group[3] for group in self.groups])
        for g, (*_, gated) in enumerate(self.groups):
            for s, slots in enumerate(gated["slots"] if gated else ()):
                for name in ("place", "source", "index"):
                    self.register_buffer(f"{name}_{g}_{s}", torch.tensor(slots[name]))

    def _matrix(self, k: int, shape, everything) -> torch.Tensor:
        weight = torch.zeros(shape, dtype=everything.dtype, device=everything.device)
        at = (getattr(self, f"at_rows_{k}"), getattr(self, f"at_cols_{k}"))
        return weight.index_put(at, everything[getattr(self, f"index_{k}")])

    def _gated(self, g, gated, t, states, start, now, everything) -> torch.Tensor:
        """The max or product of a gated group's weighted inputs at step t, (batch, n)."""
        n_batch = now.shape[0]
        n = gated["n"]
        pad = 1.0 if gated["aggregation"] == "product" else float("-inf")
        slots = torch.full((n_batch, n * gated["k"]), pad, dtype=now.dtype)
        for s, spec in enumerate(gated["slots"]):
            d = spec["delay"]
            past = now if d == 0 else (states[t - d] if t >= d else start)
            source = past[:, getattr(self, f"source_{g}_{s}")]
            weight = everything[getattr(self, f"index_{g}_{s}")]
            slots = slots.index_copy(
                1, getattr(self, f"place_{g}_{s}"), source * weight
            )
        slots = slots.reshape(n_batch, n, gated["k"])
        if gated["aggregation"] == "product":
            return slots.prod(dim=2)
        return slots.max(dim=2).values

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        everything = torch.cat([self.theta, self.frozen])
        weights = {
            k: self._matrix(k, shape, everything) for k, shape, _ in self.matrices
        }
        delayed = [(k, d) for k, _, d in self.matrices if d]
        bias = everything[self.bias_index]
        n_batch, n_steps = x.shape[:2]
        start = self.initial.expand(n_batch, -1)
        states, outputs = [], []
        for t in range(n_steps):
            net = bias.expand(n_batch, -1)
            for k, d in delayed:
                past = states[t - d] if t >= d else start
                rows, cols = getattr(self, f"rows_{k}"), getattr(self, f"cols_{k}")
                net = net.index_add(1, cols, past[:, rows] @ weights[k])
            pieces = [x[:, t]]
            for g, (first, stop, matrices, module, gated) in enumerate(self.groups):
                if matrices or gated:
                    now = torch.cat(pieces, dim=1)
                for k in matrices:
                    rows, cols = getattr(self, f"rows_{k}"), getattr(self, f"cols_{k}")
                    net = net.index_add(1, cols, now[:, rows] @ weights[k])
                if gated:
                    value = self._gated(g, gated, t, states, start, now, everything)
                    net = torch.cat(
                        [net[:, :first], net[:, first:stop] + value, net[:, stop:]], 1
                    )
                pieces.append(module(net[:, first:stop]))
            state = torch.cat(pieces, dim=1)
            states.append(state)
            outputs.append(state[:, self.outputs])
        return torch.stack(outputs, dim=1)
