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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .evaluate import ActionSet, Decision, PolicyLike, PolicySet
from .matching import action_matches
from .privesc_methods import METHODS, EscalationMethod

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
    return _Table(tuple(methods), tuple(queries), actions, subsumers)


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
    policy_set = PolicySet(policies, boundary=boundary, scp_levels=scp_levels, context=context)
    decisions = policy_set.evaluate_all(table.actions)
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
    for index, decision in found.items():
        if minimal and any(j in found for j in table.subsumers[index]):
            continue
        method = table.methods[index]
        findings.append(EscalationFinding(method.name, method.family, method.actions, decision))
    return findings


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
