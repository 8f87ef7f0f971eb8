"""``ReportingPlugin``: collects control results on the controller and writes the reports.

Registered by the main plugin's ``pytest_configure`` on the controller and on xdist
workers; everything it does happens on the controller (workers only send reports), where
``pytest_runtest_logreport`` sees every report, deserialized.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import pytest

from pytest_awscompliance.collect.state import SCAN
from pytest_awscompliance.model.results import (
    ControlResult,
    is_control_report,
    merge,
    ordered,
    result_of,
)
from pytest_awscompliance.reporting import gate, ocsf, summary
from pytest_awscompliance.settings.report_options import read_options

PLUGIN_NAME = "awscompliance-reporting"
HTML_PLUGIN_NAME = "awscompliance-reporting-html"
DIST = "pytest-awscompliance"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


class ReportingPlugin:
    """Control results -> OCSF JSON, terminal summary, exit status, pytest-html."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.options = read_options(config)
        self.is_worker = hasattr(config, "workerinput")
        self.started = datetime.now(UTC)
        self._results: dict[str, ControlResult] = {}
        self.other_failures = 0
        self.json_written: str | None = None
        if self.is_worker:
            return
        if self.options.json_path is not None:
            problem = ocsf.target_problem(self.options.json_path)
            if problem:
                raise pytest.UsageError(f"--compliance-json: {problem}")
        if config.pluginmanager.hasplugin("html") and config.getoption("htmlpath", None):
            from pytest_awscompliance.reporting.html import HtmlHooks

            config.pluginmanager.register(HtmlHooks(config, self), HTML_PLUGIN_NAME)

    # -- what the reports need (also the ``ScanView`` of the HTML hooks) ---------------

    def results(self) -> list[ControlResult]:
        return ordered(self._results.values())

    def _plan(self) -> Any:
        state = self.config.stash.get(SCAN, None)
        return state.plan if state is not None else None

    def accounts(self) -> list[str]:
        plan = self._plan()
        found = {r.account for r in self._results.values() if r.account}
        if plan is not None:
            found.update(a.account_id for a in plan.accounts)
        return sorted(found)

    def targets(self) -> dict[str, str]:
        plan = self._plan()
        if plan is None:
            return {}
        return {a.account_id: f"{a.label}: {', '.join(plan.regions.get(a.account_id, []))}"
                for a in plan.accounts}

    def partition(self) -> str | None:
        plan = self._plan()
        return plan.partition if plan is not None else None

    def versions(self) -> dict[str, str]:
        import boto3
        import botocore

        return {DIST: _version(DIST), "boto3": boto3.__version__,
                "botocore": botocore.__version__, "pytest-html": _version("pytest-html")}

    # -- hooks -------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.is_worker:
            return
        result = result_of(report)
        if result is not None:
            self._results[result.nodeid] = merge(self._results.get(result.nodeid), result)
        elif report.failed and not is_control_report(report):
            self.other_failures += 1

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if not self.is_worker and report.failed:
            self.other_failures += 1

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.is_worker:
            return
        results = self.results()
        broken = int(session.exitstatus) in (pytest.ExitCode.USAGE_ERROR,
                                             pytest.ExitCode.INTERNAL_ERROR)
        if self.options.json_path is not None and not broken:  # keep the last good file
            findings = ocsf.to_findings(results, version=_version(DIST),
                                        partition=self.partition() or "aws",
                                        now_ms=int(time.time() * 1000))
            ocsf.write_atomic(self.options.json_path, findings)
            self.json_written = str(self.options.json_path)
        status = gate.exit_status(int(session.exitstatus), results, self.options.fail_on,
                                  self.other_failures)
        if status != int(session.exitstatus):
            session.exitstatus = pytest.ExitCode(status)

    def expired_waivers(self) -> list[dict[str, Any]]:
        """Expired waivers from the waivers feature (empty without a waiver file)."""
        try:
            from pytest_awscompliance.waivers.plugin import expired_waivers
        except ImportError:  # pragma: no cover - the waivers feature ships with this package
            return []
        return expired_waivers(self.config)

    def pytest_terminal_summary(self, terminalreporter: Any, config: pytest.Config) -> None:
        if self.is_worker:
            return
        lines = summary.summary_lines(self.results(), expired=self.expired_waivers(),
                                      fail_on=self.options.fail_on)
        if self.json_written:
            lines.append(f"OCSF findings: {self.json_written}")
        if not lines:
            return
        terminalreporter.section("aws compliance summary")
        for line in lines:
            terminalreporter.line(line)
