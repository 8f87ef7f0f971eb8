"""Threads that parse at once (moto's routers, pytest's failure output) do not corrupt
CPython 3.11's AST constructor once ``ast.parse`` is serialized."""

from __future__ import annotations

import ast
import gc
import inspect
import sys
import threading
from collections.abc import Iterator

import pytest

from pytest_awscompliance.demo import ast_lock


class _Cycle:
    """Garbage with a finalizer: collections run Python code mid-parse, as in a scan."""

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        sum(range(200))


@pytest.fixture
def busy_interpreter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(ast, "parse", ast_lock._PARSE)
    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(1e-6)
    gc.set_threshold(50, 2, 2)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        gc.set_threshold(*thresholds)


def _parse_in_threads(rounds: int = 40, threads: int = 4) -> list[str]:
    source = inspect.getsource(ast)
    errors: list[str] = []

    def parse() -> None:
        for _ in range(rounds):
            junk = [_Cycle() for _ in range(20)]
            del junk
            try:
                ast.parse(source)
            except SystemError as exc:
                errors.append(str(exc))
                return

    workers = [threading.Thread(target=parse) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return errors


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the race is CPython 3.11's")
def test_unserialized_parsing_in_threads_is_what_broke(busy_interpreter: None) -> None:
    """The stress below reproduces the race without the lock (a few tries at most)."""
    errors: list[str] = []
    for _ in range(10):
        errors = _parse_in_threads()
        if errors:
            break
    assert any("recursion depth mismatch" in e for e in errors)


def test_serialized_parsing_in_threads_never_breaks(busy_interpreter: None) -> None:
    ast_lock.serialize_ast_parsing()
    assert ast.parse is ast_lock._serialized_parse
    assert _parse_in_threads(rounds=12) == []
    assert ast.dump(ast.parse("x = 1")) == ast.dump(ast_lock._PARSE("x = 1"))
