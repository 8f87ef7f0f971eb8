"""CloudWatch Logs facts: retention, and the CIS metric filters with their alarms and topics.

The 15 CIS patterns are data (``CIS_PATTERNS``): each lists the clauses a metric filter must
contain. Matching is order-, spacing- and quoting-independent, like Prowler's one regex
lookahead per clause; it does not check how the clauses are combined with ``&&``/``||``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pytest_awscompliance.engine.context import AwsContext

Clause = tuple[str, str, str]
"""``(selector, operator, value)``, e.g. ``("$.eventName", "=", "StopLogging")``."""


@dataclass(frozen=True)
class MetricFilterPattern:
    """One CIS "ensure a log metric filter and alarm exist for ..." recommendation."""

    id: str
    title: str
    cis_v3: str
    cis_v7: str
    securityhub: str | None
    clauses: tuple[Clause, ...]

    @property
    def frameworks(self) -> dict[str, str]:
        mapped = {"cis-aws-3.0": self.cis_v3, "cis-aws-7.0": self.cis_v7}
        if self.securityhub:
            mapped["aws-securityhub"] = self.securityhub
        return mapped


def _events(*names: str) -> tuple[Clause, ...]:
    return tuple(("$.eventName", "=", name) for name in names)


def _source(service: str) -> tuple[Clause, ...]:
    return (("$.eventSource", "=", f"{service}.amazonaws.com"),)


CIS_PATTERNS: tuple[MetricFilterPattern, ...] = (
    MetricFilterPattern(
        "unauthorized-api-calls", "unauthorized API calls", "4.1", "5.1", "CloudWatch.2",
        (("$.errorCode", "=", "*UnauthorizedOperation"), ("$.errorCode", "=", "AccessDenied*"))),
    MetricFilterPattern(
        "console-signin-no-mfa", "console sign-in without MFA", "4.2", "5.2", "CloudWatch.3",
        (("$.eventName", "=", "ConsoleLogin"), ("$.additionalEventData.MFAUsed", "!=", "Yes"))),
    MetricFilterPattern(
        "root-usage", "usage of the root user", "4.3", "5.3", "CloudWatch.1",
        (("$.userIdentity.type", "=", "Root"), ("$.userIdentity.invokedBy", "NOT EXISTS", ""),
         ("$.eventType", "!=", "AwsServiceEvent"))),
    MetricFilterPattern(
        "iam-policy-changes", "IAM policy changes", "4.4", "5.4", "CloudWatch.4",
        _events("DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy",
                "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy",
                "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy",
                "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy",
                "DetachGroupPolicy")),
    MetricFilterPattern(
        "cloudtrail-config-changes", "CloudTrail configuration changes", "4.5", "5.5",
        "CloudWatch.5",
        _events("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")),
    MetricFilterPattern(
        "console-auth-failures", "console authentication failures", "4.6", "5.6",
        "CloudWatch.6",
        (("$.eventName", "=", "ConsoleLogin"), ("$.errorMessage", "=", "Failed authentication"))),
    MetricFilterPattern(
        "kms-cmk-disable", "disabling or scheduled deletion of customer-managed KMS keys",
        "4.7", "5.7", "CloudWatch.7",
        _source("kms") + _events("DisableKey", "ScheduleKeyDeletion")),
    MetricFilterPattern(
        "s3-bucket-policy-changes", "S3 bucket policy changes", "4.8", "5.8", "CloudWatch.8",
        _source("s3") + _events("PutBucketAcl", "PutBucketPolicy", "PutBucketCors",
                                "PutBucketLifecycle", "PutBucketReplication",
                                "DeleteBucketPolicy", "DeleteBucketCors",
                                "DeleteBucketLifecycle", "DeleteBucketReplication")),
    MetricFilterPattern(
        "config-changes", "AWS Config configuration changes", "4.9", "5.9", "CloudWatch.9",
        _source("config") + _events("StopConfigurationRecorder", "DeleteDeliveryChannel",
                                    "PutDeliveryChannel", "PutConfigurationRecorder")),
    MetricFilterPattern(
        "security-group-changes", "security group changes", "4.10", "5.10", "CloudWatch.10",
        _events("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
                "CreateSecurityGroup", "DeleteSecurityGroup")),
    MetricFilterPattern(
        "nacl-changes", "network ACL changes", "4.11", "5.11", "CloudWatch.11",
        _events("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry",
                "ReplaceNetworkAclAssociation")),
    MetricFilterPattern(
        "network-gateway-changes", "network gateway changes", "4.12", "5.12", "CloudWatch.12",
        _events("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway")),
    MetricFilterPattern(
        "route-table-changes", "route table changes", "4.13", "5.13", "CloudWatch.13",
        _source("ec2") + _events("CreateRoute", "CreateRouteTable", "ReplaceRoute",
                                 "ReplaceRouteTableAssociation", "DeleteRouteTable",
                                 "DeleteRoute", "DisassociateRouteTable")),
    MetricFilterPattern(
        "vpc-changes", "VPC changes", "4.14", "5.14", "CloudWatch.14",
        _events("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection",
                "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
                "DisableVpcClassicLink", "EnableVpcClassicLink")),
    MetricFilterPattern(
        "organizations-changes", "AWS Organizations changes", "4.15", "5.15", None,
        _source("organizations") + _events(
            "AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit",
            "CreatePolicy", "DeclineHandshake", "DeleteOrganization",
            "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy", "DisablePolicyType",
            "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization",
            "MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy",
            "UpdateOrganizationalUnit")),
)

CIS_PATTERNS_BY_ID = {p.id: p for p in CIS_PATTERNS}

_CLAUSE = re.compile(
    r"""(\$\.[\w.\[\]-]+)\s*            # selector
        (?:(!=|=)\s*("[^"]*"|[^\s)|&"]+)  # operator and (quoted) value
        |(NOT\s+EXISTS|IS\s+NULL|EXISTS))""",
    re.VERBOSE | re.IGNORECASE,
)


def filter_clauses(filter_pattern: str) -> set[Clause]:
    """The ``$.field op value`` clauses of a JSON metric filter pattern, normalized."""
    found: set[Clause] = set()
    for selector, operator, value, keyword in _CLAUSE.findall(filter_pattern or ""):
        if keyword:
            found.add((selector, " ".join(keyword.upper().split()), ""))
        else:
            found.add((selector, operator, value.strip('"')))
    return found


def missing_clauses(pattern: MetricFilterPattern, filter_pattern: str) -> list[Clause]:
    """The clauses of ``pattern`` that ``filter_pattern`` lacks (empty: it matches)."""
    have = filter_clauses(filter_pattern)
    return [c for c in pattern.clauses if c not in have]


def format_clause(clause: Clause) -> str:
    selector, operator, value = clause
    return f"{selector} {operator} {value}".strip()


def recommended_filter(pattern: MetricFilterPattern) -> str:
    """The CIS filter pattern text: clauses on one selector ORed, selectors ANDed."""
    groups: dict[str, list[str]] = {}
    for selector, operator, value in pattern.clauses:
        text = f"{selector} {operator}" if not value else f'{selector} {operator} "{value}"'
        groups.setdefault(selector, []).append(f"({text})")
    parts = [g[0] if len(g) == 1 else "(" + " || ".join(g) + ")" for g in groups.values()]
    return "{ " + " && ".join(parts) + " }"


def log_group_of(arn: str) -> tuple[str, str, str]:
    """``arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]`` -> (account, region, name)."""
    parts = arn.split(":")
    return parts[4], parts[3], parts[6]


def metric_filters(aws: AwsContext, region: str, log_group: str) -> list[dict[str, Any]]:
    return aws.paginate("logs", "describe_metric_filters", region=region,
                        logGroupName=log_group).get("metricFilters", [])


def metric_alarms(aws: AwsContext, region: str) -> list[dict[str, Any]]:
    return aws.paginate("cloudwatch", "describe_alarms", region=region).get("MetricAlarms", [])


def confirmed_subscriptions(aws: AwsContext, topic_arn: str) -> list[str]:
    """Subscription ARNs of a topic that are confirmed (not ``PendingConfirmation``)."""
    answer = aws.paginate("sns", "list_subscriptions_by_topic", region=topic_arn.split(":")[3],
                          TopicArn=topic_arn)
    return [s["SubscriptionArn"] for s in answer.get("Subscriptions", [])
            if str(s.get("SubscriptionArn", "")).startswith("arn:")]


def alarms_on(alarms: Iterable[dict[str, Any]], transformation: dict[str, Any]
               ) -> list[dict[str, Any]]:
    """The alarms watching the metric a metric filter's transformation publishes."""
    return [a for a in alarms if a.get("MetricName") == transformation.get("metricName")
            and a.get("Namespace") == transformation.get("metricNamespace")]


def alarm_gap(aws: AwsContext, alarm: dict[str, Any]) -> str | None:
    """Why an alarm notifies nobody, or ``None`` if it has an SNS topic with a subscriber."""
    name = alarm.get("AlarmName")
    if not alarm.get("ActionsEnabled", True):
        return f"alarm {name} has its actions disabled"
    topics = [a for a in alarm.get("AlarmActions", []) if a.split(":")[2:3] == ["sns"]]
    if not topics:
        return f"alarm {name} has no SNS topic in AlarmActions"
    for topic in topics:
        if confirmed_subscriptions(aws, topic):
            return None
    return f"alarm {name}: no confirmed subscription on {', '.join(topics)}"


def cis_alarm_gap(aws: AwsContext, pattern: MetricFilterPattern,
                  log_groups: Iterable[tuple[str, str]]) -> str | None:
    """Why ``pattern`` is not monitored on any of ``log_groups`` ((region, name) pairs).

    Monitored: a metric filter containing every clause, an alarm on its metric, and an SNS
    action with at least one confirmed subscription. The reason names the closest attempt.
    """
    reasons: list[str] = []
    closest: list[tuple[int, str]] = []
    for region, group in log_groups:
        matching = []
        for metric_filter in metric_filters(aws, region, group):
            missing = missing_clauses(pattern, metric_filter.get("filterPattern", ""))
            if not missing:
                matching.append(metric_filter)
            elif len(missing) < len(pattern.clauses):
                more = f" (+{len(missing) - 3} more)" if len(missing) > 3 else ""
                closest.append((len(missing), f"filter {metric_filter.get('filterName')} on "
                                f"{group} lacks "
                                + ", ".join(format_clause(c) for c in missing[:3]) + more))
        if not matching:
            reasons.append(f"no metric filter on {group} matches")
            continue
        alarms = metric_alarms(aws, region)
        for metric_filter in matching:
            for transformation in metric_filter.get("metricTransformations", []):
                on_metric = alarms_on(alarms, transformation)
                if not on_metric:
                    reasons.append(f"filter {metric_filter.get('filterName')} on {group}: no "
                                   "alarm on metric "
                                   f"{transformation.get('metricNamespace')}/"
                                   f"{transformation.get('metricName')}")
                for alarm in on_metric:
                    gap = alarm_gap(aws, alarm)
                    if gap is None:
                        return None
                    reasons.append(gap)
    if closest and all(r.startswith("no metric filter") for r in reasons):
        reasons.append("closest: " + min(closest)[1])
    return "; ".join(reasons) or "no log group"


def retention_gap(retention_days: int | None, minimum: int) -> str | None:
    """Why a log group keeps logs too briefly; no retention setting means never expire."""
    if retention_days is None or retention_days >= minimum:
        return None
    return f"retentionInDays={retention_days} (needs >= {minimum} or never expire)"
