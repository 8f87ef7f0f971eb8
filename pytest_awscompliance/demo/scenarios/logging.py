"""Logging and monitoring: trails, CloudWatch alarms, detective services and flow logs.

management: a complete organization trail with all 15 CIS alarms and every detective service
on (but Security Hub without a standard in eu-west-1); prod: a good multi-Region trail into
the management account's bucket, four CIS filters in various states of disrepair, and a
neglected single-Region legacy trail; dev: a stopped trail with a public bucket, a log-tampering
user, and nothing else. docs/demo.md ("Logging") lists what each part demonstrates.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from pytest_awscompliance.demo.gaps import DemoGapError
from pytest_awscompliance.demo.world import DEV, MANAGEMENT, PROD, REGIONS, DemoWorld
from pytest_awscompliance.facts.logs import CIS_PATTERNS, CIS_PATTERNS_BY_ID, recommended_filter

EAST, WEST = REGIONS
ORG_BUCKET = "acme-org-trail-logs"
ORG_TRAIL = f"arn:aws:cloudtrail:{EAST}:{MANAGEMENT}:trail/acme-org-trail"
PROD_TRAIL = f"arn:aws:cloudtrail:{EAST}:{PROD}:trail/prod-audit-trail"
PROD_LEGACY = f"arn:aws:cloudtrail:{WEST}:{PROD}:trail/prod-legacy-trail"
DEV_TRAIL = f"arn:aws:cloudtrail:{EAST}:{DEV}:trail/dev-trail"

TRAIL_STATUS: dict[str, tuple[bool, timedelta | None]] = {
    ORG_TRAIL: (True, timedelta(minutes=4)),
    PROD_TRAIL: (True, timedelta(minutes=12)),
    PROD_LEGACY: (True, None),
    DEV_TRAIL: (False, timedelta(days=3, hours=5)),
}
"""Trail ARN -> (IsLogging, age of the last CloudWatch Logs delivery): moto never reports one."""

STANDARDS: dict[tuple[str, str], list[str]] = {
    (MANAGEMENT, EAST): ["cis-aws-foundations-benchmark/v/3.0.0"],
    (MANAGEMENT, WEST): [],
    (PROD, EAST): ["aws-foundational-security-best-practices/v/1.0.0"],
}
"""Security Hub standards READY per (account, region) where the hub is enabled."""

ANALYZERS: dict[tuple[str, str], list[tuple[str, str, str]]] = {
    (MANAGEMENT, EAST): [("acme-org-external", "ORGANIZATION", "ACTIVE")],
    (MANAGEMENT, WEST): [("acme-org-external-eu", "ORGANIZATION", "ACTIVE")],
    (PROD, EAST): [("prod-external", "ACCOUNT", "ACTIVE")],
    (PROD, WEST): [("prod-unused-access", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")],
}
"""IAM Access Analyzer analyzers (name, type, status) per (account, region); moto has none."""

ALL_MANAGEMENT = {"Name": "all management events",
                  "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}


def _s3_data(read_only: str | None) -> dict[str, Any]:
    fields = [{"Field": "eventCategory", "Equals": ["Data"]},
              {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]
    if read_only is not None:
        fields.append({"Field": "readOnly", "Equals": [read_only]})
    return {"Name": "s3 object events", "FieldSelectors": fields}


def _body(params: dict[str, Any]) -> dict[str, Any]:
    try:
        return json.loads(params.get("body") or b"{}")
    except (TypeError, ValueError):
        return {}


def _trail_status(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    name = _body(params).get("Name", "")
    if name not in TRAIL_STATUS:
        raise DemoGapError("TrailNotFoundException", f"Unknown trail: {name}")
    logging, delivered = TRAIL_STATUS[name]
    now = datetime.now(UTC)
    answer: dict[str, Any] = {"IsLogging": logging, "LatestDeliveryTime": now}
    if delivered is not None:
        answer["LatestCloudWatchLogsDeliveryTime"] = now - delivered
    return answer


def _enabled_standards(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"StandardsSubscriptions": [
        {"StandardsSubscriptionArn": f"arn:aws:securityhub:{region}:{account}:subscription/{s}",
         "StandardsArn": f"arn:aws:securityhub:{region}::standards/{s}",
         "StandardsInput": {}, "StandardsStatus": "READY"}
        for s in STANDARDS.get((account, region), [])]}


def _list_analyzers(account: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"analyzers": [
        {"arn": f"arn:aws:access-analyzer:{region}:{account}:analyzer/{name}", "name": name,
         "type": kind, "createdAt": datetime(2026, 1, 5, tzinfo=UTC), "status": status}
        for name, kind, status in ANALYZERS.get((account, region), [])]}


GAPS = {
    ("cloudtrail", "GetTrailStatus"): _trail_status,
    ("securityhub", "GetEnabledStandards"): _enabled_standards,
    ("accessanalyzer", "ListAnalyzers"): _list_analyzers,
}


def _bucket(world: DemoWorld, account: str, name: str, region: str = EAST, *,
            acl: str = "private", log_to: str | None = None, policy: str | None = None) -> None:
    s3 = world.client(account, "s3", region)
    config = {} if region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": region}}
    s3.create_bucket(Bucket=name, ACL=acl, **config)
    if policy:
        s3.put_bucket_policy(Bucket=name, Policy=policy)
    if log_to:
        s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": log_to, "TargetPrefix": f"{name}/"}})


def _trail(world: DemoWorld, account: str, name: str, region: str, *, selectors: list[Any],
           logging: bool = True, log_group: str | None = None, **options: Any) -> None:
    cloudtrail = world.client(account, "cloudtrail", region)
    if log_group:
        options["CloudWatchLogsLogGroupArn"] = \
            f"arn:aws:logs:{region}:{account}:log-group:{log_group}:*"
        options["CloudWatchLogsRoleArn"] = f"arn:aws:iam::{account}:role/CloudTrailToLogs"
    cloudtrail.create_trail(Name=name, **options)
    cloudtrail.put_event_selectors(TrailName=name, AdvancedEventSelectors=selectors)
    if logging:
        cloudtrail.start_logging(Name=name)


def _log_group(world: DemoWorld, account: str, name: str, retention: int | None,
               region: str = EAST) -> None:
    logs = world.client(account, "logs", region)
    logs.create_log_group(logGroupName=name)
    if retention:
        logs.put_retention_policy(logGroupName=name, retentionInDays=retention)


def _topic(world: DemoWorld, account: str, name: str, *, subscribed: bool) -> str:
    sns = world.client(account, "sns")
    arn = sns.create_topic(Name=name)["TopicArn"]
    if subscribed:
        sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="secops@example.com")
    return arn


def _watch(world: DemoWorld, account: str, log_group: str, pattern_id: str, *,
           topic: str | None, filter_pattern: str | None = None) -> None:
    """A CIS metric filter on ``log_group`` and, with a ``topic``, an alarm notifying it."""
    metric = f"CIS-{pattern_id}"
    world.client(account, "logs").put_metric_filter(
        logGroupName=log_group, filterName=f"cis-{pattern_id}",
        filterPattern=filter_pattern or recommended_filter(CIS_PATTERNS_BY_ID[pattern_id]),
        metricTransformations=[{"metricName": metric, "metricNamespace": "CISBenchmark",
                                "metricValue": "1"}])
    if topic:
        world.client(account, "cloudwatch").put_metric_alarm(
            AlarmName=f"cis-{pattern_id}", MetricName=metric, Namespace="CISBenchmark",
            Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])


def _recorder(world: DemoWorld, account: str, region: str, *, all_supported: bool) -> None:
    config = world.client(account, "config", region)
    group: dict[str, Any] = {"allSupported": all_supported,
                             "includeGlobalResourceTypes": all_supported}
    if not all_supported:
        group["resourceTypes"] = ["AWS::EC2::Instance", "AWS::S3::Bucket"]
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "recordingGroup": group,
        "roleARN": f"arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/"
                   "AWSServiceRoleForConfig"})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": ORG_BUCKET})
    config.start_configuration_recorder(ConfigurationRecorderName="default")


def _flow_log(world: DemoWorld, account: str, region: str, traffic: str, bucket: str) -> None:
    ec2 = world.client(account, "ec2", region)
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    ec2.create_flow_logs(ResourceIds=[vpc["VpcId"]], ResourceType="VPC", TrafficType=traffic,
                         LogDestinationType="s3", LogDestination=f"arn:aws:s3:::{bucket}")


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _role(world: DemoWorld, account: str, name: str, policy: str) -> None:
    iam = world.client(account, "iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=_policy({
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}))
    iam.put_role_policy(RoleName=name, PolicyName=f"{name}-policy", PolicyDocument=policy)


def _management(world: DemoWorld) -> None:
    key = world.client(MANAGEMENT, "kms").create_key(
        Description="CloudTrail logs")["KeyMetadata"]["Arn"]
    _bucket(world, MANAGEMENT, "acme-org-access-logs", acl="log-delivery-write")
    _bucket(world, MANAGEMENT, ORG_BUCKET, log_to="acme-org-access-logs")
    world.client(MANAGEMENT, "s3").put_public_access_block(
        Bucket=ORG_BUCKET, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
    _bucket(world, MANAGEMENT, "acme-org-flow-logs")
    group = "aws-cloudtrail-logs-acme-org"
    _log_group(world, MANAGEMENT, group, 400)
    _trail(world, MANAGEMENT, "acme-org-trail", EAST, S3BucketName=ORG_BUCKET,
           IsMultiRegionTrail=True, IsOrganizationTrail=True, EnableLogFileValidation=True,
           KmsKeyId=key, log_group=group, selectors=[ALL_MANAGEMENT, _s3_data("false")])
    alerts = _topic(world, MANAGEMENT, "acme-security-alerts", subscribed=True)
    for pattern in CIS_PATTERNS:
        _watch(world, MANAGEMENT, group, pattern.id, topic=alerts)
    for region in REGIONS:
        world.client(MANAGEMENT, "guardduty", region).create_detector(Enable=True)
        world.client(MANAGEMENT, "securityhub", region).enable_security_hub()
        _recorder(world, MANAGEMENT, region, all_supported=True)
        _flow_log(world, MANAGEMENT, region, "ALL", "acme-org-flow-logs")
    _role(world, MANAGEMENT, "cloudwatch-dashboard-reader", _policy({
        "Effect": "Allow", "Action": ["logs:Describe*", "logs:Get*", "cloudwatch:Describe*",
                                     "cloudwatch:Get*", "cloudtrail:LookupEvents"],
        "Resource": "*"}))


def _prod(world: DemoWorld) -> None:
    group = "/prod/cloudtrail"
    _log_group(world, PROD, group, 90)
    _trail(world, PROD, "prod-audit-trail", EAST, S3BucketName=ORG_BUCKET, S3KeyPrefix="prod",
           IsMultiRegionTrail=True, EnableLogFileValidation=True, log_group=group,
           selectors=[ALL_MANAGEMENT, _s3_data(None)])
    _bucket(world, PROD, "acme-prod-legacy-trail-logs", WEST, acl="public-read")
    _trail(world, PROD, "prod-legacy-trail", WEST, S3BucketName="acme-prod-legacy-trail-logs",
           selectors=[ALL_MANAGEMENT])
    alerts = _topic(world, PROD, "prod-alerts", subscribed=True)
    nobody = _topic(world, PROD, "prod-oncall-unsubscribed", subscribed=False)
    _watch(world, PROD, group, "unauthorized-api-calls", topic=alerts,
           filter_pattern='{($.errorCode="AccessDenied*")||($.errorCode="*UnauthorizedOperation")}')
    _watch(world, PROD, group, "root-usage", topic=nobody)
    _watch(world, PROD, group, "iam-policy-changes", topic=None)
    _watch(world, PROD, group, "cloudtrail-config-changes", topic=alerts,
           filter_pattern="{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || "
           "($.eventName = DeleteTrail) || ($.eventName = StartLogging) }")
    world.client(PROD, "guardduty").create_detector(Enable=True)
    world.client(PROD, "guardduty", WEST).create_detector(Enable=False)
    world.client(PROD, "securityhub").enable_security_hub()
    _recorder(world, PROD, EAST, all_supported=False)
    _bucket(world, PROD, "acme-prod-flow-logs")
    _flow_log(world, PROD, EAST, "ACCEPT", "acme-prod-flow-logs")
    _role(world, PROD, "prod-app-logging", _policy({
        "Effect": "Allow", "Action": "logs:*",
        "Resource": f"arn:aws:logs:*:{PROD}:log-group:/prod/app/*"}))


def _dev(world: DemoWorld) -> None:
    _bucket(world, DEV, "acme-dev-trail-logs", acl="public-read")
    _log_group(world, DEV, "/dev/cloudtrail", 7)
    _trail(world, DEV, "dev-trail", EAST, S3BucketName="acme-dev-trail-logs",
           IsMultiRegionTrail=True, log_group="/dev/cloudtrail", logging=False,
           selectors=[ALL_MANAGEMENT])
    iam = world.client(DEV, "iam")
    iam.create_user(UserName="dev-ops")
    iam.put_user_policy(UserName="dev-ops", PolicyName="ops-everything", PolicyDocument=_policy(
        {"Effect": "Allow", "Action": ["cloudtrail:*", "logs:*"], "Resource": "*"}))
    _role(world, DEV, "dev-ci", _policy({
        "Effect": "Allow", "Action": "cloudtrail:StopLogging", "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}))


def seed(world: DemoWorld) -> None:
    _management(world)
    _prod(world)
    _dev(world)
