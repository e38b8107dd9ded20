"""The time loop of :class:`~neurosim.compiled.recurrent.CompiledRecurrent`: forward and backward through time.

The passes half of the compiled recurrent network (its structure and
parameters are in :mod:`neurosim.compiled.recurrent`). Forward, what does
not depend on the step before — the inputs' contributions, and the neurons
the recurrence does not need — is computed for every step at once; the loop
holds only the recurrence. Backward, the same split, with the error of each
step kept apart by age when backpropagation is truncated.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .blocks import IDENTITY
from .gated import GatedGroup

__all__ = ["Group", "Matrix", "TimeLoop", "flat", "index_of", "slope"]


class Matrix(NamedTuple):
    """Weights from the state columns ``rows`` into the neuron columns ``cols``."""

    rows: slice | np.ndarray  # into the state (inputs first)
    cols: slice | np.ndarray  # into the neurons (net inputs, deltas)
    weight: np.ndarray  # (len(rows), len(cols))
    at: tuple[np.ndarray, np.ndarray]  # (row, col) of each connection in ``weight``
    parameter: np.ndarray  # each connection's index in the parameter vector
    delay: int
    # ``weight.T`` kept contiguous for the backward products: a strided slice
    # times a contiguous matrix took 34 µs, times the transposed view 43 µs
    # (32×256 @ 256×64), every step.
    weight_t: np.ndarray


class Group(NamedTuple):
    """Neurons of one level and one activation: contiguous columns."""

    cols: slice  # into the neurons
    state: slice  # the same neurons' columns in the state
    activation: object
    projection: Matrix | None  # their connections from the inputs
    instant: Matrix | None  # from other neurons of the same step
    core: bool  # needed inside the time loop (else computed for all steps at once)


def slope(group, outputs: np.ndarray, nets: np.ndarray) -> np.ndarray:
    """f'(net) of a group: from its outputs where the activation can (no second f)."""
    activation = group.activation
    if activation.from_output is not None:
        return activation.from_output(outputs)
    return activation.derivative(nets)


def flat(array: np.ndarray) -> np.ndarray:
    """(T, batch, n) as (T·batch, n): every step's rows, for one product."""
    return array.reshape(-1, array.shape[-1])


def index_of(positions: list[int], size: int) -> slice | np.ndarray:
    """A slice when the sorted ``positions`` are a run (a view, no copy), else an index array."""
    if positions and positions[-1] - positions[0] + 1 == len(positions):
        return slice(positions[0], positions[-1] + 1)
    return np.asarray(positions, dtype=np.intp)


def _over_steps(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """(T, batch, k) @ (k, n) as one product over every step's rows, (T, batch, n)."""
    return (flat(values) @ weight).reshape(*values.shape[:2], weight.shape[1])


class TimeLoop:
    """The forward and backward passes through time (a part of ``CompiledRecurrent``)."""

    def propagate(
        self, batch: np.ndarray, single: bool, start: np.ndarray | None = None
    ) -> np.ndarray:
        """Forward pass over sequences (batch, T, n_inputs); (batch, T, n_outputs).

        ``start`` (from :meth:`end_state`) continues from where an earlier
        pass stood instead of the initial outputs. What does not depend on
        the step before — the inputs' contributions, and the neurons the
        recurrence does not need — is computed for all steps at once; the
        time loop holds only the recurrence.
        """
        n_batch, n_steps = batch.shape[:2]
        self._start = self._initial if start is None else start
        self._allocate(n_batch, n_steps)
        states, nets = self._states, self._nets
        states[:, :, : len(self._inputs)] = batch.transpose(1, 0, 2)
        for group in self._core:  # bias and inputs, every step at once
            m = group.projection
            if m is not None and isinstance(m.cols, slice) and m.cols == group.cols:
                np.add(
                    _over_steps(states[:, :, m.rows], m.weight),
                    self._bias[group.cols],
                    out=nets[:, :, group.cols],
                )
                continue
            nets[:, :, group.cols] = self._bias[group.cols]
            if m is not None:
                nets[:, :, m.cols] += _over_steps(states[:, :, m.rows], m.weight)
        # What the loop reads at every step, looked up once.
        delayed = [(m.delay, m.rows, m.cols, m.weight) for m in self._delayed_core]
        groups = [
            (g.cols, g.state, g.activation.fn, g.instant, getattr(g, "forward", None))
            for g in self._core
        ]
        start = self._start
        for t in range(n_steps):
            now, net = states[t], nets[t]
            for delay, rows, cols, weight in delayed:
                past = states[t - delay] if t >= delay else start
                net[:, cols] += past[..., rows] @ weight
            for cols, state, fn, m, gated in groups:
                if m is not None:
                    net[:, m.cols] += now[:, m.rows] @ m.weight
                elif gated is not None:
                    gated(t, states, start, net)
                now[:, state] = fn(net[:, cols])
        self._after_the_loop(states, nets)
        self._steps, self._single = n_steps, single
        self._has_gradients = False
        return self.output_matrix()

    def _after_the_loop(self, states: np.ndarray, nets: np.ndarray) -> None:
        """The neurons the recurrence does not need, every step at once, level by level."""
        if not self._post:
            return
        for group in self._post:
            nets[:, :, group.cols] = self._bias[group.cols]
        for m in self._delayed_post:  # from neurons of the loop, already known
            d = m.delay
            if d < len(states):
                nets[d:, :, m.cols] += _over_steps(states[:-d, :, m.rows], m.weight)
            nets[:d, :, m.cols] += self._start[..., m.rows] @ m.weight
        for group in self._post:
            m = group.instant
            if m is not None:
                nets[:, :, m.cols] += _over_steps(states[:, :, m.rows], m.weight)
            states[:, :, group.state] = group.activation.fn(nets[:, :, group.cols])

    def propagate_step(self, batch: np.ndarray, single: bool) -> np.ndarray:
        """One more step of the stream (batch, n_inputs); its outputs (batch, n_outputs)."""
        t = self._steps
        if t == 0:
            self._start = self._initial
            self._allocate(len(batch), 16)
        elif len(self._states) == t:  # full: twice the room, once in a while
            self._states = np.concatenate([self._states, np.zeros_like(self._states)])
            self._nets = np.concatenate([self._nets, np.empty_like(self._nets)])
            for group in self._gated:
                group.grow()
        self._states[t, :, : len(self._inputs)] = batch
        self._step(t)
        self._steps, self._single = t + 1, single
        self._has_gradients = False
        return self._states[t][:, self._output_state]

    @property
    def stream_steps(self) -> int:
        """Time steps of the last sequence or stream (0: none, or after ``reset_state``)."""
        return self._steps if self.is_recurrent else 0

    def end_state(self) -> np.ndarray:
        """The state at the last step, (batch, state): the ``start`` of a pass that continues."""
        return self._states[self._steps - 1].copy()

    @property
    def max_delay(self) -> int:
        """The longest delay of a connection."""
        return self._max_delay

    def reset_steps(self) -> None:
        """Forget the stream: the next step is step 0 (initial outputs)."""
        self._states = self._nets = None
        self._steps = 0
        self._has_gradients = False

    def _allocate(self, n_batch: int, n_steps: int) -> None:
        self._states = self._buffer("states", (n_steps, n_batch, self._n_state))
        self._nets = self._buffer(
            "nets", (n_steps, n_batch, self._n_neurons), zero=False
        )
        for group in self._gated:
            group.allocate(n_steps, n_batch, self.dtype)

    def _buffer(self, name: str, shape: tuple, zero: bool = True) -> np.ndarray:
        """An array kept from pass to pass while its shape stays: memory already mapped
        is several times faster to write than a fresh allocation's first touch."""
        buffers = self.__dict__.setdefault("_buffers", {})
        array = buffers.get(name)
        if array is None or array.shape != shape:
            array = buffers[name] = np.empty(shape, dtype=self.dtype)
        if zero:
            array.fill(0.0)
        return array

    def _step(self, t: int) -> None:
        """Step t of a stream, every group in level order (what :meth:`propagate` hoists)."""
        states, start = self._states, self._start
        now, net = states[t], self._nets[t]
        net[:] = self._bias
        for m in self._delayed:
            past = states[t - m.delay] if t >= m.delay else start
            net[:, m.cols] += past[..., m.rows] @ m.weight
        for group in self._groups:
            for m in (group.projection, group.instant):
                if m is not None:
                    net[:, m.cols] += now[:, m.rows] @ m.weight
            if isinstance(group, GatedGroup):
                group.forward(t, states, start, net)
            now[:, group.state] = group.activation.fn(net[:, group.cols])

    def output_matrix(self) -> np.ndarray:
        """The outputs of the last pass (or the stream so far), (batch, T, n_outputs)."""
        steps = self._states[: self._steps]
        return steps[:, :, self._output_state].transpose(1, 0, 2)

    def backpropagate(self, output_grads: np.ndarray) -> None:
        """Backpropagation through time from ∂L/∂outputs, (batch, T, n_outputs)."""
        n_steps = self._steps
        states, nets = self._states[:n_steps], self._nets[:n_steps]
        n_batch = states.shape[1]
        k = self.truncation
        full = k is None or k >= n_steps
        ages = 1 if full else k
        # errors[t, a]: ∂L/∂y of every state column at step t, of age a (steps
        # travelled back); every step's delta summed over the ages.
        errors = self._buffer("errors", (n_steps, ages, n_batch, self._n_state))
        errors[:, 0][:, :, self._output_state] = output_grads.transpose(1, 0, 2)
        deltas = self._buffer("deltas", (n_steps, n_batch, self._n_neurons))
        grads = {id(m): np.zeros_like(m.weight) for m in self._matrices()}
        start = self._start
        # 1. After the loop, backwards: errors of age 0 only, every step at once.
        for group in reversed(self._post):
            delta = errors[:, 0][..., group.state] * slope(
                group, states[:, :, group.state], nets[:, :, group.cols]
            )
            deltas[:, :, group.cols] = delta
            m = group.instant
            if m is not None:
                mine = deltas[:, :, m.cols]
                errors[:, 0][..., m.rows] += _over_steps(mine, m.weight_t)
                grads[id(m)] += flat(states[:, :, m.rows]).T @ flat(mine)
        for m in self._delayed_post:
            d = m.delay
            later = deltas[:, :, m.cols]
            grads[id(m)] += self._past_times(states, start, m, later)
            if d < n_steps and (full or d < ages):
                errors[: n_steps - d, 0 if full else d][..., m.rows] += (
                    later[d:] @ m.weight_t
                )
        # 2. The recurrence, step by step from the last.
        if self._core:
            self._backward_loop(errors, deltas, states, nets, full, ages)
        # 3. The loop's weights, every step at once: Σ_t (source)ᵀ · δ(t).
        for group in self._core:
            for m in (group.projection, group.instant):
                if m is not None:
                    grads[id(m)] += flat(states[:, :, m.rows]).T @ flat(
                        deltas[:, :, m.cols]
                    )
        for m in self._delayed_core:
            grads[id(m)] += self._past_times(states, start, m, deltas[:, :, m.cols])
        bias_grad = deltas.sum(axis=(0, 1))
        # Each parameter's gradient: the sum over the entries that use it.
        values = np.concatenate(
            [grads[id(m)][m.at] for m in self._matrices()]
            + [g.weight_entries(deltas[:, :, g.cols]) for g in self._gated]
            + [bias_grad]
        )
        self._grad = np.bincount(
            self._users, weights=values, minlength=len(self._parameters)
        )
        self._has_gradients = True

    def _backward_loop(self, errors, deltas, states, nets, full, ages) -> None:
        """Each step's deltas of the loop's neurons, from the last step to the first."""
        if full:
            self._backward_loop_full(errors[:, 0], deltas, states, nets)
            return
        n_steps, n_batch = states.shape[:2]
        step_deltas = np.empty((ages, n_batch, self._n_neurons), dtype=self.dtype)
        for t in reversed(range(n_steps)):
            error, now = errors[t], states[t]
            if ages == 1:  # written straight into the step's deltas, no copy
                step_deltas = deltas[t][np.newaxis]
            for group in reversed(self._core):
                delta = error[..., group.state] * slope(
                    group, now[:, group.state], nets[t][:, group.cols]
                )
                step_deltas[..., group.cols] = delta
                m = group.instant
                if m is not None:
                    error[..., m.rows] += step_deltas[..., m.cols] @ m.weight_t
                elif isinstance(group, GatedGroup):
                    group.backward(t, step_deltas[..., group.cols], errors, ages)
            total = step_deltas[0]
            if ages > 1:
                total = step_deltas.sum(axis=0)
                for group in self._core:
                    deltas[t][:, group.cols] = total[:, group.cols]
            for m in self._delayed_core:
                d = m.delay
                if t < d:
                    continue
                if full:
                    errors[t - d, 0][:, m.rows] += total[:, m.cols] @ m.weight_t
                elif d < ages:
                    # Age a here is age a + d there; errors of age k are dropped.
                    errors[t - d, d:][..., m.rows] += (
                        step_deltas[: ages - d][..., m.cols] @ m.weight_t
                    )

    def _backward_loop_full(self, errors, deltas, states, nets) -> None:
        """:meth:`_backward_loop` without truncation: one error per step, (T, batch, state)."""
        groups = [
            (g.cols, g.state, g.activation, g.instant, getattr(g, "backward", None))
            for g in reversed(self._core)
        ]
        delayed = [(m.delay, m.rows, m.cols, m.weight_t) for m in self._delayed_core]
        for t in reversed(range(len(states))):
            error, now, step = errors[t], states[t], deltas[t]
            for cols, state, activation, m, gated in groups:
                if activation is IDENTITY:  # f' = 1: an exact no-op skipped
                    step[:, cols] = error[:, state]
                elif activation.from_output is not None:
                    step[:, cols] = error[:, state] * activation.from_output(
                        now[:, state]
                    )
                else:
                    step[:, cols] = error[:, state] * activation.derivative(
                        nets[t][:, cols]
                    )
                if m is not None:
                    error[:, m.rows] += step[:, m.cols] @ m.weight_t
                elif gated is not None:
                    gated(t, step[:, cols], errors)
            for delay, rows, cols, weight_t in delayed:
                if t >= delay:
                    errors[t - delay][:, rows] += step[:, cols] @ weight_t

    @staticmethod
    def _past_times(states, start, m: Matrix, later: np.ndarray) -> np.ndarray:
        """Σ_t S(t − d)[rows]ᵀ · later(t), the start standing in before step 0."""
        d, n_steps = m.delay, len(states)
        grad = np.zeros_like(m.weight)
        if d < n_steps:
            grad += flat(states[: n_steps - d, :, m.rows]).T @ flat(later[d:])
        early = later[: min(d, n_steps)]
        if start.ndim == 1:
            grad += np.outer(start[m.rows], early.sum(axis=(0, 1)))
        else:
            grad += start[:, m.rows].T @ early.sum(axis=0)
        return grad
