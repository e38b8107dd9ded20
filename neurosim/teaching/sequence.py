"""One sequence through a recurrent network, computation by computation, step by step in time.

What :func:`~neurosim.teaching.trace` returns for a network with delays:
each neuron's net input and output at every time step (``net(h1, t=3) =
…``), the loss over the steps that have a target, then backward from the
last step to the first, each delta with its terms — the ones from the same
step and, named as such, the ones that come back through time
(``w(h1→h1)·δ(h1, t=4)``) — and each weight's gradient as the sum over
time of its per-step terms.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..losses import Loss
from .format import as_latex, factor, net_text, number

__all__ = ["sequence_steps"]


def _at(name: str, t: int) -> str:
    return f"{name}, t={t}"


def _source_value(connection, t: int) -> tuple[str, float]:
    """How step t reads the source of ``connection``: its label and value."""
    source, delay = connection.source, connection.delay
    if t >= delay:
        return f"out({_at(source.name, t - delay)})", source.outputs[t - delay]
    return f"out({source.name}, start)", source.initial_output


def sequence_steps(
    net, step_class, targets: np.ndarray | None, loss: Loss | None, value
):
    """Every computation of the last sequence pass (and backward pass, given targets)."""
    steps = list(_forward(net, step_class))
    if targets is not None:
        steps.append(_loss(step_class, net, targets, loss, value))
        steps.extend(_backward(net, step_class))
    return steps


def _forward(net, Step) -> Iterator:
    n_steps = len(net.inputs[0].outputs)
    for t in range(n_steps):
        for neuron, incoming in net.evaluation_order:
            pairs = [(c.weight, _source_value(c, t)[1]) for c in incoming]
            net_value = neuron.nets[t]
            text = net_text(neuron.aggregation, pairs, neuron.bias)
            text_tex = text.replace("·", r" \cdot ")
            yield Step(
                "forward", "net", neuron.name, net_value,
                f"net({_at(neuron.name, t)}) = {text} = {number(net_value)}",
                as_latex(rf"\mathrm{{net}}_{{{neuron.name}}}({t}) = "
                         rf"{text_tex} = {number(net_value)}"),
                t,
            )  # fmt: skip
            symbol, symbol_tex = neuron.activation.written()
            out = neuron.outputs[t]
            yield Step(
                "forward", "output", neuron.name, out,
                f"out({_at(neuron.name, t)}) = {symbol}({number(net_value)}) = {number(out)}",
                as_latex(rf"\mathrm{{out}}_{{{neuron.name}}}({t}) = "
                         rf"{symbol_tex}({number(net_value)}) = {number(out)}"),
                t,
            )  # fmt: skip


def _loss(Step, net, targets: np.ndarray, loss: Loss, value: float):
    present = [t for t in range(targets.shape[0]) if not np.isnan(targets[t, 0])]
    text = (
        f"L = mean of {loss.name} over the {len(present)} step(s) with a target "
        f"(t = {', '.join(map(str, present))}) = {number(value)}"
    )
    tex = (
        rf"L = \frac{{1}}{{{len(present)}}} \sum_{{t \in \{{{', '.join(map(str, present))}\}}}} "
        rf"\mathrm{{{loss.name}}}(t) = {number(value)}"
    )
    return Step("backward", "loss", None, value, text, as_latex(tex))


def _backward(net, Step) -> Iterator:
    n_steps = len(net.inputs[0].outputs)
    truncation = net.truncation
    for t in reversed(range(n_steps)):
        for neuron, _, outgoing in net.backward_order:
            yield _delta(Step, net, neuron, outgoing, t, n_steps, truncation)
    for neuron, incoming in net.evaluation_order:
        for c in incoming:
            terms, values = [], []
            gated = neuron.aggregation != "sum"
            for t in range(n_steps):
                label, x = _source_value(c, t)
                terms.append(f"δ({_at(neuron.name, t)})·{label}")
                values.append(f"{factor(neuron.deltas[t])}·{factor(x)}")
                if (
                    gated
                ):  # times the gate: the product of the others, or won (1) / lost (0)
                    values[-1] += f"·{factor(c.gates[t])}"
            name = f"w({c.source.name}→{neuron.name})"
            yield Step(
                "backward", "weight_grad", c.key, c.grad,
                f"∂L/∂{name} = Σ_t δ({neuron.name}, t)·out({c.source.name}, t−{c.delay}) = "
                f"{' + '.join(values)} = {number(c.grad)}",
                as_latex(rf"\frac{{\partial L}}{{\partial w_{{{c.source.name} \to {neuron.name}}}}} "
                         rf"= \sum_t \delta_{{{neuron.name}}}(t)\, \mathrm{{out}}_{{{c.source.name}}}"
                         rf"(t - {c.delay}) = {number(c.grad)}"),
            )  # fmt: skip
        total = " + ".join(factor(d) for d in neuron.deltas)
        yield Step(
            "backward", "bias_grad", neuron.name, neuron.bias_grad,
            f"∂L/∂b({neuron.name}) = Σ_t δ({neuron.name}, t) = {total} = "
            f"{number(neuron.bias_grad)}",
            as_latex(rf"\frac{{\partial L}}{{\partial b_{{{neuron.name}}}}} = "
                     rf"\sum_t \delta_{{{neuron.name}}}(t) = {number(neuron.bias_grad)}"),
        )  # fmt: skip


def _delta(Step, net, neuron, outgoing, t: int, n_steps: int, truncation):
    name = neuron.name
    slope = neuron.activation.derivative(neuron.nets[t])
    symbol = neuron.activation.written()[0]
    symbol = "f" if neuron.activation.name == "identity" else symbol
    delta = neuron.deltas[t]
    if truncation is not None and truncation < n_steps:
        text = (
            f"δ({_at(name, t)}) = {number(delta)}: the errors of the losses at steps "
            f"{t} … {min(t + truncation, n_steps) - 1} that reach step {t} (backpropagation "
            f"truncated to {truncation} step(s))"
        )
        return Step(
            "backward", "delta", name, delta, text,
            as_latex(rf"\delta_{{{name}}}({t}) = {number(delta)}"), t,
        )  # fmt: skip
    parts, values = [], []
    grads = net.output_grads.get(neuron)
    if grads is not None and grads[t] != 0.0:
        parts.append(f"∂L/∂out({_at(name, t)})")
        values.append(factor(grads[t]))
    for c in outgoing:
        later = t + c.delay
        if later >= n_steps:
            continue
        through_time = " ← through time" if c.delay else ""
        gate = ""
        if c.target.aggregation != "sum":
            gate = f"·gate({c.source.name}→{c.target.name}, t={later})"
        parts.append(
            f"w({name}→{c.target.name})·δ({_at(c.target.name, later)}){gate}{through_time}"
        )
        values.append(f"{factor(c.weight)}·{factor(c.target.deltas[later])}")
        if gate:
            values[-1] += f"·{factor(c.gates[later])}"
    if not parts:
        parts, values = ["0"], ["0"]
    joined = parts[0] if len(parts) == 1 else "[" + " + ".join(parts) + "]"
    joined_values = values[0] if len(values) == 1 else "[" + " + ".join(values) + "]"
    text = (
        f"δ({_at(name, t)}) = {joined} · {symbol}'(net({_at(name, t)})) = "
        f"{joined_values}·{number(slope)} = {number(delta)}"
    )
    tex = rf"\delta_{{{name}}}({t}) = {joined_values} \cdot {number(slope)} = {number(delta)}"
    tex = tex.replace("[", r"\left[").replace("]", r"\right]").replace("·", r" \cdot ")
    return Step("backward", "delta", name, delta, text, as_latex(tex), t)
