"""The lookahead: bundled controls' first reads made ahead of their turn, same requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance.collect.lookahead import worth_running_ahead
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan, seed_buckets
from tests.stubs import distinct_requests, record_requests

S3_CONTROLS = "storage/test_s3_bucket_hardening.py"
ACCOUNT_CONTROLS = "storage/test_s3_public_access.py"


def test_same_requests_and_outcomes_with_and_without_the_lookahead(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_buckets(world, 4)
    sent = record_requests(monkeypatch)
    paths = (control_file(S3_CONTROLS), control_file(ACCOUNT_CONTROLS))
    ahead = scan(pytester, *paths)
    with_lookahead, threads = distinct_requests(sent), {thread for *_, thread in sent}
    sent.clear()
    alone = scan(pytester, *paths, args=["--aws-no-lookahead"])
    assert ahead.outcomes == alone.outcomes
    assert len(ahead.outcomes) > 2 * 4
    assert with_lookahead == distinct_requests(sent)  # the same reads, each once
    assert max(with_lookahead.values()) == 1
    assert any(name.startswith("awscompliance-ahead") for name in threads)
    assert not any(thread.startswith("awscompliance-ahead") for *_, thread in sent)


def test_a_run_that_may_stop_early_runs_nothing_ahead(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``-x`` the tests after the first failure never run: their reads are not made."""
    seed_buckets(world, 4)
    sent = record_requests(monkeypatch)
    result = scan(pytester, control_file(S3_CONTROLS), args=["-x"])
    assert "failed" in result.outcomes.values()
    assert not any(thread.startswith("awscompliance-ahead") for *_, thread in sent)


OWN_CONTROL = """
import threading
import pytest

@pytest.mark.severity("low")
def test_own_bucket_control(s3_bucket, aws):
    with open({log!r}, "a") as log:
        log.write(threading.current_thread().name + "\\n")
    aws.read("s3", "get_bucket_versioning", Bucket=s3_bucket.name)
"""


def test_own_controls_run_only_in_their_turn(pytester: pytest.Pytester, world: MotoWorld,
                                             tmp_path: Path) -> None:
    """Only the bundled catalog is known to be free of side effects."""
    seed_buckets(world, 4)
    log = tmp_path / "calls.log"
    own = pytester.makepyfile(test_own=OWN_CONTROL.format(log=str(log)))
    result = scan(pytester, str(own), control_file(S3_CONTROLS))
    assert [o for name, o in result.outcomes.items() if "own" in name] == ["passed"] * 8
    calls = log.read_text().split()
    assert len(calls) == 8  # one per bucket, each in its turn
    assert set(calls) == {"MainThread"}


def test_first_test_of_a_control_per_account_and_every_setting_run_ahead(
        pytester: pytest.Pytester, world: MotoWorld) -> None:
    seed_buckets(world, 3)
    captured: dict[str, Any] = {}

    class Capture:
        @pytest.hookimpl(trylast=True)
        def pytest_collection_finish(self, session: pytest.Session) -> None:
            captured["items"] = list(session.items)
            captured["lanes"] = worth_running_ahead(session.items)

    pytester.inline_run(control_file(S3_CONTROLS), control_file(ACCOUNT_CONTROLS),
                        "-p", "no:cacheprovider", "--aws-role-name", "audit",
                        "--aws-account", PASSING, "--aws-account", FAILING,
                        "--aws-region", "us-east-1", plugins=[Capture()])
    items = captured["items"]
    chosen = [items[i].nodeid.split("::")[-1] for i in captured["lanes"][None]]
    bucket_tests = [n for n in chosen if "/b" in n]
    # per-bucket controls: the first bucket of each control in each account
    assert all("/b0-" in n for n in bucket_tests), bucket_tests
    assert len(bucket_tests) == len({n.split("[")[0] for n in bucket_tests}) * 2
    settings = [i.nodeid.split("::")[-1] for i in items
                if "/b" not in i.nodeid and "[" in i.nodeid]
    assert settings and set(settings) <= set(chosen)  # every per-account setting
    for account in (PASSING, FAILING):
        assert all(f"[{account}/" in items[i].nodeid for i in captured["lanes"][account])
