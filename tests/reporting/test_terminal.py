"""The terminal output: finding lines instead of tracebacks, the compliance summary last."""

from __future__ import annotations

import pytest

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.reporting import summary, terminal
from tests.reporting.fakes import HEADER, write_controls

QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


def result(control: str = "ec2-instance-imdsv2-required", severity: str = "high",
           outcome: str = "failed", message: str = "i-1 accepts IMDSv1 (HttpTokens=optional)",
           node: str = "test_x[222222222222/eu-west-1/i-0841d5c3e1f0a2b4c9d]") -> ControlResult:
    account, region = node[node.index("[") + 1:].split("/")[:2]
    return ControlResult(control_id=control, severity=severity, account=account, region=region,
                         resource="arn:aws:ec2:eu-west-1:222222222222:instance/i-1", title="t",
                         frameworks=(), remediation="", outcome=outcome, message=message,
                         nodeid=f"compliance_tests/compute/test_imds.py::{node}")


# -- plain functions ----------------------------------------------------------------------


def test_finding_line_shape() -> None:
    line = terminal.finding_line(result(), control_width=30)
    assert line == ("FAIL high     ec2-instance-imdsv2-required    "
                    "222222222222/eu-west-1/i-0841d5c3e1f0a2b4c9d: "
                    "i-1 accepts IMDSv1 (HttpTokens=optional)")
    long = result(node="test_x[222222222222/global/a-very-long-role-name-of-forty-chars]")
    assert "222222222222/global/a-very-long-role-name-o\u2026: " in terminal.finding_line(long)
    multi = result(message="first\nsecond   part")
    assert terminal.finding_line(multi).endswith(": first second part")


def test_finding_lines_grouped_by_control_most_severe_first() -> None:
    results = [
        result("b-low", "low", node="t[1/r/x]"),
        result("a-high", "high", node="t[2/r/y]"),
        result("c-critical", "critical", node="t[1/r/z]"),
        result("a-high", "high", node="t[1/r/x]"),
        result("z-passed", "critical", outcome="passed", node="t[1/r/x]"),
        result("e-error", "critical", outcome="error", node="t[1/r/x]"),
    ]
    lines = terminal.finding_lines(results)
    assert [line.split()[1:3] for line in lines] == [
        ["critical", "c-critical"], ["high", "a-high"], ["high", "a-high"], ["low", "b-low"]]
    assert lines[1].split()[3].startswith("1/r/x") and lines[2].split()[3].startswith("2/r/y")
    assert len({line.index(" 1/") if " 1/" in line else line.index(" 2/") for line in lines}) == 1


@pytest.mark.parametrize(("tb", "verbose", "args", "expected"), [
    ("auto", 0, [], False),
    ("auto", 0, ["--tb=auto"], True),
    ("auto", 0, ["--tb", "auto"], True),
    ("long", 0, [], True),
    ("auto", 1, [], True),
    ("auto", 0, ["-q", "--runxfail"], False),
])
def test_wants_tracebacks(tb: str, verbose: int, args: list[str], expected: bool) -> None:
    assert terminal.wants_tracebacks(tb, verbose, args) is expected


def test_explicit_report_chars() -> None:
    assert not terminal.explicit_report_chars("fE", ["--html=x"])
    assert terminal.explicit_report_chars("fE", ["-rfE"])
    assert terminal.explicit_report_chars("a", [])
    assert not terminal.explicit_report_chars("fE", ["--runxfail"])


def test_report_path_lines() -> None:
    assert terminal.report_path_lines([("HTML", None)]) == []
    assert terminal.report_path_lines([("HTML", "/r/report.html"), ("OCSF", None),
                                       ("JUnit XML", "/r/c.xml")]) == [
        "reports:", "  HTML: /r/report.html", "  JUnit XML: /r/c.xml"]


def test_fit_cuts_between_words() -> None:
    text = "  critical   20 failed  iam-x  (Roles that are not allow-listed do not hold admin)"
    cut = summary.fit(text, 60)
    assert len(cut) <= 60 and cut.endswith("...")
    assert cut == "  critical   20 failed  iam-x  (Roles that are not..."
    assert summary.fit("x" * 80, 20) == "x" * 17 + "..."


def test_discovery_lines() -> None:
    class Access:
        account_id, label = "222222222222", "role audit"

    class Plan:
        accounts = [Access()]
        regions = {"222222222222": ["us-east-1", "eu-west-1"]}

    assert terminal.discovery_lines(Plan()) == [
        "discovering resources in 222222222222 (role audit: us-east-1, eu-west-1)..."]


# -- the whole output, through pytest --------------------------------------------------------

BODY = HEADER + '''

@control("ctl-critical-fail", "critical")
@pytest.mark.parametrize("name", ["bucket-a", "bucket-b"])
def test_critical_fails(name):
    assert name == "ok", f"{name} BlockPublicAcls=False"


@control("ctl-low-fail", "low")
def test_low_fails():
    value = {"Tokens": "optional"}
    assert value["Tokens"] == "required", "accepts IMDSv1 (HttpTokens=optional)"


@control("ctl-high-pass", "high")
def test_high_passes():
    pass


@control("ctl-medium-error", "medium", account="222222222222", region="global")
def test_medium_errors():
    raise AwsApiError("s3", "GetBucketPolicy", "AccessDenied", "User is not authorized",
                      "222222222222/us-east-1")


@control("ctl-high-broken", "high")
def test_high_broken():
    {}["BrokenKey"]
'''


def _run(pytester: pytest.Pytester, *args: str) -> list[str]:
    write_controls(pytester, BODY)
    done = pytester.runpytest_subprocess(*QUIET, f"--junitxml={pytester.path / 'c.xml'}",
                                         *args)
    assert done.ret == 1
    return done.outlines


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["n0", "n2"])
def test_default_output_is_findings_then_summary_last(pytester: pytest.Pytester,
                                                      workers: list[str]) -> None:
    lines = _run(pytester, *workers)
    text = "\n".join(lines)
    # (these inline controls have no control item: the broken one stays a failure here,
    # a real control that raises KeyError is an ERROR, see collect/outcomes.py)
    findings = [line for line in lines if line.startswith("FAIL ")]
    assert [f.split()[1:3] for f in findings] == [
        ["critical", "ctl-critical-fail"], ["critical", "ctl-critical-fail"],
        ["high", "ctl-high-broken"], ["low", "ctl-low-fail"]]
    assert findings[0].endswith("bucket-a BlockPublicAcls=False")
    assert findings[3].endswith(": accepts IMDSv1 (HttpTokens=optional)")
    # no traceback and no FAILED line for the findings ...
    assert "assert name ==" not in text and 'value["Tokens"]' not in text
    assert not any(line.startswith("FAILED") and "fails" in line for line in lines)
    # ... but the control that broke keeps its traceback and its short summary line
    assert "BrokenKey" in text and '{}["BrokenKey"]' in text
    assert any(line.startswith("FAILED") and "test_high_broken" in line for line in lines)
    # the compliance summary is the last block; the report paths under it; then pytest's tally
    summary_at = lines.index(next(line for line in lines if "aws compliance summary" in line))
    short_at = lines.index(next(line for line in lines if "short test summary" in line))
    findings_at = lines.index(findings[0])
    assert short_at < findings_at < summary_at
    tail = lines[summary_at:]
    assert tail[1].startswith("severity ")
    assert any(line.startswith("top failing controls:") for line in tail)
    assert any("missing permission s3:GetBucketPolicy" in line for line in tail)
    assert tail[-3] == "reports:" and tail[-2].startswith("  JUnit XML: ")
    assert "failed" in tail[-1] and "passed" in tail[-1] and tail[-1].startswith("=")


def test_tb_and_verbose_give_pytest_output_back(pytester: pytest.Pytester) -> None:
    for args in (["--tb=short"], ["-v"]):
        lines = _run(pytester, *args)
        text = "\n".join(lines)
        assert 'value["Tokens"]' in text, args
        assert any(line.startswith("FAILED") and "test_low_fails" in line for line in lines)
        assert any(line.startswith("FAIL low") for line in lines)


def test_explicit_r_keeps_failed_lines_without_tracebacks(pytester: pytest.Pytester) -> None:
    lines = _run(pytester, "-rfE")
    assert any(line.startswith("FAILED") and "test_low_fails" in line for line in lines)
    assert 'value["Tokens"]' not in "\n".join(lines)


def test_quiet_and_tb_no_keep_working(pytester: pytest.Pytester) -> None:
    lines = _run(pytester, "-q", "--tb=no")
    text = "\n".join(lines)
    assert '{}["BrokenKey"]' not in text  # --tb=no: no traceback at all
    assert any(line.startswith("FAIL critical") for line in lines)


def test_junit_gets_the_short_finding(pytester: pytest.Pytester) -> None:
    _run(pytester)
    xml = (pytester.path / "c.xml").read_text(encoding="utf-8")
    assert 'message="AssertionError: accepts IMDSv1 (HttpTokens=optional)' in xml \
        or "accepts IMDSv1 (HttpTokens=optional)" in xml
    assert 'value["Tokens"]' not in xml
