"""Privilege escalation (tip 2): policies and principals that can make themselves admin.

Methods are the Rhino Security Labs / Pacu list plus Prowler's combinations
(``pytest_awscompliance.analysis.iam.privesc_methods``). Per principal, the escalation graph
(``pytest_awscompliance.analysis.iam.graph``) follows them across principals: the finding names the
whole path to an administrator hop by hop. A grant that holds only under a condition, on
some resources, or next to a Deny that may apply is reported as *conditional* (it still
fails: someone has to look at it). A policy the evaluator cannot read is an ERROR.
"""

from fnmatch import fnmatchcase

import pytest

from pytest_awscompliance.analysis.iam import Decision
from pytest_awscompliance.analysis.privilege import (
    describe_findings,
    describe_path,
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
    title="No attached customer-managed or inline policy enables a known privilege escalation",
    remediation=PRIVESC_REMEDIATION,
)
def test_managed_policy_has_no_escalation(iam_policy, aws):
    """Policy-centric (Prowler style), default version only; full-admin policies are
    reported by iam-customer-policy-no-full-admin instead."""
    if iam_policy.attachment_count == 0:
        pytest.skip(f"policy {iam_policy.name} is not attached to anything")
    document = _document(aws, iam_policy)
    if full_admin(document, f"customer-managed policy {iam_policy.name}"):
        pytest.skip(f"policy {iam_policy.name} grants full admin: reported by "
                    "iam-customer-policy-no-full-admin")
    findings = policy_escalations(document, f"customer-managed policy {iam_policy.name}")
    assert not findings, (
        f"customer-managed policy {iam_policy.name} {_escalates(findings)} privileges: "
        f"{describe_findings(findings)}"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-policy-no-privilege-escalation",
    title="No attached customer-managed or inline policy enables a known privilege escalation",
    remediation=PRIVESC_REMEDIATION,
)
def test_inline_policy_has_no_escalation(iam_inline_policy):
    """Full-admin inline policies are reported by iam-inline-policy-no-full-admin instead."""
    what = iam_inline_policy.describe()
    if full_admin(iam_inline_policy.document, what):
        pytest.skip(f"{what} grants full admin: reported by iam-inline-policy-no-full-admin")
    findings = policy_escalations(iam_inline_policy.document, what)
    assert not findings, (
        f"{what} {_escalates(findings)} privileges: {describe_findings(findings)}"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-principal-no-privilege-escalation",
    title="No IAM user or role that is not an admin can escalate its privileges",
    remediation=PRIVESC_REMEDIATION,
)
def test_principal_cannot_escalate(iam_principal, aws, aws_settings):
    """Merged inline, attached and (users) group policies within the permissions boundary,
    followed through the account's escalation graph. Passing a role counts only for a role
    that trusts the launched service and leads to an administrator (``iam:PassedToService``
    and PassRole's resources respected); a new Auto Scaling group from an existing launch
    configuration or template of a scanned region counts too. The account's SCPs cut edges
    where the scan can read them; where it cannot, the finding says "SCPs not evaluated"."""
    name = iam_principal.principal_name
    if any(fnmatchcase(name, g) for g in aws_settings.tunable("aws_admin_role_allowlist")):
        pytest.skip(f"{iam_principal.name} is allow-listed in aws_admin_role_allowlist")
    if iam_principal.service_linked:
        pytest.skip(f"{iam_principal.name} is a service-linked role managed by AWS")
    principal = _principal(aws, iam_principal.kind, name)
    if is_admin(principal):
        pytest.skip(f"{iam_principal.name} is already an administrator: reported by "
                    "iam-no-administratoraccess-for-humans")
    path, findings = principal_escalations(directory(aws), principal)
    problems = []
    if path is not None:
        how = "can escalate" if path.definite else "can conditionally escalate"
        problems.append(f"{how} to administrator: {describe_path(path)}")
    if findings:
        problems.append(f"{_escalates(findings)} privileges: {describe_findings(findings)}")
    assert not problems, f"{iam_principal.name} {' | '.join(problems)}"


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-no-permissive-role-assumption",
    title="Customer-managed and inline policies do not allow sts:AssumeRole on every role",
    remediation="Name the roles in Resource (arn:aws:iam::<account>:role/<name>) or add a "
    "condition such as aws:ResourceAccount / aws:ResourceOrgID",
)
def test_managed_policy_does_not_assume_any_role(iam_policy, aws):
    statements = permissive_assume_role(_document(aws, iam_policy),
                                        f"customer-managed policy {iam_policy.name}")
    assert not statements, (
        f"customer-managed policy {iam_policy.name} allows sts:AssumeRole on Resource \"*\" "
        f"without a condition ({', '.join(statements)})"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "iam-no-permissive-role-assumption",
    title="Customer-managed and inline policies do not allow sts:AssumeRole on every role",
    remediation="Name the roles in Resource (arn:aws:iam::<account>:role/<name>) or add a "
    "condition such as aws:ResourceAccount / aws:ResourceOrgID",
)
def test_inline_policy_does_not_assume_any_role(iam_inline_policy):
    statements = permissive_assume_role(iam_inline_policy.document, iam_inline_policy.describe())
    assert not statements, (
        f"{iam_inline_policy.describe()} allows sts:AssumeRole on Resource \"*\" without a "
        f"condition ({', '.join(statements)})"
    )
