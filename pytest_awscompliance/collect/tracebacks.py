"""A failing test's traceback, cut where pytest cuts it, found without building paths."""

from __future__ import annotations

import inspect

import pytest

try:  # pytest's own class (private): without it, pytest cuts the traceback as it always did
    from _pytest._code import Traceback
except ImportError:  # pragma: no cover - a pytest that moved it
    Traceback = None  # type: ignore[assignment,misc]


def start_at_test_function(item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException] | None
                           ) -> None:
    """Drop the frames above the test function from ``excinfo``'s traceback.

    pytest shows a failure from the test function down (``Function._traceback_filter``).
    To find that frame it compares the path of each frame above it, the 25 or so of
    pytest's and pluggy's hook calls, building a ``Path`` and calling ``stat`` for each:
    about a quarter of a millisecond per failure, and a scan fails thousands of tests.
    Cut at the frame running the function's own code object first, and pytest finds it
    at once: what it shows is unchanged. ``--fulltrace`` and ``--tb=native`` (which shows
    every frame) keep them all.
    """
    if (excinfo is None or Traceback is None or item.config.getoption("fulltrace", False)
            or item.config.getoption("tbstyle", "auto") == "native"):
        return
    function = getattr(item, "obj", None)
    code = getattr(inspect.unwrap(function), "__code__", None) if function else None
    first = excinfo.tb
    tb = first
    while tb is not None and tb.tb_frame.f_code is not code:
        tb = tb.tb_next
    if tb is not None and tb is not first:
        excinfo.traceback = Traceback(tb)
