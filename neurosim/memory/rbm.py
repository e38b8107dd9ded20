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

from collections.abc import Sequence

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike

from .._checks import (
    SeedLike,
    as_float_array,
    check_count,
    check_memory,
    check_name,
    check_seed,
)
from ..errors import DataError, ParameterError, ShapeError
from .exact import all_states, log_sum_exp
from .rbm_training import (
    ContrastiveDivergence,
    check_path,
    sample_units,
    sigmoid_in_place,
)
from .units import read_only

__all__ = ["RBM"]


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


class RBM(ContrastiveDivergence):
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
        path = check_path(path)
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
        path = check_path(path)
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
            hidden = sample_units(hidden, rng, hidden)
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
        >>> import math
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
        >>> import math
        >>> rbm = RBM(2, 3); rbm.set_parameters(np.zeros((3, 2)))
        >>> round(rbm.log_partition() / math.log(2), 9)   # 2⁵ equal states
        5.0
        """
        if self.n_visible <= self.n_hidden:
            return log_sum_exp(-self._free_energy(all_states(self.n_visible)))
        hidden = all_states(self.n_hidden)
        fields = hidden @ self._weights + self._visible_bias
        free = -(hidden @ self._hidden_bias) - _softplus(fields).sum(axis=1)
        return log_sum_exp(-free)

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

    # ------------------------------------------------------------------ the two paths

    def _gibbs_step(self, visible, rng, path) -> np.ndarray:
        hidden = self._hidden_probabilities(visible, path)
        hidden = sample_units(hidden, rng, hidden)
        new = self._visible_probabilities(hidden, path)
        return sample_units(new, rng, new)

    def _hidden_probabilities(self, visible, path) -> np.ndarray:
        if path == "matrix":
            fields = visible @ self._weights.T
            fields += self._hidden_bias
            return sigmoid_in_place(fields)
        return self._unit_by_unit(visible, self._edge_lists()[1], self._hidden_bias)

    def _visible_probabilities(self, hidden, path) -> np.ndarray:
        if path == "matrix":
            fields = hidden @ self._weights
            fields += self._visible_bias
            return sigmoid_in_place(fields)
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
        return sigmoid_in_place(probabilities)

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
