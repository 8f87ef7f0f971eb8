"""S3 Block Public Access and public buckets (tip 4)."""

import pytest

from pytest_awscompliance.facts.s3 import account_public_access_block, flags_off


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
