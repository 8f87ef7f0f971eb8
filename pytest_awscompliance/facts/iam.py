"""IAM facts."""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.context import AwsContext


def password_policy(aws: AwsContext) -> dict[str, Any] | None:
    """The account password policy, or ``None`` when none is set (IAM's weak default)."""
    answer = aws.read("iam", "get_account_password_policy", missing_ok=("NoSuchEntity",))
    return None if answer is None else answer["PasswordPolicy"]
