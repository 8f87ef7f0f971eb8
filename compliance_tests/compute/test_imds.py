"""IMDSv2 everywhere (tip 3): instances, account defaults, launch templates, launch configs."""

import pytest

from pytest_awscompliance.facts.ec2 import account_imds_defaults, launch_template_problems


@pytest.mark.severity("high")
@pytest.mark.control(
    "ec2-instance-imdsv2-required",
    title="EC2 instances require IMDSv2 (or have the metadata service off)",
    frameworks={"cis-aws-3.0": "5.6", "cis-aws-7.0": "6.7", "aws-fsbp": "EC2.8"},
    remediation="aws ec2 modify-instance-metadata-options --instance-id <id> "
    "--http-tokens required --http-endpoint enabled",
)
def test_instance_requires_imdsv2(ec2_instance):
    options = ec2_instance.metadata_options
    assert options.requires_imdsv2, (
        f"{ec2_instance.name} accepts IMDSv1 (HttpTokens={options.http_tokens}, "
        f"HttpEndpoint={options.http_endpoint})"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "ec2-account-imdsv2-default",
    title="The account-level IMDS default requires IMDSv2 for new launches",
    remediation="aws ec2 modify-instance-metadata-defaults --region <region> "
    "--http-tokens required --http-tokens-enforced enabled",
)
def test_account_imds_default_requires_imdsv2(aws):
    """Judged in every scanned region, whether or not it runs instances (Prowler reports
    only regions with instances)."""
    tokens = account_imds_defaults(aws).get("HttpTokens")
    assert tokens == "required", (
        f"account {aws.account_id} in {aws.region}: new instances accept IMDSv1 by default "
        f"(account-level HttpTokens={tokens or 'not set'})"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "ec2-launch-template-imdsv2",
    title="Launch templates (default and latest versions) require IMDSv2",
    frameworks={"aws-fsbp": "EC2.170"},
    remediation="aws ec2 create-launch-template-version --launch-template-id <id> "
    "--source-version <n> --launch-template-data "
    "'{\"MetadataOptions\":{\"HttpTokens\":\"required\"}}', then aws ec2 "
    "modify-launch-template --launch-template-id <id> --default-version <new>",
)
def test_launch_template_requires_imdsv2(launch_template, aws):
    """Stricter than Prowler, which passes when *any* version requires IMDSv2 and reads a
    missing HttpEndpoint as "disabled": here both the default and the latest version must
    require it, and unset options pass only through the AMI (ImdsSupport v2.0) or the
    account default."""
    problems = launch_template_problems(aws, launch_template)
    assert not problems, (
        f"launch template {launch_template.name} ({launch_template.template_id}) accepts "
        f"IMDSv1: {'; '.join(problems)}"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "autoscaling-launch-config-imdsv2",
    title="Launch configurations used by Auto Scaling groups require IMDSv2",
    frameworks={"aws-fsbp": "AutoScaling.3"},
    remediation="Replace the launch configuration with a launch template that sets "
    "MetadataOptions HttpTokens=required (launch configurations cannot be edited), or "
    "aws autoscaling create-launch-configuration ... --metadata-options HttpTokens=required",
)
def test_launch_configuration_requires_imdsv2(launch_configuration):
    """Only launch configurations an Auto Scaling group uses; groups that use launch templates
    are judged by ec2-launch-template-imdsv2."""
    options = launch_configuration.metadata_options
    assert options.requires_imdsv2, (
        f"launch configuration {launch_configuration.name} (used by "
        f"{', '.join(launch_configuration.groups)}) accepts IMDSv1: "
        f"HttpTokens={options.http_tokens or 'not set'}, "
        f"HttpEndpoint={options.http_endpoint or 'not set'}"
    )
