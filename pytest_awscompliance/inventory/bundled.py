"""The bundled resource types: one ``ResourceType`` per row, registered through the same
hook a team's ``conftest.py`` uses (``pytest_awscompliance_resource_types``)."""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.inventory import (
    autoscaling,
    cloudtrail,
    ec2,
    ecr,
    iam,
    logs,
    organizations,
    s3,
)
from pytest_awscompliance.inventory.registry import ResourceType

R = ResourceType
BUNDLED: tuple[ResourceType, ...] = (
    R("s3_bucket", "account", s3.buckets, "Each S3 bucket of each account.",
      "AwsS3Bucket", ("s3", ""), value_type="Bucket",
      discovered_with="`s3:ListBuckets` (+ `GetBucketLocation`) per account",
      fields="`created`; `region` is the bucket's region"),
    R("iam_user", "account", iam.users, "Each IAM user of each account.",
      "AwsIamUser", ("iam", "user"), value_type="User", discovered_with="`iam:ListUsers`",
      fields="`user_id`, `created`, `password_last_used`, `permissions_boundary_arn`"),
    R("iam_role", "account", iam.roles, "Each IAM role of each account.",
      "AwsIamRole", ("iam", "role"), value_type="Role", discovered_with="`iam:ListRoles`",
      fields="`path`, `created`, `trust_policy` (dict), `permissions_boundary_arn`, "
             "`service_linked`"),
    R("iam_group", "account", iam.groups, "Each IAM group of each account.",
      "AwsIamGroup", ("iam", "group"), value_type="Group", discovered_with="`iam:ListGroups`",
      fields="`group_id`, `path`, `created`"),
    R("iam_principal", "account", iam.principals,
      "Each IAM user and role of each account (user/<name>, role/<name>).",
      value_type="Principal",
      discovered_with="`iam:ListUsers` and `iam:ListRoles`; name `user/<name>` or "
                      "`role/<name>`",
      fields="`kind` (`user`/`role`), `principal_name`, `label`, `path`, `created`, "
             "`service_linked`"),
    R("iam_inline_policy", "account", iam.inline_policies,
      "Each inline policy of every IAM user, group and role of each account.",
      value_type="InlinePolicy",
      discovered_with="`iam:GetAccountAuthorizationDetails` (the read the IAM facts share); "
                      "name `<kind>/<owner>/<policy>` (`role/app/s3-write`); no ARN of its own: "
                      "`arn` is the owner's ARN + `#inline-policy/<policy>` "
                      "(`arn:aws:iam::111122223333:role/app#inline-policy/s3-write`), the form "
                      "waivers and OCSF use (OCSF type: the owner's, e.g. `AwsIamRole`)",
      fields="`owner_kind` (`user`/`group`/`role`), `owner_name`, `owner_arn`, "
             "`policy_name`, `document`, `describe()`"),
    R("iam_policy", "account", iam.policies,
      "Each customer-managed IAM policy of each account.",
      "AwsIamPolicy", ("iam", "policy"), value_type="ManagedPolicy",
      discovered_with="`iam:ListPolicies` (`Scope=Local`)",
      fields="`policy_id`, `path`, `default_version_id`, `attachment_count` "
             "(customer-managed policies only)"),
    R("ec2_instance", "regional", ec2.instances,
      "Each EC2 instance (not terminated) of each account and region.",
      "AwsEc2Instance", ("ec2", "instance"), value_type="Instance",
      discovered_with="`ec2:DescribeInstances` per region; terminated and shutting-down "
                      "skipped",
      fields="`state`, `metadata_options.http_tokens / http_endpoint / requires_imdsv2`, "
             "`instance_profile_arn`"),
    R("security_group", "regional", ec2.security_groups,
      "Each security group of each account and region.",
      "AwsEc2SecurityGroup", ("ec2", "security-group"), value_type="SecurityGroup",
      discovered_with="`ec2:DescribeSecurityGroups`", fields="`group_id`, `vpc_id`, `ingress`"),
    R("vpc", "regional", ec2.vpcs, "Each VPC of each account and region.",
      "AwsEc2Vpc", ("ec2", "vpc"), value_type="Vpc", discovered_with="`ec2:DescribeVpcs`",
      fields="`is_default`, `cidr`"),
    R("launch_template", "regional", ec2.launch_templates,
      "Each EC2 launch template of each account and region.",
      "AwsEc2LaunchTemplate", ("ec2", "launch-template"), value_type="LaunchTemplate",
      discovered_with="`ec2:DescribeLaunchTemplates`",
      fields="`template_id`, `default_version`, `latest_version`"),
    R("launch_configuration", "regional", autoscaling.launch_configurations,
      "Each launch configuration an Auto Scaling group uses, per account and region.",
      "AwsAutoScalingLaunchConfiguration", ("autoscaling", "launchConfiguration"),
      value_type="LaunchConfiguration",
      discovered_with="`autoscaling:DescribeAutoScalingGroups` + "
                      "`DescribeLaunchConfigurations`; only those a group uses",
      fields="`metadata_options`, `groups`"),
    R("ecr_repository", "regional", ecr.repositories,
      "Each private ECR repository of each account and region.",
      "AwsEcrRepository", ("ecr", "repository"), value_type="Repository",
      discovered_with="`ecr:DescribeRepositories`",
      fields="`uri`, `scan_on_push`, `tag_mutability`"),
    R("ecr_public_repository", "account", ecr.public_repositories,
      "Each ECR Public (gallery) repository of each account.",
      "AwsEcrPublicRepository", ("ecr-public", "repository"), value_type="PublicRepository",
      discovered_with="`ecr-public:DescribeRepositories` in us-east-1 (the only region of ECR "
                      "Public; none outside the `aws` partition); id "
                      "`account/us-east-1/name`",
      fields="`uri`, `created`"),
    R("cloudtrail_trail", "regional", cloudtrail.trails,
      "Each CloudTrail trail, in its home region.",
      "AwsCloudTrailTrail", ("cloudtrail", "trail"), value_type="Trail",
      discovered_with="`cloudtrail:DescribeTrails`, in the trail's home region only",
      fields="`multi_region`, `organization_trail`, `s3_bucket`, `kms_key_id`, "
             "`log_file_validation`, `cloudwatch_log_group_arn`"),
    R("member_account", "account", organizations.member_accounts,
      "Each ACTIVE member account of the organization, from its management account.",
      "AwsOrganizationsAccount", ("organizations", "account"), value_type="MemberAccount",
      discovered_with="`organizations:DescribeOrganization` + `ListAccounts`, in the "
                      "management account only (other accounts list none; a denied read there "
                      "is an ERROR); id `<management>/global/<member id>`, `arn` the member's "
                      "`arn:aws:organizations::<management>:account/o-<org>/<member id>`",
      fields="`account_name`, `organization_id`, `status`; `raw` is the `ListAccounts` item"),
    R("log_group", "regional", logs.log_groups,
      "Each CloudWatch Logs group of each account and region.",
      "AwsLogsLogGroup", ("logs", "log-group"), value_type="LogGroup",
      discovered_with="`logs:DescribeLogGroups`", fields="`retention_days`, `kms_key_id`"),
)
"""One entry per bundled type; adding a type means adding its row (and its discovery)."""


def pytest_awscompliance_resource_types(config: Any) -> list[ResourceType]:
    """The bundled types, registered like any team's own."""
    return list(BUNDLED)
