"""
The perceptron rule: AND and OR are learned, XOR is impossible for one neuron
=============================================================================

A step-activation neuron (the threshold unit) cannot be trained by gradient
descent, because the step's derivative is zero. Rosenblatt's perceptron rule
trains it: for each sample, w ← w + lr·(t − y)·x. It converges whenever a
straight line separates the classes (AND, OR) and never otherwise (XOR),
which neurosim reports instead of looping forever.

Run: ``python examples/perceptron.py [--quick]``
"""

import argparse

import neurosim as ns

parser = argparse.ArgumentParser(description="The perceptron rule on logic gates.")
parser.add_argument(
    "--quick", action="store_true", help="a short run (used by the test suite)"
)
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()

for gate in ["and", "or", "xor"]:
    net = ns.Network()
    net.add_input("x1")
    net.add_input("x2")
    net.add_output("y", activation="step")
    net.connect("x1", "y", weight=0.0)
    net.connect("x2", "y", weight=0.0)
    X, Y = ns.datasets.logic_gate(gate)
    result = ns.train_single_layer(
        net, X, Y, rule="perceptron", epochs=20 if args.quick else 100
    )
    w1, w2 = (c.weight for c in net.connections)
    errors = result.errors
    shown = (
        str(errors)
        if len(errors) <= 8
        else f"[{', '.join(map(str, errors[:8]))}, ...] (the first 8 of {len(errors)})"
    )
    print(f"{gate.upper():>3}: {result}, misclassified per epoch {shown}")
    if result.converged:
        print(
            f"     learned y = step({w1:+.0f}·x1 {w2:+.0f}·x2 {net['y'].bias:+.0f}), "
            f"predictions {net.predict(X).ravel().tolist()}"
        )
    else:
        print(
            "     no line separates XOR's classes: one neuron cannot learn it (use a hidden layer)"
        )

    if args.out:  # each gate's learned line (XOR: the best the rule got to)
        from neurosim import plotting

        regions = plotting.plot_decision_boundary(
            net, X, Y, extent=(-0.5, 1.5, -0.5, 1.5)
        )
        regions.set_title(
            f"{gate.upper()}: {'converged' if result.converged else 'no line exists'}"
        )
        plotting.save_figure(
            regions.figure, f"{args.out}/perceptron_{gate}.png", dpi=80
        )
