"""Discover the bundled catalog's resource types together, as collection starts.

pytest parametrizes one function at a time, so discovery went type after type, each
waiting for its own listings (10 x 2 x 50 at 50 ms: 14.9 s of collection, 6 s of it for
S3 alone). When a run collects the bundled catalog with nothing narrowing the selection
(no ``-k``, ``-m``, ``--severity-min`` or ``--aws-framework``: every bundled control is
parametrized, so every type it asks for is discovered anyway), the types the catalog's
test functions ask for are read from their source (``ast``, nothing imported) and their
discovery starts at once in background threads. Parametrizing a function then waits for
its type's discovery, already under way or done (``Inventory.discover`` holds one lock per
type: nothing is read twice). The same types are discovered, each once, with the same
results; a narrowed run discovers on demand, as before, so a deselected control still
discovers nothing.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pytest_awscompliance.collect.catalog import PACKAGE
from pytest_awscompliance.collect.state import ScanState, inventory_or_none
from pytest_awscompliance.settings.options import Settings
from pytest_awscompliance.settings.xdist import distributes

TYPES_AT_ONCE = 32
"""Types discovered at the same time: all of the catalog's (each lists its targets in its own
threads; the requests in flight stay bounded per service by ``engine/inflight.py``). At
10 x 2 x 50, 50 ms: collection + discovery 14.9 s one type at a time, 13.0 s six at once,
11.9 s all at once."""


def asked_for(source: str, fixtures: Collection[str]) -> set[str]:
    """The ``fixtures`` that a module's test functions take as arguments."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                and node.name.startswith("test"):
            found.update(arg.arg for arg in node.args.args if arg.arg in fixtures)
    return found


def module_path(name: str) -> Path | None:
    """Where ``--pyargs`` finds a dotted name (pytest tries that before the path)."""
    if not all(part.isidentifier() for part in name.split(".")):
        return None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin) if spec.origin else None


def package_dir(package: str = PACKAGE) -> Path | None:
    """The bundled catalog's folder."""
    return module_path(package)


def collected_roots(args: Iterable[str], invocation_dir: Path, pyargs: bool) -> list[Path]:
    """The directories and files a run collects whole (an argument naming a test inside a
    file, ``path::name``, collects only part of it: it is left out)."""
    roots: list[Path] = []
    for arg in args:
        if "::" in arg or arg.startswith("-"):
            continue
        path = module_path(arg) if pyargs else None
        path = path or (invocation_dir / arg)
        if path.exists():
            roots.append(path.resolve())
    return roots


def bundled_types(roots: Iterable[Path], fixtures: Collection[str],
                  package: Path | None) -> list[str]:
    """The resource fixtures the bundled modules under ``roots`` ask for, sorted."""
    if package is None:
        return []
    roots = [r.resolve() for r in roots]
    found: set[str] = set()
    for module in sorted(package.rglob("test_*.py")):
        module = module.resolve()
        if any(module == root or root in module.parents for root in roots):
            found |= asked_for(module.read_text(encoding="utf-8"), fixtures)
    return sorted(found)


def narrowed(config: pytest.Config, settings: Settings) -> bool:
    """Something may deselect a bundled control before it discovers."""
    return bool(config.getoption("keyword", "") or config.getoption("markexpr", "")
                or settings.severity_min or settings.frameworks)


def start(session: pytest.Session, state: ScanState) -> None:
    """Start discovering the bundled catalog's types in the background, when this process
    collects (not an xdist controller), the catalog is collected and nothing narrows it
    (``pytest_collection``)."""
    config = session.config
    if distributes(config):
        return
    inventory = inventory_or_none(config)
    if inventory is None or narrowed(config, state.settings):
        return
    roots = collected_roots(config.args, config.invocation_params.dir,
                            bool(config.getoption("pyargs", False)))
    types = bundled_types(roots, set(state.registry), package_dir())
    if not types:
        return
    pool = ThreadPoolExecutor(max_workers=TYPES_AT_ONCE, thread_name_prefix="awscompliance-disc")
    for name in types:  # the outcome is parametrize's to read, under the type's lock
        pool.submit(inventory.discover, name)
    pool.shutdown(wait=False)
