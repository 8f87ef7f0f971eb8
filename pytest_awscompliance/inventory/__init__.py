"""Resource discovery, one small module per service; ``RESOURCE_TYPES`` maps fixtures to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.inventory import autoscaling, cloudtrail, ec2, ecr, iam, logs, s3
from pytest_awscompliance.model.resources import Resource


@dataclass(frozen=True)
class ResourceType:
    """A per-resource fixture: its name, its scope and how to discover its resources."""

    fixture: str
    scope: str  # "regional": discovered per region; "account": once per account
    discover: Callable[[AwsContext], list[Resource]]
    description: str


RESOURCE_TYPES: dict[str, ResourceType] = {
    t.fixture: t
    for t in (
        ResourceType("s3_bucket", "account", s3.buckets, "every S3 bucket of the account"),
        ResourceType("iam_user", "account", iam.users, "every IAM user"),
        ResourceType("iam_role", "account", iam.roles, "every IAM role"),
        ResourceType("iam_principal", "account", iam.principals,
                     "every IAM user and role (user/<name>, role/<name>)"),
        ResourceType("iam_inline_policy", "account", iam.inline_policies,
                     "every inline policy of every user, group and role"),
        ResourceType("iam_policy", "account", iam.policies,
                     "every customer-managed IAM policy"),
        ResourceType("ec2_instance", "regional", ec2.instances,
                     "EC2 instances not terminated or shutting down"),
        ResourceType("security_group", "regional", ec2.security_groups,
                     "every EC2 security group"),
        ResourceType("vpc", "regional", ec2.vpcs, "every VPC"),
        ResourceType("launch_template", "regional", ec2.launch_templates,
                     "every EC2 launch template"),
        ResourceType("launch_configuration", "regional", autoscaling.launch_configurations,
                     "launch configurations used by at least one Auto Scaling group"),
        ResourceType("ecr_repository", "regional", ecr.repositories,
                     "every private ECR repository"),
        ResourceType("cloudtrail_trail", "regional", cloudtrail.trails,
                     "trails whose home region is this region (shadow trails excluded)"),
        ResourceType("log_group", "regional", logs.log_groups, "every CloudWatch Logs group"),
    )
}
