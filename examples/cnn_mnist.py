"""
MNIST with a convolutional network of neurons: the tutorial's CNN
=================================================================

The from-scratch CNN tutorial on the data set it ends with: 8 feature maps of
3×3 sigmoid convolution neurons over each 28×28 image (every map's 9 kernel
weights and its bias shared by its 676 neurons), 2×2 max pooling, and a dense
softmax layer of 10 — 5,408 convolution neurons, 48,672 convolution
connections, but 80 convolution parameters. It is trained with the
vectorised backend from the four IDX files you downloaded
(``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte``, with or without
``.gz``).

Run: ``python examples/cnn_mnist.py FOLDER [--quick] [--epochs N]``
"""

# The gallery does not run this script (it needs data or processes): its card shows this.
# sphinx_gallery_thumbnail_path = "images/cnn_mnist_grid.png"

import argparse
import math
import sys
import time

import neurosim as ns
from neurosim.layers import Conv, Dense, MaxPool

parser = argparse.ArgumentParser(description="A CNN of neurons on MNIST.")
parser.add_argument("folder", help="the folder holding the four MNIST IDX files")
parser.add_argument("--epochs", type=int, default=3, help="passes over the data")
parser.add_argument(
    "--quick",
    action="store_true",
    help="one epoch on the first 500 training images (used by the test suite)",
)
args = parser.parse_args()

try:
    (X_train, y_train), (X_test, y_test) = ns.datasets.load_mnist(args.folder)
except ns.DataNotFoundError as error:
    sys.exit(f"cnn_mnist.py: {error}")
if args.quick:
    X_train, y_train, args.epochs = X_train[:500], y_train[:500], 1
side = math.isqrt(X_train.shape[1])
if side * side != X_train.shape[1]:
    sys.exit(f"cnn_mnist.py: expected square images, got {X_train.shape[1]} pixels")
print(f"{len(X_train)} training and {len(X_test)} test images of {side}×{side} pixels")

net = ns.Network.convolutional(
    (side, side), [Conv(8, 3, activation="sigmoid"), MaxPool(2), Dense(10)], seed=0
)
print(net)
start = time.perf_counter()
net.fit(
    X_train,
    ns.datasets.one_hot(y_train, 10),
    epochs=args.epochs,
    loss="cross_entropy",
    optimizer=ns.Adam(lr=0.01),
    batch_size=64,
    seed=0,
    backend="vectorized",
    progress=True,
)
print(f"trained {args.epochs} epoch(s) in {time.perf_counter() - start:.1f} s")
accuracy = float((net.compile().predict(X_test).argmax(axis=1) == y_test).mean())
print(f"test accuracy: {accuracy:.4f}")
