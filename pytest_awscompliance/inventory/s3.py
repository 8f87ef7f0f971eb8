"""S3 buckets."""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.engine.context import GLOBAL, AwsContext
from pytest_awscompliance.model.resources import Bucket


def bucket_region(aws: AwsContext, name: str, listed: str | None = None) -> str:
    """The bucket's region (``ListBuckets`` gives it; ``GetBucketLocation`` otherwise)."""
    if listed:
        return listed
    # An account-wide question: asked from the account's home region whatever the context,
    # so that every control and region shares one answer.
    location = aws.in_region(GLOBAL).read("s3", "get_bucket_location", Bucket=name)\
        .get("LocationConstraint")
    return location or "us-east-1"


def listed_bucket(aws: AwsContext, item: dict[str, Any]) -> Bucket:
    """The ``Bucket`` of one ``ListBuckets`` item of ``aws``'s account."""
    return Bucket(
        account_id=aws.account_id,
        region=bucket_region(aws, item["Name"], item.get("BucketRegion")),
        name=item["Name"],
        arn=f"arn:{aws.partition}:s3:::{item['Name']}",
        raw=item,
        created=item.get("CreationDate"),
    )


def buckets(aws: AwsContext) -> list[Bucket]:
    listed = aws.paginate("s3", "list_buckets").get("Buckets", [])
    return [listed_bucket(aws, item) for item in listed]
