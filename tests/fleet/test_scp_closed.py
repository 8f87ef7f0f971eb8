"""A region the organization closes with an SCP is out of scope, reported once; any other
AccessDenied stays an ERROR."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance.model.errors import AwsApiError, denied_by_scp
from tests.harness import PASSING, scan
from tests.stubs import Refused, answer

CLOSED = "eu-west-1"
SCP_MESSAGE = ("User: arn:aws:sts::{account}:assumed-role/audit/awscompliance is not "
               "authorized to perform: ec2:DescribeVpcs with an explicit deny in a service "
               "control policy")
IMPLICIT = ("User: arn:aws:sts::{account}:assumed-role/audit/awscompliance is not authorized "
            "to perform: ec2:DescribeVpcs because no service control policy allows the "
            "ec2:DescribeVpcs action")
CONTROL = """
import pytest

@pytest.mark.severity("medium")
@pytest.mark.control("tst-vpc", title="a VPC control")
def test_vpc(vpc):
    pass
"""


@pytest.mark.parametrize(("code", "message", "scp"), [
    ("UnauthorizedOperation", SCP_MESSAGE, True),
    ("AccessDenied", SCP_MESSAGE.replace("policy", "policy: arn:aws:organizations::1:policy/"
                                         "o-1/service_control_policy/p-1"), True),
    ("AccessDenied", IMPLICIT, False),
    ("AccessDenied", "User is not authorized to perform: ec2:DescribeVpcs", False),
    ("Throttling", SCP_MESSAGE, False),
])
def test_only_an_explicit_scp_deny_is_recognised(code: str, message: str, scp: bool) -> None:
    assert denied_by_scp(code, message.format(account="1")) is scp
    assert AwsApiError("ec2", "DescribeVpcs", code, message).scp_denied is scp


def _deny_region(monkeypatch: pytest.MonkeyPatch, message: str) -> None:
    def reply(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        if region == CLOSED:
            raise Refused("UnauthorizedOperation", message.format(account=account))
        return {"Vpcs": [{"VpcId": "vpc-1", "OwnerId": account, "State": "available",
                          "CidrBlock": "10.0.0.0/16", "IsDefault": True}]}

    answer(monkeypatch, "ec2", "DescribeVpcs", reply)


def test_a_region_closed_by_scp_is_skipped_once_and_listed(
        pytester: pytest.Pytester, moto_env: None, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    _deny_region(monkeypatch, SCP_MESSAGE)
    control = pytester.makepyfile(CONTROL)
    out = tmp_path / "out"
    result = scan(pytester, str(control), accounts=[PASSING], regions=["us-east-1", CLOSED],
                  args=["--compliance-output-dir", str(out)])
    closed = {k: v for k, v in result.outcomes.items() if CLOSED in k}
    assert closed and set(closed.values()) == {"skipped"}, result.outcomes
    assert "closed by a service control policy" in result.message(PASSING)
    assert {v for k, v in result.outcomes.items() if "us-east-1" in k} == {"passed"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert [c["target"] for c in manifest["closed_regions"]] == [f"{PASSING}/{CLOSED}"]
    findings = json.loads((out / "findings.json").read_text())
    assert {f["unmapped"]["outcome"] for f in findings if f["cloud"]["region"] == CLOSED} \
        == {"skipped"}


HEADER = f"aws regions closed by SCP: {PASSING}/{CLOSED} (explicit deny in a service control " \
    "policy; out of scope)"


def test_closed_regions_are_listed_after_collection(
        pytester: pytest.Pytester, moto_env: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Discovery (collection) already met the SCP: listed before any test runs, also with
    --collect-only, and in the summary and the manifest after the run."""
    _deny_region(monkeypatch, SCP_MESSAGE)
    control = pytester.makepyfile(CONTROL)
    scan(pytester, str(control), accounts=[PASSING], regions=["us-east-1", CLOSED],
         args=["--collect-only"])
    collected = capsys.readouterr().out
    assert HEADER in collected, collected
    out = tmp_path / "out"
    scan(pytester, str(control), accounts=[PASSING], regions=["us-east-1", CLOSED],
         args=["--compliance-output-dir", str(out)])
    lines = capsys.readouterr().out.splitlines()
    progress = next(i for i, line in enumerate(lines) if line.startswith(control.name))
    assert lines.index(HEADER) < progress, lines  # before the first test ran
    assert lines.count(HEADER) == 2, lines  # once after collection, once in the summary
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["closed_regions"] == [{"target": f"{PASSING}/{CLOSED}",
                                           "reason": "explicit deny in a service control "
                                                     "policy"}]


def test_only_regional_scp_denials_close_a_region() -> None:
    from pytest_awscompliance.fleet.closed import closed_at_discovery, closed_lines

    scp = AwsApiError("ec2", "DescribeVpcs", "UnauthorizedOperation", SCP_MESSAGE)
    other = AwsApiError("ec2", "DescribeVpcs", "AccessDenied", IMPLICIT)
    closed = closed_at_discovery({
        "222222222222/ap-south-1/<discovery failed>": scp,
        "222222222222/eu-north-1/<discovery failed>": scp,
        "333333333333/ap-south-1/<discovery failed>": other,
        "333333333333/global/<discovery failed>": scp,
    })
    assert list(closed) == ["222222222222/ap-south-1", "222222222222/eu-north-1"]
    assert closed_lines(closed) == [
        "aws regions closed by SCP: 222222222222/ap-south-1, 222222222222/eu-north-1 "
        "(explicit deny in a service control policy; out of scope)"]


def test_any_other_access_denied_stays_an_error(
        pytester: pytest.Pytester, moto_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _deny_region(monkeypatch, IMPLICIT)
    control = pytester.makepyfile(CONTROL)
    result = scan(pytester, str(control), accounts=[PASSING], regions=["us-east-1", CLOSED])
    closed = {k: v for k, v in result.outcomes.items() if CLOSED in k}
    assert closed and set(closed.values()) == {"error"}, result.outcomes


def test_with_botocores_stubber(pytester: pytest.Pytester, moto_env: None,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The same through ``botocore.stub.Stubber`` on the closed region's EC2 client."""
    from botocore.stub import Stubber

    from tests.stubs import add_hook

    def hook(client: Any, account: str, service: str, region: str) -> None:
        if service == "ec2" and region == CLOSED:
            stubber = Stubber(client)
            stubber.add_client_error("describe_vpcs", "UnauthorizedOperation",
                                     SCP_MESSAGE.format(account=account), 403)
            stubber.activate()

    add_hook(monkeypatch, hook)
    control = pytester.makepyfile(CONTROL)
    result = scan(pytester, str(control), accounts=[PASSING], regions=["us-east-1", CLOSED])
    closed = {k: v for k, v in result.outcomes.items() if CLOSED in k}
    assert closed and set(closed.values()) == {"skipped"}, result.outcomes
    assert "ec2:DescribeVpcs denied" in result.message(PASSING)
