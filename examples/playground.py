"""
Train it live: TensorFlow Playground's page, with neurosim's numbers
====================================================================

The live training page draws Playground's data sets, trains while you watch
and shows every neuron's picture of the input plane. Its numbers are the
library's: ``ns.datasets.playground`` draws exactly the points the page
draws, and the page's training is ``fit``'s, update for update.

This script trains a 4-8-8-1 tanh network (inputs x₁, x₂, sin x₁, sin x₂) on
Playground's spiral in Python, with L2 regularisation, then opens the trained
network in the page, where it goes on training: press Play. Hover over a
neuron or a connection for its formula with the current numbers; Download
gives the network back as neurosim JSON (``ns.load`` reads it).

Run: ``python examples/playground.py [--quick] [--out DIR]`` (``--out`` writes
DIR/playground.html, a single file that opens anywhere, offline).
"""

import argparse
from pathlib import Path

import neurosim as ns

parser = argparse.ArgumentParser(description="Train in Python, go on in the page.")
parser.add_argument(
    "--quick", action="store_true", help="a short run (used by the test suite)"
)
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the page to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()

# %%
# The page's spiral: 500 points, the first half trains (Playground's 50 %).
# The features are computed from the two coordinates, as the page does.

features = ["x1", "x2", "sin(x1)", "sin(x2)"]
X, Y = ns.datasets.playground("spiral", 500, noise=0, seed=0)
inputs = ns.datasets.playground_features(X, features)
train, test = slice(0, 250), slice(250, None)

net = ns.Network.layered([4, 8, 8, 1], activation="tanh", init="xavier_uniform", seed=0)
epochs = 20 if args.quick else 300
history = net.fit(
    inputs[train], Y[train], epochs=epochs, lr=0.03, batch_size=10,
    l2=0.001, seed=0, validation_data=(inputs[test], Y[test]),
)  # fmt: skip
for epoch in [1, *range(epochs // 5, epochs + 1, epochs // 5)]:
    print(
        f"epoch {epoch:4d}  train loss {history.loss[epoch - 1]:.4f}"
        f"  test loss {history.val_loss[epoch - 1]:.4f}"
    )
right = (net.predict(inputs[test])[:, 0] > 0) == (Y[test, 0] > 0)
print(f"test points on the right side: {right.mean():.1%}")

# %%
# The same network, weights and all, in the page. The page starts where
# Python stopped; its first epoch there is what ``fit`` would do next with
# ``seed=0``.

page = net.playground(
    dataset="spiral", features=features, lr=0.03, regularization="l2",
    regularization_rate=0.001, seed=0,
)  # fmt: skip
print(repr(page))
if args.out:
    Path(args.out).mkdir(parents=True, exist_ok=True)
    page.save(Path(args.out) / "playground.html")
    print(f"wrote {Path(args.out) / 'playground.html'}")
# In Jupyter, or the documentation, the page shows itself, live:
page  # noqa: B018
