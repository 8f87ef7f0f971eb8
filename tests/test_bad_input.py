"""Bad input: one readable line, no traceback, and the documented exit code.

A usage error (bad option, bad file, unusable credentials, an output path that cannot be
written) exits 4 before any control runs, with one ``ERROR: ...`` line on stderr, and leaves
the reports of an earlier run (JUnit XML, HTML, OCSF JSON) byte for byte as they were.
Exceptions, documented in docs/security.md: a control file with a bad marker is a collection
error (exit 2, one line naming the test), and an account whose role cannot be assumed is an
ERROR of that account's tests (exit 1) while the other accounts are scanned.
tests/test_options.py covers the command-line rows not repeated here (unknown severity, short
account id, unknown region, ...).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest

from pytest_awscompliance.aws import sessions, targets
from tests.harness import AUDIT_ROLE, FAILING, PASSING, MotoWorld, control_file, scan
from tests.stubs import on_base_sessions
from tests.test_faults import answer_first, error_response

CONTROL = """
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("demo-control", title="t", frameworks={"cis-aws-3.0": "1.1"})
def test_it(aws_account):
    pass
"""

PROFILE_CONFIG = "[profile audit-a]\naws_access_key_id = a\naws_secret_access_key = b\n"

EXPIRED_PROCESS = """#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIAEXAMPLEEXPIRED00", "SecretAccessKey": "x", \
"SessionToken": "y", "Expiration": "2020-01-01T00:00:00Z"}'
"""

NOT_JSON_PROCESS = "#!/bin/sh\necho 'Enter MFA code:'\n"

FAILING_PROCESS = "#!/bin/sh\nexit 1\n"


def snapshot_text(plan: dict[str, Any] | None = None, entries: Any = None) -> str:
    """A small valid snapshot (one account, one region, no answers), with parts replaced."""
    document = {
        "format": "pytest-awscompliance-snapshot/1", "plugin_version": "0", "created": "x",
        "plan": {"accounts": [{"account_id": "111111111111", "label": "snapshot (caller)",
                               "home_region": "us-east-1"}],
                 "regions": {"111111111111": ["us-east-1"]}, "partition": "aws",
                 "demo_endpoint": None},
        "entries": {} if entries is None else entries,
    }
    document["plan"].update(plan or {})
    return json.dumps(document)


ACCOUNT = {"label": "snapshot (caller)", "home_region": "us-east-1"}
REPLAY = ("--aws-snapshot", "s.json")

GOOD_WAIVER = ("- control: demo-control\n  justification: accepted\n  owner: team\n"
               "  expires: 2099-01-01\n")


@functools.cache
def pytest_help() -> str:
    """``pytest --help`` as a user sees it (with every installed plugin)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run([sys.executable, "-m", "pytest", "--help", "-p", "no:cacheprovider"],
                          cwd=tempfile.gettempdir(), env=env, capture_output=True, text=True,
                          timeout=120, check=True).stdout


@dataclass(frozen=True)
class Case:
    """One bad input. ``files`` are written in the run's directory; ``{dir}`` in ``env``
    values is that directory; ``unset`` names environment variables removed."""

    args: tuple[str, ...]
    message: str
    files: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    code: int = pytest.ExitCode.USAGE_ERROR


NO_CREDENTIALS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")

CASES: dict[str, Case] = {
    # unknown profile (the command-line form is in test_options.py)
    "unknown-profile-in-ini": Case(("-o", "aws_profiles=ghost"), "unknown AWS profile 'ghost'"),
    # malformed region names
    "region-with-underscores-in-ini": Case(("-o", "aws_regions=US_EAST_1"),
                                           "'US_EAST_1' is not a region name"),
    "region-with-a-space": Case(("--aws-region", "eu-west-1 "), "'eu-west-1 ' is not a region"),
    "region-injection": Case(("--aws-region", "eu-west-1;rm -rf"), "is not a region name"),
    # invalid account ids
    "account-13-digits": Case(("--aws-account", "1234567890123", "--aws-role-name", "r"),
                              "'1234567890123' is not a 12-digit AWS account id"),
    "account-with-a-letter": Case(("--aws-account", "12345678901O", "--aws-role-name", "r"),
                                  "'12345678901O' is not a 12-digit"),
    "account-in-ini": Case(("-o", "aws_accounts=abc", "-o", "aws_role_name=r"),
                           "ini aws_accounts: 'abc' is not a 12-digit"),
    "organization-in-ini-not-a-boolean": Case(("-o", "aws_organization=maybe"),
                                              "ini aws_organization: invalid truth value"),
    "retry-mode-in-ini": Case(("-o", "aws_retry_mode=fast"), "ini aws_retry_mode: 'fast'"),
    "lookahead-in-ini-not-a-boolean": Case(("-o", "aws_lookahead=maybe"),
                                           "ini aws_lookahead: invalid truth value"),
    "account-order-in-ini-not-a-boolean": Case(("-o", "aws_account_order=maybe"),
                                               "ini aws_account_order: invalid truth value"),
    "shard-in-ini": Case(("-o", "aws_shard=0/4"), "ini aws_shard: '0/4'"),
    "tunable-not-a-number": Case(("-o", "aws_log_retention_days=year"),
                                 "ini aws_log_retention_days: 'year' is not a whole number"),
    # credentials
    "no-credentials-at-all": Case((), "no AWS credentials found", unset=NO_CREDENTIALS),
    "expired-credentials": Case(
        (), "the default credential chain: AWS credentials cannot be used: Credentials were "
        "refreshed, but the refreshed "
        "credentials are still expired", unset=NO_CREDENTIALS,
        files={"creds.sh": EXPIRED_PROCESS, "config": "[default]\ncredential_process = "
               "{dir}/creds.sh\n"}, env={"AWS_CONFIG_FILE": "{dir}/config"}),
    "endpoint-unreachable": Case((), "the default credential chain: Could not connect to the "
                                 "endpoint URL"),
    "profile-without-credentials": Case(
        ("--aws-profile", "nocreds"), "--aws-profile nocreds has no credentials",
        unset=NO_CREDENTIALS, files={"config": "[profile nocreds]\nregion = eu-west-1\n"},
        env={"AWS_CONFIG_FILE": "{dir}/config"}),
    "credential-process-fails-silently": Case(
        (), "the default credential chain: the credentials from custom-process cannot be "
        "used: the command failed and printed no reason", unset=NO_CREDENTIALS,
        files={"creds.sh": FAILING_PROCESS, "config": "[default]\ncredential_process = "
               "{dir}/creds.sh\n"}, env={"AWS_CONFIG_FILE": "{dir}/config"}),
    "credential-process-of-a-profile-fails": Case(
        ("--aws-profile", "audit-a"), "--aws-profile audit-a: the credentials from "
        "custom-process cannot be used", unset=NO_CREDENTIALS,
        files={"creds.sh": FAILING_PROCESS, "config": "[profile audit-a]\ncredential_process "
               "= {dir}/creds.sh\n"}, env={"AWS_CONFIG_FILE": "{dir}/config"}),
    "credential-process-prints-garbage": Case(
        (), "AWS credentials cannot be used", unset=NO_CREDENTIALS,
        files={"creds.sh": NOT_JSON_PROCESS, "config": "[default]\ncredential_process = "
               "{dir}/creds.sh\n"}, env={"AWS_CONFIG_FILE": "{dir}/config"}),
    # unknown severity levels
    "severity-in-ini": Case(("-o", "severity_min=urgent"), "unknown severity 'urgent'"),
    "fail-on-severity": Case(("--fail-on-severity", "blocker"), "unknown severity 'blocker'"),
    # conflicting target options
    "profile-and-accounts": Case(
        ("--aws-profile", "audit-a", "--aws-account", "111111111111", "--aws-role-name", "r"),
        "--aws-profile scans each profile's own account and cannot be combined",
        files={"config": PROFILE_CONFIG}, env={"AWS_CONFIG_FILE": "{dir}/config"}),
    "profile-and-organization": Case(
        ("--aws-profile", "audit-a", "--aws-organization", "--aws-role-name", "r"),
        "cannot be combined with --aws-account or --aws-organization",
        files={"config": PROFILE_CONFIG}, env={"AWS_CONFIG_FILE": "{dir}/config"}),
    "snapshot-and-targets": Case(
        ("--aws-snapshot", "s.json", "--aws-account", "111111111111", "--aws-role-name", "r"),
        "cannot be combined with target options", files={"s.json": "{}"}),
    "snapshot-and-snapshot-save": Case(("--aws-snapshot", "s.json", "--aws-snapshot-save",
                                        "t.json"), "exclusive", files={"s.json": "{}"}),
    # target options that would be ignored
    "role-name-without-accounts": Case(("--aws-role-name", "audit"),
                                       "--aws-role-name would be ignored"),
    "external-id-without-accounts": Case(("--aws-external-id", "x"),
                                         "--aws-external-id would be ignored"),
    "role-and-external-id-with-a-profile": Case(
        ("--aws-profile", "audit-a", "--aws-role-name", "audit", "--aws-external-id", "x"),
        "--aws-role-name and --aws-external-id would be ignored",
        files={"config": PROFILE_CONFIG}, env={"AWS_CONFIG_FILE": "{dir}/config"}),
    "role-name-in-ini-with-a-profile": Case(
        ("--aws-profile", "audit-a", "-o", "aws_role_name=audit"),
        "ini aws_role_name would be ignored",
        files={"config": PROFILE_CONFIG}, env={"AWS_CONFIG_FILE": "{dir}/config"}),
    # --aws-framework naming no framework
    "framework-empty": Case(("--aws-framework", ""), "--aws-framework: an empty framework"),
    "framework-unknown": Case(("--aws-framework", "cis-aws-9.9", *REPLAY),
                              "--aws-framework: unknown framework 'cis-aws-9.9'; the collected "
                              "controls map to cis-aws-3.0", files={"s.json": snapshot_text()}),
    "framework-unknown-in-ini": Case(("-o", "aws_frameworks=nist", *REPLAY),
                                     "ini aws_frameworks: unknown framework 'nist'",
                                     files={"s.json": snapshot_text()}),
    # --aws-demo with real targets (--aws-profile is in test_options.py)
    "demo-and-accounts": Case(("--aws-demo", "--aws-account", "111111111111",
                               "--aws-role-name", "r"), "cannot be combined"),
    "demo-and-organization": Case(("--aws-demo", "--aws-organization", "--aws-role-name", "r"),
                                  "cannot be combined"),
    "demo-and-profile-in-ini": Case(("--aws-demo", "-o", "aws_profiles=prod"),
                                    "cannot be combined"),
    # bad --aws-shard
    "shard-zero": Case(("--aws-shard", "0/4"), "--aws-shard: '0/4'"),
    "shard-past-the-end": Case(("--aws-shard", "3/2"), "--aws-shard: '3/2'"),
    "shard-of-nothing": Case(("--aws-shard", "1/0"), "--aws-shard: '1/0'"),
    "shard-not-a-fraction": Case(("--aws-shard", "half"), "--aws-shard: 'half'"),
    # bad --aws-retry-mode
    "retry-mode-unknown": Case(("--aws-retry-mode", "legacy"),
                               "--aws-retry-mode: 'legacy' is not one of standard, adaptive"),
    # unreadable or corrupt snapshots
    "snapshot-missing": Case(("--aws-snapshot", "gone.json"), "gone.json"),
    "snapshot-is-a-directory": Case(("--aws-snapshot", "."), "snapshot"),
    "snapshot-not-json": Case(("--aws-snapshot", "s.json"), "s.json",
                              files={"s.json": "not json {"}),
    "snapshot-truncated": Case(("--aws-snapshot", "s.json"), "s.json",
                               files={"s.json": '{"format": "pytest-awscompliance-snap'}),
    "snapshot-of-another-tool": Case(("--aws-snapshot", "s.json"), "s.json",
                                     files={"s.json": '{"format": 99, "answers": []}'}),
    "snapshot-plan-a-list": Case(REPLAY, "'plan' is missing or not an object",
                                 files={"s.json": snapshot_text().replace(
                                     '"plan": {', '"plan": [{', 1).replace(
                                     ', "entries"', '], "entries"', 1)}),
    "snapshot-no-accounts": Case(REPLAY, "'plan.accounts' is missing",
                                 files={"s.json": snapshot_text({"accounts": {}})}),
    "snapshot-account-not-an-object": Case(REPLAY, "'plan.accounts[0]' is not an object",
                                           files={"s.json": snapshot_text({"accounts": [7]})}),
    "snapshot-account-unknown-field": Case(
        REPLAY, "has unknown field(s) 'secret'", files={"s.json": snapshot_text(
            {"accounts": [{**ACCOUNT, "account_id": "111111111111", "secret": "x"}]})}),
    "snapshot-account-id-edited": Case(
        REPLAY, "'plan.regions' names accounts 111111111111 but 'plan.accounts' has "
        "222222222222", files={"s.json": snapshot_text(
            {"accounts": [{**ACCOUNT, "account_id": "222222222222"}]})}),
    "snapshot-account-id-malformed": Case(
        REPLAY, "'plan.accounts[0].account_id' '11111111111x' is not a 12-digit",
        files={"s.json": snapshot_text({"accounts": [{**ACCOUNT, "account_id": "11111111111x"}]})}),
    "snapshot-account-id-a-number": Case(
        REPLAY, "'plan.accounts[0].account_id' is not a string",
        files={"s.json": snapshot_text({"accounts": [{**ACCOUNT, "account_id": 111111111111}]})}),
    "snapshot-account-twice": Case(
        REPLAY, "account 111111111111 is listed twice", files={"s.json": snapshot_text(
            {"accounts": [{**ACCOUNT, "account_id": "111111111111"}] * 2})}),
    "snapshot-region-mars": Case(
        REPLAY, "'plan.regions.111111111111' names 'mars-1', which is not an AWS region",
        files={"s.json": snapshot_text({"regions": {"111111111111": ["mars-1"]}})}),
    "snapshot-regions-not-a-list": Case(
        REPLAY, "'plan.regions.111111111111' is not a non-empty list",
        files={"s.json": snapshot_text({"regions": {"111111111111": "us-east-1"}})}),
    "snapshot-partition-unknown": Case(REPLAY, "'plan.partition' 'mars'",
                                       files={"s.json": snapshot_text({"partition": "mars"})}),
    "snapshot-with-an-endpoint": Case(
        REPLAY, "'plan.demo_endpoint' must be null",
        files={"s.json": snapshot_text({"demo_endpoint": "http://127.0.0.1:5000"})}),
    "snapshot-entries-a-list": Case(REPLAY, "'entries' is missing or not an object",
                                    files={"s.json": snapshot_text(entries=[])}),
    "snapshot-entry-a-string": Case(
        REPLAY, "is not an object with one 'ok' or 'error' member",
        files={"s.json": snapshot_text(entries={"111111111111|us-east-1|s3|ListBuckets|{}":
                                                "yes"})}),
    "snapshot-entry-bad-key": Case(
        REPLAY, "is not account|region|service|operation|parameters",
        files={"s.json": snapshot_text(entries={"ListBuckets": {"ok": {}}})}),
    "snapshot-entry-other-account": Case(
        REPLAY, "is for account '999999999999', not one of the plan's",
        files={"s.json": snapshot_text(entries={"999999999999|us-east-1|s3|ListBuckets|{}":
                                                {"ok": {}}})}),
    "snapshot-entry-error-malformed": Case(
        REPLAY, "'error' needs string members service, operation, code, message",
        files={"s.json": snapshot_text(entries={"111111111111|us-east-1|s3|ListBuckets|{}":
                                                {"error": {"code": 3}}})}),
    # a waiver naming no control: found at collection, after start-up
    "waiver-unknown-control": Case(
        ("--compliance-waivers", "w.yaml", *REPLAY), "no-such-control",
        files={"s.json": snapshot_text(),
               "w.yaml": GOOD_WAIVER.replace("demo-control", "no-such-control")}),
    # malformed waiver files
    "waivers-not-yaml": Case(("--compliance-waivers", "w.yaml"), "not valid YAML",
                             files={"w.yaml": "- control: [unclosed\n"}),
    "waivers-a-mapping": Case(("--compliance-waivers", "w.yaml"), "must be a YAML list",
                              files={"w.yaml": "control: demo-control\n"}),
    "waiver-without-owner": Case(("--compliance-waivers", "w.yaml"), "owner",
                                 files={"w.yaml": GOOD_WAIVER.replace("  owner: team\n", "")}),
    "waiver-bad-date": Case(("--compliance-waivers", "w.yaml"), "expires",
                            files={"w.yaml": GOOD_WAIVER.replace("2099-01-01", "someday")}),
    "waivers-missing": Case(("--compliance-waivers", "nowhere.yaml"), "nowhere.yaml"),
    "waiver-unknown-control-under-xdist": Case(  # known on the controller only at the end
        ("-n", "2", "--compliance-waivers", "w.yaml", *REPLAY), "no-such-control",
        files={"s.json": snapshot_text(),
               "w.yaml": GOOD_WAIVER.replace("demo-control", "no-such-control")}),
    # report and snapshot paths that cannot be written, found before any AWS call
    "json-report-directory-missing": Case(("--compliance-json", "no/such/dir/f.json"),
                                          "--compliance-json: directory"),
    "snapshot-save-directory-missing": Case(("--aws-snapshot-save", "no/such/dir/s.json"),
                                            "--aws-snapshot-save: directory"),
    "snapshot-save-is-a-directory": Case(("--aws-snapshot-save", "."),
                                         "--aws-snapshot-save: {dir} is a directory"),
    "snapshot-save-under-proc": Case(("--aws-snapshot-save", "/proc/self/s.json"),
                                     "--aws-snapshot-save: /proc/self/s.json is under /proc"),
    "snapshot-save-to-dev-null": Case(("--aws-snapshot-save", "/dev/null"),
                                      "--aws-snapshot-save: /dev/null is under /dev"),
    "junitxml-is-a-directory": Case(("--junit-xml", "earlier"),  # pytest's own check
                                    "--junitxml must be a filename, given: earlier"),
    "junitxml-under-proc": Case(("--junit-xml", "/proc/junit.xml"), "--junitxml: /proc/junit.xml "
                                "is under /proc, a pseudo filesystem"),
    "junitxml-parent-is-a-file": Case(("--junit-xml", "afile/sub/j.xml"),
                                      "--junitxml: {dir}/afile is not a directory",
                                      files={"afile": "x"}),
    "html-is-a-directory": Case(("--html", "earlier"), "--html: {dir}/earlier is a directory"),
    "html-under-sys": Case(("--html", "/sys/report.html"), "--html: /sys/report.html is under "
                           "/sys"),
    "json-report-is-a-directory": Case(("--compliance-json", "earlier"),
                                       "--compliance-json: {dir}/earlier is a directory"),
    "json-report-under-proc": Case(("--compliance-json", "/proc/self/f.json"),
                                   "--compliance-json: /proc/self/f.json is under /proc"),
    "json-report-in-ini-parent-is-a-file": Case(
        ("-o", "compliance_json=afile/f.json"), "ini compliance_json: {dir}/afile is not a "
        "directory", files={"afile": "x"}),
}

EARLIER = {"earlier/junit.xml": "<testsuites>earlier run</testsuites>\n",
           "earlier/report.html": "<html>earlier run</html>\n",
           "earlier/findings.json": '[{"earlier": "run"}]\n'}
"""Reports of an earlier run: every row runs with these paths, and must leave them alone."""
EARLIER_ARGS = ("--junitxml=earlier/junit.xml", "--html=earlier/report.html",
                "--compliance-json=earlier/findings.json")


def _write(pytester: pytest.Pytester, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content.replace("{dir}", str(pytester.path)))
        if name.endswith(".sh"):
            path.chmod(0o755)


PYTHON_INTERNALS = ("Traceback", "INTERNALERROR", "KeyError", "TypeError", "AttributeError",
                    "NoneType", "<class ", "Errno")


def assert_one_line(result: pytest.RunResult, message: str) -> None:
    """Exactly one non-empty stderr line, naming the problem; no traceback or Python
    internals anywhere."""
    errors = [line for line in result.stderr.lines if line.strip()]
    assert len(errors) == 1, result.stderr.lines
    assert errors[0].startswith("ERROR: "), errors
    assert message in errors[0], errors[0]
    output = result.stdout.str() + result.stderr.str()
    leaked = [word for word in PYTHON_INTERNALS if word in output]
    assert not leaked, output[-3000:]


def test_every_option_of_the_table_exists() -> None:
    """The table exercises real options: a renamed option must not turn a row into noise."""
    text = pytest_help()
    used = {arg for case in CASES.values() for arg in case.args if arg.startswith("--")}
    missing = sorted(option for option in used if option not in text)
    assert not missing, missing


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_readable_line(pytester: pytest.Pytester, offline_env: None,
                                        monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    case = CASES[name]
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask 169.254.169.254
    for variable in case.unset:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in case.env.items():
        monkeypatch.setenv(variable, value.replace("{dir}", str(pytester.path)))
    _write(pytester, {**EARLIER, **case.files})
    pytester.makepyfile(CONTROL)
    in_ini = any(arg.startswith("compliance_json=") for arg in case.args)  # ini row: no CLI
    earlier = [a for a in EARLIER_ARGS if not (in_ini and a.startswith("--compliance-json"))]
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *earlier, *case.args)
    assert result.ret == case.code, (result.stdout.str()[-2000:], result.stderr.str())
    assert_one_line(result, case.message.replace("{dir}", str(pytester.path)))
    for name, content in EARLIER.items():  # an earlier run's reports, untouched
        assert (pytester.path / name).read_text() == content, name
    stray = [p.name for p in pytester.path.rglob("*") if p.name.endswith(".tmp")]
    assert not stray, stray  # no temporary file left beside a report


def test_bad_severity_marker_is_a_collection_error(pytester: pytest.Pytester,
                                                   offline_env: None) -> None:
    """Documented exit 2: the control file is wrong, not the command line."""
    pytester.makepyfile(CONTROL.replace('"high"', '"urgent"'))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*test_it: @pytest.mark.severity: unknown severity 'urgent'*"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


# ------------------------------------------------------------- in-process, against moto


def _refuse_assume_role(monkeypatch: pytest.MonkeyPatch, account: str) -> None:
    """sts:AssumeRole into ``account`` answers AccessDenied (moto would accept any role)."""

    def register(session: boto3.Session) -> None:
        def refuse(request: Any, event_name: str, **_: Any) -> Any:
            body = request.body or b""
            body = body if isinstance(body, bytes) else str(body).encode()
            if event_name.endswith(".AssumeRole") and account.encode() in body:
                return error_response(request.url, "query", 403, "AccessDenied",
                                      "User: arn:aws:iam::123456789012:user/scanner is not "
                                      "authorized to perform: sts:AssumeRole")
            return None

        answer_first(session, refuse)

    on_base_sessions(monkeypatch, register)


def test_role_that_cannot_be_assumed_is_that_accounts_error(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """Documented exit 1: the other accounts are scanned; no traceback in the output."""
    world.client(PASSING, "iam").update_account_password_policy(MinimumPasswordLength=14)
    _refuse_assume_role(monkeypatch, FAILING)
    result = scan(pytester, control_file("identity/test_password_policy.py"),
                  control_file("storage/test_s3_public_access.py"),
                  args=["-k", "min_length or account_blocks or bucket_blocks"])
    assert result.outcome_set(FAILING) == {"error"}
    expected = f"sts:AssumeRole failed in {FAILING}/"
    for test, message in result.messages.items():
        if f"[{FAILING}/" in test:
            assert message.startswith(expected), message
            assert (f"cannot assume arn:aws:iam::{FAILING}:role/{AUDIT_ROLE}: AccessDenied"
                    in message), message
    assert result.for_account(PASSING)
    assert "error" not in result.outcome_set(PASSING)
    assert result.for_account(PASSING)[f"test_password_policy_min_length[{PASSING}/global]"] \
        == "passed"


def test_role_that_cannot_be_assumed_exit_code_and_output(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse_assume_role(monkeypatch, FAILING)
    result = pytester.runpytest(
        control_file("identity/test_password_policy.py"), "-p", "no:cacheprovider",
        "-p", "no:hypothesispytest", "--aws-role-name", AUDIT_ROLE, "--aws-account", PASSING,
        "--aws-account", FAILING, "-k", "min_length", "-rE")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    output = result.stdout.str()
    assert "Traceback" not in output, output
    result.stdout.fnmatch_lines([
        f"*ERROR at setup of test_password_policy_min_length[[]{FAILING}/global[]]*",
        f"sts:AssumeRole failed in {FAILING}/*: cannot assume *: AccessDenied: *"])
    result.assert_outcomes(failed=1, errors=1)  # PASSING has no password policy: a finding


def test_expired_token_at_target_resolution_is_a_usage_error(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """STS rejects the caller's (expired) session token: exit 4, one line."""

    def register(session: boto3.Session) -> None:
        def expired(request: Any, event_name: str, **_: Any) -> Any:
            if event_name.endswith(".GetCallerIdentity"):
                return error_response(request.url, "query", 403, "ExpiredToken",
                                      "The security token included in the request is expired")
            return None

        answer_first(session, expired)

    on_base_sessions(monkeypatch, register)
    monkeypatch.setattr(targets, "base_session", sessions.base_session)
    pytester.makepyfile(CONTROL)
    result = pytester.runpytest("-p", "no:cacheprovider", "--aws-region", "us-east-1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert_one_line(result, "GetCallerIdentity failed: ExpiredToken: The security token "
                            "included in the request is expired")
