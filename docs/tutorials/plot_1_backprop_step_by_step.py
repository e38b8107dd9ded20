"""
Backpropagation step by step
============================

Matt Mazur's classic worked example — two inputs, two hidden and two output
sigmoid neurons — built neuron by neuron, with every number of one forward
pass, the loss, the backward pass and the update, as neurosim computes and
stores them.
"""

import neurosim as ns
from neurosim import plotting

net = ns.Network()
for name in ("i1", "i2"):
    net.add_input(name)
for name in ("h1", "h2"):
    net.add_neuron(name, activation="sigmoid", bias=0.35)
for name in ("o1", "o2"):
    net.add_output(name, activation="sigmoid", bias=0.60)
for source, target, weight in [
    ("i1", "h1", 0.15), ("i2", "h1", 0.20), ("i1", "h2", 0.25), ("i2", "h2", 0.30),
    ("h1", "o1", 0.40), ("h2", "o1", 0.45), ("h1", "o2", 0.50), ("h2", "o2", 0.55),
]:  # fmt: skip
    net.connect(source, target, weight=weight)

# %%
# One training step, explained. The loss is ``sse`` (½ Σ (y − t)², the classic
# backpropagation error), the learning rate 0.5 — Mazur's choices, so every
# number below can be checked against his post.

print(net.explain([0.05, 0.10], [0.01, 0.99], loss="sse", lr=0.5))

# %%
# The same pass as a picture: each neuron coloured by its delta
# (∂L/∂net), each connection by the sign and size of its weight.

net.forward([0.05, 0.10])
net.backward([0.01, 0.99], loss="sse")
plotting.draw_network(net, values="delta")

# %%
# And the analytic gradients against finite differences:

print(ns.gradcheck(net, [0.05, 0.10], [0.01, 0.99], loss="sse"))
