"""Which process of a run this is: the one place that tells an xdist worker from the controller."""

from __future__ import annotations

import pytest


def is_worker(config: pytest.Config) -> bool:
    """Whether this process is an xdist worker (the controller and plain runs are not)."""
    return hasattr(config, "workerinput")
