"""IAM users and roles."""

from __future__ import annotations

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import ManagedPolicy, Role, User


def users(aws: AwsContext) -> list[User]:
    listed = aws.paginate("iam", "list_users").get("Users", [])
    return [
        User(
            account_id=aws.account_id,
            region="global",
            name=item["UserName"],
            arn=item["Arn"],
            raw=item,
            user_id=item.get("UserId", ""),
            created=item.get("CreateDate"),
            password_last_used=item.get("PasswordLastUsed"),
            permissions_boundary_arn=(item.get("PermissionsBoundary") or {}).get(
                "PermissionsBoundaryArn"),
        )
        for item in listed
    ]


def roles(aws: AwsContext) -> list[Role]:
    listed = aws.paginate("iam", "list_roles").get("Roles", [])
    return [
        Role(
            account_id=aws.account_id,
            region="global",
            name=item["RoleName"],
            arn=item["Arn"],
            raw=item,
            path=item.get("Path", "/"),
            created=item.get("CreateDate"),
            trust_policy=item.get("AssumeRolePolicyDocument") or {},
            permissions_boundary_arn=(item.get("PermissionsBoundary") or {}).get(
                "PermissionsBoundaryArn"),
        )
        for item in listed
    ]


def policies(aws: AwsContext) -> list[ManagedPolicy]:
    listed = aws.paginate("iam", "list_policies", Scope="Local").get("Policies", [])
    return [
        ManagedPolicy(
            account_id=aws.account_id,
            region="global",
            name=item["PolicyName"],
            arn=item["Arn"],
            raw=item,
            policy_id=item.get("PolicyId", ""),
            path=item.get("Path", "/"),
            default_version_id=item.get("DefaultVersionId", ""),
            attachment_count=int(item.get("AttachmentCount", 0)),
        )
        for item in listed
    ]
