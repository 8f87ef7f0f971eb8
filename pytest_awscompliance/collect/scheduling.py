"""xdist scheduling that keeps an account's tests together without renaming node ids.

``--dist loadgroup`` appends ``@group`` to node ids (and so to JUnit names and HTML rows);
this scheduler groups by the target in the test id instead. It keeps whole accounts on one
worker when there are enough accounts to keep every worker busy, and falls back to
account/region, then to single tests, for small organizations: the run's shared read
cache already stops workers from repeating each other's requests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from xdist.scheduler import LoadScopeScheduling

TARGET_IN_NODEID = re.compile(r"\[(\d{12})/([^/\]]+)")
GRANULARITIES = ("account", "target", "test")


def scope_of(nodeid: str, granularity: str) -> str:
    """The work unit of a node id: its account, its account/region, or the test itself."""
    match = TARGET_IN_NODEID.search(nodeid)
    if match is None or granularity == "test":
        return nodeid
    return match[1] if granularity == "account" else f"{match[1]}/{match[2]}"


def choose_granularity(nodeids: Iterable[str], workers: int) -> str:
    """The coarsest grouping that still gives every worker at least two units of work."""
    nodeids = list(nodeids)
    for granularity in GRANULARITIES[:-1]:
        scopes = {scope_of(n, granularity) for n in nodeids if TARGET_IN_NODEID.search(n)}
        if len(scopes) >= 2 * workers:
            return granularity
    return "test"


class TargetScheduling(LoadScopeScheduling):
    """LoadScope scheduling whose scopes are scan targets (see module docstring)."""

    granularity = "account"

    def schedule(self) -> None:
        if self.collection is None and self.registered_collections:
            collection = next(iter(self.registered_collections.values()))
            self.granularity = choose_granularity(collection, len(self.nodes))
            self.log(f"awscompliance: scheduling by {self.granularity}")
        super().schedule()

    def _split_scope(self, nodeid: str) -> str:
        return scope_of(nodeid, self.granularity)
