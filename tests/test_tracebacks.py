"""A failure's traceback is cut at the test function without paths; what pytest shows is
the same as without the cut, in every traceback style."""

from __future__ import annotations

import pytest

from pytest_awscompliance.collect import tracebacks

FAILURES = """
import pytest

def helper(value):
    assert value == 2, f"value was {value}"

def test_assertion():
    assert 1 == 2, "one is not two"

def test_in_a_helper():
    helper(1)

def test_chained():
    try:
        {}["missing"]
    except KeyError as exc:
        raise ValueError("no such key") from exc

@pytest.fixture
def broken():
    raise RuntimeError("the fixture broke")

def test_setup_error(broken):
    pass

def test_passes():
    pass
"""


def _longreprs(pytester: pytest.Pytester, *args: str) -> dict[tuple[str, str], str]:
    reprec = pytester.inline_run("-p", "no:cacheprovider", *args)
    return {(r.nodeid, r.when): str(r.longrepr) for r in reprec.getreports()
            if r.failed and hasattr(r, "when")}


@pytest.mark.parametrize("style", ["auto", "long", "short", "line", "native", "no"])
def test_what_pytest_shows_is_unchanged(pytester: pytest.Pytester,
                                        monkeypatch: pytest.MonkeyPatch, style: str) -> None:
    pytester.makepyfile(test_failures=FAILURES)
    cut = _longreprs(pytester, f"--tb={style}")
    with monkeypatch.context() as m:
        m.setattr(tracebacks, "start_at_test_function", lambda item, excinfo: None)
        uncut = _longreprs(pytester, f"--tb={style}")
    assert len(cut) == 4
    assert cut == uncut


def test_the_traceback_starts_at_the_test_function(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_failures=FAILURES)
    seen: dict[str, list[str]] = {}

    class Probe:
        @pytest.hookimpl(wrapper=True)
        def pytest_runtest_makereport(self, item: pytest.Item,
                                      call: pytest.CallInfo[None]) -> object:
            report = yield
            if call.excinfo is not None:
                seen[item.name] = [entry.name for entry in call.excinfo.traceback]
            return report

    pytester.inline_run("-p", "no:cacheprovider", plugins=[Probe()])
    assert seen["test_in_a_helper"] == ["test_in_a_helper", "helper"]
    assert seen["test_assertion"] == ["test_assertion"]
    assert seen["test_setup_error"][-1] == "broken"  # no test frame: left as it was
    assert len(seen["test_setup_error"]) > 5


def test_fulltrace_keeps_every_frame(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_failures=FAILURES)
    text = pytester.runpytest("-p", "no:cacheprovider", "--fulltrace", "-k", "test_assertion")
    text.stdout.fnmatch_lines(["*_pytest/runner.py*"])
