"""Private ECR repositories."""

from __future__ import annotations

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import Repository


def repositories(aws: AwsContext) -> list[Repository]:
    listed = aws.paginate("ecr", "describe_repositories").get("repositories", [])
    return [
        Repository(
            account_id=aws.account_id,
            region=aws.region,
            name=item["repositoryName"],
            arn=item["repositoryArn"],
            raw=item,
            uri=item.get("repositoryUri", ""),
            scan_on_push=bool((item.get("imageScanningConfiguration") or {}).get("scanOnPush")),
            tag_mutability=item.get("imageTagMutability", ""),
        )
        for item in listed
    ]
