"""Identity controls judged per account or per user: password policy, root, MFA."""

from __future__ import annotations

import pytest

from tests.controls.identity_helpers import (  # noqa: F401 - fast_polls is a fixture
    backend,
    days_ago,
    fast_polls,
    set_root,
    stamp,
)
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan
from tests.stubs import Refused, answer

THIRD = "333333333333"
FOURTH = "444444444444"


def test_password_policy_controls(pytester: pytest.Pytester, world: MotoWorld) -> None:
    world.client(PASSING, "iam").update_account_password_policy(
        MinimumPasswordLength=14, RequireSymbols=True, RequireNumbers=True,
        RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
        PasswordReusePrevention=24, MaxPasswordAge=90)
    world.client(FAILING, "iam").update_account_password_policy(
        MinimumPasswordLength=8, RequireNumbers=True, PasswordReusePrevention=5,
        MaxPasswordAge=180)
    result = scan(pytester, control_file("identity/test_password_policy.py"),
                  accounts=[PASSING, FAILING, THIRD])
    assert result.only(PASSING) == "passed"
    failing = result.for_account(FAILING)
    assert failing.pop(f"test_password_policy_complexity[{FAILING}/global-numbers]") == "passed"
    assert set(failing.values()) == {"failed"}
    assert len(failing) == 6  # length, 3 complexity classes, expiry, reuse
    message = result.message(FAILING)
    assert "RequireSymbols=False" in message
    assert "RequireLowercaseCharacters=False" in message
    assert "PasswordReusePrevention=5 (needs >= 24)" in message
    assert "MaxPasswordAge=180" in message
    assert result.only(THIRD) == "failed"  # no policy at all
    assert "no policy set" in result.message(THIRD)


def test_root_controls(pytester: pytest.Pytester, world: MotoWorld,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    for account in (PASSING, FAILING, THIRD, FOURTH):
        world.client(account, "iam").list_users()  # materialise the account's backend
    # passing: hardware MFA, no keys, last used a month ago, centralized root access
    set_root(PASSING, mfa=True, keys_present=False,
             row={"mfa_active": "true", "password_last_used": stamp(30)})
    # failing: no MFA, an active key used an hour ago
    set_root(FAILING, mfa=False, keys_present=True,
             row={"access_key_1_active": "true", "access_key_1_last_rotated": stamp(300),
                  "access_key_1_last_used_date": stamp(0.04)})
    # third: MFA, but a virtual device; no report row (as in moto)
    set_root(THIRD, mfa=True)
    iam = world.client(THIRD, "iam")
    serial = iam.create_virtual_mfa_device(
        VirtualMFADeviceName="root-account-mfa-device")["VirtualMFADevice"]["SerialNumber"]
    backend(THIRD).virtual_mfa_devices[serial].enable_date = days_ago(10)
    # fourth: root credentials removed (password_enabled=false, no keys): MFA not needed
    set_root(FOURTH, row={"password_enabled": "false", "password_last_used": "N/A"})

    features = {PASSING: ["RootCredentialsManagement", "RootSessions"],
                FAILING: ["RootCredentialsManagement"]}

    def organizations_features(account: str, region: str, params: dict) -> dict:
        if account in features:
            return {"OrganizationId": "o-test", "EnabledFeatures": features[account]}
        if account == THIRD:
            raise Refused("AccountNotManagementOrDelegatedAdministratorException", "member",
                          status=400)
        raise Refused("ServiceAccessNotEnabledException", "trusted access off", status=400)

    answer(monkeypatch, "iam", "ListOrganizationsFeatures", organizations_features)
    result = scan(pytester, control_file("identity/test_root.py"),
                  accounts=[PASSING, FAILING, THIRD, FOURTH])
    assert result.only(PASSING) == "passed"
    assert result.for_account(FAILING) == {
        f"test_root_mfa_enabled[{FAILING}/global]": "failed",
        f"test_root_hardware_mfa[{FAILING}/global]": "failed",
        f"test_root_has_no_access_keys[{FAILING}/global]": "failed",
        f"test_root_not_used[{FAILING}/global]": "failed",
        f"test_root_credentials_centralized[{FAILING}/global-RootCredentialsManagement]":
            "passed",
        f"test_root_credentials_centralized[{FAILING}/global-RootSessions]": "failed",
    }
    message = result.message(FAILING)
    assert "AccountMFAEnabled=0" in message
    assert "AccountAccessKeysPresent=1; active in credential report: access key 1" in message
    assert "root access key 1 used" in message
    assert "has not enabled RootSessions" in message
    third = result.for_account(THIRD)
    assert third[f"test_root_mfa_enabled[{THIRD}/global]"] == "passed"
    assert third[f"test_root_hardware_mfa[{THIRD}/global]"] == "failed"
    assert "root-account-mfa-device" in result.messages[f"test_root_hardware_mfa[{THIRD}/global]"]
    assert third[f"test_root_not_used[{THIRD}/global]"] == "skipped"
    assert third[f"test_root_credentials_centralized[{THIRD}/global-RootSessions]"] == "skipped"
    fourth = result.for_account(FOURTH)
    assert fourth[f"test_root_mfa_enabled[{FOURTH}/global]"] == "passed"
    assert fourth[f"test_root_hardware_mfa[{FOURTH}/global]"] == "passed"
    assert fourth[f"test_root_credentials_centralized[{FOURTH}/global-RootSessions]"] == "failed"
    assert "IAM trusted access is not enabled" in result.message(FOURTH)


def _user(world: MotoWorld, account: str, name: str, *, password: bool, mfa: bool) -> None:
    iam = world.client(account, "iam")
    iam.create_user(UserName=name)
    if password:
        iam.create_login_profile(UserName=name, Password="Correct-Horse-9!")
    if mfa:
        serial = iam.create_virtual_mfa_device(
            VirtualMFADeviceName=f"{name}-mfa")["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(UserName=name, SerialNumber=serial,
                              AuthenticationCode1="123456", AuthenticationCode2="654321")


def test_user_mfa_controls(pytester: pytest.Pytester, world: MotoWorld) -> None:
    _user(world, PASSING, "console-with-mfa", password=True, mfa=True)
    _user(world, PASSING, "api-with-mfa", password=False, mfa=True)
    _user(world, FAILING, "console-no-mfa", password=True, mfa=False)
    _user(world, FAILING, "api-no-mfa", password=False, mfa=False)
    result = scan(pytester, control_file("identity/test_mfa.py"))
    assert result.only(PASSING) == "passed"
    assert result.for_account(FAILING) == {
        f"test_console_user_has_mfa[{FAILING}/global/api-no-mfa]": "passed",
        f"test_console_user_has_mfa[{FAILING}/global/console-no-mfa]": "failed",
        f"test_user_has_mfa[{FAILING}/global/api-no-mfa]": "failed",
        f"test_user_has_mfa[{FAILING}/global/console-no-mfa]": "failed",
    }
    assert "console-no-mfa can sign in to the console without MFA" in result.message(FAILING)
    assert "api-no-mfa has no MFA device" in result.message(FAILING)
