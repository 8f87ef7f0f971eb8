"""What each collected control is about (control, severity, target, resource) and selection."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import pytest

from pytest_awscompliance.collect.parametrize import NO_RESOURCES_MARK, aws_fixtures_of
from pytest_awscompliance.collect.selection import control_wanted
from pytest_awscompliance.collect.state import registry_of
from pytest_awscompliance.engine.runtime import split_target
from pytest_awscompliance.inventory.discovery import DISCOVERY_FAILED, Inventory
from pytest_awscompliance.inventory.registry import Registry
from pytest_awscompliance.model import properties as prop
from pytest_awscompliance.model.markers import ControlMeta, ControlTable
from pytest_awscompliance.settings.options import Settings


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """The control an item runs and what it looks at. Plain strings: safe across xdist.

    Every collected test has one, so it stays small: the control is shared by all of its
    tests, the account and region strings are interned, and the JUnit properties are built
    only while the test runs (``properties``).
    """

    control: ControlMeta
    account: str
    region: str
    resource: str

    def properties(self) -> list[tuple[str, str]]:
        """The control's JUnit properties, in ``properties.NAMES`` order."""
        values = {prop.CONTROL_ID: self.control.id, prop.SEVERITY: self.control.severity,
                  prop.ACCOUNT: self.account, prop.REGION: self.region,
                  prop.RESOURCE: self.resource, prop.TITLE: self.control.title,
                  prop.FRAMEWORKS: format_frameworks(self.control.frameworks),
                  prop.REMEDIATION: self.control.remediation}
        return [(name, values[name]) for name in prop.NAMES]


def format_frameworks(frameworks: dict[str, str]) -> str:
    """``{"cis-aws-3.0": "1.4", "aws-fsbp": "IAM.4"}`` -> ``"aws-fsbp:IAM.4 cis-aws-3.0:1.4"``."""
    return " ".join(f"{name}:{ref}" for name, ref in sorted(frameworks.items()))


ITEM_INFO = pytest.StashKey[ItemInfo]()

class PropertyTable:
    """One shared ``(name, value)`` pair per distinct control property.

    The xdist controller receives each report as JSON, so without this every one of a run's
    reports (three per test) would hold its own copies of the control's title, remediation
    and so on, and JUnit XML, which keeps every testcase until the end, a fourth.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], tuple[str, str]] = {}

    def shared(self, pairs: list[Any]) -> list[Any]:
        out: list[Any] = []
        for pair in pairs:
            name, value = pair
            if name in prop.SHARED and isinstance(value, str):
                pair = self._known.setdefault((name, value), (name, value))
            out.append(pair)
        return out


def _param_key(item: pytest.Item) -> tuple[str | None, str | None]:
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None, None
    for name in aws_fixtures_of(list(callspec.params), registry_of(item.config)):
        return name, callspec.params[name]
    return None, None


def resource_label(fixture: str | None, key: str, inventory: Inventory | None,
                   registry: Registry) -> str:
    """The ARN of a resource test, or ``account/region`` for a setting."""
    if fixture in registry and inventory is not None and not key.endswith(DISCOVERY_FAILED):
        found, _ = inventory.discover(fixture)
        if key in found:
            return found[key].arn
    if fixture in registry:
        return key
    return "/".join(key.split("/")[:2])


def describe_item(item: pytest.Item, inventory: Inventory | None,
                  controls: ControlTable) -> ItemInfo | None:
    """Attach ``ItemInfo``, make the control id a keyword (``-k ec2-instance-imdsv2-required``)
    and, when ``-m`` is used, add a keyword ``severity(level=...)`` marker (so that
    ``-m "severity(level='high')"`` also selects positional levels)."""
    fixture, key = _param_key(item)
    if key is None or item.get_closest_marker(NO_RESOURCES_MARK):
        return None
    control = controls.of(item)
    account, region = split_target(key)
    info = ItemInfo(control, sys.intern(account), sys.intern(region),
                    sys.intern(resource_label(fixture, key, inventory,
                                               registry_of(item.config))))
    item.stash[ITEM_INFO] = info
    item.extra_keyword_matches.add(control.id)
    if item.config.getoption("markexpr", ""):
        item.add_marker(pytest.mark.severity(level=control.severity))
    return info


def item_info(item: pytest.Item) -> ItemInfo | None:
    return item.stash.get(ITEM_INFO, None)


def item_account(item: pytest.Item) -> str | None:
    """The account an item's test judges (``None``: not a control's test)."""
    info = item_info(item)
    return info.account if info is not None else None


MODULE_ATTR = "control_module"
"""The report attribute naming a control's module (plain string: crosses xdist as JSON)."""


def mark_module(item: pytest.Item, report: pytest.TestReport) -> None:
    """Record the control's Python module (``compliance_tests.compute.test_imds``) on its
    report, where the item is (an xdist worker too), for ``junit_classname``."""
    module = getattr(getattr(item, "module", None), "__name__", None)
    if module and item_info(item) is not None:
        setattr(report, MODULE_ATTR, module)


def junit_classname(config: pytest.Config, report: pytest.TestReport) -> None:
    """Make a control's JUnit ``classname`` its module path, whatever directory pytest was
    started from (pytest derives it from the nodeid, which is relative to the rootdir).

    Runs before junitxml sees the report (on the controller under xdist): an attribute
    set on the test case's reporter beforehand wins over the nodeid-derived one.
    """
    module = getattr(report, MODULE_ATTR, None)
    if not module:
        return
    from _pytest.junitxml import xml_key  # junitxml keeps its LogXML under this key

    xml = config.stash.get(xml_key, None)
    if xml is not None:
        prefix = getattr(xml, "prefix", None)  # --junit-prefix, as pytest applies it
        xml.node_reporter(report).add_attribute("classname",
                                                f"{prefix}.{module}" if prefix else module)


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
    return control_wanted(info.control, settings)
