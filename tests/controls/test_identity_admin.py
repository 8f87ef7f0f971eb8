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
from tests.controls.waiver_helpers import assert_waives_only, scan_waiving
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
    # AWSCloudShellFullAccess held by a role, a user and a group (each fails on its own)
    iam.create_role(RoleName="shell", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="shell", PolicyArn=shell[FAILING])
    iam.attach_user_policy(UserName="bob", PolicyArn=shell[FAILING])
    iam.create_group(GroupName="shell-users")
    iam.attach_group_policy(GroupName="shell-users", PolicyArn=shell[FAILING])


def test_admin_and_least_privilege_controls(pytester: pytest.Pytester, world: MotoWorld) -> None:
    seed(world)
    result = scan(pytester, control_file("identity/test_admin_access.py"),
                  args=["-o", "aws_admin_role_allowlist=break-glass"])
    passing = result.for_account(PASSING)
    assert set(passing.values()) == {"passed", "skipped"}
    assert passing[f"test_customer_policy_not_full_admin[{PASSING}/global/unused-admin]"] \
        == "skipped"
    assert passing[f"test_principal_is_not_admin[{PASSING}/global/role/break-glass]"] \
        == "skipped"
    assert passing[f"test_principal_is_not_admin[{PASSING}/global/user/reader]"] == "passed"
    assert passing[f"test_principal_is_not_admin[{PASSING}/global/user/dana]"] == "passed"
    assert passing[f"test_inline_policy_not_full_admin[{PASSING}/global/group/assumers/"
                   "assume-break-glass]"] == "passed"

    failing = {k.replace(f"{FAILING}/global", ""): v
               for k, v in result.for_account(FAILING).items()}
    assert failing == {
        "test_customer_policy_not_full_admin[/power]": "failed",
        "test_customer_policy_not_full_admin[/s3-all]": "skipped",
        "test_inline_policy_not_full_admin[/user/bob/everything]": "failed",
        "test_inline_policy_not_full_admin[/user/carl/assume-admin]": "passed",
        "test_principal_is_not_admin[/user/alice]": "failed",
        "test_principal_is_not_admin[/user/bob]": "failed",
        "test_principal_is_not_admin[/user/carl]": "failed",
        "test_principal_is_not_admin[/role/admin-role]": "failed",
        "test_user_has_no_direct_policies[/carl]": "failed",
        "test_principal_is_not_admin[/role/ops]": "failed",
        "test_principal_is_not_admin[/role/shell]": "passed",
        "test_user_has_no_direct_policies[/alice]": "passed",
        "test_user_has_no_direct_policies[/bob]": "failed",
        "test_policy_has_no_service_wildcard[/power]": "failed",
        "test_policy_has_no_service_wildcard[/s3-all]": "failed",
        "test_principal_has_no_cloudshell_full_access[/user/alice]": "passed",
        "test_principal_has_no_cloudshell_full_access[/user/bob]": "failed",
        "test_principal_has_no_cloudshell_full_access[/user/carl]": "passed",
        "test_principal_has_no_cloudshell_full_access[/role/admin-role]": "passed",
        "test_principal_has_no_cloudshell_full_access[/role/ops]": "passed",
        "test_principal_has_no_cloudshell_full_access[/role/shell]": "failed",
        "test_group_has_no_cloudshell_full_access[/admins]": "passed",
        "test_group_has_no_cloudshell_full_access[/shell-users]": "failed",
    }

    def message(test: str) -> str:
        return result.messages[test.replace("[", f"[{FAILING}/global", 1)]

    assert "AWS-managed policy AdministratorAccess (via group admins)" in message(
        "test_principal_is_not_admin[/user/alice]")
    assert message("test_inline_policy_not_full_admin[/user/bob/everything]") == (
        "inline policy user/bob/everything allows every action on every resource")
    assert "customer-managed policy power" in message("test_principal_is_not_admin[/role/ops]")
    assert message("test_principal_is_not_admin[/user/carl]") == (
        "user/carl is an administrator through the escalation path user/carl -> assume "
        "role/admin-role and is not in aws_admin_role_allowlist")
    assert "allows every action on every resource" in message(
        "test_customer_policy_not_full_admin[/power]")
    assert "allows whole services: s3:*" in message("test_policy_has_no_service_wildcard[/s3-all]")
    assert "iam:*" in message("test_policy_has_no_service_wildcard[/power]")
    assert message("test_principal_has_no_cloudshell_full_access[/role/shell]") == (
        "role/shell has AWSCloudShellFullAccess attached")
    assert message("test_group_has_no_cloudshell_full_access[/shell-users]") == (
        "group shell-users has AWSCloudShellFullAccess attached")


def test_inline_policy_resource_is_the_owner_arn_and_policy_name(
        pytester: pytest.Pytester, world: MotoWorld) -> None:
    """One waiver naming one inline policy waives that policy's result only."""
    seed(world)
    iam = world.client(FAILING, "iam")
    iam.put_role_policy(RoleName="ops", PolicyName="all", PolicyDocument=policy(allow("*")))
    result = scan_waiving(pytester, control_file("identity/test_admin_access.py"),
                          "iam-inline-policy-no-full-admin",
                          f"arn:aws:iam::{FAILING}:user/bob#inline-policy/everything",
                          args=["-o", "aws_admin_role_allowlist=break-glass"])
    bob = f"test_inline_policy_not_full_admin[{FAILING}/global/user/bob/everything]"
    ops = f"test_inline_policy_not_full_admin[{FAILING}/global/role/ops/all]"
    assert_waives_only(result, bob, [bob, ops])


def test_one_principal_waiver_waives_that_principal_only(
        pytester: pytest.Pytester, world: MotoWorld) -> None:
    seed(world)
    result = scan_waiving(pytester, control_file("identity/test_admin_access.py"),
                          "iam-no-administratoraccess-for-humans",
                          f"arn:aws:iam::{FAILING}:role/ops",
                          args=["-o", "aws_admin_role_allowlist=break-glass"])
    tests = [f"test_principal_is_not_admin[{FAILING}/global/{n}]"
             for n in ("role/ops", "role/admin-role", "user/alice", "user/bob", "user/carl")]
    assert_waives_only(result, tests[0], tests)


def test_one_cloudshell_waiver_waives_that_entity_only(
        pytester: pytest.Pytester, world: MotoWorld) -> None:
    seed(world)
    result = scan_waiving(pytester, control_file("identity/test_admin_access.py"),
                          "iam-cloudshell-full-access-not-attached",
                          f"arn:aws:iam::{FAILING}:role/shell", args=["-k", "cloudshell"])
    tests = [f"test_principal_has_no_cloudshell_full_access[{FAILING}/global/{n}]"
             for n in ("role/shell", "user/bob")]
    tests.append(f"test_group_has_no_cloudshell_full_access[{FAILING}/global/shell-users]")
    assert_waives_only(result, tests[0], tests)
