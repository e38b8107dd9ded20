"""Graphs at scale: building, the memory a graph holds, saving and loading.

1. Building ``Network.layered`` and ``Network.convolutional`` networks of
   10³ to 3·10⁵ connections: µs per connection (best of 3) and the bytes the
   network holds per connection (tracemalloc, a separate build). Targets:
   ≤ 3 µs and ≤ 350 B per connection.
2. ``ns.save`` and ``ns.load`` of layered networks of 10⁴ to 10⁶
   connections: seconds (timed without tracemalloc) and the peak memory of
   each beyond what was held before, in multiples of the file's size
   (tracemalloc, a second run). The loaded network must compute exactly what
   the saved one did. Targets at 10⁶: ≤ 10 s each, peak ≤ 3× the file.

The baseline of a build is the same number of connections as plain Python
objects in a networkx graph (an edge dict holding one float): what any
graph of objects in networkx costs at least.

Run: ``python benchmarks/bench_build.py [--quick]``
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
import tracemalloc
from functools import partial

import networkx as nx
import numpy as np

import neurosim as ns
from neurosim.layers import Conv, Dense

LAYERED = {
    "1e3": [20, 40, 20, 5],
    "1e4": [100, 80, 40, 10],
    "1e5": [316, 250, 80, 10],
    "1e6": [1000, 900, 100, 10],
}
CONVOLUTIONAL = {
    "2e4": ((16, 16), [Conv(8, 5), Dense(10)]),
    "3e5": ((28, 28), [Conv(16, 5), Dense(10)]),
}


def best_time(make, repeats: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        result = None
        gc.collect()
        start = time.perf_counter()
        result = make()
        best = min(best, time.perf_counter() - start)
    return best, result


def held_bytes(make) -> int:
    """What ``make()``'s result holds, by tracemalloc."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    result = make()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del result
    return held


def plain_graph(net: ns.Network) -> nx.DiGraph:
    """The baseline: the same edges between plain names, one float on each."""
    graph = nx.DiGraph()
    graph.add_nodes_from(net.graph)
    graph.add_edges_from((u, v, {"weight": 0.5}) for u, v in net.graph.edges)
    return graph


def building(quick: bool) -> None:
    print("building: µs and bytes per connection (targets <= 3 µs, <= 350 B)")
    print(
        f"{'network':>30} {'connections':>12} {'µs':>7} {'B':>6} {'networkx alone µs':>18} {'B':>5}"
    )
    cases = [
        (
            f"layered {'-'.join(map(str, sizes))}",
            lambda sizes=sizes: ns.Network.layered(sizes, seed=0),
        )
        for key, sizes in LAYERED.items()
        if key != "1e6" and not (quick and key == "1e5")
    ]
    cases += [
        (f"conv {shape} {layers[0].filters}×{layers[0].kernel}²",
         lambda shape=shape, layers=layers: ns.Network.convolutional(shape, layers, seed=0))
        for key, (shape, layers) in CONVOLUTIONAL.items()
        if not (quick and key == "3e5")
    ]  # fmt: skip
    for title, make in cases:
        seconds, net = best_time(make)
        n = len(net.connections)
        held = held_bytes(make)
        plain_seconds, _ = best_time(partial(plain_graph, net))
        plain_held = held_bytes(partial(plain_graph, net))
        print(
            f"{title:>30} {n:12,} {seconds / n * 1e6:7.2f} {held / n:6.0f} "
            f"{plain_seconds / n * 1e6:18.2f} {plain_held / n:5.0f}"
        )


def files(quick: bool) -> None:
    print("\nsave and load (targets at 10⁶: <= 10 s each, peak <= 3× the file)")
    print(
        f"{'connections':>12} {'file MB':>8} {'save s':>7} {'peak':>6} {'load s':>7} {'peak':>6} {'held':>6}"
    )
    keys = ["1e4", "1e5"] if quick else ["1e4", "1e5", "1e6"]
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "net.json")
    rng = np.random.default_rng(0)
    for key in keys:
        sizes = LAYERED[key]
        net = ns.Network.layered(sizes, seed=0)
        X = rng.uniform(-1, 1, size=(3, sizes[0]))
        expected = net.forward(X)
        save_seconds, _ = best_time(partial(ns.save, net, path), repeats=1)
        size = os.path.getsize(path)
        tracemalloc.start()
        ns.save(net, path)
        save_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        n = len(net.connections)
        del net
        load_seconds, loaded = best_time(partial(ns.load, path), repeats=1)
        assert np.array_equal(loaded.forward(X), expected), "the loaded network differs"
        del loaded
        gc.collect()
        tracemalloc.start()
        loaded = ns.load(path)
        held, load_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del loaded
        gc.collect()
        print(
            f"{n:12,} {size / 1e6:8.1f} {save_seconds:7.2f} {save_peak / size:5.2f}× "
            f"{load_seconds:7.2f} {(load_peak - held) / size:5.2f}× {held / size:5.2f}×"
        )
    print("(load peak: beyond the network it returns, which is 'held')")
    os.remove(path)
    os.rmdir(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small sizes only (for the tests)"
    )
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    building(args.quick)
    files(args.quick)


if __name__ == "__main__":
    main()
