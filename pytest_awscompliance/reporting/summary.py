"""What a compliance run found, as counts and as plain text lines for a CI log.

Pure functions over ``ControlResult`` records; the terminal hook only prints the lines.
Every line fits ``WIDTH`` columns.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pytest_awscompliance.model.results import OUTCOMES, ControlResult
from pytest_awscompliance.model.severity import LEVELS, RANK

WIDTH = 100
SEVERITIES_DESC: tuple[str, ...] = tuple(reversed(LEVELS))
"""critical, high, medium, low, info."""


@dataclass(frozen=True)
class FailingControl:
    """A control that failed on one or more targets."""

    control_id: str
    severity: str
    title: str
    failed: int


@dataclass(frozen=True)
class ControlCounts:
    """One control's results by outcome."""

    control_id: str
    severity: str
    title: str
    counts: Mapping[str, int]


def by_control(results: Iterable[ControlResult]) -> list[ControlCounts]:
    """Every control with its outcome counts: most severe first, then most failures."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    meta: dict[str, ControlResult] = {}
    for result in results:
        found[result.control_id][result.outcome] += 1
        meta.setdefault(result.control_id, result)
    ranked = sorted(found, key=lambda cid: (-meta[cid].rank, -found[cid]["failed"],
                                            -found[cid]["error"], cid))
    return [ControlCounts(cid, meta[cid].severity, meta[cid].title,
                          {o: found[cid].get(o, 0) for o in OUTCOMES}) for cid in ranked]


def counts(results: Iterable[ControlResult]) -> dict[str, dict[str, int]]:
    """``{severity: {outcome: n}}`` for every level and outcome (zeros included)."""
    table = {level: dict.fromkeys(OUTCOMES, 0) for level in SEVERITIES_DESC}
    for result in results:
        if result.severity in table and result.outcome in OUTCOMES:
            table[result.severity][result.outcome] += 1
    return table


def totals(results: Iterable[ControlResult]) -> dict[str, int]:
    """``{outcome: n}`` over all severities."""
    found = Counter(r.outcome for r in results)
    return {outcome: found.get(outcome, 0) for outcome in OUTCOMES}


def top_failing(results: Iterable[ControlResult], limit: int = 5) -> list[FailingControl]:
    """Failing controls, most severe first, then most failures, then by id."""
    failures: Counter[str] = Counter()
    meta: dict[str, ControlResult] = {}
    for result in results:
        if result.outcome == "failed":
            failures[result.control_id] += 1
            meta.setdefault(result.control_id, result)
    ranked = sorted(failures, key=lambda cid: (-meta[cid].rank, -failures[cid], cid))
    return [FailingControl(cid, meta[cid].severity, meta[cid].title, failures[cid])
            for cid in ranked[:limit]]


def missing_permissions(results: Iterable[ControlResult]) -> dict[str, list[str]]:
    """``{permission: [control ids]}`` for errors caused by AccessDenied."""
    found: dict[str, set[str]] = defaultdict(set)
    for result in results:
        if result.outcome == "error" and result.missing_permission:
            found[result.missing_permission].add(result.control_id)
    return {perm: sorted(controls) for perm, controls in sorted(found.items())}


def fit(text: str, width: int = WIDTH) -> str:
    """One line that fits ``width`` columns, cut between words and ended with ``...``
    (mid-word only when a single word is too long)."""
    text = " ".join(str(text).splitlines()).rstrip()
    if len(text) <= width:
        return text
    cut = text[: width - 3]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:(") + "..."


def requests_line(requests: Mapping[str, int]) -> str:
    """``aws requests: 258 sent (most: s3:GetBucketLocation 11, ...)``, all processes."""
    total = sum(requests.values())
    top = ", ".join(f"{op} {n}" for op, n in Counter(requests).most_common(3))
    return f"aws requests: {total} sent" + (f" (most: {top})" if top else "")


def severity_table(results: Sequence[ControlResult]) -> list[str]:
    """Failures (and the other outcomes) per severity, as an aligned text table."""
    table = counts(results)
    head = f"{'severity':<10}" + "".join(f"{o:>9}" for o in OUTCOMES) + f"{'total':>9}"
    lines = [head]
    for level in SEVERITIES_DESC:
        row = table[level]
        lines.append(f"{level:<10}" + "".join(f"{row[o]:>9}" for o in OUTCOMES)
                     + f"{sum(row.values()):>9}")
    all_ = totals(results)
    lines.append(f"{'all':<10}" + "".join(f"{all_[o]:>9}" for o in OUTCOMES)
                 + f"{sum(all_.values()):>9}")
    return lines


def top_failing_lines(results: Sequence[ControlResult], limit: int = 5) -> list[str]:
    top = top_failing(results, limit)
    if not top:
        return []
    lines = ["top failing controls:"]
    for ctl in top:
        lines.append(fit(f"  {ctl.severity:<8} {ctl.failed:>4} failed  {ctl.control_id}"
                         + (f"  ({ctl.title})" if ctl.title else "")))
    return lines


def error_lines(results: Sequence[ControlResult], limit: int = 5) -> list[str]:
    """How many results errored, the permissions behind them, and the other causes."""
    errors = [r for r in results if r.outcome == "error"]
    if not errors:
        return []
    lines = [f"errors: {len(errors)} result(s) could not be evaluated"]
    for perm, controls in missing_permissions(errors).items():
        count = sum(1 for r in errors if r.missing_permission == perm)
        lines.append(fit(f"  missing permission {perm}: {count} result(s), "
                         f"control(s) {', '.join(controls)}"))
    others = Counter(r.message or "(no message)" for r in errors if not r.missing_permission)
    for message, count in sorted(others.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]:
        lines.append(fit(f"  {count} x {message}"))
    if len(others) > limit:
        lines.append(f"  ... and {len(others) - limit} other error message(s)")
    return lines


def expired_waiver_lines(expired: Sequence[Mapping[str, Any]]) -> list[str]:
    """Lines for waivers that expired and no longer apply (dicts as ``Waiver.to_dict()``).

    This is the hook point for the waivers feature: it hands over plain dicts with at
    least ``control``, ``owner``, ``expires`` and optionally ``ticket``, ``account``,
    ``region``, ``resource``.
    """
    if not expired:
        return []
    lines = [f"expired waivers: {len(expired)} no longer apply (renew or fix):"]
    for waiver in expired:
        scope = "/".join(str(waiver[k]) for k in ("account", "region", "resource")
                         if waiver.get(k))
        parts = [f"  {waiver.get('control', '?')}"]
        if scope:
            parts.append(f"[{scope}]")
        parts.append(f"expired {waiver.get('expires', '?')}")
        parts.append(f"owner {waiver.get('owner', '?')}")
        if waiver.get("ticket"):
            parts.append(f"ticket {waiver['ticket']}")
        lines.append(fit(" ".join(parts)))
    return lines


def gate_line(fail_on: str | None, below: int) -> list[str]:
    """Says which failures ``--fail-on-severity`` let through."""
    if not fail_on or not below:
        return []
    return [fit(f"--fail-on-severity {fail_on}: {below} failure(s) below {fail_on} are "
                "reported but do not fail the run")]


def summary_lines(results: Sequence[ControlResult], *,
                  expired: Sequence[Mapping[str, Any]] = (),
                  fail_on: str | None = None, limit: int = 5) -> list[str]:
    """The whole terminal summary, one string per line (empty when nothing to say)."""
    if not results and not expired:
        return []
    lines: list[str] = []
    if results:
        lines += severity_table(results)
        lines += top_failing_lines(results, limit)
        lines += error_lines(results, limit)
    lines += expired_waiver_lines(expired)
    if fail_on:
        below = sum(1 for r in results
                    if r.outcome == "failed" and RANK.get(r.severity, -1) < RANK[fail_on])
        lines += gate_line(fail_on, below)
    return [fit(line) for line in lines]
