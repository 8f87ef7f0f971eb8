"""With --tb=no the terminal keeps each finding's crash message, not its traceback; what
it prints is unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.reporting import terminal
from tests.reporting.fakes import write_controls
from tests.reporting.test_terminal import BODY

KEPT: list[Any] = []


class Keep:
    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        KEPT[:] = list(terminalreporter.stats.get("failed", []))


@pytest.mark.parametrize("style", ["no"])
def test_same_output_and_only_crash_lines_kept(pytester: pytest.Pytester,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str],
                                               style: str) -> None:
    write_controls(pytester, BODY)
    pytester.inline_run("-p", "no:cacheprovider", f"--tb={style}", plugins=[Keep()])
    light = capsys.readouterr().out
    findings = [r for r in KEPT if terminal.is_assertion_failure(r)]
    assert len(findings) == 3  # the control that broke is not a finding
    assert all(isinstance(r.longrepr, terminal.CrashOnly) for r in findings)
    with monkeypatch.context() as m:
        m.setattr(terminal, "CRASH_LINE_STYLES", ())
        pytester.inline_run("-p", "no:cacheprovider", f"--tb={style}", plugins=[Keep()])
        full = capsys.readouterr().out
    assert not any(isinstance(r.longrepr, terminal.CrashOnly) for r in KEPT)

    def stable(text: str) -> list[str]:
        return [line for line in text.splitlines() if " in " not in line or "FAIL" in line]

    assert stable(light) == stable(full)
    assert any(line.startswith("FAILED") for line in stable(light))
