"""Web pages of one training step, and of a Hopfield recall: one self-contained HTML file.

The page draws the network as SVG (laid out as :func:`neurosim.plotting.draw_network`
lays it out), lists every step of :func:`neurosim.teaching.trace` with its
formula and numbers, then the update of every parameter and the loss after
it, with Previous / Next / Play / Reset buttons, the arrow keys, and a click
on any step to jump there. Inputs, targets, the learning rate, every weight
and every bias can be edited in the page, and every number follows: the
page's script repeats neurosim's arithmetic operation for operation (tested
against the library in a real browser). The current step and the edits live
in the URL fragment (``#step=7&w:x1>h1=0.3``), so a link shows exactly that;
a button downloads the edited network as neurosim JSON for :func:`neurosim.load`.

Everything is inline — script, style, data — and the page makes no request
of any kind, so it opens from disk, offline, in any current browser. The
formulas are typeset as MathML, which browsers render natively.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network.layered([2, 2, 1], seed=0)
>>> page = net.explain([1.0, 0.0], [1.0], lr=0.5, format="html")
>>> page
ExplanationPage(one training step of Network(2 inputs, 2 hidden, 1 output; ...), 28 steps)
>>> "<script" in str(page) and "http" not in str(page).replace("http://www.w3.org", "")
True
"""

from __future__ import annotations

import html

import numpy as np
from numpy.typing import ArrayLike

from .._checks import SeedLike, check_positive
from ..activations import activation_names, get_activation, is_built_in
from ..errors import ParameterError
from ..io import document as file_document
from ..layout import layered_positions
from ..losses import BCE_EPS, LOG_FLOOR, Loss
from ..losses import is_built_in as is_built_in_loss
from ..optimizers import check_penalty
from .steps import trace, update_steps
from .webpage import Page, page_html

__all__ = ["ExplanationPage", "Page", "RecallPage", "explain_page", "recall_page"]


class ExplanationPage(Page):
    """The page of one training step; see :func:`explain_page`."""


class RecallPage(Page):
    """The page of one Hopfield recall; see :func:`recall_page`."""


_CONTROLS = """<div class="controls">
  <button id="reset" title="back to the first step (Home)">Reset</button>
  <button id="prev" title="previous step (←)">Previous</button>
  <button id="play">Play</button>
  <button id="next" title="next step (→)">Next</button>
  <span id="position"></span>
</div>"""


def _readonly_reason(net, loss: Loss) -> str | None:
    """Why the page cannot recompute this network in the browser, or None."""
    if net.is_recurrent:
        return (
            "the network has delayed connections; the page shows every step through "
            "time with neurosim's numbers, but recomputing through time in the browser "
            "is not supported yet (edit it in Python)"
        )
    for neuron in net.neurons:
        if neuron.role == "input":
            continue
        name = neuron.activation.name
        if not is_built_in(neuron.activation):
            return (
                f"neuron {neuron.name!r} uses the activation {name!r}, defined in Python; "
                "the page shows neurosim's numbers but cannot recompute them"
            )
        if neuron.aggregation != "sum":
            kind = (
                "a pooling neuron (max)"
                if neuron.aggregation == "max"
                else ("a product neuron")
            )
            return f"neuron {neuron.name!r} is {kind}; edit it in Python"
    if not is_built_in_loss(loss):
        return f"the loss {loss.name!r} is defined in Python"
    if any(p.shared for p in net.parameters):
        return "the network shares parameters; edit them in Python"
    return None


def explain_page(
    net,
    x: ArrayLike,
    target: ArrayLike,
    loss: str | Loss = "mse",
    lr: float = 0.1,
    l1: float = 0.0,
    l2: float = 0.0,
) -> ExplanationPage:
    """The web page of one training step on one sample: forward, loss, backward, update.

    Parameters
    ----------
    net : Network
    x, target : array_like
        One sample and its target.
    loss : str or Loss, default "mse"
    lr : float, default 0.1
    l1, l2 : float, default 0
        The weight penalty of ``fit(l1=, l2=)``, added to each weight's
        gradient in the updates shown (and recomputed as the page is edited).

    Returns
    -------
    ExplanationPage
        ``str(page)`` is the HTML; ``page.save(path)`` writes it; in Jupyter
        it shows itself. A network with a user-defined activation or loss,
        pooling neurons or shared parameters gives a read-only page (its
        steps and numbers, no editing), which says why.
    """
    lr = check_positive(lr, "learning rate lr")
    l1, l2 = check_penalty(l1, l2)
    steps = trace(net, x, target=target, loss=loss)
    loss = net.check_loss(loss)
    updates = list(update_steps(net, lr, l1, l2))
    connections = list(net.connections)
    index = {c.key: k for k, c in enumerate(connections)}
    # The loss after the step: apply it, measure, put everything back.
    saved, saved_pass = net.parameter_values(), net.stored_pass()
    try:
        if l1 or l2:
            net.add_weight_penalty(l1, l2)
        net.step(lr)
        if net.is_recurrent:  # one sequence is one sample already
            loss_after = float(net.evaluate(x, target, loss))
        else:
            loss_after = float(
                net.evaluate(np.atleast_2d(x), np.atleast_2d(target), loss)
            )
    finally:
        net.restore_parameter_values(saved)
        net.restore_pass(saved_pass)
    positions = layered_positions(net)
    levels = {n: k for k, names in enumerate(_generations(net)) for n in names}
    data = {
        "kind": "network",
        "title": f"one training step of {net!r}",
        "editable": _readonly_reason(net, loss) is None,
        "readonly_reason": _readonly_reason(net, loss),
        "inputs": [n.name for n in net.inputs],
        "outputs": [n.name for n in net.outputs],
        "neurons": [
            {
                "name": n.name,
                "role": n.role,
                "activation": None if n.role == "input" else n.activation.name,
                "bias": None if n.role == "input" else n.bias,
                "bias_frozen": n.role != "input" and not n.bias_parameter.trainable,
                "x": float(positions[n.name][0]),
                "y": float(-positions[n.name][1]),
                "level": levels[n.name],
            }
            for n in net.neurons
        ],
        "connections": [
            {
                "source": c.source.name,
                "target": c.target.name,
                "weight": c.weight,
                "frozen": not c.parameter.trainable,
                "delay": c.delay,
            }
            for c in connections
        ],
        "evaluation_order": [
            [n.name, [index[c.key] for c in incoming]]
            for n, incoming in net.evaluation_order
        ],
        "backward_order": [
            [n.name, [index[c.key] for c in incoming], [index[c.key] for c in outgoing]]
            for n, incoming, outgoing in net.backward_order
        ],
        "x": [float(v) for v in np.ravel(x)],
        # NaN (a step without a target) as null: JSON has no NaN.
        "target": [None if np.isnan(v) else float(v) for v in np.ravel(target)],
        "loss": loss.name,
        "lr": float(lr),
        "l1": l1,
        "l2": l2,
        "steps": [_step_data(s) for s in steps]
        + [
            {**_step_data(s), "target": target}
            for s, target in zip(updates, _update_targets(net, index))
        ],
        "loss_after": loss_after,
        "document": file_document(net),
        # How the library writes each activation, and the losses' thresholds.
        "symbols": {
            name: get_activation(name).written()[0] for name in activation_names()
        },
        "log_floor": LOG_FLOOR,
        "bce_eps": BCE_EPS,
    }
    title = f"One training step of {net!r}"
    reason = data["readonly_reason"]
    intro = (
        f"Input x = {_vector_text(data['x'])}, target = {_vector_text(data['target'])},\n"
        f"  loss {html.escape(loss.name)}, learning rate {lr:g}"
        + (f", weight penalty l1 = {l1:g}, l2 = {l2:g}." if l1 or l2 else ".")
    )
    body = network_body(title, intro, reason)
    return ExplanationPage(
        page_html(title, body, data), data["title"], len(data["steps"])
    )


def network_body(title: str, intro: str, reason: str | None = None) -> str:
    """The step page's body: ``intro`` (HTML) says what the step is made of."""
    return f"""<header>
  <h1>{html.escape(title)}</h1>
  <p>{intro} Forward (blue), loss and backward (red),
  update (green): step through with the buttons or the arrow keys, click any step, edit any number.</p>
  {f'<p class="readonly">This page is read-only: {html.escape(reason)}.</p>' if reason else ""}
</header>
<main>
  <section>
    {_CONTROLS}
    <div class="network-view"><svg id="network" role="img" aria-label="the network"></svg></div>
    <p id="loss" class="loss"></p>
    <div id="formula" aria-live="polite"></div>
  </section>
  <section>
    <h2>Steps</h2>
    <ol id="steps"></ol>
    <h2>Numbers you can change</h2>
    <table id="editor"></table>
    <p><button id="download">Download the network (neurosim JSON)</button></p>
  </section>
</main>"""


def _vector_text(values: list[float], shown: int = 6) -> str:
    """``[1, 0.5]``, or for a long vector its first values and its length."""

    def text(v):
        return "–" if v is None else f"{v:g}"

    if len(values) <= shown + 2:
        return "[" + ", ".join(text(v) for v in values) + "]"
    head = ", ".join(text(v) for v in values[:shown])
    return f"[{head}, … ({len(values)} values)]"


def _generations(net) -> list[list[str]]:
    return net.levels


def _step_data(step) -> dict:
    target = list(step.target) if isinstance(step.target, tuple) else step.target
    return {
        "phase": step.phase,
        "kind": step.kind,
        "target": target,
        "value": float(step.value),
        "formula": step.formula,
    }


def _update_targets(net, index: dict) -> list:
    """What each update line of :func:`update_steps` changes: a connection's index or a neuron."""
    targets, shown = [], set()
    for neuron, incoming in net.evaluation_order:
        for user in [*incoming, neuron]:
            parameter = (
                user.parameter if hasattr(user, "source") else user.bias_parameter
            )
            if parameter in shown:
                continue
            shown.add(parameter)
            targets.append(index[user.key] if hasattr(user, "source") else neuron.name)
    return targets


def recall_page(
    hop,
    probe: ArrayLike,
    shape: tuple[int, int] | None = None,
    seed: SeedLike = None,
    **recall_options,
) -> RecallPage:
    """The web page of one asynchronous Hopfield recall: every single-unit update.

    Each update shows the unit's local field ``h_i − θ_i`` computed from the
    state it saw, the state before and after, and where the energy stands on
    its curve; the grid shows the state (dark: +1 or 1).

    Parameters
    ----------
    hop : HopfieldNetwork
    probe : array_like
    shape : (rows, columns), optional
        How the units form a picture; one row by default.
    seed : None, int, SeedSequence or Generator, default None
        The order of the updates; the same seed, the same page.
    **recall_options
        Passed to :meth:`HopfieldNetwork.recall` (``order``, ``max_sweeps``,
        ``temperature``; the mode is asynchronous).

    Examples
    --------
    >>> import neurosim as ns
    >>> hop = ns.HopfieldNetwork(4); hop.store([[1, -1, 1, -1]])
    >>> recall_page(hop, [1, 1, 1, -1], shape=(2, 2))
    RecallPage(recall of HopfieldNetwork(4 neurons, bipolar, 1 pattern stored, hebbian), 8 steps)
    """
    if recall_options.get("mode", "async") != "async":
        raise ParameterError(
            "the recall page follows asynchronous recall (mode='async')"
        )
    shape = (1, hop.n) if shape is None else tuple(shape)
    if len(shape) != 2 or shape[0] * shape[1] != hop.n:
        raise ParameterError(f"shape {shape} does not hold the {hop.n} units")
    visited = []

    def visit(unit, state, energy) -> bool:
        visited.append(unit)
        return False  # never stop early

    result = hop.recall(
        probe, seed=seed, record_states=True, callback=visit, **recall_options
    )
    weights, thresholds = hop.weights, hop.thresholds
    bipolar = (
        2 * np.asarray(result.probe) - 1 if hop.states == "binary" else result.probe
    )
    before = np.asarray(bipolar, dtype=float)
    steps = []
    for unit, state in zip(visited, result.states):
        after = np.asarray(
            2 * state - 1 if hop.states == "binary" else state, dtype=float
        )
        field = float(weights[unit] @ before - thresholds[unit])
        changed = bool(after[unit] != before[unit])
        name = hop.names[unit]
        steps.append(
            {
                "unit": unit,
                "after": float(after[unit]),
                "field": field,
                "changed": changed,
                "formula": (
                    f"{name}: h − θ = Σ w·s − θ = {field:.6g} → s = {after[unit]:+.0f}"
                    + (" (flipped)" if changed else " (unchanged)")
                ),
            }
        )
        before = after
    data = {
        "kind": "hopfield",
        "names": list(hop.names),
        "shape": list(shape),
        "probe": [float(v) for v in np.asarray(bipolar, dtype=float)],
        "steps": steps,
        "energy": [float(e) for e in result.energy],
    }
    title = f"recall of {hop!r}"
    body = f"""<header>
  <h1>{html.escape(title[0].upper() + title[1:])}</h1>
  <p>Each update visits one unit: it takes the sign of its local field minus its
  threshold (a tie keeps it), and the energy can only fall. {len(steps)} updates,
  {result.sweeps} sweeps, {"converged" if result.converged else "not converged"}.</p>
</header>
<main>
  <section>
    {_CONTROLS}
    <div class="patterns"><figure><div id="grid" class="grid"></div>
      <figcaption>the state (dark: on)</figcaption></figure></div>
    <p id="formula" class="loss"></p>
    <svg id="energy" class="energy" role="img" aria-label="energy after each update"></svg>
  </section>
  <section>
    <h2>Updates</h2>
    <ol id="steps"></ol>
  </section>
</main>"""
    return RecallPage(page_html(title, body, data), title, len(steps))
