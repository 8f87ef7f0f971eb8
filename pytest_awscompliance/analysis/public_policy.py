"""Does a resource policy (S3 bucket, ECR repository) let everyone in?

An ``Allow`` statement is public when its principal is everyone (``"*"``, ``{"AWS": "*"}``,
an account-wildcard ARN such as ``arn:aws:iam::*:root``, or any ``NotPrincipal``) and no
condition pins the caller to something known: an account, an organization, a VPC or
endpoint, a source ARN or a narrow IP range, with a fixed value (no wildcard or policy
variable, except after a literal account id in an ARN or a literal organization id in an
organization path; no ``...IfExists``). This follows S3's documented meaning of "public";
``Deny`` statements never make a policy public. ``restricting_condition`` is also the rule
of role trust policies (trust.py). Pure functions, no AWS calls.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pytest_awscompliance.analysis.iam.policy import (
    Condition,
    PolicyError,
    Principal,
    Statement,
    parse_policy,
)

__all__ = ["PublicGrant", "is_public", "public_grants", "restricting_condition"]

ACCOUNT_WILDCARD_ARN = re.compile(r"^arn:[\w-]*:iam::[^:]*[*?][^:]*:")
"""An AWS principal ARN whose account part is a wildcard (``arn:aws:iam::*:root``)."""

PINNING_KEYS = frozenset({
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceorgid",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
})
"""Condition keys that restrict a statement to known callers when given fixed values."""

ARN_KEYS = frozenset({"aws:principalarn", "aws:sourcearn", "s3:dataaccesspointarn"})
"""Pinning keys whose ARN values may use wildcards after a literal account id."""
LITERAL_ACCOUNT_ARN = re.compile(r"^arn:[^:*?]+:[^:]*:[^:]*:\d{12}:")
ORG_PATH_KEYS = frozenset({"aws:principalorgpaths", "aws:sourceorgpaths"})
SOURCE_IP_KEY = "aws:sourceip"
PINNING_OPERATORS = frozenset(
    {"StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"})
NEGATED_OPERATORS = frozenset({"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike",
                               "ArnNotEquals", "ArnNotLike"})
"""Their negations: a ``Deny`` with one of them catches every caller not matching the values."""
ALL_PINNING_KEYS = PINNING_KEYS | ORG_PATH_KEYS | {SOURCE_IP_KEY}
"""Every key ``restricting_condition`` can accept (the default ``keys``)."""
ROLE_SESSION_USERID = re.compile(r"^[A-Z0-9]+:\*$")
"""``aws:userid`` of the form ``AROAEXAMPLE:*`` (any session of one role) is still pinned."""
MIN_IPV4_PREFIX = 8
MIN_IPV6_PREFIX = 32


@dataclass(frozen=True)
class PublicGrant:
    """One ``Allow`` statement that everyone can use."""

    sid: str | None
    principal: str
    actions: tuple[str, ...]
    not_actions: bool = False

    def describe(self) -> str:
        """``statement 'Sid' allows s3:GetObject to *``."""
        name = f"statement {self.sid!r}" if self.sid else "a statement"
        verb = "allows all but" if self.not_actions else "allows"
        return f"{name} {verb} {', '.join(self.actions)} to {self.principal}"


def _wildcard(value: str) -> bool:
    return "*" in value or "?" in value or "${" in value


def _public_principal(principals: tuple[Principal, ...]) -> str | None:
    """The principal text that makes a statement public, or ``None``."""
    for principal in principals:
        if principal.kind == "*":
            return "*"
        for value in principal.values:
            if value == "*":
                return f'{{"{principal.kind}": "*"}}'
            if principal.kind == "AWS" and ACCOUNT_WILDCARD_ARN.match(value):
                return value
    return None


def _narrow_ip(value: str) -> bool:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    if network.is_private:
        return True
    minimum = MIN_IPV4_PREFIX if network.version == 4 else MIN_IPV6_PREFIX
    return network.prefixlen >= minimum


def _pinned_org_path(value: str) -> bool:
    """``o-abc/r-xyz/ou-1/*``: the organization id before the first ``/`` is fixed."""
    head = value.split("/", 1)[0]
    return head.startswith("o-") and not _wildcard(head) and "${" not in value


def _fixed_values(condition: Condition) -> bool:
    """Whether every value names something known (non-empty, wildcard-free but as allowed)."""
    values = condition.values
    if not all(values):
        return False
    if condition.key in ORG_PATH_KEYS:
        return all(_pinned_org_path(v) for v in values)
    if condition.key == "aws:userid":
        return all(ROLE_SESSION_USERID.match(v) or not _wildcard(v) for v in values)
    if condition.key in ARN_KEYS:
        return all(not _wildcard(v) or LITERAL_ACCOUNT_ARN.match(v) for v in values)
    return not any(_wildcard(v) for v in values)


def restricting_condition(condition: Condition, keys: frozenset[str] = ALL_PINNING_KEYS, *,
                          negated: bool = False) -> bool:
    """Whether one condition confines the statement to known callers.

    Only ``keys`` count (lower-case; ``aws:SourceIp`` with narrow ``IpAddress`` ranges). By
    default, the condition of an ``Allow``: a positive operator, not ``...IfExists`` and not
    ``ForAllValues`` (both true when the key is absent). ``negated``: the condition of a
    ``Deny`` that catches every caller outside the values, so a negated operator with no
    ``ForAnyValue`` (false when the key is absent) or ``ForAllValues`` qualifier.
    """
    if condition.key not in keys:
        return False
    if negated:
        return (condition.base in NEGATED_OPERATORS and not condition.qualifier
                and condition.key != SOURCE_IP_KEY and _fixed_values(condition))
    if condition.if_exists or condition.qualifier == "ForAllValues":
        return False  # true when the key is absent: restricts nothing
    if condition.key == SOURCE_IP_KEY:
        return condition.base == "IpAddress" and all(_narrow_ip(v) for v in condition.values)
    return condition.base in PINNING_OPERATORS and _fixed_values(condition)


def _grant(statement: Statement) -> PublicGrant | None:
    if not statement.is_allow:
        return None
    if statement.not_principals is not None:
        principal = "everyone (NotPrincipal)"
    else:
        found = _public_principal(statement.principals or ())
        if found is None:
            return None
        principal = found
    if any(restricting_condition(c) for c in statement.conditions):
        return None  # conditions are ANDed: one pinned key confines the statement
    if statement.actions is not None:
        return PublicGrant(statement.sid, principal, statement.actions)
    return PublicGrant(statement.sid, principal, statement.not_actions or (), not_actions=True)


def public_grants(policy: Mapping[str, Any] | str | bytes, *,
                  name: str = "resource policy") -> list[PublicGrant]:
    """The ``Allow`` statements of a resource policy that everyone can use.

    ``policy`` is the document as S3/ECR return it (a JSON string) or a dict. Fails
    closed: a document AWS would reject raises ``PolicyError`` naming the policy (``name``,
    e.g. ``bucket policy of arn:aws:s3:::b``), the statement and the construct, so the
    control that asked ERRORs instead of calling the resource private.
    """
    try:
        parsed = parse_policy(policy, kind="resource")
    except PolicyError as exc:
        raise exc.naming(name) from None
    return [grant for grant in map(_grant, parsed.statements) if grant is not None]


def is_public(policy: Mapping[str, Any] | str | bytes | None, *,
              name: str = "resource policy") -> bool:
    """True when some ``Allow`` statement of ``policy`` is open to everyone (fails closed
    like `public_grants`)."""
    return policy is not None and bool(public_grants(policy, name=name))
