"""One client per (account, region, service), sharing one botocore ``Config``."""

from __future__ import annotations

import functools
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config

from pytest_awscompliance.aws.models import shared_client_class
from pytest_awscompliance.aws.sessions import AccountAccess, Credentials, session_for

GLOBAL_SERVICES: frozenset[str] = frozenset({"iam", "organizations", "account", "sts"})
"""Services with one endpoint per partition: always called in the account's home region."""

RETRIES = 8
"""Retries per request after the first attempt (botocore's ``max_attempts``)."""

CLIENT_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": RETRIES},
    connect_timeout=5,
    read_timeout=30,
    max_pool_connections=32,
    user_agent_extra="pytest-awscompliance",
)
"""Every client's configuration. ``standard`` retries: under throttling of 2 % of requests
the 10-account benchmark took 176 s with them and 676 s with ``adaptive``, whose
client-side rate limiter slows every later request of a throttled client (same findings,
no errors; docs/performance.md). ``--aws-retry-mode adaptive`` chooses the latter."""


@functools.cache
def client_config(retry_mode: str = "standard") -> Config:
    """``CLIENT_CONFIG`` with the given botocore retry mode."""
    return CLIENT_CONFIG.merge(Config(retries={"mode": retry_mode, "max_attempts": RETRIES}))


ClientHook = Callable[[Any, str, str, str], None]
"""Called as ``hook(client, account_id, service, region)`` for every client a pool creates
(the runtime passes the ``pytest_awscompliance_client_created`` hook of hooks.py)."""


def _loopback_host_shim(request: Any, **_: Any) -> None:
    """On a loopback endpoint (moto), drop the account id S3 Control prefixes to the host."""
    parts = urlsplit(request.url)
    host, _, rest = parts.netloc.partition(".")
    if host.isdigit() and rest.split(":")[0] in {"127.0.0.1", "localhost"}:
        request.url = urlunsplit(parts._replace(netloc=rest))


class AccountClients:
    """The session and the cached clients of one account. Thread-safe."""

    def __init__(self, access: AccountAccess, session: boto3.Session | None = None,
                 counter: RequestCounter | None = None, initial: Credentials | None = None,
                 config: Config = CLIENT_CONFIG, on_client: ClientHook | None = None):
        self.access = access
        self._on_client = on_client
        self._config = config
        self._counter = counter
        self._initial = initial
        self._session = session
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    @property
    def session(self) -> boto3.Session:
        with self._lock:
            if self._session is None:
                self._session = session_for(self.access, self._initial, self._counter)
                self._initial = None
            return self._session

    def client(self, service: str, region: str) -> Any:
        if service in GLOBAL_SERVICES:
            region = self.access.home_region
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        session = self.session
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                with shared_client_class():
                    client = session.client(service, region_name=region, config=self._config,
                                            endpoint_url=self.access.endpoint_url)
                if self.access.endpoint_url and service == "s3control":
                    client.meta.events.register("before-send.s3-control", _loopback_host_shim)
                if self._counter is not None:
                    client.meta.events.register("before-send", self._counter)
                if self._on_client is not None:
                    self._on_client(client, self.access.account_id, service, region)
                self._clients[key] = client
            return client

    def __len__(self) -> int:
        """How many clients this account holds now."""
        return len(self._clients)

    def forget_clients(self) -> None:
        """Drop the clients made so far (the session and its credentials stay)."""
        with self._lock:
            self._clients.clear()


class RequestCounter:
    """Counts every HTTP request the scan's clients send (pages and retries included)."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, event_name: str, **_: Any) -> None:
        _, service, operation = event_name.split(".", 2)
        with self._lock:
            self.sent[f"{service}:{operation}"] += 1


class ClientPool:
    """All accounts' clients for this process."""

    def __init__(self, credentials: dict[str, Credentials] | None = None,
                 retry_mode: str = "standard", on_client: ClientHook | None = None) -> None:
        self._accounts: dict[str, AccountClients] = {}
        self._on_client = on_client
        self._config = client_config(retry_mode)
        self._lock = threading.Lock()
        self.requests = RequestCounter()
        self._credentials = credentials or {}
        """Roles the xdist controller already assumed, by account id."""

    def add(self, access: AccountAccess, session: boto3.Session | None = None) -> None:
        with self._lock:
            self._accounts.setdefault(access.account_id, AccountClients(
                access, session, self.requests, self._credentials.get(access.account_id),
                self._config, self._on_client))

    def account(self, account_id: str) -> AccountClients:
        return self._accounts[account_id]

    def client(self, account_id: str, service: str, region: str) -> Any:
        return self._accounts[account_id].client(service, region)

    def forget_clients(self) -> None:
        for account in self._accounts.values():
            account.forget_clients()
