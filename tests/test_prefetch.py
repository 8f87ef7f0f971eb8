"""Concurrent reads: targets are discovered in parallel and per-resource reads prefetched."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.harness import AUDIT_ROLE, FAILING, PASSING, MotoWorld
from tests.stubs import add_hook

CONTROL = """
import pytest

@pytest.mark.severity("low")
def test_bucket_versioning(s3_bucket, aws):
    status = aws.read("s3", "get_bucket_versioning", Bucket=s3_bucket.name).get("Status")
    assert status == "Enabled", f"{s3_bucket.name} versioning {status}"
"""


def test_resource_reads_are_prefetched_once_each(pytester: pytest.Pytester, world: MotoWorld,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    s3 = world.client("123456789012", "s3")
    names = [f"bucket-{n}" for n in range(6)]
    for name in names:
        s3.create_bucket(Bucket=name)
    sent: list[tuple[str, str]] = []

    def record(client: Any, account: str, service: str, region: str) -> None:
        def before_send(request: Any, **_: Any) -> None:
            if "versioning" in request.url:
                parts = urlsplit(request.url)
                bucket = parts.path.strip("/") or parts.hostname.split(".")[0]
                sent.append((bucket, threading.current_thread().name))
        client.meta.events.register("before-send.s3", before_send)

    add_hook(monkeypatch, record)
    pytester.makepyfile(CONTROL)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(failed=6)
    assert sorted(bucket for bucket, _ in sent) == names  # one request per bucket
    prefetched = [thread for _, thread in sent if thread.startswith("awscompliance")]
    assert len(prefetched) == 5  # all but the first test's own read


BRANCHING_CONTROL = """
import pytest

@pytest.mark.severity("low")
def test_bucket_logging(s3_bucket, aws):
    if s3_bucket.name.startswith("skip-"):
        return  # this account's buckets never need the read
    status = aws.read("s3", "get_bucket_versioning", Bucket=s3_bucket.name).get("Status")
    assert status == "Enabled", f"{s3_bucket.name} versioning {status}"
"""


def test_prefetch_stays_in_the_account_whose_test_made_the_read(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read learnt in one account is not guessed for another account's resources: there
    the control may never make it (and on xdist another worker runs that account)."""
    for account, prefix in ((PASSING, "read"), (FAILING, "skip")):
        s3 = world.client(account, "s3")
        for n in range(3):
            s3.create_bucket(Bucket=f"{prefix}-{account}-{n}")
    sent: list[str] = []

    def record(client: Any, account: str, service: str, region: str) -> None:
        def before_send(request: Any, **_: Any) -> None:
            if "versioning" in request.url:
                sent.append(account)
        client.meta.events.register("before-send.s3", before_send)

    add_hook(monkeypatch, record)
    pytester.makepyfile(BRANCHING_CONTROL)
    result = pytester.runpytest("-p", "no:cacheprovider", "--aws-role-name", AUDIT_ROLE,
                                "--aws-account", PASSING, "--aws-account", FAILING)
    result.assert_outcomes(failed=3, passed=3)
    assert sent == [PASSING] * 3  # nothing speculative for the account that never reads


def test_terminal_line_counts_requests(pytester: pytest.Pytester, world: MotoWorld) -> None:
    s3 = world.client("123456789012", "s3")
    for n in range(3):
        s3.create_bucket(Bucket=f"counted-{n}")
    pytester.makepyfile(CONTROL)
    result = pytester.runpytest("-p", "no:cacheprovider")
    # ListBuckets once; GetBucketLocation per bucket (moto's ListBuckets has no
    # BucketRegion); GetBucketVersioning once per bucket. Target resolution is not counted.
    result.stdout.fnmatch_lines(["aws requests: 7 sent (most: s3:GetBucketLocation 3, "
                                 "s3:GetBucketVersioning 3, s3:ListBuckets 1)"])
