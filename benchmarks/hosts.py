"""Temporary /etc/hosts names for S3 Control, added for a run and always removed.

S3 Control puts the account id in the host name (``<account>.<endpoint host>``), so
``AWS_ENDPOINT_URL=http://127.0.0.1:PORT`` turns into ``123456789012.127.0.0.1``, which
does not resolve. The harness points ``AWS_ENDPOINT_URL_S3_CONTROL`` at
``http://awscompliance-bench.test:PORT`` instead and maps ``<account>.awscompliance-bench.test``
to 127.0.0.1 for each scenario account (hosts files have no wildcards). Needs root.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOSTS = Path("/etc/hosts")
DOMAIN = "awscompliance-bench.test"
BEGIN = "# awscompliance-bench begin"
END = "# awscompliance-bench end"


def _without_block(text: str) -> str:
    kept, inside = [], False
    for line in text.splitlines():
        if line.startswith(BEGIN):
            inside = True
        elif line.startswith(END):
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept) + "\n"


def _write(text: str) -> None:
    # Write in place: /etc/hosts may be a bind mount that cannot be replaced by rename.
    with HOSTS.open("r+") as handle:
        handle.seek(0)
        handle.write(text)
        handle.truncate()


def remove_names() -> None:
    """Remove every block this harness added (also one left by a killed run)."""
    text = HOSTS.read_text()
    if BEGIN in text:
        _write(_without_block(text))


@contextmanager
def s3control_names(accounts: list[str]) -> Iterator[str]:
    """Map ``<account>.DOMAIN`` to 127.0.0.1 while the block runs; yield the domain."""
    if not os.access(HOSTS, os.W_OK):
        raise PermissionError(f"{HOSTS} is not writable: run as root, or skip S3 Control")
    names = [DOMAIN, *(f"{account}.{DOMAIN}" for account in accounts)]
    block = [f"{BEGIN} (pid {os.getpid()})", *(f"127.0.0.1 {name}" for name in names), END]
    remove_names()
    _write(HOSTS.read_text().rstrip("\n") + "\n" + "\n".join(block) + "\n")
    try:
        yield DOMAIN
    finally:
        remove_names()
