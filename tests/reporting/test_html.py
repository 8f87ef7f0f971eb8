"""pytest-html pieces as pure functions: cells, sort key, details, summary, environment."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting import html_environment, html_page, html_summary, html_table

BASE = ControlResult(control_id="c<1>", severity="high", account="111111111111",
                     region="us-east-1", resource="<script>x</script>", title="T & t",
                     frameworks=(("aws-fsbp", "S3.1"),), remediation="r <cmd>",
                     outcome="failed", message="m <b>")


def test_header_cells_around_test_column() -> None:
    cells = ['<th class="sortable" data-column-type="result">Result</th>',
             '<th class="sortable" data-column-type="testId">Test</th>',
             '<th class="sortable" data-column-type="duration">Duration</th>', "<th>Links</th>"]
    html_table.add_header_cells(cells)
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == [
        "Result", "Severity", "Control", "Test", "Account", "Region", "Resource", "Evidence",
        "Duration", "Links"]
    sortable = [c for c in cells if re.search(r'data-column-type="\w+"', c)]
    assert len(sortable) == 8  # all but Evidence and Links


def test_severity_sort_key_orders_by_rank() -> None:
    cells = {level: html_table.severity_cell(level)
             for level in ("info", "low", "medium", "high", "critical", "")}
    inner = {k: re.search(r"<td.*?>(.*?)</td>", v).group(1) for k, v in cells.items()}
    assert sorted(inner, key=inner.__getitem__) == ["critical", "high", "medium", "low",
                                                     "info", ""]
    assert re.search(r"col-(\w+)", cells["high"]).group(1) == "severity"


def test_finding_html_escapes_everything() -> None:
    waived = dataclasses.replace(BASE, outcome="waived", missing_permission="s3:Get<x>",
                                 waiver={"justification": "<j>", "owner": "<o>",
                                         "expires": "2030-01-01", "ticket": None})
    text = html_summary.finding_html(waived)
    assert "<script>" not in text and "<b>" not in text and "<cmd>" not in text
    assert "<j>" not in text and "<o>" not in text and "<x>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text and "owner &lt;o&gt;" in text


def test_summary_html_escapes_titles() -> None:
    text = html_summary.summary_html([dataclasses.replace(BASE, title="<i>t</i>")])
    assert "<i>t</i>" not in text and "&lt;i&gt;t&lt;/i&gt;" in text
    assert "c&lt;1&gt;" in text


def test_report_title() -> None:
    started = datetime(2025, 1, 31, 12, 5, tzinfo=UTC)
    assert html_environment.report_title(["2", "1", "1"], started) == \
        "AWS compliance: 1, 2 (scan 2025-01-31 12:05 UTC)"
    many = html_environment.report_title([f"{i:012d}" for i in range(6)], started)
    assert many.startswith("AWS compliance: 000000000000, ") and "and 2 more" in many


def test_environment_scrubs_credentials_and_escapes() -> None:
    metadata = {"Python": "3.11", "AWS_SECRET_ACCESS_KEY": "s", "MY_TOKEN": "t",
                "note": "key AKIAABCDEFGHIJKLMNOP", "COMMIT_AUTHOR": "ann",
                "Packages": {"pytest": "9", "api_key": "k"}}
    html_environment.environment(metadata, targets={"111111111111": "profile <p>: us-east-1"},
                     partition="aws", started=datetime(2025, 1, 1, tzinfo=UTC),
                     versions={"botocore": "1.0"})
    assert set(metadata) == {"Python", "COMMIT_AUTHOR", "Packages", "AWS targets",
                             "AWS partition", "Scan started"}
    assert metadata["Packages"] == {"pytest": "9", "botocore": "1.0"}
    assert metadata["AWS targets"] == {"111111111111": "profile &lt;p&gt;: us-east-1"}


class _Report:
    nodeid = "t.py::test_x[<b>]"
    when = "call"
    skipped = False
    failed = True
    compliance_message = "bucket <r> is public"
    user_properties = [("control_id", "c"), ("severity", "low"), ("resource", "<r>")]


def test_row_cells_escape_test_id_and_values() -> None:
    cells = ['<td class="col-result">Failed</td>', '<td class="col-testId">t.py::test_x[<b>]</td>',
             '<td class="col-duration">1 ms</td>', '<td class="col-links"></td>']
    html_table.add_row_cells(cells, _Report())
    assert cells[3] == '<td class="col-testId">t.py::test_x[&lt;b&gt;]</td>'
    assert cells[6] == '<td class="col-resource">&lt;r&gt;</td>'
    assert cells[7] == '<td class="col-evidence">bucket &lt;r&gt; is public</td>'
    assert cells[1] == ('<td class="col-severity"><span hidden>03</span>'
                        '<span class="aws-sev aws-sev-low">low</span></td>')
    assert len(cells) == 10


def test_sort_key_puts_findings_first() -> None:
    keys = {(lvl, o): html_table.sort_key(lvl, o) for lvl in ("critical", "low")
            for o in ("failed", "error", "waived", "passed", "skipped")}
    order = sorted(keys, key=keys.__getitem__)
    assert order[:4] == [("critical", "failed"), ("critical", "error"), ("low", "failed"),
                         ("low", "error")]
    assert order[4:6] == [("critical", "waived"), ("low", "waived")]
    assert html_table.sort_key("", "failed") == "9"


def _row(key: str) -> list[dict[str, str]]:
    return [{"severity": f"<span hidden>{key}</span><span>x</span>"}]


def test_cut_table_keeps_the_first_findings_and_plain_tests() -> None:
    tests = {"a-pass": _row("20"), "b-low-fail": _row("03"), "c-crit-fail": _row("00"),
             "d-plain": _row("9"), "e-high-err": _row("01"), "f-waived": _row("11")}
    kept = html_table.cut_table(tests, limit=3)
    assert kept == {"c-crit-fail", "e-high-err", "b-low-fail", "d-plain"}
    assert set(tests) == kept


def test_by_control_table_and_links() -> None:
    results = [dataclasses.replace(BASE, control_id="c-low", severity="low", outcome="failed",
                                   nodeid="t.py::test_a[1/r/x]"),
               dataclasses.replace(BASE, control_id="c-crit", severity="critical",
                                   outcome="passed", nodeid="t.py::test_b[1/r/x]"),
               dataclasses.replace(BASE, control_id="c-low", severity="low", outcome="error",
                                   nodeid="t.py::test_a[1/r/y]")]
    page = html_summary.summary_html(results)
    table = re.search(r'<table class="aws-by-control">(.*?)</table>', page, re.S).group(1)
    assert re.findall(r'data-control="([\w-]+)"', table) == ["c-crit", "c-low"]
    low = re.search(r'<tr data-control="c-low">(.*?)</tr>', table).group(1)
    assert [int(n) for n in re.findall(r">(\d+)</td>", low)] == [1, 0, 1, 0, 0]
    assert 'href="#t.py::test_a[1/r/x]"' in low
    top = re.search(r'<table class="aws-top-failing">(.*?)</table>', page, re.S).group(1)
    assert 'href="#t.py::test_a[1/r/x]"' in top
    cut = html_summary.summary_html(results, shown=set(), page="report.results.html")
    assert 'href="report.results.html#t.py::test_a[1/r/x]"' in cut
    assert 'class="aws-results-page" href="report.results.html"' in cut


def test_results_page_holds_every_result_as_text() -> None:
    hostile = dataclasses.replace(BASE, resource="</script><script>alert(1)</script>",
                                  message="<b>x</b>", outcome="failed")
    page = html_page.results_page([hostile, BASE], "AWS <t>", "report.html")
    assert "</script><script>alert(1)" not in page and "<b>x</b>" not in page.split(
        "aws-data")[0]
    blob = re.search(r'<script id="aws-data" type="application/json">(.*?)</script>',
                     page, re.S).group(1)
    rows = json.loads(blob)
    assert len(rows) == 2 and rows[0][6] == hostile.resource and rows[0][0] == "0" + \
        html_table.sort_key(hostile.severity, "failed")[1]
    assert "<title>AWS &lt;t&gt;</title>" in page
    assert html_page.results_page_path("out/report.html").as_posix() == "out/report.results.html"
