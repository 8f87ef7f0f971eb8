"""What each collected test costs: an organization-wide scan collects tens of thousands.

Collected tests share their control's metadata and carry no JUnit properties until they run;
an xdist worker does not keep the reports it has already sent to the controller, nor, after
collection, the clients and answers of the accounts other workers run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance.aws.clients import ClientPool
from pytest_awscompliance.aws.sessions import AccountAccess
from pytest_awscompliance.collect.items import ITEM_INFO, PropertyTable
from pytest_awscompliance.engine.cache import ReadCache
from tests.harness import MotoWorld

CONTROLS = """
import pytest

@pytest.mark.severity("medium")
@pytest.mark.control("bucket-named", title="Buckets are named", frameworks={"x": "1"})
def test_bucket_named(s3_bucket):
    assert s3_bucket.name.startswith("good"), f"{s3_bucket.name} is badly named"
"""


def test_collected_tests_share_their_control_and_carry_no_properties_yet(
        pytester: pytest.Pytester, world: MotoWorld) -> None:
    s3 = world.client("123456789012", "s3")
    for name in ("good-1", "good-2", "bad-1"):
        s3.create_bucket(Bucket=name)
    pytester.makepyfile(CONTROLS)
    items, _ = pytester.inline_genitems("-p", "no:cacheprovider")
    assert len(items) == 3
    assert {id(item.stash[ITEM_INFO].control) for item in items} == {
        id(items[0].stash[ITEM_INFO].control)}
    assert all(item.user_properties == [] for item in items)
    # No -m: no keyword severity marker is added to every test.
    assert [m.kwargs for m in items[0].iter_markers("severity")] == [{}]


def test_every_report_of_a_test_carries_its_properties(pytester: pytest.Pytester,
                                                       world: MotoWorld) -> None:
    world.client("123456789012", "s3").create_bucket(Bucket="bad-1")
    pytester.makepyfile(CONTROLS)
    reports = pytester.inline_run("-p", "no:cacheprovider").getreports("pytest_runtest_logreport")
    assert [r.when for r in reports] == ["setup", "call", "teardown"]
    for report in reports:
        properties = dict(report.user_properties)
        assert properties["control_id"] == "bucket-named"
        assert properties["frameworks"] == "x:1"
        assert properties["resource"] == "arn:aws:s3:::bad-1"


def test_severity_expression_still_selects_by_level(pytester: pytest.Pytester,
                                                    world: MotoWorld) -> None:
    world.client("123456789012", "s3").create_bucket(Bucket="good-1")
    pytester.makepyfile(CONTROLS)
    pytester.runpytest("-p", "no:cacheprovider", "-m",
                       "severity(level='medium')").assert_outcomes(passed=1)
    pytester.runpytest("-p", "no:cacheprovider", "-m",
                       "severity(level='high')").assert_outcomes(deselected=1)


KEPT_BY_WORKER = """
import os

def pytest_sessionfinish(session):
    if hasattr(session.config, "workerinput"):
        stats = session.config.pluginmanager.getplugin("terminalreporter").stats
        kept = sum(len(stats.get(key, [])) for key in ("passed", "failed", ""))
        with open(os.path.join(str(session.config.rootpath), "kept.txt"), "w") as out:
            out.write(str(kept))
"""


def test_xdist_workers_keep_no_reports(pytester: pytest.Pytester, offline_env: None) -> None:
    pytester.makeconftest(KEPT_BY_WORKER)
    pytester.makepyfile("""
        import pytest

        @pytest.mark.parametrize("n", range(6))
        def test_n(n):
            assert n % 2
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "1")
    result.assert_outcomes(passed=3, failed=3)  # the controller still has every report
    assert (pytester.path / "kept.txt").read_text() == "0"


def test_reports_share_their_controls_property_strings() -> None:
    table = PropertyTable()
    # As an xdist controller receives them: fresh lists and strings for every report.
    first = table.shared([["control_id", "".join(["c", "1"])], ["resource", "arn:1"]])
    second = table.shared([["control_id", "".join(["c", "1"])], ["resource", "arn:2"]])
    assert first[0] is second[0]
    assert dict(second) == {"control_id": "c1", "resource": "arn:2"}


def test_a_worker_forgets_answers_that_are_on_disk(tmp_path: Path) -> None:
    calls: list[int] = []

    def fetch() -> dict[str, Any]:
        calls.append(1)
        return {"Buckets": [{"Name": "b"}]}

    shared = ReadCache(tmp_path)
    assert shared.get("k", fetch, label="s3:ListBuckets") == {"Buckets": [{"Name": "b"}]}
    shared.forget()
    assert shared.get("k", fetch, label="s3:ListBuckets") == {"Buckets": [{"Name": "b"}]}
    assert len(calls) == 1  # read again from the run's disk cache, not from AWS
    alone = ReadCache()  # -n 0: memory is the only copy, so it is kept
    alone.get("k", fetch, label="s3:ListBuckets")
    alone.forget()
    alone.get("k", fetch, label="s3:ListBuckets")
    assert len(calls) == 2


def test_forgotten_clients_are_made_again(moto_env: None) -> None:
    pool = ClientPool()
    pool.add(AccountAccess("123456789012", "caller"))
    first = pool.client("123456789012", "s3", "us-east-1")
    assert pool.client("123456789012", "s3", "us-east-1") is first
    pool.forget_clients()
    again = pool.client("123456789012", "s3", "us-east-1")
    assert again is not first
    assert again.list_buckets()["Buckets"] == []


KEPT_QUIET = """
import os

def pytest_sessionfinish(session):
    stats = session.config.pluginmanager.getplugin("terminalreporter").stats
    kept = [(r.nodeid.split("::")[-1], r.when) for r in stats.get("", [])]
    with open(os.path.join(str(session.config.rootpath), "kept.txt"), "w") as out:
        out.write(repr(kept))
"""


def test_the_terminal_forgets_only_reports_it_never_shows(pytester: pytest.Pytester,
                                                          offline_env: None) -> None:
    pytester.makeconftest(KEPT_QUIET)
    pytester.makepyfile("""
        import pytest

        @pytest.fixture
        def noisy():
            yield
            print("said during teardown")

        def test_quiet():
            pass

        def test_noisy(noisy):
            pass
    """)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rA")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*Captured stdout teardown*", "said during teardown"])
    # Passed setups and teardowns without output are gone; the one with output stays.
    assert (pytester.path / "kept.txt").read_text() == "[('test_noisy', 'teardown')]"
