"""The fixtures controls ask for: ``aws``, ``aws_account`` and one fixture per resource type.

The per-resource fixtures are generated from the registry (``resource_fixtures``). The
plugin parametrizes them at collection (see ``parametrize.py``); each fixture only looks up
what its parameter names.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Mapping
from typing import Any

import pytest

from pytest_awscompliance.collect.state import (
    inventory_of,
    registry_of,
    runtime_of,
    settings_of,
)
from pytest_awscompliance.engine.context import GLOBAL, AwsContext
from pytest_awscompliance.engine.runtime import split_target
from pytest_awscompliance.inventory.registry import ResourceType
from pytest_awscompliance.settings.options import Settings


def target_key(config: pytest.Config, params: Mapping[str, Any]) -> str | None:
    """The ``account/region[/name]`` key a test was parametrized with, if any."""
    for name in (*registry_of(config), "aws_account", "aws"):
        if name in params:
            return params[name]
    return None


def _target_key(request: pytest.FixtureRequest) -> str:
    param = getattr(request, "param", None)
    if isinstance(param, str):
        return param
    callspec = getattr(request.node, "callspec", None)
    key = target_key(request.config, callspec.params if callspec is not None else {})
    if key is None:
        raise pytest.UsageError(f"{request.node.nodeid} asks for an AWS fixture but was not "
                                "parametrized with a target")
    return key


def target_context(config: pytest.Config, key: str) -> AwsContext:
    """What the ``aws`` fixture gives the test parametrized with ``key``."""
    account, region = split_target(key)
    return runtime_of(config).context(account, region)


def account_context(config: pytest.Config, key: str) -> AwsContext:
    """What the ``aws_account`` fixture gives the test parametrized with ``key``."""
    account, _ = split_target(key)
    return runtime_of(config).context(account, GLOBAL)


@pytest.fixture
def aws(request: pytest.FixtureRequest) -> AwsContext:
    """The target of this test: account and region, ``client()``, ``read()``, ``paginate()``."""
    return target_context(request.config, _target_key(request))


@pytest.fixture
def aws_account(request: pytest.FixtureRequest) -> AwsContext:
    """The account of this test, for settings checked once per account (region ``global``)."""
    return account_context(request.config, _target_key(request))


@pytest.fixture
def aws_settings(request: pytest.FixtureRequest) -> Settings:
    """The validated options and ini thresholds of this run."""
    return settings_of(request.config)


def call_arguments(item: pytest.Item) -> dict[str, Any] | None:
    """The arguments these fixtures and direct parametrization give an item's test
    function, built without running a fixture; ``None`` if it asks for anything else."""
    function = getattr(item, "function", None)
    if function is None:
        return None
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    registry = registry_of(item.config)
    key = target_key(item.config, params)
    arguments: dict[str, Any] = {}
    for name in inspect.signature(function).parameters:
        if name in registry and name in params:
            arguments[name] = inventory_of(item.config).resource(name, params[name])
        elif name == "aws" and key is not None:
            arguments[name] = target_context(item.config, key)
        elif name == "aws_account" and key is not None:
            arguments[name] = account_context(item.config, key)
        elif name == "aws_settings":
            arguments[name] = settings_of(item.config)
        elif name in params and name not in AWS_FIXTURES:
            arguments[name] = params[name]
        else:
            return None
    return arguments


AWS_FIXTURES = frozenset({"aws", "aws_account", "aws_settings"})


def resource_fixtures(rtype: ResourceType) -> types.ModuleType:
    """A plugin object holding the fixture of one resource type (pytest reads fixtures of
    a registered plugin as it reads a module's: global, listed by ``pytest --fixtures``)."""

    def resource(request: pytest.FixtureRequest) -> Any:
        return inventory_of(request.config).resource(rtype.fixture, request.param)

    resource.__name__ = resource.__qualname__ = rtype.fixture
    resource.__doc__ = rtype.description
    holder = types.ModuleType(f"{__name__}.{rtype.fixture}", rtype.description)
    setattr(holder, rtype.fixture, pytest.fixture(name=rtype.fixture)(resource))
    return holder
