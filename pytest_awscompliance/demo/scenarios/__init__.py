"""Demo scenarios, one module per area. Each ``seed(world)`` builds its part of the estate.

docs/demo.md lists what each resource demonstrates; keep the two in step.
"""

from __future__ import annotations

from pytest_awscompliance.demo.scenarios import (
    compute,
    containers,
    identity,
    logging,
    network,
    organization,
    storage,
)
from pytest_awscompliance.demo.world import DemoWorld

SCENARIOS = (organization, identity, storage, compute, logging, containers, network)
"""Organization first: the member accounts must exist before anything is put in them."""


def seed_all(world: DemoWorld) -> None:
    for scenario in SCENARIOS:
        scenario.seed(world)
