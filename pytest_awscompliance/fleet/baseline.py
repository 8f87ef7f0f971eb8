"""``--compliance-baseline``: is a failure new since the previous scan, or known?"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pytest_awscompliance.fleet import records

NEW, KNOWN = "new", "known"


def known_failures(path: Path) -> frozenset[str]:
    """Finding uids that failed (or were waived) in the previous scan at ``path``."""
    return frozenset(records.uid(r) for r in records.load(path)
                     if records.outcome(r) in ("failed", "waived"))


def status(uid: str, known: frozenset[str]) -> str:
    return KNOWN if uid in known else NEW


def annotate(findings: Iterable[dict[str, Any]], known: frozenset[str]) -> list[dict[str, Any]]:
    """Each failed record gains ``unmapped.baseline`` = ``new`` or ``known``."""
    out = []
    for record in findings:
        if records.outcome(record) == "failed":
            record.setdefault("unmapped", {})["baseline"] = status(records.uid(record), known)
        out.append(record)
    return out
