"""
Hopfield recall
===============

Store letters in a 100-neuron Hopfield network, corrupt one, and watch the
network settle back into it one neuron at a time while its energy falls.
"""

import numpy as np

import neurosim as ns
from neurosim import plotting
from neurosim.memory import corrupt, overlap

letters = ns.datasets.glyphs("AEHT")
patterns = np.array([picture.ravel() for picture in letters.values()])
plotting.plot_patterns(patterns, (10, 10), titles=list(letters))

# %%
# The projection (pseudo-inverse) rule stores these correlated pictures
# cleanly; the Hebbian rule would mix them up (see the capacity example).

hop = ns.HopfieldNetwork(100)
hop.store(patterns, rule="pseudoinverse")
plotting.plot_weights(hop)

# %%
# Flip a quarter of the pixels of "A" and let the neurons update
# asynchronously, in a random order each sweep. The energy never rises.

probe = corrupt(patterns[0], 0.25, seed=0)
result = hop.recall(probe, seed=0, record_states=True)
print(f"converged: {result.converged} after {result.sweeps} sweeps")
print(
    f"overlap with A: before {overlap(probe, patterns[0]):.2f}, after {overlap(result.state, patterns[0]):.2f}"
)
print("energy never rose:", bool(np.all(np.diff(result.energy) <= 0)))
plotting.plot_recall(result, (10, 10))
