"""Shared builders and the hypothesis profile for the test suite."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

import neurosim as ns

settings.register_profile(
    "neurosim",
    max_examples=60,
    derandomize=True,  # the same examples on every run: CI is deterministic
    deadline=None,  # shared CI machines are noisy; speed is measured in benchmarks/
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("neurosim")

DIFFERENTIABLE = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus"]
LOSSES = ["mse", "sse", "bce", "cross_entropy"]
KINKED = {"relu", "leaky_relu"}


def output_activation_for(loss: str, rng: np.random.Generator) -> str:
    """An output activation the loss accepts."""
    if loss == "bce":
        return "sigmoid"
    if loss == "cross_entropy":
        return "identity"
    return str(rng.choice(DIFFERENTIABLE))


def random_targets(
    loss: str, rng: np.random.Generator, shape: tuple[int, int]
) -> np.ndarray:
    """Targets in the range the loss expects (probability rows for cross_entropy)."""
    if loss == "cross_entropy":
        raw = rng.uniform(0.0, 1.0, size=shape)
        return raw / raw.sum(axis=1, keepdims=True)
    if loss == "bce":
        return rng.uniform(0.0, 1.0, size=shape)
    return rng.uniform(-1.0, 1.0, size=shape)


def random_dag(
    seed: int,
    activation: str | None = None,
    loss: str = "mse",
    max_hidden: int = 5,
    share: bool = False,
    freeze: bool = False,
) -> ns.Network:
    """A random feed-forward DAG with skip connections, reproducible from ``seed``.

    Neurons are placed in a random order (inputs first); each non-input neuron
    takes at least one connection from an earlier neuron, so every output is
    reachable, and further connections skip freely over the order. Outputs may
    feed other outputs. Hidden activations are ``activation`` or random.
    With ``share``, about a third of the connections (and a fifth of the
    biases) reuse an earlier parameter; with ``freeze``, about a third of the
    parameters are frozen.
    """
    rng = np.random.default_rng(seed)
    n_in, n_hidden, n_out = (
        rng.integers(1, 4),
        rng.integers(0, max_hidden + 1),
        rng.integers(1, 4),
    )
    net = ns.Network(seed=seed)
    order = [net.add_input(f"x{i + 1}") for i in range(n_in)]
    body = ["hidden"] * n_hidden + ["output"] * n_out
    rng.shuffle(body)
    out_act = output_activation_for(loss, rng)
    made = []  # connections so far, for sharing
    for k, role in enumerate(body):
        bias = float(rng.uniform(-1, 1))
        earlier = [n for n in order if not n.is_input]
        if share and earlier and rng.random() < 0.2:
            bias = earlier[int(rng.integers(len(earlier)))].bias_parameter
        if role == "hidden":
            act = activation or str(rng.choice(DIFFERENTIABLE))
            neuron = net.add_neuron(f"h{k + 1}", activation=act, bias=bias)
        else:
            neuron = net.add_output(f"y{k + 1}", activation=out_act, bias=bias)
        sources = [order[int(rng.integers(len(order)))]]
        sources += [s for s in order if s is not sources[0] and rng.random() < 0.4]
        for source in sources:
            if share and made and rng.random() < 0.35:
                made.append(
                    net.connect(
                        source, neuron, share=made[int(rng.integers(len(made)))]
                    )
                )
            else:
                made.append(
                    net.connect(source, neuron, weight=float(rng.uniform(-1.5, 1.5)))
                )
        order.append(neuron)
    if freeze:
        for parameter in net.parameters:
            if rng.random() < 0.3:
                parameter.trainable = False
    return net


def numerical_gradients(net: ns.Network, x, target, loss: str, eps: float = 1e-3):
    """Central finite differences, fourth order, of the loss w.r.t. every parameter.

    Independent of ``backward``: it only calls ``forward`` and the loss value.
    Returns ``{("w", source, target) or ("b", name): gradient}``.
    """
    loss_fn = ns.losses.get_loss(loss)
    batch = np.atleast_2d(np.asarray(target, dtype=float))

    def loss_at() -> float:
        return loss_fn.value(np.atleast_2d(net.forward(x)), batch)

    def derivative(get, put) -> float:
        original = get()
        values = []
        for step in (-2, -1, 1, 2):
            put(original + step * eps)
            values.append(loss_at())
        put(original)
        return (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * eps)

    grads = {}
    for c in net.connections:
        grads[("w", *c.key)] = derivative(
            lambda c=c: c.weight, lambda v, c=c: setattr(c, "weight", v)
        )
    for n in net.neurons:
        if not n.is_input:
            grads[("b", n.name)] = derivative(
                lambda n=n: n.bias, lambda v, n=n: setattr(n, "bias", v)
            )
    return grads


def analytic_gradients(net: ns.Network) -> dict:
    """The gradients ``backward`` stored, keyed like :func:`numerical_gradients`."""
    grads = {("w", *c.key): c.grad for c in net.connections}
    grads.update({("b", n.name): n.bias_grad for n in net.neurons if not n.is_input})
    return grads


def assert_gradients_match(analytic: dict, numerical: dict, rtol: float = 1e-6) -> None:
    """Relative error < rtol wherever the gradient is not negligible (>= 1e-6)."""
    assert analytic.keys() == numerical.keys()
    for key, a in analytic.items():
        n = numerical[key]
        scale = max(abs(a), abs(n))
        if scale >= 1e-6:
            assert abs(a - n) / scale < rtol, f"{key}: analytic {a!r}, numerical {n!r}"
        else:
            assert abs(a - n) < 1e-12, f"{key}: analytic {a!r}, numerical {n!r}"


def snapshot(net: ns.Network):
    """Everything a failed call must leave unchanged: topology, weights, biases."""
    return (
        [
            (n.name, n.role, n.activation and n.activation.name, n.bias)
            for n in net.neurons
        ],
        [(c.key, c.weight) for c in net.connections],
    )


@pytest.fixture
def xor_net() -> ns.Network:
    return ns.Network.layered([2, 4, 1], activation="sigmoid", seed=0)


@pytest.fixture
def mazur_net() -> ns.Network:
    """The 2-2-2 network of Matt Mazur's "A Step by Step Backpropagation Example"."""
    return ns.datasets.mazur_example()[0]


IDX_CODES = {
    "uint8": 0x08,
    "int8": 0x09,
    ">i2": 0x0B,
    ">i4": 0x0C,
    ">f4": 0x0D,
    ">f8": 0x0E,
}


def idx_bytes(array: np.ndarray, code: int | None = None) -> bytes:
    """An IDX file's bytes written from the format's definition (independent of load_idx)."""
    array = np.asarray(array)
    big_endian = array.astype(array.dtype.newbyteorder(">"))
    if code is None:
        code = IDX_CODES[
            array.dtype.name if array.itemsize == 1 else big_endian.dtype.str
        ]
    header = bytes([0, 0, code, array.ndim])
    header += b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + big_endian.tobytes()


def write_fake_mnist(
    folder, n_train: int = 60, n_test: int = 20, gz: bool = True
) -> None:
    """Four MNIST-named IDX files of random 28×28 images: a stand-in for the real data."""
    import gzip

    rng = np.random.default_rng(0)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n, dtype=np.uint8)
        for kind, array in (
            ("images-idx3-ubyte", images),
            ("labels-idx1-ubyte", labels),
        ):
            data = idx_bytes(array)
            path = folder / f"{prefix}-{kind}"
            if gz:
                path.with_name(path.name + ".gz").write_bytes(gzip.compress(data))
            else:
                path.write_bytes(data)


def deep_snapshot(model, optimizer=None):
    """Everything a failed call must leave as it was, as plain comparable values.

    For a network: every neuron (name, role, activation, aggregation, bias,
    frozen), every connection (ends, weight, frozen, shared key), the
    parameters in order, and the graph's nodes and edges; for the symmetric
    machines, their arrays; and the optimizer's step count and running state.
    """

    def plain(value):
        if isinstance(value, np.ndarray):
            return ("array", value.shape, value.tolist())
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    if isinstance(model, ns.Network):
        parameters = list(model.parameters)
        ids = {id(p): k for k, p in enumerate(parameters)}
        state = {
            "neurons": [
                (
                    n.name,
                    n.role,
                    getattr(n.activation, "name", None),
                    n.aggregation,
                    None if n.is_input else n.bias,
                    None if n.is_input else ids[id(n.bias_parameter)],
                    None if n.is_input else n.bias_parameter.trainable,
                    n.initial_output,
                )
                for n in model.neurons
            ],
            "connections": [
                (
                    c.source.name,
                    c.target.name,
                    c.weight,
                    ids[id(c.parameter)],
                    c.parameter.trainable,
                    c.delay,
                )
                for c in model.connections
            ],
            "parameters": [(p.value, p.trainable) for p in parameters],
            "graph": (list(model.graph.nodes), list(model.graph.edges)),
            "vector": model.parameter_vector().tolist(),
            "truncation": model.truncation,
        }
    else:
        state = {
            name: plain(value)
            for name, value in vars(model).items()
            if isinstance(value, (np.ndarray, int, float, str, list, tuple))
        }
    if optimizer is not None:
        state["optimizer"] = plain(optimizer.snapshot())
    return state


# ---------------------------------------------------------------- web pages in a real browser

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is not installed"
    )
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "Chromium is not installed (apt-get install chromium chromium-driver)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(1300, 900)
    yield driver
    driver.quit()


def open_page(browser, tmp_path, page, fragment=""):
    path = tmp_path / "page.html"
    page.save(path)
    browser.get(path.as_uri() + fragment)
    errors = [
        entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"
    ]
    assert errors == []
    assert (
        browser.execute_script("return performance.getEntriesByType('resource').length")
        == 0
    )
    return path
