"""Least privilege for the scanner: every call it makes is allowed by the documented policy.

The documented policy is AWS's ``SecurityAudit`` managed policy (read from moto's bundled copy
of the AWS managed policies, never fetched) plus ``docs/permissions-policy.json``. The calls
are derived, not listed: the whole bundled catalog runs against the demo organization with a
recorder (shared with ``tests/test_readonly_catalog.py``), and target resolution runs against
moto with a recorder on the sessions it builds.

An AccessDenied is an ERROR that names the missing IAM action in the terminal, the JUnit XML,
the HTML report, the JSON findings and the terminal summary.
"""

from __future__ import annotations

import functools
import html
import json
import re
import xml.etree.ElementTree as ET
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from moto.iam.aws_managed_policies import aws_managed_policies_data

from pytest_awscompliance.aws import sessions, targets
from pytest_awscompliance.aws.readonly import is_read_only
from pytest_awscompliance.model.errors import iam_action
from pytest_awscompliance.settings.options import Settings
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan
from tests.stubs import add_hook, on_base_sessions
from tests.test_bad_input import pytest_help
from tests.test_faults import answer_first, error_response
from tests.test_readonly_catalog import recorded_demo_scan

DOCS = Path(__file__).resolve().parents[1] / "docs"
EXTRA_POLICY = DOCS / "permissions-policy.json"
NEEDS_NO_PERMISSION = {"sts:GetCallerIdentity"}
"""AWS answers these for any principal; no policy can deny them."""

READ_STATEMENT = "ReadActionsSecurityAuditLacks"
"""The Sid of the extra policy's statement holding read actions (none are needed today)."""


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement.get("Action", [])
    return [action] if isinstance(action, str) else list(action)


@functools.cache
def security_audit() -> dict[str, Any]:
    return json.loads(aws_managed_policies_data)["SecurityAudit"]["Document"]


def allow_patterns(policy: dict[str, Any]) -> list[str]:
    return [a for s in policy["Statement"] if s["Effect"] == "Allow" for a in _actions(s)]


def extra_policy() -> dict[str, Any]:
    return json.loads(EXTRA_POLICY.read_text())


def permitted(action: str, patterns: list[str]) -> bool:
    """IAM action matching: case-insensitive, ``*`` and ``?`` wildcards."""
    return any(fnmatchcase(action.lower(), p.lower()) for p in patterns)


def documented_patterns() -> list[str]:
    return allow_patterns(security_audit()) + allow_patterns(extra_policy())


def unpermitted(operations: list[list[str]] | set[tuple[str, str]]) -> list[str]:
    patterns = documented_patterns()
    actions = {iam_action(service, operation) for service, operation in operations}
    return sorted(a for a in actions - NEEDS_NO_PERMISSION if not permitted(a, patterns))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = recorded_demo_scan(tmp_path_factory)
    assert data["exit"] in (0, 1), data["output"][-3000:]
    return data


def test_every_operation_the_catalog_calls_is_in_the_documented_policy(
        recorded: dict[str, Any]) -> None:
    assert len(recorded["called"]) > 10
    missing = unpermitted(recorded["called"])
    assert not missing, (
        f"the bundled catalog calls {missing}, which SecurityAudit does not allow: add them to "
        f"the {READ_STATEMENT!r} statement of docs/permissions-policy.json (and docs/security.md)"
    )


def test_target_resolution_operations_are_in_the_documented_policy(
        world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """Organization discovery, ``--aws-region all`` and the role chain, recorded on moto."""
    calls: set[tuple[str, str]] = set()

    def record(session: boto3.Session) -> None:
        def on_call(model: Any, **_: Any) -> None:
            calls.add((model.service_model.service_name, model.name))

        session.events.register_first("before-call", on_call)

    on_base_sessions(monkeypatch, record)
    monkeypatch.setattr(targets, "base_session", sessions.base_session)  # resolution's too
    org = world.client("123456789012", "organizations")
    org.create_organization(FeatureSet="ALL")
    org.create_account(Email="member@example.com", AccountName="member")
    plan = targets.resolve(Settings(organization=True, role_name="SecurityAudit",
                                    regions=("all",)))
    assert len(plan.accounts) == 2
    member = next(a for a in plan.accounts if a.role_arn)
    sessions.session_for(member).client("sts", region_name="us-east-1").get_caller_identity()
    assert {("organizations", "ListAccounts"), ("ec2", "DescribeRegions"),
            ("sts", "AssumeRole"), ("sts", "GetCallerIdentity")} <= calls, calls
    assert not unpermitted(calls)
    # The role chain is allowed for the documented role name only.
    assume = [s for s in extra_policy()["Statement"] if "sts:AssumeRole" in _actions(s)]
    assert [s["Resource"] for s in assume] == ["arn:aws:iam::*:role/SecurityAudit"]


def test_the_extra_policy_is_minimal_and_read_only() -> None:
    policy = extra_policy()
    assert policy["Version"] == "2012-10-17"
    audit = allow_patterns(security_audit())
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        for action in _actions(statement):
            assert "*" not in action, f"{action}: name actions, no wildcards"
            assert not permitted(action, audit), f"{action} is in SecurityAudit already"
            service, _, operation = action.partition(":")
            assert is_read_only(service, operation, scanner=True), f"{action} is not a read"


def test_security_md_shows_the_extra_policy_verbatim() -> None:
    text = (DOCS / "security.md").read_text()
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", text, re.S)]
    assert extra_policy() in blocks
    assert "SecurityAudit" in text
    assert "arn:aws:iam::aws:policy/SecurityAudit" in text


@pytest.mark.parametrize(("service", "operation", "action"), [
    ("s3", "ListBuckets", "s3:ListAllMyBuckets"),
    ("s3", "HeadBucket", "s3:ListBucket"),
    ("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    ("s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"),
    ("s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    ("s3", "GetBucketPolicy", "s3:GetBucketPolicy"),
    ("accessanalyzer", "ListAnalyzers", "access-analyzer:ListAnalyzers"),
    ("resourcegroupstaggingapi", "GetResources", "tag:GetResources"),
    ("elbv2", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"),
    ("efs", "DescribeFileSystems", "elasticfilesystem:DescribeFileSystems"),
    ("cloudwatch", "DescribeAlarms", "cloudwatch:DescribeAlarms"),
    ("iam", "GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy"),
])
def test_iam_action_names(service: str, operation: str, action: str) -> None:
    assert iam_action(service, operation) == action


KNOWN_PREFIXES = {"cloudwatch": "cloudwatch", "resourcegroupstaggingapi": "tag"}
"""Services whose IAM prefix is not botocore's signing name."""


def test_every_called_service_has_its_iam_prefix(recorded: dict[str, Any]) -> None:
    """IAM prefixes follow botocore's signing name, except the few known ones."""
    session = botocore.session.get_session()
    for service in sorted({s for s, _ in recorded["called"]}):
        signing = session.get_service_model(service).signing_name
        expected = KNOWN_PREFIXES.get(service, signing)
        assert iam_action(service, "X").split(":")[0] == expected, service


# ------------------------------------------------------- AccessDenied names the permission


def _deny(monkeypatch: pytest.MonkeyPatch, account: str, service: str, operation: str) -> None:
    """``account``'s clients answer ``service:operation`` with a real 403 AccessDenied."""

    def hook(client: Any, client_account: str, client_service: str, region: str) -> None:
        if (client_account, client_service) != (account, service):
            return
        protocol = client.meta.service_model.protocol

        def refuse(request: Any, event_name: str, **_: Any) -> Any:
            if event_name.rsplit(".", 1)[-1] == operation:
                denied = iam_action(service, operation)
                return error_response(request.url, protocol, 403, "AccessDenied",
                                      f"not authorized to perform: {denied}")
            return None

        answer_first(client, refuse)

    add_hook(monkeypatch, hook)


def test_access_denied_names_the_missing_permission_everywhere(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    _deny(monkeypatch, FAILING, "iam", "GetAccountPasswordPolicy")
    _deny(monkeypatch, FAILING, "s3", "ListBuckets")
    world.client(PASSING, "iam").update_account_password_policy(MinimumPasswordLength=14)
    world.client(FAILING, "s3").create_bucket(Bucket="denied-listing")
    junit, page, findings = tmp_path / "junit.xml", tmp_path / "report.html", tmp_path / "f.json"
    args = ["-k", "min_length or bucket_blocks", f"--junitxml={junit}", f"--html={page}",
            "-rN"]
    if "--compliance-json" in pytest_help():
        args.append(f"--compliance-json={findings}")
    result = scan(pytester, control_file("identity/test_password_policy.py"),
                  control_file("storage/test_s3_public_access.py"), args=args)
    expected = {"test_password_policy_min_length": "iam:GetAccountPasswordPolicy",
                "test_bucket_blocks_public_access": "s3:ListAllMyBuckets"}
    for test, outcome in result.outcomes.items():
        if f"[{FAILING}/" in test:
            permission = expected[test.split("[")[0]]
            assert outcome == "error", test
            assert f"(missing permission {permission})" in result.message(FAILING)

    # JUnit: the <error> element's message names the permission.
    messages = [e.get("message", "") for e in ET.parse(junit).getroot().iter("error")]
    for permission in expected.values():
        assert any(f"missing permission {permission}" in m for m in messages), messages
    assert "s3:ListBuckets failed" in " ".join(messages)

    # HTML (pytest-html): the permission is in the report's text.
    text = html.unescape(page.read_text())
    for permission in expected.values():
        assert f"missing permission {permission}" in text

    # JSON findings, when the option exists.
    if findings.exists():
        dumped = findings.read_text()
        for permission in expected.values():
            assert permission in dumped


def test_terminal_summary_lists_missing_permissions(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """Short test summary lines are off (``-rN``): the plugin's own summary names it."""
    _deny(monkeypatch, FAILING, "iam", "GetAccountPasswordPolicy")
    result = pytester.runpytest(
        control_file("identity/test_password_policy.py"), "-p", "no:cacheprovider",
        "-p", "no:hypothesispytest", "--aws-role-name", "audit", "--aws-account", FAILING,
        "--aws-region", "us-east-1", "-k", "min_length", "-rN")
    result.assert_outcomes(errors=1)
    lines = [line for line in result.outlines if "missing permission" in line]
    assert any("iam:GetAccountPasswordPolicy" in line for line in lines), result.outlines
