"""The escalation graph's plain data: subjects (nodes), launchers, hops and paths.

See `graph` for how the graph is built and searched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .policy import Policy

__all__ = ["ADMIN", "AWS_MANAGED", "RESERVED_SSO_PATH", "EscalationPath", "Hop", "Launcher",
           "Subject"]

ADMIN = "admin"
"""The target of a hop that makes the principal an administrator."""

RESERVED_SSO_PATH = "/aws-reserved/sso.amazonaws.com/"
AWS_MANAGED = ":iam::aws:policy/"

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
    region: str = ""

    @property
    def label(self) -> str:
        """``launch configuration web in us-east-1``."""
        where = f" in {self.region}" if self.region else ""
        return f"{self.kind} {self.name}{where}"


class Hop(NamedTuple):
    """One step of a path: ``text`` reads ``assume role/ci``; no conditions = definite.

    A named tuple of strings, not a dataclass: a graph holds hundreds of thousands of hops,
    and the garbage collector stops tracking tuples of strings (it traversed every
    dataclass instance on each full collection: a quarter of the graph's CPU time).
    """

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
