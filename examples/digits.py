"""
Handwritten digits: a softmax classifier trained with the vectorised backend
============================================================================

The classic "neural network from scratch" tutorial on scikit-learn's 8×8
digits. The network is built neuron by neuron with ``Network.layered`` — a
64-h-10 graph with ReLU hidden neurons and identity outputs read as logits by
the softmax cross-entropy loss — and trained with ``backend="vectorized"``,
which compiles the graph into two weight matrices and writes the trained
weights back into its connections.

The hidden size h is chosen the classic way: train on part of the training
data for each candidate, keep the size with the best accuracy on the held-out
validation part, retrain it on all the training data, and only then look at
the test set, once.

Needs scikit-learn (``pip install scikit-learn``, or ``pip install ".[data]"`` in
neurosim's source tree).
Run: ``python examples/digits.py [--quick]``
"""

import argparse
import time

import neurosim as ns

parser = argparse.ArgumentParser(description="A 64-h-10 softmax network on digits.")
parser.add_argument(
    "--quick", action="store_true", help="a shorter search (used by the test suite)"
)
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()

X, labels = ns.datasets.load_digits()
X_train, X_test, y_train, y_test = ns.datasets.train_test_split(
    X, labels, test_size=0.2, seed=0
)
X_fit, X_val, y_fit, y_val = ns.datasets.train_test_split(
    X_train, y_train, test_size=0.2, seed=1
)
print(f"{len(X_fit)} training, {len(X_val)} validation, {len(X_test)} test images")


def train(hidden, X, y, epochs, progress=False):
    """A fresh 64-hidden-10 network trained on (X, y) with the vectorised backend.

    Returns the network and its training history.
    """
    net = ns.Network.layered(
        [64, hidden, 10], activation="relu", output_activation="identity", seed=0
    )
    history = net.fit(
        X,
        ns.datasets.one_hot(y, 10),
        epochs=epochs,
        loss="cross_entropy",
        optimizer=ns.Adam(lr=0.003),
        batch_size=32,
        seed=0,
        backend="vectorized",
        progress=progress,
    )
    return net, history


def accuracy(net, X, y):
    return float((net.predict(X).argmax(axis=1) == y).mean())


search_epochs = 20 if args.quick else 40
print(f"\nvalidation accuracy after {search_epochs} epochs:")
scores = {}
for hidden in (16, 32, 64, 128):
    start = time.perf_counter()
    net, _ = train(hidden, X_fit, y_fit, search_epochs)
    scores[hidden] = accuracy(net, X_val, y_val)
    seconds = time.perf_counter() - start
    print(f"  64-{hidden}-10  {scores[hidden]:.4f}  ({seconds:.1f} s)")
best = max(scores, key=scores.get)

print(f"\nretraining 64-{best}-10 on all {len(X_train)} training images")
net, history = train(best, X_train, y_train, epochs=40, progress=True)
print(net)
print(f"test accuracy: {accuracy(net, X_test, y_test):.4f}")
# The graph holds the trained weights: the object backend gives the same answer.
sample = X_test[:1]
print(f"first test image: label {y_test[0]}, predicted {net.predict(sample).argmax()}")

if (
    args.out
):  # the chosen network (edges thin and translucent at this size) and its loss
    from neurosim import plotting

    plotting.save_figure(
        plotting.draw_network(net).figure, f"{args.out}/digits_network.png", dpi=100
    )
    plotting.save_figure(
        plotting.plot_history(history, log=True)[0].figure,
        f"{args.out}/digits_history.png",
        dpi=80,
    )
    print(f"pictures written to {args.out}/")
