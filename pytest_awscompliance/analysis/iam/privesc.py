"""Privilege-escalation analysis: which known escalation methods does a principal hold?

A method (see `privesc_methods.METHODS`) is reported iff every required action
evaluates to ALLOW or CONDITIONAL for *any* resource (``resource=None``) under
the principal's identity policies, permissions boundary and SCP levels. The
finding is ALLOW when every action is definitely allowed and CONDITIONAL when
at least one is granted only under a condition, on specific resources, or next
to a Deny that may apply.

Wildcard requirements (Prowler's ``iam:*`` and ``iam:Put*``) must be granted
whole: they expand to every concrete table action they cover plus a probe
action no narrower grant could match (``iam:AwsComplianceProbe``).

**Minimality rule.** With ``minimal=True`` (default) a method is dropped when
another reported method needs a strict subset of its (expanded) actions: e.g.
``CreateAccessKey+DeleteAccessKey`` is not listed when ``CreateAccessKey`` is,
and ``iam:*`` is not listed when any single IAM method is. Nothing is lost: a
superset method can never be more definite than its subset, so the dropped
finding is implied by the kept one.

**Self-service and immutable targets.** A grant of ``iam:CreateAccessKey``,
``DeleteAccessKey``, ``CreateLoginProfile`` or ``UpdateLoginProfile`` only on
``user/${aws:username}`` is the caller managing its own credentials, not an
escalation; ``iam:CreatePolicyVersion``/``SetDefaultPolicyVersion`` only on
AWS-managed policies (``arn:aws:iam::aws:policy/*``, immutable) and role changes
only under ``/aws-reserved/sso.amazonaws.com/`` (AWS refuses them) grant nothing.
``iam:PutUserPolicy``/``AttachUserPolicy`` on the caller's own user, without a
condition, is a definite escalation (ALLOW), not a conditional one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .conditions import evaluate_conditions
from .evaluate import ActionSet, Decision, PolicyLike, PolicySet, as_policy
from .matching import action_matches
from .policy import Policy
from .privesc_methods import METHODS, EscalationMethod, launch_services

__all__ = ["ADMIN_SENTINELS", "EscalationFinding", "escalation_paths", "principal_is_admin"]

_PROBE = "AwsComplianceProbe"

#: Actions that must all be ALLOW on resource ``"*"`` for `principal_is_admin`
#: (the last one is a made-up service, so only ``*``-like grants satisfy it).
ADMIN_SENTINELS = (
    f"iam:{_PROBE}",
    "iam:CreatePolicyVersion",
    "iam:PassRole",
    "iam:PutRolePolicy",
    "sts:AssumeRole",
    "ec2:RunInstances",
    "s3:GetObject",
    "lambda:CreateFunction",
    "organizations:DescribeOrganization",
    f"x-awscompliance-probe:{_PROBE}",
)


@dataclass(frozen=True)
class EscalationFinding:
    """One escalation method a principal holds; ``decision`` is ALLOW or CONDITIONAL."""

    method: str
    family: str
    actions: tuple[str, ...]
    decision: Decision


@dataclass(frozen=True)
class _Table:
    """A method table prepared for fast evaluation."""

    methods: tuple[EscalationMethod, ...]
    queries: tuple[tuple[str, ...], ...]  # lower-cased concrete actions per method
    actions: ActionSet  # union of all queries
    subsumers: tuple[tuple[int, ...], ...]  # methods needing a strict subset
    findings: dict[Decision, tuple[EscalationFinding, ...]]
    """Per decision, the (immutable, shared) finding of each method."""


def _is_wildcard(action: str) -> bool:
    return "*" in action or "?" in action


@lru_cache(maxsize=16)
def _prepare(methods: tuple[EscalationMethod, ...]) -> _Table:
    concrete = sorted({a.lower() for m in methods for a in m.actions if not _is_wildcard(a)})
    queries: list[tuple[str, ...]] = []
    for method in methods:
        query: set[str] = set()
        for action in method.actions:
            if _is_wildcard(action):
                query.update(a for a in concrete if action_matches(action, a))
                query.add(action.replace("*", _PROBE).replace("?", "Q").lower())
            else:
                query.add(action.lower())
        queries.append(tuple(sorted(query)))
    sets = [frozenset(q) for q in queries]
    subsumers = tuple(tuple(j for j, other in enumerate(sets) if other < mine) for mine in sets)
    actions = ActionSet(a for query in queries for a in query)
    findings = {decision: tuple(EscalationFinding(m.name, m.family, m.actions, decision)
                                for m in methods)
                for decision in (Decision.ALLOW, Decision.CONDITIONAL)}
    return _Table(tuple(methods), tuple(queries), actions, subsumers, findings)


@lru_cache(maxsize=1)
def _default_table() -> _Table:
    """The built-in table, prepared once (avoids re-hashing METHODS per call)."""
    return _prepare(METHODS)


def escalation_paths(
    policies: PolicyLike | Iterable[PolicyLike],
    *,
    boundary: PolicyLike | None = None,
    scp_levels: Sequence[PolicyLike | Iterable[PolicyLike]] = (),
    context: Mapping[str, Any] | None = None,
    minimal: bool = True,
    methods: Sequence[EscalationMethod] | None = None,
) -> list[EscalationFinding]:
    """Escalation methods granted by ``policies`` (one principal's identity policies).

    ``boundary``/``scp_levels``/``context`` as in `evaluate`. ``methods``
    replaces the built-in table. Findings keep table order; see the module
    docstring for the minimality rule (disable with ``minimal=False``).
    Already-admin principals report (almost) every method: check
    `principal_is_admin` first if that is not wanted.
    """
    table = _default_table() if methods is None else _prepare(tuple(methods))
    identity = _identity_list(policies)
    policy_set = PolicySet(identity, boundary=boundary, scp_levels=scp_levels, context=context)
    decisions = policy_set.evaluate_all(table.actions)
    markers: list[tuple[bool, bool, bool]] = []
    if any(decisions.get(a) in _FOUND for a in _TARGETED):
        markers = [_markers(p) for p in identity]
        if any(special for _, special, _ in markers):
            concerned = [p for p, (_, _, iam) in zip(identity, markers, strict=True) if iam]
            _scope_to_targets(concerned, decisions,
                              own_user=boundary is None and not scp_levels)
    found: dict[int, Decision] = {}
    allow, conditional = Decision.ALLOW, Decision.CONDITIONAL
    for index, query in enumerate(table.queries):
        result = allow
        for action in query:
            decision = decisions[action]
            if decision is allow:
                continue
            if decision is conditional:
                result = conditional
                continue
            break
        else:
            found[index] = result
    findings = []
    if decisions.get(_PASS_ROLE) in _FOUND and any(
            pinned for pinned, _, _ in markers or [_markers(p) for p in identity]):
        allowed_to: dict[tuple[str, ...], bool] = {}
        for index in [i for i in found if _PASS_ROLE in table.queries[i]]:
            services = launch_services(table.methods[index])
            if services not in allowed_to:
                allowed_to[services] = _passable_to(identity, services)
            if not allowed_to[services]:
                del found[index]
    for index, decision in found.items():
        if minimal and any(j in found for j in table.subsumers[index]):
            continue
        findings.append(table.findings[decision][index])
    return findings


def _identity_list(policies: PolicyLike | Iterable[PolicyLike]) -> list[Policy]:
    if isinstance(policies, (Policy, str, Mapping)):
        policies = [policies]
    return [as_policy(p) for p in policies]


_SELF_USER = "user/${aws:username}"
_AWS_POLICY = ":iam::aws:policy/"
_SSO_ROLE = ":role/aws-reserved/sso.amazonaws.com/"
_OWN_CREDENTIALS = ("iam:createaccesskey", "iam:deleteaccesskey", "iam:createloginprofile",
                    "iam:updateloginprofile")
_POLICY_VERSIONS = ("iam:createpolicyversion", "iam:setdefaultpolicyversion")
_ROLE_CHANGES = ("iam:putrolepolicy", "iam:attachrolepolicy", "iam:updateassumerolepolicy",
                 "iam:deleterolepermissionsboundary")
_OWN_POLICIES = ("iam:putuserpolicy", "iam:attachuserpolicy")


def _matches(patterns: Iterable[str], action: str, service: str) -> bool:
    """``action_matches`` for any pattern, skipping patterns of other services cheaply."""
    for pattern in patterns:
        head = pattern[:len(service)].lower()
        if (head == service or "*" in head or "?" in head) and action_matches(pattern, action):
            return True
    return False


def _statement_matches(st: Any, action: str, service: str) -> bool:
    if st.actions is not None:
        return _matches(st.actions, action, service)
    return not _matches(st.not_actions or (), action, service)


def _only_on(policies: Sequence[Policy], action: str, test: Any, *, plain: bool = False
             ) -> bool:
    """Whether no Allow statement grants ``action`` on a resource failing ``test`` (the
    action is known to be granted somewhere). With ``plain``, also no grant is conditional
    and no Deny mentions the action. Statements whose resources all pass ``test`` are not
    matched at all unless ``plain`` asks."""
    service = action.partition(":")[0] + ":"
    for policy in policies:
        for st in policy.statements:
            scoped = st.is_allow and st.resources is not None and \
                all(test(r) for r in st.resources)
            if scoped and not plain:
                continue
            if not _statement_matches(st, action, service):
                continue
            if not scoped or (plain and (st.conditions or not st.is_allow)):
                return False
    return True


def _markers(policy: Policy) -> tuple[bool, bool, bool]:
    """(a condition on ``iam:PassedToService``, a Resource naming the caller's own user,
    AWS-managed policies or SSO-reserved roles, a statement that may concern IAM actions),
    scanned once per policy."""
    found = policy._cache.get("privesc-markers")
    if found is None:
        pinned = special = iam = False
        for st in policy.statements:
            if st.actions is None or any(a[:4].lower() == "iam:" or "*" in a[:4] or "?" in a[:4]
                                         for a in st.actions):
                iam = True
            for condition in st.conditions:
                if condition.key == _PASSED_TO:
                    pinned = True
            for resource in st.resources or ():
                if "${" in resource or _AWS_POLICY in resource or _SSO_ROLE in resource:
                    special = True
        found = policy._cache["privesc-markers"] = (pinned, special, iam)
    return found


def _scope_to_targets(policies: Sequence[Policy], decisions: dict[str, Decision], *,
                      own_user: bool) -> None:
    """Apply the self-service and immutable-target rules (module docstring) in place."""
    for action in _OWN_CREDENTIALS:
        if decisions.get(action) in _FOUND and \
                _only_on(policies, action, lambda r: r.endswith(_SELF_USER)):
            decisions[action] = Decision.IMPLICIT_DENY
    for action in _POLICY_VERSIONS:
        if decisions.get(action) in _FOUND and \
                _only_on(policies, action, lambda r: _AWS_POLICY in r):
            decisions[action] = Decision.IMPLICIT_DENY
    for action in _ROLE_CHANGES:
        if decisions.get(action) in _FOUND and \
                _only_on(policies, action, lambda r: _SSO_ROLE in r):
            decisions[action] = Decision.IMPLICIT_DENY
    if own_user:
        for action in _OWN_POLICIES:
            if decisions.get(action) is Decision.CONDITIONAL and \
                    _only_on(policies, action, lambda r: r.endswith(_SELF_USER), plain=True):
                decisions[action] = Decision.ALLOW


_FOUND = (Decision.ALLOW, Decision.CONDITIONAL)
_TARGETED = _OWN_CREDENTIALS + _POLICY_VERSIONS + _ROLE_CHANGES + _OWN_POLICIES
_PASS_ROLE = "iam:passrole"
_PASSED_TO = "iam:passedtoservice"


def _passable_to(policies: Sequence[Policy], services: Sequence[str]) -> bool:
    """False when every grant of ``iam:PassRole`` is limited by ``iam:PassedToService`` to
    services other than ``services`` (the launched service cannot receive the role)."""
    if not services:
        return True
    service = "iam:"
    for st in (st for p in policies for st in p.statements
               if st.is_allow and _statement_matches(st, _PASS_ROLE, service)):
        pinned = [c for c in st.conditions if c.key == _PASSED_TO]
        if not pinned or any(
                evaluate_conditions(pinned, {_PASSED_TO: (service,)}) is not False
                for service in services):
            return True
    return False


def principal_is_admin(
    policies: PolicyLike | Iterable[PolicyLike],
    boundary: PolicyLike | None = None,
    scp_levels: Sequence[PolicyLike | Iterable[PolicyLike]] = (),
    *,
    context: Mapping[str, Any] | None = None,
) -> bool:
    """True if the principal effectively has ``*`` on ``*``.

    Every `ADMIN_SENTINELS` action — including all of ``iam:*`` and an action of
    a made-up service — must be definitely allowed (ALLOW) on resource ``"*"``
    after boundary and SCPs. Conditional grants do not count.
    """
    policy_set = PolicySet(policies, boundary=boundary, scp_levels=scp_levels, context=context)
    return all(policy_set.evaluate(a, "*") is Decision.ALLOW for a in ADMIN_SENTINELS)
