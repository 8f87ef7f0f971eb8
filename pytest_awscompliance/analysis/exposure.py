"""Which security-group ingress rules open administration ports to the whole internet.

Pure functions over ``IpPermissions`` items as ``DescribeSecurityGroups`` returns them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["ADMIN_PORTS", "INTERNET", "admin_exposures"]

ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
INTERNET = ("0.0.0.0/0", "::/0")
PORT_PROTOCOLS = frozenset({"tcp", "udp", "sctp", "6", "17", "132"})
"""Protocols whose rules carry a port range (ICMP's FromPort/ToPort are type and code)."""
ALL_TRAFFIC = frozenset({"-1", "all"})


def _internet_sources(permission: Mapping[str, Any]) -> list[str]:
    sources = [r.get("CidrIp") for r in permission.get("IpRanges", [])]
    sources += [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges", [])]
    return [s for s in INTERNET if s in sources]


def _exposed_ports(permission: Mapping[str, Any]) -> str | None:
    protocol = str(permission.get("IpProtocol", "")).lower()
    if protocol in ALL_TRAFFIC:
        return "all traffic"
    if protocol not in PORT_PROTOCOLS:
        return None
    low, high = permission.get("FromPort"), permission.get("ToPort")
    if low is None or high is None or (low == -1 and high == -1):
        return f"{protocol} all ports"
    hit = [name for port, name in ADMIN_PORTS.items() if low <= port <= high]
    if not hit:
        return None
    span = str(low) if low == high else f"{low}-{high}"
    return f"{protocol} {span} ({', '.join(hit)})"

def admin_exposures(permissions: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per ingress rule that opens 22, 3389 or every port to 0.0.0.0/0 or ::/0."""
    found = []
    for permission in permissions:
        sources = _internet_sources(permission)
        ports = _exposed_ports(permission) if sources else None
        if ports:
            found.append(f"{ports} from {', '.join(sources)}")
    return found
