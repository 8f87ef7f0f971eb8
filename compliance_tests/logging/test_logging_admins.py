"""Who may switch logging off (tip 1): only allow-listed principals can tamper with it."""

import pytest

from pytest_awscompliance.facts.iam import directory
from pytest_awscompliance.facts.log_tamper import allow_listed, describe, principal_tampering


@pytest.mark.severity("high")
@pytest.mark.control(
    "logging-admin-least-privilege",
    title="Only allow-listed principals can tamper with CloudTrail/CloudWatch logging",
    remediation="Remove cloudtrail:StopLogging/DeleteTrail/UpdateTrail/PutEventSelectors, "
    "logs:Delete*/PutRetentionPolicy, cloudwatch:DeleteAlarms/DisableAlarmActions and "
    "s3:PutBucketPolicy/DeleteObject on the trail bucket from everyone but the logging "
    "admins (list them in the aws_admin_role_allowlist ini option), or deny them with an SCP",
)
def test_principal_cannot_tamper_with_logging(iam_principal, aws, aws_settings):
    """Each user and role outside aws_admin_role_allowlist (service-linked roles excepted).

    Each tamper action is evaluated against the account's own trails, their log groups,
    alarms and buckets: identity and group policies, permissions boundaries, and the SCPs
    above the account when the organization can be read (else the message says so). A
    grant that holds only under conditions still fails, marked "conditionally".
    Stricter than Prowler, which only flags policies granting all of ``cloudtrail:*``.
    """
    if iam_principal.service_linked:
        pytest.skip(f"{iam_principal.name} is a service-linked role managed by AWS")
    principal = directory(aws).principal(iam_principal.kind, iam_principal.principal_name)
    if principal is None:
        pytest.skip(f"{iam_principal.name} is not in GetAccountAuthorizationDetails "
                    "(created since)")
    if allow_listed(principal, aws_settings.tunable("aws_admin_role_allowlist")):
        pytest.skip(f"{iam_principal.name} is allow-listed in aws_admin_role_allowlist")
    granted, probed, caveat = principal_tampering(aws, principal)
    assert not granted, (
        f"{iam_principal.name} is outside aws_admin_role_allowlist and can tamper with "
        f"logging: {describe({principal.label: granted}, probed)}"
        + (f" ({caveat})" if caveat else "")
    )
