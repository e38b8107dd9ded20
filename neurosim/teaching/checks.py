"""The gradient check: every analytic gradient against a fourth-order finite difference."""

from __future__ import annotations

from dataclasses import dataclass

from numpy.typing import ArrayLike

from .._checks import as_samples, as_sequences, as_step_targets, check_positive
from ..losses import Loss
from ..optimizers import check_penalty, penalty_value
from .format import names_text
from .steps import user_label

__all__ = ["GradcheckReport", "GradcheckRow", "gradcheck"]


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
    l1: float = 0.0,
    l2: float = 0.0,
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
    l1, l2 : float, default 0
        Check the gradients of the loss plus the weight penalty
        ``l1·Σ|w| + l2·Σw²/2`` that ``fit(l1=..., l2=...)`` trains on: the
        analytic side is the library's (``add_weight_penalty``), the
        numerical side differentiates the penalised loss.

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
    penalty = check_penalty(l1, l2)
    saved = net.stored_pass()
    try:
        return _gradcheck(net, x, target, loss, eps, tolerance, penalty)
    finally:
        net.restore_pass(saved)


def _gradcheck(net, x, target, loss, eps, tolerance, penalty) -> GradcheckReport:
    net.forward(x)
    loss_value = net.backward(target, loss=loss)
    loss = net.check_loss(loss)
    if penalty[0] or penalty[1]:
        net.add_weight_penalty(*penalty)
        loss = _penalised(net, loss, penalty)
    floor = 1e-8 / eps * max(1.0, abs(loss_value))
    if net.is_recurrent:
        batch, _ = as_sequences(x, len(net.inputs), "input x")
        shape = (*batch.shape[:2], len(net.outputs))
        targets = as_step_targets(target, shape, "target")
    else:
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
            label = ", ".join(user_label(u) for u in parameter.users)
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
        f"{names_text([n.name for n in steps])} use "
        f"{names_text(sorted({n.activation.name for n in steps}))}, which is not "
        "differentiable: its derivative is 0 by definition and every gradient through "
        "it is 0, so analytic and numerical gradients agree without saying anything. "
        "Check a network of differentiable activations"
        if steps
        else ""
    )
    truncated = net.is_recurrent and (net.truncation or batch.shape[1]) < batch.shape[1]
    if truncated:
        meaningless = (
            (meaningless + ". Also, " if meaningless else "")
            + f"the network backpropagates through {net.truncation} step(s) only "
            "(truncation), so its gradients leave out what comes from further back "
            "and differ from the numerical ones by design; set net.truncation = None "
            "to check full backpropagation through time"
        )
    return GradcheckReport(
        worst < tolerance and not steps and not truncated,
        worst,
        rows,
        tolerance,
        meaningless,
    )


def _penalised(net, loss, penalty):
    """``loss`` plus the weight penalty of the network's weights, as a value function."""
    weights = [p for p in net.parameters if any(hasattr(u, "source") for u in p.users)]

    class Penalised:
        @staticmethod
        def value(outputs, targets):
            values = [p.value for p in weights if p.trainable]
            return loss.value(outputs, targets) + penalty_value(values, *penalty)

    return Penalised


def _central_difference(net, parameter, batch, targets, loss, eps) -> float:
    original = parameter.value
    values = []
    for step in (-2, -1, 1, 2):
        parameter.value = original + step * eps
        values.append(loss.value(net.propagate(batch, single=False), targets))
    parameter.value = original
    return (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * eps)
