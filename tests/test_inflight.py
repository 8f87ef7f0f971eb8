"""Requests in flight per service stay within that service's slots."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from pytest_awscompliance.engine import inflight
from tests.harness import MotoWorld
from tests.stubs import add_hook

CONTROL = """
import pytest

@pytest.mark.severity("low")
def test_users_read_together(aws):
    names = [f"user-{n}" for n in range(12)]
    aws.warm("iam", "get_user", [(None, {"UserName": name}) for name in names])
    aws.warm("s3", "get_bucket_location", [(None, {"Bucket": f"b-{n}"}) for n in range(12)])
    assert all(aws.read("iam", "get_user", UserName=name) for name in names)
"""


def test_a_burst_of_one_services_reads_keeps_to_its_slots(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    iam = world.client("123456789012", "iam")
    s3 = world.client("123456789012", "s3")
    for n in range(12):
        iam.create_user(UserName=f"user-{n}")
        s3.create_bucket(Bucket=f"b-{n}")
    monkeypatch.setattr(inflight, "SLOTS", {"iam": 3, "s3": 5})  # not the defaults
    lock = threading.Lock()
    now: dict[str, int] = {"iam": 0, "s3": 0}
    peak: dict[str, int] = {"iam": 0, "s3": 0}

    def track(client: Any, account: str, service: str, region: str) -> None:
        if service not in now:
            return

        def before_send(**_: Any) -> None:
            with lock:
                now[service] += 1
                peak[service] = max(peak[service], now[service])
            time.sleep(0.05)  # a slow answer, so that the reads overlap
            with lock:
                now[service] -= 1

        client.meta.events.register("before-send", before_send)

    add_hook(monkeypatch, track)
    pytester.makepyfile(CONTROL)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert peak == {"iam": 3, "s3": 5}  # concurrent, and never beyond the slots


def test_unlisted_services_get_the_default() -> None:
    slots = inflight.InFlight({"iam": 2}, default=7)
    assert slots.limit("iam") == 2
    assert slots.limit("kinesis") == 7
    assert slots.slot("iam") is slots.slot("iam")
