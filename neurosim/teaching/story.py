"""One training step told as a document: :func:`explain` (text, markdown or a web page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from .._checks import check_positive
from ..errors import ParameterError
from ..losses import Loss
from ..optimizers import check_penalty
from .format import number
from .steps import trace, update_steps

if TYPE_CHECKING:
    from .page import ExplanationPage

__all__ = ["explain"]


def explain(
    net,
    x: ArrayLike,
    target: ArrayLike,
    loss: str | Loss = "mse",
    format: str = "text",
    lr: float = 0.1,
    l1: float = 0.0,
    l2: float = 0.0,
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
    l1, l2 : float, default 0
        The weight penalty of ``fit(l1=..., l2=...)``: each weight's update
        adds ``l1·sign(w) + l2·w`` to its gradient (biases are not
        penalised); the loss shown is the data's, as ``fit`` reports it.

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

    With L2 regularisation the weight's step grows by ``l2·w``; the bias's does not:

    >>> print(explain(net, [1.0], [0.0], loss="sse", lr=0.5, l2=0.1))
    One training step ...
      w(x1→y1): 2.0 - 0.5·(2.0 + 0.1·2.0) = 0.9
      b(y1): 0.0 - 0.5·2.0 = -1.0
    """
    if format not in ("text", "markdown", "html"):
        raise ParameterError(
            f"format must be 'text', 'markdown' or 'html', got {format!r}"
        )
    lr = check_positive(lr, "learning rate lr")
    l1, l2 = check_penalty(l1, l2)
    if format == "html":
        from .page import explain_page

        return explain_page(net, x, target, loss=loss, lr=lr, l1=l1, l2=l2)
    steps = trace(net, x, target=target, loss=loss)
    document = Document(markdown=format == "markdown")
    xs = ", ".join(number(v) for v in np.ravel(x))
    ts = ", ".join(number(v) for v in np.ravel(target))
    document.title(f"One training step of {net!r}")
    document.paragraph(
        f"Input x = [{xs}], target = [{ts}], loss {net.check_loss(loss).name}, "
        f"learning rate {number(lr)}."
    )
    recurrent = net.is_recurrent
    document.heading(
        "1. Forward pass" + (", step by step in time" if recurrent else "")
    )
    products = any(n.aggregation == "product" for n in net.neurons)
    document.paragraph(
        FORWARD_STORY
        + (" " + FORWARD_IN_TIME if recurrent else "")
        + (" " + PRODUCT_STORY if products else "")
    )
    document.formulas(s for s in steps if s.phase == "forward")
    document.heading("2. Loss")
    document.formulas(s for s in steps if s.kind == "loss")
    document.heading("3. Backward pass" + (" through time" if recurrent else ""))
    document.paragraph(
        BACKWARD_STORY
        + (" " + BACKWARD_IN_TIME if recurrent else "")
        + (" " + PRODUCT_BACKWARD if products else "")
    )
    document.formulas(s for s in steps if s.phase == "backward" and s.kind != "loss")
    document.heading(f"4. Update with learning rate {number(lr)}")
    penalty = " + ".join(
        term for rate, term in ((l1, "l1·sign(w)"), (l2, "l2·w")) if rate
    )
    document.paragraph(
        f"w ← w - lr·(∂L/∂w + {penalty}) with l1 = {number(l1)}, l2 = {number(l2)} "
        "(the weight penalty of fit(l1=, l2=); biases are not penalised) and "
        "b ← b - lr·∂L/∂b:"
        if penalty
        else "w ← w - lr·∂L/∂w and b ← b - lr·∂L/∂b, as net.step(lr) would do:"
    )
    document.formulas(update_steps(net, lr, l1, l2))
    return document.text()


FORWARD_STORY = (
    "Each neuron, in topological order, sums its inputs times their weights plus its "
    "bias (net), then applies its activation (out)."
)
BACKWARD_STORY = (
    "The chain rule, from the outputs back: δ = ∂L/∂net is the loss's sensitivity to a "
    "neuron's net input, the upstream factor (∂L/∂out for an output neuron; Σ w·δ over "
    "the neurons it feeds otherwise) times the activation's slope f'(net). A weight's "
    "gradient is the δ of the neuron it feeds times the output it carries; a bias's "
    "gradient is δ itself."
)

PRODUCT_STORY = (
    "A product neuron multiplies its weighted inputs instead (no bias): an LSTM's "
    "gates act through such neurons."
)
PRODUCT_BACKWARD = (
    "Into a product neuron, what an input passes on is also multiplied by the product "
    "of the other inputs — its gate: a gate near 0 shuts the error out."
)


FORWARD_IN_TIME = (
    "A connection with a delay d carries its source's output of step t − d (before the "
    "first step, the source's start value): at every step the network is evaluated "
    "once more, reading its own past."
)
BACKWARD_IN_TIME = (
    "Backpropagation through time visits the steps from the last to the first. A "
    "neuron's δ at step t collects the δ of the neurons it feeds in the same step and, "
    "through each delayed connection, the δ of its target d steps later — the term "
    "marked ← through time. A weight's gradient is the sum over the steps of "
    "δ(target, t)·out(source, t − d): every step uses the same weight."
)


class Document:
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
