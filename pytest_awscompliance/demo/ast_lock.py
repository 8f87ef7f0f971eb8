"""One lock around ``ast.parse`` while moto runs inside the scan's process.

CPython 3.11 keeps the AST constructor's recursion depth in per-interpreter state. When two
threads build ASTs at once (a collection in one of them runs a finalizer, and the other
thread gets the GIL mid-tree), the count goes wrong and ``ast.parse`` raises
``SystemError: AST constructor recursion depth mismatch``. Moto in this process builds its
URL routers with werkzeug, which calls ``ast.parse`` in moto's server threads (the demo)
or in the scan's reading threads (the plugin's own tests), while pytest on the main
thread calls it to show a failure's source: the SystemError was an INTERNALERROR that
ended the run. With the lock the two never overlap. Real AWS scans never need it.
"""

from __future__ import annotations

import ast
import threading
from typing import Any

_LOCK = threading.RLock()
_PARSE = ast.parse


def _serialized_parse(*args: Any, **kwargs: Any) -> Any:
    with _LOCK:
        return _PARSE(*args, **kwargs)


def serialize_ast_parsing() -> None:
    """Make ``ast.parse`` take the lock, for the rest of the process (idempotent)."""
    ast.parse = _serialized_parse  # type: ignore[assignment]
