"""
Escaping spurious memories by annealing: Hopfield recall at a temperature
==========================================================================

A Hopfield network storing patterns with the Hebbian rule has more stable
states than memories: *spurious* states such as the majority vote of three
memories (a "mixture"). Deterministic recall (T = 0) only goes downhill, so a
probe that starts near a mixture stays there. At a temperature T > 0 a unit
turns on with probability σ(2·field/T) and the state can climb out of shallow
valleys; cooling slowly to T = 0 (simulated annealing) then settles in a deep
one. Mixture states of three memories stop being stable above T ≈ 0.46,
while the memories themselves last up to T ≈ 1 (Amit, Gutfreund and
Sompolinsky 1985): a schedule starting between the two frees the probe.

Part 1 stores five random 10×10 pictures, probes the network with the
mixtures of every three of them (10 % of the pixels flipped), and counts how
often recall ends in a memory at T = 0 and with annealing, with the energy of
every run over time.

Part 2 is the other half of the lesson, with letters. Annealing finds *deep*
states, and what is deep depends on the learning rule: letters share much of
their background, so under the Hebbian rule the mixture of A, T and X lies
*lower* than each letter, and annealing finds it every time, while T = 0
recall from a noisy letter often keeps the letter. (The pseudo-inverse rule
of ``hopfield_letters.py`` removes that mixture.)

Run: ``python examples/boltzmann_annealing.py [--quick] [--out DIR]``
"""

import argparse
import itertools
import os

import numpy as np

import neurosim as ns
from neurosim.memory import corrupt, overlap

parser = argparse.ArgumentParser(description="Annealing out of spurious states.")
parser.add_argument(
    "--quick", action="store_true", help="fewer probes (for the test suite)"
)
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()
repeats = 2 if args.quick else 5
schedule = np.linspace(0.6, 0.05, 30)  # one temperature per sweep, then T = 0

# ---------------------------------------------------------------- part 1
memories = np.random.default_rng(0).choice([-1, 1], size=(5, 100))
hop = ns.HopfieldNetwork(100)
hop.store(memories, rule="hebbian")


def is_memory(state):
    """A stored pattern or its negation (the Hebbian rule stores both)."""
    return max(abs(overlap(state, m)) for m in memories) == 1.0


runs = {"T = 0": [], "annealed": []}
ended_in_memory = dict.fromkeys(runs, 0)
examples = {}
for k, trio in enumerate(itertools.combinations(range(5), 3)):
    mixture = np.sign(memories[list(trio)].sum(axis=0)).astype(int)
    for repeat in range(repeats):
        seed = 10 * k + repeat
        probe = corrupt(mixture, 0.1, seed=seed)
        for label, temperature in (("T = 0", 0.0), ("annealed", schedule)):
            result = hop.recall(
                probe, seed=seed, temperature=temperature, max_sweeps=300
            )
            runs[label].append(result.energy)
            ended_in_memory[label] += is_memory(result.state)
            examples.setdefault(label, (probe, result.state))

total = len(runs["T = 0"])
print(
    "Part 1: 5 random memories of 100 units (Hebbian); probes: 3-memory mixtures, 10 % noise"
)
print(f"memories' energies: {', '.join(f'{hop.energy(m):.1f}' for m in memories)}")
for label, energies in runs.items():
    final = np.mean([energy[-1] for energy in energies])
    print(
        f"  {label:9s} ended in a memory {ended_in_memory[label]:3d} of {total} times, "
        f"mean final energy {final:6.1f}"
    )

# ---------------------------------------------------------------- part 2
letters = ns.datasets.glyphs("ATX")
patterns = [picture.ravel() for picture in letters.values()]
letter_net = ns.HopfieldNetwork(100)
letter_net.store(patterns, rule="hebbian")
mixture = np.sign(np.sum(patterns, axis=0)).astype(int)
print("\nPart 2: the letters A, T, X (Hebbian)")
print(
    "energies: "
    + ", ".join(
        f"{name} {letter_net.energy(p):.1f}" for name, p in zip(letters, patterns)
    )
    + f", their mixture {letter_net.energy(mixture):.1f} (lower: the deepest state)"
)
letter_counts = {"T = 0": {}, "annealed": {}}
for k in range(6 * repeats):
    probe = corrupt(patterns[k % 3], 0.25, seed=k)
    for label, temperature in (("T = 0", 0.0), ("annealed", schedule)):
        state = letter_net.recall(probe, seed=k, temperature=temperature).state
        name = next(
            (n for n, p in zip(letters, patterns) if np.array_equal(state, p)),
            "mixture" if np.array_equal(state, mixture) else "other",
        )
        letter_counts[label][name] = letter_counts[label].get(name, 0) + 1
for label, counts in letter_counts.items():
    print(f"  {label:9s} from noisy letters, ended in: {counts}")

if args.out:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neurosim import plotting

    os.makedirs(args.out, exist_ok=True)
    ax = plotting.plot_energy_runs(runs, xlabel="single-unit update")
    ax.axhline(
        np.mean([hop.energy(m) for m in memories]), color="k", linestyle=":", lw=1
    )
    ax.set_title("recall from mixtures of three memories: energy of every run")
    plotting.save_figure(ax.figure, os.path.join(args.out, "annealing_energy.png"))
    plt.close(ax.figure)
    probe, stuck = examples["T = 0"]
    _, freed = examples["annealed"]
    fig = plotting.plot_patterns(
        [probe, stuck, freed], (10, 10), titles=["probe", "T = 0", "annealed"]
    )
    plotting.save_figure(fig, os.path.join(args.out, "annealing_states.png"))
    print(f"pictures written to {args.out}/")
