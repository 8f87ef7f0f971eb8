"""Network exposure (closely related standard control): admin ports open to the internet."""

import pytest

from pytest_awscompliance.analysis.exposure import admin_exposures


@pytest.mark.severity("high")
@pytest.mark.control(
    "ec2-sg-no-admin-ports-from-internet",
    title="No security group opens SSH, RDP or all ports to 0.0.0.0/0 or ::/0",
    frameworks={"cis-aws-3.0": "5.2, 5.3", "cis-aws-7.0": "6.3, 6.4",
                "aws-securityhub": "EC2.53, EC2.54"},
    remediation="aws ec2 revoke-security-group-ingress --group-id <id> --ip-permissions "
    "<the rule>; reach instances through SSM Session Manager or a narrow CIDR instead",
)
def test_security_group_admin_ports_closed(security_group):
    """A rule for all protocols (-1), or a port range that covers 22 or 3389, counts."""
    exposed = admin_exposures(security_group.ingress)
    assert not exposed, (
        f"security group {security_group.group_id} "
        f"({security_group.raw.get('GroupName', '')}) allows {'; '.join(exposed)}"
    )
