"""How a compiled network and its graph share one set of parameters (the store's protocol).

The network's :class:`~neurosim.parameters.ParameterStore` knows which side
holds the newest values: :meth:`ParameterSync.prepare` reloads the arrays
after an edit through the graph, :meth:`ParameterSync.newest_values` hands
the graph the arrays' values after training, and the parameter vector is
read and written here for gradient-free training.
"""

from __future__ import annotations

import numpy as np

from ..errors import StaleNetworkError, StateError
from ..optimizers import penalty_gradient
from .blocks import positions_of, run_of

__all__ = ["ParameterSync"]


class ParameterSync:
    """The parameter half of :class:`~neurosim.compiled.CompiledNetwork`."""

    def write_back(self, gradients: bool = False) -> None:
        """Never needed for the weights: kept for old code, and for the gradients.

        The graph always shows the compiled network's newest weights (it
        fetches them when read), so this only makes that fetch happen now.
        With ``gradients=True`` it also copies the gradients of the last
        :meth:`backward` into each ``Connection.grad`` and ``Neuron.bias_grad``.

        Examples
        --------
        >>> import neurosim as ns
        >>> X, Y = ns.datasets.xor()
        >>> net = ns.Network.layered([2, 2, 1], seed=0)
        >>> cnet = net.compile()
        >>> _ = cnet.fit(X, Y, epochs=5, lr=0.5, seed=0)
        >>> net.connection("x1", "h1_1").weight == float(cnet.blocks[0].weight[0, 0])
        True
        """
        self.prepare()
        if gradients and not self._has_gradients:
            raise StateError(
                "there are no gradients to write back: call cnet.backward first"
            )
        if self._store.holder is self:
            self._store.pull()
        for block in self.blocks:
            if gradients:
                grads = block.connection_gradients().tolist()
                for connection, grad in zip(block.connections, grads):
                    connection.grad = grad
                for neuron, grad in zip(block.neurons, block.bias_grad.tolist()):
                    neuron.bias_grad = grad

    def values_version(self) -> int:
        """A number that changes whenever the arrays' values change."""
        return self._generation

    def prepare(self) -> None:
        """Refuse a stale structure; make sure the arrays hold the newest values."""
        if self.network.topology_version != self._version:
            raise StaleNetworkError(
                "the network's graph was edited (a neuron or connection added or removed) "
                "after it was compiled, so this CompiledNetwork no longer matches it; "
                "compile again with net.compile()"
            )
        store = self._store
        if store.structure_version != self._structure:
            raise StaleNetworkError(
                "a neuron's activation was replaced after the network was compiled, so "
                "this CompiledNetwork would compute with the old one; compile again "
                "with net.compile()"
            )
        if store.holder is not self:
            if store.holder is not None:
                store.pull()  # another compiled network trained last
            if self._synced != store.version:
                self._load_values()
        if self._frozen_version != store.frozen_version:
            self._index_frozen()

    def _index_parameters(self) -> None:
        """Where every shared parameter sits in the blocks: O(connections), once."""
        shared = {}
        for block in self.blocks:
            for parameter in (*block.weight_parameters, *block.bias_parameters):
                if parameter.shared and parameter not in shared:
                    shared[parameter] = len(shared)
        self._shared = list(shared)
        self._shared_values = np.array(
            [p.value for p in self._shared], dtype=self.dtype
        )
        self._shared_grad = np.zeros_like(self._shared_values)
        weights = {p for block in self.blocks for p in block.weight_parameters}
        self._shared_is_weight = np.array(
            [p in weights for p in self._shared], dtype=bool
        )
        self._shared_key = (self, "shared")
        for block in self.blocks:
            block.shared_weights = positions_of(block.weight_parameters, shared)
            block.shared_biases = positions_of(block.bias_parameters, shared)

    def add_weight_penalty(self, l1: float, l2: float) -> None:
        """Add the weight penalty's gradient to every weight's, each parameter once."""
        for block in self.blocks:
            if block.pieces:  # entries without a connection hold 0: no penalty
                block.weight_grad = block.weight_grad + penalty_gradient(
                    block.weight, l1, l2
                )
        if self._shared:  # a shared weight once, from its one value
            self._shared_grad += self._shared_is_weight * penalty_gradient(
                self._shared_values, l1, l2
            )

    def _index_frozen(self) -> None:
        """Where the frozen parameters sit, with the values to put back after updates."""
        for block in self.blocks:
            block.frozen_weights = np.array(
                [k for k, p in enumerate(block.weight_parameters) if not p.trainable],
                dtype=np.intp,
            )
            block.frozen_biases = np.array(
                [k for k, p in enumerate(block.bias_parameters) if not p.trainable],
                dtype=np.intp,
            )
            rows = block.rows[block.frozen_weights]
            cols = block.cols[block.frozen_weights]
            block.frozen_weight_values = block.weight[rows, cols]
            block.frozen_bias_values = block.bias[block.frozen_biases]
        self._frozen_shared = np.array(
            [k for k, p in enumerate(self._shared) if not p.trainable], dtype=np.intp
        )
        self._frozen_shared_values = self._shared_values[self._frozen_shared]
        self._any_frozen = any(
            b.frozen_weights.size or b.frozen_biases.size for b in self.blocks
        )
        self._frozen_version = self._store.frozen_version

    def _load_values(self) -> None:
        """Copy the graph's values into the arrays (after an edit through the graph)."""
        for block in self.blocks:
            block.weight[block.rows, block.cols] = [
                p.value for p in block.weight_parameters
            ]
            block.bias[:] = [p.value for p in block.bias_parameters]
        self._shared_values[:] = [p.value for p in self._shared]
        self._synced = self._store.version
        self._generation += 1
        self._index_frozen()

    def newest_values(self) -> tuple[list, list[float]]:
        """Every parameter with its value in the arrays: the store's :meth:`pull`.

        Part of the protocol between a network's
        :class:`~neurosim.parameters.ParameterStore` and a compiled network
        holding newer values; users never need to call it.
        """
        parameters, values = [], []
        for block in self.blocks:
            parameters.extend(block.weight_parameters)
            values.extend(block.weight[block.rows, block.cols].tolist())
            parameters.extend(block.bias_parameters)
            values.extend(block.bias.tolist())
        return parameters, values

    def parameter_gradients(self) -> dict:
        """Each parameter's gradient from the last :meth:`backward` (a shared one summed).

        The same numbers the object backend stores in ``Parameter.grad``.

        Examples
        --------
        >>> import neurosim as ns
        >>> net = ns.Network.layered([1, 1], activation="identity", seed=0)
        >>> net.connection("x1", "y1").weight = 2.0
        >>> cnet = net.compile()
        >>> _ = cnet.forward([1.5]); _ = cnet.backward([1.0])
        >>> [round(g, 12) for g in cnet.parameter_gradients().values()]
        [6.0, 4.0]
        """
        if not self._has_gradients:
            raise StateError("there are no gradients: call cnet.backward first")
        grads: dict = {}
        for block in self.blocks:
            entries = block.weight_grad[block.rows, block.cols].tolist()
            for parameter, grad in zip(block.weight_parameters, entries):
                grads[parameter] = grads.get(parameter, 0.0) + grad
            for parameter, grad in zip(block.bias_parameters, block.bias_grad.tolist()):
                grads[parameter] = grads.get(parameter, 0.0) + grad
        return grads

    def mark_synced(self, version: int) -> None:
        """The graph now holds exactly this network's values, as of ``version``."""
        self._synced = version

    def parameter_values(self) -> list[np.ndarray]:
        """A copy of every parameter array, for :meth:`restore_parameter_values`."""
        arrays = [a.copy() for b in self.blocks for a in (b.weight, b.bias)]
        return [*arrays, self._shared_values.copy()]

    def restore_parameter_values(self, values: list[np.ndarray]) -> None:
        """Put back arrays taken by :meth:`parameter_values`."""
        values = iter(values)
        for block in self.blocks:
            block.weight[...], block.bias[...] = next(values), next(values)
        self._shared_values[...] = next(values)
        self._store.holder = self
        self._generation += 1

    def _vector_index(self) -> list:
        """Where each trainable parameter's vector entry goes: per block, (weight
        positions, their entries, bias positions, their entries), then the shared
        values'; rebuilt when a parameter is frozen or unfrozen."""
        key = (self._store.frozen_version, len(self._store.parameters))
        if getattr(self, "_vector_key", None) != key:
            entry = {p: k for k, p in enumerate(self._store.trainable())}

            def where(parameters) -> tuple[np.ndarray, np.ndarray]:
                """(positions in ``parameters``, their entries in the vector)."""
                found = [(k, entry[p]) for k, p in enumerate(parameters) if p in entry]
                pairs = np.array(found, dtype=np.intp).reshape(-1, 2)
                return pairs[:, 0], pairs[:, 1]

            self._vector = [
                (*where(b.weight_parameters), *where(b.bias_parameters))
                for b in self.blocks
            ]
            # A block whose every weight (row by row) and every bias is trainable,
            # unshared and in one run of the vector reads its candidates as views.
            self._vector_runs = [
                (
                    run_of(
                        w_to,
                        b.weight.size,
                        b.rows[w_at] * b.weight.shape[1] + b.cols[w_at],
                    ),
                    run_of(b_to, b.bias.size, b_at),
                )
                for b, (w_at, w_to, b_at, b_to) in zip(self.blocks, self._vector)
            ]
            self._vector_shared = where(self._shared)
            self._vector_size = len(entry)
            self._vector_key = key
        return self._vector

    def trainable_values(self) -> np.ndarray:
        """The trainable parameters as one vector, in the store's order."""
        index = self._vector_index()
        vector = np.empty(self._vector_size, self.dtype)
        for block, (w_at, w_to, b_at, b_to) in zip(self.blocks, index):
            vector[w_to] = block.weight[block.rows[w_at], block.cols[w_at]]
            vector[b_to] = block.bias[b_at]
        return vector

    def load_trainable_values(self, values: np.ndarray) -> None:
        """Write a checked vector into the arrays (a shared value into every place)."""
        values = values.astype(self.dtype, copy=False)
        for block, (w_at, w_to, b_at, b_to) in zip(self.blocks, self._vector_index()):
            block.weight[block.rows[w_at], block.cols[w_at]] = values[w_to]
            block.bias[b_at] = values[b_to]
        at, to = self._vector_shared
        self._shared_values[at] = values[to]
        self._store.holder = self
        self._generation += 1
