"""What a policy or a principal can do: full admin, open role assumption, escalation paths.

Pure functions over ``principals.Directory`` and policy documents, built on the evaluator
in ``pytest_awscompliance.analysis.iam``. A policy document AWS would reject
(``PolicyError``) grants nothing here; controls report it separately where it matters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pytest_awscompliance.analysis.iam import (
    METHODS,
    Decision,
    EscalationFinding,
    Policy,
    PolicyError,
    PolicySet,
    action_matches,
    escalation_paths,
    evaluate,
    is_full_admin,
    parse_policy,
    principal_is_admin,
)
from pytest_awscompliance.analysis.principals import Directory, GrantedPolicy, Principal

ADMINISTRATOR_ACCESS = "AdministratorAccess"
PASS_ROLE = "iam:passrole"

_PARSED: dict[int, tuple[Any, Policy | None]] = {}

# Actions that show one principal can do something another cannot (PassRole targets).
_DATA_PROBES = (
    "s3:GetObject", "s3:PutObject", "dynamodb:Scan", "secretsmanager:GetSecretValue",
    "kms:Decrypt", "ssm:GetParameter", "sts:AssumeRole", "iam:CreateUser",
    "organizations:LeaveOrganization",
)
PROBE_ACTIONS: tuple[str, ...] = tuple(sorted(
    {a for m in METHODS for a in m.actions if "*" not in a and "?" not in a}
    | set(_DATA_PROBES)
))


def parsed(document: Any, *, kind: str = "identity") -> Policy | None:
    """The parsed document (memoized per document object), ``None`` if AWS would reject it."""
    if document is None:
        return None
    key = id(document)
    hit = _PARSED.get(key)
    if hit is not None and hit[0] is document:
        return hit[1]
    try:
        policy: Policy | None = parse_policy(document, kind=kind)
    except PolicyError:
        policy = None
    if len(_PARSED) > 50_000:
        _PARSED.clear()
    _PARSED[key] = (document, policy)
    return policy


def full_admin(document: Any) -> bool:
    """``*`` on ``*`` (Deny-aware, ``*:*`` and NotAction included); see ``is_full_admin``."""
    policy = parsed(document)
    return policy is not None and is_full_admin(policy)


def admin_grants(principal: Principal) -> list[GrantedPolicy]:
    """Policies that make ``principal`` an administrator: AWS ``AdministratorAccess`` or any
    policy allowing ``*`` on ``*``, held directly or through a group."""
    return [
        p for p in principal.policies
        if (p.aws_managed and p.name == ADMINISTRATOR_ACCESS) or full_admin(p.document)
    ]


def permissive_assume_role(document: Any) -> list[str]:
    """Allow statements granting ``sts:AssumeRole`` on ``Resource: "*"`` without a Condition.

    Returns a label per offending statement (its Sid, else its position). A policy whose
    own unconditional Deny removes ``sts:AssumeRole`` everywhere has none.
    """
    policy = parsed(document)
    if policy is None:
        return []
    found = []
    for index, st in enumerate(policy.statements, 1):
        if not st.is_allow or st.conditions or "*" not in (st.resources or ()):
            continue
        if st.actions is not None:
            grants = any(action_matches(p, "sts:AssumeRole") for p in st.actions)
        else:
            grants = not any(action_matches(p, "sts:AssumeRole") for p in st.not_actions or ())
        if grants:
            found.append(f"statement {st.sid!r}" if st.sid else f"statement #{index}")
    if found and evaluate(policy, "sts:AssumeRole", "*") is Decision.DENY:
        return []
    return found


def _documents(principal: Principal) -> list[Policy]:
    return [p for p in (parsed(g.document) for g in principal.policies) if p is not None]


def _boundary(principal: Principal) -> Policy | None:
    return parsed(principal.boundary, kind="boundary") if principal.boundary else None


def is_admin(principal: Principal) -> bool:
    """Effectively ``*`` on ``*`` after the permissions boundary (``principal_is_admin``)."""
    return principal_is_admin(_documents(principal), _boundary(principal))


@dataclass(frozen=True)
class PassTarget:
    """A role ``principal`` may pass that can do more than the principal itself."""

    role: str
    decision: Decision
    admin: bool = False

    def describe(self) -> str:
        return f"{self.role} (admin)" if self.admin else self.role


def _role_profile(directory: Directory, role: Principal) -> tuple[bool, frozenset[str]]:
    """(is an administrator, probe actions it is definitely allowed), once per directory."""
    profiles = directory.cache.setdefault("role-profiles", {})
    profile = profiles.get(role.arn)
    if profile is None:
        docs, boundary = _documents(role), _boundary(role)
        theirs = PolicySet(docs, boundary=boundary)
        profile = profiles[role.arn] = (
            principal_is_admin(docs, boundary),
            frozenset(a for a in PROBE_ACTIONS if theirs.evaluate(a) is Decision.ALLOW),
        )
    return profile


def pass_targets(directory: Directory, principal: Principal) -> list[PassTarget]:
    """Roles (not itself, not service-linked) the principal may pass and that can do more
    than it can (an administrator, or a probe action it lacks), administrators first."""
    mine = PolicySet(_documents(principal), boundary=_boundary(principal))
    held = frozenset(a for a in PROBE_ACTIONS
                     if mine.evaluate(a) in (Decision.ALLOW, Decision.CONDITIONAL))
    found = []
    for role in directory.roles.values():
        if role.arn == principal.arn or role.service_linked:
            continue
        decision = mine.evaluate("iam:PassRole", role.arn)
        if decision not in (Decision.ALLOW, Decision.CONDITIONAL):
            continue
        admin, allowed = _role_profile(directory, role)
        if admin or allowed - held:
            found.append(PassTarget(role.name, decision, admin))
    return sorted(found, key=lambda t: (not t.admin, t.role))


def _needs_pass_role(finding: EscalationFinding) -> bool:
    return any(a.lower() == PASS_ROLE for a in finding.actions)


def principal_escalations(directory: Directory, principal: Principal
                          ) -> tuple[list[EscalationFinding], list[PassTarget]]:
    """Escalation methods ``principal`` holds (merged policies within its boundary).

    Methods that pass a role need a role to pass that can do more than the principal; with
    none they are dropped, and with only conditionally passable ones they are CONDITIONAL.
    """
    findings = escalation_paths(_documents(principal), boundary=_boundary(principal))
    if not any(_needs_pass_role(f) for f in findings):
        return findings, []
    targets = pass_targets(directory, principal)
    definite = any(t.decision is Decision.ALLOW for t in targets)
    kept = []
    for finding in findings:
        if _needs_pass_role(finding):
            if not targets:
                continue
            if not definite:
                finding = replace(finding, decision=Decision.CONDITIONAL)
        kept.append(finding)
    return kept, targets


def policy_escalations(document: Any) -> list[EscalationFinding]:
    """Escalation methods one policy document grants on its own (policy-centric)."""
    policy = parsed(document)
    return [] if policy is None else escalation_paths(policy)


def describe_findings(findings: Sequence[EscalationFinding], *, limit: int = 6) -> str:
    """``CreateNewPolicyVersion [iam-policy] (iam:CreatePolicyVersion); ...`` with definite
    methods first, then ``conditionally: ...`` for CONDITIONAL ones."""

    def text(items: Iterable[EscalationFinding]) -> str:
        items = list(items)
        shown = [f"{f.method} [{f.family}] ({', '.join(f.actions)})" for f in items[:limit]]
        more = f"; +{len(items) - limit} more" if len(items) > limit else ""
        return "; ".join(shown) + more

    definite = [f for f in findings if f.decision is Decision.ALLOW]
    conditional = [f for f in findings if f.decision is not Decision.ALLOW]
    parts = []
    if definite:
        parts.append(text(definite))
    if conditional:
        parts.append("conditionally: " + text(conditional))
    return " | ".join(parts)
