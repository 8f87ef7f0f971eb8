"""The bundled catalog's types are discovered together as collection starts: the same
types, each once, the same outcomes; a narrowed run discovers on demand."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance.collect.discovery_ahead import (
    asked_for,
    bundled_types,
    collected_roots,
    package_dir,
)
from pytest_awscompliance.inventory.bundled import BUNDLED
from pytest_awscompliance.inventory.discovery import Inventory
from tests.harness import FAILING, PASSING, MotoWorld, control_file, scan, seed_buckets
from tests.stubs import distinct_requests, record_requests

FIXTURES = {t.fixture for t in BUNDLED}
IMDS = "compute/test_imds.py"
S3 = "storage/test_s3_bucket_hardening.py"


def test_the_fixtures_a_module_s_tests_take_are_read_from_its_source() -> None:
    source = (
        "import pytest\n"
        "def helper(iam_user): ...\n"
        "def test_a(s3_bucket, aws): ...\n"
        "class TestB:\n"
        "    def test_b(self, ec2_instance): ...\n"
    )
    assert asked_for(source, FIXTURES) == {"s3_bucket", "ec2_instance"}


def test_only_what_is_collected_whole_counts(tmp_path: Path) -> None:
    package = package_dir()
    assert package is not None
    everything = bundled_types([package], FIXTURES, package)
    assert {"s3_bucket", "ec2_instance", "iam_user"} <= set(everything)
    assert bundled_types([package / IMDS], FIXTURES, package) == [
        "ec2_instance", "launch_configuration", "launch_template"]
    roots = collected_roots([f"{package / IMDS}::test_instance_requires_imdsv2",
                             str(package / S3)], tmp_path, pyargs=False)
    assert roots == [(package / S3).resolve()]
    assert collected_roots(["compliance_tests"], tmp_path, pyargs=True) == [package.resolve()]
    assert bundled_types([tmp_path], FIXTURES, package) == []


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every ``Inventory.discover`` call: (type, calling thread)."""
    calls: list[tuple[str, str]] = []
    original = Inventory.discover

    def discover(self: Inventory, fixture: str) -> Any:
        calls.append((fixture, threading.current_thread().name))
        return original(self, fixture)

    monkeypatch.setattr(Inventory, "discover", discover)
    return calls


def _seed(world: MotoWorld) -> None:
    seed_buckets(world, 3)
    for account in (PASSING, FAILING):
        world.client(account, "ec2").run_instances(ImageId="ami-12c6146b", MinCount=1,
                                                   MaxCount=1)


def test_the_catalog_s_types_are_discovered_together_with_the_same_outcomes_and_reads(
        pytester: pytest.Pytester, world: MotoWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(world)
    calls = _calls(monkeypatch)
    sent = record_requests(monkeypatch)
    paths = (control_file(IMDS), control_file(S3))
    together = scan(pytester, *paths)
    ahead = {fixture for fixture, thread in calls if thread.startswith("awscompliance-disc")}
    reads = distinct_requests(sent)
    calls.clear()
    sent.clear()
    on_demand = scan(pytester, *paths, args=["-m", "not no_such_mark"])  # narrowed: as before
    assert ahead == {"ec2_instance", "launch_configuration", "launch_template", "s3_bucket"}
    assert not any(thread.startswith("awscompliance-disc") for _, thread in calls)
    assert together.outcomes == on_demand.outcomes
    assert len(together.outcomes) >= 14 and "failed" in together.outcomes.values()
    assert reads == distinct_requests(sent)  # the same reads, each once
    assert max(reads.values()) == 1
