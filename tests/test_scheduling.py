"""Target scheduling for xdist: group by account when that keeps workers busy."""

from __future__ import annotations

from pytest_awscompliance.collect.scheduling import choose_granularity, scope_of

IDS = [f"c.py::test_{c}[{a}/{r}/x]" for c in "ab" for a in ("111111111111", "222222222222",
                                                           "333333333333", "444444444444")
       for r in ("us-east-1", "eu-west-1")]


def test_scope_of_reads_the_target_from_the_id() -> None:
    nodeid = "storage/test_s3.py::test_public[123456789012/eu-west-1/acme-logs]"
    assert scope_of(nodeid, "account") == "123456789012"
    assert scope_of(nodeid, "target") == "123456789012/eu-west-1"
    assert scope_of(nodeid, "test") == nodeid
    assert scope_of("tests/test_plain.py::test_x", "account") == "tests/test_plain.py::test_x"


def test_granularity_keeps_every_worker_busy() -> None:
    assert choose_granularity(IDS, 2) == "account"  # 4 accounts >= 2 x 2 workers
    assert choose_granularity(IDS, 4) == "target"  # 8 targets >= 2 x 4
    assert choose_granularity(IDS, 8) == "test"
