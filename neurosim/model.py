"""`Model`: the protocol both backends implement, and the public shell written once.

A backend — the node-by-node :class:`~neurosim.network.Network` or the
matrix-based :class:`~neurosim.compiled.CompiledNetwork` — provides a few
*kernels*; everything a user calls is built on them here, once: the input
checks, the messages, the NaN and infinity handling, ``predict``, ``step``,
``fit`` and one training step. :func:`neurosim.training.fit`, the teaching
tools and the file formats use the public methods below and nothing else.

The kernels (each backend's own; users never need to call them):

``prepare()``
    Make sure the model can compute now: fetch the newest parameter values,
    refuse a stale structure.
``propagate(batch, single)``
    A forward pass on validated input; return the outputs, (batch, n_outputs).
``output_matrix()``
    The outputs of the last pass, (batch, n_outputs).
``backpropagate(output_grads)``
    A backward pass from ∂L/∂outputs; sets every gradient.
``apply_update(optimizer)``
    One optimizer step from the gradients of the last backward pass.
``parameter_values()`` / ``restore_parameter_values(values)``
    A copy of every parameter, and putting it back (a diverged fit is undone).
``last_pass``, ``has_gradients``, ``n_inputs``, ``n_outputs``, ``output_neurons``, ``dtype``
    What the shell needs to know to check its arguments.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network.layered([2, 2, 1], seed=0)
>>> isinstance(net, Model), isinstance(net.compile(), Model)
(True, True)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import training
from ._checks import as_samples
from .errors import NumericalError, ParameterError, ShapeError, StateError
from .losses import Loss, get_loss
from .optimizers import Optimizer, step_optimizer

__all__ = ["Model"]


class Model(ABC):
    """What a backend provides, and the public methods built on it."""

    #: The floating-point type the model computes in.
    dtype = np.dtype(np.float64)

    # ------------------------------------------------------------------ kernels

    @property
    @abstractmethod
    def n_inputs(self) -> int:
        """The number of input neurons."""

    @property
    @abstractmethod
    def n_outputs(self) -> int:
        """The number of output neurons."""

    @property
    @abstractmethod
    def output_neurons(self) -> Sequence:
        """The output neurons, in order."""

    @property
    @abstractmethod
    def last_pass(self) -> tuple[int, bool] | None:
        """``(batch size, single sample?)`` of the last forward pass, or None."""

    @property
    @abstractmethod
    def has_gradients(self) -> bool:
        """Whether a backward pass has set gradients since the last forward pass."""

    @abstractmethod
    def prepare(self) -> None:
        """Make sure the model can compute now (newest values, fresh structure)."""

    @abstractmethod
    def propagate(self, batch: np.ndarray, single: bool) -> np.ndarray:
        """Forward pass on validated input; return outputs of shape (batch, n_outputs)."""

    @abstractmethod
    def output_matrix(self) -> np.ndarray:
        """The outputs of the last forward pass, (batch, n_outputs)."""

    @abstractmethod
    def backpropagate(self, output_grads: np.ndarray) -> None:
        """Backward pass given ∂L/∂outputs of shape (batch, n_outputs)."""

    @abstractmethod
    def apply_update(self, optimizer: Optimizer) -> None:
        """One optimizer step from the gradients of the last backward pass."""

    @abstractmethod
    def parameter_values(self) -> list:
        """A copy of every parameter's value, for :meth:`restore_parameter_values`."""

    @abstractmethod
    def restore_parameter_values(self, values: list) -> None:
        """Put back values taken by :meth:`parameter_values`."""

    # ------------------------------------------------------------------ the shell

    def forward(self, x: ArrayLike) -> np.ndarray:
        """Propagate one sample or a batch through the network.

        Parameters
        ----------
        x : array_like
            One sample, shape ``(n_inputs,)``, or a batch, ``(batch, n_inputs)``.

        Returns
        -------
        ndarray
            The outputs: shape ``(n_outputs,)`` for one sample,
            ``(batch, n_outputs)`` for a batch.

        Raises
        ------
        ShapeError, DataError
            For a wrong shape, or values that are not finite numbers.
        TopologyError
            For a network without inputs or outputs, or with an output that
            no input reaches.
        StaleNetworkError
            For a compiled network whose graph has changed since.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([2, 1], activation="identity", seed=0)
        >>> net.connection("x1", "y1").weight, net.connection("x2", "y1").weight = 1.0, 2.0
        >>> net.forward([3.0, 4.0])
        array([11.])
        >>> net.compile().forward([[3.0, 4.0], [1.0, 0.0]])
        array([[11.],
               [ 1.]])
        """
        self.prepare()
        batch, single = as_samples(x, self.n_inputs, "input x")
        outputs = self.propagate(batch, single)
        # A copy: the caller must not hold a view of the model's state.
        return outputs[0].copy() if single else outputs.copy()

    def predict(self, x: ArrayLike) -> np.ndarray:
        """The network's outputs for ``x``: the same as :meth:`forward`.

        Examples
        --------
        >>> import neurosim as ns
        >>> ns.Network.layered([1, 1], activation="identity", seed=0).predict([[0.0]])
        array([[0.]])
        """
        return self.forward(x)

    def backward(self, target: ArrayLike, loss: str | Loss = "mse") -> float:
        """Backpropagate the loss of the last forward pass.

        Sets every gradient for the sample or batch of the last
        :meth:`forward` (replacing, not adding to, those of an earlier call),
        computed from the weights as they were in that pass. No weight changes.

        Parameters
        ----------
        target : array_like
            The target outputs, shaped like the last forward pass's outputs.
        loss : str or Loss, default "mse"
            See :mod:`neurosim.losses`.

        Returns
        -------
        float
            The loss (the mean over the batch).

        Raises
        ------
        StateError
            If no forward pass has been made since the network last changed.
        ShapeError, DataError
            For targets of the wrong shape or with non-finite values.
        NumericalError
            If the loss is NaN or infinite.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
        >>> net.connection("x1", "y1").weight = 2.0
        >>> net.forward([1.5])
        array([3.])
        >>> net.backward([1.0], loss="mse")     # (3 - 1)²
        4.0
        >>> net.connection("x1", "y1").grad     # 2 (3 - 1) · 1.5
        6.0
        """
        self.prepare()
        if self.last_pass is None:
            raise StateError(
                "backward needs the neuron outputs of a forward pass; call "
                "forward(x) first (again if the network changed since)"
            )
        loss = self.check_loss(loss)
        targets, single = as_samples(target, self.n_outputs, "target")
        batch, was_single = self.last_pass
        if single != was_single or targets.shape[0] != batch:
            expected = (
                f"({self.n_outputs},)" if was_single else f"({batch}, {self.n_outputs})"
            )
            raise ShapeError(
                f"target has shape {np.shape(target)} but the last forward pass was "
                f"{'one sample' if was_single else f'a batch of {batch}'}; "
                f"pass targets of shape {expected}"
            )
        outputs = self.output_matrix()
        targets = targets.astype(self.dtype, copy=False)
        value = loss.value(outputs, targets)
        if not np.isfinite(value):
            raise NumericalError(
                f"the {loss.name} loss is {value}: the outputs are {outputs.tolist()[:4]}; "
                "check the targets' range for this loss, or lower the learning rate if "
                "training diverged"
            )
        self.backpropagate(loss.gradient(outputs, targets))
        return value

    def step(self, lr: float = 0.1, optimizer: Optimizer | None = None) -> None:
        """Update every weight and bias from the gradients of the last :meth:`backward`.

        Frozen parameters keep their values; a shared one is updated once,
        from the sum of its connections' gradients.

        Parameters
        ----------
        lr : float, default 0.1
            The learning rate of plain gradient descent, ``w ← w − lr · grad``.
        optimizer : Optimizer, optional
            Use this update rule (and its running state) instead.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
        >>> net.connection("x1", "y1").weight = 2.0
        >>> _ = net.forward([1.0]); _ = net.backward([0.0], loss="sse")
        >>> net.step(lr=0.5)
        >>> net.connection("x1", "y1").weight   # 2 - 0.5 · 2
        1.0
        """
        self.prepare()
        if not self.has_gradients:
            raise StateError(
                "step needs gradients: call forward(x) and backward(target) first"
            )
        self.apply_update(step_optimizer(lr, optimizer))

    def fit(self, X: ArrayLike, Y: ArrayLike, **options) -> training.History:
        """Train by mini-batch gradient descent; the options are those of :func:`neurosim.training.fit`.

        ``epochs``, ``lr``, ``loss``, ``optimizer``, ``batch_size``,
        ``shuffle``, ``seed``, ``validation_data``, ``metrics``,
        ``callbacks``, ``progress``: stated once, there. The same seed,
        optimizer and options give the same schedule (shuffling, batches,
        update order) in both backends, hence the same weights to round-off.

        Examples
        --------
        >>> import neurosim as ns
        >>> X, Y = ns.datasets.xor()
        >>> net = ns.Network.layered([2, 4, 1], seed=0)
        >>> history = net.fit(X, Y, epochs=2000, lr=0.5, seed=0)
        >>> net.predict(X).round().ravel()
        array([0., 1., 1., 0.])
        """
        self.prepare()
        return training.fit(self, X, Y, **options)

    def check_loss(self, loss: str | Loss) -> Loss:
        """The loss for a name (or object), checked against the output activations.

        Examples
        --------
        >>> import neurosim as ns
        >>> ns.Network.layered([2, 1], seed=0).check_loss("mse").name
        'mse'
        """
        loss = get_loss(loss)
        if loss.needs_identity_outputs:
            wrong = [
                n.name for n in self.output_neurons if n.activation.name != "identity"
            ]
            if wrong:
                raise ParameterError(
                    f"the {loss.name} loss applies a softmax to the output neurons' net "
                    f"inputs, so the outputs must use the 'identity' activation; {wrong} "
                    "do not. Build with output_activation='identity'."
                )
        return loss

    def train_batch(
        self, X: np.ndarray, Y: np.ndarray, loss: Loss, optimizer: Optimizer
    ) -> float:
        """One training step on validated data: forward, backward, update; return the loss."""
        outputs = self.propagate(X, single=X.shape[0] == 1)
        value, output_grads = loss.value_and_gradient(outputs, Y)
        self.backpropagate(output_grads)
        self.apply_update(optimizer)
        return value
