"""pytest-html: the compliance summary above the results table (severity x outcome counts,
top failing controls, results by control) and the details of each finding. Every value
is escaped here."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import quote

from pytest_awscompliance.model.results import OUTCOMES, ControlResult, result_of
from pytest_awscompliance.reporting import summary
from pytest_awscompliance.reporting.html_table import TABLE_LIMIT, severity_badge

EXTRA_MARK = "awscompliance-finding"

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
