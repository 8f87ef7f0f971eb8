"""The bundled control catalog, read from the markers, and its Markdown rendering.

``python -m pytest_awscompliance.collect.catalog`` prints docs/controls.md; a test keeps the
two equal.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

from pytest_awscompliance.inventory.bundled import BUNDLED
from pytest_awscompliance.model.markers import ControlMeta, MarkerError, read_control
from pytest_awscompliance.model.severity import RANK

RESOURCE_TYPES = {t.fixture for t in BUNDLED}

PACKAGE = "compliance_tests"


@dataclass(frozen=True)
class CatalogEntry:
    """One bundled control: its metadata, where it lives and what it checks."""

    meta: ControlMeta
    module: str
    function: str
    checks: str
    granularity: str = ""
    """What one test judges: ``account``, ``region`` or the resource fixture (``iam_user``);
    several joined with ``, `` when the control's functions differ."""


class _Marked:
    """Just enough of a pytest node for ``read_control`` to read a function's marks."""

    def __init__(self, function: Any):
        self.name = function.__name__
        self.originalname = function.__name__
        self._marks = list(getattr(function, "pytestmark", []))
        module = sys.modules.get(function.__module__)
        self._marks += list(getattr(module, "pytestmark", []))

    def get_closest_marker(self, name: str) -> Any:
        return next((m for m in self._marks if m.name == name), None)


def _variants(function: Any) -> list[ControlMeta]:
    """The control metadata of a function, or of each parameter that carries its own."""
    node = _Marked(function)
    if node.get_closest_marker("control") is not None:
        return [read_control(node)]
    variants = []
    for mark in node._marks:
        if mark.name != "parametrize" or len(mark.args) < 2:
            continue
        for param in mark.args[1]:
            for param_mark in getattr(param, "marks", ()):
                if param_mark.name == "control":
                    variant = _Marked(function)
                    variant._marks = [param_mark, *node._marks]
                    variants.append(read_control(variant))
    return variants or [read_control(node)]


def merge(variants: list[ControlMeta]) -> ControlMeta:
    """One catalog row for a control whose parameters carry their own mappings."""
    first = variants[0]
    if len(variants) == 1:
        return first
    frameworks: dict[str, list[str]] = {}
    for variant in variants:
        for name, ref in variant.frameworks.items():
            frameworks.setdefault(name, [])
            if ref not in frameworks[name]:
                frameworks[name].append(ref)
    title = first.title if all(v.title == first.title for v in variants) \
        else f"{first.title} (and {len(variants) - 1} more variants)"
    return ControlMeta(id=first.id, title=title, severity=first.severity,
                       frameworks={k: ", ".join(v) for k, v in frameworks.items()},
                       remediation=first.remediation)


def _modules(package: str) -> list[ModuleType]:
    root = importlib.import_module(package)
    names = [info.name for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}.")
             if info.name.rsplit(".", 1)[-1].startswith("test_")]
    return [importlib.import_module(name) for name in sorted(names)]


def _checks(function: Any, meta: ControlMeta) -> str:
    doc = inspect.getdoc(function) or ""
    first = doc.split("\n\n")[0].replace("\n", " ").strip()
    return first or meta.title


def granularity(function: Any) -> str:
    """``account`` (``aws_account``), ``region`` (``aws``) or the resource fixture a control
    takes: what one of its tests judges."""
    names = list(inspect.signature(function).parameters)
    resource = next((n for n in names if n in RESOURCE_TYPES), None)
    if resource is not None:
        return resource
    return "region" if "aws" in names else "account"


def control_functions(package: str = PACKAGE) -> list[tuple[ControlMeta, str, Any]]:
    """``(metadata, module, function)`` of every bundled control function, in module order."""
    found = []
    for module in _modules(package):
        for name, function in sorted(vars(module).items()):
            if not (name.startswith("test_") and inspect.isfunction(function)):
                continue
            try:
                found.append((merge(_variants(function)), module.__name__, function))
            except MarkerError as exc:
                raise MarkerError(f"{module.__name__}.{name}: {exc}") from None
    return found


def bundled_controls(package: str = PACKAGE) -> list[CatalogEntry]:
    """Every control of the bundled package, sorted by id (one entry per control id)."""
    found: dict[str, CatalogEntry] = {}
    kinds: dict[str, list[str]] = {}
    for meta, module, function in control_functions(package):
        kind = granularity(function)
        if kind not in kinds.setdefault(meta.id, []):
            kinds[meta.id].append(kind)
        found.setdefault(meta.id, CatalogEntry(meta, module, function.__name__,
                                               _checks(function, meta)))
    return sorted((replace(e, granularity=", ".join(kinds[e.meta.id])) for e in found.values()),
                  key=lambda e: e.meta.id)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _granularity_cell(granularity: str) -> str:
    return ", ".join(k if k in ("account", "region") else f"`{k}`"
                     for k in granularity.split(", "))


def render_markdown(entries: list[CatalogEntry]) -> str:
    """docs/controls.md: a table per area, most severe first within each area."""
    lines = [
        "# Control catalog",
        "",
        "Generated from the `severity` and `control` markers of the bundled controls by",
        "`python -m pytest_awscompliance.collect.catalog > docs/controls.md`; "
        "`tests/test_catalog.py` fails when this file is out of date.",
        "",
        f"{len(entries)} controls. Framework keys: `cis-aws-3.0` and `cis-aws-7.0` (CIS AWS "
        "Foundations Benchmark), `aws-fsbp` (AWS Foundational Security Best Practices), "
        "`aws-securityhub` (Security Hub controls outside FSBP).",
        "",
        "*One test per* says what one test of the control judges: an account setting "
        "(`account`, id `account/global`), a region setting (`region`, id `account/region`) or "
        "one resource of the named fixture (id `account/region/name`, see docs/fixtures.md).",
    ]
    areas: dict[str, list[CatalogEntry]] = {}
    for entry in entries:
        areas.setdefault(entry.module.split(".")[1], []).append(entry)
    for area, members in sorted(areas.items()):
        lines += ["", f"## {area}", "",
                  "| id | severity | title | one test per | what it checks | frameworks "
                  "| remediation | test |",
                  "|---|---|---|---|---|---|---|---|"]
        for entry in sorted(members, key=lambda e: (-RANK[e.meta.severity], e.meta.id)):
            meta = entry.meta
            frameworks = "<br>".join(f"{k}: {v}" for k, v in sorted(meta.frameworks.items()))
            where = f"`{entry.module.removeprefix(PACKAGE + '.')}::{entry.function}`"
            lines.append("| " + " | ".join(_cell(c) for c in (
                f"`{meta.id}`", meta.severity, meta.title, _granularity_cell(entry.granularity),
                entry.checks, frameworks,
                meta.remediation, where)) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    sys.stdout.write(render_markdown(bundled_controls()))


if __name__ == "__main__":
    main()
