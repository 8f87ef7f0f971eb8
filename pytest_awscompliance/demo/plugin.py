"""``--aws-demo`` as a plugin of its own: it hands the scan the demo organization's accounts
and answers moto's gaps, through the hooks of hooks.py that any ``conftest.py`` can use."""

from __future__ import annotations

import time
from typing import Any

import pytest

from pytest_awscompliance.aws.targets import Plan
from pytest_awscompliance.collect.state import settings_of
from pytest_awscompliance.demo.gaps import install
from pytest_awscompliance.demo.scenarios import gap_answers, tunables
from pytest_awscompliance.demo.server import DemoServer, start_demo
from pytest_awscompliance.reporting.terminal import progress
from pytest_awscompliance.settings.options import Settings, fill_unset_tunables

WORKER_KEY = "awscompliance-demo"


class DemoPlugin:
    """Starts the demo on the controller; on every process, answers the APIs moto lacks."""

    name = "awscompliance-demo"

    def __init__(self) -> None:
        self.server: DemoServer | None = None
        self._gaps: Any = None
        self._header_shown = False

    def _serve(self, endpoint: str | None) -> None:
        self._gaps = install(endpoint, gap_answers()) if endpoint else None

    def pytest_configure(self, config: pytest.Config) -> None:
        fill_unset_tunables(settings_of(config), tunables())  # on every process
        workerinput = getattr(config, "workerinput", None)
        if workerinput is not None:  # an xdist worker: the controller runs the server
            self._serve(workerinput.get(WORKER_KEY))

    def pytest_awscompliance_plan(self, config: pytest.Config, settings: Settings) -> Plan:
        progress(config, "starting the demo organization (moto)...")
        started = time.monotonic()
        self.server = start_demo()
        self._serve(self.server.endpoint)
        plan = self.server.plan(settings)
        progress(config, f"demo organization ready: {len(plan.accounts)} account(s) "
                         f"in {time.monotonic() - started:.1f} s")
        return plan

    def pytest_awscompliance_client_created(self, client: Any, account_id: str, service: str,
                                            region: str) -> None:
        if self._gaps is not None:
            self._gaps(client, account_id, service, region)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[WORKER_KEY] = self.server.endpoint if self.server else None

    def pytest_report_header(self) -> list[str]:
        self._header_shown = True
        return self._header()

    def pytest_report_collectionfinish(self) -> list[str]:
        """Under ``-q`` there is no header: the line comes after collection, as the targets."""
        return [] if self._header_shown else self._header()

    def _header(self) -> list[str]:
        return ["aws demo: embedded demo organization, moto"] if self.server else []

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
