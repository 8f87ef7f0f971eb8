"""``stale.judge``: which waivers are stale, from a run's control results (pure)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from pytest_awscompliance.model.results import ControlResult
from pytest_awscompliance.waivers.model import Waiver
from pytest_awscompliance.waivers.stale import judge

TODAY = date(2026, 6, 1)
A, B = "111111111111", "222222222222"
BASE = ControlResult(control_id="ec2-imdsv2", severity="high", account=A, region="ap-south-1",
                     resource="arn:aws:ec2:ap-south-1:111111111111:instance/i-1", title="",
                     frameworks=(), remediation="", outcome="passed", message="")


def res(outcome: str = "passed", **kw: str) -> ControlResult:
    return dataclasses.replace(BASE, outcome=outcome, **kw)


def waiver(index: int = 1, **kw: object) -> Waiver:
    fields: dict[str, object] = {"control": "ec2-*", "region": "ap-*", "justification": "j",
                                 "owner": "o", "permanent": True, **kw}
    return Waiver(index=index, **fields)  # type: ignore[arg-type]


def stale_indices(waivers: list[Waiver], results: list[ControlResult], **kw: object) -> list[int]:
    return [s.waiver.index for s in judge(waivers, TODAY, results, **kw)]  # type: ignore[arg-type]


def test_a_glob_over_compliant_resources_only_is_stale() -> None:
    (stale,) = judge([waiver()], TODAY, [res(), res(region="ap-east-1")])
    assert stale.scanned == 2
    assert stale.reason.startswith("stale waiver: waiver #1 (<waivers>) ec2-* covered no "
                                   "failing result among 2 result(s) scanned in its scope")


@pytest.mark.parametrize("outcome", ["waived", "failed"])
def test_one_covered_failure_keeps_it(outcome: str) -> None:
    assert stale_indices([waiver()], [res(), res(outcome, resource="i-2")]) == []


def test_a_shadowed_waiver_that_covers_a_failure_is_not_stale() -> None:
    """The first live waiver absorbs the failure; the second still covers it."""
    waivers = [waiver(), waiver(2, control="ec2-imdsv2", account=A)]
    assert stale_indices(waivers, [res("waived")]) == []


def test_the_resource_glob_narrows_what_it_covers_not_its_scope() -> None:
    """The waived instance is gone: the others in its scope were scanned, so it is stale."""
    gone = waiver(resource="arn:aws:ec2:*:instance/i-gone")
    assert stale_indices([gone], [res(), res("failed", resource="arn:aws:ec2:x:instance/i-3")]
                         ) == [1]


@pytest.mark.parametrize(("results", "kw", "why"), [
    ([], {}, "nothing in scope ran"),
    ([res(region="us-east-1"), res(control_id="s3-x")], {}, "other regions and controls only"),
    ([res("skipped")], {}, "skipped results decide nothing"),
    ([res(), res("error", resource="i-9")], {}, "an ERROR in scope may hide its failure"),
    ([res()], {"partly_deselected": {1}}, "part of its scope was deselected"),
    ([res()], {"sharded": True}, "a glob account may lie in another shard"),
])
def test_not_judged(results: list[ControlResult], kw: dict[str, object], why: str) -> None:
    assert stale_indices([waiver()], results, **kw) == [], why


def test_a_literal_account_is_judged_in_a_shard_and_expired_waivers_never() -> None:
    waivers = [waiver(account=A), waiver(2, account=B, region=None),
               waiver(3, permanent=False, expires=date(2026, 5, 1))]
    assert stale_indices(waivers, [res(), res(account=B)], sharded=True) == [1, 2]
    assert stale_indices(waivers, [res(), res(account=B)]) == [1, 2]
