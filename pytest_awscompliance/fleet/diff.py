"""``awscompliance diff OLD NEW``: what changed between two scans, by finding uid.

Categories (a finding uid is stable across runs: control, account, region, resource):

* new failure: FAIL now, not FAIL before (absent, passed, errored or waived);
* fixed: FAIL before, PASS now; gone: FAIL before, absent now (resource deleted);
* still failing: FAIL before and now;
* new error: ERROR now, not before; newly waived: WAIVED now, not before.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from pytest_awscompliance.fleet import records
from pytest_awscompliance.model.severity import RANK

CATEGORIES = ("new_failures", "fixed", "gone", "still_failing", "new_errors", "newly_waived")
TITLES = {"new_failures": "new failures", "fixed": "fixed", "gone": "gone",
          "still_failing": "still failing", "new_errors": "new errors",
          "newly_waived": "newly waived"}


@dataclass(frozen=True)
class Change:
    """One finding that changed (or stayed failing) between the scans."""

    category: str
    uid: str
    control: str
    severity: str
    account: str
    region: str
    resource: str
    message: str


def _change(category: str, record: dict[str, Any]) -> Change:
    return Change(category, records.uid(record), records.control(record),
                  records.severity(record), records.account(record), records.region(record),
                  str((record.get("resources") or [{}])[0].get("uid", "")),
                  str(record.get("status_detail") or ""))


def category(old: str | None, new: str | None) -> str | None:
    """The category of a finding that was ``old`` and is ``new`` (outcomes; None: absent)."""
    if new == "failed":
        return "still_failing" if old == "failed" else "new_failures"
    if old == "failed":
        return "fixed" if new == "passed" else ("gone" if new is None else None)
    if new == "error" and old != "error":
        return "new_errors"
    if new == "waived" and old != "waived":
        return "newly_waived"
    return None


def compare(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, list[Change]]:
    """Every change, by category, in a stable order."""
    before = {records.uid(r): r for r in old}
    after = {records.uid(r): r for r in new}
    found: dict[str, list[Change]] = {c: [] for c in CATEGORIES}
    for uid in sorted(before.keys() | after.keys()):
        was, now = before.get(uid), after.get(uid)
        cat = category(records.outcome(was) if was else None,
                       records.outcome(now) if now else None)
        if cat is not None:
            found[cat].append(_change(cat, now if now is not None else was))  # type: ignore[arg-type]
    for changes in found.values():
        changes.sort(key=lambda c: (-RANK.get(c.severity, -1), c.control, c.account, c.region,
                                    c.resource))
    return found


def blocking(changes: dict[str, list[Change]], level: str) -> list[Change]:
    """New failures at or above ``level`` (a failure of unknown severity blocks)."""
    return [c for c in changes["new_failures"]
            if RANK.get(c.severity, len(RANK)) >= RANK[level]]


def markdown(changes: dict[str, list[Change]], *, limit: int = 50) -> str:
    """A summary for a pull request comment: counts, a table per control, the new failures."""
    lines = ["## Compliance changes", "",
             " · ".join(f"**{len(changes[c])}** {TITLES[c]}" for c in CATEGORIES), ""]
    per: dict[tuple[str, str], Counter[str]] = {}
    for cat in CATEGORIES:
        for change in changes[cat]:
            per.setdefault((change.control, change.severity), Counter())[cat] += 1
    if per:
        lines += ["| control | severity | " + " | ".join(TITLES[c] for c in CATEGORIES) + " |",
                  "|---|---|" + "---:|" * len(CATEGORIES)]
        for (control, severity), count in sorted(per.items(),
                                                 key=lambda kv: (-RANK.get(kv[0][1], -1),
                                                                 kv[0][0])):
            lines.append(f"| `{control}` | {severity or '?'} | "
                         + " | ".join(str(count[c]) for c in CATEGORIES) + " |")
        lines.append("")
    for cat in ("new_failures", "new_errors"):
        if not changes[cat]:
            continue
        lines += [f"### {TITLES[cat].capitalize()}", ""]
        for change in changes[cat][:limit]:
            where = f"{change.account}/{change.region}"
            what = change.resource or "account"
            message = change.message.replace("|", "\\|").replace("\n", " ")[:200]
            lines.append(f"- **{change.severity or '?'}** `{change.control}` {where} "
                         f"`{what}`: {message}")
        if len(changes[cat]) > limit:
            lines.append(f"- ... and {len(changes[cat]) - limit} more")
        lines.append("")
    if not any(changes[c] for c in CATEGORIES if c != "still_failing"):
        lines += ["No change since the previous scan.", ""]
    return "\n".join(lines)
