"""pytest hooks of waivers: validate the file before anything runs, turn a waived control
failure into an xfail (a covered result that passes stays PASSED), judge which waivers are
stale once the whole run is in (see ``stale.py``), and list expired, soon-expiring and stale
waivers. The hooks are glue: the state and its accessors live in ``state.py``, the run's
controls in ``scope.py``, what goes on reports in ``reports.py``, the summary lines in
``summary.py``.

Contract for reporting code (plain builtins only, so it survives xdist and JSON):

* ``report.waiver``: ``Waiver.to_dict()`` on a result a live waiver absorbed (outcome
  ``skipped`` with ``wasxfail`` starting ``"waived:"``; JUnit ``<skipped message="waived: ...">``).
  Keys: control, justification, owner, expires (``"YYYY-MM-DD"`` or None when permanent),
  ticket (or None), permanent, account, region, resource (the waiver's globs or None),
  index (1-based position in the file), source (the file path).
* ``report.stale_waiver``: the same dict on the one report logged per stale waiver after
  the run (nodeid ``awscompliance.waivers::<file>:<line> waiver #N``, no control properties;
  outcome ``failed``, or ``skipped`` with ``--compliance-waivers-stale warn``).
* ``report.expired_waiver``: the same dict on a failed result that only an expired waiver
  covered (the waiver was not applied).
* ``expired_waivers(config)`` / ``expiring_waivers(config)``: the file's expired waivers and
  those expiring within ``--compliance-waivers-warn-days``, as the same dicts plus
  ``days_left`` (int, negative once expired). Empty when no waiver file is in use.
* ``stale_waivers(config)``: the stale waivers (same dicts plus ``scanned`` and ``reason``),
  on the controller once the run is over.
"""


from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pytest_awscompliance.collect.items import item_info
from pytest_awscompliance.model.results import merge, result_of
from pytest_awscompliance.settings.waiver_options import read_options
from pytest_awscompliance.settings.xdist import is_worker
from pytest_awscompliance.waivers.load import WaiverFileError, load_waivers, unknown_controls
from pytest_awscompliance.waivers.match import find
from pytest_awscompliance.waivers.reports import SECTION, annotate, stale_report
from pytest_awscompliance.waivers.scope import (
    bundled_ids,
    control_ids,
    partly_deselected,
    sharded,
)
from pytest_awscompliance.waivers.stale import judge
from pytest_awscompliance.waivers.state import (  # noqa: F401 - the public contract (above)
    ITEM_EXPIRED,
    ITEM_WAIVER,
    WAIVERS,
    WaiverState,
    expired_waivers,
    expiring_waivers,
    stale_waivers,
    waiver_state,
)
from pytest_awscompliance.waivers.summary import summary_html, summary_lines

WORKER_KEY = "awscompliance_waivers"
DESELECTED_KEY = "awscompliance_waivers_deselected"  # worker -> controller: waiver indices
MARKUP: dict[str, dict[str, bool]] = {"expired": {"red": True}, "expiring": {"yellow": True},
                                      "stale": {"red": True}}


def today() -> date:
    """The date expiry is judged on. Tests monkeypatch this or pass the hidden
    ``--compliance-waivers-today YYYY-MM-DD``; xdist workers use the controller's date."""
    return date.today()


class WaiverPlugin:
    """Registered by the main plugin's ``pytest_configure``, on the controller and workers."""

    name = "awscompliance-waivers"

    def __init__(self) -> None:
        self.state: WaiverState | None = None
        self.is_worker = False

    def pytest_configure(self, config: pytest.Config) -> None:
        """Load and validate the waiver file before anything is collected or run."""
        options = read_options(config)
        shared = getattr(config, "workerinput", {}).get(WORKER_KEY) or {}
        day = date.fromisoformat(shared["today"]) if shared.get("today") else None
        state = WaiverState(options, day or options.today or today())
        config.stash[WAIVERS] = self.state = state
        self.is_worker = is_worker(config)
        if not state.active or config.getoption("help", False) \
                or config.getoption("version", False):
            return
        assert options.path is not None
        try:
            state.waivers = load_waivers(options.path)
        except WaiverFileError as exc:
            raise pytest.UsageError(str(exc)) from None

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """xdist: every worker judges expiry on the controller's date."""
        node.workerinput[WORKER_KEY] = {"today": node.config.stash[WAIVERS].today.isoformat()}

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        state = waiver_state(items[0].config) if items else None
        if state is not None and state.active:
            state.deselected_ids.update(control_ids(items))
            state.partly_deselected.update(partly_deselected(state.waivers, items))
            config = items[0].config
            if is_worker(config):  # the controller judges staleness from all workers' data
                config.workeroutput[DESELECTED_KEY] = sorted(  # type: ignore[attr-defined]
                    state.partly_deselected)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        """Check every waiver names a control, then mark the results it covers."""
        state = config.stash[WAIVERS]
        if not state.active or not state.waivers:
            return
        known = control_ids(items) | state.deselected_ids
        if not known:  # no AWS control in this run (e.g. unit tests): nothing to check
            return
        problems = unknown_controls(state.waivers, known)
        if problems:
            problems = unknown_controls(state.waivers, known | bundled_ids())
        if problems:
            if is_worker(config):  # a UsageError here would crash the xdist worker
                config.workeroutput[WORKER_KEY] = problems  # type: ignore[attr-defined]
                config.hook.pytest_deselected(items=list(items))
                items[:] = []
                return
            raise pytest.UsageError("\n".join(problems))
        for item in items:
            info = item_info(item)
            if info is None:
                continue
            match = find(state.waivers, state.today, control=info.control.id,
                         account=info.account, region=info.region, resource=info.resource)
            if match.live is not None:
                # not strict: a covered result that passes is a pass (the mark is removed
                # from its report in pytest_runtest_makereport)
                item.add_marker(pytest.mark.xfail(raises=AssertionError, strict=False,
                                                  reason=match.live.reason()), append=False)
                item.stash[ITEM_WAIVER] = match.live
            elif match.expired is not None:
                item.stash[ITEM_EXPIRED] = match.expired

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        state = waiver_state(node.config)
        output = getattr(node, "workeroutput", None) or {}
        for line in output.get(WORKER_KEY, []):
            if state is not None and line not in state.worker_problems:
                state.worker_problems.append(line)
        if state is not None:
            state.partly_deselected.update(output.get(DESELECTED_KEY, []))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Any:
        """Once every result is in (all workers' too), judge staleness and log one report
        per stale waiver, before the JUnit and HTML reports are written."""
        state = waiver_state(session.config)
        judging = (state is not None and state.active and bool(state.waivers)
                   and not is_worker(session.config) and not session.config.option.collectonly)
        try:
            outcome = yield
        except BaseException as exc:  # -x/--maxfail (session.Failed), Ctrl-C...
            if state is not None and judging:
                stopped = session.shouldfail or session.shouldstop or type(exc).__name__
                state.not_judged = f"the run stopped early ({stopped})"
            raise
        if state is None or not judging:
            return outcome
        stopped = session.shouldfail or session.shouldstop
        if stopped:
            state.not_judged = f"the run stopped early ({stopped})"
            return outcome
        state.stale = judge(state.waivers, state.today, state.results.values(),
                            partly_deselected=state.partly_deselected,
                            sharded=sharded(session.config))
        session.testscollected += len(state.stale)  # one "test" each (terminal progress)
        for stale in state.stale:
            session.config.hook.pytest_runtest_logreport(
                report=stale_report(stale, state.options.stale))
        return outcome

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        state = waiver_state(session.config)
        if state is not None and state.worker_problems and not is_worker(session.config):
            raise pytest.UsageError("\n".join(state.worker_problems))

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item,
                                  call: pytest.CallInfo[None]) -> Any:
        report = yield
        waiver = item.stash.get(ITEM_WAIVER, None)
        expired = item.stash.get(ITEM_EXPIRED, None)
        if waiver is not None and report.passed and hasattr(report, "wasxfail"):
            del report.wasxfail  # compliant: a plain PASSED, whatever waiver covers it
        elif waiver is not None:
            annotate(report, call, waiver)
        elif expired is not None and report.failed:
            report.expired_waiver = expired.to_dict()
            report.sections.append((SECTION, f"{expired.label} of {expired.source} expired on "
                                             f"{expired.expires} and was not applied "
                                             f"({expired.terms()})"))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count waived results and keep every control result (on the controller under
        xdist, too), for the staleness judgement."""
        if self.state is None or not self.state.active or self.is_worker:
            return
        waiver = getattr(report, "waiver", None)
        if isinstance(waiver, dict):
            index = waiver["index"]
            self.state.waived[index] = self.state.waived.get(index, 0) + 1
        result = result_of(report)
        if result is not None:
            self.state.results[result.nodeid] = merge(self.state.results.get(result.nodeid),
                                                      result)

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        state = waiver_state(config)
        if state is None or state.options.path is None:
            return []
        if state.options.disabled:
            return [f"waivers: ignored (--no-waivers), every failure shows: {state.options.path}"]
        return [f"waivers: {len(state.waivers)} in {state.options.path} "
                f"({len(state.expired())} expired, {len(state.expiring())} expiring within "
                f"{state.options.warn_days} days of {state.today})"]

    def pytest_terminal_summary(self, terminalreporter: Any, config: pytest.Config) -> None:
        state = waiver_state(config)
        if state is None or not state.active or is_worker(config):
            return
        terminalreporter.section("compliance waivers")
        for kind, text in summary_lines(state):
            terminalreporter.line(text, **MARKUP.get(kind, {}))

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list[str], summary: list[str],
                                    postfix: list[str], session: pytest.Session) -> None:
        """pytest-html: the same lines under the summary, one list item per waiver."""
        state = waiver_state(session.config)
        if state is None or not state.active:
            return
        postfix.append(summary_html(state))
