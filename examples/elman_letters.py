"""
Elman (1990), letter sequences: what a simple recurrent network learns to expect
================================================================================

The second experiment of "Finding structure in time". Consonants b, d, g are
drawn at random and each is followed by its vowels: b → ba, d → dii,
g → guuu. Each letter is a vector of six phonetic features (Elman's Table
2: consonantal, vocalic, interrupted, high, back, voiced). A 6-20-6 simple
recurrent network with 20 context units reads one letter at a time and
predicts the next.

What can be predicted is what Elman's Figs. 4 and 5 show. Which consonant
comes next is random, so the error is high wherever a consonant is to be
predicted, and low for the vowels, which the consonant before them
determines. And *that* a consonant comes is predictable — after one a, two
i's, three u's — so the "consonantal" feature of the next letter is
predicted well even where the letter is not, while the "high" feature,
which tells the consonants apart, is not.

Run: ``python examples/elman_letters.py [--quick] [--out DIR]``
"""

import argparse

import numpy as np

import neurosim as ns

parser = argparse.ArgumentParser(description="Elman's letter sequences.")
parser.add_argument(
    "--quick", action="store_true", help="a short run (the test suite's)"
)
parser.add_argument(
    "--out", nargs="?", const="pictures", metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)  # fmt: skip
args = parser.parse_args()

#: Elman's Table 2: consonantal, vocalic, interrupted, high, back, voiced.
FEATURES = ("consonantal", "vocalic", "interrupted", "high", "back", "voiced")
LETTERS = {
    "b": [1, 0, 1, 0, 0, 1],
    "d": [1, 0, 1, 1, 0, 1],
    "g": [1, 0, 1, 0, 1, 1],
    "a": [0, 1, 0, 0, 1, 1],
    "i": [0, 1, 0, 1, 0, 1],
    "u": [0, 1, 0, 1, 1, 1],
}
SYLLABLES = {"b": "ba", "d": "dii", "g": "guuu"}


def letters(n_consonants: int, rng: np.random.Generator) -> str:
    return "".join(SYLLABLES[c] for c in rng.choice(list("bdg"), n_consonants))


def vectors(text: str) -> np.ndarray:
    return np.array([LETTERS[c] for c in text], dtype=float)


consonants, passes = (300, 30) if args.quick else (1000, 200)
rng = np.random.default_rng(0)
train = letters(consonants, rng)
X = vectors(train)
net = ns.Network.elman(6, 20, 6, seed=0)
net.truncation = 1
print(
    f"A 6-20-6 simple recurrent network (20 context units) on {len(train):,} letters "
    f"({consonants:,} random consonants with their vowels), {passes} passes, an update "
    "at every letter"
)
history = net.fit(
    X[:-1], X[1:], epochs=passes, lr=0.1, loss="sse", steps_per_update=1,
    shuffle=False, backend="vectorized",
)  # fmt: skip
print(f"training error per letter: {history.loss[0]:.3f} → {history.loss[-1]:.3f}")

test = letters(200, np.random.default_rng(1))
T = vectors(test)
squared = (
    net.forward(T[:-1]) - T[1:]
) ** 2  # the error of each prediction, per feature
error = squared.sum(axis=1)
target = np.array(list(test[1:]))
is_consonant = np.isin(target, list("bdg"))
print(
    "On a fresh sequence, the squared error of each prediction, by the letter to come:"
)
for letter in "bdgaiu":
    print(f"  next letter {letter}: {error[target == letter].mean():.3f}")
at_consonants, at_vowels = error[is_consonant].mean(), error[~is_consonant].mean()
print(
    f"mean error predicting a consonant {at_consonants:.3f}, a vowel {at_vowels:.3f} "
    f"({at_consonants / at_vowels:.1f}×): consonants cannot be predicted, vowels can"
)
by_feature = squared.mean(axis=0)
print(
    "mean squared error of each feature of the next letter: "
    + ", ".join(f"{name} {value:.3f}" for name, value in zip(FEATURES, by_feature))
)
print(
    f"the consonantal feature ({by_feature[0]:.3f}) is predicted "
    f"{'better' if by_feature[0] < by_feature[3] else 'worse'} than the high feature "
    f"({by_feature[3]:.3f}): that a consonant comes is known, not which"
)

if args.out:
    import matplotlib.pyplot as plt

    from neurosim import plotting

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True)
    shown = 40
    top.plot(error[:shown], "o-", ms=3, color="tab:red")
    top.set_ylabel("squared error")
    top.set_title("Elman's Fig. 4: the error of each prediction (letter to come below)")
    for name, k, colour in (("consonantal", 0, "tab:blue"), ("high", 3, "tab:orange")):
        bottom.plot(
            squared[:shown, k], "o-", ms=3, color=colour, label=f"{name} feature"
        )
    bottom.set_ylabel("squared error")
    bottom.set_xticks(range(shown), list(test[1 : shown + 1]))
    bottom.legend(fontsize=8, frameon=False)
    bottom.set_title(
        "Fig. 5: the consonantal feature is predicted, the high one is not"
    )
    fig.tight_layout()
    plotting.save_figure(fig, f"{args.out}/elman_letters.png", dpi=80)
