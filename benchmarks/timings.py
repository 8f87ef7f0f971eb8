"""A pytest plugin of the harness (``-p timings``): when each phase of a scan began and ended.

The scanner process loads it from ``benchmarks/`` (the harness puts that directory on
``PYTHONPATH``) and, on the controller only, writes ``{phase: monotonic seconds}`` as JSON
to ``$AWSBENCH_TIMINGS`` when it ends. ``time.monotonic`` is the system-wide clock the proxy
uses too, so the harness can place the first AWS request among the phases. Hook wrappers
only: two clock reads per phase, nothing per test.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from typing import Any

import pytest

STAMPS: dict[str, float] = {"plugin_loaded": time.monotonic()}
"""Imported during pytest's start-up, after the interpreter and pytest itself."""


def _controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Configure begins (a historic hook: no wrapper); for the plugin, settings and target
    resolution follow."""
    STAMPS["configure_start"] = time.monotonic()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Every plugin's configure is done."""
    STAMPS["configure_end"] = time.monotonic()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection(session: pytest.Session) -> Generator[None, Any, Any]:
    """Collection: importing the catalog and discovering every account's resources."""
    STAMPS["collection_start"] = time.monotonic()
    try:
        return (yield)
    finally:
        STAMPS["collection_end"] = time.monotonic()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> Generator[None, Any, Any]:
    STAMPS["tests_start"] = time.monotonic()
    try:
        return (yield)
    finally:
        STAMPS["tests_end"] = time.monotonic()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Last: the reports (JUnit, terminal summary) are written by now."""
    STAMPS["unconfigure"] = time.monotonic()
    target = os.environ.get("AWSBENCH_TIMINGS")
    if target and _controller(config):
        with open(target, "w", encoding="utf-8") as out:
            json.dump(STAMPS, out)


def phases(stamps: dict[str, float], started: float, ended: float,
           first_request: float | None) -> list[tuple[str, float]]:
    """Seconds per phase, from the process start (``started``) to its exit (``ended``).

    start-up: interpreter, pytest and plugin imports up to configure; target resolution:
    configure (settings, role assumption, account discovery); collection (catalog import and
    resource discovery); tests; reports: after the test loop to the end of unconfigure;
    then the interpreter's exit.
    Phases a run did not reach are left out.
    """
    order = [("start-up (imports)", started, stamps.get("configure_start")),
             ("target resolution (configure)", stamps.get("configure_start"),
              stamps.get("configure_end")),
             ("collection + discovery", stamps.get("collection_start"),
              stamps.get("collection_end")),
             ("test execution", stamps.get("tests_start"), stamps.get("tests_end")),
             ("reports (sessionfinish to unconfigure)", stamps.get("tests_end"),
              stamps.get("unconfigure")),
             ("interpreter exit", stamps.get("unconfigure"), ended)]
    found = [(name, end - begin) for name, begin, end in order
             if begin is not None and end is not None]
    if first_request is not None:
        found.insert(0, ("start to first AWS request", first_request - started))
    return found
