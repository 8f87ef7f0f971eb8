"""Judging an organization's shape: guardrail SCPs and environment separation.

Pure functions over plain data (accounts with their path from the root, policy
documents); the reads live in ``facts/organizations.py``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pytest_awscompliance.analysis.iam.policy import Statement, parse_policy

__all__ = [
    "FULL_AWS_ACCESS",
    "PROD_WORDS",
    "account_label",
    "is_guardrail",
    "is_prod",
    "path_targets",
    "placement_problems",
]

FULL_AWS_ACCESS = "p-FullAWSAccess"
PROD_WORDS = frozenset({"prod", "production", "prd"})
_WORD = re.compile(r"[a-z0-9]+")

Account = Mapping[str, Any]
"""``{"Id", "Name", "Path": [{"Id", "Type", "Name"}, ...], "Environment": str | None}``;
``Path`` runs from the root down to the account's parent."""


def _allows_everything(statement: Statement) -> bool:
    return (statement.is_allow and not statement.conditions
            and statement.actions is not None and bool({"*", "*:*"} & set(statement.actions))
            and (statement.resources is None or "*" in statement.resources))


def is_guardrail(content: Mapping[str, Any] | str) -> bool:
    """Whether an SCP restricts anything: it denies something, or it is an allow-list.

    A policy whose only effect is "Allow * on *" (like FullAWSAccess) is no guardrail.
    """
    statements = parse_policy(content, kind="scp").statements
    if any(not s.is_allow for s in statements):
        return True
    return not any(_allows_everything(s) for s in statements)


def is_prod(name: str | None) -> bool:
    """``prod``, ``Production``, ``prod-eu`` are production; ``nonprod`` is not."""
    return bool(name) and bool(PROD_WORDS & set(_WORD.findall(str(name).lower())))


def account_label(account: Account) -> str:
    return f"{account['Id']} ({account.get('Name') or 'unnamed'})"


def _container_label(node: Mapping[str, Any]) -> str:
    kind = "root" if node.get("Type") == "ROOT" else "OU"
    return f"{kind} {node.get('Name') or ''} ({node['Id']})"


def placement_problems(accounts: Iterable[Account]) -> list[str]:
    """Where environments are not separated by OU.

    Accounts with different environment values sharing a parent (OU or root), and
    production accounts with no production OU (by name) above them. Accounts without
    an environment tag are not judged.
    """
    accounts = [a for a in accounts if a.get("Environment")]
    problems = []
    by_parent: dict[str, list[Account]] = defaultdict(list)
    parents: dict[str, Mapping[str, Any]] = {}
    for account in accounts:
        parent = account["Path"][-1]
        by_parent[parent["Id"]].append(account)
        parents[parent["Id"]] = parent
    for parent_id, members in sorted(by_parent.items()):
        environments = sorted({str(a["Environment"]) for a in members})
        if len(environments) > 1:
            listed = ", ".join(f"{account_label(a)}={a['Environment']}"
                               for a in sorted(members, key=lambda a: a["Id"]))
            problems.append(f"{_container_label(parents[parent_id])} mixes environments "
                            f"{'/'.join(environments)}: {listed}")
    for account in sorted(accounts, key=lambda a: a["Id"]):
        if is_prod(account["Environment"]) and not any(
                node.get("Type") == "ORGANIZATIONAL_UNIT" and is_prod(node.get("Name"))
                for node in account["Path"]):
            problems.append(f"production account {account_label(account)} is not under a "
                            "production OU")
    return problems


def path_targets(account: Account) -> Sequence[str]:
    """The ids SCPs can be attached to on the account's way down: root, OUs, account."""
    return [*(node["Id"] for node in account["Path"]), account["Id"]]
