"""Privilege escalation, open role assumption and public role trust, through the plugin."""

from __future__ import annotations

import json

import pytest

from tests.controls.identity_helpers import (  # noqa: F401 - fast_polls is a fixture
    add_aws_managed_policy,
    allow,
    fast_polls,
    policy,
)
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan

SERVICE_TRUST = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                 "Action": "sts:AssumeRole"}
GITHUB = "token.actions.githubusercontent.com"


def trust(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements) or [SERVICE_TRUST]})


def github(account: str, condition: dict | None) -> dict:
    statement = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                 "Principal": {"Federated": f"arn:aws:iam::{account}:oidc-provider/{GITHUB}"}}
    return {**statement, "Condition": condition} if condition else statement


def seed_passing(world: MotoWorld) -> None:
    iam = world.client(PASSING, "iam")
    iam.create_user(UserName="analyst")
    iam.put_user_policy(UserName="analyst", PolicyName="read",
                        PolicyDocument=policy(allow(["s3:GetObject", "s3:ListBucket"])))
    iam.put_user_policy(UserName="analyst", PolicyName="assume-tagged", PolicyDocument=policy(
        allow("sts:AssumeRole", Condition={"StringEquals": {"aws:ResourceTag/team": "data"}})))
    read = iam.create_policy(PolicyName="worker-read", PolicyDocument=policy(
        allow("s3:GetObject"),
        allow("sts:AssumeRole", f"arn:aws:iam::{PASSING}:role/org-role")))["Policy"]["Arn"]
    iam.create_role(RoleName="worker", AssumeRolePolicyDocument=trust())
    iam.attach_role_policy(RoleName="worker", PolicyArn=read)
    iam.create_role(RoleName="org-role", AssumeRolePolicyDocument=trust({
        "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}))
    iam.create_role(RoleName="github-main", AssumeRolePolicyDocument=trust(github(PASSING, {
        "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com",
                         f"{GITHUB}:sub": "repo:acme/app:ref:refs/heads/main"}})))
    iam.create_role(RoleName="partner", AssumeRolePolicyDocument=trust({
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
        "Action": "sts:AssumeRole"}))
    # an administrator only Lambda may assume: nothing below can pass it
    iam.create_role(RoleName="lambda-only-admin", AssumeRolePolicyDocument=trust())
    iam.attach_role_policy(RoleName="lambda-only-admin", PolicyArn=add_aws_managed_policy(
        PASSING, "AdministratorAccess", json.loads(policy(allow("*")))))
    # self-service: own keys and password, AWS-managed policy versions, SSO-reserved roles
    iam.create_user(UserName="self-service")
    iam.put_user_policy(UserName="self-service", PolicyName="own-credentials",
                        PolicyDocument=policy(allow(
                            ["iam:CreateAccessKey", "iam:DeleteAccessKey",
                             "iam:UpdateLoginProfile", "iam:CreateLoginProfile"],
                            "arn:aws:iam::*:user/${aws:username}")))
    iam.put_user_policy(UserName="self-service", PolicyName="immutable-targets",
                        PolicyDocument=policy(
                            allow("iam:CreatePolicyVersion", "arn:aws:iam::aws:policy/*"),
                            allow(["iam:PutRolePolicy", "iam:AttachRolePolicy"],
                                  f"arn:aws:iam::{PASSING}:role/aws-reserved/"
                                  "sso.amazonaws.com/*")))


def seed_failing(world: MotoWorld) -> None:
    iam = world.client(FAILING, "iam")

    def managed(name: str, *statements: dict) -> str:
        return iam.create_policy(PolicyName=name,
                                 PolicyDocument=policy(*statements))["Policy"]["Arn"]

    editor = managed("policy-editor", allow("iam:CreatePolicyVersion"))
    for user in ("dev", "breakglass-user"):
        iam.create_user(UserName=user)
        iam.attach_user_policy(UserName=user, PolicyArn=editor)
    iam.create_user(UserName="cond")
    iam.put_user_policy(UserName="cond", PolicyName="maybe-attach", PolicyDocument=policy(
        allow("iam:AttachUserPolicy", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})))
    iam.put_user_policy(UserName="cond", PolicyName="assume-all",
                        PolicyDocument=policy(allow("sts:*")))

    deploy = managed("lambda-deploy", allow(["iam:PassRole", "lambda:CreateFunction",
                                             "lambda:InvokeFunction"]))
    iam.create_role(RoleName="lambda-deployer", AssumeRolePolicyDocument=trust())
    iam.attach_role_policy(RoleName="lambda-deployer", PolicyArn=deploy)
    iam.create_role(RoleName="lambda-admin", AssumeRolePolicyDocument=trust())
    iam.attach_role_policy(RoleName="lambda-admin", PolicyArn=managed("full", allow("*")))

    launch = managed("ec2-launch", allow("iam:PassRole", f"arn:aws:iam::{FAILING}:role/weak-*"),
                     allow(["ec2:RunInstances", "s3:GetObject"]))
    iam.create_role(RoleName="ec2-launcher", AssumeRolePolicyDocument=trust())
    iam.attach_role_policy(RoleName="ec2-launcher", PolicyArn=launch)
    iam.create_role(RoleName="weak-worker", AssumeRolePolicyDocument=trust())
    iam.put_role_policy(RoleName="weak-worker", PolicyName="read",
                        PolicyDocument=policy(allow("s3:GetObject")))

    boundary = managed("s3-only", allow("s3:*"))  # moto keeps no user boundaries: a role
    iam.create_role(RoleName="bounded", AssumeRolePolicyDocument=trust(),
                    PermissionsBoundary=boundary)
    iam.attach_role_policy(RoleName="bounded",
                           PolicyArn=managed("key-maker", allow("iam:CreateAccessKey")))
    managed("assume-any", allow("sts:AssumeRole"))

    # PassRole on an admin that trusts Lambda alone + RunInstances: nothing to pass to EC2
    iam.create_role(RoleName="ec2-passer", AssumeRolePolicyDocument=trust())
    iam.put_role_policy(RoleName="ec2-passer", PolicyName="launch", PolicyDocument=policy(
        allow("iam:PassRole", f"arn:aws:iam::{FAILING}:role/lambda-admin"),
        allow("ec2:RunInstances")))
    # PassRole limited to Glue by iam:PassedToService, Lambda launch rights: no edge
    iam.create_role(RoleName="glue-passer", AssumeRolePolicyDocument=trust())
    iam.put_role_policy(RoleName="glue-passer", PolicyName="pass", PolicyDocument=policy(
        allow("iam:PassRole", Condition={
            "StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}}),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"])))
    # user/hopper -> assume role/ci-runner -> pass role/lambda-admin to lambda
    iam.create_user(UserName="hopper")
    iam.put_user_policy(UserName="hopper", PolicyName="assume-ci", PolicyDocument=policy(
        allow("sts:AssumeRole", f"arn:aws:iam::{FAILING}:role/ci-runner")))
    iam.create_role(RoleName="ci-runner", AssumeRolePolicyDocument=trust({
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{FAILING}:user/hopper"},
        "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName="ci-runner", PolicyName="deploy", PolicyDocument=policy(
        allow("iam:PassRole", f"arn:aws:iam::{FAILING}:role/lambda-admin"),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"])))
    # PutUserPolicy on its own user: a definite path
    iam.create_user(UserName="self-writer")
    iam.put_user_policy(UserName="self-writer", PolicyName="own-policy", PolicyDocument=policy(
        allow("iam:PutUserPolicy", "arn:aws:iam::*:user/${aws:username}")))
    # an instance profile holding an EC2 administrator, and who may associate it
    iam.create_role(RoleName="profile-admin", AssumeRolePolicyDocument=trust({
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName="profile-admin", PolicyName="all",
                        PolicyDocument=policy(allow("*")))
    iam.create_instance_profile(InstanceProfileName="admin-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="admin-profile",
                                     RoleName="profile-admin")
    iam.create_role(RoleName="associator", AssumeRolePolicyDocument=trust())
    iam.put_role_policy(RoleName="associator", PolicyName="associate", PolicyDocument=policy(
        allow(["iam:PassRole", "ec2:AssociateIamInstanceProfile"])))

    iam.create_role(RoleName="public-role", AssumeRolePolicyDocument=trust({
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}))
    iam.create_role(RoleName="github-any", AssumeRolePolicyDocument=trust(github(FAILING, {
        "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"}})))


def test_escalation_assumption_and_trust(pytester: pytest.Pytester, world: MotoWorld) -> None:
    seed_passing(world)
    seed_failing(world)
    result = scan(pytester, control_file("identity/test_privilege_escalation.py"),
                  control_file("identity/test_role_trust.py"),
                  args=["-o", "aws_admin_role_allowlist=breakglass-*"])
    passing = result.for_account(PASSING)
    assert {k for k, v in passing.items() if v != "passed"} == {
        f"test_role_cannot_escalate[{PASSING}/global/lambda-only-admin]"}  # already admin
    assert passing[f"test_user_cannot_escalate[{PASSING}/global/self-service]"] == "passed"

    failing = {k.replace(f"{FAILING}/global", ""): v
               for k, v in result.for_account(FAILING).items()}
    expected_failed = {
        "test_managed_policy_has_no_escalation[/policy-editor]",
        "test_managed_policy_has_no_escalation[/lambda-deploy]",
        "test_managed_policy_has_no_escalation[/ec2-launch]",
        "test_managed_policy_has_no_escalation[/key-maker]",
        "test_inline_policies_have_no_escalation[]",
        "test_user_cannot_escalate[/dev]",
        "test_user_cannot_escalate[/cond]",
        "test_user_cannot_escalate[/hopper]",
        "test_user_cannot_escalate[/self-writer]",
        "test_role_cannot_escalate[/lambda-deployer]",
        "test_role_cannot_escalate[/ci-runner]",
        "test_role_cannot_escalate[/associator]",
        "test_managed_policy_does_not_assume_any_role[/full]",
        "test_managed_policy_does_not_assume_any_role[/assume-any]",
        "test_inline_policies_do_not_assume_any_role[]",
        "test_role_trust_not_public[/public-role]",
        "test_role_trust_not_public[/github-any]",
    }
    expected_skipped = {
        "test_managed_policy_has_no_escalation[/full]",  # full admin: the admin controls
        "test_managed_policy_has_no_escalation[/s3-only]",  # not attached
        "test_managed_policy_has_no_escalation[/assume-any]",  # not attached
        "test_user_cannot_escalate[/breakglass-user]",  # allow-listed
        "test_role_cannot_escalate[/lambda-admin]",  # already admin
        "test_role_cannot_escalate[/profile-admin]",  # already admin
    }
    assert {k for k, v in failing.items() if v == "failed"} == expected_failed
    assert {k for k, v in failing.items() if v == "skipped"} == expected_skipped
    assert failing["test_role_cannot_escalate[/bounded]"] == "passed"  # boundary
    assert failing["test_role_cannot_escalate[/ec2-launcher]"] == "passed"  # nothing to pass
    assert failing["test_role_cannot_escalate[/weak-worker]"] == "passed"
    assert failing["test_role_cannot_escalate[/ec2-passer]"] == "passed"  # admin trusts Lambda only
    assert failing["test_role_cannot_escalate[/glue-passer]"] == "passed"  # PassedToService

    def message(test: str) -> str:
        return result.messages[test.replace("[", f"[{FAILING}/global", 1)]

    assert message("test_user_cannot_escalate[/dev]") == (
        "user dev can escalate to administrator: user/dev -> create a new version of policy "
        "policy-editor held by user/dev")
    cond = message("test_user_cannot_escalate[/cond]")
    assert "user cond can conditionally escalate to administrator: user/cond -> attach a " \
           "policy to user/cond (conditionally: iam:AttachUserPolicy only if Bool " \
           "aws:multifactorauthpresent)" in cond
    assert message("test_role_cannot_escalate[/lambda-deployer]") == (
        "role lambda-deployer can escalate to administrator: role/lambda-deployer -> pass "
        "role/lambda-admin to lambda (PassExistingRoleToNewLambdaThenInvoke)")
    assert message("test_user_cannot_escalate[/hopper]") == (
        "user hopper can escalate to administrator: user/hopper -> assume role/ci-runner -> "
        "pass role/lambda-admin to lambda (PassExistingRoleToNewLambdaThenInvoke)")
    assert message("test_user_cannot_escalate[/self-writer]") == (
        "user self-writer can escalate to administrator: user/self-writer -> put an inline "
        "policy on user/self-writer")
    assert "associate the instance profile of role/profile-admin with an instance" in message(
        "test_role_cannot_escalate[/associator]")
    launch = message("test_managed_policy_has_no_escalation[/ec2-launch]")
    assert "conditionally" in launch and "CreateEC2WithExistingIP" in launch
    inline = message("test_inline_policies_have_no_escalation[]")
    assert "inline policy 'maybe-attach' of user/cond can conditionally escalate" in inline
    assert "inline policy 'own-policy' of user/self-writer can escalate: PutUserPolicy" in inline
    assert "glue-passer" not in inline  # iam:PassedToService names a service it cannot launch
    assert "inline policy 'assume-all' of user/cond" in message(
        "test_inline_policies_do_not_assume_any_role[]")
    assert 'Principal "*"' in message("test_role_trust_not_public[/public-role]")
    assert f"no {GITHUB}:sub condition" in message("test_role_trust_not_public[/github-any]")
