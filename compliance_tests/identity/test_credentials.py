"""Long-lived IAM user credentials (tip 2): unused passwords and keys, key rotation."""

import pytest

from pytest_awscompliance.facts.iam import (
    credential_rows,
    now,
    old_access_keys,
    unused_credentials,
)


def _row(aws, iam_user):
    row = credential_rows(aws).get(iam_user.name)
    if row is None:
        pytest.skip(f"{iam_user.name} is not in the credential report yet (created after it)")
    return row


@pytest.mark.severity("medium")
@pytest.mark.control(
    "iam-credentials-unused-45d",
    title="Console passwords and access keys unused for 45 days are disabled",
    frameworks={"cis-aws-3.0": "1.12", "cis-aws-7.0": "2.11", "aws-securityhub": "IAM.22"},
    remediation="aws iam delete-login-profile --user-name <user>; "
    "aws iam update-access-key --user-name <user> --access-key-id <id> --status Inactive",
)
def test_credentials_used_recently(iam_user, aws, aws_settings):
    """Stricter than Prowler: a password or key never used counts from when it was set."""
    days = aws_settings.tunable_int("aws_unused_credentials_days")
    unused = unused_credentials(_row(aws, iam_user), now(), days)
    assert not unused, (
        f"user {iam_user.name} has credentials unused for {days}+ days: {'; '.join(unused)}"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "iam-access-keys-rotated-90d",
    title="Active access keys are rotated within 90 days",
    frameworks={"cis-aws-3.0": "1.14", "cis-aws-7.0": "2.12", "aws-fsbp": "IAM.3"},
    remediation="aws iam create-access-key --user-name <user>; move clients to the new key; "
    "aws iam delete-access-key --user-name <user> --access-key-id <old id>",
)
def test_access_keys_rotated(iam_user, aws, aws_settings):
    days = aws_settings.tunable_int("aws_access_key_max_age_days")
    old = old_access_keys(_row(aws, iam_user), now(), days)
    assert not old, f"user {iam_user.name} has access keys older than {days} days: {'; '.join(old)}"
