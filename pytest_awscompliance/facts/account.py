"""AWS Account Management facts."""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.engine.context import AwsContext


def security_contact(aws: AwsContext) -> dict[str, Any] | None:
    """The account's SECURITY alternate contact, or ``None`` when none is registered."""
    answer = aws.read("account", "get_alternate_contact", AlternateContactType="SECURITY",
                      missing_ok=("ResourceNotFoundException",))
    return None if answer is None else answer.get("AlternateContact")
