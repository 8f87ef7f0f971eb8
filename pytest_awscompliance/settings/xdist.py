"""Which process of a run this is: the one place that tells an xdist worker from the controller."""

from __future__ import annotations

import pytest


def is_worker(config: pytest.Config) -> bool:
    """Whether this process is an xdist worker (the controller and plain runs are not)."""
    return hasattr(config, "workerinput")


def distributes(config: pytest.Config) -> bool:
    """Whether this process hands its tests to xdist workers: xdist's own test, a ``--dist``
    mode and ``--tx`` environments (which ``-n N`` sets; ``-n 0`` clears both)."""
    return (getattr(config.option, "dist", "no") != "no"
            and bool(getattr(config.option, "tx", None)))
