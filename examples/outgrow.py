"""
When you outgrow neurosim: the same network in PyTorch, and back
================================================================

A learner builds and trains a digits classifier in neurosim, neuron by
neuron. To go further — more data, a GPU, several machines — the very same
network is exported to PyTorch (``ns.export.to_torch``: an ``nn.Sequential``
of ``nn.Linear`` layers here, with the same weights and, in float64, the
same outputs to round-off) and trained on there with Adam. Then it comes
back (``ns.export.from_torch``) to be looked at neuron by neuron again: which
weights moved most, and the first steps of a trace. ONNX (``ns.export.to_onnx``)
hands it to any runtime.

Needs scikit-learn, torch (``pip install ".[torch]"``) and, for the ONNX part,
onnx and onnxruntime (``pip install ".[onnx]"``).
Run: ``python examples/outgrow.py [--quick] [--out DIR]``
"""

import argparse
import os
import tempfile

import numpy as np
import torch

import neurosim as ns
from neurosim import export

parser = argparse.ArgumentParser(
    description="Export a neurosim network to PyTorch and back."
)
parser.add_argument(
    "--quick", action="store_true", help="fewer epochs (for the test suite)"
)
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()
epochs = 5 if args.quick else 30

X, labels = ns.datasets.load_digits()
X_train, X_test, y_train, y_test = ns.datasets.train_test_split(
    X, labels, test_size=0.2, seed=0
)
Y_train = ns.datasets.one_hot(y_train, 10)


def accuracy(predict):
    return float(np.mean(predict(X_test).argmax(axis=1) == y_test))


# 1. neurosim
net = ns.Network.layered(
    [64, 16, 10], activation="tanh", output_activation="identity", seed=0
)
net.fit(X_train, Y_train, loss="cross_entropy", epochs=epochs, optimizer=ns.Adam(lr=0.01),
        batch_size=32, seed=0, backend="vectorized")  # fmt: skip
print(
    f"1. trained in neurosim ({epochs} epochs): test accuracy {accuracy(net.predict):.4f}"
)

# 2. PyTorch: the same network, the same numbers
model = export.to_torch(net)
print(f"2. exported to PyTorch:\n{model}")
as_tensor = lambda a: torch.tensor(a, dtype=torch.float64)
difference = np.abs(
    model(as_tensor(X_test)).detach().numpy() - net.predict(X_test)
).max()
print(f"   largest difference between the two on the test set: {difference:.1e}")
optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
loss_fn = export.torch_loss("cross_entropy")
generator = torch.Generator().manual_seed(0)
for _ in range(epochs):
    for batch in torch.randperm(len(X_train), generator=generator).split(32):
        optimizer.zero_grad()
        loss_fn(model(as_tensor(X_train[batch])), as_tensor(Y_train[batch])).backward()
        optimizer.step()
torch_accuracy = accuracy(lambda a: model(as_tensor(a)).detach().numpy())
print(
    f"   trained on in PyTorch ({epochs} more epochs): test accuracy {torch_accuracy:.4f}"
)

# 3. back in neurosim, to look inside
back = export.from_torch(model)
print(
    f"3. imported back: test accuracy {accuracy(back.predict):.4f} (PyTorch's, exactly)"
)
changes = sorted(
    (
        (abs(b.weight - a.weight), a, b)
        for a, b in zip(net.connections, back.connections)
    ),
    key=lambda item: -item[0],
)
print("   the weights PyTorch moved most:")
for change, before, after in changes[:5]:
    print(
        f"     w({before.source.name}→{before.target.name}): {before.weight:+.4f} -> {after.weight:+.4f}"
    )
print("   the first steps of a trace of a test digit, in the imported network:")
for step in back.trace(X_test[0], target=np.eye(10)[y_test[0]], loss="cross_entropy")[
    :2
]:
    text = str(step)
    print(f"     {text[:96]}{'…' if len(text) > 96 else ''}")

# 4. ONNX, for any runtime
try:
    import onnxruntime
except ImportError:
    print(
        '4. (onnxruntime is not installed: pip install ".[onnx]" to run the ONNX part)'
    )
else:
    path = os.path.join(tempfile.mkdtemp(), "digits.onnx")
    export.to_onnx(back, path)
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    (outputs,) = session.run(None, {"x": X_test.astype(np.float32)})
    agree = np.mean(outputs.argmax(axis=1) == back.predict(X_test).argmax(axis=1))
    print(
        f"4. ONNX: {os.path.getsize(path):,} bytes; onnxruntime's predictions agree on {agree:.1%}"
    )

if args.out:
    import matplotlib

    matplotlib.use("Agg")
    from neurosim import plotting

    os.makedirs(args.out, exist_ok=True)
    back.forward(X_test[0])
    ax = plotting.draw_network(back, values="output")
    ax.set_title(
        "the network trained on in PyTorch, back in neurosim:\n"
        "each neuron's output for one test digit",
        fontsize=10,
    )
    plotting.save_figure(ax.figure, os.path.join(args.out, "outgrow.png"))
    print(f"pictures written to {args.out}/")
