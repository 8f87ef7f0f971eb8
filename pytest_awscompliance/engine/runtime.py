"""The per-process engine of a scan: plan, clients, read cache, in-flight bounds, prefetch."""

from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pytest_awscompliance.aws.clients import ClientHook, ClientPool
from pytest_awscompliance.aws.sessions import Credentials
from pytest_awscompliance.aws.targets import Plan, Target
from pytest_awscompliance.engine.cache import ReadCache
from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.engine.inflight import InFlight
from pytest_awscompliance.engine.prefetch import MAX_IN_FLIGHT, Prefetcher
from pytest_awscompliance.model.errors import AwsApiError
from pytest_awscompliance.settings.options import Settings

MALLOC_ARENAS = 2
"""glibc malloc arenas for the scan's process (unless ``MALLOC_ARENA_MAX`` says otherwise)."""

_M_ARENA_MAX = -8  # glibc's mallopt parameter number


def limit_malloc_arenas() -> None:
    """Cap glibc's malloc arenas, as ``MALLOC_ARENA_MAX=2`` would.

    glibc gives threads that allocate at the same time their own arenas, up to 8 per core,
    and each keeps its free memory: the scan's reading threads (prefetch, discovery) held
    about 10 MB that way in the small benchmark scan (peak RSS 157 -> 147 MB). Python
    threads allocate under the GIL, so they gain nothing from more arenas. Glibc Linux
    only; a ``MALLOC_ARENA_MAX`` in the environment wins (glibc has read it already).
    """
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return


class OfflineClients(ClientPool):
    """Replaying a snapshot: no client is ever created, so nothing can be sent."""

    def client(self, account_id: str, service: str, region: str) -> Any:
        raise AwsApiError(service, "CreateClient", "OfflineReplay",
                          "replaying a snapshot: no request is sent to AWS",
                          f"{account_id}/{region}")


class Runtime:
    """Everything a control needs that outlives one test, built once per process."""

    def __init__(self, settings: Settings, plan: Plan, cache: ReadCache,
                 credentials: dict[str, Credentials] | None = None,
                 on_client: ClientHook | None = None):
        self.settings = settings
        self.plan = plan
        self.cache = cache
        self.clients: ClientPool = (OfflineClients() if cache.offline
                                    else ClientPool(credentials, settings.retry_mode, on_client))
        for access in plan.accounts:
            self.clients.add(access)
        self._homes = {a.account_id: a.home_region for a in plan.accounts}
        self._memos: dict[str, dict[str, Any]] = {}
        self._memo_lock = threading.Lock()
        self.in_flight = InFlight()
        self.pool = ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT,
                                       thread_name_prefix="awscompliance")
        self.prefetcher = Prefetcher(self.context, self.pool)

    def close(self) -> None:
        """Stop the prefetch pool; the scan is over (pytest_unconfigure).

        Then freeze the garbage collector's view of the heap: what exists now lives until
        the process exits, and without this the interpreter's own shutdown spent 2.5 to
        5 s walking it (the small benchmark scan: 474,000 tracked objects; 0.05 s frozen).
        """
        self.pool.shutdown(wait=False, cancel_futures=True)
        gc.freeze()

    def after_collection(self) -> None:
        """On an xdist worker: collection discovered every account's resources, but the
        worker runs only some accounts. Drop the clients and in-memory answers discovery
        made (the answers are on the run's shared disk cache); what the worker's own
        tests need is made or read again once."""
        self.cache.forget()
        self.clients.forget_clients()
        gc.collect()  # botocore clients hold reference cycles

    def collection_done(self) -> None:
        """Collection is over: what it built (items, discovery, clients) lives for the run.
        Freeze it out of the garbage collector's reach, so that the collections the tests'
        allocations trigger do not walk it again and again (small benchmark scan: scanner
        CPU 5.1-5.8 s -> 3.5-4.2 s, peak RSS +7 MB)."""
        gc.freeze()

    def account_memo(self, account_id: str) -> dict[str, Any]:
        """What the facts layer built from one account's answers (its IAM directory...),
        kept until the account is released."""
        with self._memo_lock:
            return self._memos.setdefault(account_id, {})

    def release(self, account_id: str) -> None:
        """The account's tests are done: drop its clients and memos. Its answers stay in
        the read cache, so a later read of the account (another account's control looking
        across) sends nothing again; it only builds a client again."""
        self.clients.account(account_id).forget_clients()
        with self._memo_lock:
            self._memos.pop(account_id, None)

    def home_region(self, account_id: str) -> str:
        return self._homes[account_id]

    def context(self, account_id: str, region: str) -> AwsContext:
        return AwsContext(account_id, region, self.plan.partition, self)

    def regional_targets(self) -> list[Target]:
        return self.plan.regional_targets()

    def account_targets(self) -> list[Target]:
        return self.plan.account_targets()


def split_target(key: str) -> tuple[str, str]:
    """``account/region[/name]`` -> (account, region)."""
    account, region = key.split("/")[:2]
    return account, region

