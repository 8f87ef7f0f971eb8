"""Detective services per Region: GuardDuty, Security Hub, IAM Access Analyzer, AWS Config.

Each ``*_gap`` function returns why the service is not protecting the Region, or ``None``.
"""

from __future__ import annotations

from typing import Any

from pytest_awscompliance.engine.context import AwsContext

CONFIG_SERVICE_LINKED_ROLE = "/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
EXTERNAL_ACCESS_ANALYZER_TYPES = frozenset({"ACCOUNT", "ORGANIZATION"})


def guardduty_detectors(aws: AwsContext) -> dict[str, str]:
    """Detector id -> ``Status`` (ENABLED / DISABLED) in this Region."""
    ids = aws.paginate("guardduty", "list_detectors").get("DetectorIds", [])
    return {d: aws.read("guardduty", "get_detector", DetectorId=d).get("Status", "")
            for d in ids}


def guardduty_gap(detectors: dict[str, str]) -> str | None:
    if not detectors:
        return "has no GuardDuty detector"
    if "ENABLED" in detectors.values():
        return None
    states = ", ".join(f"{d}={s}" for d, s in sorted(detectors.items()))
    return f"has no enabled GuardDuty detector ({states})"


def securityhub_standards(aws: AwsContext) -> list[dict[str, Any]] | None:
    """The enabled standards' subscriptions, or ``None`` when Security Hub is not enabled."""
    hub = aws.read("securityhub", "describe_hub", missing_ok=("InvalidAccessException",))
    if hub is None:
        return None
    return aws.paginate("securityhub", "get_enabled_standards").get("StandardsSubscriptions", [])


def securityhub_gap(standards: list[dict[str, Any]] | None) -> str | None:
    """Not enabled, or no standard ``READY`` (Prowler also accepts integrations: we don't)."""
    if standards is None:
        return "is not subscribed to Security Hub (DescribeHub: InvalidAccessException)"
    if any(s.get("StandardsStatus") == "READY" for s in standards):
        return None
    if not standards:
        return "has Security Hub enabled with no standard"
    states = ", ".join(f"{s.get('StandardsArn', '?').split('/', 1)[-1]}="
                       f"{s.get('StandardsStatus')}" for s in standards)
    return f"has Security Hub with no standard READY ({states})"


def analyzers(aws: AwsContext) -> list[dict[str, Any]]:
    """Every IAM Access Analyzer analyzer of the Region (all types)."""
    return aws.paginate("accessanalyzer", "list_analyzers").get("analyzers", [])


def access_analyzer_gap(found: list[dict[str, Any]]) -> str | None:
    """None if an ACCOUNT or ORGANIZATION (external access) analyzer is ACTIVE."""
    external = [a for a in found if a.get("type") in EXTERNAL_ACCESS_ANALYZER_TYPES]
    if any(a.get("status") == "ACTIVE" for a in external):
        return None
    if not external:
        others = ", ".join(f"{a.get('name')} ({a.get('type')})" for a in found)
        return "has no external-access analyzer" + (f" (only {others})" if others else "")
    states = ", ".join(f"{a.get('name')}={a.get('status')}" for a in external)
    return f"has no ACTIVE external-access analyzer ({states})"


def config_recorders(aws: AwsContext) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each configuration recorder with its status (``{}`` when none is reported)."""
    recorders = aws.read("config", "describe_configuration_recorders")\
        .get("ConfigurationRecorders", [])
    statuses = {s.get("name"): s for s in aws.read(
        "config", "describe_configuration_recorder_status").get("ConfigurationRecordersStatus", [])}
    return [(r, statuses.get(r.get("name"), {})) for r in recorders]


def recorder_gap(recorder: dict[str, Any], status: dict[str, Any]) -> str | None:
    """Why a recorder does not meet Security Hub Config.1, or ``None``.

    Recording, last delivery not FAILURE (Prowler), all supported resource types and the
    AWS Config service-linked role (Config.1's stricter parameters).
    """
    name = recorder.get("name")
    if not status.get("recording"):
        return f"recorder {name} is not recording"
    if status.get("lastStatus") == "FAILURE":
        return (f"recorder {name} last status FAILURE ({status.get('lastErrorCode', '')}: "
                f"{status.get('lastErrorMessage', '')})")
    group = recorder.get("recordingGroup") or {}
    if not group.get("allSupported"):
        strategy = (group.get("recordingStrategy") or {}).get("useOnly", "")
        kinds = group.get("resourceTypes") or []
        return (f"recorder {name} does not record all supported resource types "
                f"(allSupported=false, {strategy or 'no strategy'}, "
                f"{len(kinds)} resource type(s) listed)")
    role = recorder.get("roleARN", "")
    if role and not role.endswith(CONFIG_SERVICE_LINKED_ROLE):
        return f"recorder {name} uses {role}, not the AWS Config service-linked role"
    return None


def config_gap(recorders: list[tuple[dict[str, Any], dict[str, Any]]]) -> str | None:
    if not recorders:
        return "has no AWS Config configuration recorder"
    gaps = [recorder_gap(r, s) for r, s in recorders]
    if any(g is None for g in gaps):
        return None
    return "; ".join(g for g in gaps if g)
