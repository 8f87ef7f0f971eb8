"""What a process knows about waivers (``config.stash[WAIVERS]``) and the accessors of the
public contract (``expired_waivers`` & co, see ``plugin.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.settings.waiver_options import WaiverOptions
from pytest_awscompliance.waivers.model import Waiver
from pytest_awscompliance.waivers.stale import Stale


@dataclass
class WaiverState:
    """What this process knows about waivers (in ``config.stash[WAIVERS]``)."""

    options: WaiverOptions
    today: date
    waivers: tuple[Waiver, ...] = ()
    waived: dict[int, int] = field(default_factory=dict)  # waiver index -> results waived
    results: dict[str, ControlResult] = field(default_factory=dict)  # nodeid -> result
    partly_deselected: set[int] = field(default_factory=set)  # waiver indices
    stale: list[Stale] = field(default_factory=list)
    not_judged: str | None = None  # why staleness was not judged at all, if so
    deselected_ids: set[str] = field(default_factory=set)
    worker_problems: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.options.path is not None and not self.options.disabled

    def expired(self) -> list[Waiver]:
        return [w for w in self.waivers if w.is_expired(self.today)]

    def expiring(self) -> list[Waiver]:
        return [w for w in self.waivers if w.expires_within(self.today, self.options.warn_days)]

    def entry(self, waiver: Waiver) -> dict[str, Any]:
        return {**waiver.to_dict(), "days_left": waiver.days_left(self.today)}


WAIVERS = pytest.StashKey[WaiverState]()


ITEM_WAIVER = pytest.StashKey[Waiver]()  # the live waiver applied to an item


ITEM_EXPIRED = pytest.StashKey[Waiver]()  # an expired waiver that would have covered it


def waiver_state(config: pytest.Config) -> WaiverState | None:
    return config.stash.get(WAIVERS, None)


def expired_waivers(config: pytest.Config) -> list[dict[str, Any]]:
    """Expired waivers of the file in use (plain dicts, see the module docstring)."""
    state = waiver_state(config)
    return [state.entry(w) for w in state.expired()] if state and state.active else []


def expiring_waivers(config: pytest.Config) -> list[dict[str, Any]]:
    """Live waivers expiring within ``--compliance-waivers-warn-days`` (plain dicts)."""
    state = waiver_state(config)
    return [state.entry(w) for w in state.expiring()] if state and state.active else []


def stale_waivers(config: pytest.Config) -> list[dict[str, Any]]:
    """Stale waivers of this run (plain dicts plus ``scanned`` and ``reason``)."""
    state = waiver_state(config)
    if not state or not state.active:
        return []
    return [{**s.waiver.to_dict(), "scanned": s.scanned, "reason": s.reason}
            for s in state.stale]
