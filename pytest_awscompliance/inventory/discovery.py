"""Discovery of each resource type across the plan's targets, once per process."""

from __future__ import annotations

import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pytest_awscompliance.aws.targets import Target
from pytest_awscompliance.engine.prefetch import MAX_IN_FLIGHT, Running
from pytest_awscompliance.engine.runtime import Runtime
from pytest_awscompliance.inventory.registry import Registry
from pytest_awscompliance.model.errors import AwsApiError
from pytest_awscompliance.model.resources import Resource

NO_RESOURCES = "<none>"
DISCOVERY_FAILED = "<discovery failed>"


class Inventory:
    """The resources of each type the run has discovered, by id, plus per-target failures."""

    def __init__(self, runtime: Runtime, registry: Registry):
        self.runtime = runtime
        self.registry = registry
        self._resources: dict[str, dict[str, Resource]] = {}
        self._failures: dict[str, dict[str, AwsApiError]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, fixture: str) -> threading.Lock:
        with self._guard:  # types may be registered after the inventory was built
            return self._locks.setdefault(fixture, threading.Lock())

    def targets_for(self, fixture: str) -> list[Target]:
        scope = self.registry[fixture].scope
        return (self.runtime.account_targets() if scope == "account"
                else self.runtime.regional_targets())

    def discover(self, fixture: str) -> tuple[dict[str, Resource], dict[str, AwsApiError]]:
        """Resources of one type across all targets, by id, plus per-target failures."""
        with self._lock(fixture):
            if fixture not in self._resources:
                found: dict[str, Resource] = {}
                failed: dict[str, AwsApiError] = {}
                targets = self.targets_for(fixture)
                # Targets are independent: list them concurrently (bounded by the pool).
                with ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT) as pool:
                    outcomes = list(pool.map(lambda t: self._discover_one(fixture, t), targets))
                for target, (resources, error) in zip(targets, outcomes, strict=True):
                    if error is not None:
                        failed[f"{target.id}/{DISCOVERY_FAILED}"] = error
                    for resource in resources:
                        found[resource.id] = resource
                self._resources[fixture] = dict(sorted(found.items()))
                self._failures[fixture] = failed
            return self._resources[fixture], self._failures[fixture]

    def _discover_one(self, fixture: str, target: Target
                      ) -> tuple[list[Resource], AwsApiError | None]:
        try:
            return self.registry[fixture].list(
                self.runtime.context(target.account_id, target.region)), None
        except AwsApiError as exc:
            return [], exc

    def failures(self) -> dict[str, AwsApiError]:
        """Every discovery failure so far, by ``account/region/<discovery failed>`` key."""
        return {key: error for failed in self._failures.values() for key, error in failed.items()}

    def known_resources(self, fixture: str) -> list[Resource]:
        """Resources of a type already discovered in this process (no new discovery)."""
        return list(self._resources.get(fixture, {}).values())

    def resource(self, fixture: str, key: str) -> Resource:
        """The resource a parametrized test was collected for (or its discovery error)."""
        found, failed = self.discover(fixture)
        if key in failed:
            raise failed[key]
        return found[key]

    def running(self, item: Any, funcargs: dict[str, Any] | None = None) -> Running | None:
        """The per-resource control an item runs, if it takes a resource fixture (for the
        prefetcher, which reads ahead for the resource's peers). ``funcargs``: the item's
        arguments when they were built outside a test run (the lookahead's)."""
        if funcargs is None:
            funcargs = getattr(item, "funcargs", {})
        for fixture in self.registry:
            resource = funcargs.get(fixture)
            if isinstance(resource, Resource):
                control = f"{item.nodeid.split('[')[0]}"
                return Running(control, fixture, resource,
                               functools.partial(self.known_resources, fixture))
        return None
