"""pytest-html 4.x: compliance columns, per-finding details, a summary and the title.

Cells and extras are raw HTML in pytest-html, and resource names, tags and messages come
from the scanned accounts: every value is escaped here. The row and summary hooks run on
the xdist controller with deserialized reports, so they read report data only.

Severity sorts by rank: pytest-html sorts a column by the cell's inner HTML (plain string
comparison, ascending on the first click), so each severity cell starts with a hidden
rank digit (0 = critical ... 4 = info, 9 = not a control).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any, Protocol

import pytest

from pytest_awscompliance.model.results import (
    OUTCOMES,
    ControlResult,
    is_waived,
    properties_of,
    result_of,
)
from pytest_awscompliance.model.severity import RANK
from pytest_awscompliance.reporting import summary

SORT_RANK = {level: 4 - rank for level, rank in RANK.items()}  # critical 0 ... info 4
NO_RANK = 9
EXTRA_MARK = "awscompliance-finding"
CREDENTIAL_KEY = re.compile(r"(?i)secret|token|passw|credential|session|private|api.?key|"
                            r"access.?key|auth(?!or)")
ACCESS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")

STYLE = """<style>
.aws-sev{display:inline-block;min-width:52px;padding:1px 6px;border-radius:3px;color:#fff;
 font-weight:bold;text-align:center}
.aws-sev-critical{background:#7b1fa2}.aws-sev-high{background:#c62828}
.aws-sev-medium{background:#ef6c00}.aws-sev-low{background:#1565c0}
.aws-sev-info{background:#607d8b}
.aws-summary{margin:10px 0;color:#333}
.aws-summary table{margin:4px 24px 12px 0;display:inline-table;vertical-align:top}
.aws-summary th,.aws-summary td{border:1px solid #e6e6e6;padding:3px 8px;text-align:right}
.aws-summary th:first-child,.aws-summary td:first-child{text-align:left}
.aws-summary .aws-top-failing td,.aws-summary .aws-top-failing th{text-align:left}
.aws-summary td.aws-nonzero-failed,.aws-summary td.aws-nonzero-error{color:#c62828;
 font-weight:bold}
.aws-finding{color:#222;padding:6px 2px}
.aws-finding dt{font-weight:bold;margin-top:6px}
.aws-finding dd{margin-left:16px}
.aws-finding pre{white-space:pre-wrap;margin:2px 0;background:#f6f6f6;padding:4px}
</style>"""

HEADERS = {
    "severity": '<th class="sortable" data-column-type="severity">Severity</th>',
    "control": '<th class="sortable" data-column-type="control">Control</th>',
    "account": '<th class="sortable" data-column-type="account">Account</th>',
    "region": '<th class="sortable" data-column-type="region">Region</th>',
    "resource": '<th class="sortable" data-column-type="resource">Resource</th>',
}


def _index(cells: Sequence[str], marker: str, default: int) -> int:
    for i, cell in enumerate(cells):
        if marker in str(cell):
            return i
    return default


def add_header_cells(cells: list[str]) -> None:
    """Result | Severity | Control | Test | Account | Region | Resource | Duration | Links."""
    test = _index(cells, 'data-column-type="testId"', 1)
    cells.insert(test + 1, HEADERS["resource"])
    cells.insert(test + 1, HEADERS["region"])
    cells.insert(test + 1, HEADERS["account"])
    cells.insert(test, HEADERS["control"])
    cells.insert(test, HEADERS["severity"])


def severity_cell(level: str) -> str:
    """A sortable severity cell: a hidden rank first, then a coloured badge."""
    rank = SORT_RANK.get(level, NO_RANK)
    badge = (f'<span class="aws-sev aws-sev-{escape(level)}">{escape(level)}</span>'
             if level in SORT_RANK else "")
    return f'<td class="col-severity"><span hidden>{rank}</span>{badge}</td>'


def text_cell(column: str, value: str) -> str:
    return f'<td class="col-{column}">{escape(value)}</td>'


def row_values(report: Any) -> dict[str, str]:
    """The compliance columns of a report (empty strings for a non-control test)."""
    props = properties_of(report)
    control = props.get("control_id", "")
    if control and report.skipped and is_waived(report):
        control += " (waived)"
    return {"severity": props.get("severity", ""), "control": control,
            "account": props.get("account", ""), "region": props.get("region", ""),
            "resource": props.get("resource", "")}


def test_id_of(report: Any) -> str:
    """The Test column text, as pytest-html builds it (nodeid, plus ``::setup`` etc.)."""
    when = getattr(report, "when", "call")
    return str(report.nodeid) + ("" if when == "call" else f"::{when}")


def add_row_cells(cells: list[str], report: Any) -> None:
    """Insert the compliance cells and re-escape the Test cell (it holds resource names)."""
    values = row_values(report)
    test = _index(cells, 'class="col-testId"', 1)
    cells[test] = text_cell("testId", test_id_of(report))
    cells.insert(test + 1, text_cell("resource", values["resource"]))
    cells.insert(test + 1, text_cell("region", values["region"]))
    cells.insert(test + 1, text_cell("account", values["account"]))
    cells.insert(test, text_cell("control", values["control"]))
    cells.insert(test, severity_cell(values["severity"]))


def _pre(text: str) -> str:
    return f"<pre>{escape(text)}</pre>"


def finding_html(result: ControlResult) -> str:
    """What was checked, the evidence, remediation and framework mappings of one result."""
    where = " / ".join(x for x in (result.account, result.region) if x)
    parts = [f'<div class="aws-finding" data-control="{escape(result.control_id)}">',
             f"<dl><dt>Checked</dt><dd>{escape(result.title or result.control_id)} "
             f"(<code>{escape(result.control_id)}</code>, severity "
             f"{escape(result.severity or 'unknown')})</dd>",
             f"<dt>Resource</dt><dd><code>{escape(result.resource)}</code>"
             + (f" ({escape(where)})" if where else "") + "</dd>",
             f"<dt>Evidence ({escape(result.outcome)})</dt><dd>"
             f"{_pre(result.message or 'no message')}</dd>"]
    if result.missing_permission:
        parts.append(f"<dt>Missing permission</dt><dd><code>"
                     f"{escape(result.missing_permission)}</code></dd>")
    if result.waiver:
        waiver = result.waiver
        terms = ", ".join(f"{k} {waiver[k]}" for k in ("owner", "expires", "ticket")
                          if waiver.get(k))
        parts.append(f"<dt>Waiver</dt><dd>{escape(str(waiver.get('justification', '')))}"
                     + (f" ({escape(terms)})" if terms else "") + "</dd>")
    if result.remediation:
        parts.append(f"<dt>Remediation</dt><dd>{_pre(result.remediation)}</dd>")
    if result.frameworks:
        items = "".join(f"<li>{escape(name)}: {escape(ref)}</li>"
                        for name, ref in result.frameworks)
        parts.append(f"<dt>Frameworks</dt><dd><ul>{items}</ul></dd>")
    parts.append("</dl></div>")
    return "".join(parts)


def add_finding_extra(report: Any) -> None:
    """Attach the finding details to a failed, errored or waived control report (once)."""
    result = result_of(report)
    if result is None or not result.is_finding:
        return
    extras = list(getattr(report, "extras", None) or [])
    if any(e.get("name") == EXTRA_MARK for e in extras if isinstance(e, dict)):
        return
    extras.append({"name": EXTRA_MARK, "format_type": "html",
                   "content": finding_html(result), "mime_type": None, "extension": None})
    report.extras = extras


def summary_html(results: Sequence[ControlResult], limit: int = 5) -> str:
    """Severity x outcome counts and the top failing controls, above the results table."""
    table = summary.counts(results)
    head = "".join(f"<th>{o}</th>" for o in OUTCOMES)
    rows = []
    for level, row in table.items():
        cells = "".join(
            f'<td class="aws-count-{o}{" aws-nonzero-" + o if row[o] else ""}">{row[o]}</td>'
            for o in OUTCOMES)
        rows.append(f'<tr data-severity="{level}"><td>{severity_badge(level)}</td>{cells}'
                    f"<td>{sum(row.values())}</td></tr>")
    totals = summary.totals(results)
    rows.append('<tr class="aws-total"><td>all</td>'
                + "".join(f'<td class="aws-count-{o}">{totals[o]}</td>' for o in OUTCOMES)
                + f"<td>{sum(totals.values())}</td></tr>")
    matrix = (f'<table class="aws-matrix"><caption>Control results by severity</caption>'
              f"<thead><tr><th>severity</th>{head}<th>total</th></tr></thead>"
              f"<tbody>{''.join(rows)}</tbody></table>")
    top = summary.top_failing(results, limit)
    if top:
        lines = "".join(f"<tr><td>{severity_badge(c.severity)}</td>"
                        f"<td><code>{escape(c.control_id)}</code></td><td>{c.failed}</td>"
                        f"<td>{escape(c.title)}</td></tr>"
                        for c in top)
        failing = (f'<table class="aws-top-failing"><caption>Top failing controls</caption>'
                   f"<thead><tr><th>severity</th><th>control</th><th>failed</th>"
                   f"<th>title</th></tr></thead><tbody>{lines}</tbody></table>")
    else:
        failing = '<p class="aws-top-failing">No control failed.</p>'
    perms = summary.missing_permissions(results)
    missing = ""
    if perms:
        items = "".join(f"<li><code>{escape(p)}</code>: {escape(', '.join(c))}</li>"
                        for p, c in perms.items())
        missing = f'<div class="aws-missing"><b>Missing permissions</b><ul>{items}</ul></div>'
    return f'{STYLE}<div class="aws-summary">{matrix}{failing}{missing}</div>'


def severity_badge(level: str) -> str:
    if level not in SORT_RANK:
        return escape(level)
    return f'<span class="aws-sev aws-sev-{level}">{level}</span>'


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


class ScanView(Protocol):
    """What the HTML hooks need from the reporting plugin."""

    started: datetime

    def results(self) -> list[ControlResult]: ...

    def accounts(self) -> list[str]: ...

    def targets(self) -> dict[str, str]: ...

    def partition(self) -> str | None: ...

    def versions(self) -> dict[str, str]: ...


class HtmlHooks:
    """pytest-html hooks; registered only when pytest-html is installed and enabled."""

    def __init__(self, config: pytest.Config, scan: ScanView) -> None:
        self.config = config
        self.scan = scan
        self.report_data: Any = None

    def _environment(self) -> None:
        try:
            from pytest_metadata.plugin import metadata_key
        except ImportError:  # pragma: no cover - pytest-html depends on pytest-metadata
            return
        metadata = self.config.stash.get(metadata_key, None)
        if metadata is not None:
            environment(metadata, targets=self.scan.targets(), partition=self.scan.partition(),
                        started=self.scan.started, versions=self.scan.versions())

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self._environment()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        add_finding_extra(report)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report: Any) -> None:
        self.report_data = report
        report.title = report_title(self.scan.accounts(), self.scan.started)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        add_header_cells(cells)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: Any, cells: list[str]) -> None:
        add_row_cells(cells, report)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list[str], summary: list[str],
                                    postfix: list[str], session: pytest.Session) -> None:
        postfix.append(summary_html(self.scan.results()))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Name the accounts actually scanned (xdist: known only from results), and redo the
        environment table: pytest-metadata merges each xdist worker's table into it (same
        dict), which brings back what was scrubbed and drops the added package versions."""
        self._environment()
        if self.report_data is not None:
            self.report_data.title = report_title(self.scan.accounts(), self.scan.started)
