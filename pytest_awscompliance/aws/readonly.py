"""The read-only guard: a botocore hook that refuses every operation that is not a read.

It runs on ``before-call``, after parameter validation and before anything is signed or
sent, so a refused request never leaves the process.
"""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.model.errors import ReadOnlyViolation

READ_PREFIXES: tuple[str, ...] = ("Describe", "List", "Get", "Head", "BatchGet", "Lookup")

ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        # Reports that AWS computes on request; they change nothing in the account.
        ("iam", "GenerateCredentialReport"),
        ("iam", "GenerateServiceLastAccessedDetails"),
        # The scanner's own identity and cross-account reach.
        ("sts", "AssumeRole"),
    }
)

REFUSED: frozenset[tuple[str, str]] = frozenset(
    {
        # Reads that hand out secrets or credentials: a scanner has no use for them.
        ("secretsmanager", "GetSecretValue"),
        ("ssm", "GetParameter"),
        ("ssm", "GetParameters"),
        ("ssm", "GetParametersByPath"),
        ("sts", "GetSessionToken"),
        ("sts", "GetFederationToken"),
        ("ecr", "GetAuthorizationToken"),
        ("ecr-public", "GetAuthorizationToken"),
        ("cognito-identity", "GetCredentialsForIdentity"),
        ("cognito-identity", "GetOpenIdToken"),
        ("sso", "GetRoleCredentials"),
        ("lambda", "GetFunction"),  # returns a pre-signed URL to the code
    }
)


def is_read_only(service: str, operation: str) -> bool:
    """True when ``service:operation`` only reads the account."""
    key = (service, operation)
    if key in REFUSED:
        return False
    return key in ALLOWED or operation.startswith(READ_PREFIXES)


def refuse_writes(model: Any, **_: Any) -> None:
    """botocore ``before-call`` handler: raise before a non-read request is sent."""
    service = model.service_model.service_name
    if not is_read_only(service, model.name):
        raise ReadOnlyViolation(service, model.name)


def install(events: Any) -> None:
    """Register the guard on a botocore event system (a session's or a client's)."""
    events.register_first("before-call", refuse_writes, unique_id="awscompliance-readonly")
