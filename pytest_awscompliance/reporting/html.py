"""pytest-html 4.x: compliance columns, per-finding details, a summary and the title.

Cells and extras are raw HTML in pytest-html, and resource names, tags and messages come
from the scanned accounts: every value is escaped here. The row and summary hooks run on
the xdist controller with deserialized reports, so they read report data only.

Severity sorts by rank: pytest-html sorts a column by the cell's inner HTML (plain string
comparison, ascending on the first click), so each severity cell starts with a hidden key:
the outcome group (0 failed or error, 1 waived, 2 the rest), then the rank (0 = critical ...
4 = info); ``9`` for a test that is not a control. The report opens sorted that way, every
row folded.

At organization size pytest-html's table (which renders every row into the page, and again
on each sort) cannot stay usable: above ``LARGE`` control results it keeps the
``TABLE_LIMIT`` first findings in that order, and every result goes to a results page
beside the report (``results_page``), which renders rows on demand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Container, Iterable, Mapping, MutableMapping, Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import pytest

from pytest_awscompliance.model import properties as prop
from pytest_awscompliance.model.results import (
    OUTCOMES,
    ControlResult,
    is_waived,
    properties_of,
    result_of,
)
from pytest_awscompliance.model.severity import RANK
from pytest_awscompliance.reporting import summary
from pytest_awscompliance.settings import outputs

SORT_RANK = {level: 4 - rank for level, rank in RANK.items()}  # critical 0 ... info 4
NO_RANK = 9
GROUP = {"failed": 0, "error": 0, "waived": 1}  # everything else: 2
LARGE = 2000
TABLE_LIMIT = 1000
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
#results-table td.col-control,#results-table td.col-severity,#results-table td.col-account,
#results-table td.col-region{white-space:nowrap}
#results-table td.col-testId{word-break:break-all;min-width:160px}
#results-table td.col-evidence{min-width:280px;color:#333}
.aws-summary table.aws-by-control{max-height:340px;overflow:auto;display:block;
 margin:4px 0 12px 0}
.aws-summary table.aws-by-control td:nth-child(2),.aws-summary .aws-by-control th{
 text-align:left}
.aws-large{background:#fff8e1;border:1px solid #ffe082;padding:6px 10px;margin:8px 0}
</style>"""

HEADERS = {
    "severity": '<th class="sortable" data-column-type="severity">Severity</th>',
    "control": '<th class="sortable" data-column-type="control">Control</th>',
    "account": '<th class="sortable" data-column-type="account">Account</th>',
    "region": '<th class="sortable" data-column-type="region">Region</th>',
    "resource": '<th class="sortable" data-column-type="resource">Resource</th>',
    "evidence": "<th>Evidence</th>",
}


def _index(cells: Sequence[str], marker: str, default: int) -> int:
    for i, cell in enumerate(cells):
        if marker in str(cell):
            return i
    return default


def add_header_cells(cells: list[str]) -> None:
    """Result | Severity | Control | Test | Account | Region | Resource | Evidence | Duration
    | Links."""
    test = _index(cells, 'data-column-type="testId"', 1)
    cells.insert(test + 1, HEADERS["evidence"])
    cells.insert(test + 1, HEADERS["resource"])
    cells.insert(test + 1, HEADERS["region"])
    cells.insert(test + 1, HEADERS["account"])
    cells.insert(test, HEADERS["control"])
    cells.insert(test, HEADERS["severity"])


def sort_key(level: str, outcome: str) -> str:
    """``"03"``: a failed low. Findings first, then the most severe; ``"9"``: no control."""
    if level not in SORT_RANK:
        return str(NO_RANK)
    return f"{GROUP.get(outcome, 2)}{SORT_RANK[level]}"


def severity_cell(level: str, outcome: str = "failed") -> str:
    """A sortable severity cell: a hidden sort key first, then a coloured badge."""
    badge = (f'<span class="aws-sev aws-sev-{escape(level)}">{escape(level)}</span>'
             if level in SORT_RANK else "")
    return f'<td class="col-severity"><span hidden>{sort_key(level, outcome)}</span>{badge}</td>'


def text_cell(column: str, value: str) -> str:
    return f'<td class="col-{column}">{escape(value)}</td>'


def row_values(report: Any) -> dict[str, str]:
    """The compliance columns of a report (empty strings for a non-control test)."""
    props = properties_of(report)
    control = props.get(prop.CONTROL_ID, "")
    if control and report.skipped and is_waived(report):
        control += " (waived)"
    return {"severity": props.get(prop.SEVERITY, ""), "control": control,
            "account": props.get(prop.ACCOUNT, ""), "region": props.get(prop.REGION, ""),
            "resource": props.get(prop.RESOURCE, "")}


def test_id_of(report: Any) -> str:
    """The Test column text, as pytest-html builds it (nodeid, plus ``::setup`` etc.)."""
    when = getattr(report, "when", "call")
    return str(report.nodeid) + ("" if when == "call" else f"::{when}")


def add_row_cells(cells: list[str], report: Any) -> None:
    """Insert the compliance cells and re-escape the Test cell (it holds resource names)."""
    values = row_values(report)
    result = result_of(report)
    test = _index(cells, 'class="col-testId"', 1)
    cells[test] = text_cell("testId", test_id_of(report))
    evidence = result.message if result is not None and result.is_finding else ""
    cells.insert(test + 1, text_cell("evidence", evidence))
    cells.insert(test + 1, text_cell("resource", values["resource"]))
    cells.insert(test + 1, text_cell("region", values["region"]))
    cells.insert(test + 1, text_cell("account", values["account"]))
    cells.insert(test, text_cell("control", values["control"]))
    cells.insert(test, severity_cell(values["severity"],
                                     result.outcome if result is not None else ""))


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


def first_failing(results: Iterable[ControlResult]) -> dict[str, str]:
    """``{control id: node id}`` of each control's first failed result (the row to link)."""
    found: dict[str, str] = {}
    for result in results:
        if result.outcome == "failed":
            found.setdefault(result.control_id, result.nodeid)
    return found


def row_link(nodeid: str, shown: Container[str] | None = None, page: str = "") -> str:
    """The ``href`` of a result's row: in the table (pytest-html's row id is the node id),
    or on the results page when the table does not hold it."""
    if shown is None or nodeid in shown or not page:
        return "#" + quote(nodeid, safe="/:[]")
    return quote(page) + "#" + quote(nodeid, safe="/:[]")


def by_control_html(results: Sequence[ControlResult], links: Mapping[str, str]) -> str:
    """Control | severity | failed | passed | error | waived | skipped, most severe first."""
    rows = []
    for ctl in summary.by_control(results):
        name = f"<code>{escape(ctl.control_id)}</code>"
        if ctl.control_id in links:
            name = f'<a href="{escape(links[ctl.control_id])}">{name}</a>'
        cells = "".join(
            f'<td class="aws-count-{o}{" aws-nonzero-" + o if ctl.counts[o] else ""}">'
            f"{ctl.counts[o]}</td>" for o in ("failed", "passed", "error", "waived", "skipped"))
        rows.append(f'<tr data-control="{escape(ctl.control_id)}">'
                    f"<td>{severity_badge(ctl.severity)}</td><td>{name}</td>{cells}</tr>")
    return (f'<table class="aws-by-control"><caption>Results by control '
            f"({len(rows)} controls)</caption><thead><tr><th>severity</th><th>control</th>"
            f"<th>failed</th><th>passed</th><th>errors</th><th>waived</th><th>skipped</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def summary_html(results: Sequence[ControlResult], limit: int = 5, *,
                 shown: Container[str] | None = None, page: str = "") -> str:
    """Severity x outcome counts, the top failing controls (links to their first failing
    row) and the results by control, above the results table. ``shown``: the node ids the
    table holds when it is cut (``page``: the results page that holds them all)."""
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
    links = {cid: row_link(nodeid, shown, page)
             for cid, nodeid in first_failing(results).items()}
    top = summary.top_failing(results, limit)
    if top:
        lines = "".join(f"<tr><td>{severity_badge(c.severity)}</td>"
                        f'<td><a href="{escape(links.get(c.control_id, "#"))}">'
                        f"<code>{escape(c.control_id)}</code></a></td><td>{c.failed}</td>"
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
    large = ""
    if page:
        large = (f'<p class="aws-large">{len(results)} results: the table below holds the '
                 f"{TABLE_LIMIT} first findings (most severe first). Every result, sortable "
                 f'and filterable: <a class="aws-results-page" href="{escape(quote(page))}">'
                 f"{escape(page)}</a>.</p>")
    return (f'{STYLE}<div class="aws-summary">{matrix}{failing}{missing}'
            f"{by_control_html(results, links)}{large}</div>")


def cut_table(tests: MutableMapping[str, list[dict[str, Any]]],
              limit: int = TABLE_LIMIT) -> set[str]:
    """Keep the ``limit`` first control rows in the report's order (findings, most severe
    first) and every non-control test, in place; the node ids kept."""
    def key(item: tuple[str, list[dict[str, Any]]]) -> str:
        cell = str(item[1][0].get("severity", "")) if item[1] else ""
        found = re.match(r"<span hidden>(\d+)</span>", cell)
        return found.group(1) if found else str(NO_RANK)

    ranked = sorted(tests.items(), key=key)
    controls = [nodeid for nodeid, rows in ranked if key((nodeid, rows)) != str(NO_RANK)]
    keep = set(controls[:limit]) | {n for n, rows in ranked if key((n, rows)) == str(NO_RANK)}
    for nodeid in list(tests):
        if nodeid not in keep:
            del tests[nodeid]
    return keep


PAGE_SCRIPT = """
const all = JSON.parse(document.getElementById('aws-data').textContent);
const names = ['key', 'outcome', 'control', 'severity', 'account', 'region', 'resource',
               'message', 'nodeid', 'title'];
const rows = all.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
let view = rows, shown = 0, sortKey = 'key', asc = true;
const PAGE = 200;
const body = document.querySelector('#aws-results tbody');
const cell = (tr, text, cls) => {
  const td = document.createElement('td'); td.textContent = text;
  if (cls) td.className = cls; tr.appendChild(td); return td;
};
function more() {
  const frag = document.createDocumentFragment();
  for (const r of view.slice(shown, shown + PAGE)) {
    const tr = document.createElement('tr');
    tr.id = r.nodeid; tr.className = 'aws-' + r.outcome;
    const sev = cell(tr, r.severity, 'aws-sev aws-sev-' + r.severity);
    cell(tr, r.outcome); cell(tr, r.control, 'aws-nowrap');
    cell(tr, [r.account, r.region, r.resource].filter(Boolean).join(' / '));
    cell(tr, r.message);
    tr.title = r.title;
    frag.appendChild(tr);
  }
  body.appendChild(frag);
  shown = Math.min(view.length, shown + PAGE);
  document.getElementById('aws-count').textContent =
    `${shown} of ${view.length} shown (${rows.length} results)`;
  document.getElementById('aws-more').hidden = shown >= view.length;
}
function redraw() { body.textContent = ''; shown = 0; more(); }
function sortBy(key) {
  asc = key === sortKey ? !asc : true; sortKey = key;
  const sign = asc ? 1 : -1;
  view = [...view].sort((a, b) => (a[key] > b[key] ? sign : a[key] < b[key] ? -sign : 0));
  redraw();
}
function filter() {
  const q = document.getElementById('aws-q').value.toLowerCase();
  const passed = document.getElementById('aws-passed').checked;
  view = rows.filter((r) => (passed || !['passed', 'skipped'].includes(r.outcome)) &&
    (!q || [r.control, r.account, r.region, r.resource, r.message].join(' ')
      .toLowerCase().includes(q)));
  const sign = asc ? 1 : -1, key = sortKey;
  view.sort((a, b) => (a[key] > b[key] ? sign : a[key] < b[key] ? -sign : 0));
  redraw();
}
document.querySelectorAll('#aws-results th[data-key]').forEach((th) =>
  th.addEventListener('click', () => sortBy(th.dataset.key)));
document.getElementById('aws-more').addEventListener('click', more);
document.getElementById('aws-q').addEventListener('input', filter);
document.getElementById('aws-passed').addEventListener('change', filter);
filter();
if (location.hash) {
  const want = decodeURIComponent(location.hash.slice(1));
  const at = view.findIndex((r) => r.nodeid === want);
  while (at >= shown && shown < view.length) more();
  document.getElementById(want)?.scrollIntoView();
}
"""


def results_page(results: Sequence[ControlResult], title: str, report_name: str) -> str:
    """Every result on one light page: rows rendered 200 at a time, sorted and filtered in
    the browser (findings first, most severe first). Values go in as JSON and into the page
    as text (``textContent``), never as HTML."""
    data = [[sort_key(r.severity, r.outcome), r.outcome, r.control_id, r.severity,
             r.account, r.region, r.resource, r.message, r.nodeid, r.title]
            for r in results]
    blob = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    heads = "".join(f'<th data-key="{k}">{label}</th>' for k, label in (
        ("key", "Severity"), ("outcome", "Result"), ("control", "Control"),
        ("resource", "Account / region / resource"), ("message", "Evidence")))
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title>{STYLE}<style>"
            "body{font-family:Helvetica,Arial,sans-serif;font-size:13px;margin:16px}"
            "#aws-results{border-collapse:collapse;width:100%}"
            "#aws-results th{cursor:pointer;text-align:left;background:#f0f0f0}"
            "#aws-results td,#aws-results th{border:1px solid #e6e6e6;padding:3px 6px;"
            "vertical-align:top}.aws-nowrap{white-space:nowrap}"
            "#aws-results td.aws-sev{display:table-cell;border-radius:0}"
            "tr.aws-failed td:nth-child(2),tr.aws-error td:nth-child(2){color:#c62828;"
            "font-weight:bold}</style></head><body>"
            f"<h1>{escape(title)}</h1><p>Every result of the scan "
            f'(<a href="{escape(quote(report_name))}">back to the report</a>). Click a header '
            "to sort.</p><p><input id=\"aws-q\" size=\"40\" placeholder=\"filter: control, "
            'account, resource, evidence"> <label><input type="checkbox" id="aws-passed"> '
            'passed and skipped too</label> <span id="aws-count"></span></p>'
            f'<table id="aws-results"><thead><tr>{heads}</tr></thead><tbody></tbody></table>'
            '<p><button id="aws-more">show more</button></p>'
            f'<script id="aws-data" type="application/json">{blob}</script>'
            f"<script>{PAGE_SCRIPT}</script></body></html>")


def results_page_path(html_path: str) -> Path:
    """``report.html`` -> ``report.results.html``, beside it."""
    path = Path(html_path)
    return path.with_name(f"{path.stem}.results.html")


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


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
        # open sorted by severity (findings first), every row folded, unless the ini says
        if self.config.getini("initial_sort") == "result":
            report.set_data("initialSort", "severity")
        if self.config.getini("render_collapsed") == "passed":
            report.set_data("renderCollapsed", ["all"])

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        add_header_cells(cells)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: Any, cells: list[str]) -> None:
        add_row_cells(cells, report)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list[str], summary: list[str],
                                    postfix: list[str], session: pytest.Session) -> None:
        results = self.scan.results()
        tests = getattr(self.report_data, "data", {}).get("tests")
        html_path = self.config.getoption("htmlpath", None)
        if len(results) <= LARGE or tests is None or not html_path:
            postfix.append(summary_html(results))
            return
        page = results_page_path(html_path)
        try:
            write_atomic(page, results_page(results, report_title(
                self.scan.accounts(), self.scan.started), Path(html_path).name))
        except OSError as exc:  # reported at the end, exit 4 (outputs.py)
            outputs.record_failure(self.config, "--html", page, exc)
            postfix.append(summary_html(results))
            return
        shown = cut_table(tests)
        postfix.append(summary_html(results, shown=shown, page=page.name))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Name the accounts actually scanned (xdist: known only from results), and redo the
        environment table: pytest-metadata merges each xdist worker's table into it (same
        dict), which brings back what was scrubbed and drops the added package versions."""
        self._environment()
        if self.report_data is not None:
            self.report_data.title = report_title(self.scan.accounts(), self.scan.started)
