"""The fixtures controls ask for: ``aws``, ``aws_account`` and one fixture per resource type.

The per-resource fixtures are generated from the registry (``resource_fixtures``). The
plugin parametrizes them at collection (see ``parametrize.py``); each fixture only looks up
what its parameter names.
"""

from __future__ import annotations

import types
from typing import Any

import pytest

from pytest_awscompliance.collect.state import (
    inventory_of,
    registry_of,
    runtime_of,
    settings_of,
)
from pytest_awscompliance.engine.context import GLOBAL, AwsContext
from pytest_awscompliance.engine.runtime import Runtime, split_target
from pytest_awscompliance.inventory.registry import ResourceType
from pytest_awscompliance.settings.options import Settings


def _target_key(request: pytest.FixtureRequest) -> str:
    """The ``account/region[/name]`` key this test was parametrized with."""
    param = getattr(request, "param", None)
    if isinstance(param, str):
        return param
    params = getattr(request.node, "callspec", None)
    for name in (*registry_of(request.config), "aws_account", "aws"):
        if params is not None and name in params.params:
            return params.params[name]
    raise pytest.UsageError(f"{request.node.nodeid} asks for an AWS fixture but was not "
                            "parametrized with a target")


def _runtime(request: pytest.FixtureRequest) -> Runtime:
    return runtime_of(request.config)


@pytest.fixture
def aws(request: pytest.FixtureRequest) -> AwsContext:
    """The target of this test: account and region, ``client()``, ``read()``, ``paginate()``."""
    account, region = split_target(_target_key(request))
    return _runtime(request).context(account, region)


@pytest.fixture
def aws_account(request: pytest.FixtureRequest) -> AwsContext:
    """The account of this test, for settings checked once per account (region ``global``)."""
    account, _ = split_target(_target_key(request))
    return _runtime(request).context(account, GLOBAL)


@pytest.fixture
def aws_settings(request: pytest.FixtureRequest) -> Settings:
    """The validated options and ini thresholds of this run."""
    return settings_of(request.config)


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
