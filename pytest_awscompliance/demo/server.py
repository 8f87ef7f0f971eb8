"""Start moto's server on a free loopback port and seed the demo organization into it."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

from pytest_awscompliance.aws.sessions import AccountAccess
from pytest_awscompliance.aws.targets import Plan, resolve_given
from pytest_awscompliance.demo.world import (
    ACCOUNT_NAMES,
    ACCOUNTS,
    HOME,
    MANAGEMENT,
    MEMBER_ROLE,
    REGIONS,
    DemoWorld,
)
from pytest_awscompliance.model.errors import TargetError
from pytest_awscompliance.settings.options import Settings


@dataclass
class DemoServer:
    """A running demo: its endpoint and how to stop it."""

    endpoint: str
    server: Any

    def accounts(self) -> list[AccountAccess]:
        found = []
        for account in ACCOUNTS:
            role = None if account == MANAGEMENT else f"arn:aws:iam::{account}:role/{MEMBER_ROLE}"
            label = "demo management account" if role is None \
                else f"demo role {MEMBER_ROLE} ({ACCOUNT_NAMES[account]})"
            found.append(AccountAccess(account, label, role_arn=role,
                                       endpoint_url=self.endpoint, home_region=HOME))
        return found

    def plan(self, settings: Settings) -> Plan:
        try:
            return resolve_given(settings, self.accounts(), list(REGIONS))
        except TargetError as exc:
            import pytest

            raise pytest.UsageError(str(exc)) from None

    def stop(self) -> None:
        self.server.stop()


def start_demo() -> DemoServer:
    """Start moto on 127.0.0.1 and seed every scenario. Needs the ``demo`` extra."""
    try:
        from moto.moto_api._internal import mock_random
        from moto.server import ThreadedMotoServer
    except ImportError:
        import pytest

        raise pytest.UsageError(
            "--aws-demo needs moto's server: pip install 'pytest-awscompliance[demo]'"
        ) from None
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no per-request access log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    mock_random.seed(20261128)
    from pytest_awscompliance.demo.scenarios import seed_all

    seed_all(DemoWorld(endpoint))
    return DemoServer(endpoint, server)
