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

Speed: statements are compiled once per `Policy` object (action globs are
shared through `functools.lru_cache`), results for a context-free query are
cached per policy, and `PolicySet.evaluate_all` answers a whole `ActionSet`
in one pass per policy, testing each distinct pattern only against the
actions of its own service.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from .conditions import evaluate_conditions
from .matching import (
    Context,
    action_matcher,
    normalize_context,
    resource_matches,
    substitute,
)
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

_DENY, _MAYBE_DENY, _ALLOW, _MAYBE_ALLOW = 1, 2, 4, 8
_WILDCARD_ACTIONS = frozenset({"*", "*:*"})
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


def _service(pattern: str) -> str | None:
    """Lower-cased service prefix of an action pattern, None if it is wildcarded."""
    service, sep, _ = pattern.partition(":")
    if not sep or "*" in service or "?" in service:
        return None
    return service.lower()


class ActionSet:
    """A fixed collection of actions evaluated together with `PolicySet.evaluate_all`.

    Build it once and reuse it: which of its actions a pattern matches is
    computed once per distinct pattern (testing only the actions of the
    pattern's service), and per-policy results are cached per ActionSet.
    """

    __slots__ = ("_hits", "actions", "by_service")

    def __init__(self, actions: Iterable[str]) -> None:
        self.actions: tuple[str, ...] = tuple(dict.fromkeys(a.lower() for a in actions))
        by_service: dict[str, list[str]] = {}
        for action in self.actions:
            by_service.setdefault(action.partition(":")[0], []).append(action)
        self.by_service = {k: tuple(v) for k, v in by_service.items()}
        self._hits: dict[str, frozenset[str]] = {}

    def matching(self, pattern: str) -> frozenset[str]:
        """The actions of this set that the action glob ``pattern`` matches."""
        hits = self._hits.get(pattern)
        if hits is None:
            if pattern in _WILDCARD_ACTIONS:
                hits = frozenset(self.actions)
            else:
                service = _service(pattern)
                candidates = self.actions if service is None else self.by_service.get(service, ())
                matcher = action_matcher(pattern)
                hits = frozenset(a for a in candidates if matcher(a))
            if len(self._hits) > 65536:
                self._hits.clear()
            self._hits[pattern] = hits
        return hits


class _Patterns:
    """A statement's Action (or NotAction) list, compiled once and shared."""

    __slots__ = ("exact", "globs", "hits", "match_all", "patterns")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        self.match_all = any(p in _WILDCARD_ACTIONS for p in patterns)
        self.exact = frozenset(p.lower() for p in patterns if "*" not in p and "?" not in p)
        self.globs = tuple(action_matcher(p) for p in patterns if "*" in p or "?" in p)
        self.hits: dict[tuple[ActionSet, bool], tuple[str, ...]] = {}

    def matches(self, action: str) -> bool:
        """``action`` must be lower-cased."""
        return self.match_all or action in self.exact or any(g(action) for g in self.globs)

    def matching(self, action_set: ActionSet, negate: bool) -> tuple[str, ...]:
        """Actions of ``action_set`` matched (or, if ``negate``, not matched)."""
        key = (action_set, negate)
        hits = self.hits.get(key)
        if hits is None:
            matched = frozenset().union(*(action_set.matching(p) for p in self.patterns))
            if negate:
                hits = tuple(a for a in action_set.actions if a not in matched)
            else:
                hits = tuple(matched)
            self.hits[key] = hits
        return hits


@lru_cache(maxsize=8192)
def _patterns(patterns: tuple[str, ...]) -> _Patterns:
    return _Patterns(patterns)


class _Compiled:
    """A statement prepared for fast repeated matching."""

    __slots__ = (
        "any_resource",
        "conditions",
        "deny",
        "negate_action",
        "not_resources",
        "patterns",
        "resources",
        "variables",
    )

    def __init__(self, statement: Statement, variables: bool) -> None:
        self.deny = not statement.is_allow
        self.negate_action = statement.actions is None
        self.patterns = _patterns(statement.actions or statement.not_actions or ())
        self.resources = statement.resources
        self.not_resources = statement.not_resources
        self.any_resource = (self.resources is None and self.not_resources is None) or (
            self.resources is not None and "*" in self.resources
        )
        self.conditions = statement.conditions
        self.variables = variables

    def action_applies(self, action: str) -> bool:
        """``action`` must be lower-cased."""
        return self.patterns.matches(action) != self.negate_action

    def rest_applies(self, resource: str | None, context: Context | None) -> bool | None:
        """Resource and Condition parts, three-valued (action already matched)."""
        if self.any_resource:
            res: bool | None = True
        elif resource is None:
            res = None
        else:
            patterns = self.resources if self.resources is not None else self.not_resources
            res = False
            for pattern in patterns or ():
                hit = resource_matches(pattern, resource, context, variables=self.variables)
                if hit:
                    res = True
                    break
                if hit is None and context is None:  # with a context: no value, no match
                    res = None
            if self.not_resources is not None and res is not None:
                res = not res
        if res is False:
            return False
        if not self.conditions:
            return res
        if context is None:
            return None
        cond = evaluate_conditions(self.conditions, context, variables=self.variables)
        if cond is False:
            return False
        return None if res is None or cond is None else True


def _bit(deny: bool, applies: bool | None) -> int:
    if deny:
        return _DENY if applies else _MAYBE_DENY
    return _ALLOW if applies else _MAYBE_ALLOW


class _CompiledPolicy:
    """A policy's compiled statements plus per-query result caches."""

    __slots__ = ("by_action", "cache", "statements", "tables")

    def __init__(self, policy: Policy) -> None:
        variables = policy.uses_variables
        self.statements = tuple(_Compiled(st, variables) for st in policy.statements)
        self.cache: dict[tuple[str, str | None], int] = {}
        self.by_action: dict[str, tuple[_Compiled, ...]] = {}
        self.tables: dict[tuple[ActionSet, str | None], dict[str, int]] = {}

    def flags(self, action: str, resource: str | None, context: Context | None) -> int:
        """Bit set of DENY / MAYBE_DENY / ALLOW / MAYBE_ALLOW for a lower-cased action."""
        if context is None:
            cached = self.cache.get((action, resource))
            if cached is not None:
                return cached
        result = 0
        for st in self.by_action.get(action) or self.deciding(action):
            applies = st.rest_applies(resource, context)
            if applies is not False:
                result |= _bit(st.deny, applies)
        if context is None:
            if len(self.cache) > 4096:
                self.cache.clear()
            self.cache[(action, resource)] = result
        return result

    def deciding(self, action: str) -> tuple[_Compiled, ...]:
        """The statements whose Action/NotAction covers a lower-cased ``action`` (memoized)."""
        found = self.by_action.get(action)
        if found is None:
            if len(self.by_action) > 4096:
                self.by_action.clear()
            found = self.by_action[action] = tuple(
                st for st in self.statements if st.action_applies(action))
        return found

    def table(
        self, action_set: ActionSet, resource: str | None, context: Context | None
    ) -> dict[str, int]:
        """Non-zero `flags` for every action of ``action_set`` (sparse)."""
        if context is None:
            cached = self.tables.get((action_set, resource))
            if cached is not None:
                return cached
        result: dict[str, int] = {}
        for st in self.statements:
            hits = st.patterns.matching(action_set, st.negate_action)
            if not hits:
                continue
            applies = st.rest_applies(resource, context)
            if applies is False:
                continue
            bit = _bit(st.deny, applies)
            for action in hits:
                result[action] = result.get(action, 0) | bit
        if context is None:
            self.tables[(action_set, resource)] = result
        return result


# Per-layer status bits and the final decision for their union.
_S_DENY, _S_IMPLICIT, _S_CONDITIONAL = 1, 2, 4


def _status(flags: int) -> int:
    if flags & _DENY:
        return _S_DENY
    status = 0 if flags & (_ALLOW | _MAYBE_ALLOW) else _S_IMPLICIT
    if not flags & _ALLOW or flags & _MAYBE_DENY:
        status |= _S_CONDITIONAL
    return status


_STATUS = tuple(_status(flags) for flags in range(16))
_DECISION = tuple(
    Decision.DENY
    if status & _S_DENY
    else Decision.IMPLICIT_DENY
    if status & _S_IMPLICIT
    else Decision.CONDITIONAL
    if status & _S_CONDITIONAL
    else Decision.ALLOW
    for status in range(8)
)


def _compiled(policy: Policy) -> _CompiledPolicy:
    compiled = policy._cache.get("evaluator")
    if compiled is None:
        compiled = policy._cache["evaluator"] = _CompiledPolicy(policy)
    return compiled


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
        layers = [[_compiled(p) for p in _policy_list(policies, "identity")]]
        if boundary is not None:
            layers.append([_compiled(as_policy(boundary, kind="boundary"))])
        for level in scp_levels:
            layers.append([_compiled(p) for p in _policy_list(level, "scp")])
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
            status |= _STATUS[flags]
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
                status |= _STATUS[table.get(action, 0)]
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
        return any(a in _WILDCARD_ACTIONS for a in statement.actions)
    return not any(a in _WILDCARD_ACTIONS for a in statement.not_actions or ())


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
