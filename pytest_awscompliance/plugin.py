"""pytest hooks of pytest-awscompliance. Each hook is glue: the logic lives in the modules."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance import __version__, hooks
from pytest_awscompliance.aws import redact
from pytest_awscompliance.aws.clients import RequestCounter
from pytest_awscompliance.aws.sessions import Credentials, assume_roles
from pytest_awscompliance.aws.targets import Plan, select_shard
from pytest_awscompliance.collect import (
    account_order,
    discovery_ahead,
    lookahead,
    outcomes,
    parametrize,
    tracebacks,
)
from pytest_awscompliance.collect.fixtures import (  # noqa: F401 - registered as plugin fixtures
    aws,
    aws_account,
    aws_settings,
)
from pytest_awscompliance.collect.items import (
    PropertyTable,
    describe_item,
    item_info,
    mark_module,
    select_items,
)
from pytest_awscompliance.collect.registration import RegistryPlugin
from pytest_awscompliance.collect.state import (
    SCAN,
    ScanState,
    ensure_plan,
    inventory_or_none,
    registry_of,
    scan_of,
)
from pytest_awscompliance.engine import prefetch, snapshot
from pytest_awscompliance.engine.cache import ReadCache, shared_cache_dir
from pytest_awscompliance.inventory import bundled
from pytest_awscompliance.model import markers
from pytest_awscompliance.model.errors import AwsApiError
from pytest_awscompliance.reporting import junit
from pytest_awscompliance.reporting.plugin import PLUGIN_NAME, ReportingPlugin
from pytest_awscompliance.reporting.terminal import TerminalStats, discovery_lines, progress
from pytest_awscompliance.settings import options, outputs
from pytest_awscompliance.settings.xdist import distributes, is_worker
from pytest_awscompliance.waivers.plugin import WaiverPlugin, waiver_state

WORKER_KEY = "awscompliance"
pytest_plugins = [
    "pytest_awscompliance.fleet.plugin",  # shard output dirs (fleet/plugin.py)
]


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hooks)


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Every report and snapshot path is checked before any plugin opens one, and before
    any AWS call: a path that cannot be written is a usage error naming its option."""
    if is_worker(config) or config.getoption("help", False) \
            or config.getoption("version", False):
        return
    outputs.check_paths(outputs.output_paths(config))


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    redact.install(config)  # credential values never reach a log (docs/security.md)
    markers.register(config)
    config.addinivalue_line("markers", f"{parametrize.NO_RESOURCES_MARK}: internal")
    state = ScanState(options.load_settings(config))
    config.stash[SCAN] = state
    # every resource type registered so far declares its types now, later ones (conftests
    # found during collection) as they are registered
    # The bundled resource types join through the same hook as a team's own. The module is
    # registered as an object: the reports import it before pytest could load it by name.
    if not config.pluginmanager.is_registered(bundled):
        config.pluginmanager.register(bundled, "awscompliance-bundled-types")
    config.pluginmanager.register(RegistryPlugin(config, state.registry), RegistryPlugin.name)
    config.pluginmanager.register(WaiverPlugin(), WaiverPlugin.name)
    config.pluginmanager.register(ReportingPlugin(config), PLUGIN_NAME)
    if state.settings.demo:
        from pytest_awscompliance.demo.plugin import DemoPlugin  # the only core line naming it

        config.pluginmanager.register(DemoPlugin(), DemoPlugin.name)
    if state.settings.snapshot:
        load_snapshot(state)
    terminal = config.pluginmanager.getplugin("terminalreporter")
    if terminal is not None:
        config.pluginmanager.register(TerminalStats(config, terminal), TerminalStats.name)
    if is_worker(config):
        shared = config.workerinput.get(WORKER_KEY) or {}  # type: ignore[attr-defined]
        if shared.get("plan"):
            state.plan = Plan.from_dict(shared["plan"])
        if shared.get("cache_dir"):
            state.cache_dir = Path(shared["cache_dir"])
        state.credentials = shared.get("credentials") or {}
        return
    junit.spool_testcases(config)  # before the guard, which wraps what this installs
    outputs.guard_report_writers(config)
    if distributes(config):
        state.cache_dir = shared_cache_dir()
    if state.settings.snapshot:
        pass  # the plan came from the snapshot
    elif (given := config.hook.pytest_awscompliance_plan(config=config,
                                                         settings=state.settings)):
        state.plan = given
    elif state.settings.explicit_target or state.settings.regions or state.settings.snapshot_save:
        progress(config, "resolving the targets (accounts, regions)...")
        ensure_plan(state)
        if state.error:
            raise pytest.UsageError(state.error)
    if distributes(config) and config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(), "awscompliance-xdist")


def load_snapshot(state: ScanState) -> None:
    """Replay mode: the plan and every answer come from the snapshot file."""
    try:
        plan, entries, meta = snapshot.load(Path(state.settings.snapshot or ""))
    except snapshot.SnapshotError as exc:
        raise pytest.UsageError(str(exc)) from None
    state.plan = select_shard(plan, state.settings.shard) if state.settings.shard else plan
    state.offline_entries = entries
    state.extras["snapshot"] = meta


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    state = config.stash.get(SCAN, None)
    if state is None:
        return
    lookahead.stop(config)
    config.stash[outputs.SESSION] = session
    if state.runtime is not None:
        state.requests.update(state.runtime.clients.requests.sent)
    if is_worker(config):
        config.workeroutput[WORKER_KEY] = {"requests": dict(state.requests)}  # type: ignore[attr-defined]
        return
    if not state.settings.snapshot_save:
        return
    if state.plan is None or session.exitstatus == pytest.ExitCode.USAGE_ERROR:
        return
    cache = state.runtime.cache if state.runtime else ReadCache(state.cache_dir)
    path = Path(state.settings.snapshot_save)
    try:
        snapshot.save(path, state.plan, cache.entries(), __version__)
    except OSError as exc:
        outputs.record_failure(config, "--aws-snapshot-save", path, exc)


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(SCAN, None)
    if state is not None and state.runtime is not None:
        state.runtime.close()
    if state is None or is_worker(config):
        return
    outputs.finish(config)
    if state.cache_dir is not None:
        shutil.rmtree(state.cache_dir, ignore_errors=True)


class XdistHooks:
    """Hands the plan and the shared read cache to every worker; schedules by target."""

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getoption("dist") != "load":
            return None  # the user chose a distribution mode: respect it
        from pytest_awscompliance.collect.scheduling import TargetScheduling

        return TargetScheduling(config, log)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """A waiver naming no control is known on the controller only when the workers
        are done, and raised at the very end: mark the run a usage error first, so that
        no report of this run replaces an earlier one."""
        state = waiver_state(session.config)
        if state is not None and state.worker_problems:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", {}).get(WORKER_KEY, {})
        scan_of(node.config).requests.update(output.get("requests", {}))

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        state = scan_of(node.config)
        node.workerinput[WORKER_KEY] = {
            "plan": state.plan.to_dict() if state.plan else None,
            "cache_dir": str(state.cache_dir) if state.cache_dir else None,
            "credentials": self._credentials(state),
        }

    @staticmethod
    def _credentials(state: ScanState) -> dict[str, Credentials]:
        """Each role assumed once for all workers (else once per worker and account)."""
        if state.plan is None or state.settings.snapshot:
            return {}
        if "assumed" not in state.extras:
            counter = RequestCounter()
            state.credentials = assume_roles(state.plan.accounts, on_request=counter)
            state.requests.update(counter.sent)
            state.extras["assumed"] = True
        return state.credentials


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    registry = registry_of(metafunc.config)
    if not parametrize.aws_fixtures_of(metafunc.fixturenames, registry):
        return
    control = parametrize.check_markers(metafunc.definition)
    parametrize.parametrize(metafunc, registry, inventory_or_none(metafunc.config), control,
                            scan_of(metafunc.config).settings)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = scan_of(config)
    config.pluginmanager.get_plugin(RegistryPlugin.name).check()
    aws_items = [i for i in items
                 if parametrize.aws_fixtures_of(getattr(i, "fixturenames", []), state.registry)]
    if aws_items and state.error:
        if not is_worker(config):
            raise pytest.UsageError(state.error)
        # A worker cannot stop the run with a usage error (xdist reports an internal
        # error): each control ERRORs with the reason instead.
        for item in aws_items:
            item.stash[TARGET_ERROR] = state.error
        return
    controls = markers.controls_of(config)
    for item in aws_items:
        describe_item(item, state.inventory, controls)
    if state.settings.frameworks and aws_items:
        # every collected control counts, also those with no resource in this scan
        known = {name for item in aws_items for name in controls.of(item).frameworks}
        problem = options.framework_problem(
            state.settings.frameworks, known,
            options.source_of(config, "--aws-framework", "aws_frameworks"))
        if problem and not is_worker(config):
            raise pytest.UsageError(problem)
        if problem:  # a worker: every control ERRORs with the reason (see above)
            for item in aws_items:
                item.stash[TARGET_ERROR] = problem
            return
    keep, drop = select_items(items, state.settings)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    account_order.order(config, state.settings, items)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    """Under xdist the workers discover: say so on the controller before they start.
    Without it, discovery of the bundled catalog's types starts here, all at once."""
    state = session.config.stash.get(SCAN, None)
    if state is not None and state.plan is not None and distributes(session.config):
        discovery_progress(session.config, state)
    if state is not None:
        discovery_ahead.start(session, state)


def discovery_progress(config: pytest.Config, state: ScanState) -> None:
    """Progress lines before the (long) discovery, once, on the controller."""
    if is_worker(config) or state.extras.get("discovery_shown"):
        return
    state.extras["discovery_shown"] = True
    for line in discovery_lines(state.plan, workers=distributes(config)):
        progress(config, line)


def pytest_collection_finish(session: pytest.Session) -> None:
    state = scan_of(session.config)
    if is_worker(session.config) and state.runtime is not None and state.cache_dir:
        state.runtime.after_collection()
    if state.runtime is not None:
        account_order.start(session, state.settings, state.runtime.release)
        state.runtime.collection_done()
    lookahead.start(session, state)


TARGET_ERROR = pytest.StashKey[str]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    error = item.stash.get(TARGET_ERROR, None)
    if error is not None:
        raise AwsApiError("sts", "GetCallerIdentity", "TargetError", error)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """The control's JUnit properties exist while its test runs: every report of the test
    carries them, and 26,000 collected tests don't each keep eight of them in memory.
    As it starts, the lookahead runs the next tests' first reads (collect/lookahead.py)."""
    lookahead.advance(item)
    info = item_info(item)
    if info is not None:
        item.user_properties.extend(info.properties())
    try:
        return (yield)
    finally:
        if info is not None:
            item.user_properties.clear()
        account_order.finished(item)


PROPERTIES = PropertyTable()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Reports (from xdist workers, as JSON) share their controls' property strings."""
    if report.user_properties:
        report.user_properties = PROPERTIES.shared(report.user_properties)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """While a per-resource control runs, the prefetcher knows which resource it judges."""
    inventory = scan_of(item.config).inventory
    running = inventory.running(item) if inventory is not None else None
    token = prefetch.CURRENT.set(running) if running else None
    try:
        return (yield)
    finally:
        if token is not None:
            prefetch.CURRENT.reset(token)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    tracebacks.start_at_test_function(item, call.excinfo)
    report = yield
    outcomes.classify(report, call.excinfo, control=item_info(item) is not None)
    mark_module(item, report)
    return report


def pytest_report_header(config: pytest.Config) -> list[str]:
    state = config.stash.get(SCAN, None)
    if state is None or state.plan is None:
        return []
    state.extras["header_shown"] = True
    return target_lines(state.plan)


def pytest_report_collectionfinish(config: pytest.Config) -> list[str]:
    """Targets resolved lazily (default credential chain) are shown after collection."""
    state = config.stash.get(SCAN, None)
    if state is None or state.plan is None or state.extras.get("header_shown"):
        return []
    return target_lines(state.plan)


def target_lines(plan: Plan) -> list[str]:
    """The targets, for the report header: accounts, how they are reached, regions."""
    lines = [f"aws targets: {len(plan.accounts)} account(s), partition {plan.partition}"]
    for access in plan.accounts:
        regions = ", ".join(plan.regions[access.account_id])
        lines.append(f"  {access.account_id} via {access.label}: {regions}")
    return lines

