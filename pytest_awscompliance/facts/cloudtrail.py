"""CloudTrail facts: trails, their status and event selectors, and the plain rules judging them.

Raw trail items are the dicts ``DescribeTrails`` returns. Account-wide controls look at the
trails visible from the account's home region with ``includeShadowTrails=True``: that is
every multi-Region trail of the account and every organization trail that covers it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.inventory.cloudtrail import all_trails
from pytest_awscompliance.inventory.s3 import listed_bucket
from pytest_awscompliance.model.errors import AwsApiError
from pytest_awscompliance.model.resources import Bucket

CLOUDWATCH_DELIVERY_MAX_AGE = timedelta(hours=24)
"""Prowler's threshold: CloudWatch Logs delivery older than this counts as broken."""

S3_OBJECT = "AWS::S3::Object"
DATA_ACCESS = {"read": ("All", "ReadOnly"), "write": ("All", "WriteOnly")}
"""Classic ``ReadWriteType`` values that capture read or write data events."""
ADVANCED_READ_ONLY = {"read": "true", "write": "false"}
"""The advanced-selector ``readOnly`` value of each kind of data event."""


def visible_trails(aws: AwsContext) -> list[dict[str, Any]]:
    """Trails seen from ``aws``'s API region, shadow and organization trails included."""
    return all_trails(aws)


def trail_account(trail: dict[str, Any]) -> str:
    """The account that owns the trail (an organization trail: the management account)."""
    return str(trail["TrailARN"]).split(":")[4]


def trail_home(trail: dict[str, Any]) -> str:
    return str(trail.get("HomeRegion") or str(trail["TrailARN"]).split(":")[3])


def trail_status(aws: AwsContext, trail: dict[str, Any]) -> dict[str, Any]:
    """``GetTrailStatus`` of a trail, asked in its home region."""
    return aws.read("cloudtrail", "get_trail_status", region=trail_home(trail),
                    Name=trail["TrailARN"])


def event_selectors(aws: AwsContext, trail: dict[str, Any]) -> dict[str, Any]:
    """``GetEventSelectors`` of a trail, asked in its home region."""
    return aws.read("cloudtrail", "get_event_selectors", region=trail_home(trail),
                    TrailName=trail["TrailARN"])


def _fields(selector: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["Field"]: f for f in selector.get("FieldSelectors", [])}


def _equals_only(field: dict[str, Any] | None, value: str) -> bool:
    """An advanced field selector that is exactly ``Equals [value]`` and nothing else."""
    if field is None:
        return False
    operators = {k for k, v in field.items() if k != "Field" and v}
    return operators == {"Equals"} and list(field["Equals"]) == [value]


def management_events_gap(selectors: dict[str, Any]) -> str | None:
    """Why the selectors miss some management events, or ``None`` if they capture all.

    Classic: a selector with ``IncludeManagementEvents``, ``ReadWriteType=All`` and no
    excluded event source. Advanced: a selector whose only field is
    ``eventCategory Equals [Management]`` (a ``readOnly``, ``eventSource`` or other field
    narrows it). Matching on the fields, not on the selector's name as Prowler does.
    """
    classic = selectors.get("EventSelectors") or []
    advanced = selectors.get("AdvancedEventSelectors") or []
    for selector in classic:
        if (selector.get("IncludeManagementEvents") and selector.get("ReadWriteType") == "All"
                and not selector.get("ExcludeManagementEventSources")):
            return None
    for selector in advanced:
        fields = _fields(selector)
        if set(fields) == {"eventCategory"} and _equals_only(fields["eventCategory"],
                                                              "Management"):
            return None
    if not classic and not advanced:
        return "no event selectors"
    parts = []
    for selector in classic:
        if not selector.get("IncludeManagementEvents"):
            parts.append("IncludeManagementEvents=false")
        else:
            parts.append(f"ReadWriteType={selector.get('ReadWriteType')}")
            if selector.get("ExcludeManagementEventSources"):
                parts.append("ExcludeManagementEventSources="
                             f"{','.join(selector['ExcludeManagementEventSources'])}")
    for selector in advanced:
        fields = _fields(selector)
        if "eventCategory" in fields and "Management" in fields["eventCategory"].get(
                "Equals", []):
            narrowing = sorted(set(fields) - {"eventCategory"})
            parts.append(f"advanced selector {selector.get('Name', '')!r} narrowed by "
                         f"{', '.join(narrowing) or 'its eventCategory operators'}")
    return "management events not fully captured (" + ("; ".join(parts) or
                                                       "no management selector") + ")"


def _all_buckets_values(partition: str) -> set[str]:
    return {f"arn:{partition}:s3", f"arn:{partition}:s3:::"}


def s3_data_events_captured(selectors: dict[str, Any], access: str, partition: str) -> bool:
    """Do the selectors log ``access`` ("read" or "write") S3 object events of every bucket?

    Classic: a ``DataResources`` entry of type ``AWS::S3::Object`` whose values hold the
    all-buckets ARN, in a selector with a compatible ``ReadWriteType``. Advanced: a
    selector with ``eventCategory=Data``, ``resources.type=AWS::S3::Object``, a compatible
    or absent ``readOnly``, and no other field (``resources.ARN``, ``eventName``, ... narrow it).
    """
    everything = _all_buckets_values(partition)
    for selector in selectors.get("EventSelectors") or []:
        if selector.get("ReadWriteType", "All") not in DATA_ACCESS[access]:
            continue
        for resource in selector.get("DataResources") or []:
            if resource.get("Type") == S3_OBJECT and everything & set(resource.get("Values", [])):
                return True
    for selector in selectors.get("AdvancedEventSelectors") or []:
        fields = _fields(selector)
        if set(fields) - {"eventCategory", "resources.type", "readOnly"}:
            continue
        if not (_equals_only(fields.get("eventCategory"), "Data")
                and _equals_only(fields.get("resources.type"), S3_OBJECT)):
            continue
        if "readOnly" not in fields or _equals_only(fields["readOnly"],
                                                    ADVANCED_READ_ONLY[access]):
            return True
    return False


def multi_region_trails(aws: AwsContext) -> list[dict[str, Any]]:
    """The multi-Region trails covering the account (its own and organization trails)."""
    return [t for t in visible_trails(aws) if t.get("IsMultiRegionTrail")]


def trail_gap(aws: AwsContext, trail: dict[str, Any]) -> str | None:
    """Why a multi-Region trail does not log all management events, or ``None``."""
    if not trail_status(aws, trail).get("IsLogging"):
        return "not logging (IsLogging=false)"
    return management_events_gap(event_selectors(aws, trail))


def qualifying_trails(aws: AwsContext) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Multi-Region trails logging all management events, and why each other one is not."""
    good: list[dict[str, Any]] = []
    gaps: dict[str, str] = {}
    trails = multi_region_trails(aws)
    aws.warm("cloudtrail", "get_trail_status",
             [(trail_home(t), {"Name": t["TrailARN"]}) for t in trails])
    aws.warm("cloudtrail", "get_event_selectors",
             [(trail_home(t), {"TrailName": t["TrailARN"]}) for t in trails
              if _is_logging(aws, t)])
    for trail in trails:
        gap = trail_gap(aws, trail)
        if gap is None:
            good.append(trail)
        else:
            gaps[trail["Name"]] = gap
    return good, gaps


def _is_logging(aws: AwsContext, trail: dict[str, Any]) -> bool:
    try:
        return bool(trail_status(aws, trail).get("IsLogging"))
    except AwsApiError:
        return True  # let trail_gap raise it where the control reads it


def logging_multi_region_trails(aws: AwsContext) -> list[dict[str, Any]]:
    """Multi-Region trails that are logging (whatever their management selectors)."""
    return [t for t in multi_region_trails(aws) if trail_status(aws, t).get("IsLogging")]


def cloudwatch_delivery_gap(trail: dict[str, Any], status: dict[str, Any],
                            now: datetime | None = None) -> str | None:
    """Why a trail does not deliver to CloudWatch Logs (within 24 h), or ``None``."""
    if not trail.get("CloudWatchLogsLogGroupArn"):
        return "has no CloudWatch Logs log group (CloudWatchLogsLogGroupArn empty)"
    latest = status.get("LatestCloudWatchLogsDeliveryTime")
    error = status.get("LatestCloudWatchLogsDeliveryError")
    suffix = f" (LatestCloudWatchLogsDeliveryError={error})" if error else ""
    if not isinstance(latest, datetime):
        return "has never delivered to CloudWatch Logs (no LatestCloudWatchLogsDeliveryTime)" \
            + suffix
    now = now or datetime.now(UTC)
    if latest.tzinfo is None:
        latest = latest.replace(tzinfo=UTC)
    age = now - latest
    if age > CLOUDWATCH_DELIVERY_MAX_AGE:
        return (f"last delivered to CloudWatch Logs {age.days} d {age.seconds // 3600} h ago "
                f"(LatestCloudWatchLogsDeliveryTime={latest.isoformat()}, limit 24 h)" + suffix)
    return None


# --- the trail's S3 bucket -------------------------------------------------------------

def _listed_buckets(aws: AwsContext) -> list[dict[str, Any]]:
    """The account's ``ListBuckets`` items, asked in its home region."""
    listed = aws.paginate("s3", "list_buckets", region=aws.runtime.home_region(aws.account_id))
    return list(listed.get("Buckets", []))


def owned_buckets(aws: AwsContext) -> set[str]:
    """Names of the buckets the account owns (``ListBuckets``, asked in the home region)."""
    return {b["Name"] for b in _listed_buckets(aws)}


def owned_bucket(aws: AwsContext, name: str) -> Bucket | None:
    """The account's bucket ``name``, or ``None`` when the account does not own it."""
    for item in _listed_buckets(aws):
        if item["Name"] == name:
            return listed_bucket(aws, item)
    return None


def bucket_access_logging_target(aws: AwsContext, bucket: Bucket) -> str | None:
    """The server access logging target bucket, or ``None`` when logging is off."""
    answer = aws.read("s3", "get_bucket_logging", region=bucket.region, Bucket=bucket.name)
    return (answer.get("LoggingEnabled") or {}).get("TargetBucket")


# --- where the logs land ---------------------------------------------------------------

def bucket_owned_by(aws: AwsContext, bucket: str, account: str) -> bool:
    """Whether ``HeadBucket(ExpectedBucketOwner=account)`` succeeds.

    S3 answers 403 both when another account owns the bucket and when the scanner may not
    read it, so ``False`` means "not confirmed", not "owned by someone else".
    """
    answer = aws.read("s3", "head_bucket", Bucket=bucket, ExpectedBucketOwner=account,
                      missing_ok=("403", "404"))
    return answer is not None


def log_destination_gap(aws: AwsContext, trails: Iterable[dict[str, Any]],
                        archive_accounts: Iterable[str]) -> str | None:
    """Why none of ``trails`` delivers to an independent account, or ``None`` if one does.

    Independent: an organization trail owned by another account, or a bucket this account
    does not own. With ``archive_accounts`` set, the bucket must also be confirmed (by
    ``HeadBucket`` with ``ExpectedBucketOwner``) to belong to one of them.
    """
    archive = [a for a in archive_accounts if a]
    own = owned_buckets(aws)
    problems = []
    for trail in trails:
        bucket = trail.get("S3BucketName", "")
        org_elsewhere = trail.get("IsOrganizationTrail") and trail_account(trail) != aws.account_id
        if not org_elsewhere and bucket in own:
            problems.append(f"{trail['Name']} delivers to {bucket}, a bucket of this account")
            continue
        if not archive:
            return None
        if any(bucket_owned_by(aws, bucket, account) for account in archive):
            return None
        problems.append(f"{trail['Name']} delivers to {bucket}, not confirmed to belong to a "
                        f"log-archive account ({', '.join(archive)}; HeadBucket with "
                        "ExpectedBucketOwner refused)")
    return "; ".join(problems) or "no trail"
