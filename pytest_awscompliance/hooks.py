"""Hook specifications of pytest-awscompliance (added with ``pytest_addhooks``).

A ``conftest.py`` or a plugin implements them like any pytest hook; the bundled demo
(``--aws-demo``) uses nothing else to hand the scan its accounts and its client set-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pytest_awscompliance.aws.targets import Plan
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
    canned answers for an API an emulator lacks. Called from the scan's threads.
    """
