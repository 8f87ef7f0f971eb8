"""Expensive runs made once per test run and shared by every test (and xdist worker) reading
them: a demo scan costs seconds of CPU, and two workers running the same one waste them.

pytest-xdist's documented recipe: the workers' base temporary directories share a parent, and
a file lock lets the first worker produce the run while the other waits and then reads it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

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
