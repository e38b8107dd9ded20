"""Long short-term memory built from neurons: gates, the cell and its carousel, as a graph.

Every number of an LSTM cell is a neuron's output here, with a name (the
layer ``lstm1``, cell or block j)::

    lstm1.i[j] = σ(W_i x(t) + U_i h(t−1) + b_i)      input gate      (summing)
    lstm1.f[j] = σ(W_f x(t) + U_f h(t−1) + b_f)      forget gate     (summing)
    lstm1.g[j] = tanh(W_g x(t) + U_g h(t−1) + b_g)   cell input      (summing)
    lstm1.o[j] = σ(W_o x(t) + U_o h(t−1) + b_o)      output gate     (summing)
    lstm1.ig[j] = i · g                              what is written (product)
    lstm1.fc[j] = f · c(t−1)                         what is kept    (product, delay 1)
    lstm1.c[j]  = fc + ig                            the cell state  (summing, identity)
    lstm1.tc[j] = tanh(c)                            the squashed state
    lstm1.h[j]  = o · tc                             the cell output (product)

The connections into the products, ``c``, and ``tc`` are one shared
parameter frozen at 1; those neurons' biases one frozen at 0: only the
gates and cell inputs learn. ``c`` reaching itself one step later through
``fc`` is the *constant error carousel*: while f stays near 1 the error
flows back through it unchanged. Without a forget gate (the 1997 cell) the
carousel is a plain self-connection of ``c`` with weight 1 and delay 1.

A *block* (Hochreiter & Schmidhuber 1997) is ``block_size`` cells that share
one set of gates; with ``block_size=1`` (the default) every cell has its own,
as in ``torch.nn.LSTM``, whose numbers this layer equals (the bias of each
gate being PyTorch's ``b_ih + b_hh``).

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network.lstm(2, 3, 1, seed=0)
>>> net
Network(2 inputs, 27 hidden, 1 output; 90 connections (39 delayed), 78 parameters)
>>> net["lstm1.fc[0]"].aggregation, net.connection("lstm1.c[0]", "lstm1.fc[0]").delay
('product', 1)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_count, check_flag
from ._registry import check_choice
from .activations import get_activation
from .errors import ParameterError
from .initializers import draw_weights, get_initializer
from .parameters import Parameter

__all__ = ["LSTM", "RECURRENCES", "lstm_layer", "lstm_parts"]

#: What the gates and cell inputs read one step back: the cell outputs h
#: (PyTorch), or the cell outputs and the gates' own outputs (1997).
RECURRENCES = ("outputs", "outputs and gates")


@dataclass(frozen=True)
class LSTM:
    """A layer of LSTM cells, for :meth:`Network.lstm <neurosim.network.Network.lstm>`.

    Parameters
    ----------
    cells : int
        The number of memory cells.
    forget_gate : bool, default True
        Gers et al.'s (2000) forget gate; False for the 1997 cell, whose
        state only adds: ``c(t) = c(t−1) + i·g``.
    peepholes : bool, default False
        Gers & Schmidhuber's (2000) peephole connections: the input and
        forget gates read ``c(t−1)``, the output gate ``c(t)``.
    block_size : int, default 1
        Cells per memory block; the cells of a block share its gates.
    cell_input, cell_output : str, default "tanh"
        The squash of the cell input (g) and of the state before the
        output gate; the 1997 cell used ``"bipolar_sigmoid2"`` (4σ − 2) and
        ``"bipolar_sigmoid"`` (2σ − 1).
    recurrence : {"outputs", "outputs and gates"}, default "outputs"
        What the gates and cell inputs read one step back.
    cell_input_bias : bool, default True
        Whether g has a (trainable) bias; the 1997 networks had none.
    output_gate_bias : float or tuple of float, default 0.0
        The output gates' initial biases; a tuple gives one per block, in
        turn (1997: −1, −2, −3, … so that the blocks open one after another).

    Examples
    --------
    >>> LSTM.hochreiter_1997(blocks=3, block_size=2).cells
    6
    """

    cells: int
    forget_gate: bool = True
    peepholes: bool = False
    block_size: int = 1
    cell_input: str = "tanh"
    cell_output: str = "tanh"
    recurrence: str = "outputs"
    cell_input_bias: bool = True
    output_gate_bias: float | tuple = field(default=0.0)

    @classmethod
    def hochreiter_1997(cls, blocks: int = 3, block_size: int = 2) -> LSTM:
        """The cell of Hochreiter & Schmidhuber (1997), as in their embedded Reber grammar runs.

        No forget gate; g = 4σ − 2 without a bias, the state squashed by
        2σ − 1; every gate and cell input reads the cell outputs and the
        gates one step back; output-gate biases −1, −2, −3, … per block.
        """
        blocks = check_count(blocks, "blocks")
        return cls(
            cells=blocks * check_count(block_size, "block_size"),
            forget_gate=False,
            block_size=block_size,
            cell_input="bipolar_sigmoid2",
            cell_output="bipolar_sigmoid",
            recurrence="outputs and gates",
            cell_input_bias=False,
            output_gate_bias=tuple(-float(b + 1) for b in range(blocks)),
        )


def _checked(spec: LSTM) -> LSTM:
    if not isinstance(spec, LSTM):
        raise ParameterError(f"expected an ns.layers.LSTM, got {spec!r}")
    cells = check_count(spec.cells, "cells (of an LSTM layer)")
    size = check_count(spec.block_size, "block_size")
    if cells % size:
        raise ParameterError(
            f"{cells} cells do not make whole blocks of {size}: every block's gates need "
            "cells to gate; give a number of cells divisible by block_size"
        )
    for flag in ("forget_gate", "peepholes", "cell_input_bias"):
        check_flag(getattr(spec, flag), flag)
    check_choice(spec.recurrence, RECURRENCES, "recurrence")
    get_activation(spec.cell_input)
    get_activation(spec.cell_output)
    biases = spec.output_gate_bias
    biases = biases if isinstance(biases, tuple) else (biases,)
    if not biases or not all(
        isinstance(b, (int, float)) and not isinstance(b, bool) and np.isfinite(b)
        for b in biases
    ):
        raise ParameterError(
            f"output_gate_bias must be a finite number or a tuple of them, got "
            f"{spec.output_gate_bias!r}"
        )
    return spec


def lstm_parts(name: str, spec: LSTM) -> dict[str, list[str]]:
    """The names of the layer's neurons, by part: ``{"i": [...], "c": [...], ...}``.

    Examples
    --------
    >>> lstm_parts("lstm1", LSTM(2))["c"]
    ['lstm1.c[0]', 'lstm1.c[1]']
    """
    spec = _checked(spec)
    blocks = spec.cells // spec.block_size
    gates = ["i", "f", "o"] if spec.forget_gate else ["i", "o"]
    cells = (
        ["g", "ig", "fc", "c", "tc", "h"]
        if spec.forget_gate
        else ["g", "ig", "c", "tc", "h"]
    )
    parts = {part: [f"{name}.{part}[{b}]" for b in range(blocks)] for part in gates}
    parts.update(
        {part: [f"{name}.{part}[{j}]" for j in range(spec.cells)] for part in cells}
    )
    return parts


def lstm_layer(net, sources: list, spec: LSTM, name: str, output: bool = False) -> list:
    """Add an LSTM layer fed by ``sources``; return its cell outputs h (output neurons if ``output``).

    The trainable weights (into the gates and cell inputs) are drawn by the
    network's initialiser, in the order the connections are listed: for each
    gate kind (i, f, g, o) and each of its neurons, the sources, then what
    it reads one step back, then its peepholes.
    """
    spec = _checked(spec)
    parts = lstm_parts(name, spec)
    one = Parameter(1.0, False, f"1({name})")
    zero = Parameter(0.0, False, f"0({name})")
    biases = spec.output_gate_bias
    biases = biases if isinstance(biases, tuple) else (biases,)
    made = {}
    for part in ("i", "f", "o"):
        for b, neuron in enumerate(parts.get(part, ())):
            bias = float(biases[b % len(biases)]) if part == "o" else 0.0
            made[neuron] = net.add_neuron(neuron, "sigmoid", bias)
    for neuron in parts["g"]:
        made[neuron] = net.add_neuron(
            neuron, spec.cell_input, 0.0 if spec.cell_input_bias else zero
        )
    for part, activation, aggregation in (
        ("ig", "identity", "product"),
        ("fc", "identity", "product"),
        ("c", "identity", "sum"),
        ("tc", spec.cell_output, "sum"),
    ):
        for neuron in parts.get(part, ()):
            made[neuron] = net.add_neuron(
                neuron, activation, zero, aggregation=aggregation
            )
    add_h = net.add_output if output else net.add_neuron
    h = [
        add_h(neuron, "identity", zero, aggregation="product") for neuron in parts["h"]
    ]
    # The trainable connections, kind by kind, neuron by neuron.
    back = list(parts["h"])
    if spec.recurrence == "outputs and gates":
        back += parts["i"] + parts.get("f", []) + parts["o"]
    trainable = []
    for part in ("i", "f", "g", "o"):
        for k, target in enumerate(parts.get(part, ())):
            edges = [(s, target, 0) for s in sources] + [(s, target, 1) for s in back]
            if spec.peepholes and part != "g":
                block = parts["c"][k * spec.block_size : (k + 1) * spec.block_size]
                edges += [(c, target, 0 if part == "o" else 1) for c in block]
            trainable.extend(edges)
    count = Counter(t for _, t, _ in trainable)
    fan_in = np.array([count[t] for _, t, _ in trainable], dtype=float)
    weights = draw_weights(
        get_initializer(net.init), net.rng, fan_in, np.ones_like(fan_in)
    )
    edges = [(s, t, w, d) for (s, t, d), w in zip(trainable, weights.tolist())]
    for j in range(spec.cells):
        b = j // spec.block_size
        cell = parts["c"][j]
        edges += [
            (parts["i"][b], parts["ig"][j], one, 0),
            (parts["g"][j], parts["ig"][j], one, 0),
            (parts["ig"][j], cell, one, 0),
            (cell, parts["tc"][j], one, 0),
            (parts["o"][b], parts["h"][j], one, 0),
            (parts["tc"][j], parts["h"][j], one, 0),
        ]
        if spec.forget_gate:
            edges += [
                (parts["f"][b], parts["fc"][j], one, 0),
                (cell, parts["fc"][j], one, 1),
                (parts["fc"][j], cell, one, 0),
            ]
        else:
            edges.append((cell, cell, one, 1))
    net.connect_many(edges)
    return h
