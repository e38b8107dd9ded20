"""The embedded Reber grammar of examples/reber.py: the generator, the targets, the criterion.

Independent truth: Reber's automaton written again here as a table of
transitions, and the possible next symbols counted from thousands of
generated strings with the same prefix.
"""

import importlib.util
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

PATH = Path(__file__).resolve().parents[1] / "examples" / "reber.py"
spec = importlib.util.spec_from_file_location("reber_example", PATH)
reber = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reber)

# Reber (1967), as drawn: (state, symbol) -> next state; "end" after the last one.
TABLE = {
    ("start", "T"): "s1", ("start", "P"): "s2",
    ("s1", "S"): "s1", ("s1", "X"): "s3",
    ("s2", "T"): "s2", ("s2", "V"): "s4",
    ("s3", "X"): "s2", ("s3", "S"): "end",
    ("s4", "P"): "s3", ("s4", "V"): "end",
}  # fmt: skip


def accepts(inner: str) -> bool:
    """Whether ``inner`` (B … E) is a string of the Reber grammar, by the table."""
    if len(inner) < 3 or inner[0] != "B" or inner[-1] != "E":
        return False
    state = "start"
    for symbol in inner[1:-1]:
        state = TABLE.get((state, symbol))
        if state is None:
            return False
    return state == "end"


@pytest.fixture(scope="module")
def strings():
    rng = np.random.default_rng(0)
    return [reber.embedded_reber_string(rng) for _ in range(4000)]


def test_every_string_is_embedded_reber_and_every_transition_and_branch_occurs(strings):
    used = set()
    for s in strings:
        assert s[0] == "B" and s[-1] == "E" and s[1] in "TP" and s[-2] == s[1]
        assert accepts(s[2:-2]), s
        state = "start"
        for symbol in s[3:-3]:
            used.add((state, symbol))
            state = TABLE[(state, symbol)]
    assert used == set(TABLE)
    assert {s[1] for s in strings} == {"T", "P"}
    assert set("".join(strings)) == set(reber.SYMBOLS) == set("BTPSXVE")


def test_the_targets_are_the_symbols_seen_to_follow_each_prefix(strings):
    seen, count = defaultdict(set), defaultdict(int)
    for s in strings:
        for t in range(1, len(s)):
            seen[s[:t]].add(s[t])
            count[s[:t]] += 1
    compared = 0
    for s in strings[:500]:
        allowed = reber.next_symbols(s)
        assert len(allowed) == len(s) - 1
        for t, symbols in enumerate(allowed):
            prefix = s[: t + 1]
            assert seen[prefix] <= symbols, (s, t)  # nothing seen that is not allowed
            if count[prefix] >= 40:  # both of two choices seen, but with chance 2^-39
                assert symbols == seen[prefix], (s, t)
                compared += 1
    assert compared > 2000
    # The penultimate step: only the branch symbol, which only memory can give.
    assert all(reber.next_symbols(s)[-2] == {s[1]} for s in strings)


def test_local_coding_and_the_success_criterion():
    s = "BTBTXSETE"
    X, Y = reber.encode(s)
    assert X.shape == Y.shape == (len(s) - 1, 7)
    np.testing.assert_array_equal(X.sum(axis=1), 1.0)
    assert [reber.SYMBOLS[i] for i in X.argmax(axis=1)] == list(s[:-1])
    assert Y[0].tolist() == [0, 1, 1, 0, 0, 0, 0]  # after B: T or P
    good = Y * 0.9 + 0.05
    assert reber.predicted(good, Y)
    bad = good.copy()
    bad[0, 3] = 0.99  # S more active than T and P after B
    assert not reber.predicted(bad, Y)
