"""`RBM`: a restricted Boltzmann machine of binary units.

Visible units ``v`` and hidden units ``h`` (0/1 each) with weights only
between the two layers, never within one. The energy of a joint state is

    E(v, h) = −bᵀv − cᵀh − hᵀWv

(``W`` has one row per hidden unit: that unit's *filter* over the visible
units), so given the visible layer the hidden units are independent, each on
with probability ``σ(c_j + Σ_i w_ji v_i)``, and the other way round. One
*Gibbs step* samples every hidden unit from the visible layer, then every
visible unit from the hidden one. The free energy of a visible state sums the
hidden units out,

    F(v) = −bᵀv − Σ_j log(1 + exp(c_j + Σ_i w_ji v_i)),   p(v) = exp(−F(v)) / Z.

Training follows the log-likelihood gradient, ⟨v hᵀ⟩ under the data minus
⟨v hᵀ⟩ under the model, with the model's side estimated by short Gibbs
chains: started at the data (contrastive divergence, CD-k) or kept running
from one mini-batch to the next (persistent CD, PCD — what scikit-learn's
``BernoulliRBM`` does).

As in the Hopfield network, the matrices are the single source of truth; the
bipartite networkx graph ``rbm.graph`` is derived from them, and every
sampling method can run neuron by neuron over that graph (``path="graph"``,
the teaching path) or with matrix products (``path="matrix"``): both draw the
same random numbers in the same order, so they give the same samples for the
same seed.

Examples
--------
>>> import numpy as np
>>> import neurosim as ns
>>> X = np.array([[1, 1, 0, 0], [0, 0, 1, 1]] * 20, dtype=float)
>>> rbm = ns.RBM(4, 2, seed=0)
>>> history = rbm.fit(X, epochs=200, lr=0.1, batch_size=4, seed=0)
>>> rbm.reconstruct([[1, 1, 0, 0]]).round().tolist()
[[1.0, 1.0, 0.0, 0.0]]
>>> bool(rbm.free_energy([1, 1, 0, 0]) < rbm.free_energy([1, 0, 1, 0]))  # data lies lower
True
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike

from .._checks import (
    SeedLike,
    as_float_array,
    check_count,
    check_memory,
    check_name,
    check_positive,
    check_seed,
)
from ..errors import DataError, NumericalError, ParameterError, ShapeError, unknown_name
from ..history import History, call_callbacks, check_callbacks, progress_bar
from .units import all_states, read_only, sigmoid_array

__all__ = ["RBM"]

PATHS = ("graph", "matrix")
METHODS = ("pcd", "cd")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) in place: the one σ of the memory models (:func:`.units.sigmoid_array`)."""
    return sigmoid_array(x, out=x)


def _softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + eˣ) = max(x, 0) + log1p(e^−|x|): no overflow, full precision."""
    out = np.abs(x)
    np.negative(out, out=out)
    np.exp(out, out=out)
    np.log1p(out, out=out)
    out += np.maximum(x, 0.0)
    return out


def _names(spec: int | Sequence[str], prefix: str, what: str) -> list[str]:
    if isinstance(spec, (str, bytes)) or not isinstance(
        spec, (int, np.integer, Sequence)
    ):
        raise ParameterError(f"{what} must be a number of units or a list of names")
    if isinstance(spec, Sequence):
        names = [check_name(name, f"a unit's name in {what}") for name in spec]
        if not names:
            raise ParameterError(f"{what} must name at least one unit")
        return names
    return [f"{prefix}{i}" for i in range(check_count(spec, what))]


class RBM:
    """A restricted Boltzmann machine: binary visible and hidden units, bipartite.

    Parameters
    ----------
    n_visible, n_hidden : int or sequence of str
        The number of units of each layer (named ``v0, v1, …`` and
        ``h0, h1, …``) or their names.
    seed : int, Generator or None
        Seed of the initial weights, drawn from N(0, 0.01²) as scikit-learn
        does; the biases start at zero.

    Attributes
    ----------
    visible_names, hidden_names : list of str
        The units' names, the nodes of :attr:`graph`.

    Examples
    --------
    >>> rbm = RBM(3, 2, seed=0)
    >>> rbm
    RBM(3 visible, 2 hidden)
    >>> rbm.weights.shape, rbm.graph.number_of_edges()
    ((2, 3), 6)
    """

    def __init__(
        self,
        n_visible: int | Sequence[str],
        n_hidden: int | Sequence[str],
        seed: SeedLike = None,
    ) -> None:
        sizes = [
            n if isinstance(n, (int, np.integer)) else None
            for n in (n_visible, n_hidden)
        ]
        if all(isinstance(n, (int, np.integer)) and n > 0 for n in sizes):
            # [[W, c], [b, 0]], its gradient and a copy while training.
            check_memory(
                24.0 * (int(sizes[0]) + 1) * (int(sizes[1]) + 1),
                f"an RBM of {sizes[0]:,} visible and {sizes[1]:,} hidden units",
                "use fewer units",
            )
        self.visible_names = _names(n_visible, "v", "n_visible")
        self.hidden_names = _names(n_hidden, "h", "n_hidden")
        names = self.visible_names + self.hidden_names
        if len(set(names)) != len(names):
            raise ParameterError(f"unit names must be unique, got {names}")
        rng = check_seed(seed)
        n_hidden, n_visible = len(self.hidden_names), len(self.visible_names)
        # One matrix holds every parameter, [[W, c], [b, 0]], so that a unit's
        # field with its bias is one product with a state that ends in a 1, and
        # one outer product updates weights and biases together. W, b and c are
        # views of it, the only copy.
        self._joint = np.zeros((n_hidden + 1, n_visible + 1))
        self._joint[:n_hidden, :n_visible] = rng.normal(
            0.0, 0.01, (n_hidden, n_visible)
        )
        self._weights = self._joint[:n_hidden, :n_visible]
        self._hidden_bias = self._joint[:n_hidden, n_visible]
        self._visible_bias = self._joint[n_hidden, :n_visible]
        self._graph: nx.Graph | None = None
        self._edges: tuple | None = None

    # ------------------------------------------------------------------ views

    @property
    def n_visible(self) -> int:
        return len(self.visible_names)

    @property
    def n_hidden(self) -> int:
        return len(self.hidden_names)

    @property
    def weights(self) -> np.ndarray:
        """W, shape (n_hidden, n_visible), read-only: row j is hidden unit j's filter."""
        return read_only(self._weights)

    @property
    def visible_bias(self) -> np.ndarray:
        """b, shape (n_visible,), read-only."""
        return read_only(self._visible_bias)

    @property
    def hidden_bias(self) -> np.ndarray:
        """c, shape (n_hidden,), read-only."""
        return read_only(self._hidden_bias)

    def set_parameters(
        self,
        weights: ArrayLike | None = None,
        visible_bias: ArrayLike | None = None,
        hidden_bias: ArrayLike | None = None,
    ) -> None:
        """Replace any of W, b and c; all are checked before any is changed.

        Examples
        --------
        >>> rbm = RBM(2, 1)
        >>> rbm.set_parameters(weights=[[1.0, -1.0]], hidden_bias=[0.5])
        >>> rbm.weights.tolist(), rbm.hidden_bias.tolist()
        ([[1.0, -1.0]], [0.5])
        """
        new = {}
        for name, value, shape in (
            ("weights", weights, self._weights.shape),
            ("visible_bias", visible_bias, self._visible_bias.shape),
            ("hidden_bias", hidden_bias, self._hidden_bias.shape),
        ):
            if value is not None:
                array = as_float_array(value, name)
                if array.shape != shape:
                    raise ShapeError(
                        f"{name} must have shape {shape} for an RBM of "
                        f"{self.n_visible} visible and {self.n_hidden} hidden units, "
                        f"got {array.shape}"
                    )
                new[name] = array.copy()
        for name, array in new.items():
            getattr(self, f"_{name}")[...] = array
        if new:
            self._graph = self._edges = None

    @property
    def graph(self) -> nx.Graph:
        """The machine as a frozen, bipartite networkx graph.

        Nodes carry ``bipartite`` (0 visible, 1 hidden, networkx's convention),
        ``layer`` and ``bias``; every visible–hidden pair is an edge with its
        ``weight``. Derived from the matrices, rebuilt after they change.

        Examples
        --------
        >>> import networkx as nx
        >>> rbm = RBM(2, 1)
        >>> nx.is_bipartite(rbm.graph), sorted(rbm.graph["h0"])
        (True, ['v0', 'v1'])
        """
        if self._graph is None:
            graph = nx.Graph()
            for layer, part, names, bias in (
                ("visible", 0, self.visible_names, self._visible_bias),
                ("hidden", 1, self.hidden_names, self._hidden_bias),
            ):
                graph.add_nodes_from(
                    (name, {"bipartite": part, "layer": layer, "bias": b})
                    for name, b in zip(names, bias.tolist())
                )
            graph.add_weighted_edges_from(
                (self.hidden_names[j], self.visible_names[i], w)
                for j, row in enumerate(self._weights.tolist())
                for i, w in enumerate(row)
            )
            self._graph = nx.freeze(graph)
        return self._graph

    def __repr__(self) -> str:
        return f"RBM({self.n_visible} visible, {self.n_hidden} hidden)"

    # ------------------------------------------------------------------ the units

    def transform(self, X: ArrayLike) -> np.ndarray:
        """The hidden units' probabilities p(h_j = 1 | v): features for a classifier.

        Examples
        --------
        >>> rbm = RBM(2, 1); rbm.set_parameters(weights=[[2.0, 0.0]])
        >>> rbm.transform([[1, 0], [0, 0]]).round(3).tolist()
        [[0.881], [0.5]]
        """
        return self._hidden_probabilities(self._visible(X, "X"), "matrix")

    def reconstruct(self, X: ArrayLike) -> np.ndarray:
        """p(v | h = p(h | X)): the visible layer the hidden probabilities imply.

        Deterministic (no sampling); what the reconstruction pictures show.
        """
        hidden = self._hidden_probabilities(self._visible(X, "X"), "matrix")
        return self._visible_probabilities(hidden, "matrix")

    def gibbs(
        self,
        v: ArrayLike,
        seed: SeedLike = None,
        path: str = "matrix",
    ) -> np.ndarray:
        """One Gibbs step: sample h from p(h | v), then v from p(v | h).

        Parameters
        ----------
        v : array_like, shape (n_visible,) or (n_samples, n_visible)
            Visible states (values in [0, 1] are read as they are).
        seed : int, Generator or None
            Where the random numbers come from.
        path : {"matrix", "graph"}
            Matrix products, or every unit's field summed over its edges in
            :attr:`graph`, one unit at a time; the same samples either way.

        Returns
        -------
        ndarray of 0.0 and 1.0, the shape of ``v``

        Examples
        --------
        >>> rbm = RBM(3, 2, seed=0)
        >>> a = rbm.gibbs([[1, 0, 1]] * 4, seed=1)
        >>> b = rbm.gibbs([[1, 0, 1]] * 4, seed=1, path="graph")
        >>> bool((a == b).all()), sorted(set(a.ravel().tolist()))
        (True, [0.0, 1.0])
        """
        visible, single = self._visible(v, "v", one=True)
        path = _check_path(path)
        rng = check_seed(seed)
        new = self._gibbs_step(visible, rng, path)
        return new[0] if single else new

    def sample(
        self,
        n: int,
        steps: int = 1000,
        seed: SeedLike = None,
        start: ArrayLike | None = None,
        path: str = "matrix",
        probabilities: bool = False,
    ) -> np.ndarray:
        """Draw ``n`` visible states from the model by running Gibbs chains.

        Each chain starts from ``start`` (shape (n, n_visible)) or from
        uniformly random 0/1 states and makes ``steps`` Gibbs steps; after
        enough steps each chain's state is a sample of p(v). With
        ``probabilities``, the last step returns p(v | h) instead of a 0/1
        draw from it: the smoother picture usually shown of what a model
        "dreams".

        Examples
        --------
        >>> rbm = RBM(4, 3, seed=0)
        >>> rbm.sample(5, steps=10, seed=0).shape
        (5, 4)
        """
        n = check_count(n, "n")
        steps = check_count(steps, "steps")
        path = _check_path(path)
        rng = check_seed(seed)
        if start is None:
            visible = (rng.random((n, self.n_visible)) < 0.5).astype(float)
        else:
            visible = self._visible(start, "start")
            if len(visible) != n:
                raise ShapeError(f"start must hold n = {n} states, got {len(visible)}")
        for _ in range(steps - probabilities):
            visible = self._gibbs_step(visible, rng, path)
        if probabilities:
            hidden = self._hidden_probabilities(visible, path)
            hidden = _sample(hidden, rng, hidden)
            visible = self._visible_probabilities(hidden, path)
        return visible

    # ------------------------------------------------------------------ energies

    def energy(self, v: ArrayLike, h: ArrayLike) -> np.ndarray | float:
        """E(v, h) = −bᵀv − cᵀh − hᵀWv of joint states (one or one per row).

        Examples
        --------
        >>> rbm = RBM(2, 1); rbm.set_parameters([[1.0, 2.0]], [0.5, 0.0], [-1.0])
        >>> rbm.energy([1, 1], [1])    # −0.5 − (−1) − 3
        -2.5
        """
        visible, single = self._visible(v, "v", one=True)
        hidden = as_float_array(h, "h").reshape(len(visible), -1)
        if hidden.shape[1] != self.n_hidden:
            raise ShapeError(f"h must have {self.n_hidden} values per state")
        energies = -(
            visible @ self._visible_bias
            + hidden @ self._hidden_bias
            + np.einsum("sj,ji,si->s", hidden, self._weights, visible)
        )
        return float(energies[0]) if single else energies

    def free_energy(self, v: ArrayLike) -> np.ndarray | float:
        """F(v) = −log Σ_h exp(−E(v, h)) = −bᵀv − Σ_j log(1 + exp(c_j + W_j·v)).

        Examples
        --------
        >>> rbm = RBM(1, 1); rbm.set_parameters([[0.0]])
        >>> round(rbm.free_energy([1]), 6) == round(-math.log(2), 6)
        True
        """
        visible, single = self._visible(v, "v", one=True)
        energies = self._free_energy(visible)
        return float(energies[0]) if single else energies

    def _free_energy(self, visible: np.ndarray) -> np.ndarray:
        fields = visible @ self._weights.T + self._hidden_bias
        return -(visible @ self._visible_bias) - _softplus(fields).sum(axis=1)

    def score_samples(
        self,
        X: ArrayLike,
        seed: SeedLike = None,
        units: ArrayLike | None = None,
    ) -> np.ndarray:
        """The pseudo-likelihood of each sample, as scikit-learn defines it.

        One visible unit ``i`` per sample is flipped (``v'`` = ``v`` with
        ``v_i`` → ``1 − v_i``) and the score is ``n_visible · log σ(F(v') − F(v))``:
        an estimate of ``Σ_i log p(v_i | v_−i)`` from one unit. Higher is better.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_visible)
        seed : int, Generator or None
            Chooses the flipped units.
        units : array_like of int, shape (n_samples,), optional
            The flipped unit of each sample, instead of random ones.

        Examples
        --------
        >>> rbm = RBM(2, 1); rbm.set_parameters([[0.0, 0.0]])
        >>> rbm.score_samples([[1, 0]], units=[0]).round(4).tolist()  # 2·log ½
        [-1.3863]
        """
        visible = self._visible(X, "X")
        if units is None:
            units = check_seed(seed).integers(0, self.n_visible, len(visible))
        else:
            units = np.asarray(units)
            if (
                units.shape != (len(visible),)
                or units.dtype.kind not in "iu"
                or units.min() < 0
                or units.max() >= self.n_visible
            ):
                raise ShapeError(
                    f"units must hold one visible unit index in [0, {self.n_visible}) "
                    f"per sample ({len(visible)}), got {units!r}"
                )
        return self._pseudo_likelihood(visible, units, self._fields(visible))

    def _fields(self, visible: np.ndarray) -> np.ndarray:
        """The hidden units' fields c + W v, one row per visible state."""
        fields = visible @ self._weights.T
        fields += self._hidden_bias
        return fields

    def _pseudo_likelihood(self, visible, units, fields) -> np.ndarray:
        """n_visible · log σ(F(v') − F(v)), F(v') from the fields of v.

        Flipping unit i changes it by d = 1 − 2 v_i, so the flipped state's
        fields are ``fields + d · W[:, i]`` and its visible term moves by
        ``d · b_i``: no second product with W.
        """
        rows = np.arange(len(visible))
        change = 1.0 - 2.0 * visible[rows, units]
        flipped = self._weights.T[units]
        flipped *= change[:, None]
        flipped += fields
        gap = (
            _softplus(fields).sum(axis=1)
            - _softplus(flipped).sum(axis=1)
            - change * self._visible_bias[units]
        )
        return -self.n_visible * np.logaddexp(0.0, -gap)

    # ------------------------------------------------------------------ exact sums (tiny models)

    def log_partition(self) -> float:
        """log Z, summed exactly over the smaller layer's 2ⁿ states (n ≤ 20).

        Examples
        --------
        >>> rbm = RBM(2, 3); rbm.set_parameters(np.zeros((3, 2)))
        >>> round(rbm.log_partition() / math.log(2), 9)   # 2⁵ equal states
        5.0
        """
        if self.n_visible <= self.n_hidden:
            return _logsumexp(-self._free_energy(all_states(self.n_visible)))
        hidden = all_states(self.n_hidden)
        fields = hidden @ self._weights + self._visible_bias
        free = -(hidden @ self._hidden_bias) - _softplus(fields).sum(axis=1)
        return _logsumexp(-free)

    def log_likelihood(self, X: ArrayLike) -> np.ndarray:
        """log p(v) = −F(v) − log Z of each sample, exactly (tiny models only)."""
        visible = self._visible(X, "X")
        return -self._free_energy(visible) - self.log_partition()

    def gradient(
        self,
        positive: ArrayLike,
        negative: ArrayLike,
        weights: ArrayLike | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model, with the model's side from ``negative``.

        The statistics every training step uses: hidden *probabilities* given
        each visible state, averaged over ``positive`` (the data) and over
        ``negative`` (the chains' visible states, or any states with
        ``weights`` summing to 1). With all 2ⁿ visible states weighted by the
        model's p(v) this is the exact log-likelihood gradient; with the
        end states of Gibbs chains it is CD or PCD.

        Returns
        -------
        (dW, db, dc)
            The ascent directions of W, the visible and the hidden biases.
        """
        positive = self._visible(positive, "positive")
        negative = self._visible(negative, "negative")
        if weights is None:
            weights = np.full(len(negative), 1.0 / len(negative))
        else:
            weights = as_float_array(weights, "weights")
            if weights.shape != (len(negative),):
                raise ShapeError(
                    f"weights must have one value per negative state, shape "
                    f"({len(negative)},), got {weights.shape}"
                )
        return self._gradient(
            positive,
            np.full(len(positive), 1.0 / len(positive)),
            negative,
            weights,
        )

    def _gradient(self, positive, p_weights, negative, n_weights):
        h_pos = self._hidden_probabilities(positive, "matrix") * p_weights[:, None]
        h_neg = self._hidden_probabilities(negative, "matrix") * n_weights[:, None]
        return (
            h_pos.T @ positive - h_neg.T @ negative,
            p_weights @ positive - n_weights @ negative,
            h_pos.sum(axis=0) - h_neg.sum(axis=0),
        )

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
        path = _check_path(path)
        callbacks = check_callbacks(callbacks)
        rng = check_seed(seed)
        history = History()
        bar = progress_bar(total=epochs, desc="RBM", unit="epoch") if progress else None
        data = np.hstack([visible, np.ones((len(visible), 1))])
        states = _States(min(batch_size, len(visible)), self.n_visible, self.n_hidden)
        before = self._joint.copy()
        try:
            for epoch in range(1, epochs + 1):
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
                        f"{epoch} (lr={lr:g} is too large?); they are "
                        "put back as they were before fit"
                    )
                logs = self._monitor(visible, rng) if monitor else {}
                history.record(logs)
                if bar is not None:
                    if monitor:
                        bar.set_postfix(pl=f"{logs['pseudo_likelihood']:.3f}")
                    bar.update()
                if call_callbacks(callbacks, epoch - 1, epochs, history, self):
                    break
        except BaseException:
            # Whatever stopped training, the machine is as it was before fit.
            self._joint[...] = before
            raise
        finally:
            if bar is not None:
                bar.close()
            self._graph = self._edges = None
        return history

    def _monitor(self, visible: np.ndarray, rng: np.random.Generator) -> dict:
        """The epoch's pseudo-likelihood and reconstruction error, sharing one product."""
        fields = self._fields(visible)
        units = rng.integers(0, self.n_visible, len(visible))
        score = self._pseudo_likelihood(visible, units, fields)
        reconstruction = _sigmoid(_sigmoid(fields) @ self._weights + self._visible_bias)
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
            _sigmoid(units)
            np.matmul(chains, to_visible, out=visible_units)
            _sigmoid(visible_units)
            np.less(rng.random(visible_units.shape), visible_units, out=visible_units)
            np.matmul(visible, to_hidden, out=negative_units)
            _sigmoid(negative_units)
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
            hidden = _sample(positive, rng, states.start[:m], True)
        else:
            hidden = states.chains
        for step in range(k):
            visible = _sample(
                self._visible_fields(hidden, states.visible[: len(hidden)], path),
                rng,
                states.visible[: len(hidden)],
                True,
            )
            negative = self._hidden_fields(
                visible, states.negative[: len(hidden)], path
            )
            if step < k - 1:
                hidden = _sample(negative, rng, states.start[: len(hidden)], True)
        self._joint += (lr / m) * (positive.T @ batch)
        self._joint -= (lr / len(visible)) * (negative.T @ visible)
        if method == "pcd":
            _sample(negative, rng, states.chains, True)
        if path == "graph":
            self._graph = self._edges = None  # the graph shows the new weights

    def _hidden_fields(self, visible, out, path) -> np.ndarray:
        """p(h | v) into ``out[:, :-1]`` (its last column stays 1); returns ``out``."""
        units = self.n_hidden
        if path == "matrix":
            np.matmul(visible, self._joint[:units].T, out=out[:, :units])
            _sigmoid(out[:, :units])
        else:
            out[:, :units] = self._hidden_probabilities(visible[:, :-1], path)
        return out

    def _visible_fields(self, hidden, out, path) -> np.ndarray:
        """p(v | h) into ``out[:, :-1]`` (its last column stays 1); returns ``out``."""
        units = self.n_visible
        if path == "matrix":
            np.matmul(hidden, self._joint[:, :units], out=out[:, :units])
            _sigmoid(out[:, :units])
        else:
            out[:, :units] = self._visible_probabilities(hidden[:, :-1], path)
        return out

    # ------------------------------------------------------------------ the two paths

    def _gibbs_step(self, visible, rng, path) -> np.ndarray:
        hidden = self._hidden_probabilities(visible, path)
        hidden = _sample(hidden, rng, hidden)
        new = self._visible_probabilities(hidden, path)
        return _sample(new, rng, new)

    def _hidden_probabilities(self, visible, path) -> np.ndarray:
        if path == "matrix":
            fields = visible @ self._weights.T
            fields += self._hidden_bias
            return _sigmoid(fields)
        return self._unit_by_unit(visible, self._edge_lists()[1], self._hidden_bias)

    def _visible_probabilities(self, hidden, path) -> np.ndarray:
        if path == "matrix":
            fields = hidden @ self._weights
            fields += self._visible_bias
            return _sigmoid(fields)
        return self._unit_by_unit(hidden, self._edge_lists()[0], self._visible_bias)

    @staticmethod
    def _unit_by_unit(source, edges, biases) -> np.ndarray:
        """Each unit's field summed over its edges, then σ: the textbook picture."""
        probabilities = np.empty((len(source), len(edges)))
        for s, row in enumerate(source.tolist()):
            for unit, (bias, incoming) in enumerate(zip(biases.tolist(), edges)):
                field = bias
                for other, weight in incoming:
                    field += weight * row[other]
                probabilities[s, unit] = field
        return _sigmoid(probabilities)

    def _edge_lists(self) -> tuple[list, list]:
        """(for each visible unit, for each hidden unit): [(other's index, weight)], from the graph."""
        if self._edges is None:
            graph = self.graph
            index = {
                **{name: i for i, name in enumerate(self.visible_names)},
                **{name: j for j, name in enumerate(self.hidden_names)},
            }
            self._edges = tuple(
                [
                    [
                        (index[other], weight)
                        for _, other, weight in graph.edges(name, data="weight")
                    ]
                    for name in names
                ]
                for names in (self.visible_names, self.hidden_names)
            )
        return self._edges

    def _visible(self, values: ArrayLike, what: str, one: bool = False):
        """Visible states checked: width, values in [0, 1]; (array, single) if ``one``."""
        array = as_float_array(values, what)
        single = array.ndim == 1
        if single and one:
            array = array.reshape(1, -1)
        if array.ndim != 2 or array.shape[1] != self.n_visible or len(array) == 0:
            raise ShapeError(
                f"{what} must have shape (n_samples, {self.n_visible}) for an RBM of "
                f"{self.n_visible} visible units, got shape {array.shape}"
            )
        if array.min() < 0.0 or array.max() > 1.0:
            where = tuple(int(i) for i in np.argwhere((array < 0) | (array > 1))[0])
            raise DataError(
                f"{what} must hold binary values (0 or 1) or probabilities in [0, 1]; "
                f"found {array[where]:g} at index {where}. Scale the data first, "
                "e.g. X / X.max() for pixels, or (X + 1) / 2 for ±1 values."
            )
        return (array, single) if one else array


class _States:
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


def _sample(
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


def _check_path(path: str) -> str:
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


def _logsumexp(values: np.ndarray) -> float:
    top = values.max()
    return float(top + math.log(np.exp(values - top).sum()))
