"""Teaching tools: a step-by-step trace of backpropagation, its explanation, a gradient check.

:func:`trace` runs one forward (and, with a target, one backward) pass and
returns every computation in the order it happened, with the very numbers
the network stored and the formula with those numbers filled in.
:func:`explain` turns a trace into the story of one training step, as plain
text or as markdown with LaTeX formulas. :func:`gradcheck` compares every
analytic gradient with a numerical one. :func:`summary` and
:func:`state_table` print a network and its state as tables.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network()
>>> _ = net.add_input("x1"); _ = net.add_input("x2")
>>> _ = net.add_output("y", activation="identity", bias=0.1)
>>> _ = net.connect("x1", "y", 0.5); _ = net.connect("x2", "y", -0.4)
>>> for step in trace(net, [1.0, 0.0], target=[1.0], loss="sse"):
...     print(step)
net(y) = 0.5·1.0 + (-0.4)·0.0 + 0.1 = 0.6
out(y) = net(y) = 0.6
L = ½·[(0.6 - 1.0)²] = 0.08
δ(y) = ∂L/∂out(y) · f'(net(y)) = (-0.4)·1.0 = -0.4
∂L/∂w(x1→y) = δ(y)·out(x1) = (-0.4)·1.0 = -0.4
∂L/∂w(x2→y) = δ(y)·out(x2) = (-0.4)·0.0 = 0.0
∂L/∂b(y) = δ(y) = -0.4
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from .._checks import as_samples, check_positive
from ..errors import ParameterError, ShapeError
from ..losses import Loss, softmax

if TYPE_CHECKING:
    from .page import ExplanationPage

__all__ = [
    "GradcheckReport",
    "Step",
    "explain",
    "gradcheck",
    "state_table",
    "summary",
    "trace",
    "update_steps",
]

_SYMBOLS = {"sigmoid": ("σ", r"\sigma"), "tanh": ("tanh", r"\tanh")}


def number(value: float) -> str:
    """A number as a learner reads it: 6 significant digits, an ASCII minus.

    The minus is the one Python reads, so a learner can copy a number (or a
    whole product such as ``(-0.4)·1.0``, with ``·`` made ``*``) into Python;
    the markdown of :func:`explain` typesets it as a proper minus sign.

    Examples
    --------
    >>> number(1.0), number(-0.4), number(0.6456563062)
    ('1.0', '-0.4', '0.645656')
    """
    # Adding 0.0 turns -0.0 into 0.0: no "-0.0" for a zero.
    value = float(value) + 0.0
    return (
        f"{value:.1f}" if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    )


def _factor(value: float) -> str:
    """A number as a factor of a product: negative numbers in parentheses."""
    text = number(value)
    return f"({text})" if text.startswith("-") else text


def _tex(text: str) -> str:
    """Text formula pieces as LaTeX: ASCII minus; underscores of names escaped."""
    return re.sub(r"_(?!\{)", r"\\_", text)


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
    """

    phase: str
    kind: str
    target: str | tuple[str, str] | None
    value: float
    formula: str
    latex: str

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
        One sample: a trace follows one set of numbers.
    target : array_like, shape (n_outputs,), optional
        With a target, the loss and the backward pass are traced too.
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


def _forward_steps(net) -> Iterator[Step]:
    for neuron, incoming in net.evaluation_order:
        terms = [f"{_factor(c.weight)}·{number(c.source.output)}" for c in incoming]
        if neuron.aggregation == "max":
            # A pooling neuron: the largest weighted input, and which one won.
            winner = next(c for c in incoming if c.gate == 1.0)
            text = f"max({', '.join(terms)}) + {_factor(neuron.bias)}"
            text_tex = text.replace("·", r" \cdot ")
            text += f" [{winner.source.name} won]"
            text_tex += rf"\ [\text{{{winner.source.name} won}}]"
        else:
            text = (
                " + ".join([*terms, _factor(neuron.bias)])
                if terms
                else number(neuron.bias)
            )
            text_tex = text.replace("·", r" \cdot ")
        yield Step(
            "forward", "net", neuron.name, neuron.net,
            f"net({neuron.name}) = {text} = {number(neuron.net)}",
            _tex(rf"\mathrm{{net}}_{{{neuron.name}}} = {text_tex} = {number(neuron.net)}"),
        )  # fmt: skip
        name = neuron.activation.name
        if name == "identity":
            applied, applied_tex = (
                f"net({neuron.name})",
                rf"\mathrm{{net}}_{{{neuron.name}}}",
            )
        else:
            symbol, symbol_tex = _SYMBOLS.get(name, (name, rf"\mathrm{{{name}}}"))
            applied = f"{symbol}({number(neuron.net)})"
            applied_tex = rf"{symbol_tex}({number(neuron.net)})"
        yield Step(
            "forward", "output", neuron.name, neuron.output,
            f"out({neuron.name}) = {applied} = {number(neuron.output)}",
            _tex(rf"\mathrm{{out}}_{{{neuron.name}}} = {applied_tex} = {number(neuron.output)}"),
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
        f"L = {text} = {number(value)}", _tex(f"L = {tex} = {number(value)}"),
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
                yield Step("backward", "weight_grad", c.key, c.grad, text, _tex(
                    rf"\frac{{\partial L}}{{\partial w_{{{c.source.name} \to {neuron.name}}}}} "
                    rf"= 0\ (\text{{did not win}})"))  # fmt: skip
                continue
            yield Step(
                "backward", "weight_grad", c.key, c.grad,
                f"∂L/∂w({c.source.name}→{neuron.name}) = δ({neuron.name})·out({c.source.name}) "
                f"= {_factor(neuron.delta)}·{number(c.source.output)} = {number(c.grad)}",
                _tex(rf"\frac{{\partial L}}{{\partial w_{{{c.source.name} \to {neuron.name}}}}} "
                     rf"= \delta_{{{neuron.name}}} \cdot \mathrm{{out}}_{{{c.source.name}}} = "
                     rf"{_factor(neuron.delta)} \cdot {number(c.source.output)} = {number(c.grad)}"),
            )  # fmt: skip
        yield Step(
            "backward", "bias_grad", neuron.name, neuron.bias_grad,
            f"∂L/∂b({neuron.name}) = δ({neuron.name}) = {number(neuron.bias_grad)}",
            _tex(rf"\frac{{\partial L}}{{\partial b_{{{neuron.name}}}}} = \delta_{{{neuron.name}}} "
                 rf"= {number(neuron.bias_grad)}"),
        )  # fmt: skip
    for parameter in net.parameters:
        if parameter.shared:
            yield _shared_step(parameter)


def _user_label(user) -> str:
    """``w(a→b)`` for a connection, ``b(h)`` for a neuron's bias."""
    if hasattr(user, "source"):
        return f"w({user.source.name}→{user.target.name})"
    return f"b({user.name})"


def _user_grad(user) -> float:
    return user.grad if hasattr(user, "source") else user.bias_grad


def _shared_step(parameter) -> Step:
    """A shared parameter's gradient: the sum of its users' gradients, term by term."""
    labels = [_user_label(u) for u in parameter.users]
    terms = " + ".join(f"∂L/∂{label}" for label in labels)
    values = " + ".join(_factor(_user_grad(u)) for u in parameter.users)
    text = (
        f"∂L/∂{parameter.name} (shared) = {terms} = {values} = {number(parameter.grad)}"
    )
    tex = (
        text.replace("∂L/∂", r"\partial L / \partial ")
        .replace("→", r" \to ")
        .replace("(shared)", r"\ (\text{shared})")
    )
    return Step(
        "backward", "shared_grad", parameter.name, parameter.grad, text, _tex(tex)
    )


def _delta_step(net, neuron, outgoing) -> Step:
    name = neuron.name
    slope = neuron.activation.derivative(neuron.net)
    act = neuron.activation.name
    symbol, symbol_tex = _SYMBOLS.get(act, (act, rf"\mathrm{{{act}}}"))
    if act == "identity":
        symbol, symbol_tex = "f", "f"
    parts, parts_tex, values = [], [], []
    if neuron in net.output_grads:
        parts.append(f"∂L/∂out({name})")
        parts_tex.append(rf"\frac{{\partial L}}{{\partial \mathrm{{out}}_{{{name}}}}}")
        values.append(_factor(net.output_grads[neuron]))
    for c in outgoing:
        if c.target.aggregation == "max" and c.gate == 0.0:
            # A pooling neuron this one did not win sends nothing back.
            continue
        parts.append(f"w({name}→{c.target.name})·δ({c.target.name})")
        parts_tex.append(
            rf"w_{{{name} \to {c.target.name}}} \delta_{{{c.target.name}}}"
        )
        values.append(f"{_factor(c.weight)}·{_factor(c.target.delta)}")
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
    return Step("backward", "delta", name, neuron.delta, text, _tex(tex))


def explain(
    net,
    x: ArrayLike,
    target: ArrayLike,
    loss: str | Loss = "mse",
    format: str = "text",
    lr: float = 0.1,
) -> str | ExplanationPage:
    """The whole story of one training step on one sample, as a document.

    Forward pass, loss, backward pass with each chain-rule factor named, and
    the update that ``net.step(lr)`` would make (the weights are not changed).

    Parameters
    ----------
    net : Network
    x, target : array_like
        One sample and its target.
    loss : str or Loss, default "mse"
    format : {"text", "markdown", "html"}, default "text"
        Markdown writes every formula in LaTeX (``$$ … $$``), for notebooks and
        docs; ``html`` returns an :class:`~neurosim.teaching.page.ExplanationPage`:
        a self-contained web page to click through, edit and link to
        (``page.save("step.html")``; Jupyter shows it live).
    lr : float, default 0.1
        The learning rate of the updates shown.

    Returns
    -------
    str, or ExplanationPage for ``format="html"``

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
    >>> net.connection("x1", "y1").weight = 2.0
    >>> print(explain(net, [1.0], [0.0], loss="sse", lr=0.5))
    One training step of Network(1 input, 0 hidden, 1 output; ...)
    ...
      w(x1→y1): 2.0 - 0.5·2.0 = 1.0
      b(y1): 0.0 - 0.5·2.0 = -1.0
    """
    if format not in ("text", "markdown", "html"):
        raise ParameterError(
            f"format must be 'text', 'markdown' or 'html', got {format!r}"
        )
    lr = check_positive(lr, "learning rate lr")
    if format == "html":
        from .page import explain_page

        return explain_page(net, x, target, loss=loss, lr=lr)
    steps = trace(net, x, target=target, loss=loss)
    document = _Document(markdown=format == "markdown")
    xs = ", ".join(number(v) for v in np.ravel(x))
    ts = ", ".join(number(v) for v in np.ravel(target))
    document.title(f"One training step of {net!r}")
    document.paragraph(
        f"Input x = [{xs}], target = [{ts}], loss {net.check_loss(loss).name}, "
        f"learning rate {number(lr)}."
    )
    document.heading("1. Forward pass")
    document.paragraph(_FORWARD_STORY)
    document.formulas(s for s in steps if s.phase == "forward")
    document.heading("2. Loss")
    document.formulas(s for s in steps if s.kind == "loss")
    document.heading("3. Backward pass")
    document.paragraph(_BACKWARD_STORY)
    document.formulas(s for s in steps if s.phase == "backward" and s.kind != "loss")
    document.heading(f"4. Update with learning rate {number(lr)}")
    document.paragraph(
        "w ← w - lr·∂L/∂w and b ← b - lr·∂L/∂b, as net.step(lr) would do:"
    )
    document.formulas(update_steps(net, lr))
    return document.text()


_FORWARD_STORY = (
    "Each neuron, in topological order, sums its inputs times their weights plus its "
    "bias (net), then applies its activation (out)."
)
_BACKWARD_STORY = (
    "The chain rule, from the outputs back: δ = ∂L/∂net is the loss's sensitivity to a "
    "neuron's net input, the upstream factor (∂L/∂out for an output neuron; Σ w·δ over "
    "the neurons it feeds otherwise) times the activation's slope f'(net). A weight's "
    "gradient is the δ of the neuron it feeds times the output it carries; a bias's "
    "gradient is δ itself."
)


def update_steps(net, lr: float) -> Iterator[Step]:
    """The update ``net.step(lr)`` would make, one line per parameter, from the last backward pass.

    Each shared parameter once; a frozen one says it stays.
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
            label = ", ".join(_user_label(u) for u in parameter.users)
            label += " (shared)" if parameter.shared else ""
            value, grad = parameter.value, parameter.grad
            if not parameter.trainable:
                text = f"{label}: frozen, stays {number(value)}"
                arrow = r" \to "
                tex = rf"{label.replace('→', arrow)} \leftarrow {number(value)}\ (\text{{frozen}})"
                yield Step("update", "update", label, value, text, _tex(tex))
                continue
            new = value - lr * grad
            text = f"{label}: {number(value)} - {number(lr)}·{_factor(grad)} = {number(new)}"
            tex = (
                text.replace("·", r" \cdot ")
                .replace("→", r" \to ")
                .replace(":", r" \leftarrow", 1)
            )
            yield Step("update", "update", label, new, text, _tex(tex))


class _Document:
    """Plain text or markdown, built section by section."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self.lines: list[str] = []

    def title(self, text: str) -> None:
        self.lines += [f"# {text}" if self.markdown else text]

    def heading(self, text: str) -> None:
        self.lines += ["", f"## {text}" if self.markdown else text]

    def paragraph(self, text: str) -> None:
        self.lines += ["", text] if self.markdown else [text]

    def formulas(self, steps) -> None:
        for step in steps:
            self.lines += (
                ["", f"$$ {step.latex} $$"] if self.markdown else [f"  {step.formula}"]
            )

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@dataclass(frozen=True)
class GradcheckRow:
    """One parameter's analytic and numerical gradient."""

    parameter: str
    analytic: float
    numerical: float
    rel_error: float


@dataclass(frozen=True)
class GradcheckReport:
    """The result of :func:`gradcheck`; ``str(report)`` is a table, worst rows first.

    Attributes
    ----------
    ok : bool
        True if every relative error is below the tolerance and the check
        means something (no neuron uses a non-differentiable activation).
    max_rel_error : float
    rows : list of GradcheckRow
        One per weight and bias, worst first.
    tolerance : float
    meaningless : str
        Why the check says nothing about the gradients (empty when it does):
        a neuron whose activation is not differentiable, such as ``step``,
        has a zero derivative by definition, not the slope of its function.
    """

    ok: bool
    max_rel_error: float
    rows: list[GradcheckRow]
    tolerance: float
    meaningless: str = ""

    def __str__(self) -> str:
        verdict = "passed" if self.ok else "FAILED"
        head = (
            f"gradient check {verdict}: max relative error {self.max_rel_error:.2e} "
            f"(tolerance {self.tolerance:.0e})"
        )
        if self.meaningless:
            head = f"gradient check not meaningful: {self.meaningless}"
        width = max(len("parameter"), *(len(r.parameter) for r in self.rows))
        lines = [
            head,
            f"{'parameter':<{width}}  {'analytic':>14}  {'numerical':>14}  rel. error",
        ]
        for r in self.rows:
            lines.append(
                f"{r.parameter:<{width}}  {r.analytic + 0.0:>14.7g}  "
                f"{r.numerical + 0.0:>14.7g}  "
                f"{r.rel_error:.2e}"
            )
        return "\n".join(lines)


def gradcheck(
    net,
    x: ArrayLike,
    target: ArrayLike,
    loss: str | Loss = "mse",
    eps: float = 1e-3,
    tolerance: float = 1e-7,
) -> GradcheckReport:
    """Compare every analytic gradient with a numerical one.

    The numerical gradient is the fourth-order central difference
    ``[L(w−2ε) − 8L(w−ε) + 8L(w+ε) − L(w+2ε)] / 12ε``. Its error is about
    ε⁴ from truncation plus 10⁻¹⁶/ε from rounding: about 10⁻¹³ at the default
    ε = 10⁻³, where the plain ``[L(w+ε) − L(w−ε)] / 2ε`` at ε = 10⁻⁶ would be
    off by 10⁻¹⁰ and could not tell a 10⁻⁷ relative error on a small gradient.
    The relative error of a row is ``|a − n| / max(|a|, |n|, floor)`` with
    ``floor = 10⁻⁸/ε · max(1, |L|)`` (10⁻⁵ of the loss's scale at the default
    ε): rounding in ``L``, amplified by the 1/ε of the difference quotient, makes
    a smaller numerical gradient uncertain by about ``10⁻¹⁶·|L|/ε``, so such
    gradients are compared on that absolute scale, with a tenfold margin.

    Every weight and bias is restored bit for bit afterwards, even if an
    exception interrupts the check, and so is the state of the last pass the
    network shows (``state_table()``, ``trace``): the check runs passes of its
    own, but leaves no trace of them.

    Parameters
    ----------
    net : Network
    x, target : array_like
        One sample or a batch, and its targets.
    loss : str or Loss, default "mse"
    eps : float, default 1e-3
        The finite-difference step.
    tolerance : float, default 1e-7
        The largest relative error that passes.

    Returns
    -------
    GradcheckReport

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network.layered([2, 2, 1], activation="tanh", seed=0)
    >>> report = gradcheck(net, [0.5, -1.0], [1.0])
    >>> report.ok, report.max_rel_error < 1e-7
    (True, True)
    """
    eps = check_positive(eps, "eps")
    saved = net.stored_pass()
    try:
        return _gradcheck(net, x, target, loss, eps, tolerance)
    finally:
        net.restore_pass(saved)


def _gradcheck(net, x, target, loss, eps, tolerance) -> GradcheckReport:
    net.forward(x)
    loss_value = net.backward(target, loss=loss)
    loss = net.check_loss(loss)
    floor = 1e-8 / eps * max(1.0, abs(loss_value))
    batch, _ = as_samples(x, len(net.inputs), "input x")
    targets, _ = as_samples(target, len(net.outputs), "target")
    before = net.parameter_values()
    rows = []
    try:
        # One row per parameter: a shared one is moved once (every connection
        # using it moves), and its gradient is the sum over those connections.
        for parameter in net.parameters:
            grad = parameter.grad
            numerical = _central_difference(net, parameter, batch, targets, loss, eps)
            label = ", ".join(_user_label(u) for u in parameter.users)
            label += " (shared)" if parameter.shared else ""
            error = abs(grad - numerical) / max(abs(grad), abs(numerical), floor)
            rows.append(GradcheckRow(label, grad, numerical, error))
    finally:
        net.restore_parameter_values(before)
    rows.sort(key=lambda r: r.rel_error, reverse=True)
    worst = rows[0].rel_error if rows else 0.0
    steps = [
        n for n in net.neurons if not n.is_input and not n.activation.differentiable
    ]
    meaningless = (
        f"{_names_text([n.name for n in steps])} use "
        f"{_names_text(sorted({n.activation.name for n in steps}))}, which is not "
        "differentiable: its derivative is 0 by definition and every gradient through "
        "it is 0, so analytic and numerical gradients agree without saying anything. "
        "Check a network of differentiable activations"
        if steps
        else ""
    )
    return GradcheckReport(
        worst < tolerance and not steps, worst, rows, tolerance, meaningless
    )


def _names_text(names: list[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _central_difference(net, parameter, batch, targets, loss, eps) -> float:
    original = parameter.value
    values = []
    for step in (-2, -1, 1, 2):
        parameter.value = original + step * eps
        values.append(loss.value(net.propagate(batch, single=False), targets))
    parameter.value = original
    return (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * eps)


def summary(net) -> str:
    """A table of the network's neurons and its parameter count.

    Examples
    --------
    >>> import neurosim as ns
    >>> print(summary(ns.Network.layered([2, 1], activation="identity", seed=0)))
    neuron  role    activation  bias  fan-in  fan-out
    x1      input   —           —     0       1
    x2      input   —           —     0       1
    y1      output  identity    0.0   2       0
    2 inputs, 0 hidden, 1 output; 2 connections; 3 parameters
    """
    rows = [("neuron", "role", "activation", "bias", "fan-in", "fan-out")]
    for n in net.neurons:
        rows.append((
            n.name, n.role,
            "—" if n.is_input else n.activation.name,
            "—" if n.is_input else number(n.bias),
            str(net.graph.in_degree(n.name)), str(net.graph.out_degree(n.name)),
        ))  # fmt: skip
    counts = (
        f"{_plural(len(net.inputs), 'input')}, {len(net.hidden)} hidden, "
        f"{_plural(len(net.outputs), 'output')}; {_plural(len(net.connections), 'connection')}; "
        f"{_plural(net.n_parameters, 'parameter')}"
        + (
            f" ({net.n_trainable} trainable)"
            if net.n_trainable != net.n_parameters
            else ""
        )
    )
    return _table(rows) + "\n" + counts


def state_table(net) -> str:
    """Each neuron's net, output and delta from the last passes, as a table.

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
    >>> net.connection("x1", "y1").weight = 2.0
    >>> _ = net.forward([1.5]); _ = net.backward([1.0], loss="sse")
    >>> print(state_table(net))
    neuron  net  output  delta
    x1      —    1.5     —
    y1      3.0  3.0     2.0
    """

    def cell(value) -> str:
        if value is None:
            return "—"
        if isinstance(value, np.ndarray):
            return (
                "["
                + ", ".join(number(v) for v in value[:4])
                + (", …]" if value.size > 4 else "]")
            )
        return number(value)

    rows = [("neuron", "net", "output", "delta")]
    rows += [(n.name, cell(n.net), cell(n.output), cell(n.delta)) for n in net.neurons]
    return _table(rows)


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
        for row in rows
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
