"""No secrets: credential values never reach the terminal, the reports, snapshots or logs.

A scan runs with canary credentials in the environment and assumes roles into two moto
accounts (the assumed-role credentials moto hands out are recorded too). With botocore's DEBUG
logs on (``--log-level DEBUG -o log_cli=true``, a log file, ``junit_logging=all``), every
output is searched for every canary value.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import boto3
import pytest

from pytest_awscompliance.aws import redact
from tests.harness import AUDIT_ROLE, FAILING, PASSING, MotoWorld, control_file
from tests.stubs import on_base_sessions
from tests.test_bad_input import pytest_help
from tests.test_permissions import _deny

ACCESS_KEY = "AKIAFAKEKEYCANARY001"
SECRET_KEY = "cAnArY/SecretAccessKey+never+printed+0042"
SESSION_TOKEN = "FwoGZXIvYXdzECanarySessionTokenNeverPrinted//////////" + "Zm9v" * 40


@pytest.fixture
def canaries(world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Canary environment credentials, plus every credential moto issues for a role."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    found = [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN]

    def register(session: boto3.Session) -> None:
        def remember(parsed: dict[str, Any], **_: Any) -> None:
            credentials = parsed.get("Credentials") or {}
            found.extend(str(credentials[k]) for k in ("AccessKeyId", "SecretAccessKey",
                                                       "SessionToken") if k in credentials)

        session.events.register("after-call.sts.AssumeRole", remember)

    on_base_sessions(monkeypatch, register)
    world.client(PASSING, "iam").update_account_password_policy(MinimumPasswordLength=14)
    world.client(FAILING, "s3").create_bucket(Bucket="canary-bucket")
    return found


def test_no_credential_value_in_any_output(pytester: pytest.Pytester, canaries: list[str],
                                           monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    _deny(monkeypatch, FAILING, "iam", "GetAccountPasswordPolicy")
    # This test process runs the plugin too: take its redaction off, so that only the
    # redaction installed by the scan under test counts.
    outer = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    try:
        outputs = _scan_outputs(pytester, tmp_path)
    finally:
        logging.setLogRecordFactory(outer)
    assert len(canaries) >= 9, "no assumed-role credentials were recorded"
    # The logs are really on: botocore's DEBUG lines (request headers, response bodies) are in.
    assert "botocore" in outputs["log"] and len(outputs["log"].splitlines()) > 200
    assert "Response body" in outputs["log"]
    for name, text in outputs.items():
        leaked = [c[:12] + "..." for c in canaries if c in text]
        assert not leaked, f"{name} contains credential values {leaked}"
        assert "Signature=" not in text or "Signature=<redacted>" in text, name


def _scan_outputs(pytester: pytest.Pytester, tmp_path: Path) -> dict[str, str]:
    """Scan with every output on; return the text of each, by name."""
    files = {"junit": tmp_path / "junit.xml", "html": tmp_path / "report.html",
             "log": tmp_path / "scan.log"}
    args = [control_file("identity/test_password_policy.py"),
            control_file("storage/test_s3_public_access.py"),
            "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
            "--aws-role-name", AUDIT_ROLE, "--aws-account", PASSING, "--aws-account", FAILING,
            "--aws-region", "us-east-1", "-vv", "-l", "-rA", "--tb=long",
            f"--junitxml={files['junit']}", "-o", "junit_logging=all",
            f"--html={files['html']}", "--self-contained-html",
            "--log-level", "DEBUG", "-o", "log_cli=true", "-o", "log_cli_level=DEBUG",
            f"--log-file={files['log']}", "--log-file-level", "DEBUG"]
    help_text = pytest_help()
    if "--compliance-json" in help_text:
        files["json"] = tmp_path / "findings.json"
        args.append(f"--compliance-json={files['json']}")
    if "--aws-snapshot-save" in help_text:
        files["snapshot"] = tmp_path / "snapshot.json"
        args.append(f"--aws-snapshot-save={files['snapshot']}")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed") and outcomes.get("failed") and outcomes.get("errors")
    outputs = {"terminal": result.stdout.str() + result.stderr.str()}
    for name, path in files.items():
        assert path.exists(), name
        outputs[name] = path.read_text(errors="replace")
    return outputs


@pytest.mark.parametrize(("line", "secret"), [
    ("'Authorization': b'AWS4-HMAC-SHA256 Credential=AKIAFAKEKEYCANARY001/20250101/us-east-1/"
     "iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef'",
     "AKIAFAKEKEYCANARY001"),
    ("'Authorization': b'AWS4-HMAC-SHA256 Credential=AKIAFAKEKEYCANARY001/20250101/us-east-1/"
     "iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef'",
     "0123456789abcdef"),
    ("'X-Amz-Security-Token': b'IQoJb3JpZ2luX2VjEXAMPLETOKEN=='", "IQoJb3JpZ2luX2VjEXAMPLETOKEN"),
    ("x-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLETOKEN\nx-amz-date:20250101T000000Z",
     "IQoJb3JpZ2luX2VjEXAMPLETOKEN"),
    ("https://bucket.s3.amazonaws.com/k?X-Amz-Security-Token=IQoJtoken%2F&X-Amz-Signature=ab12",
     "IQoJtoken"),
    ("b'<AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>"
     "wJalrXUtnFEMI/K7MDENG</SecretAccessKey><SessionToken>FQoGZX</SessionToken>'",
     "wJalrXUtnFEMI/K7MDENG"),
    ('{"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7", '
     '"SessionToken": "FQoGZX"}}', "wJalrXUtnFEMI/K7"),
    ("{'aws_access_key_id': 'AKIAFAKEKEYCANARY001', 'aws_secret_access_key': 'wJalrXUtnFEMI'}",
     "wJalrXUtnFEMI"),
    ("Signature:\n0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"),
    ("'body': {'Action': 'AssumeRole', 'RoleArn': 'arn:aws:iam::1:role/a', 'ExternalId': "
     "'ext-canary-1', 'SerialNumber': 'arn:aws:iam::1:mfa/bob', 'TokenCode': '123456'}",
     "ext-canary-1"),
    ("'SerialNumber': 'arn:aws:iam::1:mfa/bob', 'TokenCode': '123456'", "mfa/bob"),
    ("'SerialNumber': 'arn:aws:iam::1:mfa/bob', 'TokenCode': '123456'", "123456"),
    ("Action=AssumeRole&ExternalId=ext-canary-1&RoleSessionName=x", "ext-canary-1"),
    ("b'<ListVirtualMFADevicesResponse><Base32StringSeed>SEEDSEED</Base32StringSeed>'",
     "SEEDSEED"),
    ("b'<launchTemplateData><userData>IyEvYmluL2Jhc2gK</userData>'", "IyEvYmluL2Jhc2gK"),
])
def test_redact_removes_credential_shapes(line: str, secret: str) -> None:
    assert secret not in redact.redact(line)


def test_redact_keeps_ordinary_text() -> None:
    text = ("iam:GetAccountPasswordPolicy failed in 111111111111/us-east-1: AccessDenied "
            "(missing permission iam:GetAccountPasswordPolicy): denied; NextToken=abc")
    assert redact.redact(text) == text


def test_a_configured_external_id_is_redacted_wherever_it_appears() -> None:
    assert redact.redact("assuming with ext-canary-1 now", ("ext-canary-1",)) == (
        "assuming with <redacted> now")


def test_the_filter_redacts_records_from_any_logger(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("botocore.endpoint").debug(
            "Sending http request: %s", "{'X-Amz-Security-Token': b'IQoJSECRETTOKEN'}")
        logging.getLogger("some.other.library").warning("secret %s",
                                                        f"aws_secret_access_key={SECRET_KEY}")
    assert "IQoJSECRETTOKEN" not in caplog.text
    assert SECRET_KEY not in caplog.text
    assert "<redacted>" in caplog.text
