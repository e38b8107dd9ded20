"""
One sigmoid neuron learns to tell sex from weight and height
============================================================

The toy problem of the classic "introduction to neural networks" tutorial:
four people, two preprocessed features (weight − 135 lb, height − 66 in), and
the target 1 for female, 0 for male. A single neuron with two inputs is
trained by online stochastic gradient descent on the mean squared error; the
loss is printed every 10 epochs, then the neuron judges two new people.

Run: ``python examples/single_neuron.py [--quick]``
"""

import argparse

import neurosim as ns

parser = argparse.ArgumentParser(
    description="One sigmoid neuron on the height/weight toy set."
)
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

X, Y = ns.datasets.height_weight()
print("people (weight - 135 lb, height - 66 in) -> female?")
for name, x, y in zip(["Alice", "Bob", "Charlie", "Diana"], X, Y):
    print(f"  {name:8} {x} -> {y[0]:.0f}")

# One neuron: output = sigmoid(w1 * weight + w2 * height + bias).
net = ns.Network(init="normal", seed=0)
net.add_input("weight")
net.add_input("height")
net.add_output("female", activation="sigmoid")
net.connect("weight", "female")
net.connect("height", "female")
print(
    f"\nstart: w = {[round(c.weight, 3) for c in net.connections]}, bias = {net['female'].bias}"
)

epochs = 100 if args.quick else 1000
history = net.fit(X, Y, epochs=epochs, lr=0.1, loss="mse", batch_size=1, seed=0)
# Epochs count from 1, as in History: history.loss[0] is epoch 1.
for epoch in range(10, epochs + 1, 10):
    print(f"epoch {epoch:4d}  loss {history.loss[epoch - 1]:.4f}")

print(
    f"\nlearned: w = {[round(c.weight, 3) for c in net.connections]}, "
    f"bias = {net['female'].bias:.3f}"
)
for name, weight_lb, height_in in [("Emily", 128, 63), ("Frank", 155, 68)]:
    p = net.predict([weight_lb - 135, height_in - 66])[0]
    print(f"{name}: {weight_lb} lb, {height_in} in -> P(female) = {p:.3f}")

if args.out:  # the loss falling and the line the neuron draws between the classes
    from neurosim import plotting

    plotting.save_figure(
        plotting.plot_history(history)[0].figure,
        f"{args.out}/single_neuron_history.png",
        dpi=80,
    )
    regions = plotting.plot_decision_boundary(net, X, Y).figure
    plotting.save_figure(regions, f"{args.out}/single_neuron_regions.png", dpi=80)
    print(f"pictures written to {args.out}/")
