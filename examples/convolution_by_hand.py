"""
Convolution by hand: one 4×4 image, one 2×2 kernel, neuron by neuron
====================================================================

A convolution is a grid of neurons that all use the same few weights. Here a
2×2 kernel slides over a 4×4 image: nine convolution neurons, each connected
to its 2×2 patch by four connections — 36 connections, but only four kernel
weights and one bias. A 2×2 max-pooling neuron then keeps the largest of the
top-left four, and one output neuron reads it.

The trace shows every number: each convolution neuron's weighted sum, which
input won the max, the delta that goes back only to that winner — and each
kernel weight's gradient as the sum of the gradients of the nine
connections that share it.

Run: ``python examples/convolution_by_hand.py [--quick]``
"""

import argparse

import numpy as np

import neurosim as ns
from neurosim.layers import Conv, Dense, MaxPool

parser = argparse.ArgumentParser(description="A convolution traced neuron by neuron.")
parser.add_argument("--quick", action="store_true", help="the same (it is instant)")
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()

net = ns.Network.convolutional(
    (4, 4), [Conv(1, 2, activation="identity"), MaxPool(2), Dense(1)], seed=0
)
image = np.array(
    [[1.0, 0.0, 2.0, 1.0],
     [0.0, 1.0, 1.0, 0.0],
     [2.0, 1.0, 0.0, 1.0],
     [1.0, 0.0, 1.0, 2.0]]
)  # fmt: skip
# The kernel, set by hand through any connection that uses it.
kernel = [[1.0, -1.0], [0.5, 2.0]]
for dy in range(2):
    for dx in range(2):
        net.connection(f"x[{dy},{dx}]", "conv1[0,0,0]").weight = kernel[dy][dx]
net.connection("maxpool1[0,0,0]", "y1").weight = 1.0
print(net)
print(f"image:\n{image}\nkernel:\n{np.array(kernel)}\n")

net.forward(image.ravel())
feature_map = np.array(
    [[net[f"conv1[0,{r},{c}]"].output for c in range(3)] for r in range(3)]
)
print(f"the feature map (each entry one neuron):\n{feature_map}\n")

print("one step, neuron by neuron (target 0, loss sse):")
for step in net.trace(image.ravel(), target=[0.0], loss="sse"):
    text = str(step)
    # The convolution neurons' forward lines, the pooling, the output, and
    # the shared kernel gradients tell the story; the rest is in net.explain.
    if step.kind in ("net", "shared_grad") or "maxpool" in text.split("=")[0]:
        print("  " + text)

if args.out:  # the kernel sliding over the image, one frame per feature-map neuron
    from neurosim import plotting

    anim = plotting.animate_convolution(net, image.ravel())
    plotting.save_animation(anim, f"{args.out}/convolution.gif", fps=1.5)
    print(f"\npictures written to {args.out}/")
