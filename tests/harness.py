"""Run bundled or inline controls against in-process moto accounts and read the outcomes.

The controls run through the real plugin (``pytester.inline_run``), so a test here covers
collection, fixtures, markers and outcomes end to end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

import compliance_tests

CONTROLS_DIR = Path(compliance_tests.__file__).parent
CALLER = "123456789012"  # moto's account for the test credentials
PASSING = "111111111111"
FAILING = "222222222222"
AUDIT_ROLE = "audit"
REGION = "us-east-1"


def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake keys in us-east-1, and nothing of the machine's own AWS set-up: no profile,
    session token, endpoint or config file that could point a test at a real account."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
                 "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")


def control_file(relative: str) -> str:
    """Absolute path of a bundled control module, e.g. ``storage/test_s3_public_access.py``."""
    path = CONTROLS_DIR / relative
    assert path.exists(), path
    return str(path)


class MotoWorld:
    """Unguarded clients into moto accounts, for building the state a test needs."""

    def __init__(self) -> None:
        self._sessions: dict[str, boto3.Session] = {}

    def session(self, account: str) -> boto3.Session:
        if account not in self._sessions:
            base = boto3.Session(region_name=REGION)
            if account == CALLER:
                self._sessions[account] = base
            else:
                creds = base.client("sts").assume_role(
                    RoleArn=f"arn:aws:iam::{account}:role/{AUDIT_ROLE}",
                    RoleSessionName="seed")["Credentials"]
                self._sessions[account] = boto3.Session(
                    aws_access_key_id=creds["AccessKeyId"],
                    aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"], region_name=REGION)
        return self._sessions[account]

    def client(self, account: str, service: str, region: str = REGION) -> Any:
        return self.session(account).client(service, region_name=region)


def seed_buckets(world: MotoWorld, count: int) -> None:
    """``count`` S3 buckets, ``b0-<account>`` and on, in each of the two accounts."""
    for account in (PASSING, FAILING):
        s3 = world.client(account, "s3")
        for n in range(count):
            s3.create_bucket(Bucket=f"b{n}-{account}")


@dataclass
class ScanResult:
    """Outcomes of one inline scan, by test id (the part in brackets) and by account."""

    outcomes: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    reports: list[Any] = field(default_factory=list)

    def for_account(self, account: str) -> dict[str, str]:
        return {k: v for k, v in self.outcomes.items() if f"[{account}/" in k}

    def outcome_set(self, account: str) -> set[str]:
        return set(self.for_account(account).values())

    def only(self, account: str) -> str:
        """The single outcome every test of ``account`` had (asserts they agree)."""
        found = self.outcome_set(account)
        assert len(found) == 1, (account, self.for_account(account))
        return found.pop()

    def message(self, account: str) -> str:
        return " | ".join(v for k, v in sorted(self.messages.items()) if f"[{account}/" in k)


def scan(pytester: pytest.Pytester, *paths: str, accounts: Iterable[str] = (PASSING, FAILING),
         regions: Iterable[str] = (REGION,), args: Iterable[str] = (),
         plugins: Iterable[Any] = ()) -> ScanResult:
    """Run controls in-process against moto accounts reached by assuming ``audit``."""
    argv = [*paths, "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
            "--aws-role-name", AUDIT_ROLE]
    for account in accounts:
        argv += ["--aws-account", account]
    for region in regions:
        argv += ["--aws-region", region]
    reprec = pytester.inline_run(*argv, *args, plugins=list(plugins))
    result = ScanResult()
    for report in reprec.getreports("pytest_runtest_logreport"):
        name = report.nodeid.split("::")[-1]
        if report.when == "call" or report.failed or report.skipped:
            outcome = "error" if report.failed and report.when != "call" else report.outcome
            if name not in result.outcomes or result.outcomes[name] == "passed":
                result.outcomes[name] = outcome
                from pytest_awscompliance.model.results import message_of

                result.messages[name] = message_of(report, outcome)
        result.reports.append(report)
    return result
