"""Least-privilege identity controls: full admin, AdministratorAccess, direct grants, wildcards."""

from __future__ import annotations

import json

import pytest
from moto.iam.aws_managed_policies import aws_managed_policies_data

from tests.controls.identity_helpers import (  # noqa: F401 - fast_polls is a fixture
    add_aws_managed_policy,
    allow,
    fast_polls,
    policy,
)
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan

MANAGED = json.loads(aws_managed_policies_data)
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def aws_policy(account: str, name: str) -> str:
    return add_aws_managed_policy(account, name, MANAGED[name]["Document"])


def seed(world: MotoWorld) -> None:
    for account in (PASSING, FAILING):
        world.client(account, "iam").list_users()
    admin = {a: aws_policy(a, "AdministratorAccess") for a in (PASSING, FAILING)}
    shell = {a: aws_policy(a, "AWSCloudShellFullAccess") for a in (PASSING, FAILING)}

    iam = world.client(PASSING, "iam")
    read = iam.create_policy(PolicyName="s3-read", PolicyDocument=policy(
        allow(["s3:GetObject", "s3:ListBucket", "ec2:Describe*"])))["Policy"]["Arn"]
    iam.create_policy(PolicyName="unused-admin", PolicyDocument=policy(allow("*")))
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn=read)
    iam.create_user(UserName="reader")
    iam.add_user_to_group(GroupName="readers", UserName="reader")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="app", PolicyArn=read)
    iam.create_role(RoleName="break-glass", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="break-glass", PolicyArn=admin[PASSING])
    # dana may call sts:AssumeRole on break-glass, but its trust policy names EC2 only
    iam.create_group(GroupName="assumers")
    iam.put_group_policy(GroupName="assumers", PolicyName="assume-break-glass",
                         PolicyDocument=policy(allow(
                             "sts:AssumeRole", f"arn:aws:iam::{PASSING}:role/break-glass")))
    iam.create_user(UserName="dana")
    iam.add_user_to_group(GroupName="assumers", UserName="dana")

    iam = world.client(FAILING, "iam")
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=admin[FAILING])
    iam.create_user(UserName="alice")
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    iam.create_user(UserName="bob")
    iam.put_user_policy(UserName="bob", PolicyName="everything",
                        PolicyDocument=policy(allow("*:*")))
    power = iam.create_policy(PolicyName="power", PolicyDocument=policy(
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))["Policy"]["Arn"]
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="ops", PolicyArn=power)
    iam.create_policy(PolicyName="s3-all", PolicyDocument=policy(allow("s3:*")))
    # carl holds no admin policy but may assume an administrator role that trusts him
    iam.create_role(RoleName="admin-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{FAILING}:root"},
            "Action": "sts:AssumeRole"}]}))
    iam.attach_role_policy(RoleName="admin-role", PolicyArn=admin[FAILING])
    iam.create_user(UserName="carl")
    iam.put_user_policy(UserName="carl", PolicyName="assume-admin", PolicyDocument=policy(
        allow("sts:AssumeRole", f"arn:aws:iam::{FAILING}:role/admin-role")))
    iam.create_role(RoleName="shell", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="shell", PolicyArn=shell[FAILING])


def test_admin_and_least_privilege_controls(pytester: pytest.Pytester, world: MotoWorld) -> None:
    seed(world)
    result = scan(pytester, control_file("identity/test_admin_access.py"),
                  args=["-o", "aws_admin_role_allowlist=break-glass"])
    passing = result.for_account(PASSING)
    assert set(passing.values()) == {"passed", "skipped"}
    assert passing[f"test_customer_policy_not_full_admin[{PASSING}/global/unused-admin]"] \
        == "skipped"
    assert passing[f"test_role_is_not_admin[{PASSING}/global/break-glass]"] == "skipped"
    assert passing[f"test_user_is_not_admin[{PASSING}/global/reader]"] == "passed"
    assert passing[f"test_user_is_not_admin[{PASSING}/global/dana]"] == "passed"  # trust

    failing = {k.replace(f"{FAILING}/global", ""): v
               for k, v in result.for_account(FAILING).items()}
    assert failing == {
        "test_customer_policy_not_full_admin[/power]": "failed",
        "test_customer_policy_not_full_admin[/s3-all]": "skipped",
        "test_inline_policies_not_full_admin[]": "failed",
        "test_user_is_not_admin[/alice]": "failed",
        "test_user_is_not_admin[/bob]": "failed",
        "test_user_is_not_admin[/carl]": "failed",
        "test_role_is_not_admin[/admin-role]": "failed",
        "test_user_has_no_direct_policies[/carl]": "failed",
        "test_role_is_not_admin[/ops]": "failed",
        "test_role_is_not_admin[/shell]": "passed",
        "test_user_has_no_direct_policies[/alice]": "passed",
        "test_user_has_no_direct_policies[/bob]": "failed",
        "test_policy_has_no_service_wildcard[/power]": "failed",
        "test_policy_has_no_service_wildcard[/s3-all]": "failed",
        "test_cloudshell_full_access_not_attached[]": "failed",
    }

    def message(test: str) -> str:
        return result.messages[test.replace("[", f"[{FAILING}/global", 1)]

    assert "AWS-managed policy AdministratorAccess (via group admins)" in message(
        "test_user_is_not_admin[/alice]")
    assert "inline policy 'everything' of user/bob" in message(
        "test_inline_policies_not_full_admin[]")
    assert "customer-managed policy power" in message("test_role_is_not_admin[/ops]")
    assert message("test_user_is_not_admin[/carl]") == (
        "user carl is an administrator through the escalation path user/carl -> assume "
        "role/admin-role")
    assert "allows every action on every resource" in message(
        "test_customer_policy_not_full_admin[/power]")
    assert "allows whole services: s3:*" in message("test_policy_has_no_service_wildcard[/s3-all]")
    assert "iam:*" in message("test_policy_has_no_service_wildcard[/power]")
    assert "attached to role/shell" in message("test_cloudshell_full_access_not_attached[]")
