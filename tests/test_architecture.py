"""The architecture holds: no module reaches into another's underscore names."""

import ast
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


def test_the_network_is_split_into_building_computing_and_the_protocol():
    lengths = {
        name: len((PACKAGE / name).read_text(encoding="utf-8").splitlines())
        for name in ("network.py", "passes.py", "model.py", "parameters.py")
    }
    assert all(n <= 650 for n in lengths.values()), lengths
