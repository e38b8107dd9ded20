"""
Debugging XOR: the gradient check passes, an evolution strategy finds the bug
=============================================================================

A learner's question from the tutorials: "my XOR network gives the same
prediction for every input; the gradient check passes; what is wrong?" The
answer given there: replace gradient descent with a simple evolution
strategy — perturb all the weights, keep the perturbation if the loss went
down. It solves XOR with the very same forward pass, so the forward pass is
right and the bug is in the training loop. It was: the loop updated W2, then
computed the hidden layer's deltas with the *already updated* W2, although
the two updates must be simultaneous (both from the weights of the same
forward pass).

Four stages, with a 2-2-1 sigmoid network, the logistic (cross-entropy)
loss and a learning rate of 5:

1. the hand-written loop with the bug: the same output for every input;
2. neurosim's gradient check on the same network: it passes — the
   gradients are right, the loop that uses them is not;
3. the (1+1)-ES with the one-fifth rule, from the same starting weights:
   XOR learned, no gradient used;
4. the loop fixed (every gradient first, then every update), and
   ``net.fit``: XOR learned.

Run: ``python examples/xor_debugging.py [--quick] [--out DIR]``
"""

import argparse
import os

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(
    description="Debugging XOR with an evolution strategy."
)
parser.add_argument(
    "--quick", action="store_true", help="(the full run is quick already)"
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
HIDDEN = ("h1_1", "h1_2")


def matrices(net):
    """W1 (2×2), b1, W2 (2×1), b2 read from the network's connections and neurons."""
    W1 = np.array([[net.connection(x, h).weight for h in HIDDEN] for x in ("x1", "x2")])
    W2 = np.array([[net.connection(h, "y1").weight] for h in HIDDEN])
    return W1, np.array([net[h].bias for h in HIDDEN]), W2, np.array([net["y1"].bias])


def write(net, W1, b1, W2, b2):
    for i, x in enumerate(("x1", "x2")):
        for j, h in enumerate(HIDDEN):
            net.connection(x, h).weight = W1[i, j]
    for j, h in enumerate(HIDDEN):
        net[h].bias = b1[j]
        net.connection(h, "y1").weight = W2[j, 0]
    net["y1"].bias = b2[0]


def hand_written_training(net, simultaneous, lr=5.0, epochs=3000):
    """Full-batch gradient descent on the logistic loss, written out by hand."""
    sigmoid = ns.activations.get_activation("sigmoid").fn
    W1, b1, W2, b2 = matrices(net)
    for _ in range(epochs):
        hidden = sigmoid(X @ W1 + b1)
        output = sigmoid(hidden @ W2 + b2)
        delta2 = (output - Y) / len(X)  # ∂L/∂net of the output, logistic loss
        if simultaneous:  # right: every gradient from this pass's weights, then update
            delta1 = (delta2 @ W2.T) * hidden * (1 - hidden)
            W2 -= lr * hidden.T @ delta2
            b2 -= lr * delta2.sum(axis=0)
        else:  # the bug: W2 first, then the hidden deltas through the NEW W2
            W2 -= lr * hidden.T @ delta2
            b2 -= lr * delta2.sum(axis=0)
            delta1 = (delta2 @ W2.T) * hidden * (1 - hidden)
        W1 -= lr * X.T @ delta1
        b1 -= lr * delta1.sum(axis=0)
    write(net, W1, b1, W2, b2)


def show(title, net):
    outputs = net.predict(X).ravel()
    print(title)
    for x, y, out in zip(X.astype(int).tolist(), Y.ravel().astype(int), outputs):
        print(f"    {x} -> {out:.3f}   (target {y})")
    solved = bool(np.abs(outputs - Y.ravel()).max() < 0.2)
    print(f"    XOR {'learned' if solved else 'NOT learned'}\n")
    return solved


start = ns.Network.layered([2, 2, 1], seed=5)
initial = start.parameter_vector()

buggy = ns.Network.layered([2, 2, 1], seed=5)
hand_written_training(buggy, simultaneous=False)
show("1. the hand-written loop with the bug (W1 updated through the new W2):", buggy)

report = ns.gradcheck(buggy, X, Y, loss="bce")
print(
    f"2. gradient check on that network: {'passed' if report.ok else 'FAILED'} "
    f"(largest relative error {report.max_rel_error:.1e} over {len(report.rows)} "
    "parameters)\n   — the gradients are right; the loop that uses them is not.\n"
)

evolved = ns.Network.layered([2, 2, 1], seed=5)
strategy = ns.OnePlusOne()
history = evolved.fit(
    X, Y, loss="bce", optimizer=strategy, epochs=20_000, target_loss=0.02, seed=0
)
show(
    f"3. (1+1)-ES, the same forward pass, no gradients "
    f"({int(history['evaluations'][-1])} loss evaluations, {strategy.restarts} restarts):",
    evolved,
)

fixed = ns.Network.layered([2, 2, 1], seed=5)
hand_written_training(fixed, simultaneous=True)
show("4. the loop fixed (every gradient first, then every update):", fixed)
fitted = ns.Network.layered([2, 2, 1], seed=5)
fitted.fit(X, Y, loss="bce", lr=5.0, epochs=3000, batch_size=None, shuffle=False)
show("   and net.fit with the same settings:", fitted)

if args.out:
    import matplotlib

    matplotlib.use("Agg")
    from neurosim import plotting

    os.makedirs(args.out, exist_ok=True)
    fig = plotting.plot_evolution(history)
    plotting.save_figure(fig, os.path.join(args.out, "xor_evolution.png"))
    print(f"pictures written to {args.out}/")
