"""S3 facts."""

from __future__ import annotations

from pytest_awscompliance.context import AwsContext

BLOCK_PUBLIC_ACCESS_FLAGS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)


def account_public_access_block(aws: AwsContext) -> dict[str, bool]:
    """Account-level Block Public Access flags; a missing configuration is all ``False``."""
    answer = aws.read("s3control", "get_public_access_block", AccountId=aws.account_id,
                      missing_ok=("NoSuchPublicAccessBlockConfiguration",))
    config = (answer or {}).get("PublicAccessBlockConfiguration", {})
    return {flag: bool(config.get(flag, False)) for flag in BLOCK_PUBLIC_ACCESS_FLAGS}


def flags_off(flags: dict[str, bool]) -> list[str]:
    """The Block Public Access flags that are not on, in their canonical order."""
    return [flag for flag in BLOCK_PUBLIC_ACCESS_FLAGS if not flags.get(flag)]
