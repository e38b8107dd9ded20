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

from .checks import GradcheckReport, GradcheckRow, gradcheck
from .format import number
from .steps import Step, trace, update_steps
from .story import explain
from .tables import state_table, summary

__all__ = [
    "GradcheckReport",
    "GradcheckRow",
    "Step",
    "explain",
    "gradcheck",
    "number",
    "state_table",
    "summary",
    "trace",
    "update_steps",
]
