"""The read-only guard refuses anything but reads, before the request is sent."""

from __future__ import annotations

import pytest

from pytest_awscompliance.aws.readonly import is_read_only
from tests.harness import MotoWorld


@pytest.mark.parametrize(
    ("service", "operation"),
    [("s3", "ListBuckets"), ("iam", "GetAccountPasswordPolicy"), ("ec2", "DescribeInstances"),
     ("s3", "HeadBucket"), ("iam", "GenerateCredentialReport"), ("sts", "AssumeRole"),
     ("inspector2", "BatchGetAccountStatus"), ("cloudtrail", "LookupEvents")],
)
def test_reads_are_allowed(service: str, operation: str) -> None:
    assert is_read_only(service, operation)


@pytest.mark.parametrize(
    ("service", "operation"),
    [("s3", "CreateBucket"), ("s3", "PutBucketPolicy"), ("iam", "CreateUser"),
     ("ec2", "RunInstances"), ("ec2", "ModifyInstanceMetadataOptions"),
     ("cloudtrail", "StopLogging"), ("iam", "UpdateAssumeRolePolicy"),
     ("secretsmanager", "GetSecretValue"), ("sts", "GetSessionToken"),
     ("ecr", "GetAuthorizationToken"), ("ssm", "GetParameter"), ("iam", "TagRole"),
     ("s3", "DeleteBucket"), ("organizations", "LeaveOrganization")],
)
def test_writes_and_secret_reads_are_refused(service: str, operation: str) -> None:
    assert not is_read_only(service, operation)


def test_a_control_that_writes_errors_and_sends_nothing(pytester: pytest.Pytester,
                                                       world: MotoWorld) -> None:
    pytester.makepyfile("""
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("sneaky-write", title="tries to write")
def test_write(aws):
    aws.client("s3").create_bucket(Bucket="created-by-a-control")
""")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rE")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*refused s3:CreateBucket: pytest-awscompliance only reads*"])
    buckets = world.client("123456789012", "s3").list_buckets()["Buckets"]
    assert buckets == []
