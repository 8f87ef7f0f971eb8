"""ECR judgement helpers: registry scan rules, severity thresholds, scan problems."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.facts.ecr import automatic_scan_rule, counts_at_or_above, scan_problem


def rules(*items: tuple[str, str, str]) -> dict[str, Any]:
    return {"scanType": "BASIC", "rules": [
        {"scanFrequency": frequency, "repositoryFilters": [{"filter": f, "filterType": kind}]}
        for frequency, f, kind in items]}


@pytest.mark.parametrize(("configuration", "name", "matched"), [
    (rules(("SCAN_ON_PUSH", "*", "WILDCARD")), "anything/at-all", True),
    (rules(("CONTINUOUS_SCAN", "team-a/*", "WILDCARD")), "team-a/api", True),
    (rules(("CONTINUOUS_SCAN", "team-a/*", "WILDCARD")), "team-b/api", False),
    (rules(("MANUAL", "*", "WILDCARD")), "api", False),
    (rules(("MANUAL", "*", "WILDCARD"), ("SCAN_ON_PUSH", "api", "WILDCARD")), "api", True),
    (rules(("SCAN_ON_PUSH", "*", "OTHER")), "api", False),
    ({"scanType": "BASIC", "rules": []}, "api", False),
    ({}, "api", False),
], ids=["star", "prefix", "prefix-miss", "manual", "exact-after-manual", "not-wildcard",
        "no-rules", "empty"])
def test_automatic_scan_rule(configuration: dict[str, Any], name: str, matched: bool) -> None:
    assert (automatic_scan_rule(name, configuration) is not None) is matched


def test_counts_at_or_above() -> None:
    counts = {"CRITICAL": 0, "HIGH": 2, "MEDIUM": 5, "LOW": 1, "UNTRIAGED": 4}
    assert counts_at_or_above(counts, "high") == {"HIGH": 2}
    assert counts_at_or_above(counts, "MEDIUM") == {"MEDIUM": 5, "HIGH": 2}
    assert counts_at_or_above({}, "LOW") == {}


def scan(status: str | None, **counts: int) -> dict[str, Any]:
    return {"imageScanStatus": {"status": status} if status else {},
            "imageScanFindings": {"findingSeverityCounts": counts}}


@pytest.mark.parametrize(("result", "problem"), [
    (None, "was not scanned"),
    (scan("COMPLETE", LOW=3), None),
    (scan("ACTIVE", MEDIUM=1), None),
    (scan("COMPLETE", CRITICAL=1, HIGH=2), "has findings at or above HIGH: HIGH=2, CRITICAL=1"),
    (scan("FAILED"), "has no completed scan (status FAILED)"),
    (scan("UNSUPPORTED_IMAGE"), "has no completed scan (status UNSUPPORTED_IMAGE)"),
    (scan("IN_PROGRESS"), "has no completed scan (status IN_PROGRESS)"),
    (scan(None), "has no completed scan (status unknown)"),
])
def test_scan_problem(result: dict[str, Any] | None, problem: str | None) -> None:
    assert scan_problem(result, "high") == problem
