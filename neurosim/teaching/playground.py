"""The live training page: TensorFlow Playground's controls, with neurosim's numbers.

One self-contained HTML file (nothing is fetched) in which a network trains
while you watch: Play, Pause, Step (one batch) and Reset; the epoch; the
training and test loss as numbers and a chart; the output over the input
plane as a heat map with the points; a thumbnail of what every neuron
computes; the connections coloured by sign and as thick as their weight.
Every control of Playground is there — its six data sets, noise, the
train:test ratio, batch size, Regenerate, its seven input features, 0–6
hidden layers of 1–8 neurons, its activations (and every other built-in
one), its learning rates, L1 and L2 regularisation — and what its users
asked for: the formula behind any neuron or connection with the current
numbers (hover or tap), your own points (CSV, or a click on the plane),
connections added and removed (skip connections too), an activation per
neuron, softmax with cross-entropy for several classes, SGD, Momentum and
Adam, divergence stopped and explained, the whole state in the link, the
trained network downloaded as neurosim JSON, and the step page of the next
batch.

The page trains exactly as :func:`neurosim.fit` does: the data come from
:func:`neurosim.datasets.playground`, the first weights from
``Network.layered(..., init="xavier_uniform", seed=seed)``, the shuffling
from ``fit(..., seed=seed)`` — the page implements numpy's default generator
(PCG64) word for word — and every update is the library's rule, so after
100 epochs the page's loss equals Python's to round-off. The page shows the
Python lines that give the same run.

Examples
--------
>>> page = playground(dataset="xor", hidden=[4, 2], seed=1)
>>> page
PlaygroundPage(live training: xor, 2-4-2-1, tanh, sgd)
>>> len(str(page)) < 300_000 and "http" not in str(page).replace("http://www.w3.org", "")
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .._checks import as_float_array, check_count
from ..activations import activation_names, get_activation, is_built_in
from ..datasets.playground_data import (
    PLAYGROUND_CLASSIFICATION,
    PLAYGROUND_FEATURES,
    PLAYGROUND_REGRESSION,
)
from ..errors import ParameterError, ShapeError, unknown_name
from ..io import document as file_document
from ..losses import BCE_EPS, LOG_FLOOR
from ..network import Network
from .page import network_body
from .webpage import STEP_SCRIPTS, Page, html_parts, script_json

__all__ = ["LEARNING_RATES", "REGULARIZATION_RATES", "PlaygroundPage", "playground"]

#: Playground's learning rates and regularisation rates, its lists.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
REGULARIZATION_RATES = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
OPTIMIZERS = ("sgd", "momentum", "adam")
#: What a page holds at most: points, edited links, epochs replayed from a link.
LIMITS = {"points": 5000, "links": 500, "epochs": 100_000, "csv_bytes": 2_000_000}

_SCRIPTS_LIVE = (
    "page_base.js", "page_arithmetic.js", "playground_data.js", "playground_train.js",
    "playground_view.js",
)  # fmt: skip


class PlaygroundPage(Page):
    """The live training page; see :func:`playground`."""

    def __init__(self, document: str, title: str) -> None:
        super().__init__(document, title, 0)

    def __repr__(self) -> str:
        return f"PlaygroundPage({self.title})"

    def _repr_html_(self) -> str:
        return super()._repr_html_().replace("height: 760px", "height: 900px")


def playground(
    net=None,
    X: ArrayLike | None = None,
    Y: ArrayLike | None = None,
    *,
    dataset: str = "circle",
    noise: int = 0,
    train_ratio: int = 50,
    batch_size: int = 10,
    lr: float = 0.03,
    activation: str = "tanh",
    hidden: Sequence[int] = (4, 2),
    features: Sequence[str] = ("x1", "x2"),
    regularization: str | None = None,
    regularization_rate: float = 0.0,
    optimizer: str = "sgd",
    loss: str = "mse",
    seed: int = 0,
    data_seed: int = 0,
    n_points: int = 500,
) -> PlaygroundPage:
    """The live training page, set up as given: ``str(page)`` is the HTML.

    Parameters
    ----------
    net : Network, optional
        Open this feed-forward network with its weights (inputs: the
        ``features``; one output for ``loss="mse"``, one per class with the
        identity activation for ``"cross_entropy"``). Without it the page
        builds ``Network.layered`` from ``features``, ``hidden`` and
        ``activation``.
    X, Y : array_like, optional
        Your own points, shape (n, 2), and their labels (classes) or
        targets; the first ``train_ratio`` per cent train. Without them,
        ``dataset`` is drawn.
    dataset : str, default "circle"
        circle, xor, gaussian, spiral (classification) or plane,
        multi_gaussian (regression): :func:`neurosim.datasets.playground`.
    noise : int, default 0
        0 to 50, Playground's slider.
    train_ratio : int, default 50
        Per cent of the points that train, 10 to 90.
    batch_size : int, default 10
        1 to 30.
    lr : float, default 0.03
    activation : str, default "tanh"
        Of the hidden neurons: any built-in activation.
    hidden : sequence of int, default (4, 2)
        Neurons per hidden layer: 0 to 6 layers of 1 to 8.
    features : sequence of str, default ("x1", "x2")
        From ``x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)``.
    regularization : {None, "l1", "l2"}
    regularization_rate : float, default 0
    optimizer : {"sgd", "momentum", "adam"}
    loss : {"mse", "cross_entropy"}
        Squared error on a tanh output (Playground's), or a softmax over
        one output per class with cross-entropy.
    seed, data_seed : int, default 0
        The weights' and the shuffling's seed; the data's.
    n_points : int, default 500
        How many points a data set draws.

    Returns
    -------
    PlaygroundPage
    """
    options = _check_options(
        dataset, noise, train_ratio, batch_size, lr, activation, hidden, features,
        regularization, regularization_rate, optimizer, loss, seed, data_seed,
    )  # fmt: skip
    n_points = check_count(n_points, "n_points", minimum=2)
    if n_points > LIMITS["points"]:
        raise ParameterError(f"n_points is at most {LIMITS['points']}, got {n_points}")
    points = None if X is None and Y is None else _own_points(X, Y, options["loss"])
    network = None if net is None else _network_data(net, options)
    title = (
        f"live training: {'your data' if points else dataset}, "
        + "-".join(str(n) for n in _sizes(net, options))
        + f", {options['activation']}, {optimizer}"
    )
    data = {
        "kind": "playground",
        "settings": {
            **options,
            "points": points,
            "acts": {},
            "removed": [],
            "added": [],
        },
        "network": network,
        "n_points": n_points,
        "classification": list(PLAYGROUND_CLASSIFICATION),
        "regression": list(PLAYGROUND_REGRESSION),
        "features": list(PLAYGROUND_FEATURES),
        "activations": _activations(),
        "learning_rates": list(LEARNING_RATES),
        "regularization_rates": list(REGULARIZATION_RATES),
        "limits": LIMITS,
        "symbols": {
            name: get_activation(name).written()[0] for name in activation_names()
        },
        "log_floor": LOG_FLOOR,
        "bce_eps": BCE_EPS,
        "step_page": list(_step_page_parts()),
    }
    before, after = html_parts(
        "neurosim playground", _BODY, _SCRIPTS_LIVE, "  playgroundPage();\n",
        ("page.css", "playground.css"),
    )  # fmt: skip
    return PlaygroundPage(before + script_json(data) + after, title)


def _activations() -> list[str]:
    """The built-in activations by their own names (an alias such as "linear" once)."""
    return sorted({get_activation(name).name for name in activation_names()})


def _sizes(net, options) -> list[int]:
    if net is not None:
        levels = net.levels
        return [len(level) for level in levels]
    outputs = 1 if options["loss"] == "mse" else 2
    return [len(options["features"]), *options["hidden"], outputs]


def _check_options(
    dataset, noise, train_ratio, batch_size, lr, activation, hidden, features,
    regularization, regularization_rate, optimizer, loss, seed, data_seed,
) -> dict:  # fmt: skip
    sets = (*PLAYGROUND_CLASSIFICATION, *PLAYGROUND_REGRESSION)
    if dataset not in sets:
        raise unknown_name("Playground data set", dataset, list(sets))

    def whole(value, name, low, high):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise ParameterError(f"{name} must be a whole number, got {value!r}")
        if not low <= value <= high:
            raise ParameterError(f"{name} must be from {low} to {high}, got {value}")
        return int(value)

    noise = whole(noise, "noise", 0, 50)
    train_ratio = whole(train_ratio, "train_ratio", 10, 90)
    batch_size = whole(batch_size, "batch_size", 1, 30)
    seed, data_seed = (
        whole(s, name, 0, 2**32)
        for s, name in ((seed, "seed"), (data_seed, "data_seed"))
    )
    if (
        isinstance(lr, bool)
        or not isinstance(lr, (int, float))
        or not 0 < lr < float("inf")
    ):
        raise ParameterError(f"the learning rate lr must be a number > 0, got {lr!r}")
    activation = _check_activation(activation)
    hidden = [whole(n, "neurons per hidden layer", 1, 8) for n in hidden]
    if len(hidden) > 6:
        raise ParameterError(f"the page has 0 to 6 hidden layers, got {len(hidden)}")
    features = list(features)
    for feature in features:
        if feature not in PLAYGROUND_FEATURES:
            raise unknown_name("input feature", feature, list(PLAYGROUND_FEATURES))
    if not features or len(set(features)) != len(features):
        raise ParameterError(
            f"features must be distinct and at least one, got {features}"
        )
    if regularization not in (None, "none", "l1", "l2"):
        raise unknown_name("regularization", regularization, ["l1", "l2"])
    rate = regularization_rate
    if (
        isinstance(rate, bool)
        or not isinstance(rate, (int, float))
        or not 0 <= rate < float("inf")
    ):
        raise ParameterError(f"regularization_rate must be a number >= 0, got {rate!r}")
    if optimizer not in OPTIMIZERS:
        raise unknown_name("optimizer", optimizer, list(OPTIMIZERS))
    if loss not in ("mse", "cross_entropy"):
        raise unknown_name("loss of the page", loss, ["mse", "cross_entropy"])
    if loss == "cross_entropy" and dataset in PLAYGROUND_REGRESSION:
        raise ParameterError(
            f"{dataset} is a regression data set; cross_entropy needs classes "
            "(use loss='mse', or a classification data set)"
        )
    return {
        "dataset": dataset, "noise": noise, "ratio": train_ratio, "batch": batch_size,
        "lr": float(lr), "activation": activation, "hidden": hidden, "features": features,
        "regularization": regularization or "none", "reg_rate": float(rate),
        "optimizer": optimizer, "loss": loss, "seed": seed, "data_seed": data_seed,
        "show_test": False, "discretize": False, "rebuilt": False,
    }  # fmt: skip


def _check_activation(name) -> str:
    names = _activations()
    if not isinstance(name, str) or get_activation(name).name not in names:
        raise unknown_name("activation", name, names)
    return get_activation(name).name


def _own_points(X, Y, loss: str) -> list[list[float]]:
    if X is None or Y is None:
        raise ParameterError("give both X (points, shape (n, 2)) and Y (their labels)")
    X = as_float_array(X, "X")
    Y = as_float_array(Y, "Y")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ShapeError(
            f"X must hold points of the plane, shape (n, 2), got {X.shape}; "
            "the page draws what a network computes over two inputs"
        )
    if Y.ndim == 2 and Y.shape[1] == 1:
        Y = Y[:, 0]
    if Y.ndim != 1 or Y.shape[0] != X.shape[0]:
        raise ShapeError(
            f"Y must hold one label or target per point, shape ({X.shape[0]},), got {Y.shape}"
        )
    if not 2 <= X.shape[0] <= LIMITS["points"]:
        raise ParameterError(
            f"the page takes 2 to {LIMITS['points']} points, got {X.shape[0]}"
        )
    if loss == "cross_entropy" and len(np.unique(Y)) < 2:
        raise ParameterError("cross_entropy needs at least two classes in Y")
    return np.column_stack([X, Y]).tolist()


def _network_data(net, options) -> dict:
    """The network the page opens with, in the page's terms, or a clear refusal."""
    if not isinstance(net, Network):
        raise ParameterError(
            f"net must be a feed-forward Network, got {type(net).__name__}"
        )
    if net.is_recurrent:
        raise ParameterError(
            "the page trains feed-forward networks; this one has delays"
        )
    for neuron in net.neurons:
        if neuron.is_input:
            continue
        if (
            not is_built_in(neuron.activation)
            or neuron.activation.name not in _activations()
        ):
            raise ParameterError(
                f"neuron {neuron.name!r} uses the activation {neuron.activation.name!r}, "
                "defined in Python; the page computes the built-in ones"
            )
        if neuron.aggregation != "sum":
            raise ParameterError(f"neuron {neuron.name!r} is not a summing neuron")
    if any(p.shared for p in net.parameters):
        raise ParameterError(
            "the network shares parameters; the page trains unshared ones"
        )
    inputs = [n.name for n in net.inputs]
    if len(inputs) != len(options["features"]):
        if all(name in PLAYGROUND_FEATURES for name in inputs):
            options["features"] = inputs
        else:
            raise ParameterError(
                f"the network has {len(inputs)} inputs but features={options['features']}; "
                f"name the features its inputs take, from {list(PLAYGROUND_FEATURES)}"
            )
    outputs = net.outputs
    if options["loss"] == "mse" and len(outputs) != 1:
        raise ParameterError(
            f"the network has {len(outputs)} outputs: use loss='cross_entropy' (one "
            "output per class) or a network with one output"
        )
    # What the layer buttons and the activation menu start from, should the
    # learner rebuild: the network's own hidden layers and activation.
    hidden = [len(level) for level in net.levels[1:-1]]
    if len(hidden) <= 6 and all(1 <= n <= 8 for n in hidden):
        options["hidden"] = hidden
    activations = {n.activation.name for n in net.neurons if n.role == "hidden"}
    if len(activations) == 1:
        options["activation"] = activations.pop()
    index = {n.name: k for k, n in enumerate(net.neurons)}
    return {
        "neurons": [_neuron_data(n) for n in net.neurons],
        "connections": [
            {
                "source": index[c.source.name],
                "target": index[c.target.name],
                "weight": c.weight,
                "frozen": not c.parameter.trainable,
            }
            for c in net.connections
        ],
        "document": file_document(net),
    }


def _neuron_data(neuron) -> dict:
    if neuron.is_input:
        return {"name": neuron.name, "role": neuron.role}
    return {
        "name": neuron.name,
        "role": neuron.role,
        "activation": neuron.activation.name,
        "bias": neuron.bias,
        "bias_frozen": not neuron.bias_parameter.trainable,
    }


def _step_page_parts() -> tuple[str, str]:
    """The step page around its data: the live page fills in the next batch's sample."""
    title = "One training step of the playground's network"
    intro = (
        "The first sample of the playground's next batch, with the playground's learning"
        " rate, as one step of plain gradient descent on that sample."
    )
    return html_parts(title, network_body(title, intro), STEP_SCRIPTS)


_BODY = """<header class="pg-top">
  <div class="pg-run">
    <button id="reset" title="Reset the network to its first weights">Reset</button>
    <button id="play" aria-pressed="false">Play</button>
    <button id="step" title="Train on one batch">Step</button>
    <span class="pg-epoch">Epoch <b id="epoch">000000</b></span>
  </div>
  <label>Learning rate <select id="lr"></select></label>
  <label>Activation <select id="activation"></select></label>
  <label>Regularization <select id="regularization">
    <option value="none">None</option><option value="l1">L1</option><option value="l2">L2</option>
  </select></label>
  <label>Regularization rate <select id="reg-rate"></select></label>
  <label>Output <select id="loss">
    <option value="mse">tanh, squared error</option>
    <option value="cross_entropy">softmax, cross-entropy</option>
  </select></label>
  <label>Optimizer <select id="optimizer">
    <option value="sgd">SGD</option><option value="momentum">Momentum</option>
    <option value="adam">Adam</option>
  </select></label>
  <label>Seed <input id="seed" type="number" min="0" step="1"></label>
  <span class="pg-problem">Problem: <b id="problem"></b></span>
</header>
<main class="pg">
  <section class="pg-data">
    <h2>Data</h2>
    <div id="datasets" class="pg-sets"></div>
    <label>Ratio of training to test data: <b id="ratio-value"></b>
      <input id="ratio" type="range" min="10" max="90" step="10"></label>
    <label>Noise: <b id="noise-value"></b>
      <input id="noise" type="range" min="0" max="50" step="5"></label>
    <label>Batch size: <b id="batch-value"></b>
      <input id="batch" type="range" min="1" max="30" step="1"></label>
    <button id="regenerate">Regenerate</button>
    <details class="pg-own"><summary>Your own data</summary>
      <p>Rows of <code>x1, x2, label</code> (a class, or a target for a regression),
      points within ±6:</p>
      <textarea id="csv" rows="5" placeholder="x1,x2,label&#10;1.5,-2,1&#10;-3,0.5,0"></textarea>
      <p><button id="csv-load">Use these points</button>
      <input id="csv-file" type="file" accept=".csv,text/csv,text/plain"></p>
      <label><input id="add-points" type="checkbox"> A click on the output adds a point of
        <select id="add-class"></select></label>
    </details>
  </section>
  <section class="pg-net">
    <h2>Features and hidden layers</h2>
    <div id="features" class="pg-features"></div>
    <div class="pg-layers"><button id="layer-add" title="add a hidden layer">+ layer</button>
      <button id="layer-remove" title="remove the last hidden layer">− layer</button>
      <span id="layer-count"></span> <span id="layers"></span></div>
    <div class="pg-canvas"><canvas id="network" width="520" height="300"
      aria-label="the network: a thumbnail per neuron of what it computes"></canvas></div>
    <p id="selection" class="pg-muted">Click a neuron or a connection to inspect and edit it.</p>
    <div id="inspect" class="pg-inspect" aria-live="polite"></div>
    <div class="pg-edit">
      <label>Activation of the selected neuron <select id="neuron-activation"></select></label>
      <button id="disconnect">Remove the selected connection</button><br>
      <label>Connect <select id="connect-source"></select></label>
      <label>→ <select id="connect-target"></select></label>
      <button id="connect">Add connection</button>
    </div>
  </section>
  <section class="pg-out">
    <h2>Output</h2>
    <p>Test loss <b id="test-loss"></b> · Training loss <b id="train-loss"></b></p>
    <canvas id="loss-chart" width="300" height="60" aria-label="training (dark) and test loss"></canvas>
    <canvas id="output" width="300" height="300" aria-label="the output over the input plane"></canvas>
    <p><label><input id="show-test" type="checkbox"> Show test data</label>
    <label><input id="discretize" type="checkbox"> Discretize output</label></p>
    <p id="status" class="pg-status" role="status"></p>
    <p><button id="download">Download the network (neurosim JSON)</button>
    <button id="step-page">Step page of the next batch</button></p>
    <details><summary>The same run in Python</summary><pre id="python"></pre></details>
  </section>
</main>"""
