"""
The classic BPNN tutorial: XOR with a 2-5-1 network and the "correction" rule
=============================================================================

The per-neuron back-propagation tutorial (``bpnn.py``) trains XOR online, in
the order of the patterns, with the error ½ Σ (t − y)² (neurosim's ``sse``)
and the update

    w ← w − N·∂L/∂w(t) − M·∂L/∂w(t−1)

with learning rate N = 0.05 and correction factor M = 0.1: the *raw previous
gradient* is added, which is what :class:`neurosim.Correction` does. It is
not the momentum of :class:`neurosim.Momentum`, which carries the previous
*update* (already scaled by N): with these settings the correction term is
twice the gradient term, the momentum term a twentieth of it. The weights
start as in the tutorial: uniform in [-0.2, 0.2] into the hidden neurons
(and their biases), in [-2, 2] into the output. One difference: the
tutorial's output neuron has no bias; here it has one, starting at 0 and
trained.

The script trains the tutorial's network for 10,000 epochs and prints its
predictions; without ``--quick`` it also counts, over five seeds, how often
the tutorial's rule and plain momentum with the same numbers learn XOR
(every output within 0.2 of its target).

Run: ``python examples/bpnn_xor.py [--quick] [--out DIR]`` (``--out`` draws
both rules' loss curves from the same start).
"""

import argparse

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description="XOR with the BPNN tutorial's rule.")
parser.add_argument(
    "--quick", action="store_true", help="one seed only (used by the test suite)"
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


def tutorial_network(seed):
    """2-5-1 sigmoid neurons with the tutorial's starting weights."""
    rng = np.random.default_rng(seed)
    net = ns.Network.layered([2, 5, 1], activation="sigmoid", seed=seed)
    for connection in net.connections:
        limit = 2.0 if connection.target.role == "output" else 0.2
        connection.weight = float(rng.uniform(-limit, limit))
    for neuron in net.hidden:
        neuron.bias = float(rng.uniform(-0.2, 0.2))
    return net


def train(net, optimizer, histories=None):
    # Online, patterns in order, 10,000 epochs: as the tutorial trains.
    history = net.fit(
        X,
        Y,
        epochs=10_000,
        optimizer=optimizer,
        loss="sse",
        batch_size=1,
        shuffle=False,
        backend="vectorized",
    )
    if histories is not None:
        histories[repr(optimizer)] = history
    return bool(np.all(np.abs(net.predict(X) - Y) < 0.2))


histories = {}
net = tutorial_network(seed=0)
learned = train(net, ns.Correction(lr=0.05, correction=0.1), histories)
print(
    "the tutorial's network after 10,000 epochs with Correction(lr=0.05, correction=0.1):"
)
for x, y, p in zip(X, Y, net.predict(X)):
    print(f"  {x.astype(int).tolist()} -> {p[0]:.4f}   (target {y[0]:.0f})")
print("learned XOR" if learned else "did not learn XOR")

if not args.quick:
    print("\nlearned XOR, out of 5 seeds:")
    for name, make in [
        ("Correction(lr=0.05, correction=0.1)", lambda: ns.Correction(0.05, 0.1)),
        ("Momentum(lr=0.05, momentum=0.1)   ", lambda: ns.Momentum(0.05, 0.1)),
    ]:
        wins = sum(train(tutorial_network(seed), make()) for seed in range(5))
        print(f"  {name}  {wins} of 5")

if args.out:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neurosim import plotting

    # The same start, plain momentum with the same numbers, for comparison.
    train(tutorial_network(seed=0), ns.Momentum(lr=0.05, momentum=0.1), histories)
    fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
    for name, history in histories.items():
        ax.plot(np.arange(1, len(history.loss) + 1), history.loss, label=name)
    ax.set(xlabel="epoch", ylabel="loss (sse)", yscale="log",
           title="XOR from the tutorial's start: its correction rule vs momentum")  # fmt: skip
    ax.legend(frameon=False, fontsize=8)
    plotting.save_figure(fig, f"{args.out}/bpnn_xor_loss.png")
    print(f"\npictures written to {args.out}/")
