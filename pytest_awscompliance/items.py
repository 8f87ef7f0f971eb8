"""What each collected control is about (control, severity, target, resource) and selection."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pytest_awscompliance.inventory import RESOURCE_TYPES
from pytest_awscompliance.markers import ControlMeta, read_control
from pytest_awscompliance.options import Settings
from pytest_awscompliance.parametrize import NO_RESOURCES_MARK, aws_fixtures_of
from pytest_awscompliance.runtime import DISCOVERY_FAILED, Runtime, split_target
from pytest_awscompliance.severity import at_least


@dataclass(frozen=True)
class ItemInfo:
    """The control an item runs and what it looks at. Plain strings: safe across xdist."""

    control: ControlMeta
    account: str
    region: str
    resource: str

    def properties(self) -> list[tuple[str, str]]:
        return [
            ("control_id", self.control.id),
            ("severity", self.control.severity),
            ("account", self.account),
            ("region", self.region),
            ("resource", self.resource),
            ("title", self.control.title),
            ("frameworks", format_frameworks(self.control.frameworks)),
            ("remediation", self.control.remediation),
        ]


def format_frameworks(frameworks: dict[str, str]) -> str:
    """``{"cis-aws-3.0": "1.4", "aws-fsbp": "IAM.4"}`` -> ``"aws-fsbp:IAM.4 cis-aws-3.0:1.4"``."""
    return " ".join(f"{name}:{ref}" for name, ref in sorted(frameworks.items()))


ITEM_INFO = pytest.StashKey[ItemInfo]()


def _param_key(item: pytest.Item) -> tuple[str | None, str | None]:
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None, None
    for name in aws_fixtures_of(list(callspec.params)):
        return name, callspec.params[name]
    return None, None


def resource_label(fixture: str | None, key: str, runtime: Runtime | None) -> str:
    """The ARN of a resource test, or ``account/region`` for a setting."""
    if fixture in RESOURCE_TYPES and runtime is not None and not key.endswith(DISCOVERY_FAILED):
        found, _ = runtime.discover(fixture)
        if key in found:
            return found[key].arn
    if fixture in RESOURCE_TYPES:
        return key
    return "/".join(key.split("/")[:2])


def describe_item(item: pytest.Item, runtime: Runtime | None) -> ItemInfo | None:
    """Attach ``ItemInfo``, JUnit properties and a keyword ``severity(level=...)`` marker."""
    fixture, key = _param_key(item)
    if key is None or item.get_closest_marker(NO_RESOURCES_MARK):
        return None
    control = read_control(item)
    account, region = split_target(key)
    info = ItemInfo(control, account, region, resource_label(fixture, key, runtime))
    item.stash[ITEM_INFO] = info
    item.user_properties.extend(info.properties())
    # A keyword form of the level, so that -m "severity(level='high')" selects positional ones.
    item.add_marker(pytest.mark.severity(level=control.severity))
    return info


def item_info(item: pytest.Item) -> ItemInfo | None:
    return item.stash.get(ITEM_INFO, None)


def select_items(items: list[pytest.Item], settings: Settings
                 ) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """Split items into (kept, deselected) by resources, ``--severity-min``, ``--aws-framework``."""
    keep, drop = [], []
    for item in items:
        info = item_info(item)
        if item.get_closest_marker(NO_RESOURCES_MARK) or (info and not wanted(info, settings)):
            drop.append(item)
        else:
            keep.append(item)
    return keep, drop


def wanted(info: ItemInfo, settings: Settings) -> bool:
    """Whether ``--severity-min`` and ``--aws-framework`` keep this control."""
    if settings.severity_min and not at_least(info.control.severity, settings.severity_min):
        return False
    return not settings.frameworks or _maps_to(info.control, settings.frameworks)


def _maps_to(control: ControlMeta, frameworks: tuple[str, ...]) -> bool:
    wanted = {f.lower() for f in frameworks}
    return any(name.lower() in wanted for name in control.frameworks)
