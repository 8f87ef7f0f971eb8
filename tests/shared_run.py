"""Expensive runs made once per test run and shared by every test (and xdist worker) reading
them: a demo scan costs seconds of CPU, and two workers running the same one waste them.

pytest-xdist's documented recipe: the workers' base temporary directories share a parent, and
a file lock lets the first worker produce the run while the other waits and then reads it.
So that no worker sits idle waiting, each process starts the runs its selected tests need in
a background thread as its first test starts (:func:`start_needed`): a run is ready, or under
way, when a test asks for it, while the tests before it use the other core.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

STARTUP_ENVIRON = dict(os.environ)
"""The environment this process started with. A run made in the background must not see what
a test running meanwhile has monkeypatched into ``os.environ``: its children start from this
(and from an explicit working directory, never the one a ``pytester`` test moved to)."""
STARTUP_CWD = Path.cwd()
"""The working directory this process started in."""

DONE = ".complete"
"""Written last into a shared directory: a run that failed half-way is made again, not read."""


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory this test run's processes share: the base temporary directory, or its
    parent under xdist (every worker's ``popen-gwN`` sits in the same one)."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str,
                 produce: Callable[[Path], object]) -> Path:
    """The directory ``name`` of this test run, filled by ``produce(directory)`` exactly once.

    Whoever comes first (under the lock) produces; the others wait and get the same directory.
    ``produce`` must leave in the directory everything its readers need; if it raises, nothing
    is marked complete and the next caller tries again (and fails the same way, visibly).
    """
    directory = run_root(tmp_path_factory) / name
    with FileLock(f"{directory}.lock"):
        if not (directory / DONE).exists():
            directory.mkdir(parents=True, exist_ok=True)
            produce(directory)
            (directory / DONE).touch()
    return directory


@dataclass(frozen=True)
class SharedRun:
    """A run made once per test run: its directory's name, what fills it, and the fixtures
    through which tests read it (a selected test using one of them needs the run)."""

    name: str
    produce: Callable[[Path], object]
    fixtures: tuple[str, ...]

    def directory(self, tmp_path_factory: pytest.TempPathFactory) -> Path:
        return once_per_run(tmp_path_factory, self.name, self.produce)


RUNS: dict[str, SharedRun] = {}


def shared_run(name: str, produce: Callable[[Path], object], *fixtures: str) -> SharedRun:
    """Declare (once, at import) a shared run read through ``fixtures``."""
    run = RUNS.setdefault(name, SharedRun(name, produce, fixtures))
    assert run.produce is produce, f"two shared runs named {name}"
    return run


def needed(items: Iterable[pytest.Item]) -> list[SharedRun]:
    """The declared runs some of ``items`` read, in the order the items first need them."""
    found: dict[str, SharedRun] = {}
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        for run in RUNS.values():
            if names & set(run.fixtures):
                found.setdefault(run.name, run)
    return list(found.values())


def start_needed(tmp_path_factory: pytest.TempPathFactory,
                 items: Iterable[pytest.Item]) -> threading.Thread:
    """Make the runs ``items`` need, one after the other, in a background thread.

    A run that fails here is left incomplete: the test asking for it runs it again and fails
    there, with the run's output.
    """
    runs = needed(items)
    # Settle the base temporary directory here, in the calling thread: its first use (re)creates
    # it, removing what is there, and must not race with the first test's own first use.
    tmp_path_factory.getbasetemp()

    def make() -> None:
        for run in runs:
            with contextlib.suppress(Exception):
                run.directory(tmp_path_factory)

    thread = threading.Thread(target=make, name="shared-runs", daemon=True)
    thread.start()
    return thread
