"""OCSF mapping and the atomic findings file; every record a consumer would read (fakes of
each outcome and a real demo scan's output) parses with py-ocsf-models and validates against
the official OCSF JSON Schema of Detection Finding."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from py_ocsf_models.events.findings.detection_finding import DetectionFinding
from pydantic import ValidationError

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting import ocsf
from tests.reporting.demo_run import DemoScan, demo_scan

SCHEMA = Path(__file__).parent.parent / "data" / "ocsf-detection-finding.schema.json"
OUTCOMES = ("passed", "failed", "error", "waived", "skipped")

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


# -- consumers: py-ocsf-models and the official JSON Schema ------------------------------


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoScan:
    return demo_scan(tmp_path_factory)


def fakes() -> list[dict[str, Any]]:
    """One record per outcome, a resource and an account setting, with every optional part."""
    waiver = {"justification": "legacy", "owner": "alice", "expires": "2099-01-31"}
    results = [dataclasses.replace(BASE, outcome=o, waiver=waiver if o == "waived" else None,
                                   missing_permission="s3:GetBucketPolicy" if o == "error"
                                   else "") for o in OUTCOMES]
    results.append(dataclasses.replace(BASE, resource="111111111111/global", region="global",
                                       remediation="", frameworks=()))
    return ocsf.to_findings(results, version="0.1.0", now_ms=1)


def test_schema_is_the_official_detection_finding_1_1_0() -> None:
    schema = json.loads(SCHEMA.read_text())
    assert schema["$id"] == "https://schema.ocsf.io/schema/classes/detection_finding"
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert (schema["title"], schema["additionalProperties"]) == ("Detection Finding", False)
    assert schema["properties"]["class_uid"]["const"] == ocsf.CLASS_UID
    assert "1.1.0" in schema["$comment"] and ocsf.OCSF_VERSION == "1.1.0"
    assert set(schema["required"]) == {"activity_id", "category_uid", "class_uid", "cloud",
                                       "finding_info", "metadata", "severity_id", "time",
                                       "type_uid"}
    assert schema["$defs"]["cloud"]["required"] == ["provider"]


def test_schema_rejects_what_ocsf_does_not_allow(validator: jsonschema.Draft7Validator) -> None:
    """The checks below can fail: an attribute outside the class, a wrong enum, a gap."""
    good = ocsf.to_finding(BASE, version="1")
    assert not list(validator.iter_errors(good))
    for broken in ({**good, "compliance": {"status": "Fail"}},  # Compliance Finding only
                   {**good, "severity_id": 7},
                   {**good, "cloud": {"account": good["cloud"]["account"]}},
                   {**good, "resources": [{**good["resources"][0], "arn": "x"}]}):
        assert list(validator.iter_errors(broken))


@pytest.mark.parametrize("index", range(len(OUTCOMES) + 1))
def test_every_kind_of_record_is_valid_ocsf(index: int,
                                            validator: jsonschema.Draft7Validator) -> None:
    finding = fakes()[index]
    assert [e.message for e in validator.iter_errors(finding)] == []
    parsed = DetectionFinding.model_validate(finding)
    assert parsed.cloud is not None and parsed.cloud.account is not None
    assert (parsed.cloud.account.uid, parsed.cloud.account.type_id) == ("111111111111", 10)
    assert parsed.finding_info.uid == finding["finding_info"]["uid"]
    assert int(parsed.type_uid) == 200401 and int(parsed.severity_id) == 4


def test_py_ocsf_models_rejects_a_record_without_the_account_name() -> None:
    finding = ocsf.to_finding(BASE, version="1")
    del finding["cloud"]["account"]["name"]
    with pytest.raises(ValidationError, match="name"):
        DetectionFinding.model_validate(finding)


def test_demo_scan_records_parse_and_validate(demo: DemoScan,
                                              validator: jsonschema.Draft7Validator) -> None:
    findings = json.loads(demo.findings.read_text())
    assert len(findings) > 20
    assert {"PASS", "FAIL"} <= {f["status_code"] for f in findings}
    for finding in findings:
        assert [e.message for e in validator.iter_errors(finding)] == [], finding["message"]
        parsed = DetectionFinding.model_validate(finding)
        assert parsed.cloud is not None and parsed.cloud.account is not None
        assert parsed.cloud.account.uid == finding["cloud"]["account"]["uid"]
        assert parsed.resources and parsed.resources[0].uid == finding["resources"][0]["uid"]
