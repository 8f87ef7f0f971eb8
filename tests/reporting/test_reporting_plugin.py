"""The reports end to end through pytest: HTML columns, OCSF JSON, terminal, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.reporting.fakes import HEADER, HOSTILE, MIXED_COUNTS, html_data, rows, write_controls

DATA = Path(__file__).parent.parent / "data"
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


def run_html(pytester: pytest.Pytester, *args: str, self_contained: bool = True
             ) -> tuple[Any, Path]:
    report = pytester.path / "report.html"
    contained = ("--self-contained-html",) if self_contained else ()
    reprec = pytester.inline_run(*QUIET, f"--html={report}", *contained, *args)
    return reprec, report


def _row(data: dict[str, Any], test: str) -> dict[str, Any]:
    found = [row for nodeid, row in rows(data).items() if f"::{test}" in nodeid]
    assert len(found) == 1, (test, list(rows(data)))
    return found[0]


def _cell(row: dict[str, Any], column: str) -> str:
    cells = [c for c in row["resultsTableRow"] if f'class="col-{column}"' in c]
    assert len(cells) == 1, (column, row["resultsTableRow"])
    return cells[0]


# -- pytest-html -------------------------------------------------------------------------


def test_html_columns_escaping_and_details(pytester: pytest.Pytester) -> None:
    write_controls(pytester)
    reprec, report = run_html(pytester, "--metadata", "AWS_SECRET_ACCESS_KEY", "hunter2",
                              "--metadata", "deploy_note", "AKIAABCDEFGHIJKLMNOP")
    assert reprec.ret == 1
    text = report.read_text(encoding="utf-8")
    head = re.search(r'<thead id="results-table-head">(.*?)</thead>', text, re.S)
    assert head is not None
    columns = re.findall(r'data-column-type="(\w+)"', head.group(1))
    assert columns == ["result", "severity", "control", "testId", "account", "region",
                       "resource", "duration"]
    data = html_data(report)

    hostile = _row(data, "test_low_fails_hostile")
    assert _cell(hostile, "resource") == \
        '<td class="col-resource">&lt;script&gt;alert(1)&lt;/script&gt;</td>'
    assert "&lt;img src=x onerror=alert(2)&gt;" in _cell(hostile, "testId")
    every_cell = json.dumps([r["resultsTableRow"] for r in rows(data).values()])
    assert HOSTILE not in every_cell and "<img src=x" not in every_cell
    details = [e["content"] for e in hostile["extras"] if e["format_type"] == "html"]
    assert len(details) == 1
    assert HOSTILE not in details[0] and "<b>evidence</b>" not in details[0]
    for part in ("Checked", "&lt;b&gt;title&lt;/b&gt;", "Evidence (failed)",
                 "&lt;b&gt;evidence&lt;/b&gt; &amp; more", "Remediation",
                 "&lt;i&gt;fix&lt;/i&gt; &amp; go", "Frameworks", "aws-fsbp: S3.1",
                 "cis-aws-3.0: 2.1.4"):
        assert part in details[0], part

    error = _row(data, "test_medium_errors")
    assert error["result"] == "Error"
    detail = error["extras"][0]["content"]
    assert "Missing permission" in detail and "s3:GetBucketPolicy" in detail
    waived = _row(data, "test_high_waived")
    assert "ctl-high-waived (waived)" in _cell(waived, "control")
    assert "accepted until the migration" in waived["extras"][0]["content"]
    assert "SEC-42" in waived["extras"][0]["content"]
    assert _row(data, "test_high_passes")["extras"] == []  # passing rows stay short
    plain = _row(data, "test_not_a_control")
    assert _cell(plain, "severity") == '<td class="col-severity"><span hidden>9</span></td>'

    assert re.search(r'<h1 id="title">AWS compliance: 111111111111, 222222222222 '
                     r"\(scan \d{4}-\d\d-\d\d \d\d:\d\d UTC\)</h1>", text)
    environment = data["environment"]
    assert "AWS_SECRET_ACCESS_KEY" not in environment and "deploy_note" not in environment
    assert "hunter2" not in text and "AKIAABCDEFGHIJKLMNOP" not in text
    assert {"pytest-awscompliance", "botocore", "boto3"} <= set(environment["Packages"])


def test_html_severity_sorts_by_rank(pytester: pytest.Pytester) -> None:
    """pytest-html sorts by the cell's inner HTML: findings (failed, error) first, then
    waived, then the rest, each most severe first; non-control tests last."""
    write_controls(pytester)
    _, report = run_html(pytester, self_contained=False)  # assets/ next to the page
    data = html_data(report)
    keyed = sorted(rows(data).values(), key=lambda row: row["severity"])
    levels = [re.sub(r"<[^>]+>|\d", "", row["severity"]) for row in keyed]
    assert levels == ["critical", "medium", "low", "high", "high", "info", ""]
    results = [row["result"] for row in keyed]
    assert results[:3] == ["Failed", "Error", "Failed"] and results[3] == "XFailed"
    assert data["initialSort"] == "severity" and data["renderCollapsed"] == ["all"]


def test_html_summary_counts_and_top_failing(pytester: pytest.Pytester) -> None:
    write_controls(pytester)
    _, report = run_html(pytester)
    text = report.read_text(encoding="utf-8")
    matrix = re.search(r'<table class="aws-matrix">(.*?)</table>', text, re.S)
    assert matrix is not None
    outcomes = ["passed", "failed", "error", "waived", "skipped"]
    for level in ("critical", "high", "medium", "low", "info"):
        row = re.search(rf'<tr data-severity="{level}">(.*?)</tr>', matrix.group(1))
        assert row is not None
        numbers = [int(n) for n in re.findall(r'class="aws-count-\w+[^"]*">(\d+)<', row.group(1))]
        expected = [MIXED_COUNTS[level].get(o, 0) for o in outcomes]
        assert numbers == expected, level
    top = re.search(r'<table class="aws-top-failing">(.*?)</table>', text, re.S)
    assert top is not None
    assert re.findall(r"<code>([\w-]+)</code>", top.group(1)) == ["ctl-critical-fail",
                                                                 "ctl-low-fail"]
    assert "s3:GetBucketPolicy" in text.split('class="aws-missing"')[1][:300]


# -- OCSF JSON ---------------------------------------------------------------------------


def _findings(pytester: pytest.Pytester, *args: str) -> tuple[int, list[dict[str, Any]]]:
    out = pytester.path / "out" / "findings.json"
    out.parent.mkdir(exist_ok=True)
    reprec = pytester.inline_run(*QUIET, f"--compliance-json={out}", *args)
    return int(reprec.ret), json.loads(out.read_text(encoding="utf-8"))


def test_ocsf_findings_fields(pytester: pytest.Pytester) -> None:
    write_controls(pytester)
    _, findings = _findings(pytester)
    schema = json.loads((DATA / "ocsf-detection-finding.schema.json").read_text())
    for finding in findings:
        jsonschema.validate(finding, schema)
        assert finding["type_uid"] == finding["class_uid"] * 100 + finding["activity_id"]
    by_control = {f["unmapped"]["compliance"]["control"]: f for f in findings}
    assert set(by_control) == {"ctl-critical-fail", "ctl-high-pass", "ctl-low-fail",
                               "ctl-medium-error", "ctl-high-waived", "ctl-info-skip"}
    assert {c: (f["severity_id"], f["status_code"]) for c, f in by_control.items()} == {
        "ctl-critical-fail": (5, "FAIL"), "ctl-high-pass": (4, "PASS"),
        "ctl-low-fail": (2, "FAIL"), "ctl-medium-error": (3, "ERROR"),
        "ctl-high-waived": (4, "WAIVED"), "ctl-info-skip": (1, "SKIPPED")}
    fail = by_control["ctl-critical-fail"]
    assert fail["resources"] == [{"uid": "arn:aws:s3:::bucket-a", "name": "bucket-a",
                                  "type": "AwsS3Bucket", "region": "us-east-1",
                                  "cloud_partition": "aws"}]
    assert fail["cloud"] == {"provider": "AWS", "region": "us-east-1", "account": {
        "uid": "111111111111", "name": "111111111111", "type_id": 10, "type": "AWS Account"}}
    assert fail["unmapped"]["compliance"]["requirements"] == ["aws-fsbp:S3.1", "cis-aws-3.0:2.1.4"]
    assert fail["unmapped"]["compliance"]["standards"] == ["aws-fsbp", "cis-aws-3.0"]
    assert fail["unmapped"]["compliance"]["status"] == "Fail"
    assert fail["finding_info"]["title"] == "ctl-critical-fail title"
    assert fail["finding_info"]["desc"] == "bucket-a BlockPublicAcls=False"
    assert fail["remediation"] == {"desc": "aws s3api put-public-access-block --bucket <name>"}
    assert fail["metadata"]["product"]["name"] == "pytest-awscompliance"
    assert by_control["ctl-high-pass"]["resources"][0]["type"] == "AwsEc2Instance"
    error = by_control["ctl-medium-error"]
    assert error["unmapped"]["missing_permission"] == "s3:GetBucketPolicy"
    assert error["resources"][0]["uid"] == "AWS::::Account:222222222222"
    assert error["unmapped"]["compliance"]["status"] == "Warning"
    waived = by_control["ctl-high-waived"]
    assert waived["status"] == "Suppressed" and waived["unmapped"]["waiver"]["owner"] == "alice"


def test_xdist_gives_the_same_records_and_report(pytester: pytest.Pytester) -> None:
    """Under ``-n 2`` the controller alone writes, from deserialized reports."""
    write_controls(pytester)
    serial = pytester.path / "serial.json"
    parallel = pytester.path / "parallel.json"
    report = pytester.path / "report.html"
    pytester.runpytest_subprocess(*QUIET, f"--compliance-json={serial}")
    result = pytester.runpytest_subprocess(
        *QUIET, "-n", "2", f"--compliance-json={parallel}", f"--html={report}",
        "--self-contained-html", "--metadata", "AWS_SECRET_ACCESS_KEY", "hunter2")
    assert "2 workers" in result.stdout.str()
    assert _comparable(serial) == _comparable(parallel)
    assert len(_comparable(parallel)) == 6
    data = html_data(report)
    assert "hunter2" not in report.read_text(encoding="utf-8")
    assert {"pytest-awscompliance", "botocore"} <= set(data["environment"]["Packages"])
    hostile = _row(data, "test_low_fails_hostile")
    assert _cell(hostile, "resource") == \
        '<td class="col-resource">&lt;script&gt;alert(1)&lt;/script&gt;</td>'
    assert "Remediation" in hostile["extras"][0]["content"]
    result.stdout.fnmatch_lines(["*aws compliance summary*", "critical *0 *1 *0 *0 *0 *1"])


def _comparable(path: Path) -> list[dict[str, Any]]:
    """Findings without the times (which differ between runs)."""
    findings = json.loads(path.read_text(encoding="utf-8"))
    for finding in findings:
        finding.pop("time")
    return findings


def test_compliance_json_missing_directory_is_a_usage_error(pytester: pytest.Pytester) -> None:
    write_controls(pytester)
    target = pytester.path / "missing" / "findings.json"
    result = pytester.runpytest(*QUIET, f"--compliance-json={target}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.errlines if line.startswith("ERROR:")]
    assert errors == [f"ERROR: --compliance-json: directory {target.parent} does not exist "
                      "(create it first)"]
    assert "passed" not in result.stdout.str()  # nothing ran


def test_compliance_json_is_written_whole(pytester: pytest.Pytester) -> None:
    """No temporary file is left next to the findings, and an old file is replaced."""
    write_controls(pytester)
    out = pytester.path / "out"
    out.mkdir()
    (out / "findings.json").write_text("old")
    pytester.inline_run(*QUIET, f"--compliance-json={out / 'findings.json'}")
    assert [p.name for p in out.iterdir()] == ["findings.json"]
    assert len(json.loads((out / "findings.json").read_text())) == 6


# -- terminal summary --------------------------------------------------------------------


def test_terminal_summary(pytester: pytest.Pytester) -> None:
    write_controls(pytester)
    (pytester.path / "waivers.yaml").write_text(
        "- control: ctl-old\n  justification: legacy bucket\n  owner: bob\n"
        "  expires: 2029-12-31\n  ticket: SEC-7\n")
    result = pytester.runpytest(*QUIET, "-p", "no:html", "--compliance-waivers=waivers.yaml",
                                "--compliance-waivers-today=2030-01-15")
    lines = result.stdout.lines
    start = next(i for i, line in enumerate(lines) if "aws compliance summary" in line)
    section = lines[start + 1:]
    expected = [
        "severity     passed   failed    error   waived  skipped    total",
        "critical          0        1        0        0        0        1",
        "high              1        0        0        1        0        2",
        "medium            0        0        1        0        0        1",
        "low               0        1        0        0        0        1",
        "info              0        0        0        0        1        1",
        "all               1        2        1        1        1        6",
        "top failing controls:",
        "  critical    1 failed  ctl-critical-fail  (ctl-critical-fail title)",
        "  low         1 failed  ctl-low-fail  (<b>title</b>)",
        "errors: 1 result(s) could not be evaluated",
        "  missing permission s3:GetBucketPolicy: 1 result(s), control(s) ctl-medium-error",
        "expired waivers: 1 no longer apply (renew or fix):",
        "  ctl-old expired 2029-12-31 owner bob ticket SEC-7",
    ]
    assert section[:len(expected)] == expected
    end = next(i for i, line in enumerate(section) if line.startswith("===="))
    assert section[:end] == expected  # nothing else, and every line fits 100 columns
    assert all(len(line) <= 100 for line in section[:end])


def test_no_summary_without_controls(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest(*QUIET)
    assert "aws compliance summary" not in result.stdout.str()


# -- --fail-on-severity ------------------------------------------------------------------

LOW_FAILS = HEADER + '''

@control("ctl-low", "low")
def test_low_fails():
    assert False, "low finding"


@control("ctl-high", "high")
def test_high_passes():
    pass
'''

HIGH_FAILS = LOW_FAILS + '''

@control("ctl-high-fail", "high")
def test_high_fails():
    assert False, "high finding"
'''

ERRORS = HEADER + '''

@control("ctl-low-error", "low")
def test_errors():
    raise AwsApiError("iam", "GetAccountSummary", "Throttling", "slow down")
'''

PLAIN_FAILS = LOW_FAILS + '''

def test_plain_fails():
    assert False
'''


@pytest.mark.parametrize(("body", "args", "expected"), [
    (LOW_FAILS, (), 1),
    (LOW_FAILS, ("--fail-on-severity", "high"), 0),
    (LOW_FAILS, ("--fail-on-severity", "medium"), 0),
    (LOW_FAILS, ("--fail-on-severity", "low"), 1),
    (HIGH_FAILS, ("--fail-on-severity", "high"), 1),
    (HIGH_FAILS, ("--fail-on-severity", "critical"), 0),
    (ERRORS, ("--fail-on-severity", "critical"), 1),
    (PLAIN_FAILS, ("--fail-on-severity", "critical"), 1),
    (LOW_FAILS, ("-o", "fail_on_severity=high"), 0),
], ids=["default", "low-under-high", "low-under-medium", "low-at-low", "high-at-high",
        "high-under-critical", "error-always", "plain-test-always", "ini"])
def test_fail_on_severity_exit_codes(pytester: pytest.Pytester, body: str,
                                     args: tuple[str, ...], expected: int) -> None:
    write_controls(pytester, body)
    reprec = pytester.inline_run(*QUIET, *args)
    assert int(reprec.ret) == expected


def test_fail_on_severity_says_what_it_let_through(pytester: pytest.Pytester) -> None:
    write_controls(pytester, LOW_FAILS)
    result = pytester.runpytest(*QUIET, "--fail-on-severity", "high")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["--fail-on-severity high: 1 failure(s) below high are "
                                 "reported but do not fail the run"])


def test_fail_on_severity_rejects_unknown_level(pytester: pytest.Pytester) -> None:
    write_controls(pytester, LOW_FAILS)
    result = pytester.runpytest(*QUIET, "--fail-on-severity", "severe")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --fail-on-severity: unknown severity 'severe'; "
                                 "choose one of: info, low, medium, high, critical"])
