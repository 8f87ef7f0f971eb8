"""VPC flow logs (tip 1): every VPC records at least its rejected traffic."""

import pytest

from pytest_awscompliance.facts.flow_logs import flow_log_gap, flow_logs_of


@pytest.mark.severity("medium")
@pytest.mark.control(
    "vpc-flow-logs-enabled",
    title="VPC flow logs are enabled for every VPC",
    frameworks={"cis-aws-3.0": "3.7", "cis-aws-7.0": "4.7", "aws-fsbp": "EC2.6"},
    remediation="aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> "
    "--traffic-type REJECT --log-destination-type s3 --log-destination arn:aws:s3:::<bucket>",
)
def test_vpc_flow_logs_enabled(vpc, aws):
    """Stricter than Prowler: a flow log whose delivery is FAILED does not count."""
    gap = flow_log_gap(flow_logs_of(aws, vpc.name))
    assert gap is None, f"VPC {vpc.name} {gap}"
