"""Waivers under ``-n 2``: JUnit says ``waived:``, ``report.waiver`` reaches the controller,
and an unknown control is still a clean usage error (exit 4, no INTERNALERROR)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from tests.harness import AUDIT_ROLE, FAILING, PASSING
from tests.test_waivers_plugin import CONTRACT_CONFTEST, CONTROLS, MFA_222


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A moto server on a free loopback port that subprocess scans reach via
    ``AWS_ENDPOINT_URL`` (in-process ``mock_aws`` does not cross into xdist workers)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    yield endpoint
    server.stop()


def scan_n2(pytester: pytest.Pytester, waivers: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_controls=CONTROLS)
    pytester.makeconftest(CONTRACT_CONFTEST)
    (pytester.path / "waivers.yaml").write_text(waivers)
    return pytester.runpytest_subprocess(
        "-n", "2", "-p", "no:cacheprovider", "-rA", "--aws-role-name", AUDIT_ROLE,
        "--aws-account", PASSING, "--aws-account", FAILING,
        "--compliance-waivers", "waivers.yaml", "--compliance-waivers-today", "2026-06-01",
        *args)


def test_waivers_under_xdist(pytester: pytest.Pytester, moto_server: str) -> None:
    expired = ("- control: demo-passes\n  justification: old\n  owner: bob\n"
               "  expires: 2026-01-01\n")
    result = scan_n2(pytester, MFA_222.format(expires="2027-01-31") + expired,
                     "-k", "mfa or passes", "--junitxml", "junit.xml")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.assert_outcomes(passed=3, xfailed=1)

    cases = {case.get("name"): case for case in
             ET.parse(pytester.path / "junit.xml").getroot().iter("testcase")}
    skipped = cases[f"test_mfa[{FAILING}/global]"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == ("waived: no MFA device on the legacy account (owner "
                                      "alice, expires 2027-01-31, ticket SEC-12)")
    assert cases[f"test_mfa[{PASSING}/global]"].find("skipped") is None

    (line,) = [ln for ln in result.outlines if ln.startswith("CONTRACT ")]
    seen = json.loads(line.removeprefix("CONTRACT "))
    (report,) = seen["reports"]  # deserialized on the controller
    assert report["attr"] == "waiver"
    assert report["data"]["owner"] == "alice" and report["data"]["expires"] == "2027-01-31"
    assert [w["control"] for w in seen["expired"]] == ["demo-passes"]
    result.stdout.fnmatch_lines([
        "*1 result(s) waived by 1 waiver(s)*",
        "EXPIRED waiver #2 demo-passes: expired 2026-01-01 (151 day(s) ago), owner bob: *"])


def test_unknown_control_under_xdist_is_a_usage_error(pytester: pytest.Pytester,
                                                      moto_server: str) -> None:
    result = scan_n2(pytester, MFA_222.format(expires="2027-01-31").replace("demo-mfa",
                                                                            "demo-mfaa"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: *waivers.yaml: waiver #1: field 'control': "
                                 "'demo-mfaa' matches no known control (did you mean "
                                 "'demo-mfa'?)"])
    output = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in output and "Traceback" not in output
    assert "PASSED" not in output and "FAILED" not in output


STALE_AND_GLOB = """
- control: "demo-m*"
  region: "gl*"
  justification: legacy accounts have no MFA device
  owner: alice
  expires: 2027-01-31
- control: demo-passes
  justification: was failing
  owner: bob
  permanent: true
"""


def test_staleness_is_judged_on_the_controller_with_every_workers_results(
        pytester: pytest.Pytester, moto_server: str) -> None:
    """-n 2: the compliant MFA result is PASSED, the glob waiver is not stale (its failure ran
    on some worker), the demo-passes waiver is stale exactly once, as without xdist."""
    result = scan_n2(pytester, STALE_AND_GLOB, "-k", "mfa or passes", "--junitxml",
                     "junit.xml", "--compliance-json", "findings.json")
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    result.assert_outcomes(passed=3, xfailed=1, failed=1)
    out = result.stdout.str()
    assert out.count("STALE waiver #") == 1 and "XPASS" not in out
    result.stdout.fnmatch_lines(["STALE waiver #2 (waivers.yaml:7) demo-passes: covered no "
                                 "failing result among 2 scanned, owner bob: remove it *"])
    cases = {f"{c.get('classname')}::{c.get('name')}": c for c in
             ET.parse(pytester.path / "junit.xml").getroot().iter("testcase")}
    stale = [k for k in cases if k.startswith("awscompliance.waivers::")]
    assert stale == ["awscompliance.waivers::waivers.yaml:7 waiver #2"]
    assert cases[stale[0]].find("failure") is not None
    passing = cases[f"test_controls::test_mfa[{PASSING}/global]"]
    assert passing.find("failure") is None and passing.find("skipped") is None
    findings = json.loads((pytester.path / "findings.json").read_text())
    assert sorted(f["status_code"] for f in findings) == ["PASS", "PASS", "PASS", "WAIVED"]


def test_a_scope_deselected_on_the_workers_is_not_judged(pytester: pytest.Pytester,
                                                         moto_server: str) -> None:
    result = scan_n2(pytester, STALE_AND_GLOB, "-k", f"mfa or (passes and {PASSING})")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    assert "STALE" not in result.stdout.str()
    result.assert_outcomes(passed=2, xfailed=1)
