"""principals.build and privilege analysis on hand-written authorization details (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.analysis.principals import build, referenced_aws_policies
from pytest_awscompliance.analysis.privilege import (
    LaunchSource,
    admin_grants,
    describe_findings,
    describe_path,
    full_admin,
    is_admin,
    launchers,
    permissive_assume_role,
    policy_escalations,
    principal_escalations,
)
from pytest_awscompliance.model.errors import UnreadablePolicy

ACCOUNT = "111111111111"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def local(name: str, *versions: dict[str, Any], attached: int = 1) -> dict[str, Any]:
    return {
        "PolicyName": name, "Arn": arn("policy", name), "AttachmentCount": attached,
        "DefaultVersionId": f"v{len(versions)}",
        "PolicyVersionList": [
            {"VersionId": f"v{i}", "IsDefaultVersion": i == len(versions), "Document": d}
            for i, d in enumerate(versions, 1)
        ],
    }


def attached(name: str, policy_arn: str | None = None) -> dict[str, str]:
    return {"PolicyName": name, "PolicyArn": policy_arn or arn("policy", name)}


LAMBDA_TRUST = doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole"})
DETAILS = {
    "UserDetailList": [
        {"UserName": "alice", "Arn": arn("user", "alice"), "GroupList": ["admins"],
         "UserPolicyList": [], "AttachedManagedPolicies": []},
        {"UserName": "bob", "Arn": arn("user", "bob"), "GroupList": ["devs"],
         "UserPolicyList": [{"PolicyName": "mine", "PolicyDocument": doc(allow("s3:*"))}],
         "AttachedManagedPolicies": [attached("editor")],
         "PermissionsBoundary": {"PermissionsBoundaryArn": arn("policy", "bound")}},
    ],
    "GroupDetailList": [
        {"GroupName": "admins", "Arn": arn("group", "admins"), "GroupPolicyList": [],
         "AttachedManagedPolicies": [attached("AdministratorAccess", ADMIN_ARN)]},
        {"GroupName": "devs", "Arn": arn("group", "devs"),
         "GroupPolicyList": [{"PolicyName": "dev-inline",
                              "PolicyDocument": doc(allow("lambda:*"))}],
         "AttachedManagedPolicies": []},
        {"GroupName": "empty", "Arn": arn("group", "empty"), "GroupPolicyList": [],
         "AttachedManagedPolicies": []},
    ],
    "RoleDetailList": [
        {"RoleName": "deployer", "Arn": arn("role", "deployer"), "Path": "/",
         "RolePolicyList": [{"PolicyName": "deploy", "PolicyDocument": doc(
             allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]))}],
         "AttachedManagedPolicies": [], "AssumeRolePolicyDocument": LAMBDA_TRUST},
        {"RoleName": "target", "Arn": arn("role", "target"), "Path": "/",
         "RolePolicyList": [], "AttachedManagedPolicies": [attached("full")],
         "AssumeRolePolicyDocument": LAMBDA_TRUST},
        {"RoleName": "AWSServiceRoleForX", "Arn": arn("role", "aws-service-role/x"),
         "Path": "/aws-service-role/x/", "RolePolicyList": [],
         "AttachedManagedPolicies": [attached("AdministratorAccess", ADMIN_ARN)]},
    ],
    "Policies": [
        local("editor", doc(allow("*")), doc(allow("iam:CreatePolicyVersion"))),
        local("bound", doc(allow(["s3:*", "iam:Get*"])), attached=0),
        local("full", doc(allow("*"))),
        {"PolicyName": "ReadOnlyAccess", "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
         "DefaultVersionId": "v1", "PolicyVersionList": []},
    ],
}
AWS_DOCS = {ADMIN_ARN: doc(allow("*"))}


def directory():
    return build(DETAILS, AWS_DOCS)


def test_build_merges_group_policies_and_default_versions() -> None:
    d = directory()
    assert referenced_aws_policies(DETAILS) == [ADMIN_ARN]
    assert set(d.managed) == {arn("policy", n) for n in ("editor", "bound", "full")}
    assert d.managed[arn("policy", "editor")].document == doc(allow("iam:CreatePolicyVersion"))
    bob = d.users["bob"]
    assert [p.describe() for p in bob.policies] == [
        "inline policy 'mine' of user/bob", "customer-managed policy editor",
        "inline policy 'dev-inline' of group/devs (via group devs)"]
    assert [p.name for p in bob.direct_policies] == ["mine", "editor"]
    assert bob.boundary == doc(allow(["s3:*", "iam:Get*"]))
    assert d.groups["admins"].members == ("alice",) and d.groups["empty"].members == ()
    assert sorted(p.name for p in d.inline_policies()) == ["deploy", "dev-inline", "mine"]
    assert d.roles["AWSServiceRoleForX"].service_linked


def test_admin_grants_through_groups() -> None:
    d = directory()
    assert [g.describe() for g in admin_grants(d.users["alice"])] == [
        "AWS-managed policy AdministratorAccess (via group admins)"]
    assert admin_grants(d.users["bob"]) == []  # editor's admin version is not the default
    assert is_admin(d.users["alice"]) and not is_admin(d.users["bob"])


def test_boundary_limits_escalation() -> None:
    d = directory()
    path, findings = principal_escalations(d, d.users["bob"])
    # CreatePolicyVersion on editor (whose old version is admin) is outside the boundary
    assert path is None and findings == []


def test_pass_role_needs_a_stronger_role_that_trusts_the_service() -> None:
    d = directory()
    path, findings = principal_escalations(d, d.roles["deployer"])
    assert path is not None and path.definite and findings == []
    assert path.describe() == ("role/deployer -> pass role/target to lambda "
                               "(PassExistingRoleToNewLambdaThenInvoke)")
    weaker = build({**DETAILS, "RoleDetailList": DETAILS["RoleDetailList"][:1]}, AWS_DOCS)
    assert principal_escalations(weaker, weaker.roles["deployer"]) == (None, [])
    ec2_only = [DETAILS["RoleDetailList"][0], {**DETAILS["RoleDetailList"][1],
                "AssumeRolePolicyDocument": doc({"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "ec2.amazonaws.com"}})}]
    d = build({**DETAILS, "RoleDetailList": ec2_only}, AWS_DOCS)
    assert principal_escalations(d, d.roles["deployer"]) == (None, [])


def test_conditional_pass_role_makes_the_path_conditional() -> None:
    roles = [dict(DETAILS["RoleDetailList"][0]), DETAILS["RoleDetailList"][1]]
    roles[0]["RolePolicyList"] = [{"PolicyName": "deploy", "PolicyDocument": doc(
        allow("iam:PassRole", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))}]
    d = build({**DETAILS, "RoleDetailList": roles}, AWS_DOCS)
    path, _ = principal_escalations(d, d.roles["deployer"])
    assert path is not None and not path.definite
    assert path.conditions == ("iam:PassRole only if Bool aws:multifactorauthpresent",)
    assert describe_path(path).endswith(
        "(conditionally: iam:PassRole only if Bool aws:multifactorauthpresent)")


def test_non_graph_methods_stay_table_findings() -> None:
    roles = [{**DETAILS["RoleDetailList"][0], "RolePolicyList": [
        {"PolicyName": "ssm", "PolicyDocument": doc(allow("ssm:StartSession"))}]}]
    d = build({**DETAILS, "RoleDetailList": roles}, AWS_DOCS)
    path, findings = principal_escalations(d, d.roles["deployer"])
    assert path is None and [f.method for f in findings] == ["SSMStartSession"]
    assert describe_findings(findings).startswith("SSMStartSession [ssm]")


def test_unreadable_policies_fail_closed() -> None:
    with pytest.raises(UnreadablePolicy, match="inline policy 'x' cannot be evaluated"):
        full_admin({"Statement": "garbage"}, "inline policy 'x'")
    broken = {**DETAILS, "UserDetailList": [{**DETAILS["UserDetailList"][1], "UserPolicyList": [
        {"PolicyName": "odd", "PolicyDocument": {"Statement": [{"Effect": "Maybe"}]}}]}]}
    d = build(broken, AWS_DOCS)
    with pytest.raises(UnreadablePolicy, match="inline policy 'odd' of user/bob held by "
                       "user/bob cannot be evaluated"):
        is_admin(d.users["bob"])
    with pytest.raises(UnreadablePolicy):
        principal_escalations(d, d.users["bob"])
    with pytest.raises(UnreadablePolicy, match="policy cannot be evaluated"):
        policy_escalations({"Statement": [{"Effect": "Allow"}]})
    with pytest.raises(UnreadablePolicy):
        permissive_assume_role("{not json")


def test_policy_level_rules() -> None:
    assert full_admin(doc(allow("*:*")))
    assert full_admin(doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))
    assert not full_admin(doc(allow("*"), {"Effect": "Deny", "Action": "*", "Resource": "*"}))
    assert [f.method for f in policy_escalations(doc(allow("iam:CreateAccessKey")))] == [
        "CreateAccessKey"]
    assert permissive_assume_role(doc(allow("sts:*"))) == ["statement #1"]
    assert permissive_assume_role(doc({**allow("*"), "Sid": "All"})) == ["statement 'All'"]
    assert permissive_assume_role(doc({"Effect": "Allow", "NotAction": "s3:*",
                                       "Resource": "*"})) == ["statement #1"]
    assert permissive_assume_role(doc(allow("sts:AssumeRole", arn("role", "x")))) == []
    assert permissive_assume_role(doc(allow("sts:AssumeRole", Condition={
        "StringEquals": {"aws:ResourceAccount": ACCOUNT}}))) == []
    assert permissive_assume_role(doc(allow("sts:AssumeRole"), {
        "Effect": "Deny", "Action": "sts:*", "Resource": "*"})) == []


def test_describe_findings_limits_and_orders() -> None:
    findings = policy_escalations(doc(allow("iam:*")))
    text = describe_findings(findings, limit=2)
    assert text.count("[iam-") == 2 and "more" in text


def test_launchers_map_instance_profiles_to_their_roles() -> None:
    profile = {"InstanceProfileName": "web", "Path": "/apps/",
               "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/apps/web"}
    details = {"RoleDetailList": [
        {"RoleName": "web-role", "Arn": arn("role", "web-role"), "Path": "/",
         "RolePolicyList": [], "AttachedManagedPolicies": [],
         "InstanceProfileList": [profile]}]}
    found = launchers(build(details, {}), [
        LaunchSource("launch configuration", "by-name", "eu-west-1", "web"),
        LaunchSource("launch template", "by-arn", "us-east-1", profile["Arn"]),
        LaunchSource("launch configuration", "unknown", "us-east-1", "gone")])
    assert [(f.kind, f.name, f.account, f.roles, f.label) for f in found] == [
        ("launch configuration", "by-name", ACCOUNT, (arn("role", "web-role"),),
         "launch configuration by-name in eu-west-1"),
        ("launch template", "by-arn", ACCOUNT, (arn("role", "web-role"),),
         "launch template by-arn in us-east-1")]
