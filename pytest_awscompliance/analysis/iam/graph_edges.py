"""The escalation graph's edges ("A can become B", by a named method) and grants (hops
that end at admin).

Each method asks the evaluator through `GraphBase` for the source's permissions and reads
the target's trust: assume role, rewrite trust, another user's credentials, pass a role to
a service it trusts, instance profiles, Auto Scaling from an existing launch configuration
or template; grants change the policies of itself, its groups or a principal it can
become, add itself to an admin group, or lift a boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from .evaluate import Decision
from .graph_base import GraphBase
from .graph_model import ADMIN, AWS_MANAGED, Hop, Subject
from .graph_trust import LAUNCHES

__all__ = ["GraphEdges"]

_EC2 = "ec2.amazonaws.com"  # the service of instance profiles


class GraphEdges(GraphBase):
    """`GraphBase` with the edges and grants out of each node (computed once per node)."""

    # --- edges: A can become B ------------------------------------------------------------

    def edges(self, arn: str) -> list[Hop]:
        """Every "can become" hop out of ``arn`` (computed once)."""
        found = self._edges.get(arn)
        if found is None:
            subject = self.subjects[arn]
            # Hops are shared: many sources reach one target by the same hop, and a graph
            # keeps few distinct hop objects alive (less for the garbage collector to trace).
            intern = self._hops.setdefault
            found = self._edges[arn] = [] if subject.kind == "group" else [
                intern(hop, hop) for hop in chain(
                    self._assume(subject), self._rewrite_trust(subject),
                    self._credentials(subject), self._pass_role(subject),
                    self._instance_profiles(subject), self._auto_scaling(subject))]
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
                          f"launch an Auto Scaling group from {launcher.label} ({role.label})",
                          role_arn, tuple(dict.fromkeys(conditions)))

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
                                  hop._replace(target=ADMIN)])
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
