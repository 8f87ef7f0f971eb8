"""The demo scan's reports (run with ``-n 2``): JUnit against the xunit2 schema, OCSF records.

Serial and ``-n 2`` runs giving the same records is checked on inline controls
(tests/reporting/test_reporting_plugin.py): a second demo scan would double the cost.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from pytest_awscompliance.model import properties
from tests.reporting.demo_run import DemoScan, demo_scan

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoScan:
    return demo_scan(tmp_path_factory)


def without_testcase_properties(path: Path) -> bytes:
    tree = ET.parse(path)
    for case in tree.iter("testcase"):
        for props in case.findall("properties"):
            case.remove(props)
    return ET.tostring(tree.getroot())


def check_junit(path: Path) -> None:
    """Valid xunit2 except for per-testcase properties, which pytest writes and consumers
    (GitLab, Jenkins junit, dorny/test-reporter) read, but junit-10.xsd has no place for."""
    extended = xmlschema.XMLSchema(str(DATA / "junit-10-testcase-properties.xsd"))
    strict = xmlschema.XMLSchema(str(DATA / "junit-10.xsd"))
    extended.validate(str(path))
    strict.validate(without_testcase_properties(path).decode())
    cases = list(ET.parse(path).iter("testcase"))
    assert cases
    for case in cases:
        names = [p.get("name") for p in case.iter("property")]
        assert names == list(properties.NAMES), case.get("name")


def test_junit_xunit2_schema_with_xdist(demo: DemoScan) -> None:
    assert "bringing up nodes" in demo.output  # really ran under xdist
    check_junit(demo.junit)


def test_demo_findings_are_ocsf(demo: DemoScan) -> None:
    schema = json.loads((DATA / "ocsf-detection-finding.schema.json").read_text())
    findings = json.loads(demo.findings.read_text())
    cases = list(ET.parse(demo.junit).iter("testcase"))
    assert len(findings) == len(cases)
    for finding in findings:
        jsonschema.validate(finding, schema)
    codes = {f["status_code"] for f in findings}
    assert {"PASS", "FAIL"} <= codes
    arns = [f["resources"][0]["uid"] for f in findings if f["resources"][0]["uid"][:4] == "arn:"]
    assert arns, "resource findings carry ARNs"
