"""
Training the exported network on several processes with PyTorch's DDP
=====================================================================

A network built in neurosim, exported with ``ns.export.to_torch``, trained
data-parallel by PyTorch's ``DistributedDataParallel`` on 2 CPU processes
(the ``gloo`` backend, on localhost). Every global batch of 64 digits is
split in two halves, one per process; each process computes the gradient of
its half's mean loss, DDP averages the two gradients (which is the gradient
of the whole batch's mean loss, the halves being equal), and both processes
make the same SGD step. So the weights must end where one process training
on the whole batches ends — the script checks that, to 1e-10.

The same script runs on many machines and GPUs by changing only how the
process group starts (``torchrun``, ``MASTER_ADDR``, the ``nccl`` backend and
``model.to(device)``): see the docs page "When you outgrow neurosim".

Needs scikit-learn and torch (``pip install ".[torch]"``).
Run: ``python examples/distributed.py [--quick]``
"""

# The gallery does not run this script (it needs data or processes): its card shows this.
# sphinx_gallery_thumbnail_path = "images/outgrow.png"

import argparse
import os
import socket
import tempfile
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import neurosim as ns
from neurosim import export

WORLD = 2  # processes
BATCH = 64  # global batch: 32 per process
LR = 0.1


def batches(n_samples, steps, seed):
    """The same global batches for every run: a seeded shuffle, then slices of 64."""
    order = np.random.default_rng(seed).permutation(n_samples)
    order = np.resize(order, steps * BATCH)
    return order.reshape(steps, BATCH)


def train(model, X, Y, steps, rank=0, world=1):
    """SGD on the global batches; with world > 1 each rank takes its half of each."""
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = export.torch_loss("cross_entropy")
    for batch in batches(len(X), steps, seed=0):
        part = np.array_split(batch, world)[rank]
        optimizer.zero_grad()
        loss_fn(model(torch.tensor(X[part])), torch.tensor(Y[part])).backward()
        optimizer.step()
    return model


def worker(rank, world, port, path, steps):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        X, Y = data()
        model = torch.nn.parallel.DistributedDataParallel(build())
        train(model, X, Y, steps, rank, world)
        if rank == 0:
            torch.save(model.module.state_dict(), path)
    finally:
        dist.destroy_process_group()


def data():
    X, labels = ns.datasets.load_digits()
    return X, ns.datasets.one_hot(labels, 10)


def build():
    net = ns.Network.layered(
        [64, 32, 10], activation="tanh", output_activation="identity", seed=0
    )
    return export.to_torch(net)  # float64, the same weights in every process


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="DDP training of an exported network.")
    parser.add_argument(
        "--quick", action="store_true", help="fewer steps (for the test suite)"
    )
    args = parser.parse_args()
    steps = 20 if args.quick else 300
    torch.set_num_threads(1)  # two processes on two cores

    start = time.perf_counter()
    X, Y = data()
    single = train(build(), X, Y, steps)
    print(
        f"1 process: {steps} SGD steps on global batches of {BATCH} ({time.perf_counter() - start:.1f} s)"
    )

    start = time.perf_counter()
    path = os.path.join(tempfile.mkdtemp(), "ddp.pt")
    mp.spawn(worker, args=(WORLD, free_port(), path, steps), nprocs=WORLD, join=True)
    print(
        f"{WORLD} processes (DDP, gloo): the same steps, {BATCH // WORLD} samples each ({time.perf_counter() - start:.1f} s)"
    )

    distributed = torch.load(path)
    worst = max(
        float(((distributed[name] - value).abs() / value.abs().clamp(min=1e-300)).max())
        for name, value in single.state_dict().items()
    )
    print(
        f"largest relative difference between the two runs' weights: {worst:.1e} (must be < 1e-10)"
    )
    back = export.from_torch(single)
    accuracy = np.mean(back.predict(X).argmax(axis=1) == Y.argmax(axis=1))
    print(f"back in neurosim: training accuracy {accuracy:.4f}")
    if worst >= 1e-10:
        raise SystemExit(
            "the data-parallel run did not reach the single-process weights"
        )
