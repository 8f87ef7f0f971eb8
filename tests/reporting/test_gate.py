"""``--fail-on-severity`` exit status policy."""

from __future__ import annotations

import dataclasses

import pytest

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting.gate import blocking, exit_status

BASE = ControlResult(control_id="c", severity="low", account="1", region="r", resource="x",
                     title="t", frameworks=(), remediation="", outcome="failed", message="m")


def r(severity: str, outcome: str = "failed") -> ControlResult:
    return dataclasses.replace(BASE, severity=severity, outcome=outcome)


@pytest.mark.parametrize(("results", "fail_on", "other", "expected"), [
    ([r("low")], None, 0, 1),
    ([r("low")], "medium", 0, 0),
    ([r("medium")], "medium", 0, 1),
    ([r("critical")], "high", 0, 1),
    ([r("info", "error")], "critical", 0, 1),
    ([r("low")], "critical", 1, 1),
    ([r("", "failed")], "critical", 0, 1),  # unknown severity blocks
    ([r("high", "waived"), r("low")], "high", 0, 0),
])
def test_exit_status(results: list[ControlResult], fail_on: str | None, other: int,
                     expected: int) -> None:
    assert exit_status(1, results, fail_on, other) == expected


@pytest.mark.parametrize("code", [0, 2, 3, 4, 5])
def test_other_codes_are_kept(code: int) -> None:
    assert exit_status(code, [r("low")], "critical") == code


def test_blocking() -> None:
    results = [r("low"), r("high"), r("info", "error"), r("critical", "passed")]
    assert blocking(results, "high") == [results[1], results[2]]
