"""Run-wide state kept in ``config.stash``: settings, the resolved plan, runtime and inventory."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance.aws.clients import ClientHook
from pytest_awscompliance.aws.sessions import Credentials
from pytest_awscompliance.aws.targets import Plan, resolve
from pytest_awscompliance.engine.cache import ReadCache
from pytest_awscompliance.engine.runtime import Runtime, limit_malloc_arenas
from pytest_awscompliance.inventory.discovery import Inventory
from pytest_awscompliance.inventory.registry import Registry
from pytest_awscompliance.model.errors import TargetError
from pytest_awscompliance.settings.options import Settings


@dataclass
class ScanState:
    """What this process knows about the scan."""

    settings: Settings
    plan: Plan | None = None
    error: str | None = None
    runtime: Runtime | None = None
    inventory: Inventory | None = None
    cache_dir: Path | None = None
    offline_entries: dict[str, Any] | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    credentials: dict[str, Credentials] = field(default_factory=dict, repr=False)
    """Assumed-role credentials by account: on the xdist controller, those it assumed for
    its workers; on a worker, those it was handed (never written to disk or a report)."""
    registry: Registry = field(default_factory=Registry)
    """The resource types of this run (bundled and declared with the hook)."""
    requests: Counter[str] = field(default_factory=Counter)
    """AWS requests sent, by ``service:Operation``: this process's, plus every worker's."""


SCAN = pytest.StashKey[ScanState]()


def scan_of(config: pytest.Config) -> ScanState:
    return config.stash[SCAN]


def settings_of(config: pytest.Config) -> Settings:
    return config.stash[SCAN].settings


def registry_of(config: pytest.Config) -> Registry:
    return config.stash[SCAN].registry


def ensure_plan(state: ScanState) -> Plan | None:
    """Resolve targets once; remember the error instead of raising it twice."""
    if state.plan is None and state.error is None:
        limit_malloc_arenas()  # before any of the scan's threads starts
        try:
            state.plan = resolve(state.settings)
        except TargetError as exc:
            state.error = str(exc)
    return state.plan


def runtime_or_none(config: pytest.Config) -> Runtime | None:
    """The runtime, or ``None`` when targets could not be resolved (error kept)."""
    state = scan_of(config)
    if state.runtime is None:
        plan = ensure_plan(state)
        if plan is None:
            return None
        cache = ReadCache(state.cache_dir, offline=state.offline_entries is not None)
        if state.offline_entries is not None:
            cache.preload(state.offline_entries)
            state.offline_entries = {}  # the cache holds them now, as text
        state.runtime = Runtime(state.settings, plan, cache, state.credentials,
                                on_client=client_hook(config))
        state.inventory = Inventory(state.runtime, state.registry)
    return state.runtime


def client_hook(config: pytest.Config) -> ClientHook:
    """``pytest_awscompliance_client_created`` (hooks.py), as the client pools call it."""
    hook = config.hook.pytest_awscompliance_client_created

    def created(client: Any, account_id: str, service: str, region: str) -> None:
        hook(client=client, account_id=account_id, service=service, region=region)

    return created


def inventory_or_none(config: pytest.Config) -> Inventory | None:
    """The run's discovered resources, or ``None`` when targets could not be resolved."""
    runtime_or_none(config)
    return scan_of(config).inventory


def runtime_of(config: pytest.Config) -> Runtime:
    runtime = runtime_or_none(config)
    if runtime is None:
        raise pytest.UsageError(scan_of(config).error or "AWS targets could not be resolved")
    return runtime


def inventory_of(config: pytest.Config) -> Inventory:
    runtime_of(config)
    inventory = scan_of(config).inventory
    assert inventory is not None  # built with the runtime
    return inventory
