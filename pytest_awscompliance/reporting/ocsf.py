"""``--compliance-json``: control results as OCSF 1.1 Detection Findings (class 2004).

One record per control result, in a JSON array, written atomically (temporary file in the
same directory, then ``os.replace``) so a reader never sees half a file. The mapping:

========  ===========  ===================  ============================
outcome   status_code  status_id / status   unmapped.compliance.status
========  ===========  ===================  ============================
passed    PASS         4 Resolved           1 Pass
failed    FAIL         1 New                3 Fail
error     ERROR        0 Unknown            2 Warning (no result: access)
waived    WAIVED       3 Suppressed         3 Fail
skipped   SKIPPED      0 Unknown            99 Other ("Skipped")
========  ===========  ===================  ============================

``cloud.account`` is the scanned account (``type_id`` 10, AWS Account; its id is also its
name). Every record parses as py-ocsf-models' ``DetectionFinding`` and validates against the
OCSF 1.1.0 Detection Finding JSON Schema with the cloud profile (tests/reporting/test_ocsf.py).

Detection Finding has no ``compliance`` attribute of its own in OCSF (Compliance Finding,
class 2003, does), so the control id, framework requirements and compliance status go under
``unmapped.compliance``, as Prowler's OCSF output does: every record stays a valid
Detection Finding for strict OCSF validators.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from pytest_awscompliance.inventory.bundled import BUNDLED
from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.settings import outputs

OCSF_VERSION = "1.1.0"
PRODUCT = "pytest-awscompliance"
CLASS_UID = 2004
CATEGORY_UID = 2
ACTIVITY_CREATE = 1
TYPE_UID = CLASS_UID * 100 + ACTIVITY_CREATE

SEVERITY_ID = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
SEVERITY_NAME = {1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}

# outcome -> (status_code, status_id, status, compliance status_id, compliance status)
STATUS: dict[str, tuple[str, int, str, int, str]] = {
    "passed": ("PASS", 4, "Resolved", 1, "Pass"),
    "failed": ("FAIL", 1, "New", 3, "Fail"),
    "error": ("ERROR", 0, "Unknown", 2, "Warning"),
    "waived": ("WAIVED", 3, "Suppressed", 3, "Fail"),
    "skipped": ("SKIPPED", 0, "Unknown", 99, "Skipped"),
}

ResourceTypes = Mapping[tuple[str, str], str]
"""(ARN service, ARN resource kind) -> resource type name, as AWS Security Hub spells them."""

def resource_types(registered: ResourceTypes) -> dict[tuple[str, str], str]:
    """The names of a run: its registry's (``Registry.report_types()``: bundled and
    declared with the hook); every kind a bundled control names has a registered type."""
    return dict(registered)


RESOURCE_TYPES = resource_types(
    {t.arn_kind: t.report_type for t in BUNDLED if t.arn_kind and t.report_type})
"""The names of the bundled types alone: what a result is reported with when no run's
registry is given (``fleet`` records, unit tests)."""


def finding_uid(result: ControlResult) -> str:
    """Stable across runs and invocations: control, target, resource and test name."""
    key = "|".join((result.control_id, result.account, result.region, result.resource,
                    result.name))
    return f"{PRODUCT}/{result.control_id}/{hashlib.sha256(key.encode()).hexdigest()[:20]}"


def split_arn(arn: str) -> dict[str, str] | None:
    """``arn:partition:service:region:account:resource`` as parts, or None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    _, partition, service, region, account, resource = parts
    return {"partition": partition, "service": service, "region": region,
            "account": account, "resource": resource}


ACCOUNT_TYPE_ID = 10
"""OCSF ``account.type_id`` of an AWS account ("AWS Account")."""


def account_of(account_id: str) -> dict[str, Any]:
    """The OCSF ``cloud.account``: the scan knows an account by its id, which is also its
    name here (looking up Organizations names would need a call the scan does not make)."""
    return {"uid": account_id, "name": account_id, "type_id": ACCOUNT_TYPE_ID,
            "type": "AWS Account"}


def _kind(resource: str) -> str:
    return re.split(r"[/:]", resource, maxsplit=1)[0] if re.search(r"[/:]", resource) else ""


def known_resource_type(service: str, resource: str,
                        types: ResourceTypes = RESOURCE_TYPES) -> str | None:
    """The name ``types`` give an ARN's service and resource, or None."""
    return types.get((service, _kind(resource)))


def resource_type(service: str, resource: str, types: ResourceTypes = RESOURCE_TYPES) -> str:
    """``AwsEc2Instance`` for ``ec2`` + ``instance/i-1``; a derived name otherwise."""
    known = known_resource_type(service, resource, types)
    if known:
        return known
    kind = _kind(resource)
    words = [service, *kind.split("-")] if kind else [service]
    return "Aws" + "".join(w[:1].upper() + w[1:] for w in words if w)


def resource_name(service: str, resource: str) -> str:
    """``i-0abc`` of ``instance/i-0abc``, ``/aws/x`` of ``log-group:/aws/x:*``, a role's name."""
    name = resource.removesuffix(":*")
    parts = re.split(r"[/:]", name, maxsplit=1)
    if len(parts) == 2 and parts[1]:
        name = parts[1]
    if service == "iam":
        name = name.rsplit("/", 1)[-1]
    return name


def resource_of(result: ControlResult, partition: str,
                types: ResourceTypes = RESOURCE_TYPES) -> dict[str, Any]:
    """The affected resource; an account-wide setting is the account itself."""
    arn = split_arn(result.resource)
    if arn is None:
        return {"uid": f"AWS::::Account:{result.account}", "name": result.account,
                "type": "AwsAccount", "region": result.region, "cloud_partition": partition}
    name = resource_name(arn["service"], arn["resource"])
    return {"uid": result.resource, "name": name,
            "type": resource_type(arn["service"], arn["resource"], types),
            "region": arn["region"] or result.region,
            "cloud_partition": arn["partition"] or partition}


def to_finding(result: ControlResult, *, version: str, partition: str = "aws",
               now_ms: int | None = None,
               types: ResourceTypes = RESOURCE_TYPES) -> dict[str, Any]:
    """One OCSF Detection Finding for one control result; ``types``: the run's resource
    type names (``resource_types``)."""
    status_code, status_id, status, comp_id, comp_status = STATUS[result.outcome]
    severity_id = SEVERITY_ID.get(result.severity, 0)
    uid = finding_uid(result)
    time_ms = int(result.time * 1000) if result.time else (now_ms or 0)
    standards = sorted({name for name, _ in result.frameworks})
    finding: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": TYPE_UID,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id,
        "severity": SEVERITY_NAME.get(severity_id, "Unknown"),
        "status_id": status_id,
        "status": status,
        "status_code": status_code,
        "status_detail": result.message,
        "message": f"{status_code} {result.control_id} on {result.resource}"
                   + (f": {result.message}" if result.message else ""),
        "time": time_ms,
        "finding_info": {
            "uid": uid,
            "title": result.title or result.control_id,
            "desc": result.message or result.title or result.control_id,
        },
        "resources": [resource_of(result, partition, types)],
        "cloud": {"provider": "AWS", "account": account_of(result.account),
                  "region": result.region},
        "metadata": {
            "product": {"name": PRODUCT, "vendor_name": PRODUCT, "version": version},
            "version": OCSF_VERSION,
            "uid": uid,
            "event_code": result.control_id,
            "profiles": ["cloud"],
        },
        "unmapped": {
            "compliance": {
                "control": result.control_id,
                "requirements": [f"{name}:{ref}" for name, ref in result.frameworks],
                "standards": standards,
                "status_id": comp_id,
                "status": comp_status,
                "status_code": status_code,
            },
            "nodeid": result.nodeid,
            "outcome": result.outcome,
        },
    }
    if result.remediation:
        finding["remediation"] = {"desc": result.remediation}
    if result.missing_permission:
        finding["unmapped"]["missing_permission"] = result.missing_permission
    if result.waiver:
        finding["unmapped"]["waiver"] = dict(result.waiver)
    return finding


def to_findings(results: Iterable[ControlResult], *, version: str,
                partition: str = "aws", now_ms: int | None = None,
                types: ResourceTypes = RESOURCE_TYPES) -> list[dict[str, Any]]:
    return [to_finding(r, version=version, partition=partition, now_ms=now_ms, types=types)
            for r in results]


def write_atomic(path: Path, findings: Sequence[dict[str, Any]]) -> None:
    """Write ``findings`` as a JSON array: all of it, or (on failure) nothing new."""

    def dump(handle: TextIO) -> None:
        json.dump(list(findings), handle, indent=1, ensure_ascii=False, sort_keys=True)
        handle.write("\n")

    outputs.replace_atomic(path, dump)

