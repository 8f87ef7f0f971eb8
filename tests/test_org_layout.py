"""org_layout: guardrail SCPs and environment placement."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_awscompliance.analysis.org_layout import (
    is_guardrail,
    is_prod,
    path_targets,
    placement_problems,
)

ROOT = {"Id": "r-1", "Type": "ROOT", "Name": "Root"}


def unit(ident: str, name: str) -> dict[str, str]:
    return {"Id": ident, "Type": "ORGANIZATIONAL_UNIT", "Name": name}


def account(ident: str, environment: str | None, *path: dict[str, str]) -> dict[str, Any]:
    return {"Id": ident, "Name": f"acct-{ident}", "Environment": environment,
            "Path": [ROOT, *path]}


def scp(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.mark.parametrize(("content", "guardrail"), [
    (scp({"Effect": "Allow", "Action": "*", "Resource": "*"}), False),
    (scp({"Effect": "Allow", "Action": "*"}), False),
    (scp({"Effect": "Allow", "Action": "*", "Resource": "*"},
         {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}), False),
    (scp({"Effect": "Allow", "Action": "*", "Resource": "*"},
         {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}), True),
    (scp({"Effect": "Allow", "Action": ["ec2:*", "s3:*"], "Resource": "*"}), True),
    (scp({"Effect": "Allow", "Action": "*", "Resource": "*",
          "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}), True),
], ids=["full-access", "no-resource", "two-allows", "deny", "allow-list", "region-condition"])
def test_is_guardrail(content: str, guardrail: bool) -> None:
    assert is_guardrail(content) is guardrail


@pytest.mark.parametrize(("name", "prod"), [
    ("prod", True), ("Production", True), ("PRD", True), ("prod-eu", True),
    ("Workloads/Prod", True), ("nonprod", False), ("NonProd", False), ("dev", False),
    ("products", False), (None, False), ("", False),
])
def test_is_prod(name: str | None, prod: bool) -> None:
    assert is_prod(name) is prod


def test_separated_environments_have_no_problems() -> None:
    prod, dev = unit("ou-p", "Prod"), unit("ou-d", "Dev")
    assert placement_problems([
        account("1", "prod", prod), account("2", "prod", prod), account("3", "dev", dev),
        account("4", None, dev), account("5", None),  # untagged accounts are not judged
    ]) == []


def test_mixed_parent_and_prod_outside_prod_ou() -> None:
    shared = unit("ou-s", "Shared")
    problems = placement_problems([
        account("2", "dev", shared), account("1", "production", shared),
        account("3", "prod"), account("4", "prod", unit("ou-w", "Workloads"),
                                      unit("ou-p", "Prod-EU")),
    ])
    assert problems == [
        "OU Shared (ou-s) mixes environments dev/production: 1 (acct-1)=production, "
        "2 (acct-2)=dev",
        "production account 1 (acct-1) is not under a production OU",
        "production account 3 (acct-3) is not under a production OU",
    ]


def test_mixed_root() -> None:
    problems = placement_problems([account("1", "dev"), account("2", "test")])
    assert problems == ["root Root (r-1) mixes environments dev/test: 1 (acct-1)=dev, "
                        "2 (acct-2)=test"]


def test_path_targets_run_root_to_account() -> None:
    assert path_targets(account("9", None, unit("ou-a", "A"), unit("ou-b", "B"))) == [
        "r-1", "ou-a", "ou-b", "9"]
