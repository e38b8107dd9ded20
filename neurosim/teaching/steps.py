"""One pass, computation by computation: :class:`Step`, :func:`trace` and the update's steps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .._checks import as_samples, as_sequences, as_step_targets
from ..errors import ShapeError
from ..losses import Loss, softmax
from ..optimizers import penalty_gradient
from .format import as_latex, factor, net_text, number
from .sequence import sequence_steps

__all__ = ["Step", "trace", "update_steps", "user_grad", "user_label"]


@dataclass(frozen=True)
class Step:
    """One computation of a forward or backward pass.

    Attributes
    ----------
    phase : {"forward", "backward"}
    kind : {"net", "output", "loss", "delta", "weight_grad", "bias_grad"}
    target : str or (str, str) or None
        The neuron, the (source, target) connection, or None for the loss.
    value : float
        The number computed, exactly as the network stored it.
    formula : str
        The computation with its numbers filled in; ``str(step)``.
    latex : str
        The same formula in LaTeX.
    time : int or None
        The time step, in the trace of a sequence (None otherwise, and for
        the loss and the gradients, which sum over time).
    """

    phase: str
    kind: str
    target: str | tuple[str, str] | None
    value: float
    formula: str
    latex: str
    time: int | None = None

    def __str__(self) -> str:
        return self.formula


def trace(
    net, x: ArrayLike, target: ArrayLike | None = None, loss: str | Loss = "mse"
) -> list[Step]:
    """Run one forward (and, given a target, one backward) pass; return every step.

    Parameters
    ----------
    net : Network
    x : array_like, shape (n_inputs,)
        One sample: a trace follows one set of numbers. For a network with
        delays, one sequence ``(T, n_inputs)``: every computation at every
        time step (``net(h1, t=3) = …``), and backward the deltas step by
        step, naming the terms that come back through time.
    target : array_like, shape (n_outputs,), optional
        With a target, the loss and the backward pass are traced too (for a
        sequence, ``(T, n_outputs)``, NaN for a step without a target).
    loss : str or Loss, default "mse"

    Returns
    -------
    list of Step
        Forward steps (``net`` then ``output`` for each neuron in evaluation
        order), then the ``loss`` and the backward steps (each neuron's
        ``delta``, then the ``weight_grad`` of each connection into it and
        its ``bias_grad``), in the order the network computed them.

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network.layered([2, 2, 1], seed=0)
    >>> steps = trace(net, [1.0, 0.0], target=[1.0])
    >>> [s.kind for s in steps][:3], steps[0].value == net["h1_1"].net
    (['net', 'output', 'net'], True)
    """
    if net.is_recurrent:
        return _trace_sequence(net, x, target, loss)
    _, single = as_samples(x, len(net.inputs), "input x")
    if not single:
        raise ShapeError(
            f"trace follows one sample; pass x of shape ({len(net.inputs)},), "
            f"got shape {np.shape(x)}"
        )
    net.forward(x)
    steps = list(_forward_steps(net))
    if target is not None:
        value = net.backward(target, loss=loss)
        loss = net.check_loss(loss)
        steps.append(_loss_step(loss, net, np.asarray(target, dtype=float), value))
        steps.extend(_backward_steps(net))
    return steps


def _trace_sequence(net, x, target, loss) -> list[Step]:
    """:func:`trace` of one sequence through a network with delays."""
    _, single = as_sequences(x, len(net.inputs), "input x")
    if not single:
        raise ShapeError(
            f"trace follows one sequence; pass x of shape (T, {len(net.inputs)}), "
            f"got shape {np.shape(x)}"
        )
    net.forward(x)
    if target is None:
        return sequence_steps(net, Step, None, None, None)
    value = net.backward(target, loss=loss)
    targets = as_step_targets(target, net.output_matrix().shape, "target")[0]
    return sequence_steps(net, Step, targets, net.check_loss(loss), value)


def _forward_steps(net) -> Iterator[Step]:
    for neuron, incoming in net.evaluation_order:
        pairs = [(c.weight, c.source.output) for c in incoming]
        text = net_text(neuron.aggregation, pairs, neuron.bias)
        text_tex = text.replace("·", r" \cdot ")
        if neuron.aggregation == "max":
            # A pooling neuron: the largest weighted input, and which one won.
            winner = next(c for c in incoming if c.gate == 1.0)
            text += f" [{winner.source.name} won]"
            text_tex += rf"\ [\text{{{winner.source.name} won}}]"
        yield Step(
            "forward", "net", neuron.name, neuron.net,
            f"net({neuron.name}) = {text} = {number(neuron.net)}",
            as_latex(rf"\mathrm{{net}}_{{{neuron.name}}} = {text_tex} = {number(neuron.net)}"),
        )  # fmt: skip
        name = neuron.activation.name
        if name == "identity":
            applied, applied_tex = (
                f"net({neuron.name})",
                rf"\mathrm{{net}}_{{{neuron.name}}}",
            )
        else:
            symbol, symbol_tex = neuron.activation.written()
            applied = f"{symbol}({number(neuron.net)})"
            applied_tex = rf"{symbol_tex}({number(neuron.net)})"
        yield Step(
            "forward", "output", neuron.name, neuron.output,
            f"out({neuron.name}) = {applied} = {number(neuron.output)}",
            as_latex(rf"\mathrm{{out}}_{{{neuron.name}}} = {applied_tex} = {number(neuron.output)}"),
        )  # fmt: skip


def _loss_step(loss: Loss, net, target: np.ndarray, value: float) -> Step:
    outputs = [n.output for n in net.outputs]
    pairs = list(zip(outputs, target.tolist()))
    n = len(pairs)
    if loss.name in ("mse", "sse"):
        squares = " + ".join(f"({number(y)} - {number(t)})²" for y, t in pairs)
        text = f"[{squares}] / {n}" if loss.name == "mse" else f"½·[{squares}]"
        tex = text.replace("²", "^2").replace("½·", r"\tfrac{1}{2} \cdot ")
        tex = tex.replace("[", r"\left[").replace("]", r"\right]")
    elif loss.name == "bce":
        terms = " + ".join(
            f"{number(t)}·log({number(y)}) + (1 - {number(t)})·log(1 - {number(y)})"
            for y, t in pairs
        )
        text = f"-[{terms}] / {n}"
        tex = text.replace("·", r" \cdot ").replace("log", r"\log")
        tex = tex.replace("[", r"\left[").replace("]", r"\right]")
    elif loss.name == "cross_entropy":
        p = softmax(np.array(outputs))
        terms = " + ".join(
            f"{number(t)}·log({number(q)})" for q, (_, t) in zip(p, pairs)
        )
        text = (
            f"-[{terms}], with p = softmax(net) = [{', '.join(number(q) for q in p)}]"
        )
        tex = text.replace("·", r" \cdot ").replace("log", r"\log")
        tex = tex.replace(", with p", r",\ \text{with}\ p")
        tex = tex.replace("softmax(net)", r"\mathrm{softmax}(\mathrm{net})")
        tex = tex.replace("[", r"\left[").replace("]", r"\right]")
    else:
        text = f"{loss.name}(out, target)"
        tex = rf"\mathrm{{{loss.name}}}(\mathrm{{out}}, t)"
    return Step(
        "backward", "loss", None, value,
        f"L = {text} = {number(value)}", as_latex(f"L = {tex} = {number(value)}"),
    )  # fmt: skip


def _backward_steps(net) -> Iterator[Step]:
    for neuron, incoming, outgoing in net.backward_order:
        yield _delta_step(net, neuron, outgoing)
        for c in incoming:
            if neuron.aggregation == "max" and c.gate == 0.0:
                text = (
                    f"∂L/∂w({c.source.name}→{neuron.name}) = 0 "
                    f"({c.source.name} did not win the max)"
                )
                yield Step("backward", "weight_grad", c.key, c.grad, text, as_latex(
                    rf"\frac{{\partial L}}{{\partial w_{{{c.source.name} \to {neuron.name}}}}} "
                    rf"= 0\ (\text{{did not win}})"))  # fmt: skip
                continue
            if neuron.aggregation == "product":
                yield Step(
                    "backward", "weight_grad", c.key, c.grad,
                    f"∂L/∂w({c.source.name}→{neuron.name}) = δ({neuron.name})·out({c.source.name})"
                    f"·(product of the other inputs) = {factor(neuron.delta)}·"
                    f"{number(c.source.output)}·{factor(c.gate)} = {number(c.grad)}",
                    as_latex(rf"\frac{{\partial L}}{{\partial w_{{{c.source.name} \to {neuron.name}}}}} "
                             rf"= {factor(neuron.delta)} \cdot {number(c.source.output)} \cdot "
                             rf"{factor(c.gate)} = {number(c.grad)}"),
                )  # fmt: skip
                continue
            yield Step(
                "backward", "weight_grad", c.key, c.grad,
                f"∂L/∂w({c.source.name}→{neuron.name}) = δ({neuron.name})·out({c.source.name}) "
                f"= {factor(neuron.delta)}·{number(c.source.output)} = {number(c.grad)}",
                as_latex(rf"\frac{{\partial L}}{{\partial w_{{{c.source.name} \to {neuron.name}}}}} "
                     rf"= \delta_{{{neuron.name}}} \cdot \mathrm{{out}}_{{{c.source.name}}} = "
                     rf"{factor(neuron.delta)} \cdot {number(c.source.output)} = {number(c.grad)}"),
            )  # fmt: skip
        yield Step(
            "backward", "bias_grad", neuron.name, neuron.bias_grad,
            f"∂L/∂b({neuron.name}) = δ({neuron.name}) = {number(neuron.bias_grad)}",
            as_latex(rf"\frac{{\partial L}}{{\partial b_{{{neuron.name}}}}} = \delta_{{{neuron.name}}} "
                 rf"= {number(neuron.bias_grad)}"),
        )  # fmt: skip
    for parameter in net.parameters:
        if parameter.shared:
            yield _shared_step(parameter)


def user_label(user) -> str:
    """``w(a→b)`` for a connection, ``b(h)`` for a neuron's bias."""
    if hasattr(user, "source"):
        return f"w({user.source.name}→{user.target.name})"
    return f"b({user.name})"


def user_grad(user) -> float:
    return user.grad if hasattr(user, "source") else user.bias_grad


def _shared_step(parameter) -> Step:
    """A shared parameter's gradient: the sum of its users' gradients, term by term."""
    labels = [user_label(u) for u in parameter.users]
    terms = " + ".join(f"∂L/∂{label}" for label in labels)
    values = " + ".join(factor(user_grad(u)) for u in parameter.users)
    text = (
        f"∂L/∂{parameter.name} (shared) = {terms} = {values} = {number(parameter.grad)}"
    )
    tex = (
        text.replace("∂L/∂", r"\partial L / \partial ")
        .replace("→", r" \to ")
        .replace("(shared)", r"\ (\text{shared})")
    )
    return Step(
        "backward", "shared_grad", parameter.name, parameter.grad, text, as_latex(tex)
    )


def _delta_step(net, neuron, outgoing) -> Step:
    name = neuron.name
    slope = neuron.activation.derivative(neuron.net)
    act = neuron.activation.name
    symbol, symbol_tex = neuron.activation.written()
    if act == "identity":
        symbol, symbol_tex = "f", "f"
    parts, parts_tex, values = [], [], []
    if neuron in net.output_grads:
        parts.append(f"∂L/∂out({name})")
        parts_tex.append(rf"\frac{{\partial L}}{{\partial \mathrm{{out}}_{{{name}}}}}")
        values.append(factor(net.output_grads[neuron]))
    for c in outgoing:
        if c.target.aggregation == "max" and c.gate == 0.0:
            # A pooling neuron this one did not win sends nothing back.
            continue
        if c.target.aggregation == "product":
            # ∂net/∂out of a product neuron: the weight times the product of the others.
            parts.append(
                f"w({name}→{c.target.name})·δ({c.target.name})·(the others' product)"
            )
            parts_tex.append(
                rf"w_{{{name} \to {c.target.name}}} \delta_{{{c.target.name}}} \prod_{{\ne}}"
            )
            values.append(
                f"{factor(c.weight)}·{factor(c.target.delta)}·{factor(c.gate)}"
            )
            continue
        parts.append(f"w({name}→{c.target.name})·δ({c.target.name})")
        parts_tex.append(
            rf"w_{{{name} \to {c.target.name}}} \delta_{{{c.target.name}}}"
        )
        values.append(f"{factor(c.weight)}·{factor(c.target.delta)}")
    if not parts:
        parts, parts_tex, values = ["0"], ["0"], ["0"]

    def grouped(items):
        return items[0] if len(items) == 1 else "[" + " + ".join(items) + "]"

    upstream, upstream_values = grouped(parts), grouped(values)
    upstream_tex = (
        parts_tex[0]
        if len(parts_tex) == 1
        else r"\left(" + " + ".join(parts_tex) + r"\right)"
    )
    text = (
        f"δ({name}) = {upstream} · {symbol}'(net({name})) = "
        f"{upstream_values}·{number(slope)} = {number(neuron.delta)}"
    )
    values_tex = upstream_values.replace("[", r"\left[").replace("]", r"\right]")
    values_tex = values_tex.replace("·", r" \cdot ")
    tex = (
        rf"\delta_{{{name}}} = {upstream_tex} \cdot {symbol_tex}'(\mathrm{{net}}_{{{name}}}) = "
        rf"{values_tex} \cdot {number(slope)} = {number(neuron.delta)}"
    )
    return Step("backward", "delta", name, neuron.delta, text, as_latex(tex))


def update_steps(net, lr: float, l1: float = 0.0, l2: float = 0.0) -> Iterator[Step]:
    """The update ``net.step(lr)`` would make, one line per parameter, from the last backward pass.

    Each shared parameter once; a frozen one says it stays. With ``l1`` or
    ``l2``, each weight's gradient gains the penalty's, ``l1·sign(w) +
    l2·w``, as in ``fit(l1=..., l2=...)``; biases are not penalised.
    """
    shown = set()
    for neuron, incoming in net.evaluation_order:
        users = [*incoming, neuron]
        for user in users:
            parameter = (
                user.parameter if hasattr(user, "source") else user.bias_parameter
            )
            if parameter in shown:
                continue
            shown.add(parameter)
            label = ", ".join(user_label(u) for u in parameter.users)
            label += " (shared)" if parameter.shared else ""
            value, grad = parameter.value, parameter.grad
            if not parameter.trainable:
                text = f"{label}: frozen, stays {number(value)}"
                arrow = r" \to "
                tex = rf"{label.replace('→', arrow)} \leftarrow {number(value)}\ (\text{{frozen}})"
                yield Step("update", "update", label, value, text, as_latex(tex))
                continue
            terms = _penalty_terms(parameter, value, l1, l2)
            if terms:
                new = value - lr * (grad + penalty_gradient(value, l1, l2))
                text = (
                    f"{label}: {number(value)} - {number(lr)}·({number(grad)} + "
                    f"{' + '.join(terms)}) = {number(new)}"
                )
            else:
                new = value - lr * grad
                text = f"{label}: {number(value)} - {number(lr)}·{factor(grad)} = {number(new)}"
            tex = (
                text.replace("·", r" \cdot ")
                .replace("sign(", r"\operatorname{sign}(")
                .replace("→", r" \to ")
                .replace(":", r" \leftarrow", 1)
            )
            yield Step("update", "update", label, new, text, as_latex(tex))


def _penalty_terms(parameter, value: float, l1: float, l2: float) -> list[str]:
    """The weight penalty's gradient as written: ``l1·sign(w)`` and ``l2·w``, if any."""
    if not (l1 or l2) or not any(hasattr(u, "source") for u in parameter.users):
        return []
    terms = [f"{number(l1)}·sign({number(value)})"] if l1 else []
    return terms + ([f"{number(l2)}·{factor(value)}"] if l2 else [])
