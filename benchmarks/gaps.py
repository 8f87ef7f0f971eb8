"""Answers for the APIs moto lacks, so a gap costs one request instead of 8 retried 500s.

moto's server answers an operation it does not implement with HTTP 500 (no backend, or
``NotImplementedError``), which botocore retries with backoff: that would dominate the
wall time. The proxy instead answers those operations itself with an empty, well-formed
success in the protocol's shape ("nothing configured": no analyzers, no public
repositories, no account IMDS default, ...), after the same injected latency, and counts
them like any other request.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"

Answer = tuple[int, dict[str, str], bytes]

KNOWN_GAPS = frozenset({
    "ecr-public:DescribeRepositories",
    "accessanalyzer:ListAnalyzers",
    "iam:ListOrganizationsFeatures",
    "iam:GenerateServiceLastAccessedDetails",
    "iam:GetServiceLastAccessedDetails",
    "ec2:GetInstanceMetadataDefaults",
    "securityhub:GetEnabledStandards",
})
"""Answered by the proxy without asking moto (moto 5.2.5 has no implementation)."""


def _query(operation: str, inner: str) -> bytes:
    return (f'<{operation}Response xmlns="{IAM_NS}"><{operation}Result>{inner}'
            f"</{operation}Result><ResponseMetadata><RequestId>bench-gap</RequestId>"
            f"</ResponseMetadata></{operation}Response>").encode()


def _special(operation: str, body: bytes) -> bytes | None:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if operation == "iam:GenerateServiceLastAccessedDetails":
        job = uuid.uuid5(uuid.NAMESPACE_URL, body.decode("utf-8", "replace"))  # one per Arn
        return _query("GenerateServiceLastAccessedDetails", f"<JobId>{job}</JobId>")
    if operation == "iam:GetServiceLastAccessedDetails":
        return _query("GetServiceLastAccessedDetails",
                      "<JobStatus>COMPLETED</JobStatus><JobType>SERVICE_LEVEL</JobType>"
                      f"<JobCreationDate>{now}</JobCreationDate>"
                      f"<JobCompletionDate>{now}</JobCompletionDate>"
                      "<ServicesLastAccessed/><IsTruncated>false</IsTruncated>")
    return None


def empty_answer(operation: str, headers: dict[str, str], body: bytes = b"") -> Answer:
    """An empty success for ``operation`` in the wire shape its protocol expects."""
    service, _, name = operation.partition(":")
    special = _special(operation, body)
    if special is not None:
        return 200, {"Content-Type": "text/xml"}, special
    if "x-amz-target" in headers:
        return 200, {"Content-Type": "application/x-amz-json-1.1"}, b"{}"
    if service == "ec2":
        body = f'<{name}Response xmlns="{EC2_NS}"><requestId>bench-gap</requestId></{name}Response>'
        return 200, {"Content-Type": "text/xml"}, body.encode()
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return 200, {"Content-Type": "text/xml"}, _query(name, "")
    if service in {"s3", "s3control"}:
        return 200, {"Content-Type": "application/xml"}, f"<{name}Result/>".encode()
    return 200, {"Content-Type": "application/json"}, json.dumps({}).encode()
