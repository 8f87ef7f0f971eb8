"""The organization: a management account, a governed prod member and an ungoverned one.

dev (333333333333) is a standalone account that never joined. docs/demo.md
("Organization") lists what each part demonstrates.
"""

from __future__ import annotations

import json
from unittest import mock

from pytest_awscompliance.demo.world import ACCOUNT_NAMES, MANAGEMENT, PROD, DemoWorld

SHARED = "444444444444"
"""shared-services: an organization member the demo does not scan (no role into it)."""
SCP = "SERVICE_CONTROL_POLICY"
GUARDRAILS = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Sid": "ProtectSecurityServices", "Effect": "Deny", "Resource": "*",
    "Action": ["organizations:LeaveOrganization", "cloudtrail:StopLogging",
               "cloudtrail:DeleteTrail", "guardduty:DeleteDetector",
               "config:StopConfigurationRecorder"]}]})


def _security_contact(world: DemoWorld, account: str) -> None:
    world.client(account, "account").put_alternate_contact(
        AlternateContactType="SECURITY", EmailAddress="security@acme.example",
        Name="ACME Security", PhoneNumber="+1-555-0100", Title="Security Operations")


def seed(world: DemoWorld) -> None:
    org = world.client(MANAGEMENT, "organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType=SCP)
    members = ((PROD, ACCOUNT_NAMES[PROD], "prod", "Prod"),
               (SHARED, "shared-services", "shared", "Shared"))
    for account, name, environment, unit_name in members:
        with mock.patch("moto.organizations.utils.make_random_account_id",
                        return_value=account):
            org.create_account(Email=f"{name}@example.com", AccountName=name,
                               Tags=[{"Key": "Environment", "Value": environment}])
        unit = org.create_organizational_unit(ParentId=root,
                                              Name=unit_name)["OrganizationalUnit"]["Id"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=unit)
        if account == PROD:  # passes; shared-services keeps only FullAWSAccess and fails
            policy = org.create_policy(Name="acme-guardrails", Type=SCP, Content=GUARDRAILS,
                                       Description="protect security services")
            org.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"],
                              TargetId=unit)
    _security_contact(world, MANAGEMENT)
    _security_contact(world, PROD)
    # dev: never joined the organization, no security contact (fails both)
