"""The learning rules tutorials teach before backpropagation: perceptron and delta rule.

Both train a single layer: output neurons fed directly by the inputs.

* The **perceptron rule** (Rosenblatt) trains threshold units, which
  gradient descent cannot train (the ``step`` activation's derivative is
  zero): for each sample, ``w ← w + lr·(t − y)·x`` and ``b ← b + lr·(t − y)``,
  where ``y`` is the neuron's 0/1 output. It converges in a finite number of
  epochs if and only if the data are linearly separable.
* The **delta rule** (Widrow–Hoff, ADALINE) uses the error of the *linear*
  net input instead: ``w ← w + lr·(t± − net)·x``, with the 0/1 target
  written as t± = −1/+1 as in ADALINE. It minimises the squared error of the
  linear part, separable data or not; with online updates it settles into a
  cycle that returns to the same weights every epoch, which counts as converged.

Examples
--------
>>> import neurosim as ns
>>> net = ns.Network()
>>> _ = net.add_input("x1"); _ = net.add_input("x2")
>>> _ = net.add_output("y", activation="step")
>>> _ = net.connect("x1", "y", 0.0); _ = net.connect("x2", "y", 0.0)
>>> X, Y = ns.datasets.logic_gate("and")
>>> result = train_single_layer(net, X, Y, rule="perceptron", epochs=20)
>>> result.converged, net.predict(X).ravel().tolist()
(True, [0.0, 0.0, 0.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_training_data, check_count, check_positive
from ._registry import check_choice
from .errors import TopologyError
from .history import History, check_callbacks, run_epochs

__all__ = ["RuleResult", "train_single_layer"]


class RuleResult(History):
    """What :func:`train_single_layer` did: a :class:`~neurosim.history.History` that converged or not.

    Series per epoch: ``errors`` (misclassified samples, output ≠ target)
    and ``loss`` (their fraction for the perceptron rule; for the delta rule
    the mean squared error of the net inputs against the ±1 targets, the
    quantity it lowers), both counted during the epoch, as the rule sees them.

    Attributes
    ----------
    converged : bool
        Perceptron rule: an epoch classified every sample right. Delta rule:
        no weight ended an epoch more than ``tol`` from where it began it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.converged = False

    @property
    def errors(self) -> list[int]:
        """Misclassified samples in each epoch."""
        return self.history.get("errors", [])

    def __repr__(self) -> str:
        return f"RuleResult(converged={self.converged}, epochs={self.epochs})"


def train_single_layer(
    net,
    X: ArrayLike,
    Y: ArrayLike,
    rule: str = "perceptron",
    epochs: int = 100,
    lr: float = 1.0,
    tol: float = 1e-6,
    callbacks: Sequence[Callable] = (),
) -> RuleResult:
    """Train a single-layer network with the perceptron rule or the delta rule.

    Stops when the rule has converged or after ``epochs`` epochs, never
    looping forever: on data that are not linearly separable (XOR) the
    perceptron rule reports ``converged=False``. Frozen weights and biases
    keep their values. If training stops with an exception (a callback
    raised, Ctrl-C), the parameters are put back as they were.

    Parameters
    ----------
    net : Network
        Every non-input neuron must be an output fed only by input neurons.
    X, Y : array_like
        Samples, and 0/1 targets (one column per output neuron).
    rule : {"perceptron", "delta"}
    epochs : int, default 100
    lr : float, default 1.0
    tol : float, default 1e-6
        Delta rule: converged when no weight moves more than this over an epoch.
    callbacks : sequence of callable
        Each is called as ``callback(epoch, history, net)`` after an epoch,
        as in every trainer; a true return value stops training.

    Returns
    -------
    RuleResult
        A :class:`~neurosim.history.History` with ``converged``.

    Raises
    ------
    TopologyError
        If the network is not a single layer.
    """
    check_choice(rule, ("perceptron", "delta"), "rule")
    epochs, lr = check_count(epochs, "epochs"), check_positive(lr, "learning rate lr")
    callbacks = check_callbacks(callbacks)
    layer = _single_layer(net)
    X, Y = as_training_data(X, Y, net, "training")
    before = net.parameter_values()
    result = RuleResult()

    def epoch(t: int) -> dict[str, float]:
        start = np.array(net.parameter_values())
        wrong, squared = _epoch(net, layer, X, Y, rule, lr)
        moved = np.abs(np.array(net.parameter_values()) - start).max()
        result.converged = bool((wrong == 0) if rule == "perceptron" else (moved < tol))
        loss = wrong / X.shape[0] if rule == "perceptron" else squared / Y.size
        return {"loss": loss, "errors": wrong}

    return run_epochs(
        epoch, epochs, net, undo=lambda: net.restore_parameter_values(before),
        callbacks=callbacks, stop=lambda: result.converged, history=result,
    )  # fmt: skip


def _epoch(net, layer, X, Y, rule: str, lr: float) -> tuple[int, float]:
    """One pass over the samples in order; the misclassified count and squared error."""
    wrong, squared = 0, 0.0
    for x, t in zip(X.tolist(), Y.tolist()):
        net.forward(x)
        for (neuron, incoming), target in zip(layer, t):
            predicted = float(neuron.output >= 0.5)
            wrong += predicted != target
            if rule == "perceptron":
                error = target - predicted
            else:  # ADALINE fits the net input to the bipolar target -1/+1
                error = (2.0 * target - 1.0) - neuron.net
            squared += error * error
            # Frozen parameters keep their values, as in every trainer.
            for c in incoming:
                if c.parameter.trainable:
                    c.weight += lr * error * c.source.output
            if neuron.bias_parameter.trainable:
                neuron.bias += lr * error
    return int(wrong), squared


def _single_layer(net):
    steps = net.evaluation_order
    for neuron, incoming in steps:
        if neuron.role != "output" or any(not c.source.is_input for c in incoming):
            raise TopologyError(
                f"the perceptron and delta rules train a single layer: output neurons fed "
                f"only by inputs; {neuron.name!r} is not one. Use fit() for deeper networks."
            )
    outputs = net.outputs
    by_neuron = dict(steps)
    return [(n, by_neuron[n]) for n in outputs]
