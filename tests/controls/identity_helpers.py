"""Moto gaps for the identity control tests: root state, old credentials, managed policies.

moto has no ``<root_account>`` credential report row, never sets ``AccountMFAEnabled`` or
``AccountAccessKeysPresent``, never ages credentials and lacks Access Advisor and
``ListOrganizationsFeatures``. These helpers edit moto's in-process backend (as
moto-coverage.md suggests); operations moto lacks are answered with ``tests.stubs``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from moto.iam.models import AWSManagedPolicy, iam_backends

from pytest_awscompliance.engine import jobs
from pytest_awscompliance.facts.credential_report import FIELDS as REPORT_FIELDS


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def stamp(days: float) -> str:
    return days_ago(days).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def backend(account: str) -> Any:
    return iam_backends[account]["global"]


def set_root(account: str, *, mfa: bool | None = None, keys_present: bool | None = None,
             row: dict[str, str] | None = None) -> None:
    """Set root's account-summary flags and/or add a ``<root_account>`` report row."""
    iam = backend(account)
    if mfa is not None:
        iam.account_summary._account_mfa_enabled = int(mfa)
    if keys_present is not None:
        iam.account_summary._account_access_keys_present = int(keys_present)
    if row is not None:
        values = {field: "N/A" for field in REPORT_FIELDS}
        values.update(user="<root_account>", arn=f"arn:aws:iam::{account}:root",
                      user_creation_time=stamp(400), password_enabled="not_supported",
                      password_last_used="no_information", password_last_changed="not_supported",
                      password_next_rotation="not_supported", mfa_active="false",
                      access_key_1_active="false", access_key_2_active="false",
                      cert_1_active="false", cert_2_active="false")
        values.update(row)
        line = ",".join(values[field] for field in REPORT_FIELDS) + "\n"
        original = type(iam).get_credential_report
        iam.get_credential_report = lambda: original(iam) + line


def age_user(account: str, name: str, *, created: float | None = None,
             password_used: float | None = None) -> None:
    user = backend(account).users[name]
    if created is not None:
        user.create_date = days_ago(created)
    if password_used is not None:
        user.password_last_used = days_ago(password_used)


def age_key(account: str, user: str, index: int, *, rotated: float | None = None,
            used: float | None = None) -> None:
    key = backend(account).users[user].access_keys[index]
    if rotated is not None:
        key.create_date = days_ago(rotated)
    if used is not None:
        key.last_used = days_ago(used)


def age_role(account: str, name: str, *, created: float | None = None,
             used: float | None = None) -> None:
    role = backend(account).get_role(name)
    if created is not None:
        role.create_date = days_ago(created)
    if used is not None:
        role.last_used = days_ago(used)
        role.last_used_region = "us-east-1"


def add_aws_managed_policy(account: str, name: str, document: dict[str, Any]) -> str:
    """Make ``arn:aws:iam::aws:policy/<name>`` exist (without loading all 1500 of them)."""
    iam = backend(account)
    policy = AWSManagedPolicy.from_data(name, account, iam.region_name, {
        "DefaultVersionId": "v1", "Path": "/", "Document": document,
        "CreateDate": "2020-01-01T00:00:00+00:00", "UpdateDate": "2020-01-01T00:00:00+00:00",
    })
    iam.managed_policies[policy.arn] = policy
    iam.aws_managed_policies.append(policy)
    return policy.arn


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


@pytest.fixture(autouse=True)
def fast_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll moto's "report started" answers without real waits."""
    monkeypatch.setattr(jobs, "POLL_INTERVAL", 0.001)
