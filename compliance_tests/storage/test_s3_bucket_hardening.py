"""S3 bucket hardening (tip 4): ACLs disabled and TLS-only access."""

import pytest

from pytest_awscompliance.analysis.s3_policy import denies_insecure_transport
from pytest_awscompliance.facts.s3 import OWNER_ENFORCED, bucket_policy, object_ownership


@pytest.mark.severity("medium")
@pytest.mark.control(
    "s3-bucket-acls-disabled",
    title="S3 bucket ACLs are disabled (Object Ownership BucketOwnerEnforced)",
    frameworks={"aws-fsbp": "S3.12"},
    remediation="aws s3api put-bucket-ownership-controls --bucket <name> "
    "--ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]",
)
def test_bucket_acls_disabled(s3_bucket, aws):
    ownership = object_ownership(aws, s3_bucket)
    assert ownership == OWNER_ENFORCED, (
        f"bucket {s3_bucket.name} still honours ACLs (ObjectOwnership="
        f"{ownership or 'not set'})"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "s3-bucket-ssl-only",
    title="S3 bucket policy denies requests that do not use TLS",
    frameworks={"cis-aws-3.0": "2.1.1", "cis-aws-7.0": "3.1.1", "aws-fsbp": "S3.5"},
    remediation="Add to the bucket policy: {\"Sid\": \"DenyInsecureTransport\", \"Effect\": "
    "\"Deny\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": "
    "[\"arn:aws:s3:::<name>\", \"arn:aws:s3:::<name>/*\"], \"Condition\": {\"Bool\": "
    "{\"aws:SecureTransport\": \"false\"}}}",
)
def test_bucket_denies_insecure_transport(s3_bucket, aws):
    """Only a Deny for everyone covering the bucket and its objects, conditioned on nothing
    but aws:SecureTransport=false (or s3:TlsVersion below a minimum), counts."""
    policy = bucket_policy(aws, s3_bucket)
    assert denies_insecure_transport(policy, s3_bucket.arn), (
        f"bucket {s3_bucket.name} accepts non-TLS requests: "
        + ("it has no bucket policy" if policy is None else
           "no Deny for everyone on aws:SecureTransport=false covers the bucket and bucket/*")
    )
