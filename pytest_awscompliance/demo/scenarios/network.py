"""Security groups: admin ports open to the internet, and groups that are not.

Every default security group (moto gives them no ingress rule) passes too. docs/demo.md
("Network") lists what each group demonstrates.
"""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.demo.world import DEV, MANAGEMENT, PROD, DemoWorld


def _group(world: DemoWorld, account: str, region: str, name: str,
           *rules: dict[str, Any]) -> None:
    ec2 = world.client(account, "ec2", region)
    group = ec2.create_security_group(GroupName=name, Description=name)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=list(rules))


def seed(world: DemoWorld) -> None:
    _group(world, MANAGEMENT, "us-east-1", "alb-https",  # passes
           {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]})
    _group(world, PROD, "us-east-1", "bastion-from-office",  # passes: one /24
           {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "203.0.113.0/24"}]})
    _group(world, PROD, "eu-west-1", "legacy-rdp",  # fails: RDP from any IPv6 address
           {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389,
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}]})
    _group(world, DEV, "us-east-1", "dev-wide-open",  # fails: every protocol and port
           {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
