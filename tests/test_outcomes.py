"""Outcomes: fail closed. AWS errors are ERRORs naming the operation; no resources, no test."""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import MotoWorld
from tests.stubs import add_hook, deny

BUCKET_CONTROL = """
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("bucket-has-policy", title="bucket has a policy")
def test_bucket_policy(s3_bucket, aws):
    policy = aws.read("s3", "get_bucket_policy", Bucket=s3_bucket.name,
                      missing_ok=("NoSuchBucketPolicy",))
    assert policy is not None, f"{s3_bucket.name} has no bucket policy"
"""


def test_access_denied_is_an_error_naming_the_permission(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile("""
import pytest
from pytest_awscompliance.facts.iam import password_policy

@pytest.mark.severity("medium")
@pytest.mark.control("needs-password-policy", title="t")
def test_policy(aws_account):
    assert password_policy(aws_account) is not None
""")
    deny(monkeypatch, "iam", "GetAccountPasswordPolicy")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rE")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "*iam:GetAccountPasswordPolicy failed in 123456789012/*: AccessDenied "
        "(missing permission iam:GetAccountPasswordPolicy)*"])


def test_not_configured_is_a_failure_not_an_error(pytester: pytest.Pytester,
                                                  world: MotoWorld) -> None:
    world.client("123456789012", "s3").create_bucket(Bucket="no-policy-here")
    pytester.makepyfile(BUCKET_CONTROL)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no-policy-here has no bucket policy*"])


def test_discovery_failure_is_an_error_not_an_empty_pass(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    deny(monkeypatch, "s3", "ListBuckets")
    pytester.makepyfile(BUCKET_CONTROL)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "-rE")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "*test_bucket_policy?123456789012/global/<discovery failed>?*ERROR*",
        "*s3:ListBuckets failed*AccessDenied (missing permission s3:ListAllMyBuckets)*"])


def test_no_resources_gives_no_test(pytester: pytest.Pytester, world: MotoWorld) -> None:
    pytester.makepyfile(BUCKET_CONTROL)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(deselected=1)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_errors_are_cached_so_every_control_sees_the_same(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def hook(client: Any, account: str, svc: str, region: str) -> None:
        client.meta.events.register("before-call", lambda model, **_: calls.append(model.name))

    add_hook(monkeypatch, hook)
    pytester.makepyfile("""
import pytest
from pytest_awscompliance.facts.iam import password_policy

@pytest.mark.severity("medium")
@pytest.mark.parametrize("n", range(3))
def test_policy(aws_account, n):
    assert password_policy(aws_account) is not None
""")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=3)
    assert calls.count("GetAccountPasswordPolicy") == 1


def test_a_control_that_breaks_is_an_error_not_a_finding(pytester: pytest.Pytester,
                                                         world: MotoWorld) -> None:
    pytester.makepyfile("""
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("broken-control", title="t")
def test_broken(aws_account):
    raise KeyError("Credentials")

def test_plain_test_failures_stay_failures():
    raise KeyError("x")
""")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rEf")
    result.assert_outcomes(errors=1, failed=1)
    result.stdout.fnmatch_lines(["*control could not decide: KeyError: 'Credentials'*"])
