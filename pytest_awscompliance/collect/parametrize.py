"""Collection: one test per target or per resource, with stable readable ids.

Values are plain ``account/region[/name]`` strings, sorted, so every xdist worker
collects the same items in the same order.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_awscompliance.collect.selection import NO_RESOURCES_MARK, function_selected
from pytest_awscompliance.inventory.discovery import DISCOVERY_FAILED, NO_RESOURCES, Inventory
from pytest_awscompliance.inventory.registry import Registry
from pytest_awscompliance.model.markers import ControlMeta, MarkerError, controls_of
from pytest_awscompliance.settings.options import Settings

TARGET_FIXTURES = ("aws", "aws_account")


def aws_fixtures_of(fixturenames: list[str], registry: Registry) -> list[str]:
    """The AWS fixtures a test asks for, in a fixed order."""
    return [n for n in (*registry, *TARGET_FIXTURES) if n in fixturenames]


def check_markers(definition: Any) -> ControlMeta:
    """The control of a function definition, read once for all its tests (``ControlTable``);
    a bad marker is a collection error that names the test and the fix."""
    try:
        return controls_of(definition.config).of(definition)
    except MarkerError as exc:
        raise pytest.Collector.CollectError(f"{definition.nodeid}: {exc}") from None


def target_words(inventory: Inventory) -> list[str]:
    """What a test id holds besides a resource name: targets and placeholders."""
    runtime = inventory.runtime
    targets = [*runtime.account_targets(), *runtime.regional_targets()]
    return [*(t.id for t in targets), NO_RESOURCES, DISCOVERY_FAILED]


def parametrize(metafunc: pytest.Metafunc, registry: Registry, inventory: Inventory | None,
                control: ControlMeta, settings: Settings) -> None:
    """Parametrize one control over its targets or resources; a control no selection
    keeps gets one placeholder test, deselected, and discovers nothing."""
    wanted = aws_fixtures_of(metafunc.fixturenames, registry)
    resources = [n for n in wanted if n in registry]
    if len(resources) > 1:
        raise pytest.Collector.CollectError(
            f"{metafunc.definition.nodeid}: a control judges one kind of resource, but it asks "
            f"for {', '.join(resources)}"
        )
    if "aws" in wanted and "aws_account" in wanted:
        raise pytest.Collector.CollectError(
            f"{metafunc.definition.nodeid}: ask for 'aws' (per region) or 'aws_account' "
            "(per account), not both"
        )
    if inventory is None:  # targets failed to resolve; the plugin reports why after collection
        metafunc.parametrize(wanted[0], [], indirect=True)
        return
    if not function_selected(metafunc.definition, control, settings, target_words(inventory)):
        metafunc.parametrize(wanted[0], [pytest.param(
            NO_RESOURCES, id=NO_RESOURCES, marks=getattr(pytest.mark, NO_RESOURCES_MARK))],
            indirect=True)
        return
    if resources:
        name = resources[0]
        found, failed = inventory.discover(name)
        keys = sorted([*found, *failed])
        params = [pytest.param(key, id=key) for key in keys]
    else:
        name = "aws_account" if "aws_account" in wanted else "aws"
        runtime = inventory.runtime
        targets = runtime.account_targets() if name == "aws_account" \
            else runtime.regional_targets()
        params = [pytest.param(t.id, id=t.id) for t in targets]
    if not params:
        params = [pytest.param(NO_RESOURCES, id=NO_RESOURCES,
                               marks=getattr(pytest.mark, NO_RESOURCES_MARK))]
    metafunc.parametrize(name, params, indirect=True)
