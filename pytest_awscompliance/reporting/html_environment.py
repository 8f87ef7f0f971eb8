"""pytest-html: the report's title and the environment table (targets, versions), with
anything that looks like a credential dropped."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, MutableMapping
from datetime import UTC, datetime
from html import escape
from typing import Any

CREDENTIAL_KEY = re.compile(r"(?i)secret|token|passw|credential|session|private|api.?key|"
                            r"access.?key|auth(?!or)")


ACCESS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")


def report_title(accounts: Iterable[str], started: datetime, limit: int = 4) -> str:
    """``AWS compliance: 111111111111, 222222222222 (scan 2025-01-31 12:00 UTC)``."""
    found = sorted(set(accounts))
    shown = ", ".join(found[:limit]) + (f" and {len(found) - limit} more"
                                        if len(found) > limit else "")
    when = started.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"AWS compliance: {shown or 'no account'} (scan {when})"


def scrub(metadata: MutableMapping[str, Any]) -> None:
    """Drop anything that looks like a credential from the environment table, in place."""
    for key in list(metadata):
        value = metadata[key]
        if CREDENTIAL_KEY.search(str(key)) or ACCESS_KEY_ID.search(str(value)):
            del metadata[key]
        elif isinstance(value, MutableMapping):
            scrub(value)


def environment(metadata: MutableMapping[str, Any], *, targets: Mapping[str, str],
                partition: str | None, started: datetime,
                versions: Mapping[str, str]) -> None:
    """Add the scan's targets and versions to pytest-metadata's table (values escaped)."""
    scrub(metadata)
    if targets:
        metadata["AWS targets"] = {escape(k): escape(v) for k, v in sorted(targets.items())}
    if partition:
        metadata["AWS partition"] = escape(partition)
    metadata["Scan started"] = started.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    packages = metadata.get("Packages")
    if not isinstance(packages, MutableMapping):
        packages = metadata["Packages"] = {}
    for name, version in versions.items():
        packages[escape(name)] = escape(version)
