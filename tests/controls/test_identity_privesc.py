"""Privilege escalation, open role assumption and public role trust, through the plugin."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest

from tests.controls.identity_helpers import (  # noqa: F401 - fast_polls is a fixture
    add_aws_managed_policy,
    allow,
    fast_polls,
    policy,
)
from tests.controls.waiver_helpers import assert_waives_only, scan_waiving
from tests.harness import CALLER, FAILING, PASSING, MotoWorld, control_file, scan
from tests.stubs import deny

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
        f"test_principal_cannot_escalate[{PASSING}/global/role/lambda-only-admin]"}  # admin
    assert passing[f"test_principal_cannot_escalate[{PASSING}/global/user/self-service]"] \
        == "passed"

    failing = {k.replace(f"{FAILING}/global", ""): v
               for k, v in result.for_account(FAILING).items()}
    expected_failed = {
        "test_managed_policy_has_no_escalation[/policy-editor]",
        "test_managed_policy_has_no_escalation[/lambda-deploy]",
        "test_managed_policy_has_no_escalation[/ec2-launch]",
        "test_managed_policy_has_no_escalation[/key-maker]",
        "test_inline_policy_has_no_escalation[/user/cond/maybe-attach]",
        "test_inline_policy_has_no_escalation[/user/self-writer/own-policy]",
        "test_inline_policy_has_no_escalation[/role/ci-runner/deploy]",
        "test_inline_policy_has_no_escalation[/role/ec2-passer/launch]",
        "test_principal_cannot_escalate[/user/dev]",
        "test_principal_cannot_escalate[/user/cond]",
        "test_principal_cannot_escalate[/user/hopper]",
        "test_principal_cannot_escalate[/user/self-writer]",
        "test_principal_cannot_escalate[/role/lambda-deployer]",
        "test_principal_cannot_escalate[/role/ci-runner]",
        "test_principal_cannot_escalate[/role/associator]",
        "test_managed_policy_does_not_assume_any_role[/full]",
        "test_managed_policy_does_not_assume_any_role[/assume-any]",
        "test_inline_policy_does_not_assume_any_role[/user/cond/assume-all]",
        "test_inline_policy_does_not_assume_any_role[/role/profile-admin/all]",
        "test_role_trust_not_public[/public-role]",
        "test_role_trust_not_public[/github-any]",
    }
    expected_skipped = {
        "test_managed_policy_has_no_escalation[/full]",  # full admin: the admin controls
        "test_inline_policy_has_no_escalation[/role/profile-admin/all]",  # full admin
        "test_managed_policy_has_no_escalation[/s3-only]",  # not attached
        "test_managed_policy_has_no_escalation[/assume-any]",  # not attached
        "test_principal_cannot_escalate[/user/breakglass-user]",  # allow-listed
        "test_principal_cannot_escalate[/role/lambda-admin]",  # already admin
        "test_principal_cannot_escalate[/role/profile-admin]",  # already admin
    }
    assert {k for k, v in failing.items() if v == "failed"} == expected_failed
    assert {k for k, v in failing.items() if v == "skipped"} == expected_skipped
    assert failing["test_principal_cannot_escalate[/role/bounded]"] == "passed"  # boundary
    assert failing["test_principal_cannot_escalate[/role/ec2-launcher]"] == "passed"  # nothing
    assert failing["test_principal_cannot_escalate[/role/weak-worker]"] == "passed"
    assert failing["test_principal_cannot_escalate[/role/ec2-passer]"] == "passed"  # Lambda only
    assert failing["test_principal_cannot_escalate[/role/glue-passer]"] == "passed"  # service

    def message(test: str) -> str:
        return result.messages[test.replace("[", f"[{FAILING}/global", 1)]

    assert message("test_principal_cannot_escalate[/user/dev]") == (
        "user/dev can escalate to administrator: user/dev -> create a new version of policy "
        "policy-editor held by user/dev")
    cond = message("test_principal_cannot_escalate[/user/cond]")
    assert "user/cond can conditionally escalate to administrator: user/cond -> attach a " \
           "policy to user/cond (conditionally: iam:AttachUserPolicy only if Bool " \
           "aws:multifactorauthpresent)" in cond
    assert message("test_principal_cannot_escalate[/role/lambda-deployer]") == (
        "role/lambda-deployer can escalate to administrator: role/lambda-deployer -> pass "
        "role/lambda-admin to lambda (PassExistingRoleToNewLambdaThenInvoke)")
    assert message("test_principal_cannot_escalate[/user/hopper]") == (
        "user/hopper can escalate to administrator: user/hopper -> assume role/ci-runner -> "
        "pass role/lambda-admin to lambda (PassExistingRoleToNewLambdaThenInvoke)")
    assert message("test_principal_cannot_escalate[/user/self-writer]") == (
        "user/self-writer can escalate to administrator: user/self-writer -> put an inline "
        "policy on user/self-writer")
    assert "associate the instance profile of role/profile-admin with an instance" in message(
        "test_principal_cannot_escalate[/role/associator]")
    launch = message("test_managed_policy_has_no_escalation[/ec2-launch]")
    assert "conditionally" in launch and "CreateEC2WithExistingIP" in launch
    assert message("test_inline_policy_has_no_escalation[/user/cond/maybe-attach]").startswith(
        "inline policy user/cond/maybe-attach can conditionally escalate")
    assert message("test_inline_policy_has_no_escalation[/user/self-writer/own-policy]") \
        .startswith("inline policy user/self-writer/own-policy can escalate privileges: "
                    "PutUserPolicy")
    # iam:PassedToService names a service it cannot launch
    assert failing["test_inline_policy_has_no_escalation[/role/glue-passer/pass]"] == "passed"
    assert message("test_inline_policy_does_not_assume_any_role[/user/cond/assume-all]") \
        .startswith('inline policy user/cond/assume-all allows sts:AssumeRole on Resource "*"')
    assert 'Principal "*"' in message("test_role_trust_not_public[/public-role]")
    assert f"no {GITHUB}:sub condition" in message("test_role_trust_not_public[/github-any]")


def test_one_waiver_per_inline_policy_and_principal(pytester: pytest.Pytester,
                                                     world: MotoWorld) -> None:
    """A waiver naming one inline policy (or one principal) waives that result only."""
    seed_passing(world)
    seed_failing(world)
    path = control_file("identity/test_privilege_escalation.py")
    allow = ["-o", "aws_admin_role_allowlist=breakglass-*"]
    inline = [f"test_inline_policy_has_no_escalation[{FAILING}/global/{n}]"
              for n in ("user/cond/maybe-attach", "user/self-writer/own-policy",
                        "role/ci-runner/deploy")]
    result = scan_waiving(pytester, path, "iam-policy-no-privilege-escalation",
                          f"arn:aws:iam::{FAILING}:user/cond#inline-policy/maybe-attach",
                          args=allow)
    assert_waives_only(result, inline[0], inline)

    assume = [f"test_inline_policy_does_not_assume_any_role[{FAILING}/global/{n}]"
              for n in ("user/cond/assume-all", "role/profile-admin/all")]
    result = scan_waiving(pytester, path, "iam-no-permissive-role-assumption",
                          f"arn:aws:iam::{FAILING}:role/profile-admin#inline-policy/all",
                          args=allow)
    assert_waives_only(result, assume[1], assume)

    principals = [f"test_principal_cannot_escalate[{FAILING}/global/{n}]"
                  for n in ("user/hopper", "user/dev", "role/ci-runner")]
    result = scan_waiving(pytester, path, "iam-principal-no-privilege-escalation",
                          f"arn:aws:iam::{FAILING}:user/hopper", args=allow)
    assert_waives_only(result, principals[0], principals)


# --- Auto Scaling: existing launch configurations and templates -------------------------------

EC2_TRUST = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
             "Action": "sts:AssumeRole"}
PRINCIPAL = "test_principal_cannot_escalate"


def seed_launchers(world: MotoWorld, account: str, *, admin: bool) -> None:
    """A role in instance profile ``fleet`` (an administrator only if ``admin``), a launch
    configuration and a launch template naming that profile, and ``scaler``, who may only
    create Auto Scaling groups (no iam:PassRole of its own)."""
    iam = world.client(account, "iam")
    iam.create_role(RoleName="fleet-role", AssumeRolePolicyDocument=trust(EC2_TRUST))
    iam.put_role_policy(RoleName="fleet-role", PolicyName="rights", PolicyDocument=policy(
        allow("*" if admin else "s3:GetObject")))
    profile = iam.create_instance_profile(InstanceProfileName="fleet")["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName="fleet", RoleName="fleet-role")
    world.client(account, "autoscaling").create_launch_configuration(
        LaunchConfigurationName="fleet-lc", ImageId="ami-12c6146b", InstanceType="t3.micro",
        IamInstanceProfile="fleet")
    world.client(account, "ec2").create_launch_template(
        LaunchTemplateName="fleet-lt", LaunchTemplateData={
            "ImageId": "ami-12c6146b", "IamInstanceProfile": {"Arn": profile["Arn"]}})
    iam.create_user(UserName="scaler")
    iam.put_user_policy(UserName="scaler", PolicyName="scale", PolicyDocument=policy(
        allow(["autoscaling:CreateAutoScalingGroup", "autoscaling:Describe*"])))


def test_auto_scaling_from_an_existing_launch_configuration(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_launchers(world, PASSING, admin=False)
    seed_launchers(world, FAILING, admin=True)
    path = control_file("identity/test_privilege_escalation.py")
    result = scan(pytester, path, args=["-k", PRINCIPAL])
    assert result.for_account(PASSING) == {
        f"{PRINCIPAL}[{PASSING}/global/user/scaler]": "passed",
        f"{PRINCIPAL}[{PASSING}/global/role/fleet-role]": "passed"}
    assert result.outcomes[f"{PRINCIPAL}[{FAILING}/global/user/scaler]"] == "failed"
    assert result.messages[f"{PRINCIPAL}[{FAILING}/global/user/scaler]"] == (
        "user/scaler can escalate to administrator: user/scaler -> launch an Auto Scaling "
        "group from launch configuration fleet-lc in us-east-1 (role/fleet-role)")

    # fail closed: a launcher read that fails is an ERROR naming the call, never a pass
    for service, operation in (("autoscaling", "DescribeLaunchConfigurations"),
                               ("ec2", "DescribeLaunchTemplateVersions")):
        with monkeypatch.context() as patch:
            deny(patch, service, operation, account=FAILING)
            denied = scan(pytester, path, args=["-k", PRINCIPAL])
        assert denied.outcomes[f"{PRINCIPAL}[{FAILING}/global/user/scaler]"] == "error"
        assert f"missing permission {service}:{operation}" in denied.messages[
            f"{PRINCIPAL}[{FAILING}/global/user/scaler]"]
        assert denied.for_account(PASSING) == result.for_account(PASSING)  # not denied there


# --- SCPs cut edges; unreadable SCPs are said, never a silent pass ----------------------------

ASSUME_DENIED = {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}


def seed_member(world: MotoWorld) -> tuple[Any, str]:
    """An organization of CALLER with FAILING in OU ``workloads``; in FAILING, user/hopper
    may assume role/ops, an administrator that trusts it."""
    org = world.client(CALLER, "organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    with mock.patch("moto.organizations.utils.make_random_account_id", return_value=FAILING):
        org.create_account(Email="member@example.com", AccountName="member")
    unit = org.create_organizational_unit(ParentId=root,
                                          Name="workloads")["OrganizationalUnit"]["Id"]
    org.move_account(AccountId=FAILING, SourceParentId=root, DestinationParentId=unit)
    iam = world.client(FAILING, "iam")
    iam.create_user(UserName="hopper")
    iam.put_user_policy(UserName="hopper", PolicyName="assume", PolicyDocument=policy(
        allow("sts:AssumeRole", f"arn:aws:iam::{FAILING}:role/ops")))
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=trust({
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{FAILING}:user/hopper"},
        "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName="ops", PolicyName="all", PolicyDocument=policy(allow("*")))
    return org, unit


def attach_scp(org: Any, name: str, target: str, *statements: dict) -> str:
    scp = org.create_policy(Name=name, Description=name, Type="SERVICE_CONTROL_POLICY",
                            Content=policy(allow("*"), *statements))
    policy_id = scp["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=policy_id, TargetId=target)
    return policy_id


def test_scps_cut_escalation_edges(pytester: pytest.Pytester, world: MotoWorld,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    org, unit = seed_member(world)
    path = control_file("identity/test_privilege_escalation.py")
    test = f"{PRINCIPAL}[{FAILING}/global/user/hopper]"

    def run() -> tuple[str, str]:
        # the management account is scanned too: the member's SCPs are read through it
        result = scan(pytester, path, accounts=[CALLER, FAILING], args=["-k", PRINCIPAL])
        return result.outcomes[test], result.messages.get(test, "")

    assert run() == ("failed", "user/hopper can escalate to administrator: user/hopper -> "
                                "assume role/ops")

    # the same Deny under a condition the scan cannot decide: the hop becomes conditional
    maybe = attach_scp(org, "region-lock", unit, {**ASSUME_DENIED, "Condition": {
        "StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}})
    # (role/ops itself may then assume roles only under it: a conditional administrator)
    assert run() == ("failed", "user/hopper can conditionally escalate to administrator: "
                     "user/hopper -> assume role/ops -> role/ops may do everything "
                     "(conditionally: sts:AssumeRole unless an SCP denies it (StringNotEquals "
                     "aws:requestedregion))")
    org.detach_policy(PolicyId=maybe, TargetId=unit)

    # an SCP on the OU denying sts:AssumeRole cuts the only edge
    attach_scp(org, "no-assume", unit, ASSUME_DENIED)
    assert run() == ("passed", "")

    # SCPs the scan cannot read: judged without them (the path is back), and said so
    deny(monkeypatch, "organizations", "ListRoots", "AccessDeniedException")
    outcome, message = run()
    assert outcome == "failed"
    assert message == ("user/hopper can escalate to administrator: user/hopper -> assume "
                       "role/ops [SCPs not evaluated: organizations:ListRoots denied]")
