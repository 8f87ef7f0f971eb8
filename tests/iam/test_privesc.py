"""Privilege-escalation detection and the admin test."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.analysis.iam import (
    FAMILIES,
    METHODS,
    Decision,
    EscalationMethod,
    escalation_paths,
    principal_is_admin,
)

RHINO = [m for m in METHODS if m.source == "rhino"]
ROLE_APPS = "arn:aws:iam::123456789012:role/app-*"


def pol(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


ADMIN = pol(allow("*"))
READ_ONLY = pol(
    allow(["s3:Get*", "s3:List*", "ec2:Describe*", "iam:Get*", "iam:List*", "lambda:List*"]),
    allow("cloudformation:Describe*"),
)
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def names(findings: list[Any]) -> set[str]:
    return {f.method for f in findings}


# --- the table -----------------------------------------------------------------------------


def test_table_has_all_rhino_methods_and_prowler_keys() -> None:
    assert len(RHINO) == 26
    prowler_keys = [m.name for m in METHODS if m.source == "prowler"]
    prowler_keys += [alias for m in METHODS for alias in m.aliases]
    assert len(prowler_keys) == len(set(prowler_keys)) == 101
    assert len(METHODS) == 105


def test_table_is_deduplicated_and_well_formed() -> None:
    action_sets = [frozenset(a.lower() for a in m.actions) for m in METHODS]
    assert len(set(action_sets)) == len(METHODS)
    assert len({m.name for m in METHODS}) == len(METHODS)
    for method in METHODS:
        assert method.family in FAMILIES, method
        assert method.source in ("rhino", "prowler"), method
        assert all(":" in a for a in method.actions), method


# --- detection -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", [pytest.param(m, id=m.name) for m in RHINO])
def test_each_rhino_method_is_detected_from_exactly_its_actions(method: EscalationMethod) -> None:
    policy = pol(allow(list(method.actions)))
    every = escalation_paths([policy], minimal=False)
    (finding,) = [f for f in every if f.method == method.name]
    assert finding.decision is Decision.ALLOW
    assert finding.family == method.family and finding.actions == method.actions
    # minimal findings: the method itself or a strict subset of its actions
    wanted = {a.lower() for a in method.actions}
    minimal = escalation_paths([policy])
    assert minimal and all({a.lower() for a in f.actions} <= wanted for f in minimal)


def test_read_only_policy_has_no_escalation() -> None:
    assert escalation_paths([READ_ONLY]) == []


def test_no_policies_no_escalation() -> None:
    assert escalation_paths([]) == []


def test_deny_in_same_policy_removes_method() -> None:
    policy = pol(allow(["iam:CreateAccessKey", "iam:ListUsers"]), deny("iam:CreateAccessKey"))
    assert escalation_paths([policy]) == []


def test_deny_in_other_policy_removes_method() -> None:
    found = escalation_paths([ADMIN, pol(deny(["iam:*", "sts:*"]))])
    assert found and not [f for f in found if any(a.startswith("iam:") for a in f.actions)]


def test_conditional_grant_is_conditional() -> None:
    policy = pol(allow("iam:CreateAccessKey", Condition=MFA))
    (finding,) = escalation_paths([policy])
    assert finding.method == "CreateAccessKey" and finding.decision is Decision.CONDITIONAL
    with_mfa = escalation_paths([policy], context={"aws:MultiFactorAuthPresent": True})
    assert [f.decision for f in with_mfa] == [Decision.ALLOW]
    assert escalation_paths([policy], context={"aws:MultiFactorAuthPresent": False}) == []


def test_conditional_deny_makes_finding_conditional() -> None:
    policy = pol(allow("iam:CreateAccessKey"), deny("iam:*", Condition=MFA))
    (finding,) = escalation_paths([policy])
    assert finding.decision is Decision.CONDITIONAL


def test_resource_scoped_passrole_is_conditional() -> None:
    policy = pol(allow("iam:PassRole", ROLE_APPS), allow("ec2:RunInstances"))
    (finding,) = escalation_paths([policy])
    assert finding.method == "CreateEC2WithExistingIP"
    assert finding.decision is Decision.CONDITIONAL


def test_mixed_definite_and_conditional_actions() -> None:
    policy = pol(
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"]), allow("iam:PassRole", ROLE_APPS)
    )
    decisions = {f.method: f.decision for f in escalation_paths([policy])}
    assert decisions == {"PassExistingRoleToNewLambdaThenInvoke": Decision.CONDITIONAL}


def test_boundary_blocks_escalation() -> None:
    assert escalation_paths([ADMIN], boundary=pol(allow(["s3:*", "ec2:Describe*"]))) == []


def test_boundary_allows_only_what_it_lists() -> None:
    found = escalation_paths([ADMIN], boundary=pol(allow(["iam:CreateAccessKey", "s3:*"])))
    assert names(found) == {"CreateAccessKey"}


def test_scp_levels_block_escalation() -> None:
    scps = ([pol(allow("*"))], [pol(allow("*"), deny(["iam:*", "sts:*", "lambda:*"]))])
    found = escalation_paths([ADMIN], scp_levels=scps)
    assert found
    for finding in found:
        assert not any(a.split(":")[0] in ("iam", "sts", "lambda") for a in finding.actions)


def test_notaction_iam_policy_is_admin_minus_iam() -> None:
    found = escalation_paths([pol({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})])
    families = {f.family for f in found}
    assert "iam-policy" not in families and "iam-credentials" not in families
    assert not [f for f in found if "iam:PassRole" in f.actions]
    assert {"EditExistingLambdaFunctionWithRole", "SSMSendCommand"} <= names(found)
    assert all(f.decision is Decision.ALLOW for f in found)


def test_notaction_deny_keeps_listed_actions() -> None:
    policy = pol(
        allow("*"), {"Effect": "Deny", "NotAction": ["iam:CreateAccessKey"], "Resource": "*"}
    )
    assert names(escalation_paths([policy])) == {"CreateAccessKey"}


def test_minimal_rule_drops_supersets() -> None:
    policy = pol(allow(["iam:CreateAccessKey", "iam:DeleteAccessKey"]))
    assert names(escalation_paths([policy])) == {"CreateAccessKey"}
    assert names(escalation_paths([policy], minimal=False)) == {
        "CreateAccessKey",
        "CreateAccessKey+DeleteAccessKey",
    }


def test_wildcard_requirements_need_the_whole_wildcard() -> None:
    explicit = pol(allow(["iam:PutUserPolicy", "iam:PutRolePolicy", "iam:PutGroupPolicy"]))
    assert "IAMPut" not in names(escalation_paths([explicit], minimal=False))
    put_star = pol(allow("iam:Put*"))
    assert "IAMPut" in names(escalation_paths([put_star], minimal=False))
    assert "IAMPut" not in names(escalation_paths([put_star]))  # PutUserPolicy etc. suffice
    iam_star = escalation_paths([pol(allow("iam:*"))], minimal=False)
    assert {"OverPermissiveIAM", "IAMPut"} <= names(iam_star)


def test_admin_reports_all_minimal_methods_as_allow() -> None:
    found = escalation_paths([ADMIN])
    assert len(found) > 50
    assert all(f.decision is Decision.ALLOW for f in found)
    assert len(escalation_paths([ADMIN], minimal=False)) == len(METHODS)


def test_findings_are_frozen_and_hashable() -> None:
    (finding,) = escalation_paths([pol(allow("iam:CreateLoginProfile"))])
    assert hash(finding)
    with pytest.raises(AttributeError):
        finding.method = "x"  # type: ignore[misc]


def test_custom_method_table() -> None:
    custom = [EscalationMethod("KmsDecrypt", ("kms:Decrypt",), "other", "custom")]
    found = escalation_paths([pol(allow("kms:*"))], methods=custom)
    assert names(found) == {"KmsDecrypt"}


def test_json_string_policies_are_accepted() -> None:
    text = (
        '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:Attach*",'
        '"Resource":"*"}}'
    )
    assert {"AttachUserPolicy", "AttachGroupPolicy"} <= names(escalation_paths([text]))


# --- principal_is_admin --------------------------------------------------------------------

ADMIN_CASES = [
    pytest.param([ADMIN], {}, True, id="star-on-star"),
    pytest.param([pol(allow("*:*"))], {}, True, id="star-colon-star"),
    pytest.param([pol(allow("iam:*")), pol(allow("s3:*"))], {}, False, id="service-wildcards"),
    pytest.param(
        [pol({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
        {},
        False,
        id="notaction-iam-is-not-admin",
    ),
    pytest.param(
        [pol({"Effect": "Allow", "NotAction": "x-unused:*", "Resource": "*"})],
        {},
        True,
        id="notaction-excluding-nothing-relevant-is-admin",
    ),
    pytest.param([pol(allow("*", "arn:aws:s3:::b/*"))], {}, False, id="resource-scoped"),
    pytest.param([pol(allow("*", Condition=MFA))], {}, False, id="conditional-unknown-context"),
    pytest.param(
        [pol(allow("*", Condition=MFA))],
        {"context": {"aws:MultiFactorAuthPresent": "true"}},
        True,
        id="conditional-satisfied-context",
    ),
    pytest.param(
        [ADMIN, pol(deny("s3:*", "arn:aws:s3:::secret/*"))],
        {},
        True,
        id="deny-on-one-bucket-still-admin",
    ),
    pytest.param([ADMIN, pol(deny("iam:*"))], {}, False, id="deny-iam"),
    pytest.param([ADMIN], {"boundary": pol(allow("s3:*"))}, False, id="boundary-limits"),
    pytest.param([ADMIN], {"boundary": ADMIN}, True, id="admin-boundary"),
    pytest.param(
        [ADMIN],
        {"scp_levels": ([pol(allow("*"))], [pol(allow("*"), deny("iam:CreatePolicyVersion"))])},
        False,
        id="scp-denies-iam-action",
    ),
    pytest.param([READ_ONLY], {}, False, id="read-only"),
]


@pytest.mark.parametrize(("policies", "kwargs", "expected"), ADMIN_CASES)
def test_principal_is_admin(policies: list[Any], kwargs: dict[str, Any], expected: bool) -> None:
    assert principal_is_admin(policies, **kwargs) is expected


# --- self-service grants and immutable targets (issue 13, items 3 and 4) --------------------

SELF = "arn:aws:iam::*:user/${aws:username}"


def methods_of(*statements: dict[str, Any], **kwargs: Any) -> dict[str, Decision]:
    return {f.method: f.decision for f in escalation_paths([pol(*statements)], **kwargs)}


@pytest.mark.parametrize("action", ["iam:CreateAccessKey", "iam:CreateLoginProfile",
                                    "iam:UpdateLoginProfile"])
def test_own_credentials_are_not_an_escalation(action: str) -> None:
    assert methods_of(allow([action, "iam:DeleteAccessKey"], SELF)) == {}
    assert methods_of(allow(action, "arn:aws:iam::*:user/*")) != {}


def test_own_credentials_next_to_a_grant_on_others_still_count() -> None:
    found = methods_of(allow("iam:CreateAccessKey", SELF),
                       allow("iam:CreateAccessKey", "arn:aws:iam::1:user/ops"))
    assert found == {"CreateAccessKey": Decision.CONDITIONAL}


@pytest.mark.parametrize("action", ["iam:PutUserPolicy", "iam:AttachUserPolicy"])
def test_own_user_policy_change_is_definite(action: str) -> None:
    assert set(methods_of(allow(action, SELF)).values()) == {Decision.ALLOW}


def test_own_user_policy_change_under_a_condition_stays_conditional() -> None:
    found = methods_of(allow("iam:PutUserPolicy", SELF, Condition=MFA))
    assert set(found.values()) == {Decision.CONDITIONAL}


def test_own_user_policy_change_with_a_boundary_stays_conditional() -> None:
    found = methods_of(allow("iam:PutUserPolicy", SELF), boundary=pol(allow("iam:*")))
    assert set(found.values()) == {Decision.CONDITIONAL}


@pytest.mark.parametrize("action", ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"])
def test_aws_managed_policies_are_immutable(action: str) -> None:
    assert methods_of(allow(action, "arn:aws:iam::aws:policy/*")) == {}
    assert methods_of(allow(action, "arn:aws:iam::1:policy/*")) != {}


@pytest.mark.parametrize("action", ["iam:PutRolePolicy", "iam:AttachRolePolicy",
                                    "iam:UpdateAssumeRolePolicy"])
def test_sso_reserved_roles_cannot_be_changed(action: str) -> None:
    sso = "arn:aws:iam::1:role/aws-reserved/sso.amazonaws.com/*"
    assert methods_of(allow([action, "sts:AssumeRole"], sso)) == {}
    assert methods_of(allow([action, "sts:AssumeRole"], "arn:aws:iam::1:role/*")) != {}


def test_passed_to_service_limits_pass_role_methods() -> None:
    glue_only = allow("iam:PassRole", Condition={
        "StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}})
    launch = allow(["lambda:CreateFunction", "lambda:InvokeFunction", "glue:CreateDevEndpoint",
                    "glue:GetDevEndpoint"])
    found = methods_of(glue_only, launch)
    assert "PassExistingRoleToNewLambdaThenInvoke" not in found
    assert "PassRole+GlueCreateDevEndpoint" in found


def test_passed_to_service_like_pattern_matches_its_services() -> None:
    lambda_like = allow("iam:PassRole", Condition={
        "StringLike": {"iam:PassedToService": "lambda.*"}})
    assert "PassExistingRoleToNewLambdaThenInvoke" in methods_of(
        lambda_like, allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))
