"""Hooks of the fleet feature (a module plugin, loaded by the main plugin's ``pytest_plugins``).

Glue only: option handling in options.py, the manifest in manifest.py, the baseline in
baseline.py. Everything runs on the controller; xdist workers receive the rewritten options.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance.collect.state import SCAN
from pytest_awscompliance.fleet import baseline, manifest, records
from pytest_awscompliance.fleet.closed import SCP_REASON, closed_at_discovery, closed_lines
from pytest_awscompliance.model import properties as prop
from pytest_awscompliance.model.results import result_of
from pytest_awscompliance.reporting import ocsf
from pytest_awscompliance.reporting.plugin import PLUGIN_NAME
from pytest_awscompliance.settings.fleet_options import FleetOptions, read_options
from pytest_awscompliance.settings.sharding import parse_shard
from pytest_awscompliance.settings.xdist import is_worker


@dataclass
class FleetRun:
    """What the fleet feature keeps during one run."""

    options: FleetOptions
    known: frozenset[str] | None = None
    started: str = ""
    closed: dict[str, str] = field(default_factory=dict)  # "account/region" -> reason
    baseline_status: dict[str, str] = field(default_factory=dict)  # nodeid -> new/known


FLEET = pytest.StashKey[FleetRun]()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _shard(config: pytest.Config) -> tuple[int, int] | None:
    text = config.getoption("aws_shard", None) or str(config.getini("aws_shard") or "")
    try:
        return parse_shard(text) if text else None
    except ValueError:
        return None  # the main plugin reports it as a usage error


def prepare_output_dir(config: pytest.Config, options: FleetOptions) -> int | None:
    """Point the reports into the output directory; 0 when ``--compliance-resume`` finds
    this shard already complete there. The old manifest goes first: until the new one is
    written, the directory is recognisably incomplete."""
    directory = options.output_dir
    assert directory is not None
    taken = [name for name, dest in (("--compliance-json", "compliance_json"),
                                     ("--junitxml", "xmlpath"),
                                     ("--aws-snapshot-save", "aws_snapshot_save"))
             if config.getoption(dest, None)]
    if taken:
        raise pytest.UsageError(f"{taken[0]}: not with --compliance-output-dir, which writes "
                                f"{manifest.FINDINGS}, {manifest.JUNIT} and {manifest.NAME}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        previous = manifest.read(directory)
    except OSError as exc:
        raise pytest.UsageError(f"--compliance-output-dir: cannot create {directory}: "
                                f"{exc.strerror}") from None
    except manifest.ManifestError as exc:
        previous = None
        if options.resume:
            raise pytest.UsageError(f"--compliance-resume: {exc}") from None
    shard = _shard(config)
    if options.resume and manifest.is_complete(previous) \
            and manifest.same_shard(previous, shard):
        where = f"shard {shard[0]}/{shard[1]}" if shard else "scan"
        print(f"awscompliance: {where} already complete in {directory} "
              f"({manifest.NAME}, exit status {previous['exit_status']}); not scanned again")
        return 0
    try:
        (directory / manifest.NAME).unlink(missing_ok=True)
    except OSError as exc:
        raise pytest.UsageError(f"--compliance-output-dir: {directory} is not writable: "
                                f"{exc.strerror}") from None
    config.option.compliance_json = str(directory / manifest.FINDINGS)
    config.option.xmlpath = str(directory / manifest.JUNIT)
    if options.snapshot:
        config.option.aws_snapshot_save = str(directory / manifest.SNAPSHOT)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    if is_worker(config):
        return None
    options = read_options(config)
    if options.shard:
        config.option.aws_shard = f"{options.shard[0]}/{options.shard[1]}"
    if options.output_dir is not None:
        done = prepare_output_dir(config, options)
        if done is not None:
            return done
    known = None
    if options.baseline is not None:
        try:
            known = baseline.known_failures(options.baseline)
        except records.FindingsError as exc:
            raise pytest.UsageError(f"--compliance-baseline: {exc}") from None
    config.stash[FLEET] = FleetRun(options, known, _now())
    return None


def pytest_configure(config: pytest.Config) -> None:
    run = config.stash.get(FLEET, None)
    if run is not None and not is_worker(config):
        config.pluginmanager.register(FleetHooks(config, run), "awscompliance-fleet")


class FleetHooks:
    """The controller's hooks: SCP-closed regions, baseline marks, the manifest."""

    def __init__(self, config: pytest.Config, run: FleetRun) -> None:
        self.config = config
        self.run = run

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        run = self.run
        closed = getattr(report, "scp_closed", None)
        if closed and closed not in run.closed:
            run.closed[closed] = SCP_REASON
        if run.known is None:
            return
        result = result_of(report)
        if result is not None and result.outcome == "failed":
            run.baseline_status[report.nodeid] = baseline.status(ocsf.finding_uid(result),
                                                                 run.known)
        if report.when == "teardown" and report.nodeid in run.baseline_status:
            report.user_properties = [*report.user_properties,
                                      (prop.BASELINE, run.baseline_status[report.nodeid])]

    def pytest_report_collectionfinish(self) -> list[str]:
        """Regions an SCP closes are known once discovery (collection) has run; under xdist
        the controller does not collect, so they are listed in the summary only."""
        state = self.config.stash.get(SCAN, None)
        if state is None or state.inventory is None:
            return []
        self.run.closed.update(closed_at_discovery(state.inventory.failures()))
        return closed_lines(self.run.closed)

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Any:
        result = yield
        run, config = self.run, self.config
        reporting = config.pluginmanager.get_plugin(PLUGIN_NAME)
        if run.known is not None and reporting is not None and reporting.json_written:
            path = Path(reporting.json_written)
            findings = json.loads(path.read_text(encoding="utf-8"))
            ocsf.write_atomic(path, baseline.annotate(findings, run.known))
        if run.options.output_dir is not None and reporting is not None \
                and not config.option.collectonly:  # a collection is not a scan
            write_manifest(config, run, reporting, int(session.exitstatus))
        return result

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        run = self.run
        lines = closed_lines(run.closed)
        if run.known is not None:
            counts = Counter(run.baseline_status.values())
            lines.append(f"baseline {run.options.baseline}: {counts[baseline.NEW]} new "
                         f"failure(s), {counts[baseline.KNOWN]} known")
        if run.options.output_dir is not None:
            lines.append(f"shard output: {run.options.output_dir} ({manifest.NAME})")
        if lines:
            terminalreporter.section("aws compliance fleet")
            for line in lines:
                terminalreporter.line(line)


def write_manifest(config: pytest.Config, run: FleetRun, reporting: Any, status: int) -> None:
    directory = run.options.output_dir
    assert directory is not None
    state = config.stash.get(SCAN, None)
    plan = state.plan if state is not None else None
    files = {name: name for name in (manifest.FINDINGS, manifest.JUNIT, manifest.SNAPSHOT)
             if (directory / name).is_file()}
    data = manifest.build(
        shard=state.settings.shard if state is not None else None,
        accounts=[a.account_id for a in plan.accounts] if plan else reporting.accounts(),
        regions=dict(plan.regions) if plan else {},
        organization_accounts=list(plan.all_accounts) if plan else [],
        partition=plan.partition if plan else "aws", closed=run.closed,
        versions=reporting.versions(), started=run.started, finished=_now(),
        counts=dict(Counter(r.outcome for r in reporting.results())),
        exit_status=status, files=files)
    manifest.write_json_atomic(directory / manifest.NAME, data)
