"""GuardDuty, Security Hub, Access Analyzer and Config controls, per Region.

moto lacks Access Analyzer and Security Hub's GetEnabledStandards: both are answered by
``tests.stubs.answer`` from the dicts below.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan
from tests.stubs import answer, deny

CONTROLS = "logging/test_detective_services.py"
REGIONS = ("us-east-1", "eu-west-1")
SLR = "arn:aws:iam::{}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
CIS = "arn:aws:securityhub:{}:{}:subscription/cis-aws-foundations-benchmark/v/3.0.0"


def recorder(world: MotoWorld, account: str, region: str, *, all_supported: bool = True,
             role: str | None = None, start: bool = True) -> None:
    config = world.client(account, "config", region)
    group: dict[str, Any] = {"allSupported": all_supported,
                             "includeGlobalResourceTypes": all_supported}
    if not all_supported:
        group["resourceTypes"] = ["AWS::EC2::Instance", "AWS::S3::Bucket"]
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": role or SLR.format(account), "recordingGroup": group})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "cfg"})
    if start:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def canned(monkeypatch: pytest.MonkeyPatch, standards: dict[tuple[str, str], list[str]],
           analyzers: dict[tuple[str, str], list[tuple[str, str]]]) -> None:
    """Answer GetEnabledStandards (status per standard) and ListAnalyzers (type, status)."""

    def enabled_standards(account: str, region: str, _: dict[str, Any]) -> dict[str, Any]:
        return {"StandardsSubscriptions": [
            {"StandardsSubscriptionArn": CIS.format(region, account),
             "StandardsArn": "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark",
             "StandardsInput": {}, "StandardsStatus": status}
            for status in standards.get((account, region), [])]}

    def list_analyzers(account: str, region: str, _: dict[str, Any]) -> dict[str, Any]:
        return {"analyzers": [
            {"arn": f"arn:aws:access-analyzer:{region}:{account}:analyzer/a{i}", "name": f"a{i}",
             "type": kind, "createdAt": "2026-01-01T00:00:00Z", "status": status}
            for i, (kind, status) in enumerate(analyzers.get((account, region), []))]}

    answer(monkeypatch, "securityhub", "GetEnabledStandards", enabled_standards)
    answer(monkeypatch, "accessanalyzer", "ListAnalyzers", list_analyzers)


def test_detective_services(pytester: pytest.Pytester, world: MotoWorld,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """PASSING: everything on in both Regions. FAILING: half-done in us-east-1, bare in eu."""
    for region in REGIONS:
        world.client(PASSING, "guardduty", region).create_detector(Enable=True)
        world.client(PASSING, "securityhub", region).enable_security_hub()
        recorder(world, PASSING, region)
    world.client(FAILING, "guardduty").create_detector(Enable=False)
    world.client(FAILING, "securityhub").enable_security_hub()
    recorder(world, FAILING, "us-east-1", all_supported=False)
    canned(monkeypatch,
           standards={(PASSING, r): ["READY"] for r in REGIONS} | {
               (FAILING, "us-east-1"): ["INCOMPLETE"]},
           analyzers={(PASSING, "us-east-1"): [("ORGANIZATION", "ACTIVE")],
                      (PASSING, "eu-west-1"): [("ACCOUNT", "ACTIVE")],
                      (FAILING, "us-east-1"): [("ACCOUNT_UNUSED_ACCESS", "ACTIVE"),
                                               ("ACCOUNT", "DISABLED")]})
    result = scan(pytester, control_file(CONTROLS), regions=REGIONS)

    assert result.only(PASSING) == "passed"
    assert len(result.for_account(PASSING)) == 8
    assert result.only(FAILING) == "failed"
    messages = result.messages

    def said(test: str, region: str) -> str:
        return messages[f"{test}[{FAILING}/{region}]"]

    assert "has no enabled GuardDuty detector" in said("test_guardduty_enabled", "us-east-1")
    assert "has no GuardDuty detector" in said("test_guardduty_enabled", "eu-west-1")
    assert "no standard READY (cis-aws-foundations-benchmark=INCOMPLETE)" in said(
        "test_securityhub_enabled", "us-east-1")
    assert "not subscribed to Security Hub" in said("test_securityhub_enabled", "eu-west-1")
    assert "no ACTIVE external-access analyzer (a1=DISABLED)" in said(
        "test_access_analyzer_external_enabled", "us-east-1")
    assert said("test_access_analyzer_external_enabled", "eu-west-1").endswith(
        "has no external-access analyzer")
    assert "does not record all supported resource types" in said(
        "test_config_recorder_enabled", "us-east-1")
    assert "has no AWS Config configuration recorder" in said(
        "test_config_recorder_enabled", "eu-west-1")


def test_config_recorder_states(pytester: pytest.Pytester, world: MotoWorld) -> None:
    """A stopped recorder and one using a custom role both fail."""
    recorder(world, PASSING, "us-east-1", start=False)
    recorder(world, FAILING, "us-east-1", role=f"arn:aws:iam::{FAILING}:role/my-config")
    result = scan(pytester, control_file(CONTROLS), args=["-k", "config"])
    assert "recorder default is not recording" in result.message(PASSING)
    assert "not the AWS Config service-linked role" in result.message(FAILING)


def test_access_denied_is_an_error(pytester: pytest.Pytester, world: MotoWorld,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    denied = {"guardduty": ("ListDetectors", "guardduty:ListDetectors"),
              "securityhub": ("DescribeHub", "securityhub:DescribeHub"),
              "accessanalyzer": ("ListAnalyzers", "access-analyzer:ListAnalyzers"),
              "config": ("DescribeConfigurationRecorders",
                         "config:DescribeConfigurationRecorders")}
    for service, (operation, _) in denied.items():
        deny(monkeypatch, service, operation, "AccessDeniedException")
    result = scan(pytester, control_file(CONTROLS), accounts=[FAILING])
    assert result.only(FAILING) == "error"
    text = result.message(FAILING)
    for _, action in denied.values():
        assert f"missing permission {action}" in text
