"""Reading OCSF findings back (a shard's, a merge's, a previous scan's), as plain dicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pytest_awscompliance.fleet.manifest import FINDINGS
from pytest_awscompliance.model.results import ControlResult, parse_frameworks
from pytest_awscompliance.reporting.ocsf import SEVERITY_ID

LEVEL_OF_ID = {v: k for k, v in SEVERITY_ID.items()}


class FindingsError(Exception):
    """Findings that cannot be read: one readable line."""


def findings_path(path: Path) -> Path:
    """A findings file, or the ``findings.json`` of a shard or merged directory."""
    return path / FINDINGS if path.is_dir() else path


def load(path: Path) -> list[dict[str, Any]]:
    """The OCSF records of a file or directory; ``FindingsError`` when unreadable."""
    file = findings_path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FindingsError(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FindingsError(f"{file}: not readable OCSF JSON ({exc})") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) and uid(r) for r in data):
        raise FindingsError(f"{file}: not a JSON array of OCSF findings")
    return data


def uid(record: dict[str, Any]) -> str:
    return str((record.get("finding_info") or {}).get("uid") or "")


def outcome(record: dict[str, Any]) -> str:
    return str((record.get("unmapped") or {}).get("outcome") or "")


def control(record: dict[str, Any]) -> str:
    return str(((record.get("unmapped") or {}).get("compliance") or {}).get("control") or "")


def severity(record: dict[str, Any]) -> str:
    return LEVEL_OF_ID.get(int(record.get("severity_id") or 0), "")


def account(record: dict[str, Any]) -> str:
    return str(((record.get("cloud") or {}).get("account") or {}).get("uid") or "")


def region(record: dict[str, Any]) -> str:
    return str((record.get("cloud") or {}).get("region") or "")


def to_result(record: dict[str, Any]) -> ControlResult:
    """The ``ControlResult`` an OCSF record was written from (for the summaries)."""
    unmapped = record.get("unmapped") or {}
    compliance = unmapped.get("compliance") or {}
    resources = record.get("resources") or [{}]
    return ControlResult(
        control_id=control(record), severity=severity(record), account=account(record),
        region=region(record), resource=str(resources[0].get("uid", "")),
        title=str((record.get("finding_info") or {}).get("title", "")),
        frameworks=parse_frameworks(" ".join(compliance.get("requirements") or [])),
        remediation=str((record.get("remediation") or {}).get("desc", "")),
        outcome=outcome(record), message=str(record.get("status_detail") or ""),
        missing_permission=str(unmapped.get("missing_permission") or ""),
        nodeid=str(unmapped.get("nodeid") or ""), time=float(record.get("time") or 0) / 1000,
        waiver=unmapped.get("waiver"))
