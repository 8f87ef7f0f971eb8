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


def iam_action(service: str, operation: str) -> str:
    """The IAM action a boto3 call needs, e.g. ``("s3control", "GetPublicAccessBlock")``."""
    prefix = {
        "s3control": "s3",
        "logs": "logs",
        "ecr-public": "ecr-public",
        "resourcegroupstaggingapi": "tag",
        "accessanalyzer": "access-analyzer",
        "config": "config",
    }.get(service, service)
    return f"{prefix}:{operation}"


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

    def describe(self) -> str:
        where = f" in {self.target}" if self.target else ""
        if self.access_denied:
            return (
                f"{self.action} failed{where}: {self.code} (missing permission {self.action}): "
                f"{self.message}"
            )
        return f"{self.action} failed{where}: {self.code}: {self.message}"

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

    def __init__(self, service: str, operation: str):
        self.service = service
        self.operation = operation
        super().__init__(
            f"refused {iam_action(service, operation)}: pytest-awscompliance only reads "
            "accounts; the request was not sent"
        )


class TargetError(Exception):
    """A target (profile, account, role, region) cannot be used; shown as a usage error."""
