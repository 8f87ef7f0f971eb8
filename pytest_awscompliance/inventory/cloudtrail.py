"""CloudTrail trails, once each, in their home region."""

from __future__ import annotations

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import Trail


def all_trails(aws: AwsContext) -> list[dict]:
    """Every trail visible in this region, shadow trails included (the raw items)."""
    return aws.read("cloudtrail", "describe_trails", includeShadowTrails=True)\
        .get("trailList", [])


def trails(aws: AwsContext) -> list[Trail]:
    found = []
    for item in all_trails(aws):
        if item.get("HomeRegion") != aws.region:
            continue
        if item["TrailARN"].split(":")[4] != aws.account_id:
            continue  # an organization trail owned by the management account
        found.append(Trail(
            account_id=aws.account_id,
            region=aws.region,
            name=item["Name"],
            arn=item["TrailARN"],
            raw=item,
            home_region=item.get("HomeRegion", ""),
            multi_region=bool(item.get("IsMultiRegionTrail")),
            organization_trail=bool(item.get("IsOrganizationTrail")),
            s3_bucket=item.get("S3BucketName", ""),
            kms_key_id=item.get("KmsKeyId") or None,
            log_file_validation=bool(item.get("LogFileValidationEnabled")),
            cloudwatch_log_group_arn=item.get("CloudWatchLogsLogGroupArn") or None,
        ))
    return found
