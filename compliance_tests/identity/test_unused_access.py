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
    title="IAM users and roles hold no service permissions unused for 90 days, and roles "
    "are used",
    remediation=UNUSED_REMEDIATION,
)
def test_principal_permissions_used(iam_principal, aws, aws_settings):
    """Principals younger than the threshold pass: nothing of theirs can be unused that long.
    A role must also have been used (RoleLastUsed) within the threshold."""
    days = aws_settings.tunable_int("aws_unused_access_days")
    at = now()
    if iam_principal.service_linked:
        pytest.skip(f"{iam_principal.name} is a service-linked role managed by AWS")
    if (age_days(iam_principal.created, at) or 0) < days:
        return
    if iam_principal.kind == "role":
        last_used = age_days(role_last_used(aws, iam_principal.principal_name), at)
        assert last_used is not None and last_used < days, (
            f"{iam_principal.name} has not been used in {days} days "
            f"(RoleLastUsed: {'never' if last_used is None else f'{last_used} days ago'})"
        )
    services, shown = _unused(aws, iam_principal.arn, days, at)
    assert not services, (
        f"{iam_principal.name} may use {len(services)} service(s) it has not used in {days} "
        f"days: {shown}"
    )
