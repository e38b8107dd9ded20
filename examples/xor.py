"""
A 2-4-1 sigmoid network learns XOR by online backpropagation
============================================================

XOR is the problem a single neuron cannot solve: no straight line separates
(0, 1) and (1, 0) from (0, 0) and (1, 1). With one hidden layer of four
sigmoid neurons, online gradient descent on the mean squared error learns it.
The script prints the loss as training goes, then the predictions.

Run: ``python examples/xor.py [--quick]``
"""

import argparse

import neurosim as ns

parser = argparse.ArgumentParser(description="A 2-4-1 network learns XOR.")
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
net = ns.Network.layered([2, 4, 1], activation="sigmoid", seed=0)
print(net)

epochs = 500 if args.quick else 3000
history = net.fit(X, Y, epochs=epochs, lr=0.5, loss="mse", batch_size=1, seed=0)
# Epochs count from 1, as in History and `neurosim demo`: history.loss[0] is epoch 1.
for epoch in [1, *range(epochs // 10, epochs + 1, epochs // 10)]:
    print(f"epoch {epoch:5d}  loss {history.loss[epoch - 1]:.5f}")

print("\n x1  x2  target  prediction")
for x, y, p in zip(X, Y, net.predict(X)):
    print(f"{x[0]:3.0f} {x[1]:3.0f}  {y[0]:6.0f}  {p[0]:10.4f}")

if args.out:  # pictures: the network, its decision regions, each neuron's map, the loss
    from neurosim import plotting

    plotting.save_figure(
        plotting.draw_network(net).figure, f"{args.out}/xor_network.png", dpi=100
    )
    regions = plotting.plot_decision_boundary(net, X, Y).figure
    plotting.save_figure(regions, f"{args.out}/xor_regions.png", dpi=100)
    maps = plotting.plot_neuron_maps(net, extent=(-0.5, 1.5, -0.5, 1.5))
    plotting.save_figure(maps, f"{args.out}/xor_neuron_maps.png", dpi=80)
    history_axes = plotting.plot_history(history, log=True)
    plotting.save_figure(history_axes[0].figure, f"{args.out}/xor_history.png", dpi=80)
    print(f"\npictures written to {args.out}/")
