"""Detective services in every Region (tip 1): GuardDuty, Security Hub, Access Analyzer, Config."""

import pytest

from pytest_awscompliance.facts.detective import (
    access_analyzer_gap,
    analyzers,
    config_gap,
    config_recorders,
    guardduty_detectors,
    guardduty_gap,
    securityhub_gap,
    securityhub_standards,
)


@pytest.mark.severity("high")
@pytest.mark.control(
    "guardduty-enabled",
    title="GuardDuty has an enabled detector in the Region",
    frameworks={"aws-fsbp": "GuardDuty.1"},
    remediation="aws guardduty create-detector --enable --region <region> (or enable it "
    "organization-wide from the GuardDuty delegated administrator)",
)
def test_guardduty_enabled(aws):
    gap = guardduty_gap(guardduty_detectors(aws))
    assert gap is None, f"{aws.label} {gap}"


@pytest.mark.severity("high")
@pytest.mark.control(
    "securityhub-enabled",
    title="Security Hub is enabled with at least one standard in the Region",
    frameworks={"cis-aws-3.0": "4.16", "cis-aws-7.0": "5.16"},
    remediation="aws securityhub enable-security-hub --enable-default-standards "
    "--region <region>",
)
def test_securityhub_enabled(aws):
    """Stricter than Prowler: an enabled integration without a READY standard fails."""
    gap = securityhub_gap(securityhub_standards(aws))
    assert gap is None, f"{aws.label} {gap}"


@pytest.mark.severity("low")
@pytest.mark.control(
    "access-analyzer-external-enabled",
    title="IAM Access Analyzer (external access) is active in the Region",
    frameworks={"cis-aws-3.0": "1.20", "cis-aws-7.0": "2.18", "aws-securityhub": "IAM.28"},
    remediation="aws accessanalyzer create-analyzer --analyzer-name external-access "
    "--type ACCOUNT --region <region>",
)
def test_access_analyzer_external_enabled(aws):
    gap = access_analyzer_gap(analyzers(aws))
    assert gap is None, f"{aws.label} {gap}"


@pytest.mark.severity("medium")
@pytest.mark.control(
    "config-recorder-all-regions",
    title="AWS Config records all resource types, healthily, in the Region",
    frameworks={"cis-aws-3.0": "3.3", "cis-aws-7.0": "4.3", "aws-fsbp": "Config.1"},
    remediation="aws configservice put-configuration-recorder --configuration-recorder "
    "name=default,roleARN=arn:aws:iam::<account>:role/aws-service-role/config.amazonaws.com/"
    "AWSServiceRoleForConfig --recording-group allSupported=true,"
    "includeGlobalResourceTypes=true && aws configservice start-configuration-recorder "
    "--configuration-recorder-name default (a delivery channel is needed too)",
)
def test_config_recorder_enabled(aws):
    """Stricter than Prowler (Security Hub Config.1): all supported resource types and the
    service-linked role, besides recording without FAILURE."""
    gap = config_gap(config_recorders(aws))
    assert gap is None, f"{aws.label} {gap}"
