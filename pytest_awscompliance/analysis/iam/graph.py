"""Escalation graph: which principal can become which, and the shortest way to admin.

Pure logic over plain data (parsed policies, no AWS calls). Nodes are the users and roles
of the scanned accounts (`Subject`); an edge "A can become B" carries a named method
(assume role, pass role to a service B trusts, create B's keys or password, rewrite B's
trust, instance profiles, Auto Scaling from an existing launch configuration/template).
Grants end a path at "admin": A changes the policies of itself, of one of its groups or of
a principal it can become, adds itself to an admin group, or lifts its own boundary.

Every hop is decided by the evaluator (`PolicySet`) with the source's permissions boundary
and its account's SCP levels, so boundaries and SCPs cut edges. A hop granted only under a
condition (or on some resources, or next to a Deny that may apply) is *conditional* and
names why. `EscalationGraph.path_to_admin` is a breadth-first search, definite hops first;
edges are computed lazily, once per node, candidate roles come from indexes of the
trust policies (by trusted ARN, account and service), decisions that cannot depend on
the target are taken once, and nodes a failed search explored are remembered as leading
nowhere. A principal that may do everything, but only under conditions, ends a
conditional path and is not expanded.

AWS blocks changes to roles under ``/aws-reserved/sso.amazonaws.com/`` and to
service-linked roles, and AWS-managed policies (``arn:aws:iam::aws:policy/...``) cannot get
new versions: none of them yields an edge. Creating one's own access key or changing one's
own password is not an escalation.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .conditions import evaluate_conditions
from .evaluate import Decision, PolicyLike, PolicySet
from .matching import action_matches, resource_matches
from .policy import Policy, Statement
from .privesc import ADMIN_SENTINELS, principal_is_admin
from .privesc_methods import METHODS, launch_services

__all__ = ["ADMIN", "EscalationGraph", "EscalationPath", "Hop", "Launcher", "Subject"]

ADMIN = "admin"
"""The target of a hop that makes the principal an administrator."""

RESERVED_SSO_PATH = "/aws-reserved/sso.amazonaws.com/"
AWS_MANAGED = ":iam::aws:policy/"
_GRANTED = (Decision.ALLOW, Decision.CONDITIONAL)
_EC2 = "ec2.amazonaws.com"  # the service of instance profiles
_MODIFY_ACTIONS = ("iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:PutRolePolicy",
                   "iam:AttachRolePolicy", "iam:PutGroupPolicy", "iam:AttachGroupPolicy",
                   "iam:CreatePolicyVersion", "iam:DeleteUserPermissionsBoundary",
                   "iam:DeleteRolePermissionsBoundary")


@dataclass(frozen=True)
class Subject:
    """A user, role or group with what decides its permissions (plain data)."""

    kind: str  # "user", "role" or "group"
    name: str
    arn: str
    account: str
    policies: tuple[Policy, ...] = ()
    """Identity policies (a user's include its groups')."""
    boundary: Policy | None = None
    trust: Policy | None = None
    path: str = "/"
    groups: tuple[str, ...] = ()
    """Users: ARNs of their groups."""
    managed: tuple[str, ...] = ()
    """ARNs of the managed policies it holds (directly or through a group)."""
    instance_profiles: tuple[str, ...] = ()
    """Roles: ARNs of the instance profiles holding it."""

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def immutable(self) -> bool:
        """AWS refuses changes to it (SSO-reserved or service-linked role)."""
        return self.kind == "role" and (self.path.startswith(RESERVED_SSO_PATH)
                                        or self.path.startswith("/aws-service-role/"))


@dataclass(frozen=True)
class Launcher:
    """An existing launch configuration or template whose instance profile holds roles."""

    kind: str  # "launch configuration" or "launch template"
    name: str
    account: str
    roles: tuple[str, ...]
    """ARNs of the roles of its instance profile."""


@dataclass(frozen=True)
class Hop:
    """One step of a path: ``text`` reads ``assume role/ci``; no conditions = definite."""

    method: str
    text: str
    target: str  # an ARN, or ADMIN
    conditions: tuple[str, ...] = ()

    @property
    def definite(self) -> bool:
        return not self.conditions


@dataclass(frozen=True)
class EscalationPath:
    """A way from ``start`` (a label) to admin, hop by hop."""

    start: str
    hops: tuple[Hop, ...]
    notes: tuple[str, ...] = ()
    """What the graph could not take into account (e.g. unreadable SCPs)."""

    @property
    def definite(self) -> bool:
        return all(h.definite for h in self.hops)

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for h in self.hops for c in h.conditions))

    def describe(self) -> str:
        """``user/dev-a -> assume role/ci -> pass role/admin to lambda``."""
        return " -> ".join([self.start, *(h.text for h in self.hops)])


# --- launch methods per service: a passed role must trust the service -------------------

LAUNCHES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (m.name, tuple(a for a in m.actions if a.lower() != "iam:passrole"),
     launch_services(m))
    for m in METHODS if any(a.lower() == "iam:passrole" for a in m.actions)
)
"""(method, actions besides iam:PassRole, service principals the passed role must trust)."""


# --- policy specialisation: known keys substituted before evaluation --------------------

def _specialize(policy: Policy, known: Mapping[str, str]) -> Policy:
    """``policy`` with conditions on the ``known`` keys decided and ``${key}`` in resources
    replaced (e.g. ``iam:PassedToService``, ``aws:username``); other conditions stay."""
    if not policy.uses_variables and not any(st.conditions for st in policy.statements):
        return policy
    context = {k.lower(): (v,) for k, v in known.items()}
    statements = []
    changed = False
    for st in policy.statements:
        keep = tuple(c for c in st.conditions if c.key not in context)
        decided = tuple(c for c in st.conditions if c.key in context)
        if decided:
            changed = True
            if evaluate_conditions(decided, context) is not True:
                continue
        resources = st.resources
        if policy.uses_variables and resources:
            new = tuple(_substitute(r, known) for r in resources)
            changed |= new != resources
            resources = new
        statements.append(replace(st, conditions=keep, resources=resources)
                          if decided or resources != st.resources else st)
    if not changed:
        return policy
    return Policy(tuple(statements), version=policy.version, id=policy.id, kind=policy.kind)


def _substitute(resource: str, known: Mapping[str, str]) -> str:
    for key, value in known.items():
        if "$" in resource:
            for spelling in (key, key.lower()):
                resource = resource.replace("${" + spelling + "}", value)
    return resource


def _assume_actions(st: Statement, action: str = "sts:AssumeRole") -> bool:
    if st.actions is not None:
        return any(action_matches(p, action) for p in st.actions)
    return not any(action_matches(p, action) for p in st.not_actions or ())


def _condition_text(st: Statement) -> str:
    return ", ".join(f"{c.operator} {c.key}" for c in st.conditions)


@dataclass
class _Trust:
    """A role's trust policy, read once: who it trusts, and under which conditions."""

    arns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    accounts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    services: dict[str, tuple[str, ...]] = field(default_factory=dict)
    anyone: tuple[str, ...] | None = None
    denied: set[str] = field(default_factory=set)


def _merge(table: dict[str, tuple[str, ...]], key: str, conditions: tuple[str, ...]) -> None:
    # An unconditional statement wins over conditional ones.
    if key not in table or not conditions:
        table[key] = conditions


def _read_trust(policy: Policy | None) -> _Trust:
    trust = _Trust()
    if policy is None:
        return trust
    for st in policy.statements:
        if not _assume_actions(st):
            continue
        conds = (f"trust condition {_condition_text(st)}",) if st.conditions else ()
        if not st.is_allow:
            if not st.conditions:
                for principal in st.principals or ():
                    trust.denied.update(principal.values if principal.kind != "*" else ["*"])
            continue
        if st.not_principals is not None:
            trust.anyone = ("trust uses NotPrincipal", *conds)
            continue
        for principal in st.principals or ():
            if principal.kind == "*":
                trust.anyone = conds if trust.anyone is None or not conds else trust.anyone
                continue
            for value in principal.values:
                if principal.kind == "Service":
                    _merge(trust.services, value.lower(), conds)
                elif principal.kind != "AWS":
                    continue
                elif value == "*":
                    trust.anyone = conds if trust.anyone is None or not conds else trust.anyone
                elif value.isdigit():
                    _merge(trust.accounts, value, conds)
                elif value.endswith(":root"):
                    _merge(trust.accounts, value.split(":")[4], conds)
                else:
                    _merge(trust.arns, value, conds)
    return trust


class EscalationGraph:
    """The escalation graph of one or more accounts.

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
        self._trust = {r.arn: _read_trust(r.trust) for r in self.roles}
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
            policies = [_specialize(p, known) for p in subject.policies]
            boundary = _specialize(subject.boundary, known) if subject.boundary else None
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
                if st.conditions and _assume_actions(st, action):
                    keys.append(_condition_text(st))
        if keys:
            return f"{action} only if {' / '.join(dict.fromkeys(keys))}"
        return f"{action} only on some resources or next to a Deny that may apply"

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
            if decision not in _GRANTED:
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
            levels = [[level] if isinstance(level, Policy) else list(level)
                      for level in self._scps(subject)]
            scps = [p for level in levels for p in level]
            found = all(isinstance(p, Policy) for p in scps) and all(
                st.not_resources is None and (st.resources is None or "*" in st.resources)
                for policy in (*subject.policies,
                               *((subject.boundary,) if subject.boundary else ()), *scps)
                if isinstance(policy, Policy)
                for st in policy.statements if _assume_actions(st, action))
            self._uniforms[key] = found
        return found

    def _possible(self, subject: Subject, action: str) -> bool:
        return self._set(subject).evaluate(action) in _GRANTED

    def _modifications(self, subject: Subject) -> frozenset[str]:
        """The policy-changing actions ``subject`` may hold on some resource (memoized)."""
        found = self._able.get(subject.arn)
        if found is None:
            found = self._able[subject.arn] = frozenset(
                a for a in _MODIFY_ACTIONS if self._possible(subject, a))
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
                if decision not in _GRANTED:
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

    # --- edges: A can become B ------------------------------------------------------------

    def edges(self, arn: str) -> list[Hop]:
        """Every "can become" hop out of ``arn`` (computed once)."""
        found = self._edges.get(arn)
        if found is None:
            subject = self.subjects[arn]
            found = self._edges[arn] = [] if subject.kind == "group" else [
                *self._assume(subject), *self._rewrite_trust(subject),
                *self._credentials(subject), *self._pass_role(subject),
                *self._instance_profiles(subject), *self._auto_scaling(subject)]
        return found

    def _assume(self, me: Subject) -> Iterable[Hop]:
        candidates = dict.fromkeys([*self._by_arn.get(me.arn, ()),
                                    *self._by_account.get(me.account, ()), *self._open])
        identity_possible = self._possible(me, "sts:AssumeRole")
        for role_arn in candidates:
            if role_arn == me.arn:
                continue
            trust = self._trust[role_arn]
            if me.arn in trust.denied or me.account in trust.denied or "*" in trust.denied:
                continue
            role = self.subjects[role_arn]
            if me.arn in trust.arns and role.account == me.account:
                # A trust policy naming the principal itself grants on its own (same
                # account); only an explicit Deny of the caller stops it.
                decision = self._set(me).evaluate("sts:AssumeRole", role_arn)
                if decision is Decision.DENY:
                    continue
                conditions = trust.arns[me.arn]
            else:
                if not identity_possible:
                    continue
                own = next((c for c in (trust.arns.get(me.arn), trust.accounts.get(me.account),
                                         trust.anyone) if c is not None), None)
                if own is None:
                    continue
                granted = self._decide(me, [("sts:AssumeRole", role_arn)])
                if granted is None:
                    continue
                conditions = granted + own
            yield Hop("assume role", f"assume {role.label}", role_arn, conditions)

    def _rewrite_trust(self, me: Subject) -> Iterable[Hop]:
        if not (self._possible(me, "iam:UpdateAssumeRolePolicy")
                and self._possible(me, "sts:AssumeRole")):
            return
        for role in self.roles:
            if role.arn == me.arn or role.immutable or role.account != me.account:
                continue
            granted = self._decide(me, [("iam:UpdateAssumeRolePolicy", role.arn),
                                        ("sts:AssumeRole", role.arn)])
            if granted is not None:
                yield Hop("rewrite trust", f"rewrite the trust policy of {role.label} and "
                          "assume it", role.arn, granted)

    def _credentials(self, me: Subject) -> Iterable[Hop]:
        for action, text in (("iam:CreateAccessKey", "create an access key for"),
                             ("iam:CreateLoginProfile", "set a console password for"),
                             ("iam:UpdateLoginProfile", "reset the console password of")):
            if not self._possible(me, action):
                continue
            for user, granted in self._decide_each(me, action, self._peers(me, "user")):
                if user.arn != me.arn:  # one's own keys and password are no escalation
                    yield Hop(action, f"{text} {user.label}", user.arn, granted)

    def _pass_role(self, me: Subject) -> Iterable[Hop]:
        if not self._possible(me, "iam:PassRole"):
            return
        seen: set[tuple[str, str]] = set()
        for method, actions, services in LAUNCHES:
            launch = self._decide(me, [(a, None) for a in actions])
            if launch is None:
                continue
            for service in services:
                for role, passed in self._decide_each(
                        me, "iam:PassRole", self._trusting(service),
                        **{"iam:PassedToService": service}):
                    role_arn = role.arn
                    if role_arn == me.arn or (role_arn, service) in seen \
                            or role.account != me.account:
                        continue
                    seen.add((role_arn, service))
                    conditions = passed + launch + self._trust[role_arn].services[service]
                    short = service.removesuffix(".amazonaws.com")
                    yield Hop(method, f"pass {role.label} to {short} ({method})", role_arn,
                              tuple(dict.fromkeys(conditions)))

    def _ec2_roles(self, me: Subject) -> Iterable[tuple[Subject, tuple[str, ...]]]:
        for role, passed in self._decide_each(me, "iam:PassRole", self._trusting(_EC2),
                                              **{"iam:PassedToService": _EC2}):
            if role.arn != me.arn and role.account == me.account:
                yield role, passed + self._trust[role.arn].services[_EC2]

    def _instance_profiles(self, me: Subject) -> Iterable[Hop]:
        if not (self._possible(me, "iam:PassRole")
                and self._possible(me, "ec2:AssociateIamInstanceProfile")):
            return
        associate = self._decide(me, [("ec2:AssociateIamInstanceProfile", None)]) or ()
        add = self._decide(me, [("iam:AddRoleToInstanceProfile", None)])
        for role, passed in self._ec2_roles(me):
            if role.instance_profiles:
                how, extra = "associate the instance profile of", ()
            elif add is not None:
                how, extra = "add to an instance profile and associate", add
            else:
                continue
            yield Hop("ec2:AssociateIamInstanceProfile", f"{how} {role.label} with an instance",
                      role.arn, tuple(dict.fromkeys(passed + associate + extra)))

    def _auto_scaling(self, me: Subject) -> Iterable[Hop]:
        mine = [launcher for launcher in self.launchers if launcher.account == me.account]
        if not mine:
            return
        create = self._decide(me, [("autoscaling:CreateAutoScalingGroup", None)])
        if create is None:
            create = self._decide(me, [("autoscaling:UpdateAutoScalingGroup", None)])
        if create is None:
            return
        passable = dict(self._ec2_roles(me)) if self._possible(me, "iam:PassRole") else {}
        passable_by_arn = {role.arn: c for role, c in passable.items()}
        run = self._decide(me, [("ec2:RunInstances", None)])
        for launcher in mine:
            for role_arn in launcher.roles:
                role = self.subjects.get(role_arn)
                if role is None or role_arn == me.arn:
                    continue
                if launcher.kind == "launch template":
                    # A template's instance profile is passed by the caller of the group.
                    if role_arn not in passable_by_arn or run is None:
                        continue
                    conditions = create + passable_by_arn[role_arn] + run
                else:
                    conditions = create  # PassRole was checked when it was created
                yield Hop("autoscaling:CreateAutoScalingGroup",
                          f"launch an Auto Scaling group from {launcher.kind} {launcher.name} "
                          f"({role.label})", role_arn, tuple(dict.fromkeys(conditions)))

    # --- grants: hops that end at admin ---------------------------------------------------

    def _modify(self, me: Subject, target: Subject) -> tuple[str, tuple[str, ...]] | None:
        """How ``me`` can make ``target`` an administrator (text, conditions), if at all."""
        if target.immutable:
            return None
        kind = {"user": "User", "role": "Role", "group": "Group"}[target.kind]
        able = self._modifications(me)
        best: tuple[str, tuple[str, ...]] | None = None
        for action, text in ((f"iam:Put{kind}Policy", "put an inline policy on"),
                             (f"iam:Attach{kind}Policy", "attach a policy to")):
            if action not in able:
                continue
            granted = self._decide(me, [(action, target.arn)])
            if granted is not None and (best is None or not granted):
                best = (f"{text} {target.label}", granted)
        for policy_arn in target.managed if "iam:CreatePolicyVersion" in able else ():
            if AWS_MANAGED in policy_arn:
                continue  # AWS-managed policies are immutable
            granted = self._decide(me, [("iam:CreatePolicyVersion", policy_arn)])
            if granted is not None and (best is None or not granted):
                name = policy_arn.rsplit("/", 1)[-1]
                best = (f"create a new version of policy {name} held by {target.label}",
                        granted)
        if target.boundary is not None and target.kind != "group" \
                and f"iam:Delete{kind}PermissionsBoundary" in able \
                and self._admin_with(target, boundary=False):
            granted = self._decide(me, [(f"iam:Delete{kind}PermissionsBoundary", target.arn)])
            if granted is not None and (best is None or not granted):
                best = (f"delete the permissions boundary of {target.label}", granted)
        return best

    def grants(self, arn: str) -> list[list[Hop]]:
        """Hop sequences from ``arn`` that end at admin (computed once)."""
        found = self._grants.get(arn)
        if found is not None:
            return found
        me = self.subjects[arn]
        found = []
        if me.kind == "group":
            self._grants[arn] = found
            return found
        if self._modifications(me):
            own = self._modify(me, me)
            if own:
                found.append([Hop("modify", own[0], ADMIN, own[1])])
            for group_arn in me.groups:
                group = self.subjects.get(group_arn)
                change = self._modify(me, group) if group else None
                if change:
                    found.append([Hop("modify", change[0], ADMIN, change[1])])
            # Changing a principal it can become matters only without a definite way of
            # its own (the search takes the shortest definite grant first).
            for hop in () if any(g[0].definite for g in found) else self.edges(arn):
                change = self._modify(me, self.subjects[hop.target])
                if change:
                    found.append([Hop("modify", change[0], hop.target, change[1]),
                                  replace(hop, target=ADMIN)])
        if me.kind == "user" and self._possible(me, "iam:AddUserToGroup"):
            for group in self.subjects.values():
                if group.kind != "group" or group.arn in me.groups \
                        or group.account != me.account:
                    continue
                granted = self._decide(me, [("iam:AddUserToGroup", group.arn)])
                if granted is not None and self._admin_with(me, group.policies):
                    found.append([Hop("iam:AddUserToGroup", f"add itself to {group.label}",
                                      ADMIN, granted)])
        found.sort(key=lambda hops: (not all(h.definite for h in hops), len(hops)))
        self._grants[arn] = found
        return found

    # --- search ---------------------------------------------------------------------------

    def path_to_admin(self, arn: str) -> EscalationPath | None:
        """The shortest path from ``arn`` to admin, a definite one if any; ``None`` when
        there is none or ``arn`` is already an administrator."""
        if self.is_admin(arn):
            return None
        start = self.subjects[arn].label
        own = self.admin_conditions(arn)
        if own:  # everything, but only under conditions: no need to look further
            return EscalationPath(start, (self._conditional_admin(arn, own),), self.notes)
        for definite_only in (True, False):
            hops = self._search(arn, definite_only)
            if hops is not None:
                return EscalationPath(start, tuple(hops), self.notes)
        return None

    def _search(self, arn: str, definite_only: bool) -> list[Hop] | None:
        dead = self._dead[definite_only]
        if arn in dead:
            return None
        parent: dict[str, tuple[str, Hop] | None] = {arn: None}
        queue = deque([arn])
        while queue:
            node = queue.popleft()
            if node != arn and self.is_admin(node):
                return self._trace(parent, node, [])
            maybe = self.admin_conditions(node) if node != arn else None
            if maybe:
                # A conditional administrator: the conditional end of a path, and not
                # expanded further (its own hops hold under the same conditions).
                if not definite_only:
                    return self._trace(parent, node, [self._conditional_admin(node, maybe)])
                continue
            for grant in self.grants(node):
                if not definite_only or all(h.definite for h in grant):
                    return self._trace(parent, node, list(grant))
            for hop in self.edges(node):
                if hop.target in parent or hop.target in dead or (
                        definite_only and not hop.definite):
                    continue
                parent[hop.target] = (node, hop)
                queue.append(hop.target)
        # Everything reached was explored without finding admin: no later search needs to.
        dead.update(parent)
        return None

    def _conditional_admin(self, arn: str, conditions: tuple[str, ...]) -> Hop:
        label = self.subjects[arn].label
        return Hop("conditional admin", f"{label} may do everything", ADMIN, conditions)

    @staticmethod
    def _trace(parent: Mapping[str, tuple[str, Hop] | None], node: str, tail: list[Hop]
               ) -> list[Hop]:
        hops = tail
        step = parent[node]
        while step is not None:
            node, hop = step
            hops.insert(0, hop)
            step = parent[node]
        return hops
