"""Reports AWS computes on request: start a job, poll it with a bounded wait, read it once per run.

``AwsContext.read`` memoizes one request, which is right for settings but wrong for a poll
(the first "in progress" answer would be remembered). ``once`` memoizes a whole
start-poll-read sequence instead, under a name of its own, in the run's shared read cache,
so that every control (and every xdist worker) sees the same finished report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from pytest_awscompliance.engine.cache import read_key
from pytest_awscompliance.engine.context import GLOBAL, AwsContext
from pytest_awscompliance.model.errors import AwsApiError

POLL_INTERVAL = 0.5
"""Seconds before the second poll of an unfinished job; the wait then doubles up to
``POLL_MAX_INTERVAL``."""
POLL_MAX_INTERVAL = 4.0
POLL_TIMEOUT = 120.0
"""Seconds after which an unfinished job is an ERROR rather than a wait without end."""


def call(aws: AwsContext, service: str, operation: str, **params: Any) -> dict[str, Any]:
    """One unmemoized request through the guarded client; any failure is ``AwsApiError``."""
    return aws.call(service, operation, **params)


def once(aws: AwsContext, service: str, name: str, fetch: Callable[[], Any],
         **identity: Any) -> Any:
    """``fetch()`` once per run for this account and ``name``/``identity``; errors included.

    The answer must be JSON-safe builtins (datetimes and bytes are fine).
    """
    key = read_key(aws.account_id, GLOBAL, service, f"job:{name}", identity)
    return aws.runtime.cache.get(key, fetch, label=f"{service}:{name}")


def wait_for(step: Callable[[], Any | None], *, aws: AwsContext, service: str, operation: str,
             what: str) -> Any:
    """Call ``step`` until it returns something other than ``None``, for at most POLL_TIMEOUT.

    A job still unfinished at the deadline raises ``AwsApiError`` (code ``JobTimeout``) naming
    ``service:operation``, so the control reports ERROR instead of hanging the run.
    """
    deadline = time.monotonic() + POLL_TIMEOUT
    delay = POLL_INTERVAL
    while True:
        answer = step()
        if answer is not None:
            return answer
        if time.monotonic() >= deadline:
            raise AwsApiError(service, operation, "JobTimeout",
                              f"{what} was not ready after {POLL_TIMEOUT:.0f} s", aws.label)
        time.sleep(delay)
        delay = min(delay * 2, max(POLL_MAX_INTERVAL, POLL_INTERVAL))
