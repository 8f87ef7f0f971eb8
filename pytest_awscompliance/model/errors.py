"""Exceptions a control can meet, each naming what went wrong in one line."""

from __future__ import annotations

ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
        "AuthorizationErrorException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
    }
)

SCP_DENY = "with an explicit deny in a service control policy"
"""What AWS says when an organization's service control policy denies the call."""


def denied_by_scp(code: str, message: str) -> bool:
    """An AccessDenied caused by an SCP's explicit deny (e.g. a region the organization
    closes), not by the scanning role's own permissions."""
    return code in ACCESS_DENIED_CODES and SCP_DENY in message.lower()


IAM_PREFIXES: dict[str, str] = {
    "s3control": "s3",
    "resourcegroupstaggingapi": "tag",
    "accessanalyzer": "access-analyzer",
    "elbv2": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "efs": "elasticfilesystem",
    "stepfunctions": "states",
    "sesv2": "ses",
    "emr": "elasticmapreduce",
    "opensearch": "es",
    "apigatewayv2": "apigateway",
    "sso-admin": "sso",
    "dynamodbstreams": "dynamodb",
}
"""boto3 service names whose IAM action prefix differs."""

IAM_ACTIONS: dict[tuple[str, str], str] = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjectVersions"): "s3:ListBucketVersions",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "GetPublicAccessBlock"): "s3:GetBucketPublicAccessBlock",
    ("s3control", "GetPublicAccessBlock"): "s3:GetAccountPublicAccessBlock",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("s3", "GetBucketLifecycleConfiguration"): "s3:GetLifecycleConfiguration",
    ("s3", "GetBucketReplication"): "s3:GetReplicationConfiguration",
    ("s3", "GetObjectLockConfiguration"): "s3:GetBucketObjectLockConfiguration",
    ("s3", "GetBucketNotificationConfiguration"): "s3:GetBucketNotification",
    ("s3", "GetBucketCors"): "s3:GetBucketCORS",
    ("s3", "GetBucketAccelerateConfiguration"): "s3:GetAccelerateConfiguration",
    ("s3", "GetBucketAnalyticsConfiguration"): "s3:GetAnalyticsConfiguration",
    ("s3", "GetBucketInventoryConfiguration"): "s3:GetInventoryConfiguration",
    ("s3", "GetBucketMetricsConfiguration"): "s3:GetMetricsConfiguration",
    ("s3", "GetBucketIntelligentTieringConfiguration"): "s3:GetIntelligentTieringConfiguration",
}
"""Operations whose IAM action has another name than the API (S3 mostly)."""


def api_name(service: str, operation: str) -> str:
    """The operation as ``prefix:ApiName``, for messages, e.g. ``s3:ListBuckets``."""
    return f"{IAM_PREFIXES.get(service, service)}:{operation}"


def iam_action(service: str, operation: str) -> str:
    """The IAM action a boto3 call needs: ``("s3", "ListBuckets")`` -> ``s3:ListAllMyBuckets``."""
    return IAM_ACTIONS.get((service, operation)) or api_name(service, operation)


class AwsApiError(Exception):
    """An AWS read failed; the control could not look, so its outcome is ERROR."""

    def __init__(self, service: str, operation: str, code: str, message: str, target: str = ""):
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.target = target
        super().__init__(self.describe())

    @property
    def action(self) -> str:
        return iam_action(self.service, self.operation)

    @property
    def access_denied(self) -> bool:
        return self.code in ACCESS_DENIED_CODES

    @property
    def scp_denied(self) -> bool:
        return denied_by_scp(self.code, self.message)

    def describe(self) -> str:
        where = f" in {self.target}" if self.target else ""
        api = api_name(self.service, self.operation)
        if self.access_denied:
            return (
                f"{api} failed{where}: {self.code} (missing permission {self.action}): "
                f"{self.message}"
            )
        return f"{api} failed{where}: {self.code}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {
            "service": self.service,
            "operation": self.operation,
            "code": self.code,
            "message": self.message,
            "target": self.target,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> AwsApiError:
        return cls(data["service"], data["operation"], data["code"], data["message"],
                   data.get("target", ""))


class ReadOnlyViolation(Exception):
    """A control tried to call an AWS operation that could change the account."""

    def __init__(self, service: str, operation: str, why: str = "only reads accounts"):
        self.service = service
        self.operation = operation
        super().__init__(
            f"refused {iam_action(service, operation)}: pytest-awscompliance {why}; "
            "the request was not sent"
        )


class TargetError(Exception):
    """A target (profile, account, role, region) cannot be used; shown as a usage error."""


class UnreadablePolicy(Exception):
    """A policy the evaluator cannot read: the control needing it cannot decide (ERROR)."""

    def __init__(self, what: str, reason: str):
        self.what = what
        self.reason = reason
        super().__init__(f"{what} cannot be evaluated: {reason}")
