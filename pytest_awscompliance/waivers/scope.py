"""Which controls and results a run holds, for checking and judging waivers: the control ids
of the collected (and deselected) tests, the bundled ones, and the waivers a deselected
result falls under."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from pytest_awscompliance.collect.items import item_info
from pytest_awscompliance.collect.parametrize import aws_fixtures_of
from pytest_awscompliance.collect.state import SCAN, registry_of
from pytest_awscompliance.model.markers import MarkerError, controls_of
from pytest_awscompliance.waivers.match import in_scope
from pytest_awscompliance.waivers.model import Waiver


def sharded(config: pytest.Config) -> bool:
    """Whether this run is one shard of several (``--aws-shard``): it sees part of the
    results, so only waivers of one literal account are judged stale (``stale.py``)."""
    scan = config.stash.get(SCAN, None)
    shard = getattr(getattr(scan, "settings", None), "shard", None)
    return bool(shard and shard[1] > 1)


def control_id_of(item: pytest.Item) -> str | None:
    """The control id of an AWS control item, described or not (e.g. no resources)."""
    info = item_info(item)
    if info is not None:
        return info.control.id
    if aws_fixtures_of(getattr(item, "fixturenames", []), registry_of(item.config)):
        try:
            return controls_of(item.config).of(item).id
        except MarkerError:
            return None
    return None


def control_ids(items: Iterable[pytest.Item]) -> set[str]:
    """The control ids of ``items`` (tests that are not AWS controls have none)."""
    return {cid for cid in map(control_id_of, items) if cid is not None}


def bundled_ids() -> set[str]:
    """The bundled catalog's control ids (a waiver may name one this run does not collect)."""
    try:
        from pytest_awscompliance.collect.catalog import bundled_controls

        return {entry.meta.id for entry in bundled_controls()}
    except Exception:  # a broken bundled package must not hide the user's own problem
        return set()


def partly_deselected(waivers: Iterable[Waiver], items: Iterable[pytest.Item]) -> set[int]:
    """Indices of the waivers with a deselected control result in their scope."""
    found: set[int] = set()
    for item in items:
        info = item_info(item)
        if info is None:
            continue
        found.update(w.index for w in waivers
                     if in_scope(w, control=info.control.id, account=info.account,
                                 region=info.region))
    return found
