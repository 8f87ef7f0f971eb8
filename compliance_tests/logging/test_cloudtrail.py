"""CloudTrail (tip 1): a multi-Region trail, its integrity, encryption, bucket and data events."""

import pytest

from pytest_awscompliance.facts.cloudtrail import (
    bucket_access_logging_target,
    cloudwatch_delivery_gap,
    event_selectors,
    log_destination_gap,
    logging_multi_region_trails,
    owned_bucket,
    qualifying_trails,
    s3_data_events_captured,
    trail_status,
)
from pytest_awscompliance.facts.s3 import public_exposure
from pytest_awscompliance.model.resources import Bucket


@pytest.mark.severity("high")
@pytest.mark.control(
    "cloudtrail-multi-region-trail-logging",
    title="A multi-Region trail is logging all read and write management events",
    frameworks={"cis-aws-3.0": "3.1", "cis-aws-7.0": "4.1", "aws-fsbp": "CloudTrail.1"},
    remediation="aws cloudtrail create-trail --name org-trail --s3-bucket-name <bucket> "
    "--is-multi-region-trail && aws cloudtrail start-logging --name org-trail && "
    "aws cloudtrail put-event-selectors --trail-name org-trail --event-selectors "
    "'[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'",
)
def test_multi_region_trail_logging(aws_account):
    """Organization trails count; advanced selectors are judged by their fields, not names."""
    good, gaps = qualifying_trails(aws_account)
    found = "; ".join(f"{name}: {gap}" for name, gap in gaps.items()) or "none"
    assert good, (
        f"account {aws_account.account_id} has no multi-Region trail logging all management "
        f"events (multi-Region trails: {found})"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "cloudtrail-log-file-validation",
    title="CloudTrail log file integrity validation is enabled",
    frameworks={"cis-aws-3.0": "3.2", "cis-aws-7.0": "4.2", "aws-fsbp": "CloudTrail.4"},
    remediation="aws cloudtrail update-trail --name <trail> --enable-log-file-validation",
)
def test_trail_log_file_validation(cloudtrail_trail):
    assert cloudtrail_trail.log_file_validation, (
        f"trail {cloudtrail_trail.name} has LogFileValidationEnabled=false"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "cloudtrail-kms-encryption",
    title="CloudTrail logs are encrypted with a KMS key (SSE-KMS)",
    frameworks={"cis-aws-3.0": "3.5", "cis-aws-7.0": "4.5", "aws-fsbp": "CloudTrail.2"},
    remediation="aws cloudtrail update-trail --name <trail> --kms-key-id <key-arn> "
    "(the key policy must let cloudtrail.amazonaws.com use it)",
)
def test_trail_kms_encryption(cloudtrail_trail):
    assert cloudtrail_trail.kms_key_id, f"trail {cloudtrail_trail.name} has no KmsKeyId (SSE-S3)"


@pytest.mark.severity("low")
@pytest.mark.control(
    "cloudtrail-cloudwatch-logs-delivery",
    title="The trail delivers to CloudWatch Logs (within the last 24 hours)",
    frameworks={"aws-fsbp": "CloudTrail.5"},
    remediation="aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn "
    "<log-group-arn> --cloud-watch-logs-role-arn <role-arn>",
)
def test_trail_cloudwatch_logs_delivery(cloudtrail_trail, aws):
    gap = cloudwatch_delivery_gap(cloudtrail_trail.raw, trail_status(aws, cloudtrail_trail.raw))
    assert gap is None, f"trail {cloudtrail_trail.name} {gap}"


def _own_bucket(cloudtrail_trail, aws) -> Bucket:
    bucket = owned_bucket(aws, cloudtrail_trail.s3_bucket)
    if bucket is None:
        pytest.skip(f"bucket {cloudtrail_trail.s3_bucket} of trail {cloudtrail_trail.name} "
                    "belongs to another account: evaluate it there")
    return bucket


@pytest.mark.severity("critical")
@pytest.mark.control(
    "cloudtrail-bucket-not-public",
    title="The S3 bucket receiving CloudTrail logs is not publicly accessible",
    frameworks={"aws-securityhub": "CloudTrail.6"},
    remediation="aws s3api put-public-access-block --bucket <bucket> "
    "--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
    "BlockPublicPolicy=true,RestrictPublicBuckets=true",
)
def test_trail_bucket_not_public(cloudtrail_trail, aws):
    """Stricter than Prowler: AuthenticatedUsers grants and public policies count too.
    Judged as in s3-bucket-not-publicly-accessible (its allow-list does not apply)."""
    bucket = _own_bucket(cloudtrail_trail, aws)
    reasons = public_exposure(aws, bucket)
    assert not reasons, (
        f"bucket {bucket.name} of trail {cloudtrail_trail.name} is public: {'; '.join(reasons)}"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "cloudtrail-bucket-access-logging",
    title="Server access logging is enabled on the CloudTrail bucket",
    frameworks={"cis-aws-3.0": "3.4", "cis-aws-7.0": "4.4", "aws-securityhub": "CloudTrail.7"},
    remediation="aws s3api put-bucket-logging --bucket <bucket> --bucket-logging-status "
    "'{\"LoggingEnabled\":{\"TargetBucket\":\"<log-bucket>\",\"TargetPrefix\":\"<bucket>/\"}}'",
)
def test_trail_bucket_access_logging(cloudtrail_trail, aws):
    bucket = _own_bucket(cloudtrail_trail, aws)
    assert bucket_access_logging_target(aws, bucket), (
        f"bucket {bucket.name} of trail {cloudtrail_trail.name} has no server access logging "
        "(LoggingEnabled missing)"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "cloudtrail-logs-in-dedicated-account",
    title="Trail logs land in an independent (log-archive) account",
    remediation="Deliver an organization trail, or the account's multi-Region trail, to a "
    "bucket in a dedicated log-archive account; list that account in the "
    "aws_log_archive_accounts ini option",
)
def test_trail_logs_in_dedicated_account(aws_account, aws_settings):
    """Judges the trails that pass cloudtrail-multi-region-trail-logging.

    Without ``aws_log_archive_accounts``, a bucket this account does not own (or an
    organization trail owned by another account) passes; with it, the bucket must be
    confirmed to belong to a listed account.
    """
    good, _ = qualifying_trails(aws_account)
    assert good, (
        f"account {aws_account.account_id} has no multi-Region trail logging all management "
        "events, so no log copy outside the account"
    )
    gap = log_destination_gap(aws_account, good,
                              aws_settings.tunable("aws_log_archive_accounts"))
    assert gap is None, f"account {aws_account.account_id}: {gap}"


def _data_events(access: str, cis_v3: str, cis_v7: str, securityhub: str):
    return pytest.param(access, id=access, marks=pytest.mark.control(
        "cloudtrail-s3-object-level-logging",
        title="S3 object-level read and write events are logged for all buckets",
        frameworks={"cis-aws-3.0": cis_v3, "cis-aws-7.0": cis_v7,
                    "aws-securityhub": securityhub},
        remediation="aws cloudtrail put-event-selectors --trail-name <multi-region-trail> "
        "--advanced-event-selectors '[{\"FieldSelectors\":[{\"Field\":\"eventCategory\","
        "\"Equals\":[\"Data\"]},{\"Field\":\"resources.type\",\"Equals\":"
        "[\"AWS::S3::Object\"]}]}]' (keep the management-events selector)",
    ))


@pytest.mark.severity("low")
@pytest.mark.parametrize("access", [
    _data_events("write", "3.8", "4.8", "S3.22"),
    _data_events("read", "3.9", "4.9", "S3.23"),
])
def test_s3_object_level_logging(aws_account, access):
    """The control marker sits on each parameter so each carries its own CIS number.

    Stricter than Prowler: the trail must be multi-Region (a single-Region trail misses
    the other Regions' buckets) and logging; a selector narrowed by bucket ARN or event
    name does not count.
    """
    trails = logging_multi_region_trails(aws_account)
    covering = [t["Name"] for t in trails if s3_data_events_captured(
        event_selectors(aws_account, t), access, aws_account.partition)]
    names = ", ".join(t["Name"] for t in trails) or "none"
    assert covering, (
        f"account {aws_account.account_id}: no logging multi-Region trail records S3 object "
        f"{access} events for all buckets (logging multi-Region trails: {names})"
    )
