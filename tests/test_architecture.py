"""The architecture holds: no module reaches into another's underscore names."""

import ast
import re
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "neurosim"


def own_names(tree: ast.Module) -> set[str]:
    """Names a module defines: its functions, classes, module names, ``self``
    attributes and ``__slots__`` entries."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__slots__" for t in node.targets
        ):
            names.update(
                c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)
            )
    return names


def foreign_underscore_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = own_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        name = node.attr
        if not name.startswith("_") or name.startswith("__"):
            continue
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            continue
        if name in own:
            continue
        found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_uses_another_modules_underscore_names():
    found = [
        use
        for path in sorted(PACKAGE.rglob("*.py"))
        for use in foreign_underscore_uses(path)
    ]
    assert not found, "underscore names used outside their module:\n" + "\n".join(found)


def test_the_scan_catches_a_reach_into_a_network(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f(net):\n    return net._get_plan(), net._graph\n")
    assert len(foreign_underscore_uses(sample)) == 2


#: A module past this many lines has a second job and wants splitting.
CEILING = 500

#: The modules still over the ceiling, each with what it holds and where its
#: split lies (a ratchet: one that shrinks under the ceiling must leave).
OVER_THE_CEILING = {
    "graph.py": "building the graph (with delays) and looking things up; lookups could leave",
    "memory/rbm.py": "the RBM: views, energies, likelihoods, sampling (training: rbm_training)",
    "model.py": "the protocol and the public shell for samples and sequences, method by method",
}


def test_modules_stay_under_the_ceiling_or_are_named_with_a_reason():
    lengths = {
        str(path.relative_to(PACKAGE)): len(
            path.read_text(encoding="utf-8").splitlines()
        )
        for path in PACKAGE.rglob("*.py")
    }
    over = {name for name, n in lengths.items() if n > CEILING}
    assert over - set(OVER_THE_CEILING) == set(), f"new modules past {CEILING} lines"
    assert set(OVER_THE_CEILING) - over == set(), "under the ceiling now: unlist them"


# ---------------------------------------------------------------- the layer rule

#: The modules, lowest first: a module imports (at module level) only from
#: modules on an earlier line; modules on one line do not import each other.
LAYERS = [
    # 0: exceptions and checks at the public boundary
    ["errors"],
    ["_checks", "_files", "_registry", "_gc"],
    # 1: the small math objects, and what a trainer records
    ["activations", "losses", "initializers", "optimizers", "history", "layout"],
    # 2: every trainable number with one owner; neurons and connections
    ["parameters", "gating"],
    ["neuron"],
    ["through_time"],
    # 3: trainers, written against the Model protocol
    ["strategies"],
    ["evolution", "learning_rules"],
    ["training"],
    # 4: the protocol, the node-by-node passes, the graph, the compiled
    # backend, the layer builders, the network; the symmetric machines
    [
        "model",
        "compiled.convolution",
        "memory.units",
        "memory.exact",
        "memory.patterns",
        "som_training",
        "competitive",
    ],
    ["som"],
    ["passes", "memory.recall", "memory.rbm_training", "memory.boltzmann"],
    ["memory.hopfield"],
    ["memory.rbm"],
    ["graph", "compiled.blocks", "memory"],
    ["compiled.kernels", "compiled.sync", "compiled.gated"],
    ["compiled"],
    ["compiled.time_loop"],
    ["compiled.recurrent"],
    ["lstm"],
    ["layers", "recurrent"],
    ["network"],
    # 5: data, teaching, files, interchange
    ["datasets.toy", "datasets.idx", "datasets.playground_data"],
    ["io.fields", "datasets", "teaching.format", "export.plan"],
    ["teaching.sequence"],
    ["teaching.steps", "teaching.tables"],
    ["teaching.story", "teaching.checks"],
    ["teaching"],
    ["io.networks", "io.machines"],
    ["io.graphs"],
    ["io"],
    ["export.lstm"],
    ["export.torch_module", "export.onnx_model", "export"],
    # 6: the web pages, the pictures, the command line
    ["plotting._figures", "teaching.webpage"],
    [
        "teaching.page",
        "plotting.memory",
        "plotting.evolution",
        "plotting.convolution",
        "plotting.sequences",
        "plotting.lstm",
        "plotting.som",
    ],
    ["plotting.network", "teaching.playground"],
    ["plotting.training"],
    ["plotting"],
    ["cli"],
    ["__main__", ""],
]
RANK = {name: k for k, names in enumerate(LAYERS) for name in names}

#: The only imports that point upwards: one-line lazy delegations to a
#: higher layer, each a convenience a user reaches from the object itself.
VIEWS = {
    ("network", "teaching"): "Network.trace, .explain, .summary, .state_table",
    ("network", "plotting"): "Network._repr_png_ (Jupyter's picture)",
    (
        "network",
        "teaching.playground",
    ): "Network.playground: the network in the live page",
    ("memory.hopfield", "plotting"): "HopfieldNetwork._repr_png_ (Jupyter's picture)",
    (
        "teaching.story",
        "teaching.page",
    ): "explain(format='html'): the step as a web page",
}

#: Imports that break the rule today, to be removed one by one (a ratchet:
#: the test fails when one is fixed and still listed, or a new one appears).
KNOWN: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """The neurosim modules ``path`` imports at module level, and inside functions.

    Imports under ``if TYPE_CHECKING:`` are annotations only and not counted.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    checking = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for node in ast.walk(block)
    }
    top_level = {id(node) for node in tree.body}
    for block in tree.body:
        if isinstance(block, (ast.Try, ast.If)):
            top_level |= {id(node) for node in ast.walk(block)}
    found: tuple[set[str], set[str]] = (set(), set())
    for node in ast.walk(tree):
        if id(node) in checking or not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        targets = []
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[: len(base) - (node.level - 1)]
            if node.module:
                targets.append(".".join([*base, node.module]))
            else:  # from . import a, b
                targets += [".".join([*base, alias.name]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "neurosim"
        ):
            targets.append(node.module.removeprefix("neurosim").lstrip("."))
        elif isinstance(node, ast.Import):
            targets += [
                a.name.removeprefix("neurosim").lstrip(".")
                for a in node.names
                if a.name.startswith("neurosim")
            ]
        for target in targets:
            # A name imported from a package's __init__ counts as the package.
            while target and target not in RANK and "." in target:
                target = target.rpartition(".")[0]
            if target in RANK and target != name:
                found[id(node) not in top_level].add(target)
    return found


def test_every_module_has_a_layer():
    names = {module_name(p) for p in PACKAGE.rglob("*.py")}
    assert names <= set(RANK), f"modules without a layer: {sorted(names - set(RANK))}"


def test_modules_import_only_from_lower_layers():
    upward = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        top, lazy = imports_of(path)
        for target in top | lazy:
            below = RANK[target] < RANK[name] or name.startswith(target + ".")
            if not below and (target in top or (name, target) not in VIEWS):
                upward.add((name, target))
    assert upward - KNOWN == set(), (
        f"imports against the layer rule: {sorted(upward - KNOWN)}"
    )
    assert KNOWN - upward == set(), (
        f"fixed, remove from KNOWN: {sorted(KNOWN - upward)}"
    )


def test_the_layer_check_catches_an_upward_import(tmp_path, monkeypatch):
    fake = PACKAGE / "neuron.py"
    top, lazy = imports_of(fake)
    assert "parameters" in top and not lazy
    sample = tmp_path / "neuron.py"
    sample.write_text(
        "from .network import Network\ndef f():\n    from .plotting import x\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path)
    assert imports_of(sample) == ({"network"}, {"plotting"})


def test_memory_units_is_the_only_sigmoid_of_the_memory_models():
    for path in sorted((PACKAGE / "memory").glob("*.py")):
        if path.name == "units.py":
            continue
        text = path.read_text(encoding="utf-8")
        for written in (
            "np.tanh(",
            "math.tanh(",
            "1.0 / (1.0 + math.exp",
            "1 / (1 + np.exp",
        ):
            assert written not in text, f"{path.name} computes σ itself ({written})"


def calls_to(name: str, path: Path) -> list[int]:
    """Lines of ``path`` that call ``name`` (a plain or attribute call)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            getattr(node.func, "id", None) == name
            or getattr(node.func, "attr", None) == name
        )
    ]


def test_the_epoch_loop_is_written_once():
    # Progress bars and callbacks belong to history.run_epochs; a trainer
    # that calls them itself has grown its own epoch loop again.
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "history.py":
            continue
        for name in ("progress_bar", "call_callbacks"):
            assert not calls_to(name, path), f"{path.name} calls {name} itself"


def test_the_epoch_loop_scan_finds_a_call(tmp_path):
    module = tmp_path / "trainer.py"
    module.write_text("bar = progress_bar(total=3)\nhistory.call_callbacks(cbs)\n")
    assert calls_to("progress_bar", module) == [1]
    assert calls_to("call_callbacks", module) == [2]


def test_every_module_has_its_line_in_the_layout_page():
    page = (PACKAGE.parent / "docs" / "layout.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^   \* - ``([\w/.]+\.py)``$", page, flags=re.MULTILINE))
    modules = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")}
    assert modules - listed == set(), "modules missing from docs/layout.rst"
    assert listed - modules == set(), "docs/layout.rst lists modules that are gone"


def test_the_layout_page_lists_the_modules_lowest_layer_first():
    page = (PACKAGE.parent / "docs" / "layout.rst").read_text(encoding="utf-8")
    listed = re.findall(r"^   \* - ``([\w/.]+\.py)``$", page, flags=re.MULTILINE)
    ranks = [RANK[module_name(PACKAGE / path)] for path in listed]
    assert ranks == sorted(ranks), "docs/layout.rst is out of the layers' order"
