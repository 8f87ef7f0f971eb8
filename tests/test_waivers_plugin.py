"""Waivers end to end: inline controls run through the real plugin against moto accounts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_awscompliance.waivers import plugin as waiver_plugin
from tests.harness import AUDIT_ROLE, FAILING, PASSING, MotoWorld

CONTROLS = """
import pytest
from pytest_awscompliance.model.errors import AwsApiError

@pytest.mark.severity("high")
@pytest.mark.control("demo-mfa", title="MFA")
def test_mfa(aws_account):
    assert aws_account.account_id != "222222222222", \\
        f"account {aws_account.account_id}: MFA=false"

@pytest.mark.severity("low")
@pytest.mark.control("demo-passes", title="always passes")
def test_passes(aws_account):
    pass

@pytest.mark.severity("medium")
@pytest.mark.control("demo-aws-error", title="AWS error")
def test_aws_error(aws_account):
    raise AwsApiError("iam", "GetAccountSummary", "AccessDenied", "denied",
                      aws_account.account_id)

@pytest.mark.severity("medium")
@pytest.mark.control("demo-bug", title="a bug in the control")
def test_bug(aws_account):
    {}["missing"]
"""

# Prints the public contract (report.waiver & co, the expired/expiring accessors) as JSON.
CONTRACT_CONFTEST = """
import json
from pytest_awscompliance.waivers.plugin import expired_waivers, expiring_waivers

SEEN = []

def pytest_runtest_logreport(report):
    for name in ("waiver", "stale_waiver", "expired_waiver"):
        if getattr(report, name, None) is not None:
            SEEN.append({"nodeid": report.nodeid, "attr": name, "data": getattr(report, name)})

def pytest_terminal_summary(terminalreporter, config):
    terminalreporter.line("CONTRACT " + json.dumps({
        "reports": SEEN, "expired": expired_waivers(config),
        "expiring": expiring_waivers(config)}))
"""

MFA_222 = """
- control: demo-mfa
  account: "222222222222"
  justification: no MFA device on the legacy account
  owner: alice
  expires: {expires}
  ticket: SEC-12
"""


def waivers_file(pytester: pytest.Pytester, text: str, name: str = "waivers.yaml") -> str:
    path = pytester.path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def run(pytester: pytest.Pytester, *args: str, waivers: str | None = None,
        today: str | None = "2026-06-01") -> pytest.RunResult:
    pytester.makepyfile(test_controls=CONTROLS)
    pytester.makeconftest(CONTRACT_CONFTEST)
    argv = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-rA",
            "--aws-role-name", AUDIT_ROLE, "--aws-account", PASSING, "--aws-account", FAILING,
            *args]
    if waivers is not None:
        argv += ["--compliance-waivers", waivers_file(pytester, waivers)]
    if today is not None:
        argv += ["--compliance-waivers-today", today]
    return pytester.runpytest(*argv)


def reports(result: pytest.RunResult) -> dict[str, Any]:
    """The deciding report of each test, by ``name[account]`` (e.g. ``test_mfa[2222...]``)."""
    found: dict[str, Any] = {}
    for report in result.reprec.getreports("pytest_runtest_logreport"):  # type: ignore[attr-defined]
        name = report.nodeid.split("::")[-1].replace("/global", "")
        if report.when == "call" or report.failed or report.skipped:
            found.setdefault(name, report)
    return found


def contract(result: pytest.RunResult) -> dict[str, Any]:
    (line,) = [line for line in result.outlines if line.startswith("CONTRACT ")]
    return json.loads(line.removeprefix("CONTRACT "))


def test_a_waived_failure_is_a_strict_xfail_showing_the_waiver(pytester: pytest.Pytester,
                                                               moto_env: None) -> None:
    result = run(pytester, "-k", "mfa", waivers=MFA_222.format(expires="2027-01-31"))
    got = reports(result)
    assert got[f"test_mfa[{PASSING}]"].passed
    waived = got[f"test_mfa[{FAILING}]"]
    reason = ("waived: no MFA device on the legacy account (owner alice, expires 2027-01-31, "
              "ticket SEC-12)")
    assert waived.skipped and waived.wasxfail == reason
    assert waived.compliance_message == f"account {FAILING}: MFA=false"  # the finding is kept
    assert {k: waived.waiver[k] for k in ("control", "justification", "owner", "expires",
                                          "ticket")} == {
        "control": "demo-mfa", "justification": "no MFA device on the legacy account",
        "owner": "alice", "expires": "2027-01-31", "ticket": "SEC-12"}
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([
        "waivers: 1 in *waivers.yaml (0 expired, 0 expiring within 30 days of 2026-06-01)",
        "*compliance waivers*",
        "*waivers.yaml: 1 waiver(s); 1 result(s) waived by 1 waiver(s)*",
        f"XFAIL test_controls.py::test_mfa?{FAILING}/global? - {reason}",
    ])
    assert contract(result)["reports"][0]["data"] == waived.waiver


def junit_cases(path: Any) -> dict[str, Any]:
    import xml.etree.ElementTree as ET

    return {f"{case.get('classname')}::{case.get('name')}": case
            for case in ET.parse(path).getroot().iter("testcase")}


GLOB_MFA = """
- control: "demo-m*"
  region: "gl*"
  justification: legacy accounts have no MFA device
  owner: alice
  expires: 2027-01-31
"""


def test_a_glob_waiver_changes_only_the_failures_it_covers(pytester: pytest.Pytester,
                                                           moto_env: None) -> None:
    """The glob covers both accounts: the compliant one stays PASSED in every output."""
    result = run(pytester, "-k", "mfa", "--junitxml", "junit.xml", "--html", "report.html",
                 "--compliance-json", "findings.json", waivers=GLOB_MFA)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    got = reports(result)
    compliant = got[f"test_mfa[{PASSING}]"]
    assert compliant.passed and not hasattr(compliant, "wasxfail")
    assert not hasattr(compliant, "waiver") and not hasattr(compliant, "stale_waiver")
    assert got[f"test_mfa[{FAILING}]"].skipped and got[f"test_mfa[{FAILING}]"].waiver
    result.assert_outcomes(passed=1, xfailed=1)
    result.stdout.fnmatch_lines([f"PASSED test_controls.py::test_mfa?{PASSING}/global?",
                                 "high *1 *0 *0 *1 *0 *2"])  # the summary is the last block
    out = result.stdout.str()
    assert "XPASS" not in out and "STALE" not in out and "top failing" not in out
    cases = junit_cases(pytester.path / "junit.xml")
    assert len(cases) == 2
    passing = cases[f"test_controls::test_mfa[{PASSING}/global]"]
    assert [child.tag for child in passing] != [] and passing.find("failure") is None
    assert passing.find("skipped") is None
    status = {f["resources"][0]["name"]: f["status_code"]
              for f in json.loads((pytester.path / "findings.json").read_text())}
    assert status == {PASSING: "PASS", FAILING: "WAIVED"}
    page = (pytester.path / "report.html").read_text()
    assert "1 Passed" in page and "0 Failed" in page and "STALE" not in page


def test_strict_xfail_ini_does_not_turn_compliance_into_failure(
        pytester: pytest.Pytester, moto_env: None) -> None:
    pytester.makeini("[pytest]\nxfail_strict = true\n")
    result = run(pytester, "-k", "mfa", waivers=GLOB_MFA)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.assert_outcomes(passed=1, xfailed=1)


PASSES_WAIVER = ("# header comment\n- control: demo-passes\n  justification: was failing\n"
                 "  owner: bob\n  permanent: true\n")


def test_a_stale_waiver_is_reported_once_and_fails_the_run(pytester: pytest.Pytester,
                                                           moto_env: None) -> None:
    result = run(pytester, "-k", "passes", "--junitxml", "junit.xml", "--html", "report.html",
                 waivers=PASSES_WAIVER)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    for account in (PASSING, FAILING):  # the compliant results are untouched
        report = reports(result)[f"test_passes[{account}]"]
        assert report.passed and not hasattr(report, "wasxfail")
    reason = ("stale waiver: waiver #1 (waivers.yaml:2) demo-passes covered no failing result "
              "among 2 result(s) scanned in its scope; remove it (owner bob, permanent)")
    out = result.stdout.str()
    assert out.count("STALE waiver #1") == 1
    result.stdout.fnmatch_lines([
        "*compliance waivers*",
        "STALE waiver #1 (waivers.yaml:2) demo-passes: covered no failing result among 2 "
        "scanned, owner bob: remove it (fails the run)",
        "FAILED awscompliance.waivers::waivers.yaml:2 waiver #1 - stale waiver*",
        "*aws compliance summary*",  # the last block
        "low *2 *0 *0 *0 *0 *2"])  # the severity table counts control results only
    assert "top failing" not in out
    result.assert_outcomes(passed=2, failed=1, deselected=3)
    (line,) = [r for r in contract(result)["reports"] if r["attr"] == "stale_waiver"]
    assert line["data"]["index"] == 1 and line["data"]["line"] == 2
    cases = junit_cases(pytester.path / "junit.xml")
    stale = cases["awscompliance.waivers::waivers.yaml:2 waiver #1"]
    failure = stale.find("failure")
    assert failure is not None and failure.get("message") == reason
    assert [k for k in cases if k.startswith("awscompliance.waivers::")] == [
        "awscompliance.waivers::waivers.yaml:2 waiver #1"]
    page = (pytester.path / "report.html").read_text()
    assert "STALE waiver #1 (waivers.yaml:2) demo-passes" in page


@pytest.mark.parametrize("how", ["option", "ini"])
def test_stale_waivers_warn_only_on_request(pytester: pytest.Pytester, moto_env: None,
                                            how: str) -> None:
    args = ["--compliance-waivers-stale", "warn"] if how == "option" else []
    if how == "ini":
        pytester.makeini("[pytest]\ncompliance_waivers_stale = warn\n")
    result = run(pytester, "-k", "passes", "--junitxml", "junit.xml", *args,
                 waivers=PASSES_WAIVER)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.stdout.fnmatch_lines(["STALE waiver #1 * remove it (warning only)"])
    result.assert_outcomes(passed=2, skipped=1, deselected=3)
    skipped = junit_cases(pytester.path / "junit.xml")[
        "awscompliance.waivers::waivers.yaml:2 waiver #1"].find("skipped")
    assert skipped is not None and "stale waiver: waiver #1" in str(skipped.get("message"))


@pytest.mark.parametrize(("args", "why"), [
    (["-k", f"passes and {PASSING}"], "deselected: the other account's result"),
    (["-k", "passes or mfa", "-x", "-p", "no:randomly"], "stopped early by -x"),
])
def test_a_waiver_whose_scope_was_not_all_scanned_is_not_judged(
        pytester: pytest.Pytester, moto_env: None, args: list[str], why: str) -> None:
    result = run(pytester, *args, waivers=PASSES_WAIVER)
    out = result.stdout.str()
    assert "STALE" not in out and "awscompliance.waivers::" not in out, why
    if "-x" in args:
        result.stdout.fnmatch_lines(["stale waivers not judged: the run stopped early*"])
    else:
        assert result.ret == pytest.ExitCode.OK


def test_a_waiver_of_an_unscanned_control_or_region_is_not_stale(pytester: pytest.Pytester,
                                                                 moto_env: None) -> None:
    waivers = PASSES_WAIVER + ("- control: demo-mfa\n  region: eu-*\n  justification: j\n"
                               "  owner: o\n  permanent: true\n")
    result = run(pytester, "-k", "mfa", waivers=waivers)  # demo-passes: not run at all
    assert "STALE" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # the unwaived MFA failure, only
    result.assert_outcomes(passed=1, failed=1, deselected=3)


@pytest.mark.parametrize(("args", "ini", "message"), [
    (["--compliance-waivers-stale", "maybe"], "",
     "--compliance-waivers-stale: 'maybe' is not one of fail, warn"),
    ([], "[pytest]\ncompliance_waivers_stale = loud\n",
     "compliance_waivers_stale: 'loud' is not one of fail, warn"),
])
def test_bad_stale_mode(pytester: pytest.Pytester, args: list[str], ini: str,
                        message: str) -> None:
    if ini:
        pytester.makeini(ini)
    pytester.makepyfile("def test_unit():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: {message}" in result.stderr.str()
    assert "Traceback" not in result.stderr.str()


def test_errors_are_never_waived(pytester: pytest.Pytester, moto_env: None) -> None:
    waivers = """
- control: demo-aws-error
  justification: j
  owner: o
  expires: 2027-01-01
- control: demo-bug
  justification: j
  owner: o
  expires: 2027-01-01
"""
    result = run(pytester, "-k", "error or bug", waivers=waivers)
    got = reports(result)
    for account in (PASSING, FAILING):
        error = got[f"test_aws_error[{account}]"]
        assert error.failed and error.when == "setup"  # an ERROR, as without a waiver
        assert "AccessDenied" in error.compliance_error
        bug = got[f"test_bug[{account}]"]
        # A control that breaks did not decide: an ERROR too, never waived.
        assert bug.failed and bug.when == "setup" and "KeyError" in bug.compliance_error
        for report in (error, bug):
            assert not hasattr(report, "waiver") and not hasattr(report, "wasxfail")
            assert any("not applied: only a control failure (AssertionError) can be waived"
                       in text for _, text in report.sections)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*2 waiver(s); 0 result(s) waived*"])
    assert "STALE" not in result.stdout.str()  # errors in scope: not judged


def test_expiry_is_judged_on_an_injectable_today(pytester: pytest.Pytester, moto_env: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A waiver applies through its expiry date; from the next day it is listed, not applied."""
    from datetime import date

    monkeypatch.setattr(waiver_plugin, "today", lambda: date(2026, 6, 1))
    waivers = MFA_222.format(expires="2026-06-01")
    last_day = run(pytester, "-k", "mfa", waivers=waivers, today=None)
    assert reports(last_day)[f"test_mfa[{FAILING}]"].skipped
    last_day.stdout.fnmatch_lines(["EXPIRING waiver #1 demo-mfa [account 222222222222]: "
                                   "expires 2026-06-01 (in 0 day(s)), owner alice, ticket SEC-12"])
    assert [w["index"] for w in contract(last_day)["expiring"]] == [1]
    assert contract(last_day)["expired"] == []

    monkeypatch.setattr(waiver_plugin, "today", lambda: date(2026, 6, 2))
    after = run(pytester, "-k", "mfa", waivers=waivers, today=None)
    failed = reports(after)[f"test_mfa[{FAILING}]"]
    assert failed.failed and not hasattr(failed, "waiver")
    assert failed.expired_waiver["expires"] == "2026-06-01"
    assert ("compliance waiver", f"waiver #1 of {pytester.path / 'waivers.yaml'} expired on "
            "2026-06-01 and was not applied (owner alice, expires 2026-06-01, ticket SEC-12)"
            ) in failed.sections
    assert after.ret == pytest.ExitCode.TESTS_FAILED
    after.stdout.fnmatch_lines([
        "waivers: 1 in * (1 expired, 0 expiring within 30 days of 2026-06-02)",
        "EXPIRED waiver #1 demo-mfa [account 222222222222]: expired 2026-06-01 (1 day(s) ago), "
        "owner alice, ticket SEC-12: not applied, its failures show"])
    (expired,) = contract(after)["expired"]
    assert expired["days_left"] == -1 and expired["owner"] == "alice"
    assert all(isinstance(v, str | int | bool | type(None)) for v in expired.values())


def test_warn_days_option_and_ini_twin(pytester: pytest.Pytester, moto_env: None) -> None:
    waivers = MFA_222.format(expires="2026-06-11")  # 10 days after "today"
    default = run(pytester, "-k", "mfa", waivers=waivers)
    assert "EXPIRING waiver #1" in default.stdout.str()
    narrow = run(pytester, "-k", "mfa", "--compliance-waivers-warn-days", "5", waivers=waivers)
    assert "EXPIRING" not in narrow.stdout.str() and contract(narrow)["expiring"] == []
    pytester.makeini("[pytest]\ncompliance_waivers_warn_days = 10\n")
    ini = run(pytester, "-k", "mfa", waivers=waivers)
    assert "expiring within 10 days" in ini.stdout.str()
    assert [w["days_left"] for w in contract(ini)["expiring"]] == [10]


def test_no_waivers_is_audit_mode(pytester: pytest.Pytester, moto_env: None) -> None:
    result = run(pytester, "-k", "mfa", "--no-waivers",
                 waivers=MFA_222.format(expires="2027-01-31"))
    failed = reports(result)[f"test_mfa[{FAILING}]"]
    assert failed.failed and not hasattr(failed, "waiver")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["waivers: ignored (--no-waivers), every failure shows: *"])
    assert "compliance waivers" not in result.stdout.str()
    broken = run(pytester, "-k", "mfa", "--no-waivers", waivers="not: [a list")
    assert broken.ret == pytest.ExitCode.TESTS_FAILED  # the file is not even read


def test_ini_path_is_relative_to_the_ini_file(pytester: pytest.Pytester, moto_env: None) -> None:
    waivers_file(pytester, MFA_222.format(expires="2027-01-31"), "policy/waivers.yaml")
    pytester.makeini("[pytest]\ncompliance_waivers = policy/waivers.yaml\n")
    (pytester.path / "elsewhere").mkdir()
    pytester.makepyfile(test_controls=CONTROLS)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(pytester.path / "elsewhere")
        result = pytester.runpytest(
            str(pytester.path), "-c", str(pytester.path / "tox.ini"), "-k", "mfa",
            "--rootdir", str(pytester.path), "-p", "no:cacheprovider",
            "-p", "no:hypothesispytest", "--aws-role-name", AUDIT_ROLE,
            "--aws-account", FAILING, "--compliance-waivers-today", "2026-06-01")
    result.assert_outcomes(xfailed=1)


def test_resource_account_and_region_globs(pytester: pytest.Pytester,
                                           world: MotoWorld) -> None:
    s3 = world.client(FAILING, "s3")
    for name in ("legacy-logs", "legacy-web", "app-data"):
        s3.create_bucket(Bucket=name)
    pytester.makepyfile(test_buckets="""
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("demo-bucket-tagged", title="tagged")
def test_bucket(s3_bucket):
    assert False, f"{s3_bucket.name}: Tags=none"
""")
    waivers_file(pytester, """
- control: demo-bucket-*
  account: "2222*"
  region: us-east-?
  resource: "arn:aws:s3:::legacy-*"
  justification: legacy buckets, deleted in Q3
  owner: storage-team
  expires: 2027-01-31
- control: demo-bucket-tagged
  resource: "arn:aws:s3:::app-data"
  region: eu-*
  justification: never matches, the bucket is in us-east-1
  owner: storage-team
  expires: 2027-01-31
""")
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-rA",
        "--aws-role-name", AUDIT_ROLE, "--aws-account", FAILING,
        "--compliance-waivers", "waivers.yaml", "--compliance-waivers-today", "2026-06-01")
    outcomes = {r.nodeid.rsplit("/", 1)[-1]: r.outcome for r in
                result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]
                if r.when == "call"}
    assert outcomes == {"legacy-logs]": "skipped", "legacy-web]": "skipped",
                        "app-data]": "failed"}


@pytest.mark.parametrize(("text", "lines"), [
    (None, ["{path}: waiver file not found"]),
    ("- control: [oops\n", ["{path}: not valid YAML: *line 2*"]),
    ("control: demo-mfa\n", ["{path}: must be a YAML list of waivers*found a mapping"]),
    ("- control: demo-mfa\n  justification: j\n  owner: o\n  expires: tomorrow\n",
     ["{path}: waiver #1: field 'expires': 'tomorrow' is not an ISO date (YYYY-MM-DD)"]),
    ("- control: demo-mfa\n  owner: o\n  expires: 2027-01-01\n  permanent: true\n  color: red\n"
     "- control: demo-mfa\n  justification: j\n  owner: o\n  expires: 2027-01-01\n"
     "- control: demo-mfa\n  justification: j2\n  owner: o\n  expires: 2028-01-01\n",
     ["{path}: waiver #1: unknown field 'color' (known: *)",
      "{path}: waiver #1: field 'justification' is required",
      "{path}: waiver #1: 'expires' and 'permanent: true' exclude each other: keep one",
      "{path}: waiver #3: duplicates waiver #2 (same control, account, region and resource)"]),
])
def test_a_bad_file_is_a_usage_error_before_anything_runs(
        pytester: pytest.Pytester, moto_env: None, text: str | None, lines: list[str]) -> None:
    path = pytester.path / "waivers.yaml"
    if text is not None:
        path.write_text(text)
    pytester.makepyfile(test_controls=CONTROLS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--compliance-waivers", str(path),
                                "--aws-role-name", AUDIT_ROLE, "--aws-account", FAILING)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.errlines if line.strip()]
    result.stderr.fnmatch_lines(["ERROR: " + lines[0].format(path=path),
                                 *(line.format(path=path) for line in lines[1:])])
    assert len(errors) == len(lines), errors
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert result.reprec.getreports("pytest_runtest_logreport") == []  # type: ignore[attr-defined]


def test_a_control_that_exists_nowhere_is_a_usage_error(pytester: pytest.Pytester,
                                                        moto_env: None) -> None:
    waivers = ("- control: demo-mfaa\n  justification: j\n  owner: o\n  expires: 2027-01-01\n"
               "- control: zzz-*\n  justification: j\n  owner: o\n  expires: 2027-01-01\n")
    result = run(pytester, waivers=waivers)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    path = pytester.path / "waivers.yaml"
    result.stderr.fnmatch_lines([
        f"ERROR: {path}: waiver #1: field 'control': 'demo-mfaa' matches no known control "
        "(did you mean 'demo-mfa'?)",
        f"{path}: waiver #2: field 'control': 'zzz-*' matches no known control"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert result.reprec.getreports("pytest_runtest_logreport") == []  # type: ignore[attr-defined]


def test_deselected_and_bundled_controls_are_known(pytester: pytest.Pytester,
                                                   moto_env: None) -> None:
    waivers = MFA_222.format(expires="2027-01-31") + "".join(
        f"- control: {control}\n  justification: j\n  owner: o\n  expires: 2027-01-01\n"
        for control in ("demo-passes", "demo-bug", "s3-bucket-ssl-only", "iam-*"))
    # demo-passes is deselected by -k, demo-bug by --severity-min, the last two are bundled
    result = run(pytester, "-k", "mfa or bug", "--severity-min", "high", waivers=waivers)
    assert result.ret == pytest.ExitCode.OK, result.stderr.str()
    # controls nothing selects are one placeholder each, decided before discovery
    result.assert_outcomes(passed=1, xfailed=1, deselected=3)


def test_runs_without_aws_controls_do_not_check_control_ids(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_unit():\n    assert 1 + 1 == 2\n")
    waivers_file(pytester, "- control: nowhere\n  justification: j\n  owner: o\n"
                           "  expires: 2027-01-01\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "--compliance-waivers", "waivers.yaml")
    result.assert_outcomes(passed=1)


def test_html_summary_lists_expired_and_expiring_waivers(pytester: pytest.Pytester,
                                                         moto_env: None) -> None:
    waivers = (MFA_222.format(expires="2026-05-01")
               + "- control: demo-passes\n  justification: <b>j</b>\n  owner: o\n"
                 "  expires: 2026-06-20\n")
    result = run(pytester, "-k", "mfa", "--html", "report.html", waivers=waivers)
    page = (pytester.path / "report.html").read_text()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "Compliance waivers" in page
    assert "EXPIRED waiver #1 demo-mfa [account 222222222222]: expired 2026-05-01" in page
    assert "EXPIRING waiver #2 demo-passes: expires 2026-06-20 (in 19 day(s))" in page
    assert "<b>j</b>" not in page


def test_options_are_in_the_aws_compliance_help_group(pytester: pytest.Pytester) -> None:
    out = pytester.runpytest("--help").stdout.str()
    group = out.split("AWS compliance (pytest-awscompliance):")[1]
    for option in ("--compliance-waivers", "--compliance-waivers-warn-days", "--no-waivers",
                   "--compliance-waivers-stale"):
        assert option in group, option
    assert "--compliance-waivers-today" not in out
    assert "compliance_waivers_warn_days" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--compliance-waivers-warn-days", "soon"], "--compliance-waivers-warn-days: 'soon' is not"),
    (["--compliance-waivers-today", "2026-13-01"], "--compliance-waivers-today: '2026-13-01'"),
])
def test_bad_option_values(pytester: pytest.Pytester, args: list[str], message: str) -> None:
    pytester.makepyfile("def test_unit():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str()
