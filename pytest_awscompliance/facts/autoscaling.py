"""Auto Scaling facts: the launch configurations that groups still launch from."""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.engine.context import AwsContext


def launch_configurations_in_use(aws: AwsContext) -> list[dict[str, Any]]:
    """Launch configurations used by at least one Auto Scaling group, sorted by name."""
    groups = aws.paginate("autoscaling", "describe_auto_scaling_groups")\
        .get("AutoScalingGroups", [])
    used = {g["LaunchConfigurationName"] for g in groups if g.get("LaunchConfigurationName")}
    if not used:
        return []
    configs = aws.paginate("autoscaling", "describe_launch_configurations")\
        .get("LaunchConfigurations", [])
    return sorted((c for c in configs if c["LaunchConfigurationName"] in used),
                  key=lambda c: c["LaunchConfigurationName"])
