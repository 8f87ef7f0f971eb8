"""An AccessDenied on any read an identity control needs is an ERROR naming the permission."""

from __future__ import annotations

import pytest

from tests.controls.identity_helpers import (  # noqa: F401 - fast_polls is a fixture
    age_role,
    age_user,
    fast_polls,
)
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan
from tests.stubs import deny

DENIED = (
    "GetAccountPasswordPolicy", "GenerateCredentialReport", "GetAccountSummary",
    "GetAccountAuthorizationDetails", "ListEntitiesForPolicy", "ListMFADevices",
    "ListOrganizationsFeatures", "GenerateServiceLastAccessedDetails", "GetRole",
)


def test_stubbed_access_denied_is_error(pytester: pytest.Pytester, world: MotoWorld,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    world.client(PASSING, "iam").update_account_password_policy(MinimumPasswordLength=14)
    deny(monkeypatch, "iam", "GetAccountPasswordPolicy", account=FAILING)
    result = scan(pytester, control_file("identity/test_password_policy.py"),
                  args=["-k", "min_length or reuse"])
    assert result.outcome_set(PASSING) == {"passed", "failed"}
    assert result.only(FAILING) == "error"
    assert "missing permission iam:GetAccountPasswordPolicy" in result.message(FAILING)


def test_every_identity_read_denied(pytester: pytest.Pytester, world: MotoWorld,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    iam = world.client(FAILING, "iam")
    iam.create_user(UserName="someone")
    age_user(FAILING, "someone", created=400)
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": '
        '"ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'))
    age_role(FAILING, "app", created=400)
    iam.create_policy(PolicyName="p", PolicyDocument=(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
        '"Resource": "*"}]}'))
    iam.attach_role_policy(RoleName="app",
                           PolicyArn=f"arn:aws:iam::{FAILING}:policy/p")

    for operation in DENIED:
        deny(monkeypatch, "iam", operation)
    files = ["test_password_policy.py", "test_root.py", "test_mfa.py", "test_credentials.py",
             "test_admin_access.py", "test_privilege_escalation.py", "test_unused_access.py"]
    result = scan(pytester, *(control_file(f"identity/{f}") for f in files),
                  accounts=[FAILING])
    outcomes = result.for_account(FAILING)
    assert outcomes and set(outcomes.values()) == {"error"}, outcomes
    for operation in DENIED:
        assert f"missing permission iam:{operation}" in result.message(FAILING), operation
    assert "missing permission iam:GenerateCredentialReport" in result.messages[
        f"test_root_mfa_enabled[{FAILING}/global]"]
    assert "missing permission iam:GenerateServiceLastAccessedDetails" in result.messages[
        f"test_principal_permissions_used[{FAILING}/global/user/someone]"]
    assert "missing permission iam:GetRole" in result.messages[
        f"test_principal_permissions_used[{FAILING}/global/role/app]"]
