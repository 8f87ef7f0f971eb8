"""The demo scan end to end: JUnit properties, every control both ways, same outcomes on -n 2."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest

from pytest_awscompliance.collect.catalog import bundled_controls
from pytest_awscompliance.demo.scenarios.containers import PUBLIC_ALLOWLIST
from tests.shared_run import STARTUP_ENVIRON, shared_run

PROPERTIES = ("control_id", "severity", "account", "region", "resource", "title", "frameworks",
              "remediation")


def offline_environ() -> dict[str, str]:
    env = {k: v for k, v in STARTUP_ENVIRON.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="never-used", AWS_SECRET_ACCESS_KEY="never-used",
               AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_CONFIG_FILE="/nonexistent",
               AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    return env


def requests_sent(stdout: str) -> int:
    """The total of the plugin's ``aws requests: N sent`` terminal line."""
    match = re.search(r"^aws requests: (\d+) sent", stdout, flags=re.M)
    assert match, stdout[-2000:]
    return int(match[1])


DEMO_OPTIONS = ("-o", f"aws_public_ecr_allowlist={PUBLIC_ALLOWLIST}")
"""The demo organization's own configuration (demo/scenarios TUNABLES) as ini options: what a
replay of a demo snapshot, which runs without ``--aws-demo``, needs to judge as the demo does."""

STDOUT = "stdout.txt"
"""Where ``demo_scan`` keeps the scan's terminal output, beside its JUnit XML."""


def demo_scan(tmp: Path, *args: str) -> ET.Element:
    """Run the README's demo scan in a subprocess (in ``tmp``, its output kept in ``tmp``)
    and return its JUnit XML root."""
    xml = tmp / "compliance.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "compliance_tests", "--aws-demo",
         "-p", "no:cacheprovider", f"--junitxml={xml}", "-o", "junit_family=xunit2", *args],
        cwd=tmp, env=offline_environ(), capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode in (0, 1), proc.stdout[-3000:] + proc.stderr[-3000:]
    (tmp / STDOUT).write_text(proc.stdout)
    return ET.parse(xml).getroot()


def outcome_of(case: ET.Element) -> str:
    kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
    return kinds[0] if kinds else "passed"


def outcomes(root: ET.Element) -> dict[str, str]:
    return {f"{case.get('classname')}::{case.get('name')}": outcome_of(case)
            for case in root.iter("testcase")}


def properties(case: ET.Element) -> dict[str, str]:
    return {p.get("name", ""): p.get("value", "") for p in case.iter("property")}


def _parallel_scan(directory: Path) -> None:
    demo_scan(directory, "-n", "2")


SERIAL = shared_run("awscompliance-demo-serial", demo_scan, "serial_dir")
PARALLEL = shared_run("awscompliance-demo-parallel", _parallel_scan, "parallel_dir")


@pytest.fixture(scope="module")
def serial_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The serial demo scan's directory: one scan per test run, read by every test (and xdist
    worker) of this module."""
    return SERIAL.directory(tmp_path_factory)


@pytest.fixture(scope="module")
def serial_scan(serial_dir: Path) -> ET.Element:
    return ET.parse(serial_dir / "compliance.xml").getroot()


def test_every_testcase_carries_the_control_properties(serial_scan: ET.Element) -> None:
    cases = list(serial_scan.iter("testcase"))
    assert len(cases) >= 10
    for case in cases:
        props = properties(case)
        assert set(PROPERTIES) <= set(props), (case.get("name"), props)
        assert props["severity"] in {"critical", "high", "medium", "low", "info"}
        assert props["account"] in {"123456789012", "222222222222", "333333333333"}
        assert props["resource"]


def test_every_bundled_control_passes_and_fails_somewhere_in_the_demo(
        serial_scan: ET.Element) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for case in serial_scan.iter("testcase"):
        kinds = {child.tag for child in case} & {"failure", "error", "skipped"}
        seen[properties(case)["control_id"]].add(kinds.pop() if kinds else "passed")
    for entry in bundled_controls():
        assert {"passed", "failure"} <= seen[entry.meta.id], (entry.meta.id,
                                                             seen[entry.meta.id])
        assert "error" not in seen[entry.meta.id], entry.meta.id


@pytest.fixture(scope="module")
def parallel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same demo scan under ``-n 2``: one per test run, like the serial one."""
    return PARALLEL.directory(tmp_path_factory)


@pytest.fixture(scope="module")
def parallel_scan(parallel_dir: Path) -> ET.Element:
    return ET.parse(parallel_dir / "compliance.xml").getroot()


def test_xdist_gives_the_same_outcomes_and_requests(
        serial_scan: ET.Element, serial_dir: Path, parallel_scan: ET.Element,
        parallel_dir: Path) -> None:
    parallel = parallel_scan
    assert outcomes(parallel) == outcomes(serial_scan)
    assert not any("@" in name for name in outcomes(parallel))
    # Workers share the run's read cache: two workers send what one process sends.
    serial_requests = requests_sent((serial_dir / STDOUT).read_text())
    assert serial_requests > 100
    assert requests_sent((parallel_dir / STDOUT).read_text()) == serial_requests


def _named_at(message: str, name: str) -> int | None:
    """Where ``name`` first appears in ``message`` as a whole name, or None."""
    match = re.search(rf"(?<![\w/.-]){re.escape(name)}(?![\w/-])", message)
    return match.start() if match else None


def test_every_failing_per_resource_result_names_its_own_resource(
        serial_scan: ET.Element) -> None:
    """One finding per resource: a failing result of a per-resource control is about the
    resource in its ``resource`` property. Its message names that resource before any other
    resource of the same type (the offending value may name others: an escalation path
    through another role, say)."""
    fixtures = {e.meta.id: e.granularity for e in bundled_controls()}
    per_resource = {cid for cid, kinds in fixtures.items()
                    if not set(kinds.split(", ")) & {"account", "region"}}
    assert "iam-inline-policy-no-full-admin" in per_resource
    cases = []
    names: dict[str, set[str]] = defaultdict(set)  # fixture -> resource names seen
    for case in serial_scan.iter("testcase"):
        props = properties(case)
        if props["control_id"] not in per_resource:
            continue
        param = re.fullmatch(r".*?\[([^/\]]+)/([^/\]]+)/(.+)\]", case.get("name", ""))
        assert param, case.get("name")
        kind = fixtures[props["control_id"]]
        names[kind].add(param[3])
        failure = case.find("failure")
        if failure is not None:
            cases.append((kind, param[3], props, failure.get("message", "")))
    assert len(cases) > 50
    for kind, own, props, message in cases:
        assert props["resource"].startswith("arn:"), props
        if kind != "launch_template":  # its ARN carries the template id, not the name
            assert own.rsplit("/", 1)[-1] in props["resource"], (own, props["resource"])
        where = _named_at(message, own)
        assert where is not None, (own, message)
        earlier = [n for n in names[kind] - {own}
                   if (at := _named_at(message, n)) is not None and at < where]
        assert not earlier, (own, earlier, message)


GALLERY = "ecr-no-public-gallery-repositories"


def gallery_outcomes(root: ET.Element) -> dict[str, str]:
    """The outcome of each repository the public-gallery control judged in a scan."""
    return {properties(case)["resource"].rpartition("/")[2]: outcome_of(case)
            for case in root.iter("testcase") if properties(case)["control_id"] == GALLERY}


def test_demo_brings_its_own_configuration_and_the_user_s_wins(
        parallel_scan: ET.Element, tmp_path: Path) -> None:
    """The README command, no option: the demo's allow-list publishes acme/docs-site on
    purpose (a passing case), acme/web-frontend fails; an allow-list the user sets wins.
    Under xdist, since the workers judge: the no-option case reads the ``-n 2`` demo scan."""
    assert gallery_outcomes(parallel_scan) == {"docs-site": "passed",
                                               "web-frontend": "failure"}
    user = demo_scan(tmp_path, "-k", GALLERY, "-o", "aws_public_ecr_allowlist=other/*")
    assert gallery_outcomes(user) == {"docs-site": "failure", "web-frontend": "failure"}
