"""Export to PyTorch and ONNX: the same numbers, gradients included, and back again."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurosim as ns

torch = pytest.importorskip("torch", reason="the torch extra is not installed")
from neurosim import export
from neurosim.export.plan import plan as export_plan

from .conftest import random_dag

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "step"]
OUTPUT_FOR_LOSS = {"bce": "sigmoid", "cross_entropy": "identity"}


@st.composite
def random_dags(draw):
    """A random DAG: mixed activations, skips, missing connections, a pooling
    neuron, shared and frozen parameters; with data and a loss."""
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    loss = draw(st.sampled_from(["mse", "sse", "bce", "cross_entropy"]))
    net = ns.Network()
    n_in, n_hidden, n_out = (
        draw(st.integers(1, 3)),
        draw(st.integers(1, 5)),
        draw(st.integers(1, 3)),
    )
    earlier = [net.add_input(f"x{i}").name for i in range(n_in)]
    for k in range(n_hidden):
        pooling = k == 0 and draw(st.booleans())
        name = net.add_neuron(
            f"h{k}", activation=str(rng.choice(ACTIVATIONS)), bias=float(rng.normal(0, 0.5)),
            aggregation="max" if pooling else "sum",
        ).name  # fmt: skip
        sources = rng.choice(
            earlier, size=int(rng.integers(1, len(earlier) + 1)), replace=False
        )
        for source in sources:
            net.connect(str(source), name, weight=float(rng.normal()))
        earlier.append(name)
    output_activation = OUTPUT_FOR_LOSS.get(loss)
    for j in range(n_out):
        name = net.add_output(
            f"y{j}", activation=output_activation or str(rng.choice(ACTIVATIONS)),
            bias=float(rng.normal(0, 0.5)),
        ).name  # fmt: skip
        sources = rng.choice(
            earlier, size=int(rng.integers(1, len(earlier) + 1)), replace=False
        )
        for source in sources:
            net.connect(str(source), name, weight=float(rng.normal()))
    connections = net.connections
    if draw(st.booleans()) and len(connections) > 2:  # share one weight with another
        a, b = connections[0], connections[-1]
        net.disconnect(b.source.name, b.target.name)
        net.connect(b.source.name, b.target.name, share=a)
    if draw(st.booleans()):
        net.freeze(net.connections[1 % len(net.connections)])
        net.freeze(net[f"y{n_out - 1}"].bias_parameter)
    X = rng.normal(size=(int(rng.integers(1, 6)), n_in))
    if loss == "cross_entropy":
        Y = rng.dirichlet(np.ones(n_out), size=len(X))  # probability targets
    else:
        Y = (rng.random((len(X), n_out)) < 0.5).astype(float)
    return net, X, Y, loss


def torch_gradients(module, net):
    """The gradient of each trainable neurosim parameter, read from the module."""
    if isinstance(module, export.torch_module.NeuronGraph):
        return module.theta.grad.numpy()
    grads = {}
    linears = [m for m in module if isinstance(m, torch.nn.Linear)]
    names = [export_plan(net).inputs] + [
        level.names for level in export_plan(net).levels
    ]
    for linear, sources, targets in zip(linears, names, names[1:]):
        for j, target in enumerate(targets):
            grads[id(net[target].bias_parameter)] = linear.bias.grad[j].item()
            for i, source in enumerate(sources):
                grads[id(net.connection(source, target).parameter)] = (
                    linear.weight.grad[j, i].item()
                )
    return np.array([grads[id(p)] for p in net.parameter_store.trainable()])


@settings(max_examples=60, deadline=None)
@given(case=random_dags())
def test_torch_outputs_and_gradients_equal_the_object_backend(case):
    net, X, Y, loss = case
    module = export.to_torch(net)
    outputs = module(torch.tensor(X))
    assert np.allclose(
        outputs.detach().numpy(), net.forward(X), rtol=1e-12, atol=1e-300
    )
    value = export.torch_loss(loss)(outputs, torch.tensor(Y))
    value.backward()
    ours = net.backward(Y, loss=loss)
    assert value.item() == pytest.approx(ours, rel=1e-12)
    expected = np.array([p.grad for p in net.parameter_store.trainable()])
    assert np.allclose(torch_gradients(module, net), expected, rtol=1e-12, atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(case=random_dags())
def test_onnxruntime_gives_the_same_outputs_in_float32(case, tmp_path_factory):
    ort = pytest.importorskip("onnxruntime", reason="the onnx extra is not installed")
    net, X, _, _ = case
    path = tmp_path_factory.mktemp("onnx") / "net.onnx"
    export.to_onnx(net, path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (outputs,) = session.run(None, {"x": X.astype(np.float32)})
    assert np.allclose(outputs, net.predict(X), rtol=1e-6, atol=1e-6)


def test_the_onnx_file_pins_its_versions_and_passes_the_full_check(tmp_path):
    onnx = pytest.importorskip("onnx", reason="the onnx extra is not installed")
    export.to_onnx(ns.Network.layered([3, 4, 2], seed=0), tmp_path / "net.onnx")
    model = onnx.load(str(tmp_path / "net.onnx"))
    onnx.checker.check_model(model, full_check=True)
    assert model.ir_version == 8 and model.opset_import[0].version == 17


@pytest.mark.parametrize(
    "activation", ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity"]
)
def test_layered_networks_round_trip_bit_for_bit(activation):
    net = ns.Network.layered(
        [4, 5, 3, 2], activation=activation, output_activation="sigmoid", seed=1
    )
    module = export.to_torch(net)
    assert isinstance(module, torch.nn.Sequential)
    back = export.from_torch(module)
    assert [(c.source.name, c.target.name, c.weight) for c in back.connections] == [
        (c.source.name, c.target.name, c.weight) for c in net.connections
    ]
    assert [
        (n.name, n.bias, n.activation.name) for n in back.neurons if n.role != "input"
    ] == [(n.name, n.bias, n.activation.name) for n in net.neurons if n.role != "input"]


def test_a_pytorch_trained_mlp_imports_with_pytorchs_outputs():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 4), torch.nn.ReLU(),
        torch.nn.Linear(4, 1), torch.nn.Sigmoid(),
    ).double()  # fmt: skip
    X = torch.randn(64, 3, dtype=torch.float64)
    Y = (X.sum(dim=1, keepdim=True) > 0).double()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(200):
        optimizer.zero_grad()
        torch.nn.functional.binary_cross_entropy(model(X), Y).backward()
        optimizer.step()
    net = export.from_torch(model)
    assert np.allclose(
        net.predict(X.numpy()), model(X).detach().numpy(), rtol=1e-12, atol=1e-300
    )
    assert net.explain(X[0].numpy(), Y[0].numpy(), loss="bce").startswith(
        "One training step"
    )


def test_shared_is_one_parameter_and_frozen_has_no_gradient():
    net = ns.Network.layered([2, 2, 1], seed=0)
    net.connect("x1", "y1", share=net.connection("x2", "h1_1"))
    net.freeze(net.connection("x1", "h1_1"))
    module = export.to_torch(net)
    trainable = [p for p in module.parameters() if p.requires_grad]
    assert len(trainable) == 1 and trainable[0].numel() == len(net.parameter_vector())
    assert not module.frozen.requires_grad and module.frozen.numel() == 1


def test_errors_name_the_neuron_or_the_layer():
    cube = ns.Activation("cube", lambda z: z**3, lambda z: 3 * z**2)
    net = ns.Network.layered([2, 1], activation=cube, seed=0)
    with pytest.raises(
        ns.ParameterError, match="neuron 'y1' uses the activation 'cube'"
    ):
        export.to_torch(net)
    with pytest.raises(ns.ParameterError, match="'cube'"):
        export.to_onnx(net, "never-written.onnx")

    class Cube(torch.nn.Module):
        def forward(self, z):
            return z**3

    module = export.to_torch(net, activations={"cube": Cube()})
    X = np.array([[0.5, -1.0], [2.0, 0.1]])
    assert np.allclose(
        module(torch.tensor(X)).detach().numpy(), net.predict(X), rtol=1e-12
    )
    with pytest.raises(ns.ParameterError, match=r"layer 1 is Conv1d"):
        export.from_torch(
            torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Conv1d(1, 1, 1))
        )
    with pytest.raises(ns.ParameterError, match="no PyTorch loss"):
        export.torch_loss("hinge")


def test_import_neurosim_never_imports_torch_or_onnx_and_a_missing_one_is_named():
    code = (
        "import sys, neurosim, neurosim.export\n"
        "print(any(m in sys.modules for m in ('torch', 'onnx', 'onnxruntime')))\n"
        "sys.modules['torch'] = None\n"
        "try:\n"
        "    neurosim.export.to_torch(neurosim.Network.layered([1, 1], seed=0))\n"
        "except neurosim.MissingDependencyError as error:\n"
        "    print(error)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    first, message = out.split("\n", 1)
    assert first == "False"
    assert "pip install torch" in message and '".[torch]"' in message


@pytest.mark.parametrize(
    "thing",
    [
        ns.RBM(4, 2, seed=0),
        ns.BoltzmannMachine(3, 1, seed=0),
        ns.HopfieldNetwork(3),
        "net",
    ],
    ids=["rbm", "boltzmann", "hopfield", "string"],
)
def test_exporting_what_is_not_a_network_is_a_clear_error(thing, tmp_path):
    with pytest.raises(ns.ParameterError, match="only a feed-forward Network"):
        ns.export.to_torch(thing)
    with pytest.raises(ns.ParameterError, match="only a feed-forward Network"):
        ns.export.to_onnx(thing, tmp_path / "model.onnx")


@pytest.mark.parametrize("seed", range(12))
def test_from_torch_reads_back_the_neuron_graph_of_any_network(seed):
    net = random_dag(seed, share=True, freeze=True)
    back = export.from_torch(export.to_torch(net))
    assert sorted(c.key for c in back.connections) == sorted(
        c.key for c in net.connections
    )
    np.testing.assert_array_equal(back.parameter_vector(), net.parameter_vector())
    assert back.n_parameters == net.n_parameters and back.n_trainable == net.n_trainable
    assert [n.name for n in back.outputs] == [n.name for n in net.outputs]
    x = np.random.default_rng(seed).normal(size=(4, net.n_inputs))
    np.testing.assert_allclose(back.forward(x), net.forward(x), rtol=1e-13, atol=1e-15)


def test_from_torch_reads_back_a_convolutional_network_with_its_pooling():
    from neurosim.layers import Conv, Dense, MaxPool

    net = ns.Network.convolutional((6, 6), [Conv(2, 3), MaxPool(2), Dense(2)], seed=0)
    back = export.from_torch(export.to_torch(net))
    assert sum(n.aggregation == "max" for n in back.neurons) == 8
    x = np.random.default_rng(0).normal(size=(3, 36))
    np.testing.assert_array_equal(back.forward(x), net.forward(x))
    np.testing.assert_array_equal(back.parameter_vector(), net.parameter_vector())


class _Doubled(torch.nn.Linear):
    def forward(self, x):
        return 2 * super().forward(x)


@pytest.mark.parametrize(
    ("module", "words"),
    [
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(5, 1)),
         "takes 5 inputs but the layer before gives 3"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Softplus(beta=2)),
         "layer 1 is Softplus"),
        (lambda: torch.nn.Sequential(_Doubled(2, 2)), "forward of its own"),
        (lambda: torch.nn.Linear(2, 3, dtype=torch.complex64), "complex"),
        (lambda: torch.nn.Linear(100_000, 100_000, device="meta"), "meta"),
        (lambda: "model.pt", "torch.nn.Module"),
    ],
    ids=["in_features", "softplus-beta", "subclass", "complex", "meta", "string"],
)  # fmt: skip
def test_from_torch_refuses_what_it_cannot_read_exactly(module, words):
    with pytest.raises(ns.ParameterError, match=words):
        export.from_torch(module())
