"""The diff's categories, its markdown and its gate, on hand-made OCSF records."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.fleet import diff
from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting.ocsf import to_finding


def record(name: str, outcome: str, severity: str = "high", message: str = "") -> dict[str, Any]:
    return to_finding(ControlResult(
        control_id=f"ctl-{name}", severity=severity, account="111111111111", region="global",
        resource=f"arn:aws:s3:::{name}", title=name, frameworks=(), remediation="",
        outcome=outcome, message=message, nodeid=f"t.py::test_{name}[111111111111/global]"),
        version="test")


@pytest.mark.parametrize(("old", "new", "category"), [
    (None, "failed", "new_failures"), ("passed", "failed", "new_failures"),
    ("waived", "failed", "new_failures"), ("error", "failed", "new_failures"),
    ("failed", "failed", "still_failing"), ("failed", "passed", "fixed"),
    ("failed", None, "gone"), ("failed", "waived", None), ("failed", "error", None),
    ("passed", "error", "new_errors"), ("error", "error", None),
    ("failed", "skipped", None), ("passed", "waived", "newly_waived"),
    ("passed", "passed", None), ("passed", None, None), (None, "passed", None),
])
def test_categories(old: str | None, new: str | None, category: str | None) -> None:
    assert diff.category(old, new) == category


def test_markdown_counts_tables_and_gate() -> None:
    old = [record("a", "passed"), record("b", "failed"), record("c", "failed", "low")]
    new = [record("a", "failed", "critical", "pipe | in message"), record("b", "passed"),
           record("c", "failed", "low"), record("d", "failed", "low"), record("e", "error")]
    changes = diff.compare(old, new)
    assert [c.control for c in changes["new_failures"]] == ["ctl-a", "ctl-d"]
    assert [c.control for c in changes["fixed"]] == ["ctl-b"]
    assert [c.control for c in changes["new_errors"]] == ["ctl-e"]
    text = diff.markdown(changes)
    assert "**2** new failures · **1** fixed · **0** gone · **1** still failing" in text
    assert "| `ctl-a` | critical | 1 | 0 | 0 | 0 | 0 | 0 |" in text
    assert "pipe \\| in message" in text
    assert [c.control for c in diff.blocking(changes, "high")] == ["ctl-a"]
    assert [c.control for c in diff.blocking(changes, "low")] == ["ctl-a", "ctl-d"]
    assert "No change" in diff.markdown(diff.compare(old, old))
