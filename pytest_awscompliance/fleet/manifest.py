"""``manifest.json``: what one shard scanned and how it ended, written last and atomically.

A shard directory without a manifest, or whose manifest says the scan did not complete
(exit status other than 0 or 1), is incomplete: ``awscompliance merge`` lists its accounts
as NOT SCANNED.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from pytest_awscompliance.settings import outputs

NAME = "manifest.json"
FINDINGS = "findings.json"
JUNIT = "junit.xml"
SNAPSHOT = "snapshot.json"
FORMAT = "pytest-awscompliance-shard/1"
COMPLETED_STATUSES = (0, 1)  # 0: all passed; 1: findings. Both are complete scans.


class ManifestError(Exception):
    """A manifest that cannot be read: one readable line."""


def write_json_atomic(path: Path, data: Any) -> None:
    """All of ``data`` at ``path``, or (on failure) nothing new."""

    def dump(handle: TextIO) -> None:
        json.dump(data, handle, indent=1, sort_keys=True, ensure_ascii=False)
        handle.write("\n")

    outputs.replace_atomic(path, dump)


def read(directory: Path) -> dict[str, Any] | None:
    """The manifest of a shard directory, or None when there is none (incomplete shard)."""
    path = directory / NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: not a readable manifest ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ManifestError(f"{path}: not a pytest-awscompliance shard manifest")
    return data


def is_complete(data: dict[str, Any] | None) -> bool:
    """The scan ran to its end (its reports are whole)."""
    return bool(data) and data.get("exit_status") in COMPLETED_STATUSES


def same_shard(data: dict[str, Any] | None, shard: tuple[int, int] | None) -> bool:
    if not data:
        return False
    recorded = data.get("shard")
    wanted = {"index": shard[0], "count": shard[1]} if shard else None
    return recorded == wanted


def build(*, shard: tuple[int, int] | None, accounts: list[str], regions: dict[str, list[str]],
          organization_accounts: list[str], partition: str, closed: dict[str, str],
          versions: dict[str, str], started: str, finished: str, counts: dict[str, int],
          exit_status: int, files: dict[str, str]) -> dict[str, Any]:
    """The manifest of one shard run, as plain data."""
    return {
        "format": FORMAT,
        "shard": {"index": shard[0], "count": shard[1]} if shard else None,
        "accounts": sorted(accounts),
        "regions": {a: list(r) for a, r in sorted(regions.items())},
        "organization_accounts": sorted(organization_accounts or accounts),
        "partition": partition,
        "closed_regions": [{"target": t, "reason": r} for t, r in sorted(closed.items())],
        "versions": dict(versions),
        "started": started,
        "finished": finished,
        "counts": dict(counts),
        "exit_status": exit_status,
        "files": dict(files),
    }
