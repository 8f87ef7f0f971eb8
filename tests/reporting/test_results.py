"""``ControlResult`` from report data: outcomes, messages, properties across xdist."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _pytest.reports import TestReport

from pytest_awscompliance.model.results import (
    ControlResult,
    merge,
    ordered,
    outcome_of,
    parse_frameworks,
    result_of,
)

PROPS = [("control_id", "s3-bucket-ssl-only"), ("severity", "high"),
         ("account", "111111111111"), ("region", "us-east-1"),
         ("resource", "arn:aws:s3:::b"), ("title", "Buckets deny HTTP"),
         ("frameworks", "aws-fsbp:S3.5 cis-aws-3.0:2.1.1"), ("remediation", "add a policy")]


def report(outcome: str = "passed", when: str = "call", longrepr: Any = None,
           props: list[tuple[str, str]] | None = None, **extra: Any) -> TestReport:
    return TestReport("t.py::test_x[111111111111/us-east-1/b]", ("t.py", 1, "test_x"), {},
                      outcome, longrepr, when, user_properties=PROPS if props is None else props,
                      stop=1700000000.5, **extra)


@pytest.mark.parametrize(("outcome", "when", "extra", "expected"), [
    ("passed", "call", {}, "passed"),
    ("failed", "call", {}, "failed"),
    ("failed", "setup", {}, "error"),
    ("failed", "teardown", {}, "error"),
    ("skipped", "setup", {}, "skipped"),
    ("skipped", "call", {"wasxfail": "waived: accepted (owner a)"}, "waived"),
    ("skipped", "call", {"wasxfail": "flaky", "waiver": {"control": "x"}}, "waived"),
    ("skipped", "call", {"wasxfail": "known bug"}, "skipped"),
    ("passed", "call", {"wasxfail": "not strict"}, "passed"),
    ("passed", "setup", {}, None),
    ("passed", "teardown", {}, None),
])
def test_outcome_of(outcome: str, when: str, extra: dict[str, Any], expected: str | None) -> None:
    assert outcome_of(report(outcome, when, **extra)) == expected


def test_result_of_reads_properties_and_attributes() -> None:
    rep = report("failed", "setup", longrepr="boom", compliance_error="s3:GetBucketPolicy "
                 "failed: AccessDenied", missing_permission="s3:GetBucketPolicy")
    result = result_of(rep)
    assert result == ControlResult(
        control_id="s3-bucket-ssl-only", severity="high", account="111111111111",
        region="us-east-1", resource="arn:aws:s3:::b", title="Buckets deny HTTP",
        frameworks=(("aws-fsbp", "S3.5"), ("cis-aws-3.0", "2.1.1")),
        remediation="add a policy", outcome="error",
        message="s3:GetBucketPolicy failed: AccessDenied",
        missing_permission="s3:GetBucketPolicy",
        nodeid="t.py::test_x[111111111111/us-east-1/b]", time=1700000000.5)
    assert result.name == "test_x[111111111111/us-east-1/b]"
    assert result.is_finding and result.rank == 3


def test_result_survives_xdist_serialization() -> None:
    """The controller rebuilds reports from their serialized form (a JSON round trip, as
    pytest-reportlog does, even turns property pairs into lists)."""
    rep = report("skipped", "call", longrepr=("t.py", 1, "Skipped: waived"),
                 wasxfail="waived: ok (owner a)", waiver={"control": "c", "owner": "a"})
    back = TestReport._from_json(json.loads(json.dumps(rep._to_json())))
    assert isinstance(back.user_properties[0], list)
    assert result_of(back) == result_of(rep)
    assert result_of(back).waiver == {"control": "c", "owner": "a"}
    assert result_of(back).message == "waived: ok (owner a)"


def test_messages() -> None:
    assert result_of(report("failed", compliance_message="x off")).message == "x off"
    assert result_of(report("skipped", "setup",
                            longrepr=("t.py", 3, "Skipped: member account"))).message == \
        "member account"
    assert result_of(report("failed", longrepr="\n  first line\nsecond")).message == \
        "first line"


def test_not_a_control_or_no_decision() -> None:
    assert result_of(report("failed", props=[])) is None
    assert result_of(report("passed", "setup")) is None


def test_unknown_severity_is_blank() -> None:
    props = [p if p[0] != "severity" else ("severity", "urgent") for p in PROPS]
    assert result_of(report("failed", props=props)).severity == ""


def test_parse_frameworks() -> None:
    assert parse_frameworks("aws-fsbp:S3.1  cis-aws-3.0:2.1.4") == (
        ("aws-fsbp", "S3.1"), ("cis-aws-3.0", "2.1.4"))
    assert parse_frameworks("") == ()


def test_merge_teardown_error_spoils_a_pass() -> None:
    passed = result_of(report("passed"))
    error = result_of(report("failed", "teardown"))
    failed = result_of(report("failed"))
    assert merge(None, passed) is passed
    assert merge(passed, error) is error
    assert merge(failed, error) is failed


def test_ordered_is_stable() -> None:
    a = result_of(report("passed"))
    b = result_of(report("passed", props=[("control_id", "a-first"), *PROPS[1:]]))
    assert ordered([a, b]) == ordered([b, a]) == [b, a]
