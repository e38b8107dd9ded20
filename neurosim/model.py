"""`Model`: the protocol both backends implement, and the public shell written once.

A backend — the node-by-node :class:`~neurosim.network.Network` or the
matrix-based :class:`~neurosim.compiled.CompiledNetwork` — provides a few
*kernels*; everything a user calls is built on them here, once: the input
checks, the messages, the NaN and infinity handling, ``predict``, ``step``,
``fit`` and one training step. :func:`neurosim.training.fit`, the teaching
tools and the file formats use the public methods below and nothing else.

The kernels (each backend's own; users never need to call them):

``values_version()``
    A number that changes whenever a parameter's value changes: ``backward``
    refuses to mix a forward pass with values edited since.
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
``add_weight_penalty(l1, l2)``
    Add the gradient of the weight penalty ``l1·Σ|w| + l2·Σw²/2`` to the
    weights' gradients (``fit(l1=..., l2=...)``), each parameter once.
``parameter_values()`` / ``restore_parameter_values(values)``
    A copy of every parameter, and putting it back (a diverged fit is undone).
``trainable_values()`` / ``load_trainable_values(vector)`` / ``candidate_outputs(X, vectors)``
    The trainable parameters as one vector (each shared parameter once, the
    frozen ones left out), writing one, and the outputs of many candidate
    vectors (gradient-free training evaluates whole populations).
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
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import training
from ._checks import (
    SeedLike,
    as_float_array,
    as_samples,
    as_sequences,
    as_step_targets,
    as_training_data,
    class_labels_as_rows,
    images_as_rows,
)
from .errors import (
    NumericalError,
    ParameterError,
    ShapeError,
    StateError,
    suggest_options,
)
from .losses import Loss, get_loss, over_steps
from .optimizers import Optimizer, step_optimizer

__all__ = ["Model"]


class Model(ABC):
    """What a backend provides, and the public methods built on it."""

    #: The floating-point type the model computes in.
    dtype = np.dtype(np.float64)

    #: How to compute the same numbers faster, said when training is slow (or None).
    faster_path: str | None = None

    #: Whether the model has delayed connections, and so takes sequences.
    is_recurrent: bool = False

    #: Time steps of the last sequence or stream (0: none, or after ``reset_state``).
    stream_steps: int = 0

    #: (batch, T) of the last forward pass of sequences through a network
    #: without delays (each step on its own), or None.
    steps_of_last_pass: tuple[int, int] | None = None

    #: Whether the weights changed while a stream was advanced: its steps mix
    #: old and new values, and ``backward`` refuses them.
    stream_mixed: bool = False

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
    def values_version(self) -> int:
        """A number that changes whenever a parameter's value changes."""

    #: :meth:`values_version` at the last :meth:`forward` (backward checks it).
    forward_values_version: int | None = None

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
    def add_weight_penalty(self, l1: float, l2: float) -> None:
        """Add ``l1·sign(w) + l2·w`` to every trainable weight's gradient (not the biases')."""

    @abstractmethod
    def parameter_values(self) -> list:
        """A copy of every parameter's value, for :meth:`restore_parameter_values`."""

    @abstractmethod
    def restore_parameter_values(self, values: list) -> None:
        """Put back values taken by :meth:`parameter_values`."""

    @abstractmethod
    def trainable_values(self) -> np.ndarray:
        """The trainable parameters as one vector: a shared one once, frozen ones left out."""

    @abstractmethod
    def load_trainable_values(self, values: np.ndarray) -> None:
        """Write a checked vector of :meth:`trainable_values` into the model."""

    def candidate_outputs(self, batch: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """The outputs for each candidate parameter vector: (candidates, batch, n_outputs).

        Here one candidate after another is written and propagated; a backend
        may evaluate the whole population at once instead. Either way the
        model's own parameters are left as they were.
        """
        before = self.trainable_values()
        try:
            stack = []
            for vector in vectors:
                self.load_trainable_values(vector)
                stack.append(self.propagate(batch, single=False).copy())
            return np.stack(stack)
        finally:
            self.load_trainable_values(before)

    @property
    def input_shape(self) -> tuple[int, int, int] | None:
        """The grid the inputs form, ``(channels, rows, columns)``, or None.

        A convolutional network's inputs form one (see
        :meth:`~neurosim.network.Network.convolutional`); then its methods
        also take images.
        """
        return None

    # ------------------------------------------------------------------ the shell

    def input_rows(self, x: ArrayLike) -> ArrayLike:
        """``x`` with images flattened into rows of inputs, if the inputs form a grid.

        For inputs of shape ``(C, H, W)``: one image ``(H, W)`` (C = 1) or
        ``(C, H, W)``, or a batch ``(n, H, W)`` (C = 1) or ``(n, C, H, W)``,
        in the order of the input neurons (channel, row, column). Anything
        else is returned as it is.

        Examples
        --------
        >>> import numpy as np, neurosim as ns
        >>> from neurosim.layers import Conv, Dense
        >>> net = ns.Network.convolutional((4, 4), [Conv(2, 3), Dense(3)], seed=0)
        >>> net.predict(np.zeros((5, 4, 4))).shape, net.predict(np.zeros((4, 4))).shape
        ((5, 3), (3,))
        """
        return images_as_rows(x, self.input_shape)

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
        self.steps_of_last_pass = None
        if self.is_recurrent:
            batch, single = as_sequences(x, self.n_inputs, "input x")
            self.stream_mixed = False
        elif _is_3d(x) and self.input_shape is None:
            # Sequences through a network without delays: each step on its own.
            sequences, _ = as_sequences(x, self.n_inputs, "input x")
            self.steps_of_last_pass = sequences.shape[:2]
            outputs = self.propagate(sequences.reshape(-1, self.n_inputs), False)
            self.forward_values_version = self.values_version()
            return outputs.reshape(*self.steps_of_last_pass, -1).copy()
        else:
            batch, single = as_samples(self.input_rows(x), self.n_inputs, "input x")
        outputs = self.propagate(batch, single)
        self.forward_values_version = self.values_version()
        # A copy: the caller must not hold a view of the model's state.
        return outputs[0].copy() if single else outputs.copy()

    def advance(self, x: ArrayLike) -> np.ndarray:
        """One time step of a stream: the network keeps its state between calls.

        Continues from the last :meth:`forward` (a sequence) or
        :meth:`advance`, or starts at step 0 after :meth:`reset_state`;
        delayed connections read the steps before. :meth:`backward` then
        takes targets for every step since the start (backpropagation
        through the stream so far). A network without delays has no state:
        this is :meth:`forward`.

        Parameters
        ----------
        x : array_like
            One step's inputs, ``(n_inputs,)``, or one per stream of a batch,
            ``(batch, n_inputs)`` (the same batch at every step).

        Returns
        -------
        ndarray
            This step's outputs, ``(n_outputs,)`` or ``(batch, n_outputs)``.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network()
        >>> _ = net.add_input("x"); _ = net.add_output("y", activation="identity")
        >>> _ = net.connect("x", "y", weight=1.0); _ = net.connect("y", "y", weight=1.0, delay=1)
        >>> [float(net.advance([1.0])[0]) for _ in range(3)]     # a running sum
        [1.0, 2.0, 3.0]
        >>> net.reset_state(); float(net.advance([5.0])[0])
        5.0
        """
        if not self.is_recurrent:
            return self.forward(x)
        self.prepare()
        batch, single = as_samples(x, self.n_inputs, "input x")
        last = self.last_pass
        if self.stream_steps and last is not None and last != (len(batch), single):
            raise ShapeError(
                f"this stream has {'one sequence' if last[1] else f'{last[0]} sequences'}"
                f"; a step of shape {np.shape(x)} does not continue it. Call "
                "reset_state() to start a new stream"
            )
        if self.stream_steps and self.values_version() != self.forward_values_version:
            self.stream_mixed = True  # backward would mix old and new weights
        elif not self.stream_steps:
            self.stream_mixed = False
        outputs = self.propagate_step(batch, single)
        self.forward_values_version = self.values_version()
        return outputs[0].copy() if single else outputs.copy()

    def reset_state(self) -> None:
        """Start a new stream: the next :meth:`advance` is step 0, from the initial outputs."""
        self.stream_mixed = False
        self.reset_steps()

    def predict(self, x: ArrayLike) -> np.ndarray:
        """The network's outputs for ``x``: the same as :meth:`forward`.

        Examples
        --------
        >>> import neurosim as ns
        >>> ns.Network.layered([1, 1], activation="identity", seed=0).predict([[0.0]])
        array([[0.]])
        """
        return self.forward(x)

    def predict_proba(self, x: ArrayLike) -> np.ndarray:
        """Class probabilities for ``x``: one row per sample, one column per class.

        A softmax over the outputs when they are identity neurons (a network
        trained with ``cross_entropy``, whose outputs are logits); for a single
        output in [0, 1] (a sigmoid), the columns ``[1 − p, p]``, as
        scikit-learn gives them.

        Raises
        ------
        ParameterError
            For outputs that are neither (their values are not probabilities).

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([2, 3], output_activation="identity", seed=0)
        >>> float(net.predict_proba([[1.0, 0.5]]).sum())
        1.0
        """
        outputs = self.forward(x)
        rows = outputs.reshape(1, -1) if outputs.ndim == 1 else outputs
        activations = [n.activation for n in self.output_neurons]
        if self.n_outputs > 1 and all(a.name == "identity" for a in activations):
            shifted = np.exp(rows - rows.max(axis=1, keepdims=True))
            probabilities = shifted / shifted.sum(axis=1, keepdims=True)
        elif self.n_outputs == 1 and activations[0].within(0.0, 1.0):
            probabilities = np.hstack([1.0 - rows, rows])
        else:
            raise ParameterError(
                "predict_proba reads the outputs as probabilities: a softmax over "
                "identity outputs (trained with cross_entropy) or one sigmoid output; "
                f"this network's outputs use {sorted({a.name for a in activations})}. "
                "Use classify() for the predicted class"
            )
        return probabilities[0] if outputs.ndim == 1 else probabilities

    def classify(self, x: ArrayLike) -> np.ndarray | int:
        """The predicted class of each sample: the largest output, or ``output ≥ 0.5`` for one.

        Examples
        --------
        >>> import neurosim as ns
        >>> X, Y = ns.datasets.xor()
        >>> net = ns.Network.layered([2, 4, 1], seed=0)
        >>> _ = net.fit(X, Y, epochs=2000, lr=0.5, seed=0)
        >>> net.classify(X).tolist(), net.score(X, Y)
        ([0, 1, 1, 0], 1.0)
        """
        outputs = self.forward(x)
        if self.n_outputs == 1:
            classes = (outputs[..., 0] >= 0.5).astype(np.intp)
        else:
            classes = np.argmax(outputs, axis=-1)
        return int(classes) if classes.ndim == 0 else classes

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """The fraction of samples classified right (accuracy), as scikit-learn's ``score``.

        ``y`` holds class labels (0, 1, …), one-hot rows, or for one output
        0/1 targets (a target ≥ 0.5 counts as class 1).
        """
        predicted = np.atleast_1d(self.classify(X))
        truth = as_float_array(y, "y")
        if truth.ndim == 2 and truth.shape[1] == self.n_outputs and self.n_outputs > 1:
            truth = truth.argmax(axis=1)
        elif self.n_outputs == 1:
            truth = (truth.reshape(-1) >= 0.5).astype(np.intp)
        truth = truth.reshape(-1)
        if truth.shape != predicted.shape:
            raise ShapeError(
                f"y has {truth.size} labels but X has {predicted.size} samples; give one "
                "label (or one-hot row) per sample"
            )
        return float(np.mean(predicted == truth))

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
            If no forward pass has been made since the network last changed,
            or a weight or bias changed since it.
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
        if self.values_version() != self.forward_values_version:
            raise StateError(
                "the weights or biases changed since the last forward pass (an edit, a "
                "step or training), so its outputs no longer belong to them and the "
                "deltas would mix old and new values; run forward(x) again"
            )
        loss = self.check_loss(loss)
        if self.is_recurrent:
            if self.stream_mixed:
                raise StateError(
                    "the weights changed during the stream (between advance calls), "
                    "so its steps mix old and new values; reset_state() and run it again"
                )
            return self._backward_sequences(target, loss)
        if self.steps_of_last_pass is not None:
            # The steps of sequences, each on its own: targets per step.
            shape = (*self.steps_of_last_pass, self.n_outputs)
            targets = as_step_targets(target, shape, "target").reshape(-1, shape[-1])
            return self._backward_rows(targets, over_steps(loss))
        batch, was_single = self.last_pass
        if loss.needs_identity_outputs:
            labels = as_float_array(target, "target")
            if labels.ndim == 0 and was_single or labels.ndim == 1 and not was_single:
                target = class_labels_as_rows(
                    labels.reshape(-1), self.n_outputs, "target"
                )
                target = target[0] if was_single else target
        targets, single = as_samples(target, self.n_outputs, "target")
        if single != was_single or targets.shape[0] != batch:
            expected = (
                f"({self.n_outputs},)" if was_single else f"({batch}, {self.n_outputs})"
            )
            raise ShapeError(
                f"target has shape {np.shape(target)} but the last forward pass was "
                f"{'one sample' if was_single else f'a batch of {batch}'}; "
                f"pass targets of shape {expected}"
            )
        return self._backward_rows(targets, loss)

    def _backward_sequences(self, target: ArrayLike, loss: Loss) -> float:
        """:meth:`backward` for sequences: targets per step, NaN rows for no target."""
        outputs = self.output_matrix()
        return self._backward_rows(
            as_step_targets(target, outputs.shape, "target"), loss
        )

    def _backward_rows(self, targets: np.ndarray, loss: Loss) -> float:
        """The loss of the last pass's outputs against checked targets, backpropagated."""
        outputs = self.output_matrix()
        targets = targets.astype(self.dtype, copy=False)
        loss.check_outputs(outputs)
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

    @suggest_options
    def fit(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        *,
        epochs: int = 100,
        lr: float | None = None,
        loss: str | Loss = "mse",
        optimizer: str | Optimizer | None = None,
        batch_size: int | None = 1,
        shuffle: bool = True,
        seed: SeedLike = None,
        validation_data: tuple[ArrayLike, ArrayLike] | None = None,
        metrics: str | Callable | Sequence[str | Callable] = (),
        callbacks: Sequence[Callable] = (),
        progress: bool = False,
        restore: bool = True,
        max_evaluations: int | None = None,
        target_loss: float | None = None,
        steps_per_update: int | None = None,
        l1: float = 0.0,
        l2: float = 0.0,
    ) -> training.History:
        """Train by mini-batch gradient descent (see :func:`neurosim.training.fit`).

        With an evolution strategy as the ``optimizer`` (``ns.OnePlusOne()``,
        ``ns.MuLambda()``, ``ns.NaturalES()``, ``ns.AskTell(cma_es)``), train
        without gradients instead: ``epochs`` counts generations, and
        ``max_evaluations`` and ``target_loss`` stop the search early (see
        :func:`neurosim.evolution.evolve`).

        Every option is stated once, in :func:`neurosim.training.fit`. The
        same seed, optimizer and options give the same schedule (shuffling,
        batches, update order) in both backends, hence the same weights to
        round-off. A misspelt option gets "did you mean".

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
        return training.fit(
            self, X, Y, epochs=epochs, lr=lr, loss=loss, optimizer=optimizer,
            batch_size=batch_size, shuffle=shuffle, seed=seed,
            validation_data=validation_data, metrics=metrics, callbacks=callbacks,
            progress=progress, restore=restore, max_evaluations=max_evaluations,
            target_loss=target_loss, steps_per_update=steps_per_update, l1=l1, l2=l2,
        )  # fmt: skip

    def parameter_vector(self) -> np.ndarray:
        """The trainable parameters as one vector: each shared parameter once, no frozen one.

        The order is the order the parameters were created in; what
        :meth:`set_parameter_vector` and gradient-free training (or a
        ``cma`` strategy) work with.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([2, 1], seed=0)
        >>> net.freeze(net.connection("x1", "y1"))
        >>> net.parameter_vector().shape      # w(x2 -> y1) and the bias
        (2,)
        """
        self.prepare()
        return self.trainable_values().astype(np.float64)

    def set_parameter_vector(self, vector: ArrayLike) -> None:
        """Write a vector of :meth:`parameter_vector`'s shape into the trainable parameters.

        Raises
        ------
        ShapeError, DataError
            For a vector of the wrong length or with non-finite values; the
            model is left unchanged.
        """
        self.prepare()
        self.load_trainable_values(self.check_vectors(vector, one=True))

    def population_losses(
        self, X: ArrayLike, Y: ArrayLike, vectors: ArrayLike, loss: str | Loss = "mse"
    ) -> np.ndarray:
        """The loss on (X, Y) of each candidate parameter vector (one per row).

        The model's own parameters are left as they were. A candidate whose
        outputs overflow gets an infinite or NaN loss, not an error.

        Examples
        --------
        >>> import numpy as np, neurosim as ns
        >>> X, Y = ns.datasets.xor()
        >>> net = ns.Network.layered([2, 2, 1], seed=0)
        >>> here = net.parameter_vector()
        >>> losses = net.population_losses(X, Y, [here, here + 1.0])
        >>> bool(losses[0] == net.evaluate(X, Y))
        True
        """
        self.prepare()
        loss = self.check_loss(loss)
        X, Y = as_training_data(X, Y, self, "population", loss)
        vectors = self.check_vectors(vectors)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return loss.values(self.candidate_outputs(X, vectors), Y)

    def evaluate(self, X: ArrayLike, Y: ArrayLike, loss: str | Loss = "mse") -> float:
        """The loss of the model as it is on (X, Y).

        Examples
        --------
        >>> import neurosim as ns
        >>> X, Y = ns.datasets.xor()
        >>> round(ns.Network.layered([2, 1], activation="identity", seed=0).evaluate(X, Y), 6) >= 0
        True
        """
        self.prepare()
        loss = self.check_loss(loss)
        X, Y = as_training_data(X, Y, self, "evaluation", loss)
        return float(loss.value(self.propagate(X, single=False), Y))

    def check_vectors(self, vectors: ArrayLike, one: bool = False) -> np.ndarray:
        """Candidate parameter vectors checked: (n, n_trainable), finite; one if ``one``."""
        size = len(self.trainable_values())
        array = as_float_array(vectors, "the parameter vector" if one else "vectors")
        if one:
            fits = array.shape == (size,)
        else:
            fits = array.ndim == 2 and array.shape[1] == size and len(array) > 0
        if not fits:
            raise ShapeError(
                f"expected {'one vector of' if one else 'vectors, one per row, of'} "
                f"{size} values — one per trainable parameter (see parameter_vector()) "
                f"— got shape {array.shape}"
            )
        return array

    def check_loss(self, loss: str | Loss) -> Loss:
        """The loss for a name (or object), checked against the output activations.

        Examples
        --------
        >>> import neurosim as ns
        >>> ns.Network.layered([2, 1], seed=0).check_loss("mse").name
        'mse'
        """
        loss = get_loss(loss)
        if loss.output_range is not None:
            low, high = loss.output_range
            for neuron in self.output_neurons:
                known = neuron.activation.output_range
                if known is not None and not neuron.activation.within(low, high):
                    raise ParameterError(
                        f"the {loss.name} loss needs outputs in [{low:g}, {high:g}], but "
                        f"the output neuron {neuron.name!r} uses "
                        f"{neuron.activation.name}, whose outputs range over "
                        f"[{known[0]:g}, {known[1]:g}]. Use output_activation='sigmoid', "
                        "or the cross_entropy loss on identity outputs"
                    )
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
        # Sequences: the loss over the steps that have a target.
        return over_steps(loss) if self.is_recurrent else loss

    def train_batch(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        loss: Loss,
        optimizer: Optimizer,
        penalty: tuple[float, float] = (0.0, 0.0),
    ) -> float:
        """One training step on validated data: forward, backward, update; return the loss.

        ``penalty`` is ``(l1, l2)``: the weight penalty's gradient joins the
        loss's before the update. The returned loss is the data's alone.
        """
        outputs = self.propagate(X, single=X.shape[0] == 1)
        value, output_grads = loss.value_and_gradient(outputs, Y)
        self.backpropagate(output_grads)
        if penalty[0] or penalty[1]:
            self.add_weight_penalty(*penalty)
        self.apply_update(optimizer)
        return value


def _is_3d(x) -> bool:
    """Whether ``x`` is (batch, T, ·): an array, or lists nested three deep.

    Cheap for the one sample of an online loop (no array is made); a ragged
    list is left to the checks that name its problem.
    """
    if isinstance(x, np.ndarray):
        return x.ndim == 3
    depth = 0
    while isinstance(x, (list, tuple, np.ndarray)) and len(x) and depth < 4:
        x, depth = x[0], depth + 1
    return depth == 3
