"""One demo scan with every report on, run once per process and shared by the tests that
need it (the demo costs seconds: its moto organization is seeded at start-up)."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DEMO_ARGS = ("--pyargs", "compliance_tests.storage", "compliance_tests.compute", "--aws-demo")
"""Two areas of the bundled controls: critical to medium, resources and account settings."""
DEMO_DIR = "awscompliance-demo-xdist"
"""Where the shared run (``-n 2``) writes, under the session's base temporary directory."""


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
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("AWS_", "PYTEST_", "BOTO"))}


@functools.cache
def demo_scan(directory: Path, workers: int = 0) -> DemoScan:
    """Run the demo scan in a subprocess writing HTML, JUnit (xunit2), OCSF JSON and ASFF."""
    directory.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "pytest", *DEMO_ARGS, "-q", "-p", "no:cacheprovider",
            "--html=report.html", "--self-contained-html", "--junitxml=junit.xml",
            "-o", "junit_family=xunit2", "--compliance-json=findings.json",
            "--compliance-asff=findings.asff.jsonl"]
    if workers:
        args += ["-n", str(workers)]
    done = subprocess.run(args, cwd=directory, env=_environment(), capture_output=True,
                          text=True, timeout=900, check=False)
    scan = DemoScan(directory, done.returncode, done.stdout + done.stderr)
    assert done.returncode in (0, 1), scan.output[-3000:]
    return scan
