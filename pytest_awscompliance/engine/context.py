"""``AwsContext``: what a control sees of one target (an account, in a region or globally)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, Protocol

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from pytest_awscompliance.aws.clients import GLOBAL_SERVICES, ClientPool
from pytest_awscompliance.aws.targets import Plan
from pytest_awscompliance.engine.cache import ReadCache, read_key
from pytest_awscompliance.engine.inflight import InFlight
from pytest_awscompliance.model.errors import AwsApiError, TargetError

GLOBAL = "global"


class ReadObserver(Protocol):
    """Told of every memoized read a context makes (the prefetcher)."""

    def observe(self, aws: AwsContext, mode: str, service: str, operation: str,
                region: str | None, params: dict[str, Any]) -> None: ...


class ReadEngine(Protocol):
    """What a context reads through; the run's ``Runtime`` is one (engine/runtime.py)."""

    plan: Plan
    clients: ClientPool
    cache: ReadCache
    in_flight: InFlight
    pool: Executor
    prefetcher: ReadObserver

    def home_region(self, account_id: str) -> str: ...


@dataclass(frozen=True)
class AwsContext:
    """One target: ``account_id`` in ``region`` (a region name, or ``"global"``).

    ``read`` and ``paginate`` are memoized for the whole run and turn every AWS failure
    into :class:`AwsApiError`, which the plugin reports as an ERROR naming the operation.
    """

    account_id: str
    region: str
    partition: str
    runtime: ReadEngine = field(repr=False, compare=False)

    @property
    def api_region(self) -> str:
        """The region calls are sent to (the account's home region for global settings)."""
        if self.region == GLOBAL:
            return self.runtime.home_region(self.account_id)
        return self.region

    @property
    def label(self) -> str:
        return f"{self.account_id}/{self.region}"

    @property
    def scanned_regions(self) -> list[str]:
        """The regions the scan covers for this account (its API region when the plan
        names none)."""
        return list(self.runtime.plan.regions.get(self.account_id) or [self.api_region])

    def in_region(self, region: str) -> AwsContext:
        """The same account seen from another region."""
        return AwsContext(self.account_id, region, self.partition, self.runtime)

    def client(self, service: str, *, region: str | None = None) -> Any:
        """A cached, read-only-guarded boto3 client (calls through it are not memoized)."""
        try:
            return self.runtime.clients.client(self.account_id, service,
                                               region or self.api_region)
        except TargetError as exc:
            raise AwsApiError("sts", "AssumeRole", "AssumeRoleFailed", str(exc),
                              self.label) from None

    def read(self, service: str, operation: str, *, region: str | None = None,
             missing_ok: Iterable[str] = (), **params: Any) -> Any:
        """Call ``client(service).<operation>(**params)`` once per run and return the answer.

        ``operation`` is the boto3 method name (``get_bucket_policy``). Error codes listed in
        ``missing_ok`` (such as ``NoSuchBucketPolicy``) return ``None`` instead of raising:
        use it where "not configured" is an answer, never for access errors.
        """
        return self._cached("call", service, operation, region, missing_ok, params)

    def paginate(self, service: str, operation: str, *, region: str | None = None,
                 missing_ok: Iterable[str] = (), **params: Any) -> Any:
        """Like :meth:`read`, following every page; the result keys hold all items."""
        return self._cached("paginate", service, operation, region, missing_ok, params)

    def _cached(self, mode: str, service: str, operation: str, region: str | None,
                missing_ok: Iterable[str], params: dict[str, Any]) -> Any:
        operation = xform_name(operation)
        self.runtime.prefetcher.observe(self, mode, service, operation, region, params)
        try:
            return self.fetch(mode, service, operation, region, params)
        except AwsApiError as exc:
            if exc.code in set(missing_ok):
                return None
            raise

    def fetch(self, mode: str, service: str, operation: str, region: str | None,
              params: dict[str, Any]) -> Any:
        """The memoized read itself (no prefetch, no ``missing_ok``)."""
        region = region or self.api_region

        key_region = GLOBAL if service in GLOBAL_SERVICES else region
        key = read_key(self.account_id, key_region, service, f"{mode}:{operation}", params)
        label = f"{service}:{_api_name(operation)}"
        return self.runtime.cache.get(
            key, lambda: self._send(mode, service, operation, region, params), label=label
        )

    def warm(self, service: str, operation: str,
             requests: Iterable[tuple[str | None, dict[str, Any]]], *,
             mode: str = "call") -> None:
        """Make many independent reads concurrently, so that the ``read`` calls that follow
        find their answers in the cache. ``requests`` are ``(region or None, params)``.

        Errors are cached like answers and raised by the ``read`` that asks for them.
        """
        operation = xform_name(operation)
        futures = [self.runtime.pool.submit(self._warm_one, mode, service, operation, region,
                                            params)
                   for region, params in requests]
        for future in futures:
            future.result()

    def _warm_one(self, mode: str, service: str, operation: str, region: str | None,
                  params: dict[str, Any]) -> None:
        with contextlib.suppress(AwsApiError):
            self.fetch(mode, service, operation, region, params)

    def call(self, service: str, operation: str, **params: Any) -> Any:
        """One unmemoized read (for polling a job); failures raise ``AwsApiError``."""
        return self._send("call", service, xform_name(operation), self.api_region, params)

    def _send(self, mode: str, service: str, operation: str, region: str,
              params: dict[str, Any]) -> Any:
        target = f"{self.account_id}/{region}"
        api = _api_name(operation)
        try:
            client = self.runtime.clients.client(self.account_id, service, region)
            api = client.meta.method_to_api_mapping.get(operation, api)
            with self.runtime.in_flight.slot(service):
                if mode == "paginate" and client.can_paginate(operation):
                    return client.get_paginator(operation).paginate(
                        **params).build_full_result()
                return getattr(client, operation)(**params)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise AwsApiError(service, api, str(error.get("Code", "Unknown")),
                              str(error.get("Message", "")), target) from None
        except TargetError as exc:
            raise AwsApiError("sts", "AssumeRole", "AssumeRoleFailed", str(exc),
                              target) from None
        except BotoCoreError as exc:
            raise AwsApiError(service, api, type(exc).__name__, str(exc), target) from None


def _api_name(operation: str) -> str:
    """``get_bucket_policy`` -> ``GetBucketPolicy`` (the IAM action's name)."""
    if "_" not in operation and operation[:1].isupper():
        return operation
    return "".join(part.capitalize() for part in operation.split("_"))
