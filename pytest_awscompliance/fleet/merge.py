"""``awscompliance merge``: the shards' output directories -> one report set.

Every account of the organization is either in a complete shard or listed NOT SCANNED
(with the reason: its shard is missing, failed, or incomplete). Pure functions over the
directories' files; the command line is in cli.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_awscompliance.fleet import manifest, records
from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting import ocsf
from pytest_awscompliance.settings.sharding import shard_of

NOT_SCANNED = "not-scanned"


class MergeError(Exception):
    """The shards cannot be merged (bad input): one readable line."""


@dataclass
class Shard:
    """One output directory and what was found in it."""

    directory: Path
    manifest: dict[str, Any] | None = None
    problem: str = ""  # why it does not count, "" for a complete shard
    findings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        shard = (self.manifest or {}).get("shard")
        return f"shard {shard['index']}/{shard['count']}" if shard else "unsharded scan"


@dataclass
class Merged:
    """The organization's scan, assembled from its shards."""

    shards: list[Shard]
    accounts: list[str]  # every account of the organization
    not_scanned: dict[str, str]  # account -> reason
    closed: list[dict[str, str]]
    findings: list[dict[str, Any]]


def read_shard(directory: Path) -> Shard:
    """A shard directory; a problem (not an exception) when it is missing or incomplete."""
    shard = Shard(directory)
    if not directory.is_dir():
        shard.problem = f"{directory}: no such directory"
        return shard
    try:
        shard.manifest = manifest.read(directory)
    except manifest.ManifestError as exc:
        shard.problem = str(exc)
        return shard
    if shard.manifest is None:
        shard.problem = f"{directory}: incomplete (no {manifest.NAME})"
    elif not manifest.is_complete(shard.manifest):
        shard.problem = (f"{directory}: {shard.label} failed (exit status "
                         f"{shard.manifest.get('exit_status')})")
    else:
        try:
            shard.findings = records.load(directory)
        except records.FindingsError as exc:
            shard.problem = f"{directory}: {shard.label} incomplete: {exc}"
    return shard


def _refuse_duplicated(complete: list[Shard]) -> None:
    seen: dict[str, Shard] = {}
    owner: dict[str, Shard] = {}
    for shard in complete:
        label = shard.label
        if label != "unsharded scan" and label in seen:
            raise MergeError(f"duplicated {label}: {seen[label].directory} and {shard.directory}")
        seen[label] = shard
        for account in shard.manifest["accounts"]:  # type: ignore[index]
            if account in owner:
                raise MergeError(f"account {account} is in two shards: "
                                 f"{owner[account].directory} and {shard.directory}")
            owner[account] = shard
    counts = {s.manifest["shard"]["count"] for s in complete  # type: ignore[index]
              if s.manifest and s.manifest.get("shard")}
    if len(counts) > 1:
        raise MergeError(f"shards of different splits (N = {sorted(counts)}) cannot be merged")


def collect(directories: list[Path]) -> Merged:
    """Read every shard directory; ``MergeError`` for input that cannot be merged."""
    if not directories:
        raise MergeError("no shard directory given")
    shards = [read_shard(d) for d in directories]
    with_manifest = [s for s in shards if s.manifest]
    if not with_manifest:
        raise MergeError("no shard manifest found in " + ", ".join(str(d) for d in directories))
    complete = [s for s in shards if not s.problem]
    _refuse_duplicated(complete)
    organization = sorted({a for s in with_manifest
                           for a in s.manifest.get("organization_accounts") or  # type: ignore[union-attr]
                           s.manifest.get("accounts") or []})  # type: ignore[union-attr]
    covered = {a for s in complete for a in s.manifest["accounts"]}  # type: ignore[index]
    failed = {s.label: s for s in shards if s.problem and s.manifest}
    count = next((s.manifest["shard"]["count"] for s in with_manifest  # type: ignore[index]
                  if s.manifest.get("shard")), None)  # type: ignore[union-attr]
    not_scanned = {}
    for account in organization:
        if account in covered:
            continue
        label = f"shard {shard_of(account, count)}/{count}" if count else "unsharded scan"
        if label in failed:
            not_scanned[account] = failed[label].problem
        else:
            not_scanned[account] = f"{label}: no complete output among the merged directories"
    closed = sorted((c for s in complete for c in s.manifest.get("closed_regions", [])),  # type: ignore[union-attr]
                    key=lambda c: c["target"])
    findings = sorted((r for s in complete for r in s.findings),
                      key=lambda r: (records.control(r), records.account(r), records.region(r),
                                     records.uid(r)))
    version = next((s.manifest.get("versions", {}).get("pytest-awscompliance")  # type: ignore[union-attr]
                    for s in with_manifest), None) or "unknown"
    findings += [not_scanned_finding(a, reason, version) for a, reason in not_scanned.items()]
    return Merged(shards, organization, not_scanned, closed, findings)


def not_scanned_finding(account: str, reason: str, version: str) -> dict[str, Any]:
    """An ERROR record for an account nobody scanned: never silently absent."""
    result = ControlResult(
        control_id=NOT_SCANNED, severity="", account=account, region="global", resource="",
        title="Account NOT SCANNED", frameworks=(),
        remediation="re-run its shard (the engine's failed index) and merge again",
        outcome="error", message=f"NOT SCANNED: {reason}",
        nodeid=f"awscompliance-merge::{NOT_SCANNED}[{account}]")
    finding = ocsf.to_finding(result, version=version)
    finding["unmapped"]["not_scanned"] = True
    return finding


def results(merged: Merged) -> list[ControlResult]:
    return [records.to_result(r) for r in merged.findings]


def exit_status(merged: Merged, fail_on: str | None = None) -> int:
    """2 when an account was NOT SCANNED; else the scan's own status (0 or 1, see gate)."""
    from pytest_awscompliance.reporting import gate

    if merged.not_scanned:
        return 2
    found = results(merged)
    base = 1 if any(r.outcome in ("failed", "error") for r in found) else 0
    return gate.exit_status(base, found, fail_on)


def junit(merged: Merged) -> ET.Element:
    """One ``<testsuites>``: every complete shard's suites, plus a ``not-scanned`` suite."""
    root = ET.Element("testsuites", name="pytest-awscompliance merge")
    for shard in merged.shards:
        if shard.problem:
            continue
        path = shard.directory / manifest.JUNIT
        try:
            tree = ET.parse(path)
        except (OSError, ET.ParseError) as exc:
            raise MergeError(f"{path}: not readable JUnit XML ({exc})") from None
        top = tree.getroot()
        for suite in ([top] if top.tag == "testsuite" else top.findall("testsuite")):
            suite.set("name", f"{suite.get('name', 'pytest')} ({shard.label})")
            root.append(suite)
    if merged.not_scanned:
        suite = ET.SubElement(root, "testsuite", name=NOT_SCANNED,
                              tests=str(len(merged.not_scanned)),
                              errors=str(len(merged.not_scanned)), failures="0", skipped="0")
        for account, reason in merged.not_scanned.items():
            case = ET.SubElement(suite, "testcase", classname=NOT_SCANNED,
                                 name=f"{NOT_SCANNED}[{account}]")
            ET.SubElement(case, "error", message=f"NOT SCANNED: {reason}").text = reason
    return root


def _common_versions(complete: list[Shard]) -> dict[str, str]:
    """The shards' versions: one value where they agree, the distinct values joined if not."""
    seen: dict[str, set[str]] = {}
    for shard in complete:
        for name, value in (shard.manifest or {}).get("versions", {}).items():
            seen.setdefault(name, set()).add(str(value))
    return {name: ", ".join(sorted(values)) for name, values in sorted(seen.items())}


def merged_manifest(merged: Merged, status: int, files: dict[str, str]) -> dict[str, Any]:
    """The manifest of a merged directory (``awscompliance merge --output-dir``): an unsharded
    scan of the organization, with the shards it was merged from. Its exit status is the
    merge's, so a merge with an account NOT SCANNED (2) is itself incomplete."""
    complete = [s for s in merged.shards if not s.problem]
    manifests = [s.manifest or {} for s in complete]
    regions = {a: r for m in manifests for a, r in m.get("regions", {}).items()}
    data = manifest.build(
        shard=None, accounts=[a for m in manifests for a in m.get("accounts", [])],
        regions=regions, organization_accounts=merged.accounts,
        partition=next((m["partition"] for m in manifests if m.get("partition")), "aws"),
        closed={c["target"]: c["reason"] for c in merged.closed},
        versions=_common_versions(complete),
        started=min((m.get("started", "") for m in manifests), default=""),
        finished=max((m.get("finished", "") for m in manifests), default=""),
        counts=dict(Counter(records.outcome(r) for r in merged.findings)),
        exit_status=status, files=files)
    data["merged_from"] = [{"directory": str(s.directory),
                            "shard": (s.manifest or {}).get("shard"),
                            "problem": s.problem} for s in merged.shards]
    return data

