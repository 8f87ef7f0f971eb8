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
    if target:
        if not _controller(config):  # an xdist worker: its own file beside the controller's
            target = f"{target}.{config.workerinput['workerid']}"  # type: ignore[attr-defined]
        with open(target, "w", encoding="utf-8") as out:
            json.dump(STAMPS, out)


def worker_stamps(target: str) -> list[dict[str, float]]:
    """The stamps the xdist workers of a run wrote beside ``target`` (none for -n 0)."""
    directory, name = os.path.split(target)
    found = []
    for entry in sorted(os.listdir(directory or ".")):
        if entry.startswith(f"{name}.gw"):
            with open(os.path.join(directory, entry), encoding="utf-8") as file:
                found.append(json.load(file))
    return found


def phases(stamps: dict[str, float], started: float, ended: float,
           first_request: float | None,
           workers: list[dict[str, float]] | None = None) -> list[tuple[str, float]]:
    """Seconds per phase, from the process start (``started``) to its exit (``ended``).

    start-up: interpreter, pytest and plugin imports up to configure; target resolution:
    configure (settings, role assumption, account discovery); collection (catalog import and
    resource discovery); tests; reports: after the test loop to the end of unconfigure;
    then the interpreter's exit.
    With xdist (``workers``: their stamps) the controller collects nothing: its test loop
    holds the workers' start-up and collection, so the slowest worker's are added.
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
    if workers:
        order[2] = ("controller collection (none: the workers collect)",
                    stamps.get("collection_start"), stamps.get("collection_end"))
    found = [(name, end - begin) for name, begin, end in order
             if begin is not None and end is not None]
    for name, begin, end in (("workers: start to collection end, slowest", None,
                              "collection_end"),
                             ("workers: collection + discovery, slowest", "collection_start",
                              "collection_end"),
                             ("workers: test execution, slowest", "tests_start", "tests_end")):
        spans = [w[end] - (w[begin] if begin else started) for w in workers or []
                 if end in w and (begin is None or begin in w)]
        if spans:
            found.append((name, max(spans)))
    if first_request is not None:
        found.insert(0, ("start to first AWS request", first_request - started))
    return found
