"""Max-pooling and product neurons in the compiled time loop: each input kept apart, with its gate.

A group of summing neurons is one matrix product per step. A group of n
max or product neurons with at most K inputs each keeps its weighted
inputs as a (batch, K, n) array instead — a slot per connection, slot k of
every neuron side by side, padded with the value that changes nothing (1
for a product, −∞ for a maximum) — reduces it over K, and remembers each
slot's gate ``∂net/∂(w·x)`` (see :mod:`neurosim.gating`). Slots whose
sources are consecutive state columns are copied as one slice (an LSTM's
products read whole layers of gates: a few slices per step). Backward, each slot sends ``w · δ · gate`` to its
source, at the step its delay says, and its weight collects
``Σ_t δ · x · gate``.

Examples
--------
>>> import numpy as np, neurosim as ns
>>> net = ns.Network()
>>> _ = net.add_input("x"); _ = net.add_output("y", activation="identity", aggregation="product")
>>> _ = net.connect("x", "y", weight=2.0); _ = net.connect("y", "y", weight=1.0, delay=1)
>>> net["y"].initial_output = 1.0
>>> net.compile().forward(np.array([[1.0], [3.0], [0.5]]))[:, 0]   # y(t) = 2·x(t)·y(t − 1)
array([ 2., 12., 12.])
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import numpy as np

__all__ = ["GatedGroup", "Run"]


class Run(NamedTuple):
    """Connections of a gated group with one delay: their slots and sources.

    ``place`` and ``source`` are slices when both run consecutively (one
    copy), else index arrays.
    """

    delay: int
    place: slice | np.ndarray  # into the (K·n) slots: k·n + j
    source: slice | np.ndarray  # into the state
    unique: bool  # no source twice (a plain indexed add is then exact)


def _runs(delay: int, place: np.ndarray, source: np.ndarray) -> list[Run]:
    """Split connections into runs of consecutive slots and sources; few runs, else one indexed."""
    order = np.argsort(place, kind="stable")
    place, source = place[order], source[order]
    breaks = np.flatnonzero((np.diff(place) != 1) | (np.diff(source) != 1)) + 1
    bounds = [0, *breaks.tolist(), len(place)]
    if len(bounds) - 1 <= 8:
        return [
            Run(delay, slice(int(place[a]), int(place[b - 1]) + 1),
                slice(int(source[a]), int(source[b - 1]) + 1), True)
            for a, b in itertools.pairwise(bounds)
        ]  # fmt: skip
    return [Run(delay, place, source, len(np.unique(source)) == len(source))]


class GatedGroup:
    """Neurons of one level, one activation and one of the gated aggregations.

    ``cols``/``state`` as a :class:`~neurosim.compiled.time_loop.Group`'s;
    ``inputs`` (T, batch, K·n) and ``gates`` (T, batch, K, n) hold the
    last pass (padding slots hold the pad value, weight 1).
    """

    def __init__(self, cols, state, activation, aggregation, connections, where):
        self.cols, self.state, self.activation = cols, state, activation
        self.aggregation = aggregation
        self.core = True  # computed inside the time loop
        self.projection = self.instant = None  # no matrix products
        first = cols.start
        self.n = cols.stop - cols.start
        fan_in = np.zeros(self.n, dtype=np.intp)
        entries = []  # (delay, place, source, parameter)
        for connection, column, source in connections:
            j = column - first
            entries.append(
                (
                    connection.delay,
                    j,
                    int(fan_in[j]),
                    source,
                    where[id(connection.parameter)],
                )
            )
            fan_in[j] += 1
        self.k = int(fan_in.max())
        delay, j, k, source, parameter = (np.array(v, np.intp) for v in zip(*entries))
        place = k * self.n + j
        self.place, self.parameter = (
            place,
            parameter,
        )  # every connection's slot and parameter
        self.weights = np.ones(self.k * self.n)  # padding slots: weight 1
        self.pad = 1.0 if aggregation == "product" else -np.inf
        self.padding = np.setdiff1d(np.arange(self.k * self.n), place)
        self.runs = [
            run
            for d in np.unique(delay).tolist()
            for run in _runs(d, place[delay == d], source[delay == d])
        ]
        self.inputs: np.ndarray | None = None
        self.gates: np.ndarray | None = None

    def structure(self) -> dict:
        """The group as plain lists, for exporters: ``aggregation``, ``k`` (slots per
        neuron), ``n`` (neurons), and per delay the ``place`` (j·k + slot), ``source``
        (state column) and parameter ``index`` of each connection."""
        slots = []
        for d in sorted({run.delay for run in self.runs}):
            place = np.concatenate(
                [_listed(r.place) for r in self.runs if r.delay == d]
            )
            source = np.concatenate(
                [_listed(r.source) for r in self.runs if r.delay == d]
            )
            at = {p: i for i, p in enumerate(self.place.tolist())}
            j, k = place % self.n, place // self.n
            slots.append({
                "delay": d,
                "place": (j * self.k + k).tolist(),
                "source": source.tolist(),
                "index": [int(self.parameter[at[p]]) for p in place.tolist()],
            })  # fmt: skip
        return {
            "aggregation": self.aggregation,
            "k": self.k,
            "n": self.n,
            "slots": slots,
        }

    def load(self, theta: np.ndarray) -> None:
        """Read the weights from the parameter vector."""
        self.weights[self.place] = theta[self.parameter]

    def allocate(self, n_steps: int, n_batch: int, dtype) -> None:
        """Room for a pass of ``n_steps`` steps, padding slots filled."""
        shape = (n_steps, n_batch, self.k * self.n)
        if (
            self.inputs is None
            or self.inputs.shape != shape
            or self.inputs.dtype != dtype
        ):
            self.inputs = np.empty(shape, dtype=dtype)
            self.inputs[..., self.padding] = self.pad
            self.gates = np.empty((n_steps, n_batch, self.k, self.n), dtype=dtype)

    def grow(self) -> None:
        """Twice the room in time (a stream that outgrew its buffers)."""
        self.inputs = np.concatenate([self.inputs, self.inputs])
        self.gates = np.concatenate([self.gates, np.empty_like(self.gates)])

    def forward(
        self, t: int, states: np.ndarray, start: np.ndarray, net: np.ndarray
    ) -> None:
        """Step t: add the max or product of the weighted inputs to ``net`` (batch, neurons)."""
        inputs = self.inputs[t]
        for run in self.runs:
            past = states[t - run.delay] if t >= run.delay else start
            inputs[:, run.place] = past[..., run.source]
        gates = self.gates[t]
        if self.k == 2 and self.aggregation == "product":
            # The LSTM's products: each input's gate is the other input, weighted.
            shape = (len(inputs), 2, self.n)
            np.multiply(
                inputs.reshape(shape)[:, ::-1],
                self.weights.reshape(2, -1)[::-1],
                out=gates,
            )
            net[:, self.cols] += gates[:, 0] * gates[:, 1]
            return
        weighted = (inputs * self.weights).reshape(len(inputs), self.k, self.n)
        if self.aggregation == "max":
            winner = np.argmax(weighted, axis=1)[:, np.newaxis]
            value = np.take_along_axis(weighted, winner, axis=1)[:, 0]
            gates[:] = np.arange(self.k)[:, np.newaxis] == winner
        else:
            # Π of the inputs before slot k times Π of those after it, as the neurons do.
            before = np.ones_like(weighted)
            np.cumprod(weighted[:, :-1], axis=1, out=before[:, 1:])
            after = np.ones_like(weighted)
            np.cumprod(weighted[:, :0:-1], axis=1, out=after[:, -2::-1])
            np.multiply(before, after, out=gates)
            value = before[:, -1] * weighted[:, -1]
        net[:, self.cols] += value

    def backward(
        self, t: int, delta: np.ndarray, errors: np.ndarray, ages: int | None = None
    ) -> None:
        """Send step t's deltas back: ``w · δ · gate`` to each slot's source.

        Full backpropagation: ``delta`` (batch, n), ``errors`` (T, batch,
        state). Truncated (``ages`` given): ``delta`` (ages, batch, n),
        ``errors`` (T, ages, batch, state); an input d steps back reaches
        step t − d at age + d, and is dropped at age ``ages``.
        """
        spread = delta[..., np.newaxis, :] * self.gates[t]
        sent = spread.reshape(*spread.shape[:-2], -1) * self.weights
        for run in self.runs:
            d = run.delay
            if t < d or (ages is not None and d >= ages):
                continue
            if ages is None:
                target, part = errors[t - d], sent[..., run.place]
            else:
                target, part = errors[t - d, d:], sent[: ages - d][..., run.place]
            if run.unique:
                target[..., run.source] += part
            else:
                np.add.at(target, (..., run.source), part)

    def weight_entries(self, deltas: np.ndarray) -> np.ndarray:
        """Each connection's gradient ``Σ_t Σ_batch δ · gate · x``, from every step's deltas (T, batch, n)."""
        n_steps = len(deltas)
        spread = deltas[..., np.newaxis, :] * self.gates[:n_steps]
        flat = spread.reshape(-1, self.k * self.n)
        totals = np.einsum(
            "rs,rs->s", flat, self.inputs[:n_steps].reshape(-1, self.k * self.n)
        )
        return totals[self.place]


def _listed(index) -> np.ndarray:
    return np.arange(index.start, index.stop) if isinstance(index, slice) else index
