"""The logging controls' plain rules, without moto: selectors, filter patterns, states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pytest_awscompliance.analysis.s3_policy import public_acl_grants
from pytest_awscompliance.facts.cloudtrail import (
    cloudwatch_delivery_gap,
    management_events_gap,
    s3_data_events_captured,
)
from pytest_awscompliance.facts.detective import (
    access_analyzer_gap,
    guardduty_gap,
    recorder_gap,
    securityhub_gap,
)
from pytest_awscompliance.facts.flow_logs import flow_log_gap
from pytest_awscompliance.facts.logs import (
    CIS_PATTERNS,
    CIS_PATTERNS_BY_ID,
    filter_clauses,
    missing_clauses,
    recommended_filter,
    retention_gap,
)

MANAGEMENT = {"Field": "eventCategory", "Equals": ["Management"]}


def advanced(*fields: dict) -> dict:
    return {"AdvancedEventSelectors": [{"Name": "any name", "FieldSelectors": list(fields)}]}


@pytest.mark.parametrize(("selectors", "gap"), [
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}, None),
    (advanced(MANAGEMENT), None),
    ({"EventSelectors": [], "AdvancedEventSelectors": []}, "no event selectors"),
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                          "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]},
     "ExcludeManagementEventSources=kms.amazonaws.com"),
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]},
     "IncludeManagementEvents=false"),
    (advanced(MANAGEMENT, {"Field": "readOnly", "Equals": ["false"]}), "narrowed by readOnly"),
    (advanced(MANAGEMENT, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}),
     "narrowed by eventSource"),
    (advanced({"Field": "eventCategory", "Equals": ["Management", "Data"]}),
     "narrowed by its eventCategory operators"),
])
def test_management_events(selectors: dict, gap: str | None) -> None:
    found = management_events_gap(selectors)
    assert found is None if gap is None else gap in str(found)


S3_OBJECTS = [{"Field": "eventCategory", "Equals": ["Data"]},
              {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]


@pytest.mark.parametrize(("selectors", "read", "write"), [
    ({"EventSelectors": [{"ReadWriteType": "ReadOnly", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::"]}]}]}, True, False),
    ({"EventSelectors": [{"ReadWriteType": "All", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::one-bucket/"]}]}]}, False, False),
    (advanced(*S3_OBJECTS), True, True),
    (advanced(*S3_OBJECTS, {"Field": "readOnly", "Equals": ["true"]}), True, False),
    (advanced(*S3_OBJECTS, {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::b/"]}),
     False, False),
    (advanced(*S3_OBJECTS, {"Field": "eventName", "Equals": ["PutObject"]}), False, False),
])
def test_s3_data_events(selectors: dict, read: bool, write: bool) -> None:
    assert s3_data_events_captured(selectors, "read", "aws") is read
    assert s3_data_events_captured(selectors, "write", "aws") is write


def test_cloudwatch_delivery_age() -> None:
    trail = {"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:1:log-group:g:*"}
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert cloudwatch_delivery_gap(
        trail, {"LatestCloudWatchLogsDeliveryTime": now - timedelta(hours=23)}, now) is None
    assert "1 d 1 h ago" in str(cloudwatch_delivery_gap(
        trail, {"LatestCloudWatchLogsDeliveryTime": now - timedelta(hours=25)}, now))
    assert "LatestCloudWatchLogsDeliveryError=AccessDenied" in str(cloudwatch_delivery_gap(
        trail, {"LatestCloudWatchLogsDeliveryError": "AccessDenied"}, now))
    assert "CloudWatchLogsLogGroupArn empty" in str(cloudwatch_delivery_gap({}, {}, now))


def test_public_grants() -> None:
    acl = {"Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"},
        {"Grantee": {"Type": "Group",
                     "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
         "Permission": "READ_ACP"}]}
    assert public_acl_grants(acl["Grants"]) == [("AuthenticatedUsers", "READ_ACP")]


def test_every_cis_pattern_matches_its_own_text_and_not_the_others() -> None:
    assert len(CIS_PATTERNS) == 15
    assert [p.cis_v3 for p in CIS_PATTERNS] == [f"4.{n}" for n in range(1, 16)]
    for pattern in CIS_PATTERNS:
        assert missing_clauses(pattern, recommended_filter(pattern)) == []
        others = [p for p in CIS_PATTERNS if p is not pattern]
        assert all(missing_clauses(o, recommended_filter(pattern)) for o in others)


def test_filter_clauses_ignore_order_spacing_and_quotes() -> None:
    root = CIS_PATTERNS_BY_ID["root-usage"]
    assert not missing_clauses(root, '{$.eventType!="AwsServiceEvent"&&'
                                     '$.userIdentity.invokedBy   NOT EXISTS && '
                                     '($.userIdentity.type = Root)}')
    assert missing_clauses(root, '{ $.userIdentity.type = "Root" }') == [
        ("$.userIdentity.invokedBy", "NOT EXISTS", ""),
        ("$.eventType", "!=", "AwsServiceEvent")]
    assert ("$.errorCode", "=", "*UnauthorizedOperation") in filter_clauses(
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }')


def test_retention() -> None:
    assert retention_gap(None, 365) is None
    assert retention_gap(365, 365) is None
    assert retention_gap(30, 365) == "retentionInDays=30 (needs >= 365 or never expire)"


def test_detective_states() -> None:
    assert guardduty_gap({"d1": "DISABLED", "d2": "ENABLED"}) is None
    assert securityhub_gap([{"StandardsArn": "arn:x/cis", "StandardsStatus": "READY"}]) is None
    assert "with no standard" in str(securityhub_gap([]))
    assert access_analyzer_gap([{"name": "a", "type": "ORGANIZATION", "status": "ACTIVE"}]) \
        is None
    assert "last status FAILURE (AccessDenied: no bucket)" in str(recorder_gap(
        {"name": "default", "recordingGroup": {"allSupported": True}},
        {"recording": True, "lastStatus": "FAILURE", "lastErrorCode": "AccessDenied",
         "lastErrorMessage": "no bucket"}))


def test_flow_log_states() -> None:
    good = {"FlowLogId": "fl-1", "FlowLogStatus": "ACTIVE", "TrafficType": "REJECT"}
    assert flow_log_gap([good]) is None
    assert "delivery=FAILED" in str(flow_log_gap([{**good, "DeliverLogsStatus": "FAILED"}]))
