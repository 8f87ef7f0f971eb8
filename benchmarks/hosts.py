"""Temporary /etc/hosts names for S3 Control, added for a run and always removed.

S3 Control puts the account id in the host name (``<account>.<endpoint host>``), so
``AWS_ENDPOINT_URL=http://127.0.0.1:PORT`` turns into ``123456789012.127.0.0.1``, which
does not resolve. The harness points ``AWS_ENDPOINT_URL_S3_CONTROL`` at
``http://awscompliance-bench.test:PORT`` instead and maps ``<account>.awscompliance-bench.test``
to 127.0.0.1 for each scenario account (hosts files have no wildcards). Needs root.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

HOSTS = Path("/etc/hosts")
DOMAIN = "awscompliance-bench.test"
BEGIN = "# awscompliance-bench begin"
END = "# awscompliance-bench end"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _block_pid(line: str) -> int:
    """The pid in ``# awscompliance-bench begin (pid 123)`` (0 if none)."""
    digits = "".join(ch for ch in line.rsplit("pid", 1)[-1] if ch.isdigit())
    return int(digits) if "pid" in line and digits else 0


def _without_block(text: str, owner: int | None = None) -> str:
    """``text`` without the block of ``owner``, or (``None``) of every dead process.

    Several harness runs may share the machine (and its hosts file) at once: each removes
    only its own block and those left by killed runs, never a live run's.
    """
    kept, inside = [], False
    for line in text.splitlines():
        if line.startswith(BEGIN):
            pid = _block_pid(line)
            inside = pid == owner if owner is not None else not (pid and _alive(pid))
            if not inside:
                kept.append(line)
        elif line.startswith(END):
            if not inside:
                kept.append(line)
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


def remove_names(owner: int | None = None) -> None:
    """Remove the block of process ``owner``, or (``None``) every block of a killed run."""
    text = HOSTS.read_text()
    if BEGIN in text:
        _write(_without_block(text, owner))


def _ensure(block: list[str]) -> None:
    text = HOSTS.read_text()
    if block[0] not in text.splitlines():
        _write(text.rstrip("\n") + "\n" + "\n".join(block) + "\n")


@contextmanager
def s3control_names(accounts: list[str], *, check_every: float = 0.5) -> Iterator[str]:
    """Map ``<account>.DOMAIN`` to 127.0.0.1 while the block runs; yield the domain.

    A watchdog puts the block back within ``check_every`` seconds should something else
    remove it meanwhile (an older copy of this harness, run by someone else on the same
    machine, removed every block it found)."""
    if not os.access(HOSTS, os.W_OK):
        raise PermissionError(f"{HOSTS} is not writable: run as root, or skip S3 Control")
    names = [DOMAIN, *(f"{account}.{DOMAIN}" for account in accounts)]
    block = [f"{BEGIN} (pid {os.getpid()})", *(f"127.0.0.1 {name}" for name in names), END]
    remove_names()  # blocks of killed runs; a concurrent live run's block stays
    _ensure(block)
    done = threading.Event()

    def watch() -> None:
        while not done.wait(check_every):
            with suppress(OSError):
                _ensure(block)

    watchdog = threading.Thread(target=watch, name="hosts-watchdog", daemon=True)
    watchdog.start()
    try:
        yield DOMAIN
    finally:
        done.set()
        watchdog.join()
        remove_names(os.getpid())
