"""The demo scan's HTML report (written under xdist) in headless Chromium: columns, summary,
severity sort.

Chromium runs the report's own JavaScript: a copy of the report gets a small script
appended that clicks the Severity header and writes what it sees into the DOM, which
``--dump-dom`` prints. No browser driver, no new Python dependency.

Without Chromium the test skips locally and FAILS under CI (``CI=true``): install it with
``apt-get update && apt-get install -y chromium``. Set ``UPDATE_REPORT_SCREENSHOT=1`` to
refresh ``docs/img/report.png`` from this run.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance.model.severity import RANK
from tests.reporting.demo_run import DemoScan, demo_scan

APT_LINE = "apt-get update && apt-get install -y chromium"
KNOWN_PATHS: tuple[str, ...] = ("/usr/bin/chromium",)
SCREENSHOT = Path(__file__).parent.parent / "docs" / "img" / "report.png"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio")

PROBE = """<script>
(function () {
  const out = {};
  try {
    out.columns = [...document.querySelectorAll('#results-table-head th')]
      .map((th) => th.textContent.trim());
    out.matrix = [...document.querySelectorAll('.aws-summary .aws-matrix tbody tr')]
      .map((tr) => tr.dataset.severity || 'all');
    out.topFailing = document.querySelectorAll('.aws-summary .aws-top-failing tr').length;
    out.title = document.getElementById('title').textContent;
    const bodies = () => [...document.querySelectorAll('#results-table tbody.results-table-row')];
    out.sorted = bodies().map((tbody) => [
      tbody.querySelector('.col-severity').textContent.replace(/[0-9]/g, ''),
      tbody.querySelector('.col-result').textContent]);
    out.folded = bodies().filter((b) => b.querySelector('.extras-row.hidden')).length;
    out.evidence = bodies()[0].querySelector('.col-evidence').textContent;
    const control = bodies()[0].querySelector('td.col-control');
    const range = document.createRange();
    range.selectNodeContents(control);
    out.controlLines = range.getClientRects().length;  // one box per line of text
    out.byControl = document.querySelectorAll('.aws-by-control tbody tr').length;
    const link = document.querySelector('.aws-top-failing a');
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    out.linkTarget = target ? target.querySelector('.col-control').textContent : null;
    out.linkControl = link.textContent;
    document.querySelector('th[data-column-type="severity"]').click();
    out.reversed = bodies().map((tbody) =>
      tbody.querySelector('.col-severity').textContent.replace(/[0-9]/g, ''));
    out.scripts = document.querySelectorAll('#results-table script').length;
  } catch (error) {
    out.error = String(error);
  }
  const probe = document.createElement('pre');
  probe.id = 'probe';
  probe.textContent = JSON.stringify(out);
  document.body.appendChild(probe);
})();
</script>"""


def chromium() -> str:
    """The Chromium binary; skip locally, fail under CI when it is missing."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        found = next((p for p in KNOWN_PATHS if Path(p).exists()), None)
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium is required for the browser test under CI; install it: "
                        f"{APT_LINE}", pytrace=False)
        pytest.skip(f"Chromium is not installed (install it: {APT_LINE})")
    return found


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoScan:
    return demo_scan(tmp_path_factory)


def probe(binary: str, report: Path, tmp_path: Path) -> dict[str, Any]:
    page = tmp_path / "probe.html"
    text = report.read_text(encoding="utf-8")
    page.write_text(text.replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    done = run_chromium(binary, tmp_path / "profile", "--dump-dom", page.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, f"no probe output from Chromium (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def test_report_in_chromium(demo: DemoScan, tmp_path: Path) -> None:
    binary = chromium()
    seen = probe(binary, demo.html, tmp_path)
    assert "error" not in seen, seen.get("error")
    assert seen["columns"][:7] == ["Result", "Severity", "Control", "Test", "Account",
                                   "Region", "Resource"]
    assert seen["matrix"] == ["critical", "high", "medium", "low", "info", "all"]
    assert seen["topFailing"] > 1
    assert seen["title"].startswith("AWS compliance: 123456789012, 222222222222")
    # opens sorted: failures and errors first, most severe first; then the rest
    rows = seen["sorted"]
    assert rows and rows[0] == ["critical", "Failed"], rows[:5]
    findings = [level for level, result in rows if result in ("Failed", "Error")]
    assert [level for level, _ in rows[:len(findings)]] == findings
    ranks = [RANK.get(level, -1) for level in findings]
    assert ranks == sorted(ranks, reverse=True), findings
    rest = [RANK.get(level, -1) for level, result in rows[len(findings):]
            if result not in ("XFailed",) and level]
    assert rest == sorted(rest, reverse=True)
    # every row folded, the evidence visible, the control id on one line
    assert seen["folded"] == len(rows)
    assert seen["evidence"].strip()
    assert seen["controlLines"] == 1, seen["controlLines"]
    assert seen["byControl"] > 3
    # a top failing control links to its first failing row
    assert seen["linkTarget"] is not None and seen["linkControl"] in seen["linkTarget"]
    # a click on Severity reverses the order
    assert seen["reversed"] == [level for level, _ in reversed(rows)] or \
        seen["reversed"][-1] == "critical"
    assert seen["scripts"] == 0

    shot = tmp_path / "report.png"
    done = run_chromium(binary, tmp_path / "profile-shot", "--window-size=1600,1500",
                        f"--screenshot={shot}", demo.html.as_uri())
    assert shot.exists(), done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if os.environ.get("UPDATE_REPORT_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)


def test_missing_chromium_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setitem(globals(), "KNOWN_PATHS", ())
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required for the browser test under CI"):
        chromium()
