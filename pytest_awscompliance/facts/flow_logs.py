"""VPC flow logs: which VPCs have an active flow log capturing rejected traffic."""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.engine.context import AwsContext

CIS_TRAFFIC_TYPES = frozenset({"REJECT", "ALL"})
"""CIS 3.7 asks for at least rejected traffic."""


def flow_logs_of(aws: AwsContext, resource_id: str) -> list[dict[str, Any]]:
    """The flow logs attached to ``resource_id`` (one ``DescribeFlowLogs`` per Region)."""
    listed = aws.paginate("ec2", "describe_flow_logs").get("FlowLogs", [])
    return [f for f in listed if f.get("ResourceId") == resource_id]


def flow_log_gap(flow_logs: list[dict[str, Any]]) -> str | None:
    """None if a flow log is ACTIVE, captures REJECT or ALL traffic and is not failing."""
    for flow_log in flow_logs:
        if (flow_log.get("FlowLogStatus") == "ACTIVE"
                and flow_log.get("TrafficType") in CIS_TRAFFIC_TYPES
                and flow_log.get("DeliverLogsStatus") != "FAILED"):
            return None
    if not flow_logs:
        return "has no flow log"
    states = ", ".join(
        f"{f.get('FlowLogId')} status={f.get('FlowLogStatus')} traffic={f.get('TrafficType')}"
        + (f" delivery={f['DeliverLogsStatus']}" if f.get("DeliverLogsStatus") else "")
        for f in flow_logs)
    return f"has no active flow log of REJECT or ALL traffic ({states})"
