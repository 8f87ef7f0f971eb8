"""CloudTrail controls against a well-configured account (PASSING) and a neglected one (FAILING).

moto never reports ``LatestCloudWatchLogsDeliveryTime`` and shows an organization trail only
to its owner, so those parts are answered by ``tests.stubs.answer``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.harness import (
    CALLER,
    FAILING,
    PASSING,
    REGION,
    MotoWorld,
    ScanResult,
    control_file,
    scan,
)
from tests.stubs import Refused, answer, deny

CONTROLS = "logging/test_cloudtrail.py"
ALL_MANAGEMENT = [{"ReadWriteType": "All", "IncludeManagementEvents": True}]


def outcome(result: ScanResult, test: str, account: str) -> str:
    """The outcome of one control function for one account (all its items must agree)."""
    found = {v for k, v in result.outcomes.items() if k.startswith(f"{test}[{account}/")}
    assert len(found) == 1, (test, account, result.outcomes)
    return found.pop()


def message(result: ScanResult, test: str, account: str) -> str:
    return " | ".join(v for k, v in sorted(result.messages.items())
                      if k.startswith(f"{test}[{account}/"))


def bucket(world: MotoWorld, account: str, name: str, *, acl: str = "private",
           log_to: str | None = None) -> None:
    s3 = world.client(account, "s3")
    s3.create_bucket(Bucket=name, ACL=acl)
    if log_to:
        s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": log_to, "TargetPrefix": f"{name}/"}})


def trail(world: MotoWorld, account: str, name: str, bucket_name: str, *,
          selectors: dict[str, Any] | None = None, logging: bool = True,
          **options: Any) -> str:
    ct = world.client(account, "cloudtrail")
    arn = ct.create_trail(Name=name, S3BucketName=bucket_name, **options)["TrailARN"]
    if logging:
        ct.start_logging(Name=name)
    ct.put_event_selectors(TrailName=name, **(selectors or {"EventSelectors": ALL_MANAGEMENT}))
    return arn


def cloudwatch_delivery(world: MotoWorld, monkeypatch: pytest.MonkeyPatch,
                        delivered: dict[str, timedelta]) -> None:
    """GetTrailStatus answered by moto, plus a delivery time ``delivered[arn]`` ago."""

    def status(account: str, region: str, request: dict[str, Any]) -> dict[str, Any]:
        name = request["Name"]
        answer = world.client(account, "cloudtrail", region).get_trail_status(Name=name)
        answer.pop("ResponseMetadata", None)
        if name in delivered:
            answer["LatestCloudWatchLogsDeliveryTime"] = datetime.now(UTC) - delivered[name]
        return answer

    answer(monkeypatch, "cloudtrail", "GetTrailStatus", status)


@pytest.fixture
def estate(world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """PASSING: a complete trail plus one to a central bucket; FAILING: neglected trails."""
    key = world.client(PASSING, "kms").create_key()["KeyMetadata"]["Arn"]
    bucket(world, PASSING, "pass-access-logs", acl="log-delivery-write")
    bucket(world, PASSING, "pass-trail-logs", log_to="pass-access-logs")
    bucket(world, CALLER, "central-trail-archive")
    good = trail(world, PASSING, "good-trail", "pass-trail-logs", IsMultiRegionTrail=True,
                 EnableLogFileValidation=True, KmsKeyId=key,
                 CloudWatchLogsLogGroupArn=f"arn:aws:logs:{REGION}:{PASSING}:log-group:ct:*",
                 CloudWatchLogsRoleArn=f"arn:aws:iam::{PASSING}:role/ct-logs",
                 selectors={"EventSelectors": [{
                     "ReadWriteType": "All", "IncludeManagementEvents": True,
                     "DataResources": [{"Type": "AWS::S3::Object",
                                        "Values": ["arn:aws:s3"]}]}]})
    trail(world, PASSING, "archive-trail", "central-trail-archive", IsMultiRegionTrail=True,
          EnableLogFileValidation=True, KmsKeyId=key,
          CloudWatchLogsLogGroupArn=f"arn:aws:logs:{REGION}:{PASSING}:log-group:ct2:*",
          CloudWatchLogsRoleArn=f"arn:aws:iam::{PASSING}:role/ct-logs",
          selectors={"AdvancedEventSelectors": [
              {"Name": "all management",
               "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]})

    bucket(world, FAILING, "fail-trail-logs", acl="public-read")
    bad = trail(world, FAILING, "write-only-trail", "fail-trail-logs", IsMultiRegionTrail=True,
                CloudWatchLogsLogGroupArn=f"arn:aws:logs:{REGION}:{FAILING}:log-group:ct:*",
                CloudWatchLogsRoleArn=f"arn:aws:iam::{FAILING}:role/ct-logs",
                selectors={"EventSelectors": [
                    {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True,
                     "DataResources": [{"Type": "AWS::S3::Object",
                                        "Values": ["arn:aws:s3:::one-bucket/"]}]}]})
    trail(world, FAILING, "stopped-trail", "fail-trail-logs", IsMultiRegionTrail=True,
          logging=False)
    cloudwatch_delivery(world, monkeypatch, {good: timedelta(minutes=5),
                                             f"arn:aws:cloudtrail:{REGION}:{PASSING}:trail/"
                                             "archive-trail": timedelta(hours=2),
                                             bad: timedelta(days=3)})
    return {"good": good, "bad": bad}


def test_cloudtrail_controls(pytester: pytest.Pytester, estate: dict[str, str]) -> None:
    result = scan(pytester, control_file(CONTROLS))

    for test in ("test_multi_region_trail_logging", "test_trail_logs_in_dedicated_account"):
        assert outcome(result, test, PASSING) == "passed", message(result, test, PASSING)
        assert outcome(result, test, FAILING) == "failed"
    assert "write-only-trail: management events not fully captured (ReadWriteType=WriteOnly)" \
        in message(result, "test_multi_region_trail_logging", FAILING)
    assert "stopped-trail: not logging" in message(result, "test_multi_region_trail_logging",
                                                   FAILING)

    for test in ("test_trail_log_file_validation", "test_trail_kms_encryption",
                 "test_trail_cloudwatch_logs_delivery"):
        assert outcome(result, test, PASSING) == "passed", message(result, test, PASSING)
        assert outcome(result, test, FAILING) == "failed"
    assert "LogFileValidationEnabled=false" in message(
        result, "test_trail_log_file_validation", FAILING)
    delivery = message(result, "test_trail_cloudwatch_logs_delivery", FAILING)
    assert "write-only-trail last delivered to CloudWatch Logs 3 d" in delivery
    assert "stopped-trail has no CloudWatch Logs log group" in delivery

    for test in ("test_trail_bucket_not_public", "test_trail_bucket_access_logging"):
        assert result.outcomes[f"{test}[{PASSING}/{REGION}/good-trail]"] == "passed"
        assert result.outcomes[f"{test}[{PASSING}/{REGION}/archive-trail]"] == "skipped"
        assert outcome(result, test, FAILING) == "failed"
    assert "ACL grants public LIST (AllUsers READ)" in message(
        result, "test_trail_bucket_not_public", FAILING)

    assert result.outcomes[f"test_s3_object_level_logging[{PASSING}/global-write]"] == "passed"
    assert result.outcomes[f"test_s3_object_level_logging[{PASSING}/global-read]"] == "passed"
    assert outcome(result, "test_s3_object_level_logging", FAILING) == "failed"


def test_selector_variants_and_archive_option(pytester: pytest.Pytester, world: MotoWorld,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Advanced S3 selectors (write only) and the aws_log_archive_accounts option.

    moto ignores ``ExpectedBucketOwner``, so HeadBucket is answered as S3 would: 200 only
    for ``archive-owned`` asked with the archive account, 403 otherwise.
    """
    for name in ("archive-owned", "elsewhere-owned"):
        bucket(world, CALLER, name)
    bucket(world, FAILING, "self-owned")
    advanced = {"AdvancedEventSelectors": [
        {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
        {"Name": "s3 writes",
         "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                            {"Field": "readOnly", "Equals": ["false"]}]}]}
    trail(world, PASSING, "main", "archive-owned", IsMultiRegionTrail=True, selectors=advanced)
    trail(world, FAILING, "main", "self-owned", IsMultiRegionTrail=True, selectors=advanced)
    trail(world, FAILING, "second", "elsewhere-owned", IsMultiRegionTrail=True)

    def head_bucket(account: str, region: str, request: dict[str, Any]) -> dict[str, Any]:
        if request == {"Bucket": "archive-owned", "ExpectedBucketOwner": CALLER}:
            return {}
        raise Refused("403")

    answer(monkeypatch, "s3", "HeadBucket", head_bucket)
    result = scan(pytester, control_file(CONTROLS),
                  args=["-k", "dedicated_account or object_level",
                        "-o", f"aws_log_archive_accounts={CALLER}"])
    assert result.outcomes[f"test_s3_object_level_logging[{PASSING}/global-write]"] == "passed"
    assert result.outcomes[f"test_s3_object_level_logging[{PASSING}/global-read]"] == "failed"
    assert outcome(result, "test_trail_logs_in_dedicated_account", PASSING) == "passed"
    dedicated = message(result, "test_trail_logs_in_dedicated_account", FAILING)
    assert "main delivers to self-owned, a bucket of this account" in dedicated
    assert f"second delivers to elsewhere-owned, not confirmed to belong to a log-archive " \
        f"account ({CALLER}" in dedicated


def test_no_trail_at_all(pytester: pytest.Pytester, world: MotoWorld) -> None:
    result = scan(pytester, control_file(CONTROLS), accounts=[FAILING],
                  args=["-k", "multi_region or dedicated"])
    assert result.only(FAILING) == "failed"
    assert "multi-Region trails: none" in result.message(FAILING)


def test_cloudtrail_access_denied_is_an_error(pytester: pytest.Pytester, world: MotoWorld,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    deny(monkeypatch, "cloudtrail", "DescribeTrails", "AccessDeniedException")
    result = scan(pytester, control_file(CONTROLS), accounts=[FAILING],
                  args=["-k", "multi_region"])
    assert result.only(FAILING) == "error"
    assert "cloudtrail:DescribeTrails" in result.message(FAILING)
    assert "AccessDeniedException" in result.message(FAILING)


def test_organization_trail_seen_from_a_member(pytester: pytest.Pytester, world: MotoWorld,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """moto hides organization trails from members: DescribeTrails and friends answer as
    AWS does for a member whose logs the management account's organization trail carries
    (here into a bucket of the member itself, as in the log-archive account)."""
    bucket(world, PASSING, "org-archive")
    org_trail = {"Name": "org-trail", "S3BucketName": "org-archive", "HomeRegion": REGION,
                 "TrailARN": f"arn:aws:cloudtrail:{REGION}:{CALLER}:trail/org-trail",
                 "IsMultiRegionTrail": True, "IsOrganizationTrail": True,
                 "LogFileValidationEnabled": True}
    answer(monkeypatch, "cloudtrail", "DescribeTrails", {"trailList": [org_trail]})
    answer(monkeypatch, "cloudtrail", "GetTrailStatus", {"IsLogging": True})
    answer(monkeypatch, "cloudtrail", "GetEventSelectors", {"EventSelectors": ALL_MANAGEMENT})
    result = scan(pytester, control_file(CONTROLS), accounts=[PASSING],
                  args=["-k", "multi_region or dedicated or validation"])
    assert result.only(PASSING) == "passed"
    assert set(result.for_account(PASSING)) == {
        f"test_multi_region_trail_logging[{PASSING}/global]",
        f"test_trail_logs_in_dedicated_account[{PASSING}/global]"}  # not this account's trail
