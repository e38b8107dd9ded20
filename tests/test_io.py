"""Save and load: exact round trips, validation that names the fault, fuzzing, exports."""

import json
import os
import re
import signal
import subprocess
import sys
import tracemalloc

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim import io

from .conftest import DIFFERENTIABLE, random_dag

seeds = st.integers(0, 2**32 - 1)


def network_state(net: ns.Network):
    """Everything a file must preserve, compared exactly (floats by their bits)."""
    return (
        [
            (n.name, n.role, n.activation and n.activation.name, n.bias)
            for n in net.neurons
        ],
        [(c.key, c.weight.hex()) for c in net.connections],
    )


# ---------------------------------------------------------------- round trips


@given(seed=seeds, activation=st.sampled_from([None, *DIFFERENTIABLE, "step"]))
def test_network_round_trip_is_bit_identical(tmp_path_factory, seed, activation):
    net = random_dag(seed, activation=activation, max_hidden=8)
    path = tmp_path_factory.mktemp("io") / "net.json"
    ns.save(net, path)
    again = ns.load(path)
    assert network_state(again) == network_state(net)
    x = np.random.default_rng(seed).uniform(-1, 1, size=(3, len(net.inputs)))
    assert np.array_equal(again.forward(x), net.forward(x))
    target = np.zeros((3, len(net.outputs)))
    assert again.backward(target) == net.backward(target)
    assert [c.grad for c in again.connections] == [c.grad for c in net.connections]


@given(
    seed=seeds,
    rule=st.sampled_from(ns.memory.RULES),
    states=st.sampled_from(["bipolar", "binary"]),
)
def test_hopfield_round_trip_is_bit_identical(tmp_path_factory, seed, rule, states):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 20))
    low = 0 if states == "binary" else -1
    hop = ns.HopfieldNetwork(n, states=states, thresholds=rng.normal(size=n))
    hop.store(rng.choice([low, 1], size=(int(rng.integers(1, 4)), n)), rule=rule)
    path = tmp_path_factory.mktemp("io") / "hop.json"
    ns.save(hop, path)
    again = ns.load(path)
    assert isinstance(again, ns.HopfieldNetwork)
    assert np.array_equal(again.weights, hop.weights) and np.array_equal(
        again.thresholds, hop.thresholds
    )
    assert np.array_equal(again.patterns, hop.patterns)
    assert (again.rule, again.states, again.names) == (hop.rule, hop.states, hop.names)
    probe = rng.choice([low, 1], size=n)
    assert np.array_equal(
        again.recall(probe, seed=1).state, hop.recall(probe, seed=1).state
    )


def test_the_file_is_readable_json_with_a_version(tmp_path):
    net = ns.Network.layered([1, 1], activation="tanh", seed=0)
    ns.save(net, tmp_path / "n.json")
    document = json.loads((tmp_path / "n.json").read_text())
    assert document["format"] == "neurosim" and document["version"] == io.FORMAT_VERSION
    assert document["neurons"][1] == {
        "name": "y1",
        "role": "output",
        "activation": "tanh",
        "bias": 0.0,
    }


def test_custom_activations_are_saved_by_name_and_resolved_on_load(tmp_path):
    cube = ns.Activation("cube", fn=lambda z: z**3, derivative=lambda z: 3 * z**2)
    net = ns.Network.layered([2, 2, 1], activation=cube, seed=0)
    ns.save(net, tmp_path / "cube.json")
    with pytest.raises(
        ns.FormatError, match=r"neurons\[2\]\.activation: unknown activation 'cube'"
    ):
        ns.load(tmp_path / "cube.json")
    again = ns.load(tmp_path / "cube.json", activations=[cube])
    assert again["h1_1"].activation is cube
    assert np.array_equal(again.forward([0.5, -1.0]), net.forward([0.5, -1.0]))


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    ns.save(ns.Network.layered([1, 1], seed=0), path)
    before = path.read_bytes()

    def crash(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        ns.save(ns.Network.layered([3, 3, 1], seed=1), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]


def test_nan_weights_never_reach_a_file(tmp_path):
    net = ns.Network.layered([1, 1], seed=0)
    with pytest.raises(ns.ParameterError, match="must be finite"):
        net.connection("x1", "y1").weight = float("nan")
    ns.save(net, tmp_path / "net.json")
    assert ns.load(tmp_path / "net.json").connection("x1", "y1").weight == (
        net.connection("x1", "y1").weight
    )


# ---------------------------------------------------------------- validation


def valid_document() -> dict:
    return io.document(ns.Network.layered([2, 2, 1], seed=0))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["connections"][3].update(weight="abc"),
            r"connections\[3\]\.weight: expected a number, got 'abc'",
        ),
        (
            lambda d: d["connections"][0].pop("target"),
            r"connections\[0\]\.target: missing",
        ),
        (
            lambda d: d["neurons"][2].update(activation="swish"),
            r"neurons\[2\]\.activation: unknown activation 'swish'",
        ),
        (
            lambda d: d["neurons"][3].update(name="x1"),
            r"neurons\[3\]\.name: the name 'x1' is used twice",
        ),
        (
            lambda d: d["neurons"][0].update(role="boss"),
            r"neurons\[0\]\.role: expected one of",
        ),
        (
            lambda d: d["connections"].append(
                {"source": "y1", "target": "h1_1", "weight": 1.0}
            ),
            "cycle h1_1 -> y1 -> h1_1|cycle y1 -> h1_1 -> y1",
        ),
        (
            lambda d: d["connections"].append(dict(d["connections"][0])),
            r"connections\[6\]: 'x1' -> 'h1_1' appears twice",
        ),
        (
            lambda d: d["connections"][1].update(source="ghost"),
            "no neuron is called 'ghost'",
        ),
        (lambda d: d["connections"][1].update(target="x2"), "is an input neuron"),
        (lambda d: d.update(version=99), "newer than this neurosim reads"),
        (lambda d: d.update(version="1"), "version: expected a whole number"),
        (lambda d: d.update(kind="Brain"), "kind: expected"),
        (lambda d: d.pop("neurons"), "neurons: missing"),
        (
            lambda d: d["neurons"][2].update(bias=True),
            r"neurons\[2\]\.bias: expected a number, got True",
        ),
        (lambda d: d.update(settings={"init": ["he"]}), "settings.init"),
    ],
)
def test_loading_names_the_problem_and_where_it_is(tmp_path, change, message):
    document = valid_document()
    change(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ns.FormatError, match=message):
        ns.load(path)


NAN_FILE = json.dumps(
    {
        "format": "neurosim",
        "version": 1,
        "kind": "Network",
        "neurons": [],
        "connections": [{"source": "a", "target": "b", "weight": float("nan")}],
    }
)  # json writes the bare constant NaN, which is not JSON
HUGE_FILE = json.dumps(
    {
        "format": "neurosim",
        "version": 1,
        "kind": "Network",
        "neurons": [
            {"name": "x", "role": "input"},
            {"name": "y", "role": "output", "activation": "tanh", "bias": 1.0},
        ],
        "connections": [],
    }
).replace('"bias": 1.0', '"bias": 1e999')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "neurosim", "version": 1, "ki', "truncated"),
        ("not json at all", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        (NAN_FILE, "NaN is not a finite number"),
        (HUGE_FILE, r"bias: expected a finite number"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply|expected a JSON object"),
    ],
)
def test_loading_rejects_files_that_are_not_network_json(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ns.FormatError, match=message):
        ns.load(path)


def test_hopfield_files_are_validated_too(tmp_path):
    hop = ns.HopfieldNetwork(3)
    hop.store([[1, -1, 1]])
    document = io.document(hop)
    document["weights"][0][1] = 0.7  # no longer symmetric
    (tmp_path / "h.json").write_text(json.dumps(document))
    with pytest.raises(ns.FormatError, match="symmetric"):
        ns.load(tmp_path / "h.json")
    document = io.document(hop)
    document["patterns"][0][1] = 0.5
    (tmp_path / "h.json").write_text(json.dumps(document))
    with pytest.raises(ns.FormatError, match="patterns"):
        ns.load(tmp_path / "h.json")


def test_a_hopfield_file_declaring_many_names_allocates_nothing_large(tmp_path):
    hop = ns.HopfieldNetwork(3)
    hop.store([[1, -1, 1]])
    document = io.document(hop)
    # 20,000 names would be a 3.2 GB matrix; the file holds only 3 × 3 weights.
    document["neurons"] = [f"n{k}" for k in range(20_000)]
    path = tmp_path / "h.json"
    path.write_text(json.dumps(document))
    tracemalloc.start()
    try:
        with pytest.raises(
            ns.FormatError, match=r"weights: expected shape \(20000, 20000\)"
        ):
            ns.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 << 20


# ---------------------------------------------------------------- fuzzing


def mutate(text: str, data) -> str:
    """One random damage to a valid file: truncation, byte flips, type swaps,
    deleted keys, huge numbers or deep nesting."""
    kind = data.draw(
        st.sampled_from(["truncate", "flip", "swap", "delete", "huge", "nest", "grow"])
    )
    if kind == "truncate":
        return text[: data.draw(st.integers(0, len(text) - 1))]
    if kind == "flip":
        chars = list(text)
        for _ in range(data.draw(st.integers(1, 5))):
            i = data.draw(st.integers(0, len(chars) - 1))
            chars[i] = chr(data.draw(st.integers(0, 0x2FF)))
        return "".join(chars)
    document = json.loads(text)
    containers = [document]
    found = []  # (container, key) pairs anywhere in the document
    while containers:
        node = containers.pop()
        keys = range(len(node)) if isinstance(node, list) else list(node)
        for key in keys:
            found.append((node, key))
            if isinstance(node[key], (dict, list)):
                containers.append(node[key])
    node, key = found[data.draw(st.integers(0, len(found) - 1))]
    if kind == "grow":
        # Declare more than the file holds: a longer list of names or rows.
        lists = [(n, k) for n, k in found if isinstance(n[k], list) and n[k]]
        if not lists:
            return text
        node, key = lists[data.draw(st.integers(0, len(lists) - 1))]
        node[key] = node[key] * data.draw(st.sampled_from([2, 10, 1000]))
    elif kind == "delete":
        del node[key]
    elif kind == "swap":
        node[key] = data.draw(
            st.sampled_from(["abc", 1, 2.5, None, True, [], {}, [1, "x"], {"a": 1}])
        )
    elif kind == "huge":
        node[key] = data.draw(st.sampled_from([1e308, -1e308, 10**400, 2**63, 1e-320]))
    else:
        depth = data.draw(st.integers(10, 5000))
        return json.dumps(document).replace(
            json.dumps(node[key]), "[" * depth + "1" + "]" * depth, 1
        )
    return json.dumps(document)


@pytest.mark.parametrize("kind", ["network", "hopfield"])
@settings(max_examples=1000)
@given(data=st.data())
def test_damaged_files_load_or_raise_format_error_only(tmp_path_factory, kind, data):
    if kind == "network":
        obj = random_dag(data.draw(st.integers(0, 1000)), max_hidden=3)
    else:
        obj = ns.HopfieldNetwork(4)
        obj.store([[1, -1, 1, -1]], rule=data.draw(st.sampled_from(ns.memory.RULES)))
    path = tmp_path_factory.mktemp("fuzz") / "file.json"
    ns.save(obj, path)
    path.write_text(
        mutate(path.read_text(), data), encoding="utf-8", errors="surrogatepass"
    )
    try:
        loaded = ns.load(path)
    except ns.FormatError:
        return
    assert isinstance(loaded, (ns.Network, ns.HopfieldNetwork))  # a valid network, then


# ---------------------------------------------------------------- exports


def test_networkx_round_trip_keeps_roles_activations_biases_and_weights():
    net = random_dag(11, max_hidden=6)
    graph = io.to_networkx(net)
    assert graph.nodes[net.outputs[0].name]["role"] == "output"
    again = io.from_networkx(graph)
    assert network_state(again) == network_state(net)


def test_from_networkx_infers_roles_and_rejects_bad_graphs():
    net = io.from_networkx(
        nx.DiGraph([("a", "b", {"weight": 1.0}), ("b", "c", {"weight": 2.0})])
    )
    assert [n.role for n in net.neurons] == ["input", "hidden", "output"]
    with pytest.raises(ns.FormatError, match="weight: expected a number, got None"):
        io.from_networkx(nx.DiGraph([("a", "b")]))
    cyclic = nx.DiGraph(
        [
            ("a", "b", {"weight": 1.0}),
            ("b", "c", {"weight": 1.0}),
            ("c", "b", {"weight": 1.0}),
        ]
    )
    cyclic.nodes["a"]["role"] = "input"
    with pytest.raises(ns.FormatError, match="cycle"):
        io.from_networkx(cyclic)


def test_graphml_export_reads_back_in_networkx(tmp_path):
    net = ns.Network.layered([2, 2, 1], activation="tanh", seed=0)
    io.write_graphml(net, tmp_path / "net.graphml")
    graph = nx.read_graphml(tmp_path / "net.graphml")
    assert graph.nodes["h1_1"] == {"role": "hidden", "activation": "tanh", "bias": 0.0}
    assert graph.edges["x1", "h1_1"]["weight"] == net.connection("x1", "h1_1").weight
    hop = ns.HopfieldNetwork(3)
    hop.store([[1, 1, -1]])
    io.write_graphml(hop, tmp_path / "hop.graphml")
    assert nx.read_graphml(tmp_path / "hop.graphml").number_of_edges() == 3


# ---------------------------------------------------------------- hardening


def test_from_networkx_accepts_numpy_numbers_of_any_type():
    graph = nx.DiGraph(
        [("a", "b", {"weight": np.float32(0.5)}), ("b", "c", {"weight": np.int64(-2)})]
    )
    graph.nodes["b"]["bias"] = np.float16(0.25)
    net = io.from_networkx(graph)
    assert [c.weight for c in net.connections] == [0.5, -2.0]
    assert net["b"].bias == 0.25


@pytest.mark.parametrize("weight", [True, np.bool_(True), "0.5", None, 1 + 2j])
def test_from_networkx_names_the_edge_by_its_nodes(weight):
    graph = nx.DiGraph([("a", "b", {"weight": 1.0}), ("b", "c", {"weight": weight})])
    with pytest.raises(
        ns.FormatError, match=r"^edge 'b' -> 'c'\.weight: expected a number"
    ):
        io.from_networkx(graph)


def test_from_networkx_names_the_node_with_a_bad_activation():
    graph = nx.DiGraph([("a", "b", {"weight": 1.0})])
    graph.nodes["b"]["activation"] = "sigmiod"
    with pytest.raises(
        ns.FormatError, match=r"^node 'b'\.activation: unknown activation"
    ):
        io.from_networkx(graph)


@pytest.mark.parametrize("activations", [3, "relu", ["relu"], [None]])
def test_from_networkx_validates_activations_as_load_does(tmp_path, activations):
    graph = nx.DiGraph([("a", "b", {"weight": 1.0})])
    with pytest.raises(ns.ParameterError, match="Activation objects"):
        io.from_networkx(graph, activations=activations)
    ns.save(ns.Network.layered([1, 1], seed=0), tmp_path / "n.json")
    with pytest.raises(ns.ParameterError, match="Activation objects"):
        ns.load(tmp_path / "n.json", activations=activations)


@pytest.mark.parametrize("name", ["h\x00", "a\nb", "tab\there", "\x7f", "bell\x07"])
def test_names_with_control_characters_are_refused_in_files_and_graphs(tmp_path, name):
    document = io.document(ns.Network.layered([1, 1], seed=0))
    document["neurons"][0]["name"] = name
    document["connections"][0]["source"] = name
    (tmp_path / "n.json").write_text(json.dumps(document))
    with pytest.raises(
        ns.FormatError, match=r"neurons\[0\]\.name: .*control characters"
    ):
        ns.load(tmp_path / "n.json")
    with pytest.raises(ns.FormatError, match="control characters"):
        io.from_networkx(nx.DiGraph([(name, "y", {"weight": 1.0})]))


def test_graphml_of_any_valid_network_reads_back(tmp_path):
    net = ns.Network(seed=0)
    net.add_input("x ü 1 <&>")
    net.add_output("y \"quoted\" 'π'")
    net.connect("x ü 1 <&>", "y \"quoted\" 'π'")
    io.write_graphml(net, tmp_path / "n.graphml")
    assert sorted(nx.read_graphml(tmp_path / "n.graphml")) == sorted(net.graph)


def test_saving_into_a_missing_folder_names_the_target(tmp_path):
    target = tmp_path / "no" / "such" / "net.json"
    with pytest.raises(
        ns.DataNotFoundError, match=r"cannot write .*net\.json.*does not exist"
    ) as info:
        ns.save(ns.Network.layered([1, 1], seed=0), target)
    assert "neurosim-tmp" not in str(info.value)
    assert not (tmp_path / "no").exists()


def test_saving_through_a_symlink_updates_the_file_it_points_to(tmp_path):
    real = tmp_path / "real.json"
    link = tmp_path / "link.json"
    ns.save(ns.Network.layered([1, 1], seed=0), real)
    link.symlink_to(real)
    ns.save(ns.Network.layered([2, 1], seed=0), link)
    assert link.is_symlink()
    assert len(ns.load(real).inputs) == 2


def test_resaving_keeps_the_files_permissions(tmp_path):
    path = tmp_path / "private.json"
    ns.save(ns.Network.layered([1, 1], seed=0), path)
    path.chmod(0o600)
    ns.save(ns.Network.layered([2, 1], seed=0), path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_save_killed_mid_write_leaves_nothing_after_the_next_save(tmp_path):
    # A real SIGKILL while the temporary is being written ...
    path = tmp_path / "net.json"
    code = (
        "import os, time, neurosim as ns\n"
        "def stall(fd):\n"
        "    print('writing', flush=True); time.sleep(60)\n"
        "os.fsync = stall\n"
        f"ns.save(ns.Network.layered([2, 1], seed=0), {str(path)!r})\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "writing"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        child.stdout.close()
        if child.poll() is None:
            child.kill()
    stranded = [p.name for p in tmp_path.iterdir()]
    assert len(stranded) == 1 and stranded[0].startswith(".net.json.")
    # ... is cleaned up by the next save of the same file, which succeeds.
    ns.save(ns.Network.layered([1, 1], seed=0), path)
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]


def test_temporaries_of_a_save_in_progress_elsewhere_are_left_alone(tmp_path):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        busy = tmp_path / f".net.json.{other.pid}-0123456789ab.neurosim-tmp.json"
        busy.write_text("{")
        ns.save(ns.Network.layered([1, 1], seed=0), tmp_path / "net.json")
        assert busy.exists()
    finally:
        other.kill()
        other.wait()


# ---------------------------------------------------------------- shared and frozen parameters


def shared_frozen_net() -> ns.Network:
    net = ns.Network(seed=0)
    for name in ("x1", "x2"):
        net.add_input(name)
    h1 = net.add_neuron("h1", activation="tanh", bias=0.25)
    net.add_neuron("h2", activation="tanh", bias=h1.bias_parameter)  # a shared bias
    net.add_output("y", activation="identity")
    kernel = net.connect("x1", "h1", weight=0.5)
    net.connect("x2", "h2", share=kernel)
    net.connect("h1", "y", weight=-1.5, trainable=False)
    net.connect("h2", "y", weight=2.0)
    net.freeze(net["y"].bias_parameter)
    return net


def sharing_of(net: ns.Network):
    """Which connections and biases share, and what is frozen, by names."""
    groups = sorted(
        sorted(
            f"w({u.source.name}->{u.target.name})"
            if hasattr(u, "source")
            else f"b({u.name})"
            for u in p.users
        )
        for p in net.parameters
    )
    frozen = sorted(
        u.name if not hasattr(u, "source") else f"{u.source.name}->{u.target.name}"
        for p in net.parameters
        if not p.trainable
        for u in p.users
    )
    return groups, frozen


def test_save_and_load_keep_sharing_and_freezing(tmp_path):
    net = shared_frozen_net()
    ns.save(net, tmp_path / "net.json")
    again = ns.load(tmp_path / "net.json")
    assert sharing_of(again) == sharing_of(net)
    assert network_state(again) == network_state(net)
    assert again.n_parameters == net.n_parameters == 5
    again.connection("x1", "h1").weight = 3.0  # still one parameter after loading
    assert again.connection("x2", "h2").weight == 3.0


def test_files_of_format_version_1_still_load(tmp_path):
    version_1 = {
        "format": "neurosim", "version": 1, "kind": "Network", "settings": {"init": "xavier"},
        "neurons": [{"name": "x", "role": "input"},
                    {"name": "y", "role": "output", "activation": "sigmoid", "bias": 0.1}],
        "connections": [{"source": "x", "target": "y", "weight": 0.5}],
    }  # fmt: skip
    (tmp_path / "v1.json").write_text(json.dumps(version_1))
    net = ns.load(tmp_path / "v1.json")
    assert net.connection("x", "y").weight == 0.5 and net["y"].bias == 0.1
    assert all(p.trainable and not p.shared for p in net.parameters)


def test_a_file_whose_shared_values_differ_is_refused(tmp_path):
    document = io.document(shared_frozen_net())
    entry = next(c for c in document["connections"] if "shared" in c)
    entry["weight"] += 1.0
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with pytest.raises(ns.FormatError, match="shared values must be identical"):
        ns.load(tmp_path / "bad.json")


def test_networkx_and_graphml_keep_sharing_and_freezing(tmp_path):
    net = shared_frozen_net()
    graph = io.to_networkx(net)
    assert graph.edges["x1", "h1"]["shared"] == graph.edges["x2", "h2"]["shared"]
    assert graph.edges["h1", "y"]["trainable"] is False
    assert sharing_of(io.from_networkx(graph)) == sharing_of(net)
    io.write_graphml(net, tmp_path / "net.graphml")
    read = nx.read_graphml(tmp_path / "net.graphml")
    assert sharing_of(io.from_networkx(read)) == sharing_of(net)


# ---------------------------------------------------------------- round three: files


def _every_kind(seed: int):
    """One network of each kind the library saves, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    dag = random_dag(seed, share=True, freeze=True)
    # Parameters created in an order no loader would guess: biases last.
    shuffled = ns.Network(seed=seed)
    shuffled.add_input("a")
    shuffled.add_input("b")
    shuffled.add_output("y", bias=0.1)
    shuffled.connect("b", "y", 0.3)
    shuffled.add_neuron("h", bias=ns.parameters.Parameter(0.2, name="hidden bias"))
    shuffled.connect("a", "h", 0.5)
    shuffled.connect("h", "y", -0.7)
    from neurosim.layers import Conv, Dense, MaxPool

    conv = ns.Network.convolutional(
        (6, 6), [Conv(2, 3), MaxPool(2), Dense(2)], seed=seed
    )
    hop = ns.HopfieldNetwork(6)
    hop.store(np.where(rng.random((2, 6)) < 0.5, -1, 1))
    rbm = ns.RBM(5, 3, seed=seed)
    bm = ns.BoltzmannMachine(3, 2, seed=seed)
    return {"dag": dag, "shuffled": shuffled, "conv": conv, "hopfield": hop,
            "rbm": rbm, "boltzmann": bm}  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_save_load_save_is_byte_identical_for_every_kind(tmp_path, seed):
    for kind, obj in _every_kind(seed).items():
        first, second = tmp_path / f"{kind}1.json", tmp_path / f"{kind}2.json"
        ns.save(obj, first)
        loaded = ns.load(first)
        ns.save(loaded, second)
        assert first.read_bytes() == second.read_bytes(), kind
        if isinstance(obj, ns.Network):
            np.testing.assert_array_equal(
                loaded.parameter_vector(), obj.parameter_vector()
            )
            assert [p.given_name for p in loaded.parameters] == [
                p.given_name for p in obj.parameters
            ]


def test_a_parameter_vector_taken_before_saving_fits_the_loaded_network(tmp_path):
    net = _every_kind(0)["shuffled"]
    vector = net.parameter_vector() + np.arange(net.n_trainable)
    ns.save(net, tmp_path / "net.json")
    loaded = ns.load(tmp_path / "net.json")
    net.set_parameter_vector(vector)
    loaded.set_parameter_vector(vector)
    for a, b in zip(net.connections, loaded.connections):
        assert a.key == b.key and a.weight == b.weight
    assert [n.bias for n in net.neurons if not n.is_input] == [
        n.bias for n in loaded.neurons if not n.is_input
    ]
    # The same evolution strategy seed gives the same result on both.
    X, Y = ns.datasets.xor()
    for model in (net, loaded):
        model.fit(X, Y, epochs=3, optimizer=ns.OnePlusOne(), seed=4)
    np.testing.assert_array_equal(net.parameter_vector(), loaded.parameter_vector())


def test_a_loaded_convolutional_network_keeps_its_kernels_names(tmp_path):
    from neurosim.layers import Conv, Dense, kernels

    net = ns.Network.convolutional((5, 5), [Conv(2, 3), Dense(1)], seed=0)
    ns.save(net, tmp_path / "cnn.json")
    loaded = ns.load(tmp_path / "cnn.json")
    np.testing.assert_array_equal(kernels(loaded, "conv1"), kernels(net, "conv1"))


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda path: os.mkfifo(path), "named pipe"),
        (lambda path: os.symlink(path, path), "loop"),
        (lambda path: os.symlink("/dev/zero", path), "character device"),
    ],
    ids=["fifo", "symlink-loop", "dev-zero"],
)
def test_loading_refuses_what_is_not_a_regular_file_at_once(tmp_path, make, words):
    path = str(tmp_path / "thing")
    make(path)
    for read in (ns.load, ns.datasets.load_idx):
        with pytest.raises(ns.NeurosimError, match=words) as caught:
            read(path)
        assert isinstance(caught.value, OSError)


def test_the_cli_refuses_a_fifo_without_waiting(tmp_path):
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    run = subprocess.run(
        [sys.executable, "-m", "neurosim", "info", str(path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode != 0 and "named pipe" in run.stderr


def test_a_file_is_read_no_further_than_the_limit(tmp_path, monkeypatch):
    import neurosim.io

    path = tmp_path / "big.json"
    path.write_bytes(b" " * 5000)
    monkeypatch.setattr(neurosim.io, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ns.FormatError, match="larger than 1,000 bytes"):
        ns.load(path)


@pytest.mark.parametrize("length", [200, 218, 240, 255])
def test_names_up_to_the_file_systems_limit_can_be_saved(tmp_path, length):
    net = ns.Network.layered([2, 1], seed=0)
    path = tmp_path / ("n" * (length - 5) + ".json")
    ns.save(net, path)
    assert ns.load(path).n_parameters == 3
    assert sorted(os.listdir(tmp_path)) == [path.name]


def test_file_errors_name_the_target_and_derive_from_the_built_in(
    tmp_path, monkeypatch
):
    net = ns.Network.layered([2, 1], seed=0)
    with pytest.raises(ns.FileSystemError, match="too long") as caught:
        ns.save(net, tmp_path / ("n" * 300 + ".json"))
    assert isinstance(caught.value, OSError)
    with pytest.raises(ns.NotAFileError, match="folder") as caught:
        ns.save(net, tmp_path)
    assert isinstance(caught.value, IsADirectoryError)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/somewhere/.tmp")

    monkeypatch.setattr("builtins.open", refuse)
    target = tmp_path / "net.json"
    with pytest.raises(
        ns.FileAccessError, match=re.escape(repr(str(target)))
    ) as caught:
        ns.save(net, target)
    assert isinstance(caught.value, PermissionError)
    assert ".tmp" not in str(caught.value)


def _network_file(tmp_path, edit):
    net = ns.Network.layered([2, 1], seed=0)
    ns.save(net, tmp_path / "net.json")
    text = edit((tmp_path / "net.json").read_text())
    (tmp_path / "net.json").write_text(text)
    return tmp_path / "net.json"


def test_a_key_given_twice_is_refused(tmp_path):
    path = _network_file(
        tmp_path, lambda t: t.replace('"weight":', '"weight": 1, "weight":', 1)
    )
    with pytest.raises(ns.FormatError, match="'weight' appears twice"):
        ns.load(path)


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda t: t.replace('"weight":', '"sharedd": "p1", "weight":', 1), "did you mean 'shared'"),
        (lambda t: t.replace('"role": "output"', '"role": "output", "bais": 1', 1), "did you mean 'bias'"),
        (lambda t: t.replace('"kind"', '"colour": 1, "kind"', 1), "unknown key 'colour'"),
    ],
    ids=["connection", "neuron", "top"],
)  # fmt: skip
def test_an_unknown_key_is_refused_not_ignored(tmp_path, edit, words):
    with pytest.raises(ns.FormatError, match=words):
        ns.load(_network_file(tmp_path, edit))


def test_files_of_every_earlier_version_still_load(tmp_path):
    for version in ("1", "2", "3"):
        path = _network_file(
            tmp_path, lambda t, v=version: t.replace('"version": 4', f'"version": {v}')
        )
        assert ns.load(path).n_parameters == 3


@pytest.mark.parametrize(
    "machine",
    [ns.RBM(4, 2, seed=0), ns.BoltzmannMachine(3, 1, seed=0)],
    ids=["rbm", "boltzmann"],
)
def test_the_machines_give_networkx_graphs_and_graphml(machine, tmp_path):
    graph = ns.io.to_networkx(machine)
    assert graph.number_of_nodes() == machine.n_visible + machine.n_hidden
    for a, b, w in graph.edges(data="weight"):
        assert isinstance(w, float)
    ns.io.write_graphml(machine, tmp_path / "m.graphml")
    assert (
        nx.read_graphml(tmp_path / "m.graphml").number_of_edges()
        == graph.number_of_edges()
    )
    with pytest.raises(ns.ParameterError, match="to_networkx takes"):
        ns.io.to_networkx("net.json")


def test_a_logic_gate_that_is_not_a_name_is_a_clear_error():
    with pytest.raises(ns.UnknownNameError, match="logic gate 5"):
        ns.datasets.logic_gate(5)


@pytest.mark.parametrize("seed", range(3))
def test_large_networks_are_streamed_compactly_and_load_the_same(
    tmp_path, monkeypatch, seed
):
    # Past io.INDENT_UP_TO connections a network is written compactly, a
    # batch of connections at a time: the same document, read back the same.
    for kind, obj in _every_kind(seed).items():
        if not isinstance(obj, ns.Network):
            continue
        indented = tmp_path / f"{kind}-indented.json"
        ns.save(obj, indented)
        monkeypatch.setattr(io, "INDENT_UP_TO", 3)
        streamed, again = tmp_path / f"{kind}.json", tmp_path / f"{kind}-again.json"
        ns.save(obj, streamed)
        monkeypatch.undo()
        assert streamed.read_text().count("\n") == 1  # one line
        assert json.loads(streamed.read_text()) == json.loads(indented.read_text())
        loaded = ns.load(streamed)
        np.testing.assert_array_equal(loaded.parameter_vector(), obj.parameter_vector())
        for name in obj.graph:  # every neuron's inputs and outputs in their order
            assert list(loaded.graph.pred[name]) == list(obj.graph.pred[name])
            assert list(loaded.graph.succ[name]) == list(obj.graph.succ[name])
        monkeypatch.setattr(io, "INDENT_UP_TO", 3)
        ns.save(loaded, again)
        monkeypatch.undo()
        assert again.read_bytes() == streamed.read_bytes()


def test_a_streamed_save_meeting_nan_writes_nothing(tmp_path, monkeypatch):
    net = ns.Network.layered([3, 4, 2], seed=0)
    ns.save(net, tmp_path / "net.json")
    before = (tmp_path / "net.json").read_bytes()
    net.connection("h1_4", "y2").parameter.data = float(
        "nan"
    )  # as a diverged run leaves it
    monkeypatch.setattr(io, "INDENT_UP_TO", 3)
    with pytest.raises(ns.NumericalError, match="NaN or infinite"):
        ns.save(net, tmp_path / "net.json")
    assert (tmp_path / "net.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]


def test_reading_a_document_leaves_it_as_it_was():
    # load drops each connection entry once read (its own parsed document);
    # a document handed to from_document is the caller's and stays whole.
    document = valid_document()
    before = json.dumps(document)
    net = io.from_document(document, {})
    assert json.dumps(document) == before
    assert [c.key for c in net.connections] == [
        (c["source"], c["target"]) for c in document["connections"]
    ]
