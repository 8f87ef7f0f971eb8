"""pytest's JUnit XML writer, with each finished testcase spooled to a temporary file.

pytest's ``LogXML`` keeps every finished testcase as an ElementTree element until the session
ends (with a control's eight properties, about 3 KB per test: some 80 MB for 27,000 tests, in
the one process that writes the file), then serializes them all at once. ``spool_testcases``
makes the run's ``LogXML`` serialize each testcase as soon as pytest finalizes it and append
the text to an anonymous temporary file. At the end pytest writes its document as usual, with
one small placeholder element where spooled testcases go, and the placeholders are replaced by
the spooled text. ElementTree serializes an element alone exactly as it does inside its
parent (no namespaces, no tails here), so the file's bytes are pytest's own.

Spooling also makes two of pytest's per-report costs unnecessary. A testcase is written as
text straight from its reporter (:func:`testcase_text`: the attributes, properties and child
elements ElementTree would write, escaped by ElementTree's own functions), not built as
elements and serialized; anything but plain, namespace-free elements goes to ElementTree as
before. And a reporter's attributes are not recomputed from each of a test's reports (pytest
parses the node id again for setup, call and teardown) when nothing they depend on changed.

Anything unexpected in pytest's internals (no ``node_reporters``, a reporter not found under
its key) leaves that testcase to pytest: it is kept in memory and written as before. So is a
testcase with namespaced elements (a plugin's), whose declarations ElementTree puts on the
document's root.
"""

from __future__ import annotations

import functools
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import IO, Any

import pytest

TAG = "awscompliance-spooled-testcases"
PLACEHOLDER = re.compile(rb'<' + TAG.encode() + rb' at="(\d+)" size="(\d+)" />')
SPOOLED = "_awscompliance_spooled"  # (offset, size) on a finalized reporter
RECORDED = "_awscompliance_recorded"  # what a reporter's attributes were last computed from
_ABSENT = object()
# ElementTree's own escaping, so that text written here is what it writes (None: not available).
_ESCAPE_ATTRIB = getattr(ET, "_escape_attrib", None)
_ESCAPE_CDATA = getattr(ET, "_escape_cdata", None)


def _plain_name(name: object) -> bool:
    """A tag or attribute name ElementTree writes as it is (no namespace to declare)."""
    return type(name) is str and "{" not in name


def _start_tag(out: list[str], tag: object, attrib: dict[Any, Any]) -> bool:
    """Append ``<tag a="v" ...`` to ``out``; False if only ElementTree can write it."""
    if not _plain_name(tag) or _ESCAPE_ATTRIB is None:
        return False
    out.append("<" + tag)  # type: ignore[operator]
    for name, value in attrib.items():
        if not _plain_name(name) or type(value) is not str:
            return False
        out.append(f' {name}="{_ESCAPE_ATTRIB(value)}"')
    return True


def _element(out: list[str], element: Any) -> bool:
    """Append a childless element as ``ET.tostring`` writes it; False if only ET can."""
    text = element.text
    if not isinstance(element, ET.Element) or len(element) or element.tail \
            or (text is not None and type(text) is not str) or _ESCAPE_CDATA is None \
            or not _start_tag(out, element.tag, element.attrib):
        return False
    out.append(f">{_ESCAPE_CDATA(text)}</{element.tag}>" if text else " />")
    return True


def testcase_text(attrs: dict[str, str], duration: float, properties: list[tuple[str, str]],
                  nodes: list[Any]) -> str | None:
    """The ``<testcase>`` a pytest reporter with this state makes, as ``ET.tostring`` writes
    it (``_NodeReporter.to_xml``: its attributes then ``time``, its properties, its child
    elements); ``None`` when one of them is more than a plain element, for ElementTree."""
    out: list[str] = []
    escape = _ESCAPE_ATTRIB
    if escape is None or not _start_tag(out, "testcase", {**attrs, "time": f"{duration:.3f}"}):
        return None
    if not properties and not nodes:
        out.append(" />")
        return "".join(out)
    out.append(">")
    if properties:
        out.append("<properties>")
        for name, value in properties:  # attribute values: only their type matters
            if type(name) is not str or type(value) is not str:
                return None
            out.append(f'<property name="{escape(name)}" value="{escape(value)}" />')
        out.append("</properties>")
    for node in nodes:
        if not _element(out, node):
            return None
    out.append("</testcase>")
    return "".join(out)


def _reporter_text(reporter: Any) -> str | ET.Element:
    """What replaces a reporter's ``to_xml`` while pytest finalizes it: its testcase as text,
    or as pytest's element when only ElementTree can write it."""
    state = vars(reporter)
    text = testcase_text(state["attrs"], state["duration"], state["properties"], state["nodes"])
    return type(reporter).to_xml(reporter) if text is None else text


def namespaced(element: ET.Element) -> bool:
    """Whether ElementTree declares namespaces for ``element``: it declares them on the
    document's root, so such a testcase is not written alone."""
    def qualified(name: object) -> bool:
        return isinstance(name, ET.QName) or (isinstance(name, str) and name[:1] == "{")

    return any(qualified(node.tag) or isinstance(node.text, ET.QName)
               or any(qualified(k) or isinstance(v, ET.QName) for k, v in node.items())
               for node in element.iter())


class _Placeholder:
    """Stands for a run of spooled testcases in ``node_reporters_ordered`` while pytest
    writes its document."""

    def __init__(self, at: int, size: int) -> None:
        self.at, self.size = at, size

    def to_xml(self) -> ET.Element:
        return ET.Element(TAG, at=str(self.at), size=str(self.size))


def _add_span(ordered: list[Any], at: int, size: int) -> None:
    """Add ``size`` spooled bytes at ``at`` to the end of ``ordered``: the placeholder there
    grows when they follow it, else a new one stands for them."""
    last = ordered[-1] if ordered else None
    if isinstance(last, _Placeholder) and last.at + last.size == at:
        last.size += size
    else:
        ordered.append(_Placeholder(at, size))


class TestcaseSpool:
    """Wraps one ``LogXML`` instance's ``finalize`` and ``pytest_sessionfinish``."""

    def __init__(self, xml: Any) -> None:
        self.xml = xml
        self.file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115 - closed at the end
            prefix="awscompliance-junit-")
        self.size = 0
        self._finalize = xml.finalize
        self._write = xml.pytest_sessionfinish

    def opentestcase(self, report: Any) -> Any:
        """pytest's ``LogXML._opentestcase``, without recomputing a reporter's attributes from
        a report that changes nothing they depend on.

        ``record_testreport`` sets them from the report's node id, location and ``url`` and
        the attributes already there (user ones kept), and applying it again to its own result
        changes nothing; so it is skipped while those inputs and the attributes it left are
        the same (a ``record_xml_attribute`` call in between changes the attributes: it runs).
        """
        reporter = self.xml.node_reporter(report)
        made_from = (report.nodeid, report.location, getattr(report, "url", _ABSENT))
        last = getattr(reporter, RECORDED, None)
        if last is None or last[0] != made_from or last[1] != tuple(reporter.attrs.items()):
            reporter.record_testreport(report)
            setattr(reporter, RECORDED, (made_from, tuple(reporter.attrs.items())))
        return reporter

    def finalize(self, report: pytest.TestReport) -> None:
        key = (getattr(report, "id", report.nodeid), getattr(report, "node", None))
        reporter = self.xml.node_reporters.get(key)
        if reporter is not None:  # pytest's finalize calls it, for text instead of elements
            reporter.to_xml = functools.partial(_reporter_text, reporter)
        self._finalize(report)
        if reporter is None:
            return
        if key in self.xml.node_reporters:  # not finalized after all: pytest's to_xml again
            vars(reporter).pop("to_xml", None)
            return
        made = reporter.to_xml()
        if not isinstance(made, str):
            if namespaced(made):
                return  # kept in memory: pytest writes it with the document
            made = ET.tostring(made, encoding="unicode")
        text = made.encode("utf-8")
        self.file.write(text)
        reporter.__dict__.clear()  # pytest's closure over the element goes with it
        self._spooled(reporter, self.size, len(text))
        self.size += len(text)

    def _spooled(self, reporter: Any, at: int, size: int) -> None:
        """Mark ``reporter`` spooled at ``at``. When it is the last in pytest's order (a run
        without xdist, where each test's reporter is made after the one before is finished)
        it is replaced there by a placeholder, or the placeholder before it grows: 27,830
        reporters are not kept to the end to stand for their own bytes."""
        ordered = self.xml.node_reporters_ordered
        if not ordered or ordered[-1] is not reporter:
            setattr(reporter, SPOOLED, (at, size))
            return
        ordered.pop()
        _add_span(ordered, at, size)

    def ordered_with_placeholders(self) -> list[Any]:
        """pytest's reporters in order, each run of contiguous spooled ones as one placeholder."""
        out: list[Any] = []
        for reporter in self.xml.node_reporters_ordered:
            if isinstance(reporter, _Placeholder):  # replaced as it was spooled
                _add_span(out, reporter.at, reporter.size)
                continue
            spooled = getattr(reporter, SPOOLED, None)
            if spooled is None:
                out.append(reporter)
            else:
                _add_span(out, *spooled)
        return out

    def pytest_sessionfinish(self) -> None:
        ordered = self.xml.node_reporters_ordered
        self.xml.node_reporters_ordered = self.ordered_with_placeholders()
        try:
            self._write()
        finally:
            self.xml.node_reporters_ordered = ordered
        self.file.flush()
        splice(Path(self.xml.logfile), self.file)
        self.file.close()


def splice(path: Path, spool: IO[bytes]) -> None:
    """Rewrite ``path`` with every placeholder replaced by its bytes from ``spool``."""
    written = path.read_bytes()
    with path.open("wb") as out:
        start = 0
        for match in PLACEHOLDER.finditer(written):
            out.write(written[start:match.start()])
            at, size = int(match[1]), int(match[2])
            spool.seek(at)
            while size:
                chunk = spool.read(min(size, 1 << 20))
                if not chunk:
                    raise OSError(f"JUnit spool ended early at byte {at}")
                out.write(chunk)
                size -= len(chunk)
            start = match.end()
        out.write(written[start:])


def spool_testcases(config: pytest.Config) -> TestcaseSpool | None:
    """Make this run's JUnit writer (if any) spool finished testcases; ``None`` if it can't."""
    from _pytest.junitxml import LogXML, xml_key

    xml = config.stash.get(xml_key, None)
    if not isinstance(xml, LogXML) or not hasattr(xml, "node_reporters") \
            or not hasattr(xml, "node_reporters_ordered"):
        return None
    config.pluginmanager.unregister(xml)  # pluggy reads the hook methods at registration
    spool = install(xml)
    config.pluginmanager.register(xml)
    return spool


def install(xml: Any) -> TestcaseSpool:
    """Make one ``LogXML`` (not registered as a plugin at that moment) spool its testcases."""
    spool = TestcaseSpool(xml)
    xml.finalize = spool.finalize
    xml.pytest_sessionfinish = spool.pytest_sessionfinish
    if _records_as_expected(xml):
        xml._opentestcase = spool.opentestcase
    return spool


def _records_as_expected(xml: Any) -> bool:
    """pytest's parts that ``TestcaseSpool.opentestcase`` calls, standing in for
    ``LogXML._opentestcase`` (``node_reporter`` then ``record_testreport``), are there."""
    from _pytest.junitxml import _NodeReporter

    return all(callable(getattr(owner, name, None)) for owner, name in (
        (xml, "_opentestcase"), (xml, "node_reporter"), (_NodeReporter, "record_testreport")))
