"""Waive one resource of a per-resource control and see which results the waiver took."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from tests.harness import ScanResult, scan

TODAY = "2026-06-01"


def scan_waiving(pytester: pytest.Pytester, path: str, control: str, resource: str,
                 args: Iterable[str] = ()) -> ScanResult:
    """Scan ``path`` with one waiver naming ``control`` and the single ``resource`` ARN."""
    waivers = pytester.path / "waivers.yaml"
    waivers.write_text(f'- control: {control}\n  resource: "{resource}"\n'
                       "  justification: accepted for this one resource\n"
                       "  owner: security-team\n  expires: 2099-01-31\n")
    return scan(pytester, path, args=[*args, "--compliance-waivers", str(waivers),
                                      "--compliance-waivers-today", TODAY])


def waived_tests(result: ScanResult) -> set[str]:
    """The tests a waiver turned into a waived result (a strict xfail)."""
    return {r.nodeid.split("::")[-1] for r in result.reports if getattr(r, "wasxfail", "")
            and str(r.wasxfail).startswith("waived")}


def assert_waives_only(result: ScanResult, test: str, failing: Iterable[str]) -> None:
    """``test`` is waived; every other test of ``failing`` still fails."""
    assert waived_tests(result) == {test}, waived_tests(result)
    for other in failing:
        if other != test:
            assert result.outcomes[other] == "failed", (other, result.outcomes[other])
