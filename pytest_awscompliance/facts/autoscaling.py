"""Auto Scaling facts: what an existing launch configuration or template would launch as.

Account-wide: every scanned region's launch configurations (their ``IamInstanceProfile``)
and launch templates (the ``IamInstanceProfile`` of their default and latest versions,
the versions a new Auto Scaling group usually names). A new group launched from one runs
its instances with that profile's role, which is what the escalation graph's Auto Scaling
edge needs. Every read goes through the engine: an error raises `AwsApiError` naming the
call, so the controls that need it are an ERROR, never a pass.
"""

from __future__ import annotations

from pytest_awscompliance.analysis.privilege import LaunchSource
from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.facts.ec2 import launch_template_versions
from pytest_awscompliance.inventory.ec2 import launch_templates


def _profile(reference: object) -> str:
    """The instance profile a launch configuration (a name or ARN) or a template version
    (``{"Arn": ...}`` or ``{"Name": ...}``) names; ``""`` for none."""
    if isinstance(reference, dict):
        reference = reference.get("Arn") or reference.get("Name")
    return reference if isinstance(reference, str) else ""


def launch_sources(aws: AwsContext) -> list[LaunchSource]:
    """The launch configurations and launch templates of the scanned regions that carry an
    instance profile, in region order."""
    found: list[LaunchSource] = []
    for region in aws.scanned_regions:
        here = aws.in_region(region)
        configs = here.paginate("autoscaling", "describe_launch_configurations")\
            .get("LaunchConfigurations", [])
        for config in configs:
            profile = _profile(config.get("IamInstanceProfile"))
            if profile:
                found.append(LaunchSource("launch configuration",
                                          config["LaunchConfigurationName"], region, profile))
        for template in launch_templates(here):
            profiles = [_profile((v.get("LaunchTemplateData") or {}).get("IamInstanceProfile"))
                        for v in launch_template_versions(here, template)]
            for profile in dict.fromkeys(p for p in profiles if p):
                found.append(LaunchSource("launch template", template.name, region, profile))
    return found
