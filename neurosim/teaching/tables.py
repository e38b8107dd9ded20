"""A network and its state as tables: :func:`summary` and :func:`state_table`."""

from __future__ import annotations

import numpy as np

from .format import number, plural, table

__all__ = ["state_table", "summary"]


def summary(net) -> str:
    """A table of the network's neurons and its parameter count.

    Examples
    --------
    >>> import neurosim as ns
    >>> print(summary(ns.Network.layered([2, 1], activation="identity", seed=0)))
    neuron  role    activation  bias  fan-in  fan-out
    x1      input   —           —     0       1
    x2      input   —           —     0       1
    y1      output  identity    0.0   2       0
    2 inputs, 0 hidden, 1 output; 2 connections; 3 parameters
    """
    recurrent = net.is_recurrent
    rows = [("neuron", "role", "activation", "bias", "fan-in", "fan-out")]
    rows[0] += ("start",) if recurrent else ()
    for n in net.neurons:
        rows.append((
            n.name, n.role,
            "—" if n.is_input else n.activation.name,
            "—" if n.is_input else number(n.bias),
            str(net.graph.in_degree(n.name)), str(net.graph.out_degree(n.name)),
        ) + ((number(n.initial_output),) if recurrent else ()))  # fmt: skip
    delayed = sum(1 for c in net.connections if c.delay)
    counts = (
        f"{plural(len(net.inputs), 'input')}, {len(net.hidden)} hidden, "
        f"{plural(len(net.outputs), 'output')}; {plural(len(net.connections), 'connection')}"
        + (f" ({delayed} delayed)" if delayed else "")
        + f"; {plural(net.n_parameters, 'parameter')}"
        + (
            f" ({net.n_trainable} trainable)"
            if net.n_trainable != net.n_parameters
            else ""
        )
    )
    if recurrent:
        counts += (
            "\nrecurrent: forward takes sequences (T, inputs); 'start' is each neuron's "
            "output before the first step; backpropagation through time is "
            + (
                "full"
                if net.truncation is None
                else f"truncated to {plural(net.truncation, 'step')}"
            )
        )
    return table(rows) + "\n" + counts


def state_table(net) -> str:
    """Each neuron's net, output and delta from the last passes, as a table.

    Examples
    --------
    >>> import neurosim as ns
    >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
    >>> net.connection("x1", "y1").weight = 2.0
    >>> _ = net.forward([1.5]); _ = net.backward([1.0], loss="sse")
    >>> print(state_table(net))
    neuron  net  output  delta
    x1      —    1.5     —
    y1      3.0  3.0     2.0
    """

    def cell(value) -> str:
        if value is None:
            return "—"
        if isinstance(value, np.ndarray):
            return (
                "["
                + ", ".join(number(v) for v in value[:4])
                + (", …]" if value.size > 4 else "]")
            )
        return number(value)

    rows = [("neuron", "net", "output", "delta")]
    rows += [(n.name, cell(n.net), cell(n.output), cell(n.delta)) for n in net.neurons]
    return table(rows)
