"""Symmetric, recurrent networks: memories and stochastic units.

=====================  ==========================================================
:mod:`.hopfield`       ``HopfieldNetwork``: store patterns, recall them (at a
                       temperature too); ``corrupt``, ``overlap``
:mod:`.units`          what they share: a unit's chance of firing, σ(field/T),
                       and temperature schedules
=====================  ==========================================================

Examples
--------
>>> from neurosim.memory import HopfieldNetwork, corrupt
>>> hop = HopfieldNetwork(8)
>>> hop.store([[1, -1, 1, -1, 1, -1, 1, -1]])
>>> hop.recall(corrupt(hop.patterns[0], 0.25, seed=0), seed=0).state.tolist()
[1, -1, 1, -1, 1, -1, 1, -1]
"""

from . import hopfield, units
from .hopfield import (
    RULES,
    TIE_TOLERANCE,
    HopfieldNetwork,
    RecallResult,
    corrupt,
    overlap,
)

__all__ = [
    "RULES",
    "TIE_TOLERANCE",
    "HopfieldNetwork",
    "RecallResult",
    "corrupt",
    "hopfield",
    "overlap",
    "units",
]
