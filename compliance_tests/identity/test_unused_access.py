"""Unused access (tip 2): permissions and roles nobody used for 90 days (Access Advisor)."""

import pytest

from pytest_awscompliance.facts.iam import (
    age_days,
    now,
    role_last_used,
    services_last_accessed,
    unused_services,
)

UNUSED_REMEDIATION = ("Remove the unused services from the principal's policies (IAM console > "
                      "<user/role> > Last Accessed shows them), or delete the unused role")


def _unused(aws, arn, days, at):
    services = unused_services(services_last_accessed(aws, arn), at, days)
    shown = ", ".join(services[:8]) + (f" and {len(services) - 8} more" if len(services) > 8
                                       else "")
    return services, shown


@pytest.mark.severity("medium")
@pytest.mark.control(
    "iam-permissions-unused-90d",
    title="IAM users hold no service permissions unused for 90 days",
    remediation=UNUSED_REMEDIATION,
)
def test_user_permissions_used(iam_user, aws, aws_settings):
    """Users younger than the threshold pass: nothing of theirs can be unused that long."""
    days = aws_settings.tunable_int("aws_unused_access_days")
    at = now()
    if (age_days(iam_user.created, at) or 0) < days:
        return
    services, shown = _unused(aws, iam_user.arn, days, at)
    assert not services, (
        f"user {iam_user.name} may use {len(services)} service(s) it has not used in {days} "
        f"days: {shown}"
    )


@pytest.mark.severity("medium")
@pytest.mark.control(
    "iam-permissions-unused-90d",
    title="IAM roles are used, and hold no service permissions unused for 90 days",
    remediation=UNUSED_REMEDIATION,
)
def test_role_permissions_used(iam_role, aws, aws_settings):
    days = aws_settings.tunable_int("aws_unused_access_days")
    at = now()
    if iam_role.service_linked:
        pytest.skip(f"{iam_role.name} is a service-linked role managed by AWS")
    if (age_days(iam_role.created, at) or 0) < days:
        return
    last_used = age_days(role_last_used(aws, iam_role.name), at)
    assert last_used is not None and last_used < days, (
        f"role {iam_role.name} has not been used in {days} days "
        f"(RoleLastUsed: {'never' if last_used is None else f'{last_used} days ago'})"
    )
    services, shown = _unused(aws, iam_role.arn, days, at)
    assert not services, (
        f"role {iam_role.name} may use {len(services)} service(s) it has not used in {days} "
        f"days: {shown}"
    )
