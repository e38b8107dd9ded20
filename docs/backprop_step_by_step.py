"""Write docs/backprop_step_by_step.md from ``explain`` on a fixed 2-2-1 network.

Run: ``python docs/backprop_step_by_step.py`` (the test suite checks the page is current).
"""

from pathlib import Path

import neurosim as ns

PAGE = Path(__file__).with_suffix(".md")
INTRO = """# Backpropagation step by step

A 2-2-1 network (one sigmoid and one tanh hidden neuron, a sigmoid output),
its weights set by hand, takes one training step on the input (1, 0) with
target 1. Every number below was computed by neurosim and read back from the
network (`net.explain(x, target, format="markdown")`).

"""


def build() -> ns.Network:
    net = ns.Network()
    net.add_input("x1")
    net.add_input("x2")
    net.add_neuron("h1", activation="sigmoid", bias=0.1)
    net.add_neuron("h2", activation="tanh", bias=-0.2)
    net.add_output("y", activation="sigmoid", bias=0.3)
    for source, target, weight in [
        ("x1", "h1", 0.5), ("x2", "h1", -0.4), ("x1", "h2", 0.3),
        ("x2", "h2", 0.8), ("h1", "y", 1.2), ("h2", "y", -0.7),
    ]:  # fmt: skip
        net.connect(source, target, weight=weight)
    return net


def page() -> str:
    body = build().explain([1.0, 0.0], [1.0], loss="mse", lr=0.5, format="markdown")
    return INTRO + body.replace(
        "# One training step", "## One training step", 1
    ).replace("\n## ", "\n### ")


if __name__ == "__main__":
    PAGE.write_text(page(), encoding="utf-8")
    print(f"wrote {PAGE}")
