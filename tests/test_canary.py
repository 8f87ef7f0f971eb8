"""Canaries: no credential, external id or stored secret reaches any output, with or without
xdist.

A moto server holds two accounts reached through an assumed role with an external id; one
stores a secret in Secrets Manager and a SecureString in SSM. The scan runs with canary
environment credentials, a canary ``--aws-external-id``, every output on (``-l --tb=long``,
DEBUG live logs and log file, ``junit_logging=all``, HTML, OCSF JSON, a snapshot) and
controls that fail showing their locals (``aws_settings`` among them) or try to read the
stored secrets. A conftest in the scanned project records every credential ``sts:AssumeRole``
hands the scanner. Every output is searched for every canary, in-process and under ``-n 2``.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from pytest_awscompliance.aws.clients import ClientPool
from pytest_awscompliance.aws.sessions import AccountAccess
from pytest_awscompliance.aws.targets import Plan
from pytest_awscompliance.collect.state import ScanState
from pytest_awscompliance.settings.options import Settings
from tests.harness import AUDIT_ROLE, FAILING, PASSING, MotoWorld
from tests.test_waivers_xdist import moto_server  # noqa: F401 - the fixture

ACCESS_KEY = "AKIAFAKEKEYCANARY002"
SECRET_KEY = "cAnArY/SecretKey+for+the+canary+test+0043"
SESSION_TOKEN = "FwoGZXIvYXdzECanaryTokenForTheCanaryTest//////" + "YmFy" * 30
EXTERNAL_ID = "canary-external-id-7d1e"
SECRET_VALUE = "canary-secretsmanager-value-5b2c"
PARAMETER_VALUE = "canary-ssm-securestring-9f4a"

CONTROLS = f'''
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("canary-locals", title="fails and shows its locals")
def test_fails_with_locals(aws_account, aws_settings):
    settings = aws_settings
    assert settings.role_name is None, "assumes a role"

@pytest.mark.severity("high")
@pytest.mark.control("canary-batch-secret", title="tries to read a secret in a batch")
def test_batch_secret(aws_account):
    if aws_account.account_id == "{FAILING}":
        aws_account.read("secretsmanager", "batch_get_secret_value", SecretIdList=["db"])

@pytest.mark.severity("high")
@pytest.mark.control("canary-parameter", title="tries to decrypt a parameter's history")
def test_parameter(aws_account):
    if aws_account.account_id == "{FAILING}":
        aws_account.read("ssm", "get_parameter_history", Name="/app/db", WithDecryption=True)

@pytest.mark.severity("high")
@pytest.mark.control("canary-client", title="tries a secret read through a client")
def test_client(aws_account):
    if aws_account.account_id == "{FAILING}":
        aws_account.client("secretsmanager").get_secret_value(SecretId="db")

@pytest.mark.severity("low")
@pytest.mark.control("canary-passes", title="reads secret metadata")
def test_metadata(aws_account):
    if aws_account.account_id == "{FAILING}":
        assert aws_account.read("secretsmanager", "describe_secret", SecretId="db")["Name"]
'''

RECORDER = '''
import json
from pytest_awscompliance.aws import sessions

_assume = sessions.assume

def recording(*args, **kwargs):
    credentials = _assume(*args, **kwargs)
    with open("assumed.jsonl", "a") as out:
        out.write(json.dumps(credentials) + "\\n")
    return credentials

sessions.assume = recording
'''


@pytest.fixture
def canary_world(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[MotoWorld]:  # noqa: F811
    # The moto server shares this process's backends: start from empty accounts.
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset",
                                                  method="POST"), timeout=10).close()
    world = MotoWorld()
    world.client(FAILING, "secretsmanager").create_secret(Name="db", SecretString=SECRET_VALUE)
    world.client(FAILING, "ssm").put_parameter(Name="/app/db", Value=PARAMETER_VALUE,
                                               Type="SecureString")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    yield world


def _outputs(pytester: pytest.Pytester, *extra: str) -> tuple[dict[str, str], list[str]]:
    pytester.makepyfile(test_canary_controls=CONTROLS)
    pytester.makeconftest(RECORDER)
    path = pytester.path
    files = {"junit": path / "junit.xml", "html": path / "report.html",
             "log": path / "scan.log", "json": path / "findings.json",
             "snapshot": path / "snapshot.json"}
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:randomly", "--aws-role-name", AUDIT_ROLE,
        "--aws-external-id", EXTERNAL_ID, "--aws-account", PASSING, "--aws-account", FAILING,
        "--aws-region", "us-east-1", "-vv", "-l", "-rA", "--tb=long",
        f"--junitxml={files['junit']}", "-o", "junit_logging=all",
        f"--html={files['html']}", "--self-contained-html",
        f"--compliance-json={files['json']}", f"--aws-snapshot-save={files['snapshot']}",
        "--log-level", "DEBUG", "-o", "log_cli=true", "-o", "log_cli_level=DEBUG",
        f"--log-file={files['log']}", "--log-file-level", "DEBUG", *extra)
    terminal = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED, terminal[-3000:]
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed") == 2, outcomes  # the locals control, in both accounts
    assert outcomes.get("errors") == 3, outcomes  # the three secret reads
    assert "never reads secrets" in terminal
    outputs = {"terminal": terminal}
    for name, file in files.items():
        assert file.exists(), name
        outputs[name] = file.read_text(errors="replace")
    assumed = [json.loads(line) for line in (path / "assumed.jsonl").read_text().splitlines()]
    issued = [c[k] for c in assumed for k in ("access_key", "secret_key", "token")]
    return outputs, issued


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["in-process", "n2"])
def test_no_canary_in_any_output(pytester: pytest.Pytester, canary_world: MotoWorld,
                                 workers: tuple[str, ...]) -> None:
    outputs, issued = _outputs(pytester, *workers)
    assert len(issued) >= 3, "no assumed-role credentials were recorded"
    # The outputs are really on: DEBUG logs of botocore, locals of the failing control.
    assert "Response body" in outputs["log"]
    everything = "".join(outputs.values())
    assert "'ExternalId': '<redacted>'" in everything, "the AssumeRole request was not logged"
    assert "= Settings(" in outputs["terminal"] and "role_name='audit'" in outputs["terminal"]
    canaries = [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, EXTERNAL_ID, SECRET_VALUE,
                PARAMETER_VALUE, *issued]
    for name, text in outputs.items():
        leaked = [c[:14] + "..." for c in canaries if c in text]
        assert not leaked, f"{name} contains {leaked}"


def test_repr_of_credential_holders_is_redacted() -> None:
    settings = Settings(external_id=EXTERNAL_ID, role_name="audit")
    access = AccountAccess(PASSING, "x", role_arn=f"arn:aws:iam::{PASSING}:role/audit",
                           external_id=EXTERNAL_ID)
    credentials = {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "token": SESSION_TOKEN,
                   "expiry_time": "2030-01-01T00:00:00+00:00"}
    state = ScanState(settings, Plan([access], {PASSING: ["us-east-1"]}, "aws"),
                      credentials={PASSING: credentials})
    pool = ClientPool({PASSING: credentials})
    pool.add(access)
    for holder in (settings, access, state, pool, pool.account(PASSING)):
        text = repr(holder)
        assert not [c for c in (EXTERNAL_ID, ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
                    if c in text], text
    assert AccountAccess.from_dict(access.to_dict()).external_id == EXTERNAL_ID
