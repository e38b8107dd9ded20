"""The symmetric machines as JSON documents and back: Hopfield networks, RBMs, Boltzmann machines.

A ``HopfieldNetwork`` file holds ``states``, ``neurons`` (names),
``thresholds``, ``rule``, ``patterns`` and the full ``weights`` matrix. An
``RBM`` file holds ``visible`` and ``hidden`` (names), ``weights`` (one row
per hidden unit), ``visible_bias`` and ``hidden_bias``; a
``BoltzmannMachine`` file ``n_visible``, ``n_hidden``, optionally ``names``,
the symmetric ``weights`` and ``bias``. Every declared shape is checked
against the numbers present before anything is allocated.
"""

from __future__ import annotations

import numpy as np

from ..errors import FormatError, NeurosimError
from ..memory.boltzmann import BoltzmannMachine
from ..memory.hopfield import HopfieldNetwork
from ..memory.patterns import RULES
from ..memory.rbm import RBM
from ..som import SOM
from .fields import (
    FORMAT_VERSION,
    kind_of,
    known_keys,
    read_integer,
    read_list,
    read_matrix,
    read_number,
    read_string,
)

__all__ = [
    "boltzmann_document", "boltzmann_from", "hopfield_document", "hopfield_from",
    "rbm_document", "rbm_from", "som_document", "som_from",
]  # fmt: skip


def default_unit_names(machine: BoltzmannMachine) -> list[str]:
    return [f"v{i}" for i in range(machine.n_visible)] + [
        f"h{j}" for j in range(machine.n_hidden)
    ]


def boltzmann_document(machine: BoltzmannMachine) -> dict:
    return {
        "format": "neurosim",
        "version": FORMAT_VERSION,
        "kind": "BoltzmannMachine",
        "n_visible": machine.n_visible,
        "n_hidden": machine.n_hidden,
        **(
            {"names": list(machine.names)}
            if machine.names != default_unit_names(machine)
            else {}
        ),
        "weights": machine.weights.tolist(),
        "bias": machine.bias.tolist(),
    }


def hopfield_document(hop: HopfieldNetwork) -> dict:
    return {
        "format": "neurosim",
        "version": FORMAT_VERSION,
        "kind": "HopfieldNetwork",
        "states": hop.states,
        "neurons": list(hop.names),
        "thresholds": hop.thresholds.tolist(),
        "rule": hop.rule,
        "patterns": hop.patterns.tolist(),
        "weights": hop.weights.tolist(),
    }


def rbm_document(rbm: RBM) -> dict:
    return {
        "format": "neurosim",
        "version": FORMAT_VERSION,
        "kind": "RBM",
        "visible": list(rbm.visible_names),
        "hidden": list(rbm.hidden_names),
        "weights": rbm.weights.tolist(),
        "visible_bias": rbm.visible_bias.tolist(),
        "hidden_bias": rbm.hidden_bias.tolist(),
    }


def hopfield_from(document: dict) -> HopfieldNetwork:
    names = read_list(document, "neurons", "neurons")
    for k, name in enumerate(names):
        if not isinstance(name, str):
            raise FormatError(f"neurons[{k}]: expected a name, got {kind_of(name)}")
    n = len(names)
    # Every declared shape is checked against the numbers actually present
    # before anything of size n × n is allocated: a short file declaring many
    # names must not cost a huge matrix.
    weights = read_matrix(document, "weights", (n, n))
    thresholds = read_matrix(document, "thresholds", (n,))
    patterns = (
        read_matrix(document, "patterns", (None, n))
        if document.get("patterns")
        else None
    )
    if not np.array_equal(weights, weights.T) or np.any(np.diag(weights) != 0.0):
        raise FormatError(
            "weights: a Hopfield weight matrix must be symmetric with a zero diagonal"
        )
    rule = document.get("rule")
    if rule is not None and rule not in RULES:
        raise FormatError(f"rule: expected one of {list(RULES)} or null, got {rule!r}")
    try:
        hop = HopfieldNetwork(names, states=document.get("states", "bipolar"))
    except NeurosimError as error:
        raise FormatError(f"neurons/states: {error}") from None
    hop.thresholds = thresholds
    try:
        hop.set_parameters(weights, patterns=patterns, rule=rule)
    except NeurosimError as error:
        raise FormatError(f"patterns: {error}") from None
    return hop


def rbm_from(document: dict) -> RBM:
    names = {}
    for layer in ("visible", "hidden"):
        names[layer] = read_list(document, layer, layer)
        for k, name in enumerate(names[layer]):
            if not isinstance(name, str):
                raise FormatError(f"{layer}[{k}]: expected a name, got {kind_of(name)}")
    n_visible, n_hidden = len(names["visible"]), len(names["hidden"])
    # Shapes checked against the numbers present before the RBM is built.
    weights = read_matrix(document, "weights", (n_hidden, n_visible))
    visible_bias = read_matrix(document, "visible_bias", (n_visible,))
    hidden_bias = read_matrix(document, "hidden_bias", (n_hidden,))
    try:
        rbm = RBM(names["visible"], names["hidden"], seed=0)
    except NeurosimError as error:
        raise FormatError(f"visible/hidden: {error}") from None
    rbm.set_parameters(weights, visible_bias, hidden_bias)
    return rbm


def boltzmann_from(document: dict) -> BoltzmannMachine:
    sizes = {}
    for key in ("n_visible", "n_hidden"):
        value = read_integer(document, key, key)
        if value < (1 if key == "n_visible" else 0):
            raise FormatError(f"{key}: expected a count, got {value}")
        sizes[key] = value
    n = sizes["n_visible"] + sizes["n_hidden"]
    weights = read_matrix(
        document, "weights", (n, n)
    )  # checked against the numbers present
    bias = read_matrix(document, "bias", (n,))
    names = document.get("names")
    if names is not None and (
        not isinstance(names, list)
        or len(names) != n
        or not all(isinstance(x, str) for x in names)
    ):
        raise FormatError(f"names: expected {n} unit names, got {kind_of(names)}")
    try:
        machine = BoltzmannMachine(
            sizes["n_visible"], sizes["n_hidden"], seed=0, names=names
        )
    except NeurosimError as error:
        raise FormatError(f"names: {error}") from None
    try:
        machine.set_parameters(weights, bias)
    except NeurosimError as error:
        raise FormatError(f"weights: {error}") from None
    return machine


def som_document(som: SOM) -> dict:
    return {
        "format": "neurosim",
        "version": FORMAT_VERSION,
        "kind": "SOM",
        "rows": som.rows,
        "cols": som.cols,
        "n_inputs": som.n_inputs,
        "sigma": som.sigma,
        "learning_rate": som.learning_rate,
        "neighborhood": som.neighborhood,
        "topology": som.topology,
        "decay": som.decay,
        # one row per unit, row by row of the grid
        "weights": som.weights.reshape(-1, som.n_inputs).tolist(),
    }


def som_from(document: dict) -> SOM:
    known_keys(document, _SOM_KEYS, "the file")
    rows, cols, n_inputs = (
        read_integer(document, k, k) for k in ("rows", "cols", "n_inputs")
    )
    if min(rows, cols, n_inputs) < 1:
        raise FormatError("rows, cols and n_inputs must be at least 1")
    # The numbers present are checked against the shape before the map is built.
    weights = read_matrix(document, "weights", (rows * cols, n_inputs))
    try:
        som = SOM(
            rows, cols, n_inputs, sigma=read_number(document, "sigma", "the file"),
            learning_rate=read_number(document, "learning_rate", "the file"),
            neighborhood=read_string(document, "neighborhood", "the file"),
            topology=read_string(document, "topology", "the file"),
            decay=read_string(document, "decay", "the file"), seed=0,
        )  # fmt: skip
    except NeurosimError as error:
        raise FormatError(f"the map's settings: {error}") from None
    som.set_parameters(weights.reshape(rows, cols, n_inputs))
    return som


_SOM_KEYS = (
    "format", "version", "kind", "rows", "cols", "n_inputs", "sigma", "learning_rate",
    "neighborhood", "topology", "decay", "weights",
)  # fmt: skip
