"""The root user (general recommendations): MFA, hardware MFA, no keys, no use, central control."""

import pytest

from pytest_awscompliance.facts.credential_report import ROOT
from pytest_awscompliance.facts.iam import (
    ROOT_ACCESS_FEATURES,
    account_summary,
    credential_rows,
    now,
    recent_root_use,
    root_access_features,
    root_virtual_mfa_devices,
)


def _root_row(aws_account):
    return credential_rows(aws_account).get(ROOT)


@pytest.mark.severity("critical")
@pytest.mark.control(
    "iam-root-mfa-enabled",
    title="The root user has MFA",
    frameworks={"cis-aws-3.0": "1.5", "cis-aws-7.0": "2.5", "aws-securityhub": "IAM.9"},
    remediation="Sign in as root > Security credentials > Multi-factor authentication > "
    "Assign MFA device (or remove root credentials with centralized root access)",
)
def test_root_mfa_enabled(aws_account):
    """Passes without MFA only when the report shows root has no password
    (``password_enabled=false``) and no active key. The report says ``not_supported`` for
    root's password, which counts as "may have one" (stricter than Prowler)."""
    row = _root_row(aws_account)
    if row is not None and not row.has_credentials:
        return
    mfa_enabled = account_summary(aws_account).get("AccountMFAEnabled", 0)
    assert mfa_enabled == 1 or (row is not None and row.mfa_active), (
        f"account {aws_account.account_id} root user has no MFA "
        f"(AccountMFAEnabled={mfa_enabled}, credential report mfa_active="
        f"{row.raw.get('mfa_active') if row else 'no root row'})"
    )


@pytest.mark.severity("critical")
@pytest.mark.control(
    "iam-root-hardware-mfa",
    title="The root user's MFA is a hardware device",
    frameworks={"cis-aws-3.0": "1.6", "cis-aws-7.0": "2.6", "aws-fsbp": "IAM.6"},
    remediation="Sign in as root > Security credentials > assign a hardware TOTP token or "
    "FIDO security key, then remove the virtual MFA device",
)
def test_root_hardware_mfa(aws_account):
    row = _root_row(aws_account)
    if row is not None and not row.has_credentials:
        return
    mfa_enabled = account_summary(aws_account).get("AccountMFAEnabled", 0)
    assert mfa_enabled == 1, (
        f"account {aws_account.account_id} root user has no MFA at all "
        f"(AccountMFAEnabled={mfa_enabled})"
    )
    virtual = root_virtual_mfa_devices(aws_account)
    assert not virtual, (
        f"account {aws_account.account_id} root user's MFA is a virtual device "
        f"({', '.join(virtual)})"
    )


@pytest.mark.severity("critical")
@pytest.mark.control(
    "iam-root-no-access-keys",
    title="The root user has no access keys",
    frameworks={"cis-aws-3.0": "1.4", "cis-aws-7.0": "2.4", "aws-fsbp": "IAM.4"},
    remediation="Sign in as root > Security credentials > Access keys > Delete",
)
def test_root_has_no_access_keys(aws_account):
    present = account_summary(aws_account).get("AccountAccessKeysPresent", 0)
    row = _root_row(aws_account)
    active = [f"access key {k.number}" for k in row.active_keys] if row else []
    assert present == 0 and not active, (
        f"account {aws_account.account_id} root user has access keys "
        f"(AccountAccessKeysPresent={present}"
        f"{'; active in credential report: ' + ', '.join(active) if active else ''})"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-root-not-used",
    title="The root user is not used for everyday tasks",
    frameworks={"cis-aws-3.0": "1.7", "cis-aws-7.0": "2.7"},
    remediation="Stop using root: create IAM Identity Center or IAM admin access for daily "
    "work and keep root for the tasks that need it",
)
def test_root_not_used(aws_account, aws_settings):
    days = aws_settings.tunable_int("aws_root_max_unused_days")
    row = _root_row(aws_account)
    if row is None:
        pytest.skip("the credential report has no <root_account> row")
    used = recent_root_use(row, now(), days)
    assert not used, (
        f"account {aws_account.account_id} root user was used in the last {days} day(s): "
        f"{'; '.join(used)}"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-root-credentials-centralized",
    title="Organizations centralized root access is enabled",
    frameworks={"cis-aws-7.0": "2.1.1"},
    remediation="aws organizations enable-aws-service-access --service-principal "
    "iam.amazonaws.com && aws iam enable-organizations-root-credentials-management && "
    "aws iam enable-organizations-root-sessions",
)
@pytest.mark.parametrize("feature", list(ROOT_ACCESS_FEATURES))
def test_root_credentials_centralized(aws_account, feature):
    """Checked in the management account (members are skipped). RootSessions is checked
    too (the catalog recommends it): without it the management account cannot run the
    privileged root tasks that replace member root credentials."""
    features, note = root_access_features(aws_account)
    if features is None:
        pytest.skip(note)
    assert feature in features, (
        f"account {aws_account.account_id} organization has not enabled {feature} "
        f"(EnabledFeatures={features}{'; ' + note if note else ''})"
    )
