"""Private ECR repositories, and ECR Public (gallery) repositories."""

from __future__ import annotations

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.model.resources import PublicRepository, Repository

ECR_PUBLIC_REGION = "us-east-1"
"""ECR Public exists in this region of the ``aws`` partition only."""


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


def public_repositories(aws: AwsContext) -> list[PublicRepository]:
    """The account's ECR Public repositories, read in us-east-1; none outside the ``aws``
    partition, where ECR Public does not exist."""
    if aws.partition != "aws":
        return []
    listed = aws.paginate("ecr-public", "describe_repositories",
                          region=ECR_PUBLIC_REGION).get("repositories", [])
    return [
        PublicRepository(
            account_id=aws.account_id,
            region=ECR_PUBLIC_REGION,
            name=item["repositoryName"],
            arn=item["repositoryArn"],
            raw=item,
            uri=item.get("repositoryUri", ""),
            created=item.get("createdAt"),
        )
        for item in listed
    ]
