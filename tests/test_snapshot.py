"""Offline snapshots: save a scan, replay it with no network and get the same outcomes."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.test_demo import DEMO_OPTIONS, demo_scan, offline_environ, outcomes

PASSWORD_CONTROL = """
import pytest
from pytest_awscompliance.facts.iam import password_policy

@pytest.mark.severity("medium")
@pytest.mark.control("has-password-policy", title="t")
def test_policy(aws_account):
    assert password_policy(aws_account) is not None, "no password policy"
"""


def test_demo_snapshot_round_trip(tmp_path: Path) -> None:
    snap = tmp_path / "scan.snapshot.json"
    recorded = demo_scan(tmp_path, f"--aws-snapshot-save={snap}")
    document = json.loads(snap.read_text())
    assert document["format"] == "pytest-awscompliance-snapshot/1"
    assert {a["account_id"] for a in document["plan"]["accounts"]} == {
        "123456789012", "222222222222", "333333333333"}
    assert "127.0.0.1" not in json.dumps(document)  # no endpoint recorded
    assert all(a["role_arn"] is None and a["endpoint_url"] is None
               for a in document["plan"]["accounts"])
    replay_dir = tmp_path / "replay"
    replay_dir.mkdir()

    xml = replay_dir / "replay.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "compliance_tests", "-p",
         "no:cacheprovider", f"--aws-snapshot={snap}", f"--junitxml={xml}", *DEMO_OPTIONS],
        cwd=replay_dir, env=offline_environ(), capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]
    assert outcomes(ET.parse(xml).getroot()) == outcomes(recorded)
    # the per-resource types are replayed too (one test per principal, inline policy...)
    for test in ("test_principal_is_not_admin[", "test_inline_policy_not_full_admin[",
                 "test_launch_configuration_requires_imdsv2[",
                 "test_member_account_governed_by_scps[", "test_public_repository_is_allow_listed[",
                 "test_group_has_no_cloudshell_full_access["):
        assert any(test in name for name in outcomes(recorded)), test


def test_a_read_missing_from_the_snapshot_is_an_error(pytester: pytest.Pytester,
                                                      moto_env: None) -> None:
    snap = pytester.path / "s.json"
    pytester.makepyfile(PASSWORD_CONTROL)
    pytester.runpytest("-p", "no:cacheprovider", f"--aws-snapshot-save={snap}")\
        .assert_outcomes(failed=1)
    pytester.makepyfile(test_other="""
import pytest

@pytest.mark.severity("low")
def test_summary(aws_account):
    aws_account.read("iam", "get_account_summary")
""")
    result = pytester.runpytest("-p", "no:cacheprovider", f"--aws-snapshot={snap}", "-rE")
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(["*iam:GetAccountSummary failed*NotInSnapshot*"])


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read snapshot"), ("{not json", "is not valid JSON"),
     ('{"format": "other"}', "is not a pytest-awscompliance-snapshot/1 file"),
     ('{"format": "pytest-awscompliance-snapshot/1", "plan": {}}', "is corrupt")],
)
def test_bad_snapshot_is_a_usage_error(pytester: pytest.Pytester, offline_env: None,
                                       content: str | None, message: str) -> None:
    snap = pytester.path / "bad.json"
    if content is not None:
        snap.write_text(content)
    pytester.makepyfile(PASSWORD_CONTROL)
    result = pytester.runpytest_subprocess(f"--aws-snapshot={snap}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.stderr.lines if line.strip()] == [
        line for line in result.stderr.lines if message in line]


def test_snapshot_cannot_be_combined_with_targets(pytester: pytest.Pytester,
                                                  offline_env: None) -> None:
    pytester.makepyfile(PASSWORD_CONTROL)
    result = pytester.runpytest_subprocess("--aws-snapshot=x.json", "--aws-demo")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*cannot be combined with target options*"])
