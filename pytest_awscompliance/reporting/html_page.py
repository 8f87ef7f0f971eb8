"""The results page beside a large pytest-html report: every result, rendered on demand."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from urllib.parse import quote

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting.html_summary import STYLE
from pytest_awscompliance.reporting.html_table import sort_key

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
