"""Symmetric, recurrent networks: memories and stochastic units.

=========================  ======================================================
:mod:`.hopfield`           ``HopfieldNetwork``: store patterns, read its numbers
:mod:`.recall`             its recall, one unit at a time or all at once, at a
                           temperature too; ``RecallResult``
:mod:`.patterns`           the storage rules (Hebb, Storkey, pseudo-inverse);
                           ``corrupt``, ``overlap``
:mod:`.boltzmann`          ``BoltzmannMachine``: stochastic units with hidden
                           ones, the Boltzmann learning rule
:mod:`.rbm`                ``RBM``: a restricted Boltzmann machine
:mod:`.rbm_training`       its training by CD-k or persistent CD
:mod:`.exact`              sums over every state of a tiny machine:
                           ``all_states``, ``kl_divergence``, exact statistics
:mod:`.units`              what they share: a unit's chance of firing,
                           σ(field/T), the one T = 0 rule, the energy
=========================  ======================================================

Examples
--------
>>> from neurosim.memory import HopfieldNetwork, corrupt
>>> hop = HopfieldNetwork(8)
>>> hop.store([[1, -1, 1, -1, 1, -1, 1, -1]])
>>> hop.recall(corrupt(hop.patterns[0], 0.25, seed=0), seed=0).state.tolist()
[1, -1, 1, -1, 1, -1, 1, -1]
"""

from . import boltzmann, exact, hopfield, patterns, rbm, recall, units
from .boltzmann import BoltzmannMachine
from .exact import kl_divergence
from .hopfield import HopfieldNetwork
from .patterns import RULES, corrupt, overlap
from .rbm import RBM
from .recall import RecallResult
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
    "recall",
    "units",
]
