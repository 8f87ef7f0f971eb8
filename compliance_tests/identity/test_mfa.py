"""MFA for IAM users (general recommendations)."""

import pytest

from pytest_awscompliance.facts.iam import credential_rows, mfa_devices


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-user-console-mfa",
    title="Every IAM user with a console password has MFA",
    frameworks={"cis-aws-3.0": "1.10", "cis-aws-7.0": "2.10", "aws-fsbp": "IAM.5"},
    remediation="aws iam create-virtual-mfa-device ... && aws iam enable-mfa-device "
    "--user-name <user> ... (or IAM console > Users > <user> > Security credentials > "
    "Assign MFA device)",
)
def test_console_user_has_mfa(iam_user, aws):
    row = credential_rows(aws).get(iam_user.name)
    if row is None:
        pytest.skip(f"{iam_user.name} is not in the credential report yet (created after it)")
    assert not (row.password_enabled and not row.mfa_active), (
        f"user {iam_user.name} can sign in to the console without MFA "
        "(password_enabled=true, mfa_active=false)"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-user-mfa-all",
    title="Every IAM user has an MFA device",
    frameworks={"aws-securityhub": "IAM.19"},
    remediation="aws iam enable-mfa-device --user-name <user> --serial-number <arn> "
    "--authentication-code1 <code> --authentication-code2 <code>",
)
def test_user_has_mfa(iam_user, aws):
    devices = mfa_devices(aws, iam_user.name)
    assert devices, f"user {iam_user.name} has no MFA device (ListMFADevices is empty)"
