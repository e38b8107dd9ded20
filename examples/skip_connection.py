"""
A hand-built network where the inputs also feed the output directly
===================================================================

Networks need not be layered: any directed acyclic graph works. Here two
inputs feed one hidden neuron *and* the output, so the output sees the raw
inputs next to the hidden neuron's feature. This is the classic minimal XOR
solver: one hidden neuron computing AND-like features is enough once skip
connections carry the inputs past it. The script trains it, prints each
neuron's values for every input, and shows the evaluation order networkx
derived from the graph.

Run: ``python examples/skip_connection.py [--quick]``
"""

import argparse

import networkx as nx

import neurosim as ns

parser = argparse.ArgumentParser(description="A DAG with skip connections learns XOR.")
parser.add_argument(
    "--quick", action="store_true", help="a short run (used by the test suite)"
)
parser.add_argument(
    "--out",
    nargs="?",
    const="pictures",
    metavar="DIR",
    help="write the pictures to DIR (./pictures if no DIR is given)",
)
args = parser.parse_args()

net = ns.Network(init="uniform", seed=0)
net.add_input("x1")
net.add_input("x2")
net.add_neuron("h", activation="sigmoid")
net.add_output("y", activation="sigmoid")
for source, target in [("x1", "h"), ("x2", "h"), ("h", "y"), ("x1", "y"), ("x2", "y")]:
    net.connect(source, target)  # weights drawn from U(-1, 1)
print(net)
print("evaluation order:", " -> ".join(nx.topological_sort(net.graph)))

X, Y = ns.datasets.xor()
epochs = 1500 if args.quick else 4000
history = net.fit(X, Y, epochs=epochs, lr=2.0, loss="sse", batch_size=1, seed=0)
print(
    f"loss: {history.loss[0]:.4f} (epoch 1) -> {history.loss[-1]:.5f} (epoch {epochs})"
)

print("\nweights:")
for connection in net.connections:
    print(
        f"  {connection.source.name:>2} -> {connection.target.name}: {connection.weight:+.3f}"
    )

print("\n x1  x2 | h.output  y.net    y.output | target")
for x, y in zip(X, Y):
    net.forward(x)
    print(
        f"{x[0]:3.0f} {x[1]:3.0f} | {net['h'].output:8.4f} {net['y'].net:+8.4f} "
        f"{net['y'].output:8.4f} | {y[0]:.0f}"
    )

if args.out:  # the DAG with the deltas of one backward pass, skip connections as arcs
    from neurosim import plotting

    net.forward([1.0, 0.0])
    net.backward([1.0], loss="sse")
    drawing = plotting.draw_network(net, values="delta").figure
    plotting.save_figure(drawing, f"{args.out}/skip_connection_deltas.png", dpi=100)
    print(f"\npictures written to {args.out}/")
