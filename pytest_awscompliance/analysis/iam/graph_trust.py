"""What the escalation graph reads from policies before deciding hops.

Trust policies are read once into who they trust (by ARN, account, service, anyone) and
under which conditions; identity policies are specialised for keys known at a hop
(``iam:PassedToService``, ``aws:username``); `LAUNCHES` lists the PassRole methods with the
services the passed role must trust.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from .conditions import evaluate_conditions
from .matching import action_matches
from .policy import Policy, Statement
from .privesc_methods import METHODS, launch_services

__all__ = ["LAUNCHES", "Trust", "condition_text", "read_trust", "specialize",
           "statement_covers"]

# --- launch methods per service: a passed role must trust the service -------------------

LAUNCHES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = tuple(
    (m.name, tuple(a for a in m.actions if a.lower() != "iam:passrole"),
     launch_services(m))
    for m in METHODS if any(a.lower() == "iam:passrole" for a in m.actions)
)
"""(method, actions besides iam:PassRole, service principals the passed role must trust)."""


# --- policy specialisation: known keys substituted before evaluation --------------------

def specialize(policy: Policy, known: Mapping[str, str]) -> Policy:
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


def statement_covers(st: Statement, action: str = "sts:AssumeRole") -> bool:
    if st.actions is not None:
        return any(action_matches(p, action) for p in st.actions)
    return not any(action_matches(p, action) for p in st.not_actions or ())


def condition_text(st: Statement) -> str:
    return ", ".join(f"{c.operator} {c.key}" for c in st.conditions)


@dataclass
class Trust:
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


def read_trust(policy: Policy | None) -> Trust:
    trust = Trust()
    if policy is None:
        return trust
    for st in policy.statements:
        if not statement_covers(st):
            continue
        conds = (f"trust condition {condition_text(st)}",) if st.conditions else ()
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
