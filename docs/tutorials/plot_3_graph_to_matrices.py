"""
From graph to matrices
======================

The object backend walks the graph neuron by neuron; the vectorised backend
compiles the same graph into weight matrices — one block per topological
level and activation — and gives the same numbers at numpy speed.
"""

import time

import numpy as np

import neurosim as ns

# %%
# A layered MLP compiles into one dense matrix product per layer.

mlp = ns.Network.layered(
    [64, 32, 10], activation="relu", output_activation="identity", seed=0
)
cnet = mlp.compile()
print(cnet)
for block in cnet.blocks:
    print(" ", block)

# %%
# Any DAG compiles: here a skip connection and two activations in one level.
# Sources that are not a whole earlier layer are gathered, and a partially
# connected block carries a mask.

net = ns.Network(seed=0)
net.add_input("x1")
net.add_input("x2")
net.add_neuron("a", activation="tanh")
net.add_neuron("b", activation="relu")
net.add_output("y", activation="sigmoid")
for source, target in [
    ("x1", "a"),
    ("x2", "a"),
    ("x2", "b"),
    ("a", "y"),
    ("b", "y"),
    ("x1", "y"),
]:
    net.connect(source, target)
for block in net.compile().blocks:
    print(
        block, "mask:", None if block.mask is None else block.mask.astype(int).tolist()
    )

# %%
# Same numbers: outputs and gradients agree to float64 round-off.

X = np.random.default_rng(0).uniform(-1, 1, size=(5, 2))
compiled = net.compile()
print("largest output difference:", np.abs(net.forward(X) - compiled.forward(X)).max())

# %%
# Numpy speed: one epoch on the digits, both backends, same schedule.

X, labels = ns.datasets.load_digits()
Y = ns.datasets.one_hot(labels, 10)
for backend in ("object", "vectorized"):
    model = ns.Network.layered(
        [64, 32, 10], activation="relu", output_activation="identity", seed=0
    )
    start = time.perf_counter()
    history = model.fit(
        X,
        Y,
        epochs=1,
        lr=0.1,
        loss="cross_entropy",
        batch_size=32,
        seed=0,
        backend=backend,
    )
    print(
        f"{backend:>10}: {time.perf_counter() - start:6.3f} s, loss {history.loss[0]:.10f}"
    )
