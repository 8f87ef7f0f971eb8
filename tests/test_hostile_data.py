"""Hostile data: names, tags, descriptions and policies are attacker-controlled strings.

They go through real scans (moto in-process) and must leave every output intact: the HTML
report well-formed and script-free, the JUnit XML and JSON findings parseable, the test ids
selectable. Huge or pathological policies must not make the IAM evaluator fall off a cliff.
"""

from __future__ import annotations

import html
import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from pytest_awscompliance.analysis.iam import escalation_paths, evaluate
from tests.harness import CONTROLS_DIR, fake_credentials
from tests.test_bad_input import pytest_help

MARKER = "pwn7q"
PAYLOADS = (
    f'<script>alert("{MARKER}")</script>',
    f'"><img src=x onerror="alert(\'{MARKER}\')">',
    f"'><svg onload=alert('{MARKER}')>",
    f"</td></tr><tr><td><iframe src=javascript:alert('{MARKER}')>",
    f"]]><!--{MARKER}--><![CDATA[",
    f"&lt;b&gt;{MARKER}&amp;amp;",
    f"{{{{{MARKER}}}}} ${{{MARKER}}} %s %(x)s",
)

XML_SAFE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(
    "\t\n\r")
"""What an XML API (IAM, EC2, S3) can carry: no surrogates, no control characters."""

ANY_TEXT = st.characters(codec="utf-8", exclude_categories=("Cs",))
"""JSON strings (policy documents) carry anything, control characters escaped."""


def hostile(alphabet: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    """A payload (always carrying the marker) wrapped in generated text, within max_size."""
    return st.tuples(st.text(alphabet, max_size=40), st.sampled_from(PAYLOADS),
                     st.text(alphabet, max_size=max_size)).map(
        lambda t: (t[0] + t[1] + t[2])[:max_size])


IAM_NAME = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_-", min_size=1,
    max_size=64)
"""IAM user and role names: [\\w+=,.@-]{1,64}, ASCII."""

CONTROLS = """
import pytest


@pytest.mark.severity("high")
@pytest.mark.control("hostile-role", title="role descriptions and trust conditions are shown")
def test_role(iam_role):
    conditions = [s.get("Condition") for s in iam_role.trust_policy.get("Statement", [])]
    assert iam_role.name.startswith("ok"), (
        f"role {iam_role.name} says {iam_role.raw.get('Description', '')!s} "
        f"and trusts under {conditions}")


@pytest.mark.severity("medium")
@pytest.mark.control("hostile-user", title="user tags are shown")
def test_user(iam_user, aws):
    tags = aws.read("iam", "list_user_tags", UserName=iam_user.name)["Tags"]
    if iam_user.name.startswith("skip"):
        pytest.skip(f"{iam_user.name} skipped: {tags}")
    assert not tags, f"user {iam_user.name} is tagged " + "; ".join(
        f"{t['Key']}={t['Value']}" for t in tags)


@pytest.mark.severity("low")
@pytest.mark.control("hostile-instance", title="instance tags are shown")
def test_instance(ec2_instance):
    tags = {t["Key"]: t["Value"] for t in ec2_instance.raw.get("Tags", [])}
    assert not tags, f"{ec2_instance.name} is tagged {tags}"
"""


@pytest.fixture
def fake_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials for moto; each example opens its own ``mock_aws``."""
    fake_credentials(monkeypatch)


@contextmanager
def fresh_moto() -> Iterator[None]:
    with mock_aws():
        yield


# ------------------------------------------------------------------------- output checks


class _Page(HTMLParser):
    """Start tags with their attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def assert_html_inert(document: str) -> None:
    """No element, attribute or script came from the data; the embedded rows neither."""
    page = _parse(document)
    assert any(tag == "html" for tag, _ in page.tags)
    blobs = []
    for tag, attrs in page.tags:
        for name, value in attrs:
            if name == "data-jsonblob":
                blobs.append(json.loads(value or "{}"))
                continue
            assert MARKER not in (value or ""), (tag, name, value)
    assert not any(MARKER in script for script in page.scripts)
    assert blobs, "pytest-html's data blob is missing"
    # pytest-html's script renders the rows' HTML fragments with innerHTML: parse them too.
    for fragment in _strings(blobs):
        if "<" not in fragment:
            continue
        rendered = _parse(fragment)
        for tag, attrs in rendered.tags:
            assert tag != "script", fragment
            for name, value in attrs:
                assert not name.startswith("on"), (tag, name, fragment)
                assert MARKER not in (value or ""), (tag, name, fragment)
        assert not rendered.scripts


def test_the_html_check_catches_an_injection() -> None:
    blob = json.dumps({"tests": {"t": [{"resultsTableRow": [
        f"<td class=\"col-resource\"><img src=x onerror=\"alert('{MARKER}')\"></td>"]}]}})
    page = (f'<html><body><div id="data-container" data-jsonblob="{html.escape(blob)}">'
            "</div></body></html>")
    with pytest.raises(AssertionError):
        assert_html_inert(page)
    with pytest.raises(AssertionError):
        assert_html_inert(f"<html><body><script>alert('{MARKER}')</script>"
                          "<div data-jsonblob='{}'></div></body></html>")
    escaped = html.escape(json.dumps({"log": f"&lt;script&gt;{MARKER}&lt;/script&gt;"}))
    assert_html_inert(f'<html><body><div data-jsonblob="{escaped}"></div></body></html>')


def scan_outputs(pytester: pytest.Pytester, tmp: Path, *args: str) -> dict[str, Any]:
    """Run the hostile controls with every report on; return the parsed outputs."""
    junit, page, findings = tmp / "junit.xml", tmp / "report.html", tmp / "findings.json"
    extra = [f"--compliance-json={findings}"] if "--compliance-json" in pytest_help() else []
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest",
                                f"--junitxml={junit}", f"--html={page}", *extra, *args)
    assert result.ret in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED), \
        result.stdout.str()[-3000:]
    outputs: dict[str, Any] = {"result": result, "junit": ET.parse(junit).getroot(),
                               "html": page.read_text()}
    if extra:
        outputs["json"] = json.loads(findings.read_text())
    return outputs


def assert_outputs_intact(outputs: dict[str, Any]) -> None:
    root = outputs["junit"]
    text = " ".join((e.get("message") or "") + (e.text or "") for e in root.iter()
                    if e.tag in ("failure", "error", "skipped"))
    assert MARKER in text, "the hostile data did not reach the report"
    assert_html_inert(outputs["html"])
    if "json" in outputs:
        assert MARKER in json.dumps(outputs["json"])


# --------------------------------------------------------------------------------- tests


def _seed(role_description: str, condition: str, user_tag: str, instance_tag: str,
          user: str) -> None:
    iam = boto3.client("iam", region_name="us-east-1")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:UserAgent": condition}}}]}
    iam.create_role(RoleName="hostile", AssumeRolePolicyDocument=json.dumps(trust),
                    Description=role_description)
    iam.create_user(UserName=user, Tags=[{"Key": "owner", "Value": user_tag}])
    iam.create_user(UserName=f"skip{user}"[:64], Tags=[{"Key": "note", "Value": user_tag}])
    boto3.client("ec2", region_name="us-east-1").run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, TagSpecifications=[{
            "ResourceType": "instance", "Tags": [{"Key": "Name", "Value": instance_tag}]}])


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(role_description=hostile(XML_SAFE, 1000), condition=hostile(ANY_TEXT, 2000),
       user_tag=hostile(XML_SAFE, 256), instance_tag=hostile(XML_SAFE, 256), user=IAM_NAME)
def test_hostile_strings_leave_every_output_intact(
        pytester: pytest.Pytester, fake_env: None, tmp_path_factory: pytest.TempPathFactory,
        role_description: str, condition: str, user_tag: str, instance_tag: str,
        user: str) -> None:
    pytester.makepyfile(test_hostile=CONTROLS)
    with fresh_moto():
        _seed(role_description, condition, user_tag, instance_tag, user)
        outputs = scan_outputs(pytester, tmp_path_factory.mktemp("hostile"),
                               "--aws-region", "us-east-1")
    outputs["result"].assert_outcomes(failed=3, skipped=1)
    assert_outputs_intact(outputs)


NAMES = {
    "iam_user": ["a+b=c,d.e@f-g_h", "U" * 64, "x"],
    "log_group": ["/aws/lambda/a#b", "x.y_z-1/2#3/" + "L" * 300],
    "launch_template": ["lt(1)/x.y_z-2", "((()))"],
}

ID_CONTROLS = """
import pytest


@pytest.mark.severity("info")
@pytest.mark.control("id-user", title="t")
def test_user(iam_user):
    pass


@pytest.mark.severity("info")
@pytest.mark.control("id-log-group", title="t")
def test_log_group(log_group):
    pass


@pytest.mark.severity("info")
@pytest.mark.control("id-template", title="t")
def test_template(launch_template):
    pass
"""


def _collected(result: pytest.RunResult) -> list[str]:
    return [line for line in result.outlines if "::" in line and not line.startswith(" ")]


def test_node_ids_round_trip(pytester: pytest.Pytester, fake_env: None) -> None:
    """Every collected id selects exactly itself when passed back to pytest."""
    pytester.makepyfile(test_ids=ID_CONTROLS)
    args = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--aws-region", "us-east-1")
    with fresh_moto():
        iam = boto3.client("iam", region_name="us-east-1")
        for name in NAMES["iam_user"]:
            iam.create_user(UserName=name)
        logs = boto3.client("logs", region_name="us-east-1")
        for name in NAMES["log_group"]:
            logs.create_log_group(logGroupName=name)
        ec2 = boto3.client("ec2", region_name="us-east-1")
        for name in NAMES["launch_template"]:
            ec2.create_launch_template(LaunchTemplateName=name,
                                       LaunchTemplateData={"ImageId": "ami-12c6146b"})
        collected = _collected(pytester.runpytest("--collect-only", "-q", *args))
        expected = sum(len(v) for v in NAMES.values())
        assert len(collected) == expected, collected
        for name in (n for names in NAMES.values() for n in names):
            assert any(f"/{name}]" in node for node in collected), name
        tricky = ("a+b=c,d.e@f-g_h", "#3/LLL", "/aws/lambda/a#b", "lt(1)/x.y_z-2", "((()))")
        for node in (n for n in collected if any(t in n for t in tricky)):
            selected = _collected(pytester.runpytest(node, "--collect-only", "-q", *args))
            assert selected == [node], (node, selected)
        chosen = next(n for n in collected if "a+b=c,d.e@f-g_h" in n)
        result = pytester.runpytest(chosen, "-v", *args)
        result.assert_outcomes(passed=1)


def test_hostile_estate_through_the_bundled_identity_controls(
        pytester: pytest.Pytester, fake_env: None, tmp_path: Path) -> None:
    """The bundled controls read hostile policies and descriptions without crashing."""
    payload = " ".join(PAYLOADS) + " \u202e\u0000\u001b[31m é 中文 🙂 " + "Z" * 500
    with fresh_moto():
        xml_safe = "".join(c for c in payload if c >= " " or c in "\t\n\r")
        _seed(xml_safe[:1000], payload, xml_safe[:256], xml_safe[:256], "hostile-user")
        iam = boto3.client("iam", region_name="us-east-1")
        statements = [{"Sid": f"S{i}", "Effect": "Allow", "Action": [f"s3:Get{i}*", "ec2:Des*"],
                       "Resource": f"arn:aws:s3:::{'*a' * 12}*b{i}",
                       "Condition": {"StringLike": {"aws:UserAgent": payload}}}
                      for i in range(40)]
        document = json.dumps({"Version": "2012-10-17", "Statement": statements})
        arn = iam.create_policy(PolicyName="hostile-policy", PolicyDocument=document)[
            "Policy"]["Arn"]
        iam.attach_user_policy(UserName="hostile-user", PolicyArn=arn)
        iam.put_role_policy(RoleName="hostile", PolicyName="inline", PolicyDocument=document)
        started = time.monotonic()
        outputs = scan_outputs(pytester, tmp_path, str(CONTROLS_DIR / "identity"),
                               "--aws-region", "us-east-1")
        elapsed = time.monotonic() - started
    assert elapsed < 120, f"the identity controls took {elapsed:.0f} s on a hostile policy"
    reports = [r for r in outputs["result"].reprec.getreports("pytest_runtest_logreport")
               if r.when == "call"]
    judged = {r.nodeid.split("::")[-1].split("[")[0] for r in reports if "hostile" in r.nodeid}
    assert {"test_role_trust_not_public", "test_principal_is_not_admin",
            "test_inline_policy_not_full_admin"} <= judged, judged
    # A finding is an AssertionError (the terminal keeps it short: "path:line:
    # AssertionError: message"); anything else raised by a control is a crash.
    crashes = [f"{r.nodeid}: {r.longreprtext[-300:]}"
               for r in outputs["result"].reprec.getreports("pytest_runtest_logreport")
               if r.failed and r.when == "call"
               and not any(kind in r.longreprtext
                           for kind in ("AssertionError", "NotImplementedError"))]
    assert not crashes, crashes
    assert_html_inert(outputs["html"])


# ------------------------------------------------------------------ evaluator under load


def _policy(statements: int) -> dict[str, Any]:
    """``statements`` statements, ~100 bytes each, none of which matches the probes."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": f"S{i}", "Effect": "Allow" if i % 3 else "Deny",
         "Action": [f"svc{i}:Get*", f"svc{i}:List{i}?"],
         "Resource": f"arn:aws:svc{i}:*:123456789012:thing/{i}/*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/team": f"team-{i}"}}}
        for i in range(statements)]}


PROBES = [(f"s3:GetObject{i}", f"arn:aws:s3:::bucket-{i}/key") for i in range(100)]


def _time_evaluations(statements: int) -> float:
    """Best of 3: parse a fresh copy and evaluate 100 distinct requests against it."""
    best = float("inf")
    for _ in range(3):
        document = json.loads(json.dumps(_policy(statements)))
        started = time.perf_counter()
        for action, resource in PROBES:
            evaluate(document, action, resource)
        best = min(best, time.perf_counter() - started)
    return best


def test_huge_policy_evaluation_is_linear() -> None:
    assert len(json.dumps(_policy(100))) > 10_000
    small, huge = _time_evaluations(10), _time_evaluations(100)
    assert huge < 30 * max(small, 1e-4), (small, huge)  # 10x the statements, 3x slack


def test_huge_policy_escalation_analysis_is_linear() -> None:
    def timed(statements: int) -> float:
        best = float("inf")
        for _ in range(3):
            document = json.loads(json.dumps(_policy(statements)))
            started = time.perf_counter()
            escalation_paths([document])
            best = min(best, time.perf_counter() - started)
        return best

    small, huge = timed(10), timed(100)
    assert huge < 30 * max(small, 1e-3), (small, huge)


@pytest.mark.parametrize("stars", [4, 8, 16, 32])
def test_pathological_wildcards_do_not_backtrack(stars: int) -> None:
    """``*a*a*...*b`` against a long name: exponential for a backtracking regex."""
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:" + "*a" * stars + "*b",
         "Resource": "arn:aws:s3:::" + "*a" * stars + "*b"}]}
    started = time.perf_counter()
    evaluate(document, "s3:" + "a" * 200, "arn:aws:s3:::" + "a" * 2000)
    assert time.perf_counter() - started < 1.0
