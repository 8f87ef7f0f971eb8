"""Named policy-evaluation cases, one or more per edge case of catalog §4.1."""

from __future__ import annotations

import json
import pickle
from typing import Any, NamedTuple

import pytest

from pytest_awscompliance.analysis.iam import (
    Decision,
    PolicyError,
    allows,
    evaluate,
    is_full_admin,
    parse_policy,
    service_wildcards,
)

ALLOW = Decision.ALLOW
DENY = Decision.DENY
IMPLICIT = Decision.IMPLICIT_DENY
COND = Decision.CONDITIONAL

ACCT = "123456789012"
ROLE_APP = f"arn:aws:iam::{ACCT}:role/app-web"
ROLE_ADMIN = f"arn:aws:iam::{ACCT}:role/admin"


def stmt(effect: str, action: Any = None, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    """A statement; pass ``not_action=``/``not_resource=``/``condition=`` as needed."""
    st: dict[str, Any] = {"Effect": effect}
    if "not_action" in extra:
        st["NotAction"] = extra.pop("not_action")
    else:
        st["Action"] = action
    if "not_resource" in extra:
        st["NotResource"] = extra.pop("not_resource")
    else:
        st["Resource"] = resource
    if "condition" in extra:
        st["Condition"] = extra.pop("condition")
    assert not extra, extra
    return st


def allow(action: Any = None, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return stmt("Allow", action, resource, **extra)


def deny(action: Any = None, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return stmt("Deny", action, resource, **extra)


def pol(*statements: dict[str, Any], version: str = "2012-10-17") -> dict[str, Any]:
    return {"Version": version, "Statement": list(statements)}


ADMIN = pol(allow("*"))
MFA_EXEMPT = ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "sts:GetSessionToken"]
MFA_DENY = pol(
    deny(
        not_action=MFA_EXEMPT,
        condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    )
)


def cond_allow(operator: str, key: str, value: Any, action: str = "s3:GetObject") -> dict[str, Any]:
    return pol(allow(action, condition={operator: {key: value}}))


class Case(NamedTuple):
    id: str
    policies: list[Any]
    action: str
    expected: Decision
    resource: str | None = None
    context: dict[str, Any] | None = None
    boundary: Any = None
    scps: tuple[list[Any], ...] = ()


CASES = [
    # --- 1. shapes -----------------------------------------------------------------------
    Case(
        "shape-statement-is-a-single-object",
        [{"Version": "2012-10-17", "Statement": allow("s3:GetObject")}],
        "s3:GetObject",
        ALLOW,
    ),
    Case(
        "shape-action-list-and-resource-list",
        [pol(allow(["s3:GetObject", "iam:PassRole"], [ROLE_APP, "*"]))],
        "iam:PassRole",
        ALLOW,
    ),
    Case(
        "shape-json-string-document-as-s3-returns-it",
        [json.dumps(pol(allow("s3:GetObject")))],
        "s3:GetObject",
        ALLOW,
    ),
    Case("shape-empty-statement-list-is-implicit-deny", [pol()], "s3:GetObject", IMPLICIT),
    Case("shape-no-policies-at-all-is-implicit-deny", [], "s3:GetObject", IMPLICIT),
    # --- 2. action matching ----------------------------------------------------------------
    Case(
        "action-case-insensitive-service-and-name",
        [pol(allow("IAM:listaccesskeys"))],
        "iam:ListAccessKeys",
        ALLOW,
    ),
    Case(
        "action-infix-wildcard-matches",
        [pol(allow("iam:*AccessKey*"))],
        "iam:CreateAccessKey",
        ALLOW,
    ),
    Case(
        "action-infix-wildcard-does-not-match-other-name",
        [pol(allow("iam:*AccessKey*"))],
        "iam:CreateUser",
        IMPLICIT,
    ),
    Case(
        "action-question-mark-is-exactly-one-char",
        [pol(allow("s3:Get?bject"))],
        "s3:GetObject",
        ALLOW,
    ),
    Case(
        "action-question-mark-does-not-match-longer-name",
        [pol(allow("s3:Get?bject"))],
        "s3:GetObjectAcl",
        IMPLICIT,
    ),
    Case("action-star-is-every-action", [pol(allow("*"))], "kms:Decrypt", ALLOW),
    Case("action-star-colon-star-is-every-action", [pol(allow("*:*"))], "kms:Decrypt", ALLOW),
    Case(
        "action-regex-dot-is-literal",
        [pol(allow("s3:Get.bject"))],
        "s3:GetObject",
        IMPLICIT,
    ),
    Case(
        "action-service-wildcard-does-not-cover-similar-prefix",
        [pol(allow("s3:*"))],
        "s3express:CreateSession",
        IMPLICIT,
    ),
    Case(
        "action-wildcard-in-service-part",
        [pol(allow("s3*:Create*"))],
        "s3express:CreateSession",
        ALLOW,
    ),
    # --- 4./5. NotAction -------------------------------------------------------------------
    Case(
        "notaction-allow-grants-every-other-service",
        [pol(allow(not_action="iam:*"))],
        "s3:GetObject",
        ALLOW,
    ),
    Case(
        "notaction-allow-does-not-grant-listed-actions",
        [pol(allow(not_action="iam:*"))],
        "IAM:CreateUser",
        IMPLICIT,
    ),
    Case(
        "notaction-allow-with-misspelled-action-excludes-nothing",
        [pol(allow(not_action="iam:CreatUser"))],
        "iam:CreateUser",
        ALLOW,
    ),
    Case(
        "notaction-allow-is-still-limited-by-resource",
        [pol(allow(not_action="iam:*", resource="arn:aws:s3:::logs/*"))],
        "ec2:TerminateInstances",
        IMPLICIT,
        resource=f"arn:aws:ec2:eu-west-1:{ACCT}:instance/i-0abc",
    ),
    Case(
        "notaction-deny-mfa-pattern-spares-listed-action-without-mfa",
        [ADMIN, MFA_DENY],
        "iam:CreateVirtualMFADevice",
        ALLOW,
        context={"aws:MultiFactorAuthPresent": False},
    ),
    Case(
        "notaction-deny-mfa-pattern-denies-everything-else-without-mfa",
        [ADMIN, MFA_DENY],
        "s3:GetObject",
        DENY,
        context={"aws:MultiFactorAuthPresent": "false"},
    ),
    Case(
        "notaction-deny-mfa-pattern-ifexists-denies-when-key-absent",
        [ADMIN, MFA_DENY],
        "s3:GetObject",
        DENY,
        context={},
    ),
    Case(
        "notaction-deny-mfa-pattern-allows-with-mfa",
        [ADMIN, MFA_DENY],
        "s3:GetObject",
        ALLOW,
        context={"aws:MultiFactorAuthPresent": "true"},
    ),
    Case(
        "notaction-deny-mfa-pattern-unknown-context-is-conditional",
        [ADMIN, MFA_DENY],
        "s3:GetObject",
        COND,
    ),
    # --- 6. deny wins ----------------------------------------------------------------------
    Case(
        "deny-in-another-policy-wins-over-allow",
        [ADMIN, pol(deny("s3:*"))],
        "s3:DeleteBucket",
        DENY,
    ),
    Case(
        "deny-with-different-action-case-still-wins",
        [ADMIN, pol(deny("S3:deletebucket"))],
        "s3:DeleteBucket",
        DENY,
    ),
    # --- 7. three-valued conditions --------------------------------------------------------
    Case(
        "conditional-allow-unknown-context-is-conditional",
        [cond_allow("StringEquals", "aws:RequestedRegion", "eu-west-1")],
        "s3:GetObject",
        COND,
    ),
    Case(
        "conditional-allow-condition-true-is-allow",
        [cond_allow("StringEquals", "aws:RequestedRegion", "eu-west-1")],
        "s3:GetObject",
        ALLOW,
        context={"aws:RequestedRegion": "eu-west-1"},
    ),
    Case(
        "conditional-allow-condition-false-is-implicit-deny",
        [cond_allow("StringEquals", "aws:RequestedRegion", "eu-west-1")],
        "s3:GetObject",
        IMPLICIT,
        context={"aws:RequestedRegion": "us-east-1"},
    ),
    Case(
        "conditional-deny-unknown-context-not-applied-but-conditional",
        [ADMIN, pol(deny("s3:*", condition={"Bool": {"aws:SecureTransport": "false"}}))],
        "s3:GetObject",
        COND,
    ),
    Case(
        "conditional-deny-condition-true-denies",
        [ADMIN, pol(deny("s3:*", condition={"Bool": {"aws:SecureTransport": "false"}}))],
        "s3:GetObject",
        DENY,
        context={"aws:SecureTransport": False},
    ),
    Case(
        "conditional-deny-condition-false-allows",
        [ADMIN, pol(deny("s3:*", condition={"Bool": {"aws:SecureTransport": "false"}}))],
        "s3:GetObject",
        ALLOW,
        context={"aws:SecureTransport": True},
    ),
    Case(
        "conditional-deny-without-any-allow-stays-implicit-deny",
        [pol(deny("s3:*", condition={"Bool": {"aws:SecureTransport": "false"}}))],
        "s3:GetObject",
        IMPLICIT,
    ),
    # --- 8. condition operators ------------------------------------------------------------
    Case(
        "cond-string-equals-values-are-case-sensitive",
        [cond_allow("StringEquals", "aws:PrincipalTag/team", "Dev")],
        "s3:GetObject",
        IMPLICIT,
        context={"aws:PrincipalTag/team": "dev"},
    ),
    Case(
        "cond-string-equals-ignore-case",
        [cond_allow("StringEqualsIgnoreCase", "aws:PrincipalTag/team", "Dev")],
        "s3:GetObject",
        ALLOW,
        context={"aws:PrincipalTag/team": "DEV"},
    ),
    Case(
        "cond-keys-are-case-insensitive",
        [cond_allow("StringEquals", "AWS:requestedREGION", "eu-west-1")],
        "s3:GetObject",
        ALLOW,
        context={"aws:RequestedRegion": "eu-west-1"},
    ),
    Case(
        "cond-several-values-for-one-key-are-ored",
        [cond_allow("StringEquals", "aws:RequestedRegion", ["us-east-1", "eu-west-1"])],
        "s3:GetObject",
        ALLOW,
        context={"aws:RequestedRegion": "eu-west-1"},
    ),
    Case(
        "cond-several-keys-are-anded",
        [
            pol(
                allow(
                    "s3:GetObject",
                    condition={
                        "StringEquals": {"aws:RequestedRegion": "eu-west-1"},
                        "Bool": {"aws:SecureTransport": "true"},
                    },
                )
            )
        ],
        "s3:GetObject",
        IMPLICIT,
        context={"aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": "false"},
    ),
    Case(
        "cond-string-like-glob",
        [cond_allow("StringLike", "s3:prefix", "home/alice/*", "s3:ListBucket")],
        "s3:ListBucket",
        ALLOW,
        context={"s3:prefix": "home/alice/docs/x"},
    ),
    Case(
        "cond-numeric-less-than",
        [cond_allow("NumericLessThan", "aws:MultiFactorAuthAge", "3600")],
        "s3:GetObject",
        IMPLICIT,
        context={"aws:MultiFactorAuthAge": 7200},
    ),
    Case(
        "cond-date-greater-than-iso8601",
        [cond_allow("DateGreaterThan", "aws:CurrentTime", "2024-01-01T00:00:00Z")],
        "s3:GetObject",
        ALLOW,
        context={"aws:CurrentTime": "2025-06-30T12:00:00Z"},
    ),
    Case(
        "cond-bool-json-true-equals-string-true",
        [cond_allow("Bool", "aws:SecureTransport", True)],
        "s3:GetObject",
        ALLOW,
        context={"aws:SecureTransport": "true"},
    ),
    Case(
        "cond-ip-address-in-cidr",
        [cond_allow("IpAddress", "aws:SourceIp", "203.0.113.0/24")],
        "s3:GetObject",
        ALLOW,
        context={"aws:SourceIp": "203.0.113.7"},
    ),
    Case(
        "cond-not-ip-address-matches-when-key-absent",
        [cond_allow("NotIpAddress", "aws:SourceIp", "203.0.113.0/24")],
        "s3:GetObject",
        ALLOW,
        context={},
    ),
    Case(
        "cond-string-not-equals-matches-when-key-absent",
        [cond_allow("StringNotEquals", "aws:PrincipalTag/team", "intern")],
        "s3:GetObject",
        ALLOW,
        context={},
    ),
    Case(
        "cond-arn-like-segment-wildcard",
        [cond_allow("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{ACCT}:role/ci-*")],
        "s3:GetObject",
        ALLOW,
        context={"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:role/ci-deploy"},
    ),
    Case(
        "cond-arn-not-like-matches-when-key-absent",
        [cond_allow("ArnNotLike", "aws:PrincipalArn", f"arn:aws:iam::{ACCT}:role/ci-*")],
        "s3:GetObject",
        ALLOW,
        context={},
    ),
    Case(
        "cond-null-true-means-key-absent",
        [cond_allow("Null", "aws:TokenIssueTime", "true")],
        "s3:GetObject",
        ALLOW,
        context={},
    ),
    Case(
        "cond-null-true-fails-when-key-present",
        [cond_allow("Null", "aws:TokenIssueTime", "true")],
        "s3:GetObject",
        IMPLICIT,
        context={"aws:TokenIssueTime": "2025-01-01T00:00:00Z"},
    ),
    Case(
        "cond-ifexists-true-when-key-absent",
        [cond_allow("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", "ec2:RunInstances")],
        "ec2:RunInstances",
        ALLOW,
        context={},
    ),
    Case(
        "cond-ifexists-checks-value-when-key-present",
        [cond_allow("StringEqualsIfExists", "ec2:InstanceType", "t3.micro", "ec2:RunInstances")],
        "ec2:RunInstances",
        IMPLICIT,
        context={"ec2:InstanceType": "p4d.24xlarge"},
    ),
    Case(
        "cond-positive-operator-absent-key-is-false",
        [cond_allow("StringEquals", "aws:PrincipalTag/team", "dev")],
        "s3:GetObject",
        IMPLICIT,
        context={"aws:RequestedRegion": "eu-west-1"},
    ),
    Case(
        "cond-forallvalues-absent-key-is-vacuously-true",
        [cond_allow("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"])],
        "s3:GetObject",
        ALLOW,
        context={},
    ),
    Case(
        "cond-forallvalues-one-value-outside-set-fails",
        [cond_allow("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"])],
        "s3:GetObject",
        IMPLICIT,
        context={"aws:TagKeys": ["env", "owner"]},
    ),
    Case(
        "cond-foranyvalue-absent-key-is-false",
        [cond_allow("ForAnyValue:StringEquals", "aws:TagKeys", ["env"])],
        "s3:GetObject",
        IMPLICIT,
        context={},
    ),
    Case(
        "cond-foranyvalue-one-value-in-set-is-enough",
        [cond_allow("ForAnyValue:StringEquals", "aws:TagKeys", ["env"])],
        "s3:GetObject",
        ALLOW,
        context={"aws:TagKeys": ["owner", "env"]},
    ),
    # --- 9. resources ----------------------------------------------------------------------
    Case(
        "resource-matching-is-case-sensitive",
        [pol(allow("s3:GetObject", "arn:aws:s3:::MyBucket/*"))],
        "s3:GetObject",
        IMPLICIT,
        resource="arn:aws:s3:::mybucket/key",
    ),
    Case(
        "resource-star-inside-segment",
        [pol(allow("iam:PassRole", "arn:aws:iam::*:role/app-*"))],
        "iam:PassRole",
        ALLOW,
        resource=ROLE_APP,
    ),
    Case(
        "resource-segment-star-does-not-cross-colon",
        [pol(allow("lambda:InvokeFunction", f"arn:aws:lambda:*:{ACCT}:function:f"))],
        "lambda:InvokeFunction",
        IMPLICIT,
        resource=f"arn:aws:lambda:us-east-1:extra:{ACCT}:function:f",
    ),
    Case(
        "resource-trailing-star-runs-past-colon",
        [pol(allow("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:*"))],
        "lambda:InvokeFunction",
        ALLOW,
        resource=f"arn:aws:lambda:us-east-1:{ACCT}:function:f",
    ),
    Case(
        "resource-star-spans-slashes",
        [pol(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))],
        "s3:GetObject",
        ALLOW,
        resource="arn:aws:s3:::bucket/a/b/c.txt",
    ),
    Case(
        "resource-unknown-with-specific-arn-is-conditional",
        [pol(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))],
        "s3:GetObject",
        COND,
    ),
    Case(
        "resource-unknown-with-star-is-allow",
        [pol(allow("s3:GetObject", "*"))],
        "s3:GetObject",
        ALLOW,
    ),
    # --- 9. policy variables ---------------------------------------------------------------
    Case(
        "variable-username-resolved-matches-own-user",
        [pol(allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCT}:user/${{aws:username}}"))],
        "iam:CreateAccessKey",
        ALLOW,
        resource=f"arn:aws:iam::{ACCT}:user/alice",
        context={"aws:username": "alice"},
    ),
    Case(
        "variable-username-resolved-rejects-other-user",
        [pol(allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCT}:user/${{aws:username}}"))],
        "iam:CreateAccessKey",
        IMPLICIT,
        resource=f"arn:aws:iam::{ACCT}:user/bob",
        context={"aws:username": "alice"},
    ),
    Case(
        "variable-unresolved-with-a-context-matches-no-resource",
        [pol(allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCT}:user/${{aws:username}}"))],
        "iam:CreateAccessKey",
        IMPLICIT,
        resource=f"arn:aws:iam::{ACCT}:user/bob",
        context={},
    ),
    Case(
        "variable-unresolved-without-a-context-is-conditional",
        [pol(allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCT}:user/${{aws:username}}"))],
        "iam:CreateAccessKey",
        COND,
        resource=f"arn:aws:iam::{ACCT}:user/bob",
    ),
    Case(
        "variable-principal-tag-in-resource",
        [pol(allow("s3:GetObject", "arn:aws:s3:::data/${aws:PrincipalTag/team}/*"))],
        "s3:GetObject",
        ALLOW,
        resource="arn:aws:s3:::data/payments/report.csv",
        context={"aws:PrincipalTag/team": "payments"},
    ),
    Case(
        "variable-value-is-a-literal-not-a-wildcard",
        [pol(allow("s3:GetObject", "arn:aws:s3:::data/${aws:PrincipalTag/team}/x"))],
        "s3:GetObject",
        IMPLICIT,
        resource="arn:aws:s3:::data/payments/x",
        context={"aws:PrincipalTag/team": "*"},
    ),
    Case(
        "variable-escape-star-is-literal-star",
        [pol(allow("s3:GetObject", "arn:aws:s3:::bucket/${*}"))],
        "s3:GetObject",
        IMPLICIT,
        resource="arn:aws:s3:::bucket/anything",
        context={},
    ),
    Case(
        "variable-default-value-used-when-key-absent",
        [pol(allow("s3:GetObject", "arn:aws:s3:::data/${aws:PrincipalTag/team, 'shared'}/*"))],
        "s3:GetObject",
        ALLOW,
        resource="arn:aws:s3:::data/shared/x",
        context={},
    ),
    Case(
        "variable-in-2008-policy-is-a-literal",
        [
            pol(
                allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCT}:user/${{aws:username}}"),
                version="2008-10-17",
            )
        ],
        "iam:CreateAccessKey",
        ALLOW,
        resource=f"arn:aws:iam::{ACCT}:user/${{aws:username}}",
        context={"aws:username": "alice"},
    ),
    Case(
        "variable-in-2008-policy-does-not-substitute",
        [
            pol(
                allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCT}:user/${{aws:username}}"),
                version="2008-10-17",
            )
        ],
        "iam:CreateAccessKey",
        IMPLICIT,
        resource=f"arn:aws:iam::{ACCT}:user/alice",
        context={"aws:username": "alice"},
    ),
    Case(
        "variable-in-condition-value",
        [cond_allow("StringLike", "s3:prefix", "home/${aws:username}/*", "s3:ListBucket")],
        "s3:ListBucket",
        IMPLICIT,
        context={"aws:username": "alice", "s3:prefix": "home/bob/x"},
    ),
    # --- 10. NotResource -------------------------------------------------------------------
    Case(
        "notresource-allow-grants-every-other-resource",
        [pol(allow("s3:GetObject", not_resource="arn:aws:s3:::secret/*"))],
        "s3:GetObject",
        ALLOW,
        resource="arn:aws:s3:::public/x",
    ),
    Case(
        "notresource-allow-excludes-listed-resource",
        [pol(allow("s3:GetObject", not_resource="arn:aws:s3:::secret/*"))],
        "s3:GetObject",
        IMPLICIT,
        resource="arn:aws:s3:::secret/x",
    ),
    Case(
        "notresource-deny-denies-everything-else",
        [ADMIN, pol(deny("s3:*", not_resource="arn:aws:s3:::allowed/*"))],
        "s3:GetObject",
        DENY,
        resource="arn:aws:s3:::other/x",
    ),
    Case(
        "notresource-deny-spares-listed-resource",
        [ADMIN, pol(deny("s3:*", not_resource="arn:aws:s3:::allowed/*"))],
        "s3:GetObject",
        ALLOW,
        resource="arn:aws:s3:::allowed/x",
    ),
    Case(
        "notresource-allow-unknown-resource-is-conditional",
        [pol(allow("s3:GetObject", not_resource="arn:aws:s3:::secret/*"))],
        "s3:GetObject",
        COND,
    ),
    Case(
        "notresource-deny-unknown-resource-not-applied-but-conditional",
        [ADMIN, pol(deny("s3:*", not_resource="arn:aws:s3:::allowed/*"))],
        "s3:GetObject",
        COND,
    ),
    # --- 11. resource-scoped grants --------------------------------------------------------
    Case(
        "passrole-scoped-to-app-roles-is-conditional-for-any-role",
        [pol(allow("iam:PassRole", "arn:aws:iam::*:role/app-*"))],
        "iam:PassRole",
        COND,
    ),
    Case(
        "passrole-scoped-to-app-roles-does-not-cover-admin-role",
        [pol(allow("iam:PassRole", "arn:aws:iam::*:role/app-*"))],
        "iam:PassRole",
        IMPLICIT,
        resource=ROLE_ADMIN,
    ),
    Case(
        "deny-on-one-role-does-not-erase-grant-on-others",
        [pol(allow("iam:PassRole"), deny("iam:PassRole", ROLE_ADMIN))],
        "iam:PassRole",
        ALLOW,
        resource=ROLE_APP,
    ),
    Case(
        "deny-on-one-role-applies-to-that-role",
        [pol(allow("iam:PassRole"), deny("iam:PassRole", ROLE_ADMIN))],
        "iam:PassRole",
        DENY,
        resource=ROLE_ADMIN,
    ),
    Case(
        "deny-on-one-role-makes-any-role-query-conditional",
        [pol(allow("iam:PassRole"), deny("iam:PassRole", ROLE_ADMIN))],
        "iam:PassRole",
        COND,
    ),
    # --- 12. permissions boundary and SCP levels -------------------------------------------
    Case(
        "boundary-intersection-allows-common-action",
        [ADMIN],
        "s3:GetObject",
        ALLOW,
        boundary=pol(allow("s3:*")),
    ),
    Case(
        "boundary-without-allow-is-implicit-deny",
        [ADMIN],
        "iam:PassRole",
        IMPLICIT,
        boundary=pol(allow("s3:*")),
    ),
    Case(
        "boundary-alone-grants-nothing",
        [pol()],
        "s3:GetObject",
        IMPLICIT,
        boundary=pol(allow("s3:*")),
    ),
    Case(
        "boundary-conditional-allow-makes-result-conditional",
        [ADMIN],
        "s3:GetObject",
        COND,
        boundary=cond_allow("StringEquals", "aws:RequestedRegion", "eu-west-1", "s3:*"),
    ),
    Case(
        "boundary-deny-wins",
        [ADMIN],
        "s3:GetObject",
        DENY,
        boundary=pol(allow("*"), deny("s3:GetObject")),
    ),
    Case(
        "scp-policies-in-one-level-are-ored",
        [ADMIN],
        "iam:PassRole",
        ALLOW,
        scps=([pol(allow("s3:*")), pol(allow("iam:*"))],),
    ),
    Case(
        "scp-levels-are-anded",
        [ADMIN],
        "iam:PassRole",
        IMPLICIT,
        scps=([pol(allow("*"))], [pol(allow("s3:*"))]),
    ),
    Case(
        "scp-deny-at-root-wins",
        [ADMIN],
        "organizations:LeaveOrganization",
        DENY,
        scps=([pol(allow("*"), deny("organizations:LeaveOrganization"))], [pol(allow("*"))]),
    ),
    Case(
        "scp-level-with-no-policy-allows-nothing",
        [ADMIN],
        "s3:GetObject",
        IMPLICIT,
        scps=([pol(allow("*"))], []),
    ),
    Case(
        "scp-allow-does-not-grant-without-identity-allow",
        [pol()],
        "s3:GetObject",
        IMPLICIT,
        scps=([pol(allow("*"))],),
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_evaluate(case: Case) -> None:
    decision = evaluate(
        case.policies,
        case.action,
        case.resource,
        context=case.context,
        boundary=case.boundary,
        scp_levels=case.scps,
    )
    assert decision is case.expected
    expected_allows = case.expected is ALLOW
    assert (
        allows(
            case.policies,
            case.action,
            case.resource,
            context=case.context,
            boundary=case.boundary,
            scp_levels=case.scps,
        )
        is expected_allows
    )


def test_case_ids_are_unique() -> None:
    assert len({c.id for c in CASES}) == len(CASES) >= 45


# --- AWS semantics with a full request context, one case per documented rule -------------
# Every case cites the section of the IAM User Guide the rule comes from. A context (``{}``
# included) is the full request context; ``context=None`` is "nothing known" (three-valued).

OPS = "IAM JSON policy elements: Condition operators"
S_STRING = f"{OPS} - String condition operators"
S_NUMERIC = f"{OPS} - Numeric condition operators"
S_DATE = f"{OPS} - Date condition operators"
S_BOOL = f"{OPS} - Boolean condition operators"
S_BINARY = f"{OPS} - Binary condition operators"
S_IP = f"{OPS} - IP address condition operators"
S_ARN = f"{OPS} - Amazon Resource Name (ARN) condition operators"
S_IFEXISTS = "Condition operators: ...IfExists condition operators"
S_NULL = f"{OPS} - Condition operator to check existence of condition keys"
S_MISSING = "IAM JSON policy elements: Condition - The condition context key is not present"
S_SET = "Multivalued context keys - Set operators ForAllValues and ForAnyValue"
S_VAR_NONE = "Policy variables - Policy variables with no value"
S_VAR_DEFAULT = "Policy variables - Specifying default values"
S_VAR_SPECIAL = "Policy variables - Special characters"
S_VAR_WHERE = "Policy variables - Where you can use policy variables"
S_LOGIC = "Policy evaluation logic - Determining whether a request is allowed or denied"

USER_ALICE = f"arn:aws:iam::{ACCT}:user/alice"


class AwsCase(NamedTuple):
    id: str
    cite: str
    policies: list[Any]
    expected: Decision
    context: dict[str, Any] | None
    action: str = "s3:GetObject"
    resource: str | None = None


def cond_deny(operator: str, key: str, value: Any) -> list[dict[str, Any]]:
    """Admin plus one conditional Deny of everything: DENY iff the condition holds."""
    return [ADMIN, pol(deny("*", condition={operator: {key: value}}))]


def ca(operator: str, key: str, value: Any) -> list[dict[str, Any]]:
    """One conditional Allow of s3:GetObject: ALLOW iff the condition holds."""
    return [cond_allow(operator, key, value)]


TAG = "aws:PrincipalTag/team"
IP = "aws:SourceIp"
ARNKEY = "aws:PrincipalArn"
NOW = "aws:CurrentTime"
EPOCH = "aws:EpochTime"
AGE = "aws:MultiFactorAuthAge"
TAGKEYS = "aws:TagKeys"

AWS_CASES = [
    # --- String -----------------------------------------------------------------------
    AwsCase("str-equals-exact", S_STRING, ca("StringEquals", TAG, "dev"), ALLOW, {TAG: "dev"}),
    AwsCase(
        "str-equals-is-case-sensitive",
        S_STRING,
        ca("StringEquals", TAG, "dev"),
        IMPLICIT,
        {TAG: "Dev"},
    ),
    AwsCase(
        "str-equals-ignore-case",
        S_STRING,
        ca("StringEqualsIgnoreCase", TAG, "dev"),
        ALLOW,
        {TAG: "DEV"},
    ),
    AwsCase(
        "str-not-equals-ignore-case-same-word",
        S_STRING,
        ca("StringNotEqualsIgnoreCase", TAG, "dev"),
        IMPLICIT,
        {TAG: "DEV"},
    ),
    AwsCase(
        "str-not-equals-other-value",
        S_STRING,
        ca("StringNotEquals", TAG, "dev"),
        ALLOW,
        {TAG: "ops"},
    ),
    AwsCase(
        "str-like-question-mark-one-char",
        S_STRING,
        ca("StringLike", TAG, "d?v"),
        ALLOW,
        {TAG: "dev"},
    ),
    AwsCase(
        "str-not-like-matching-value",
        S_STRING,
        ca("StringNotLike", TAG, "d*"),
        IMPLICIT,
        {TAG: "dev"},
    ),
    AwsCase(
        "str-not-like-non-matching-value",
        S_STRING,
        ca("StringNotLike", TAG, "d*"),
        ALLOW,
        {TAG: "ops"},
    ),
    # --- key absent from a full context -------------------------------------------------
    AwsCase(
        "absent-key-positive-operator-is-false",
        S_MISSING,
        ca("StringEquals", TAG, "dev"),
        IMPLICIT,
        {},
    ),
    AwsCase(
        "absent-key-positive-deny-does-not-apply",
        S_MISSING,
        cond_deny("StringEquals", TAG, "intern"),
        ALLOW,
        {},
    ),
    AwsCase(
        "absent-key-negated-deny-applies",
        S_MISSING,
        cond_deny("StringNotEquals", TAG, "admins"),
        DENY,
        {},
    ),
    AwsCase(
        "absent-key-numeric-positive-is-false",
        S_MISSING,
        ca("NumericLessThan", AGE, "3600"),
        IMPLICIT,
        {},
    ),
    AwsCase(
        "absent-key-numeric-negated-is-true",
        S_MISSING,
        ca("NumericNotEquals", AGE, "0"),
        ALLOW,
        {},
    ),
    AwsCase(
        "absent-key-arn-like-is-false",
        S_MISSING,
        ca("ArnLike", ARNKEY, "arn:aws:iam::*"),
        IMPLICIT,
        {},
    ),
    AwsCase(
        "absent-key-ip-address-is-false",
        S_MISSING,
        ca("IpAddress", IP, "10.0.0.0/8"),
        IMPLICIT,
        {},
    ),
    AwsCase(
        "absent-key-bool-is-false",
        S_MISSING,
        ca("Bool", "aws:SecureTransport", "true"),
        IMPLICIT,
        {},
    ),
    AwsCase(
        "empty-context-value-counts-as-absent",
        S_MISSING,
        ca("StringEquals", TAGKEYS, "env"),
        IMPLICIT,
        {TAGKEYS: []},
    ),
    # --- Numeric ------------------------------------------------------------------------
    AwsCase(
        "num-equals-integer-and-decimal",
        S_NUMERIC,
        ca("NumericEquals", AGE, "10"),
        ALLOW,
        {AGE: "10.0"},
    ),
    AwsCase(
        "num-greater-than-equals-boundary",
        S_NUMERIC,
        ca("NumericGreaterThanEquals", AGE, 3600),
        ALLOW,
        {AGE: 3600},
    ),
    AwsCase(
        "num-less-than-equals-above",
        S_NUMERIC,
        ca("NumericLessThanEquals", AGE, 3600),
        IMPLICIT,
        {AGE: 3601},
    ),
    AwsCase(
        "num-not-equals-other-number",
        S_NUMERIC,
        ca("NumericNotEquals", AGE, "0"),
        ALLOW,
        {AGE: "5"},
    ),
    AwsCase(
        "num-not-equals-on-non-number-does-not-match",
        S_NUMERIC,
        ca("NumericNotEquals", AGE, "0"),
        IMPLICIT,
        {AGE: "soon"},
    ),
    AwsCase(
        "num-not-equals-non-number-deny-does-not-apply",
        S_NUMERIC,
        cond_deny("NumericNotEquals", AGE, "0"),
        ALLOW,
        {AGE: "soon"},
    ),
    AwsCase(
        "num-equals-on-non-number-does-not-match",
        S_NUMERIC,
        ca("NumericEquals", AGE, "0"),
        IMPLICIT,
        {AGE: "zero"},
    ),
    # --- Date ---------------------------------------------------------------------------
    AwsCase(
        "date-epoch-seconds-context-vs-iso-policy",
        S_DATE,
        ca("DateLessThan", EPOCH, "2030-01-01T00:00:00Z"),
        ALLOW,
        {EPOCH: 1700000000},
    ),
    AwsCase(
        "date-epoch-is-seconds-not-milliseconds",
        S_DATE,
        ca("DateLessThan", EPOCH, "2030-01-01T00:00:00Z"),
        IMPLICIT,
        {EPOCH: 1700000000000},
    ),
    AwsCase(
        "date-epoch-seconds-in-policy",
        S_DATE,
        ca("DateGreaterThan", NOW, "1700000000"),
        ALLOW,
        {NOW: "2024-01-01T00:00:00Z"},
    ),
    AwsCase(
        "date-equals-across-utc-offsets",
        S_DATE,
        ca("DateEquals", NOW, "2024-01-01T00:00:00Z"),
        ALLOW,
        {NOW: "2024-01-01T01:00:00+01:00"},
    ),
    AwsCase(
        "date-greater-than-equals-date-only",
        S_DATE,
        ca("DateGreaterThanEquals", NOW, "2024-01-01"),
        ALLOW,
        {NOW: "2024-01-01T00:00:00Z"},
    ),
    AwsCase(
        "date-less-than-equals-fractional-seconds",
        S_DATE,
        ca("DateLessThanEquals", NOW, "2024-01-01T00:00:00.500Z"),
        IMPLICIT,
        {NOW: "2024-01-01T00:00:01Z"},
    ),
    AwsCase(
        "date-not-equals-on-non-date-does-not-match",
        S_DATE,
        ca("DateNotEquals", NOW, "2024-01-01T00:00:00Z"),
        IMPLICIT,
        {NOW: "yesterday"},
    ),
    # --- Bool / Binary ------------------------------------------------------------------
    AwsCase(
        "bool-json-false-matches-string-false",
        S_BOOL,
        ca("Bool", "aws:SecureTransport", False),
        ALLOW,
        {"aws:SecureTransport": "false"},
    ),
    AwsCase(
        "bool-is-case-insensitive",
        S_BOOL,
        ca("Bool", "aws:SecureTransport", "true"),
        ALLOW,
        {"aws:SecureTransport": "TRUE"},
    ),
    AwsCase(
        "bool-python-bool-context-value",
        S_BOOL,
        ca("Bool", "aws:SecureTransport", "true"),
        IMPLICIT,
        {"aws:SecureTransport": False},
    ),
    AwsCase(
        "binary-equals-base64-exact",
        S_BINARY,
        ca("BinaryEquals", "s3:x-amz-key", "QmluYXJ5"),
        ALLOW,
        {"s3:x-amz-key": "QmluYXJ5"},
    ),
    AwsCase(
        "binary-equals-other-bytes",
        S_BINARY,
        ca("BinaryEquals", "s3:x-amz-key", "QmluYXJ5"),
        IMPLICIT,
        {"s3:x-amz-key": "QmluYXJ6"},
    ),
    # --- IP address (IPv4 and IPv6) -------------------------------------------------------
    AwsCase(
        "ip-address-ipv6-in-cidr",
        S_IP,
        ca("IpAddress", IP, "2001:db8::/32"),
        ALLOW,
        {IP: "2001:db8:1234::1"},
    ),
    AwsCase(
        "ip-address-ipv6-not-in-ipv4-cidr",
        S_IP,
        ca("IpAddress", IP, "203.0.113.0/24"),
        IMPLICIT,
        {IP: "2001:db8::1"},
    ),
    AwsCase(
        "ip-address-ipv4-and-ipv6-ranges-ored",
        S_IP,
        ca("IpAddress", IP, ["203.0.113.0/24", "2001:db8::/32"]),
        ALLOW,
        {IP: "2001:db8::9"},
    ),
    AwsCase(
        "ip-address-single-host-without-mask",
        S_IP,
        ca("IpAddress", IP, "203.0.113.7"),
        ALLOW,
        {IP: "203.0.113.7"},
    ),
    AwsCase(
        "not-ip-address-inside-range",
        S_IP,
        ca("NotIpAddress", IP, "203.0.113.0/24"),
        IMPLICIT,
        {IP: "203.0.113.9"},
    ),
    AwsCase(
        "not-ip-address-ipv6-outside-range",
        S_IP,
        ca("NotIpAddress", IP, "2001:db8::/32"),
        ALLOW,
        {IP: "2001:db9::1"},
    ),
    AwsCase(
        "not-ip-address-on-non-address-does-not-match",
        S_IP,
        ca("NotIpAddress", IP, "203.0.113.0/24"),
        IMPLICIT,
        {IP: "lambda.amazonaws.com"},
    ),
    # --- ARN ------------------------------------------------------------------------------
    AwsCase(
        "arn-equals-exact",
        S_ARN,
        ca("ArnEquals", ARNKEY, ROLE_APP),
        ALLOW,
        {ARNKEY: ROLE_APP},
    ),
    AwsCase(
        "arn-not-equals-other-arn",
        S_ARN,
        ca("ArnNotEquals", ARNKEY, ROLE_APP),
        ALLOW,
        {ARNKEY: ROLE_ADMIN},
    ),
    AwsCase(
        "arn-like-on-non-arn-does-not-match",
        S_ARN,
        ca("ArnLike", ARNKEY, "*"),
        IMPLICIT,
        {ARNKEY: "not-an-arn"},
    ),
    AwsCase(
        "arn-not-like-on-non-arn-does-not-match",
        S_ARN,
        ca("ArnNotLike", ARNKEY, f"arn:aws:iam::{ACCT}:role/ci-*"),
        IMPLICIT,
        {ARNKEY: "not-an-arn"},
    ),
    AwsCase(
        "arn-not-like-non-arn-deny-does-not-apply",
        S_ARN,
        cond_deny("ArnNotLike", ARNKEY, f"arn:aws:iam::{ACCT}:role/ci-*"),
        ALLOW,
        {ARNKEY: "not-an-arn"},
    ),
    AwsCase(
        "arn-like-segment-wildcard-stays-in-segment",
        S_ARN,
        ca("ArnLike", ARNKEY, "arn:aws:iam::*:role/ci"),
        IMPLICIT,
        {ARNKEY: f"arn:aws:iam::{ACCT}:extra:role/ci"},
    ),
    # --- ...IfExists --------------------------------------------------------------------
    AwsCase(
        "ifexists-numeric-absent-is-true",
        S_IFEXISTS,
        ca("NumericLessThanIfExists", AGE, 3600),
        ALLOW,
        {},
    ),
    AwsCase(
        "ifexists-arn-present-non-matching-is-false",
        S_IFEXISTS,
        ca("ArnLikeIfExists", ARNKEY, "arn:aws:iam::*:role/ci-*"),
        IMPLICIT,
        {ARNKEY: ROLE_APP},
    ),
    AwsCase(
        "ifexists-negated-absent-is-true",
        S_IFEXISTS,
        ca("StringNotEqualsIfExists", TAG, "x"),
        ALLOW,
        {},
    ),
    AwsCase(
        "ifexists-mfa-deny-applies-without-mfa-key",
        S_IFEXISTS,
        [ADMIN, MFA_DENY],
        DENY,
        {},
        action="s3:ListAllMyBuckets",
    ),
    AwsCase(
        "ifexists-mfa-deny-spares-mfa-session",
        S_IFEXISTS,
        [ADMIN, MFA_DENY],
        ALLOW,
        {"aws:MultiFactorAuthPresent": True},
        action="s3:ListAllMyBuckets",
    ),
    # --- Null, also with set qualifiers ----------------------------------------------------
    AwsCase("null-false-key-present", S_NULL, ca("Null", TAG, "false"), ALLOW, {TAG: "dev"}),
    AwsCase("null-false-key-absent", S_NULL, ca("Null", TAG, "false"), IMPLICIT, {}),
    AwsCase(
        "null-true-empty-multivalued-key-is-absent",
        S_NULL,
        ca("Null", TAGKEYS, "true"),
        ALLOW,
        {TAGKEYS: []},
    ),
    AwsCase(
        "forallvalues-null-is-accepted-and-tests-presence",
        S_NULL,
        ca("ForAllValues:Null", TAGKEYS, "false"),
        ALLOW,
        {TAGKEYS: ["env"]},
    ),
    AwsCase(
        "foranyvalue-null-true-key-absent",
        S_NULL,
        ca("ForAnyValue:Null", TAGKEYS, "true"),
        ALLOW,
        {},
    ),
    AwsCase(
        "forallvalues-null-deny-does-not-erase-admin",
        S_NULL,
        cond_deny("ForAllValues:Null", TAGKEYS, "true"),
        ALLOW,
        {TAGKEYS: ["env"]},
    ),
    AwsCase(
        "forallvalues-null-deny-applies-when-key-absent",
        S_NULL,
        cond_deny("ForAllValues:Null", TAGKEYS, "true"),
        DENY,
        {},
    ),
    # --- set operators ------------------------------------------------------------------
    AwsCase(
        "forallvalues-stringlike-every-value-matches",
        S_SET,
        ca("ForAllValues:StringLike", TAGKEYS, ["env*", "team"]),
        ALLOW,
        {TAGKEYS: ["env-x", "team"]},
    ),
    AwsCase(
        "forallvalues-empty-value-list-is-true",
        S_SET,
        ca("ForAllValues:StringEquals", TAGKEYS, "env"),
        ALLOW,
        {TAGKEYS: []},
    ),
    AwsCase(
        "forallvalues-absent-key-deny-applies",
        S_SET,
        cond_deny("ForAllValues:StringEquals", TAGKEYS, ["env"]),
        DENY,
        {},
    ),
    AwsCase(
        "foranyvalue-absent-key-deny-does-not-apply",
        S_SET,
        cond_deny("ForAnyValue:StringEquals", TAGKEYS, ["secret"]),
        ALLOW,
        {},
    ),
    AwsCase(
        "foranyvalue-string-not-equals-one-outsider-is-enough",
        S_SET,
        ca("ForAnyValue:StringNotEquals", TAGKEYS, ["env", "team"]),
        ALLOW,
        {TAGKEYS: ["env", "owner"]},
    ),
    AwsCase(
        "forallvalues-string-not-equals-one-insider-fails",
        S_SET,
        ca("ForAllValues:StringNotEquals", TAGKEYS, ["env", "team"]),
        IMPLICIT,
        {TAGKEYS: ["env", "owner"]},
    ),
    AwsCase(
        "foranyvalue-numeric-one-value-in-range",
        S_SET,
        ca("ForAnyValue:NumericLessThan", "x:sizes", "10"),
        ALLOW,
        {"x:sizes": [50, 5]},
    ),
    AwsCase(
        "forallvalues-ip-address-every-address-inside",
        S_SET,
        ca("ForAllValues:IpAddress", "x:ips", "10.0.0.0/8"),
        IMPLICIT,
        {"x:ips": ["10.1.1.1", "192.0.2.1"]},
    ),
    # --- policy variables ---------------------------------------------------------------
    AwsCase(
        "var-no-value-in-resource-matches-nothing",
        S_VAR_NONE,
        [pol(allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCT}:user/${{aws:username}}"))],
        IMPLICIT,
        {},
        action="iam:CreateAccessKey",
        resource=USER_ALICE,
    ),
    AwsCase(
        "var-no-value-in-deny-resource-deny-does-not-apply",
        S_VAR_NONE,
        [ADMIN, pol(deny("s3:*", "arn:aws:s3:::home/${aws:username}/*"))],
        ALLOW,
        {},
        resource="arn:aws:s3:::home/alice/x",
    ),
    AwsCase(
        "var-no-value-in-notresource-excludes-nothing",
        S_VAR_NONE,
        [pol(allow("s3:GetObject", not_resource="arn:aws:s3:::home/${aws:username}/*"))],
        ALLOW,
        {},
        resource="arn:aws:s3:::home/alice/x",
    ),
    AwsCase(
        "var-no-value-in-positive-condition-is-false",
        S_VAR_NONE,
        ca("StringEquals", "s3:prefix", "home/${aws:username}"),
        IMPLICIT,
        {"s3:prefix": "home/"},
    ),
    AwsCase(
        "var-no-value-in-negated-condition-is-true",
        S_VAR_NONE,
        ca("StringNotLike", "s3:prefix", "home/${aws:username}/*"),
        ALLOW,
        {"s3:prefix": "home/bob/x"},
    ),
    AwsCase(
        "var-multivalued-key-does-not-resolve",
        S_VAR_NONE,
        ca("StringEquals", "s3:prefix", "${aws:TagKeys}"),
        IMPLICIT,
        {"s3:prefix": "env", TAGKEYS: ["env", "team"]},
    ),
    AwsCase(
        "var-no-context-is-unknown",
        S_VAR_NONE,
        [pol(allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCT}:user/${{aws:username}}"))],
        COND,
        None,
        action="iam:CreateAccessKey",
        resource=USER_ALICE,
    ),
    AwsCase(
        "var-resolved-in-condition-value",
        S_VAR_WHERE,
        ca("StringEquals", "aws:ResourceTag/owner", "${aws:username}"),
        ALLOW,
        {"aws:ResourceTag/owner": "alice", "aws:username": "alice"},
    ),
    AwsCase(
        "var-resolved-in-numeric-condition-value",
        S_VAR_WHERE,
        ca("NumericLessThan", AGE, "${x:limit}"),
        ALLOW,
        {AGE: 5, "x:limit": 10},
    ),
    AwsCase(
        "var-key-name-is-case-insensitive",
        S_VAR_WHERE,
        [pol(allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCT}:user/${{AWS:UserName}}"))],
        ALLOW,
        {"aws:username": "alice"},
        action="iam:CreateAccessKey",
        resource=USER_ALICE,
    ),
    AwsCase(
        "var-default-in-condition-value",
        S_VAR_DEFAULT,
        ca("StringEquals", "s3:prefix", "${aws:PrincipalTag/home, 'shared'}"),
        ALLOW,
        {"s3:prefix": "shared"},
    ),
    AwsCase(
        "var-default-not-used-when-key-present",
        S_VAR_DEFAULT,
        ca("StringEquals", "s3:prefix", "${aws:PrincipalTag/home, 'shared'}"),
        IMPLICIT,
        {"s3:prefix": "shared", "aws:PrincipalTag/home": "alice"},
    ),
    AwsCase(
        "var-default-in-resource",
        S_VAR_DEFAULT,
        [pol(allow("s3:GetObject", "arn:aws:s3:::b/${aws:username, 'guest'}/*"))],
        ALLOW,
        {},
        resource="arn:aws:s3:::b/guest/x",
    ),
    AwsCase(
        "var-special-question-mark-is-literal",
        S_VAR_SPECIAL,
        [pol(allow("s3:GetObject", "arn:aws:s3:::b/what${?}"))],
        IMPLICIT,
        {},
        resource="arn:aws:s3:::b/whatx",
    ),
    AwsCase(
        "var-special-question-mark-matches-itself",
        S_VAR_SPECIAL,
        [pol(allow("s3:GetObject", "arn:aws:s3:::b/what${?}"))],
        ALLOW,
        {},
        resource="arn:aws:s3:::b/what?",
    ),
    AwsCase(
        "var-special-dollar-is-literal",
        S_VAR_SPECIAL,
        ca("StringEquals", "s3:prefix", "${$}{aws:username}"),
        ALLOW,
        {"s3:prefix": "${aws:username}", "aws:username": "alice"},
    ),
    AwsCase(
        "var-special-star-in-condition-is-literal",
        S_VAR_SPECIAL,
        ca("StringLike", "s3:prefix", "a${*}"),
        IMPLICIT,
        {"s3:prefix": "abc"},
    ),
    # --- three-valued without a context -------------------------------------------------
    AwsCase(
        "no-context-conditional-allow-is-conditional",
        S_LOGIC,
        ca("StringEquals", TAG, "dev"),
        COND,
        None,
    ),
    AwsCase(
        "no-context-conditional-deny-is-conditional",
        S_LOGIC,
        cond_deny("ForAllValues:Null", TAGKEYS, "true"),
        COND,
        None,
    ),
    AwsCase(
        "empty-context-is-a-full-context",
        S_LOGIC,
        ca("StringEquals", TAG, "dev"),
        IMPLICIT,
        {},
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in AWS_CASES])
def test_aws_semantics(case: AwsCase) -> None:
    decision = evaluate(case.policies, case.action, case.resource, context=case.context)
    assert decision is case.expected, case.cite


def test_aws_cases_cite_the_user_guide_and_are_unique() -> None:
    assert len({c.id for c in AWS_CASES}) == len(AWS_CASES)
    assert not {c.id for c in AWS_CASES} & {c.id for c in CASES}
    for case in AWS_CASES:
        assert case.cite.startswith(
            ("IAM JSON policy elements", "Condition operators", "Policy", "Multivalued")
        ), case.id


def test_admin_with_one_forallvalues_null_deny_stays_admin() -> None:
    """Issue regression: ``ForAllValues:Null`` used to raise and drop the whole document."""
    document = pol(
        allow("*"),
        {
            "Sid": "DenyUntagged",
            "Effect": "Deny",
            "Action": "ec2:RunInstances",
            "Resource": "*",
            "Condition": {"ForAllValues:Null": {"aws:TagKeys": "true"}},
        },
    )
    parsed = parse_policy(document)
    assert parsed.statements[1].conditions[0].qualifier == "ForAllValues"
    assert is_full_admin(document)
    assert evaluate([document], "iam:CreateUser") is ALLOW
    assert evaluate([document], "ec2:RunInstances") is COND
    assert evaluate([document], "ec2:RunInstances", context={}) is DENY
    assert evaluate([document], "ec2:RunInstances", context={"aws:TagKeys": ["a"]}) is ALLOW


def test_every_documented_operator_and_qualifier_parses() -> None:
    """Every base operator, with and without ``ForAllValues:``/``ForAnyValue:`` and
    ``...IfExists`` (``Null`` takes the qualifiers but not ``IfExists``), parses and
    evaluates with and without a context."""
    from pytest_awscompliance.analysis.iam.policy import _BASE_OPERATORS

    for base in _BASE_OPERATORS:
        for qualifier in ("", "ForAllValues:", "ForAnyValue:"):
            for suffix in ("", "IfExists"):
                operator = f"{qualifier}{base}{suffix}"
                document = cond_allow(operator, "x:key", "1")
                if base == "Null" and suffix:
                    with pytest.raises(PolicyError, match="unknown condition operator"):
                        parse_policy(document)
                    continue
                for context in (None, {}, {"x:key": "1"}, {"x:key": ["1", "junk"]}):
                    evaluate([document], "s3:GetObject", context=context)


INVALID = [
    pytest.param(
        pol(allow("s3:GetObject"), stmt("allow ", "s3:GetObject")),
        r"^statement 2: Effect must be Allow or Deny, got 'allow '$",
        id="invalid-effect-lowercase-with-space",
    ),
    pytest.param(
        pol({"Effect": "Allow", "Resource": "*"}),
        r"^statement 1: exactly one of Action or NotAction is required$",
        id="invalid-missing-action",
    ),
    pytest.param(
        pol({"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"}),
        r"^statement 1: exactly one of Action or NotAction is required$",
        id="invalid-both-action-and-notaction",
    ),
    pytest.param(
        pol({"Effect": "Allow", "Action": "s3:*"}),
        r"^statement 1: exactly one of Resource or NotResource is required$",
        id="invalid-identity-statement-without-resource",
    ),
    pytest.param(
        {"Version": "2012-10-18", "Statement": []},
        r"^Version must be",
        id="invalid-version",
    ),
    pytest.param(
        pol(allow("s3:GetObject", condition={"StringEqualz": {"a:b": "c"}})),
        r"^statement 1: unknown condition operator 'StringEqualz'$",
        id="invalid-condition-operator",
    ),
    pytest.param(
        pol({**allow("s3:GetObject"), "Sid": "Ok"}, {**allow("s3:*"), "Sid": "Bad", "Foo": 1}),
        r"^statement 2 \(Sid 'Bad'\): unknown element 'Foo'$",
        id="invalid-message-names-the-sid",
    ),
    pytest.param(
        pol({**allow("s3:*"), "Condition": {"NullIfExists": {"a:b": "true"}}}),
        r"^statement 1: unknown condition operator 'NullIfExists'$",
        id="invalid-null-ifexists",
    ),
    pytest.param(
        pol(allow("s3GetObject")),
        r"must look like 'service:name'",
        id="invalid-action-without-service-prefix",
    ),
    pytest.param('{"Statement": [', r"^policy document is not valid JSON", id="invalid-json"),
    pytest.param({"Statement": [], "Foo": 1}, r"unknown top-level element", id="invalid-top-key"),
]


@pytest.mark.parametrize(("document", "message"), INVALID)
def test_invalid_documents_raise_policy_error(document: Any, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(document)
    with pytest.raises(PolicyError):
        evaluate([document], "s3:GetObject")


def test_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)


def test_principal_forms_and_kinds() -> None:
    trust = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
                {
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": [f"arn:aws:iam::{ACCT}:root", "111122223333"],
                        "Service": "ec2.amazonaws.com",
                        "Federated": "token.actions.githubusercontent.com",
                        "CanonicalUser": "79a59df900b949e55d96a1e698fbaced",
                    },
                    "Action": "sts:AssumeRoleWithWebIdentity",
                },
                {"Effect": "Deny", "NotPrincipal": {"AWS": "*"}, "Action": "sts:*"},
            ],
        },
        kind="trust",
    )
    first, second, third = trust.statements
    assert first.principals is not None and first.principals[0].is_wildcard
    assert second.principals is not None
    assert [p.kind for p in second.principals] == ["AWS", "Service", "Federated", "CanonicalUser"]
    assert second.principals[0].values == (f"arn:aws:iam::{ACCT}:root", "111122223333")
    assert third.not_principals is not None and third.not_principals[0].is_wildcard
    with pytest.raises(PolicyError, match="Principal is not allowed in a identity policy"):
        parse_policy(pol({**allow("s3:*"), "Principal": "*"}))
    with pytest.raises(PolicyError, match="Principal or NotPrincipal is required"):
        parse_policy(pol(allow("s3:*")), kind="resource")


def test_missing_version_defaults_to_2008_literal_variables() -> None:
    policy = parse_policy({"Statement": [allow("s3:*")]})
    assert policy.version == "2008-10-17" and not policy.uses_variables


def test_url_encoded_json_string_is_accepted() -> None:
    encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
    assert parse_policy(encoded).statements == ()


def test_policies_pickle_after_evaluation() -> None:
    policy = parse_policy(pol(allow("s3:Get*", "arn:aws:s3:::b/*")))
    assert evaluate([policy], "s3:GetObject", "arn:aws:s3:::b/k") is ALLOW
    clone = pickle.loads(pickle.dumps(policy))
    assert clone == policy and hash(clone) == hash(policy)
    assert evaluate([clone], "s3:GetObject", "arn:aws:s3:::b/k") is ALLOW


def test_condition_values_are_normalised_to_strings() -> None:
    policy = parse_policy(cond_allow("NumericLessThan", "AWS:MultiFactorAuthAge", [3600, True]))
    (condition,) = policy.statements[0].conditions
    assert condition.key == "aws:multifactorauthage"
    assert condition.values == ("3600", "true")


ADMIN_POLICIES = [
    pytest.param(pol(allow("*")), True, id="admin-star-on-star"),
    pytest.param(pol(allow("*:*")), True, id="admin-star-colon-star-on-star"),
    pytest.param(pol(allow(not_action="iam:*")), True, id="admin-notaction-over-star"),
    pytest.param(pol(allow(not_action="*")), False, id="not-admin-notaction-star-grants-nothing"),
    pytest.param(pol(allow("*", "arn:aws:s3:::b/*")), False, id="not-admin-scoped-resource"),
    pytest.param(pol(allow("iam:*")), False, id="not-admin-service-wildcard"),
    pytest.param(pol(allow("*"), deny("*")), False, id="not-admin-own-deny-removes-it"),
    pytest.param(
        pol(allow("*"), deny(not_action="s3:*")), False, id="not-admin-own-notaction-deny"
    ),
    pytest.param(pol(allow("*"), deny("iam:*")), True, id="admin-minus-iam-still-admin"),
    pytest.param(
        pol(allow("*"), deny("*", condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}})),
        True,
        id="admin-conditional-deny-is-not-applied",
    ),
    pytest.param(pol(deny("*"), allow(["s3:*", "*"])), False, id="not-admin-deny-first"),
]


@pytest.mark.parametrize(("document", "expected"), ADMIN_POLICIES)
def test_is_full_admin(document: dict[str, Any], expected: bool) -> None:
    assert is_full_admin(document) is expected


def test_service_wildcards() -> None:
    document = pol(
        allow(["s3:*", "ec2:Describe*", "iam:Get*"]),
        allow(not_action=["kms:*", "s3:*"]),
        deny("sts:*"),
    )
    assert service_wildcards(document) == ["s3:*", "kms:*"]
    assert service_wildcards(pol(allow("ec2:Describe*"))) == []
