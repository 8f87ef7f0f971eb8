"""Offline snapshots: every AWS answer of a run in one file, replayable with no network.

A snapshot holds the plan (accounts, regions), the time, the plugin version and the read
cache's entries (answers and errors). Replaying it runs the same controls on the same
answers; a read the snapshot never recorded is an ERROR that names it. Credentials are
never part of a snapshot: the answers recorded are reads of account configuration.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pytest_awscompliance.aws.targets import Plan

FORMAT = "pytest-awscompliance-snapshot/1"


class SnapshotError(Exception):
    """The snapshot file cannot be read or is not a snapshot."""


def snapshot_plan(plan: Plan) -> dict[str, Any]:
    """The plan as recorded: how accounts were reached is dropped, endpoints included."""
    data = plan.to_dict()
    for account in data["accounts"]:
        account.update(profile=None, role_arn=None, external_id=None, endpoint_url=None,
                       label=f"snapshot ({account['label']})")
    return data


def save(path: Path, plan: Plan, entries: dict[str, Any], version: str) -> None:
    """Write the snapshot atomically (a reader never sees half a file)."""
    document = {
        "format": FORMAT,
        "plugin_version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "plan": snapshot_plan(plan),
        "entries": dict(sorted(entries.items())),
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(document, indent=None, separators=(",", ":")))
    os.replace(tmp, path)


def load(path: Path) -> tuple[Plan, dict[str, Any], dict[str, Any]]:
    """Read a snapshot: (plan, entries, metadata). Raise ``SnapshotError`` in one line."""
    try:
        document = json.loads(path.read_text())
    except OSError as exc:
        raise SnapshotError(f"cannot read snapshot {path}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"snapshot {path} is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SnapshotError(f"{path} is not a {FORMAT} file")
    try:
        plan = Plan.from_dict(document["plan"])
        entries = document["entries"]
        if not isinstance(entries, dict):
            raise TypeError("entries")
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"snapshot {path} is corrupt ({exc})") from None
    meta = {k: document.get(k) for k in ("plugin_version", "created")}
    return plan, entries, meta
