"""CloudWatch Logs groups."""

from __future__ import annotations

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import LogGroup


def log_groups(aws: AwsContext) -> list[LogGroup]:
    listed = aws.paginate("logs", "describe_log_groups").get("logGroups", [])
    return [
        LogGroup(
            account_id=aws.account_id,
            region=aws.region,
            name=item["logGroupName"],
            arn=item.get("arn", "").removesuffix(":*"),
            raw=item,
            retention_days=item.get("retentionInDays"),
            kms_key_id=item.get("kmsKeyId"),
        )
        for item in listed
    ]
