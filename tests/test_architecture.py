"""The house rules of docs/architecture.md, checked on the source: no import cycle, layers that
import only the layers below them, a demo that no core module names, and no module over
``MAX_LINES`` lines except data tables.

The import graph counts every ``import`` and ``from ... import`` of the package, wherever it
is: inside functions and under ``if TYPE_CHECKING`` too. ``from pkg import name`` is an import
of ``pkg.name`` when that is a module, else of ``pkg``; relative imports are resolved.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pytest_awscompliance

PACKAGE = "pytest_awscompliance"
ROOT = Path(pytest_awscompliance.__file__).parent

LAYERS = (
    "model",      # errors, severity, resources, control metadata: plain data
    "analysis",   # pure policy logic: iam/, principals, privilege, public and trust policies
    "settings",   # option and ini declarations, Settings
    "aws",        # targets, sessions, clients, the read-only guard, redaction
    "engine",     # AwsContext, runtime, read cache, in-flight bounds, prefetch, snapshots
    "inventory",  # resource types and their discovery
    "facts",      # per-service reads controls share
    "collect",    # parametrize, fixtures, items, outcomes, run state
    "waivers",
    "reporting",
    "fleet",      # shard output directories, merge and diff of runs (after its merge)
    "demo",       # a plugin of its own, registered under --aws-demo
)
"""Bottom to top: a module of a layer may import its own layer and the layers before it.
The package's top-level modules (plugin.py, hooks.py, __init__.py) sit above them all."""

MAX_LINES = 400
DATA_TABLES = {
    "analysis/iam/privesc_methods.py": "the privilege-escalation methods, one row each",
}
"""The modules allowed over ``MAX_LINES``: tables of data, not logic."""

DEMO = f"{PACKAGE}.demo"
DEMO_REGISTRATION = f"from {DEMO}.plugin import DemoPlugin"


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every module of the package that ``name`` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def owner(module: str) -> str | None:
        while module and module not in known:
            module = module.rpartition(".")[0]
        return module or None

    found: set[str | None] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(owner(a.name) for a in node.names if a.name.startswith(PACKAGE))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if source != PACKAGE and not source.startswith(PACKAGE + "."):
                continue
            for alias in node.names:
                child = f"{source}.{alias.name}"
                found.add(child if child in known else owner(source))
    found.discard(None)
    found.discard(name)
    return found  # type: ignore[return-value]


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as one
    circle through them, for the failure message."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(circle(graph, set(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def circle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """One circle inside a strongly connected component: start -> ... -> start."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & component):
            if nxt == start:
                return [*paths[node], start]
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    raise AssertionError(component)


def layer_of(module: str) -> str | None:
    """The layer folder of a module, or ``None`` for the package's top-level modules."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (ROOT / parts[1]).is_dir()):
        return parts[1]
    return None


def test_the_graph_sees_function_level_type_only_and_relative_imports(tmp_path: Path) -> None:
    """The graph builder itself: each hidden kind of import is an edge."""
    pkg = tmp_path / PACKAGE
    (pkg / "sub").mkdir(parents=True)
    for name in ("__init__.py", "a.py", "b.py", "c.py", "sub/__init__.py", "sub/d.py"):
        (pkg / name).write_text("")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        f"    from {PACKAGE}.b import B\n"
        f"def f():\n    from {PACKAGE} import c\n")
    (pkg / "sub" / "d.py").write_text("from .. import a\nfrom ..b import B\nfrom . import x\n")
    known = {".".join([PACKAGE, *p.relative_to(pkg).with_suffix("").parts]).removesuffix(
        ".__init__"): p for p in pkg.rglob("*.py")}
    assert imports_of(f"{PACKAGE}.a", pkg / "a.py", known) == {f"{PACKAGE}.b", f"{PACKAGE}.c"}
    assert imports_of(f"{PACKAGE}.sub.d", pkg / "sub" / "d.py", known) == {
        f"{PACKAGE}.a", f"{PACKAGE}.b", f"{PACKAGE}.sub"}
    graph = {"x": {"y"}, "y": {"z"}, "z": {"x"}, "w": {"x"}}
    assert cycles(graph) == [["x", "y", "z", "x"]]


def test_no_import_cycle() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_every_package_folder_is_a_layer() -> None:
    folders = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert folders <= set(LAYERS), f"folders missing from LAYERS: {folders - set(LAYERS)}"


def test_each_layer_imports_only_the_layers_below_it() -> None:
    wrong = []
    for module, imported in sorted(import_graph().items()):
        layer = layer_of(module)
        if layer is None:
            continue  # plugin.py, hooks.py and __init__.py may import any layer
        allowed = set(LAYERS[:LAYERS.index(layer) + 1])
        for other in sorted(imported):
            if layer_of(other) not in allowed:
                wrong.append(f"{module} ({layer}) imports {other} ({layer_of(other) or 'top'})")
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_no_core_module_names_the_demo() -> None:
    """Outside demo/, only plugin.py's registration line imports or names the demo."""
    graph = import_graph()
    named = []
    for module, path in modules().items():
        if module == DEMO or module.startswith(DEMO + "."):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if (DEMO in line or "pytest_awscompliance/demo" in line) and not (
                    module == f"{PACKAGE}.plugin" and line.strip().startswith(DEMO_REGISTRATION)):
                named.append(f"{path.relative_to(ROOT.parent)}:{number}: {line.strip()}")
        importers = {m for m in graph[module] if m == DEMO or m.startswith(DEMO + ".")}
        if module != f"{PACKAGE}.plugin":
            named.extend(f"{module} imports {m}" for m in sorted(importers))
    assert not named, "\n".join(named)
    assert graph[f"{PACKAGE}.plugin"] & {m for m in graph if m.startswith(DEMO)} == {
        f"{DEMO}.plugin"}


@pytest.mark.parametrize("layer", [name for name in LAYERS if (ROOT / name).is_dir()])
def test_every_layer_has_a_docstring(layer: str) -> None:
    """Each folder says what it holds (docs/architecture.md draws the whole)."""
    assert ast.get_docstring(ast.parse((ROOT / layer / "__init__.py").read_text()))


def test_no_module_over_max_lines_except_data_tables() -> None:
    """A module past about 400 lines holds more than one idea: split it along them."""
    assert all((ROOT / name).is_file() for name in DATA_TABLES), "a data table is gone"
    long = {path.relative_to(ROOT).as_posix(): length for path in sorted(ROOT.rglob("*.py"))
            if (length := len(path.read_text().splitlines())) > MAX_LINES}
    over = {name: length for name, length in long.items() if name not in DATA_TABLES}
    assert not over, f"modules over {MAX_LINES} lines (split them, or list a data table): " \
        + ", ".join(f"{name} ({length})" for name, length in over.items())
