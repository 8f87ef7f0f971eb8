"""EC2 and Auto Scaling: instances, account IMDS defaults, launch templates and launch
configurations that require IMDSv2, and ones that still accept IMDSv1.

moto lacks ``GetInstanceMetadataDefaults``: the account defaults below are answered through
``GAPS``. docs/demo.md ("Compute (IMDSv2)") lists what each resource demonstrates.
"""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.demo.world import DEV, MANAGEMENT, PROD, DemoWorld

DEMO_AMI = "ami-12c6146b"
REQUIRED = {"HttpTokens": "required", "HttpEndpoint": "enabled"}
OPTIONAL = {"HttpTokens": "optional", "HttpEndpoint": "enabled"}

IMDS_DEFAULTS: dict[tuple[str, str], dict[str, str]] = {
    (MANAGEMENT, "us-east-1"): {"HttpTokens": "required", "HttpTokensEnforced": "enabled"},
    (MANAGEMENT, "eu-west-1"): {"HttpTokens": "required", "HttpTokensEnforced": "enabled"},
    (PROD, "us-east-1"): {"HttpTokens": "required"},
}
"""Account-level instance-metadata defaults per (account, region); elsewhere none is set."""


def _metadata_defaults(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"AccountLevel": dict(IMDS_DEFAULTS.get((account, region), {}))}


GAPS = {("ec2", "GetInstanceMetadataDefaults"): _metadata_defaults}


def _run(world: DemoWorld, account: str, region: str, name: str, tokens: str) -> None:
    world.client(account, "ec2", region).run_instances(
        ImageId=DEMO_AMI, MinCount=1, MaxCount=1, InstanceType="t3.micro",
        MetadataOptions={"HttpTokens": tokens, "HttpEndpoint": "enabled"},
        TagSpecifications=[{"ResourceType": "instance",
                            "Tags": [{"Key": "Name", "Value": name}]}],
    )


def _template(world: DemoWorld, account: str, region: str, name: str,
              *versions: dict[str, Any] | None) -> None:
    """A launch template whose versions carry these MetadataOptions (``None``: none set)."""
    ec2 = world.client(account, "ec2", region)
    data = [{"ImageId": DEMO_AMI, "InstanceType": "t3.micro",
             **({} if options is None else {"MetadataOptions": options})}
            for options in versions]
    template = ec2.create_launch_template(LaunchTemplateName=name,
                                          LaunchTemplateData=data[0])["LaunchTemplate"]
    for later in data[1:]:  # moto does not merge SourceVersion: each version is complete
        ec2.create_launch_template_version(LaunchTemplateId=template["LaunchTemplateId"],
                                           LaunchTemplateData=later)


def _scaling_group(world: DemoWorld, account: str, name: str,
                   options: dict[str, Any] | None, profile: str | None = None) -> None:
    """An empty Auto Scaling group launching from a launch configuration (with the
    instance profile ``profile``, if given)."""
    autoscaling = world.client(account, "autoscaling")
    extra: dict[str, Any] = {} if options is None else {"MetadataOptions": options}
    if profile is not None:
        extra["IamInstanceProfile"] = profile
    autoscaling.create_launch_configuration(LaunchConfigurationName=f"{name}-lc",
                                            ImageId=DEMO_AMI, InstanceType="t3.micro", **extra)
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=f"{name}-asg", LaunchConfigurationName=f"{name}-lc", MinSize=0,
        MaxSize=2, DesiredCapacity=0, AvailabilityZones=["us-east-1a"])


def seed(world: DemoWorld) -> None:
    _run(world, MANAGEMENT, "us-east-1", "bastion-imdsv2", "required")  # passes
    _run(world, PROD, "us-east-1", "web-1-imdsv2", "required")  # passes
    _run(world, PROD, "eu-west-1", "legacy-batch-imdsv1", "optional")  # fails
    _run(world, DEV, "us-east-1", "dev-box-imdsv1", "optional")  # fails

    # passes through the account default (no MetadataOptions of its own)
    _template(world, MANAGEMENT, "us-east-1", "mgmt-tools-lt", None)
    _template(world, PROD, "us-east-1", "web-lt", REQUIRED, REQUIRED)  # passes
    # default version 1 requires IMDSv2, latest version 2 does not (fails)
    _template(world, PROD, "eu-west-1", "batch-lt", REQUIRED, OPTIONAL)
    # nothing set and no account default in dev (fails)
    _template(world, DEV, "us-east-1", "dev-lt", None)

    _scaling_group(world, PROD, "web", REQUIRED)  # passes
    # fails; it launches as ci-deploy-admin (identity.py), which lets role/dev-fleet-scaler
    # escalate by creating a group from it
    _scaling_group(world, DEV, "dev-workers", None, profile="ci-deploy-admin")
