"""
A convolutional network of neurons on the 8×8 digits, against the best MLP
==========================================================================

The from-scratch CNN tutorial's network, built neuron by neuron: a layer of
3×3 convolution neurons (12 feature maps, 'same' padding, ReLU) whose
connections share each map's nine kernel weights and its bias, a 2×2
max-pooling layer (each pooling neuron passes its delta back to the input
that won), and a dense softmax layer. It is an ordinary ``Network`` — every
neuron and connection can be inspected — trained with the vectorised backend.

It is compared, on the same 80/20 split, with the MLP that
``examples/digits.py`` chooses (64-64-10): accuracy and parameter count.

Run: ``python examples/cnn_digits.py [--quick]``
"""

import argparse
import time

import neurosim as ns
from neurosim.layers import Conv, Dense, MaxPool

parser = argparse.ArgumentParser(description="A CNN of neurons on the 8x8 digits.")
parser.add_argument(
    "--quick", action="store_true", help="the same run (it takes seconds)"
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
Y_train = ns.datasets.one_hot(y_train, 10)


def test_accuracy(net):
    return float((net.predict(X_test).argmax(axis=1) == y_test).mean())


start = time.perf_counter()
cnn = ns.Network.convolutional(
    (8, 8), [Conv(12, 3, padding="same"), MaxPool(2), Dense(10)], seed=0
)
print(f"CNN: {cnn}")
kernel = cnn.connection("x[0,0]", "conv1[0,1,1]").parameter
print(
    f"the weight x[0,0] -> conv1[0,1,1] is {kernel.name}, shared by "
    f"{len(kernel.users)} connections"
)
cnn.fit(
    X_train, Y_train, epochs=40, loss="cross_entropy", optimizer=ns.Adam(lr=0.01),
    batch_size=32, seed=0, backend="vectorized",
)  # fmt: skip
cnn_accuracy, cnn_seconds = test_accuracy(cnn), time.perf_counter() - start

start = time.perf_counter()
mlp = ns.Network.layered(
    [64, 64, 10], activation="relu", output_activation="identity", seed=0
)
mlp.fit(
    X_train, Y_train, epochs=40, loss="cross_entropy", optimizer=ns.Adam(lr=0.003),
    batch_size=32, seed=0, backend="vectorized",
)  # fmt: skip
mlp_accuracy, mlp_seconds = test_accuracy(mlp), time.perf_counter() - start

print(
    f"\n{'':12}{'parameters':>12}{'connections':>13}{'test accuracy':>15}{'seconds':>9}"
)
for name, net, accuracy, seconds in [
    ("CNN", cnn, cnn_accuracy, cnn_seconds),
    ("MLP 64-64-10", mlp, mlp_accuracy, mlp_seconds),
]:
    print(
        f"{name:12}{net.n_parameters:12,}{len(net.connections):13,}"
        f"{accuracy:15.4f}{seconds:9.1f}"
    )

if args.out:  # the learned kernels, and the feature maps of one test image
    from neurosim import plotting

    plotting.save_figure(
        plotting.plot_kernels(cnn), f"{args.out}/cnn_kernels.png", dpi=90
    )
    maps = plotting.plot_feature_maps(cnn, X_test[0])
    plotting.save_figure(maps, f"{args.out}/cnn_feature_maps.png", dpi=90)
    print(f"\npictures written to {args.out}/")
