"""
Backpropagation by hand: one sigmoid neuron, one wrong prediction, one update
=============================================================================

The classic from-scratch tutorial ("build a neural network and make
predictions" with one neuron) in neurosim, with the tutorial's own numbers:
a neuron with weights 1.45 and -0.66 and bias 0 predicts 0.87102 for the
input (2, 1.5) whose target is 0, a squared error of 0.75867 (the tutorial's
``mse``, (y - t)²). The chain rule (dL/dy × dy/dnet × dnet/dw) is printed step
by step and one update makes the prediction better. Then the neuron is
trained on the tutorial's eight points, one random point per iteration, the
cumulative squared error over all eight computed every 100 iterations as in
the tutorial and printed every tenth of the run.

The error does not fall to zero, in the tutorial either, and the example says
why: no straight line separates the eight points (the best line sorts 6 of
them right), and one sigmoid neuron can only draw a line. A network with a
hidden layer, trained on the same points, classifies all eight.

Run: ``python examples/backprop_by_hand.py [--quick]``
"""

import argparse

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description="Backpropagation by hand on one neuron.")
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

net = ns.Network()
net.add_input("x1")
net.add_input("x2")
net.add_output("y", activation="sigmoid", bias=0.0)
net.connect("x1", "y", weight=1.45)
net.connect("x2", "y", weight=-0.66)

x, target = [2.0, 1.5], [0.0]
prediction = net.forward(x)[0]
print(
    f"prediction for {x}: {prediction:.5f} (target {target[0]}; the tutorial: 0.87102)"
)

print(f"squared error: {(prediction - target[0]) ** 2:.5f} (the tutorial: 0.75867)")

print("\nthe chain rule, step by step (loss 'mse' = (y - t)², so dL/dy = 2 (y - t)):")
for step in net.trace(x, target=target, loss="mse"):
    print("  " + str(step))

net.step(lr=0.1)
print(f"\nafter one update (lr 0.1): prediction {net.forward(x)[0]:.5f} -> better")

# The tutorial's eight points and their targets.
X = np.array(
    [[3, 1.5], [2, 1], [4, 1.5], [3, 4], [3.5, 0.5], [2, 0.5], [5.5, 1], [1, 1]]
)
Y = np.array([[0], [1], [0], [1], [0], [1], [1], [0]], dtype=float)
iterations = 2000 if args.quick else 10000
rng = np.random.default_rng(0)
cumulative = 0.0
for iteration in range(1, iterations + 1):
    i = rng.integers(len(X))  # one random sample per iteration, as in the tutorial
    net.forward(X[i])
    net.backward(Y[i], loss="mse")
    net.step(lr=0.1)
    if iteration % 100 == 0:
        cumulative = sum(
            float(net.forward(X[j])[0] - Y[j, 0]) ** 2 for j in range(len(X))
        )
        if iteration % (iterations // 10) == 0:
            print(f"iteration {iteration:6d}  cumulative error {cumulative:.4f}")
print(f"predictions: {np.round(net.predict(X).ravel(), 2).tolist()}")
right = int((net.classify(X) == Y.ravel()).sum())
print(
    f"\none neuron classifies {right} of 8 right, and no neuron can do all 8: it "
    "separates the classes\nby a straight line (w·x + b = 0), and no line "
    "separates these points: the segment from\n(2, 1) to (5.5, 1), both class 1, "
    "crosses the segment from (3.5, 0.5) to (3, 1.5), both\nclass 0, at "
    "(3.25, 1), and a line cannot put two crossing segments on opposite sides.\n"
    "The error stays high in the tutorial for the same reason."
)
deeper = ns.Network.layered([2, 8, 1], seed=0)
deeper.fit(X, Y, epochs=300, optimizer=ns.Adam(lr=0.05), seed=0)
print(
    f"a hidden layer of 8 neurons (2-8-1, Adam) classifies {int(deeper.score(X, Y) * 8)} "
    "of 8 right: it can bend the boundary"
)

if args.out:  # one forward and backward pass as an animation, one computation a frame
    from neurosim import plotting

    anim = plotting.animate_trace(net, [2.0, 1.5], [0.0], loss="mse")
    plotting.save_animation(anim, f"{args.out}/backprop_trace.gif", fps=1.0)
    print(f"\npictures written to {args.out}/")
