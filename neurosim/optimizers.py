"""Update rules: SGD, Momentum and Adam, written once for both backends.

An optimizer updates one parameter at a time through
``optimizer.update(key, value, grad)``, where ``value`` and ``grad`` are a
plain float (one weight of the object backend) or a numpy array (a whole
weight matrix of the vectorised backend), and ``key`` names the parameter so
that its running state (velocity, moment estimates) is kept between steps.
Every rule is plain elementwise arithmetic, which gives bit-identical results
on a float and on an array. An array is updated in place and returned (a
float, being immutable, is returned new), so a large weight matrix is not
copied at every step. ``start_step()`` is called once per training step,
before the parameters are updated.

Examples
--------
>>> sgd = SGD(lr=0.1)
>>> sgd.start_step()
>>> sgd.update("w", 1.0, 0.5)
0.95
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import check_number, check_positive
from ._registry import lookup
from .errors import ParameterError

__all__ = [
    "SGD",
    "Adam",
    "Correction",
    "Momentum",
    "Optimizer",
    "get_optimizer",
    "penalty_gradient",
    "penalty_value",
    "step_optimizer",
]


class Optimizer:
    """Base class: a learning rate, a step counter and per-parameter state.

    Parameters
    ----------
    lr : float
        The learning rate (step size), > 0.

    Attributes
    ----------
    iterations : int
        How many steps have been started.
    state : dict
        Per-parameter running state, keyed by the parameter's key.
    """

    def __init__(self, lr: float) -> None:
        self.lr = check_positive(lr, "learning rate lr")
        self.iterations = 0
        self.state: dict = {}

    def start_step(self) -> None:
        """Begin one training step (before its parameters are updated)."""
        self.iterations += 1

    def update(self, key, value, grad):
        """Return the new value of parameter ``key`` given its gradient."""
        raise NotImplementedError

    def update_all(
        self, keys: list, values: list[float], grads: list[float]
    ) -> list[float]:
        """The new values of many float parameters: :meth:`update` on each, in order.

        The object backend updates all its parameters with one call; a rule
        may override this with a faster loop, as long as every value comes
        out bit-identical to :meth:`update`'s.

        Examples
        --------
        >>> SGD(lr=0.5).update_all(["a", "b"], [1.0, 2.0], [2.0, -2.0])
        [0.0, 3.0]
        """
        update = self.update
        return [update(k, v, g) for k, v, g in zip(keys, values, grads)]

    def update_parameters(self, parameters: list) -> None:
        """Update objects holding a float ``data`` and its ``grad`` in place (the object
        backend's parameters): :meth:`update_all` on their values."""
        values = self.update_all(
            parameters, [p.data for p in parameters], [p.grad for p in parameters]
        )
        for parameter, value in zip(parameters, values):
            parameter.data = value

    def reset(self) -> None:
        """Forget the step count and every parameter's running state."""
        self.iterations = 0
        self.state.clear()

    def snapshot(self) -> tuple:
        """A copy of the step count and running state, for :meth:`restore`.

        ``fit`` takes one before training, so that a diverged run can put
        the optimizer back as it was instead of leaving NaN velocities or
        moments that would poison the next run.

        Examples
        --------
        >>> opt = Momentum(lr=0.1)
        >>> saved = opt.snapshot()
        >>> _ = opt.update("w", 0.0, float("nan"))
        >>> opt.restore(saved); opt.state
        {}
        """
        return self.iterations, {key: _copy(value) for key, value in self.state.items()}

    def restore(self, snapshot: tuple) -> None:
        """Put back the step count and running state saved by :meth:`snapshot`."""
        iterations, state = snapshot
        self.iterations = iterations
        self.state = {key: _copy(value) for key, value in state.items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr!r})"


class SGD(Optimizer):
    """Plain gradient descent: ``w ← w − lr · ∂L/∂w``.

    Examples
    --------
    >>> SGD(lr=0.5).update("w", 0.0, 2.0)
    -1.0
    """

    def update(self, key, value, grad):
        return _subtract(value, self.lr * grad)

    def update_all(
        self, keys: list, values: list[float], grads: list[float]
    ) -> list[float]:
        """Plain floats need no per-parameter state: one loop, the same arithmetic."""
        lr = self.lr
        return [value - lr * grad for value, grad in zip(values, grads)]

    def update_parameters(self, parameters: list) -> None:
        """One pass over the parameters, the same arithmetic as :meth:`update`."""
        lr = self.lr
        for parameter in parameters:
            parameter.data = parameter.data - lr * parameter.grad


class Momentum(Optimizer):
    """Gradient descent with the classic momentum term of BP tutorials.

    ``Δw(t) = −lr · ∂L/∂w + momentum · Δw(t−1)``, then ``w ← w + Δw(t)``.

    Parameters
    ----------
    lr : float
        The learning rate, > 0.
    momentum : float, default 0.9
        The fraction of the previous change carried over, in [0, 1).

    Examples
    --------
    >>> opt = Momentum(lr=0.1, momentum=0.5)
    >>> opt.update("w", 0.0, 1.0)   # Δw = -0.1
    -0.1
    >>> opt.update("w", -0.1, 1.0)  # Δw = -0.1 + 0.5 * -0.1
    -0.25
    """

    def __init__(self, lr: float, momentum: float = 0.9) -> None:
        super().__init__(lr)
        momentum = check_number(momentum, "momentum")
        if not 0.0 <= momentum < 1.0:
            raise ParameterError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = momentum

    def update(self, key, value, grad):
        change = self.momentum * self.state.get(key, 0.0) - self.lr * grad
        self.state[key] = change
        return _add(value, change)

    def __repr__(self) -> str:
        return f"Momentum(lr={self.lr!r}, momentum={self.momentum!r})"


class Correction(Optimizer):
    """The "correction" rule of the classic per-neuron BPNN tutorial.

    ``w(t+1) = w(t) − lr · ∂L/∂w(t) − correction · ∂L/∂w(t−1)``

    The second term adds the *raw previous gradient*, scaled by the
    correction factor M, as the tutorial's ``N*change + M*self.co[j][k]``
    does (``self.co`` holds the last ``change``, never scaled by N). This is
    not :class:`Momentum`, which carries the previous *update* (already
    scaled by lr, and accumulating over all earlier steps): with lr = 0.05
    and M = 0.1, the correction term is twice the size of the gradient term,
    while Momentum's would be a tenth of it.

    Parameters
    ----------
    lr : float
        The learning rate N, > 0.
    correction : float, default 0.1
        The factor M of the previous gradient, >= 0.

    Examples
    --------
    >>> opt = Correction(lr=0.5, correction=0.1)
    >>> opt.update("w", 0.0, 1.0)   # −0.5·1
    -0.5
    >>> opt.update("w", -0.5, 2.0)  # −0.5 − 0.5·2 − 0.1·1
    -1.6
    """

    def __init__(self, lr: float, correction: float = 0.1) -> None:
        super().__init__(lr)
        correction = check_number(correction, "correction")
        if correction < 0.0:
            raise ParameterError(f"correction must be >= 0, got {correction!r}")
        self.correction = correction

    def update(self, key, value, grad):
        previous = self.state.get(key, 0.0)
        # A copy: the vectorised backend reuses its gradient arrays.
        self.state[key] = _copy(grad)
        return _subtract(value, self.lr * grad + self.correction * previous)

    def __repr__(self) -> str:
        return f"Correction(lr={self.lr!r}, correction={self.correction!r})"


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with bias correction, as in PyTorch.

    ``m ← β1 m + (1 − β1) g``, ``v ← β2 v + (1 − β2) g²``,
    ``w ← w − lr · m̂ / (√v̂ + ε)`` with ``m̂ = m / (1 − β1^t)``, ``v̂ = v / (1 − β2^t)``.

    Parameters
    ----------
    lr : float, default 0.001
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the moment estimates, in [0, 1).
    eps : float, default 1e-8

    Examples
    --------
    >>> opt = Adam(lr=0.1)
    >>> opt.start_step()
    >>> round(opt.update("w", 1.0, 123.0), 6)   # the first step moves by ~lr
    0.9
    """

    def __init__(
        self,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        super().__init__(lr)
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= check_number(beta, name) < 1.0:
                raise ParameterError(f"{name} must be in [0, 1), got {beta!r}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.eps = check_positive(eps, "eps")

    def update(self, key, value, grad):
        if self.iterations == 0:
            raise ParameterError(
                "Adam.update called before start_step(); call start_step() first"
            )
        m, v = self.state.get(key, (0.0, 0.0))
        m = self.beta1 * m + (1.0 - self.beta1) * grad
        v = self.beta2 * v + (1.0 - self.beta2) * grad * grad
        self.state[key] = (m, v)
        m_hat = m / (1.0 - self.beta1**self.iterations)
        v_hat = v / (1.0 - self.beta2**self.iterations)
        return _subtract(value, self.lr * m_hat / (_sqrt(v_hat) + self.eps))

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr!r}, beta1={self.beta1!r}, beta2={self.beta2!r}, eps={self.eps!r})"


def _copy(value):
    """A copy of one parameter's running state: a float, an array or a tuple of them."""
    if isinstance(value, tuple):
        return tuple(_copy(part) for part in value)
    return value.copy() if isinstance(value, np.ndarray) else value


def _subtract(value, change):
    """``value - change``, in place for an array."""
    if isinstance(value, np.ndarray):
        value -= change
        return value
    return value - change


def _add(value, change):
    """``value + change``, in place for an array."""
    if isinstance(value, np.ndarray):
        value += change
        return value
    return value + change


def _sqrt(x):
    # math.sqrt for a float, np.sqrt for an array: both correctly rounded.
    return math.sqrt(x) if isinstance(x, float) else np.sqrt(x)


def penalty_gradient(weight, l1: float, l2: float):
    """The gradient of the weight penalty ``l1·|w| + l2·w²/2``: ``l1·sign(w) + l2·w``.

    ``fit(l1=..., l2=...)`` adds it to every trainable weight's gradient (not
    the biases', as in TensorFlow Playground); ``w`` is a float or an array,
    and gives the same numbers either way. ``sign(0)`` is 0.

    Examples
    --------
    >>> penalty_gradient(-0.5, 0.01, 0.1)
    -0.060000000000000005
    >>> penalty_gradient(np.array([2.0, 0.0]), 0.5, 0.0).tolist()
    [0.5, 0.0]
    """
    if isinstance(weight, np.ndarray):
        return l1 * np.sign(weight) + l2 * weight
    return l1 * float((weight > 0) - (weight < 0)) + l2 * weight


def penalty_value(weights, l1: float, l2: float) -> float:
    """The weight penalty ``l1·Σ|w| + l2·Σw²/2`` of some weights (added to the loss)."""
    weights = np.asarray(weights, dtype=float)
    return float(l1 * np.abs(weights).sum() + 0.5 * l2 * (weights * weights).sum())


def check_penalty(l1: object, l2: object) -> tuple[float, float]:
    """``(l1, l2)`` checked: finite numbers >= 0."""
    rates = []
    for name, rate in (("l1", l1), ("l2", l2)):
        rate = check_number(rate, name)
        if rate < 0:
            raise ParameterError(
                f"{name} is a regularisation rate: a number >= 0 (0 for none); got {rate!r}"
            )
        rates.append(rate)
    return rates[0], rates[1]


_OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "correction": Correction, "adam": Adam}


def get_optimizer(optimizer: str | Optimizer | None, lr: float | None) -> Optimizer:
    """Resolve the ``optimizer`` / ``lr`` pair that ``fit`` accepts.

    ``optimizer=None`` means plain SGD with learning rate ``lr`` (0.1 if not
    given); a name builds that optimizer with ``lr``; an Optimizer object
    brings its own learning rate, so ``lr`` must then be left out.

    Examples
    --------
    >>> get_optimizer(None, 0.5)
    SGD(lr=0.5)
    >>> get_optimizer("adam", 0.01)
    Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-08)
    """
    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ParameterError(
                f"lr={lr!r} was given together with the optimizer {optimizer!r}, which has its "
                "own learning rate; pass only one of them"
            )
        return optimizer
    if optimizer is None:
        return SGD(0.1 if lr is None else lr)
    if isinstance(optimizer, str):
        cls = lookup("optimizer", optimizer, _OPTIMIZERS)
        return cls() if (lr is None and cls is Adam) else cls(0.1 if lr is None else lr)
    raise ParameterError(
        f"optimizer must be None, a name ('sgd', 'momentum', 'adam') or an Optimizer "
        f"such as ns.Adam(lr=0.01), got {optimizer!r}"
    )


def step_optimizer(lr: float, optimizer: Optimizer | None) -> Optimizer:
    """Resolve the ``lr`` / ``optimizer`` pair of a single ``step``.

    ``step`` keeps no optimizer between calls, so it takes an Optimizer object
    (whose running state the caller keeps) or none (plain SGD with ``lr``).
    A name is refused with a clear message: a fresh Adam or Momentum at every
    step would silently forget its state.

    Examples
    --------
    >>> step_optimizer(0.5, None)
    SGD(lr=0.5)
    >>> step_optimizer(0.1, "adam")
    Traceback (most recent call last):
    ...
    neurosim.errors.ParameterError: step takes an Optimizer object, not the name 'adam': ...
    """
    if optimizer is None:
        return SGD(lr)
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str):
        raise ParameterError(
            f"step takes an Optimizer object, not the name {optimizer!r}: its running state "
            "must last from one step to the next. Create it once and pass it each time: "
            "opt = ns.Adam(lr=0.01); net.step(optimizer=opt)"
        )
    raise ParameterError(
        f"optimizer must be an Optimizer such as ns.Adam(lr=0.01) or None, got {optimizer!r}"
    )
