"""
A latch: full backpropagation through time learns it, truncated backpropagation cannot
=======================================================================================

Each sequence has two inputs. On the first, a bit (+1 or −1) at the first
step and 0 after; on the second, random ±1 noise at every step. Only at the
last step is there a target: the first bit (as 1 or 0). To answer, the
network must hold the bit for ``gap`` steps while the noise streams in — a
latch.

Full backpropagation through time sends the last step's error back to the
first step, where the bit came in, and the network learns to hold it.
Truncated to one or two steps, the error never gets far enough back for the
recurrent weights to learn to hold anything against the noise: the network
guesses, however long it trains. A window of four steps — still shorter
than the gap — is enough: recurrent weights that learn to hold a value for
three steps hold it for eight. The script trains the same network, from the
same weights, four ways.

Run: ``python examples/latch.py [--quick]``
"""

import argparse

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description="A latch through time.")
parser.add_argument(
    "--quick", action="store_true", help="a short run (the test suite's)"
)
parser.add_argument(
    "--out", nargs="?", const="pictures", metavar="DIR",
    help="write the picture to DIR (./pictures if no DIR is given)",
)  # fmt: skip
args = parser.parse_args()

gap, n = 8, 256
epochs = 150 if args.quick else 400


def sequences(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    bits = rng.choice([-1.0, 1.0], n)
    X = np.zeros((n, gap + 1, 2))
    X[:, 0, 0] = bits
    X[:, :, 1] = rng.choice([-1.0, 1.0], (n, gap + 1))  # the noise
    return X, bits


X, bits = sequences(n, np.random.default_rng(0))
Y = np.full((n, gap + 1, 1), np.nan)  # no target ...
Y[:, -1, 0] = bits > 0  # ... but at the last step
X_test, test_bits = sequences(200, np.random.default_rng(1))

print(f"Remember the first of {gap + 1} inputs until the last step ({n} sequences):")
curves = {}
for truncation in (None, 1, 2, 4):
    net = ns.Network.rnn(2, 8, 1, output_activation="sigmoid", seed=0)
    net.truncation = truncation
    history = net.fit(
        X, Y, epochs=epochs, optimizer=ns.Adam(0.05), loss="bce", batch_size=32,
        seed=0, backend="vectorized",
    )  # fmt: skip
    answers = net.forward(X_test)[:, -1, 0] > 0.5
    accuracy = np.mean(answers == (test_bits > 0))
    how = "full BPTT" if truncation is None else f"truncated to {truncation} step(s)"
    print(
        f"  {how:>24}: loss {history.loss[0]:.3f} → {history.loss[-1]:.3f}, "
        f"{accuracy:.0%} right on 200 new sequences"
    )
    curves[how] = history.loss

if args.out:
    import matplotlib.pyplot as plt

    from neurosim import plotting

    fig, ax = plt.subplots(figsize=(7, 4))
    for how, loss in curves.items():
        ax.plot(loss, label=how)
    ax.axhline(np.log(2), color="0.6", ls=":", label="guessing (log 2)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss at the last step (bce)")
    ax.set_title(f"holding a bit for {gap} steps through noise")
    ax.legend(fontsize=8, frameon=False)
    plotting.save_figure(fig, f"{args.out}/latch.png", dpi=80)
