"""AWS Organizations (general recommendations): membership, guardrail SCPs, environments."""

import pytest

from pytest_awscompliance.analysis.org_layout import account_label, placement_problems
from pytest_awscompliance.facts.organizations import (
    account_tags,
    cannot_see_organization,
    guardrail_scps,
    is_management_account,
    organization,
    organization_accounts,
    roots,
    scp_enabled,
    workloads,
)


@pytest.mark.severity("medium")
@pytest.mark.control(
    "account-member-of-organization",
    title="The account belongs to an AWS Organization with all features enabled",
    frameworks={"aws-securityhub": "Account.2"},
    remediation="Invite the account from the management account (aws organizations "
    "invite-account-to-organization --target Id=<id>,Type=ACCOUNT) and accept the "
    "handshake; enable all features with aws organizations enable-all-features",
)
def test_account_in_organization(aws_account):
    org = organization(aws_account)
    assert org is not None and org.get("FeatureSet") == "ALL", (
        f"account {aws_account.account_id} "
        + ("is not in an AWS Organization" if org is None else
           f"is in {org.get('Id')} with FeatureSet={org.get('FeatureSet')} (SCPs need ALL)")
    )


def _skip_unless_organization_visible(aws_account):
    reason = cannot_see_organization(aws_account)
    if reason:
        pytest.skip(reason)


@pytest.mark.severity("high")
@pytest.mark.control(
    "org-scp-guardrails-attached",
    title="Every member account is governed by guardrail SCPs (not only FullAWSAccess)",
    frameworks={"cis-aws-7.0": "2.1.2"},
    remediation="aws organizations enable-policy-type --root-id <r-id> "
    "--policy-type SERVICE_CONTROL_POLICY",
)
def test_scps_enabled_at_root(aws_account):
    """SCPs must be enabled at the root, or no SCP restricts anything. Judged from the
    management account (or a delegated administrator); members SKIP."""
    _skip_unless_organization_visible(aws_account)
    disabled = [f"{r.get('Name')} ({r['Id']})" for r in roots(aws_account) if not scp_enabled(r)]
    assert not disabled, (
        f"service control policies are not enabled at root {', '.join(disabled)}: "
        "no SCP restricts any account"
    )


@pytest.mark.severity("high")
@pytest.mark.control(
    "org-scp-guardrails-attached",
    title="Every member account is governed by guardrail SCPs (not only FullAWSAccess)",
    frameworks={"cis-aws-7.0": "2.1.2"},
    remediation="Attach a guardrail SCP (e.g. denying cloudtrail:StopLogging, "
    "guardduty:DeleteDetector, organizations:LeaveOrganization) to the root or to the "
    "accounts' OUs: aws organizations attach-policy --policy-id <p-id> --target-id <ou-id>",
)
def test_member_account_governed_by_scps(member_account, aws):
    """One test per ACTIVE member account, judged from the management account: walks root
    -> OUs -> account; an SCP counts when it is not FullAWSAccess and restricts something
    (a Deny, or an allow-list). The management account is never restricted by SCPs and is
    not judged."""
    account = next((a for a in organization_accounts(aws) if a["Id"] == member_account.name),
                   None)
    if account is None:  # listed by ListAccounts but not under the root: cannot be judged
        raise LookupError(f"member account {account_label(member_account.raw)} is not under "
                          "any root or OU of the organization")
    enabled = all(scp_enabled(r) for r in roots(aws))
    assert enabled and guardrail_scps(aws, account), (
        f"member account {account_label(account)} is governed only by FullAWSAccess"
        f"{'' if enabled else ' (SCPs are disabled at the root)'}"
    )


@pytest.mark.severity("low")
@pytest.mark.control(
    "org-environments-separated",
    title="Prod and non-prod accounts sit in separate OUs; the management account runs "
    "no workloads",
    frameworks={"cis-aws-7.0": "2.1.3, 2.1.4"},
    remediation="Create one OU per environment (e.g. Prod, NonProd) and move the accounts: "
    "aws organizations move-account --account-id <id> --source-parent-id <old> "
    "--destination-parent-id <ou-id>",
)
def test_environments_in_separate_ous(aws_account, aws_settings):
    """Heuristic on the account tag named by the ini option aws_environment_tag_key
    (default Environment): accounts of different environments must not share an OU, and
    production accounts must sit under an OU named prod/production. One test per
    organization (from its management account), not per member account: what is judged is
    the OU layout, and a mixed OU is a fact about the OU and all its accounts together (no
    one account of it is the offender, and waiving one would leave the OU mixed). The
    management account's own workloads are judged per region by the second test."""
    _skip_unless_organization_visible(aws_account)
    key = aws_settings.tunable("aws_environment_tag_key")
    accounts = [{**a, "Environment": account_tags(aws_account, a["Id"]).get(key)}
                for a in organization_accounts(aws_account) if a.get("Status") == "ACTIVE"]
    problems = placement_problems(accounts)
    assert not problems, f"environments are not separated (tag {key}): {'; '.join(problems)}"


@pytest.mark.severity("low")
@pytest.mark.control(
    "org-environments-separated",
    title="Prod and non-prod accounts sit in separate OUs; the management account runs "
    "no workloads",
    frameworks={"cis-aws-7.0": "2.1.3, 2.1.4"},
    remediation="Move the workloads into member accounts; keep the management account for "
    "billing and organization administration only",
)
def test_management_account_runs_no_workloads(aws):
    """The management account, per region, runs no EC2 instances and no Lambda/ECS/EKS/RDS
    resources known to the Tagging API (untagged ones are not seen). The management account
    is what is judged (a workload is fine anywhere else), so the workloads found are the
    evidence of one regional finding, not resources with findings of their own."""
    if not is_management_account(aws):
        pytest.skip(f"account {aws.account_id} is not an organization management account")
    found = workloads(aws)
    assert not found, (
        f"management account {aws.account_id} runs workloads in {aws.region}: "
        f"{', '.join(found)}"
    )
