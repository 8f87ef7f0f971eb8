"""The terminal reporter keeps only the reports it will show; the others are counted."""

from __future__ import annotations

import pytest

from pytest_awscompliance.reporting.terminal import (
    FINDING,
    PASSED,
    SKIPPED,
    is_assertion_failure,
    stand_in,
)

KEPT = """
def pytest_sessionfinish(session):
    stats = session.config.pluginmanager.getplugin("terminalreporter").stats
    real = {key: sum(1 for r in reports if hasattr(r, "nodeid"))
            for key, reports in stats.items() if key in ("passed", "skipped", "failed")}
    (session.config.rootpath / "kept.txt").write_text(repr(sorted(real.items())))
"""

TESTS = """
import pytest

@pytest.mark.parametrize("n", range(6))
def test_n(n):
    if n == 5:
        pytest.skip("five")
    assert n % 2, "even"
"""


def _kept(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, str]:
    pytester.makeconftest(KEPT)
    pytester.makepyfile(TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    return result, (pytester.path / "kept.txt").read_text()


def test_passed_and_skipped_reports_are_only_counted(pytester: pytest.Pytester) -> None:
    result, kept = _kept(pytester)
    result.assert_outcomes(passed=2, failed=3, skipped=1)
    assert kept == "[('failed', 3), ('passed', 0), ('skipped', 0)]"


@pytest.mark.parametrize("args, kept", [
    (("-rA",), "[('failed', 3), ('passed', 2), ('skipped', 1)]"),
    (("-rs",), "[('failed', 3), ('passed', 0), ('skipped', 1)]"),
])
def test_reports_asked_for_are_kept(pytester: pytest.Pytester, args: tuple[str, ...],
                                    kept: str) -> None:
    result, found = _kept(pytester, *args)
    result.assert_outcomes(passed=2, failed=3, skipped=1)
    assert found == kept
    if "-rA" in args:
        result.stdout.fnmatch_lines(["PASSED *::test_n?1?", "SKIPPED * five"])


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["in-process", "n2"])
def test_durations_see_every_phase_of_every_test(pytester: pytest.Pytester,
                                                 xdist: tuple[str, ...]) -> None:
    """``--durations`` reads every report's duration: none is forgotten or stood in for."""
    result, kept = _kept(pytester, "--durations=0", "--durations-min=0", *xdist)
    result.assert_outcomes(passed=2, failed=3, skipped=1)
    assert kept == "[('failed', 3), ('passed', 2), ('skipped', 1)]"
    for n in range(6):
        result.stdout.fnmatch_lines([f"*s call * test_*.py::test_n[[]{n}[]]"
                                     if n != 5 else f"*s setup * test_*.py::test_n[[]{n}[]]"])


class _Report:
    def __init__(self, outcome: str, when: str = "call", control: bool = False) -> None:
        self.outcome, self.when = outcome, when
        self.failed, self.passed = outcome == "failed", outcome == "passed"
        self.compliance_message = "bucket is public" if control else None
        self.user_properties = [("control_id", "s3-x")] if control else []


def test_stand_ins() -> None:
    shown = {"reportchars": "fE", "findings_shown": False}
    assert stand_in("passed", _Report("passed"), **shown) is PASSED
    assert stand_in("skipped", _Report("skipped"), **shown) is SKIPPED
    assert stand_in("failed", _Report("failed", control=True), **shown) is FINDING
    assert is_assertion_failure(FINDING) and FINDING.failed and FINDING.count_towards_summary
    # an ordinary test's failure, a finding the user asked to see, a passed -rP: kept
    assert stand_in("failed", _Report("failed"), **shown) is None
    assert stand_in("failed", _Report("failed", control=True), reportchars="fE",
                    findings_shown=True) is None
    assert stand_in("passed", _Report("passed"), reportchars="PfE",
                    findings_shown=False) is None
    assert stand_in("error", _Report("failed", "setup", control=True), **shown) is None
