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


COMPLEXITY = {
    "symbols": "RequireSymbols",
    "numbers": "RequireNumbers",
    "uppercase": "RequireUppercaseCharacters",
    "lowercase": "RequireLowercaseCharacters",
}


@pytest.mark.severity("medium")
@pytest.mark.control(
    "iam-password-policy-complexity",
    title="Password policy requires symbols, numbers, upper- and lower-case letters",
    frameworks={"aws-fsbp": "IAM.7"},
    remediation="aws iam update-account-password-policy --require-symbols --require-numbers "
    "--require-uppercase-characters --require-lowercase-characters "
    "(repeat the settings you keep: the call replaces the whole policy)",
)
@pytest.mark.parametrize("character_class", list(COMPLEXITY))
def test_password_policy_complexity(aws_account, character_class):
    field = COMPLEXITY[character_class]
    policy = password_policy(aws_account)
    value = policy.get(field, False) if policy else None
    assert value is True, (
        f"account {aws_account.account_id} password policy does not require {character_class} "
        f"({field}={value}{'; no policy set' if policy is None else ''})"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "iam-password-policy-expiry-90d",
    title="Passwords expire within 90 days",
    frameworks={"aws-securityhub": "IAM.17"},
    remediation="aws iam update-account-password-policy --max-password-age 90 "
    "(plus the settings you keep)",
)
def test_password_policy_expiry(aws_account, aws_settings):
    """Asked for by the blog and CIS v1.2; CIS >= 1.4 and NIST 800-63B dropped it: deselect
    with ``-k "not expiry"`` or waive it if you follow them."""
    maximum = aws_settings.tunable_int("aws_password_max_age_days")
    policy = password_policy(aws_account) or {}
    expires = policy.get("ExpirePasswords", False)
    age = policy.get("MaxPasswordAge")
    assert expires and age is not None and age <= maximum, (
        f"account {aws_account.account_id} passwords do not expire within {maximum} days "
        f"(ExpirePasswords={expires}, MaxPasswordAge={age}"
        f"{'; no policy set' if not policy else ''})"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "iam-password-policy-reuse-24",
    title="Password policy prevents reuse of the last 24 passwords",
    frameworks={"cis-aws-3.0": "1.9", "cis-aws-7.0": "2.9", "aws-securityhub": "IAM.16"},
    remediation="aws iam update-account-password-policy --password-reuse-prevention 24 "
    "(plus the settings you keep)",
)
def test_password_policy_reuse(aws_account, aws_settings):
    minimum = aws_settings.tunable_int("aws_password_reuse_prevention")
    policy = password_policy(aws_account) or {}
    remembered = policy.get("PasswordReusePrevention")
    assert remembered is not None and remembered >= minimum, (
        f"account {aws_account.account_id} password policy PasswordReusePrevention="
        f"{remembered} (needs >= {minimum}{'; no policy set' if not policy else ''})"
    )
