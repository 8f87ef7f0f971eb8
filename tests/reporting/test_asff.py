"""ASFF findings for Security Hub: the mapping, the batches, the file, and botocore's own
validation of the ``BatchImportFindings`` input on fakes of every outcome and a demo scan."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ParamValidationError
from botocore.validate import validate_parameters

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting import asff, ocsf
from tests.reporting.demo_run import DemoScan, demo_scan
from tests.reporting.fakes import write_controls

BASE = ControlResult(control_id="ec2-imdsv2", severity="high", account="111111111111",
                     region="us-east-1",
                     resource="arn:aws:ec2:us-east-1:111111111111:instance/i-0abc",
                     title="IMDSv2 required", frameworks=(("aws-fsbp", "EC2.8"),),
                     remediation="aws ec2 modify-instance-metadata-options",
                     outcome="failed", message="HttpTokens=optional",
                     nodeid="compute/test_imds.py::test_x[111111111111/us-east-1/i-0abc]",
                     time=1700000000.25)
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


@pytest.fixture(scope="module")
def import_shape() -> Any:
    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def check_batch(batch: list[dict[str, Any]], shape: Any) -> None:
    """What ``aws securityhub batch-import-findings`` checks before sending, plus the
    operation's 1..100 (botocore validates minimums only) and one product per batch."""
    validate_parameters({"Findings": batch}, shape)
    assert 1 <= len(batch) <= asff.BATCH_SIZE
    assert len({f["ProductArn"] for f in batch}) == 1


def test_botocore_validation_is_a_real_check(import_shape: Any) -> None:
    finding = asff.to_finding(BASE, version="1")
    check_batch([finding], import_shape)
    for broken in ({k: v for k, v in finding.items() if k != "GeneratorId"},
                   {**finding, "Severity": {"Label": 4}},
                   {**finding, "Resources": [{"Id": "x"}]}):
        with pytest.raises(ParamValidationError):
            validate_parameters({"Findings": [broken]}, import_shape)


@pytest.mark.parametrize(("outcome", "compliance", "workflow", "label"), [
    ("passed", "PASSED", "RESOLVED", "INFORMATIONAL"), ("failed", "FAILED", "NEW", "HIGH"),
    ("error", "WARNING", "NEW", "HIGH"), ("waived", "FAILED", "SUPPRESSED", "HIGH"),
    ("skipped", "NOT_AVAILABLE", "NEW", "INFORMATIONAL")])
def test_statuses(outcome: str, compliance: str, workflow: str, label: str,
                  import_shape: Any) -> None:
    result = dataclasses.replace(
        BASE, outcome=outcome, missing_permission="ec2:DescribeInstances",
        waiver={"justification": "legacy", "owner": "alice", "expires": "2099-01-31"})
    finding = asff.to_finding(result, version="0.1.0")
    check_batch([finding], import_shape)
    assert (finding["Compliance"]["Status"], finding["Workflow"]["Status"],
            finding["Severity"]["Label"]) == (compliance, workflow, label)
    assert finding["ProductFields"]["pytest-awscompliance/outcome"] == outcome
    assert finding["ProductFields"]["pytest-awscompliance/waiver/owner"] == "alice"


@pytest.mark.parametrize(("level", "label"), [("info", "INFORMATIONAL"), ("low", "LOW"),
                                              ("medium", "MEDIUM"), ("critical", "CRITICAL")])
def test_severity_labels(level: str, label: str) -> None:
    assert asff.to_finding(dataclasses.replace(BASE, severity=level),
                           version="1")["Severity"] == {"Label": label, "Original": level}


def test_finding_shape() -> None:
    finding = asff.to_finding(BASE, version="0.1.0")
    assert finding["Id"] == ocsf.finding_uid(BASE)
    assert finding["ProductArn"] == \
        "arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default"
    assert finding["GeneratorId"] == "pytest-awscompliance/ec2-imdsv2"
    assert (finding["AwsAccountId"], finding["Region"]) == ("111111111111", "us-east-1")
    assert finding["CreatedAt"] == finding["UpdatedAt"] == "2023-11-14T22:13:20.250Z"
    assert finding["Title"] == "ec2-imdsv2: IMDSv2 required"
    assert finding["Description"] == "HttpTokens=optional"
    assert finding["Resources"] == [{"Type": "AwsEc2Instance", "Id": BASE.resource,
                                     "Partition": "aws", "Region": "us-east-1"}]
    assert finding["Compliance"]["RelatedRequirements"] == ["aws-fsbp EC2.8"]
    assert finding["Remediation"]["Recommendation"]["Text"] == BASE.remediation


@pytest.mark.parametrize(("arn", "kind"), [
    ("arn:aws:s3:::bucket", "AwsS3Bucket"),
    ("arn:aws:iam::111111111111:role/path/r", "AwsIamRole"),
    ("arn:aws:iam::111111111111:policy/p", "AwsIamPolicy"),
    ("arn:aws:ecr:us-east-1:111111111111:repository/r", "AwsEcrRepository"),
    ("arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "AwsCloudTrailTrail"),
])
def test_resource_types_come_from_the_ocsf_table(arn: str, kind: str) -> None:
    finding = asff.to_finding(dataclasses.replace(BASE, resource=arn), version="1")
    assert finding["Resources"][0]["Type"] == kind
    parts = ocsf.split_arn(arn)
    assert parts is not None and ocsf.resource_type(parts["service"], parts["resource"]) == kind


def test_a_type_security_hub_lacks_is_other(import_shape: Any) -> None:
    group = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/x"
    finding = asff.to_finding(dataclasses.replace(BASE, resource=group), version="1")
    assert finding["Resources"][0]["Type"] == "Other"
    assert finding["Resources"][0]["Details"] == {"Other": {"Type": "AwsLogsLogGroup"}}
    check_batch([finding], import_shape)


def test_global_results_go_to_the_home_region(import_shape: Any) -> None:
    setting = dataclasses.replace(BASE, resource="111111111111/global", region="global")
    finding = asff.to_finding(setting, version="1", homes={"111111111111": "eu-west-1"})
    assert finding["Region"] == "eu-west-1"
    assert ":securityhub:eu-west-1:111111111111:" in finding["ProductArn"]
    assert finding["Resources"] == [{"Type": "AwsAccount", "Id": "AWS::::Account:111111111111",
                                     "Partition": "aws", "Region": "eu-west-1"}]
    gov = asff.to_finding(setting, version="1", partition="aws-us-gov")
    assert gov["ProductArn"].startswith("arn:aws-us-gov:securityhub:us-gov-west-1:")
    check_batch([finding], import_shape)


def test_long_texts_are_cut_to_the_asff_limits(import_shape: Any) -> None:
    long = dataclasses.replace(BASE, title="t" * 400, message="m" * 2000,
                               remediation="r" * 900,
                               frameworks=tuple(("fw", str(i)) for i in range(40)))
    finding = asff.to_finding(long, version="1")
    assert len(finding["Title"]) == 256 and finding["Title"].endswith("…")
    assert len(finding["Description"]) == 1024
    assert len(finding["Remediation"]["Recommendation"]["Text"]) == 512
    assert len(finding["Compliance"]["RelatedRequirements"]) == 32
    check_batch([finding], import_shape)


def test_batches_hold_at_most_100_of_one_account_and_region(import_shape: Any) -> None:
    results = [dataclasses.replace(BASE, account=account, nodeid=f"t.py::t[{i}]",
                                   resource=f"arn:aws:s3:::b-{i}", region=region)
               for i in range(250)
               for account, region in (("111111111111", "us-east-1"),
                                       ("222222222222", "eu-west-1"))]
    batches = asff.to_batches(results, version="1")
    assert [len(b) for b in batches] == [100, 100, 50, 100, 100, 50]
    assert sum(len(b) for b in batches) == 500
    assert len({f["Id"] for b in batches for f in b}) == 500
    for batch in batches:
        check_batch(batch, import_shape)


def test_write_atomic_keeps_the_old_file_on_failure(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "findings.asff.jsonl"
    asff.write_atomic(path, [[{"a": 1}], [{"b": 2}]])
    assert [json.loads(line) for line in path.read_text().splitlines()] == [[{"a": 1}],
                                                                             [{"b": 2}]]
    assert oct(path.stat().st_mode & 0o777) == "0o644"

    def broken(*args: object, **kwargs: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(asff.json, "dumps", broken)
    with pytest.raises(OSError, match="disk full"):
        asff.write_atomic(path, [[{"c": 3}]])
    assert path.read_text().splitlines() == ['[{"a": 1}]', '[{"b": 2}]']
    assert [p.name for p in tmp_path.iterdir()] == ["findings.asff.jsonl"]


# -- through pytest ----------------------------------------------------------------------


def _lines(path: Path) -> list[list[dict[str, Any]]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_option_writes_every_result(pytester: pytest.Pytester, import_shape: Any) -> None:
    write_controls(pytester)
    out = pytester.path / "out.jsonl"
    result = pytester.runpytest_inprocess(*QUIET, f"--compliance-asff={out}")
    batches = _lines(out)
    for batch in batches:
        check_batch(batch, import_shape)
    controls = {f["ProductFields"]["pytest-awscompliance/control"]: f
                for batch in batches for f in batch}
    assert set(controls) == {"ctl-critical-fail", "ctl-high-pass", "ctl-low-fail",
                             "ctl-medium-error", "ctl-high-waived", "ctl-info-skip"}
    assert controls["ctl-high-waived"]["Workflow"]["Status"] == "SUPPRESSED"
    assert controls["ctl-medium-error"]["ProductFields"][
        "pytest-awscompliance/missing_permission"] == "s3:GetBucketPolicy"
    assert f"Security Hub (ASFF) findings: {out}" in result.stdout.str()


def test_ini_twin_is_relative_to_the_ini_file(pytester: pytest.Pytester) -> None:
    write_controls(pytester)
    (pytester.path / "reports").mkdir()
    pytester.makeini("[pytest]\ncompliance_asff = reports/hub.jsonl\n")
    pytester.inline_run(*QUIET)
    assert _lines(pytester.path / "reports" / "hub.jsonl")


def test_missing_directory_is_a_usage_error(pytester: pytest.Pytester) -> None:
    write_controls(pytester)
    result = pytester.runpytest_inprocess(*QUIET, "--compliance-asff=nowhere/hub.jsonl")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--compliance-asff: directory" in result.stderr.str()
    assert "does not exist" in result.stderr.str()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoScan:
    return demo_scan(tmp_path_factory)


def test_demo_scan_batches_are_valid_for_batch_import(demo: DemoScan,
                                                      import_shape: Any) -> None:
    batches = _lines(demo.asff)
    ocsf_records = json.loads(demo.findings.read_text())
    assert sum(len(b) for b in batches) == len(ocsf_records)
    for batch in batches:
        check_batch(batch, import_shape)
    findings = [f for b in batches for f in b]
    assert {f["Id"] for f in findings} == {r["finding_info"]["uid"] for r in ocsf_records}
    assert {"PASSED", "FAILED"} <= {f["Compliance"]["Status"] for f in findings}
    kinds = {r["Type"] for f in findings for r in f["Resources"]}
    assert {"AwsS3Bucket", "AwsEc2Instance", "AwsAccount"} <= kinds
    for finding in findings:
        account = finding["AwsAccountId"]
        assert finding["ProductArn"].endswith(f":{account}:product/{account}/default")
