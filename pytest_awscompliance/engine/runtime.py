"""The per-process state of a scan: plan, clients, read cache and discovered resources."""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pytest_awscompliance.aws.clients import ClientPool
from pytest_awscompliance.aws.sessions import Credentials
from pytest_awscompliance.aws.targets import Plan, Target
from pytest_awscompliance.engine.cache import ReadCache
from pytest_awscompliance.engine.context import AwsContext
from pytest_awscompliance.engine.inflight import InFlight
from pytest_awscompliance.engine.prefetch import MAX_IN_FLIGHT, Prefetcher
from pytest_awscompliance.inventory import RESOURCE_TYPES
from pytest_awscompliance.model.errors import AwsApiError
from pytest_awscompliance.model.resources import Resource
from pytest_awscompliance.settings.options import Settings

NO_RESOURCES = "<none>"
DISCOVERY_FAILED = "<discovery failed>"


class OfflineClients(ClientPool):
    """Replaying a snapshot: no client is ever created, so nothing can be sent."""

    def client(self, account_id: str, service: str, region: str) -> Any:
        raise AwsApiError(service, "CreateClient", "OfflineReplay",
                          "replaying a snapshot: no request is sent to AWS",
                          f"{account_id}/{region}")


class Runtime:
    """Everything a control needs that outlives one test, built once per process."""

    def __init__(self, settings: Settings, plan: Plan, cache: ReadCache,
                 credentials: dict[str, Credentials] | None = None):
        self.settings = settings
        self.plan = plan
        self.cache = cache
        self.clients: ClientPool = (OfflineClients() if cache.offline
                                    else ClientPool(credentials, settings.retry_mode))
        for access in plan.accounts:
            self.clients.add(access)
        self._homes = {a.account_id: a.home_region for a in plan.accounts}
        self._hooks: list[Any] = []
        if plan.demo_endpoint:
            from pytest_awscompliance.aws import clients
            from pytest_awscompliance.demo.gaps import install

            self._hooks.append(install(plan.demo_endpoint))
            clients.CLIENT_HOOKS.extend(self._hooks)
            self._homes = {a.account_id: plan.regions[a.account_id][0] for a in plan.accounts}
        self._resources: dict[str, dict[str, Resource]] = {}
        self._failures: dict[str, dict[str, AwsApiError]] = {}
        self._locks = {fixture: threading.Lock() for fixture in RESOURCE_TYPES}
        self.in_flight = InFlight()
        self.pool = ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT,
                                       thread_name_prefix="awscompliance")
        self.prefetcher = Prefetcher(self, self.pool)

    def close(self) -> None:
        """Stop the prefetch pool and forget the client hooks this runtime installed."""
        from pytest_awscompliance.aws import clients

        self.pool.shutdown(wait=False, cancel_futures=True)
        for hook in self._hooks:
            if hook in clients.CLIENT_HOOKS:
                clients.CLIENT_HOOKS.remove(hook)
        self._hooks.clear()

    def after_collection(self) -> None:
        """On an xdist worker: collection discovered every account's resources, but the
        worker runs only some accounts. Drop the clients and in-memory answers discovery
        made (the answers are on the run's shared disk cache); what the worker's own
        tests need is made or read again once."""
        self.cache.forget()
        self.clients.forget_clients()
        gc.collect()  # botocore clients hold reference cycles

    def home_region(self, account_id: str) -> str:
        return self._homes[account_id]

    def context(self, account_id: str, region: str) -> AwsContext:
        return AwsContext(account_id, region, self.plan.partition, self)

    def regional_targets(self) -> list[Target]:
        return self.plan.regional_targets()

    def account_targets(self) -> list[Target]:
        return self.plan.account_targets()

    def targets_for(self, fixture: str) -> list[Target]:
        scope = RESOURCE_TYPES[fixture].scope
        return self.account_targets() if scope == "account" else self.regional_targets()

    def discover(self, fixture: str) -> tuple[dict[str, Resource], dict[str, AwsApiError]]:
        """Resources of one type across all targets, by id, plus per-target failures."""
        with self._locks[fixture]:
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
            return RESOURCE_TYPES[fixture].discover(
                self.context(target.account_id, target.region)), None
        except AwsApiError as exc:
            return [], exc

    def known_resources(self, fixture: str) -> list[Resource]:
        """Resources of a type already discovered in this process (no new discovery)."""
        return list(self._resources.get(fixture, {}).values())

    def resource(self, fixture: str, key: str) -> Resource:
        """The resource a parametrized test was collected for (or its discovery error)."""
        found, failed = self.discover(fixture)
        if key in failed:
            raise failed[key]
        return found[key]


def split_target(key: str) -> tuple[str, str]:
    """``account/region[/name]`` -> (account, region)."""
    account, region = key.split("/")[:2]
    return account, region

