"""Privilege escalation (tip 2): policies and principals that can make themselves admin.

Methods are the Rhino Security Labs / Pacu list plus Prowler's combinations
(``pytest_awscompliance.analysis.iam.privesc_methods``). A grant that holds only under a
condition, on some resources, or next to a Deny that may apply is reported as *conditional*
(it still fails: someone has to look at it).
"""

from fnmatch import fnmatchcase

import pytest

from pytest_awscompliance.analysis.iam import Decision
from pytest_awscompliance.analysis.privilege import (
    describe_findings,
    full_admin,
    is_admin,
    permissive_assume_role,
    policy_escalations,
    principal_escalations,
)
from pytest_awscompliance.facts.iam import directory

PRIVESC_REMEDIATION = ("Remove or scope the listed actions (name resources, add conditions), "
                       "or add a permissions boundary that denies them; see "
                       "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/")


def _escalates(findings):
    """``can escalate`` / ``can conditionally escalate``."""
    definite = any(f.decision is Decision.ALLOW for f in findings)
    return "can escalate" if definite else "can conditionally escalate"


def _document(aws, iam_policy):
    managed = directory(aws).managed.get(iam_policy.arn)
    return managed.document if managed else None


def _principal(aws, kind, name):
    found = directory(aws).principal(kind, name)
    if found is None:
        pytest.skip(f"{kind} {name} is not in GetAccountAuthorizationDetails (created since)")
    return found


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-policy-no-privilege-escalation",
    title="No attached customer-managed policy enables a known privilege escalation",
    remediation=PRIVESC_REMEDIATION,
)
def test_managed_policy_has_no_escalation(iam_policy, aws):
    """Policy-centric (Prowler style), default version only; full-admin policies are
    reported by iam-customer-policy-no-full-admin instead."""
    if iam_policy.attachment_count == 0:
        pytest.skip(f"policy {iam_policy.name} is not attached to anything")
    document = _document(aws, iam_policy)
    if full_admin(document):
        pytest.skip(f"policy {iam_policy.name} grants full admin: reported by "
                    "iam-customer-policy-no-full-admin")
    findings = policy_escalations(document)
    assert not findings, (
        f"customer-managed policy {iam_policy.name} {_escalates(findings)} privileges: "
        f"{describe_findings(findings)}"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-policy-no-privilege-escalation",
    title="No inline policy enables a known privilege escalation",
    remediation=PRIVESC_REMEDIATION,
)
def test_inline_policies_have_no_escalation(aws_account):
    offenders = []
    for policy in directory(aws_account).inline_policies():
        if full_admin(policy.document):
            continue  # reported by iam-inline-policy-no-full-admin
        findings = policy_escalations(policy.document)
        if findings:
            offenders.append(f"{policy.describe()} {_escalates(findings)}: "
                             f"{describe_findings(findings, limit=3)}")
    assert not offenders, (
        f"account {aws_account.account_id}: {len(offenders)} inline polic"
        f"{'y enables' if len(offenders) == 1 else 'ies enable'} privilege escalation: "
        f"{' || '.join(offenders)}"
    )


def _check_principal(aws, aws_settings, kind, name):
    if any(fnmatchcase(name, g) for g in aws_settings.tunable("aws_admin_role_allowlist")):
        pytest.skip(f"{kind} {name} is allow-listed in aws_admin_role_allowlist")
    principal = _principal(aws, kind, name)
    if principal.service_linked:
        pytest.skip(f"{name} is a service-linked role managed by AWS")
    if is_admin(principal):
        pytest.skip(f"{kind} {name} is already an administrator: reported by "
                    "iam-no-administratoraccess-for-humans")
    findings, targets = principal_escalations(directory(aws), principal)
    shown = [t for t in targets if t.admin] or targets[:3]
    more = f" and {len(targets) - len(shown)} more" if len(targets) > len(shown) else ""
    passing = f"; roles it can pass: {', '.join(t.describe() for t in shown)}{more}" \
        if targets else ""
    assert not findings, (
        f"{kind} {name} {_escalates(findings)} privileges: {describe_findings(findings)}"
        f"{passing}"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-principal-no-privilege-escalation",
    title="No IAM user that is not an admin can escalate its privileges",
    remediation=PRIVESC_REMEDIATION,
)
def test_user_cannot_escalate(iam_user, aws, aws_settings):
    """Merged inline, attached and group policies within the permissions boundary. SCPs are
    not read (a member account usually cannot read them)."""
    _check_principal(aws, aws_settings, "user", iam_user.name)


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-principal-no-privilege-escalation",
    title="No IAM role that is not an admin can escalate its privileges",
    remediation=PRIVESC_REMEDIATION,
)
def test_role_cannot_escalate(iam_role, aws, aws_settings):
    """Merged inline and attached policies within the permissions boundary. Methods that
    pass a role count only if some other role it may pass can do more than it can."""
    _check_principal(aws, aws_settings, "role", iam_role.name)


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-no-permissive-role-assumption",
    title="Customer-managed policies do not allow sts:AssumeRole on every role",
    remediation="Name the roles in Resource (arn:aws:iam::<account>:role/<name>) or add a "
    "condition such as aws:ResourceAccount / aws:ResourceOrgID",
)
def test_managed_policy_does_not_assume_any_role(iam_policy, aws):
    statements = permissive_assume_role(_document(aws, iam_policy))
    assert not statements, (
        f"customer-managed policy {iam_policy.name} allows sts:AssumeRole on Resource \"*\" "
        f"without a condition ({', '.join(statements)})"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-no-permissive-role-assumption",
    title="Inline policies do not allow sts:AssumeRole on every role",
    remediation="Name the roles in Resource (arn:aws:iam::<account>:role/<name>) or add a "
    "condition such as aws:ResourceAccount / aws:ResourceOrgID",
)
def test_inline_policies_do_not_assume_any_role(aws_account):
    offenders = []
    for policy in directory(aws_account).inline_policies():
        statements = permissive_assume_role(policy.document)
        if statements:
            offenders.append(f"{policy.describe()} ({', '.join(statements)})")
    assert not offenders, (
        f"account {aws_account.account_id}: inline policies allow sts:AssumeRole on "
        f"Resource \"*\" without a condition: {'; '.join(offenders)}"
    )
