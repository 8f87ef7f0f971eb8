"""logging-admin-least-privilege: who can stop trails, delete log groups or mute alarms."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest

from pytest_awscompliance.analysis.iam import PolicyError
from pytest_awscompliance.analysis.principals import build
from pytest_awscompliance.facts.log_tamper import Probe, describe, grants, tamperers
from tests.controls.waiver_helpers import assert_waives_only, scan_waiving
from tests.harness import CALLER, FAILING, PASSING, REGION, MotoWorld, control_file, scan
from tests.stubs import deny

CONTROLS = "logging/test_logging_admins.py"
TEST = "test_principal_cannot_tamper_with_logging"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str | list[str], resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def logging_setup(world: MotoWorld, account: str) -> None:
    """A trail to CloudWatch Logs with one alarm on a metric filter."""
    world.client(account, "s3").create_bucket(Bucket=f"trail-{account}")
    world.client(account, "logs").create_log_group(logGroupName="ct")
    world.client(account, "logs").put_metric_filter(
        logGroupName="ct", filterName="root", filterPattern='{ $.userIdentity.type = "Root" }',
        metricTransformations=[{"metricName": "root", "metricNamespace": "CIS",
                                "metricValue": "1"}])
    world.client(account, "cloudwatch").put_metric_alarm(
        AlarmName="root-alarm", MetricName="root", Namespace="CIS", Statistic="Sum",
        Period=300, EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold")
    world.client(account, "cloudtrail").create_trail(
        Name="main", S3BucketName=f"trail-{account}", IsMultiRegionTrail=True,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{REGION}:{account}:log-group:ct:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/ct")


def role(world: MotoWorld, account: str, name: str, document: str) -> None:
    iam = world.client(account, "iam")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=document)


def test_logging_admins(pytester: pytest.Pytester, world: MotoWorld) -> None:
    for account in (PASSING, FAILING):
        logging_setup(world, account)
    iam = world.client(PASSING, "iam")
    role(world, PASSING, "BreakGlassAdmin", doc(allow("*")))
    role(world, PASSING, "app-logs", doc(
        allow("logs:*", "arn:aws:logs:*:*:log-group:/app/*"),
        allow(["cloudtrail:Describe*", "cloudtrail:Get*", "cloudwatch:Describe*"])))
    role(world, PASSING, "fenced-admin", doc(
        allow("*"),
        {"Effect": "Deny", "Action": ["cloudtrail:*", "logs:*", "cloudwatch:*", "s3:*"],
         "Resource": "*"}))
    boundary = iam.create_policy(PolicyName="read-only-boundary",
                                 PolicyDocument=doc(allow("s3:GetObject")))["Policy"]["Arn"]
    # moto drops a user's boundary, so a role shows it
    iam.create_role(RoleName="bounded", AssumeRolePolicyDocument=TRUST,
                    PermissionsBoundary=boundary)
    iam.put_role_policy(RoleName="bounded", PolicyName="wide", PolicyDocument=doc(allow("*")))

    fiam = world.client(FAILING, "iam")
    fiam.create_group(GroupName="ops")
    fiam.put_group_policy(GroupName="ops", PolicyName="trail-admin",
                          PolicyDocument=doc(allow("cloudtrail:*")))
    fiam.create_user(UserName="dev-ops")
    fiam.add_user_to_group(GroupName="ops", UserName="dev-ops")
    role(world, FAILING, "ci", doc(allow(
        "logs:DeleteLogGroup", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})))
    role(world, FAILING, "trail-bucket-cleaner",
         doc(allow("s3:DeleteObject", f"arn:aws:s3:::trail-{FAILING}/*")))
    role(world, FAILING, "alarm-muter", doc(allow(
        "cloudwatch:DisableAlarmActions", f"arn:aws:cloudwatch:{REGION}:{FAILING}:alarm:*")))

    result = scan(pytester, control_file(CONTROLS),
                  args=["-o", "aws_admin_role_allowlist=BreakGlass*"])
    assert result.outcome_set(PASSING) <= {"passed", "skipped"}
    assert result.outcomes[f"{TEST}[{PASSING}/global/role/BreakGlassAdmin]"] == "skipped"
    failed = {k: result.messages[k] for k, v in result.for_account(FAILING).items()
              if v == "failed"}
    assert failed == {
        f"{TEST}[{FAILING}/global/user/dev-ops]":
            "user/dev-ops is outside aws_admin_role_allowlist and can tamper with logging: "
            "user/dev-ops (cloudtrail:StopLogging, cloudtrail:DeleteTrail, "
            "cloudtrail:UpdateTrail, cloudtrail:PutEventSelectors)",
        f"{TEST}[{FAILING}/global/role/ci]":
            "role/ci is outside aws_admin_role_allowlist and can tamper with logging: "
            "role/ci (conditionally: logs:DeleteLogGroup)",
        f"{TEST}[{FAILING}/global/role/trail-bucket-cleaner]":
            "role/trail-bucket-cleaner is outside aws_admin_role_allowlist and can tamper "
            "with logging: role/trail-bucket-cleaner (s3:DeleteObject)",
        f"{TEST}[{FAILING}/global/role/alarm-muter]":
            "role/alarm-muter is outside aws_admin_role_allowlist and can tamper with "
            "logging: role/alarm-muter (cloudwatch:DisableAlarmActions)",
    }

    strict = scan(pytester, control_file(CONTROLS), accounts=[PASSING])
    assert "role/BreakGlassAdmin (all 12 tamper actions)" in strict.messages[
        f"{TEST}[{PASSING}/global/role/BreakGlassAdmin]"]

    waived = scan_waiving(pytester, control_file(CONTROLS), "logging-admin-least-privilege",
                          f"arn:aws:iam::{FAILING}:role/ci",
                          args=["-o", "aws_admin_role_allowlist=BreakGlass*"])
    assert_waives_only(waived, f"{TEST}[{FAILING}/global/role/ci]", failed)


def test_scps_are_evaluated(pytester: pytest.Pytester, world: MotoWorld,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """An SCP denying cloudtrail:* (except for break-glass roles) removes those grants;
    its region lock cannot be decided, so what remains is conditional."""
    org = world.client(CALLER, "organizations")
    org.create_organization(FeatureSet="ALL")
    with mock.patch("moto.organizations.utils.make_random_account_id",
                    side_effect=[FAILING]):
        org.create_account(Email="failing@example.com", AccountName="failing")
    scp = org.create_policy(Name="protect-trails", Type="SERVICE_CONTROL_POLICY",
                            Description="", Content=doc({
                                "Effect": "Deny", "Action": "cloudtrail:*", "Resource": "*",
                                "Condition": {"ArnNotLike": {
                                    "aws:PrincipalArn": "arn:aws:iam::*:role/break-glass*"}}}, {
                                "Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
                                "Condition": {"StringNotEquals": {
                                    "aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}))
    org.attach_policy(PolicyId=scp["Policy"]["PolicySummary"]["Id"], TargetId=FAILING)
    role(world, FAILING, "trail-admin", doc(allow("cloudtrail:*")))
    role(world, FAILING, "log-admin", doc(allow("logs:*")))
    role(world, FAILING, "break-glass", doc(allow("cloudtrail:StopLogging")))
    # the management account is scanned too: the member's SCPs are read through it
    result = scan(pytester, control_file(CONTROLS), accounts=[CALLER, FAILING])
    text = result.message(FAILING)
    assert {k for k, v in result.for_account(FAILING).items() if v == "failed"} == {
        f"{TEST}[{FAILING}/global/role/break-glass]", f"{TEST}[{FAILING}/global/role/log-admin]"}
    # the region lock may deny (the region is unknown): conditional, never dropped
    assert "role/break-glass (conditionally: cloudtrail:StopLogging)" in text
    assert "role/log-admin (conditionally: logs:DeleteLogGroup, logs:PutRetentionPolicy" in text
    assert "trail-admin" not in text
    assert "SCPs not evaluated" not in text

    deny(monkeypatch, "organizations", "ListRoots", "AccessDeniedException")
    unread = scan(pytester, control_file(CONTROLS), accounts=[CALLER, FAILING])
    assert sum(v == "failed" for v in unread.for_account(FAILING).values()) == 3
    assert unread.messages[f"{TEST}[{FAILING}/global/role/trail-admin]"].endswith(
        "(SCPs not evaluated: organizations:ListRoots denied)")


def test_no_logging_resources_means_any_resource() -> None:
    """Without trails, only ``Resource: "*"`` grants are definite; scoped ones are conditional."""
    details = {"RoleDetailList": [
        {"RoleName": name, "Arn": f"arn:aws:iam::1:role/{name}", "Path": path,
         "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": json.loads(document)}]}
        for name, path, document in (
            ("wide", "/", doc(allow("cloudtrail:StopLogging"))),
            ("scoped", "/", doc(allow("cloudtrail:StopLogging",
                                      "arn:aws:cloudtrail:*:1:trail/x"))),
            ("AWSServiceRoleForX", "/aws-service-role/x.amazonaws.com/", doc(allow("*"))))]}
    found = tamperers(build(details, {}), [Probe("cloudtrail:StopLogging")], [])
    assert describe(found) == ("role/scoped (conditionally: cloudtrail:StopLogging), "
                               "role/wide (cloudtrail:StopLogging)")
    broken = {"RoleDetailList": [{"RoleName": "broken", "Arn": "arn:aws:iam::1:role/broken",
                                  "Path": "/", "RolePolicyList": [{"PolicyName": "p",
                                  "PolicyDocument": {"Statement": [{"Effect": "Maybe"}]}}]}]}
    with pytest.raises(PolicyError, match=r"^inline policy 'p' of role/broken cannot be read"):
        grants(build(broken, {}).roles["broken"], [Probe("cloudtrail:StopLogging")])


def test_access_denied_is_an_error(pytester: pytest.Pytester, world: MotoWorld,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    role(world, FAILING, "reader", doc(allow("s3:GetObject")))
    deny(monkeypatch, "iam", "GetAccountAuthorizationDetails", "AccessDenied")
    result = scan(pytester, control_file(CONTROLS), accounts=[FAILING])
    assert result.only(FAILING) == "error"
    assert "missing permission iam:GetAccountAuthorizationDetails" in result.message(FAILING)
