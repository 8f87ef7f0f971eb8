"""Speculative prefetch: when a per-resource control reads something about its resource, read
the same thing for the control's other resources in that account, concurrently.

Controls stay plain sequential code; the first test of a control in an account shows which
reads depend on the resource (a parameter equal to its name or ARN), and the plugin sends
those reads for the account's remaining resources on a bounded thread pool. Per account,
because a read one account's tests make may never be made in another (a branch they don't
take), and because xdist hands whole accounts to workers: a worker prefetches for the
accounts it runs, and -n 0 and -n N send the same requests. Answers land in the run's read
cache, so each read is still made once; the tests that follow find them there.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from pytest_awscompliance.engine.context import GLOBAL, AwsContext
from pytest_awscompliance.model.resources import Resource

MAX_IN_FLIGHT = 16
"""Concurrent requests per process (each service also has its own bound: inflight.py)."""


@dataclass(frozen=True)
class Running:
    """The per-resource control that is running now."""

    control: str
    fixture: str
    resource: Resource
    peers: Callable[[], Iterable[Resource]] = field(default=tuple, compare=False)
    """The resources of the same type discovered so far (the inventory's)."""


CURRENT: ContextVar[Running | None] = ContextVar("awscompliance_running", default=None)


class Prefetcher:
    """Learns resource-bound reads from the first test of a control and prefetches them."""

    def __init__(self, context: Callable[[str, str], AwsContext], pool: ThreadPoolExecutor):
        self.context = context
        """``context(account_id, region)``: the context a prefetched read is made in."""
        self.pool = pool
        self._seen: set[tuple[Any, ...]] = set()
        self._lock = threading.Lock()

    def observe(self, aws: AwsContext, mode: str, service: str, operation: str,
                region: str | None, params: dict[str, Any]) -> None:
        running = CURRENT.get()
        if running is None:
            return
        resource = running.resource
        bound = {k: attr for k, v in params.items() for attr in bindable_fields(resource)
                 if isinstance(v, str) and v == getattr(resource, attr)}
        if not bound:
            return
        fixed = {k: v for k, v in params.items() if k not in bound}
        region_mode = "default" if region is None else (
            "resource" if region == resource.region else "fixed")
        template = (running.control, running.fixture, mode, service, operation,
                    tuple(sorted(bound.items())), region_mode, aws.region == GLOBAL,
                    aws.region == resource.region,
                    json.dumps(fixed, sort_keys=True, default=str), resource.account_id)
        with self._lock:
            if template in self._seen:
                return
            self._seen.add(template)
        for other in running.peers():
            if other.id == resource.id or other.account_id != resource.account_id:
                continue
            other_params = {**fixed, **{k: getattr(other, attr) for k, attr in bound.items()}}
            other_region = {"default": None, "resource": other.region, "fixed": region}[
                region_mode]
            context = self.context(other.account_id,
                                   _same_kind_of_region(aws.region, resource, other))
            self.pool.submit(_quietly, context, mode, service, operation, other_region,
                             other_params)


def _same_kind_of_region(original: str, resource: Resource, other: Resource) -> str:
    """The context region for ``other``'s read: account-wide if the original was, the
    other resource's region if the original used its resource's, else the same region."""
    if original == GLOBAL:
        return GLOBAL
    return other.region if original == resource.region else original


UNBOUND_FIELDS = frozenset({"account_id", "region", "home_region"})


def bindable_fields(resource: Resource) -> list[str]:
    """The resource's own string fields a read may name it by: name, ARN, and others such
    as a trail's S3 bucket (not its account or region, which many resources share)."""
    return [f.name for f in dataclasses.fields(resource)
            if f.name not in UNBOUND_FIELDS and isinstance(getattr(resource, f.name), str)
            and len(getattr(resource, f.name)) >= 3]


def _quietly(context: AwsContext, mode: str, service: str, operation: str,
             region: str | None, params: dict[str, Any]) -> None:
    """Fetch into the cache; errors are cached too and reported by the test that reads them."""
    try:
        context.fetch(mode, service, operation, region, params)
    except Exception:
        return

