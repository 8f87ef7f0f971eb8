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

Modules: `graph_model` (the plain data), `graph_trust` (trust reading, policy
specialisation), `graph_base` (indexes and decisions), `graph_edges` (edge methods and
grants), this one (the search).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from .graph_edges import GraphEdges
from .graph_model import ADMIN, EscalationPath, Hop, Launcher, Subject

__all__ = ["ADMIN", "EscalationGraph", "EscalationPath", "Hop", "Launcher", "Subject"]


class EscalationGraph(GraphEdges):
    """The escalation graph of one or more accounts.

    ``scp_levels`` maps an account ID to its SCP levels (root to account, as in
    `PolicySet`); accounts without an entry are evaluated without SCPs. ``launchers`` are
    the existing launch configurations/templates and the roles their profiles hold.
    ``notes`` say what the graph could not take into account; every path carries them.
    """

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
