"""Symmetric, recurrent networks: memories and stochastic units.

=====================  ==========================================================
:mod:`.boltzmann`      ``BoltzmannMachine``: stochastic units with hidden ones,
                       the Boltzmann learning rule
:mod:`.exact`          sums over every state of a tiny machine: ``all_states``,
                       ``kl_divergence``, the normalised Boltzmann weights
:mod:`.hopfield`       ``HopfieldNetwork``: store patterns, recall them (at a
                       temperature too); ``corrupt``, ``overlap``
:mod:`.rbm`            ``RBM``: a restricted Boltzmann machine, trained by CD-k
                       or persistent CD
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

from . import boltzmann, exact, hopfield, patterns, rbm, units
from .boltzmann import BoltzmannMachine
from .exact import kl_divergence
from .hopfield import HopfieldNetwork, RecallResult
from .patterns import RULES, corrupt, overlap
from .rbm import RBM
from .units import TIE_TOLERANCE

__all__ = [
    "RBM",
    "RULES",
    "TIE_TOLERANCE",
    "BoltzmannMachine",
    "HopfieldNetwork",
    "RecallResult",
    "boltzmann",
    "corrupt",
    "exact",
    "hopfield",
    "kl_divergence",
    "overlap",
    "patterns",
    "rbm",
    "units",
]
