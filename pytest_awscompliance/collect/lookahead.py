"""Run the bundled controls of upcoming tests ahead of their turn, in background threads.

A scan waits wherever a test makes a read nobody has made yet: the first test of a control
in an account (after it, the prefetcher reads ahead for the control's other resources
there: engine/prefetch.py), and every test of a per-account or per-region setting, which
has no peers to prefetch for. While the tests before it run, the lookahead calls such a
test's function early, in a thread, with the arguments its fixtures would give it
(``fixtures.call_arguments``), and throws the outcome away. A control is a function of its
reads, so the reads it makes are those the test will make; they land in the run's read
cache, and when the test's turn comes it finds them there. Requests stay one per distinct
read and the same at ``-n 0`` and ``-n N``: only tests this process will run are run
ahead (on an xdist worker, those of the account it is running: the scheduler hands out
whole accounts, see scheduling.py), and the read cache shares every answer.

Only the bundled catalog is run ahead: its controls are read-only functions of their
fixtures (no output, no files, no state of their own). Your own controls run once, in
their turn. Nothing is run ahead when a run may stop early (``-x``, ``--maxfail``,
``--sw``) or replays a snapshot (no request to wait for).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from pytest_awscompliance.collect.catalog import PACKAGE
from pytest_awscompliance.collect.fixtures import call_arguments
from pytest_awscompliance.collect.items import item_account, item_info
from pytest_awscompliance.collect.state import ScanState, registry_of
from pytest_awscompliance.engine.prefetch import CURRENT, Running
from pytest_awscompliance.settings.xdist import is_worker

DEPTH = 8
"""Tests run ahead at once (each in its own thread; their reads share the in-flight bounds
of engine/inflight.py with everything else)."""

SKIP_MARKS = ("skip", "skipif", "xfail")
"""A test with one of these marks may never call its function: it is not run ahead."""


def bundled(item: pytest.Item) -> bool:
    module = getattr(getattr(item, "module", None), "__name__", "")
    return module == PACKAGE or module.startswith(PACKAGE + ".")


def lane_and_kind(item: pytest.Item) -> tuple[str, tuple[Any, ...]] | None:
    """The account an item's test reads in, and what makes its first reads new.

    A per-resource test's reads are new for the first test of its control in its account
    (the prefetcher covers the rest); a setting's test (``aws``, ``aws_account``) reads
    what no other test reads, so each one is its own kind. ``None``: not run ahead.
    """
    info = item_info(item)
    if info is None or not bundled(item):
        return None
    if any(item.get_closest_marker(name) for name in SKIP_MARKS):
        return None
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    function = getattr(item, "function", None)
    if any(name in params for name in registry_of(item.config)):
        return info.account, (function, info.account)
    return info.account, (item.nodeid,)


def worth_running_ahead(items: Sequence[pytest.Item]) -> dict[str | None, list[int]]:
    """Per account (and, under ``None``, for all of them), the positions of the tests
    whose first reads are new, in run order."""
    lanes: dict[str | None, list[int]] = {None: []}
    seen: set[tuple[Any, ...]] = set()
    for index, item in enumerate(items):
        found = lane_and_kind(item)
        if found is None or found[1] in seen:
            continue
        account, kind = found
        seen.add(kind)
        lanes[None].append(index)
        lanes.setdefault(account, []).append(index)
    return lanes


def run_ahead(item: pytest.Item, running: Callable[[pytest.Item, dict[str, Any]],
                                                    Running | None]) -> None:
    """Call the item's test function for its reads only; every outcome is dropped (the
    test reports its own, in its turn, from the same reads)."""
    try:
        arguments = call_arguments(item)
        if arguments is None:
            return
        current = running(item, arguments)
        token = CURRENT.set(current) if current is not None else None
        try:
            item.function(**arguments)  # type: ignore[attr-defined]
        finally:
            if token is not None:
                CURRENT.reset(token)
    except BaseException:  # the outcome is the test's to report, in its turn
        return


class Lookahead:
    """Keeps up to ``depth`` of the tests after the running one running ahead."""

    def __init__(self, items: Sequence[pytest.Item],
                 running: Callable[[pytest.Item, dict[str, Any]], Running | None], *,
                 per_account: bool, depth: int = DEPTH):
        self.items = items
        self.running = running
        self.per_account = per_account
        """On an xdist worker: run ahead only in the account of the running test."""
        self.depth = depth
        self.lanes = worth_running_ahead(items)
        self._cursor = 0
        self.pool = ThreadPoolExecutor(max_workers=depth,
                                       thread_name_prefix="awscompliance-ahead")
        self._started: set[int] = set()
        self._pending: list[Future[None]] = []

    def advance(self, item: pytest.Item) -> None:
        """``item`` starts: top up the tests running ahead from those after it."""
        position = self.position(item)
        if position is None:
            return
        lane = self.lanes.get(item_account(item) if self.per_account else None, [])
        self._pending = [f for f in self._pending if not f.done()]
        cursor = bisect.bisect_right(lane, position)
        while cursor < len(lane) and len(self._pending) < self.depth:
            index = lane[cursor]
            cursor += 1
            if index in self._started:
                continue
            self._started.add(index)
            self._pending.append(self.pool.submit(run_ahead, self.items[index],
                                                  self.running))

    def position(self, item: pytest.Item) -> int | None:
        """Where ``item`` is in the collection. Tests run in that order (on an xdist worker,
        each account's in that order), so the search goes on from the last one found: no
        table of 27,830 positions is kept for it."""
        items, start = self.items, self._cursor
        for index in itertools.chain(range(start, len(items)), range(start)):
            if items[index] is item:
                self._cursor = index
                return index
        return None

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def may_stop_early(config: pytest.Config) -> bool:
    """``-x``, ``--maxfail`` and ``--sw`` end a run before its last test."""
    return bool(getattr(config.option, "maxfail", 0) or getattr(config.option, "stepwise",
                                                                    False))


LOOKAHEAD = pytest.StashKey[Lookahead]()


def start(session: pytest.Session, state: ScanState) -> None:
    """Collection is done: start looking ahead, unless the run is not one to do it for."""
    config = session.config
    if (not state.settings.lookahead or state.runtime is None or state.inventory is None
            or not session.items or state.runtime.cache.offline or may_stop_early(config)
            or config.option.collectonly):
        return
    config.stash[LOOKAHEAD] = Lookahead(session.items, state.inventory.running,
                                        per_account=is_worker(config))


def advance(item: pytest.Item) -> None:
    found = item.config.stash.get(LOOKAHEAD, None)
    if found is not None:
        found.advance(item)


def stop(config: pytest.Config) -> None:
    found = config.stash.get(LOOKAHEAD, None)
    if found is not None:
        found.close()
