"""The escalation graph: one named case per edge method, boundaries, SCPs, search."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.analysis.iam import parse_policy
from pytest_awscompliance.analysis.iam.graph import ADMIN, EscalationGraph, Launcher, Subject

A = "111111111111"
B = "222222222222"
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def pol(*statements: dict[str, Any], kind: str = "identity") -> Any:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, kind=kind)


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def arn(kind: str, name: str, account: str = A) -> str:
    return f"arn:aws:iam::{account}:{kind}/{name}"


def trusts(principal: Any, **extra: Any) -> Any:
    return pol({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra},
               kind="trust")


ADMIN_POLICY = pol(allow("*"))


def user(name: str, *statements: dict[str, Any], account: str = A, **kw: Any) -> Subject:
    return Subject("user", name, arn("user", name, account), account,
                   (pol(*statements),) if statements else (), **kw)


def role(name: str, trust: Any, *statements: dict[str, Any], account: str = A,
         policies: tuple[Any, ...] = (), **kw: Any) -> Subject:
    own = (pol(*statements),) if statements else ()
    return Subject("role", name, arn("role", name, account), account, own + policies,
                   trust=trust, **kw)


def admin_role(name: str, trust: Any, account: str = A, **kw: Any) -> Subject:
    return role(name, trust, account=account, policies=(ADMIN_POLICY,), **kw)


def path(*subjects: Subject, start: str, **kw: Any) -> str | None:
    graph = EscalationGraph(subjects, **kw)
    found = graph.path_to_admin(start)
    return None if found is None else found.describe()


# --- assume role: A's permissions AND B's trust ----------------------------------------------

def test_assume_role_needs_permission_and_trust() -> None:
    dev = user("dev", allow("sts:AssumeRole", arn("role", "ci")))
    ci = admin_role("ci", trusts({"AWS": A}))
    assert path(dev, ci, start=dev.arn) == "user/dev -> assume role/ci"
    assert path(user("dev"), ci, start=dev.arn) is None  # no identity permission
    other = admin_role("ci", trusts({"AWS": B}))
    assert path(dev, other, start=dev.arn) is None  # trust names another account


def test_trust_naming_the_principal_needs_no_identity_permission() -> None:
    dev = user("dev")
    ci = admin_role("ci", trusts({"AWS": arn("user", "dev")}))
    assert path(dev, ci, start=dev.arn) == "user/dev -> assume role/ci"


def test_trusted_service_is_not_a_user() -> None:
    dev = user("dev", allow("sts:AssumeRole"))
    ci = admin_role("ci", trusts({"Service": "lambda.amazonaws.com"}))
    assert path(dev, ci, start=dev.arn) is None


def test_conditional_trust_names_its_condition() -> None:
    dev = user("dev", allow("sts:AssumeRole"))
    ci = admin_role("ci", trusts({"AWS": A}, Condition=MFA))
    found = EscalationGraph([dev, ci]).path_to_admin(dev.arn)
    assert found is not None and not found.definite
    assert found.conditions == ("trust condition Bool aws:multifactorauthpresent",)


def test_trust_deny_cuts_the_edge() -> None:
    dev = user("dev", allow("sts:AssumeRole"))
    trust = pol({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"},
                {"Effect": "Deny", "Principal": {"AWS": arn("user", "dev")},
                 "Action": "sts:AssumeRole"}, kind="trust")
    assert path(dev, admin_role("ci", trust), start=dev.arn) is None


def test_cross_account_trust_edge() -> None:
    dev = user("dev", allow("sts:AssumeRole", arn("role", "ops", B)))
    ops = admin_role("ops", trusts({"AWS": f"arn:aws:iam::{A}:root"}), account=B)
    assert path(dev, ops, start=dev.arn) == "user/dev -> assume role/ops"


def test_multi_hop_path_is_named_hop_by_hop() -> None:
    dev = user("dev-a", allow("sts:AssumeRole", arn("role", "ci")))
    ci = role("ci", trusts({"AWS": A}), allow("iam:PassRole", arn("role", "admin")),
              allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))
    admin = admin_role("admin", trusts({"Service": "lambda.amazonaws.com"}))
    assert path(dev, ci, admin, start=dev.arn) == (
        "user/dev-a -> assume role/ci -> pass role/admin to lambda "
        "(PassExistingRoleToNewLambdaThenInvoke)")


# --- pass role: only to a role that trusts the launched service -------------------------------

LAMBDA = ["lambda:CreateFunction", "lambda:InvokeFunction"]


def test_pass_role_needs_a_role_trusting_the_service() -> None:
    launcher = role("l", trusts({"AWS": A}), allow(["iam:PassRole", "ec2:RunInstances"]))
    lambda_admin = admin_role("admin", trusts({"Service": "lambda.amazonaws.com"}))
    assert path(launcher, lambda_admin, start=launcher.arn) is None
    ec2_admin = admin_role("admin", trusts({"Service": "ec2.amazonaws.com"}))
    assert path(launcher, ec2_admin, start=launcher.arn) == (
        "role/l -> pass role/admin to ec2 (CreateEC2WithExistingIP)")


def test_pass_role_respects_passed_to_service() -> None:
    glue_only = allow("iam:PassRole", Condition={
        "StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}})
    dev = user("dev", glue_only, allow(LAMBDA))
    admin = admin_role("admin", trusts({"Service": ["lambda.amazonaws.com",
                                                    "glue.amazonaws.com"]}))
    assert path(dev, admin, start=dev.arn) is None
    dev_glue = user("dev", glue_only, allow(["glue:CreateDevEndpoint", "glue:GetDevEndpoint"]))
    assert path(dev_glue, admin, start=dev.arn) == (
        "user/dev -> pass role/admin to glue (PassExistingRoleToNewGlueDevEndpoint)")


def test_pass_role_respects_its_resource() -> None:
    dev = user("dev", allow("iam:PassRole", arn("role", "weak-*")), allow(LAMBDA))
    admin = admin_role("admin", trusts({"Service": "lambda.amazonaws.com"}))
    assert path(dev, admin, start=dev.arn) is None


def test_pass_role_is_cut_by_the_boundary() -> None:
    dev = user("dev", allow(["iam:PassRole", *LAMBDA]), boundary=pol(allow("lambda:*")))
    admin = admin_role("admin", trusts({"Service": "lambda.amazonaws.com"}))
    assert path(dev, admin, start=dev.arn) is None


# --- credentials of another user ---------------------------------------------------------------

@pytest.mark.parametrize(("action", "text"), [
    ("iam:CreateAccessKey", "create an access key for user/ops"),
    ("iam:CreateLoginProfile", "set a console password for user/ops"),
    ("iam:UpdateLoginProfile", "reset the console password of user/ops"),
])
def test_credentials_of_another_user(action: str, text: str) -> None:
    dev = user("dev", allow(action))
    ops = Subject("user", "ops", arn("user", "ops"), A, (ADMIN_POLICY,))
    assert path(dev, ops, start=dev.arn) == f"user/dev -> {text}"


def test_own_access_key_is_not_an_escalation() -> None:
    dev = user("dev", allow("iam:CreateAccessKey", "arn:aws:iam::*:user/${aws:username}"))
    ops = Subject("user", "ops", arn("user", "ops"), A, (ADMIN_POLICY,))
    graph = EscalationGraph([dev, ops])
    assert graph.edges(dev.arn) == [] and graph.path_to_admin(dev.arn) is None


# --- policy changes ----------------------------------------------------------------------------

@pytest.mark.parametrize("action", ["iam:PutUserPolicy", "iam:AttachUserPolicy"])
def test_own_user_policy_change_is_a_definite_admin_path(action: str) -> None:
    dev = user("dev", allow(action, "arn:aws:iam::*:user/${aws:username}"))
    found = EscalationGraph([dev]).path_to_admin(dev.arn)
    assert found is not None and found.definite and found.hops[0].target == ADMIN


def test_changing_a_role_it_can_assume() -> None:
    dev = user("dev", allow(["iam:PutRolePolicy", "sts:AssumeRole"], arn("role", "app")))
    app = role("app", trusts({"AWS": A}))
    assert path(dev, app, start=dev.arn) == (
        "user/dev -> put an inline policy on role/app -> assume role/app")


def test_sso_reserved_roles_are_not_changed() -> None:
    reserved = "/aws-reserved/sso.amazonaws.com/"
    dev = user("dev", allow(["iam:PutRolePolicy", "iam:AttachRolePolicy",
                             "iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]))
    sso = role("AWSReservedSSO_x", trusts({"Federated": f"arn:aws:iam::{A}:saml-provider/x"}),
               path=reserved)
    assert path(dev, sso, start=dev.arn) is None


def test_new_version_of_a_customer_policy_it_holds() -> None:
    held = arn("policy", "mine")
    dev = user("dev", allow("iam:CreatePolicyVersion", held), managed=(held,))
    assert path(dev, start=dev.arn) == (
        "user/dev -> create a new version of policy mine held by user/dev")


def test_aws_managed_policy_versions_are_immutable() -> None:
    aws = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    dev = user("dev", allow("iam:CreatePolicyVersion"), managed=(aws,))
    assert path(dev, start=dev.arn) is None


def test_group_policy_of_its_own_group() -> None:
    group = Subject("group", "devs", arn("group", "devs"), A)
    dev = user("dev", allow("iam:PutGroupPolicy", arn("group", "devs")), groups=(group.arn,))
    assert path(dev, group, start=dev.arn) == "user/dev -> put an inline policy on group/devs"


def test_add_itself_to_an_admin_group() -> None:
    group = Subject("group", "admins", arn("group", "admins"), A, (ADMIN_POLICY,))
    dev = user("dev", allow("iam:AddUserToGroup"))
    assert path(dev, group, start=dev.arn) == "user/dev -> add itself to group/admins"


def test_delete_own_boundary() -> None:
    dev = user("dev", allow("*"), boundary=pol(allow("iam:DeleteUserPermissionsBoundary")))
    assert path(dev, start=dev.arn) == "user/dev -> delete the permissions boundary of user/dev"


def test_rewrite_trust_then_assume() -> None:
    dev = user("dev", allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]))
    admin = admin_role("admin", trusts({"Service": "ec2.amazonaws.com"}))
    assert path(dev, admin, start=dev.arn) == (
        "user/dev -> rewrite the trust policy of role/admin and assume it")


# --- instance profiles and Auto Scaling --------------------------------------------------------

EC2_ADMIN_PROFILE = "arn:aws:iam::111111111111:instance-profile/admin"


def test_associate_an_existing_instance_profile() -> None:
    dev = user("dev", allow(["iam:PassRole", "ec2:AssociateIamInstanceProfile"]))
    admin = admin_role("admin", trusts({"Service": "ec2.amazonaws.com"}),
                       instance_profiles=(EC2_ADMIN_PROFILE,))
    assert path(dev, admin, start=dev.arn) == (
        "user/dev -> associate the instance profile of role/admin with an instance")
    no_profile = admin_role("admin", trusts({"Service": "ec2.amazonaws.com"}))
    assert path(dev, no_profile, start=dev.arn) is None


def test_add_role_to_an_instance_profile_then_associate() -> None:
    dev = user("dev", allow(["iam:PassRole", "ec2:AssociateIamInstanceProfile",
                             "iam:AddRoleToInstanceProfile"]))
    admin = admin_role("admin", trusts({"Service": "ec2.amazonaws.com"}))
    assert path(dev, admin, start=dev.arn) == (
        "user/dev -> add to an instance profile and associate role/admin with an instance")


def test_auto_scaling_from_an_existing_launch_configuration_needs_no_pass_role() -> None:
    dev = user("dev", allow("autoscaling:CreateAutoScalingGroup"))
    admin = admin_role("admin", trusts({"Service": "ec2.amazonaws.com"}))
    config = Launcher("launch configuration", "web", A, (admin.arn,))
    assert path(dev, admin, start=dev.arn, launchers=[config]) == (
        "user/dev -> launch an Auto Scaling group from launch configuration web (role/admin)")


def test_auto_scaling_from_a_launch_template_needs_pass_role() -> None:
    admin = admin_role("admin", trusts({"Service": "ec2.amazonaws.com"}))
    template = Launcher("launch template", "web", A, (admin.arn,))
    dev = user("dev", allow(["autoscaling:CreateAutoScalingGroup", "ec2:RunInstances"]))
    assert path(dev, admin, start=dev.arn, launchers=[template]) is None
    dev = user("dev", allow(["autoscaling:CreateAutoScalingGroup", "ec2:RunInstances",
                             "iam:PassRole"]))
    hops = [h.text for h in EscalationGraph([dev, admin], launchers=[template]).edges(dev.arn)]
    assert "launch an Auto Scaling group from launch template web (role/admin)" in hops


# --- SCPs, definiteness, search ----------------------------------------------------------------

def test_scp_cuts_edges() -> None:
    dev = user("dev", allow("sts:AssumeRole"))
    ci = admin_role("ci", trusts({"AWS": A}))
    scps = {A: [[pol(allow("*"), {"Effect": "Deny", "Action": "sts:AssumeRole",
                                  "Resource": "*"})]]}
    assert path(dev, ci, start=dev.arn, scp_levels=scps) is None
    assert path(dev, ci, start=dev.arn, scp_levels={B: scps[A]}) == "user/dev -> assume role/ci"


def test_definite_path_preferred_over_a_shorter_conditional_one() -> None:
    dev = user("dev", allow("iam:PutUserPolicy", Condition=MFA),
               allow("sts:AssumeRole", arn("role", "ci")))
    ci = admin_role("ci", trusts({"AWS": A}))
    found = EscalationGraph([dev, ci]).path_to_admin(dev.arn)
    assert found is not None and found.definite
    assert found.describe() == "user/dev -> assume role/ci"


def test_admin_start_has_no_path() -> None:
    admin = admin_role("admin", trusts({"AWS": A}))
    assert EscalationGraph([admin]).path_to_admin(admin.arn) is None


def test_cycles_terminate() -> None:
    a = role("a", trusts({"AWS": A}), allow("sts:AssumeRole"))
    b = role("b", trusts({"AWS": A}), allow("sts:AssumeRole"))
    assert path(a, b, start=a.arn) is None


def test_shortest_path_is_found() -> None:
    dev = user("dev", allow("sts:AssumeRole"))
    hop = role("hop", trusts({"AWS": A}), allow("sts:AssumeRole"))
    far = admin_role("far", trusts({"AWS": arn("role", "hop")}))
    near = admin_role("near", trusts({"AWS": arn("user", "dev")}))
    assert path(dev, hop, far, near, start=dev.arn) == "user/dev -> assume role/near"
    assert path(dev, hop, far, start=dev.arn) == "user/dev -> assume role/hop -> assume role/far"


def test_conditional_administrator_ends_a_conditional_path() -> None:
    mfa_everything = {"Effect": "Deny", "NotAction": "iam:EnableMFADevice", "Resource": "*",
                      "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    boss = user("boss", allow("*"), mfa_everything)
    found = EscalationGraph([boss]).path_to_admin(boss.arn)
    assert found is not None and not found.definite
    assert found.describe() == "user/boss -> user/boss may do everything"
    assert all("aws:multifactorauthpresent" in c for c in found.conditions)
    dev = user("dev", allow("iam:CreateAccessKey"))
    found = EscalationGraph([dev, boss]).path_to_admin(dev.arn)
    assert found is not None and found.describe() == (
        "user/dev -> create an access key for user/boss -> user/boss may do everything")


def test_conditional_scp_deny_makes_the_hop_conditional_and_names_the_scp() -> None:
    dev = user("dev", allow("sts:AssumeRole"))
    ci = admin_role("ci", trusts({"AWS": A}))
    lock = {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}
    found = EscalationGraph([dev, ci], scp_levels={A: [[pol(allow("*"), lock)]]}
                            ).path_to_admin(dev.arn)
    assert found is not None and not found.definite
    assert found.hops[0].conditions == (
        "sts:AssumeRole unless an SCP denies it (StringNotEquals aws:requestedregion)",)


def test_launcher_label_names_its_region() -> None:
    dev = user("dev", allow("autoscaling:CreateAutoScalingGroup"))
    admin = admin_role("admin", trusts({"Service": "ec2.amazonaws.com"}))
    config = Launcher("launch configuration", "web", A, (admin.arn,), region="eu-west-1")
    assert path(dev, admin, start=dev.arn, launchers=[config]) == (
        "user/dev -> launch an Auto Scaling group from launch configuration web in eu-west-1 "
        "(role/admin)")


def test_launchers_of_another_account_give_no_edge() -> None:
    dev = user("dev", allow("autoscaling:CreateAutoScalingGroup"))
    admin = admin_role("admin", trusts({"Service": "ec2.amazonaws.com"}))
    config = Launcher("launch configuration", "web", B, (admin.arn,))
    assert path(dev, admin, start=dev.arn, launchers=[config]) is None
