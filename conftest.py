"""Repository-level pytest configuration: the plugin's own tests use ``pytester``.

Many tests run pytest in a child process (``runpytest_subprocess``, the demo scans), and every
child imports the plugin's modules. With ``PYTHONDONTWRITEBYTECODE`` set (CI sets it) and no
``.pyc`` files yet (a fresh clone; an editable install never compiles the package), each child
compiled all of them again. The test run compiles them once, here, before any child starts:
the flag only stops Python *writing* bytecode, every child still reads it. Only the sources
no test writes to are compiled (the package and the bundled catalog), so no child can read
bytecode older than its source.
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent

if not os.environ.get("PYTEST_XDIST_WORKER"):  # once, on the controller
    for package in ("pytest_awscompliance", "compliance_tests"):
        compileall.compile_dir(ROOT / package, quiet=1)
