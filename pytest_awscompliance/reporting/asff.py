"""``--compliance-asff``: control results in the AWS Security Finding Format (ASFF).

The file is JSON lines: each line is one ``securityhub:BatchImportFindings`` batch, a JSON
array of at most 100 findings (the operation's limit) of one account in one region, so that
``aws securityhub batch-import-findings --region R --findings file://LINE`` takes a line as
it is (docs/reports.md shows the loop). Security Hub imports a custom integration's findings
into the calling account's product ``arn:PARTITION:securityhub:REGION:ACCOUNT:product/
ACCOUNT/default``: a line holds one account's findings, imported with that account's
credentials in the region of its ``ProductArn``. The scanner itself never calls Security Hub.

The mapping:

========  ==================  ==============  ============================
outcome   Compliance.Status   Workflow        Severity.Label
========  ==================  ==============  ============================
passed    PASSED              RESOLVED        INFORMATIONAL
failed    FAILED              NEW             the control's severity
error     WARNING             NEW             the control's severity
waived    FAILED              SUPPRESSED      the control's severity
skipped   NOT_AVAILABLE       NEW             INFORMATIONAL
========  ==================  ==============  ============================

Ids, resources and their types come from the OCSF mapping (``ocsf.finding_uid``,
``ocsf.resource_of``); a type Security Hub does not know is ``Other``, as its format asks.
A result for a global setting (IAM, an account-wide switch) goes to the account's home
region, where the scan started.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting import ocsf
from pytest_awscompliance.settings import outputs

SCHEMA_VERSION = "2018-10-08"
BATCH_SIZE = 100
"""``BatchImportFindings`` takes 1 to 100 findings per call."""
FINDING_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards"

# outcome -> (Compliance.Status, Workflow.Status)
STATUS: dict[str, tuple[str, str]] = {
    "passed": ("PASSED", "RESOLVED"),
    "failed": ("FAILED", "NEW"),
    "error": ("WARNING", "NEW"),
    "waived": ("FAILED", "SUPPRESSED"),
    "skipped": ("NOT_AVAILABLE", "NEW"),
}
LABELS = {"info": "INFORMATIONAL", "low": "LOW", "medium": "MEDIUM", "high": "HIGH",
          "critical": "CRITICAL"}
PARTITION_HOME = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}
"""Where a global result goes when the account's home region is not known."""
# Field limits of the ASFF (characters).
TITLE_MAX, DESCRIPTION_MAX, REMEDIATION_MAX, REQUIREMENTS_MAX = 256, 1024, 512, 32
FIELD_MAX = 2048


@functools.cache
def known_types() -> frozenset[str]:
    """The resource types Security Hub defines: its ``ResourceDetails`` members (botocore's
    service model), plus ``AwsAccount``, which has no details object."""
    from pytest_awscompliance.aws.sessions import shared_loader

    model = shared_loader().load_service_model("securityhub", "service-2")
    return frozenset(model["shapes"]["ResourceDetails"]["members"]) | {"AwsAccount"}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _iso(epoch_ms: int) -> str:
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def home_region(result: ControlResult, homes: Mapping[str, str], partition: str) -> str:
    """The result's region, or for a global one the account's home region."""
    if result.region and result.region != "global":
        return result.region
    return homes.get(result.account) or PARTITION_HOME.get(partition, "us-east-1")


def resource(result: ControlResult, partition: str, region: str,
             types: ocsf.ResourceTypes = ocsf.RESOURCE_TYPES) -> dict[str, Any]:
    """The ASFF ``Resources`` entry, from the OCSF resource of the same result."""
    found = ocsf.resource_of(result, partition, types)
    kind = found["type"] if found["type"] in known_types() else "Other"
    entry = {"Type": kind, "Id": found["uid"], "Partition": found["cloud_partition"],
             "Region": region}
    if kind == "Other":
        entry["Details"] = {"Other": {"Type": _cut(found["type"], 1023)}}
    return entry


def to_finding(result: ControlResult, *, version: str, partition: str = "aws",
               homes: Mapping[str, str] | None = None, now_ms: int | None = None,
               types: ocsf.ResourceTypes = ocsf.RESOURCE_TYPES) -> dict[str, Any]:
    """One ASFF finding for one control result; ``types``: the run's resource type names
    (``ocsf.resource_types``)."""
    compliance, workflow = STATUS[result.outcome]
    region = home_region(result, homes or {}, partition)
    found = resource(result, partition, region, types)
    when = _iso(int(result.time * 1000) if result.time else (now_ms or 0))
    label = "INFORMATIONAL" if result.outcome in ("passed", "skipped") else \
        LABELS.get(result.severity, "INFORMATIONAL")
    title = result.title or result.control_id
    fields = {"ProviderName": ocsf.PRODUCT, "ProviderVersion": version,
              "pytest-awscompliance/control": result.control_id,
              "pytest-awscompliance/outcome": result.outcome,
              "pytest-awscompliance/test": result.name}
    if result.missing_permission:
        fields["pytest-awscompliance/missing_permission"] = result.missing_permission
    if result.waiver:
        for key in ("justification", "owner", "ticket", "expires"):
            if result.waiver.get(key):
                fields[f"pytest-awscompliance/waiver/{key}"] = str(result.waiver[key])
    finding: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": ocsf.finding_uid(result),
        "ProductArn": f"arn:{found['Partition']}:securityhub:{region}:{result.account}:"
                      f"product/{result.account}/default",
        "ProductName": ocsf.PRODUCT,
        "CompanyName": ocsf.PRODUCT,
        "GeneratorId": f"{ocsf.PRODUCT}/{result.control_id}",
        "AwsAccountId": result.account,
        "Region": region,
        "Types": [FINDING_TYPE],
        "CreatedAt": when,
        "UpdatedAt": when,
        "FirstObservedAt": when,
        "LastObservedAt": when,
        "Severity": {"Label": label, "Original": result.severity or "unknown"},
        "Title": _cut(f"{result.control_id}: {title}" if title != result.control_id
                      else title, TITLE_MAX),
        "Description": _cut(result.message or title, DESCRIPTION_MAX),
        "Resources": [found],
        "Compliance": {"Status": compliance},
        "Workflow": {"Status": workflow},
        "RecordState": "ACTIVE",
        "ProductFields": {k: _cut(v, FIELD_MAX) for k, v in fields.items() if v},
    }
    requirements = [f"{name} {ref}" for name, ref in result.frameworks][:REQUIREMENTS_MAX]
    if requirements:
        finding["Compliance"]["RelatedRequirements"] = requirements
    if result.remediation:
        finding["Remediation"] = {"Recommendation": {"Text": _cut(result.remediation,
                                                                  REMEDIATION_MAX)}}
    return finding


def batches(findings: Iterable[dict[str, Any]], size: int = BATCH_SIZE
            ) -> Iterator[list[dict[str, Any]]]:
    """Findings grouped by ``ProductArn`` (one account, one region), at most ``size`` each."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        groups.setdefault(finding["ProductArn"], []).append(finding)
    for arn in sorted(groups):
        group = groups[arn]
        for start in range(0, len(group), size):
            yield group[start:start + size]


def to_batches(results: Iterable[ControlResult], *, version: str, partition: str = "aws",
               homes: Mapping[str, str] | None = None, now_ms: int | None = None,
               types: ocsf.ResourceTypes = ocsf.RESOURCE_TYPES) -> list[list[dict[str, Any]]]:
    return list(batches(to_finding(r, version=version, partition=partition, homes=homes,
                                   now_ms=now_ms, types=types) for r in results))


def write_atomic(path: Path, batches_: Sequence[Sequence[dict[str, Any]]]) -> None:
    """Write one batch per line: all of them, or (on failure) nothing new."""

    def dump(handle: TextIO) -> None:
        for batch in batches_:
            handle.write(json.dumps(list(batch), ensure_ascii=False, sort_keys=True))
            handle.write("\n")

    outputs.replace_atomic(path, dump)
