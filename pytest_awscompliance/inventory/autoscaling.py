"""Auto Scaling launch configurations that groups still launch from."""

from __future__ import annotations

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import LaunchConfiguration, MetadataOptions


def launch_configurations(aws: AwsContext) -> list[LaunchConfiguration]:
    """Launch configurations used by at least one Auto Scaling group (an unused one launches
    nothing, so there is nothing to judge)."""
    groups = aws.paginate("autoscaling", "describe_auto_scaling_groups")\
        .get("AutoScalingGroups", [])
    used: dict[str, list[str]] = {}
    for group in groups:
        if group.get("LaunchConfigurationName"):
            used.setdefault(group["LaunchConfigurationName"], []).append(
                group["AutoScalingGroupName"])
    if not used:
        return []
    configs = aws.paginate("autoscaling", "describe_launch_configurations")\
        .get("LaunchConfigurations", [])
    return [
        LaunchConfiguration(
            account_id=aws.account_id,
            region=aws.region,
            name=item["LaunchConfigurationName"],
            arn=item["LaunchConfigurationARN"],
            raw=item,
            metadata_options=MetadataOptions.from_api(item.get("MetadataOptions")),
            groups=tuple(sorted(used[item["LaunchConfigurationName"]])),
        )
        for item in configs
        if item["LaunchConfigurationName"] in used
    ]
