"""Demo scenarios, one module per area. Each ``seed(world)`` builds its part of the estate.

docs/demo.md lists what each resource demonstrates; keep the two in step.
"""

from __future__ import annotations

from pytest_awscompliance.demo.gaps import Answer
from pytest_awscompliance.demo.scenarios import (
    compute,
    containers,
    identity,
    logging,
    network,
    organization,
    storage,
)
from pytest_awscompliance.demo.world import ACCOUNTS, REGIONS, DemoWorld

SCENARIOS = (organization, identity, storage, compute, logging, containers, network)
"""Organization first: the member accounts must exist before anything is put in them."""


def gap_answers() -> dict[tuple[str, str], Answer]:
    """Every scenario's gap answers (``GAPS``, see gaps.py), merged."""
    merged: dict[tuple[str, str], Answer] = {}
    for scenario in SCENARIOS:
        merged.update(getattr(scenario, "GAPS", {}))
    return merged


def tunables() -> dict[str, object]:
    """The demo organization's configuration, as its ini file would give it (``TUNABLES``)."""
    merged: dict[str, object] = {}
    for scenario in SCENARIOS:
        merged.update(getattr(scenario, "TUNABLES", {}))
    return merged


def seed_all(world: DemoWorld) -> None:
    for scenario in SCENARIOS:
        scenario.seed(world)
    settle(world)


def settle(world: DemoWorld) -> None:
    """Create every lazily built default (VPCs, security groups) now, in a fixed order.

    moto builds an account's default VPC the first time its EC2 backend is used, drawing
    ids from the seeded random generator; left to the scan, the order would depend on
    which thread asks first, and resource ids would change from run to run.
    """
    for account in ACCOUNTS:
        for region in REGIONS:
            world.client(account, "ec2", region).describe_vpcs()
