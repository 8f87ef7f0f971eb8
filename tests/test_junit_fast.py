"""The JUnit spool writes testcases itself: byte for byte what pytest's own writer writes.

Generated runs (outcomes, captured output, properties, attributes, hostile text, every
``junit_logging``, ``junit_family`` and prefix, xdist's interleaved reports) are fed to two
``LogXML`` writers, pytest's and a spooled one, and the two files compared.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from _pytest.junitxml import LogXML
from _pytest.reports import TestReport
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_awscompliance.reporting import junit

HOSTILE = ("]]>", "]]><![CDATA[x", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\ufffe", "\uffff",
           "\ud7ff", "\U0001f600", '"', "'", "&", "<", ">", "&amp;", "&#10;", "\r\n",
           "\r", "\t", "-->", "<!--", "{urn:x}", "ümlaut", "名前")


def joined(pieces: st.SearchStrategy[str], *, min_size: int = 0,
           max_size: int) -> st.SearchStrategy[str]:
    return st.lists(pieces, min_size=min_size, max_size=max_size).map("".join)


TEXT = joined(st.characters(codec="utf-8") | st.sampled_from(HOSTILE), max_size=30)
"""What messages, captured output and property values carry (control characters too)."""
ANY_TEXT = TEXT | joined(st.characters() | st.just("\udc80"), max_size=20)
"""Text as a test can make it: lone surrogates as well (escaped where pytest escapes)."""
NAME = joined(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
              | st.sampled_from(("<", ">", "&", '"', "]]>", "-", ".")),
              min_size=1, max_size=10).filter(
    lambda name: "::" not in name and "[" not in name and "/" not in name)
"""A test function's name in a node id."""
VALUE = ANY_TEXT | st.integers() | st.floats(allow_nan=False) | st.none()
KINDS = ("passed", "failed", "skipped", "setup-skipped", "setup-error", "teardown-error",
         "failed-and-teardown-error", "xfail", "xpass-strict", "xpass")


class Longrepr:
    """A failure representation with a crash line, as pytest's ``ExceptionChainRepr``."""

    def __init__(self, message: str, text: str) -> None:
        self.reprcrash = SimpleNamespace(message=message)
        self.text = text

    def __str__(self) -> str:
        return self.text


@dataclass
class Case:
    name: str
    params: str | None
    kind: str
    longrepr: Any
    reason: str
    sections: list[tuple[str, str]]
    user_properties: list[tuple[Any, Any]]
    attributes_before: list[tuple[str, str]]
    attributes_between: list[tuple[str, str]]
    durations: tuple[float, float, float]
    url: str | None
    line: int | None
    url_on: str = "all"
    worker: int = 0


SECTION = st.tuples(st.sampled_from(("Captured stdout call", "Captured stderr call",
                                     "Captured log call", "Captured stdout setup",
                                     "Captured stderr teardown", "Captured log teardown")),
                    ANY_TEXT)
ATTRIBUTE = st.tuples(st.sampled_from(("name", "classname", "file", "line", "time", "url",
                                       "custom")), ANY_TEXT)
LONGREPR = ANY_TEXT | st.builds(Longrepr, ANY_TEXT | st.text("ab\n", min_size=501,
                                                             max_size=600), ANY_TEXT)
DURATION = st.floats(min_value=0, max_value=1e4, allow_nan=False)

CASE = st.builds(
    Case, name=NAME, params=st.none() | st.text(st.characters(codec="utf-8"), max_size=12),
    kind=st.sampled_from(KINDS), longrepr=LONGREPR,
    reason=ANY_TEXT | st.sampled_from(("reason: waived", "Skipped: gone")),
    sections=st.lists(SECTION, max_size=3),
    user_properties=st.lists(st.tuples(TEXT | st.integers(), VALUE), max_size=4),
    attributes_before=st.lists(ATTRIBUTE, max_size=2),
    attributes_between=st.lists(ATTRIBUTE, max_size=2),
    durations=st.tuples(DURATION, DURATION, DURATION), url=st.none() | TEXT,
    line=st.none() | st.integers(min_value=0, max_value=10**6),
    url_on=st.sampled_from(("all", "call", "teardown")), worker=st.integers(0, 1))


def reports(case: Case, n: int, node: object | None) -> list[TestReport]:
    """The setup, call and teardown reports pytest makes for ``case``."""
    nodeid = f"tests/sub dir/test_hostile.py::test_{n}_{case.name}"
    if case.params is not None:
        nodeid += f"[{case.params}]"
    location = ("tests/sub dir/test_hostile.py", case.line, f"test_{n}")
    skip = ("tests/sub dir/test_hostile.py", 3, f"Skipped: {case.reason}")
    kind = case.kind
    setup: tuple[str, Any] = ("passed", None)
    call: tuple[str, Any] | None = ("passed", None)
    teardown: tuple[str, Any] = ("passed", None)
    extra: dict[str, Any] = {}
    if kind == "failed":
        call = ("failed", case.longrepr)
    elif kind == "skipped":
        call = ("skipped", skip)
    elif kind == "setup-skipped":
        setup, call = ("skipped", skip), None
    elif kind == "setup-error":
        setup, call = ("failed", case.longrepr), None
    elif kind == "teardown-error":
        teardown = ("failed", case.longrepr)
    elif kind == "failed-and-teardown-error":
        call, teardown = ("failed", case.longrepr), ("failed", Longrepr("td", "teardown"))
    elif kind == "xfail":
        call, extra = ("skipped", None), {"wasxfail": case.reason}
    elif kind == "xpass-strict":
        call, extra = ("failed", f"[XPASS(strict)] {case.reason}"), {"wasxfail": case.reason}
    elif kind == "xpass":
        extra = {"wasxfail": case.reason}
    common: dict[str, Any] = {}
    if node is not None:
        common.update(node=node, worker_id=f"gw{case.worker}", item_index=n)
    made = []
    for i, (when, phase) in enumerate([("setup", setup), ("call", call),
                                       ("teardown", teardown)]):
        if phase is None:
            continue
        own = {**common, **(extra if when == "call" else {})}
        if case.url is not None and case.url_on in ("all", when):  # a plugin's url attribute
            own["url"] = case.url
        made.append(TestReport(nodeid, location, {}, phase[0], phase[1], when,
                               sections=case.sections, duration=case.durations[i],
                               user_properties=case.user_properties, **own))
    return made


@dataclass
class Run:
    cases: list[Case]
    family: str
    logging: str
    log_passing_tests: bool
    report_duration: str
    prefix: str | None
    suite_name: str
    global_properties: list[tuple[str, Any]]
    xdist: bool
    interleaving: list[bool]


RUN = st.builds(
    Run, cases=st.lists(CASE, min_size=1, max_size=6),
    family=st.sampled_from(("xunit1", "xunit2", "legacy")),
    logging=st.sampled_from(("no", "log", "system-out", "system-err", "out-err", "all")),
    log_passing_tests=st.booleans(), report_duration=st.sampled_from(("total", "call")),
    prefix=st.none() | TEXT, suite_name=TEXT,
    global_properties=st.lists(st.tuples(TEXT, VALUE), max_size=2), xdist=st.booleans(),
    interleaving=st.lists(st.booleans(), max_size=30))


def events(run: Run) -> list[tuple[str, Any, Any]]:
    """The run's reports in the order ``LogXML`` sees them, with the ``record_xml_attribute``
    calls a test makes before its call and before its teardown."""
    nodes = [object(), object()] if run.xdist else [None, None]
    streams: list[list[tuple[str, Any, Any]]] = [[], []]
    for n, case in enumerate(run.cases):
        stream = streams[case.worker if run.xdist else 0]
        made = reports(case, n, nodes[case.worker])
        for report in made:
            if report.when == "call" or (report.when == "teardown" and len(made) == 2):
                stream.extend(("attribute", made[0], a) for a in case.attributes_before)
            if report.when == "teardown":
                stream.extend(("attribute", made[0], a) for a in case.attributes_between)
            stream.append(("report", report, None))
    ordered: list[tuple[str, Any, Any]] = []
    choices = iter(run.interleaving)
    while streams[0] or streams[1]:
        side = next(choices, False) if streams[0] and streams[1] else bool(streams[1])
        ordered.append(streams[side].pop(0))
    return ordered


SUITE_CLOCK = re.compile(rb' time="[0-9.]+" timestamp="[^"]*"')


def write(path: Path, run: Run, *, spooled: bool) -> bytes:
    xml = LogXML(str(path), run.prefix, run.suite_name, run.logging,  # type: ignore[arg-type]
                 run.report_duration, run.family, run.log_passing_tests)  # type: ignore[arg-type]
    if spooled:
        junit.install(xml)
    xml.pytest_sessionstart()
    for name, value in run.global_properties:
        xml.add_global_property(name, value)
    for what, report, attribute in events(run):
        if what == "report":
            xml.pytest_runtest_logreport(report)
        else:
            xml.node_reporter(report).add_attribute(*attribute)
    xml.pytest_sessionfinish()
    return SUITE_CLOCK.sub(b' time="-" timestamp="-"', path.read_bytes())


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(run=RUN)
def test_same_bytes_as_pytests_writer_for_generated_runs(tmp_path: Path, run: Run) -> None:
    plain = write(tmp_path / "plain.xml", run, spooled=False)
    spooled = write(tmp_path / "spooled.xml", run, spooled=True)
    assert spooled == plain
    # One testcase per test, two for a failure with a teardown error (a prefix or suite name
    # with control characters makes the file invalid XML: counted, not parsed).
    assert plain.count(b"<testcase ") == len(run.cases) + sum(
        case.kind == "failed-and-teardown-error" for case in run.cases)


def element(tag: str, attrib: dict[str, Any], text: Any) -> ET.Element:
    made = ET.Element(tag, attrib)
    made.text = text
    return made


PLAIN_NODE = st.builds(element, st.sampled_from(("failure", "error", "skipped", "system-out",
                                                 "system-err")),
                       st.dictionaries(st.sampled_from(("message", "type", "x")), ANY_TEXT,
                                       max_size=2),
                       st.none() | ANY_TEXT)


def odd_node(kind: str) -> ET.Element:
    """An element only ElementTree writes (a plugin may append one to a reporter)."""
    if kind == "child":
        made = ET.Element("failure", message="m")
        ET.SubElement(made, "detail").text = "<d>"
        return made
    if kind == "namespace":
        return ET.Element("{urn:example}extra", {"{urn:example}at": "v"})
    if kind == "tail":
        made = ET.Element("system-out")
        made.tail = "after & <then>"
        return made
    return ET.Comment(" a comment & more ")


@given(attrs=st.dictionaries(st.sampled_from(("classname", "name", "file", "line", "url",
                                              "time", "t")),
                             ANY_TEXT, max_size=5),
       duration=DURATION, properties=st.lists(st.tuples(ANY_TEXT, ANY_TEXT), max_size=4),
       nodes=st.lists(PLAIN_NODE, max_size=4),
       odd=st.none() | st.sampled_from(("child", "namespace", "tail", "comment")))
@settings(max_examples=500, deadline=None)
def test_testcase_text_is_elementtrees(attrs: dict[str, str], duration: float,
                                       properties: list[tuple[str, str]],
                                       nodes: list[ET.Element], odd: str | None) -> None:
    if odd is not None:
        nodes = [*nodes, odd_node(odd)]
    testcase = ET.Element("testcase", attrs, time=f"{duration:.3f}")
    if properties:
        holder = ET.SubElement(testcase, "properties")
        for name, value in properties:
            ET.SubElement(holder, "property", name=name, value=value)
    testcase.extend(nodes)
    text = junit.testcase_text(attrs, duration, properties, nodes)
    if odd is None:
        assert text == ET.tostring(testcase, encoding="unicode")
    else:
        assert text is None  # left to ElementTree


def one_test_run(kind: str, family: str, **overrides: Any) -> Run:
    case = Case(name="t", params="a-<b>", kind=kind, longrepr=Longrepr("m <1>", "long & 1"),
                reason="why", sections=[("Captured stdout call", "out ]]> \x07")],
                user_properties=[("team", "a")], attributes_before=[], attributes_between=[],
                durations=(0.1, 0.2, 0.3), url=None, line=4)
    for name, value in overrides.items():
        setattr(case, name, value)
    return Run(cases=[case], family=family, logging="all", log_passing_tests=True,
               report_duration="total", prefix=None, suite_name="pytest", global_properties=[],
               xdist=False, interleaving=[])


@pytest.mark.parametrize("family", ["xunit1", "xunit2"])
def test_attributes_recorded_between_reports_are_what_pytest_makes(tmp_path: Path,
                                                                    family: str) -> None:
    # The reporter's attributes are computed again after record_xml_attribute: xunit2
    # drops an attribute recorded after the call, xunit1 keeps it; name set in between wins.
    run = one_test_run("passed", family, attributes_before=[("custom", "before")],
                       attributes_between=[("late", "<x>"), ("name", "renamed")])
    plain = write(tmp_path / "plain.xml", run, spooled=False)
    assert write(tmp_path / "spooled.xml", run, spooled=True) == plain
    case = ET.fromstring(plain).find("testsuite/testcase")
    assert case is not None and case.get("name") == "renamed"
    assert (case.get("late"), case.get("custom")) == (
        ("<x>", "before") if family == "xunit1" else (None, None))


def test_attributes_are_computed_once_per_testcase(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from _pytest.junitxml import _NodeReporter

    calls: list[str] = []
    record = _NodeReporter.record_testreport

    def counted(self: Any, report: Any) -> None:
        calls.append(report.when)
        record(self, report)

    monkeypatch.setattr(_NodeReporter, "record_testreport", counted)
    run = one_test_run("failed", "xunit2")
    write(tmp_path / "plain.xml", run, spooled=False)
    assert calls == ["call", "teardown"]
    calls.clear()
    write(tmp_path / "spooled.xml", run, spooled=True)
    assert calls == ["call"]


def test_what_only_elementtree_writes_goes_to_elementtree(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from _pytest.junitxml import _NodeReporter

    append_pass = _NodeReporter.append_pass

    def with_extra(self: Any, report: Any) -> None:  # a plugin appending its own element
        append_pass(self, report)
        self.nodes.append(odd_node("child"))
        self.nodes.append(odd_node("namespace"))

    monkeypatch.setattr(_NodeReporter, "append_pass", with_extra)
    run = one_test_run("passed", "xunit1")
    run.cases.append(one_test_run("failed", "xunit1", name="u").cases[0])
    plain = write(tmp_path / "plain.xml", run, spooled=False)
    assert write(tmp_path / "spooled.xml", run, spooled=True) == plain
    assert b"<detail>&lt;d&gt;</detail>" in plain
    # The namespace is declared on the document's root: that testcase is not written alone.
    assert plain.startswith(b'<?xml version="1.0" encoding="utf-8"?><testsuites '
                            b'xmlns:ns0="urn:example"')


def test_without_elementtrees_escaping_elementtree_writes(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(junit, "_ESCAPE_ATTRIB", None)
    assert junit.testcase_text({"name": "a"}, 0.0, [], []) is None
    run = one_test_run("failed", "xunit2")
    assert write(tmp_path / "spooled.xml", run, spooled=True) \
        == write(tmp_path / "plain.xml", run, spooled=False)


def test_a_writer_without_pytests_internals_keeps_its_own_testcase_opening() -> None:
    writer = SimpleNamespace(finalize=lambda report: None, pytest_sessionfinish=lambda: None,
                             _opentestcase=lambda report: None)
    opener = writer._opentestcase
    spool = junit.install(writer)  # no node_reporter: pytest's way of opening stays
    assert writer._opentestcase is opener and writer.finalize == spool.finalize
    spool.file.close()
