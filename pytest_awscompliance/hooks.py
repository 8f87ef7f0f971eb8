"""Hook specifications of pytest-awscompliance (added with ``pytest_addhooks``).

A ``conftest.py`` or a plugin implements them like any pytest hook; the bundled demo
(``--aws-demo``) uses nothing else to hand the scan its accounts and its client set-up, and
the bundled resource types (``inventory/bundled.py``) register like a team's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_awscompliance.aws.targets import Plan
    from pytest_awscompliance.inventory.registry import ResourceType
    from pytest_awscompliance.settings.options import Settings


@pytest.hookspec(firstresult=True)
def pytest_awscompliance_plan(config: pytest.Config, settings: Settings) -> Plan | None:
    """Return the accounts and regions to scan instead of resolving them from the options.

    Called once, on the controller (xdist workers receive the plan). The first non-``None``
    answer wins; ``aws.targets.resolve_given`` applies ``--aws-region`` and ``--aws-shard``
    to a fixed list of accounts. Raise ``pytest.UsageError`` for a one-line usage error.
    """


def pytest_awscompliance_client_created(client: Any, account_id: str, service: str,
                                        region: str) -> None:
    """Called for every boto3 client the scan creates, before its first request.

    Register botocore event handlers on ``client.meta.events`` here, e.g. a ``Stubber`` or
    canned answers for an API an emulator lacks. Called from the scan's threads. The same
    account, service and region can get a new client (on an xdist worker after collection;
    without xdist after its account's tests are done and another test reads it): the hook
    is called for each client.
    """


def pytest_awscompliance_resource_types(config: pytest.Config) -> list[ResourceType]:
    """Declare resource types: each one becomes a fixture giving one test per resource.

    Return ``ResourceType`` objects (``from pytest_awscompliance import ResourceType``):
    the fixture name, its scope (``"account"`` or ``"regional"``), the discovery function
    of one target (using ``aws.read`` / ``aws.paginate``), a description, and how a
    resource's name and ARN are formed. Called once for each plugin or ``conftest.py``
    that implements it, as soon as it is registered, before its tests are collected.
    Resources are discovered once per run, only when a selected test asks for the fixture;
    xdist workers share the reads and snapshots record and replay them.
    A name given twice or a bad registration is a usage error.
    """
