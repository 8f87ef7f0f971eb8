"""Identity: password policies (and, as the catalog grows, users, roles and policies)."""

from __future__ import annotations

from pytest_awscompliance.demo.world import MANAGEMENT, PROD, DemoWorld


def seed(world: DemoWorld) -> None:
    # management: a policy that meets every password control (passes)
    world.client(MANAGEMENT, "iam").update_account_password_policy(
        MinimumPasswordLength=16, RequireSymbols=True, RequireNumbers=True,
        RequireUppercaseCharacters=True, RequireLowercaseCharacters=True,
        PasswordReusePrevention=24, MaxPasswordAge=90,
    )
    # prod: a weak policy (min length 8, no symbols): fails length and complexity
    world.client(PROD, "iam").update_account_password_policy(
        MinimumPasswordLength=8, RequireNumbers=True,
    )
    # dev: no password policy at all (IAM's default of 8 characters): fails
