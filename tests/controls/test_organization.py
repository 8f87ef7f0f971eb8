"""Organizations and account-baseline controls: membership, SCP guardrails, environment
separation, workloads in the management account, security contact.

In moto the organization is visible from member accounts (``DescribeOrganization``) but a
member's ``ListAccounts`` is empty, so members SKIP the organization-wide controls as they
would with the AccessDenied of real AWS.
"""

from __future__ import annotations

import json
from unittest import mock

import pytest

from tests.controls.waiver_helpers import assert_waives_only, scan_waiving
from tests.harness import (
    CALLER,
    FAILING,
    PASSING,
    REGION,
    MotoWorld,
    ScanResult,
    control_file,
    scan,
)
from tests.stubs import deny

ORGANIZATION = control_file("organization/test_organization.py")
CONTACTS = control_file("organization/test_account_contacts.py")
THIRD = "333333333333"  # never joins
SHARED = "444444444444"  # a member the scan has no role in
SCP = "SERVICE_CONTROL_POLICY"
GUARDRAIL = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Action": ["organizations:LeaveOrganization", "cloudtrail:StopLogging"],
     "Resource": "*"}]})
ALLOW_ALL_COPY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]})


class Org:
    """An organization owned by the test caller's account."""

    def __init__(self, world: MotoWorld, feature_set: str = "ALL"):
        self.client = world.client(CALLER, "organizations")
        self.client.create_organization(FeatureSet=feature_set)
        self.root = self.client.list_roots()["Roots"][0]["Id"]

    def account(self, account_id: str, name: str, environment: str | None = None) -> None:
        tags = [{"Key": "Environment", "Value": environment}] if environment else []
        with mock.patch("moto.organizations.utils.make_random_account_id",
                        return_value=account_id):
            self.client.create_account(Email=f"{name}@example.com", AccountName=name, Tags=tags)

    def unit(self, name: str, *accounts: str) -> str:
        unit = self.client.create_organizational_unit(ParentId=self.root,
                                                      Name=name)["OrganizationalUnit"]["Id"]
        for account in accounts:
            self.client.move_account(AccountId=account, SourceParentId=self.root,
                                     DestinationParentId=unit)
        return unit

    def scp(self, name: str, content: str, *targets: str) -> None:
        policy = self.client.create_policy(Name=name, Description=name, Type=SCP,
                                           Content=content)["Policy"]["PolicySummary"]["Id"]
        for target in targets:
            self.client.attach_policy(PolicyId=policy, TargetId=target)

    def enable_scps(self) -> None:
        self.client.enable_policy_type(RootId=self.root, PolicyType=SCP)


def outcome(result: ScanResult, test: str, key: str) -> str:
    return result.outcomes[f"{test}[{key}]"]


def test_organization_controls_flag_a_loose_organization(
        pytester: pytest.Pytester, world: MotoWorld) -> None:
    org = Org(world)
    org.account(PASSING, "prod-app", "prod")
    org.account(FAILING, "dev-app", "dev")
    org.account(SHARED, "shared-services", "prod")
    org.enable_scps()
    org.scp("deny-tampering", GUARDRAIL, org.unit("Production", PASSING))
    workloads = org.unit("Workloads", FAILING, SHARED)
    org.scp("allow-everything", ALLOW_ALL_COPY, workloads)
    world.client(CALLER, "ec2").run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    world.client(CALLER, "account").put_alternate_contact(
        AlternateContactType="SECURITY", EmailAddress="security@example.com", Name="Sec",
        PhoneNumber="+1 555 0100", Title="CISO")

    result = scan(pytester, ORGANIZATION, CONTACTS, accounts=[CALLER, PASSING, THIRD])
    messages = result.messages

    member = "test_account_in_organization"
    assert outcome(result, member, f"{CALLER}/global") == "passed"
    assert outcome(result, member, f"{PASSING}/global") == "passed"
    assert messages[f"{member}[{THIRD}/global]"] == \
        f"account {THIRD} is not in an AWS Organization"

    root, governed = "test_scps_enabled_at_root", "test_member_account_governed_by_scps"
    assert outcome(result, root, f"{CALLER}/global") == "passed"
    # one test per ACTIVE member, from the management account only
    assert {k for k in result.outcomes if k.startswith(governed)} == {
        f"{governed}[{CALLER}/global/{m}]" for m in (PASSING, FAILING, SHARED)}
    assert outcome(result, governed, f"{CALLER}/global/{PASSING}") == "passed"
    assert outcome(result, governed, f"{CALLER}/global/{FAILING}") == "failed"
    assert outcome(result, governed, f"{CALLER}/global/{SHARED}") == "failed"
    assert messages[f"{governed}[{CALLER}/global/{SHARED}]"] == (
        f"member account {SHARED} (shared-services) is governed only by FullAWSAccess")
    for test in (root, "test_environments_in_separate_ous"):
        assert outcome(result, test, f"{PASSING}/global") == "skipped"
        assert "run from the management account" in messages[f"{test}[{PASSING}/global]"]
        assert outcome(result, test, f"{THIRD}/global") == "skipped"

    placement = messages["test_environments_in_separate_ous[123456789012/global]"]
    assert "OU Workloads (ou-" in placement
    assert f"mixes environments dev/prod: {FAILING} (dev-app)=dev, " \
           f"{SHARED} (shared-services)=prod" in placement
    assert f"production account {SHARED} (shared-services) is not under a production OU" \
        in placement
    assert f"production account {PASSING}" not in placement

    running = "test_management_account_runs_no_workloads"
    assert outcome(result, running, f"{CALLER}/{REGION}") == "failed"
    assert "runs workloads in us-east-1: ec2 instance i-" in \
        messages[f"{running}[{CALLER}/{REGION}]"]
    assert outcome(result, running, f"{PASSING}/{REGION}") == "skipped"

    contact = "test_security_contact_registered"
    assert outcome(result, contact, f"{CALLER}/global") == "passed"
    assert messages[f"{contact}[{PASSING}/global]"] == \
        f"account {PASSING} has no SECURITY alternate contact"


def test_organization_controls_pass_a_tidy_organization(
        pytester: pytest.Pytester, world: MotoWorld) -> None:
    org = Org(world)
    org.account(PASSING, "prod-app", "production")
    org.account(FAILING, "dev-app", "dev")
    org.enable_scps()
    org.unit("Prod", PASSING)
    org.unit("NonProd", FAILING)
    org.scp("deny-tampering", GUARDRAIL, org.root)
    result = scan(pytester, ORGANIZATION, accounts=[CALLER])
    assert result.only(CALLER) == "passed", result.outcomes


def test_scps_disabled_and_consolidated_billing(pytester: pytest.Pytester,
                                                world: MotoWorld) -> None:
    org = Org(world, feature_set="CONSOLIDATED_BILLING")
    org.account(PASSING, "prod-app")
    result = scan(pytester, ORGANIZATION, accounts=[CALLER], args=["-k", "scp or in_org"])
    assert result.only(CALLER) == "failed"
    messages = result.messages
    assert "with FeatureSet=CONSOLIDATED_BILLING (SCPs need ALL)" in \
        messages[f"test_account_in_organization[{CALLER}/global]"]
    assert "are not enabled at root Root (r-" in \
        messages[f"test_scps_enabled_at_root[{CALLER}/global]"]
    assert messages[f"test_member_account_governed_by_scps[{CALLER}/global/{PASSING}]"] == (
        f"member account {PASSING} (prod-app) is governed only by FullAWSAccess "
        "(SCPs are disabled at the root)")


def test_organizations_and_account_access_denied_are_errors(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    deny(monkeypatch, "organizations", "DescribeOrganization", "AccessDeniedException",
         account=FAILING)
    deny(monkeypatch, "account", "GetAlternateContact", "AccessDeniedException",
         account=FAILING)
    result = scan(pytester, ORGANIZATION, CONTACTS, accounts=[FAILING],
                  args=["-k", "in_organization or security_contact"])
    assert result.only(FAILING) == "error"
    assert "missing permission organizations:DescribeOrganization" in result.message(FAILING)
    assert "missing permission account:GetAlternateContact" in result.message(FAILING)


def test_one_waiver_waives_one_member_account(pytester: pytest.Pytester,
                                              world: MotoWorld) -> None:
    org = Org(world)
    org.account(PASSING, "prod-app")
    org.account(FAILING, "dev-app")
    org.enable_scps()
    arn = next(a["Arn"] for a in org.client.list_accounts()["Accounts"] if a["Id"] == FAILING)
    assert arn.startswith(f"arn:aws:organizations::{CALLER}:account/o-")
    governed = "test_member_account_governed_by_scps"
    tests = [f"{governed}[{CALLER}/global/{m}]" for m in (FAILING, PASSING)]
    result = scan_waiving(pytester, ORGANIZATION, "org-scp-guardrails-attached", arn,
                          args=["--aws-account", CALLER, "-k", governed])
    assert_waives_only(result, tests[0], tests)


def test_members_list_no_member_accounts(pytester: pytest.Pytester, world: MotoWorld) -> None:
    """Only the management account discovers members: a scan of members alone has none."""
    Org(world).account(PASSING, "prod-app")
    result = scan(pytester, ORGANIZATION, accounts=[PASSING],
                  args=["-k", "member_account_governed"])
    assert result.outcomes == {}  # the control's one placeholder is deselected


@pytest.mark.parametrize("operation", ["DescribeOrganization", "ListAccounts"])
def test_unreadable_organization_is_an_error_not_zero_members(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch,
        operation: str) -> None:
    org = Org(world)
    org.account(PASSING, "prod-app")
    deny(monkeypatch, "organizations", operation, "AccessDeniedException", account=CALLER)
    governed = "test_member_account_governed_by_scps"
    result = scan(pytester, ORGANIZATION, accounts=[CALLER], args=["-k", governed])
    key = f"{governed}[{CALLER}/global/<discovery failed>]"
    assert result.outcomes == {key: "error"}
    assert f"missing permission organizations:{operation}" in result.messages[key]
