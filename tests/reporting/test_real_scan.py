"""A bundled control against in-process moto feeds every report (the real plugin path)."""

from __future__ import annotations

import json
import re

import pytest

from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan
from tests.reporting.fakes import html_data, rows


def test_bundled_control_feeds_json_html_and_terminal(pytester: pytest.Pytester,
                                                      world: MotoWorld) -> None:
    for account, tokens in ((PASSING, "required"), (FAILING, "optional")):
        world.client(account, "ec2").run_instances(
            ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
            MetadataOptions={"HttpTokens": tokens})
    findings_path = pytester.path / "findings.json"
    report = pytester.path / "report.html"
    result = scan(pytester, control_file("compute/test_imds.py"),
                  args=["-k", "test_instance_requires_imdsv2", f"--html={report}",
                        "--self-contained-html", f"--compliance-json={findings_path}"])
    assert result.only(FAILING) == "failed"

    findings = {f["cloud"]["account"]["uid"]: f for f in json.loads(findings_path.read_text())}
    assert set(findings) == {PASSING, FAILING}
    failed = findings[FAILING]
    assert failed["status_code"] == "FAIL" and failed["severity_id"] == 4
    assert re.fullmatch(rf"arn:aws:ec2:us-east-1:{FAILING}:instance/i-\w+",
                        failed["resources"][0]["uid"])
    assert failed["resources"][0]["type"] == "AwsEc2Instance"
    assert "aws-fsbp:EC2.8" in failed["unmapped"]["compliance"]["requirements"]
    assert "HttpTokens=optional" in failed["finding_info"]["desc"]
    assert failed["unmapped"]["compliance"]["control"] == "ec2-instance-imdsv2-required"
    assert findings[PASSING]["status_code"] == "PASS"

    data = html_data(report)
    assert data["title"].startswith(f"AWS compliance: {PASSING}, {FAILING} (scan ")
    targets = data["environment"]["AWS targets"]
    assert set(targets) == {PASSING, FAILING}
    assert "external" not in json.dumps(targets).lower()
    failing_rows = [r for r in rows(data).values() if r["result"] == "Failed"]
    assert len(failing_rows) == 1
    assert f'<td class="col-account">{FAILING}</td>' in failing_rows[0]["resultsTableRow"]
    assert "HttpTokens=optional" in failing_rows[0]["extras"][0]["content"]
