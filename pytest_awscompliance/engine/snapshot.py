"""Offline snapshots: every AWS answer of a run in one file, replayable with no network.

A snapshot holds the plan (accounts, regions), the time, the plugin version and the read
cache's entries (answers and errors). Replaying it runs the same controls on the same
answers; a read the snapshot never recorded is an ERROR that names it. Credentials are
never part of a snapshot: the answers recorded are reads of account configuration.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pytest_awscompliance.aws.targets import Plan, known_regions
from pytest_awscompliance.settings.options import ACCOUNT_ID
from pytest_awscompliance.settings.outputs import write_text_atomic

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
    write_text_atomic(path, json.dumps(document, indent=None, separators=(",", ":")))


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
    problem = format_problem(document)
    if problem:
        raise SnapshotError(f"snapshot {path} is corrupt: {problem}")
    plan = Plan.from_dict(document["plan"])
    meta = {k: document.get(k) for k in ("plugin_version", "created")}
    return plan, document["entries"], meta


ACCOUNT_FIELDS = {"account_id", "label", "profile", "role_arn", "external_id", "endpoint_url",
                  "home_region"}
ERROR_FIELDS = ("service", "operation", "code", "message")
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


def format_problem(document: dict[str, Any]) -> str | None:
    """What makes ``document`` not a valid snapshot (JSON paths in the message), or None."""
    plan = document.get("plan")
    if not isinstance(plan, dict):
        return "'plan' is missing or not an object"
    accounts = plan.get("accounts")
    if not isinstance(accounts, list) or not accounts:
        return "'plan.accounts' is missing or not a non-empty list"
    ids: list[str] = []
    for n, account in enumerate(accounts):
        where = f"plan.accounts[{n}]"
        if not isinstance(account, dict):
            return f"'{where}' is not an object"
        unknown = sorted(set(account) - ACCOUNT_FIELDS)
        if unknown or "account_id" not in account or "label" not in account:
            return f"'{where}' needs account_id and label" + (
                f", and has unknown field(s) {', '.join(map(repr, unknown))}" if unknown else "")
        for name, value in account.items():
            if value is not None and not isinstance(value, str):
                return f"'{where}.{name}' is not a string"
        account_id = account["account_id"]
        if not isinstance(account_id, str) or not ACCOUNT_ID.match(account_id):
            return f"'{where}.account_id' {account_id!r} is not a 12-digit AWS account id"
        if account_id in ids:
            return f"account {account_id} is listed twice in 'plan.accounts'"
        ids.append(account_id)
        if account.get("home_region") is not None \
                and account["home_region"] not in known_regions():
            return f"'{where}.home_region' {account['home_region']!r} is not an AWS region"
    regions = plan.get("regions")
    if not isinstance(regions, dict):
        return "'plan.regions' is missing or not an object"
    if set(regions) != set(ids):
        return (f"'plan.regions' names accounts {', '.join(sorted(map(str, regions)))} but "
                f"'plan.accounts' has {', '.join(sorted(ids))}")
    for account_id, names in regions.items():
        if not isinstance(names, list) or not names:
            return f"'plan.regions.{account_id}' is not a non-empty list of region names"
        for name in names:
            if not isinstance(name, str) or name not in known_regions():
                return f"'plan.regions.{account_id}' names {name!r}, which is not an AWS region"
    if plan.get("partition") not in PARTITIONS:
        return f"'plan.partition' {plan.get('partition')!r} is not one of {', '.join(PARTITIONS)}"
    if plan.get("demo_endpoint") is not None:
        return "'plan.demo_endpoint' must be null: a snapshot never records an endpoint"
    return entries_problem(document.get("entries"), set(ids))


def entries_problem(entries: Any, accounts: set[str]) -> str | None:
    """What is wrong with the recorded answers, or None."""
    if not isinstance(entries, dict):
        return "'entries' is missing or not an object"
    for key, entry in entries.items():
        parts = key.split("|", 4)
        if len(parts) != 5:
            return f"entry {key[:80]!r} is not account|region|service|operation|parameters"
        if parts[0] not in accounts:
            return f"entry {key[:80]!r} is for account {parts[0]!r}, not one of the plan's"
        if not isinstance(entry, dict) or len(entry) != 1 or not ({"ok", "error"} & set(entry)):
            return f"entry {key[:80]!r} is not an object with one 'ok' or 'error' member"
        error = entry.get("error")
        if "error" in entry and not (isinstance(error, dict) and all(
                isinstance(error.get(name), str) for name in ERROR_FIELDS)):
            return (f"entry {key[:80]!r}: 'error' needs string members "
                    f"{', '.join(ERROR_FIELDS)}")
    return None
