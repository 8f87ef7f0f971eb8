"""EC2 instances, security groups, VPCs and launch templates."""

from __future__ import annotations

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import (
    Instance,
    LaunchTemplate,
    MetadataOptions,
    SecurityGroup,
    Vpc,
)

GONE_STATES = frozenset({"terminated", "shutting-down"})


def _arn(aws: AwsContext, kind: str, ident: str) -> str:
    return f"arn:{aws.partition}:ec2:{aws.region}:{aws.account_id}:{kind}/{ident}"


def instances(aws: AwsContext) -> list[Instance]:
    found = []
    for reservation in aws.paginate("ec2", "describe_instances").get("Reservations", []):
        for item in reservation.get("Instances", []):
            state = item.get("State", {}).get("Name", "")
            if state in GONE_STATES:
                continue
            found.append(Instance(
                account_id=aws.account_id,
                region=aws.region,
                name=item["InstanceId"],
                arn=_arn(aws, "instance", item["InstanceId"]),
                raw=item,
                state=state,
                metadata_options=MetadataOptions.from_api(item.get("MetadataOptions")),
                instance_profile_arn=(item.get("IamInstanceProfile") or {}).get("Arn"),
            ))
    return found


def security_groups(aws: AwsContext) -> list[SecurityGroup]:
    return [
        SecurityGroup(
            account_id=aws.account_id,
            region=aws.region,
            name=item["GroupId"],
            arn=_arn(aws, "security-group", item["GroupId"]),
            raw=item,
            group_id=item["GroupId"],
            vpc_id=item.get("VpcId"),
            ingress=tuple(item.get("IpPermissions", [])),
        )
        for item in aws.paginate("ec2", "describe_security_groups").get("SecurityGroups", [])
    ]


def vpcs(aws: AwsContext) -> list[Vpc]:
    return [
        Vpc(
            account_id=aws.account_id,
            region=aws.region,
            name=item["VpcId"],
            arn=_arn(aws, "vpc", item["VpcId"]),
            raw=item,
            is_default=bool(item.get("IsDefault")),
            cidr=item.get("CidrBlock", ""),
        )
        for item in aws.paginate("ec2", "describe_vpcs").get("Vpcs", [])
    ]


def launch_templates(aws: AwsContext) -> list[LaunchTemplate]:
    listed = aws.paginate("ec2", "describe_launch_templates").get("LaunchTemplates", [])
    return [
        LaunchTemplate(
            account_id=aws.account_id,
            region=aws.region,
            name=item["LaunchTemplateName"],
            arn=_arn(aws, "launch-template", item["LaunchTemplateId"]),
            raw=item,
            template_id=item["LaunchTemplateId"],
            default_version=int(item.get("DefaultVersionNumber", 0)),
            latest_version=int(item.get("LatestVersionNumber", 0)),
        )
        for item in listed
    ]
