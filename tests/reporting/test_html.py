"""pytest-html pieces as pure functions: cells, sort key, details, summary, environment."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting import html

BASE = ControlResult(control_id="c<1>", severity="high", account="111111111111",
                     region="us-east-1", resource="<script>x</script>", title="T & t",
                     frameworks=(("aws-fsbp", "S3.1"),), remediation="r <cmd>",
                     outcome="failed", message="m <b>")


def test_header_cells_around_test_column() -> None:
    cells = ['<th class="sortable" data-column-type="result">Result</th>',
             '<th class="sortable" data-column-type="testId">Test</th>',
             '<th class="sortable" data-column-type="duration">Duration</th>', "<th>Links</th>"]
    html.add_header_cells(cells)
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == [
        "Result", "Severity", "Control", "Test", "Account", "Region", "Resource", "Duration",
        "Links"]
    assert all(re.search(r'data-column-type="\w+"', c) for c in cells[:-1])


def test_severity_sort_key_orders_by_rank() -> None:
    cells = {level: html.severity_cell(level)
             for level in ("info", "low", "medium", "high", "critical", "")}
    inner = {k: re.search(r"<td.*?>(.*?)</td>", v).group(1) for k, v in cells.items()}
    assert sorted(inner, key=inner.__getitem__) == ["critical", "high", "medium", "low",
                                                     "info", ""]
    assert re.search(r"col-(\w+)", cells["high"]).group(1) == "severity"


def test_finding_html_escapes_everything() -> None:
    waived = dataclasses.replace(BASE, outcome="waived", missing_permission="s3:Get<x>",
                                 waiver={"justification": "<j>", "owner": "<o>",
                                         "expires": "2030-01-01", "ticket": None})
    text = html.finding_html(waived)
    assert "<script>" not in text and "<b>" not in text and "<cmd>" not in text
    assert "<j>" not in text and "<o>" not in text and "<x>" not in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text and "owner &lt;o&gt;" in text


def test_summary_html_escapes_titles() -> None:
    text = html.summary_html([dataclasses.replace(BASE, title="<i>t</i>")])
    assert "<i>t</i>" not in text and "&lt;i&gt;t&lt;/i&gt;" in text
    assert "c&lt;1&gt;" in text


def test_report_title() -> None:
    started = datetime(2025, 1, 31, 12, 5, tzinfo=UTC)
    assert html.report_title(["2", "1", "1"], started) == \
        "AWS compliance: 1, 2 (scan 2025-01-31 12:05 UTC)"
    many = html.report_title([f"{i:012d}" for i in range(6)], started)
    assert many.startswith("AWS compliance: 000000000000, ") and "and 2 more" in many


def test_environment_scrubs_credentials_and_escapes() -> None:
    metadata = {"Python": "3.11", "AWS_SECRET_ACCESS_KEY": "s", "MY_TOKEN": "t",
                "note": "key AKIAABCDEFGHIJKLMNOP", "COMMIT_AUTHOR": "ann",
                "Packages": {"pytest": "9", "api_key": "k"}}
    html.environment(metadata, targets={"111111111111": "profile <p>: us-east-1"},
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
    user_properties = [("control_id", "c"), ("severity", "low"), ("resource", "<r>")]


def test_row_cells_escape_test_id_and_values() -> None:
    cells = ['<td class="col-result">Failed</td>', '<td class="col-testId">t.py::test_x[<b>]</td>',
             '<td class="col-duration">1 ms</td>', '<td class="col-links"></td>']
    html.add_row_cells(cells, _Report())
    assert cells[3] == '<td class="col-testId">t.py::test_x[&lt;b&gt;]</td>'
    assert cells[6] == '<td class="col-resource">&lt;r&gt;</td>'
    assert len(cells) == 9
