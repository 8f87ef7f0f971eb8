"""Memoized AWS reads: each distinct read is made once per run, across threads and workers.

Entries live in memory and, when a run directory is given, in one JSON file each, created
under a file lock so that xdist workers share them instead of repeating the call. Errors
are remembered too, so every worker reports the same ERROR for the same failed read.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

from pytest_awscompliance.model.errors import AwsApiError


def encode(value: Any) -> Any:
    """Turn a botocore response into JSON-safe builtins, keeping datetimes and bytes."""
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, bytes | bytearray):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def decode(value: Any) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(value, dict):
        if len(value) == 1 and "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if len(value) == 1 and "$b64" in value:
            return base64.b64decode(value["$b64"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def read_key(account: str, region: str, service: str, operation: str,
             params: dict[str, Any]) -> str:
    """The identity of one read: same key, same answer."""
    return "|".join(
        (account, region, service, operation, json.dumps(params, sort_keys=True, default=str))
    )


class MissingFromSnapshot(AwsApiError):
    """Replaying a snapshot that never recorded this read."""


class ReadCache:
    """A run-wide store of reads. ``directory`` shares it across processes."""

    def __init__(self, directory: Path | None = None, *, offline: bool = False):
        self.directory = directory
        self.offline = offline
        self._memory: dict[str, dict[str, Any]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock_for(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.directory / f"{digest}.json"

    def get(self, key: str, fetch: Callable[[], Any], *, label: str) -> Any:
        """Return the answer to ``key``, calling ``fetch`` only if nobody has yet."""
        entry = self._memory.get(key)
        if entry is None:
            with self._lock_for(key):
                entry = self._memory.get(key)
                if entry is None:
                    entry = self._load_or_fetch(key, fetch, label)
                    self._memory[key] = entry
        if "error" in entry:
            raise AwsApiError.from_dict(entry["error"])
        return decode(entry["ok"])

    def _load_or_fetch(self, key: str, fetch: Callable[[], Any], label: str) -> dict[str, Any]:
        if self.offline:
            service, _, operation = label.partition(":")
            account, region = key.split("|")[:2]
            raise MissingFromSnapshot(service, operation, "NotInSnapshot",
                                      "the snapshot has no answer for this read",
                                      f"{account}/{region}")
        if self.directory is None:
            return self._fetch(fetch)
        path = self._path(key)
        if path.exists():
            return json.loads(path.read_text())
        with FileLock(str(path) + ".lock"):
            if path.exists():
                return json.loads(path.read_text())
            entry = self._fetch(fetch)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"key": key, **entry}))
            os.replace(tmp, path)
            return entry

    def _fetch(self, fetch: Callable[[], Any]) -> dict[str, Any]:
        try:
            return {"ok": encode(fetch())}
        except AwsApiError as exc:
            return {"error": exc.to_dict()}

    def entries(self) -> dict[str, dict[str, Any]]:
        """Every answer known to this process, plus those other workers stored."""
        found = dict(self._memory)
        if self.directory is not None:
            for path in sorted(self.directory.glob("*.json")):
                data = json.loads(path.read_text())
                key = data.pop("key")
                found.setdefault(key, data)
        return found

    def forget(self) -> None:
        """Drop the answers held in memory when they are all on disk too (xdist workers):
        those still needed are read again, once, when asked."""
        if self.directory is None or self.offline:
            return
        with self._guard:
            self._memory.clear()

    def preload(self, entries: dict[str, dict[str, Any]]) -> None:
        """Seed the cache with recorded answers (snapshot replay)."""
        self._memory.update(entries)
