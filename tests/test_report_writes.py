"""A report that cannot be written at the end loses nothing else: the terminal summary is
printed in full, the other reports are written, one ``ERROR:`` line names the file and the
reason, exit 4, no traceback, no temporary file left. A usage error writes no report."""

from __future__ import annotations

import errno
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from pytest_awscompliance.settings import outputs
from tests.test_bad_input import PYTHON_INTERNALS, snapshot_text

BREAKING_CONTROL = """
import os, pathlib, shutil
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("demo-control", title="t")
def test_it(aws_account):
    broken = pathlib.Path(os.environ["BREAK_DIR"])
    shutil.rmtree(broken)
    broken.write_text("this directory became a file while the scan ran")
    assert False, "a finding"
"""

FINDING_CONTROL = """
import pytest

@pytest.mark.severity("high")
@pytest.mark.control("demo-control", title="t")
def test_it(aws_account):
    assert False, "a finding"
"""

REPORTS = {"--junitxml": "junit.xml", "--html": "report.html",
           "--compliance-json": "findings.json"}


def _args(good: Path, broken: Path, option: str) -> list[str]:
    return [f"{name}={(broken if name == option else good) / file}"
            for name, file in REPORTS.items()]


def _no_internals(text: str) -> None:
    leaked = [word for word in PYTHON_INTERNALS if word in text]
    assert not leaked, text[-3000:]


def _assert_written(path: Path) -> None:
    if path.suffix == ".xml":
        ET.parse(path)
    elif path.suffix == ".json":
        assert json.loads(path.read_text())
    else:
        assert "<html" in path.read_text()


@pytest.mark.parametrize("option", list(REPORTS))
def test_a_report_that_fails_at_the_end_loses_nothing_else(
        pytester: pytest.Pytester, offline_env: None, monkeypatch: pytest.MonkeyPatch,
        option: str) -> None:
    good, broken = pytester.path / "good", pytester.path / "broken"
    good.mkdir()
    broken.mkdir()
    monkeypatch.setenv("BREAK_DIR", str(broken))
    (pytester.path / "s.json").write_text(snapshot_text())
    pytester.makepyfile(BREAKING_CONTROL)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--aws-snapshot=s.json",
                                           *_args(good, broken, option))
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stderr.str()
    errors = [line for line in result.stderr.lines if line.strip()]
    target = broken / REPORTS[option]
    assert errors == [f"ERROR: {option}: cannot write {target}: {broken} is not a directory"]
    out = result.stdout.str()
    # the findings (one FAIL line per failing resource) and the summary, in full
    for part in ("aws compliance findings", "aws compliance summary", "\nFAIL ",
                 "1 failed"):
        assert part in out, out[-3000:]
    _no_internals(out + result.stderr.str())
    for name, file in REPORTS.items():
        if name != option:
            _assert_written(good / file)
    assert f"generated xml file: {target}" not in out  # not announced when not written
    stray = [p.name for p in pytester.path.rglob("*") if p.name.endswith(".tmp")]
    assert not stray, stray


def test_a_snapshot_that_fails_at_the_end_loses_nothing_else(
        pytester: pytest.Pytester, moto_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = pytester.path / "broken"
    broken.mkdir()
    monkeypatch.setenv("BREAK_DIR", str(broken))
    pytester.makepyfile(BREAKING_CONTROL)
    xml = pytester.path / "junit.xml"
    result = pytester.runpytest("-p", "no:cacheprovider", f"--junitxml={xml}",
                                f"--aws-snapshot-save={broken / 's.json'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.strip()]
    assert errors == [f"ERROR: --aws-snapshot-save: cannot write {broken / 's.json'}: "
                      f"{broken} is not a directory"], errors
    assert "aws compliance summary" in result.stdout.str()
    _no_internals(result.stdout.str() + result.stderr.str())
    ET.parse(xml)
    assert not [p for p in pytester.path.rglob("*.tmp")]


def test_a_full_disk_is_one_line_and_leaves_no_temporary_file(
        pytester: pytest.Pytester, moto_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the JUnit XML is written: the half-written temporary file beside
    it is removed, the earlier report is kept, and the line gives the reason."""
    xml = pytester.path / "junit.xml"
    xml.write_text("<earlier/>")
    real_replace = outputs.os.replace

    def full(src: Any, dst: Any) -> None:
        if Path(dst) == xml:
            assert Path(src).exists() and Path(src).parent == xml.parent  # beside its target
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "replace", full)
    pytester.makepyfile(FINDING_CONTROL)
    result = pytester.runpytest("-p", "no:cacheprovider", f"--junitxml={xml}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.strip()]
    assert errors == [f"ERROR: --junitxml: cannot write {xml}: No space left on device"]
    assert xml.read_text() == "<earlier/>"
    assert not [p for p in pytester.path.rglob("*.tmp")]


@pytest.mark.parametrize(("path", "creates_parents", "problem"), [
    ("dir", False, "is a directory"),
    ("missing/f.json", False, "does not exist"),
    ("missing/deeper/f.xml", True, None),  # pytest and pytest-html create directories
    ("file/f.json", True, "is not a directory"),
    ("/proc/self/f", False, "is under /proc"),
    ("/dev/null", False, "is under /dev"),
    ("ok.json", False, None),
])
def test_path_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str,
                      creates_parents: bool, problem: str | None) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("x")
    found = outputs.path_problem(Path(path), creates_parents=creates_parents)
    assert (found is None) if problem is None else (problem in (found or "")), found


def test_check_paths_names_the_option_and_takes_new_options() -> None:
    """A new output option joins the check with one (option, path, creates_parents) row."""
    outputs.check_paths([("--compliance-json", None, False), ("--x", "ok", False)])
    with pytest.raises(pytest.UsageError, match=r"^--compliance-asff: /proc/f is under /proc"):
        outputs.check_paths([("--compliance-asff", "/proc/f", False)])
