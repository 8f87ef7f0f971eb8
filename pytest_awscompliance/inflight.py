"""How many requests one process keeps in flight to each AWS service.

The process's thread pool sends up to ``prefetch.MAX_IN_FLIGHT`` requests at once, but AWS
throttles some services far earlier than others (CloudTrail's and Organizations' read APIs
at a few requests per second per account, S3's per-bucket reads hardly at all). Each
request waits for a slot of its service, so a burst of one service's reads cannot run into
its rate limit while the others are held back; botocore's adaptive retries handle what
throttling still happens. With xdist, each worker has its own slots.
"""

from __future__ import annotations

import threading

DEFAULT_SLOTS = 8
SLOTS: dict[str, int] = {
    "s3": 16,
    "ec2": 8,
    "ecr": 8,
    "iam": 6,
    "cloudtrail": 4,
    "logs": 4,
    "sts": 4,
    "accessanalyzer": 4,
    "config": 4,
    "organizations": 3,
    "securityhub": 3,
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
