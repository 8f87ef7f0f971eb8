"""The ``severity`` and ``control`` markers: declaration, validation and the metadata they carry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_awscompliance.model.severity import parse_level

CONTROL_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

MARKERS = (
    "severity(level): how bad a failure of this control is: critical, high, medium, low or info. "
    "Select with -m \"severity(level='high')\" or --severity-min.",
    "control(id, title, frameworks={}, remediation=''): the control's stable id, title, "
    "framework mappings such as {'cis-aws-3.0': '1.4'} and remediation text.",
)


class MarkerError(ValueError):
    """A control's markers are missing or malformed."""


@dataclass(frozen=True)
class ControlMeta:
    """What the markers say about a control."""

    id: str
    title: str
    severity: str
    frameworks: dict[str, str] = field(default_factory=dict)
    remediation: str = ""


def severity_of(node: Any) -> str:
    """The closest ``severity`` marker's level, validated."""
    marker = node.get_closest_marker("severity")
    if marker is None:
        raise MarkerError("has no @pytest.mark.severity(level) marker; every AWS control "
                          "needs one (critical, high, medium, low or info)")
    values = list(marker.args) + ([marker.kwargs["level"]] if "level" in marker.kwargs else [])
    if len(values) != 1:
        raise MarkerError("@pytest.mark.severity takes exactly one level, e.g. "
                          "@pytest.mark.severity('high')")
    try:
        return parse_level(values[0])
    except ValueError as exc:
        raise MarkerError(f"@pytest.mark.severity: {exc}") from None


def control_meta(node: Any, severity: str) -> ControlMeta:
    """Read the ``control`` marker; a test without one gets its function name as id."""
    marker = node.get_closest_marker("control")
    if marker is None:
        name = getattr(node, "originalname", None) or node.name
        return ControlMeta(id=name.removeprefix("test_").replace("_", "-"),
                           title=name, severity=severity)
    if len(marker.args) != 1 and "id" not in marker.kwargs:
        raise MarkerError("@pytest.mark.control needs the control id as its first argument")
    control_id = marker.args[0] if marker.args else marker.kwargs["id"]
    if not isinstance(control_id, str) or not CONTROL_ID.match(control_id):
        raise MarkerError(f"@pytest.mark.control: id {control_id!r} must be lower-case words "
                          "joined by '-', e.g. 's3-bucket-ssl-only'")
    unknown = set(marker.kwargs) - {"id", "title", "frameworks", "remediation"}
    if unknown:
        raise MarkerError(f"@pytest.mark.control: unknown argument(s) {', '.join(sorted(unknown))}")
    frameworks = marker.kwargs.get("frameworks", {})
    if not isinstance(frameworks, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in frameworks.items()
    ):
        raise MarkerError("@pytest.mark.control: frameworks must map framework names to "
                          "requirement ids, e.g. {'cis-aws-3.0': '1.4'}")
    title = marker.kwargs.get("title", control_id)
    remediation = marker.kwargs.get("remediation", "")
    if not isinstance(title, str) or not isinstance(remediation, str):
        raise MarkerError("@pytest.mark.control: title and remediation must be strings")
    return ControlMeta(id=control_id, title=title, severity=severity,
                       frameworks=dict(frameworks), remediation=remediation)


def read_control(node: Any) -> ControlMeta:
    """Validate and return both markers of a control (raises ``MarkerError``)."""
    return control_meta(node, severity_of(node))


class ControlTable:
    """The run's control metadata: each control function's markers read once, one shared
    ``ControlMeta`` per distinct control however many tests run it.

    A function's definition (``pytest_generate_tests``) and each of its tests read the same
    entry; only a parameter that carries its own ``control`` or ``severity`` marker (one
    ``pytest.param(..., marks=...)`` per CIS pattern, say) has an entry of its own.
    """

    def __init__(self) -> None:
        self._read: dict[tuple[object, ...], tuple[list[Any], ControlMeta]] = {}
        self._shared: dict[tuple[object, ...], ControlMeta] = {}

    def of(self, node: Any) -> ControlMeta:
        """The control of a function definition or of one of its tests (``MarkerError``)."""
        own = [m for m in getattr(getattr(node, "callspec", None), "marks", ())
               if m.name in ("control", "severity")]
        key = (getattr(getattr(node, "parent", None), "nodeid", None),
               getattr(node, "originalname", None) or node.name, *map(id, own))
        known = self._read.get(key)
        if known is None:
            known = self._read[key] = (own, self._share(read_control(node)))  # own: ids stay
        return known[1]

    def _share(self, control: ControlMeta) -> ControlMeta:
        key = (control.id, control.title, control.severity,
               tuple(sorted(control.frameworks.items())), control.remediation)
        return self._shared.setdefault(key, control)


CONTROLS = pytest.StashKey[ControlTable]()


def controls_of(config: pytest.Config) -> ControlTable:
    """The run's ``ControlTable`` (made on first use)."""
    return config.stash.setdefault(CONTROLS, ControlTable())


def register(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
