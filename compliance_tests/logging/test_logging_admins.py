"""Who may switch logging off (tip 1): only allow-listed principals can tamper with it."""

import pytest

from pytest_awscompliance.facts.log_tamper import describe, logging_tamperers


@pytest.mark.severity("high")
@pytest.mark.control(
    "logging-admin-least-privilege",
    title="Only allow-listed principals can tamper with CloudTrail/CloudWatch logging",
    remediation="Remove cloudtrail:StopLogging/DeleteTrail/UpdateTrail/PutEventSelectors, "
    "logs:Delete*/PutRetentionPolicy, cloudwatch:DeleteAlarms/DisableAlarmActions and "
    "s3:PutBucketPolicy/DeleteObject on the trail bucket from everyone but the logging "
    "admins (list them in the aws_admin_role_allowlist ini option), or deny them with an SCP",
)
def test_only_logging_admins_can_tamper(aws_account, aws_settings):
    """One test per account listing every offending user and role, rather than one test per
    principal: a large account has hundreds of roles, while the finding ("who can switch
    logging off") is one account-level fact with a short list of names.

    Each tamper action is evaluated against the account's own trails, their log groups,
    alarms and buckets: identity and group policies, permissions boundaries, and the SCPs
    above the account when the organization can be read (else the message says so). A
    grant that holds only under conditions still fails, marked "conditionally".
    Stricter than Prowler, which only flags policies granting all of ``cloudtrail:*``.
    """
    found, probed, caveat = logging_tamperers(
        aws_account, aws_settings.tunable("aws_admin_role_allowlist"))
    assert not found, (
        f"account {aws_account.account_id}: {len(found)} principal(s) outside "
        f"aws_admin_role_allowlist can tamper with logging: {describe(found, probed)}"
        + (f" ({caveat})" if caveat else "")
    )
