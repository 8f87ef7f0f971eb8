"""CloudWatch (tip 1): log retention, and CIS metric-filter alarms on the trail's log group."""

import pytest

from pytest_awscompliance.facts.cloudtrail import qualifying_trails
from pytest_awscompliance.facts.logs import (
    CIS_PATTERNS,
    CIS_PATTERNS_BY_ID,
    cis_alarm_gap,
    log_group_of,
    recommended_filter,
    retention_gap,
)


@pytest.mark.severity("medium")
@pytest.mark.control(
    "cloudwatch-log-group-retention",
    title="Log groups keep logs for a minimum period (aws_log_retention_days, default 365)",
    frameworks={"aws-securityhub": "CloudWatch.16"},
    remediation="aws logs put-retention-policy --log-group-name <name> --retention-in-days 365",
)
def test_log_group_retention(log_group, aws_settings):
    minimum = aws_settings.tunable_int("aws_log_retention_days")
    gap = retention_gap(log_group.retention_days, minimum)
    assert gap is None, f"log group {log_group.name} {gap}"


def _pattern(pattern):
    return pytest.param(pattern.id, id=pattern.id, marks=pytest.mark.control(
        "cloudwatch-cis-metric-filter-alarm",
        title="A metric filter and alarm with a subscribed SNS topic watch each CIS "
        "monitoring pattern",
        frameworks=pattern.frameworks,
        remediation="aws logs put-metric-filter --log-group-name <trail-log-group> "
        "--filter-name <name> --metric-transformations metricName=<metric>,"
        "metricNamespace=CISBenchmark,metricValue=1 "
        f"--filter-pattern '{recommended_filter(pattern)}' && "
        "aws cloudwatch put-metric-alarm --alarm-name <name> --metric-name <metric> "
        "--namespace CISBenchmark --statistic Sum --period 300 --threshold 1 "
        "--comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 "
        "--alarm-actions <sns-topic-arn> (and confirm a subscription to the topic)",
    ))


@pytest.mark.severity("medium")
@pytest.mark.parametrize("pattern_id", [_pattern(p) for p in CIS_PATTERNS])
def test_cis_metric_filter_alarm(aws_account, pattern_id):
    """One test per CIS 4.x pattern; the control marker sits on each parameter, so each
    carries its own CIS and Security Hub number.

    The filter must sit on the log group of a multi-Region trail logging all management
    events, contain every clause of the CIS pattern (in any order), and feed an alarm
    whose SNS topic has a confirmed subscription (Prowler stops at "an alarm exists").
    """
    pattern = CIS_PATTERNS_BY_ID[pattern_id]
    good, _ = qualifying_trails(aws_account)
    groups = [log_group_of(t["CloudWatchLogsLogGroupArn"]) for t in good
              if t.get("CloudWatchLogsLogGroupArn")]
    assert groups, (
        f"account {aws_account.account_id}: no multi-Region trail logging all management "
        "events delivers to CloudWatch Logs"
    )
    own = [(region, name) for account, region, name in groups
           if account == aws_account.account_id]
    if not own:
        elsewhere = ", ".join(sorted({account for account, _, _ in groups}))
        pytest.skip(f"the trail log groups live in account {elsewhere}: evaluate it there")
    gap = cis_alarm_gap(aws_account, pattern, own)
    assert gap is None, (
        f"account {aws_account.account_id}: CIS {pattern.cis_v3} {pattern.title} not "
        f"monitored: {gap}"
    )
