"""Without xdist the tests run account by account, and each account is let go after its
last test: the same outcomes and requests as in collection order."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.collect.account_order import AccountRelease, by_account
from pytest_awscompliance.collect.items import ITEM_INFO, ItemInfo
from pytest_awscompliance.collect.state import SCAN
from pytest_awscompliance.model.markers import ControlMeta
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan, seed_buckets
from tests.stubs import distinct_requests, record_requests

S3_CONTROLS = "storage/test_s3_bucket_hardening.py"
ACCOUNT_CONTROLS = "storage/test_s3_public_access.py"


class _Item:
    """Just what ``item_info`` reads: a stash, with or without an account."""

    def __init__(self, name: str, account: str | None) -> None:
        self.name = name
        self.stash = pytest.Stash()
        if account is not None:
            meta = ControlMeta(id="c", severity="low", title="t", frameworks=(),
                               remediation="")
            self.stash[ITEM_INFO] = ItemInfo(meta, account, "eu-west-1", "")

    def __repr__(self) -> str:
        return self.name


def _items(*spec: tuple[str, str | None]) -> list[Any]:
    return [_Item(name, account) for name, account in spec]


def test_items_are_grouped_by_account_in_first_appearance_order_and_stay_stable() -> None:
    items = _items(("lead", None), ("a1", "2"), ("b1", "1"), ("plain", None), ("a2", "2"),
                   ("b2", "1"), ("c1", "3"))
    assert [i.name for i in by_account(items)] == [
        "lead", "a1", "a2", "b1", "plain", "b2", "c1"]


def test_a_one_account_run_keeps_its_collection_order() -> None:
    items = _items(("plain", None), ("a1", "1"), ("other", None), ("a2", "1"))
    assert by_account(items) == items


def test_an_account_is_released_once_when_its_last_test_ends() -> None:
    items = _items(("a1", "1"), ("a2", "1"), ("b1", "2"), ("plain", None))
    released: list[str] = []
    release = AccountRelease(items, released.append)
    assert release.first_account() == "1"
    release.finished(items[0])
    assert released == []
    release.finished(items[3])  # a test of no account counts for none
    release.finished(items[1])
    assert released == ["1"]
    release.finished(items[2])
    release.finished(items[2])  # run again (a rerun plugin): not released twice
    assert released == ["1", "2"]


def _accounts_in_run_order(reports: list[Any]) -> list[str]:
    """The account of each test as it ran, consecutive repeats folded."""
    runs: list[str] = []
    for report in reports:
        if report.when != "call":
            continue
        account = report.nodeid.split("[", 1)[1].split("/", 1)[0]
        if not runs or runs[-1] != account:
            runs.append(account)
    return runs


def test_the_tests_run_account_by_account_with_the_same_outcomes_and_requests(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_buckets(world, 3)
    sent = record_requests(monkeypatch)
    paths = (control_file(S3_CONTROLS), control_file(ACCOUNT_CONTROLS))
    by_account_run = scan(pytester, *paths)
    account_requests = distinct_requests(sent)
    sent.clear()
    collection_run = scan(pytester, *paths, args=["--aws-collection-order"])
    assert _accounts_in_run_order(by_account_run.reports) == [PASSING, FAILING]
    assert len(_accounts_in_run_order(collection_run.reports)) > 2  # control by control
    assert by_account_run.outcomes == collection_run.outcomes
    assert {"passed", "failed"} <= set(by_account_run.outcomes.values())
    assert account_requests == distinct_requests(sent)  # the same reads, each once
    assert max(account_requests.values()) == 1


class _Watch:
    """Records, as each test ends, how many clients each account holds."""

    def __init__(self) -> None:
        self.held: list[tuple[str, dict[str, int]]] = []

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        config = self.config
        clients = config.stash[SCAN].runtime.clients
        self.held.append((nodeid.split("[", 1)[1].split("/", 1)[0],
                          {a: len(clients.account(a)) for a in (PASSING, FAILING)}))

    def pytest_configure(self, config: pytest.Config) -> None:
        self.config = config


def test_an_accounts_clients_go_after_its_last_test(
        pytester: pytest.Pytester, world: MotoWorld) -> None:
    seed_buckets(world, 3)
    watch = _Watch()
    # Without the lookahead, which would make the next account's first reads early.
    result = scan(pytester, control_file(S3_CONTROLS), args=["--aws-no-lookahead"],
                  plugins=[watch])
    assert "failed" in result.outcomes.values()
    first_of_failing = next(i for i, (account, _) in enumerate(watch.held)
                            if account == FAILING)
    before, after = watch.held[first_of_failing - 1], watch.held[first_of_failing]
    assert before[0] == PASSING and before[1][PASSING] > 0
    assert after[1][PASSING] == 0  # released with its last test
    assert after[1][FAILING] > 0
    # While the first account ran, the second held none: discovery's were dropped.
    assert all(held[FAILING] == 0 for account, held in watch.held[:first_of_failing - 1])
