"""Memoized AWS reads: each distinct read is made once per run, across threads and workers.

Entries live in memory and, when a run directory is given, in one JSON file each, created
under a file lock so that xdist workers share them instead of repeating the call. Errors
are remembered too, so every worker reports the same ERROR for the same failed read.

In memory an entry is its compact JSON text, as in the files (zlib-compressed when it is
long: listings are most of a scan's answers and shrink several times): a process holds
strings, not trees of Python objects, and each read parses its own fresh copy of the answer
(controls never share a mutable answer) with the C parser, datetimes and bytes revived by a
hook.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import threading
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

from pytest_awscompliance.model.errors import AwsApiError

MEMORY_FS = Path("/dev/shm")
MEMORY_FS_ROOM = 1 << 30  # bytes free on it, or the cache goes to the system temp dir


def shared_cache_dir(memory_fs: Path = MEMORY_FS) -> Path:
    """A new directory for the xdist workers' shared read cache, removed at the end.

    Every distinct read is a small JSON file plus its lock file, written once and read by
    each worker: thousands of files for a large organization. On a memory file system
    (``/dev/shm``, where there is room) creating and reading them costs about 20 us each,
    against 1 ms on the container file system this was measured on
    (docs/performance.md, "Sharding and xdist"); elsewhere the system temp dir is used.
    """
    try:
        stats = os.statvfs(memory_fs)
        if stats.f_bavail * stats.f_frsize >= MEMORY_FS_ROOM and os.access(memory_fs, os.W_OK):
            return Path(tempfile.mkdtemp(prefix="awscompliance-", dir=memory_fs))
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix="awscompliance-"))


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


def revive(obj: dict[str, Any]) -> Any:
    """One JSON object of an encoded answer as it was: :func:`encode`'s datetimes and bytes
    back (a ``json.loads`` object hook, so the inverse of :func:`encode`)."""
    if len(obj) == 1:
        if "$dt" in obj:
            return datetime.fromisoformat(obj["$dt"])
        if "$b64" in obj:
            return base64.b64decode(obj["$b64"])
    return obj


_PLAIN = json.JSONDecoder()
_REVIVING = json.JSONDecoder(object_hook=revive)  # json.loads(..., object_hook) makes one a call


def decoder_for(text: str) -> json.JSONDecoder:
    """The decoder for an entry's JSON text: the hook is only paid for when the text has
    datetimes or bytes (a key in JSON text is always quoted this way)."""
    return _REVIVING if '"$dt"' in text or '"$b64"' in text else _PLAIN


COMPRESS_FROM = 512
"""Entries of this many characters and more are held compressed in memory."""


def held(text: str) -> str | bytes:
    """How an entry's text is held in memory: as is, or compressed when long."""
    return zlib.compress(text.encode(), 1) if len(text) >= COMPRESS_FROM else text


def text_of(value: str | bytes) -> str:
    return value if isinstance(value, str) else zlib.decompress(value).decode()


def entry_text(entry: dict[str, Any]) -> str:
    """An entry (``{"ok": encoded}`` or ``{"error": ...}``) as compact JSON text."""
    return json.dumps(entry, separators=(",", ":"))


_PARAMS = json.JSONEncoder(sort_keys=True, default=str)  # what json.dumps(...) makes per call


def read_key(account: str, region: str, service: str, operation: str,
             params: dict[str, Any]) -> str:
    """The identity of one read: same key, same answer."""
    return "|".join((account, region, service, operation, _PARAMS.encode(params)))


class MissingFromSnapshot(AwsApiError):
    """Replaying a snapshot that never recorded this read."""


class ReadCache:
    """A run-wide store of reads. ``directory`` shares it across processes."""

    def __init__(self, directory: Path | None = None, *, offline: bool = False):
        self.directory = directory
        self.offline = offline
        self._memory: dict[str, tuple[str | bytes, json.JSONDecoder]] = {}  # held text, decoder
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
        found = self._memory.get(key)
        if found is None:
            with self._lock_for(key):
                found = self._memory.get(key)
                if found is None:
                    text = self._load_or_fetch(key, fetch, label)
                    found = self._memory[key] = (held(text), decoder_for(text))
            with self._guard:  # filled: nobody needs the key's lock again
                self._locks.pop(key, None)
        entry = found[1].decode(text_of(found[0]))
        if "error" in entry:
            raise AwsApiError.from_dict(entry["error"])
        return entry["ok"]

    def _load_or_fetch(self, key: str, fetch: Callable[[], Any], label: str) -> str:
        """The entry's JSON text: from the run directory if a worker stored it, else fetched
        (and stored there)."""
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
            return path.read_text()
        with FileLock(str(path) + ".lock"):
            if path.exists():
                return path.read_text()
            text = self._fetch(fetch)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text[:-1] + ',"key":' + json.dumps(key) + "}")  # the entry + its key
            os.replace(tmp, path)
            return text

    def _fetch(self, fetch: Callable[[], Any]) -> str:
        try:
            return entry_text({"ok": encode(fetch())})
        except AwsApiError as exc:
            return entry_text({"error": exc.to_dict()})

    def entries(self) -> dict[str, dict[str, Any]]:
        """Every answer known to this process, plus those other workers stored, as JSON-safe
        entries (``{"ok": encoded}`` or ``{"error": ...}``, what snapshots record)."""
        found: dict[str, dict[str, Any]] = {}
        for key, (value, _) in list(self._memory.items()):
            found[key] = json.loads(text_of(value))
            found[key].pop("key", None)  # read from a worker's file
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
        for key, entry in entries.items():
            text = entry_text(entry)
            self._memory[key] = (held(text), decoder_for(text))
