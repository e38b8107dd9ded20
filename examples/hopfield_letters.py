"""
A Hopfield network remembers letters and recalls them from noisy pictures
=========================================================================

Eight 10×10 letters are stored in a 100-neuron Hopfield network. Each letter
is then corrupted (25 % of its pixels flipped) and the network settles, one
neuron at a time, walking its graph. The script prints the probe next to what
the network recalled and names the memory it landed in — or says it is a
spurious state, a valley of the energy that is no stored letter.

The letters share most of their paper, so they are strongly correlated: the
Hebbian rule (capacity ≈ 0.138 n for *random* patterns) mixes them up, while
the projection (pseudo-inverse) rule stores them cleanly. The last lines
compare the three rules.

Run: ``python examples/hopfield_letters.py [--quick] [--rule RULE]``
"""

import argparse

import numpy as np

import neurosim as ns
from neurosim.memory import corrupt, overlap

parser = argparse.ArgumentParser(description="Store letters, recall them from noise.")
parser.add_argument("--rule", default="pseudoinverse", choices=ns.memory.RULES)
parser.add_argument(
    "--noise", type=float, default=0.25, help="fraction of pixels flipped"
)
parser.add_argument(
    "--quick", action="store_true", help="four letters only (used by the test suite)"
)
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()

letters = ns.datasets.glyphs("AEHT" if args.quick else None)
patterns = np.array([picture.ravel() for picture in letters.values()])
hop = ns.HopfieldNetwork(100)
hop.store(patterns, rule=args.rule)
print(hop)


def picture(state):
    return [
        "".join("#" if v > 0 else "." for v in row) for row in state.reshape(10, 10)
    ]


def memory_of(state):
    """The stored letter (or its negative) the state equals, else a description."""
    for name, pattern in zip(letters, patterns):
        if np.array_equal(state, pattern):
            return name
        if np.array_equal(state, -pattern):
            return f"the negative of {name} (also a valley of the energy)"
    best = max(letters, key=lambda name: overlap(state, letters[name].ravel()))
    similarity = overlap(state, letters[best].ravel())
    return f"a spurious state (closest: {best}, overlap {similarity:.2f})"


for k, (name, pattern) in enumerate(zip(letters, patterns)):
    probe = corrupt(pattern, args.noise, seed=k)
    result = hop.recall(probe, seed=k)
    print(
        f"\n{name} with {args.noise:.0%} noise -> {memory_of(result.state)}  "
        f"({result.sweeps} sweeps, energy {result.energy[0]:.1f} -> {result.energy[-1]:.1f})"
    )
    print("   probe          recalled")
    for left, right in zip(picture(probe), picture(result.state)):
        print(f"   {left}     {right}")

print("\nletters recalled exactly, by rule:")
for rule in ns.memory.RULES:
    other = ns.HopfieldNetwork(100)
    other.store(patterns, rule=rule)
    recalled = sum(
        np.array_equal(other.recall(corrupt(p, args.noise, seed=k), seed=k).state, p)
        for k, p in enumerate(patterns)
    )
    print(f"  {rule:<14} {recalled} of {len(patterns)}")

if args.out:  # the stored letters, the weights, and the recall of the first letter
    from neurosim import plotting

    stored = plotting.plot_patterns(patterns, (10, 10), titles=list(letters))
    plotting.save_figure(stored, f"{args.out}/hopfield_letters.png", dpi=80)
    plotting.save_figure(
        plotting.plot_weights(hop).figure, f"{args.out}/hopfield_weights.png", dpi=80
    )
    first = hop.recall(
        corrupt(patterns[0], args.noise, seed=0), seed=0, record_states=True
    )
    plotting.save_figure(
        plotting.plot_recall(first, (10, 10)), f"{args.out}/hopfield_recall.png", dpi=80
    )
    print(f"\npictures written to {args.out}/")
