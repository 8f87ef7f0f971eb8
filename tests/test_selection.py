"""Discovery only for what runs: a control no selection keeps discovers nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_awscompliance.collect.selection import may_match
from tests.shared_run import STARTUP_CWD, STARTUP_ENVIRON, shared_run


def requests_of(*args: str) -> tuple[int, str]:
    out = subprocess.run([sys.executable, "-m", "pytest", "--pyargs", "compliance_tests",
                          "--aws-demo", "-q", "-p", "no:cacheprovider", *args],
                         cwd=STARTUP_CWD, env=STARTUP_ENVIRON, capture_output=True, text=True,
                         timeout=300).stdout
    match = re.search(r"^aws requests: (\d+) sent", out, flags=re.M)
    assert match, out
    return int(match.group(1)), out


def test_k_imdsv2_discovers_only_what_its_controls_use() -> None:
    sent, out = requests_of("-k", "imdsv2")
    assert sent <= 30, out  # 80 when every type was discovered for every control
    assert "s3:ListBuckets" not in out and "iam:ListUsers" not in out
    # the 4 regions without a launch configuration in use give no test since #14
    assert re.search(r"8 failed, 8 passed, \d+ deselected", out), out


def test_k_word_that_may_be_an_account_id_still_discovers() -> None:
    _, out = requests_of("-k", "imdsv2 or 222222222222", "-rA")
    assert "test_bucket_blocks_public_access[222222222222/us-east-1/" in out


def test_may_match_tries_undecided_words_both_ways() -> None:
    def known(name: str, **_: object) -> bool:
        return name == "imds"

    assert may_match("imds", known, lambda _: False)
    assert not may_match("s3", known, lambda _: False)
    assert may_match("s3", known, lambda _: True)
    assert not may_match("not imds", known, lambda _: True)
    assert may_match("not s3", known, lambda _: True)
    assert not may_match("s3 and not s3", known, lambda _: True)


def _collect_everything(directory: Path) -> None:
    (directory / "sent").write_text(str(requests_of("--co")[0]))


EVERYTHING = shared_run("awscompliance-collect-everything", _collect_everything,
                        "collection_requests")


@pytest.fixture
def collection_requests(tmp_path_factory: pytest.TempPathFactory) -> int:
    """What collecting the whole catalog with no selection sends: the same run for every
    selection compared with it, so made once per test run."""
    directory = EVERYTHING.directory(tmp_path_factory)
    return int((directory / "sent").read_text())


@pytest.mark.parametrize("args", [("--severity-min", "critical"),
                                  ("-m", "severity(level='low')")])
def test_severity_selection_applies_before_discovery(args: tuple[str, str],
                                                     collection_requests: int) -> None:
    """Collection alone discovers every type some selected control asks for."""
    sent, out = requests_of("--co", *args)
    assert sent < collection_requests, out
