"""Save and load networks as JSON; export to networkx graphs and GraphML.

The file format is versioned, human-readable JSON: indented, or past
``INDENT_UP_TO`` (10,000) entries compact on one line, a network's
connections written a batch at a time — json's indenting encoder is pure
Python, a minute for 10⁶ connections; both load the same. Floats are
written with Python's shortest round-tripping representation, so a loaded
network has bit-identical weights. Files are written atomically (to a temporary file
beside the target, then renamed), so a crash mid-save never leaves a
half-written file under the real name; a symlink is followed, the target's
permissions are kept, and temporaries stranded by a killed save are removed
by the next save of the same file (see :mod:`neurosim._files`). Loading only parses JSON — nothing is
unpickled or evaluated — and validates every field, raising
:class:`~neurosim.errors.FormatError` that names the problem and where it is.

A ``Network`` file::

    {"format": "neurosim", "version": 1, "kind": "Network",
     "settings": {"init": "xavier"},
     "neurons": [{"name": "x1", "role": "input"},
                 {"name": "y", "role": "output", "activation": "sigmoid", "bias": 0.1}],
     "connections": [{"source": "x1", "target": "y", "weight": 0.5}]}

A weight or bias shared by several entries carries the same ``"shared"``
key in each (``"bias_shared"`` for a bias); a frozen one ``"trainable":
false``. Since version 3 an optional ``"parameters"`` object holds what the
entries alone do not tell: ``"order"``, the place in ``net.parameters`` of
each parameter in the order a loader creates them (biases neuron by neuron,
then weights connection by connection; left out when the two agree), so a
``parameter_vector()`` taken before saving fits the loaded network; and
``"names"``, the names given to parameters (a convolution kernel's). A key
given twice, or one the format does not have, is an error, never ignored.

A ``HopfieldNetwork`` file holds ``states``, ``neurons`` (names),
``thresholds``, ``rule``, ``patterns`` and the full ``weights`` matrix. An
``RBM`` file holds ``visible`` and ``hidden`` (names), ``weights`` (one row
per hidden unit), ``visible_bias`` and ``hidden_bias``; a
``BoltzmannMachine`` file ``n_visible``, ``n_hidden``, the symmetric
``weights`` and ``bias``.

Examples
--------
>>> import os, tempfile
>>> import neurosim as ns
>>> net = ns.Network.layered([2, 2, 1], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "net.json")
>>> ns.save(net, path)
>>> again = ns.load(path)
>>> [c.weight for c in again.connections] == [c.weight for c in net.connections]
True
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterable

from .._files import atomic_write_text, open_existing, read_bounded
from .._gc import paused_gc
from ..activations import Activation
from ..errors import FormatError, NumericalError, ParameterError
from ..memory.boltzmann import BoltzmannMachine
from ..memory.hopfield import HopfieldNetwork
from ..memory.rbm import RBM
from ..network import Network
from ..som import SOM
from .fields import FORMAT_VERSION, parse, read_integer
from .graphs import from_networkx, to_networkx, write_graphml
from .machines import (
    boltzmann_document,
    boltzmann_from,
    hopfield_document,
    hopfield_from,
    rbm_document,
    rbm_from,
    som_document,
    som_from,
)  # fmt: skip
from .networks import (
    custom_activations,
    network_chunks,
    network_document,
    network_from,
)

__all__ = [
    "FORMAT_VERSION",
    "KINDS",
    "document",
    "from_networkx",
    "load",
    "save",
    "to_networkx",
    "write_graphml",
]

MAX_FILE_BYTES = 1 << 30  # refuse to parse more than 1 GiB

#: The one registry of what neurosim saves: a kind's name, its class, how its
#: document is written and how it is read back (``custom`` activations are
#: passed to the network reader only).
KINDS = {
    "Network": (Network, network_document, network_from),
    "HopfieldNetwork": (HopfieldNetwork, hopfield_document, lambda d, custom: hopfield_from(d)),
    "RBM": (RBM, rbm_document, lambda d, custom: rbm_from(d)),
    "BoltzmannMachine": (BoltzmannMachine, boltzmann_document, lambda d, custom: boltzmann_from(d)),
    "SOM": (SOM, som_document, lambda d, custom: som_from(d)),
}  # fmt: skip


# ---------------------------------------------------------------- saving


def save(
    obj: Network | HopfieldNetwork | RBM | BoltzmannMachine, path: str | os.PathLike
) -> None:
    """Write a network to ``path`` as JSON, atomically.

    Parameters
    ----------
    obj : Network, HopfieldNetwork, RBM or BoltzmannMachine
    path : str or path-like

    Raises
    ------
    NumericalError
        If a weight, bias or threshold is NaN or infinite (nothing is written).
    ParameterError
        For an object that is neither kind of network.

    Examples
    --------
    >>> import os, tempfile, json
    >>> import neurosim as ns
    >>> path = os.path.join(tempfile.mkdtemp(), "hop.json")
    >>> hop = ns.HopfieldNetwork(3); hop.store([[1, -1, 1]])
    >>> ns.save(hop, path)
    >>> with open(path) as f:
    ...     json.load(f)["kind"]
    'HopfieldNetwork'
    """
    try:
        with paused_gc():
            if isinstance(obj, Network) and obj.graph.number_of_edges() > INDENT_UP_TO:
                # Large: compact, and streamed a batch of connections at a time.
                atomic_write_text(path, itertools.chain(network_chunks(obj), ["\n"]))
                return
            content = document(obj)
            text = json.dumps(content, **layout_of(content), allow_nan=False)
    except ValueError as error:
        raise NumericalError(
            f"cannot save a network with NaN or infinite numbers ({error}); "
            "find them with net.summary() or hop.weights"
        ) from None
    atomic_write_text(path, text + "\n")


#: Past this many entries a file is written compactly, on one line: the
#: indenting encoder is json's pure-Python one, a minute for 10⁶ connections
#: (the compact one is in C); both read back the same.
INDENT_UP_TO = 10_000


def layout_of(content: dict) -> dict:
    """json.dumps's layout options: indented to read, or compact when large."""
    entries = 0
    for value in content.values():
        if isinstance(value, (list, dict)):
            entries += len(value)
            # A matrix's rows (an RBM's weights) count with their entries.
            rows = value if isinstance(value, list) else value.values()
            entries += sum(len(row) for row in rows if isinstance(row, list))
    if entries <= INDENT_UP_TO:
        return {"indent": 1}
    return {"separators": (",", ":")}


def document(obj: Network | HopfieldNetwork | RBM | BoltzmannMachine) -> dict:
    """The JSON document :func:`save` writes, as a dict (what a web page embeds).

    Examples
    --------
    >>> import neurosim as ns
    >>> document(ns.HopfieldNetwork(2))["kind"]
    'HopfieldNetwork'
    """
    for kind, write, _ in KINDS.values():
        if isinstance(obj, kind):
            return write(obj)
    raise ParameterError(
        "save writes a Network, a HopfieldNetwork, an RBM or a BoltzmannMachine, "
        f"got {type(obj).__name__}"
    )


# ---------------------------------------------------------------- loading


def load(
    path: str | os.PathLike, activations: Iterable[Activation] = ()
) -> Network | HopfieldNetwork | RBM:
    """Read a network written by :func:`save`.

    Parameters
    ----------
    path : str or path-like
    activations : iterable of Activation, optional
        Your own activations the file names (saved by name only).

    Returns
    -------
    Network, HopfieldNetwork or RBM

    Raises
    ------
    FormatError
        For anything wrong in the file, naming the field:
        ``"connections[3].weight: expected a number, got 'abc'"``.
    DataNotFoundError
        If there is no file at ``path`` (a ``FileNotFoundError`` too).

    Examples
    --------
    >>> import os, tempfile
    >>> import neurosim as ns
    >>> path = os.path.join(tempfile.mkdtemp(), "bad.json")
    >>> with open(path, "w") as f:
    ...     _ = f.write('{"format": "neurosim", "version": 1, "kind": "Network", "neurons": 3}')
    >>> ns.load(path)
    Traceback (most recent call last):
    ...
    neurosim.errors.FormatError: ...bad.json: neurons: expected a list, got 3
    """
    custom = custom_activations(activations)
    hint = "pass the path of a file written by ns.save"
    with open_existing(path, "network file", hint) as file:
        path = os.fspath(path)
        raw = read_bounded(file, MAX_FILE_BYTES, path)
    try:
        with paused_gc():  # a large file is 10⁵ new objects and more
            return from_document(parse(raw), custom, consume=True)
    except FormatError as error:
        raise FormatError(f"{path}: {error}") from None


def from_document(document: dict, custom: dict, consume: bool = False):
    """The network a parsed document describes, of the kind it names.

    ``consume=True`` lets a Network's reader drop the document's connection
    entries as it reads them (see :func:`~neurosim.io.networks.network_from`).
    """
    if document.get("format") != "neurosim":
        raise FormatError(
            f"format: expected 'neurosim', got {document.get('format')!r}"
        )
    version = read_integer(document, "version", "version")
    if version > FORMAT_VERSION:
        raise FormatError(
            f"version: the file is format version {version}, newer than this neurosim "
            f"reads ({FORMAT_VERSION}); upgrade neurosim to load it"
        )
    if version < 1:
        raise FormatError(f"version: expected a version >= 1, got {version}")
    kind = document.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise FormatError(
            f"kind: expected one of {', '.join(map(repr, KINDS))}, got {kind!r}"
        )
    if kind == "Network":
        return network_from(document, custom, consume=consume)
    return KINDS[kind][2](document, custom)
