"""CloudWatch controls: log-group retention and the 15 CIS metric-filter alarms."""

from __future__ import annotations

import pytest

from pytest_awscompliance.facts.logs import CIS_PATTERNS_BY_ID, recommended_filter
from tests.harness import FAILING, PASSING, REGION, MotoWorld, control_file, scan
from tests.stubs import deny

CONTROLS = "logging/test_cloudwatch.py"
LOG_GROUP = "cloudtrail-events"


def cis_id(account: str, pattern: str) -> str:
    return f"test_cis_metric_filter_alarm[{account}/global-{pattern}]"


def trail_to_cloudwatch(world: MotoWorld, account: str) -> None:
    world.client(account, "s3").create_bucket(Bucket=f"trail-{account}")
    world.client(account, "logs").create_log_group(logGroupName=LOG_GROUP)
    ct = world.client(account, "cloudtrail")
    ct.create_trail(Name="main", S3BucketName=f"trail-{account}", IsMultiRegionTrail=True,
                    CloudWatchLogsLogGroupArn=f"arn:aws:logs:{REGION}:{account}:log-group:"
                    f"{LOG_GROUP}:*",
                    CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/ct")
    ct.start_logging(Name="main")
    ct.put_event_selectors(TrailName="main", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])


def watch(world: MotoWorld, account: str, pattern_id: str, filter_pattern: str | None = None,
          *, topic: str | None = None, alarm: bool = True, actions_enabled: bool = True) -> None:
    """A metric filter for ``pattern_id`` and, if ``alarm``, an alarm notifying ``topic``."""
    metric = f"cis-{pattern_id}"
    world.client(account, "logs").put_metric_filter(
        logGroupName=LOG_GROUP, filterName=pattern_id,
        filterPattern=filter_pattern or recommended_filter(CIS_PATTERNS_BY_ID[pattern_id]),
        metricTransformations=[{"metricName": metric, "metricNamespace": "CIS",
                                "metricValue": "1"}])
    if alarm:
        world.client(account, "cloudwatch").put_metric_alarm(
            AlarmName=f"{pattern_id}-alarm", MetricName=metric, Namespace="CIS",
            Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold", ActionsEnabled=actions_enabled,
            AlarmActions=[topic] if topic else [])


def topic(world: MotoWorld, account: str, name: str, *, subscribed: bool) -> str:
    sns = world.client(account, "sns")
    arn = sns.create_topic(Name=name)["TopicArn"]
    if subscribed:
        sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="security@example.com")
    return arn


def test_log_group_retention(pytester: pytest.Pytester, world: MotoWorld) -> None:
    logs = world.client(PASSING, "logs")
    logs.create_log_group(logGroupName="never-expires")
    logs.create_log_group(logGroupName="kept-400-days")
    logs.put_retention_policy(logGroupName="kept-400-days", retentionInDays=400)
    world.client(FAILING, "logs").create_log_group(logGroupName="kept-30-days")
    world.client(FAILING, "logs").put_retention_policy(logGroupName="kept-30-days",
                                                        retentionInDays=30)
    result = scan(pytester, control_file(CONTROLS), args=["-k", "retention"])
    assert result.only(PASSING) == "passed"
    assert result.only(FAILING) == "failed"
    assert "kept-30-days retentionInDays=30 (needs >= 365" in result.message(FAILING)

    lenient = scan(pytester, control_file(CONTROLS), accounts=[FAILING],
                   args=["-k", "retention", "-o", "aws_log_retention_days=30"])
    assert lenient.only(FAILING) == "passed"


def test_cis_metric_filter_alarms(pytester: pytest.Pytester, world: MotoWorld) -> None:
    for account in (PASSING, FAILING):
        trail_to_cloudwatch(world, account)
    alerts = topic(world, PASSING, "security-alerts", subscribed=True)
    for pattern_id in CIS_PATTERNS_BY_ID:
        if pattern_id != "root-usage":
            watch(world, PASSING, pattern_id, topic=alerts)
    # clauses in another order, spacing and quoting: still the root-usage pattern
    watch(world, PASSING, "root-usage", '{$.eventType!=AwsServiceEvent && '
          '$.userIdentity.invokedBy NOT EXISTS&&$.userIdentity.type="Root"}', topic=alerts)

    silent = topic(world, FAILING, "nobody-listens", subscribed=False)
    fail_alerts = topic(world, FAILING, "alerts", subscribed=True)
    watch(world, FAILING, "root-usage", topic=silent)
    watch(world, FAILING, "iam-policy-changes", alarm=False)
    watch(world, FAILING, "cloudtrail-config-changes",
          '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || '
          '($.eventName = DeleteTrail) || ($.eventName = StartLogging) }', topic=fail_alerts)
    watch(world, FAILING, "console-auth-failures", topic=fail_alerts, actions_enabled=False)
    watch(world, FAILING, "vpc-changes", topic=None)
    watch(world, FAILING, "unauthorized-api-calls", topic=fail_alerts)

    result = scan(pytester, control_file(CONTROLS), args=["-k", "cis"])
    assert result.only(PASSING) == "passed"
    assert len(result.for_account(PASSING)) == 15
    outcomes = result.for_account(FAILING)
    assert outcomes.pop(cis_id(FAILING, "unauthorized-api-calls")) == "passed"
    assert set(outcomes.values()) == {"failed"}
    messages = result.messages
    assert "no confirmed subscription on arn:aws:sns:us-east-1:222222222222:nobody-listens" \
        in messages[cis_id(FAILING, "root-usage")]
    assert "CIS 4.3 usage of the root user not monitored" in messages[
        cis_id(FAILING, "root-usage")]
    assert "no alarm on metric CIS/cis-iam-policy-changes" in messages[
        cis_id(FAILING, "iam-policy-changes")]
    assert "lacks $.eventName = StopLogging" in messages[
        cis_id(FAILING, "cloudtrail-config-changes")]
    assert "actions disabled" in messages[cis_id(FAILING, "console-auth-failures")]
    assert "no SNS topic in AlarmActions" in messages[cis_id(FAILING, "vpc-changes")]
    assert f"no metric filter on {LOG_GROUP} matches" in messages[
        cis_id(FAILING, "organizations-changes")]

    props = dict(next(r for r in result.reports if r.nodeid.endswith(
        cis_id(PASSING, "root-usage")) and r.when == "call").user_properties)
    assert props["control_id"] == "cloudwatch-cis-metric-filter-alarm"
    assert props["frameworks"] == "aws-securityhub:CloudWatch.1 cis-aws-3.0:4.3 cis-aws-7.0:5.3"


def test_cis_alarms_without_cloudwatch_trail(pytester: pytest.Pytester,
                                             world: MotoWorld) -> None:
    result = scan(pytester, control_file(CONTROLS), accounts=[FAILING],
                  args=["-k", "cis and root"])
    assert result.only(FAILING) == "failed"
    assert "delivers to CloudWatch Logs" in result.message(FAILING)


@pytest.mark.parametrize(("service", "operation", "action"), [
    ("logs", "DescribeLogGroups", "logs:DescribeLogGroups"),
    ("cloudwatch", "DescribeAlarms", "cloudwatch:DescribeAlarms"),
    ("sns", "ListSubscriptionsByTopic", "sns:ListSubscriptionsByTopic"),
])
def test_access_denied_is_an_error(pytester: pytest.Pytester, world: MotoWorld,
                                   monkeypatch: pytest.MonkeyPatch, service: str,
                                   operation: str, action: str) -> None:
    trail_to_cloudwatch(world, FAILING)
    watch(world, FAILING, "root-usage", topic=topic(world, FAILING, "t", subscribed=True))
    world.client(FAILING, "logs").create_log_group(logGroupName="app")
    deny(monkeypatch, service, operation, "AccessDenied" if service != "logs"
         else "AccessDeniedException")
    test = "retention" if operation == "DescribeLogGroups" else "cis and root"
    result = scan(pytester, control_file(CONTROLS), accounts=[FAILING], args=["-k", test])
    assert result.only(FAILING) == "error"
    assert f"missing permission {action}" in result.message(FAILING)
