"""
Gradient checking: when a network does not learn, is the gradient right?
========================================================================

Three stories on XOR with a 2-2-1 network:

1. The gradient check passes: backpropagation agrees with finite differences.
2. A custom activation with a wrong derivative is caught by the check.
3. The classic symptom of a network that predicts the class ratio for every
   input — here a network whose hidden layer is dead (ReLU neurons that
   never fire) — diagnosed from its state table and gradients.

Run: ``python examples/gradient_check.py [--quick]``
"""

import argparse

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description="Gradient checking on XOR.")
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

X, Y = ns.datasets.xor()

print("1. a correct network")
net = ns.Network.layered(
    [2, 2, 1], activation="tanh", output_activation="sigmoid", seed=3
)
print(ns.gradcheck(net, X, Y, loss="mse"))

print("\n2. a custom activation whose derivative is wrong (forgot the square)")
bad_tanh = ns.Activation("bad_tanh", fn=np.tanh, derivative=lambda z: 1 - np.tanh(z))
buggy = ns.Network.layered(
    [2, 2, 1], activation=bad_tanh, output_activation="sigmoid", seed=3
)
report = ns.gradcheck(buggy, X, Y, loss="mse")
print(report)
print("-> the hidden layer's weights are wrong: the bug is in the hidden activation")

print("\n3. a network that predicts the class ratio for every input")
dead = ns.Network.layered(
    [2, 2, 1], activation="relu", output_activation="sigmoid", seed=3
)
for neuron in dead.hidden:
    neuron.bias = -5.0  # pushed below zero: the ReLUs never fire
dead.fit(X, Y, epochs=200 if args.quick else 2000, lr=0.5, seed=0)
print(
    "predictions:",
    np.round(dead.predict(X).ravel(), 3).tolist(),
    "for targets",
    Y.ravel().tolist(),
)
dead.forward(X)
dead.backward(Y)
print(dead.state_table())
print(
    ns.gradcheck(dead, X, Y).ok,
    "<- the gradients are right, so the bug is not in backprop:",
)
print(
    "   every hidden output is 0 and every hidden delta is 0, so only the output bias"
)
print("   learns, and it learns the mean target (the class ratio) for every input.")
print("   Fix: initialise biases at zero (net.initialize()) or use leaky_relu.")

if args.out:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neurosim import plotting

    # Each parameter's relative error, correct network and buggy one.
    fig, ax = plt.subplots(figsize=(8.5, 3.8), layout="constrained")
    correct = {row.parameter: row.rel_error for row in ns.gradcheck(net, X, Y).rows}
    wrong = {row.parameter: row.rel_error for row in report.rows}
    names = list(correct)
    where = np.arange(len(names))
    floor = 1e-17  # a relative error of exactly 0 still shows, at the bottom
    ax.bar(
        where - 0.2, [max(correct[n], floor) for n in names], 0.4, label="correct tanh"
    )
    ax.bar(where + 0.2, [max(wrong.get(n, 0.0), floor) for n in names], 0.4,
           label="tanh with a wrong derivative")  # fmt: skip
    ax.axhline(1e-7, color="k", linestyle=":", label="tolerance 1e-7")
    ax.set_xticks(where, names, rotation=60, ha="right", fontsize=7)
    ax.set(
        yscale="log",
        ylabel="relative error",
        title="gradient check, parameter by parameter",
    )
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    plotting.save_figure(fig, f"{args.out}/gradient_check.png")
    print(f"\npictures written to {args.out}/")
