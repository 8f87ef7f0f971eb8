"""IMDSv2 everywhere (tip 3): instances, account defaults, launch templates, launch configs."""

import pytest


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
