"""The merge's HTML report: one self-contained page (no scripts, no external files)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from html import escape

from pytest_awscompliance.fleet import records
from pytest_awscompliance.fleet.merge import Merged, results
from pytest_awscompliance.reporting import summary

STYLE = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}"
         ".error,.failed{color:#a00}.waived{color:#a60}h2{margin-top:1.5em}")


def _table(headers: list[str], rows: list[list[str]], css: list[str] | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        f"<tr class=\"{escape(css[i]) if css else ''}\">"
        + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
        for i, row in enumerate(rows))
    return f"<table><tr>{head}</tr>{body}</table>"


def render(merged: Merged, title: str = "AWS compliance: organization") -> str:
    found = results(merged)
    outcomes = Counter(r.outcome for r in found)
    parts = [f"<h1>{escape(title)}</h1>",
             f"<p>{len(merged.accounts)} account(s), {len(merged.shards)} shard director"
             f"{'y' if len(merged.shards) == 1 else 'ies'}; generated "
             f"{datetime.now(UTC).isoformat(timespec='seconds')}</p>",
             "<pre>" + escape("\n".join(summary.summary_lines(found))) + "</pre>",
             "<p>" + escape(", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))) + "</p>"]
    if merged.not_scanned:
        parts += [f"<h2 class=\"error\">NOT SCANNED: {len(merged.not_scanned)} account(s)</h2>",
                  _table(["account", "reason"], [[a, r] for a, r in merged.not_scanned.items()])]
    if merged.closed:
        parts += ["<h2>Regions closed by SCP (out of scope)</h2>",
                  _table(["account/region", "reason"],
                         [[c["target"], c["reason"]] for c in merged.closed])]
    parts += ["<h2>Shards</h2>", _table(
        ["directory", "shard", "accounts", "exit status", "started", "finished", "problem"],
        [[str(s.directory), s.label, str(len((s.manifest or {}).get("accounts", []))),
          str((s.manifest or {}).get("exit_status", "")),
          str((s.manifest or {}).get("started", "")),
          str((s.manifest or {}).get("finished", "")), s.problem] for s in merged.shards])]
    shown = sorted((r for r in merged.findings if records.outcome(r) in ("failed", "error",
                                                                          "waived")),
                   key=lambda r: (-int(r.get("severity_id") or 0), records.control(r),
                                  records.account(r)))
    parts += [f"<h2>Findings ({len(shown)})</h2>", _table(
        ["outcome", "severity", "control", "account", "region", "resource", "message"],
        [[records.outcome(r), records.severity(r), records.control(r), records.account(r),
          records.region(r), (r.get("resources") or [{}])[0].get("uid", ""),
          str(r.get("status_detail") or "")] for r in shown],
        [records.outcome(r) for r in shown])]
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(title)}"
            f"</title><style>{STYLE}</style></head><body>{''.join(parts)}</body></html>\n")
