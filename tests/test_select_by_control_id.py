"""``-k`` selects controls by id: ids are keywords of their tests (dashes and all)."""

from __future__ import annotations

import pytest

from tests.harness import FAILING, MotoWorld, control_file, scan

IMDS = "compute/test_imds.py"


def _tests(result: object) -> set[str]:
    return {name.split("[")[0] for name in result.outcomes}  # type: ignore[attr-defined]


@pytest.fixture
def instance(world: MotoWorld) -> None:
    world.client(FAILING, "ec2").run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
        MetadataOptions={"HttpTokens": "optional"})


def test_k_selects_a_control_by_its_id(pytester: pytest.Pytester, instance: None) -> None:
    result = scan(pytester, control_file(IMDS), args=["-k", "ec2-account-imdsv2-default"])
    assert _tests(result) == {"test_account_imds_default_requires_imdsv2"}
    assert len(result.outcomes) == 2  # both accounts


def test_k_expressions_over_control_ids(pytester: pytest.Pytester, instance: None) -> None:
    either = scan(pytester, control_file(IMDS), args=[
        "-k", "ec2-instance-imdsv2-required or ec2-account-imdsv2-default"])
    assert _tests(either) == {"test_instance_requires_imdsv2",
                              "test_account_imds_default_requires_imdsv2"}
    without = scan(pytester, control_file(IMDS), args=[
        "-k", f"not ec2-account-imdsv2-default and {FAILING}"])
    assert "test_account_imds_default_requires_imdsv2" not in _tests(without)
    assert "test_instance_requires_imdsv2" in _tests(without)
    assert all(f"[{FAILING}/" in name for name in without.outcomes)
