"""IAM facts: the reads identity controls share, and the small rules they apply to them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pytest_awscompliance.analysis import principals
from pytest_awscompliance.analysis.principals import Directory
from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.engine.jobs import call, once, wait_for
from pytest_awscompliance.facts import credential_report
from pytest_awscompliance.facts.autoscaling import launch_sources
from pytest_awscompliance.facts.credential_report import CredentialRow
from pytest_awscompliance.facts.organizations import scp_levels
from pytest_awscompliance.inventory.iam import authorization_details
from pytest_awscompliance.model.errors import AwsApiError

DIRECTORY = "iam-directory"
"""The account memo key of the account's ``Directory`` (``Runtime.account_memo``)."""


def now() -> datetime:
    return datetime.now(UTC)


def age_days(when: datetime | None, at: datetime) -> int | None:
    """Whole days from ``when`` to ``at`` (``None`` when ``when`` is unknown)."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (at - when).days


def password_policy(aws: AwsContext) -> dict[str, Any] | None:
    """The account password policy, or ``None`` when none is set (IAM's weak default)."""
    answer = aws.read("iam", "get_account_password_policy", missing_ok=("NoSuchEntity",))
    return None if answer is None else answer["PasswordPolicy"]


# --- who holds what -------------------------------------------------------------------------

def aws_policy_document(aws: AwsContext, arn: str) -> dict[str, Any] | None:
    """The default version document of an AWS-managed policy (``None`` if it is gone)."""
    policy = aws.read("iam", "get_policy", PolicyArn=arn, missing_ok=("NoSuchEntity",))
    if policy is None:
        return None
    version = aws.read("iam", "get_policy_version", PolicyArn=arn,
                       VersionId=policy["Policy"]["DefaultVersionId"],
                       missing_ok=("NoSuchEntity",))
    return None if version is None else version["PolicyVersion"].get("Document")


def directory(aws: AwsContext) -> Directory:
    """Every user, group, role and customer-managed policy of the account (built once)."""
    memo = aws.runtime.account_memo(aws.account_id)
    found = memo.get(DIRECTORY)
    if found is not None:
        return found
    details = authorization_details(aws)
    documents = {arn: aws_policy_document(aws, arn)
                 for arn in principals.referenced_aws_policies(details)}
    found = principals.build(details, documents)
    # Read only when the escalation graph is built: the account's SCPs and why not.
    found.cache["scp-levels"] = lambda: scp_levels(aws)
    # ... and the scanned regions' launch configurations and templates (errors propagate).
    found.cache["launch-sources"] = lambda: launch_sources(aws)
    return memo.setdefault(DIRECTORY, found)  # the first one built wins (atomic)


def policy_entities(aws: AwsContext, aws_policy_name: str) -> dict[str, list[str]]:
    """Users, groups and roles an AWS-managed policy is attached to (empty if it is absent)."""
    arn = f"arn:{aws.partition}:iam::aws:policy/{aws_policy_name}"
    answer = aws.paginate("iam", "list_entities_for_policy", PolicyArn=arn,
                          missing_ok=("NoSuchEntity",)) or {}
    return {
        "user": sorted(e["UserName"] for e in answer.get("PolicyUsers", [])),
        "group": sorted(e["GroupName"] for e in answer.get("PolicyGroups", [])),
        "role": sorted(e["RoleName"] for e in answer.get("PolicyRoles", [])),
    }


# --- credentials -----------------------------------------------------------------------------

def credential_rows(aws: AwsContext) -> dict[str, CredentialRow]:
    """The credential report's rows by user name, ``<root_account>`` included when present."""
    return credential_report.rows(aws)


def account_summary(aws: AwsContext) -> dict[str, int]:
    return aws.read("iam", "get_account_summary")["SummaryMap"]


def root_virtual_mfa_devices(aws: AwsContext) -> list[str]:
    """Serial numbers of virtual MFA devices assigned to the root user."""
    devices = aws.paginate("iam", "list_virtual_mfa_devices",
                           AssignmentStatus="Assigned").get("VirtualMFADevices", [])
    return sorted(d["SerialNumber"] for d in devices
                  if str((d.get("User") or {}).get("Arn", "")).endswith(":root")
                  or str(d.get("SerialNumber", "")).endswith("/root-account-mfa-device"))


def mfa_devices(aws: AwsContext, user_name: str) -> list[dict[str, Any]]:
    return aws.paginate("iam", "list_mfa_devices", UserName=user_name).get("MFADevices", [])


def _unused_for(last_used: datetime | None, set_at: datetime | None, set_verb: str,
                at: datetime, days: int) -> str | None:
    """``last used N days ago`` / ``never used, <set_verb> N days ago`` once N >= ``days``."""
    used = age_days(last_used, at)
    if used is not None:
        return f"last used {used} days ago" if used >= days else None
    since = age_days(set_at, at)
    if since is not None and since >= days:
        return f"never used, {set_verb} {since} days ago"
    return None


def unused_credentials(row: CredentialRow, at: datetime, days: int) -> list[str]:
    """Enabled passwords and active keys not used for ``days`` days.

    Never-used credentials count from when they were set (Prowler skips them).
    """
    found = []
    if row.password_enabled:
        unused = _unused_for(row.password_last_used, row.password_last_changed or row.created,
                             "set", at, days)
        if unused:
            found.append(f"console password {unused}")
    for key in row.active_keys:
        unused = _unused_for(key.last_used, key.last_rotated or row.created, "created", at, days)
        if unused:
            found.append(f"access key {key.number} {unused}")
    return found


def old_access_keys(row: CredentialRow, at: datetime, days: int) -> list[str]:
    """Active access keys last rotated more than ``days`` days ago."""
    found = []
    for key in row.active_keys:
        rotated = age_days(key.last_rotated, at)
        if rotated is None or rotated > days:
            when = "at an unknown date" if rotated is None else f"{rotated} days ago"
            found.append(f"access key {key.number} last rotated {when}")
    return found


def recent_root_use(row: CredentialRow, at: datetime, days: int) -> list[str]:
    """Root password or access key use within the last ``days`` days."""
    found = []
    uses = [("password", row.password_last_used)] + [
        (f"access key {k.number}", k.last_used) for k in row.access_keys]
    for what, when in uses:
        ago = age_days(when, at)
        if ago is not None and ago < days:
            found.append(f"root {what} used {when:%Y-%m-%d %H:%M} UTC ({ago} days ago)")
    return found


# --- unused permissions (Access Advisor) -------------------------------------------------------

def services_last_accessed(aws: AwsContext, arn: str) -> list[dict[str, Any]]:
    """Access Advisor's ``ServicesLastAccessed`` for a user or role (one job per run)."""

    def run() -> list[dict[str, Any]]:
        job = call(aws, "iam", "generate_service_last_accessed_details", Arn=arn,
                   Granularity="SERVICE_LEVEL")["JobId"]
        services: list[dict[str, Any]] = []

        def page() -> dict[str, Any] | None:
            params: dict[str, Any] = {"JobId": job}
            while True:
                answer = call(aws, "iam", "get_service_last_accessed_details", **params)
                status = answer.get("JobStatus")
                if status == "IN_PROGRESS":
                    return None
                if status == "FAILED":
                    error = answer.get("Error") or {}
                    raise AwsApiError("iam", "GetServiceLastAccessedDetails",
                                      str(error.get("Code", "JobFailed")),
                                      str(error.get("Message", "the job failed")), aws.label)
                services.extend(answer.get("ServicesLastAccessed", []))
                if not answer.get("IsTruncated"):
                    return answer
                params["Marker"] = answer["Marker"]

        wait_for(page, aws=aws, service="iam", operation="GetServiceLastAccessedDetails",
                 what=f"Access Advisor for {arn}")
        return services

    return once(aws, "iam", "service-last-accessed", run, arn=arn)


def unused_services(services: list[dict[str, Any]], at: datetime, days: int) -> list[str]:
    """Namespaces of services allowed but not used in ``days`` days (``never`` or ``N d``)."""
    found = []
    for service in sorted(services, key=lambda s: s.get("ServiceNamespace", "")):
        ago = age_days(service.get("LastAuthenticated"), at)
        if ago is None:
            found.append(f"{service.get('ServiceNamespace')} (never)")
        elif ago >= days:
            found.append(f"{service.get('ServiceNamespace')} ({ago} d)")
    return found


def role_last_used(aws: AwsContext, role_name: str) -> datetime | None:
    role = aws.read("iam", "get_role", RoleName=role_name)["Role"]
    return (role.get("RoleLastUsed") or {}).get("LastUsedDate")


# --- root --------------------------------------------------------------------------------------

ROOT_ACCESS_FEATURES = ("RootCredentialsManagement", "RootSessions")
NOT_APPLICABLE = {
    "OrganizationNotFoundException": "the account is not in an AWS Organization",
    "AccountNotManagementOrDelegatedAdministratorException":
        "member account: centralized root access is an organization setting, checked in the "
        "management account (or IAM's delegated administrator)",
}
NOT_ENABLED = {
    "ServiceAccessNotEnabledException": "IAM trusted access is not enabled in Organizations",
    "OrganizationNotInAllFeaturesModeException": "the organization does not use all features",
}


def root_access_features(aws: AwsContext) -> tuple[list[str] | None, str]:
    """Organizations features of IAM's centralized root access, with a note.

    ``(None, why)`` where the setting cannot be read from this account (not in an
    organization, member account); ``([], why)`` where it is plainly not enabled.
    """
    try:
        answer = aws.read("iam", "list_organizations_features")
    except AwsApiError as exc:
        if exc.code in NOT_APPLICABLE:
            return None, NOT_APPLICABLE[exc.code]
        if exc.code in NOT_ENABLED:
            return [], NOT_ENABLED[exc.code]
        raise
    return list(answer.get("EnabledFeatures", [])), ""
