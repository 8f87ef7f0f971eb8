"""Without xdist, run an organization account by account and let each account go after it.

In collection order a single process runs every control across every account, so every
account's clients (about 100 KB each, one per service and region) and memos (its IAM
directory) live until the last test: memory grows with the organization. xdist already
runs whole accounts on one worker (collect/scheduling.py); without it, the tests are
grouped by account here (accounts in the order they first appear, collection order within
an account), and an account is released (``Runtime.release``) as its last test ends. Its
answers stay in the read cache: a later test that looks across at it sends nothing again.
Discovery made clients for every account; those of all but the first account to run are
dropped before collection is frozen out of the garbage collector's reach.

docs/performance.md, "Design notes (issue 17)", has the trade-off: the order of the tests
(and of JUnit's testcases) is by account, as it is per worker with xdist.
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Callable, Sequence

import pytest

from pytest_awscompliance.collect.items import item_account
from pytest_awscompliance.settings.options import Settings
from pytest_awscompliance.settings.xdist import distributes, is_worker


def by_account(items: Sequence[pytest.Item]) -> list[pytest.Item]:
    """The items grouped by account, accounts in the order they first appear, each group in
    collection order. A test of no account (an ordinary test) stays with the account of the
    test before it (the first account, before any), so a one-account run keeps its order."""
    rank: dict[str, int] = {}
    keys: list[str | None] = []
    current: str | None = None
    for item in items:
        account = item_account(item)
        if account is not None:
            current = account
            rank.setdefault(account, len(rank))
        keys.append(current)
    first = next(iter(rank), None)
    order = sorted(range(len(items)),
                   key=lambda i: rank.get(keys[i] or first or "", 0))
    return [items[i] for i in order]


class AccountRelease:
    """Counts each account's tests down as they end; at zero the account is released."""

    def __init__(self, items: Sequence[pytest.Item], release: Callable[[str], None]):
        self.release = release
        self.remaining = Counter(a for a in map(item_account, items) if a is not None)
        self._lock = threading.Lock()

    def first_account(self) -> str | None:
        return next(iter(self.remaining), None)

    def finished(self, item: pytest.Item) -> None:
        account = item_account(item)
        if account is None:
            return
        with self._lock:
            self.remaining[account] -= 1
            done = self.remaining[account] == 0
        if done:
            self.release(account)


RELEASE = pytest.StashKey[AccountRelease]()


def wanted(config: pytest.Config, settings: Settings) -> bool:
    """This process runs its own tests in its own order (no xdist), and the user did not
    ask for collection order (``--aws-collection-order``)."""
    return settings.account_order and not (distributes(config) or is_worker(config))


def order(config: pytest.Config, settings: Settings, items: list[pytest.Item]) -> None:
    """Group the items by account, in place (``pytest_collection_modifyitems``)."""
    if wanted(config, settings):
        items[:] = by_account(items)


def start(session: pytest.Session, settings: Settings, release: Callable[[str], None]) -> None:
    """Collection is done: count the accounts' tests down from here, and drop the clients
    discovery made for every account but the first to run."""
    config = session.config
    if not wanted(config, settings) or config.option.collectonly or not session.items:
        return
    releases = AccountRelease(session.items, release)
    if not releases.remaining:
        return
    config.stash[RELEASE] = releases
    first = releases.first_account()
    for account in releases.remaining:
        if account != first:
            release(account)
    gc.collect()  # botocore clients hold reference cycles; collect before the freeze


def finished(item: pytest.Item) -> None:
    found = item.config.stash.get(RELEASE, None)
    if found is not None:
        found.finished(item)
