"""S3 bucket policy and ACL analysis: what a public grant allows, public ACL grants, TLS-only.

Pure functions over the documents S3 returns; no AWS calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pytest_awscompliance.analysis.iam.matching import action_matches, resource_matches
from pytest_awscompliance.analysis.iam.policy import Condition, PolicyError, Statement, parse_policy
from pytest_awscompliance.analysis.public_policy import PublicGrant

__all__ = [
    "ACCESS_PROBES",
    "PUBLIC_GROUPS",
    "access_kinds",
    "acl_access_kinds",
    "denies_insecure_transport",
    "public_acl_grants",
]

ACCESS_PROBES: dict[str, tuple[str, ...]] = {
    "READ": ("s3:GetObject",),
    "LIST": ("s3:ListBucket",),
    "WRITE": ("s3:PutObject", "s3:DeleteObject", "s3:PutBucketPolicy", "s3:PutBucketAcl"),
}
"""Kinds of access reported for a public grant, each with the actions that reveal it."""

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
"""ACL grantee groups that mean "anyone" (AuthenticatedUsers = any AWS account)."""

ACL_ACCESS = {
    "READ": ("LIST",),
    "WRITE": ("WRITE",),
    "READ_ACP": ("READ_ACP",),
    "WRITE_ACP": ("WRITE_ACP",),
    "FULL_CONTROL": ("LIST", "WRITE", "READ_ACP", "WRITE_ACP"),
}
"""What a bucket ACL permission gives: bucket READ lists objects, WRITE writes them."""

TLS_PROBE_ACTIONS = ("s3:GetObject", "s3:PutObject")
"""A TLS-only statement must at least deny these (``s3:*`` or ``*`` covers them)."""


def _grant_allows(grant: PublicGrant, action: str) -> bool:
    hit = any(action_matches(pattern, action) for pattern in grant.actions)
    return not hit if grant.not_actions else hit


def access_kinds(grants: Iterable[PublicGrant]) -> list[str]:
    """READ / LIST / WRITE, in that order, for what the public grants allow on S3."""
    grants = list(grants)
    return [kind for kind, probes in ACCESS_PROBES.items()
            if any(_grant_allows(g, a) for g in grants for a in probes)]


def public_acl_grants(grants: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """``(group, permission)`` for each ACL grant to AllUsers or AuthenticatedUsers."""
    found = []
    for grant in grants:
        group = PUBLIC_GROUPS.get((grant.get("Grantee") or {}).get("URI", ""))
        if group is not None:
            found.append((group, str(grant.get("Permission", ""))))
    return found


def acl_access_kinds(grants: Iterable[tuple[str, str]]) -> list[str]:
    """The kinds of access public ACL grants give (LIST, WRITE, READ_ACP, WRITE_ACP)."""
    kinds: list[str] = []
    for _, permission in grants:
        for kind in ACL_ACCESS.get(permission, (permission,)):
            if kind not in kinds:
                kinds.append(kind)
    return kinds


def _everyone(statement: Statement) -> bool:
    return statement.principals is not None and any(
        p.kind == "*" or (p.kind == "AWS" and "*" in p.values) for p in statement.principals)


def _covers_actions(statement: Statement) -> bool:
    if statement.actions is not None:
        return all(any(action_matches(p, a) for p in statement.actions)
                   for a in TLS_PROBE_ACTIONS)
    return not any(action_matches(p, a) for p in statement.not_actions or ()
                   for a in TLS_PROBE_ACTIONS)


def _covers_bucket(statement: Statement, bucket_arn: str) -> bool:
    if statement.resources is None:
        return False
    targets = (bucket_arn, f"{bucket_arn}/*")
    return all(any(resource_matches(p, t, variables=False) for p in statement.resources)
               for t in targets)


def _insecure_transport_condition(condition: Condition) -> bool:
    if condition.qualifier:
        return False
    if condition.key == "aws:securetransport":
        return condition.base == "Bool" and [v.lower() for v in condition.values] == ["false"]
    if condition.key == "s3:tlsversion":
        return condition.base == "NumericLessThan" and len(condition.values) == 1
    return False


def denies_insecure_transport(policy: Mapping[str, Any] | str | bytes | None,
                              bucket_arn: str) -> bool:
    """Whether the bucket policy denies every non-TLS request to the bucket and its objects.

    Needs one ``Deny`` statement for everyone (``"*"`` / ``{"AWS": "*"}``) whose actions
    cover ``s3:GetObject`` and ``s3:PutObject``, whose resources cover the bucket and
    ``bucket/*``, and whose only condition is ``Bool aws:SecureTransport = false`` (or
    ``NumericLessThan s3:TlsVersion``): a statement with more conditions denies less.
    Fails closed: a policy AWS would reject raises ``PolicyError`` naming the bucket policy,
    the statement and the construct (the control ERRORs).
    """
    if policy is None:
        return False
    try:
        parsed = parse_policy(policy, kind="resource")
    except PolicyError as exc:
        raise exc.naming(f"bucket policy of {bucket_arn}") from None
    for statement in parsed.statements:
        if (statement.effect == "Deny" and _everyone(statement)
                and _covers_actions(statement) and _covers_bucket(statement, bucket_arn)
                and len(statement.conditions) == 1
                and _insecure_transport_condition(statement.conditions[0])):
            return True
    return False
