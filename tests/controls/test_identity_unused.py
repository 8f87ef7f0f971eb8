"""iam-permissions-unused-90d with Access Advisor answered by a stub (moto lacks it)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.controls.identity_helpers import (  # noqa: F401 - fast_polls is a fixture
    age_role,
    age_user,
    days_ago,
    fast_polls,
)
from tests.controls.waiver_helpers import assert_waives_only, scan_waiving
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan
from tests.stubs import answer

TRUST = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
         '{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}')


def service(namespace: str, used_days_ago: float | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"ServiceName": namespace.upper(), "ServiceNamespace": namespace,
                             "TotalAuthenticatedEntities": 0}
    if used_days_ago is not None:
        entry["LastAuthenticated"] = days_ago(used_days_ago)
        entry["TotalAuthenticatedEntities"] = 1
    return entry


ADVISOR = {
    "user/old-active": [[service("s3", 5)]],
    "role/busy": [[service("ec2", 2), service("s3", 30)]],
    "user/old-idle": [[service("ec2", None), service("s3", 120)], [service("sts", 3)]],
    "role/idle-role": [[service("s3", 1)]],
    "role/half-used": [[service("dynamodb", None), service("logs", 1)]],
}


class AccessAdvisor:
    """Generate -> one IN_PROGRESS poll -> COMPLETED pages (with Marker)."""

    def __init__(self) -> None:
        self.generated: list[str] = []
        self.polls: dict[str, int] = {}
        self.jobs: dict[str, str] = {}

    def generate(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        arn = params["Arn"]
        self.generated.append(arn)
        job = str(uuid.uuid5(uuid.NAMESPACE_URL, arn))
        self.jobs[job] = arn.split(":", 5)[5]
        return {"JobId": job}

    def details(self, account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        job = params["JobId"]
        self.polls[job] = self.polls.get(job, 0) + 1
        base = {"JobCreationDate": days_ago(0), "JobType": "SERVICE_LEVEL"}
        if self.polls[job] == 1:
            return {**base, "JobStatus": "IN_PROGRESS", "ServicesLastAccessed": []}
        pages = ADVISOR[self.jobs[job]]
        index = int(params.get("Marker", "0"))
        page = {**base, "JobStatus": "COMPLETED", "JobCompletionDate": days_ago(0),
                "ServicesLastAccessed": pages[index], "IsTruncated": index + 1 < len(pages)}
        if page["IsTruncated"]:
            page["Marker"] = str(index + 1)
        return page


def test_unused_permissions(pytester: pytest.Pytester, world: MotoWorld,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    iam = world.client(PASSING, "iam")
    for user, created in (("old-active", 200), ("new", 10)):
        iam.create_user(UserName=user)
        age_user(PASSING, user, created=created)
    iam.create_role(RoleName="busy", AssumeRolePolicyDocument=TRUST)
    age_role(PASSING, "busy", created=200, used=1)
    iam.create_role(RoleName="young", AssumeRolePolicyDocument=TRUST)  # never used, 0 days

    iam = world.client(FAILING, "iam")
    iam.create_user(UserName="old-idle")
    age_user(FAILING, "old-idle", created=200)
    iam.create_role(RoleName="idle-role", AssumeRolePolicyDocument=TRUST)
    age_role(FAILING, "idle-role", created=200)
    iam.create_role(RoleName="half-used", AssumeRolePolicyDocument=TRUST)
    age_role(FAILING, "half-used", created=300, used=2)

    advisor = AccessAdvisor()
    answer(monkeypatch, "iam", "GenerateServiceLastAccessedDetails", advisor.generate)
    answer(monkeypatch, "iam", "GetServiceLastAccessedDetails", advisor.details)
    result = scan(pytester, control_file("identity/test_unused_access.py"))
    assert result.only(PASSING) == "passed"
    assert result.only(FAILING) == "failed"
    assert sorted(a.rsplit(":", 1)[1] for a in advisor.generated) == [
        "role/busy", "role/half-used", "user/old-active", "user/old-idle"]  # not the young ones

    idle_user = result.messages[f"test_principal_permissions_used[{FAILING}/global/user/old-idle]"]
    assert "may use 2 service(s) it has not used in 90 days: ec2 (never), s3 (120 d)" in idle_user
    idle_role = result.messages[f"test_principal_permissions_used[{FAILING}/global/role/idle-role]"]
    assert "has not been used in 90 days (RoleLastUsed: never)" in idle_role
    half = result.messages[f"test_principal_permissions_used[{FAILING}/global/role/half-used]"]
    assert "dynamodb (never)" in half and "logs" not in half
    assert idle_user.startswith("user/old-idle may use") and half.startswith("role/half-used")

    # one waiver naming one role waives that role's result only
    tests = [f"test_principal_permissions_used[{FAILING}/global/{n}]"
             for n in ("role/idle-role", "role/half-used", "user/old-idle")]
    result = scan_waiving(pytester, control_file("identity/test_unused_access.py"),
                          "iam-permissions-unused-90d", f"arn:aws:iam::{FAILING}:role/idle-role")
    assert_waives_only(result, tests[0], tests)
