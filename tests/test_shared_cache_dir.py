"""Where the xdist workers' shared read cache lives."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pytest_awscompliance.engine.cache import shared_cache_dir


def test_on_a_memory_file_system_with_room(tmp_path: Path) -> None:
    found = shared_cache_dir(tmp_path)  # any writable directory with >= 1 GiB free
    assert found.parent == tmp_path and found.is_dir() and not any(found.iterdir())


def test_elsewhere_the_system_temp_dir(tmp_path: Path) -> None:
    found = shared_cache_dir(tmp_path / "absent")
    try:
        assert found.parent == Path(tempfile.gettempdir()) and found.is_dir()
    finally:
        found.rmdir()
