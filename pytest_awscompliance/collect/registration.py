"""Filling the registry: every plugin and ``conftest.py`` implementing
``pytest_awscompliance_resource_types`` is asked once, when it is registered, and each type
it declares gets its fixture as a plugin of its own."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.collect.fixtures import resource_fixtures
from pytest_awscompliance.inventory.registry import Registry
from pytest_awscompliance.settings.xdist import is_worker

HOOK = "pytest_awscompliance_resource_types"
WORKER_KEY = "awscompliance_report_types"
"""xdist worker -> controller: the report types of the worker's registry."""


def declared_types(config: pytest.Config, plugin: object) -> list[Any]:
    """What one plugin's implementation of the hook returns (``[]`` if it has none)."""
    caller = getattr(config.hook, HOOK)
    found: list[Any] = []
    for impl in caller.get_hookimpls():
        if impl.plugin is plugin:
            args = {"config": config}
            found.extend(impl.function(*(args[name] for name in impl.argnames)) or [])
    return found


class RegistryPlugin:
    """Asks each plugin for its types as it is registered (``pytest_plugin_registered`` is
    replayed for the plugins registered before this one): conftests found during collection
    declare their types before their tests are collected."""

    name = "awscompliance-registry"

    def __init__(self, config: pytest.Config, registry: Registry):
        self.config = config
        self.registry = registry

    def pytest_plugin_registered(self, plugin: object, plugin_name: str) -> None:
        if not hasattr(plugin, HOOK):
            return
        source = getattr(plugin, "__file__", None) or plugin_name
        try:
            declared = declared_types(self.config, plugin)
        except Exception as exc:  # a team's hook failed: a usage error naming it
            self.registry.problems.append(f"{source}: {HOOK} failed: {exc}")
            return
        for rtype in declared:
            if self.registry.add(rtype, source):
                self.config.pluginmanager.register(resource_fixtures(rtype),
                                                   f"awscompliance-fixture-{rtype.fixture}")

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """An xdist worker hands its report types to the controller (sent when it ends)."""
        if is_worker(self.config):
            self.config.workeroutput[WORKER_KEY] = (  # type: ignore[attr-defined]
                self.registry.shared_report_types())

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        self.registry.learn(getattr(node, "workeroutput", {}).get(WORKER_KEY))

    def check(self) -> None:
        """A bad registration is a usage error, raised before any test runs."""
        if self.registry.problems:
            raise pytest.UsageError(self.registry.problems[0])
