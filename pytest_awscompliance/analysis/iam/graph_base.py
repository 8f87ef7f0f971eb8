"""The escalation graph's nodes and how it decides one request for one of them.

`GraphBase` holds the subjects and the indexes of their trust policies, and decides
requests with the evaluator (`PolicySet`, with the subject's boundary and its account's SCP
levels), memoized: decisions that cannot depend on the target are taken once, and targets
that match none of the deciding statements' patterns share one decision. The edge methods
(`graph_edges`) and the search (`graph`) are built on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .evaluate import Decision, PolicyLike, PolicySet
from .graph_model import Hop, Launcher, Subject
from .graph_trust import condition_text, read_trust, specialize, statement_covers
from .matching import resource_matches
from .policy import Policy
from .privesc import ADMIN_SENTINELS, principal_is_admin

__all__ = ["GRANTED", "GraphBase"]

GRANTED = (Decision.ALLOW, Decision.CONDITIONAL)
MODIFY_ACTIONS = ("iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:PutRolePolicy",
                  "iam:AttachRolePolicy", "iam:PutGroupPolicy", "iam:AttachGroupPolicy",
                  "iam:CreatePolicyVersion", "iam:DeleteUserPermissionsBoundary",
                  "iam:DeleteRolePermissionsBoundary")


class GraphBase:
    """Subjects, trust indexes and memoized decisions (see `EscalationGraph`).

    ``scp_levels`` maps an account ID to its SCP levels (root to account, as in
    `PolicySet`); accounts without an entry are evaluated without SCPs. ``launchers`` are
    the existing launch configurations/templates and the roles their profiles hold.
    ``notes`` say what the graph could not take into account; every path carries them.
    """

    def __init__(self, subjects: Iterable[Subject], *,
                 scp_levels: Mapping[str, Sequence[PolicyLike | Iterable[PolicyLike]]]
                 | None = None,
                 launchers: Iterable[Launcher] = (), notes: Iterable[str] = ()) -> None:
        self.notes = tuple(notes)
        self.subjects = {s.arn: s for s in subjects}
        self.scp_levels = dict(scp_levels or {})
        self.launchers = tuple(launchers)
        self.roles = [s for s in self.subjects.values() if s.kind == "role"]
        self.users = [s for s in self.subjects.values() if s.kind == "user"]
        self._trust = {r.arn: read_trust(r.trust) for r in self.roles}
        self._by_arn: dict[str, list[str]] = {}
        self._by_account: dict[str, list[str]] = {}
        self._by_service: dict[str, list[str]] = {}
        self._open: list[str] = []
        for arn, trust in self._trust.items():
            for key in trust.arns:
                self._by_arn.setdefault(key, []).append(arn)
            for key in trust.accounts:
                self._by_account.setdefault(key, []).append(arn)
            for key in trust.services:
                self._by_service.setdefault(key, []).append(arn)
            if trust.anyone is not None:
                self._open.append(arn)
        self._holders: dict[str, list[str]] = {}
        for subject in self.subjects.values():
            for policy_arn in subject.managed:
                self._holders.setdefault(policy_arn, []).append(subject.arn)
        self._sets: dict[tuple[str, tuple[tuple[str, str], ...]], PolicySet] = {}
        self._admin: dict[str, bool] = {}
        self._edges: dict[str, list[Hop]] = {}
        self._hops: dict[Hop, Hop] = {}
        self._grants: dict[str, list[list[Hop]]] = {}
        self._reasons: dict[tuple[str, str], str] = {}
        self._able: dict[str, frozenset[str]] = {}
        self._dead: dict[bool, set[str]] = {True: set(), False: set()}
        self._uniforms: dict[tuple[str, str], bool] = {}
        self._maybe_admin: dict[str, tuple[str, ...] | None] = {}
        self._pattern_hits: dict[tuple[str, int], frozenset[str]] = {}
        self._accounts: dict[tuple[str, str], list[Subject]] = {}
        self._services: dict[str, list[Subject]] = {}

    # --- evaluation helpers ---------------------------------------------------------------

    def _scps(self, subject: Subject) -> Sequence[PolicyLike | Iterable[PolicyLike]]:
        return self.scp_levels.get(subject.account, ())

    def _set(self, subject: Subject, **known: str) -> PolicySet:
        key = (subject.arn, tuple(sorted(known.items())))
        found = self._sets.get(key)
        if found is None:
            if subject.kind == "user":
                known.setdefault("aws:username", subject.name)
            policies = [specialize(p, known) for p in subject.policies]
            boundary = specialize(subject.boundary, known) if subject.boundary else None
            found = self._sets[key] = PolicySet(policies, boundary=boundary,
                                                scp_levels=self._scps(subject))
        return found

    def _why(self, subject: Subject, action: str) -> str:
        """Names what makes ``action`` conditional for ``subject`` (memoized)."""
        key = (subject.arn, action)
        found = self._reasons.get(key)
        if found is None:
            found = self._reasons[key] = self._reason(subject, action)
        return found

    def _reason(self, subject: Subject, action: str) -> str:
        keys = []
        for policy in (*subject.policies, *((subject.boundary,) if subject.boundary else ())):
            for st in policy.statements:
                if st.conditions and statement_covers(st, action):
                    keys.append(condition_text(st))
        guards = [condition_text(st) for policy in self._scp_policies(subject)
                  if isinstance(policy, Policy) for st in policy.statements
                  if not st.is_allow and st.conditions and statement_covers(st, action)]
        found = []
        if keys:
            found.append(f"{action} only if {' / '.join(dict.fromkeys(keys))}")
        if guards:
            found.append(f"{action} unless an SCP denies it ({' / '.join(dict.fromkeys(guards))})")
        return "; ".join(found) or (
            f"{action} only on some resources or next to a Deny that may apply")

    def _scp_policies(self, subject: Subject) -> list[PolicyLike]:
        """The SCPs of every level above ``subject``'s account, in one list."""
        return [p for level in self._scps(subject)
                for p in ([level] if isinstance(level, Policy) else list(level))]

    def _decide(self, subject: Subject, actions: Sequence[tuple[str, str | None]],
                **known: str) -> tuple[str, ...] | None:
        """Conditions under which ``subject`` may do every (action, resource); ``None`` if
        it may not (empty tuple: definitely may)."""
        policy_set = self._set(subject, **known)
        conditions = []
        for action, resource in actions:
            if resource is not None and self._uniform(subject, action):
                resource = None  # same answer for every resource: the cached one
            decision = policy_set.evaluate(action, resource)
            if decision not in GRANTED:
                return None
            if decision is Decision.CONDITIONAL:
                conditions.append(self._why(subject, action))
        return tuple(conditions)

    def _decide_each(self, subject: Subject, action: str, targets: Sequence[Subject],
                     **known: str) -> list[tuple[Subject, tuple[str, ...]]]:
        """``(target, conditions)`` for every target ``subject`` may do ``action`` on, in
        order: the same as `_decide` per target, but targets that match none of the
        patterns of the statements deciding ``action`` share one decision."""
        if self._uniform(subject, action):
            granted = self._decide(subject, [(action, None)], **known)
            return [] if granted is None else [(t, granted) for t in targets]
        patterns = self._set(subject, **known).resource_patterns(action)
        if patterns is None:  # a policy variable: each target on its own
            special: set[str] | None = None
        else:
            special = set()
            for pattern in patterns:
                special |= self._hits(pattern, targets)
        shared: tuple[str, ...] | bool | None = False  # False: not decided yet
        found = []
        for target in targets:
            if special is None or target.arn in special:
                granted = self._decide(subject, [(action, target.arn)], **known)
            else:
                if shared is False:
                    shared = self._decide(subject, [(action, target.arn)], **known)
                granted = shared
            if granted is not None:
                found.append((target, granted))
        return found

    def _peers(self, subject: Subject, kind: str) -> list[Subject]:
        """The users or roles of ``subject``'s account, in graph order (one list each)."""
        key = (subject.account, kind)
        found = self._accounts.get(key)
        if found is None:
            found = self._accounts[key] = [s for s in self.subjects.values()
                                           if s.kind == kind and s.account == subject.account]
        return found

    def _trusting(self, service: str) -> list[Subject]:
        """The roles whose trust policy names ``service`` (one list per service)."""
        found = self._services.get(service)
        if found is None:
            found = self._services[service] = [self.subjects[arn]
                                               for arn in self._by_service.get(service, ())]
        return found

    def _hits(self, pattern: str, targets: Sequence[Subject]) -> frozenset[str]:
        """ARNs of ``targets`` that ``pattern`` matches (memoized per pattern and list)."""
        key = (pattern, id(targets))
        found = self._pattern_hits.get(key)
        if found is None:
            if "*" not in pattern and "?" not in pattern:
                found = frozenset(t.arn for t in targets if t.arn == pattern)
            else:
                found = frozenset(t.arn for t in targets if resource_matches(pattern, t.arn))
            self._pattern_hits[key] = found
        return found

    def _uniform(self, subject: Subject, action: str) -> bool:
        """Whether every statement that may decide ``action`` for ``subject`` applies to all
        resources alike (no ARN, NotResource or variable), memoized."""
        key = (subject.arn, action)
        found = self._uniforms.get(key)
        if found is None:
            scps = self._scp_policies(subject)
            found = all(isinstance(p, Policy) for p in scps) and all(
                st.not_resources is None and (st.resources is None or "*" in st.resources)
                for policy in (*subject.policies,
                               *((subject.boundary,) if subject.boundary else ()), *scps)
                if isinstance(policy, Policy)
                for st in policy.statements if statement_covers(st, action))
            self._uniforms[key] = found
        return found

    def _possible(self, subject: Subject, action: str) -> bool:
        return self._set(subject).evaluate(action) in GRANTED

    def _modifications(self, subject: Subject) -> frozenset[str]:
        """The policy-changing actions ``subject`` may hold on some resource (memoized)."""
        found = self._able.get(subject.arn)
        if found is None:
            found = self._able[subject.arn] = frozenset(
                a for a in MODIFY_ACTIONS if self._possible(subject, a))
        return found

    # --- nodes ----------------------------------------------------------------------------

    def is_admin(self, arn: str) -> bool:
        """Definitely ``*`` on ``*`` after boundary and SCPs (`principal_is_admin`)."""
        found = self._admin.get(arn)
        if found is None:
            subject = self.subjects[arn]
            found = self._admin[arn] = principal_is_admin(
                list(subject.policies), subject.boundary, self._scps(subject))
        return found

    def admin_conditions(self, arn: str) -> tuple[str, ...] | None:
        """Why ``arn`` is an administrator only conditionally (every `ADMIN_SENTINELS` action
        at least CONDITIONAL on ``*``); ``None`` if not even that, ``()`` if definitely."""
        if arn in self._maybe_admin:
            return self._maybe_admin[arn]
        subject = self.subjects[arn]
        found: tuple[str, ...] | None = ()
        if not self.is_admin(arn):
            policy_set = self._set(subject)
            reasons = []
            for action in ADMIN_SENTINELS:
                decision = policy_set.evaluate(action, "*")
                if decision not in GRANTED:
                    found = None
                    break
                if decision is Decision.CONDITIONAL:
                    reasons.append(self._why(subject, action))
            else:
                found = tuple(dict.fromkeys(reasons))
        self._maybe_admin[arn] = found
        return found

    def _admin_with(self, subject: Subject, extra: Iterable[Policy] = (),
                    boundary: bool = True) -> bool:
        return principal_is_admin([*subject.policies, *extra],
                                  subject.boundary if boundary else None, self._scps(subject))
