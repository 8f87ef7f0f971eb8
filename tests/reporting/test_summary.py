"""Terminal summary: counts, top failing controls, errors, expired waivers, width."""

from __future__ import annotations

import dataclasses

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting import summary

BASE = ControlResult(control_id="c", severity="low", account="111111111111", region="us-east-1",
                     resource="x", title="A title", frameworks=(), remediation="",
                     outcome="failed", message="m")


def r(control_id: str, severity: str, outcome: str = "failed", **kw: str) -> ControlResult:
    return dataclasses.replace(BASE, control_id=control_id, severity=severity, outcome=outcome,
                               **kw)


RESULTS = [r("a", "low"), r("a", "low"), r("b", "critical"), r("c", "high", "passed"),
           r("d", "medium", "error", missing_permission="s3:GetBucketPolicy"),
           r("e", "medium", "error", missing_permission="s3:GetBucketPolicy"),
           r("f", "info", "error", message="iam:GetAccountSummary failed: Throttling"),
           r("g", "high", "waived"), r("h", "info", "skipped")]


def test_counts_and_totals() -> None:
    table = summary.counts(RESULTS)
    assert list(table) == ["critical", "high", "medium", "low", "info"]
    assert table["low"]["failed"] == 2 and table["medium"]["error"] == 2
    assert table["high"] == {"passed": 1, "failed": 0, "error": 0, "waived": 1, "skipped": 0}
    assert summary.totals(RESULTS) == {"passed": 1, "failed": 3, "error": 3, "waived": 1,
                                       "skipped": 1}


def test_top_failing_most_severe_first() -> None:
    top = summary.top_failing(RESULTS)
    assert [(c.control_id, c.severity, c.failed) for c in top] == [("b", "critical", 1),
                                                                   ("a", "low", 2)]
    assert summary.top_failing(RESULTS, limit=1)[0].control_id == "b"


def test_missing_permissions() -> None:
    assert summary.missing_permissions(RESULTS) == {"s3:GetBucketPolicy": ["d", "e"]}


def test_error_lines() -> None:
    assert summary.error_lines(RESULTS) == [
        "errors: 3 result(s) could not be evaluated",
        "  missing permission s3:GetBucketPolicy: 2 result(s), control(s) d, e",
        "  1 x iam:GetAccountSummary failed: Throttling",
    ]


def test_expired_waiver_lines() -> None:
    lines = summary.expired_waiver_lines([
        {"control": "s3-*", "owner": "bob", "expires": "2024-01-31", "ticket": "SEC-1",
         "account": "111111111111", "region": None, "resource": None},
        {"control": "x", "owner": "al", "expires": "2024-02-01", "ticket": None}])
    assert lines == ["expired waivers: 2 no longer apply (renew or fix):",
                     "  s3-* [111111111111] expired 2024-01-31 owner bob ticket SEC-1",
                     "  x expired 2024-02-01 owner al"]
    assert summary.expired_waiver_lines([]) == []


def test_summary_fits_100_columns() -> None:
    long = r("a-very-long-control-id-" * 3, "high", title="T" * 200, message="M" * 300)
    lines = summary.summary_lines([long, dataclasses.replace(long, outcome="error")],
                                  expired=[{"control": "w" * 150, "owner": "o",
                                            "expires": "2024-01-01"}], fail_on="critical")
    assert lines and all(len(line) <= 100 for line in lines)
    assert lines[-1] == ("--fail-on-severity critical: 1 failure(s) below critical are "
                         "reported but do not fail the run")


def test_nothing_to_say() -> None:
    assert summary.summary_lines([]) == []
    assert summary.fit("a\nb") == "a b"
