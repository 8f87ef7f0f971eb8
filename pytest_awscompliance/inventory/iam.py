"""IAM users, groups, roles, principals (users and roles), inline and customer-managed
policies."""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import (
    INLINE_POLICY_MARK,
    Group,
    InlinePolicy,
    ManagedPolicy,
    Principal,
    Role,
    User,
)

AUTHORIZATION_FILTER = ("User", "Group", "Role", "LocalManagedPolicy")
INLINE_LISTS = (("UserDetailList", "user", "UserName", "UserPolicyList"),
                ("GroupDetailList", "group", "GroupName", "GroupPolicyList"),
                ("RoleDetailList", "role", "RoleName", "RolePolicyList"))


def authorization_details(aws: AwsContext) -> dict[str, Any]:
    """``GetAccountAuthorizationDetails`` for users, groups, roles and local policies."""
    return aws.paginate("iam", "get_account_authorization_details",
                        Filter=list(AUTHORIZATION_FILTER))


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


def groups(aws: AwsContext) -> list[Group]:
    listed = aws.paginate("iam", "list_groups").get("Groups", [])
    return [
        Group(
            account_id=aws.account_id,
            region="global",
            name=item["GroupName"],
            arn=item["Arn"],
            raw=item,
            group_id=item.get("GroupId", ""),
            path=item.get("Path", "/"),
            created=item.get("CreateDate"),
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


def principals(aws: AwsContext) -> list[Principal]:
    """Users and roles as one type: ``user/<name>`` and ``role/<name>``."""
    return [
        Principal(account_id=aws.account_id, region="global", name=f"{kind}/{p.name}",
                  arn=p.arn, raw=p.raw, kind=kind, principal_name=p.name,
                  path=p.raw.get("Path", "/"), created=p.created)
        for kind, found in (("user", users(aws)), ("role", roles(aws)))
        for p in found
    ]


def inline_policies(aws: AwsContext) -> list[InlinePolicy]:
    """Every inline policy of every user, group and role (``GetAccountAuthorizationDetails``,
    the read the IAM facts share)."""
    details = authorization_details(aws)
    found = []
    for list_key, kind, name_key, policy_key in INLINE_LISTS:
        for owner in details.get(list_key, []):
            for item in owner.get(policy_key, []):
                found.append(InlinePolicy(
                    account_id=aws.account_id, region="global",
                    name=f"{kind}/{owner[name_key]}/{item['PolicyName']}",
                    arn=f"{owner['Arn']}{INLINE_POLICY_MARK}{item['PolicyName']}",
                    raw=item, owner_kind=kind, owner_name=owner[name_key],
                    owner_arn=owner["Arn"], policy_name=item["PolicyName"],
                    document=item.get("PolicyDocument"),
                ))
    return found
