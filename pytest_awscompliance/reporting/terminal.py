"""The terminal output of a compliance run: a failing control is a finding, not a crash.

By default each failing resource is one line (``finding_lines``), grouped by control and
ordered by severity, and pytest's traceback and ``FAILED nodeid`` line of that failure are
left out. A control that *breaks* (any exception other than an assertion: an ERROR) keeps
its traceback. ``--tb=...`` or ``-v`` gives pytest's normal output back; ``-r`` given on
the command line keeps pytest's short summary lines. The compliance summary is the last
block, with the report paths under it.

The formatting is plain functions over ``ControlResult``; ``TerminalOutput`` is the glue,
registered on the controller only (xdist workers' output is never shown).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from pytest_awscompliance.model.results import ControlResult, is_control_report
from pytest_awscompliance.settings.xdist import is_worker

SEVERITY_WIDTH = 8  # "critical"
TARGET_SEGMENT = 24  # a resource id longer than this is shortened with an ellipsis
ELLIPSIS = "\u2026"


# -- which output the user asked for ----------------------------------------------------

def _gave_option(args: Sequence[str], long: str, short: str = "") -> bool:
    for arg in args:
        if arg == long or arg.startswith(long + "="):
            return True
        if short and arg.startswith(short) and not arg.startswith("--"):
            return True
    return False


def wants_tracebacks(tbstyle: str, verbose: int, args: Sequence[str]) -> bool:
    """pytest's normal failure output: ``--tb`` was given (even ``--tb=auto``) or ``-v``."""
    return verbose > 0 or tbstyle not in ("auto", "") or _gave_option(args, "--tb")


def explicit_report_chars(reportchars: str, args: Sequence[str]) -> bool:
    """``-r`` was given: pytest's short summary lines are shown as asked."""
    return reportchars != "fE" or _gave_option(args, "-r", "-r")


def is_assertion_failure(report: Any) -> bool:
    """A control's failed assertion (a finding): not an error, not an ordinary test."""
    return (bool(getattr(report, "failed", False)) and getattr(report, "when", "") == "call"
            and getattr(report, "compliance_message", None) is not None
            and is_control_report(report))


# -- the finding lines --------------------------------------------------------------------

def shorten(segment: str, limit: int = TARGET_SEGMENT) -> str:
    """``i-0841d5c3e1f0a2b4c`` -> ``i-0841d5c3e1f0a2b…`` when longer than ``limit``."""
    return segment if len(segment) <= limit else segment[: limit - 1] + ELLIPSIS


def target_of(result: ControlResult) -> str:
    """``account/region/resource`` as in the test id, each part short enough to read."""
    name = result.name
    if "[" in name and name.endswith("]"):
        parts = name[name.index("[") + 1:-1].split("/")
    else:
        parts = [p for p in (result.account, result.region, result.resource) if p]
    return "/".join(shorten(part) for part in parts) or "?"


def finding_line(result: ControlResult, control_width: int = 0) -> str:
    """``FAIL high     ec2-instance-imdsv2-required  222222222222/eu-west-1/i-08…: evidence``."""
    severity = result.severity or "?"
    control = result.control_id.ljust(control_width)
    message = " ".join((result.message or "no message").split())
    return f"FAIL {severity:<{SEVERITY_WIDTH}} {control}  {target_of(result)}: {message}"


def by_severity(results: Iterable[ControlResult]) -> list[ControlResult]:
    """Most severe first, each control's results together, then by target."""
    return sorted(results, key=lambda r: (-r.rank, r.control_id, r.account, r.region,
                                          r.resource, r.nodeid))


def finding_lines(results: Iterable[ControlResult]) -> list[str]:
    """One line per failed result, grouped by control, most severe control first."""
    failed = by_severity(r for r in results if r.outcome == "failed")
    width = max((len(r.control_id) for r in failed), default=0)
    return [finding_line(r, width) for r in failed]


def report_path_lines(paths: Sequence[tuple[str, str | None]]) -> list[str]:
    """``reports:`` then one ``  what: path`` line per report written."""
    written = [(what, path) for what, path in paths if path]
    if not written:
        return []
    return ["reports:"] + [f"  {what}: {path}" for what, path in written]


# -- the short text that replaces a finding's traceback ------------------------------------

@dataclass
class FindingRepr:
    """A finding's ``longrepr`` when no traceback was asked for: where and what, one line.

    JUnit XML and pytest-html read it (``reprcrash``, ``toterminal``) instead of the
    traceback, which repeats the control's source and weighs kilobytes per finding.
    """

    path: str
    lineno: int
    message: str

    @property
    def reprcrash(self) -> Any:
        from _pytest._code.code import ReprFileLocation

        return ReprFileLocation(self.path, self.lineno, self.message)

    def toterminal(self, tw: Any) -> None:
        tw.line(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.lineno}: AssertionError: {self.message}"


def short_repr(report: Any) -> FindingRepr:
    crash = getattr(report.longrepr, "reprcrash", None)
    path = str(getattr(crash, "path", "") or report.location[0])
    lineno = int(getattr(crash, "lineno", 0) or (report.location[1] or 0) + 1)
    return FindingRepr(path, lineno, str(report.compliance_message))


# -- what the terminal reporter keeps ------------------------------------------------------

@dataclass(frozen=True)
class Counted:
    """Stands in the terminal reporter's ``stats`` for a report it will only count.

    pytest's terminal reporter keeps every report until the end, for the summary lines and
    the ``N failed, M passed`` count; most of them are only counted. One shared stand-in per
    kind keeps the count (8 bytes a test instead of a 2 to 3 KB report)."""

    outcome: str
    when: str = "call"
    count_towards_summary: bool = True
    compliance_message: str | None = None
    user_properties: tuple[tuple[str, str], ...] = ()

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"

    @property
    def skipped(self) -> bool:
        return self.outcome == "skipped"


PASSED = Counted("passed")
SKIPPED = Counted("skipped")
FINDING = Counted("failed", compliance_message="", user_properties=(("control_id", ""),))
"""A control's failed assertion (``is_assertion_failure`` is true of it)."""


@dataclass(frozen=True)
class CrashOnly:
    """A finding's ``longrepr`` in the terminal's stats when pytest shows no more of it
    than its crash message (``--tb=no``: the short summary line). The traceback,
    kilobytes per finding, goes; the crash location and message stay."""

    reprcrash: Any

    def toterminal(self, tw: Any) -> None:
        tw.line(str(self.reprcrash))

    def __str__(self) -> str:
        return str(self.reprcrash)


class CrashLine(pytest.TestReport):
    """A finding's report as the terminal keeps it for its short summary line: the same
    class and values, but its usual fields in slots, so that 12,400 findings don't each
    keep a ``__dict__`` (an attribute outside them still goes to one)."""

    __slots__ = (
        "_id",
        "compliance_message",
        "control_module",
        "duration",
        "extras",
        "keywords",
        "location",
        "longrepr",
        "outcome",
        "sections",
        "start",
        "stop",
        "user_properties",
        "when",
    )

    def __init__(self, report: Any, longrepr: Any) -> None:
        for name, value in vars(report).items():
            setattr(self, name, value)
        self.longrepr = longrepr


CRASH_LINE_STYLES = ("no",)
"""``--tb`` styles whose output needs only a finding's crash message."""


def stand_in(category: str, report: Any, *, reportchars: str, findings_shown: bool,
             tbstyle: str = "auto") -> Any:
    """The stand-in for a report the terminal will only count, or ``None`` to keep it.

    Passed call reports are shown only by ``-rp``/``-rP``/``-rA``, skips by ``-rs``/``-ra``,
    a finding only when tracebacks or ``-r`` were asked for (``TerminalOutput``), and with
    ``--tb=no`` only by its crash message (a copy holding just that)."""
    if category == "passed" and getattr(report, "when", "") == "call" \
            and not set(reportchars) & {"p", "P"}:
        return PASSED
    if category == "skipped" and "s" not in reportchars:
        return SKIPPED
    if category == "failed" and is_assertion_failure(report):
        if not findings_shown:
            return FINDING
        crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
        if tbstyle in CRASH_LINE_STYLES and crash is not None:
            return CrashLine(report, CrashOnly(crash))
    return None


class TerminalStats:
    """Keeps the terminal reporter's ``stats`` to what it will show.

    An xdist worker sends each report to the controller; its own terminal reporter, whose
    output nobody reads, forgets them all. Elsewhere passed setup and teardown phases
    (category "") without captured output are forgotten, and the reports the terminal only
    counts are replaced by a shared stand-in (``stand_in``), unless ``--durations`` asks
    for every report's duration: then the controller keeps them all."""

    name = "awscompliance-terminal-reports"

    def __init__(self, config: pytest.Config, terminal: Any) -> None:
        args = list(config.invocation_params.args)
        self.stats: dict[str, list[Any]] = terminal.stats
        self.everything = is_worker(config)
        self.durations = config.getoption("durations", None) is not None
        self.reportchars = str(getattr(terminal, "reportchars", "fE"))
        self.tbstyle = str(config.getoption("tbstyle", "auto"))
        self.findings_shown = wants_tracebacks(
            str(config.getoption("tbstyle", "auto")),
            int(config.getoption("verbose", 0) or 0), args) or explicit_report_chars(
            str(config.getoption("reportchars", "fE")), args)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.durations and not self.everything:
            return
        for category, reports in self.stats.items():
            if not reports or reports[-1] is not report:
                continue
            if self.everything or (category == "" and not report.sections):
                reports.pop()
                return
            counted = stand_in(category, report, reportchars=self.reportchars,
                               findings_shown=self.findings_shown, tbstyle=self.tbstyle)
            if counted is not None:
                reports[-1] = counted
            return


# -- glue -------------------------------------------------------------------------------

class _ShortSummaryGate:
    """Puts the findings back before pytest's short summary when ``-r`` was given."""

    def __init__(self, owner: TerminalOutput) -> None:
        self.owner = owner

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.owner.explicit_r:
            self.owner.restore(terminalreporter)


class TerminalOutput:
    """Finding lines instead of tracebacks, then the compliance summary, last."""

    name = "awscompliance-terminal"

    def __init__(self, config: pytest.Config,
                 summary: Callable[[], list[str]]) -> None:
        args = list(config.invocation_params.args)
        self.config = config
        self.summary = summary
        self.tracebacks = wants_tracebacks(str(config.getoption("tbstyle", "auto")),
                                           int(config.getoption("verbose", 0) or 0), args)
        self.explicit_r = explicit_report_chars(str(config.getoption("reportchars", "fE")),
                                                args)
        self._held: list[Any] = []
        self.results: Callable[[], list[ControlResult]] = list
        config.pluginmanager.register(_ShortSummaryGate(self), self.name + "-gate")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not self.tracebacks and is_assertion_failure(report):
            report.longrepr = short_repr(report)  # type: ignore[assignment]

    def restore(self, terminalreporter: Any) -> None:
        if self._held:
            terminalreporter.stats.setdefault("failed", []).extend(self._held)
            self._held = []

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> Any:
        if not self.tracebacks:
            failed = terminalreporter.stats.get("failed", [])
            self._held = [r for r in failed if is_assertion_failure(r)]
            failed[:] = [r for r in failed if not is_assertion_failure(r)]
        try:
            return (yield)
        finally:
            self.restore(terminalreporter)
            findings = finding_lines(self.results())
            if findings:
                terminalreporter.section("aws compliance findings")
                for line in findings:
                    terminalreporter.write_line(line)
            lines = self.summary()
            if lines:
                terminalreporter.section("aws compliance summary")
                for line in lines:
                    terminalreporter.write_line(line)


def progress(config: pytest.Config, message: str) -> None:
    """One progress line (``aws: ...``), printed now: no spinner, fits a CI log.

    Only on the controller, and only when pytest's terminal is there."""
    if is_worker(config):
        return
    terminal = config.pluginmanager.getplugin("terminalreporter")
    if terminal is None:
        return
    terminal.write_line(f"aws: {message}")
    terminal.flush()


def discovery_lines(plan: Any, *, workers: bool = False) -> list[str]:
    """What collection is about to read: one line per account."""
    where = " (by the xdist workers)" if workers else ""
    return [f"discovering resources in {a.account_id} ({a.label}: "
            f"{', '.join(plan.regions.get(a.account_id, []))}){where}..."
            for a in plan.accounts]
