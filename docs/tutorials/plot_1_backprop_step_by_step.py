"""
Backpropagation step by step
============================

Matt Mazur's classic worked example — two inputs, two hidden and two output
sigmoid neurons, built neuron by neuron in ``ns.datasets.mazur_example`` —
with every number of one forward pass, the loss, the backward pass and the
update, as neurosim computes and stores them.
"""

import neurosim as ns
from neurosim import plotting

net, x, target = ns.datasets.mazur_example()
print(net.summary())

# %%
# One training step, explained. The loss is ``sse`` (½ Σ (y − t)², the classic
# backpropagation error), the learning rate 0.5 — Mazur's choices, so every
# number below can be checked against his post.

print(net.explain(x, target, loss="sse", lr=0.5))

# %%
# The same step as a page to click through: Next and Previous (or the arrow
# keys) light up each neuron and connection with its formula and numbers;
# change any input, weight or the learning rate in the table and every number
# follows. ``page.save("step.html")`` writes it as one file that opens
# anywhere, offline.

net.explain(x, target, loss="sse", lr=0.5, format="html")

# %%
# The same pass as a picture: each neuron coloured by its delta
# (∂L/∂net), each connection by the sign and size of its weight.

net.forward(x)
net.backward(target, loss="sse")
plotting.draw_network(net, values="delta")

# %%
# And the analytic gradients against finite differences:

print(ns.gradcheck(net, x, target, loss="sse"))

# %%
# Mazur then repeats the step 10,000 times with the biases held fixed. In
# neurosim that is one call to ``freeze``: the biases' gradients are still
# computed (and shown by ``explain``), but no update changes them. The error
# at the start of the 10,000th step is his published 0.0000351085.

net, x, target = ns.datasets.mazur_example()
net.freeze(biases=True)
history = net.fit([x], [target], epochs=10_000, lr=0.5, loss="sse", shuffle=False)
print(f"error: {history.loss[-1]:.10f}   (Mazur: 0.0000351085)")
print([neuron.bias for neuron in net.neurons if not neuron.is_input])
plotting.plot_history(history, log=True)
