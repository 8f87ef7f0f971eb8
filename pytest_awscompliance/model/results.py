"""``ControlResult``: one control's outcome on one target, built from report data only.

Everything here reads the ``TestReport`` (its ``user_properties`` and the attributes the
plugin and the waivers feature put on it), never the item, so it works the same on the
xdist controller, where reports arrive deserialized.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_awscompliance.model import properties as prop
from pytest_awscompliance.model.severity import LEVELS, RANK

OUTCOMES: tuple[str, ...] = ("passed", "failed", "error", "waived", "skipped")
"""Every outcome a control result can have, in report order."""

WAIVED_PREFIX = "waived:"


@dataclass(frozen=True, slots=True)
class ControlResult:
    """What a control found on one target: plain strings, safe to print, escape and dump.

    One per test, kept to the end of the run: slots, not a ``__dict__`` each."""

    control_id: str
    severity: str
    account: str
    region: str
    resource: str
    title: str
    frameworks: tuple[tuple[str, str], ...]
    remediation: str
    outcome: str
    message: str
    missing_permission: str = ""
    nodeid: str = ""
    time: float = 0.0
    duration: float = 0.0
    waiver: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        """The test's name with its parameters, e.g. ``test_x[123456789012/global]``."""
        return self.nodeid.rsplit("::", 1)[-1]

    @property
    def rank(self) -> int:
        """How severe: 4 for critical down to 0 for info (-1 when unknown)."""
        return RANK.get(self.severity, -1)

    @property
    def is_finding(self) -> bool:
        """Failed, errored or waived: worth showing with its evidence."""
        return self.outcome in ("failed", "error", "waived")


def parse_frameworks(text: str) -> tuple[tuple[str, str], ...]:
    """``"aws-fsbp:S3.1 cis-aws-3.0:2.1.4"`` -> ``(("aws-fsbp", "S3.1"), ("cis-aws-3.0", ...))``."""
    pairs = []
    for token in text.split():
        name, _, ref = token.partition(":")
        if name:
            pairs.append((name, ref))
    return tuple(pairs)


def properties_of(report: Any) -> dict[str, str]:
    """The report's ``user_properties`` as text (pairs are lists after a JSON round trip)."""
    found: dict[str, str] = {}
    for pair in getattr(report, "user_properties", None) or ():
        try:
            name, value = pair
        except (TypeError, ValueError):
            continue
        found[str(name)] = "" if value is None else str(value)
    return found


def is_control_report(report: Any) -> bool:
    return prop.CONTROL_ID in properties_of(report)


def is_waived(report: Any) -> bool:
    """An xfail whose reason starts with ``waived:`` (or that carries ``report.waiver``)."""
    reason = getattr(report, "wasxfail", None)
    if reason is None:
        return False
    return str(reason).startswith(WAIVED_PREFIX) or bool(getattr(report, "waiver", None))


def outcome_of(report: Any) -> str | None:
    """The control outcome a report decides, or ``None`` (a passing setup or teardown)."""
    when = getattr(report, "when", "call")
    if report.skipped:
        return "waived" if is_waived(report) else "skipped"
    if report.failed:
        return "failed" if when == "call" else "error"
    return "passed" if when == "call" else None


def first_line(text: str) -> str:
    """The first non-blank line of ``text``, stripped."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0].strip() if lines else ""


def message_of(report: Any, outcome: str) -> str:
    """The one-line evidence: the assertion message, the AWS error, or the skip reason."""
    for attr in ("compliance_error", "compliance_message"):
        value = getattr(report, attr, None)
        if value:
            return str(value)
    if outcome == "waived":
        return str(getattr(report, "wasxfail", ""))
    longrepr = getattr(report, "longrepr", None)
    if isinstance(longrepr, (tuple, list)) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and getattr(crash, "message", None):
        return first_line(str(crash.message))
    return first_line(str(longrepr)) if longrepr else ""


def result_of(report: Any) -> ControlResult | None:
    """The ``ControlResult`` a report decides, or ``None`` (not a control, or no decision)."""
    props = properties_of(report)
    if prop.CONTROL_ID not in props:
        return None
    outcome = outcome_of(report)
    if outcome is None:
        return None
    waiver = getattr(report, "waiver", None) if outcome == "waived" else None
    severity = props.get(prop.SEVERITY, "")
    return ControlResult(
        control_id=props[prop.CONTROL_ID],
        severity=severity if severity in LEVELS else "",
        account=props.get(prop.ACCOUNT, ""),
        region=props.get(prop.REGION, ""),
        resource=props.get(prop.RESOURCE, ""),
        title=props.get(prop.TITLE, ""),
        frameworks=parse_frameworks(props.get(prop.FRAMEWORKS, "")),
        remediation=props.get(prop.REMEDIATION, ""),
        outcome=outcome,
        message=message_of(report, outcome),
        missing_permission=str(getattr(report, "missing_permission", "") or ""),
        nodeid=str(report.nodeid),
        time=float(getattr(report, "stop", 0.0) or 0.0),
        duration=float(getattr(report, "duration", 0.0) or 0.0),
        waiver=dict(waiver) if isinstance(waiver, Mapping) else None,
    )


def merge(previous: ControlResult | None, new: ControlResult) -> ControlResult:
    """Combine the results of one test's phases: a teardown error spoils a pass."""
    if previous is None:
        return new
    if previous.outcome == "passed" and new.outcome == "error":
        return new
    return previous


def ordered(results: Iterable[ControlResult]) -> list[ControlResult]:
    """A stable order, the same whatever order xdist workers finished in."""
    return sorted(results, key=lambda r: (r.control_id, r.account, r.region, r.resource,
                                          r.nodeid))
