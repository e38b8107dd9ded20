"""Training an RBM: contrastive divergence (CD-k) and persistent CD, mini-batch by mini-batch.

The training half of :class:`~neurosim.memory.rbm.RBM`: ``fit`` and the
steps it takes, on the matrix path or unit by unit over the graph.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from .._checks import SeedLike, check_count, check_positive, check_seed
from ..errors import NumericalError, unknown_name
from ..history import History, check_callbacks, run_epochs
from .units import sigmoid_array

__all__ = [
    "METHODS", "PATHS", "ChainStates", "ContrastiveDivergence", "check_path",
    "sample_units", "sigmoid_in_place",
]  # fmt: skip

METHODS = ("pcd", "cd")
PATHS = ("graph", "matrix")


def sigmoid_in_place(x: np.ndarray) -> np.ndarray:
    """σ(x) in place: the one σ of the memory models (:func:`.units.sigmoid_array`)."""
    return sigmoid_array(x, out=x)


def check_path(path: str) -> str:
    """The computation path: "graph" (unit by unit over the graph) or "matrix".

    The same word as the Hopfield network's; "neurons", its first name here,
    still works for one release, with a DeprecationWarning.
    """
    if path == "neurons":
        warnings.warn(
            "path='neurons' is now path='graph' (the word every model uses)",
            DeprecationWarning,
            stacklevel=3,
        )
        return "graph"
    if path not in PATHS:
        raise unknown_name("path", path, PATHS)
    return path


class ContrastiveDivergence:
    """``fit`` and its steps (the parts of an RBM that train it)."""

    # ------------------------------------------------------------------ training

    def fit(
        self,
        X: ArrayLike,
        epochs: int = 10,
        lr: float = 0.1,
        batch_size: int = 10,
        method: str = "pcd",
        k: int = 1,
        seed: SeedLike = None,
        shuffle: bool = False,
        progress: bool = False,
        path: str = "matrix",
        monitor: bool = True,
        callbacks: Sequence[Callable] = (),
    ) -> History:
        """Train by contrastive divergence (CD-k) or persistent CD (PCD).

        For each mini-batch, every parameter moves by ``lr`` times the
        difference between the data's statistics (hidden probabilities given
        the batch) and the model's (after ``k`` Gibbs steps of the negative
        chains): ``W += lr (⟨h vᵀ⟩_batch − ⟨h vᵀ⟩_chains)``, likewise the
        biases. CD restarts the chains at the batch; PCD keeps
        ``batch_size`` chains running across batches and epochs, starting
        from all-zero hidden units (scikit-learn's ``BernoulliRBM``).

        Parameters
        ----------
        X : array_like, shape (n_samples, n_visible)
            Values in [0, 1]: binary data, or probabilities of a unit being on
            (grey levels scaled to [0, 1], as scikit-learn accepts them).
        epochs : int, default 10
        lr : float, default 0.1
            The learning rate (scikit-learn's ``learning_rate``).
        batch_size : int, default 10
        method : {"pcd", "cd"}, default "pcd"
        k : int, default 1
            Gibbs steps per update.
        seed : int, Generator or None
            All sampling (and the shuffling) draws from it.
        shuffle : bool, default False
            Visit the samples in a new random order each epoch (scikit-learn
            keeps their order).
        progress : bool, default False
            A tqdm progress bar with the pseudo-likelihood.
        path : {"matrix", "graph"}
            How the units are computed (see :meth:`gibbs`); the same samples.
        monitor : bool, default True
            Record the history below after every epoch (about a third of
            the time of a small model's epoch). False records nothing.
        callbacks : sequence of callable
            Each is called as ``callback(epoch, history, rbm)`` after an
            epoch, as in every trainer; a true return value stops training.

        Returns
        -------
        History
            After each epoch, with ``monitor``: ``pseudo_likelihood`` (the
            mean of :meth:`score_samples` on ``X``), ``loss`` (its negative,
            the quantity training lowers) and ``reconstruction_error`` (the
            mean squared difference between ``X`` and :meth:`reconstruct`).
            ``history.epochs`` counts the epochs run either way.

        Raises
        ------
        DataError, ShapeError, ParameterError
            For data outside [0, 1], a wrong width, or bad settings; nothing
            is changed.
        NumericalError
            If the parameters stop being finite (the learning rate is too
            large). On this or any other exception (Ctrl-C included) the
            parameters are put back as they were before ``fit``.
        """
        visible = self._visible(X, "X")
        epochs = check_count(epochs, "epochs")
        lr = check_positive(lr, "lr")
        batch_size = check_count(batch_size, "batch_size")
        k = check_count(k, "k")
        if method not in METHODS:
            raise unknown_name("method", method, METHODS)
        path = check_path(path)
        callbacks = check_callbacks(callbacks)
        rng = check_seed(seed)
        data = np.hstack([visible, np.ones((len(visible), 1))])
        states = ChainStates(
            min(batch_size, len(visible)), self.n_visible, self.n_hidden
        )
        before = self._joint.copy()

        def undo() -> None:
            self._joint[...] = before
            self._graph = self._edges = None

        def epoch(t: int) -> dict[str, float]:
            self._graph = self._edges = None  # the graph view is stale from now on
            batches = data[rng.permutation(len(data))] if shuffle else data
            # Overflow shows as inf in the parameters, checked right below.
            with np.errstate(over="ignore", invalid="ignore"):
                if path == "matrix" and method == "pcd" and k == 1:
                    self._pcd_epoch(batches, batch_size, states, lr, rng)
                else:
                    for start in range(0, len(batches), batch_size):
                        batch = batches[start : start + batch_size]
                        self._update(batch, states, lr, method, k, rng, path)
            if not np.isfinite(self._joint).all():
                raise NumericalError(
                    f"the RBM's parameters became NaN or infinite in epoch "
                    f"{t + 1} (lr={lr:g} is too large?); they are "
                    "put back as they were before fit"
                )
            return self._monitor(visible, rng) if monitor else {}

        return run_epochs(
            epoch, epochs, self, undo=undo, callbacks=callbacks, progress=progress,
            desc="RBM", postfix=lambda logs: (
                {"pl": f"{logs['pseudo_likelihood']:.3f}"} if logs else {}
            ),
        )  # fmt: skip

    def _monitor(self, visible: np.ndarray, rng: np.random.Generator) -> dict:
        """The epoch's pseudo-likelihood and reconstruction error, sharing one product."""
        fields = self._fields(visible)
        units = rng.integers(0, self.n_visible, len(visible))
        score = self._pseudo_likelihood(visible, units, fields)
        reconstruction = sigmoid_in_place(
            sigmoid_in_place(fields) @ self._weights + self._visible_bias
        )
        reconstruction -= visible
        return {
            "loss": -float(score.mean()),
            "pseudo_likelihood": float(score.mean()),
            "reconstruction_error": float(np.mean(reconstruction**2)),
        }

    def _pcd_epoch(self, batches, batch_size, states, lr, rng) -> None:
        """One epoch of PCD-1 with matrix products: :meth:`_update`'s steps, inlined.

        The common case, written out once more for speed (no call per step);
        the tests check that it draws the same samples and ends at the same
        parameters as the general step on the neuron-by-neuron path.
        """
        n_hidden, n_visible = self.n_hidden, self.n_visible
        joint = self._joint
        to_hidden, to_visible = joint[:n_hidden].T, joint[:, :n_visible]
        chains, chain_units = states.chains, states.chains[:, :n_hidden]
        visible, visible_units = states.visible, states.visible[:, :n_visible]
        negative, negative_units = states.negative, states.negative[:, :n_hidden]
        scale_negative = lr / len(chains)
        for start in range(0, len(batches), batch_size):
            batch = batches[start : start + batch_size]
            positive = states.positive[: len(batch)]
            units = positive[:, :n_hidden]
            np.matmul(batch, to_hidden, out=units)
            sigmoid_in_place(units)
            np.matmul(chains, to_visible, out=visible_units)
            sigmoid_in_place(visible_units)
            np.less(rng.random(visible_units.shape), visible_units, out=visible_units)
            np.matmul(visible, to_hidden, out=negative_units)
            sigmoid_in_place(negative_units)
            joint += (lr / len(batch)) * (positive.T @ batch)
            joint -= scale_negative * (negative.T @ visible)
            np.less(rng.random(chain_units.shape), negative_units, out=chain_units)

    def _update(self, batch, states, lr, method, k, rng, path) -> None:
        """One mini-batch step, in place; ``batch`` and every state end in a 1.

        PCD's chains continue from ``states.chains``; CD's start at the batch.
        """
        m = len(batch)
        positive = self._hidden_fields(batch, states.positive[:m], path)
        if method == "cd":
            hidden = sample_units(positive, rng, states.start[:m], True)
        else:
            hidden = states.chains
        for step in range(k):
            visible = sample_units(
                self._visible_fields(hidden, states.visible[: len(hidden)], path),
                rng,
                states.visible[: len(hidden)],
                True,
            )
            negative = self._hidden_fields(
                visible, states.negative[: len(hidden)], path
            )
            if step < k - 1:
                hidden = sample_units(negative, rng, states.start[: len(hidden)], True)
        self._joint += (lr / m) * (positive.T @ batch)
        self._joint -= (lr / len(visible)) * (negative.T @ visible)
        if method == "pcd":
            sample_units(negative, rng, states.chains, True)
        if path == "graph":
            self._graph = self._edges = None  # the graph shows the new weights

    def _hidden_fields(self, visible, out, path) -> np.ndarray:
        """p(h | v) into ``out[:, :-1]`` (its last column stays 1); returns ``out``."""
        units = self.n_hidden
        if path == "matrix":
            np.matmul(visible, self._joint[:units].T, out=out[:, :units])
            sigmoid_in_place(out[:, :units])
        else:
            out[:, :units] = self._hidden_probabilities(visible[:, :-1], path)
        return out

    def _visible_fields(self, hidden, out, path) -> np.ndarray:
        """p(v | h) into ``out[:, :-1]`` (its last column stays 1); returns ``out``."""
        units = self.n_visible
        if path == "matrix":
            np.matmul(hidden, self._joint[:, :units], out=out[:, :units])
            sigmoid_in_place(out[:, :units])
        else:
            out[:, :units] = self._visible_probabilities(hidden[:, :-1], path)
        return out


class ChainStates:
    """The unit states of one mini-batch step, allocated once per fit; each ends in a 1.

    Column-major, so that the units' columns (all but the last) are one
    contiguous block for the elementwise steps.
    """

    def __init__(self, batch_size: int, n_visible: int, n_hidden: int) -> None:
        self.positive, self.negative, self.start, self.chains = (
            np.ones((batch_size, n_hidden + 1), order="F") for _ in range(4)
        )
        self.chains[:, :-1] = (
            0.0  # PCD starts with every hidden unit off, as scikit-learn
        )
        self.visible = np.ones((batch_size, n_visible + 1), order="F")


def sample_units(
    probabilities: np.ndarray,
    rng: np.random.Generator,
    out: np.ndarray,
    augmented: bool = False,
) -> np.ndarray:
    """0/1 states into ``out``: on where a uniform draw falls below the probability.

    ``augmented``: the arrays end in a column of ones, which is not a unit
    and is left alone. ``out`` may be ``probabilities`` itself.
    """
    units = probabilities.shape[1] - augmented
    draws = rng.random((len(probabilities), units))
    np.less(draws, probabilities[:, :units], out=out[:, :units], casting="unsafe")
    return out
