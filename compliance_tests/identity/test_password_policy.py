"""Password policy (general recommendations): length, complexity, reuse and expiry."""

import pytest

from pytest_awscompliance.facts.iam import password_policy


@pytest.mark.severity("medium")
@pytest.mark.control(
    "iam-password-policy-min-length-14",
    title="Password policy requires at least 14 characters",
    frameworks={"cis-aws-3.0": "1.8", "cis-aws-7.0": "2.8", "aws-fsbp": "IAM.7"},
    remediation="aws iam update-account-password-policy --minimum-password-length 14",
)
def test_password_policy_min_length(aws_account, aws_settings):
    minimum = aws_settings.tunable_int("aws_password_min_length")
    policy = password_policy(aws_account)
    length = policy.get("MinimumPasswordLength") if policy else None
    assert length is not None and length >= minimum, (
        f"account {aws_account.account_id} password policy MinimumPasswordLength={length} "
        f"(needs >= {minimum}{'; no policy set, IAM default is 8' if policy is None else ''})"
    )
