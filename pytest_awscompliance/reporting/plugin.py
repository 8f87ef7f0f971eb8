"""``ReportingPlugin``: collects control results on the controller and writes the reports.

Registered by the main plugin's ``pytest_configure`` on the controller and on xdist
workers; everything it does happens on the controller (workers only send reports), where
``pytest_runtest_logreport`` sees every report, deserialized.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance.collect.items import junit_classname
from pytest_awscompliance.collect.state import SCAN
from pytest_awscompliance.model.results import (
    ControlResult,
    is_control_report,
    merge,
    ordered,
    result_of,
)
from pytest_awscompliance.reporting import asff, gate, ocsf, summary, terminal
from pytest_awscompliance.settings import outputs
from pytest_awscompliance.settings.report_options import read_options
from pytest_awscompliance.settings.xdist import is_worker

PLUGIN_NAME = "awscompliance-reporting"
HTML_PLUGIN_NAME = "awscompliance-reporting-html"
DIST = "pytest-awscompliance"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


class ReportingPlugin:
    """Control results -> OCSF JSON, ASFF, terminal summary, exit status, pytest-html;
    a control's JUnit classname."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.options = read_options(config)
        self.is_worker = is_worker(config)
        self.started = datetime.now(UTC)
        self._results: dict[str, ControlResult] = {}
        self._frameworks: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        self.other_failures = 0
        self.json_written: str | None = None
        self.asff_written: str | None = None
        if self.is_worker:
            return
        # The paths were checked before the scan (outputs.check_paths, plugin.py).
        if config.pluginmanager.hasplugin("html") and config.getoption("htmlpath", None):
            from pytest_awscompliance.reporting.html import HtmlHooks

            config.pluginmanager.register(HtmlHooks(config, self), HTML_PLUGIN_NAME)
        output = terminal.TerminalOutput(config, self.terminal_lines)
        output.results = self.results
        config.pluginmanager.register(output, terminal.TerminalOutput.name)

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

    def home_regions(self) -> dict[str, str]:
        """Each scanned account's home region (where its global results are imported)."""
        plan = self._plan()
        return {a.account_id: a.home_region for a in plan.accounts} if plan is not None else {}

    def partition(self) -> str | None:
        plan = self._plan()
        return plan.partition if plan is not None else None

    def report_types(self) -> dict[tuple[str, str], str]:
        """The resource type names of this run's registry (bundled and declared)."""
        state = self.config.stash.get(SCAN, None)
        return ocsf.resource_types(state.registry.report_types() if state is not None
                                   else ocsf.RESOURCE_TYPES)

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
        if report.when == "setup":  # the testcase's attributes outlive the phase
            junit_classname(self.config, report)
        if report.passed and report.when != "call":
            return  # a passed setup or teardown decides nothing
        result = result_of(report)
        if result is not None:
            frameworks = self._frameworks.setdefault(result.frameworks, result.frameworks)
            if frameworks is not result.frameworks:  # one tuple per control, not per result
                result = replace(result, frameworks=frameworks)
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
                                        now_ms=int(time.time() * 1000),
                                        types=self.report_types())
            try:
                ocsf.write_atomic(self.options.json_path, findings)
                self.json_written = str(self.options.json_path)
            except OSError as exc:  # reported at the end, exit 4 (outputs.py)
                outputs.record_failure(self.config, "--compliance-json",
                                       self.options.json_path, exc)
        if self.options.asff_path is not None and not broken:
            batches = asff.to_batches(results, version=_version(DIST),
                                      partition=self.partition() or "aws",
                                      homes=self.home_regions(),
                                      now_ms=int(time.time() * 1000),
                                      types=self.report_types())
            try:
                asff.write_atomic(self.options.asff_path, batches)
                self.asff_written = str(self.options.asff_path)
            except OSError as exc:  # reported at the end, exit 4 (outputs.py)
                outputs.record_failure(self.config, "--compliance-asff",
                                       self.options.asff_path, exc)
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

    def report_paths(self) -> list[tuple[str, str | None]]:
        """The reports this run wrote, for the last lines of the terminal output."""
        found: list[tuple[str, str | None]] = []
        for what, option in (("HTML", "htmlpath"), ("JUnit XML", "xmlpath")):
            given = self.config.getoption(option, None)
            if given and Path(given).is_file():
                found.append((what, str(Path(given).absolute())))
        found.append(("OCSF findings", self.json_written))
        found.append(("Security Hub (ASFF) findings", self.asff_written))
        return found

    def terminal_lines(self) -> list[str]:
        """The compliance summary: severity table, top failing controls, errors, waivers,
        AWS requests, then the report paths."""
        lines = summary.summary_lines(self.results(), expired=self.expired_waivers(),
                                      fail_on=self.options.fail_on)
        state = self.config.stash.get(SCAN, None)
        if state is not None and state.plan is not None:
            lines.append(summary.requests_line(state.requests))
        return lines + terminal.report_path_lines(self.report_paths())
