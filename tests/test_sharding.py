"""--aws-shard K/N splits the accounts deterministically and completely."""

from __future__ import annotations

import pytest

from pytest_awscompliance.settings.sharding import in_shard, parse_shard, shard_of
from tests.test_bad_input import snapshot_text

ACCOUNTS = [f"{n:012d}" for n in range(100000000000, 100000000000 + 60 * 7919, 7919)]


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_every_account_is_in_exactly_one_shard(count: int) -> None:
    for account in ACCOUNTS:
        assert sum(in_shard(account, k, count) for k in range(1, count + 1)) == 1


def test_shards_are_stable_and_spread() -> None:
    assert [shard_of(a, 4) for a in ACCOUNTS] == [shard_of(a, 4) for a in ACCOUNTS]
    sizes = [sum(shard_of(a, 4) == k for a in ACCOUNTS) for k in range(1, 5)]
    assert min(sizes) >= 5, sizes


@pytest.mark.parametrize("text", ["0/3", "4/3", "1-3", "a/b", "", "1/0"])
def test_bad_shards_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="--aws-shard"):
        parse_shard(text)


def test_shard_option_selects_accounts(pytester: pytest.Pytester, moto_env: None) -> None:
    pytester.makepyfile("""
import pytest

@pytest.mark.severity("info")
def test_account(aws_account):
    pass
""")
    accounts = ["111111111111", "222222222222", "333333333333", "444444444444"]
    args = ["-p", "no:cacheprovider", "-q", "--aws-role-name", "audit"]
    for account in accounts:
        args += ["--aws-account", account]
    seen = []
    for k in (1, 2):
        result = pytester.runpytest(*args, f"--aws-shard={k}/2", "--collect-only")
        seen += [a for a in accounts if f"[{a}/global]" in result.stdout.str()]
    assert sorted(seen) == accounts


def test_bad_shard_option_is_a_usage_error(pytester: pytest.Pytester, offline_env: None) -> None:
    result = pytester.runpytest_subprocess("--aws-shard=3/2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --aws-shard: '3/2' needs 1 <= K <= N"])


def test_shard_option_selects_a_replayed_snapshots_accounts(pytester: pytest.Pytester,
                                                             offline_env: None) -> None:
    """With --aws-snapshot, each shard replays only its own accounts."""
    accounts = ["111111111111", "222222222222", "333333333333", "444444444444"]
    plan = {"accounts": [{"account_id": a, "label": "snapshot (caller)",
                          "home_region": "us-east-1"} for a in accounts],
            "regions": {a: ["us-east-1"] for a in accounts}}
    (pytester.path / "s.json").write_text(snapshot_text(plan))
    pytester.makepyfile("""
import pytest

@pytest.mark.severity("info")
def test_account(aws_account):
    pass
""")
    seen: dict[int, list[str]] = {}
    for k in (1, 2):
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q",
                                               "--aws-snapshot=s.json", f"--aws-shard={k}/2",
                                               "--collect-only")
        seen[k] = [a for a in accounts if f"[{a}/global]" in result.stdout.str()]
        assert seen[k] == [a for a in accounts if in_shard(a, k, 2)]
    assert sorted(seen[1] + seen[2]) == accounts and seen[1] and seen[2]
