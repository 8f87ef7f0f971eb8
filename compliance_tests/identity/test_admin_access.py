"""Least privilege (tip 2): no full-admin policies, no admins by accident, no broad grants."""

from fnmatch import fnmatchcase

import pytest

from pytest_awscompliance.analysis.iam import service_wildcards
from pytest_awscompliance.analysis.privilege import (
    admin_grants,
    describe_path,
    escalation_graph,
    full_admin,
    is_admin,
    parsed,
)
from pytest_awscompliance.facts.iam import directory, policy_entities


def _principal(aws, kind, name):
    found = directory(aws).principal(kind, name)
    if found is None:
        pytest.skip(f"{kind} {name} is not in GetAccountAuthorizationDetails (created since)")
    return found


def _allow_listed(aws_settings, name):
    return any(fnmatchcase(name, glob) for glob in aws_settings.tunable("aws_admin_role_allowlist"))


def _admin_sources(aws, principal):
    """What makes ``principal`` an administrator: its policies, or a definite path of the
    escalation graph (``user/dev -> assume role/ci -> ...``)."""
    grants = [g.describe() for g in admin_grants(principal)]
    if not grants and is_admin(principal):
        grants = ["its policies together, which allow every action on every resource"]
    if not grants:
        path = escalation_graph(directory(aws)).path_to_admin(principal.arn)
        if path is not None and path.definite:
            grants = [f"the escalation path {describe_path(path)}"]
    return grants


def _document(aws, iam_policy):
    managed = directory(aws).managed.get(iam_policy.arn)
    return managed.document if managed else None


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-customer-policy-no-full-admin",
    title='No attached customer-managed policy allows "*" on "*"',
    frameworks={"cis-aws-3.0": "1.16", "cis-aws-7.0": "2.14", "aws-fsbp": "IAM.1"},
    remediation="aws iam create-policy-version --policy-arn <arn> --set-as-default "
    "--policy-document file://least-privilege.json (or detach the policy)",
)
def test_customer_policy_not_full_admin(iam_policy, aws):
    """Deny-aware; ``*:*`` and Allow+NotAction on ``*`` count as full admin (Prowler's
    stricter reading of IAM.1)."""
    if iam_policy.attachment_count == 0:
        pytest.skip(f"policy {iam_policy.name} is not attached to anything")
    assert not full_admin(_document(aws, iam_policy),
                          f"customer-managed policy {iam_policy.name}"), (
        f"customer-managed policy {iam_policy.name} (default version "
        f"{iam_policy.default_version_id}) allows every action on every resource and is "
        f"attached {iam_policy.attachment_count} time(s)"
    )


@pytest.mark.severity("critical")
@pytest.mark.control(
    "iam-inline-policy-no-full-admin",
    title='No inline user, group or role policy allows "*" on "*"',
    frameworks={"cis-aws-3.0": "1.16", "cis-aws-7.0": "2.14"},
    remediation="aws iam delete-user-policy / delete-group-policy / delete-role-policy "
    "--policy-name <name> ... and grant least privilege through managed policies",
)
def test_inline_policy_not_full_admin(iam_inline_policy):
    """Every inline policy of every user, group and role, one test each."""
    assert not full_admin(iam_inline_policy.document, iam_inline_policy.describe()), (
        f"{iam_inline_policy.describe()} allows every action on every resource"
    )


ADMIN_REMEDIATION = ("aws iam detach-user-policy / detach-group-policy / detach-role-policy "
                     "--policy-arn arn:aws:iam::aws:policy/AdministratorAccess ...; give people "
                     "least-privilege roles, and allow-list break-glass roles in "
                     "aws_admin_role_allowlist")


@pytest.mark.severity("critical")
@pytest.mark.control(
    "iam-no-administratoraccess-for-humans",
    title="IAM users and roles that are not allow-listed do not get AdministratorAccess or "
    "full-admin policies",
    remediation=ADMIN_REMEDIATION,
)
def test_principal_is_not_admin(iam_principal, aws, aws_settings):
    """A user or role fails for AdministratorAccess or a ``*``-on-``*`` policy, held directly
    or (users) through a group, so every group with members is covered; for policies that
    together allow everything; or for a definite path of the escalation graph to an
    administrator (conditional paths are iam-principal-no-privilege-escalation's).
    Service-linked roles and names in aws_admin_role_allowlist are skipped."""
    if iam_principal.service_linked:
        pytest.skip(f"{iam_principal.name} is a service-linked role managed by AWS")
    if _allow_listed(aws_settings, iam_principal.principal_name):
        pytest.skip(f"{iam_principal.name} is allow-listed in aws_admin_role_allowlist")
    grants = _admin_sources(aws, _principal(aws, iam_principal.kind,
                                            iam_principal.principal_name))
    assert not grants, (
        f"{iam_principal.name} is an administrator through {'; '.join(grants)} "
        "and is not in aws_admin_role_allowlist"
    )


@pytest.mark.severity("low")
@pytest.mark.control(
    "iam-user-no-direct-policies",
    title="IAM users get permissions only through groups or roles",
    frameworks={"cis-aws-3.0": "1.15", "cis-aws-7.0": "2.13", "aws-fsbp": "IAM.2"},
    remediation="aws iam add-user-to-group --user-name <user> --group-name <group>; then "
    "aws iam detach-user-policy / delete-user-policy for each direct policy",
)
def test_user_has_no_direct_policies(iam_user, aws):
    direct = _principal(aws, "user", iam_user.name).direct_policies
    assert not direct, (
        f"user {iam_user.name} has policies of its own: {'; '.join(p.describe() for p in direct)}"
    )


@pytest.mark.severity("low")
@pytest.mark.control(
    "iam-policy-no-service-wildcard",
    title='Customer-managed policies do not allow "service:*"',
    frameworks={"aws-fsbp": "IAM.21"},
    remediation="aws iam create-policy-version --policy-arn <arn> --set-as-default "
    "--policy-document file://policy-with-named-actions.json",
)
def test_policy_has_no_service_wildcard(iam_policy, aws):
    policy = parsed(_document(aws, iam_policy), what=f"customer-managed policy {iam_policy.name}")
    wildcards = service_wildcards(policy) if policy is not None else []
    assert not wildcards, (
        f"customer-managed policy {iam_policy.name} allows whole services: {', '.join(wildcards)}"
    )


CLOUDSHELL = "AWSCloudShellFullAccess"
CLOUDSHELL_CONTROL = pytest.mark.control(
    "iam-cloudshell-full-access-not-attached",
    title="AWSCloudShellFullAccess is not attached to anyone",
    frameworks={"cis-aws-3.0": "1.22", "cis-aws-7.0": "2.20", "aws-securityhub": "IAM.27"},
    remediation="aws iam detach-user-policy / detach-group-policy / detach-role-policy "
    "--policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess ...",
)
"""One control, two tests: groups (iam_group) and users and roles (iam_principal)."""


@pytest.mark.severity("medium")
@CLOUDSHELL_CONTROL
def test_group_has_no_cloudshell_full_access(iam_group, aws):
    """One test per user and role (iam_principal) and per group (iam_group): each fails
    when AWSCloudShellFullAccess is attached to it (ListEntitiesForPolicy, read once per
    account). A user that gets it only through a group passes; the group fails."""
    assert iam_group.name not in policy_entities(aws, CLOUDSHELL)["group"], (
        f"group {iam_group.name} has {CLOUDSHELL} attached"
    )


@pytest.mark.severity("medium")
@CLOUDSHELL_CONTROL
def test_principal_has_no_cloudshell_full_access(iam_principal, aws):
    holders = policy_entities(aws, CLOUDSHELL)[iam_principal.kind]
    assert iam_principal.principal_name not in holders, (
        f"{iam_principal.name} has {CLOUDSHELL} attached"
    )
