"""OCSF mapping and the atomic findings file (pure parts)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting import ocsf

BASE = ControlResult(control_id="ec2-imdsv2", severity="high", account="111111111111",
                     region="us-east-1",
                     resource="arn:aws:ec2:us-east-1:111111111111:instance/i-0abc",
                     title="IMDSv2 required", frameworks=(("aws-fsbp", "EC2.8"),),
                     remediation="aws ec2 modify-instance-metadata-options",
                     outcome="failed", message="HttpTokens=optional",
                     nodeid="compute/test_imds.py::test_x[111111111111/us-east-1/i-0abc]",
                     time=1700000000.25)


@pytest.mark.parametrize(("level", "expected"), [("info", 1), ("low", 2), ("medium", 3),
                                                 ("high", 4), ("critical", 5)])
def test_severity_ids(level: str, expected: int) -> None:
    finding = ocsf.to_finding(dataclasses.replace(BASE, severity=level), version="1")
    assert finding["severity_id"] == expected


@pytest.mark.parametrize(("outcome", "code", "status", "compliance"), [
    ("passed", "PASS", "Resolved", "Pass"), ("failed", "FAIL", "New", "Fail"),
    ("error", "ERROR", "Unknown", "Warning"), ("waived", "WAIVED", "Suppressed", "Fail"),
    ("skipped", "SKIPPED", "Unknown", "Skipped")])
def test_statuses(outcome: str, code: str, status: str, compliance: str) -> None:
    finding = ocsf.to_finding(dataclasses.replace(BASE, outcome=outcome), version="1")
    assert (finding["status_code"], finding["status"],
            finding["unmapped"]["compliance"]["status"]) == (code, status, compliance)


def test_finding_shape() -> None:
    finding = ocsf.to_finding(BASE, version="0.1.0")
    assert (finding["class_uid"], finding["category_uid"], finding["activity_id"],
            finding["type_uid"]) == (2004, 2, 1, 200401)
    assert finding["time"] == 1700000000250
    assert finding["resources"] == [{"uid": BASE.resource, "name": "i-0abc",
                                     "type": "AwsEc2Instance", "region": "us-east-1",
                                     "cloud_partition": "aws"}]
    assert finding["metadata"]["version"].startswith("1.")
    assert finding["metadata"]["product"]["version"] == "0.1.0"
    assert finding["finding_info"]["uid"] == ocsf.finding_uid(BASE)
    assert finding["finding_info"]["uid"].startswith("pytest-awscompliance/ec2-imdsv2/")


# Detection Finding (class 2004) attributes in OCSF 1.1, base event and finding attributes.
DETECTION_FINDING_ATTRIBUTES = {
    "activity_id", "activity_name", "category_name", "category_uid", "class_name",
    "class_uid", "type_uid", "type_name", "severity", "severity_id", "status", "status_id",
    "status_code", "status_detail", "message", "time", "time_dt", "start_time", "end_time",
    "count", "duration", "timezone_offset", "finding_info", "resources", "cloud",
    "remediation", "metadata", "unmapped", "raw_data", "observables", "enrichments",
    "evidences", "impact", "impact_id", "impact_score", "risk_level", "risk_level_id",
    "risk_score", "confidence", "confidence_id", "confidence_score", "vulnerabilities",
    "malware", "api", "actor", "device", "osint", "comment",
}


def test_finding_has_only_detection_finding_attributes() -> None:
    for outcome in ("passed", "failed", "error", "skipped"):
        finding = ocsf.to_finding(dataclasses.replace(BASE, outcome=outcome), version="1")
        assert set(finding) <= DETECTION_FINDING_ATTRIBUTES, set(finding) - \
            DETECTION_FINDING_ATTRIBUTES


def test_finding_uid_is_stable_and_distinct() -> None:
    assert ocsf.finding_uid(BASE) == ocsf.finding_uid(dataclasses.replace(BASE, time=1.0))
    other = dataclasses.replace(BASE, nodeid="x.py::test_x[111111111111/us-east-1/i-0abd]")
    assert ocsf.finding_uid(other) != ocsf.finding_uid(BASE)
    moved = dataclasses.replace(BASE, nodeid="other/dir/" + BASE.nodeid)  # same test name
    assert ocsf.finding_uid(moved) == ocsf.finding_uid(BASE)


@pytest.mark.parametrize(("arn", "kind"), [
    ("arn:aws:s3:::bucket", "AwsS3Bucket"),
    ("arn:aws:iam::111111111111:role/path/r", "AwsIamRole"),
    ("arn:aws:logs:us-east-1:111111111111:log-group:/aws/x", "AwsLogsLogGroup"),
    ("arn:aws:kms:us-east-1:111111111111:key/abc", "AwsKmsKey"),
    ("arn:aws:sns:us-east-1:111111111111:topic", "AwsSns"),
])
def test_resource_types(arn: str, kind: str) -> None:
    parts = ocsf.split_arn(arn)
    assert parts is not None
    assert ocsf.resource_type(parts["service"], parts["resource"]) == kind


@pytest.mark.parametrize(("arn", "name"), [
    ("arn:aws:s3:::bucket", "bucket"),
    ("arn:aws:iam::111111111111:role/path/r", "r"),
    ("arn:aws:logs:us-east-1:111111111111:log-group:/aws/x:*", "/aws/x"),
    ("arn:aws:ec2:us-east-1:111111111111:security-group/sg-1", "sg-1"),
])
def test_resource_names(arn: str, name: str) -> None:
    parts = ocsf.split_arn(arn)
    assert parts is not None
    assert ocsf.resource_name(parts["service"], parts["resource"]) == name


def test_account_setting_and_partition() -> None:
    setting = dataclasses.replace(BASE, resource="111111111111/global", region="global")
    assert ocsf.resource_of(setting, "aws-us-gov") == {
        "uid": "AWS::::Account:111111111111", "name": "111111111111", "type": "AwsAccount",
        "region": "global", "cloud_partition": "aws-us-gov"}
    china = dataclasses.replace(BASE, resource="arn:aws-cn:s3:::b")
    assert ocsf.resource_of(china, "aws")["cloud_partition"] == "aws-cn"


def test_target_problem(tmp_path: Path) -> None:
    assert ocsf.target_problem(tmp_path / "f.json") is None
    assert ocsf.target_problem(tmp_path / "no" / "f.json") == \
        f"directory {tmp_path / 'no'} does not exist (create it first)"
    assert "is a directory" in (ocsf.target_problem(tmp_path) or "")


def test_write_atomic_keeps_the_old_file_on_failure(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "findings.json"
    ocsf.write_atomic(path, [{"a": 1}])
    assert json.loads(path.read_text()) == [{"a": 1}]
    assert oct(path.stat().st_mode & 0o777) == "0o644"

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ocsf.json, "dump", broken)
    with pytest.raises(OSError, match="disk full"):
        ocsf.write_atomic(path, [{"b": 2}])
    assert json.loads(path.read_text()) == [{"a": 1}]
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]
