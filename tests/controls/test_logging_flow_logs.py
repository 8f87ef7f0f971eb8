"""The VPC flow logs control on moto's default VPCs plus one created VPC."""

from __future__ import annotations

import pytest

from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan
from tests.stubs import deny

CONTROLS = "logging/test_vpc_flow_logs.py"


def flow_log(world: MotoWorld, account: str, vpc_id: str, traffic: str) -> None:
    world.client(account, "ec2").create_flow_logs(
        ResourceIds=[vpc_id], ResourceType="VPC", TrafficType=traffic,
        LogDestinationType="s3", LogDestination=f"arn:aws:s3:::flow-logs-{account}")


def test_vpc_flow_logs(pytester: pytest.Pytester, world: MotoWorld) -> None:
    for account in (PASSING, FAILING):
        world.client(account, "s3").create_bucket(Bucket=f"flow-logs-{account}")
    ec2 = world.client(PASSING, "ec2")
    created = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for vpc in ec2.describe_vpcs()["Vpcs"]:
        flow_log(world, PASSING, vpc["VpcId"], "ALL" if vpc["VpcId"] != created else "REJECT")
    failing = world.client(FAILING, "ec2")
    accept_only = failing.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    flow_log(world, FAILING, accept_only, "ACCEPT")

    result = scan(pytester, control_file(CONTROLS))
    assert result.only(PASSING) == "passed"
    assert len(result.for_account(PASSING)) == 2
    assert result.only(FAILING) == "failed"
    text = result.message(FAILING)
    assert f"VPC {accept_only} has no active flow log of REJECT or ALL traffic" in text
    assert "traffic=ACCEPT" in text
    assert "has no flow log" in text


def test_access_denied_is_an_error(pytester: pytest.Pytester, world: MotoWorld,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    deny(monkeypatch, "ec2", "DescribeVpcs", "UnauthorizedOperation")
    result = scan(pytester, control_file(CONTROLS), accounts=[FAILING])
    assert result.only(FAILING) == "error"
    assert "missing permission ec2:DescribeVpcs" in result.message(FAILING)
