"""exposure: security-group rules that open SSH, RDP or everything to the internet."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.analysis.exposure import admin_exposures


def rule(protocol: str, low: int | None = None, high: int | None = None,
         v4: tuple[str, ...] = ("0.0.0.0/0",), v6: tuple[str, ...] = ()) -> dict[str, Any]:
    found: dict[str, Any] = {"IpProtocol": protocol,
                             "IpRanges": [{"CidrIp": c} for c in v4],
                             "Ipv6Ranges": [{"CidrIpv6": c} for c in v6]}
    if low is not None:
        found.update(FromPort=low, ToPort=low if high is None else high)
    return found


@pytest.mark.parametrize(("permission", "expected"), [
    (rule("tcp", 22), ["tcp 22 (SSH) from 0.0.0.0/0"]),
    (rule("tcp", 3389, v4=(), v6=("::/0",)), ["tcp 3389 (RDP) from ::/0"]),
    (rule("udp", 3389), ["udp 3389 (RDP) from 0.0.0.0/0"]),
    (rule("6", 20, 30), ["6 20-30 (SSH) from 0.0.0.0/0"]),
    (rule("tcp", 0, 65535, v6=("::/0",)), ["tcp 0-65535 (SSH, RDP) from 0.0.0.0/0, ::/0"]),
    (rule("-1"), ["all traffic from 0.0.0.0/0"]),
    (rule("tcp", -1, -1), ["tcp all ports from 0.0.0.0/0"]),
    (rule("tcp", 443), []),
    (rule("tcp", 22, v4=("10.0.0.0/8", "203.0.113.7/32")), []),
    (rule("tcp", 22, v4=("0.0.0.0/1",)), []),
    (rule("icmp", 8, -1), []),
    (rule("icmpv6", -1, -1, v4=(), v6=("::/0",)), []),
    (rule("-1", v4=()), []),
], ids=lambda value: value if isinstance(value, str) else None)
def test_admin_exposures(permission: dict[str, Any], expected: list[str]) -> None:
    assert admin_exposures([permission]) == expected


def test_one_line_per_rule() -> None:
    assert admin_exposures([rule("tcp", 443), rule("tcp", 22), rule("-1", v4=(),
                                                                     v6=("::/0",))]) == [
        "tcp 22 (SSH) from 0.0.0.0/0", "all traffic from ::/0"]
