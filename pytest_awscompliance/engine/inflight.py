"""How many requests one process keeps in flight to each AWS service.

The process's thread pool sends up to ``prefetch.MAX_IN_FLIGHT`` (16) requests at once, but
AWS throttles some services far earlier than others (S3's per-bucket reads hardly at all,
Organizations and Security Hub after a few requests per second). Each request waits for a
slot of its service, so one service's burst cannot take the whole pool into its rate limit;
botocore's retries (standard mode) handle what throttling still happens. With xdist, each
worker has its own slots.

The figures are a balance measured with ``benchmarks/run.py`` (docs/performance.md): a
first, tighter set (CloudTrail, Logs and STS 4, IAM 6) made the 10-account scan 20 % slower
at 50 ms per request (135 s instead of 112 s at -n 0) for 1,500 CloudTrail reads.
"""

from __future__ import annotations

import threading

DEFAULT_SLOTS = 8
SLOTS: dict[str, int] = {
    "s3": 16,
    "organizations": 4,
    "securityhub": 4,
}
"""Slots per service; services not listed get ``DEFAULT_SLOTS``."""


class InFlight:
    """One bounded semaphore per service, made on first use. Thread-safe."""

    def __init__(self, slots: dict[str, int] | None = None, default: int = DEFAULT_SLOTS):
        self._slots = dict(SLOTS if slots is None else slots)
        self._default = default
        self._semaphores: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def limit(self, service: str) -> int:
        return self._slots.get(service, self._default)

    def slot(self, service: str) -> threading.BoundedSemaphore:
        """``with in_flight.slot("iam"): ...`` holds one of IAM's slots for a request."""
        semaphore = self._semaphores.get(service)
        if semaphore is None:
            with self._lock:
                semaphore = self._semaphores.setdefault(
                    service, threading.BoundedSemaphore(self.limit(service)))
        return semaphore
