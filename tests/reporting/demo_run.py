"""One demo scan with every report on, run once per test run and shared by the tests that
need it, on every xdist worker (the demo costs seconds: its moto organization is seeded at
start-up)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.shared_run import STARTUP_ENVIRON, shared_run

DEMO_ARGS = ("--pyargs", "compliance_tests.storage", "compliance_tests.compute", "--aws-demo")
"""Two areas of the bundled controls: critical to medium, resources and account settings."""
DEMO_DIR = "awscompliance-demo-xdist"
"""Where the shared run (``-n 2``) writes, in the directory this test run's processes share."""
WORKERS = 2
OUTPUT = "output.txt"
RETURNCODE = "returncode.txt"


@dataclass(frozen=True)
class DemoScan:
    directory: Path
    returncode: int
    output: str

    @property
    def html(self) -> Path:
        return self.directory / "report.html"

    @property
    def junit(self) -> Path:
        return self.directory / "junit.xml"

    @property
    def findings(self) -> Path:
        return self.directory / "findings.json"

    @property
    def asff(self) -> Path:
        return self.directory / "findings.asff.jsonl"


def _environment() -> dict[str, str]:
    """This environment without AWS settings or pytest state that could leak into the scan."""
    return {k: v for k, v in STARTUP_ENVIRON.items()
            if not k.startswith(("AWS_", "PYTEST_", "BOTO"))}


def _run(directory: Path) -> None:
    """Run the demo scan in a subprocess writing HTML, JUnit (xunit2), OCSF JSON and ASFF,
    and keep its exit code and output beside the reports."""
    args = [sys.executable, "-m", "pytest", *DEMO_ARGS, "-q", "-p", "no:cacheprovider",
            "--html=report.html", "--self-contained-html", "--junitxml=junit.xml",
            "-o", "junit_family=xunit2", "--compliance-json=findings.json",
            "--compliance-asff=findings.asff.jsonl", "-n", str(WORKERS)]
    done = subprocess.run(args, cwd=directory, env=_environment(), capture_output=True,
                          text=True, timeout=900, check=False)
    output = done.stdout + done.stderr
    assert done.returncode in (0, 1), output[-3000:]
    (directory / OUTPUT).write_text(output)
    (directory / RETURNCODE).write_text(str(done.returncode))


REPORT_SCAN = shared_run(DEMO_DIR, _run, "demo")
"""Read through each reporting test module's ``demo`` fixture."""


def demo_scan(tmp_path_factory: pytest.TempPathFactory) -> DemoScan:
    """The shared demo scan (``-n 2``), made once per test run."""
    directory = REPORT_SCAN.directory(tmp_path_factory)
    return DemoScan(directory, int((directory / RETURNCODE).read_text()),
                    (directory / OUTPUT).read_text())
