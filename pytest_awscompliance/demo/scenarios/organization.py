"""The organization: a management account and two members with fixed, readable ids."""

from __future__ import annotations

from unittest import mock

from pytest_awscompliance.demo.world import ACCOUNT_NAMES, DEV, MANAGEMENT, PROD, DemoWorld


def seed(world: DemoWorld) -> None:
    org = world.client(MANAGEMENT, "organizations")
    org.create_organization(FeatureSet="ALL")
    members = iter((PROD, DEV))
    with mock.patch("moto.organizations.utils.make_random_account_id",
                    side_effect=lambda: next(members)):
        for account, env in ((PROD, "prod"), (DEV, "dev")):
            org.create_account(Email=f"{ACCOUNT_NAMES[account]}@example.com",
                               AccountName=ACCOUNT_NAMES[account],
                               Tags=[{"Key": "Environment", "Value": env}])
