"""AWS policy evaluation logic, three-valued.

A statement *applies* to a request when its Action/NotAction, Resource/
NotResource and Condition all hold. Each part is True, False or None
(unknown: ``context=None`` meeting a Condition or a policy variable, or
``resource=None`` meeting a specific ARN or a NotResource). A given context is
the full request context: an absent key or an unresolvable variable is then
decided as AWS does, never unknown (see `conditions`). Within one
*layer* (the identity policies, the permissions boundary, one SCP level):

* an applying Deny → DENY; a Deny that *may* apply is not applied but marks the
  result conditional;
* otherwise an applying Allow → allowed; an Allow that may apply →
  CONDITIONAL; none → IMPLICIT_DENY.

Layers intersect: DENY anywhere wins, then IMPLICIT_DENY in any layer, then
CONDITIONAL if any layer is conditional or carries a may-apply Deny, else ALLOW.

Speed: policies are compiled once per `Policy` object and their context-free
answers cached (see `compiled`); `PolicySet.evaluate_all` answers a whole
`ActionSet` in one pass per policy.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .compiled import (
    S_CONDITIONAL,
    S_DENY,
    S_IMPLICIT,
    STATUS,
    WILDCARD_ACTIONS,
    ActionSet,
    compiled,
)
from .matching import normalize_context, substitute
from .policy import Policy, Statement, parse_policy

__all__ = [
    "ActionSet",
    "Decision",
    "PolicyLike",
    "PolicySet",
    "allows",
    "as_policy",
    "evaluate",
    "is_full_admin",
    "service_wildcards",
]

#: A parsed `Policy`, a policy dict, or a JSON string.
PolicyLike = Policy | Mapping[str, Any] | str

_PROBE = "x-awscompliance-probe:Probe"


class Decision(enum.Enum):
    """Outcome of evaluating one request."""

    ALLOW = "ALLOW"
    DENY = "DENY"
    IMPLICIT_DENY = "IMPLICIT_DENY"
    CONDITIONAL = "CONDITIONAL"


def as_policy(policy: PolicyLike, *, kind: str = "identity") -> Policy:
    """Return ``policy`` if already parsed, else `parse_policy` it."""
    return policy if isinstance(policy, Policy) else parse_policy(policy, kind=kind)


_DECISION = tuple(
    Decision.DENY
    if status & S_DENY
    else Decision.IMPLICIT_DENY
    if status & S_IMPLICIT
    else Decision.CONDITIONAL
    if status & S_CONDITIONAL
    else Decision.ALLOW
    for status in range(8)
)
"""The decision for a union of per-layer status bits (`compiled.STATUS`)."""


def _policy_list(policies: PolicyLike | Iterable[PolicyLike], kind: str) -> list[Policy]:
    if isinstance(policies, (Policy, str, Mapping)):
        policies = [policies]
    return [as_policy(p, kind=kind) for p in policies]


class PolicySet:
    """The policies that govern one principal, prepared for many queries.

    ``scp_levels`` lists the SCPs attached at each level from the root down to
    the account: OR within a level, AND across levels (an empty level allows
    nothing). ``context`` is the request context (see `normalize_context`);
    ``None`` means unknown, which makes every conditional statement CONDITIONAL.
    """

    def __init__(
        self,
        policies: PolicyLike | Iterable[PolicyLike],
        *,
        boundary: PolicyLike | None = None,
        scp_levels: Sequence[PolicyLike | Iterable[PolicyLike]] = (),
        context: Mapping[str, Any] | None = None,
    ) -> None:
        layers = [[compiled(p) for p in _policy_list(policies, "identity")]]
        if boundary is not None:
            layers.append([compiled(as_policy(boundary, kind="boundary"))])
        for level in scp_levels:
            layers.append([compiled(p) for p in _policy_list(level, "scp")])
        self._layers = layers
        self._context = normalize_context(context)

    def evaluate(self, action: str, resource: str | None = None) -> Decision:
        """Decision for ``action`` on ``resource`` (``None`` = any / unknown resource)."""
        action = action.lower()
        status = 0
        for layer in self._layers:
            flags = 0
            for policy in layer:
                flags |= policy.flags(action, resource, self._context)
            status |= STATUS[flags]
        return _DECISION[status]

    def resource_patterns(self, action: str) -> tuple[str, ...] | None:
        """The Resource/NotResource patterns (``*`` left out) of every statement that may
        decide ``action``; ``None`` when one holds a policy variable that may resolve
        (without a context, an unresolvable one is "unknown" for every resource alike).

        Two resources matching the same of these patterns get the same decision, so the
        decision for a resource matching none of them holds for every such resource.
        """
        action = action.lower()
        found: list[str] = []
        for layer in self._layers:
            for policy in layer:
                for st in policy.deciding(action):
                    if st.any_resource:
                        continue
                    patterns = st.resources if st.resources is not None else st.not_resources
                    for pattern in patterns or ():
                        if st.variables and "$" in pattern:
                            if self._context is None and substitute(pattern, None) is None:
                                continue  # unresolvable: "may match" for every resource
                            return None
                        if pattern != "*":
                            found.append(pattern)
        return tuple(dict.fromkeys(found))

    def evaluate_all(
        self, action_set: ActionSet, resource: str | None = None
    ) -> dict[str, Decision]:
        """Decisions for every (lower-cased) action of ``action_set`` at once."""
        tables = []
        for layer in self._layers:
            if len(layer) == 1:
                tables.append(layer[0].table(action_set, resource, self._context))
                continue
            merged: dict[str, int] = {}
            for policy in layer:
                for action, flags in policy.table(action_set, resource, self._context).items():
                    merged[action] = merged.get(action, 0) | flags
            tables.append(merged)
        decisions = {}
        for action in action_set.actions:
            status = 0
            for table in tables:
                status |= STATUS[table.get(action, 0)]
            decisions[action] = _DECISION[status]
        return decisions


def evaluate(
    policies: PolicyLike | Iterable[PolicyLike],
    action: str,
    resource: str | None = None,
    *,
    context: Mapping[str, Any] | None = None,
    boundary: PolicyLike | None = None,
    scp_levels: Sequence[PolicyLike | Iterable[PolicyLike]] = (),
) -> Decision:
    """Evaluate one request against identity ``policies`` (+ boundary and SCP levels).

    ``resource=None`` asks about *any/unknown* resource: a statement with
    ``Resource: "*"`` matches, a specific ARN or a NotResource may match
    (CONDITIONAL for an Allow, not applied — but marking the result
    conditional — for a Deny).
    """
    policy_set = PolicySet(policies, boundary=boundary, scp_levels=scp_levels, context=context)
    return policy_set.evaluate(action, resource)


def allows(
    policies: PolicyLike | Iterable[PolicyLike],
    action: str,
    resource: str | None = None,
    *,
    context: Mapping[str, Any] | None = None,
    boundary: PolicyLike | None = None,
    scp_levels: Sequence[PolicyLike | Iterable[PolicyLike]] = (),
) -> bool:
    """True only if `evaluate` returns `Decision.ALLOW` (definite grant)."""
    decision = evaluate(
        policies, action, resource, context=context, boundary=boundary, scp_levels=scp_levels
    )
    return decision is Decision.ALLOW


def is_full_admin(policy: PolicyLike) -> bool:
    """``iam-customer-policy-no-full-admin``: does the policy grant ``*`` on ``*``?

    True if an Allow statement has Action ``"*"``/``"*:*"`` (or any NotAction
    that does not exclude everything) with ``"*"`` among its Resources, unless
    the policy's own Deny statements remove that grant (an unconditional Deny
    of every action — ``"*"`` or a NotAction — on every resource). Conditions
    on the Allow are ignored, as Security Hub IAM.1 does.
    """
    parsed = as_policy(policy)
    admin_shaped = any(
        st.is_allow and "*" in (st.resources or ()) and _grants_everything(st)
        for st in parsed.statements
    )
    if not admin_shaped:
        return False
    return PolicySet([parsed]).evaluate(_PROBE) is not Decision.DENY


def _grants_everything(statement: Statement) -> bool:
    """Action ``*``/``*:*``, or a NotAction that does not itself exclude everything."""
    if statement.actions is not None:
        return any(a in WILDCARD_ACTIONS for a in statement.actions)
    return not any(a in WILDCARD_ACTIONS for a in statement.not_actions or ())


def service_wildcards(policy: PolicyLike) -> list[str]:
    """``iam-policy-no-service-wildcard``: ``service:*`` patterns in Allow statements.

    Both Action and NotAction are inspected (Security Hub IAM.21 wording);
    ``ec2:Describe*`` style prefixes pass. Returns each offending pattern once.
    """
    found: list[str] = []
    for st in as_policy(policy).statements:
        if not st.is_allow:
            continue
        for pattern in (st.actions or ()) + (st.not_actions or ()):
            service, sep, name = pattern.partition(":")
            if sep and name == "*" and service and ":" not in service and pattern not in found:
                found.append(pattern)
    return found
