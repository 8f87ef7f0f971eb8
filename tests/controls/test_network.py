"""ec2-sg-no-admin-ports-from-internet, one test per security group."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import FAILING, PASSING, REGION, MotoWorld, control_file, scan

NETWORK = control_file("network/test_security_groups.py")


def group(world: MotoWorld, account: str, name: str, *rules: dict[str, Any]) -> str:
    ec2 = world.client(account, "ec2")
    group_id = ec2.create_security_group(GroupName=name, Description=name)["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(rules))
    return group_id


def rule(protocol: str, low: int | None = None, high: int | None = None, *,
         v4: str | None = "0.0.0.0/0", v6: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"IpProtocol": protocol}
    if low is not None:
        found.update(FromPort=low, ToPort=high if high is not None else low)
    if v4:
        found["IpRanges"] = [{"CidrIp": v4}]
    if v6:
        found["Ipv6Ranges"] = [{"CidrIpv6": v6}]
    return found


def test_admin_ports_open_to_the_internet(pytester: pytest.Pytester, world: MotoWorld) -> None:
    ok = [
        group(world, PASSING, "https", rule("tcp", 443)),
        group(world, PASSING, "ssh-from-office", rule("tcp", 22, v4="203.0.113.0/24")),
        group(world, PASSING, "ping", rule("icmp", 8, -1)),
    ]
    bad = {
        group(world, FAILING, "ssh-open", rule("tcp", 22)): "tcp 22 (SSH) from 0.0.0.0/0",
        group(world, FAILING, "rdp-range-v6", rule("tcp", 3380, 3390, v4=None, v6="::/0")):
            "tcp 3380-3390 (RDP) from ::/0",
        group(world, FAILING, "everything", rule("-1", v6="::/0")):
            "all traffic from 0.0.0.0/0, ::/0",
        group(world, FAILING, "wide-range", rule("tcp", 0, 65535)):
            "tcp 0-65535 (SSH, RDP) from 0.0.0.0/0",
    }
    result = scan(pytester, NETWORK)
    test = "test_security_group_admin_ports_closed"
    for group_id in ok:
        assert result.outcomes[f"{test}[{PASSING}/{REGION}/{group_id}]"] == "passed"
    for group_id, exposure in bad.items():
        assert result.outcomes[f"{test}[{FAILING}/{REGION}/{group_id}]"] == "failed"
        assert result.messages[f"{test}[{FAILING}/{REGION}/{group_id}]"].endswith(
            f"allows {exposure}")
