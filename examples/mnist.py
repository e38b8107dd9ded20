"""
MNIST: a 784-128-10 softmax network on the real 28×28 handwritten digits
========================================================================

The same recipe as ``digits.py`` on the data set the tutorials end with:
60,000 training and 10,000 test images, read from the four IDX files you
downloaded (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, with or without
``.gz``). The network is built with ``Network.layered`` and trained with the
vectorised backend; a few epochs reach about 97–98 % test accuracy.

Run: ``python examples/mnist.py FOLDER [--quick] [--epochs N]``
"""

# The gallery does not run this script (it needs data or processes): its card shows this.
# sphinx_gallery_thumbnail_path = "images/handwritten_digits.png"

import argparse
import sys
import time

import neurosim as ns

parser = argparse.ArgumentParser(description="A 784-128-10 network on MNIST.")
parser.add_argument("folder", help="the folder holding the four MNIST IDX files")
parser.add_argument("--epochs", type=int, default=5, help="passes over the data")
parser.add_argument(
    "--quick",
    action="store_true",
    help="one epoch on the first 2,000 training images (used by the test suite)",
)
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()

try:
    (X_train, y_train), (X_test, y_test) = ns.datasets.load_mnist(args.folder)
except ns.DataNotFoundError as error:
    sys.exit(f"mnist.py: {error}")
if args.quick:
    X_train, y_train, args.epochs = X_train[:2000], y_train[:2000], 1
print(
    f"{len(X_train)} training and {len(X_test)} test images of {X_train.shape[1]} pixels"
)

net = ns.Network.layered(
    [X_train.shape[1], 128, 10], activation="relu", output_activation="identity", seed=0
)
print(net)
start = time.perf_counter()
history = net.fit(
    X_train,
    ns.datasets.one_hot(y_train, 10),
    epochs=args.epochs,
    loss="cross_entropy",
    optimizer=ns.Adam(lr=0.001),
    batch_size=128,
    seed=0,
    backend="vectorized",
    progress=True,
)
print(f"trained {args.epochs} epoch(s) in {time.perf_counter() - start:.1f} s")
print(f"training loss: {history.loss[-1]:.4f}")
# net.predict would walk 100,000 connections one by one; the compiled copy multiplies.
accuracy = float((net.compile().predict(X_test).argmax(axis=1) == y_test).mean())
print(f"test accuracy: {accuracy:.4f}")

if args.out:  # the loss per epoch
    from neurosim import plotting

    plotting.save_figure(
        plotting.plot_history(history)[0].figure,
        f"{args.out}/mnist_history.png",
        dpi=80,
    )
    print(f"pictures written to {args.out}/")
