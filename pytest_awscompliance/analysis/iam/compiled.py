"""Policies compiled for fast repeated evaluation (the evaluator's inner loop).

Statements are compiled once per `Policy` object (action globs are shared through
`functools.lru_cache`), results for a context-free query are cached per policy, and an
`ActionSet` is answered in one pass per policy, testing each distinct pattern only
against the actions of its own service. A query yields flag bits per policy (DENY,
MAYBE_DENY, ALLOW, MAYBE_ALLOW); `STATUS` turns a layer's flags into status bits that
`evaluate` maps to a `Decision`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from .conditions import evaluate_conditions
from .matching import Context, action_matcher, resource_matches
from .policy import Policy, Statement

__all__ = [
    "STATUS",
    "S_CONDITIONAL",
    "S_DENY",
    "S_IMPLICIT",
    "WILDCARD_ACTIONS",
    "ActionSet",
    "compiled",
]

_DENY, _MAYBE_DENY, _ALLOW, _MAYBE_ALLOW = 1, 2, 4, 8
WILDCARD_ACTIONS = frozenset({"*", "*:*"})


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
            if pattern in WILDCARD_ACTIONS:
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
        self.match_all = any(p in WILDCARD_ACTIONS for p in patterns)
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


_NO_TABLE: dict[str, int] = {}
"""`_CompiledPolicy.any_table` before its first table (never returned, never changed)."""


class _CompiledPolicy:
    """A policy's compiled statements plus per-query result caches.

    The caches are made on first use, and the table of the first `ActionSet` asked about
    any resource sits in two slots: a compiled policy stays small (few objects for the
    garbage collector to track) until it is queried in more ways.
    """

    __slots__ = ("any_set", "any_table", "by_action", "cache", "statements", "tables")

    def __init__(self, policy: Policy) -> None:
        variables = policy.uses_variables
        self.statements = tuple(_Compiled(st, variables) for st in policy.statements)
        self.cache: dict[tuple[str, str | None], int] | None = None
        self.by_action: dict[str, tuple[_Compiled, ...]] | None = None
        self.tables: dict[tuple[ActionSet, str | None], dict[str, int]] | None = None
        self.any_set: ActionSet | None = None
        self.any_table = _NO_TABLE

    def flags(self, action: str, resource: str | None, context: Context | None) -> int:
        """Bit set of DENY / MAYBE_DENY / ALLOW / MAYBE_ALLOW for a lower-cased action."""
        cache = self.cache
        if context is None and cache is not None:
            cached = cache.get((action, resource))
            if cached is not None:
                return cached
        by_action = self.by_action
        result = 0
        for st in (by_action.get(action) if by_action is not None else None) \
                or self.deciding(action):
            applies = st.rest_applies(resource, context)
            if applies is not False:
                result |= _bit(st.deny, applies)
        if context is None:
            if cache is None:
                cache = self.cache = {}
            elif len(cache) > 4096:
                cache.clear()
            cache[(action, resource)] = result
        return result

    def deciding(self, action: str) -> tuple[_Compiled, ...]:
        """The statements whose Action/NotAction covers a lower-cased ``action`` (memoized)."""
        by_action = self.by_action
        if by_action is None:
            by_action = self.by_action = {}
        found = by_action.get(action)
        if found is None:
            if len(by_action) > 4096:
                by_action.clear()
            found = by_action[action] = tuple(
                st for st in self.statements if st.action_applies(action))
        return found

    def table(
        self, action_set: ActionSet, resource: str | None, context: Context | None
    ) -> dict[str, int]:
        """Non-zero `flags` for every action of ``action_set`` (sparse)."""
        if context is None:
            if resource is None and self.any_set is action_set:
                return self.any_table
            cached = self.tables.get((action_set, resource)) if self.tables else None
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
            if resource is None and self.any_set is None:
                self.any_set, self.any_table = action_set, result
            else:
                if self.tables is None:
                    self.tables = {}
                self.tables[(action_set, resource)] = result
        return result


# Per-layer status bits and the final decision for their union.
S_DENY, S_IMPLICIT, S_CONDITIONAL = 1, 2, 4


def _status(flags: int) -> int:
    if flags & _DENY:
        return S_DENY
    status = 0 if flags & (_ALLOW | _MAYBE_ALLOW) else S_IMPLICIT
    if not flags & _ALLOW or flags & _MAYBE_DENY:
        status |= S_CONDITIONAL
    return status


STATUS = tuple(_status(flags) for flags in range(16))


def compiled(policy: Policy) -> _CompiledPolicy:
    compiled = policy._cache.get("evaluator")
    if compiled is None:
        compiled = policy._cache["evaluator"] = _CompiledPolicy(policy)
    return compiled
