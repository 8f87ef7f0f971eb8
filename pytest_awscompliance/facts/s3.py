"""S3 facts."""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.analysis.public_policy import public_grants
from pytest_awscompliance.analysis.s3_policy import (
    access_kinds,
    acl_access_kinds,
    public_acl_grants,
)
from pytest_awscompliance.engine.context import GLOBAL, AwsContext
from pytest_awscompliance.model.resources import Bucket

BLOCK_PUBLIC_ACCESS_FLAGS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)
OWNER_ENFORCED = "BucketOwnerEnforced"


def account_public_access_block(aws: AwsContext) -> dict[str, bool]:
    """Account-level Block Public Access flags; a missing configuration is all ``False``."""
    answer = aws.read("s3control", "get_public_access_block", AccountId=aws.account_id,
                      missing_ok=("NoSuchPublicAccessBlockConfiguration",))
    config = (answer or {}).get("PublicAccessBlockConfiguration", {})
    return {flag: bool(config.get(flag, False)) for flag in BLOCK_PUBLIC_ACCESS_FLAGS}


def flags_off(flags: dict[str, bool]) -> list[str]:
    """The Block Public Access flags that are not on, in their canonical order."""
    return [flag for flag in BLOCK_PUBLIC_ACCESS_FLAGS if not flags.get(flag)]


def bucket_public_access_block(aws: AwsContext, bucket: Bucket) -> dict[str, bool]:
    """The bucket's own Block Public Access flags; a missing configuration is all ``False``."""
    answer = aws.read("s3", "get_public_access_block", Bucket=bucket.name, region=bucket.region,
                      missing_ok=("NoSuchPublicAccessBlockConfiguration",))
    config = (answer or {}).get("PublicAccessBlockConfiguration", {})
    return {flag: bool(config.get(flag, False)) for flag in BLOCK_PUBLIC_ACCESS_FLAGS}


def effective_public_access_block(aws: AwsContext, bucket: Bucket) -> dict[str, bool]:
    """What S3 enforces for the bucket: the account's OR the bucket's setting, per flag."""
    account = account_public_access_block(aws.in_region(GLOBAL))
    own = bucket_public_access_block(aws, bucket)
    return {flag: account[flag] or own[flag] for flag in BLOCK_PUBLIC_ACCESS_FLAGS}


def bucket_policy(aws: AwsContext, bucket: Bucket) -> str | None:
    """The bucket policy (a JSON string), or ``None`` when the bucket has none."""
    answer = aws.read("s3", "get_bucket_policy", Bucket=bucket.name, region=bucket.region,
                      missing_ok=("NoSuchBucketPolicy",))
    return None if answer is None else answer["Policy"]


def policy_status_public(aws: AwsContext, bucket: Bucket) -> bool:
    """S3's own verdict on the bucket policy (``GetBucketPolicyStatus``); no policy is False."""
    answer = aws.read("s3", "get_bucket_policy_status", Bucket=bucket.name,
                      region=bucket.region, missing_ok=("NoSuchBucketPolicy",))
    return bool(((answer or {}).get("PolicyStatus") or {}).get("IsPublic"))


def object_ownership(aws: AwsContext, bucket: Bucket) -> str | None:
    """``BucketOwnerEnforced`` (ACLs disabled), another setting, or ``None`` if unset."""
    answer = aws.read("s3", "get_bucket_ownership_controls", Bucket=bucket.name,
                      region=bucket.region, missing_ok=("OwnershipControlsNotFoundError",))
    rules = ((answer or {}).get("OwnershipControls") or {}).get("Rules") or [{}]
    return rules[0].get("ObjectOwnership")


def acl_grants(aws: AwsContext, bucket: Bucket) -> list[dict[str, Any]]:
    """The bucket ACL's grants."""
    return aws.read("s3", "get_bucket_acl", Bucket=bucket.name,
                    region=bucket.region).get("Grants", [])


def public_exposure(aws: AwsContext, bucket: Bucket) -> list[str]:
    """Why the bucket is effectively public (empty when it is not), one reason per way in.

    Policy: S3's ``GetBucketPolicyStatus`` or our own reading of the policy says public,
    and the effective ``RestrictPublicBuckets`` is off. ACL: a grant to AllUsers or
    AuthenticatedUsers, the effective ``IgnorePublicAcls`` is off and ACLs are not
    disabled (``BucketOwnerEnforced``).
    """
    flags = effective_public_access_block(aws, bucket)
    reasons = []
    policy = None if flags["RestrictPublicBuckets"] else bucket_policy(aws, bucket)
    if policy is not None:
        grants = public_grants(policy, name=f"bucket policy of {bucket.arn}")
        if grants or policy_status_public(aws, bucket):
            kinds = access_kinds(grants) or ["access"]
            detail = "; ".join(g.describe() for g in grants) or "GetBucketPolicyStatus IsPublic"
            reasons.append(f"policy grants public {', '.join(kinds)} ({detail})")
    if not flags["IgnorePublicAcls"] and object_ownership(aws, bucket) != OWNER_ENFORCED:
        public = public_acl_grants(acl_grants(aws, bucket))
        if public:
            detail = ", ".join(f"{group} {permission}" for group, permission in public)
            reasons.append(f"ACL grants public {', '.join(acl_access_kinds(public))} ({detail})")
    return reasons

