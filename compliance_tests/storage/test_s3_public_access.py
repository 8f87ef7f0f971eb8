"""S3 Block Public Access and public buckets (tip 4)."""

from fnmatch import fnmatchcase

import pytest

from pytest_awscompliance.facts.s3 import (
    account_public_access_block,
    effective_public_access_block,
    flags_off,
    public_exposure,
)


@pytest.mark.severity("high")
@pytest.mark.control(
    "s3-account-public-access-block",
    title="Account-level S3 Block Public Access has all four settings on",
    frameworks={"cis-aws-3.0": "2.1.4", "cis-aws-7.0": "3.1.4", "aws-fsbp": "S3.1"},
    remediation="aws s3control put-public-access-block --account-id <id> "
    "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
    "BlockPublicPolicy=true,RestrictPublicBuckets=true",
)
def test_account_blocks_public_access(aws_account):
    off = flags_off(account_public_access_block(aws_account))
    assert not off, f"account {aws_account.account_id} S3 Block Public Access off: {', '.join(off)}"


@pytest.mark.severity("high")
@pytest.mark.control(
    "s3-bucket-public-access-block",
    title="Bucket-level S3 Block Public Access is on (set on the bucket or inherited)",
    frameworks={"cis-aws-3.0": "2.1.4", "cis-aws-7.0": "3.1.4", "aws-fsbp": "S3.8"},
    remediation="aws s3api put-public-access-block --bucket <name> "
    "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
    "BlockPublicPolicy=true,RestrictPublicBuckets=true",
)
def test_bucket_blocks_public_access(s3_bucket, aws):
    """All four flags must be on, each either on the bucket or on the account (S3.8);
    Prowler's lenient pass on IgnorePublicAcls + RestrictPublicBuckets alone is not used."""
    off = flags_off(effective_public_access_block(aws, s3_bucket))
    assert not off, (
        f"bucket {s3_bucket.name} Block Public Access off (bucket and account): {', '.join(off)}"
    )


@pytest.mark.severity("critical")
@pytest.mark.control(
    "s3-bucket-not-publicly-accessible",
    title="No S3 bucket is effectively public (read, write or list)",
    frameworks={"cis-aws-7.0": "2.21", "aws-fsbp": "S3.2, S3.3"},
    remediation="Remove the public statements from the bucket policy and the AllUsers / "
    "AuthenticatedUsers ACL grants, then turn on Block Public Access: aws s3api "
    "put-public-access-block --bucket <name> --public-access-block-configuration "
    "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,"
    "RestrictPublicBuckets=true. If the bucket is meant to be public, add it to the ini "
    "option aws_public_bucket_allowlist.",
)
def test_bucket_not_publicly_accessible(s3_bucket, aws, aws_settings):
    """A public policy counts unless the effective RestrictPublicBuckets neutralises it; a
    public ACL counts unless IgnorePublicAcls or BucketOwnerEnforced does. S3's own
    GetBucketPolicyStatus and our policy reading are both consulted: either one saying
    "public" is enough (stricter than either alone)."""
    allowlist = aws_settings.tunable("aws_public_bucket_allowlist")
    for pattern in allowlist:
        if fnmatchcase(s3_bucket.name, pattern):
            pytest.skip(f"bucket {s3_bucket.name} is allow-listed as public "
                        f"(aws_public_bucket_allowlist: {pattern})")
    reasons = public_exposure(aws, s3_bucket)
    assert not reasons, f"bucket {s3_bucket.name} is public: {'; '.join(reasons)}"
